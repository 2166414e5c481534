"""The compiled hot path and the pure-Python source give the same output, field for field.

``pip install`` compiles the modules of ``tension._native.COMPILED`` with mypyc where it can,
and the C core (``tension._native.C_MODULES``, whose functions the compiled path calls instead
of their pure-Python twins, see ``tension._kernels`` and ``tests/test_kernels.py``);
``TENSION_PURE=1`` makes a process import their source (and the twins) instead. Each corpus
below is run through ``tension score``, ``tension signals`` (every candidate event, all fields) and
``tension actors`` once per path, in a fresh interpreter each, and the files must be equal
byte for byte.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_signals import TABLE

from tension import _native

ROOT = Path(__file__).resolve().parents[1]

# one interpreter per path runs the three commands on the same input
DRIVER = """
import sys
from tension._native import is_compiled, status
from tension.cli import main
inp, out, want = sys.argv[1], sys.argv[2], sys.argv[3]
if is_compiled() != (want == "compiled"):
    sys.exit("asked for the " + want + " path, got: " + status())
for cmd, extra in (("score", []), ("signals", ["--min-confidence", "0"]), ("actors", [])):
    rc = main(["-q", cmd, inp, "-o", f"{out}/{cmd}.jsonl", *extra])
    if rc:
        sys.exit(f"tension {cmd} exited {rc}")
"""


def _run(inp: Path, out: Path, pure: bool) -> dict[str, bytes]:
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if k != _native.ENV}
    if pure:
        env[_native.ENV] = "1"
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(inp), str(out), "pure" if pure else "compiled"],
        env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _compare(inp: Path, tmp_path: Path) -> None:
    if not _native.is_compiled():
        pytest.skip(f"the compiled hot path is not in use here: {_native.status()}")
    compiled = _run(inp, tmp_path / "compiled", pure=False)
    pure = _run(inp, tmp_path / "pure", pure=True)
    assert set(compiled) == {"score.jsonl", "signals.jsonl", "actors.jsonl"}
    for name, data in compiled.items():
        assert data, f"{name} is empty: nothing was compared"
        if data != pure[name]:
            a, b = data.decode().splitlines(), pure[name].decode().splitlines()
            first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                         min(len(a), len(b)))
            pytest.fail(f"{name} differs from line {first + 1}: compiled "
                        f"{a[first:first + 1]!r} pure {b[first:first + 1]!r}")


def test_own_sentences_and_seed_same_on_both_paths(tmp_path: Path, seed_path: Path) -> None:
    inp = tmp_path / "own.jsonl"
    with inp.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "seed", "date": "2024-06-01",
                            "text": seed_path.read_text(encoding="utf-8")}) + "\n")
        for i, (sentence, _signal, _modality) in enumerate(TABLE):
            f.write(json.dumps({"id": f"table-{i}", "text": sentence}) + "\n")
    _compare(inp, tmp_path)


def test_real_news_same_on_both_paths(tmp_path: Path, shared_dir: Path) -> None:
    # real reporting reaches branches our sentences do not; the records stay in tmp_path
    src = shared_dir / "data" / "news" / "train.jsonl"
    inp = tmp_path / "news.jsonl"
    with src.open(encoding="utf-8") as f, inp.open("w", encoding="utf-8") as g:
        for k, line in enumerate(f):
            if k % 3 == 0:  # every third record: all rounds, a third of the time
                g.write(line)
    _compare(inp, tmp_path)


def test_setup_compiles_the_modules_the_runtime_checks() -> None:
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    listed = next(
        ast.literal_eval(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "MODULES" for t in node.targets)
    )
    assert [m[:-3].replace("/", ".") for m in listed] == list(_native.COMPILED)
    c_modules = next(
        ast.literal_eval(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "C_MODULES" for t in node.targets)
    )
    assert c_modules == {m: f"tension/{src}" for m, src in _native.C_MODULES.items()}


def _layout(root: Path, build: bool, hashes: bool) -> None:
    for mod in (*_native.COMPILED, *_native.C_MODULES):
        src = root.joinpath(*mod.split(".")[1:]).with_suffix(".py")
        if mod in _native.C_MODULES:
            src = root / _native.C_MODULES[mod]
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text(f"# {mod}\n", encoding="utf-8")
        if build:
            src.with_name(src.stem + ".cpython-311-x86_64-linux-gnu.so").write_bytes(b"")
    if hashes:
        lines = []
        for m in (*_native.COMPILED, *_native.C_MODULES):
            digest = hashlib.sha256(f"# {m}\n".encode()).hexdigest()
            lines.append(f"{m} {digest}\n")
        (root / _native.HASHES).write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(("build", "hashes", "env", "edit", "compiled", "why"), [
    (True, True, "", False, True, "compiled"),
    (True, True, "0", False, True, "compiled"),
    (True, True, "1", False, False, "TENSION_PURE is set"),
    (False, False, "", False, False, "no compiled modules"),
    (True, False, "", False, False, "is missing"),
    (True, True, "", True, False, "changed after the build"),
    (True, True, "", "c", False, "changed after the build"),
    (True, True, "", "c-missing", False, "missing tension._ccore"),
])
def test_which_path_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, build: bool,
                         hashes: bool, env: str, edit: bool | str, compiled: bool,
                         why: str) -> None:
    monkeypatch.setattr(_native.importlib.machinery, "EXTENSION_SUFFIXES",
                        [".cpython-311-x86_64-linux-gnu.so"])
    monkeypatch.setattr(_native, "_ROOT", tmp_path)
    monkeypatch.setenv(_native.ENV, env)
    _layout(tmp_path, build, hashes)
    if edit is True:  # a developer edits a source after installing: the stale build must not run
        (tmp_path / "extract" / "_signals.py").write_text("# edited\n", encoding="utf-8")
    elif edit == "c":  # the C core's source too
        (tmp_path / "_ccore.c").write_text("/* edited */\n", encoding="utf-8")
    elif edit == "c-missing":  # the C core failed to build, the mypyc modules did not
        (tmp_path / "_ccore.cpython-311-x86_64-linux-gnu.so").unlink()
    got, reason = _native._decide()
    assert got is compiled
    assert why in reason
