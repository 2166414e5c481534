"""The house's rooms: layer packages, their lazy re-exports, the import contract, the public
verbs taking any form of an article, and models saved under the 0.4.x module paths."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tension
from tension import Article, ModelError

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("read", "extract", "model", "batch", "lifecycle")


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_exports_resolve(layer):
    pkg = importlib.import_module(f"tension.{layer}")
    assert pkg.__all__, layer
    for name in pkg.__all__:
        assert getattr(pkg, name) is not None, f"tension.{layer}.{name}"
    with pytest.raises(AttributeError, match="no attribute"):
        pkg.not_a_name  # noqa: B018


def test_importing_a_layer_imports_none_of_its_modules():
    code = ("import sys, tension.batch, tension.extract; "
            "print(any(m.startswith(('tension.batch._', 'tension.extract._')) "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "False"


def _lint_imports() -> str | None:
    exe = Path(sys.executable).with_name("lint-imports")
    return str(exe) if exe.exists() else shutil.which("lint-imports")


def test_import_contract_kept():
    exe = _lint_imports()
    if exe is None:
        pytest.skip("import-linter not installed (pip install '.[dev]')")
    res = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-2000:]


def test_every_module_is_in_a_layer_of_its_contract():
    """import-linter checks only the modules a layers contract names: a module left out (a new
    one, or one forgotten) could import upwards unseen. Each module of a contract's container,
    its __init__ aside, must sit in one of its layers."""
    import re
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"]
    for c in contracts:
        for container in c["containers"]:
            where = ROOT.joinpath(*container.split("."))
            have = {p.stem for p in where.glob("*.py") if p.stem != "__init__"}
            have |= {p.name for p in where.iterdir() if (p / "__init__.py").is_file()}
            named = {m for layer in c["layers"] for m in re.split(r"[|:]", layer)}
            missing = have - {m.strip() for m in named}
            assert not missing, f"{c['name']}: {sorted(missing)} in no layer"


def test_import_contract_fails_on_an_upward_import(tmp_path):
    """A copy of the package with one deliberate upward import (model -> batch) breaks it."""
    exe = _lint_imports()
    if exe is None:
        pytest.skip("import-linter not installed (pip install '.[dev]')")
    shutil.copytree(ROOT / "tension", tmp_path / "tension",
                    ignore=shutil.ignore_patterns("data", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    dyads = tmp_path / "tension" / "model" / "_dyads.py"
    dyads.write_text(dyads.read_text() + "\nfrom tension.batch._index import tension_index\n")
    res = subprocess.run([exe], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert res.returncode != 0
    assert "tension.model._dyads -> tension.batch._index" in res.stdout


TEXT = ("Iran launched missile strikes on Pakistan on Tuesday. "
        "Pakistan recalled its ambassador from Iran.")


@pytest.mark.parametrize("form", ["str", "article", "mapping"])
def test_verbs_take_text_article_or_mapping(form):
    art = Article(id="a1", text=TEXT, raw_text=TEXT)
    given = {"str": TEXT, "article": art, "mapping": {"id": "a1", "text": TEXT}}[form]
    codes = [m.code for m in tension.find_actors(given)]
    assert codes == ["IRN", "PAK", "PAK", "IRN"]
    signals = {e.signal for e in tension.extract_signals(given)}
    assert {"military_strike", "envoy_recalled"} <= signals
    rows = tension.score(given)
    assert rows["dyad"].iloc[0] == "IRN-PAK"
    if form != "str":
        assert rows["article_id"].iloc[0] == "a1"


def test_a_str_is_text_not_a_path(tmp_path, monkeypatch):
    (tmp_path / "Iran").write_text("Chile and Peru signed a trade deal.")
    monkeypatch.chdir(tmp_path)
    assert [m.code for m in tension.find_actors("Iran")] == ["IRN"]


def test_unknown_article_type_is_a_clear_error():
    with pytest.raises(tension.IngestError, match="expected an Article, article text"):
        tension.find_actors(42)  # type: ignore[arg-type]


def test_model_layer_refuses_registry_uris_with_the_verb_that_reads_them():
    from tension.model import load_model

    with pytest.raises(ModelError, match="tension.load_model"):
        load_model("models:/tension-escalation@champion")


def test_shipped_model_is_saved_under_the_new_paths():
    card = json.loads((ROOT / "models" / "tension-escalation.card.json").read_text())
    assert card.get("saved_by") == tension.__version__


def test_a_model_saved_by_0_4_loads_through_the_alias_table(tmp_path, caplog):
    """The pickle names tension._features (the 0.4.x path): it loads, with a warning saying
    how to re-save, and the alias is gone afterwards."""
    import pickle

    from tension.model._model import CARD_FILE, MODEL_FILE, file_sha256

    model = tension.load_model()
    # protocol 2 names each class's module as a line of text (GLOBAL), with no frame lengths
    data = pickle.dumps(model.payload, protocol=2)
    old = b"ctension.model._features\n"
    assert old in data
    legacy = data.replace(old, b"ctension._features\n")
    (tmp_path / MODEL_FILE).write_bytes(legacy)
    card = dict(model.card, sha256=file_sha256(tmp_path / MODEL_FILE), saved_by="0.4.0",
                file=MODEL_FILE, format="joblib")
    (tmp_path / CARD_FILE).write_text(json.dumps(card))
    with caplog.at_level("WARNING"):
        old_model = tension.load_model(tmp_path)
    assert "Re-save it" in caplog.text
    assert "tension._features" not in sys.modules
    got = old_model.score(TEXT)
    want = model.score(TEXT)
    assert got["escalation_score"].tolist() == want["escalation_score"].tolist()
