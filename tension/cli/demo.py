"""``tension demo``: the first thing a new user runs (``make demo``)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="score the bundled seed articles and write outputs")
    p.add_argument("--seeds", default="seeds", help="folder of seed articles (default: seeds)")
    p.add_argument("-o", "--out", default="out/demo", help="output folder (default: out/demo)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tension._io import read_articles

    seeds = Path(args.seeds)
    n = 0
    for art in read_articles([seeds]):
        n += 1
        head = (art.title or art.text)[:60]
        print(f"{art.id}\t{art.date or '-'}\t{len(art.text)} chars\t{head!r}")
    print(f"read {n} articles from {seeds}")
    return 0
