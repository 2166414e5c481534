"""Output safety: spreadsheet-safe CSV, escaped HTML, and file names from ids that stay put.

Article ids and text are untrusted: they come from scraped files. These tests push hostile
ids and text through the real `tension score` and `tension report` commands and through the
central file-name helper ``tension.read._write.safe_filename``.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tension._types import TensionError
from tension.read._write import csv_safe, safe_filename, safe_path

ROOT = Path(__file__).resolve().parents[1]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

HOSTILE = [
    ("=HYPERLINK(\"http://x\",\"click\")", "Iran fired missiles at Pakistan on Monday."),
    ("+cmd|' /C calc'!A0", "Pakistan vowed to retaliate against Iran after the strike."),
    ("-2+3", "India and China held talks on the border; China warned India."),
    ("@SUM(1+1)", "=1+1 Russia shelled Ukraine overnight, Ukraine said."),
    ("<script>alert(1)</script>",
     "Israeli jets launched air strikes on Iranian military sites overnight, Iran's foreign "
     "ministry said. <script>alert('t')</script> Tehran summoned the Swiss envoy and vowed "
     "to retaliate against Israel."),
]


def _tension(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tension", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tension.model._model import load_model

    try:
        load_model()
    except TensionError as exc:
        pytest.skip(f"the shipped model does not load here: {exc}")
    d = tmp_path_factory.mktemp("safety")
    src = d / "in.jsonl"
    src.write_text("".join(
        json.dumps({"id": i, "text": t, "date": f"2024-03-0{k + 1}"}) + "\n"
        for k, (i, t) in enumerate(HOSTILE)
    ))
    out = d / "scores.csv"
    r = _tension("score", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    return out


@pytest.mark.slow
def test_scored_csv_has_no_formula_cells(scored: Path) -> None:
    with open(scored, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) > len(HOSTILE)  # header + at least one row per article
    ids = {r[0] for r in rows[1:]}
    assert "'=HYPERLINK(\"http://x\",\"click\")" in ids  # escaped, not dropped
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_START):
                float(cell)  # only plain numbers such as "-0.5" may start with a sign


@pytest.mark.slow
def test_report_of_hostile_scores_is_escaped(scored: Path, tmp_path: Path) -> None:
    jsonl = tmp_path / "scores.jsonl"
    # the report reads the JSONL scores (CSV ids carry the spreadsheet quote)
    r = _tension("score", str(scored.parent / "in.jsonl"), "-o", str(jsonl))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "r.html"
    r = _tension("report", str(jsonl), "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8").lower()
    assert "<script" not in html
    assert "&lt;script&gt;" in html  # the planted text is there, as text


@pytest.mark.parametrize(
    "cell,escaped",
    [("=1+1", True), ("+1 555", True), ("-x", True), ("@A1", True), ("\t=1", True),
     ("-3.5", False), ("+1e3", False), ("plain", False), ("", False), (3, False)],
)
def test_csv_safe_table(cell: object, escaped: bool) -> None:
    got = csv_safe(cell)
    assert (got != cell) is escaped
    if escaped:
        assert got == "'" + str(cell)


# --------------------------------------------------------------------------- file names

ESCAPES = ["../../etc/passwd", "..", ".", "/abs/path", "a/../../b", "..\\..\\win", "C:\\x",
           "~/.ssh/id", "a\x00b", ".hidden", "CON", "nul.txt", "x" * 500, "", " ", "\u202etxt.exe"]


@pytest.mark.parametrize("name", ESCAPES)
def test_safe_filename_stays_inside(tmp_path: Path, name: str) -> None:
    got = safe_filename(name)
    assert got and "/" not in got and "\\" not in got and "\x00" not in got
    assert not got.startswith(".") and got not in (".", "..")
    assert len(got.encode()) <= 130
    p = safe_path(tmp_path, name, ".json")
    assert p.parent == tmp_path.resolve()
    p.write_text("{}")  # a real file can be made under that name
    assert p.is_file()


@pytest.mark.parametrize("name", ["abc", "IRN-PAK", "article_0001", "ид-42", "2024-01-01.x"])
def test_safe_ids_keep_their_name(name: str) -> None:
    assert safe_filename(name) == name


@settings(max_examples=300, deadline=None)
@given(a=st.text(max_size=60), b=st.text(max_size=60))
def test_safe_filename_is_injective_enough(a: str, b: str) -> None:
    # distinct ids never share a file (one output could otherwise overwrite another)
    if a != b:
        assert safe_filename(a) != safe_filename(b)
    assert os.sep not in safe_filename(a)


def test_safe_path_refuses_a_symlinked_escape(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "evil").symlink_to(outside)
    with pytest.raises(TensionError, match="outside"):
        safe_path(folder, "evil")
