"""Property tests: the reader yields valid articles or raises IngestError, nothing else."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tension._types import Article, IngestError
from tension.read._io import as_articles, read_articles

FIXTURE = HealthCheck.function_scoped_fixture
SUFFIXES = [".jsonl", ".json", ".csv", ".txt", ".jsonl.gz", ".parquet"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids,
                                                              max_size=3),
    max_leaves=8,
)
records = st.dictionaries(
    st.sampled_from(["id", "text", "title", "date", "source", "url", "language", "other"]),
    json_values | st.text(max_size=200),
    max_size=6,
)


def _check(art: Article) -> None:
    assert isinstance(art, Article)
    assert isinstance(art.id, str) and art.id
    assert isinstance(art.text, str) and art.text.strip()
    assert art.date is None or (len(art.date) == 10 and art.date[4] == "-")
    # every anchor lies inside both texts and the map is monotone
    prev = (-1, -1)
    for c, r in art.anchors:
        assert 0 <= c <= len(art.text) and 0 <= r <= len(art.raw_text)
        assert c > prev[0] and r >= prev[1]
        prev = (c, r)


def _read_all(src: object, **kw: object) -> None:
    try:
        for art in read_articles(src, **kw):  # type: ignore[arg-type]
            _check(art)
    except IngestError:
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[FIXTURE])
@given(data=st.binary(max_size=600), suffix=st.sampled_from(SUFFIXES))
def test_arbitrary_bytes_give_articles_or_ingest_error(tmp_path: Path, data: bytes,
                                                       suffix: str) -> None:
    p = tmp_path / f"f{suffix}"
    p.write_bytes(data)
    _read_all(p)
    _read_all(p, on_error="skip", rejects=[])


@settings(max_examples=80, deadline=None, suppress_health_check=[FIXTURE])
@given(rows=st.lists(records, max_size=5))
def test_arbitrary_json_records_give_articles_or_ingest_error(tmp_path: Path,
                                                              rows: list[dict]) -> None:
    p = tmp_path / "r.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    _read_all(p)
    rejects: list[dict] = []
    n = sum(1 for _ in read_articles(p, on_error="skip", rejects=rejects))
    assert n + len(rejects) == len(rows)  # every record is either an article or a reject
    q = tmp_path / "r.json"
    q.write_text(json.dumps(rows), encoding="utf-8")
    _read_all(q)


@settings(max_examples=60, deadline=None)
@given(obj=st.one_of(records, st.lists(records, max_size=3),
                     st.text(max_size=100).filter(lambda s: not os.path.exists(s)),
                     st.integers(), json_values))
def test_as_articles_any_object(obj: object) -> None:
    try:
        for art in as_articles(obj):
            _check(art)
    except IngestError:
        pass


@pytest.mark.parametrize("n", [0, 1])
def test_check_helper_rejects_bad_article(n: int) -> None:
    # the property checker itself must be able to fail
    with pytest.raises(AssertionError):
        _check(Article(id="", text="x") if n == 0 else Article(id="a", text=" "))


# cleaning cuts and replaces spans (boilerplate, entities, whitespace): raw texts built to
# exercise it, so that the anchors are not the identity
_pieces = st.sampled_from([
    "Pakistan ", "Iran  ", "&amp; ", "\n\n", "<b>", "</b>", "Advertisement\n", "\u00a0",
    "strikes ", "“quoted” ", "\t", "Read more: ", "ﬁnal ", "x",
])


@settings(max_examples=150, deadline=None)
@given(raw=st.lists(_pieces | st.text(max_size=6), min_size=1, max_size=40).map("".join),
       spans=st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=20))
def test_raw_span_fn_maps_every_span_as_raw_span(raw: str, spans: list) -> None:
    try:
        art = next(iter(as_articles([{"id": "p", "text": raw}])))
    except IngestError:
        return  # nothing left after cleaning
    fn = art.raw_span_fn()
    n = len(art.text)
    for s, e in spans:
        s, e = min(s, n), min(e, n + 1)
        assert fn(s, e) == art.raw_span(s, e)
