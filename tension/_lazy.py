"""Lazy re-exports for the layer packages (PEP 562), as ``tension/__init__`` does.

A layer's ``__init__`` names its public API without importing it: ``import tension.read``
must not pull in pandas, and importing one module of a layer (``tension.batch._batch``)
must not import its siblings (``tension.batch._plot`` and matplotlib).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def attach(
    package: str, exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package``, whose public names
    (``exports``: name -> submodule, relative to ``package``) are imported on first use."""
    names = sorted(exports)

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return list(names)

    return __getattr__, __dir__, list(names)
