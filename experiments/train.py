"""Train the escalation model, tracked in mlflow; optionally write it to models/.

    python experiments/train.py --config experiments/configs/shipped.json
    python experiments/train.py --config experiments/configs/seeds.json --heldout my_test.jsonl

Logs to --tracking-uri, else $MLFLOW_TRACKING_URI, else ./mlflow.db (open with `mlflow ui`).
All logic is in tension.lifecycle._tracking.train_run; this only wires the config and the flags.
"""

from __future__ import annotations

import argparse
import logging
import sys


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


if __name__ == "__main__":
    sys.exit(main())
