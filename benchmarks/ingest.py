"""Ingestion speed and memory: articles/second and peak RSS on a generated JSONL file.

    .venv/bin/python benchmarks/ingest.py [--n 200000] [--clusters]

The file is generated in a temporary folder at run time (synthetic sentences, ~1.5 KB each, a
few with HTML and boilerplate lines) and removed afterwards. Peak RSS is measured for the whole
process; the reader streams, so it should not grow with the file size.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from tension.read._io import read_articles

WORDS = ("ministry talks border envoy summit troops exercise sanctions trade deal statement "
         "delegation minister navy patrol agreement ceasefire officials capital coast reef "
         "election parliament visit aid loan tariff protest embassy drills warning").split()


def _article(rng: random.Random, i: int) -> dict[str, str]:
    sents = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
             for _ in range(rng.randint(8, 14))]
    if i % 10 == 0:
        sents.insert(2, "To keep reading, please log in.")
    text = "\n".join(sents)
    if i % 7 == 0:
        text = "<p>" + text.replace("\n", "</p>\n<p>") + " &amp; more</p>"
    return {"id": f"a{i}", "text": text, "title": f"Story {i}",
            "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"}


def _rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--clusters", action="store_true", help="also assign wire-copy clusters")
    args = ap.parse_args()
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for i in range(args.n):
                fh.write(json.dumps(_article(rng, i)) + "\n")
        size_mb = path.stat().st_size / 1e6
        rss_before = _rss_mb()
        t0 = time.perf_counter()
        n = chars = 0
        for art in read_articles(path, clusters=args.clusters):
            n += 1
            chars += len(art.text)
        dt = time.perf_counter() - t0
    print(f"file: {args.n} articles, {size_mb:.0f} MB JSONL"
          f"{' (with wire clusters)' if args.clusters else ''}")
    print(f"read: {n} articles in {dt:.1f} s = {n / dt:,.0f} articles/s ({size_mb / dt:.1f} MB/s)")
    print(f"peak RSS: {_rss_mb():.0f} MB (after generating the file: {rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
