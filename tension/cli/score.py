"""``tension score``: articles -> one row per (article, dyad) with the scoring contract."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tension.cli._common import add_input_options, add_output_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score articles: escalation score, level and evidence per article and dyad",
        description="Stream articles from files or folders, score every candidate dyad with the "
        "model and write the scoring contract's rows (docs/batch.md). Rows are "
        "kept in OUTPUT.partial.jsonl with OUTPUT.progress.json until the run finishes; the "
        "final name appears only when every article is scored. --resume continues a run that "
        "was interrupted.",
    )
    add_input_options(p)
    add_output_option(p)
    g = p.add_argument_group("scoring")
    g.add_argument("-j", "--jobs", type=int, default=1,
                   help="worker processes, each loading the model once (default: 1)")
    g.add_argument("--chunk-size", type=int, default=500,
                   help="articles per chunk: read, scored, written and checkpointed together "
                   "(default: 500)")
    g.add_argument("--resume", action="store_true",
                   help="continue an interrupted run into the same OUTPUT (same inputs and "
                   "options; refused if they changed)")
    g.add_argument("--model", default=None, metavar="PATH_OR_URI",
                   help="model folder, .joblib file or mlflow URI (default: the shipped model)")
    g.add_argument("--engine", choices=("local", "spark"), default="local",
                   help="local processes (default) or a Spark job (pip install \"tension[spark]\")")
    p.set_defaults(func=run)


def _fingerprint_options(args: argparse.Namespace, model_version: str) -> dict[str, Any]:
    return {
        "id_col": args.id_col, "text_col": args.text_col, "date_col": args.date_col,
        "title_col": args.title_col, "on_error": args.on_error,
        "keep_duplicates": args.keep_duplicates, "clusters": args.clusters,
        "max_mb": args.max_mb, "model_version": model_version,
    }


def _count_total(inputs: list[str]) -> int | None:
    """Records in plain .jsonl inputs, for the ETA (None when any input is something else)."""
    from pathlib import Path

    total = 0
    for src in inputs:
        p = Path(src)
        if not p.is_file() or not p.name.lower().endswith((".jsonl", ".ndjson")):
            return None
        with open(p, "rb") as fh:
            if fh.read(2) == b"\x1f\x8b":
                return None
            fh.seek(0)
            total += sum(buf.count(b"\n") for buf in iter(lambda: fh.read(1 << 20), b""))
    return total


def _count_lines(path: str | None) -> int:
    if not path or not os.path.exists(path):
        return 0
    with open(path, "rb") as fh:
        return sum(1 for _ in fh)


def _run_spark(args: argparse.Namespace) -> int:
    from tension._types import TensionError
    from tension.batch.spark import require_pyspark, score_paths

    require_pyspark()  # one line naming the install, before the model loads
    if args.resume or args.jobs != 1:
        raise TensionError("--resume and --jobs are for --engine local; Spark retries tasks itself")
    from tension._api import load_model

    stats = score_paths(
        list(args.inputs), args.output, model=load_model(args.model), on_error=args.on_error,
        id_col=args.id_col, text_col=args.text_col, date_col=args.date_col,
        title_col=args.title_col,
    )
    print("score (spark): " + ", ".join(f"{k} {v}" for k, v in stats.items())
          + f" -> {args.output}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.engine == "spark":
        return _run_spark(args)

    from tqdm import tqdm

    from tension._api import load_model
    from tension.batch._batch import input_fingerprint, score_stream
    from tension.cli._common import articles_from_args

    model = load_model(args.model)  # once; workers load their own copy
    fingerprint = None
    if args.output != "-" and "-" not in args.inputs:
        fingerprint = input_fingerprint(
            list(args.inputs), _fingerprint_options(args, model.version)
        )
    rejects: list[dict[str, Any]] = []
    articles = articles_from_args(args, rejects=rejects)
    total = _count_total(list(args.inputs)) if sys.stderr.isatty() else None
    bar = tqdm(total=total, unit=" articles", disable=None, file=sys.stderr, smoothing=0.1,
               dynamic_ncols=True)
    try:
        result = score_stream(
            articles, args.output, model=model, model_location=args.model, jobs=args.jobs,
            chunk_size=args.chunk_size, resume=args.resume, fingerprint=fingerprint,
            with_cluster=args.clusters, on_chunk=bar.update,
        )
    except KeyboardInterrupt:
        bar.close()
        if args.output != "-":
            print(f"tension: interrupted; {args.output} is not written yet. Rerun the same "
                  "command with --resume to continue", file=sys.stderr)
        raise
    finally:
        bar.close()
    n_rejects = len(rejects) + _count_lines(getattr(args, "rejects_path", None))
    resumed = f" (resumed after {result.resumed_from})" if result.resumed_from else ""
    print(
        f"score: {result.articles:,} articles{resumed}, {result.dyad_rows:,} dyad rows, "
        f"{result.no_dyad:,} without a dyad, {n_rejects:,} rejects; "
        f"{result.rate:,.0f} articles/s in {result.seconds:.1f} s -> {args.output}",
        file=sys.stderr,
    )
    return 0
