"""Speed of the learned sentence quad class (``tension.quad_class``), on one core.

    .venv/bin/python benchmarks/quad.py [--n 300] [--words 600] [--repeat 3] [--model PATH]

Splits the synthetic articles of ``benchmarks/signals.py`` (our own sentences) into sentences
and classifies them all at once (``tension.extract._quad.quad_classes``), then one call per sentence
through ``tension.quad_class`` (which also ranks the evidence n-grams). Prints sentences/s and
the equivalent 600-word articles/s, best and median CPU time of --repeat passes. ``--model``
times another artifact of ``experiments/train_quad_classifier.py`` (batch only), for example one
trained with ``--blocks word``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from signals import build  # noqa: E402

from tension import quad_class  # noqa: E402
from tension.extract._quad import prepare, quad_classes  # noqa: E402
from tension.read._text import split_sentences  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--model", type=Path, default=None,
                    help="a quad_sentence.joblib to time instead of the shipped one")
    args = ap.parse_args()
    model = None
    if args.model is not None:
        import joblib

        model = prepare(joblib.load(args.model))
        if model is None:
            sys.exit(f"{args.model} is not a quad model of this version")
    arts = build(args.n, args.words)
    sents = [a.text[s:e] for a in arts for s, e in split_sentences(a.text)]
    quad_classes(sents[:1], model)  # load the model
    batch, single = [], []
    for _ in range(max(1, args.repeat)):
        c0 = time.process_time()
        quad_classes(sents, model)
        batch.append(time.process_time() - c0)
        if model is None:
            c0 = time.process_time()
            for s in sents[: len(sents) // 10]:
                quad_class(s)
            single.append((time.process_time() - c0) * 10)
    per_art = len(sents) / len(arts)
    print(f"{len(arts)} synthetic articles x ~{args.words} words = {len(sents)} sentences "
          f"({per_art:.1f} an article), {len(batch)} passes")
    for name, ts in (("batch (quad_classes)", batch), ("one call a sentence (quad_class)",
                                                        single)):
        if not ts:
            continue
        best, med = len(sents) / min(ts), len(sents) / statistics.median(ts)
        print(f"{name}: best {best:,.0f}, median {med:,.0f} sentences/s CPU = best "
              f"{best / per_art:,.0f} articles/s")


if __name__ == "__main__":
    main()
