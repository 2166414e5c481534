"""``tension ingest``: read, validate and clean articles; write them with their offset maps."""

from __future__ import annotations

import argparse
import sys

from tension.cli._common import add_input_options, add_output_option, articles_from_args

COLUMNS = (
    "id", "title", "date", "source", "url", "language", "cluster", "origin", "text",
    "raw_text", "anchors",
)
CHUNK = 1000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest", help="read and clean articles; write them (JSONL, CSV or Parquet)",
        description="Read articles from files, directories or stdin, validate and clean them, "
        "and write one row per article with the clean text, the original text and the offset "
        "map (anchors) between them.",
    )
    add_input_options(p)
    add_output_option(p)
    p.set_defaults(func=run)


def _row(a: object) -> dict[str, object]:
    return {c: getattr(a, c) for c in COLUMNS}


def run(args: argparse.Namespace) -> int:
    from tension.read._write import open_writer

    rejects: list[dict[str, object]] = []
    arts = articles_from_args(args, rejects=rejects)
    n = 0
    clusters: set[object] = set()
    with open_writer(args.output, columns=COLUMNS) as w:
        chunk: list[dict[str, object]] = []
        for a in arts:
            chunk.append(_row(a))
            clusters.add(a.cluster)
            n += 1
            if len(chunk) >= CHUNK:
                w.write(chunk)
                chunk = []
        w.write(chunk)
    n_rej = len(rejects)
    if args.rejects_path:
        with open(args.rejects_path, encoding="utf-8") as fh:
            n_rej = sum(1 for _ in fh)
    where = args.output if args.output != "-" else "stdout"
    msg = f"ingested {n} articles -> {where}"
    if args.clusters:
        msg += f"; {len(clusters)} distinct stories"
    if n_rej:
        msg += f"; {n_rej} rejected"
        msg += f" (see {args.rejects_path})" if args.rejects_path else ""
    elif args.on_error == "skip":
        msg += "; 0 rejected"
    print(msg, file=sys.stderr)
    for r in rejects[:20]:
        print(f"  rejected {r['source']}:{r['line']} field={r['field']}: {r['reason']}",
              file=sys.stderr)
    return 0
