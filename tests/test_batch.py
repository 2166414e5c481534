"""Streaming batch engine: chunking, bounded reading, resumable output, fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tension._types import SCORE_COLUMNS, TensionError
from tension.batch._batch import (
    chunked,
    input_fingerprint,
    partial_path,
    progress_path,
    score_stream,
)
from tension.model._model import load_model
from tension.read._io import read_articles

PAIRS = [("Iran", "Pakistan"), ("India", "China"), ("Greece", "Turkey"), ("Kenya", "Somalia")]
PHRASES = [
    "{a} recalled its ambassador from {b} after the shelling of a border post.",
    "{a} and {b} agreed to reopen the crossing and to hold talks next month.",
    "The harbour council of a small town discussed fishing quotas and ferry timetables.",
    "{a} accused {b} of arming rebels in the hills and warned of a firm response.",
]


def make_articles(n: int) -> list[dict]:
    """Short articles of our own writing; every fifth names no country at all."""
    out = []
    for i in range(n):
        a, b = PAIRS[i % len(PAIRS)]
        text = " ".join(PHRASES[(i + k) % len(PHRASES)].format(a=a, b=b) for k in range(3))
        if i % 5 == 4:
            text = "Farmers in the valley reported a late harvest and a dry spring."
        out.append({"id": f"a{i:04d}", "date": f"2025-01-{1 + i % 28:02d}", "text": text})
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture
def corpus(tmp_path):
    return write_jsonl(tmp_path / "in.jsonl", make_articles(60))


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("n", "size", "lengths"),
    [(0, 3, []), (5, 5, [5]), (7, 3, [3, 3, 1]), (3, 10, [3])],
)
def test_chunked(n, size, lengths):
    assert [len(c) for c in chunked(range(n), size)] == lengths


def test_chunked_reads_lazily():
    seen = []

    def gen():
        for i in range(100):
            seen.append(i)
            yield i

    first = next(chunked(gen(), 4))
    assert first == [0, 1, 2, 3] and len(seen) == 4


def test_chunk_size_must_be_positive():
    with pytest.raises(TensionError, match="chunk size"):
        next(chunked([1], 0))


def test_stream_writes_contract_rows_and_cleans_up(tmp_path, corpus, model):
    out = tmp_path / "out.jsonl"
    res = score_stream(read_articles(corpus), str(out), model=model, chunk_size=7,
                       fingerprint="x")
    rows = read_rows(out)
    assert res.complete and res.articles == 60 and res.rows == len(rows)
    assert list(rows[0]) == list(SCORE_COLUMNS)
    assert res.no_dyad == sum(1 for r in rows if r["reason"] == "no_dyad") == 12
    assert res.dyad_rows + res.no_dyad == res.rows
    # every article accounted for, in input order
    ids = list(dict.fromkeys(r["article_id"] for r in rows))
    assert ids == [f"a{i:04d}" for i in range(60)]
    assert not progress_path(out).exists() and not partial_path(out).exists()


def test_cluster_column_only_when_asked(tmp_path, corpus, model):
    out = tmp_path / "out.jsonl"
    score_stream(read_articles(corpus, clusters=True), str(out), model=model, with_cluster=True)
    rows = read_rows(out)
    assert list(rows[0]) == [*SCORE_COLUMNS, "cluster"]
    assert all(r["cluster"] for r in rows)
    # identical no-dyad texts are wire copies of the first one
    quiet = {r["cluster"] for r in rows if r["reason"] == "no_dyad"}
    assert quiet == {"a0004"}


class _Stop(Exception):
    pass


def _interrupt_after(n_chunks: int):
    calls = []

    def on_chunk(_n: int) -> None:
        calls.append(_n)
        if len(calls) == n_chunks:
            raise _Stop

    return on_chunk


@pytest.mark.parametrize("torn", [False, True])
def test_interrupted_then_resumed_equals_uninterrupted(tmp_path, corpus, model, torn):
    ref = tmp_path / "ref.jsonl"
    score_stream(read_articles(corpus), str(ref), model=model, chunk_size=8, fingerprint="f")
    out = tmp_path / "out.jsonl"
    with pytest.raises(_Stop):
        score_stream(read_articles(corpus), str(out), model=model, chunk_size=8,
                     fingerprint="f", on_chunk=_interrupt_after(3))
    assert not out.exists()  # the final name appears only on success
    prog = json.loads(progress_path(out).read_text())
    assert prog["articles_done"] == 24 and not prog["complete"]
    if torn:  # killed after writing a chunk, before recording it, mid-line
        with open(partial_path(out), "a", encoding="utf-8") as fh:
            fh.write(ref.read_text().splitlines()[40] + "\n" + '{"article_id": "a00')
    res = score_stream(read_articles(corpus), str(out), model=model, chunk_size=5,
                       fingerprint="f", resume=True)
    assert res.resumed_from == 24 and res.articles == 60
    assert out.read_text() == ref.read_text()


def test_existing_progress_needs_resume_and_same_fingerprint(tmp_path, corpus, model):
    out = tmp_path / "out.jsonl"
    with pytest.raises(_Stop):
        score_stream(read_articles(corpus), str(out), model=model, chunk_size=10,
                     fingerprint="one", on_chunk=_interrupt_after(1))
    with pytest.raises(TensionError, match="--resume"):
        score_stream(read_articles(corpus), str(out), model=model, fingerprint="one")
    with pytest.raises(TensionError, match="differ"):
        score_stream(read_articles(corpus), str(out), model=model, fingerprint="two",
                     resume=True)
    partial_path(out).write_text("")  # rows the progress file promises are gone
    with pytest.raises(TensionError, match="shorter"):
        score_stream(read_articles(corpus), str(out), model=model, fingerprint="one",
                     resume=True)


def test_resume_without_progress_starts_from_the_beginning(tmp_path, corpus, model):
    out = tmp_path / "out.jsonl"
    res = score_stream(read_articles(corpus), str(out), model=model, fingerprint="f",
                       resume=True)
    assert res.complete and res.resumed_from == 0 and res.articles == 60


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl.gz"])
def test_other_formats_are_assembled_at_the_end(tmp_path, corpus, model, suffix):
    import pandas as pd

    out = tmp_path / f"out{suffix}"
    with pytest.raises(_Stop):
        score_stream(read_articles(corpus), str(out), model=model, chunk_size=10,
                     fingerprint="f", on_chunk=_interrupt_after(2))
    assert not out.exists()
    score_stream(read_articles(corpus), str(out), model=model, chunk_size=10, fingerprint="f",
                 resume=True)
    got = (pd.read_parquet(out) if suffix == ".parquet"
           else pd.read_json(out, lines=True) if suffix == ".jsonl.gz" else pd.read_csv(out))
    assert list(got.columns) == list(SCORE_COLUMNS)
    assert got["article_id"].nunique() == 60
    assert not got.duplicated(["article_id", "dyad"]).any()


def test_fingerprint_follows_files_and_options(tmp_path, corpus):
    f1 = input_fingerprint([str(corpus)], {"clusters": False})
    assert f1 == input_fingerprint([str(corpus)], {"clusters": False})
    assert f1 != input_fingerprint([str(corpus)], {"clusters": True})
    with open(corpus, "a") as fh:
        fh.write(json.dumps({"id": "extra", "text": "Iran and Pakistan met."}) + "\n")
    assert f1 != input_fingerprint([str(corpus)], {"clusters": False})
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "x.txt").write_text("Iran and Pakistan met.")
    f2 = input_fingerprint([str(folder)])
    (folder / "y.txt").write_text("India and China met.")
    assert f2 != input_fingerprint([str(folder)])
    with pytest.raises(TensionError, match="stdin"):
        input_fingerprint(["-"])


@pytest.mark.slow
def test_worker_pool_gives_the_same_rows(tmp_path, corpus, model):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    score_stream(read_articles(corpus), str(one), model=model, chunk_size=6)
    res = score_stream(read_articles(corpus), str(two), jobs=2, chunk_size=6)
    assert res.articles == 60
    assert one.read_text() == two.read_text()


@pytest.mark.slow
def test_workers_score_with_the_model_they_are_given(tmp_path, corpus, model):
    """A model passed in (not the shipped one) is the one the worker processes use."""
    from tension.model._model import TensionModel

    mine = TensionModel(model.pipeline, {**model.card, "version": "given-9.9"}, model.relevance)
    out = tmp_path / "two.jsonl"
    score_stream(read_articles(corpus), str(out), model=mine, jobs=2, chunk_size=20)
    assert {r["model_version"] for r in read_rows(out)} == {"given-9.9"}
