"""Mention-finding speed: synthetic 600-word articles from the project's own vocabulary.

    .venv/bin/python benchmarks/actors.py [--articles 5000] [--words 600] [--repeat 3]

Prints articles per second on one core (target: >= 5,000), by wall clock and by CPU time
(time.process_time: the machine may be shared, and CPU time is what one core spends). Every
article is a new text, so the small per-text caches never hit; the best of ``--repeat`` passes
is reported. Sentence splitting (tension.read._text) is included, as find_actors pays for it when it
is the first layer to split an article; its own share is printed too.
"""

from __future__ import annotations

import argparse
import random
import time

from tension._types import Article
from tension.extract._actors import find_actors, gazetteer
from tension.read._text import split_sentences

FILLER = (
    "the officials said on Tuesday that talks would continue after a week of tension along "
    "border where troops were deployed and ministers warned of consequences while analysts "
    "expected further statements from both governments about the incident and its aftermath"
).split()


def make_articles(n: int, words: int, seed: int = 0) -> list[Article]:
    rng = random.Random(seed)
    _, aliases = gazetteer()
    names = [a.text for a in aliases if a.kind != "block"]
    out = []
    for i in range(n):
        toks = []
        for j in range(words):
            # about one actor name every 50 words, sentences of about 20 words
            toks.append(rng.choice(names) if rng.random() < 0.02 else rng.choice(FILLER))
            if j % 20 == 19:
                toks[-1] += "."
        text = " ".join(toks)
        out.append(Article(id=str(i), text=text, raw_text=text))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=3, help="passes; the best one is reported")
    args = ap.parse_args()
    arts = make_articles(args.articles, args.words)
    find_actors(arts[0])  # load tables and build the automaton outside the timing
    wall = cpu = float("inf")
    n_mentions = 0
    for _ in range(max(1, args.repeat)):
        w0, c0 = time.perf_counter(), time.process_time()
        n_mentions = sum(len(find_actors(a)) for a in arts)
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
    split_cpu = float("inf")
    for _ in range(max(1, args.repeat)):
        c0 = time.process_time()
        for a in arts:
            split_sentences(a.text)
        split_cpu = min(split_cpu, time.process_time() - c0)
    n = len(arts)
    print(
        f"{n} articles x {args.words} words, {n_mentions / n:.1f} mentions/article, "
        f"best of {max(1, args.repeat)}:\n"
        f"  wall {wall:.2f}s  {n / wall:,.0f} articles/s  {wall / n * 1e3:.3f} ms/article\n"
        f"  CPU  {cpu:.2f}s  {n / cpu:,.0f} articles/s  {cpu / n * 1e3:.3f} ms/article\n"
        f"  of which sentence splitting (CPU) {split_cpu / n * 1e3:.3f} ms/article"
    )


if __name__ == "__main__":
    main()
