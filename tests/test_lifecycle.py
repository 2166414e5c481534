"""The model lifecycle end to end, with real components: train on seeds/ with the experiment
script, load the result in fresh processes by three routes, serve the registry's champion,
train against a real `mlflow server`, refuse tampered or untrusted files, and ship the model
inside the wheel. Servers bind to 127.0.0.1 only and are killed in `finally`."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tension._types import ModelError

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
TRAIN = ROOT / "experiments" / "train.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    raise AssertionError(f"{url} not up after {timeout}s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    # `mlflow models serve` runs `uvicorn` from PATH: the venv's, as in an activated venv
    env["PATH"] = f"{Path(PY).parent}{os.pathsep}{env.get('PATH', '')}"
    return env | extra


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    """experiments/train.py on seeds/corpus.jsonl alone, into a sqlite store in tmp."""
    d = tmp_path_factory.mktemp("store")
    cfg = json.loads((ROOT / "experiments" / "configs" / "seeds.json").read_text())
    cfg |= {"train": [str(ROOT / "seeds" / "corpus.jsonl")], "cv_splits": 2}
    (d / "seeds.json").write_text(json.dumps(cfg))
    uri = f"sqlite:///{d / 'mlflow.db'}"
    out = subprocess.run(
        [PY, str(TRAIN), "--config", str(d / "seeds.json"), "--tracking-uri", uri,
         "--output-dir", str(d / "models"), "--heldout", str(ROOT / "seeds" / "corpus.jsonl")],
        cwd=d, env=_env(), capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return {"dir": d, "uri": uri, "models": d / "models", "stdout": out.stdout}


LOADERS = {
    "package": "import tension; m = tension.load_model({path!r});"
               "df = m.score(open({seed!r}).read())",
    "pyfunc": "import mlflow.pyfunc, pandas as pd; m = mlflow.pyfunc.load_model({mlflow_dir!r});"
              "df = m.predict(pd.DataFrame({{'id': ['s'], 'text': [open({seed!r}).read()]}}))",
    "registry": "import tension; m = tension.load_model('models:/tension-escalation@champion');"
                "df = m.score(open({seed!r}).read())",
}


@pytest.mark.slow
@pytest.mark.parametrize("route", sorted(LOADERS))
def test_fresh_process_loads_by_each_route(store, route: str, seed_path: Path,
                                           tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code = LOADERS[route].format(path=str(store["models"]), seed=str(seed_path),
                                 mlflow_dir=str(store["models"] / "mlflow"))
    code += "; top = df[df['rank'] == 1].iloc[0]; print(top['dyad'], int(top['level']))"
    out = subprocess.run([PY, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env=_env(MLFLOW_TRACKING_URI=str(store["uri"])))
    assert out.returncode == 0, out.stderr[-3000:]
    dyad, level = out.stdout.split()[-2:]
    assert dyad == "IRN-PAK" and 0 <= int(level) <= 4


@pytest.mark.slow
def test_run_logs_everything(store) -> None:  # type: ignore[no-untyped-def]
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=str(store["uri"]))
    mv = client.get_model_version_by_alias("tension-escalation", "champion")
    run = client.get_run(mv.run_id)
    p, m, t = run.data.params, run.data.metrics, run.data.tags
    assert p["model_C"] == "0.5" and p["train_0_rows"] == "156" and len(p["train_0_sha256"]) == 64
    assert {"cv_qwk", "cv_ece", "heldout_qwk", "heldout_ece", "train_0_label_4"} <= set(m)
    assert t["tension_version"] and t["champion_decision"] == "promoted"
    assert "no champion yet" in t["champion_reason"]

    def walk(path: str = "") -> set[str]:
        out = set()
        for f in client.list_artifacts(run.info.run_id, path):
            out |= walk(f.path) if f.is_dir else {f.path}
        return out

    files = walk()
    for want in ("cv/confusion_matrix.png", "cv/reliability.png", "cv/per_signal.csv",
                 "cv/evaluation_table.csv", "heldout/confusion_matrix.png",
                 "feature_importances.csv", "config/config.json", "config/seeds.json",
                 "data/train_fingerprints.json", "tension-escalation/tension-escalation.joblib",
                 "tension-escalation/tension-escalation.card.json",
                 "tension-escalation/MODEL_CARD.md"):
        assert want in files, want
    card = json.loads((Path(store["models"]) / "tension-escalation.card.json").read_text())
    assert card["mlflow"]["run_id"] == run.info.run_id
    assert card["metrics"]["cv"]["qwk"] == pytest.approx(m["cv_qwk"])
    assert {r["model"] for r in card["baselines"]["cv"]} >= {"tension"}
    assert (Path(store["models"]) / "MODEL_CARD.md").read_text().count(card["sha256"]) == 1


@pytest.mark.slow
def test_models_serve_answers_with_the_champion(store, seed_path: Path) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    mlflow_bin = str(Path(PY).with_name("mlflow"))
    proc = subprocess.Popen(
        [mlflow_bin, "models", "serve", "-m", "models:/tension-escalation@champion",
         "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)],
        cwd=store["dir"], env=_env(MLFLOW_TRACKING_URI=str(store["uri"])),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/ping", proc, timeout=180)
        body = {"dataframe_split": {"columns": ["id", "text"],
                                    "data": [["seed", seed_path.read_text()]]}}
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=120) as r:
            rows = json.loads(r.read())["predictions"]
    finally:
        _stop(proc)
    top = next(r for r in rows if r["rank"] == 1)
    assert top["dyad"] == "IRN-PAK" and top["article_id"] == "seed"
    assert isinstance(json.loads(top["evidence"]), list)


@pytest.mark.slow
def test_train_against_a_real_tracking_server(tmp_path: Path) -> None:
    from mlflow import MlflowClient

    port = _free_port()
    mlflow_bin = str(Path(PY).with_name("mlflow"))
    proc = subprocess.Popen(
        [mlflow_bin, "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{tmp_path / 'server.db'}",
         "--artifacts-destination", str(tmp_path / "artifacts")],
        cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    uri = f"http://127.0.0.1:{port}"
    try:
        _wait_http(f"{uri}/health", proc, timeout=180)
        cfg = json.loads((ROOT / "experiments" / "configs" / "seeds.json").read_text())
        cfg |= {"train": [str(ROOT / "seeds" / "corpus.jsonl")], "cv_splits": 2,
                "run_name": "via-server"}
        (tmp_path / "c.json").write_text(json.dumps(cfg))
        out = subprocess.run([PY, str(TRAIN), "--config", str(tmp_path / "c.json")],
                             cwd=tmp_path, env=_env(MLFLOW_TRACKING_URI=uri),
                             capture_output=True, text=True, timeout=600)
        assert out.returncode == 0, out.stderr[-3000:]
        client = MlflowClient(tracking_uri=uri)
        exp = client.get_experiment_by_name("tension-escalation")
        runs = client.search_runs([exp.experiment_id])
        assert [r.info.run_name for r in runs] == ["via-server"]
        assert "cv_qwk" in runs[0].data.metrics
        assert client.get_model_version_by_alias("tension-escalation", "champion")
    finally:
        _stop(proc)
    assert not (tmp_path / "mlflow.db").exists()  # nothing went to the local default store
    assert any((tmp_path / "artifacts").rglob("tension-escalation.joblib"))


# --------------------------------------------------------------------------- refusals


class _Boom:
    """Unpickling this writes a marker file: proof that a file was (not) unpickled."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (Path(self.marker).touch, ())


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    d = tmp_path / "model"
    d.mkdir()
    for name in ("tension-escalation.joblib", "tension-escalation.card.json"):
        shutil.copyfile(ROOT / "models" / name, d / name)
    return d


def _card(d: Path) -> dict:
    return json.loads((d / "tension-escalation.card.json").read_text())


def _write_card(d: Path, card: dict) -> None:
    (d / "tension-escalation.card.json").write_text(json.dumps(card))


def test_tampered_file_is_refused_before_unpickling(shipped_copy: Path, tmp_path: Path) -> None:
    import tension

    marker = tmp_path / "unpickled"
    (shipped_copy / "tension-escalation.joblib").write_bytes(pickle.dumps(_Boom(str(marker))))
    with pytest.raises(ModelError, match="sha256") as info:
        tension.load_model(shipped_copy)
    assert "NOT loaded" in str(info.value)
    assert not marker.exists()


def test_untrusted_source_is_refused_unless_trusted(shipped_copy: Path, tmp_path: Path) -> None:
    import tension
    from tension.model._model import file_sha256

    marker = tmp_path / "unpickled"
    f = shipped_copy / "tension-escalation.joblib"
    f.write_bytes(pickle.dumps(_Boom(str(marker))))
    card = _card(shipped_copy) | {"source": "someone-else", "sha256": file_sha256(f)}
    _write_card(shipped_copy, card)
    with pytest.raises(ModelError, match="not trusted") as info:
        tension.load_model(shipped_copy)
    assert "trusted=['someone-else']" in str(info.value)
    assert not marker.exists()


def test_trusted_opt_in_loads(shipped_copy: Path) -> None:
    import tension

    _write_card(shipped_copy, _card(shipped_copy) | {"source": "colleague"})
    model = tension.load_model(shipped_copy, trusted=["colleague"])
    assert model.version == _card(ROOT / "models")["version"]


@pytest.mark.parametrize(
    ("change", "needle"),
    [({"libraries": {"scikit-learn": "0.24.2"}}, "scikit-learn==0.24.2"),
     ({"signal_features": ["only_one"]}, "signal features"),
     ({"format_version": 99}, "format 99")],
)
def test_incompatible_card_is_refused(shipped_copy: Path, change: dict, needle: str) -> None:
    import tension

    _write_card(shipped_copy, _card(shipped_copy) | change)
    with pytest.raises(ModelError, match=needle):
        tension.load_model(shipped_copy)


def test_unknown_registry_uri_says_where_it_looked(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import tension

    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(ModelError, match="MLFLOW_TRACKING_URI"):
        tension.load_model("models:/tension-escalation@champion")


# --------------------------------------------------------------------------- packaging


@pytest.mark.slow
def test_wheel_ships_the_model(tmp_path: Path) -> None:
    out = subprocess.run([PY, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w",
                          str(tmp_path)], capture_output=True, text=True, timeout=600)
    if out.returncode != 0 and "NewConnectionError" in out.stderr + out.stdout:
        pytest.skip("no package index reachable to fetch the build backend")
    assert out.returncode == 0, out.stderr[-3000:]
    (wheel,) = tmp_path.glob("tension-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for f in ("tension-escalation.joblib", "tension-escalation.card.json"):
        assert any(n.endswith(f"/data/share/tension/models/{f}") for n in names), f
