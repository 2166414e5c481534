"""Experiment tracking and the model registry (all mlflow code of the package lives here).

The commands in ``experiments/`` only wire a config to :func:`train_run`, :func:`evaluate_run`
and :func:`tune_run`. Every run logs its parameters, grouped-CV metrics (``cv_*``), held-out
metrics (``heldout_*``) when a held-out file is given, the sha256/rows/labels of every data
file, the git commit and package version, plots and tables, and the model (pyfunc wrapper,
joblib pipeline and card). The registered model ``tension-escalation`` has a ``champion``
alias that moves only when a run beats it (see :func:`promote_if_better`).

Tracking store: ``--tracking-uri``, else ``$MLFLOW_TRACKING_URI``, else the sqlite file
``mlflow.db`` in the working directory (what ``mlflow ui`` opens there with no options).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tension._types import ModelError, TensionError
from tension.model._model import CARD_FILE, MODEL_FILE, MODEL_NAME, TensionModel

if TYPE_CHECKING:
    from tension.lifecycle._config import ExperimentConfig

__all__ = [
    "CHAMPION",
    "REGISTERED_NAME",
    "RunResult",
    "resolve_tracking_uri",
    "git_info",
    "promote_if_better",
    "load_registered",
    "model_card_markdown",
    "write_model_card_md",
    "train_run",
    "evaluate_run",
    "tune_run",
    "export_model_dir",
]

logger = logging.getLogger(__name__)

REGISTERED_NAME = MODEL_NAME
CHAMPION = "champion"
METRIC_KEYS = (
    "qwk", "qwk_rank1", "spearman", "ece", "accuracy", "macro_f1", "dyad_rank1", "nodyad_ok", "n"
)
ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- store and tags


def resolve_tracking_uri(uri: str | None = None) -> str:
    """``uri`` if given, else ``$MLFLOW_TRACKING_URI``, else ``sqlite:///<cwd>/mlflow.db``."""
    if uri:
        return uri
    env = os.environ.get("MLFLOW_TRACKING_URI")
    if env:
        return env
    return f"sqlite:///{Path.cwd().resolve() / 'mlflow.db'}"


def git_info(root: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """Commit, branch and dirty flag of the checkout at ``root`` ({} outside a git checkout)."""
    cwd = str(root or ROOT)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return {}
    info = {"git_commit": commit}
    try:
        info["git_branch"] = git("rev-parse", "--abbrev-ref", "HEAD")
        info["git_dirty"] = str(bool(git("status", "--porcelain", "--untracked-files=no")))
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def _run_tags(kind: str) -> dict[str, str]:
    import sklearn

    from tension._version import __version__

    return {
        "tension_version": __version__,
        "scikit_learn_version": sklearn.__version__,
        "run_kind": kind,
        **git_info(),
    }


def _setup(tracking_uri: str | None, experiment: str) -> str:
    import mlflow

    uri = resolve_tracking_uri(tracking_uri)
    mlflow.set_tracking_uri(uri)
    if uri.startswith("sqlite:///") and mlflow.get_experiment_by_name(experiment) is None:
        # mlflow would put the artifacts in ./mlruns of whatever the working directory is;
        # keep them beside the database instead so the store is one self-contained folder
        db = Path(uri.removeprefix("sqlite:///"))
        mlflow.create_experiment(experiment, (db.parent / "mlruns" / experiment).as_uri())
    mlflow.set_experiment(experiment)
    logger.info("tracking to %s, experiment %r", uri, experiment)
    return uri


# --------------------------------------------------------------------------- logging helpers


def _log_fingerprints(prints: Sequence[dict[str, Any]], role: str) -> None:
    import mlflow

    for i, fp in enumerate(prints):
        key = f"{role}_{i}"
        mlflow.log_params(
            {
                f"{key}_path": fp["path"],
                f"{key}_sha256": fp["sha256"],
                f"{key}_rows": fp["rows"],
            }
        )
        for level, count in fp["labels"].items():
            mlflow.log_metric(f"{key}_label_{level}", count)
    mlflow.log_dict({"files": list(prints)}, f"data/{role}_fingerprints.json")


def _log_eval(result: Any, prefix: str, tmp: Path) -> dict[str, float]:
    """Metrics ``<prefix>_*`` and the artifacts of one EvalResult under ``<prefix>/``."""
    import mlflow

    from tension.batch._plot import plot_confusion, plot_reliability

    metrics = {k: float(v) for k, v in result.metrics.items() if v is not None}
    mlflow.log_metrics({f"{prefix}_{k}": v for k, v in metrics.items()})
    d = tmp / prefix
    d.mkdir(parents=True, exist_ok=True)
    plot_confusion(
        result.confusion, d / "confusion_matrix.png", title=f"Escalation level ({prefix})"
    )
    plot_reliability(result.reliability, d / "reliability.png", ece=metrics.get("ece"))
    result.per_signal.to_csv(d / "per_signal.csv", index=False)
    result.baselines.to_csv(d / "evaluation_table.csv", index=False)
    result.predictions.to_csv(d / "predictions.csv", index=False)
    result.reliability.to_csv(d / "reliability.csv", index=False)
    pd.DataFrame(result.confusion, index=[f"gold_{i}" for i in range(5)],
                 columns=[f"pred_{i}" for i in range(5)]).to_csv(d / "confusion_matrix.csv")
    mlflow.log_artifacts(str(d), artifact_path=prefix)
    return metrics


def _baseline_records(result: Any) -> list[dict[str, Any]]:
    recs = result.baselines.reset_index(drop="model" in result.baselines.columns)
    out = []
    for rec in recs.to_dict(orient="records"):
        out.append({str(k): (round(v, 4) if isinstance(v, float) else v) for k, v in rec.items()})
    return out


def _log_config(cfg: ExperimentConfig) -> None:
    import mlflow

    raw = dict(cfg.raw)
    raw["params"] = cfg.params.to_dict()  # the effective parameters, defaults filled in
    mlflow.log_dict(raw, "config/config.json")
    if cfg.source and Path(cfg.source).is_file():
        mlflow.log_artifact(cfg.source, artifact_path="config")
        mlflow.set_tag("config_file", cfg.source)


# --------------------------------------------------------------------------- registry


def _champion_metrics(client: Any, name: str) -> tuple[Any, dict[str, float]] | None:
    from mlflow.exceptions import MlflowException

    try:
        mv = client.get_model_version_by_alias(name, CHAMPION)
    except MlflowException:
        return None
    metrics = client.get_run(mv.run_id).data.metrics if mv.run_id else {}
    return mv, dict(metrics)


def promote_if_better(
    client: Any,
    version: Any,
    metrics: dict[str, float],
    *,
    name: str = REGISTERED_NAME,
) -> tuple[bool, str]:
    """Move ``champion`` to ``version`` when its held-out kappa is higher than the champion's
    and its held-out ECE is not worse. Tags the version (and returns) the decision and why."""
    qwk, ece = metrics.get("heldout_qwk"), metrics.get("heldout_ece")
    current = _champion_metrics(client, name)
    if current is None:
        promote, why = True, "no champion yet: this is the first registered model"
    elif qwk is None or ece is None:
        promote, why = False, (
            f"kept champion v{current[0].version}: this run has no held-out metrics "
            "(pass --heldout FILE); the alias moves only on held-out kappa and ECE"
        )
    else:
        mv, cm = current
        c_qwk, c_ece = cm.get("heldout_qwk"), cm.get("heldout_ece")
        if c_qwk is None or c_ece is None:
            promote, why = True, (
                f"champion v{mv.version} has no held-out metrics; this run has "
                f"kappa {qwk:.4f}, ECE {ece:.4f}"
            )
        elif qwk > c_qwk and ece <= c_ece:
            promote, why = True, (
                f"held-out kappa {qwk:.4f} > champion v{mv.version}'s {c_qwk:.4f} and "
                f"ECE {ece:.4f} <= {c_ece:.4f}"
            )
        elif qwk <= c_qwk:
            promote, why = False, (
                f"kept champion v{mv.version}: held-out kappa {qwk:.4f} is not higher than "
                f"its {c_qwk:.4f}"
            )
        else:
            promote, why = False, (
                f"kept champion v{mv.version}: kappa {qwk:.4f} > {c_qwk:.4f} but ECE "
                f"{ece:.4f} is worse than its {c_ece:.4f}"
            )
    decision = "promoted" if promote else "not_promoted"
    if promote:
        client.set_registered_model_alias(name, CHAMPION, version.version)
    client.set_model_version_tag(name, version.version, "champion_decision", decision)
    client.set_model_version_tag(name, version.version, "champion_reason", why)
    logger.info("registry: %s v%s %s (%s)", name, version.version, decision, why)
    return promote, why


def load_registered(uri: str, *, trusted: Iterable[str] = ()) -> TensionModel:
    """Load a model logged by :func:`train_run` from an mlflow URI (``models:/name@alias``,
    ``models:/name/3``, ``runs:/<run_id>/model``), with the same checks as a local file."""
    import mlflow
    from mlflow.artifacts import download_artifacts
    from mlflow.exceptions import MlflowException

    from tension.model._model import load_model

    # mlflow's own resolution: set_tracking_uri() in this process, $MLFLOW_TRACKING_URI, else
    # sqlite:///<cwd>/mlflow.db (the same default as resolve_tracking_uri)
    tracking = mlflow.get_tracking_uri()
    with tempfile.TemporaryDirectory(prefix="tension-model-") as tmp:
        try:
            local = Path(
                download_artifacts(
                    artifact_uri=uri, dst_path=tmp, tracking_uri=tracking, registry_uri=tracking
                )
            )
        except MlflowException as exc:
            raise ModelError(
                f"{uri}: cannot fetch it from the tracking store {tracking} ({exc.message}); "
                "set MLFLOW_TRACKING_URI to the store the model was logged to"
            ) from exc
        found = sorted(local.rglob(MODEL_FILE)) if local.is_dir() else [local]
        if not found:
            raise ModelError(
                f"{uri}: no {MODEL_FILE} in it; this is not a tension model "
                "(log one with experiments/train.py)"
            )
        # the joblib is loaded into memory, so the temporary copy can go afterwards
        return load_model(found[0].parent, trusted=trusted)


# --------------------------------------------------------------------------- model card


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "" if v is None else str(v)


def model_card_markdown(card: dict[str, Any]) -> str:
    """A short human-readable model card from the card JSON."""
    method = (card.get("params") or {}).get("calibration", "none")
    calib = "not recalibrated" if method == "none" else f"{method} calibration"
    lines = [
        f"# Model card: {card.get('name', MODEL_NAME)} {card.get('version', '')}".rstrip(),
        "",
        "Generated from `tension-escalation.card.json` by "
        "`tension.lifecycle._tracking.write_model_card_md`; do not edit by hand.",
        "",
        "Predicts the escalation level (0-4) of a pair of states in one news article, with "
        f"probabilities p0..p4 ({calib}) and `escalation_score` = 25 x expected level.",
        "",
        f"- file: `{card.get('file', MODEL_FILE)}`, sha256 `{card.get('sha256', '?')}`",
        f"- package version: {card.get('package_version', '?')}, "
        f"format {card.get('format_version')}",
        f"- training rows (labelled dyads): {card.get('n_train_rows', '?')}, "
        f"level distribution {json.dumps(card.get('label_distribution', {}))}",
    ]
    if card.get("mlflow"):
        m = card["mlflow"]
        lines.append(f"- mlflow run: `{m.get('run_id')}` in experiment `{m.get('experiment')}`")
    if card.get("git_commit"):
        lines.append(f"- trained from commit `{card['git_commit']}`")
    lines += ["", "## Training data", "", "| file | rows | sha256 | labels 0/1/2/3/4/null |",
              "|---|---|---|---|"]
    for fp in card.get("training_data", []):
        lab = fp.get("labels", {})
        dist = "/".join(str(lab.get(k, 0)) for k in ("0", "1", "2", "3", "4", "null"))
        lines.append(f"| `{fp.get('path')}` | {fp.get('rows')} | `{fp.get('sha256', '')[:16]}...` "
                     f"| {dist} |")
    metrics = card.get("metrics") or {}
    if metrics:
        lines += ["", "## Metrics", ""]
        keys = [k for k in METRIC_KEYS if any(k in m for m in metrics.values())]
        lines.append("| evaluation | " + " | ".join(keys) + " |")
        lines.append("|---" * (len(keys) + 1) + "|")
        for where, m in metrics.items():
            lines.append(f"| {where} | " + " | ".join(_fmt(m.get(k)) for k in keys) + " |")
    baselines = card.get("baselines") or {}
    for where, rows in baselines.items():
        if not rows:
            continue
        order = {k: i for i, k in enumerate(("model", *METRIC_KEYS))}
        cols = sorted(rows[0], key=lambda c: (order.get(c, len(order)), c))
        lines += ["", f"## Baselines ({where})", "", "| " + " | ".join(cols) + " |",
                  "|---" * len(cols) + "|"]
        lines += ["| " + " | ".join(_fmt(r.get(c)) for c in cols) + " |" for r in rows]
    if not metrics:
        lines += ["", "## Metrics", "", "No evaluation was recorded with this model file; "
                  "retrain with `python experiments/train.py --config "
                  "experiments/configs/shipped.json` to record them."]
    lines += ["", "## Parameters", "", "```json", json.dumps(card.get("params", {}), indent=2,
                                                              sort_keys=True), "```",
              "", "## Libraries", ""]
    lines += [f"- {k} {v}" for k, v in sorted(card.get("libraries", {}).items())]
    lines += ["", "## Limits", "",
              "Trained on English news wire text; one level per (article, dyad), not per "
              "event. Loading checks the sha256 above, the scikit-learn minor version and the "
              "signal feature set, and refuses a file that does not match.", ""]
    return "\n".join(lines)


def write_model_card_md(model_dir: str | os.PathLike[str], out: str | os.PathLike[str] | None = None
                        ) -> Path:
    """Write ``MODEL_CARD.md`` (default: beside the card) from ``<model_dir>/<card>.json``."""
    d = Path(model_dir)
    card = json.loads((d / CARD_FILE).read_text())
    target = Path(out) if out else d / "MODEL_CARD.md"
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(model_card_markdown(card), encoding="utf-8")
    os.replace(tmp, target)
    return target


def export_model_dir(model_dir: str | os.PathLike[str]) -> Path:
    """Write ``<model_dir>/mlflow`` (pyfunc model) and ``MODEL_CARD.md`` for a saved model."""
    from tension.lifecycle._pyfunc import save_pyfunc

    d = Path(model_dir)
    save_pyfunc(d, d / "mlflow")
    return write_model_card_md(d)


def _copy_model(src: Path, dst: Path) -> None:
    """Copy joblib then card into ``dst`` atomically (card last: it names the file's sha256)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in (MODEL_FILE, CARD_FILE):
        tmp = dst / f".tmp-{name}"
        shutil.copyfile(src / name, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst / name)


# --------------------------------------------------------------------------- runs


@dataclass
class RunResult:
    run_id: str
    tracking_uri: str
    metrics: dict[str, float] = field(default_factory=dict)
    model_version: str | None = None
    promoted: bool | None = None
    reason: str = ""
    output_dir: str | None = None
    model_uri: str | None = None


def _read_all(paths: Sequence[str]) -> tuple[list[Any], list[dict[str, Any]]]:
    from tension.model._model import _load_training

    return _load_training(list(paths))


@contextlib.contextmanager
def _server_errors(uri: str) -> Iterator[None]:
    """A tracking server that stops answering mid-run: one clear error, not mlflow's traceback."""
    from mlflow.exceptions import MlflowException

    try:
        yield
    except MlflowException as exc:
        if "API request to" not in str(exc):
            raise
        raise TensionError(
            f"the mlflow tracking server at {uri} stopped answering mid-run "
            f"({str(exc).splitlines()[0][:300]}); the run is incomplete and no model was "
            "written to the output folder. Start the server again and rerun"
        ) from None


def train_run(cfg: ExperimentConfig, *, tracking_uri: str | None = None) -> RunResult:
    """Cross-validate, fit on all training files, evaluate on the held-out file, log the lot,
    register the model and apply the champion rule; write ``cfg.output_dir`` if set."""
    import mlflow

    from tension.lifecycle._pyfunc import log_pyfunc
    from tension.model._evaluate import cross_validate, evaluate_model
    from tension.model._model import train

    uri = _setup(tracking_uri, cfg.experiment)
    items, prints = _read_all(cfg.train)
    with _server_errors(uri), mlflow.start_run(run_name=cfg.run_name) as run, \
            tempfile.TemporaryDirectory(prefix="tension-run-") as tmp_s:
        tmp = Path(tmp_s)
        mlflow.set_tags(_run_tags("train"))
        mlflow.log_params({f"model_{k}": v for k, v in cfg.params.to_dict().items()})
        mlflow.log_params({"cv_splits": cfg.cv_splits, "heldout": cfg.heldout or ""})
        _log_config(cfg)
        _log_fingerprints(prints, "train")

        cv = cross_validate(items, cfg.params, n_splits=cfg.cv_splits)
        metrics = {f"cv_{k}": v for k, v in _log_eval(cv, "cv", tmp).items()}
        card_metrics = {"cv": {k: float(v) for k, v in cv.metrics.items()}}
        card_baselines = {"cv": _baseline_records(cv)}

        model = train(items, cfg.params, version=cfg.version)
        model.card["training_data"] = prints
        if cfg.heldout:
            from tension.model._model import fingerprint, read_labelled

            held = read_labelled(cfg.heldout)
            _log_fingerprints([fingerprint(cfg.heldout, held)], "heldout")
            ho = evaluate_model(model, held)
            metrics |= {f"heldout_{k}": v for k, v in _log_eval(ho, "heldout", tmp).items()}
            card_metrics["heldout"] = {k: float(v) for k, v in ho.metrics.items()}
            card_baselines["heldout"] = _baseline_records(ho)
        model.card |= {
            "metrics": card_metrics,
            "baselines": card_baselines,
            "mlflow": {"run_id": run.info.run_id, "experiment": cfg.experiment},
            **{k: v for k, v in git_info().items() if k == "git_commit"},
        }
        coef = model.coefficients()
        coef.index.name = "feature"
        coef.assign(abs_max=coef.abs().max(axis=1)).sort_values("abs_max", ascending=False).to_csv(
            tmp / "feature_importances.csv"
        )
        mlflow.log_artifact(str(tmp / "feature_importances.csv"))

        from tension.model._model import save_model

        saved = tmp / "model"
        save_model(model, saved)
        write_model_card_md(saved)
        mlflow.log_artifacts(str(saved), artifact_path="tension-escalation")
        info = log_pyfunc(saved, name="model")
        result = RunResult(run.info.run_id, uri, metrics, model_uri=info.model_uri)

        if cfg.register:
            mv = mlflow.register_model(info.model_uri, REGISTERED_NAME)
            client = mlflow.MlflowClient(tracking_uri=uri)
            promoted, why = promote_if_better(client, mv, metrics)
            mlflow.set_tags(
                {
                    "registered_version": str(mv.version),
                    "champion_decision": "promoted" if promoted else "not_promoted",
                    "champion_reason": why,
                }
            )
            result.model_version, result.promoted, result.reason = str(mv.version), promoted, why
        if cfg.output_dir:
            out = Path(cfg.output_dir)
            _copy_model(saved, out)
            export_model_dir(out)
            result.output_dir = str(out)
    return result


def evaluate_run(
    model_location: str | None,
    heldout: str,
    *,
    experiment: str = REGISTERED_NAME,
    run_name: str | None = None,
    tracking_uri: str | None = None,
    trusted: Iterable[str] = (),
) -> RunResult:
    """Evaluate a saved or registered model on a labelled file and log an ``evaluate`` run."""
    import mlflow

    from tension.model._evaluate import evaluate_model
    from tension.model._model import fingerprint, load_model, read_labelled

    uri = _setup(tracking_uri, experiment)
    model = load_model(model_location, trusted=trusted)
    held = read_labelled(heldout)
    with mlflow.start_run(run_name=run_name) as run, \
            tempfile.TemporaryDirectory(prefix="tension-eval-") as tmp:
        mlflow.set_tags(_run_tags("evaluate") | {"model_location": str(model_location or "shipped"),
                                                 "model_version": model.version,
                                                 "model_sha256": str(model.card.get("sha256"))})
        mlflow.log_params({f"model_{k}": v for k, v in model.params.to_dict().items()})
        _log_fingerprints([fingerprint(heldout, held)], "heldout")
        res = evaluate_model(model, held)
        metrics = {f"heldout_{k}": v for k, v in _log_eval(res, "heldout", Path(tmp)).items()}
    return RunResult(run.info.run_id, uri, metrics)


def tune_run(cfg: ExperimentConfig, *, tracking_uri: str | None = None) -> RunResult:
    """Grid or random search over ``cfg.tune``: one nested run per candidate (grouped-CV
    metrics), the parent logs the best by CV kappa (ties: lower ECE) and its parameters."""
    import mlflow

    from tension.lifecycle._config import candidates
    from tension.model._evaluate import cross_validate

    if cfg.tune is None:
        raise ModelError("the config has no 'tune' section (search, space)")
    uri = _setup(tracking_uri, cfg.experiment)
    items, prints = _read_all(cfg.train)
    cands = candidates(cfg.params, cfg.tune)
    rows = []
    with mlflow.start_run(run_name=cfg.run_name or "tune") as parent, \
            tempfile.TemporaryDirectory(prefix="tension-tune-") as tmp:
        mlflow.set_tags(_run_tags("tune"))
        mlflow.log_params({"search": cfg.tune.search, "n_candidates": len(cands),
                           "cv_splits": cfg.cv_splits})
        _log_config(cfg)
        _log_fingerprints(prints, "train")
        for i, params in enumerate(cands):
            with mlflow.start_run(run_name=f"candidate-{i}", nested=True) as child:
                mlflow.set_tags(_run_tags("tune-candidate"))
                mlflow.log_params({f"model_{k}": v for k, v in params.to_dict().items()})
                res = cross_validate(items, params, n_splits=cfg.cv_splits)
                m = {f"cv_{k}": float(v) for k, v in res.metrics.items()}
                mlflow.log_metrics(m)
                rows.append({"run_id": child.info.run_id, **params.to_dict(), **m})
        table = pd.DataFrame(rows).sort_values(["cv_qwk", "cv_ece"], ascending=[False, True])
        table.to_csv(Path(tmp) / "search_results.csv", index=False)
        mlflow.log_artifact(str(Path(tmp) / "search_results.csv"))
        best = table.iloc[0].to_dict()
        mlflow.log_params({f"best_{k}": best[k] for k in cfg.params.to_dict()})
        mlflow.log_metrics({f"best_{k}": float(best[k]) for k in best if k.startswith("cv_")})
        mlflow.set_tag("best_run_id", best["run_id"])
    return RunResult(parent.info.run_id, uri,
                     {k: float(v) for k, v in best.items() if k.startswith("cv_")},
                     reason=json.dumps({k: best[k] for k in cfg.params.to_dict()}, default=str))
