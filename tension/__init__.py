"""tension: how tense is each pair of countries in the news, why, and how is it changing.

The public API is the list below; everything else lives in underscore modules. Heavy
modules are imported on first use so that ``import tension`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tension._types import (
    Article,
    Event,
    IngestError,
    Mention,
    ModelError,
    QuadPrediction,
    TensionError,
)

__version__ = "0.4.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "read_articles": "tension._io",
    "find_actors": "tension._actors",
    "extract_signals": "tension._signals",
    "score": "tension._score",
    "load_model": "tension._model",
    "save_model": "tension._model",
    "train": "tension._model",
    "TensionModel": "tension._model",
    "tension_index": "tension._index",
    "quad_class": "tension._quad",
}

__all__ = [
    "Article",
    "Event",
    "IngestError",
    "Mention",
    "ModelError",
    "QuadPrediction",
    "TensionError",
    "TensionModel",
    "__version__",
    "extract_signals",
    "find_actors",
    "load_model",
    "quad_class",
    "read_articles",
    "save_model",
    "score",
    "tension_index",
    "train",
]

if TYPE_CHECKING:  # pragma: no cover
    from tension._actors import find_actors
    from tension._index import tension_index
    from tension._io import read_articles
    from tension._model import TensionModel, load_model, save_model, train
    from tension._quad import quad_class
    from tension._score import score
    from tension._signals import extract_signals


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tension' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
