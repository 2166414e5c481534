"""``tension plot``: draw the index of one or more dyads with band, alerts and top events."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plot",
        help="plot the tension index of one or more dyads",
        description="Draw an index file written by `tension index`: the index, its 95%% band, "
        "alert markers and the top events, one panel per dyad on a shared time axis.",
    )
    p.add_argument("index", help="index file (.jsonl, .csv or .parquet)")
    p.add_argument(
        "--dyad", action="append", required=True, help="dyad to draw, e.g. IRN-PAK (repeatable)"
    )
    p.add_argument("-o", "--output", required=True, help="image file (.png, .svg or .pdf)")
    p.add_argument("--title", default=None, help="figure title")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from tension.batch._plot import plot_index

    out = plot_index(args.index, args.dyad, args.output, title=args.title)
    print(f"plot: {', '.join(args.dyad)} -> {out}", file=sys.stderr)
    return 0
