"""Mention-finding speed: synthetic 600-word articles from the project's own vocabulary.

    .venv/bin/python benchmarks/actors.py [--articles 5000] [--words 600]

Prints articles per second on one core (target: >= 5,000).
"""

from __future__ import annotations

import argparse
import random
import time

from tension._actors import find_actors, gazetteer
from tension._types import Article

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
    args = ap.parse_args()
    arts = make_articles(args.articles, args.words)
    find_actors(arts[0])  # load tables and build the automaton outside the timing
    t0 = time.perf_counter()
    n_mentions = sum(len(find_actors(a)) for a in arts)
    dt = time.perf_counter() - t0
    print(
        f"{len(arts)} articles x {args.words} words: {dt:.2f}s, "
        f"{len(arts) / dt:,.0f} articles/s, {n_mentions / len(arts):.1f} mentions/article"
    )


if __name__ == "__main__":
    main()
