"""`tension score` from the command line, including a real SIGKILL and --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from test_batch import make_articles, write_jsonl

from tension._types import SCORE_COLUMNS
from tension.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "tension", *args]


@pytest.fixture
def corpus(tmp_path):
    return write_jsonl(tmp_path / "in.jsonl", make_articles(40))


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet", ".jsonl.gz"])
def test_formats_and_summary(tmp_path, corpus, capsys, suffix):
    out = tmp_path / f"scores{suffix}"
    assert main(["score", str(corpus), "-o", str(out), "--chunk-size", "9"]) == 0
    err = capsys.readouterr().err
    assert "score: 40 articles" in err and "8 without a dyad" in err and "0 rejects" in err
    assert "articles/s" in err
    got = (pd.read_parquet(out) if suffix == ".parquet"
           else pd.read_json(out, lines=True) if suffix == ".jsonl.gz" else
           pd.read_csv(out) if suffix == ".csv" else pd.read_json(out, lines=True))
    assert list(got.columns) == list(SCORE_COLUMNS)
    assert got["article_id"].nunique() == 40


def test_clusters_adds_a_cluster_column_last(tmp_path, corpus):
    out = tmp_path / "s.csv"
    assert main(["score", str(corpus), "-o", str(out), "--clusters"]) == 0
    got = pd.read_csv(out)
    assert list(got.columns) == [*SCORE_COLUMNS, "cluster"]


def test_rejects_are_counted(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    rows = make_articles(5)
    src.write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"id": "bad", "text": \n')
    out = tmp_path / "s.jsonl"
    assert main(["score", str(src), "-o", str(out), "--on-error", "skip"]) == 0
    assert "5 articles" in capsys.readouterr().err.replace("score: ", "")
    assert (tmp_path / "s.rejects.jsonl").read_text().count("\n") == 1
    assert main(["score", str(src), "-o", str(tmp_path / "t.jsonl")]) == 1
    assert "line 6" in capsys.readouterr().err
    assert not (tmp_path / "t.jsonl").exists()


def test_existing_interrupted_run_needs_resume(tmp_path, corpus, capsys):
    out = tmp_path / "s.jsonl"
    Path(f"{out}.progress.json").write_text(json.dumps({"fingerprint": "x", "articles_done": 3}))
    assert main(["score", str(corpus), "-o", str(out)]) == 1
    assert "--resume" in capsys.readouterr().err
    assert main(["score", str(corpus), "-o", str(out), "--resume"]) == 1
    assert "refusing to resume" in capsys.readouterr().err


def test_spark_engine_without_pyspark_says_how_to_install(tmp_path, corpus, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import fails as if not installed
    assert main(["score", str(corpus), "-o", str(tmp_path / "s.jsonl"), "--engine", "spark"]) == 1
    assert 'pip install "tension[spark]"' in capsys.readouterr().err


@pytest.mark.slow
def test_sigkill_then_resume_equals_uninterrupted_run(tmp_path):
    src = write_jsonl(tmp_path / "in.jsonl", make_articles(400))
    ref, out = tmp_path / "ref.jsonl", tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(_cli("-q", "score", str(src), "-o", str(ref), "--chunk-size", "10"),
                   check=True, env=env, cwd=tmp_path)

    prog = Path(f"{out}.progress.json")
    proc = subprocess.Popen(_cli("-q", "score", str(src), "-o", str(out), "--chunk-size", "5"),
                            env=env, cwd=tmp_path, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = json.loads(prog.read_text())["chunks_done"]
        except (OSError, ValueError, KeyError):
            done = 0
        if done >= 4:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert done >= 4, "the run finished or never started before it could be killed"
    assert not out.exists() and prog.exists()
    killed_at = json.loads(prog.read_text())["articles_done"]
    assert 0 < killed_at < 400

    r = subprocess.run(_cli("score", str(src), "-o", str(out), "--chunk-size", "7", "--resume"),
                       env=env, cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"resumed after {killed_at}" in r.stderr
    got = [json.loads(x) for x in out.read_text().splitlines()]
    want = [json.loads(x) for x in ref.read_text().splitlines()]
    assert [(g["article_id"], g["dyad"]) for g in got] == [(w["article_id"], w["dyad"])
                                                           for w in want]
    assert out.read_text() == ref.read_text()
    assert not prog.exists()


@pytest.mark.slow
def test_jobs_two_matches_one(tmp_path, corpus):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["score", str(corpus), "-o", str(one), "--chunk-size", "6"]) == 0
    assert main(["score", str(corpus), "-o", str(two), "--chunk-size", "6", "--jobs", "2"]) == 0
    assert one.read_text() == two.read_text()
