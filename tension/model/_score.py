"""Articles to dyad rows to the scoring contract (``SCORE_COLUMNS``).

``analyse`` runs the text layers once per article (actors, signals, candidate dyads) and
returns the dyad rows the model scores; ``score`` turns the model's probabilities into the
contract rows. Batch scoring, the mlflow pyfunc model and Spark all call ``score_articles``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from tension._types import SCORE_COLUMNS, Article, Event, Mention

__all__ = [
    "Analysis", "analyse", "contract_rows", "dyad_rows", "score_articles", "EVIDENCE_MAX",
]

logger = logging.getLogger(__name__)


class Scorer(Protocol):
    """What the engine needs of a fitted model (``tension.model._model.TensionModel``, which
    sits above this module: the engine names the methods it calls, not the class)."""

    @property
    def version(self) -> str: ...

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray: ...

    def gated(self, rows: pd.DataFrame) -> np.ndarray: ...

    def level_from_proba(self, proba: np.ndarray) -> np.ndarray: ...

EVIDENCE_MAX = 5  # events listed per row


@dataclass(slots=True)
class Analysis:
    """What the text layers found in one article."""

    article: Article
    mentions: list[Mention]
    events: list[Event]
    dyads: list[Any] = field(default_factory=list)  # tension.model._dyads.Dyad
    title_events: list[Event] = field(default_factory=list)
    # the sentence spans of ``article.text`` (``split_sentences``), kept from the text layers'
    # reading: the pair texts are cut from them (None: split again when asked)
    sentences: list[tuple[int, int]] | None = None


def analyse(article: Article) -> Analysis:
    """Run actor resolution, signal extraction and dyad ranking on one article."""
    from tension.extract._actors import find_actors
    from tension.extract._signals import extract_signals
    from tension.model._dyads import candidate_dyads
    from tension.read._text import split_sentences

    mentions = find_actors(article)
    events = extract_signals(article, mentions)
    sentences = split_sentences(article.text)  # the text layers' split, still in its cache
    title_events: list[Event] = []
    if article.title and article.title.strip():
        # the headline is what the editor judged the news to be; read it on its own
        head = Article(id=article.id, text=article.title.strip(), raw_text=article.title.strip())
        title_events = extract_signals(head)
    # a headline event between two states marks the news peg's pair
    dyads = candidate_dyads(article, mentions, events, title_events=title_events)
    return Analysis(article, mentions, events, dyads, title_events, sentences)


def _dyad_text(art: Article) -> str:
    """Title and whole text for the TF-IDF block of the main pair: the labels describe the
    article's main pair, which is what the whole article is about."""
    return f"{art.title or ''}\n{art.text}"


def _pair_text(an: Analysis, a: str, b: str) -> str:
    """The TF-IDF text of a secondary pair: the sentences naming both states and those of the
    events linking them (the whole text would give every pair the main story's words)."""
    from tension.model._features import events_for_dyad
    from tension.read._text import split_sentences

    codes: dict[int, set[str]] = {}
    for m in an.mentions:
        code = m.state if m.kind == "group" else m.code
        if code in (a, b):
            codes.setdefault(m.sentence_index, set()).add(code)
    keep = {i for i, c in codes.items() if len(c) == 2}
    keep |= {e.sentence_index for e, d in events_for_dyad(an.events, a, b) if d in ("a_b", "b_a")}
    if not keep:
        return _dyad_text(an.article)
    text = an.article.text
    spans = split_sentences(text) if an.sentences is None else an.sentences
    return "\n".join(text[s:e] for i, (s, e) in enumerate(spans) if i in keep)


def _sentence_states(an: Analysis) -> dict[int, frozenset[str]]:
    """{sentence index: the states it names} (by name, demonym or capital: a group's
    operating state does not count, the group is not the state)."""
    from tension.extract._signals import sentence_states

    out = sentence_states(an.mentions)  # the map the extract layer marks firm acts by
    for e in an.events:
        implied = e.extra.get("implied")  # fire across a control line names its other side
        if implied:
            out.setdefault(e.sentence_index, set()).add(implied)
    return {i: frozenset(c) for i, c in out.items()}


def dyad_row(
    an: Analysis, a: str, b: str, dyad: Any | None = None,
    states: dict[int, frozenset[str]] | None = None,
) -> dict[str, Any]:
    """The feature-layer row for the pair (a, b) of one analysed article (``states``: the
    article's :func:`_sentence_states` when the caller has them, shared by its rows)."""
    from tension.model._dyads import dyad_key

    a, b = sorted((a, b))
    return {
        "article_id": an.article.id,
        "dyad": dyad_key(a, b),
        "actor_a": a,
        "actor_b": b,
        "rank": getattr(dyad, "rank", 0),
        "salience": getattr(dyad, "salience", 0.0),
        "n_cooccur": getattr(dyad, "n_cooccur", 0),
        "in_title": getattr(dyad, "in_title", False),
        "in_lead": getattr(dyad, "in_lead", False),
        "events": an.events,
        "title_events": an.title_events,
        "sentence_states": _sentence_states(an) if states is None else states,
        # rank 0: a labelled pair the ranking did not find (training); read like the main pair
        "text": _pair_text(an, a, b) if getattr(dyad, "rank", 0) > 1 else _dyad_text(an.article),
    }


def _linked(an: Analysis, a: str, b: str) -> bool:
    from tension.model._features import events_for_dyad

    return any(
        d != "pair" or {e.source, e.target} == {a, b}
        for e, d in events_for_dyad(an.events, a, b)
        if d in ("a_b", "b_a")
    )


def _row_dyads(an: Analysis) -> list[Any]:
    """The candidate dyads that get a row: the main pair, plus every other pair that shares a
    sentence or an event (two states merely named apart in one article are not a dyad)."""
    return [
        d for d in an.dyads if d.rank == 1 or d.n_cooccur > 0 or _linked(an, d.actor_a, d.actor_b)
    ]


def _main_dyad(an: Analysis) -> Any | None:
    """The dyad of the row the relevance gate reads: the first of the lowest rank among
    :func:`_row_dyads` (None without one). A rank-1 pair always has a row, so when the ranking
    starts at 1 the others need not be looked at."""
    if an.dyads and min(d.rank for d in an.dyads) == 1:
        return next(d for d in an.dyads if d.rank == 1)
    kept = _row_dyads(an)
    return min(kept, key=lambda d: d.rank) if kept else None


def dyad_rows(an: Analysis) -> list[dict[str, Any]]:
    """One row per dyad of :func:`_row_dyads`."""
    kept = _row_dyads(an)
    states = _sentence_states(an) if kept else None  # one map per article, read only
    return [dyad_row(an, d.actor_a, d.actor_b, d, states) for d in kept]


def _evidence(
    events: Sequence[Event], a: str, b: str, threshold: float | None = None
) -> tuple[dict[str, int], list[dict]]:
    """The contract's ``signals`` counts and ``evidence`` list of the pair (a, b): only the
    events the model counts as reported (:func:`tension.model._features.contract_events`:
    current, asserted or claimed, at or above the signal threshold, source and target the
    pair's two states), strongest first by confidence x |prior weight|, then text order."""
    from tension.model._features import kept_events

    kept = kept_events(events, a, b, threshold)
    counts: dict[str, int] = {}
    for e in kept:
        counts[e.signal] = counts.get(e.signal, 0) + 1
    ranked = sorted(kept, key=lambda e: (-e.confidence * abs(e.weight), -e.confidence, e.start))
    evidence = [
        {
            "signal": e.signal,
            "source": e.source,
            "target": e.target,
            "modality": e.modality,
            "sentence": e.sentence,
            "start": e.sentence_start,
            "end": e.sentence_end,
            "trigger_start": e.start,
            "trigger_end": e.end,
            "confidence": round(float(e.confidence), 3),
        }
        for e in ranked[:EVIDENCE_MAX]
    ]
    return counts, evidence


def score_articles(articles: Iterable[Article], model: Scorer) -> pd.DataFrame:
    """Score already-read articles into the contract's rows (every article accounted for)."""
    from tension._gc import bulk_gc

    with bulk_gc():
        analyses = [analyse(a) for a in articles]
        return score_analyses(analyses, model)


def score_analyses(analyses: Sequence[Analysis], model: Scorer) -> pd.DataFrame:
    frame = pd.DataFrame(contract_rows(analyses, model), columns=list(SCORE_COLUMNS))
    frame["rank"] = frame["rank"].astype("Int64")
    frame["level"] = frame["level"].astype("Int64")
    return frame


def contract_rows(analyses: Sequence[Analysis], model: Scorer) -> list[dict[str, Any]]:
    """The contract's rows as dicts (what :func:`score_analyses` puts in a frame); batch scoring
    writes these without the round trip through pandas."""
    from tension.model._features import fast_text_blocks, shared_feature_rows

    # the model's TF-IDF blocks compute the same matrices faster, each article's text once;
    # the level head and the relevance gate share the main pairs' feature rows
    with fast_text_blocks(getattr(model, "pipeline", None), getattr(model, "relevance", None)), \
            shared_feature_rows():
        return _contract_rows(analyses, model)


def _contract_rows(analyses: Sequence[Analysis], model: Scorer) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    feats: list[dict[str, Any]] = []
    owner: list[int] = []
    # the main pairs' rows first: the other rows of an article the gate turns away are not built
    mains = [_main_dyad(an) for an in analyses]
    states = [
        None if d is None else _sentence_states(an)
        for an, d in zip(analyses, mains, strict=True)
    ]
    firsts = [
        None if d is None else dyad_row(an, d.actor_a, d.actor_b, d, st)
        for an, d, st in zip(analyses, mains, states, strict=True)
    ]
    gated = _gate(firsts, model)
    for an, main, first, st, off in zip(analyses, mains, firsts, states, gated, strict=True):
        if first is None or off:
            rows.append(_no_dyad_row(an, model, "not_bilateral" if off else "no_dyad"))
            continue
        for d in _row_dyads(an):
            owner.append(len(rows))
            feats.append(first if d is main else dyad_row(an, d.actor_a, d.actor_b, d, st))
            rows.append({})
    if feats:
        from tension.model._features import signal_threshold

        proba = model.predict_proba(pd.DataFrame(feats, columns=list(feats[0])))
        by_id = {an.article.id: an for an in analyses}
        threshold = signal_threshold()
        for k, (r, p) in enumerate(zip(feats, proba, strict=True)):
            an = by_id[r["article_id"]]
            counts, evidence = _evidence(an.events, r["actor_a"], r["actor_b"], threshold)
            expected = float(np.dot(p, np.arange(5)))
            rows[owner[k]] = {
                "article_id": r["article_id"],
                "dyad": r["dyad"],
                "actor_a": r["actor_a"],
                "actor_b": r["actor_b"],
                "rank": int(r["rank"]),
                "salience": float(r["salience"]),
                "escalation_score": round(25.0 * expected, 2),
                "level": int(model.level_from_proba(p[None, :])[0]),
                **{f"p{i}": round(float(p[i]), 4) for i in range(5)},
                "signals": counts,
                "evidence": evidence,
                "date": an.article.date,
                "model_version": model.version,
                "reason": "",
            }
    return rows


def _gate(firsts: Sequence[dict[str, Any] | None], model: Scorer) -> list[bool]:
    """Per article: does the relevance gate turn it away (its main row, ``firsts``, not
    bilateral)? An article without a row is not turned away."""
    rows = [(k, r) for k, r in enumerate(firsts) if r is not None]
    out = [False] * len(firsts)
    if not rows:
        return out
    frame = pd.DataFrame([r for _, r in rows], columns=list(rows[0][1]))
    for (k, _), off in zip(rows, model.gated(frame), strict=True):
        out[k] = bool(off)
    return out


def _no_dyad_row(an: Analysis, model: Scorer, reason: str = "no_dyad") -> dict[str, Any]:
    return {
        "article_id": an.article.id,
        "dyad": "",
        "actor_a": "",
        "actor_b": "",
        "rank": None,
        "salience": None,
        "escalation_score": np.nan,
        "level": None,
        **{f"p{i}": np.nan for i in range(5)},
        "signals": {},
        "evidence": [],
        "date": an.article.date,
        "model_version": model.version,
        "reason": reason,
    }
