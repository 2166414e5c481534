"""Regressions found by fuzzing and by benchmarks/adversarial.py; each names what it pins.

Super-linear cost is pinned without timing: ``_work`` counts the interpreter's profile events
(Python calls, generator steps, C calls such as ``list.insert``) while a layer runs, a count
that does not depend on the machine's speed. Four times the input must cost well under
sixteen times the work (a quadratic loop gives about 16x; linear about 4x). The count sees
Python-level loops, not work inside one C call (``list.insert``'s memmove, a comprehension):
those are pinned by counting reads (``raw_offset``) or by equivalence with the old rule, and
benchmarks/adversarial.py shows their time per character.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tension._types import Article
from tension.extract._actors import Alias, _resolve_overlaps, find_actors
from tension.extract._signals import extract_signals
from tension.read._clean import clean_text


def _work(fn: Callable[[], Any]) -> int:
    count = 0

    def prof(frame: Any, event: str, arg: Any) -> None:
        nonlocal count
        count += 1

    sys.setprofile(prof)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count


def _article(unit: str, n: int) -> Article:
    raw = (unit * (n // len(unit) + 1))[:n]
    text, anchors = clean_text(raw)
    return Article(id="r", text=text, raw_text=raw, anchors=anchors)


def _growth(stage: Callable[[Article], Any], unit: str, n: int = 20_000) -> float:
    small, big = _article(unit, n), _article(unit, 4 * n)
    stage(small)  # warm caches (gazetteer, automata) outside the count
    return _work(lambda: stage(big)) / _work(lambda: stage(small))


STAGES: dict[str, Callable[[Article], Any]] = {
    "actors": find_actors,
    "signals": lambda a: extract_signals(a, find_actors(a)),
    "clean": lambda a: clean_text(a.raw_text),
}


@pytest.mark.parametrize(
    "unit,stage",
    [
        # _resolve_overlaps kept a sorted list and insert()ed into it: quadratic in mentions
        ("Iran Pakistan India China Russia Ukraine Israel Egypt ", "actors"),
        # every mention was checked against every dateline: quadratic in lines
        ("CAIRO - Iran and Egypt met.\n", "actors"),
        # Article.raw_offset built the list of anchor keys on every call: mentions x anchors
        ("Iran\x00 Pakistan\x07 attacked\x1b India. ", "actors"),
        ("Iran\x00 Pakistan\x07 attacked\x1b India. ", "signals"),
        ("Iran fired missiles at Pakistan. ", "signals"),
        ("the envoy said troops fired shells near the border ", "signals"),
        ("<div class=x <b>&amp &#x ", "clean"),
        (" \n \t\r\n", "clean"),
    ],
    ids=["dense-names", "datelines", "anchors-actors", "anchors-signals", "events",
         "unpunctuated", "html", "spaces"],
)
def test_cost_is_linear(unit: str, stage: str) -> None:
    growth = _growth(STAGES[stage], unit)
    assert growth < 7.0, f"4x the input cost {growth:.1f}x the work"


def test_work_counter_detects_quadratic() -> None:
    # the yardstick itself must be able to fail
    def quadratic(a: Article) -> None:
        out: list[int] = []
        for i in range(len(a.text) // 20):
            out.insert(0, i)
            any(x < 0 for x in out[:50] if x)  # some linear work too
        for _ in range(len(a.text) // 200):
            any(False for _ in range(len(a.text) // 20))

    assert _growth(quadratic, "Iran and Egypt. ") > 10


def test_raw_offset_is_logarithmic_in_anchors() -> None:
    class Counting(tuple):  # type: ignore[type-arg]
        reads = 0

        def __getitem__(self, i: Any) -> Any:
            Counting.reads += 1
            return super().__getitem__(i)

        def __iter__(self) -> Any:
            Counting.reads += len(self)
            return super().__iter__()

    anchors = Counting((i * 2, i * 3) for i in range(100_000))
    art = Article(id="a", text="x" * 200_000, raw_text="y" * 300_000, anchors=anchors)
    assert art.raw_offset(2 * 5_000 + 1) == 3 * 5_000 + 1
    assert Counting.reads < 100


def test_resolve_overlaps_matches_brute_force() -> None:
    """The linear rewrite keeps exactly what the old longest-first, leftmost rule kept."""
    rng = random.Random(7)
    for _ in range(300):
        cands = []
        for k in range(rng.randint(0, 25)):
            s = rng.randint(0, 60)
            cands.append((s, s + rng.randint(1, 12), Alias(f"a{k}", "FRA", "state", False)))
        want: list[tuple[int, int, Any]] = []
        for s, e, a in sorted(cands, key=lambda c: (-(c[1] - c[0]), c[0])):
            if all(e <= ks or s >= ke for ks, ke, _ in want):
                want.append((s, e, a))
        want.sort(key=lambda c: c[0])
        assert _resolve_overlaps(list(cands)) == want


# --------------------------------------------------------------------------- fuzz crashes


@pytest.mark.parametrize(
    "data",
    [
        # fuzz_ingest crash 7150e33e: a bare CR inside the header line raised csv.Error
        b"id,title,text,date\rTurkish jets carried y t airstrikes\x02[{id,title,text,date\rKu",
        b"id,text\rx,y\n",
        b"id,text\nA,Iran talks\rmore\nB,Iran and Pakistan\n",
    ],
    ids=["fuzz-7150e33e", "cr-header", "cr-row"],
)
def test_csv_with_bare_carriage_returns_is_an_ingest_error(tmp_path: Any, data: bytes) -> None:
    from tension._types import IngestError
    from tension.read._io import read_articles

    p = tmp_path / "in.csv"
    p.write_bytes(data)
    rejects: list[dict[str, Any]] = []
    arts = list(read_articles(p, on_error="skip", rejects=rejects))
    assert rejects or arts
    assert all(r["reason"].startswith(("malformed CSV", "row has", "missing")) for r in rejects)
    if rejects:
        with pytest.raises(IngestError, match="in.csv"):
            list(read_articles(p))


def _parquet_with_invalid_utf8(path: Any) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    # a string column whose bytes are not UTF-8, built from raw buffers (no validation)
    vals = [b"Iran and Pakistan held talks.", b"\x9d\xff not utf-8"]
    offsets = pa.array([0, len(vals[0]), len(vals[0]) + len(vals[1])], type=pa.int32())
    text = pa.Array.from_buffers(pa.string(), 2, [None, offsets.buffers()[1],
                                                  pa.py_buffer(b"".join(vals))])
    pq.write_table(pa.table({"id": ["a", "b"], "text": text}), path)


def test_parquet_string_column_with_invalid_utf8(tmp_path: Any) -> None:
    """fuzz_ingest crash d9c95249: pyarrow raised UnicodeDecodeError from to_pylist()."""
    from tension._types import IngestError
    from tension.read._io import read_articles

    p = tmp_path / "bad.parquet"
    _parquet_with_invalid_utf8(p)
    rejects: list[dict[str, Any]] = []
    list(read_articles(p, on_error="skip", rejects=rejects))
    assert len(rejects) == 1 and "Parquet" in rejects[0]["reason"]
    with pytest.raises(IngestError, match="bad.parquet"):
        list(read_articles(p))
