"""`tension demo` (what `make demo` runs) writes every output from the seeds."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tension._types import SCORE_COLUMNS
from tension.batch._index import INDEX_COLUMNS
from tension.cli import main


@pytest.mark.slow
def test_demo_writes_every_output(tmp_path, seed_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # seeds are found beside the package, not only in the cwd
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "seed document" in printed and "IRN-PAK" in printed
    assert "corpus.jsonl: 156 articles" in printed
    assert "timeline_irn_pak.jsonl: 33 articles" in printed

    rows = [json.loads(x) for x in (out / "scores.jsonl").read_text().splitlines()]
    assert list(rows[0]) == list(SCORE_COLUMNS)
    assert len({r["article_id"] for r in rows}) == 1 + 156 + 33
    seed_main = [r for r in rows if r["article_id"] == seed_path.name and r["rank"] == 1]
    assert [r["dyad"] for r in seed_main] == ["IRN-PAK"]
    csv = pd.read_csv(out / "scores.csv")
    assert len(csv) == len(rows) and list(csv.columns) == list(SCORE_COLUMNS)

    index = pd.read_csv(out / "index.csv")
    assert list(index.columns) == list(INDEX_COLUMNS) and "IRN-PAK" in set(index["dyad"])
    assert (out / "irn-pak.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = (out / "report.html").read_text()
    assert html.lstrip().lower().startswith("<!doctype html") and "IRN-PAK" in html


def test_demo_without_seeds_says_where_it_looked(tmp_path, capsys):
    assert main(["demo", "--seeds", str(tmp_path), "-o", str(tmp_path / "o")]) == 1
    assert "--seeds" in capsys.readouterr().err
