"""Out-of-fold event confidences for training on labelled articles (stacking done right).

Event confidences come from the extract layer's learned re-scorer, which is fitted on labelled
news. A model trained on features built from those confidences, on the very articles the
re-scorer was fitted on, learns from in-sample confidences (cleaner than any new article's)
and is over-confident on new text. :class:`FoldRescorer` refits the re-scorer on a subset of
labelled articles and sets its confidences on every event of the others (text and headline);
:func:`crossfit_confidences` gives every training article confidences from a re-scorer that
did not see it (grouped folds), as new articles get them from the shipped one.

Labels and features are those of ``experiments/train_signal_rescorer.py``: an event is
positive when its article's gold signals hold its signal and it counts as current.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tension._types import Event

__all__ = ["FoldRescorer", "crossfit_confidences", "has_signal_labels"]

RESCORER_C = 0.5  # as experiments/train_signal_rescorer.py fits the shipped one


def has_signal_labels(items: Sequence[Any]) -> bool:
    """Do most labelled articles with a pair carry gold signals (needed to refit)?"""
    with_pair = [it for it in items if it.dyad is not None]
    return bool(with_pair) and sum(bool(it.signals) for it in with_pair) >= len(with_pair) / 2


class FoldRescorer:
    """The signal re-scorer refitted on some of the labelled articles, applied to others."""

    def __init__(self, items: Sequence[Any], analyses: Sequence[Any]) -> None:
        from tension.extract._sentclf import cue_key, design_matrix, labelled
        from tension.extract._signals import article_signals

        per = [an.events for an in analyses] + [an.title_events for an in analyses]
        n = len(analyses)
        self.flat: list[Event] = [e for evs in per for e in evs]
        self.owner = np.array([j % n for j, evs in enumerate(per) for _ in evs], dtype=int)
        self.X = design_matrix(per) if self.flat else None
        self.y = np.array([
            int(labelled(e.signal, items[i].signals)
                and bool(article_signals([e], threshold=0.0)))
            for e, i in zip(self.flat, self.owner, strict=True)
        ], dtype=int)
        self.original = [e.confidence for e in self.flat]
        self.cues = [cue_key(e) for e in self.flat]  # for final_confidence
        self._set = Event.__dict__["confidence"].__set__

    def fit_apply(self, train_items: Any, apply_items: Any = None) -> bool:
        """Fit on the events of ``train_items`` (item indices), set the confidences of those
        of ``apply_items`` (default: every item). False when it could not fit."""
        from sklearn.linear_model import LogisticRegression

        from tension.extract._sentclf import final_confidence

        mask = np.isin(self.owner, np.asarray(train_items, dtype=int))
        if self.X is None or len(set(self.y[mask].tolist())) < 2:
            return False
        clf = LogisticRegression(C=RESCORER_C, max_iter=3000, solver="liblinear")
        clf.fit(self.X[mask], self.y[mask])
        rows = (np.arange(len(self.flat)) if apply_items is None
                else np.flatnonzero(np.isin(self.owner, np.asarray(apply_items, dtype=int))))
        if len(rows):
            # as the shipped re-scorer does: cues seen rarely in the fitting folds keep
            # mostly their rule prior, firm acts keep it as a floor
            seen: dict[str, int] = {}
            for r in np.flatnonzero(mask).tolist():
                seen[self.cues[r]] = seen.get(self.cues[r], 0) + 1
            p = clf.predict_proba(self.X[rows])[:, 1]
            for r, v in zip(rows.tolist(), p.tolist(), strict=True):
                v = final_confidence(v, self.flat[r], seen.get(self.cues[r], 0))
                self._set(self.flat[r], round(v, 4))
        return True

    def crossfit(self, among: Any, groups: np.ndarray, n_splits: int = 5) -> None:
        """Out-of-fold confidences for the items ``among``: each gets them from a re-scorer
        fitted on the other folds of ``among`` (folds grouped by ``groups[item]``)."""
        from sklearn.model_selection import GroupKFold

        among = np.asarray(among, dtype=int)
        k = min(n_splits, len(set(groups[among].tolist())))
        if k < 2:
            return
        for tr, te in GroupKFold(n_splits=k).split(among, groups=groups[among]):
            self.fit_apply(among[tr], among[te])

    def restore(self) -> None:
        for e, v in zip(self.flat, self.original, strict=True):
            self._set(e, v)


def crossfit_confidences(
    items: Sequence[Any], analyses: Sequence[Any], n_splits: int = 5
) -> FoldRescorer | None:
    """Set out-of-fold re-scorer confidences on the events of ``analyses`` (grouped by
    episode); None (nothing changed) when the items carry no signal labels."""
    if not has_signal_labels(items):
        return None
    fr = FoldRescorer(items, analyses)
    groups = np.array([it.episode for it in items])
    fr.crossfit(np.arange(len(items)), groups, n_splits)
    return fr
