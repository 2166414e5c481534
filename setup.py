"""Build of the compiled hot path: mypyc compiles the modules in tension._native.COMPILED, and
the C core (tension/_ccore.c, tension._native.C_MODULES) is built beside them.

Everything else is in pyproject.toml. The extension modules are optional: where mypyc or a C
compiler is missing, or TENSION_PURE=1 is set, nothing is compiled and the package runs its
pure-Python source with the same output. The build records each compiled source's SHA-256
(tension/_native.sha256) so that an edited source is never shadowed by a stale extension.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
# the same list as tension._native.COMPILED (tests/test_native.py checks they agree)
MODULES = [
    "tension/read/_text.py",
    "tension/read/_clean.py",
    "tension/extract/_actors.py",
    "tension/extract/_signals.py",
    "tension/extract/_sentclf.py",
    "tension/model/_dyads.py",
]
# the small native core in C (tension._native.C_MODULES), built with the mypyc modules or not
# at all: each of its functions has a pure-Python twin (tension._kernels)
C_MODULES = {"tension._ccore": "tension/_ccore.c"}
HASHES = "tension/_native.sha256"


def _say(msg: str) -> None:
    print(f"tension: {msg}", file=sys.stderr)


def _hash_lines() -> str:
    sources = [(m[:-3].replace("/", "."), m) for m in MODULES] + list(C_MODULES.items())
    return "".join(
        f"{name} {hashlib.sha256((ROOT / src).read_bytes()).hexdigest()}\n"
        for name, src in sources
    )


class OptionalBuildExt(build_ext):
    """Builds the extensions if it can; otherwise says so once and installs the pure source."""

    def run(self) -> None:
        if self.inplace:
            # a new file, not one overwritten in place: a process that has the old extension
            # mapped keeps running it (overwriting its pages under it crashes the process)
            for ext in self.extensions:
                Path(self.get_ext_fullpath(ext.name)).unlink(missing_ok=True)
        try:
            super().run()
        except Exception as exc:  # no compiler, headers or linker: the pure path serves
            _say(f"compiled hot path not built ({type(exc).__name__}: {exc}); "
                 "the pure-Python modules are used, with the same output")
            return
        for base in {self.build_lib, str(ROOT)} if self.inplace else {self.build_lib}:
            target = Path(base) / HASHES
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_hash_lines(), encoding="utf-8")

    def get_outputs(self) -> list[str]:
        # the hashes exist only where the extensions were built (no compiler: none of either)
        hashes = Path(self.build_lib) / HASHES
        return [*super().get_outputs(), *([str(hashes)] if hashes.is_file() else [])]


def _ext_modules() -> list:
    if os.environ.get("TENSION_PURE", "").strip() not in ("", "0"):
        _say("TENSION_PURE is set: the compiled hot path is not built")
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        _say(f"mypyc is not available ({exc}): the pure-Python modules are used")
        return []
    # third-party packages are not type-checked here (they need not be installed at build
    # time): their names are Any to the compiler, as at run time they are Python objects
    try:
        exts = mypycify(
            ["--config-file=" + str(ROOT / "setup_mypyc.ini"), *MODULES],
            opt_level="3",
            group_name="tension._native",
        )
    except (Exception, SystemExit) as exc:  # a type error mypyc cannot compile past
        _say(f"mypyc could not compile the hot path ({exc!r}): the pure-Python modules are used")
        return []
    # a failure to compile the C core fails the whole build_ext (OptionalBuildExt): then
    # nothing is recorded and the pure source, twins included, runs
    return [*exts, *(Extension(name, [src], extra_compile_args=["-O2"])
                     for name, src in C_MODULES.items())]


setup(ext_modules=_ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
