"""The project's own labelled seed articles (seeds/*.jsonl) are well formed and cover the rubric.

They let training and the tests run without ../shared, so a broken or lopsided seed file would
silently weaken every model trained on it: the checks here are strict on format and coverage.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pycountry
import pytest

from tension.extract._taxonomy import SIGNALS

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CORPUS = SEEDS / "corpus.jsonl"
TIMELINE = SEEDS / "timeline_irn_pak.jsonl"

FIELDS = ["id", "episode", "url", "title", "date", "text", "dyad", "level", "direction",
          "signals", "third_parties"]
DIRECTIONS = {"escalating", "de-escalating", "steady"}
ORGS = {"UN", "EU", "AU", "IGAD", "ASEAN", "CARICOM", "SADC", "OAS", "ECOWAS", "NATO", "GCC"}
ISO3 = {c.alpha_3 for c in pycountry.countries}


def _load(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            assert line.strip(), f"{path.name}:{n}: blank line"
            rows.append(json.loads(line))
    return rows


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, Any]]:
    return _load(CORPUS)


@pytest.fixture(scope="module")
def timeline() -> list[dict[str, Any]]:
    return _load(TIMELINE)


def _check_record(r: dict[str, Any], extra: list[str]) -> None:
    where = r.get("id", "?")
    keys = list(r)
    optional = ["notes"]
    assert keys[: len(FIELDS) + len(extra)] == FIELDS + extra, f"{where}: fields {keys}"
    assert set(keys) - set(FIELDS + extra) <= set(optional), f"{where}: unknown fields {keys}"
    assert isinstance(r["id"], str) and re.fullmatch(r"[a-z0-9-]+", r["id"]), where
    assert isinstance(r["episode"], str) and r["episode"], where
    assert r["url"] is None, where
    assert isinstance(r["title"], str) and r["title"].strip(), where
    if r["date"] is not None:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["date"]), where
        dt.date.fromisoformat(r["date"])
    assert isinstance(r["text"], str), where
    words = len(r["text"].split())
    assert 50 <= words <= 230, f"{where}: {words} words"
    assert r["direction"] in DIRECTIONS, where
    assert isinstance(r["signals"], list) and len(set(r["signals"])) == len(r["signals"]), where
    unknown = [s for s in r["signals"] if s not in SIGNALS]
    assert not unknown, f"{where}: unknown signals {unknown}"
    assert isinstance(r["third_parties"], list), where
    for tp in r["third_parties"]:
        assert tp in ISO3 or tp in ORGS, f"{where}: third party {tp!r}"
    if "notes" in r:
        assert isinstance(r["notes"], str) and r["notes"].strip(), where
    if r["dyad"] is None:
        # hard negative: nothing else may be labelled
        assert r["level"] is None and r["direction"] == "steady", where
        assert r["signals"] == [] and r["third_parties"] == [], where
        assert r["episode"].startswith("neg-"), where
    else:
        dyad = r["dyad"]
        assert isinstance(dyad, list) and len(dyad) == 2 and dyad == sorted(dyad), where
        assert dyad[0] != dyad[1] and all(c in ISO3 for c in dyad), f"{where}: {dyad}"
        assert not set(dyad) & set(r["third_parties"]), f"{where}: a side listed as third party"
        assert type(r["level"]) is int and 0 <= r["level"] <= 4, where
        assert not r["episode"].startswith("neg-"), where


def test_corpus_records_are_well_formed(corpus: list[dict[str, Any]]) -> None:
    for r in corpus:
        _check_record(r, [])
        assert "source" not in r


def test_timeline_records_are_well_formed(timeline: list[dict[str, Any]]) -> None:
    for r in timeline:
        _check_record(r, ["source"])
        assert isinstance(r["source"], str) and r["source"].strip(), r["id"]
        assert r["dyad"] == ["IRN", "PAK"] and r["date"] is not None, r["id"]


def test_ids_unique_across_both_files(
    corpus: list[dict[str, Any]], timeline: list[dict[str, Any]]
) -> None:
    ids = Counter(r["id"] for r in corpus + timeline)
    assert not [i for i, n in ids.items() if n > 1]


def test_corpus_size_and_level_coverage(corpus: list[dict[str, Any]]) -> None:
    assert len(corpus) >= 120
    levels = Counter(r["level"] for r in corpus)
    for level in range(5):
        assert levels[level] >= 18, f"level {level}: {levels[level]}"
    assert levels[None] >= 15


@pytest.mark.parametrize("signal", SIGNALS)
def test_corpus_covers_signal(corpus: list[dict[str, Any]], signal: str) -> None:
    n = sum(signal in r["signals"] for r in corpus)
    assert n >= 4, f"{signal}: {n} articles"


def test_corpus_directions_all_used(corpus: list[dict[str, Any]]) -> None:
    dirs = Counter(r["direction"] for r in corpus if r["dyad"] is not None)
    assert all(dirs[d] >= 15 for d in DIRECTIONS), dirs


def test_corpus_spans_many_dyads(corpus: list[dict[str, Any]]) -> None:
    assert len({tuple(r["dyad"]) for r in corpus if r["dyad"]}) >= 30


def test_corpus_episodes_support_grouped_cv(corpus: list[dict[str, Any]]) -> None:
    sizes = Counter(r["episode"] for r in corpus)
    grouped = sum(1 for r in corpus if sizes[r["episode"]] >= 2)
    assert grouped >= 0.8 * len(corpus)
    # one episode is one dyad (negatives have none)
    by_ep: dict[str, set[Any]] = {}
    for r in corpus:
        by_ep.setdefault(r["episode"], set()).add(tuple(r["dyad"]) if r["dyad"] else None)
    assert all(len(d) == 1 for d in by_ep.values()), by_ep


def test_corpus_exercises_cleaning(corpus: list[dict[str, Any]]) -> None:
    texts = [r["text"] for r in corpus]
    assert any("&amp;" in t for t in texts)
    assert any("Subscribe to read the full story" in t for t in texts)


def test_timeline_shape(timeline: list[dict[str, Any]]) -> None:
    assert 25 <= len(timeline) <= 35
    dates = sorted(dt.date.fromisoformat(r["date"]) for r in timeline)
    assert 35 <= (dates[-1] - dates[0]).days <= 50
    # some days have no coverage at all
    covered = set(dates)
    span = (dates[-1] - dates[0]).days + 1
    assert len(covered) < span - 10
    assert {r["level"] for r in timeline} == {0, 1, 2, 3, 4}
    per_day = Counter(r["date"] for r in timeline)
    strike_days = {r["date"] for r in timeline
                   if "military_strike" in r["signals"] and r["level"] == 4}
    calm_days = {r["date"] for r in timeline if r["level"] <= 1} - strike_days
    assert len(strike_days) >= 2
    # heavy coverage on strike days, light on calm days
    assert sum(per_day[d] >= 3 for d in strike_days) >= 2
    assert sum(per_day[d] for d in calm_days) / len(calm_days) < 2


def test_timeline_story_rises_then_falls(timeline: list[dict[str, Any]]) -> None:
    start = min(dt.date.fromisoformat(r["date"]) for r in timeline)
    weeks: dict[int, list[int]] = {}
    for r in timeline:
        week = (dt.date.fromisoformat(r["date"]) - start).days // 7
        weeks.setdefault(week, []).append(r["level"])
    means = [sum(v) / len(v) for _, v in sorted(weeks.items())]
    peak = max(range(len(means)), key=means.__getitem__)
    assert means[0] <= 1 and means[-1] <= 1, means
    assert 0 < peak < len(means) - 1 and means[peak] >= 3, means


def test_timeline_has_wire_copies(timeline: list[dict[str, Any]]) -> None:
    pairs = 0
    for i, a in enumerate(timeline):
        for b in timeline[i + 1:]:
            if a["date"] != b["date"] or a["source"] == b["source"]:
                continue
            if difflib.SequenceMatcher(None, a["text"], b["text"]).ratio() >= 0.85:
                pairs += 1
    assert pairs >= 3


def _shingles(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower())
    return {tuple(words[i: i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.parametrize("path", [CORPUS, TIMELINE], ids=lambda p: p.name)
def test_seed_text_is_not_copied_from_shared(shared_dir: Path, path: Path) -> None:
    train = [json.loads(line)["text"] for line in
             (shared_dir / "data" / "news" / "train.jsonl").open(encoding="utf-8")]
    blob = "\n".join(train)
    seen: set[tuple[str, ...]] = set()
    for t in train:
        seen |= _shingles(t, 10)
    for r in _load(path):
        for line in r["text"].splitlines():
            line = line.strip()
            assert len(line) < 20 or line not in blob, f"{r['id']}: line found in train: {line!r}"
        shared = _shingles(r["text"], 10) & seen
        assert not shared, f"{r['id']}: 10-word runs shared with train: {shared}"
