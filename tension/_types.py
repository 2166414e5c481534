"""Records that cross the seams between layers.

Text is read once (``Article``); every later layer works on the records the layer before
produced. Offsets named ``start``/``end`` on public records always point into the ORIGINAL
text (``Article.raw_text``) so an analyst can highlight evidence in what they fed in; the
``clean_*`` offsets point into ``Article.text`` and are what the extractors work on.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Literal

__all__ = [
    "Article",
    "Mention",
    "Event",
    "Modality",
    "MentionKind",
    "QuadClass",
    "QuadPrediction",
    "MODALITIES",
    "QUAD_CLASSES",
    "LEVELS",
    "TensionError",
    "IngestError",
    "ModelError",
    "SCORE_COLUMNS",
]

Modality = Literal["asserted", "negated", "hedged", "threatened", "called_for", "denied", "claimed"]
MODALITIES: tuple[str, ...] = (
    "asserted",
    "negated",
    "hedged",
    "threatened",
    "called_for",
    "denied",
    "claimed",
)
MentionKind = Literal["state", "organisation", "group"]
QuadClass = Literal[
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
    "statement",
]
QUAD_CLASSES: tuple[str, ...] = (
    "statement",
    "verbal_cooperation",
    "material_cooperation",
    "verbal_conflict",
    "material_conflict",
)
LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4)

# The scoring contract: one row per (article, dyad). Python (tension.score), the CLI, the mlflow
# pyfunc model and Spark all return exactly these columns in this order. An article with no
# interstate pair gives one row with dyad "" and reason "no_dyad"; scores are then empty (NaN).
# `signals` maps signal name -> count of the events the model keeps for the pair (current,
# asserted or claimed, confident, between the pair's states; a JSON object in CSV output);
# `evidence` lists the top kept events by confidence x |weight| (signal, source, target,
# modality, confidence, sentence, start, end).
SCORE_COLUMNS: tuple[str, ...] = (
    "article_id",
    "dyad",
    "actor_a",
    "actor_b",
    "rank",
    "salience",
    "escalation_score",
    "level",
    "p0",
    "p1",
    "p2",
    "p3",
    "p4",
    "signals",
    "evidence",
    "date",
    "model_version",
    "reason",
)


class TensionError(Exception):
    """Base class of every error the package raises on purpose."""


class IngestError(TensionError, ValueError):
    """Bad input: names the file, the line or row, and the field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        record_id: str | None = None,
    ) -> None:
        self.reason = message
        self.path = path
        self.line = line
        self.field = field
        self.record_id = record_id
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if record_id is not None:
            where.append(f"id {record_id!r}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class ModelError(TensionError):
    """A model that cannot or must not be loaded or used; the message says how to fix it."""


def _empty_or_same(s: int, e: int) -> tuple[int, int]:
    return (s, s) if e <= s else (s, e)


@dataclass(frozen=True, slots=True)
class Article:
    """One cleaned article and the map back to its original text.

    ``anchors`` is a sorted tuple of ``(clean_pos, raw_pos)`` pairs: inside a run that starts
    at anchor ``i``, ``raw = raw_pos_i + (clean - clean_pos_i)``. Cleaning only deletes or
    replaces spans, so this piecewise map is exact at every anchor and monotone between them.
    """

    id: str
    text: str
    raw_text: str = ""
    anchors: tuple[tuple[int, int], ...] = ((0, 0),)
    title: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD, UTC) or None when unknown
    source: str | None = None
    url: str | None = None
    language: str | None = None
    cluster: str | None = None  # wire-copy cluster id; copies of one story share it
    origin: str | None = None  # "file:line" the record came from, for error messages

    def raw_offset(self, clean_pos: int) -> int:
        """Offset in ``raw_text`` of the character at ``clean_pos`` in ``text``."""
        if not self.anchors:
            return clean_pos
        # key= rather than a list of keys: building that list per call made mapping every
        # mention of an article quadratic in its number of anchors
        i = bisect.bisect_right(self.anchors, clean_pos, key=lambda a: a[0]) - 1
        if i < 0:
            return clean_pos
        c0, r0 = self.anchors[i]
        raw = r0 + (clean_pos - c0)
        limit = len(self.raw_text) if self.raw_text else raw
        return min(raw, limit)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` to the original text."""
        if end <= start:
            s = self.raw_offset(start)
            return s, s
        return self.raw_offset(start), self.raw_offset(end - 1) + 1

    def raw_span_fn(self) -> Callable[[int, int], tuple[int, int]]:
        """:meth:`raw_span` as a function with the anchor offsets listed once, for mapping many
        spans of one article (``raw_offset`` bisects with a key function on every call)."""
        anchors = self.anchors
        if not anchors:
            return _empty_or_same
        limit = len(self.raw_text) if self.raw_text else None
        if anchors == ((0, 0),) and (limit is None or limit >= len(self.text)):
            return _empty_or_same  # nothing was cut or replaced: the offsets are the same
        keys = [a[0] for a in anchors]
        # raw - clean per anchor: an offset maps with one bisect and one addition
        shift = [r - c for c, r in anchors]
        cap = limit if limit is not None else sys.maxsize
        bisect_right = bisect.bisect_right

        def span(s: int, e: int) -> tuple[int, int]:
            # inlined (called for every mention, event and sentence of an article)
            i = bisect_right(keys, s) - 1
            rs = s if i < 0 else min(s + shift[i], cap)
            if e <= s:
                return rs, rs
            j = bisect_right(keys, e - 1) - 1
            return rs, (e - 1 if j < 0 else min(e - 1 + shift[j], cap)) + 1

        return span


@dataclass(frozen=True, slots=True)
class Mention:
    """A state, organisation or non-state group named in an article."""

    article_id: str
    start: int  # original-text offsets
    end: int
    text: str
    code: str  # ISO3 for states, e.g. "UN", "NATO" for organisations, a slug for groups
    kind: MentionKind
    role: str = "other"  # subject | object | location | possessor | other
    sentence_index: int = 0
    clean_start: int = 0
    clean_end: int = 0
    state: str | None = None  # for groups: the state where the text says they operate

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Event:
    """One detected signal: who did what to whom, whether it happened, and where it says so."""

    article_id: str
    signal: str
    quad_class: str
    source: str | None
    target: str | None
    modality: str = "asserted"
    location: str | None = None
    third_parties: tuple[str, ...] = ()
    speaker: str | None = None
    casualties: int | None = None
    confidence: float = 1.0
    sentence: str = ""
    sentence_index: int = 0
    start: int = 0  # trigger span, original-text offsets
    end: int = 0
    sentence_start: int = 0
    sentence_end: int = 0
    trigger: str = ""
    background: bool = False
    weight: float = 0.0  # the signal's prior intensity (Goldstein-style), copied for features
    extra: dict[str, Any] = field(default_factory=dict)
    # When the event happened relative to the article, as the reason it was read so: "" (the
    # article's news), or why it is background ("date 2019-02-26", "year 2019", "last year",
    # "anniversary", "history" ...). ``background`` is True exactly when this is a background
    # reason; "current" marks a sentence dated to the article's days ("today", "on Monday").
    time: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["third_parties"] = list(self.third_parties)
        return d


@dataclass(frozen=True)
class QuadPrediction:
    """The learned CAMEO quad class of a sentence (``tension.quad_class``): the class, the
    probability of each class, and the word n-grams that pushed most toward it, with their
    contributions to its log-odds against the mean class."""

    label: str
    probabilities: dict[str, float]
    terms: tuple[tuple[str, float], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "probabilities": dict(self.probabilities),
                "terms": [list(t) for t in self.terms]}


class _Factory:
    """Default of a field with a default factory in a signature (shown as dataclasses does)."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _slot_setter_init(cls: type) -> Any:
    """An ``__init__`` for a frozen slots dataclass that fills each slot through its member
    descriptor: the generated one goes through ``object.__setattr__`` per field (frozen), which
    made building the ~30 events of an article cost more than deciding them. Same parameters,
    order and defaults; assignment after construction still raises FrozenInstanceError."""
    fs = fields(cls)
    # the module's names too, so that typing.get_type_hints resolves the annotations
    env: dict[str, Any] = dict(vars(sys.modules[cls.__module__]))
    env["_MISSING"] = _FACTORY
    params, body = [], []
    for f in fs:
        env[f"_set_{f.name}"] = cls.__dict__[f.name].__set__
        if f.default is not MISSING:
            env[f"_dflt_{f.name}"] = f.default
            params.append(f"{f.name}=_dflt_{f.name}")
            body.append(f"    _set_{f.name}(self, {f.name})")
        elif f.default_factory is not MISSING:
            env[f"_fact_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            body.append(f"    _set_{f.name}(self, _fact_{f.name}() if {f.name} is _MISSING "
                        f"else {f.name})")
        else:
            params.append(f.name)
            body.append(f"    _set_{f.name}(self, {f.name})")
    src = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body) + "\n"
    ns: dict[str, Any] = {}
    exec(src, env, ns)  # from the dataclass's own field names, as dataclasses itself does
    init = ns["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {f.name: f.type for f in fs} | {"return": "None"}
    return init


setattr(Event, "__init__", _slot_setter_init(Event))  # noqa: B010 - mypy keeps the typed one
setattr(Mention, "__init__", _slot_setter_init(Mention))  # noqa: B010 - ~30 an article too
