"""The signal taxonomy and cue lexicon, loaded once from ``tension/data`` and validated.

``signals.csv`` names the 24 signals (family, CAMEO quad class, CAMEO codes, PLOVER category,
Goldstein-style prior weight); ``cues.tsv`` holds the trigger phrases and the modality, shadow,
block and background cue lists the extractor compiles into one automaton, and ``cues_cameo.tsv``
more triggers derived from the PETRARCH-2 CAMEO verb dictionary. A shadow named after a signal
(not ``*``) fires that signal and silences the cues it overlaps ("violated the ceasefire"). A
typo in a file (an unknown signal, family or quad class, a duplicate, a wildcard in the middle of
a phrase) is an :class:`~tension._types.IngestError` at load, naming the file, line and field.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources

from tension._types import QUAD_CLASSES, IngestError

__all__ = [
    "SIGNALS",
    "FAMILIES",
    "CUE_KINDS",
    "MODALITY_CUES",
    "SignalSpec",
    "Cue",
    "load_taxonomy",
    "load_cues",
]

# Exactly the label set of ../shared/data/news/train.jsonl, in taxonomy order.
SIGNALS: tuple[str, ...] = (
    "military_strike",
    "armed_clash",
    "casualties",
    "troop_mobilization",
    "military_threat",
    "accusation",
    "sovereignty_violation",
    "envoy_summoned",
    "envoy_recalled",
    "envoy_expelled",
    "ties_cut",
    "sanctions",
    "border_closure",
    "call_for_restraint",
    "mediation_offer",
    "talks",
    "unity_pledge",
    "agreement",
    "ceasefire",
    "ties_restored",
    "envoy_returned",
    "aid",
    "protest",
    "hedged_or_negated_conflict",
)
FAMILIES: tuple[str, ...] = (
    "material_conflict",
    "verbal_conflict",
    "verbal_cooperation",
    "material_cooperation",
    "third_party_deescalation",
    "modality",
)
CUE_KINDS: tuple[str, ...] = ("trigger", "group", "modality", "shadow", "block", "background")
MODALITY_CUES: tuple[str, ...] = (
    "negated",
    "denied",
    "hedged",
    "threatened",
    "conditional",
    "claimed",
    "called_for",
)
_CAMEO = re.compile(r"\d{2,4}")
_PLOVER = re.compile(r"[A-Z]+")


@dataclass(frozen=True, slots=True)
class SignalSpec:
    name: str
    family: str
    quad_class: str
    cameo: tuple[str, ...]
    plover: str
    weight: float
    description: str


@dataclass(frozen=True, slots=True)
class Cue:
    kind: str
    name: str  # signal (trigger/block), group name, modality cue kind, or "*"
    phrase: str  # lowercase; a trailing "*" is a prefix match
    requires: str = ""  # trigger only: a word group that must also be in the sentence


def _data_text(name: str) -> str:
    return resources.files("tension").joinpath("data", name).read_text(encoding="utf-8")


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Data rows with their 1-based line numbers, skipping ``#`` comment lines."""
    out = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        row = next(csv.reader(io.StringIO(line), delimiter=delimiter))
        out.append((lineno, row))
    return out


def parse_taxonomy(text: str, path: str = "signals.csv") -> dict[str, SignalSpec]:
    rows = _rows(text, ",")
    if not rows:
        raise IngestError("empty taxonomy", path=path)
    header_line, header = rows[0]
    expected = ["name", "family", "quad_class", "cameo", "plover", "weight", "description"]
    if header != expected:
        raise IngestError(f"header must be {expected}, got {header}", path=path, line=header_line)
    specs: dict[str, SignalSpec] = {}
    for lineno, row in rows[1:]:
        if len(row) != len(expected):
            raise IngestError(f"expected {len(expected)} fields, got {len(row)}", path=path,
                              line=lineno)
        name, family, quad, cameo, plover, weight, description = (c.strip() for c in row)
        if name not in SIGNALS:
            raise IngestError(f"unknown signal {name!r}", path=path, line=lineno, field="name")
        if name in specs:
            raise IngestError(f"duplicate signal {name!r}", path=path, line=lineno, field="name")
        if family not in FAMILIES:
            raise IngestError(f"unknown family {family!r}", path=path, line=lineno, field="family")
        if quad not in QUAD_CLASSES:
            raise IngestError(f"unknown quad class {quad!r}", path=path, line=lineno,
                              field="quad_class")
        codes = tuple(c for c in cameo.split(";") if c)
        for c in codes:
            if not _CAMEO.fullmatch(c):
                raise IngestError(f"bad CAMEO code {c!r}", path=path, line=lineno, field="cameo")
        if plover and not _PLOVER.fullmatch(plover):
            raise IngestError(f"bad PLOVER category {plover!r}", path=path, line=lineno,
                              field="plover")
        try:
            w = float(weight)
        except ValueError:
            raise IngestError(f"weight {weight!r} is not a number", path=path, line=lineno,
                              field="weight") from None
        if not -10.0 <= w <= 10.0:
            raise IngestError(f"weight {w} outside -10..10", path=path, line=lineno, field="weight")
        specs[name] = SignalSpec(name, family, quad, codes, plover, w, description)
    missing = [s for s in SIGNALS if s not in specs]
    if missing:
        raise IngestError(f"signals missing from the taxonomy: {missing}", path=path)
    return {s: specs[s] for s in SIGNALS}


def parse_cues(text: str, path: str = "cues.tsv") -> tuple[Cue, ...]:
    rows = _rows(text, "\t")
    if not rows or rows[0][1] != ["kind", "name", "phrase", "requires"]:
        raise IngestError("header must be kind, name, phrase, requires", path=path)
    cues: list[Cue] = []
    seen: set[tuple[str, str, str]] = set()
    groups: set[str] = set()
    for lineno, row in rows[1:]:
        if len(row) not in (3, 4):
            raise IngestError(f"expected 3 or 4 fields, got {len(row)}", path=path, line=lineno)
        kind, name, phrase = row[0], row[1], row[2]
        requires = row[3] if len(row) == 4 else ""
        if kind not in CUE_KINDS:
            raise IngestError(f"unknown cue kind {kind!r}", path=path, line=lineno, field="kind")
        if kind in ("trigger", "block", "shadow") and name not in SIGNALS and not (
            kind in ("block", "shadow") and name == "*"
        ):
            raise IngestError(f"unknown signal {name!r}", path=path, line=lineno, field="name")
        if kind == "modality" and name not in MODALITY_CUES:
            raise IngestError(f"unknown modality cue {name!r}", path=path, line=lineno,
                              field="name")
        if phrase != phrase.lower() or not phrase.strip() or phrase != phrase.strip():
            raise IngestError(f"phrase {phrase!r} must be lowercase and trimmed", path=path,
                              line=lineno, field="phrase")
        if "*" in phrase[:-1]:
            raise IngestError(f"wildcard only allowed at the end: {phrase!r}", path=path,
                              line=lineno, field="phrase")
        if requires and kind != "trigger":
            raise IngestError("only triggers may require a group", path=path, line=lineno,
                              field="requires")
        key = (kind, name, phrase)
        if key in seen:
            raise IngestError(f"duplicate cue {key}", path=path, line=lineno, field="phrase")
        seen.add(key)
        if kind == "group":
            groups.add(name)
        cues.append(Cue(kind, name, phrase, requires))
    for c in cues:
        if c.requires and c.requires not in groups:
            raise IngestError(f"trigger {c.phrase!r} requires unknown group {c.requires!r}",
                              path=path, field="requires")
    return tuple(cues)


@functools.cache
def load_taxonomy() -> dict[str, SignalSpec]:
    """The 24 signals in taxonomy order (validated; cached)."""
    return parse_taxonomy(_data_text("signals.csv"), "tension/data/signals.csv")


@dataclass(frozen=True)
class BorderLine:
    """A ceasefire or control line between exactly two states (``border_lines.tsv``)."""

    phrase: str
    states: tuple[str, str]
    exact: bool  # match as written (acronyms such as "LoC"), else in any case


_BORDER_HEADER = ["phrase", "state_a", "state_b", "match"]


def parse_border_lines(text: str, path: str = "border_lines.tsv") -> tuple[BorderLine, ...]:
    """Validated rows of ``border_lines.tsv`` (an ``IngestError`` names the line and field)."""
    rows = _rows(text, "\t")
    if not rows or rows[0][1] != _BORDER_HEADER:
        raise IngestError(f"header must be {_BORDER_HEADER}", path=path,
                          line=rows[0][0] if rows else None)
    out: list[BorderLine] = []
    seen: set[str] = set()
    for lineno, row in rows[1:]:
        if len(row) != len(_BORDER_HEADER):
            raise IngestError(f"expected {len(_BORDER_HEADER)} fields, got {len(row)}",
                              path=path, line=lineno)
        phrase, a, b, match = (x.strip() for x in row)
        if not phrase or phrase in seen:
            raise IngestError(f"empty or duplicate phrase {phrase!r}", path=path, line=lineno,
                              field="phrase")
        for name, code in (("state_a", a), ("state_b", b)):
            if len(code) != 3 or not code.isalpha() or not code.isupper():
                raise IngestError(f"not an ISO3 code: {code!r}", path=path, line=lineno,
                                  field=name)
        if a == b:
            raise IngestError("a line needs two different states", path=path, line=lineno,
                              field="state_b")
        if match not in ("exact", "folded"):
            raise IngestError(f"match must be exact or folded, got {match!r}", path=path,
                              line=lineno, field="match")
        seen.add(phrase)
        out.append(BorderLine(phrase, (a, b), match == "exact"))
    return tuple(out)


@functools.cache
def load_border_lines() -> tuple[BorderLine, ...]:
    return parse_border_lines(_data_text("border_lines.tsv"), "tension/data/border_lines.tsv")


@functools.cache
def load_cues() -> tuple[Cue, ...]:
    """Every cue of ``cues.tsv`` and of the derived ``cues_cameo.tsv`` (validated; cached).

    The derived table (experiments/build_cameo_cues.py, from the PETRARCH-2 CAMEO verb
    dictionary) only adds phrases: one that the hand-written table lists wins."""
    hand = parse_cues(_data_text("cues.tsv"), "tension/data/cues.tsv")
    try:
        derived = parse_cues(_data_text("cues_cameo.tsv"), "tension/data/cues_cameo.tsv")
    except FileNotFoundError:  # pragma: no cover - a build without the derived table
        return hand
    known = {c.phrase for c in hand}
    return hand + tuple(c for c in derived if c.phrase not in known)
