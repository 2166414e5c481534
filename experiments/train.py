"""Train the escalation model, tracked in mlflow; optionally write it to models/.

    python experiments/train.py --config experiments/configs/shipped.json
    python experiments/train.py --config experiments/configs/seeds.json --heldout my_test.jsonl

Logs to --tracking-uri, else $MLFLOW_TRACKING_URI, else ./mlflow.db (open with `mlflow ui`).
All logic is in tension.lifecycle._tracking.train_run; this only wires the config and the flags.

    python experiments/train.py --config experiments/configs/news_cv.json --cv-only

``--cv-only`` runs the grouped cross-validation alone (no final fit, no model logged; about a
minute on the shared news set), logs its metrics and baseline table to mlflow (run tag
``cv_only``) and prints them, with the figures of the last ``--tail`` records of the first
training file (default ``third_round:207``, the shared set's third labelling round) on their
own, out of fold. The signal re-scorer (fitted on the shared news, so in-sample there) is
refitted inside each fold unless ``--no-refit-rescorer``. ``--param KEY=VALUE`` overrides a
model parameter (JSON value) for ablations.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tension.lifecycle._config import ExperimentConfig


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True, help="experiment config (JSON or YAML)")
    ap.add_argument("--train", action="append", help="labelled JSONL file (replaces the config's)")
    ap.add_argument("--heldout", help="labelled JSONL file for held-out metrics")
    ap.add_argument("--output-dir", help="write joblib, card, MODEL_CARD.md and mlflow/ here")
    ap.add_argument("--tracking-uri", help="mlflow tracking URI (default ./mlflow.db)")
    ap.add_argument("--run-name", help="mlflow run name")
    ap.add_argument("--version", help="model version written in the card")
    ap.add_argument("--no-register", action="store_true", help="do not register the model")
    ap.add_argument("--cv-only", action="store_true",
                    help="grouped cross-validation only: no final fit, no model logged")
    ap.add_argument("--tail", default="third_round:207", metavar="NAME:N",
                    help="with --cv-only, also report the last N records of the first training "
                    "file on their own as NAME_* (default third_round:207; '' = none)")
    ap.add_argument("--no-refit-rescorer", action="store_true",
                    help="with --cv-only, keep the shipped signal re-scorer's confidences (it "
                    "was fitted on the shared news: in-sample there) instead of refitting it "
                    "inside each fold")
    ap.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                    help="override a model parameter (JSON value): relevance_keep_linked=false")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from tension.lifecycle._config import load_config
    from tension.lifecycle._tracking import train_run

    cfg = load_config(args.config).with_overrides(
        train=tuple(args.train) if args.train else None,
        heldout=args.heldout,
        output_dir=args.output_dir,
        run_name=args.run_name,
        version=args.version,
        register=False if args.no_register else None,
    )
    from tension._types import TensionError

    if args.param:
        cfg = cfg.with_params(args.param)
    if args.cv_only:
        return cv_only(cfg, args.tracking_uri, args.tail, refit=not args.no_refit_rescorer)
    try:
        res = train_run(cfg, tracking_uri=args.tracking_uri)
    except TensionError as exc:
        print(f"train: error: {exc}", file=sys.stderr)
        return 1
    print(f"run {res.run_id} logged to {res.tracking_uri}")
    for k, v in sorted(res.metrics.items()):
        print(f"  {k:24s} {v:.4f}")
    if res.model_version:
        verdict = "now champion" if res.promoted else "champion unchanged"
        print(f"registered {res.model_version} ({verdict}): {res.reason}")
    if res.output_dir:
        print(f"wrote {res.output_dir}")
    return 0


def _tail_ids(path: str, n: int) -> set[str]:
    import json

    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip()]
    return {str(json.loads(ln)["id"]) for ln in lines[-n:]}


def cv_only(cfg: ExperimentConfig, tracking_uri: str | None, tail: str, refit: bool = True) -> int:
    """Grouped CV of ``cfg`` alone, logged to mlflow and printed."""
    import os
    import tempfile
    import time

    import mlflow

    from tension.model._evaluate import cross_validate
    from tension.model._model import read_labelled

    t0 = time.time()
    items = [it for path in cfg.train for it in read_labelled(path)]
    subsets = {}
    if tail:
        name, _, n = tail.partition(":")
        subsets[name] = _tail_ids(cfg.train[0], int(n))
    res = cross_validate(items, cfg.params, n_splits=cfg.cv_splits,
                         subsets=subsets, refit_rescorer=refit)
    uri = tracking_uri or os.environ.get("MLFLOW_TRACKING_URI") or "sqlite:///mlflow.db"
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(cfg.experiment)
    with mlflow.start_run(run_name=cfg.run_name) as run, \
            tempfile.TemporaryDirectory() as tmp:
        mlflow.set_tags({"kind": "cv_only"})
        mlflow.log_params({f"model_{k}": v for k, v in cfg.params.to_dict().items()})
        mlflow.log_params({"cv_splits": cfg.cv_splits,
                           "train": ",".join(cfg.train), "tail": tail,
                           "refit_rescorer": refit})
        clean = {f"cv_{k}": float(v) for k, v in res.metrics.items() if v == v}
        mlflow.log_metrics(clean)
        path = os.path.join(tmp, "cv_baselines.csv")
        res.baselines.to_csv(path, index=False)
        mlflow.log_artifact(path)
        path = os.path.join(tmp, "cv_predictions.csv")
        res.predictions.to_csv(path, index=False)
        mlflow.log_artifact(path)
    print(f"run {run.info.run_id} logged to {uri} ({time.time() - t0:.0f}s)")
    for k, v in sorted(res.metrics.items()):
        print(f"  {k:32s} {v:.4f}")
    print(res.baselines.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
