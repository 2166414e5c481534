"""``tension report``: one self-contained HTML page of the hottest dyads and their evidence."""

from __future__ import annotations

import argparse

from tension.cli.index import add_period_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write a self-contained HTML report of the hottest dyads",
        description="Build the tension index from a scores file and write one HTML file (no "
        "network, no scripts): hottest dyads with sparklines, biggest movers, alerts and the "
        "evidence sentences with their triggers highlighted.",
    )
    p.add_argument("scores", help="scores file written by `tension score`")
    p.add_argument("-o", "--output", required=True, help="HTML file to write")
    add_period_args(p)
    p.add_argument("--top", type=int, default=15, help="dyads in the hottest table (default: 15)")
    p.add_argument("--title", default=None, help="page title")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from tension.batch._report import build_report

    out = build_report(
        args.scores,
        args.output,
        freq=args.freq,
        half_life=args.half_life,
        top=args.top,
        title=args.title,
    )
    print(f"report: {out}", file=sys.stderr)
    return 0
