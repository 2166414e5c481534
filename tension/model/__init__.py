"""Model: events in, calibrated level probabilities and score rows out.

Candidate pairs (``_dyads``), the feature transformer (``_features``), the level head's
calibrated classifier (``_calibrate``), the scoring engine (``_score``), the fitted model and
its card (``_model``), explanations and evaluation.
Imports ``tension.extract`` and ``tension.read``; mlflow URIs are resolved above it
(``tension.lifecycle``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tension._lazy import attach

_EXPORTS: dict[str, str] = {
    "Dyad": "_dyads",
    "candidate_dyads": "_dyads",
    "dyad_key": "_dyads",
    "DyadFeaturizer": "_features",
    "FEATURE_COLUMNS": "_features",
    "HeldOutTemperature": "_calibrate",
    "Analysis": "_score",
    "analyse": "_score",
    "score_articles": "_score",
    "contract_rows": "_score",
    "TensionModel": "_model",
    "ModelParams": "_model",
    "load_model": "_model",
    "save_model": "_model",
    "train": "_model",
    "read_labelled": "_model",
    "explain": "_explain",
    "Explanation": "_explain",
    "cross_validate": "_evaluate",
    "evaluate_model": "_evaluate",
    "metrics": "_evaluate",
    "EvalResult": "_evaluate",
}
__getattr__, __dir__, __all__ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from tension.model._calibrate import HeldOutTemperature
    from tension.model._dyads import Dyad, candidate_dyads, dyad_key
    from tension.model._evaluate import EvalResult, cross_validate, evaluate_model, metrics
    from tension.model._explain import Explanation, explain
    from tension.model._features import FEATURE_COLUMNS, DyadFeaturizer
    from tension.model._model import (
        ModelParams,
        TensionModel,
        load_model,
        read_labelled,
        save_model,
        train,
    )
    from tension.model._score import Analysis, analyse, contract_rows, score_articles
