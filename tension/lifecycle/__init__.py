"""Lifecycle: experiments, tracking and the model registry (mlflow), imported only where used.

Configs (``_config``), runs and the registry (``_tracking``: ``models:/`` and ``runs:/`` URIs
resolve here), and the mlflow pyfunc wrapper (``_pyfunc``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tension._lazy import attach

_EXPORTS: dict[str, str] = {
    "ExperimentConfig": "_config",
    "ConfigError": "_config",
    "load_config": "_config",
    "load_registered": "_tracking",
    "train_run": "_tracking",
    "evaluate_run": "_tracking",
    "tune_run": "_tracking",
    "promote_if_better": "_tracking",
    "resolve_tracking_uri": "_tracking",
    "TensionPyfunc": "_pyfunc",
    "save_pyfunc": "_pyfunc",
    "log_pyfunc": "_pyfunc",
}
__getattr__, __dir__, __all__ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from tension.lifecycle._config import ConfigError, ExperimentConfig, load_config
    from tension.lifecycle._pyfunc import TensionPyfunc, log_pyfunc, save_pyfunc
    from tension.lifecycle._tracking import (
        evaluate_run,
        load_registered,
        promote_if_better,
        resolve_tracking_uri,
        train_run,
        tune_run,
    )
