"""``tension index``: article scores -> a smoothed tension index per dyad and period."""

from __future__ import annotations

import argparse


def add_period_args(p: argparse.ArgumentParser) -> None:
    """--freq and --half-life, shared with ``tension report``."""
    p.add_argument("--freq", choices=("D", "W", "M"), default="D", help="period (default: D)")
    p.add_argument(
        "--half-life", type=float, default=7.0, help="smoothing half-life in periods (default: 7)"
    )


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "index",
        help="aggregate article scores into a tension index per dyad and period",
        description="Aggregate a scores file (.jsonl, .csv or .parquet, streamed) into one "
        "time series per dyad: stories, mean and max score, a smoothed index with an "
        "uncertainty band, and alerts. See docs/batch.md, 'The tension index'.",
    )
    p.add_argument("scores", help="scores file written by `tension score`")
    p.add_argument("-o", "--output", required=True, help="index file (.jsonl, .csv or .parquet)")
    add_period_args(p)
    p.add_argument(
        "--min-articles",
        type=int,
        default=1,
        help="stories a period needs to move the index or alert (default: 1)",
    )
    p.add_argument(
        "--alert-z",
        type=float,
        default=3.0,
        help="robust z-score that raises an alert (default: 3)",
    )
    p.add_argument(
        "--dyad", action="append", default=[], help="keep only this dyad, e.g. IRN-PAK (repeatable)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    from tension._types import TensionError
    from tension.batch._index import INDEX_COLUMNS, tension_index
    from tension.read._write import open_writer

    out = tension_index(
        args.scores,
        freq=args.freq,
        half_life=args.half_life,
        min_articles=args.min_articles,
        alert_z=args.alert_z,
    )
    if args.dyad:
        wanted = [d.strip().upper() for d in args.dyad]
        missing = [d for d in wanted if d not in set(out["dyad"])]
        if missing:
            have = sorted(set(out["dyad"]))
            raise TensionError(
                f"dyad(s) {', '.join(missing)} not in {args.scores}; it has {len(have)}: "
                + ", ".join(have[:20])
                + (" ..." if len(have) > 20 else "")
            )
        out = out[out["dyad"].isin(wanted)]
    with open_writer(args.output, columns=INDEX_COLUMNS) as w:
        w.write(out)
    n_alerts = int(out["alert"].sum()) if len(out) else 0
    print(
        f"index: {out['dyad'].nunique()} dyads, {len(out)} periods, {n_alerts} alerts "
        f"-> {args.output}",
        file=sys.stderr,
    )
    return 0
