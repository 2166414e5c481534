"""The extract layer's scikit-learn transformer: article-level counts per signal x modality.

Apart from the rule engine (``_signals``) because that module is compiled (tension._native):
an estimator must stay a plain Python class, whose methods scikit-learn wraps (``set_output``)
and whose instances it clones and pickles.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from tension._gc import bulk_gc
from tension._types import MODALITIES
from tension.extract._signals import extract_signals
from tension.extract._taxonomy import SIGNALS

__all__ = ["SignalCounts"]


class SignalCounts(TransformerMixin, BaseEstimator):
    """Article-level counts per signal x modality (``military_strike__asserted``, ...).

    ``X`` is a sequence (list or Series) of event lists, or of Articles / strings (extracted on
    the fly). Background events are left out unless ``include_background``; events below
    ``min_confidence`` are left out.
    """

    def __init__(self, include_background: bool = False, min_confidence: float = 0.0) -> None:
        self.include_background = include_background
        self.min_confidence = min_confidence

    def fit(self, X: Any, y: Any = None) -> SignalCounts:
        self.n_features_out_ = len(SIGNALS) * len(MODALITIES)
        return self

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        return np.asarray([f"{s}__{m}" for s in SIGNALS for m in MODALITIES], dtype=object)

    def transform(self, X: Any) -> Any:
        names = list(self.get_feature_names_out())
        index = {n: i for i, n in enumerate(names)}
        rows = list(X.tolist() if hasattr(X, "tolist") else X)
        out = np.zeros((len(rows), len(names)), dtype=float)
        with bulk_gc():
            for r, item in enumerate(rows):
                self._count_into(out[r], item, index)
        return out

    def _count_into(self, row: np.ndarray, item: Any, index: dict[str, int]) -> None:
        events = item if isinstance(item, list | tuple) else extract_signals(item)
        for e in events:
            if e.background and not self.include_background:
                continue
            if e.confidence < self.min_confidence:
                continue
            j = index.get(f"{e.signal}__{e.modality}")
            if j is not None:
                row[j] += 1
