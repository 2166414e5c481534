"""Speed of signal extraction (actors included), on one core.

    .venv/bin/python benchmarks/signals.py [--n 1000] [--words 600] [--corpus synthetic|news]

``synthetic`` articles are built from sentences of our own (the test table plus filler news
prose), about --words words each, every one different (sentences shuffled). ``news`` articles
are real: the labelled news set in ../shared (read at run time, nothing copied), each episode's
articles run together and cut into --words-word documents; real news names far more actors per
word (about 46 mentions per 600 words against 12) and is the harder case.

Prints articles/s end to end (Article -> find_actors -> rules -> learned re-scorer), as the
batch paths run it (inside ``tension._gc.bulk_gc``) and as one-article calls with Python's
default GC, and per-article CPU ms by layer. "rules" includes splitting sentences
(``split_sentences``, shown apart); in ``tension score`` the actor layer splits first and the
rules reuse its cached split.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_signals import TABLE  # noqa: E402

from tension._gc import bulk_gc  # noqa: E402
from tension._types import Article  # noqa: E402
from tension.extract._actors import find_actors  # noqa: E402
from tension.extract._signals import _extract, extract_signals  # noqa: E402
from tension.read._io import as_articles  # noqa: E402
from tension.read._text import _split  # noqa: E402

FILLER = [
    "The minister spoke to reporters in the capital on Wednesday afternoon.",
    "Officials gave no further details about the schedule for the coming weeks.",
    "Markets in the region were little changed as traders waited for more news.",
    "The statement was published on the ministry website late in the evening.",
    "Both governments have long said they want stable and predictable relations.",
    "Local newspapers carried the story on their front pages the next morning.",
    "The region has a population of about four million people, most of them farmers.",
    "Analysts at the institute have followed the issue closely for several years.",
    "The border area is mountainous and sparsely populated, with few paved roads.",
    "A spokesperson for the government declined to comment on the report.",
    "The president returned from a regional tour earlier in the week.",
    "Exports of grain and cotton make up a large share of the national income.",
]
# About one sentence in three carries a signal, as in the labelled news set.
SIGNAL_SHARE = 0.33


def build(n: int, words: int, seed: int = 0) -> list[Article]:
    rng = random.Random(seed)
    signal_pool = [s for s, _, _ in TABLE]
    arts = []
    for i in range(n):
        parts: list[str] = []
        count = 0
        while count < words:
            s = rng.choice(signal_pool if rng.random() < SIGNAL_SHARE else FILLER)
            parts.append(s)
            count += len(s.split())
        text = " ".join(parts)
        arts.append(Article(id=f"b{i}", text=text, raw_text=text, date="2024-06-01"))
    return arts


NEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "train.jsonl"


def build_news(n: int, words: int) -> list[Article]:
    """Up to ``n`` documents of ``words`` words from the shared news set (each episode's
    articles run together, cycled up to three times to fill the last document)."""
    if not NEWS.is_file():
        sys.exit(f"--corpus news needs {NEWS} (the shared data set), which is absent")
    episodes: dict[str, list[str]] = {}
    with NEWS.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            episodes.setdefault(str(rec.get("episode")), []).append(rec["text"])
    docs: list[dict[str, str]] = []
    for texts in episodes.values():
        pool: list[str] = []
        for text in texts * 3:
            pool += text.split(" ")
            if len(pool) >= words:
                docs.append({"id": f"n{len(docs)}", "text": " ".join(pool[:words])})
                pool = []
    return list(as_articles(docs[:n]))


def _pass(arts: list[Article]) -> dict[str, float]:
    """CPU seconds of one pass of each measurement over ``arts``."""
    out: dict[str, float] = {}
    c0 = time.process_time()
    for a in arts:
        extract_signals(a)
    out["plain"] = time.process_time() - c0
    w0, c0 = time.perf_counter(), time.process_time()
    with bulk_gc():
        out["events"] = sum(len(extract_signals(a)) for a in arts)
    out["full_wall"], out["full"] = time.perf_counter() - w0, time.process_time() - c0
    with bulk_gc():  # the layers below, timed as the batch paths run them
        c0 = time.process_time()
        mentions = [find_actors(a) for a in arts]
        out["actors"] = time.process_time() - c0
        c0 = time.process_time()
        for a, m in zip(arts, mentions, strict=True):
            _extract(a, m)
        out["rules"] = time.process_time() - c0
        c0 = time.process_time()
        for a in arts:
            _split(a.text)
        out["split"] = time.process_time() - c0
    out["rescorer"] = out["full"] - out["actors"] - out["rules"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--corpus", choices=("synthetic", "news"), default="synthetic")
    ap.add_argument("--repeat", type=int, default=3,
                    help="passes; the best and the median are printed (default 3)")
    args = ap.parse_args()
    arts = build(args.n, args.words) if args.corpus == "synthetic" else build_news(args.n,
                                                                                  args.words)
    n = len(arts)
    extract_signals(arts[0])  # warm caches (automata, taxonomy, re-scorer)
    # CPU time of this process, best of several passes: the development machine is a shared VM
    # whose speed drifts by 20% from one minute to the next
    passes = [_pass(arts) for _ in range(max(1, args.repeat))]

    def best(key: str) -> float:
        return min(p[key] for p in passes)

    def median(key: str) -> float:
        return statistics.median(p[key] for p in passes)

    print(f"{n} {args.corpus} articles x ~{args.words} words, {int(passes[0]['events'])} events, "
          f"{len(passes)} passes (load average {os.getloadavg()[0]:.1f})")
    print(f"end to end (actors + rules + re-scorer), batch GC setting: best {n / best('full'):,.0f}"
          f", median {n / median('full'):,.0f} articles/s CPU")
    print(f"end to end, one-article calls with the default GC: best {n / best('plain'):,.0f}, "
          f"median {n / median('plain'):,.0f} articles/s CPU")
    print(f"per article CPU ms (best pass of each): actors {1000 * best('actors') / n:.2f}, rules "
          f"{1000 * best('rules') / n:.2f} (of which sentence split "
          f"{1000 * best('split') / n:.2f}), re-scorer {1000 * best('rescorer') / n:.2f}")


if __name__ == "__main__":
    main()
