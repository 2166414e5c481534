"""Events to dyad features: one row per (article, dyad), every feature named.

The input of this layer is a DataFrame of dyad rows (see ``DYAD_ROW_COLUMNS``) whose
``events`` column holds the article's :class:`~tension._types.Event` list; the output is a
numeric matrix a plain scikit-learn classifier can use. Which events count for a pair:

* ``a_b`` / ``b_a``: the event's source is one side and its target (or, for force, the
  location) the other side;
* ``pair``: at least one side is source, target or location and no third state is;
* ``third``: a third party (state or organisation) acts on the pair (restraint calls,
  mediation) or the event has no actor at all but sits in a sentence naming a side.

Events whose actors are all other states belong to other dyads and are ignored here; so are
events whose source or target is a non-state group or an organisation (``G:...``, ``UN``) that
is not one of the event's third parties: a militia's attack is not an act of a state pair.
Background events (history, anniversaries) never count.

What the scoring contract shows for a pair (``signals``, ``evidence``) is stricter:
:func:`contract_events` keeps the current (not background), asserted or claimed events at or
above the signal re-scorer's threshold whose source and target are the pair's two states, and
gives every other candidate its reasons for being dropped (``tension explain`` lists them).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from tension._types import Event
from tension.extract._taxonomy import load_taxonomy

__all__ = [
    "DyadFeaturizer",
    "DYAD_ROW_COLUMNS",
    "FEATURE_COLUMNS",
    "events_for_dyad",
    "contract_events",
    "kept_events",
    "is_kept",
    "drop_reasons",
    "links_pair",
    "firmly_linked",
    "signal_threshold",
    "non_state_actor",
    "MODALITY_GROUPS",
    "fast_tfidf_transform",
    "fast_text_blocks",
]

# Columns of the dyad-row frame that the scoring layer builds and this layer reads.
DYAD_ROW_COLUMNS: tuple[str, ...] = (
    "article_id",
    "dyad",
    "actor_a",
    "actor_b",
    "rank",
    "salience",
    "n_cooccur",
    "in_title",
    "in_lead",
    "events",
    "title_events",
    "text",
    "sentence_states",
)
# The subset DyadFeaturizer reads (the text column feeds the TF-IDF block instead;
# sentence_states, {sentence index: the states it names}, serves the relevance gate's rule).
FEATURE_COLUMNS: list[str] = [
    c for c in DYAD_ROW_COLUMNS if c not in ("article_id", "dyad", "text", "sentence_states")
]

# Modalities are grouped so that rare ones share statistical strength: what happened
# (asserted, or claimed by one side), what did not or may not (negated, denied, hedged), and
# what is threatened or demanded.
MODALITY_GROUPS: dict[str, str] = {
    "asserted": "act",
    "claimed": "act",
    "negated": "neg",
    "denied": "neg",
    "hedged": "neg",
    "threatened": "threat",
    "called_for": "threat",
}
_PER_SIGNAL = ("act", "lead", "title", "neg", "threat")
_DIRECTIONS = ("a_b", "b_a", "third")
LEAD_SENTENCES = 2


@functools.cache
def _state_codes() -> frozenset[str]:
    """The ISO3 codes the actor layer resolves states to (empty if it cannot say)."""
    try:
        from tension.extract._actors import gazetteer

        return frozenset(gazetteer()[0])
    except Exception:  # pragma: no cover - the actor tables are missing or broken
        return frozenset()


@functools.lru_cache(maxsize=4096)
def _is_state(code: str | None) -> bool:
    """A state code: three capitals and, when the actor tables load, one of their states (the
    IMF's code has three capitals too)."""
    if code is None or len(code) != 3 or not code.isalpha() or not code.isupper():
        return False
    known = _state_codes()
    return not known or code in known


def non_state_actor(e: Event) -> str | None:
    """The event's source or target when it is a non-state group or an organisation that is not
    one of the event's third parties (a mediator acting on the pair is); else None."""
    for x in (e.source, e.target):
        if x and not _is_state(x) and x not in e.third_parties:
            return x
    return None


@functools.lru_cache(maxsize=1 << 16)
def _states(src: str | None, tgt: str | None, loc: str | None) -> frozenset[str]:
    """The state codes among an event's source, target and location (asked for every event
    of every pair; the combinations repeat, so cached)."""
    return frozenset(x for x in (src, tgt, loc) if x and _is_state(x))


def events_for_dyad(events: Iterable[Event], a: str, b: str) -> list[tuple[Event, str]]:
    """Events that concern the pair (a, b), each with its direction (see module doc).

    Inside :func:`shared_feature_rows`, each (list of events, pair) is answered once: the answer
    is shared, do not change it."""
    memo = _memo()
    if memo is None or type(events) is not list:
        return _directions(_state_events(events), a, b)
    key = (events_for_dyad, id(events), a, b)
    hit = memo.get(key)
    if hit is None:  # the memo holds the list too: its id is not reused meanwhile
        hit = memo[key] = (events, _directions(_state_events(events), a, b))
    out: list[tuple[Event, str]] = hit[1]
    return out


_StateEvent = tuple[Event, frozenset[str], frozenset[str]]


def _state_events(events: Iterable[Event]) -> list[_StateEvent]:
    """The events a pair may count (current, no non-state actor), each with the states it names
    (:func:`_states`) and those of them that are not its third parties (:func:`_unmediated`).
    Every pair of an article asks: inside :func:`shared_feature_rows`, a list is read once."""
    memo = _memo()
    key = (_state_events, id(events))
    if memo is not None and type(events) is list:
        hit = memo.get(key)
        if hit is not None:
            return hit[1]  # type: ignore[no-any-return]
    out: list[_StateEvent] = []
    for e in events:
        if e.background or non_state_actor(e) is not None:
            continue
        states = _states(e.source, e.target, e.location)
        out.append((e, states, _unmediated(e, states)))
    if memo is not None and type(events) is list:
        memo[key] = (events, out)  # the list too: its id is not reused meanwhile
    return out


def _directions(state_events: Iterable[_StateEvent], a: str, b: str) -> list[tuple[Event, str]]:
    """:func:`events_for_dyad` of :func:`_state_events`."""
    side = {a, b}
    out: list[tuple[Event, str]] = []
    for e, _, unmediated in state_events:
        src, tgt, loc = e.source, e.target, e.location
        if src in side:
            other = tgt if tgt in side and tgt != src else None
            if other is None and loc in side and loc != src:
                other = loc
            if other is not None:
                out.append((e, "a_b" if src == a else "b_a"))
                continue
        if not unmediated <= side:
            continue  # about another pair (:func:`_outside`)
        if e.third_parties or (src and src not in side and not _is_state(src)):
            out.append((e, "third"))
        else:
            out.append((e, "pair"))
    return out


PRESENT_MODALITIES = ("asserted", "claimed")


def links_pair(e: Event, a: str, b: str) -> bool:
    """Do the event's source and target name the pair's two states? (Or, for an act with no
    named target, its source is one state and its location the other: shelling that lands.)"""
    side = {a, b}
    src, tgt = e.source, e.target
    if src != tgt and src in side and tgt in side:
        return True
    loc = e.location
    return tgt is None and src in side and loc in side and loc != src


def _background_why(e: Event) -> str:
    """What the extract layer says about why an event is background, if anything."""
    for name in ("why", "background_reason", "time"):
        v = getattr(e, name, None)
        if isinstance(v, str) and v:
            return v
    for name in ("why", "background_reason", "background_cue", "time"):
        v = e.extra.get(name) if isinstance(e.extra, dict) else None
        if isinstance(v, str) and v:
            return v
    return ""


def is_kept(e: Event, a: str, b: str, threshold: float) -> bool:
    """Does the scoring contract count ``e`` for the pair (a, b)? The rule: current (not
    background), asserted or claimed, not below ``threshold`` and linking the pair's two states
    (:func:`links_pair`) with no non-state actor on either side. :func:`drop_reasons` names
    the parts of it an event fails (asked per event of every pair: the cheap tests first)."""
    return (
        not e.background
        and e.modality in PRESENT_MODALITIES
        and not e.confidence < threshold  # as drop_reasons: a NaN confidence is not below
        and links_pair(e, a, b)
        and non_state_actor(e) is None
    )


def drop_reasons(e: Event, a: str, b: str, threshold: float) -> list[str]:
    """Why the scoring contract does not count ``e`` for the pair (a, b); [] when it does
    (:func:`is_kept`)."""
    if is_kept(e, a, b, threshold):
        return []
    out: list[str] = []
    if e.background:
        why = _background_why(e)
        out.append(f"background ({why})" if why else "background")
    group = non_state_actor(e)
    if group is not None:
        out.append(f"non-state actor {group}")
    elif not links_pair(e, a, b):
        others = sorted(_states(e.source, e.target, e.location) - {a, b})
        if others:
            out.append(f"other pair ({e.source or '?'}->{e.target or '?'})")
        elif e.source is None and e.target is None:
            out.append("no actor")
        else:
            out.append(f"one side only ({e.source or '?'}->{e.target or '?'})")
    if e.modality not in PRESENT_MODALITIES:
        out.append(str(e.modality))
    if e.confidence < threshold:
        out.append(f"below threshold ({e.confidence:.2f} < {threshold:.2f})")
    return out


def signal_threshold() -> float:
    """The confidence at which an event counts (the extract layer's re-scorer threshold)."""
    from tension.extract._signals import default_threshold

    return default_threshold()


def contract_events(
    events: Iterable[Event], a: str, b: str, threshold: float | None = None
) -> tuple[list[Event], list[tuple[Event, list[str]]]]:
    """(kept, dropped) events of the pair (a, b) for the scoring contract: kept are those with
    no :func:`drop_reasons` (at the re-scorer's threshold by default); dropped, each with its
    reasons, are the other events of the article."""
    t = signal_threshold() if threshold is None else threshold
    kept: list[Event] = []
    dropped: list[tuple[Event, list[str]]] = []
    for e in events:
        if is_kept(e, a, b, t):
            kept.append(e)
        else:
            dropped.append((e, drop_reasons(e, a, b, t)))
    return kept, dropped


def kept_events(
    events: Iterable[Event], a: str, b: str, threshold: float | None = None
) -> list[Event]:
    """The kept events of :func:`contract_events`, without the dropped ones' reasons (what
    scoring needs)."""
    t = signal_threshold() if threshold is None else threshold
    return [e for e in events if is_kept(e, a, b, t)]


COERCIVE_WEIGHT = -5.0  # prior weight of the mildest force/coercion signal (a recall, a closure)


# In a short note, fire between two named states needs less of the re-scorer's confidence to
# keep a pair past the gate: its labels mark the article's news peg, and a one-line note of an
# exchange of fire is its own peg that the training articles (a few hundred words each) seldom
# were. A note is short when no event lies past its first SHORT_NOTE_SENTENCES sentences.
_FORCE_LINK = frozenset({"military_strike", "armed_clash", "casualties"})
FORCE_LINK_SHARE = 0.5
SHORT_NOTE_SENTENCES = 4


def firmly_linked(
    events: Iterable[Event],
    a: str,
    b: str,
    threshold: float,
    named: dict[int, frozenset[str]] | None = None,
) -> bool:
    """Is there a current, asserted or claimed force or coercion event (prior weight at most
    ``COERCIVE_WEIGHT``: strikes, clashes, mobilisation, threats of force, sanctions, recalls,
    closures...) at or above ``threshold`` whose source and target are the pair's states?

    With ``named`` ({sentence index: states the sentence names}), the event's sentence or
    one beside it must name both states: the two sides are in the text, not filled in from
    the article's pair (an attack by unnamed militants on one state's soldiers names one
    state only), and a wire note's reply ("X shelled villages. Y's forces responded.") is
    one exchange told in two sentences."""
    side = {a, b}
    empty: frozenset[str] = frozenset()
    events = list(events)
    short = all(e.sentence_index < SHORT_NOTE_SENTENCES for e in events)
    force_threshold = threshold * FORCE_LINK_SHARE if short else threshold
    for e in events:
        if (
            e.weight <= COERCIVE_WEIGHT
            and e.confidence >= (force_threshold if e.signal in _FORCE_LINK else threshold)
            and not e.background
            and e.modality in PRESENT_MODALITIES
            and links_pair(e, a, b)
            and non_state_actor(e) is None
            and (named is None or side <= (named.get(e.sentence_index, empty)
                                            | named.get(e.sentence_index - 1, empty)
                                            | named.get(e.sentence_index + 1, empty)))
        ):
            return True
    return False


class DyadFeaturizer(TransformerMixin, BaseEstimator):
    """Named numeric features of a dyad row from its events.

    Four blocks, every feature named ``<what>__<how>``:

    * per signal, events that concern the pair loosely (any event not solely about other
      states; an event with no state named counts for the main pair only):
      ``<signal>__act`` (asserted or claimed), ``<signal>__lead`` (asserted in the first
      sentences), ``<signal>__title`` (asserted in the headline), ``<signal>__neg``
      (negated, denied or hedged) and ``<signal>__threat`` (threatened or called for);
    * per signal family and direction, attributed events (``material_conflict__a_b``, ...);
    * intensity: the strongest conflictual and cooperative prior weights, their net, casualties;
    * the pair's salience, rank, co-mention and title/lead presence.

    Grouped cross-validation on the shared news set preferred the loose per-signal block to
    strictly attributed counts: actor attribution misses more events than it misassigns.

    Parameters
    ----------
    log_counts : bool
        Use ``log1p`` of event counts (robust to one article repeating a story).
    min_confidence : float
        Events below this confidence are ignored.
    strict_below : float
        A pair ranked below the article's main pair whose salience is below this counts, in
        the per-signal and headline blocks, only events that name no state outside the pair
        (or its third parties): a bystander sharing one state with the main pair (a third
        state urging restraint) does not inherit the main pair's strikes. Pairs nearly as
        salient as the main one stay loose (the ranking may have missed the real pair). Grouped
        CV on the shared news set: 0.1 costs 0.002 QWK on the labelled pairs against 0 (loose
        for all), 0.2 costs 0.004; 0 = loose for every pair.
    confidence_weighted : bool
        Each event counts with its confidence (the signal re-scorer's probability that it is a
        real, current signal) instead of 1, in every count and in the intensity block: one
        uncertain strike is not a strike.
    share_features : bool
        Add length-free features of how firmly the events link the pair:
        ``events__pair_share`` (the confidence-weighted share of the article's events that
        concern the pair), ``link__max_conf`` and ``link__max_conflict`` (the strongest
        current, asserted event whose source and target are the pair's two states, and that
        times its conflict weight). A two-sentence wire brief reporting fire between two
        armies has few events but all of them link the pair.

    Models pickled before the last two parameters existed load with both off (as trained).
    """

    def __init__(
        self,
        log_counts: bool = True,
        min_confidence: float = 0.0,
        strict_below: float = 0.1,
        confidence_weighted: bool = True,
        share_features: bool = True,
    ) -> None:
        self.log_counts = log_counts
        self.min_confidence = min_confidence
        self.strict_below = strict_below
        self.confidence_weighted = confidence_weighted
        self.share_features = share_features

    def __setstate__(self, state: dict[str, Any]) -> None:
        # pickles from before these parameters: the behaviour they were fitted with
        state = {"strict_below": 0.0, "confidence_weighted": False, "share_features": False,
                 **state}
        super().__setstate__(state)

    def fit(self, X: Any, y: Any = None) -> DyadFeaturizer:
        tax = load_taxonomy()
        self.signals_ = list(tax)
        self.families_ = sorted({spec.family for spec in tax.values()})
        names: list[str] = []
        for s in self.signals_:
            names += [f"{s}__{k}" for k in _PER_SIGNAL]
        for fam in self.families_:
            names += [f"{fam}__{d}" for d in _DIRECTIONS]
        names += [
            "intensity__max_conflict",
            "intensity__max_cooperation",
            "intensity__net_weight",
            "casualties__log",
            "events__n",
            "events__n_pair",
            "dyad__salience",
            "dyad__rank1",
            "dyad__cooccur_log",
            "dyad__in_title",
            "dyad__in_lead",
        ]
        if self.share_features:
            names += ["events__pair_share", "link__max_conf", "link__max_conflict"]
        self.feature_names_out_ = np.asarray(names, dtype=object)
        self.title_filter_ = "states"  # headline events of strict pairs: as their other events
        self.n_features_in_ = 1
        return self

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return self.feature_names_out_

    def transform(self, X: Any) -> np.ndarray:
        tax = load_taxonomy()
        index = {n: i for i, n in enumerate(self.feature_names_out_)}
        cols = _columns(X, _ROW_FIELDS)
        n_rows = len(cols["events"])
        out = np.zeros((n_rows, len(index)), dtype=float)
        memo = _memo()
        todo: Sequence[int] = range(n_rows)
        if memo is not None:
            # rows this configuration already featurized in the block (the relevance gate
            # featurizes the rank-1 rows the level head does)
            cfg = (type(self), tuple(self.feature_names_out_), self.log_counts,
                   self.min_confidence, getattr(self, "strict_below", 0.0),
                   getattr(self, "title_filter_", "actors"), self.confidence_weighted)
            keys = [(cfg, id(cols["events"][i]), id(cols["title_events"][i]),
                     *(cols[c][i] for c in _ROW_FIELDS if c not in ("events", "title_events")))
                    for i in range(n_rows)]
            todo = [i for i in range(n_rows) if keys[i] not in memo]
            for i in range(n_rows):
                if keys[i] in memo:
                    out[i] = memo[keys[i]]
        self._transform_rows(cols, todo, out, tax, index)
        if memo is not None:
            for i in todo:
                memo[keys[i]] = out[i].copy()
        return out

    def _transform_rows(
        self, cols: dict[str, list[Any]], todo: Iterable[int], out: np.ndarray,
        tax: dict[str, Any], index: dict[str, int],
    ) -> None:
        n_counts = len(self.signals_) * len(_PER_SIGNAL) + len(self.families_) * len(_DIRECTIONS)
        # The dyad rows of one article share its event list: per list and per event the work
        # below is done once (keyed by id(), the objects stay alive in ``cols`` meanwhile).
        kept: dict[int, list[Event]] = {}  # per list: its current, confident events (unweighted)
        weight_all: dict[int, float] = {}  # per list: the confidences of its state events
        confident = self.min_confidence
        # per list, its events the per-signal block counts: (states, unmediated, count column,
        # lead column or -1, weight)
        per_list: dict[int, list[tuple[frozenset[str], frozenset[str], int, int, float]]] = {}
        per_title: dict[int, int] = {}
        columns: dict[tuple[str, str, bool], tuple[int, int] | None] = {}
        directed: dict[tuple[str, str], int] = {}
        # models saved before the parameter existed counted every pair loosely
        strict_below = float(getattr(self, "strict_below", 0.0))
        # models fitted before 0.4.0 dropped, for strict pairs, a headline event naming any
        # actor outside the pair (organisations too); kept for them as they were trained
        states_only = getattr(self, "title_filter_", "actors") == "states"
        weighted = bool(getattr(self, "confidence_weighted", False))
        shares = bool(getattr(self, "share_features", False))
        for i in todo:
            a, b = cols["actor_a"][i] or "", cols["actor_b"][i] or ""
            side = {a, b}
            strict = (cols["rank"][i] or 0) > 1 and float(cols["salience"][i] or 0) < strict_below
            # an event with no state at all (no actor found) is the main story's: it counts for
            # the main pair (rank 1, or 0: a labelled pair the ranking missed) only
            secondary = (cols["rank"][i] or 0) > 1
            raw = cols["events"][i] or []
            counts: dict[int, float] = {}
            counted = per_list.get(id(raw))
            if counted is None:
                counted = per_list[id(raw)] = []
                confidences: list[float] = []
                for e, states, unmediated in _state_events(raw):  # kept, no non-state actor
                    if not e.confidence >= confident:
                        continue
                    confidences.append(e.confidence)
                    key = (e.signal, e.modality, e.sentence_index < LEAD_SENTENCES)
                    cl = columns.get(key, _UNSEEN)
                    if cl is _UNSEEN:
                        cl = columns[key] = _event_columns(key, tax, index)
                    if cl is not None:  # a signal of the taxonomy
                        counted.append((states, unmediated, *cl,
                                        e.confidence if weighted else 1.0))
                weight_all[id(raw)] = sum(confidences)  # by sum(), which adds its own way (3.12+)
            for states, unmediated, col, lead, c in counted:
                if states and not states & side:
                    continue  # solely about other states
                if secondary and not states:
                    continue  # no actor: the main pair's, not a bystander's
                if strict and not unmediated <= side:
                    continue  # also about a state outside this secondary pair (_outside)
                counts[col] = counts.get(col, 0) + c
                if lead >= 0:
                    counts[lead] = counts.get(lead, 0) + c
            for e in cols["title_events"][i] or []:
                if e.background or non_state_actor(e) is not None:
                    continue
                if secondary and not _states(e.source, e.target, e.location):
                    continue
                if strict and (
                    _outside(e, side) if states_only else
                    {x for x in (e.source, e.target, e.location) if x} - side
                ):
                    continue
                if id(e) not in per_title:
                    act = e.signal in tax and MODALITY_GROUPS.get(e.modality) == "act"
                    per_title[id(e)] = index[f"{e.signal}__title"] if act else -1
                col = per_title[id(e)]
                if col >= 0:
                    counts[col] = counts.get(col, 0) + (e.confidence if weighted else 1.0)
            # the kept events' (events_for_dyad keeps no background event): of the whole
            # list, so that the article's pairs share one reading of it
            pair_events = [
                (e, d) for e, d in events_for_dyad(raw, a, b)
                if e.confidence >= self.min_confidence
            ]
            max_conf = max_coop = net = 0.0
            cas = 0.0
            link_conf = link_conflict = 0.0
            for e, direction in pair_events:
                spec = tax.get(e.signal)
                if spec is None or MODALITY_GROUPS.get(e.modality) != "act":
                    continue
                c = e.confidence if weighted else 1.0
                if direction != "pair":
                    fd = (spec.family, direction)
                    col = directed.get(fd, -1)
                    if col < 0:
                        col = directed[fd] = index[f"{spec.family}__{direction}"]
                    counts[col] = counts.get(col, 0) + c
                w = spec.weight * c
                if -w > max_conf:
                    max_conf = -w
                if w > max_coop:
                    max_coop = w
                net += w
                if e.casualties and math.log1p(e.casualties) * c > cas:
                    cas = math.log1p(e.casualties) * c
                if shares and e.modality in PRESENT_MODALITIES and links_pair(e, a, b):
                    link_conf = max(link_conf, e.confidence)
                    link_conflict = max(link_conflict, -spec.weight / 10.0 * e.confidence)
            f = out[i]
            for col, c in counts.items():
                f[col] = c
            if self.log_counts:
                np.log1p(f[:n_counts], out=f[:n_counts])
            f[index["intensity__max_conflict"]] = max_conf / 10.0
            f[index["intensity__max_cooperation"]] = max_coop / 10.0
            f[index["intensity__net_weight"]] = math.copysign(math.log1p(abs(net)), net) / 3.0
            f[index["casualties__log"]] = cas / 3.0
            if weighted:
                n_all = weight_all[id(raw)]
                n_pair = sum(e.confidence for e, _ in pair_events)
            else:
                events = kept.get(id(raw))
                if events is None:
                    events = kept[id(raw)] = [
                        e for e in raw if e.confidence >= self.min_confidence and not e.background
                    ]
                n_all, n_pair = len(events), len(pair_events)
            f[index["events__n"]] = math.log1p(n_all)
            f[index["events__n_pair"]] = math.log1p(n_pair)
            if shares:
                f[index["events__pair_share"]] = n_pair / n_all if n_all > 0 else 0.0
                f[index["link__max_conf"]] = link_conf
                f[index["link__max_conflict"]] = link_conflict
            f[index["dyad__salience"]] = float(cols["salience"][i] or 0.0)
            f[index["dyad__rank1"]] = 1.0 if cols["rank"][i] == 1 else 0.0
            f[index["dyad__cooccur_log"]] = math.log1p(float(cols["n_cooccur"][i] or 0))
            f[index["dyad__in_title"]] = float(bool(cols["in_title"][i]))
            f[index["dyad__in_lead"]] = float(bool(cols["in_lead"][i]))


_local = threading.local()  # the memo stack of shared_feature_rows(), per thread


def _memo() -> dict[tuple[Any, ...], Any] | None:
    stack = getattr(_local, "memo", None)
    return stack[-1] if stack else None


@contextlib.contextmanager
def shared_feature_rows() -> Iterator[None]:
    """Inside the block, :meth:`DyadFeaturizer.transform` reuses the feature row it already
    computed for the same dyad row (same event lists, pair and ranking; the same featurizer
    configuration). Scoring featurizes each article's main pair twice, for the level head and
    the relevance gate. :func:`events_for_dyad` reads each event list once and answers each
    (list, pair) once (the dyad rows, the pair texts and the featurizer all ask). Rows are
    recognised by the identity of their event lists, so the objects must stay alive for the
    block: use one block per chunk of analyses."""
    stack = getattr(_local, "memo", None)
    if stack is None:
        stack = _local.memo = []
    stack.append({})
    try:
        yield
    finally:
        stack.pop()


_ROW_FIELDS = (
    "actor_a", "actor_b", "events", "title_events", "salience", "rank", "n_cooccur", "in_title",
    "in_lead",
)


def _outside(e: Event, side: set[str], states: frozenset[str] | None = None) -> bool:
    """Does ``e`` name a state outside the pair ``side`` and outside its own third parties?
    (What a strict pair, see ``strict_below``, does not count.)"""
    return not _unmediated(e, states) <= side


def _unmediated(e: Event, states: frozenset[str] | None = None) -> frozenset[str]:
    """The states ``e`` names (``states``: as :func:`_states` gives them) that are not its third
    parties: ``e`` is :func:`_outside` a pair exactly when these are not all of the pair."""
    if states is None:
        states = _states(e.source, e.target, e.location)
    return states - set(e.third_parties) if e.third_parties else states


_UNSEEN: Any = object()  # "not looked up yet" in the per-call caches (None is a value there)


def _event_columns(
    key: tuple[str, str, bool], tax: dict[str, Any], index: dict[str, int]
) -> tuple[int, int] | None:
    """(the count column, the lead column or -1) of an event's (signal, modality, in the lead);
    None off-taxonomy."""
    signal, modality, in_lead = key
    if signal not in tax:
        return None
    group = MODALITY_GROUPS.get(modality, "neg")
    lead = index[f"{signal}__lead"] if group == "act" and in_lead else -1
    return index[f"{signal}__{group}"], lead


def _columns(X: Any, names: Sequence[str]) -> dict[str, list[Any]]:
    """The named columns of a frame (or of a sequence of row dicts) as lists; None if absent."""
    if isinstance(X, pd.DataFrame):
        n = len(X)
        return {c: (X[c].tolist() if c in X.columns else [None] * n) for c in names}
    recs = _as_records(X)
    return {c: [r.get(c) for r in recs] for c in names}


def _as_records(X: Any) -> Sequence[dict[str, Any]]:
    if isinstance(X, pd.DataFrame):
        return X.to_dict("records")  # type: ignore[return-value]
    return [dict(r) for r in X]


# ------------------------------------------------------------------ text block: exact, faster

_TOKEN_RE: dict[tuple[str, bool], Any] = {}  # (token_pattern, lowercase) -> compiled findall
_DEFAULT_TOKENS = r"(?u)\b\w\w+\b"  # TfidfVectorizer's token_pattern
# sklearn's default and r"\w\w+" both find every whole run of two or more word characters (and
# nothing else); the second at half the cost
_WORD_TOKENS = re.compile(r"\w\w+")


def _fast_text_ok(vec: Any) -> bool:
    """Can :func:`fast_tfidf_transform` reproduce ``vec.transform`` for this vectorizer?"""
    return (
        getattr(vec, "analyzer", None) == "word"
        and getattr(vec, "input", None) == "content"
        and vec.preprocessor is None
        and vec.tokenizer is None
        and vec.stop_words is None
        and vec.strip_accents is None
        and not vec.binary
        and hasattr(vec, "vocabulary_")
        and hasattr(vec, "_tfidf")
    )


def _tokens(doc: str, vec: Any) -> list[str]:
    """The tokens sklearn's word analyzer finds in ``doc`` (before n-grams)."""
    key = (vec.token_pattern, bool(vec.lowercase))
    findall = _TOKEN_RE.get(key)
    if findall is None:
        findall = _TOKEN_RE[key] = (_WORD_TOKENS if vec.token_pattern == _DEFAULT_TOKENS
                                    else re.compile(vec.token_pattern)).findall
    tokens: list[str] = findall(doc.lower() if vec.lowercase else doc)
    return tokens


def _grams(doc: str, vec: Any) -> list[str]:
    """The n-grams sklearn's word analyzer makes of ``doc`` (same multiset, other order)."""
    tokens = _tokens(doc, vec)
    min_n, max_n = vec.ngram_range
    out = tokens if min_n == 1 else []
    for n in range(max(min_n, 2), max_n + 1):
        # zip stops at the shortest slice: exactly the len(tokens) - n + 1 n-grams
        out = out + list(map(" ".join, zip(*(tokens[k:] for k in range(n)), strict=False)))
    return out


def _count_row(vec: Any, grams: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(sorted vocabulary indices, counts) of one text's n-grams in ``vec``'s vocabulary."""
    ids = [j for j in map(vec.vocabulary_.get, grams) if j is not None]
    idx, counts = np.unique(np.array(ids, dtype=np.int64), return_counts=True)
    return idx, counts


_LOW = (1 << 21) - 1  # "not in this vocabulary" in one half of a packed pair of indices
_PACKED: list[tuple[tuple[Any, ...], dict[str, int]]] = []  # the last pair's merged vocabulary


def _packed_vocab(a: Any, b: Any) -> dict[str, int] | None:
    """One dict for two vocabularies: n-gram -> index in ``a`` << 21 | index in ``b`` (_LOW when
    absent), so each n-gram is looked up once; built once per pair of fitted vectorizers."""
    key = (a, b, a.vocabulary_, b.vocabulary_)
    if _PACKED and all(x is y for x, y in zip(_PACKED[0][0], key, strict=True)):
        return _PACKED[0][1]
    if max(len(a.vocabulary_), len(b.vocabulary_)) >= _LOW:
        return None
    merged = {g: j << 21 | _LOW for g, j in a.vocabulary_.items()}
    for g, j in b.vocabulary_.items():
        merged[g] = (merged.get(g, _LOW << 21) & ~_LOW) | j
    _PACKED[:] = [(key, merged)]
    return merged


def _half_row(packed: np.ndarray, first: bool) -> tuple[np.ndarray, np.ndarray]:
    """(sorted indices, counts) of packed codes in the first or the second vocabulary."""
    half = packed >> 21 if first else packed & _LOW
    idx, counts = np.unique(half[half != _LOW], return_counts=True)
    return idx, counts


class _TokenIds:
    """A vocabulary of unigrams and bigrams as token ids, so that a text's n-grams are looked up
    without building their strings: each token is looked up once, the bigrams as pairs of ids
    in one sorted numpy array. ``codes(tokens)`` gives the same multiset of vocabulary codes as
    looking up every n-gram string of the tokens."""

    def __init__(self, vocab: dict[str, int], ngram_range: tuple[int, int]) -> None:
        self.min_n, self.max_n = ngram_range
        tok: dict[str, int] = {}
        uni: dict[int, int] = {}
        bi: dict[tuple[int, int], int] = {}
        for gram, code in vocab.items():
            parts = gram.split(" ")
            ids = [tok.setdefault(p, len(tok)) for p in parts]
            if len(ids) == 1:
                uni[ids[0]] = code
            else:
                bi[(ids[0], ids[1])] = code
        self.tok = tok
        n = len(tok)
        # the last slot answers token id -1 (a token no vocabulary n-gram contains)
        self.uni = np.full(n + 1, -1, dtype=np.int64)
        for i, code in uni.items():
            self.uni[i] = code
        keys = np.fromiter((x * n + y for x, y in bi), dtype=np.int64, count=len(bi))
        order = np.argsort(keys)
        self.bi_keys = keys[order]
        self.bi_codes = np.fromiter(bi.values(), dtype=np.int64, count=len(bi))[order]
        self.n = n

    @staticmethod
    def usable(vocab: dict[str, int], ngram_range: tuple[int, int]) -> bool:
        """Word unigrams and bigrams whose tokens hold no space (sklearn joins them by one)."""
        lo, hi = ngram_range
        return lo >= 1 and hi <= 2 and all(
            g.count(" ") < hi and "" not in g.split(" ") for g in vocab
        )

    def text_codes(self, text: str) -> np.ndarray:
        """``codes`` of the tokens of ``text`` (as analysed: lowercased where the vectorizer
        lowercases) under sklearn's default token pattern, found and looked up in one pass
        (``_ids_of_text``)."""
        return self.codes_of_ids(_ids_of_text()(text, self.tok))

    def codes_of_ids(self, ids: np.ndarray) -> np.ndarray:
        parts = []
        if self.min_n == 1:
            u = self.uni[ids]
            parts.append(u[u >= 0])
        if self.max_n == 2 and len(ids) > 1 and len(self.bi_keys):
            left, right = ids[:-1], ids[1:]
            ok = (left >= 0) & (right >= 0)
            # sorted, the bigrams are looked up about twice as fast (each search starts where
            # the last ended); the codes are a multiset, their order is nobody's concern
            keys = np.sort(left[ok] * self.n + right[ok])
            pos = np.searchsorted(self.bi_keys, keys)
            pos[pos == len(self.bi_keys)] = 0
            hit = self.bi_keys[pos] == keys
            parts.append(self.bi_codes[pos[hit]])
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _token_ids_py(text: str, tok: dict[str, int]) -> np.ndarray:
    """``tok[t]`` (-1 when absent) for each token of ``text`` under sklearn's default token
    pattern, as int64: the reference of ``tension._ccore.token_ids``."""
    tokens = _WORD_TOKENS.findall(text)
    return np.fromiter(map(tok.get, tokens, itertools.repeat(-1)), dtype=np.int64,
                       count=len(tokens))


@functools.cache
def _ids_of_text() -> Callable[[str, dict[str, int]], np.ndarray]:
    """``_token_ids_py``, or its C twin where the compiled path runs (``tension._kernels``)."""
    from tension._kernels import ccore

    c = ccore()
    if c is None:
        return _token_ids_py
    token_ids = c.token_ids

    def native(text: str, tok: dict[str, int]) -> np.ndarray:
        return np.frombuffer(token_ids(text, tok), dtype=np.int64)

    return native


_IDS: list[tuple[tuple[Any, ...], _TokenIds | None]] = []  # the last vocabulary's token ids


def _token_ids(vocab: dict[str, int], ngram_range: tuple[int, int]) -> _TokenIds | None:
    """:class:`_TokenIds` of ``vocab`` (built once per vocabulary object), or None when the
    n-grams are not plain word unigrams and bigrams."""
    rng = (int(ngram_range[0]), int(ngram_range[1]))
    key = (vocab, rng)
    for k, ids in _IDS:
        if k[0] is vocab and k[1] == rng:
            return ids
    ids = _TokenIds(vocab, rng) if _TokenIds.usable(vocab, rng) else None
    _IDS[:] = [(key, ids)] + _IDS[:1]  # the merged pair and a single vectorizer's
    return ids


class _SharedRows:
    """Count rows per distinct text for vectorizers that tokenise alike (the level head's and
    the relevance gate's): a text is tokenised once, and its n-grams looked up once in a merged
    vocabulary when there are two; each vectorizer's row is counted when it asks for it (the
    gate reads only the main pairs' texts)."""

    def __init__(self, vecs: list[Any]) -> None:
        self.vecs = vecs
        self.rows: dict[int, dict[str, tuple[np.ndarray, np.ndarray]]] = {id(v): {} for v in vecs}
        self.packed = _packed_vocab(*vecs) if len(vecs) == 2 else None
        vocab = self.packed if self.packed is not None else vecs[0].vocabulary_
        # the id path splits n-grams at spaces: only for sklearn's default tokens (no spaces)
        plain = vecs[0].token_pattern == _DEFAULT_TOKENS and len(vecs) <= 2
        self.ids = _token_ids(vocab, tuple(vecs[0].ngram_range)) if plain else None
        # packed codes of the texts one of two vectorizers has counted, until the other does
        self.pending: dict[str, np.ndarray] = {}

    def row(self, doc: str, vec: Any) -> tuple[np.ndarray, np.ndarray]:
        """(indices, counts) of the n-grams of ``doc`` (as ``vec`` analyses it) in ``vec``'s
        vocabulary."""
        mine = self.rows[id(vec)]
        got = mine.get(doc)
        if got is not None:
            return got
        if self.packed is None:
            for v, counted in zip(self.vecs, self.count_doc(doc, vec), strict=True):
                self.rows[id(v)][doc] = counted
            return mine[doc]
        codes = self.pending.pop(doc, None)  # the other vectorizer's, when it has asked
        if codes is None:
            if self.ids is not None:
                codes = self.ids.text_codes(doc.lower() if vec.lowercase else doc)
            else:
                codes = np.array([c for c in map(self.packed.get, _grams(doc, vec))
                                  if c is not None], dtype=np.int64)
            self.pending[doc] = codes
        got = mine[doc] = _half_row(codes, vec is self.vecs[0])
        return got

    def count_doc(self, doc: str, vec: Any) -> list[tuple[np.ndarray, np.ndarray]]:
        """The rows of ``doc`` in each vectorizer's vocabulary, in ``vecs`` order, without a
        merged vocabulary."""
        if self.ids is None:
            grams = _grams(doc, vec)
            return [_count_row(v, grams) for v in self.vecs]
        idx, counts = np.unique(self.ids.text_codes(doc.lower() if vec.lowercase else doc),
                                return_counts=True)
        return [(idx, counts)]


def fast_tfidf_transform(vec: Any, docs: Iterable[Any], shared: _SharedRows | None = None) -> Any:
    """``vec.transform(docs)`` for a fitted word-n-gram ``TfidfVectorizer``, bit for bit, faster.

    sklearn tokenises every row and counts n-grams in a Python loop; here each distinct text
    is tokenised once (the dyad rows of one article share its text; with ``shared``, so do the
    vectorizers in it) and counted with numpy, and the counts go through the vectorizer's own
    fitted TF-IDF step. Falls back to sklearn for settings it does not reproduce (custom
    analyzers, stop words, non-text input).
    """
    import scipy.sparse as sp
    from sklearn.feature_extraction import text as sk_text

    docs = list(docs.tolist() if hasattr(docs, "tolist") else docs)
    if not _fast_text_ok(vec) or not all(isinstance(d, str) for d in docs):
        # the class's own method: inside fast_text_blocks() the instance's is this function
        return sk_text.TfidfVectorizer.transform(vec, docs)
    group = shared if shared is not None and id(vec) in shared.rows else _SharedRows([vec])
    indptr = [0]
    indices: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    for doc in docs:
        row = group.row(doc, vec)
        indices.append(row[0])
        counts.append(row[1])
        indptr.append(indptr[-1] + len(row[0]))
    itype = np.int32 if indptr[-1] <= np.iinfo(np.int32).max else np.int64
    X = sp.csr_array(
        (
            np.concatenate(counts).astype(np.intc) if counts else np.zeros(0, np.intc),
            np.concatenate(indices).astype(itype) if indices else np.zeros(0, itype),
            np.asarray(indptr, dtype=itype),
        ),
        shape=(len(docs), len(vec.vocabulary_)),
        dtype=vec.dtype,
    )
    X.sort_indices()  # already sorted (np.unique); marks it so, as sklearn's matrix is
    align = getattr(sk_text, "_align_api_if_sparse", None)
    if align is not None:
        X = align(X)
    return vec._tfidf.transform(X, copy=False)


def _tfidf_blocks(est: Any) -> Iterator[Any]:
    """The fitted TfidfVectorizers inside a pipeline / column transformer / feature union."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if isinstance(est, TfidfVectorizer):
        yield est
        return
    for attr in ("steps", "transformers_", "transformer_list"):
        for item in getattr(est, attr, None) or ():
            if isinstance(item, tuple) and len(item) >= 2:
                yield from _tfidf_blocks(item[1])


@contextlib.contextmanager
def fast_text_blocks(*estimators: Any) -> Iterator[None]:
    """Inside the block, the TF-IDF text blocks of these fitted estimators transform with
    :func:`fast_tfidf_transform` (the same matrices, faster); outside, nothing has changed.

    The speed-up is an instance attribute set here and removed on exit, so a model pickled or
    saved at any other time holds plain scikit-learn objects. The count rows of the texts seen
    are kept until the block ends (a few kB an article): use one block per chunk.
    """
    vecs = [
        v
        for est in estimators
        if est is not None
        for v in _tfidf_blocks(est)
        if "transform" not in vars(v) and _fast_text_ok(v)
    ]
    # vectorizers that tokenise alike share one tokenisation per text for the whole block
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for v in vecs:
        groups.setdefault((v.token_pattern, bool(v.lowercase), tuple(v.ngram_range)), []).append(v)
    for members in groups.values():
        shared = _SharedRows(members)
        for v in members:
            v.transform = functools.partial(fast_tfidf_transform, v, shared=shared)
    try:
        yield
    finally:
        for v in vecs:
            vars(v).pop("transform", None)
