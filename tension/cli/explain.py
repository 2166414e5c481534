"""``tension explain``: everything behind one article's scores, for a surprising result."""

from __future__ import annotations

import argparse
import sys
from typing import Any

_BOLD_RED = "\033[1;31m"
_DIM = "\033[2m"
_RESET = "\033[0m"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "explain",
        help="show the dyads, probabilities, events and top features behind one article",
        description='Explain one article: `tension explain "TEXT"`, `tension explain FILE.txt`, '
        "or `tension explain --id ID INPUT...` for one record of article files.",
    )
    p.add_argument("text", nargs="+", metavar="TEXT_OR_INPUT",
                   help="article text or a file; with --id, the files or folders to search")
    p.add_argument("--id", default=None, help="id of the article to explain in INPUT")
    p.add_argument("--id-col", default="id", help="column holding the article id (default: id)")
    p.add_argument("--text-col", default="text", help="column holding the text (default: text)")
    p.add_argument("--model", default=None, metavar="PATH_OR_URI",
                   help="model folder, .joblib file or mlflow URI (default: the shipped model)")
    p.add_argument("--top", type=int, default=10, help="feature contributions shown (default: 10)")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="highlight triggers with ANSI colour (auto: when stdout is a terminal)")
    p.set_defaults(func=run)


def _find(args: argparse.Namespace) -> Any:
    from tension._types import TensionError
    from tension.read._io import as_articles, read_articles

    if args.id is None:
        arts = list(as_articles(" ".join(args.text) if len(args.text) > 1 else args.text[0]))
        if len(arts) != 1:
            raise TensionError(f"{args.text[0]} holds {len(arts)} articles; pick one with --id")
        return arts[0]
    for art in read_articles(args.text, id_col=args.id_col, text_col=args.text_col,
                             duplicates="keep-first"):
        if art.id == args.id:
            return art
    raise TensionError(f"no article with id {args.id!r} in {', '.join(args.text)}")


def _num(x: Any, fmt: str) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return "-"
    return "-" if f != f else format(f, fmt)


def run(args: argparse.Namespace) -> int:
    from tension._api import load_model
    from tension.model._explain import explain

    color = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    art = _find(args)
    ex = explain(art, load_model(args.model), top=args.top)
    p = print
    head = f"article {art.id}" + (f"  {art.date}" if art.date else "")
    p(head + (f"  {art.title!r}" if art.title else ""))
    if not ex.dyad:
        p(f"no interstate dyad scored (reason: {ex.reason or 'no_dyad'})"
          + (f"; rank-1 candidate {ex.candidate}" if ex.candidate else ""))
    else:
        p("\ndyad       rank  score  level    p0    p1    p2    p3    p4")
        for r in ex.scores.to_dict("records"):
            ps = "  ".join(_num(r[f"p{i}"], ".2f") for i in range(5))
            p(f"{r['dyad']:<10} {r['rank']!s:>4}  {_num(r['escalation_score'], '5.1f')}  "
              f"{r['level']!s:>5}  {ps}")

    def show(i: int, v: Any, why: list[str] | None = None) -> None:
        e = v.event
        before, trig, after = v.parts
        if trig:
            trig = f"{_BOLD_RED}{trig}{_RESET}" if color else f"[[{trig}]]"
        flags = " background" if e.background else ""
        quad = (f"  [sentence: {v.sentence_quad[0]} {v.sentence_quad[1]:.2f}]"
                if v.sentence_quad else "")
        p(f"{i:>3}. {e.signal} {e.source or '?'}->{e.target or '?'}  {e.modality}"
          f"  conf {e.confidence:.2f}{flags}{quad}")
        if why:
            p(f"     why dropped: {'; '.join(why)}")
        p(f"     {' '.join((before + trig + after).split())}")

    pair = ex.dyad or ex.candidate
    if pair:
        p(f"\nevents counted for {pair} ({len(ex.kept)}; current, asserted or claimed, "
          f"conf >= {ex.threshold:.2f}, source and target the pair's states):")
        for i, v in enumerate(ex.kept, 1):
            show(i, v)
        p(f"\ndropped candidates ({len(ex.dropped)}):")
        for i, (v, why) in enumerate(ex.dropped, 1):
            show(i, v, why)
    else:
        p(f"\nevents ({len(ex.events)}):")
        for i, v in enumerate(ex.events, 1):
            show(i, v)
    if ex.contributions:
        p(f"\ntop features for {ex.dyad} at level {ex.level} "
          "(value x coefficient, share of that level's logit):")
        for c in ex.contributions:
            p(f"  {c.contribution:+7.3f}  {c.feature}  (value {c.value:.3g}, coef "
              f"{c.coefficient:+.3f})")
    return 0
