"""Spark scoring speed on real news: start-up apart, then articles/s per core, against local.

    .venv/bin/python benchmarks/spark.py [--n 4000] [--words 250] [--repeat 3]
    .venv/bin/python benchmarks/spark.py --corpus synthetic     # generated text: label figures

The corpus is real news by default (``--corpus news``: the shared labelled set cut into
distinct documents, ``benchmarks/_news.py``, so no cache keyed by text is hit); ``--corpus
synthetic`` generates sentences of our own vocabulary, which name fewer actors per word and
run several times faster: label any figure from it. The documents are written once as JSON
lines and every run reads that file, the way ``tension score --engine spark`` does.

Each run is a fresh process. The local reference runs
:func:`tension.model._score.score_articles` on all the documents in one process, after one
warm-up article (the dictionaries are built lazily); reading them (``as_articles``: cleaning,
checks), which Spark's workers do inside the timed job, is timed apart and given as the row
"local, reading included". Each Spark master runs in a new JVM:

- start-up: session start, then the throughput job's path on one article per core (the
  model broadcast and loaded in every Python worker, the JVM's readers and writers loaded):
  what any job pays once;
- throughput: :func:`tension.spark.score_paths` (what ``tension score --engine spark`` runs)
  reads the JSON lines, scores them into Parquet and counts the rows written. Reported as
  articles/s per core (n / seconds / cores) and as articles per CPU-second of the whole
  process tree (driver, JVM, Python workers), which other users' load affects less.

The machine is shared: each figure carries the 1-minute load average read just before it,
and ``--repeat`` runs give ranges. The Python workers' resident memory with the model loaded
is read from /proc (VmRSS, VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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
# the warm-up article of every run (not in either corpus, so it warms no cache of theirs)
WARM = {"id": "warm-{k}", "date": "2025-01-01", "title": "Border talks",
        "text": "Chile and Peru agreed on Monday to resume talks on the disputed border, "
                "officials in Lima said, a week after troops exchanged fire near the river."}


def make_articles(n: int, words: int, seed: int = 7) -> list[dict[str, str]]:
    """Synthetic articles (``--corpus synthetic``): our own vocabulary, one dyad each."""
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


def documents(corpus: str, n: int, words: int) -> list[dict[str, str]]:
    if corpus == "synthetic":
        return make_articles(n, words)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _news import news_documents

    docs = news_documents(n, words)
    if len(docs) < n:
        sys.exit(f"the news corpus gives {len(docs)} distinct documents, fewer than --n {n}")
    return docs


def _tree_cpu() -> dict[str, float]:
    """CPU seconds used so far by this process ("driver") and its live descendants: the JVM
    ("jvm") and the Python workers with the daemon that forks them ("workers")."""
    tick = os.sysconf("SC_CLK_TCK")
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            kids.setdefault(int(stat[1]), []).append(int(d))
    total = {"driver": 0.0, "jvm": 0.0, "workers": 0.0}
    todo = [(os.getpid(), "driver")]
    while todo:
        pid, kind = todo.pop()
        try:
            head, _, tail = Path(f"/proc/{pid}/stat").read_text().rpartition(")")
        except OSError:
            continue
        stat = tail.split()
        if kind != "driver" or pid != os.getpid():
            kind = "jvm" if head.endswith("(java") else "workers"
        total[kind] += (int(stat[11]) + int(stat[12])) / tick
        todo += [(k, kind) for k in kids.get(pid, [])]
    return total


def _rss_probe(batches):  # runs in a Python worker after scoring
    import pandas as pd

    from tension.batch import spark as tspark

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


def child_local(path: str) -> dict[str, Any]:
    from tension.model._model import load_model
    from tension.model._score import score_articles
    from tension.read._io import as_articles

    docs = [json.loads(line) for line in open(path, encoding="utf-8")]
    model = load_model()
    score_articles(list(as_articles([dict(WARM, id="warm-0")])), model)
    t, c = time.perf_counter(), time.process_time()
    arts = list(as_articles(docs))  # what Spark's workers also do (the JVM parses the JSON)
    read_s, read_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    frame = score_articles(arts, model)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    return {"n": len(docs), "rows": len(frame), "run_s": wall, "cpu_s": cpu,
            "read_s": read_s, "read_cpu_s": read_cpu}


def child_spark(master: str, path: str, conf: list[str]) -> dict[str, Any]:
    out = str(Path(path).with_name(f"scores-{os.getpid()}.parquet"))
    os.environ["PYSPARK_PYTHON"] = sys.executable
    t0 = time.perf_counter()
    from tension.batch import spark as tspark
    from tension.model._model import load_model

    # the session `tension score --engine spark` starts (its JVM options included)
    builder = (
        tspark._session_builder(master).appName("tension-bench")
        .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
    )
    for kv in conf:
        k, _, v = kv.partition("=")
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    t_session = time.perf_counter() - t0
    model = load_model()
    cores = spark.sparkContext.defaultParallelism
    warm = [dict(WARM, id=f"warm-{k}") for k in range(cores)]
    # the same path on one article per core: every Python worker loads the model, the JVM
    # loads the JSON reader and Parquet writer
    small = Path(path).with_name(f"warm-{os.getpid()}.jsonl")
    small.write_text("".join(json.dumps(w) + "\n" for w in warm), encoding="utf-8")
    tspark.score_paths([str(small)], out, model=model, spark=spark)
    t_start = time.perf_counter() - t0

    t1, c1 = time.perf_counter(), _tree_cpu()
    got = tspark.score_paths([path], out, model=model, spark=spark)
    t_run, c2 = time.perf_counter() - t1, _tree_cpu()
    n, parts = got["articles"], got.get("tasks", "?")
    by = {k: c2[k] - c1.get(k, 0.0) for k in c2}

    probe = spark.createDataFrame(spark.sparkContext.parallelize(warm * 4, cores * 4))
    rss = probe.mapInPandas(_rss_probe, "pid long, models long, rss_mb long, hwm_mb long")
    workers = {r["pid"]: r.asDict() for r in rss.collect()}
    spark.stop()
    return {"master": master, "cores": cores, "n": n, "partitions": parts,
            "session_s": t_session, "startup_s": t_start, "run_s": t_run,
            "cpu_s": sum(by.values()), "cpu_by": by,
            "workers": list(workers.values())}


def _run(argv: list[str]) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, *argv], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"{' '.join(argv[:2])} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _span(xs: list[float], fmt: str = "{:.0f}") -> str:
    lo, hi = min(xs), max(xs)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else \
        f"{fmt.format(lo)}-{fmt.format(hi)}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", choices=("news", "synthetic"), default="news",
                    help="news: the shared labelled set (default); synthetic: generated text")
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--words", type=int, default=250)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--masters", nargs="+", default=["local[1]", "local[2]"])
    ap.add_argument("--conf", action="append", default=[], metavar="KEY=VALUE",
                    help="a Spark setting for the Spark runs (repeatable); e.g. "
                         "spark.driver.extraJavaOptions= for the JVM's default compilers")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        out = child_local(args.path) if args.child == "local" else \
            child_spark(args.child, args.path, args.conf)
        print(json.dumps(out))
        return

    docs = documents(args.corpus, args.n, args.words)
    words = sum(len(d["text"].split()) for d in docs) / len(docs)
    label = "real news" if args.corpus == "news" else "SYNTHETIC (generated text)"
    print(f"{len(docs)} {label} articles, {words:.0f} words each; {args.repeat} runs, "
          f"each a fresh process; load = 1-minute load average before the run "
          f"({os.cpu_count()} CPUs)" + (f"; conf {' '.join(args.conf)}" if args.conf else ""))
    results: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="tension-spark-bench-") as tmp:
        path = str(Path(tmp) / "articles.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            for d in docs:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
        for k in range(args.repeat):
            for what in ("local", *args.masters):
                load = os.getloadavg()[0]
                argv = ["--child", what, "--path", path]
                for kv in args.conf:
                    argv += ["--conf", kv]
                r = _run(argv)
                r["load"] = load
                results.setdefault(what, []).append(r)
                cores = r.get("cores", 1)
                rate = r["n"] / r["run_s"] / cores
                line = (f"run {k + 1} {what:9s} load {load:4.1f}: {rate:5.0f} articles/s per "
                        f"core, {r['n'] / r['cpu_s']:5.0f} per CPU-s")
                if what == "local":
                    line += (f"; reading included {r['n'] / (r['run_s'] + r['read_s']):5.0f}/s "
                             f"({r['read_cpu_s']:.2f} CPU-s of as_articles)")
                if what != "local":
                    line += (f"; start-up {r['startup_s']:.1f} s (session {r['session_s']:.1f} s),"
                             f" {r['partitions']} tasks; CPU-s "
                             + ", ".join(f"{k} {v:.1f}" for k, v in r["cpu_by"].items()))
                print(line, flush=True)
    print("\n| configuration | start-up s | articles/s per core | per CPU-s | vs local | load |")
    print("|---|---|---|---|---|---|")
    ref = [r["n"] / r["run_s"] for r in results["local"]]
    for what, rs in results.items():
        cores = rs[0].get("cores", 1)
        rate = [r["n"] / r["run_s"] / cores for r in rs]
        start = _span([r["startup_s"] for r in rs], "{:.1f}") if what != "local" else "-"
        vs = "-" if what == "local" else \
            f"{100 * min(rate) / max(ref):.0f}-{100 * max(rate) / min(ref):.0f}%"
        print(f"| {'local, 1 process' if what == 'local' else 'Spark ' + what} | {start} | "
              f"{_span(rate)} | {_span([r['n'] / r['cpu_s'] for r in rs])} | {vs} | "
              f"{_span([r['load'] for r in rs], '{:.1f}')} |")
    read = [r["n"] / (r["run_s"] + r["read_s"]) for r in results["local"]]
    print(f"| local, reading included | - | {_span(read)} | "
          f"{_span([r['n'] / (r['cpu_s'] + r['read_cpu_s']) for r in results['local']])} | - | "
          f"{_span([r['load'] for r in results['local']], '{:.1f}')} |")
    for what, rs in results.items():
        if what != "local":
            mem = ", ".join(f"{w['rss_mb']} MB (peak {w['hwm_mb']} MB, models {w['models']})"
                            for w in rs[-1]["workers"])
            print(f"{what} python workers after scoring: {mem}")


if __name__ == "__main__":
    main()
