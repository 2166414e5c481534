"""Why one article got its scores: dyads, probabilities, every event, feature contributions.

For the rank-1 pair the events are split as the scoring contract splits them: those it counts
(``kept``: current, asserted or claimed, at or above the signal threshold, source and target
the pair's two states) and the dropped candidates, each with why (background and its reason,
below threshold, non-state actor, other pair, negated/hedged/threatened...).

``explain`` returns a plain structure the CLI prints (and a notebook can inspect). Feature
contributions are read straight off the linear model: the level-``k`` logit of a dyad row is
``b_k + sum_f x_f * w_{f,k}``, so ``x_f * w_{f,k}`` is feature ``f``'s share of the logit of
the predicted level ``k``. This is exact for the model's linear layer and says nothing about
calibration or about the other levels' logits, which also move the probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tension._types import Article, Event, TensionError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from tension.model._model import TensionModel

__all__ = ["Contribution", "Explanation", "EventView", "explain", "trigger_in_sentence"]


@dataclass(frozen=True)
class Contribution:
    feature: str
    value: float
    coefficient: float
    contribution: float  # value * coefficient, to the predicted level's logit


@dataclass(frozen=True)
class EventView:
    event: Event
    trigger_span: tuple[int, int] | None  # within event.sentence
    # the learned CAMEO quad class of the event's sentence and its probability
    # (``tension.quad_class``), None when that model does not ship
    sentence_quad: tuple[str, float] | None = None

    @property
    def parts(self) -> tuple[str, str, str]:
        """(before, trigger, after) of the sentence; the trigger is "" when not located."""
        s = self.event.sentence
        if self.trigger_span is None:
            return s, "", ""
        a, b = self.trigger_span
        return s[:a], s[a:b], s[b:]


@dataclass
class Explanation:
    """``events`` are all the article's candidate events; for the rank-1 ``dyad``, ``kept``
    are those its contract row counts (``signals``, ``evidence``) and ``dropped`` the others,
    each with why (:func:`tension.model._features.drop_reasons`) at ``threshold``. When the
    relevance gate turned the article away (``reason`` "not_bilateral") they are those of the
    rank-1 ``candidate`` pair."""

    article: Article
    scores: pd.DataFrame  # the contract rows of this article
    events: list[EventView]
    level: int | None = None  # predicted level of the rank-1 dyad
    dyad: str = ""  # the rank-1 dyad
    contributions: list[Contribution] = field(default_factory=list)
    kept: list[EventView] = field(default_factory=list)
    dropped: list[tuple[EventView, list[str]]] = field(default_factory=list)
    threshold: float = 0.0  # the signal threshold the contract applied
    reason: str = ""  # the no-dyad row's reason ("no_dyad", "not_bilateral") when no pair
    candidate: str = ""  # the rank-1 candidate pair (``dyad`` unless the gate turned it away)


def trigger_in_sentence(e: Event) -> tuple[int, int] | None:
    """The trigger's span inside ``e.sentence`` (offsets first, then a text search)."""
    a, b = e.start - e.sentence_start, e.end - e.sentence_start
    if 0 <= a < b <= len(e.sentence) and (
        not e.trigger or e.sentence[a:b].lower() == e.trigger.lower()
    ):
        return a, b
    if e.trigger:
        i = e.sentence.lower().find(e.trigger.lower())
        if i >= 0:
            return i, i + len(e.trigger)
    return None


def explain(article: Any, model: TensionModel | None = None, *, top: int = 10) -> Explanation:
    """Explain the scores of one article (an :class:`Article`, text, or anything
    :func:`tension.read._io.as_articles` reads to exactly one article)."""
    import pandas as pd

    from tension.model._model import load_model
    from tension.model._score import analyse, dyad_rows, score_analyses
    from tension.read._io import as_articles

    if not isinstance(article, Article):
        arts = list(as_articles(article))
        if len(arts) != 1:
            raise TensionError(f"explain takes one article, got {len(arts)}; pick one by id")
        article = arts[0]
    if model is None:
        model = load_model()
    an = analyse(article)
    scores = score_analyses([an], model)
    from tension.extract._quad import sentence_quads
    from tension.model._features import contract_events, signal_threshold

    quads = sentence_quads([e.sentence for e in an.events])
    views = {id(e): EventView(e, trigger_in_sentence(e), quads.get(e.sentence))
             for e in an.events}
    out = Explanation(
        article=article,
        scores=scores,
        events=list(views.values()),
        threshold=signal_threshold(),
        reason=str(scores["reason"].iloc[0]) if len(scores) else "",
    )
    rows = dyad_rows(an)
    if not rows:
        return out
    frame = pd.DataFrame(rows, columns=list(rows[0]))
    first = int(np.argmin([r["rank"] if r["rank"] else 10**6 for r in rows]))
    # the rank-1 candidate's events, kept and dropped (also when the gate turned it away)
    out.candidate = str(rows[first]["dyad"])
    kept, dropped = contract_events(
        an.events, rows[first]["actor_a"], rows[first]["actor_b"], out.threshold
    )
    out.kept = [views[id(e)] for e in kept]
    out.dropped = [(views[id(e)], why) for e, why in dropped]
    if out.reason:
        return out  # no pair row: nothing scored, no contributions
    level = int(scores["level"].iloc[first])
    out.level, out.dyad = level, str(rows[first]["dyad"])
    x = model.pipeline.named_steps["features"].transform(frame.iloc[[first]])
    x = np.asarray(x.todense() if hasattr(x, "todense") else x, dtype=float).ravel()
    coef = model.coefficients()
    col = f"level_{level}"
    if col not in coef.columns:
        return out
    w = coef[col].to_numpy(dtype=float)
    contrib = x * w
    nz = np.flatnonzero(contrib)
    order = nz[np.argsort(-np.abs(contrib[nz]), kind="stable")][:top]
    names = coef.index
    out.contributions = [
        Contribution(str(names[i]), float(x[i]), float(w[i]), float(contrib[i])) for i in order
    ]
    return out
