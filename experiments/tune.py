"""Hyperparameter search (grid or random) with one nested mlflow run per candidate.

    python experiments/tune.py --config experiments/configs/tune.json

The config's `tune` section names the search and the space (ModelParams fields -> lists).
The parent run logs the best candidate by grouped-CV kappa (ties: lower ECE); train it with
train.py and a config holding those params. All logic is in tension.lifecycle._tracking.tune_run.
"""

from __future__ import annotations

import argparse
import logging
import sys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", required=True, help="experiment config with a 'tune' section")
    ap.add_argument("--train", action="append", help="labelled JSONL file (replaces the config's)")
    ap.add_argument("--tracking-uri", help="mlflow tracking URI (default ./mlflow.db)")
    ap.add_argument("--run-name", help="mlflow parent run name")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    from tension.lifecycle._config import load_config
    from tension.lifecycle._tracking import tune_run

    cfg = load_config(args.config).with_overrides(
        train=tuple(args.train) if args.train else None, run_name=args.run_name
    )
    res = tune_run(cfg, tracking_uri=args.tracking_uri)
    print(f"parent run {res.run_id} logged to {res.tracking_uri}")
    print(f"best parameters: {res.reason}")
    for k, v in sorted(res.metrics.items()):
        print(f"  {k:24s} {v:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
