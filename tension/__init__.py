"""tension: how tense is each pair of countries in the news, why, and how is it changing.

The public API is the list below; everything else lives in underscore modules. Heavy
modules are imported on first use so that ``import tension`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tension import _native

# before any hot module loads: the compiled build or the pure source (tension._native)
_native.install()

from tension._types import (  # noqa: E402
    Article,
    Event,
    IngestError,
    Mention,
    ModelError,
    QuadPrediction,
    TensionError,
)
from tension._version import __version__  # noqa: E402

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "read_articles": "tension.read._io",
    "find_actors": "tension.extract._actors",
    "extract_signals": "tension.extract._signals",
    "score": "tension._api",
    "load_model": "tension._api",
    "save_model": "tension.model._model",
    "train": "tension.model._model",
    "TensionModel": "tension.model._model",
    "tension_index": "tension.batch._index",
    "quad_class": "tension.extract._quad",
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
    from tension._api import load_model, score
    from tension.batch._index import tension_index
    from tension.extract._actors import find_actors
    from tension.extract._quad import quad_class
    from tension.extract._signals import extract_signals
    from tension.model._model import TensionModel, save_model, train
    from tension.read._io import read_articles


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tension' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
