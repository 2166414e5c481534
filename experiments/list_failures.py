"""List the out-of-fold failures of grouped cross-validation, for reading by hand.

    python experiments/list_failures.py --config experiments/configs/news_cv.json \
        --out out/neg/failures.json

Per hard negative (episode ``neg-*``) that gets a pair with a score of 25 or more (and is not
turned away by the relevance gate): its rank-1 pair, score, P(bilateral), whether a confident
force event kept it past the gate, and the events of that pair with their sentence, time
(why background) and in-fold confidence. Per article whose rank-1 pair is not its gold pair:
gold vs predicted. Same folds and re-scorer refitting as ``train.py --cv-only``. Prints text
for reading; ``--out`` also writes everything as JSON. Writes no model.
"""

from __future__ import annotations

import argparse
import json
import sys


def _event_line(e: dict) -> str:
    mark = "  +" if not e["dropped"] else "  -"
    why = "" if not e["dropped"] else f" [{'; '.join(e['dropped'])}]"
    sent = " ".join(str(e["sentence"]).split())[:220]
    return (f"{mark} {e['signal']} {e['source']}->{e['target']} loc={e['location']} "
            f"{e['modality']} c={e['confidence']:.2f} w={e['weight']:.0f} "
            f"time={e['time'] or '-'}{why}\n      s{e['sentence_index']}: {sent}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--config", default="experiments/configs/news_cv.json")
    ap.add_argument("--out", help="write the per-article detail as JSON here")
    ap.add_argument("--all-events", action="store_true",
                    help="also list the events the contract drops (default: counted ones and "
                    "dropped force events only)")
    ap.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args(argv)

    from tension.lifecycle._config import load_config
    from tension.model._evaluate import cross_validate
    from tension.model._model import read_labelled

    cfg = load_config(args.config)
    if args.param:
        cfg = cfg.with_params(args.param)
    items = [it for path in cfg.train for it in read_labelled(path)]
    titles = {it.article.id: it.article.title or "" for it in items}
    dates = {it.article.id: it.article.date for it in items}
    res = cross_validate(items, cfg.params, n_splits=cfg.cv_splits, baselines=False,
                         refit_rescorer=True, detail=True)
    detail = res.extra["rank1"]
    for k in ("qwk", "ece", "dyad_rank1", "neg_ok", "relevance_kept_linked"):
        print(f"{k:24s} {res.metrics.get(k, float('nan')):.4f}")

    def show(aid: str, d: dict) -> None:
        print(f"\n== {aid} [{d['episode']}] {dates.get(aid)} | {titles.get(aid, '')[:100]}")
        print(f"   gold={d['gold'] or '-'} rank1={d['dyad'] or '-'} score={d['score']:.1f} "
              f"level={d['level']} p_bil={d['p_bilateral'] if d['p_bilateral'] is None else round(d['p_bilateral'], 3)} "  # noqa: E501
              f"gated={d['gated']} linked={d['linked']}")
        for e in d["events"]:
            if args.all_events or not e["dropped"] or (e["weight"] <= -5 and e["direction"]):
                print(_event_line(e))

    fails = {aid: d for aid, d in detail.items()
             if d["episode"].startswith("neg-") and not d["gated"] and d["dyad"]
             and not d["score"] < 25}
    print(f"\n#### hard negatives that fail: {len(fails)}")
    for aid, d in sorted(fails.items(), key=lambda kv: kv[1]["episode"]):
        show(aid, d)
    pair = {aid: d for aid, d in detail.items() if d["gold"] and d["dyad"] != d["gold"]}
    print(f"\n#### rank-1 pair errors: {len(pair)}")
    for aid, d in sorted(pair.items(), key=lambda kv: kv[1]["episode"]):
        show(aid, d)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump({"metrics": res.metrics, "detail": detail}, fh, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
