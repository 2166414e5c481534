"""Which build of the native core runs: C (``tension._ccore``) or the pure-Python twins.

The C core (``tension/_ccore.c``) is built by the same ``pip install`` as the mypyc modules
(``setup.py``) and used exactly where they are: :func:`tension._native.is_compiled` decides
for both (no compiler, ``TENSION_PURE=1``, a stale build: pure Python). Each of its functions
has a pure-Python twin beside its call site, the reference, with the same results bit for bit:

==========================  =============================================
C (tension._ccore)          twin
==========================  =============================================
``lexical_z``               ``tension.extract._sentclf._lexical_z_py``
``token_ids``               ``tension.model._features._token_ids_py``
==========================  =============================================
"""

from __future__ import annotations

import functools
import importlib
from types import ModuleType

from tension import _native

__all__ = ["ccore"]


@functools.cache
def ccore() -> ModuleType | None:
    """The C core where the compiled path runs in this process, else None (use the twins)."""
    if not _native.is_compiled():
        return None
    # by name: an extension module has no source for the import graph to follow
    return importlib.import_module("tension._ccore")
