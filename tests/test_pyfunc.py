"""The mlflow pyfunc wrapper: DataFrame of articles in, the scoring contract out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tension._types import SCORE_COLUMNS, ModelError

ROOT = Path(__file__).resolve().parents[1]
NO_DYAD = "The city council voted on Tuesday to repave three streets and extend library hours."


@pytest.fixture(scope="module")
def pyfunc_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import tension
    from tension.lifecycle._pyfunc import save_pyfunc

    d = tmp_path_factory.mktemp("pyfunc")
    model = tension.train(ROOT / "seeds" / "corpus.jsonl",
                          {"calibration": "none", "text_min_df": 1}, version="test-seeds")
    tension.save_model(model, d / "model")
    return save_pyfunc(d / "model", d / "mlflow")


@pytest.fixture(scope="module")
def loaded(pyfunc_dir: Path):  # type: ignore[no-untyped-def]
    import mlflow.pyfunc

    return mlflow.pyfunc.load_model(str(pyfunc_dir))


def test_predict_returns_contract(loaded, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    frame = pd.DataFrame({"id": ["seed", "council"], "text": [seed_path.read_text(), NO_DYAD],
                          "title": [None, "Council notes"], "date": ["2025-05-07", None]})
    out = loaded.predict(frame)
    assert list(out.columns) == list(SCORE_COLUMNS)
    seed = out[out.article_id == "seed"]
    top = seed[seed["rank"] == 1].iloc[0]
    assert top["dyad"] == "IRN-PAK" and top["model_version"] == "test-seeds"
    assert abs(sum(top[f"p{i}"] for i in range(5)) - 1) < 1e-3
    assert isinstance(json.loads(top["signals"]), dict)
    ev = json.loads(top["evidence"])
    assert ev and {"signal", "sentence", "start", "end"} <= set(ev[0])
    council = out[out.article_id == "council"]
    assert len(council) == 1 and council.iloc[0]["reason"] == "no_dyad"
    assert json.loads(council.iloc[0]["evidence"]) == []


def test_title_and_date_are_optional(loaded) -> None:  # type: ignore[no-untyped-def]
    out = loaded.predict(pd.DataFrame({"id": ["a"], "text": [NO_DYAD]}))
    assert list(out.article_id) == ["a"]


def test_missing_text_column_is_refused(loaded) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match="text"):
        loaded.predict(pd.DataFrame({"id": ["a"], "body": ["x"]}))


def test_pipeline_is_reachable(loaded) -> None:  # type: ignore[no-untyped-def]
    from sklearn.pipeline import Pipeline

    from tension import TensionModel

    inner = loaded.unwrap_python_model()
    assert isinstance(inner.model, TensionModel)
    assert isinstance(inner.pipeline, Pipeline) and inner.model.pipeline is inner.pipeline


def test_signature_and_example_stored(pyfunc_dir: Path) -> None:
    from mlflow.models import Model

    meta = Model.load(str(pyfunc_dir))
    assert meta.signature is not None
    assert meta.signature.inputs.input_names() == ["id", "text", "title", "date"]
    assert meta.signature.outputs.input_names() == list(SCORE_COLUMNS)
    assert (pyfunc_dir / "input_example.json").is_file()
    reqs = (pyfunc_dir / "requirements.txt").read_text().split()
    assert any(r.startswith("tension==") for r in reqs)


def test_tampered_artifact_refused(pyfunc_dir: Path, tmp_path: Path) -> None:
    import mlflow.pyfunc

    bad = tmp_path / "bad"
    shutil.copytree(pyfunc_dir, bad)
    f = bad / "artifacts" / "tension-escalation.joblib"
    f.write_bytes(f.read_bytes() + b"\0")
    with pytest.raises(ModelError, match="sha256"):
        mlflow.pyfunc.load_model(str(bad))


def test_shipped_mlflow_dir_loads() -> None:
    import mlflow.pyfunc

    path = ROOT / "models" / "mlflow"
    if not (path / "MLmodel").is_file():
        pytest.skip("models/mlflow not exported yet")
    m = mlflow.pyfunc.load_model(str(path))
    out = m.predict(pd.DataFrame({"id": ["a"], "text": [NO_DYAD]}))
    assert list(out.columns) == list(SCORE_COLUMNS)
