"""Evaluate actor resolution and dyad ranking.

Prints (1) mention precision/recall on the project's labelled table (tests/test_actors.py
CASES), and (2) the dyad-identification rate on ../shared/data/news/train.jsonl: the share of
articles with a labelled dyad whose rank-1 candidate pair equals it. Logs to mlflow with
``--mlflow``.

    .venv/bin/python experiments/evaluate_actors.py [--news PATH] [--errors N] [--mlflow]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections import Counter
from pathlib import Path

from tension._types import Article
from tension.extract._actors import find_actors_text
from tension.model._dyads import candidate_dyads, dyad_key

ROOT = Path(__file__).resolve().parents[1]


def _load_cases() -> list[tuple[str, list[tuple[str, str]]]]:
    spec = importlib.util.spec_from_file_location("test_actors", ROOT / "tests" / "test_actors.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return list(mod.CASES)


def table_scores() -> dict[str, float]:
    tp = fp = fn = 0
    for sentence, expected in _load_cases():
        got = Counter((m.text, m.code) for m in find_actors_text(sentence))
        want = Counter((t, c) for t, c in expected)
        hit = sum((got & want).values())
        tp += hit
        fp += sum(got.values()) - hit
        fn += sum(want.values()) - hit
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"mentions": tp + fn, "precision": p, "recall": r, "tp": tp, "fp": fp, "fn": fn}


def dyad_rate(path: Path, show_errors: int = 0) -> dict[str, float]:
    n = hit = top3 = 0
    errors: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if not rec.get("dyad"):
                continue
            gold = dyad_key(*rec["dyad"])
            art = Article(id=rec["id"], text=rec.get("text") or "", title=rec.get("title"))
            mentions = find_actors_text(art.text, art.id)
            dyads = candidate_dyads(art, mentions)
            n += 1
            if dyads and dyads[0].dyad == gold:
                hit += 1
            elif len(errors) < show_errors:
                got = [f"{d.dyad}:{d.salience:.2f}" for d in dyads[:3]]
                errors.append(f"{rec['id']}\tgold={gold}\tgot={got}")
            if any(d.dyad == gold for d in dyads[:3]):
                top3 += 1
    for e in errors:
        print("  miss", e)
    return {"articles": n, "rank1_rate": hit / n if n else 0.0, "top3_rate": top3 / n if n else 0.0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--news", default=str(ROOT.parent / "shared" / "data" / "news" / "train.jsonl"))
    ap.add_argument("--errors", type=int, default=0, help="print this many dyad misses")
    ap.add_argument("--mlflow", action="store_true", help="log the figures to mlflow")
    args = ap.parse_args()
    t = table_scores()
    print(
        f"mention table: {t['mentions']} labelled mentions  precision={t['precision']:.3f}  "
        f"recall={t['recall']:.3f}  (fp={t['fp']}, fn={t['fn']})"
    )
    metrics = {"table_precision": t["precision"], "table_recall": t["recall"]}
    news = Path(args.news)
    if news.exists():
        d = dyad_rate(news, args.errors)
        print(
            f"dyad identification on {news.name}: {d['articles']} articles with a dyad  "
            f"rank1={d['rank1_rate']:.3f}  top3={d['top3_rate']:.3f}"
        )
        metrics |= {"dyad_rank1": d["rank1_rate"], "dyad_top3": d["top3_rate"]}
    else:
        print(f"no news file at {news}; skipped dyad identification", file=sys.stderr)
    if args.mlflow:
        import mlflow

        mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
        mlflow.set_experiment("actors")
        with mlflow.start_run(run_name="evaluate_actors"):
            mlflow.log_metrics(metrics)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
