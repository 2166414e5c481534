"""`tension report`: one self-contained, escaped HTML file that a real browser renders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pandas as pd
import pytest
from test_index import _quiet_then_strike, _row

from tension.batch._report import build_report, highlight, sparkline

PLANTED = 'Envoy said <script>alert("x")</script> & <img src=x onerror=1> they will strike back'


def _scores():
    other = [_row(f"b{d}", "IND-PAK", 40.0 + 30 * (15 < d < 20), f"2024-01-{d + 1:02d}",
                  signal="threat") for d in range(0, 30, 3)]
    df = pd.concat([_quiet_then_strike(), pd.DataFrame(other)], ignore_index=True)
    ev = [{"signal": "threat", "source": "IND", "target": "PAK", "modality": "threatened",
           "sentence": PLANTED, "trigger": "strike", "start": 500, "end": 506}]
    df.loc[len(df) - 1, "evidence"] = json.dumps(ev)
    return df


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "report.html"
    build_report(_scores(), path)
    return path


def test_sections_and_dyads(report):
    html = report.read_text(encoding="utf-8")
    for text in ("Hottest dyads", "Biggest movers", "Recent alerts", "Evidence", "IRN-PAK",
                 "IND-PAK", "rise of"):
        assert text in html
    assert html.count("<svg") >= 4  # a sparkline per hottest dyad and per mover


def test_article_text_is_escaped(report):
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in html
    assert "<mark>strike</mark> back" in html


def test_self_contained_no_network(report):
    html = report.read_text(encoding="utf-8")
    # the only URL allowed is the SVG namespace, which is a name, not a fetch
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+[^\s\"'<>)]*", html))
    assert urls <= {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(link|script|iframe|img)\b|@import|url\(", html, re.I)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"sentence": "Troops shelled the post.", "trigger": "shelled"},
         "Troops <mark>shelled</mark> the post."),
        ({"sentence": "Troops shelled the post.", "start": 107, "end": 114,
          "sentence_start": 100}, "Troops <mark>shelled</mark> the post."),
        ({"sentence": "Troops shelled the post.", "start": 7, "end": 14},
         "Troops shelled the post."),  # article offsets alone cannot be placed
        ({"sentence": "a <b> c", "trigger": "<b>"}, "a <mark>&lt;b&gt;</mark> c"),
    ],
)
def test_highlight(item, expected):
    assert highlight(item) == expected


def test_sparkline_is_plain_svg():
    flags = [False, False, True, False]
    svg = sparkline([10, 20, 80, 60], [5, 10, 60, 50], [15, 30, 95, 70], flags)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<circle") == 2  # the alert and the latest point
    assert "<polygon" in svg and "<polyline" in svg


def test_empty_scores_still_write_a_page(tmp_path):
    out = build_report(_scores().head(0), tmp_path / "r.html")
    assert "No dated, scored dyad rows" in out.read_text(encoding="utf-8")


def test_cli_report(tmp_path):
    from tension.cli import main

    src = tmp_path / "scores.jsonl"
    _scores().to_json(src, orient="records", lines=True)
    out = tmp_path / "r.html"
    assert main(["report", str(src), "-o", str(out), "--freq", "W"]) == 0
    assert "IRN-PAK" in out.read_text(encoding="utf-8")


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _chromium(*args, tmp_path):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_renders_in_headless_chromium(report, tmp_path):
    import matplotlib.image

    shot = tmp_path / "shot.png"
    run = _chromium(f"--screenshot={shot}", "--window-size=1200,900", report.as_uri(),
                    tmp_path=tmp_path)
    assert shot.is_file(), run.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[0] >= 800 and pixels.shape[1] >= 1100
    ink = (pixels[..., :3].mean(axis=2) < 0.6).mean()  # share of darkish pixels
    assert 0.005 < ink < 0.5, f"page looks blank or broken (ink {ink:.4f})"
    dom = _chromium("--dump-dom", report.as_uri(), tmp_path=tmp_path).stdout
    assert "IRN-PAK" in dom and "IND-PAK" in dom and "Hottest dyads" in dom
    assert "<mark>strike</mark>" in dom
    assert "<script" not in dom.lower()  # the planted tag stayed text


def test_a_quiet_dyad_ranks_below_live_ones_and_says_so(tmp_path):
    """A dyad whose only story is long before the window keeps a carried value; it must not
    outrank a live dyad, and the table says it is quiet and when its last story was."""
    old = [_row("old", "ARM-AZE", 99.0, "2023-06-01", signal="strike")]
    live = [_row(f"l{d}", "IND-PAK", 40.0, f"2024-01-{d + 1:02d}") for d in range(0, 30, 2)]
    path = build_report(pd.DataFrame(old + live), tmp_path / "r.html", freq="D")
    html = path.read_text(encoding="utf-8")
    hot = html.split("Hottest dyads")[1].split("</table>")[0]
    assert hot.index("IND-PAK") < hot.index("ARM-AZE")
    arm = hot[hot.index("ARM-AZE"):].split("</tr>")[0]
    assert "quiet" in arm and "2023-06-01" in arm
    assert "quiet" not in hot[hot.index("IND-PAK"):].split("</tr>")[0]
