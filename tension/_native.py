"""Which build of the hot modules runs: the compiled one or the pure-Python source.

``pip install`` compiles the modules in :data:`COMPILED` with mypyc (``setup.py``) where a C
compiler is present, and the small C core of :data:`C_MODULES` (``tension/_ccore.c``, whose
functions the compiled modules call, see ``tension._kernels``); the extension modules sit
beside their ``.py`` sources and Python's import system prefers them. The pure-Python source
is used instead, with the same output (``tests/test_native.py`` compares every field of both
paths), when

- no compiler was found at install time (nothing was built: plain imports find the source);
- ``TENSION_PURE=1`` is set (at install time nothing is built; at run time the source is
  imported even where the extension exists);
- a source file changed after the build (a stale extension would run old code: the build
  recorded each source's SHA-256 in ``_native.sha256``, checked here once per process);
- the build is incomplete (a module of either list missing).

Where the pure source runs, the C core is not imported either: its pure-Python twins run.

``tension --version`` and :func:`status` say which path runs.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

#: the modules compiled by setup.py (the per-token and per-hit work)
COMPILED: tuple[str, ...] = (
    "tension.read._text",
    "tension.read._clean",
    "tension.extract._actors",
    "tension.extract._signals",
    "tension.extract._sentclf",
    "tension.model._dyads",
)
#: the C extension modules built beside them (module -> its source under tension/): the small
#: native core (tension._kernels); compiled or pure together with the modules above
C_MODULES: dict[str, str] = {"tension._ccore": "_ccore.c"}
ENV = "TENSION_PURE"
HASHES = "_native.sha256"
_ROOT = Path(__file__).resolve().parent


def source_path(module: str) -> Path:
    """The ``.py`` file of a module in :data:`COMPILED`."""
    return _ROOT.joinpath(*module.split(".")[1:]).with_suffix(".py")


def _source(module: str) -> Path:
    """The source of a module of :data:`COMPILED` (``.py``) or :data:`C_MODULES` (``.c``)."""
    if module in C_MODULES:
        return _ROOT / C_MODULES[module]
    return source_path(module)


def _all() -> tuple[str, ...]:
    return (*COMPILED, *C_MODULES)


def source_hashes() -> dict[str, str]:
    """SHA-256 of each compiled module's source, as the build records them."""
    return {m: hashlib.sha256(_source(m).read_bytes()).hexdigest() for m in _all()}


def _built() -> list[str]:
    """The modules of :data:`COMPILED` and :data:`C_MODULES` with an extension module built
    (beside their source; a C module's is named after the module)."""
    out = []
    for m in _all():
        src = source_path(m)
        if any(src.with_name(src.stem + sfx).is_file()
               for sfx in importlib.machinery.EXTENSION_SUFFIXES):
            out.append(m)
    return out


def _decide() -> tuple[bool, str]:
    """(compiled, why): whether the extension modules are to be imported."""
    if os.environ.get(ENV, "").strip() not in ("", "0"):
        return False, f"pure Python ({ENV} is set)"
    built = _built()
    if not built:
        return False, "pure Python (no compiled modules: built without a C compiler or mypyc)"
    if len(built) != len(_all()):
        missing = sorted(set(_all()) - set(built))
        return False, f"pure Python (compiled modules incomplete, missing {', '.join(missing)})"
    recorded: dict[str, str] = {}
    try:
        for line in (_ROOT / HASHES).read_text(encoding="utf-8").splitlines():
            name, _, digest = line.partition(" ")
            recorded[name] = digest
    except OSError:
        return False, f"pure Python (the build's {HASHES} is missing: rebuild with pip install)"
    stale = [m for m, h in source_hashes().items() if recorded.get(m) != h]
    if stale:
        return False, ("pure Python (the source of " + ", ".join(stale) + " changed after the "
                       "build: reinstall with pip install to recompile)")
    return True, "compiled (mypyc and the C core)"


class _PureFinder(importlib.abc.MetaPathFinder):
    """Imports the ``.py`` source of the compiled modules, ahead of the extension modules."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in COMPILED:
            return None
        return importlib.util.spec_from_file_location(fullname, source_path(fullname))


_STATE: tuple[bool, str] | None = None


def install() -> None:
    """Decide once per process which path runs; put the source first where it is pure.

    Called by ``tension/__init__`` before any compiled module can be imported."""
    global _STATE
    if _STATE is not None:
        return
    _STATE = _decide()
    if not _STATE[0]:
        if any(m in sys.modules for m in COMPILED):  # pragma: no cover - import order bug
            raise ImportError("tension._native.install() ran after a compiled module loaded")
        sys.meta_path.insert(0, _PureFinder())
        if _built() and os.environ.get(ENV, "").strip() in ("", "0"):
            # built but not usable: say so once (an unset build is the normal pure install)
            log.warning("tension: %s", _STATE[1])


def status() -> str:
    """Which path runs in this process, and why."""
    install()
    assert _STATE is not None
    return _STATE[1]


def is_compiled() -> bool:
    """Whether the compiled modules run in this process."""
    install()
    assert _STATE is not None
    return _STATE[0]
