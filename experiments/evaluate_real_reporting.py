"""Evaluate reading real reporting; logs to mlflow (experiment "tension-real-reporting").

    .venv/bin/python experiments/evaluate_real_reporting.py [--parts acled,domestic,icbe,neg]
        [--limit N] [--out out/eval_real] [--shared ../shared] [--no-mlflow]

Uses only the public API (``tension.score``, ``tension.extract_signals``,
``tension.find_actors``, ``tension.Article``, ``tension.load_model``). Every part writes the
items it gets wrong to a CSV in ``--out`` (with the text, what was found and a one-line hint),
so the misses can be read.

1. ``acled``: ACLED Asia 2015 cross-border subset, events flagged ``both_state_forces`` (two
   states' military/police forces on either side). Each ``NOTES`` text is scored as one
   article dated ``EVENT_DATE``. The gold pair is the sorted ISO3 pair of the subset's
   ``actor1_country`` / ``actor2_country`` columns (the dataset derived them from
   "Military/Police Forces of <country>" or a trailing "(<country>)" in ACTOR1 / ACTOR2),
   mapped to ISO3 by ``ACLED_ISO3`` below. Outcomes, mutually exclusive: ``hit`` (a row for
   the gold pair, at any rank, at level 4), ``lower_level`` (gold pair row below 4),
   ``wrong_pair`` (pair rows, none the gold pair), ``no_pair`` (no pair row at all). Level 4
   is what ACLED's label_mapping.csv proposes for battles and remote violence.
2. ``domestic``: false alarms on domestic violence: 800 notes drawn (seed 0) from acled.csv
   rows not in the cross-border subset, of a violent EVENT_TYPE (Battle-*, Violence against
   civilians, Remote violence; case-insensitive) whose four actor fields name no country
   other than COUNTRY (countries read as the subset's README does; actors with no country in
   their name, e.g. "TTP: Tehreek-i-Taliban Pakistan", count as domestic). Measure: share of
   notes with any pair row at level >= 3, and the most frequent such pairs.
3. ``icbe``: ICBe train+valid sentences (filtered wide files, one top event per sentence)
   whose ``do_actor_a`` and ``do_actor_b`` are two different states. A name is a state when
   ``tension.find_actors`` resolves it to one, else by a short table of historical states
   mapped to their successor (``HISTORIC``: Soviet Union -> RUS, as tension reads "Moscow"),
   else by an exact pycountry lookup; organisations and groups are dropped. Each sentence is
   read as an article dated at its crisis's trigger (ICB1 yrtrig/motrig/datrig: dated names,
   leaders and former states, resolve by it), after the sentence before it in its paragraph
   of the ICB narrative (``icb_summaries_with_crisis_labels.csv``; found verbatim for about
   95% of the sentences), so that "it" or "the country" can find its state; only the
   sentence's own events count.
   Pair agreement: among sentences with any event from ``extract_signals`` (the
   hedged_or_negated_conflict signal excluded), the share with an event whose
   {source, target} is the coded pair (unordered). Also with any opposing pair coded for the
   sentence in ICBe_V1.1_events_agreed.csv (all agreed events, several per sentence), and on
   the sentences whose two names tension itself resolves. Coalition partners: from the full
   agreed file, two states are co-actors in a sentence when both are listed in one event's
   actor cell (do or say), or are the actors of two events with the same target, and no event
   of the sentence opposes them (co-targets are not counted: a mediator's targets oppose).
   Over all train+valid sentences, count those where an event pairs two co-actors ("X and Y
   attacked Z" read as X->Y).
4. ``neg``: news/train.jsonl hard negatives (episode ``neg-*``): share with no pair row or a
   rank-1 escalation_score < 25 (the project's ``nodyad_ok``). And the last 207 records
   (third labelling round): QWK of the gold pair's row level vs the label (articles whose gold
   pair has no row are left out; coverage printed) and ``qwk_rank1`` (the rank-1 row's level;
   no pair counts as level 1, as tension._evaluate does). The shipped model was trained on
   every record of this file, so both figures are IN-SAMPLE; the honest grouped-CV figures come
   from experiments/train.py.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import os
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import tension

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = "tension-real-reporting"
PARTS = ("acled", "domestic", "icbe", "neg")
ACLED_DIR = Path("data/external/acled_asia_2015")
ICBE_DIR = Path("data/external/icbe_crisis_events")
NEWS = Path("data/news/train.jsonl")
THIRD_ROUND = 207  # the last lines of train.jsonl, labelled in the third round
NO_EVENT_SIGNALS = {"hedged_or_negated_conflict"}

# ACLED country names (countries in the file plus the README's neighbours) -> ISO3
ACLED_ISO3: dict[str, str] = {
    "afghanistan": "AFG", "bangladesh": "BGD", "bhutan": "BTN", "cambodia": "KHM",
    "china": "CHN", "india": "IND", "indonesia": "IDN", "iran": "IRN", "laos": "LAO",
    "malaysia": "MYS", "maldives": "MDV", "myanmar": "MMR", "nepal": "NPL", "pakistan": "PAK",
    "philippines": "PHL", "russia": "RUS", "sri lanka": "LKA", "thailand": "THA",
    "united kingdom": "GBR", "united states": "USA", "united states of america": "USA",
    "vietnam": "VNM",
}
_FORCES = re.compile(r"(?:military|police) forces of (?:the )?(.+?)(?:\s*\([\d\s-]*\))?\s*$",
                     re.IGNORECASE)
_TRAILING = re.compile(r"\(([^()]+)\)\s*$")

# ICBe state names that neither tension's resolver nor pycountry knows -> the successor
# state's ISO3, the convention tension itself follows for capitals and historical names
# ("Moscow", "Kremlin", "Russian Soviet Federative Socialist Republic" -> RUS; "Prague" -> CZE;
# "North Vietnam" -> VNM). Sentences coded with these are still counted; the
# "tension_resolves_both" column and the "resolvable" figure tell them apart.
HISTORIC: dict[str, str] = {
    "soviet union": "RUS", "czechoslovakia": "CZE", "yugoslavia": "SRB", "rhodesia": "ZWE",
    "zaire": "COD", "united arab republic": "EGY", "tanganyika": "TZA",
    "kingdom of hejaz": "SAU", "sultanate of nejd": "SAU", "east germany": "DEU",
    "west germany": "DEU", "hyderabad state": "IND",
}

Log = Callable[[str], None]


@dataclass
class PartResult:
    metrics: dict[str, float] = field(default_factory=dict)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (measure, value, n / note)


# ---------------------------------------------------------------------------- helpers


def clean_text(value: Any) -> str:
    """A text cell as a stripped string: NaN, None and non-strings handled, NULs removed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA:
        return ""
    return str(value).replace("\x00", " ").strip()


def iso_date(value: Any) -> str | None:
    text = clean_text(value)
    for fmt in ("%d-%B-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y-%m-%d")
        except ValueError:
            continue
    return None


def score_frame(items: Sequence[dict[str, Any]], model: Any) -> dict[str, list[dict[str, Any]]]:
    """Score ``items`` (dicts with id, text, optional date/title) and group the rows by
    article id. Rows with an empty ``dyad`` are the article's no-pair row."""
    if not items:
        return {}
    frame = pd.DataFrame(list(items))
    out = tension.score(frame, model, on_error="skip", duplicates="keep-first")
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in out.to_dict("records"):
        by[str(r["article_id"])].append(r)
    return by


def pair_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((r for r in rows if isinstance(r.get("dyad"), str) and r["dyad"]),
                  key=lambda r: int(r["rank"]))


def no_pair_reason(rows: Sequence[dict[str, Any]]) -> str:
    for r in rows:
        if not (isinstance(r.get("dyad"), str) and r["dyad"]):
            return clean_text(r.get("reason")) or "no_dyad"
    return "not_scored" if not rows else ""


def fmt_rows(rows: Sequence[dict[str, Any]]) -> str:
    return " ".join(f"{r['dyad']}:L{r['level']}:{float(r['escalation_score']):.0f}"
                    for r in pair_rows(rows))


def mentions_of(text: str, art_id: str = "x", date: str | None = None) -> list[Any]:
    return list(tension.find_actors(tension.Article(id=art_id, text=text, raw_text=text,
                                                    date=date or None)))


def fmt_mentions(mentions: Sequence[Any]) -> str:
    seen: dict[tuple[str, str], None] = {}
    for m in mentions:
        seen.setdefault((m.text, m.code), None)
    return "; ".join(f"{t}={c}" for t, c in seen)


def events_of(text: str, date: str | None = None, context: str = "") -> list[Any]:
    """Candidate events of ``text`` (dated ``date``). ``context``: the text before it in its
    paragraph (the previous sentence), read with it so that a pronoun can find its state;
    only the events of ``text`` itself are returned."""
    item: dict[str, Any] = {"id": "x", "text": f"{context} {text}" if context else text}
    if date:
        item["date"] = date
    skip = len(context) + 1 if context else 0
    return [e for e in tension.extract_signals(item) if e.signal not in NO_EVENT_SIGNALS
            and e.extra.get("clean_start", 0) >= skip]


def fmt_events(events: Sequence[Any], limit: int = 8) -> str:
    parts = [f"{e.signal}:{e.source or '-'}->{e.target or '-'}({e.modality[:4]},"
             f"{e.confidence:.2f})" for e in sorted(events, key=lambda e: -e.confidence)]
    more = f" +{len(parts) - limit}" if len(parts) > limit else ""
    return " ".join(parts[:limit]) + more


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cols: list[str] = []
    for r in rows:
        cols.extend(k for k in r if k not in cols)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols or ["empty"])
        w.writeheader()
        w.writerows(rows)


def share(k: int, n: int) -> float:
    return k / n if n else float("nan")


def pct(k: int, n: int) -> str:
    return f"{share(k, n):.1%} ({k}/{n})" if n else "n/a (0)"


def link_hint(gold: Sequence[str], mentions: Sequence[Any], events: Sequence[Any]) -> str:
    """Why the gold pair might be missing: an unresolved state, or no event linking it."""
    states = {m.code for m in mentions if m.kind == "state"}
    missing = [c for c in gold if c not in states]
    if missing:
        return f"{'+'.join(missing)} not resolved in text (found: {fmt_mentions(mentions) or '-'})"
    a, b = gold
    if not any({e.source, e.target} == {a, b} for e in events):
        if not events:
            return f"{a},{b} named but no event fires"
        touching = [e for e in events if {e.source, e.target} & {a, b}]
        if touching and all(e.target is None or e.source is None for e in touching):
            return f"events touch {a}/{b} but have no counterpart (source or target empty)"
        return f"no event links {a}-{b}"
    return ""


# ---------------------------------------------------------------------------- 1. ACLED


def acled_country(name: Any) -> str | None:
    """ISO3 of an ACLED actor name, the way the subset's README reads it, or None."""
    text = clean_text(name)
    if not text:
        return None
    m = _FORCES.search(text) or _TRAILING.search(text)
    return ACLED_ISO3.get(m.group(1).strip().lower()) if m else None


def acled_cross_border(shared: Path, model: Any, limit: int | None, out: Path,
                       log: Log) -> PartResult:
    sub = pd.read_csv(shared / ACLED_DIR / "acled_asia2015_cross_border_subset.csv",
                      dtype=str, keep_default_na=False)
    flag = sub["both_state_forces"].str.strip().str.lower().isin({"true", "1", "yes"})
    sub = sub[flag].reset_index(drop=True)
    if limit:
        sub = sub.head(limit)
    items, gold = [], {}
    for r in sub.to_dict("records"):
        aid, text = clean_text(r["EVENT_ID_CNTY"]), clean_text(r["NOTES"])
        a = ACLED_ISO3.get(clean_text(r["actor1_country"]).lower()) or acled_country(r["ACTOR1"])
        b = ACLED_ISO3.get(clean_text(r["actor2_country"]).lower()) or acled_country(r["ACTOR2"])
        if not text or not a or not b or a == b:
            continue
        gold[aid] = (tuple(sorted((a, b))), r)
        items.append({"id": aid, "text": text, "date": iso_date(r["EVENT_DATE"])})
    scored = score_frame(items, model)
    outcomes: Counter[str] = Counter()
    hit_rank1 = 0
    failures = []
    for aid, (pair, r) in gold.items():
        rows = scored.get(aid, [])
        prs = pair_rows(rows)
        key = "-".join(pair)
        mine = [p for p in prs if p["dyad"] == key]
        if not prs:
            outcome = "no_pair"
        elif not mine:
            outcome = "wrong_pair"
        elif int(mine[0]["level"]) < 4:
            outcome = "lower_level"
        else:
            outcome = "hit"
            hit_rank1 += int(mine[0]["rank"]) == 1
        outcomes[outcome] += 1
        if outcome == "hit":
            continue
        text = clean_text(r["NOTES"])
        mentions, events = mentions_of(text, aid), events_of(text)
        if outcome == "lower_level":
            hint = (f"gold row level {mine[0]['level']} (p4 {float(mine[0]['p4']):.2f}), "
                    f"signals {mine[0]['signals']}")
        else:
            hint = link_hint(pair, mentions, events)
            if outcome == "no_pair" and not hint:
                hint = f"pair linked by events but {no_pair_reason(rows)}"
            elif outcome == "wrong_pair" and not hint:
                hint = "pair linked by events but another pair chosen"
        failures.append({
            "event_id": aid, "date": r["EVENT_DATE"], "event_type": r["EVENT_TYPE"],
            "actor1": r["ACTOR1"], "actor2": r["ACTOR2"], "gold_dyad": key,
            "outcome": outcome, "reason": no_pair_reason(rows), "got": fmt_rows(rows),
            "hint": hint, "mentions": fmt_mentions(mentions), "events": fmt_events(events),
            "text": text,
        })
    n = sum(outcomes.values())
    write_csv(out / "acled_cross_border_failures.csv", failures)
    res = PartResult()
    res.metrics = {
        "acled_state_forces_events": float(n),
        "acled_level4_right_pair": share(outcomes["hit"], n),
        "acled_level4_right_pair_rank1": share(hit_rank1, n),
        "acled_lower_level": share(outcomes["lower_level"], n),
        "acled_wrong_pair": share(outcomes["wrong_pair"], n),
        "acled_no_pair": share(outcomes["no_pair"], n),
    }
    res.rows = [
        ("level 4 with the right pair (any rank)", pct(outcomes["hit"], n), "both_state_forces"),
        ("  of which the right pair is rank 1", pct(hit_rank1, n), ""),
        ("right pair, lower level", pct(outcomes["lower_level"], n), ""),
        ("wrong pair only", pct(outcomes["wrong_pair"], n), ""),
        ("no pair", pct(outcomes["no_pair"], n), ""),
    ]
    gold_pairs = Counter("-".join(p) for p, _ in gold.values())
    log(f"ACLED cross-border subset, both_state_forces: {n} events; gold pairs "
        f"{dict(gold_pairs.most_common())}")
    return res


# ---------------------------------------------------------------------------- 2. domestic


VIOLENT_PREFIXES = ("battle", "violence against civilians", "remote violence")


def domestic(shared: Path, model: Any, limit: int | None, n_draw: int, seed: int, out: Path,
             log: Log) -> PartResult:
    acled = pd.read_csv(shared / ACLED_DIR / "acled.csv", dtype=str, keep_default_na=False)
    sub = pd.read_csv(shared / ACLED_DIR / "acled_asia2015_cross_border_subset.csv",
                      dtype=str, keep_default_na=False)
    cross = set(sub["EVENT_ID_CNTY"].str.strip())
    actor_cols = ["ACTOR1", "ALLY_ACTOR_1", "ACTOR2", "ALLY_ACTOR_2"]

    def one_country(r: dict[str, Any]) -> bool:
        home = ACLED_ISO3.get(clean_text(r["COUNTRY"]).lower())
        found = {acled_country(r[c]) for c in actor_cols} - {None}
        return home is not None and found <= {home}

    pool = [r for r in acled.to_dict("records")
            if clean_text(r["EVENT_ID_CNTY"]) not in cross
            and clean_text(r["EVENT_TYPE"]).lower().startswith(VIOLENT_PREFIXES)
            and clean_text(r["NOTES"]) and one_country(r)]
    draw = random.Random(seed).sample(pool, min(n_draw, len(pool)))
    if limit:
        draw = draw[:limit]
    items = [{"id": clean_text(r["EVENT_ID_CNTY"]), "text": clean_text(r["NOTES"]),
              "date": iso_date(r["EVENT_DATE"])} for r in draw]
    scored = score_frame(items, model)
    alarms = any_pair = 0
    wrong: Counter[str] = Counter()
    failures = []
    for r in draw:
        aid = clean_text(r["EVENT_ID_CNTY"])
        rows = scored.get(aid, [])
        prs = pair_rows(rows)
        any_pair += bool(prs)
        high = [p for p in prs if int(p["level"]) >= 3]
        if not high:
            continue
        alarms += 1
        wrong.update(p["dyad"] for p in high)
        text = clean_text(r["NOTES"])
        mentions, events = mentions_of(text, aid), events_of(text)
        top = high[0]
        codes = (top["actor_a"], top["actor_b"])
        named = {c: sorted({m.text for m in mentions if m.code == c}) for c in codes}
        home = ACLED_ISO3.get(clean_text(r["COUNTRY"]).lower())
        foreign = [c for c in codes if c != home]
        how = ", ".join(f"{c} from {named[c] or 'no mention'}" for c in foreign)
        linking = [e for e in events if {e.source, e.target} == set(codes)]
        hint = (f"{top['dyad']} L{top['level']}: {how or 'both codes domestic?'}; "
                + (f"linked by {fmt_events(linking, 3)}" if linking else "no event links it"))
        failures.append({
            "event_id": aid, "country": r["COUNTRY"], "event_type": r["EVENT_TYPE"],
            "actors": " | ".join(clean_text(r[c]) for c in actor_cols if clean_text(r[c])),
            "got": fmt_rows(rows), "hint": hint, "mentions": fmt_mentions(mentions),
            "events": fmt_events(events), "text": text,
        })
    n = len(draw)
    write_csv(out / "domestic_false_alarms.csv", failures)
    res = PartResult()
    res.metrics = {
        "domestic_notes": float(n),
        "domestic_pool": float(len(pool)),
        "domestic_any_pair_level3plus": share(alarms, n),
        "domestic_any_pair": share(any_pair, n),
    }
    res.rows = [
        ("any pair at level >= 3 (false alarm)", pct(alarms, n),
         f"seed {seed}, drawn from {len(pool)}"),
        ("any pair at all", pct(any_pair, n), ""),
        ("top wrong pairs (level >= 3)",
         ", ".join(f"{d} {k}" for d, k in wrong.most_common(8)) or "-", ""),
    ]
    log(f"domestic pool: {len(pool)} violent one-country notes outside the subset; drew {n}")
    return res


# ---------------------------------------------------------------------------- 3. ICBe


class StateNames:
    """ICBe actor name -> ISO3 (or a historical code), None for non-states."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[str | None, bool]] = {}

    def __call__(self, name: Any) -> tuple[str | None, bool]:
        """(code, resolved by tension itself)."""
        text = clean_text(name)
        if text not in self.cache:
            self.cache[text] = self._resolve(text)
        return self.cache[text]

    @staticmethod
    def _resolve(text: str) -> tuple[str | None, bool]:
        if not text:
            return None, False
        states = [m.code for m in mentions_of(text) if m.kind == "state"]
        if len(set(states)) == 1:
            return states[0], True
        if text.lower() in HISTORIC:
            return HISTORIC[text.lower()], False
        import pycountry

        try:
            return str(pycountry.countries.lookup(text).alpha_3), False
        except LookupError:
            return None, False

    def states(self, cell: Any) -> list[str]:
        codes = [self(x)[0] for x in clean_text(cell).split(";")]
        return sorted({c for c in codes if c})


def sentence_sides(full: pd.DataFrame, names: StateNames
                   ) -> dict[tuple[str, str], tuple[set[frozenset[str]], set[frozenset[str]]]]:
    """Per (crisno, sentence): (co-actor pairs, opposing pairs) over all agreed events.

    Co-actors: two states listed in one event's actor cell (do or say), or the actors of two
    events with the same target. Co-targets are not counted (a mediator's two targets are
    opponents). Pairs also coded against each other in the sentence are dropped."""
    out: dict[tuple[str, str], tuple[set[frozenset[str]], set[frozenset[str]]]] = {}
    for key, grp in full.groupby(["crisno", "sentence_number_int_aligned"], sort=False):
        same: set[frozenset[str]] = set()
        opp: set[frozenset[str]] = set()
        by_target: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for r in grp.to_dict("records"):
            for ca, cb in (("do_actor_a", "do_actor_b"), ("say_actor_a", "say_actor_b")):
                a, b = names.states(r.get(ca)), names.states(r.get(cb))
                same.update(frozenset(p) for p in itertools.combinations(a, 2))
                if a and b:
                    by_target[tuple(b)].update(a)
                    opp.update(frozenset((x, y)) for x in a for y in b if x != y)
        for group in by_target.values():
            same.update(frozenset(p) for p in itertools.combinations(sorted(group), 2))
        out[(str(key[0]), str(key[1]))] = (same - opp, opp)
    return out


def crisis_dates(base: Path) -> dict[str, str]:
    """crisno -> the crisis trigger date (ICB1 yrtrig/motrig/datrig; unknown month or day ->
    1), the date an article about the crisis would carry: dated names (leaders, former states)
    resolve by it, and years long before it are background."""
    icb1 = pd.read_csv(base / "icb1v14.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig")
    out: dict[str, str] = {}
    for c, y, m, d in zip(icb1["crisno"], icb1["yrtrig"], icb1["motrig"], icb1["datrig"],
                          strict=True):
        if not y.strip().isdigit():
            continue
        mo = int(m) if m.strip().isdigit() and 1 <= int(m) <= 12 else 1
        day = int(d) if d.strip().isdigit() and 1 <= int(d) <= 28 else 1
        out[str(int(c))] = f"{int(y):04d}-{mo:02d}-{day:02d}"
    return out


def crisis_contexts(base: Path) -> dict[str, list[str]]:
    """crisno -> the paragraphs of its ICB narrative (background and text)."""
    summ = pd.read_csv(base / "icb_summaries_with_crisis_labels.csv", dtype=str,
                       keep_default_na=False)
    out: dict[str, list[str]] = {}
    for c, b, t in zip(summ["crisno"], summ["background"], summ["text"], strict=True):
        paras = [x.strip() for part in (b, t) for x in re.split(r"\n\s*\n", part)]
        out[str(int(float(c)))] = [x for x in paras if x]
    return out


def previous_sentence(paragraphs: Sequence[str], sentence: str) -> str:
    """The sentence before ``sentence`` in its narrative paragraph ("" when it opens one or is
    not found verbatim)."""
    from tension.read._text import split_sentences

    for para in paragraphs:
        k = para.find(sentence)
        if k < 0:
            continue
        before = [sp for sp in split_sentences(para[:k]) if sp[1] <= k]
        return para[before[-1][0]:k].strip() if before else ""
    return ""


def icbe(shared: Path, model: Any, limit: int | None, sample: int, seed: int, out: Path,
         log: Log) -> PartResult:
    base = shared / ICBE_DIR
    frames = []
    for split in ("train", "valid"):
        f = pd.read_csv(base / f"icbe_events_agreed_wide_filtered_{split}.csv", dtype=str,
                        keep_default_na=False)
        f["split"] = split
        frames.append(f)
    wide = pd.concat(frames, ignore_index=True)
    wide["text"] = [clean_text(t) for t in wide["sentence_span_text"]]
    wide = wide[wide["text"] != ""].reset_index(drop=True)
    note = "all train+valid sentences"
    if sample and sample < len(wide):
        wide = wide.sample(n=sample, random_state=seed).reset_index(drop=True)
        note = f"random sample of {sample} sentences, seed {seed}"
    if limit:
        wide = wide.head(limit)
    names = StateNames()
    full = pd.read_csv(base / "ICBe_V1.1_events_agreed.csv", dtype=str, keep_default_na=False,
                       usecols=["crisno", "sentence_number_int_aligned", "do_actor_a",
                                "do_actor_b", "say_actor_a", "say_actor_b"])
    keys = {(c, s) for c, s in zip(wide["crisno"], wide["sentence_number_int_aligned"],
                                   strict=True)}
    full = full[[(c, s) in keys for c, s in zip(full["crisno"],
                                                full["sentence_number_int_aligned"],
                                                strict=True)]]
    sides = sentence_sides(full, names)
    dates, paras = crisis_dates(base), crisis_contexts(base)
    wide["crisis"] = [str(int(float(c))) for c in wide["crisno"]]
    wide["date"] = [dates.get(c, "") for c in wide["crisis"]]
    wide["context"] = [previous_sentence(paras.get(c, ()), t)
                       for c, t in zip(wide["crisis"], wide["text"], strict=True)]
    wide["key"] = ["\x00".join(x) for x in zip(wide["text"], wide["date"], wide["context"],
                                               strict=True)]
    t0 = time.perf_counter()
    ev_cache: dict[str, list[Any]] = {}
    for key, text, date, ctx in zip(wide["key"], wide["text"], wide["date"], wide["context"],
                                    strict=True):
        if key not in ev_cache:
            ev_cache[key] = events_of(text, date, ctx)
    log(f"ICBe: {sum(bool(c) for c in wide['context'])}/{len(wide)} sentences read after "
        f"the previous sentence of their narrative paragraph; dated by the crisis trigger")
    log(f"ICBe: extract_signals on {len(ev_cache)} distinct sentences in "
        f"{time.perf_counter() - t0:.1f}s ({note})")

    coded, items = [], []
    for r in wide.to_dict("records"):
        (a, own_a), (b, own_b) = names(r["do_actor_a"]), names(r["do_actor_b"])
        if a and b and a != b:
            aid = f"icbe-{r['split']}-{r['crisno']}-{r['sentence_number_int_aligned']}"
            coded.append((aid, tuple(sorted((a, b))), own_a and own_b, r))
            items.append({"id": aid, "text": r["text"], "date": r["date"] or None})
    scored = score_frame(items, model)
    any_ev = hit = hit_any = own_n = own_any = own_hit = rank1 = gated = 0
    kept_any = kept_hit = 0
    failures = []
    for aid, pair, own, r in coded:
        evs = ev_cache[r["key"]]
        prs = pair_rows(scored.get(aid, []))
        rank1 += bool(prs) and prs[0]["dyad"] == "-".join(pair)
        gated += no_pair_reason(scored.get(aid, [])) == "not_bilateral"
        own_n += own
        kept = [e for e in evs if is_kept(e)]
        if kept:
            kept_any += 1
            kept_hit += frozenset(pair) in {frozenset((e.source, e.target)) for e in kept}
        if not evs:
            continue
        any_ev += 1
        own_any += own
        ev_pairs = {frozenset((e.source, e.target)) for e in evs if e.source and e.target}
        ok = frozenset(pair) in ev_pairs
        _, opp = sides.get((r["crisno"], r["sentence_number_int_aligned"]), (set(), set()))
        hit += ok
        hit_any += ok or bool(ev_pairs & (opp | {frozenset(pair)}))
        own_hit += ok and own
        if not ok:
            mentions = mentions_of(r["text"], aid, r["date"])
            hint = link_hint(pair, mentions, evs) or "?"
            if not own:
                hint = f"coded name not resolvable by tension ({r['do_actor_a']} / " \
                       f"{r['do_actor_b']}); " + hint
            failures.append({
                "id": aid, "gold_pair": "-".join(pair), "do_actor_a": r["do_actor_a"],
                "do_actor_b": r["do_actor_b"], "kind": r.get("do_interact_kind", ""),
                "event_type": r.get("event_type", ""), "tension_resolves_both": own,
                "hint": hint, "mentions": fmt_mentions(mentions), "events": fmt_events(evs),
                "got_rank1": prs[0]["dyad"] if prs else "", "text": r["text"],
                "date": r["date"], "context": r["context"],
            })
    # coalition partners, over every sentence in the set (not only the pair-coded ones)
    coalition, coactor_n, coalition_kept = [], 0, 0
    for r in wide.to_dict("records"):
        same, _ = sides.get((r["crisno"], r["sentence_number_int_aligned"]), (set(), set()))
        if not same:
            continue
        coactor_n += 1
        evs = ev_cache[r["key"]]
        bad = [e for e in evs if e.source and e.target
               and frozenset((e.source, e.target)) in same]
        coalition_kept += any(is_kept(e) for e in bad)
        if bad:
            coalition.append({
                "id": f"icbe-{r['split']}-{r['crisno']}-{r['sentence_number_int_aligned']}",
                "co_actors": " ".join("+".join(sorted(p)) for p in same),
                "paired_as_opponents": fmt_events(bad, 4),
                "coded_actor": r["do_actor_a"] or r["say_actor_a"],
                "coded_target": r["do_actor_b"] or r["say_actor_b"],
                "text": r["text"],
            })
    write_csv(out / "icbe_pair_failures.csv", failures)
    write_csv(out / "icbe_coalition_pairs.csv", coalition)
    n = len(coded)
    res = PartResult()
    res.metrics = {
        "icbe_sentences": float(n),
        "icbe_event_coverage": share(any_ev, n),
        "icbe_pair_agreement": share(hit, any_ev),
        "icbe_pair_agreement_any_coded": share(hit_any, any_ev),
        "icbe_pair_agreement_tension_resolvable": share(own_hit, own_any),
        "icbe_rank1_pair": share(rank1, n),
        "icbe_gated_not_bilateral": share(gated, n),
        "icbe_coactor_sentences": float(coactor_n),
        "icbe_coalition_pairs": float(len(coalition)),
        "icbe_coalition_rate": share(len(coalition), coactor_n),
        "icbe_pair_agreement_kept": share(kept_hit, kept_any),
        "icbe_coalition_pairs_kept": float(coalition_kept),
    }
    res.rows = [
        ("sentences with any event", pct(any_ev, n), f"coded state pair; {note}"),
        ("event pair = coded pair, among those with an event", pct(hit, any_ev), "unordered"),
        ("  same, any opposing pair coded in the sentence", pct(hit_any, any_ev),
         "ICBe_V1.1 all agreed events"),
        ("  same, both names resolvable by tension", pct(own_hit, own_any),
         f"{own_n} such sentences"),
        ("score() rank-1 pair = coded pair, all coded sentences", pct(rank1, n),
         f"relevance gate turned away {pct(gated, n)}"),
        ("  same, kept events only (what the score shows)", pct(kept_hit, kept_any),
         "current, asserted or claimed, at the re-scorer's threshold"),
        ("coalition partners paired (X and Y -> Z read as X-Y)",
         pct(len(coalition), coactor_n), "of sentences with coded co-actor states; any candidate"),
        ("  same, kept events only", pct(coalition_kept, coactor_n),
         "current, asserted or claimed, at the re-scorer's threshold"),
    ]
    unresolved = Counter(k for k, (c, own) in names.cache.items() if k and not own and c)
    log(f"ICBe names not resolved by tension (kept via table/pycountry): "
        f"{', '.join(sorted(unresolved)) or '-'}")
    return res


def is_kept(e: Any) -> bool:
    """An event the scoring contract keeps for its pair: current, asserted or claimed, at the
    signal re-scorer's threshold (tension.model._features.drop_reasons, without the pair)."""
    from tension.extract._signals import default_threshold

    return (e.confidence >= default_threshold() and not e.background
            and e.modality in ("asserted", "claimed"))


# ---------------------------------------------------------------------------- 4. news


def news(shared: Path, model: Any, limit: int | None, shipped: bool, out: Path,
         log: Log) -> PartResult:
    from sklearn.metrics import cohen_kappa_score

    with (shared / NEWS).open(encoding="utf-8") as fh:
        recs = [json.loads(line) for line in fh if line.strip()]
    for i, r in enumerate(recs):
        r["_line"] = i + 1
        r["_text"] = clean_text(r.get("text")) or clean_text(r.get("title"))
    negs = [r for r in recs if clean_text(r.get("episode")).startswith("neg-")]
    third = [r for r in recs[-THIRD_ROUND:] if r.get("dyad") and r.get("level") is not None]
    if limit:
        negs, third = negs[:limit], third[:limit]
    chosen = {r["id"]: r for r in (*negs, *third)}
    items = [{"id": r["id"], "text": r["_text"], "title": clean_text(r.get("title")) or None,
              "date": r.get("date")} for r in chosen.values() if r["_text"]]
    scored = score_frame(items, model)
    ok = 0
    failures: list[dict[str, Any]] = []
    for r in negs:
        rows = scored.get(r["id"], [])
        prs = pair_rows(rows)
        good = not prs or float(prs[0]["escalation_score"]) < 25
        ok += good
        if not good:
            failures.append({"part": "neg", "id": r["id"], "episode": r["episode"],
                             "gold": "", "got": fmt_rows(rows), "text": r["_text"][:600]})
    y, lvl, y1, r1 = [], [], [], []
    for r in third:
        gold = "-".join(sorted(r["dyad"]))
        prs = pair_rows(scored.get(r["id"], []))
        mine = [p for p in prs if p["dyad"] == gold]
        if mine:
            y.append(int(r["level"]))
            lvl.append(int(mine[0]["level"]))
        y1.append(int(r["level"]))
        r1.append(int(prs[0]["level"]) if prs else 1)
        if not mine or int(mine[0]["level"]) != int(r["level"]):
            failures.append({"part": "third_round", "id": r["id"], "episode": r["episode"],
                             "gold": f"{gold}:L{r['level']}", "got": fmt_rows(prs),
                             "text": r["_text"][:600]})
    labels = list(range(5))

    def qwk(a: list[int], b: list[int]) -> float:
        if len(a) < 2:
            return float("nan")
        return float(cohen_kappa_score(a, b, weights="quadratic", labels=labels))

    write_csv(out / "news_neg_and_third_round_errors.csv", failures)
    # The card says how many rows of train.jsonl the model was fitted on; the file grows by
    # appending, so the lines after those are held out for this model.
    seen = max((int(d.get("rows", 0)) for d in model.card.get("training_data") or []
                if str(d.get("path", "")).endswith("news/train.jsonl")), default=len(recs))
    unseen_neg = [r for r in negs if r["_line"] > seen]
    ok_unseen = sum(1 for r in unseen_neg if not any(
        f["part"] == "neg" and f["id"] == r["id"] for f in failures))
    third_held = bool(third) and min(r["_line"] for r in third) > seen
    flag = (f"HELD OUT: the model was fitted on the first {seen} lines" if third_held
            else "IN-SAMPLE (the model was fitted on these lines)")
    neg_flag = (f"in-sample for {len(negs) - len(unseen_neg)}; {pct(ok_unseen, len(unseen_neg))}"
                f" of the {len(unseen_neg)} after line {seen} (held out)")
    res = PartResult()
    res.metrics = {
        "neg_records": float(len(negs)),
        "neg_nodyad_ok_insample": share(ok, len(negs)),
        "third_round_labelled": float(len(third)),
        "third_round_qwk_insample": qwk(y, lvl),
        "third_round_gold_pair_coverage": share(len(y), len(third)),
        "third_round_qwk_rank1_insample": qwk(y1, r1),
    }
    res.rows = [
        ("hard negatives: no pair or rank-1 score < 25", pct(ok, len(negs)), neg_flag),
        ("third round: QWK, gold pair's row level vs label",
         f"{res.metrics['third_round_qwk_insample']:.3f}",
         f"{flag}; gold pair has a row in {len(y)}/{len(third)}"),
        ("third round: QWK, rank-1 row (no pair = level 1)",
         f"{res.metrics['third_round_qwk_rank1_insample']:.3f}", flag),
    ]
    log(f"news: {len(negs)} hard negatives, {len(third)} labelled third-round records "
        f"(last {THIRD_ROUND} lines); grouped-CV figures: experiments/train.py")
    return res


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--parts", default=",".join(PARTS),
                    help=f"comma-separated subset of {','.join(PARTS)}")
    ap.add_argument("--limit", type=int, default=None, help="at most N items per part (quick)")
    ap.add_argument("--out", type=Path, default=Path("out/eval_real"),
                    help="folder for the per-item failure CSVs and the report")
    ap.add_argument("--model", default=None, help="model location (default: shipped)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--domestic-n", type=int, default=800)
    ap.add_argument("--icbe-sample", type=int, default=0,
                    help="sample this many ICBe sentences (seed --seed); 0 = all")
    ap.add_argument("--no-mlflow", action="store_true", help="do not log to mlflow")
    ap.add_argument("--tracking-uri", help="mlflow tracking URI (default $MLFLOW_TRACKING_URI "
                                           "or sqlite:///mlflow.db)")
    ap.add_argument("--run-name", default="evaluate_real_reporting")
    args = ap.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown part(s) {sorted(unknown)}; choose from {PARTS}")
    args.out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []

    def log(msg: str) -> None:
        print(msg, flush=True)
        lines.append(msg)

    model = tension.load_model(args.model)
    version = str(getattr(model, "version", "?"))
    log(f"model {args.model or 'shipped'} (version {version}); parts {','.join(parts)}"
        + (f"; limit {args.limit}" if args.limit else ""))
    metrics: dict[str, float] = {}
    table: list[tuple[str, str, str, str]] = []
    titles = {"acled": "1 ACLED cross-border (state forces)",
              "domestic": "2 ACLED domestic violence",
              "icbe": "3 ICBe sentences", "neg": "4 news"}
    for part in parts:
        t0 = time.perf_counter()
        if part == "acled":
            res = acled_cross_border(args.shared, model, args.limit, args.out, log)
        elif part == "domestic":
            res = domestic(args.shared, model, args.limit, args.domestic_n, args.seed,
                           args.out, log)
        elif part == "icbe":
            res = icbe(args.shared, model, args.limit, args.icbe_sample, args.seed, args.out,
                       log)
        else:
            res = news(args.shared, model, args.limit, args.model is None, args.out, log)
        secs = time.perf_counter() - t0
        res.metrics[f"{part}_seconds"] = secs
        metrics.update(res.metrics)
        table.extend((titles[part], *row) for row in res.rows)
        log(f"{part}: {secs:.1f}s")

    log("\n| part | measure | value | note |\n|---|---|---|---|")
    for row in table:
        log("| " + " | ".join(row) + " |")
    log(f"\nfailure CSVs in {args.out}/")
    report = "\n".join(lines)
    (args.out / "report.md").write_text(report + "\n", encoding="utf-8")
    clean = {k: float(v) for k, v in metrics.items() if not np.isnan(v)}
    (args.out / "metrics.json").write_text(json.dumps(clean, indent=1), encoding="utf-8")
    if not args.no_mlflow:
        import mlflow

        mlflow.set_tracking_uri(args.tracking_uri
                                or os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
        mlflow.set_experiment(EXPERIMENT)
        with mlflow.start_run(run_name=args.run_name):
            mlflow.set_tags({"model_location": args.model or "shipped",
                             "model_version": version})
            mlflow.log_params({"parts": ",".join(parts), "limit": args.limit or 0,
                               "seed": args.seed, "domestic_n": args.domestic_n,
                               "icbe_sample": args.icbe_sample})
            mlflow.log_metrics(clean)
            mlflow.log_text(report, "evaluate_real_reporting.md")
            mlflow.log_artifacts(str(args.out), "eval_real")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
