"""One self-contained HTML report: hottest dyads, sparklines, movers, alerts and evidence.

No network and no JavaScript: CSS is inline, sparklines are SVG drawn here, and every piece of
article text is HTML-escaped (it is untrusted input).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tension.batch._index import FREQS, _smooth, aggregate, format_event

__all__ = ["build_report"]

log = logging.getLogger(__name__)

MOVER_LAG = {"D": 7, "W": 4, "M": 3}  # periods over which "biggest movers" are measured
SPARK_PERIODS = {"D": 90, "W": 52, "M": 36}
EVIDENCE_PER_DYAD = 4

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
margin:24px auto;max-width:1100px;color:#1d2330;background:#fff;line-height:1.4}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 8px;
border-bottom:2px solid #e3e6ec;padding-bottom:4px}
.meta{color:#5a6270;font-size:.9em}table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eceef2;vertical-align:middle}
th{color:#5a6270;font-weight:600;font-size:.85em;text-transform:uppercase;letter-spacing:.03em}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.dyad{white-space:nowrap;font-weight:700;font-family:ui-monospace,Menlo,Consolas,monospace}
.lvl{display:inline-block;min-width:2.6em;text-align:center;border-radius:4px;padding:1px 5px;
font-weight:700}.l0{background:#d8f0dc}.l1{background:#eef3c8}.l2{background:#fde7b0}
.l3{background:#f9c49a}.l4{background:#f19a8e}
.up{color:#b3261e}.down{color:#1b7f3b}.band{color:#7a8290;font-size:.85em}
.ev{margin:0 0 14px}.ev h3{font-size:1em;margin:14px 0 6px}
.ev li{margin:0 0 6px}.ev .tag{font-size:.8em;color:#5a6270}
mark{background:#ffe58a;padding:0 2px;border-radius:2px}
.alert{color:#b3261e;font-weight:600}.note{font-size:.85em;color:#5a6270;max-width:80ch}
svg{vertical-align:middle}
"""


def _level_class(value: float) -> str:
    if not np.isfinite(value):
        return "l1"
    return f"l{min(int(value // 25), 4)}"


def sparkline(
    values: np.ndarray,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
    alerts: np.ndarray | None = None,
    width: int = 160,
    height: int = 34,
    colour: str = "#2f5fa7",
) -> str:
    """An inline SVG of a 0-100 series (fixed scale, so dyads compare), band and alert dots."""
    v = np.asarray(values, dtype=float)
    m = len(v)
    if m == 0 or not np.isfinite(v).any():
        return f'<svg width="{width}" height="{height}" role="img" aria-label="no data"></svg>'
    pad = 2.0
    xs = np.linspace(pad, width - pad, m) if m > 1 else np.array([width / 2.0])

    def y(a: np.ndarray) -> np.ndarray:
        return pad + (height - 2 * pad) * (1.0 - np.clip(a, 0, 100) / 100.0)

    ok = np.isfinite(v)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="index sparkline">',
        f'<line x1="0" x2="{width}" y1="{y(np.array([50.0]))[0]:.1f}" '
        f'y2="{y(np.array([50.0]))[0]:.1f}" stroke="#d5d9e0" stroke-dasharray="2,2"/>',
    ]
    if lower is not None and upper is not None:
        lo, hi = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
        okb = ok & np.isfinite(lo) & np.isfinite(hi)
        if okb.sum() > 1:
            top = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs[okb], y(hi[okb]), strict=True))
            bot = " ".join(
                f"{a:.1f},{b:.1f}" for a, b in zip(xs[okb][::-1], y(lo[okb])[::-1], strict=True)
            )
            parts.append(f'<polygon points="{top} {bot}" fill="{colour}" fill-opacity="0.18"/>')
    pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs[ok], y(v[ok]), strict=True))
    parts.append(
        f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.6" '
        'stroke-linejoin="round"/>'
    )
    if alerts is not None:
        al = np.asarray(alerts, dtype=bool) & ok
        for a, b in zip(xs[al], y(v[al]), strict=True):
            parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.6" fill="#c0392b"/>')
    last = np.flatnonzero(ok)[-1]
    parts.append(f'<circle cx="{xs[last]:.1f}" cy="{y(v[last:last + 1])[0]:.1f}" r="2.2" '
                 f'fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _trigger_span(item: dict[str, Any], sentence: str) -> tuple[int, int] | None:
    """Where the trigger sits in the evidence sentence, from whichever fields the row has."""
    trig = item.get("trigger")
    if isinstance(trig, str) and trig.strip():
        i = sentence.lower().find(trig.lower())
        if i >= 0:
            return i, i + len(trig)
    pairs = (("trigger_start", "trigger_end", 0), ("start", "end", item.get("sentence_start")))
    for a_key, b_key, base in pairs:
        a, b = item.get(a_key), item.get(b_key)
        if base is None and a_key == "start":
            continue  # article offsets without the sentence's own offset cannot be mapped
        try:
            s, e = int(a) - int(base or 0), int(b) - int(base or 0)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue
        if 0 <= s < e <= len(sentence):
            return s, e
    return None


def highlight(item: dict[str, Any]) -> str:
    """The evidence sentence as escaped HTML with its trigger in ``<mark>``."""
    sentence = str(item.get("sentence") or "")
    span = _trigger_span(item, sentence)
    if span is None:
        return escape(sentence)
    s, e = span
    return f"{escape(sentence[:s])}<mark>{escape(sentence[s:e])}</mark>{escape(sentence[e:])}"


def _fmt(x: Any, digits: int = 0) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return "-"
    return "-" if not np.isfinite(f) else f"{f:.{digits}f}"


def build_report(
    scores: pd.DataFrame | str | os.PathLike[str],
    output: str | os.PathLike[str],
    freq: str = "D",
    half_life: float = 7.0,
    top: int = 15,
    alert_z: float = 3.0,
    title: str | None = None,
) -> Path:
    """Write the HTML report of a scores table (or file, streamed) to ``output``."""
    agg = aggregate(scores, freq=freq)
    index = _smooth(agg, half_life=half_life, min_articles=1, alert_z=alert_z)
    html = _render(index, agg.evidence, agg, freq, half_life, top, title, scores)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(html)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("report: %d dyads -> %s", index["dyad"].nunique() if len(index) else 0, out)
    return out


def _render(
    index: pd.DataFrame,
    evidence: dict[tuple[str, int], list[dict[str, Any]]],
    agg: Any,
    freq: str,
    half_life: float,
    top: int,
    title: str | None,
    source: Any,
) -> str:
    name = title or "Dyad tension report"
    src = "a DataFrame" if isinstance(source, pd.DataFrame) else Path(source).name
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    body: list[str] = [f"<h1>{escape(name)}</h1>"]
    if index.empty:
        body.append(f'<p class="meta">No dated, scored dyad rows in {escape(src)} '
                    f"({agg.rows} rows read).</p>")
        return _page(name, body)
    periods = sorted(index["period"].unique())
    body.append(
        f'<p class="meta">{escape(src)}: {agg.rows:,} rows, {index["dyad"].nunique()} dyads, '
        f'{int(index["n_stories"].sum()):,} stories, {escape(periods[0])} to '
        f"{escape(periods[-1])} (period {escape(freq)}, half-life {half_life:g}). "
        f"Generated {now}.</p>"
    )
    lag = MOVER_LAG[freq]
    spark_n = SPARK_PERIODS[freq]
    latest = index.groupby("dyad", sort=False).tail(1).set_index("dyad")
    by_dyad = {d: g.reset_index(drop=True) for d, g in index.groupby("dyad", sort=False)}
    recent_cut = periods[max(0, len(periods) - lag)]

    # Rank by current support: a dyad with stories in the last `lag` periods outranks one whose
    # value is carried forward from an old story (its band is wide and says little about now).
    recent_n = {d: int(g.loc[g["period"] >= recent_cut, "n_stories"].sum())
                for d, g in by_dyad.items()}
    last_story = {d: (str(g.loc[g["n_stories"] > 0, "period"].iloc[-1])
                      if (g["n_stories"] > 0).any() else "-") for d, g in by_dyad.items()}
    live = pd.Series({d: recent_n[str(d)] > 0 for d in latest.index})
    hottest = (latest.assign(_live=live).sort_values(["_live", "index"], ascending=False)
               .head(top))
    body.append(f"<h2>Hottest dyads (latest index, {escape(periods[-1])})</h2>")
    body.append(
        f'<p class="meta">Dyads with stories in the last {lag} periods come first; a dyad marked '
        "<em>quiet</em> has none, and its value is carried from its last story.</p>"
    )
    body.append(
        "<table><tr><th>#</th><th>dyad</th><th>index</th><th>95% band</th>"
        f"<th>last {spark_n} periods</th><th>change ({lag})</th><th>stories ({lag})</th>"
        "<th>last story</th><th>last alert</th></tr>"
    )
    changes: dict[str, float] = {}
    for d, g in by_dyad.items():
        prev = g["index"].iloc[-1 - lag] if len(g) > lag else np.nan
        changes[d] = float(g["index"].iloc[-1] - prev)
    for rank, (d, row) in enumerate(hottest.iterrows(), 1):
        g = by_dyad[str(d)]
        tail = g.tail(spark_n)
        spark = sparkline(tail["index"].to_numpy(), tail["lower"].to_numpy(),
                          tail["upper"].to_numpy(), tail["alert"].to_numpy())
        recent = recent_n[str(d)]
        quiet = "" if recent else ' <span class="band">quiet</span>'
        alerts = g[g["alert"]]
        last_alert = (
            f'<span class="alert">{escape(alerts["period"].iloc[-1])}</span> '
            f'{escape(alerts["alert_reason"].iloc[-1])}' if len(alerts) else "-"
        )
        body.append(
            f'<tr><td class="num">{rank}</td><td class="dyad">{escape(str(d))}{quiet}</td>'
            f'<td><span class="lvl {_level_class(row["index"])}">{_fmt(row["index"])}</span></td>'
            f'<td class="band">{_fmt(row["lower"])}-{_fmt(row["upper"])}</td><td>{spark}</td>'
            f"<td class=\"num\">{_delta(changes[str(d)])}</td><td class=\"num\">{recent}</td>"
            f"<td>{escape(last_story[str(d)])}</td><td>{last_alert}</td></tr>"
        )
    body.append("</table>")

    moves = pd.Series(changes).dropna()
    body.append(f"<h2>Biggest movers (change over the last {lag} periods)</h2>")
    if moves.empty:
        body.append('<p class="meta">Not enough history to measure change.</p>')
    else:
        body.append("<table><tr><th>dyad</th><th>change</th><th>now</th><th>trend</th></tr>")
        movers = moves.reindex(moves.abs().sort_values(ascending=False).index).head(10)
        for d, ch in movers.items():
            g = by_dyad[str(d)].tail(spark_n)
            body.append(
                f'<tr><td class="dyad">{escape(str(d))}</td><td class="num">{_delta(ch)}</td>'
                f'<td class="num">{_fmt(g["index"].iloc[-1])}</td>'
                f'<td>{sparkline(g["index"].to_numpy(), alerts=g["alert"].to_numpy())}</td></tr>'
            )
        body.append("</table>")

    alerts = index[index["alert"]].sort_values("period", ascending=False).head(25)
    body.append("<h2>Recent alerts</h2>")
    if alerts.empty:
        body.append('<p class="meta">No period jumped beyond what its history explains.</p>')
    else:
        body.append("<table><tr><th>period</th><th>dyad</th><th>why</th><th>top event</th></tr>")
        for _, a in alerts.iterrows():
            top_ev = str(a["top_events"] or "").split(" | ")[0]
            body.append(
                f'<tr><td>{escape(str(a["period"]))}</td><td class="dyad">{escape(a["dyad"])}</td>'
                f'<td>{escape(a["alert_reason"])}</td><td>{escape(top_ev)}</td></tr>'
            )
        body.append("</table>")

    body.append("<h2>Evidence behind the hottest dyads</h2>")
    pfreq = FREQS[freq]
    per_dyad: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for (dy, o), evs in evidence.items():
        per_dyad.setdefault(dy, []).extend((o, e) for e in evs)
    for d in hottest.index:
        items = per_dyad.get(str(d), [])
        items.sort(key=lambda oe: (-oe[0], -oe[1]["score"]))
        items = sorted(items[: 4 * EVIDENCE_PER_DYAD], key=lambda oe: -oe[1]["score"])
        body.append(f'<div class="ev"><h3 class="dyad">{escape(str(d))}</h3>')
        if not items:
            body.append('<p class="meta">No evidence sentences in the scores.</p></div>')
            continue
        body.append("<ul>")
        shown: set[str] = set()
        for o, e in items:
            key = " ".join(str(e.get("sentence", "")).split()).lower()
            if key in shown:
                continue  # the same sentence from another copy or day says nothing new
            shown.add(key)
            if len(shown) > EVIDENCE_PER_DYAD:
                break
            when = pd.Period(ordinal=o, freq=pfreq).start_time.strftime("%Y-%m-%d")
            head = format_event({**e, "sentence": ""})
            body.append(
                f'<li><span class="tag">{escape(when)} &middot; {escape(head)} &middot; '
                f'score {_fmt(e.get("score"))} &middot; {escape(str(e.get("article_id", "")))}'
                f"</span><br>{highlight(e)}</li>"
            )
        body.append("</ul></div>")

    body.append(
        '<h2>How to read this</h2><p class="note">Scores are 0-100 (25 x the expected level: '
        "0 cooperative, 1 routine, 2 verbal hostility, 3 coercion or threats of force, 4 use "
        "of force). Wire copies count once. The index is a decayed mean of story scores "
        f"(weight 0.5<sup>age/{half_life:g}</sup>); periods without coverage keep the last "
        "value while the band (index &plusmn; 1.96 &sigma;/&radic;W, W the decayed story "
        "count) widens. An alert marks a change whose robust z-score against recent changes "
        "and sampling noise is 3 or more.</p>"
    )
    return _page(name, body)


def _delta(x: float) -> str:
    if not np.isfinite(x):
        return "-"
    cls = "up" if x > 0.5 else ("down" if x < -0.5 else "")
    return f'<span class="{cls}">{x:+.1f}</span>'


def _page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
