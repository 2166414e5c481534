"""Evaluate a saved or registered escalation model on a labelled file, tracked in mlflow.

    python experiments/evaluate.py --heldout my_test.jsonl                 # the shipped model
    python experiments/evaluate.py --model models:/tension-escalation@champion --heldout F

Logs held-out metrics, the confusion matrix and reliability diagram, the per-signal table and
the evaluation table with baselines. All logic is in tension.lifecycle._tracking.evaluate_run.
"""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="model folder, .joblib or mlflow URI (default: shipped)")
    ap.add_argument("--heldout", required=True, help="labelled JSONL file")
    ap.add_argument("--config", help="experiment config: its experiment name is used")
    ap.add_argument("--tracking-uri", help="mlflow tracking URI (default ./mlflow.db)")
    ap.add_argument("--run-name", help="mlflow run name")
    ap.add_argument("--trust", action="append", default=[], help="extra trusted model source")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from tension.lifecycle._config import DEFAULT_EXPERIMENT, load_config
    from tension.lifecycle._tracking import evaluate_run

    experiment = load_config(args.config).experiment if args.config else DEFAULT_EXPERIMENT
    res = evaluate_run(args.model, args.heldout, experiment=experiment, run_name=args.run_name,
                       tracking_uri=args.tracking_uri, trusted=args.trust)
    print(f"run {res.run_id} logged to {res.tracking_uri}")
    for k, v in sorted(res.metrics.items()):
        print(f"  {k:24s} {v:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
