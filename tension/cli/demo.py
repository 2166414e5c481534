"""``tension demo``: the first thing a new user runs (``make demo``).

Scores the bundled seeds with the shipped model and writes every kind of output once, so a new
user sees the whole path (scores -> index -> plot -> report) in one command.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

SEED_DOC = "000_6facbdc12a09933c.txt"
CORPUS = "corpus.jsonl"
TIMELINE = "timeline_irn_pak.jsonl"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="score the bundled seed articles and write every output")
    p.add_argument("--seeds", default=None,
                   help="folder of seed articles (default: ./seeds, else the checkout's seeds/)")
    p.add_argument("-o", "--out", default="out/demo", help="output folder (default: out/demo)")
    p.set_defaults(func=run)


def _seeds_dir(arg: str | None) -> Path:
    from tension._types import TensionError

    candidates = [Path(arg)] if arg else [Path("seeds"),
                                          Path(__file__).resolve().parents[2] / "seeds"]
    for c in candidates:
        if (c / SEED_DOC).is_file():
            return c
    raise TensionError(
        f"no seed folder with {SEED_DOC} at {', '.join(map(str, candidates))}; "
        "run from the project folder or pass --seeds"
    )


def _signals(sig: Any, n: int = 3) -> str:
    if not isinstance(sig, dict) or not sig:
        return "-"
    top = sorted(sig.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return ", ".join(f"{k} x{v}" if v > 1 else k for k, v in top)


def run(args: argparse.Namespace) -> int:
    import pandas as pd

    from tension._api import load_model
    from tension.batch._index import INDEX_COLUMNS, tension_index
    from tension.batch._plot import plot_index
    from tension.batch._report import build_report
    from tension.model._score import score_articles
    from tension.read._io import read_articles
    from tension.read._write import open_writer

    seeds = _seeds_dir(args.seeds)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model = load_model()
    doc = score_articles(read_articles(seeds / SEED_DOC), model)
    corpus = score_articles(read_articles(seeds / CORPUS), model)
    timeline = score_articles(read_articles(seeds / TIMELINE), model)
    scores = pd.concat([doc, corpus, timeline], ignore_index=True)

    from tension._native import status

    # the install's compile is silent under pip -q: say here which build runs
    print(f"hot path: {status()}")
    print(f"model {model.version}; seed document {SEED_DOC}:")
    print(f"  {'article':<10} {'dyad':<9} {'level':>5} {'score':>6}  top signals")
    for r in doc.to_dict("records"):
        print(f"  {r['article_id'][:10]:<10} {r['dyad'] or '-':<9} {r['level']!s:>5} "
              f"{r['escalation_score']:6.1f}  {_signals(r['signals'])}")
    for name, frame in ((CORPUS, corpus), (TIMELINE, timeline)):
        scored = frame[frame["dyad"] != ""]
        rank1 = scored[scored["rank"] == 1]
        levels = rank1["level"].value_counts().sort_index()
        spread = " ".join(f"L{int(k)}:{int(v)}" for k, v in levels.items())
        hottest = scored.groupby("dyad")["escalation_score"].max().sort_values(ascending=False)
        hot = ", ".join(f"{d} {s:.0f}" for d, s in hottest.head(3).items())
        print(f"{name}: {frame['article_id'].nunique()} articles, {len(scored)} dyad rows; "
              f"main-dyad levels {spread}; hottest {hot}")

    paths = {"scores": out / "scores.jsonl", "csv": out / "scores.csv",
             "index": out / "index.csv", "plot": out / "irn-pak.png",
             "report": out / "report.html"}
    for key in ("scores", "csv"):
        with open_writer(paths[key], columns=list(scores.columns)) as w:
            w.write(scores)
    index = tension_index(timeline, freq="D")
    with open_writer(paths["index"], columns=INDEX_COLUMNS) as w:
        w.write(index)
    irn_pak = index[index["dyad"] == "IRN-PAK"]
    peak = irn_pak.loc[irn_pak["index"].idxmax()]
    print(f"IRN-PAK index over the timeline: {irn_pak['index'].iloc[0]:.0f} on "
          f"{irn_pak['period'].iloc[0]}, peak {peak['index']:.0f} on {peak['period']}, "
          f"{irn_pak['index'].iloc[-1]:.0f} on {irn_pak['period'].iloc[-1]}")
    plot_index(index, ["IRN-PAK"], paths["plot"],
               title="IRN-PAK tension index, seeds/timeline_irn_pak.jsonl")
    build_report(scores, paths["report"], freq="D", title="tension demo: seed articles")
    print(f"\nwrote to {out}/:")
    for p in paths.values():
        print(f"  {p}")
    print("next: tension explain --id <ARTICLE_ID> seeds/corpus.jsonl", file=sys.stderr)
    return 0
