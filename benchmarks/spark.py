"""Spark scoring speed: articles/s on local[1] and local[2], and the fixed start-up cost.

    .venv/bin/python benchmarks/spark.py [--n 2000] [--words 400]

Each master runs in a fresh process (a new JVM), so the start-up figure is what a job pays:
session start, the model broadcast and loaded in the Python worker(s), and a first batch of
one article. Throughput is then timed on a second job over ``--n`` generated articles
(written to Spark's ``noop`` sink, so all rows are computed and none are collected). The
Python worker's resident memory with the model loaded is read from /proc (VmRSS, VmHWM).
A single-process pandas run of the same articles (``tension.model._score.score_articles``) is the
local reference. The articles are generated from the vocabulary below (no shared text).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time

STATES = [
    ("Chile", "Santiago"), ("Peru", "Lima"), ("Norway", "Oslo"), ("Kenya", "Nairobi"),
    ("Vietnam", "Hanoi"), ("Poland", "Warsaw"), ("Ghana", "Accra"), ("Egypt", "Cairo"),
    ("India", "New Delhi"), ("Pakistan", "Islamabad"), ("Japan", "Tokyo"), ("Brazil", "Brasilia"),
]
ACTS = [
    "{a} said its troops exchanged fire with {b} forces near the border post overnight.",
    "The foreign ministry of {a} summoned the ambassador of {b} to protest the incident.",
    "{a} warned {b} that it would respond to any further incursion with force.",
    "Officials from {a} and {b} agreed to resume talks on the disputed river crossing.",
    "{a} imposed new sanctions on companies from {b} over the shipping dispute.",
    "Drones from {a} struck a depot inside {b}, a spokesman in {cb} said.",
    "Leaders of {a} and {b} signed a trade agreement in {ca} on Monday.",
    "{b} accused {a} of massing armoured units along the frontier.",
]
FILLER = (
    "local markets were busy and the weather stayed mild while farmers moved their herds "
    "to the summer pastures and schools reopened after the holiday week in most provinces "
    "where the regional council also discussed road repairs and water supply plans"
).split()


def make_articles(n: int, words: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        (a, ca), (b, cb) = rng.sample(STATES, 2)
        sents = []
        size = 0
        while size < words:
            if rng.random() < 0.4:
                s = rng.choice(ACTS).format(a=a, b=b, ca=ca, cb=cb)
            else:
                k = rng.randint(12, 24)
                start = rng.randrange(len(FILLER) - k)
                s = " ".join(FILLER[start : start + k]).capitalize() + "."
            sents.append(s)
            size += len(s.split())
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        out.append({"id": f"syn-{i}", "title": f"{a} and {b}: border report",
                    "date": day, "text": " ".join(sents)})
    return out


def _rss_probe(batches):  # runs in a Python worker after scoring
    import pandas as pd

    from tension import spark as tspark

    status = {}
    with open("/proc/self/status") as fh:
        for line in fh:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                status[k] = int(v.split()[0]) // 1024
    for _ in batches:
        pass
    yield pd.DataFrame([{"pid": os.getpid(), "models": len(tspark._MODELS),
                         "rss_mb": status["VmRSS"], "hwm_mb": status["VmHWM"]}])


def child(master: str, n: int, words: int) -> dict:
    os.environ["PYSPARK_PYTHON"] = sys.executable
    t0 = time.perf_counter()
    from pyspark.sql import SparkSession

    from tension import spark as tspark
    from tension.model._model import load_model

    spark = (
        SparkSession.builder.master(master).appName("tension-bench")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    t_session = time.perf_counter() - t0
    model = load_model()
    arts = make_articles(n, words)
    one = spark.createDataFrame(arts[:1])
    tspark.score(one, model).write.format("noop").mode("overwrite").save()
    t_first = time.perf_counter() - t0
    cores = int(master.removeprefix("local[").removesuffix("]"))
    sdf = spark.createDataFrame(arts).repartition(cores * 4)
    t1 = time.perf_counter()
    tspark.score(sdf, model).write.format("noop").mode("overwrite").save()
    t_run = time.perf_counter() - t1
    probe = spark.createDataFrame(arts[: cores * 4]).repartition(cores * 4)
    rss = probe.mapInPandas(_rss_probe, "pid long, models long, rss_mb long, hwm_mb long")
    workers = {r["pid"]: r.asDict() for r in rss.collect()}
    spark.stop()
    return {"master": master, "session_s": round(t_session, 1), "startup_s": round(t_first, 1),
            "run_s": round(t_run, 1), "articles_per_s": round(n / t_run, 1),
            "workers": list(workers.values())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--words", type=int, default=400)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.n, args.words)))
        return
    from tension.model._model import load_model
    from tension.model._score import score_articles
    from tension.read._io import as_articles

    arts = make_articles(args.n, args.words)
    model = load_model()
    t = time.perf_counter()
    frame = score_articles(as_articles(arts), model)
    dt = time.perf_counter() - t
    print(f"{args.n} generated articles of ~{args.words} words, {len(frame)} score rows")
    print(f"local pandas, 1 process: {args.n / dt:7.1f} articles/s ({dt:.1f} s)")
    for master in ("local[1]", "local[2]"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", master, "--n", str(args.n),
             "--words", str(args.words)],
            capture_output=True, text=True, check=True,
        ).stdout.strip().splitlines()[-1]
        r = json.loads(out)
        mem = ", ".join(f"{w['rss_mb']} MB (peak {w['hwm_mb']} MB, model loaded: {w['models']})"
                        for w in r["workers"])
        print(f"spark {master}: {r['articles_per_s']:7.1f} articles/s ({r['run_s']} s); start-up "
              f"{r['startup_s']} s (session {r['session_s']} s + model + first batch)")
        print(f"  python worker RSS after scoring: {mem}")


if __name__ == "__main__":
    main()
