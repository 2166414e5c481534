"""Adversarial cost: time per character of each layer from 1 KB to 10 MB articles.

    .venv/bin/python benchmarks/adversarial.py [--max-mb 10] [--shapes words,html,...]
        [--stages clean,actors,signals,score]

Each input shape is built to stress one kind of super-linear behaviour (a backtracking regex,
a quadratic loop over sentences or mentions). For every shape and stage it prints microseconds
per character at each size and the ratio of the largest to the smallest size: a flat cost has a
ratio near 1; a quadratic one grows about 10x per row. The full score path runs on the shipped
model (skipped when there is none).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable

from tension._types import Article
from tension.extract._actors import find_actors
from tension.extract._signals import extract_signals
from tension.read._clean import clean_text

WORDS = (
    "the minister said troops fired shells across border near village after talks with "
    "officials on sunday while Iran Pakistan India China army navy drone strike sanctions "
    "envoy protest warned threatened killed wounded ceasefire"
).split()


def _words(n: int, rng: random.Random) -> str:
    """One unpunctuated sentence: nothing for a sentence splitter to cut at."""
    out: list[str] = []
    size = 0
    while size < n:
        w = rng.choice(WORDS)
        out.append(w)
        size += len(w) + 1
    return " ".join(out)[:n]


def _repeat(unit: str) -> Callable[[int, random.Random], str]:
    def make(n: int, rng: random.Random) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    return make


SHAPES: dict[str, Callable[[int, random.Random], str]] = {
    "words": _words,  # no punctuation, no newline: one huge sentence
    "nospace": _repeat("a"),  # one huge token
    "html": _repeat("<div class=x <b>&amp &#x "),  # unclosed tags and entities
    "lt": _repeat("<"),  # a tag start that never ends
    "spaces": _repeat(" \n \t\r\n"),  # whitespace runs of every kind
    "abbrev": _repeat("Mr. Dr. U.S. Gen. "),  # dots that are not sentence ends
    "names": _repeat("Iran Pakistan India China Russia Ukraine Israel Egypt "),  # dense actors
    "sentences": _repeat("Iran fired missiles at Pakistan. "),  # many short events
    "datelines": _repeat("CAIRO - Iran and Egypt met.\n"),  # a dateline on every line
    "anchors": _repeat("Iran\x00 Pakistan\x07 attacked\x1b India. "),  # a cleaning cut per word
    "rtl": _repeat("\u202eإيران هاجمت باكستان \u200f"),  # right-to-left text and controls
    "controls": _repeat("a\x00b\x0bc\x1bd\u2028e\ufeff"),
}


def _stages(model: object | None) -> dict[str, Callable[[Article], object]]:
    stages: dict[str, Callable[[Article], object]] = {
        "clean": lambda a: clean_text(a.raw_text),
        "actors": find_actors,
        "signals": lambda a: extract_signals(a, find_actors(a)),
    }
    if model is not None:
        from tension.model._score import score_articles

        stages["score"] = lambda a: score_articles([a], model)  # type: ignore[arg-type]
    return stages


def _article(raw: str) -> Article:
    text, anchors = clean_text(raw)
    return Article(id="bench", text=text or "x", raw_text=raw, anchors=anchors)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-mb", type=float, default=10.0)
    ap.add_argument("--shapes", default=",".join(SHAPES))
    ap.add_argument("--stages", default="clean,actors,signals,score")
    ap.add_argument("--model", default=None, help="model folder for the score stage "
                    "(default: the shipped model)")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="stop growing a shape/stage once one size takes longer than this (s)")
    args = ap.parse_args()
    model = None
    wanted = args.stages.split(",")
    if "score" in wanted:
        try:
            from tension.model._model import load_model

            model = load_model(args.model)
        except Exception as exc:  # noqa: BLE001 - benchmark: report and go on
            print(f"(score stage skipped: {exc})", file=sys.stderr)
    stages = {k: v for k, v in _stages(model).items() if k in wanted}
    sizes = [1_000]
    while sizes[-1] * 10 <= args.max_mb * 1_000_000:
        sizes.append(sizes[-1] * 10)
    head = f"{'shape':<10} {'stage':<8} " + " ".join(f"{s:>10,}" for s in sizes) + "   ratio"
    print("microseconds per character (input size in characters)")
    print(head)
    print("-" * len(head))
    worst = 0.0
    for shape in args.shapes.split(","):
        rng = random.Random(0)
        raws = {n: SHAPES[shape](n, rng) for n in sizes}
        for stage, fn in stages.items():
            cells: list[str] = []
            per: list[float] = []
            for n in sizes:
                art = _article(raws[n])
                reps = max(1, 20_000 // n)
                t0 = time.perf_counter()
                for _ in range(reps):
                    fn(art)
                dt = (time.perf_counter() - t0) / reps
                per.append(dt / n * 1e6)
                cells.append(f"{per[-1]:>10.3f}")
                if dt > args.budget:
                    break
            cells += [f"{'-':>10}"] * (len(sizes) - len(cells))
            # ratio: cost per character at the largest size measured over the 10 KB one
            # (below 10 KB fixed per-call costs dominate)
            base = per[1] if len(per) > 2 else per[0]
            ratio = per[-1] / base
            worst = max(worst, ratio)
            print(f"{shape:<10} {stage:<8} " + " ".join(cells) + f"   {ratio:5.2f}", flush=True)
    print(f"\nworst ratio (largest size vs 10 KB): {worst:.2f}  (flat = about 1; quadratic = "
          f"about {sizes[-1] // 10_000}x)")


if __name__ == "__main__":
    main()
