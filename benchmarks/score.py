"""End-to-end throughput of `tension score`: read, extract, score, write.

Writes N articles of 600 words as JSONL, then times the real CLI (`python -m tension score IN
-o OUT`) on one core and with --jobs 2. The corpus is real news by default (`--corpus news`:
the shared labelled set cut into distinct 600-word documents, benchmarks/_news.py); `--corpus
synthetic` generates sentences of our own vocabulary, which name a quarter as many actors per
word and repeat, and so run 4-5 times faster than real text: label any figure from it. The
start-up (interpreter, imports, model load) is timed on a one-article run and reported apart.

    .venv/bin/python benchmarks/score.py --n 4000 --jobs 1 2
    .venv/bin/python benchmarks/score.py --n 2000 --jobs 1 --paths compiled pure --runs 3
    .venv/bin/python benchmarks/score.py --corpus synthetic --n 16000 --jobs 1
    .venv/bin/python benchmarks/score.py --profile --n 1000   # cProfile of one core, by module
    .venv/bin/python benchmarks/score.py --layers --n 2000    # CPU per layer, no profiler
    .venv/bin/python benchmarks/score.py --perf --n 1500      # CPU by shared object (Linux perf)
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

COUNTRIES = [
    "Iran", "Pakistan", "India", "China", "Japan", "Russia", "Ukraine", "Turkey", "Greece",
    "Egypt", "Ethiopia", "Sudan", "Brazil", "Argentina", "Kenya", "Somalia", "Serbia", "Kosovo",
    "Armenia", "Azerbaijan", "Vietnam", "the Philippines", "Morocco", "Algeria",
]
CONFLICT = [
    "{a} launched missile strikes on targets inside {b}",
    "{a} recalled its ambassador from {b} in protest",
    "troops from {a} exchanged fire with {b} forces along the border",
    "{a} accused {b} of sheltering armed militants",
    "{a} expelled two diplomats of {b}",
    "{a} threatened to retaliate against {b} if the raids continued",
    "{a} imposed new sanctions on {b}",
]
COOPERATION = [
    "{a} and {b} signed a trade agreement covering grain and fertiliser",
    "{a} pledged unity with {b} against smuggling networks",
    "the foreign ministers of {a} and {b} met to discuss a joint commission",
    "{a} offered to mediate between {b} and its neighbours",
    "{a} sent flood relief to {b}",
]
FILLER = (
    "officials local market harbour council weather season farmers budget ministry schools "
    "railway festival prices transport hospital committee report province district museum "
    "students river bridge factory workers union election candidates voters survey morning "
    "evening weekend traffic water supply energy grid wind solar project funding delays "
    "residents plan review court ruling appeal press briefing statement figures quarter "
    "growth exports imports cargo shipping airline tourism hotel coastline mountain valley"
).split()


def _filler(rng: random.Random) -> str:
    words = rng.choices(FILLER, k=rng.randint(12, 22))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def synth_article(i: int, rng: random.Random, words: int = 600) -> dict[str, str]:
    a, b = rng.sample(COUNTRIES, 2)
    sents: list[str] = []
    n = 0
    while n < words:
        if rng.random() < 0.18:
            pat = rng.choice(CONFLICT if rng.random() < 0.6 else COOPERATION)
            s = pat.format(a=a, b=b)
            s = s[0].upper() + s[1:] + " on " + rng.choice(["Monday", "Tuesday", "Friday"]) + "."
        else:
            s = _filler(rng)
        sents.append(s)
        n += len(s.split())
    paras = [" ".join(sents[k:k + 5]) for k in range(0, len(sents), 5)]
    day = 1 + i % 28
    return {"id": f"synth-{i:07d}", "date": f"2025-03-{day:02d}",
            "title": f"{a} and {b}: {rng.choice(FILLER)} {rng.choice(FILLER)}",
            "text": "\n\n".join(paras)}


def write_corpus(path: Path, n: int, seed: int = 7, corpus: str = "synthetic") -> Path:
    if corpus == "news":
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from _news import news_documents

        docs = news_documents(n)
        if len(docs) < n:
            sys.exit(f"the news corpus gives {len(docs)} distinct documents, fewer than --n {n}")
    else:
        rng = random.Random(seed)
        docs = [synth_article(i, rng) for i in range(n)]
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d) + "\n")
    return path


def _own_cpu(pid: int) -> float | None:
    """CPU seconds of one process itself, not its children (Linux /proc), or None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_cli(inp: Path, out: Path, jobs: int, chunk: int,
            path: str = "compiled") -> tuple[float, float, float | None]:
    """(wall seconds, CPU seconds of the run and its workers, CPU seconds of the main process
    alone: reading, cleaning, handing out chunks, writing; sampled until it exits)."""
    import resource

    cmd = [sys.executable, "-m", "tension", "-q", "score", str(inp), "-o", str(out),
           "--jobs", str(jobs), "--chunk-size", str(chunk)]
    env = {k: v for k, v in os.environ.items() if k != "TENSION_PURE"}
    if path == "pure":
        env["TENSION_PURE"] = "1"
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, env=env)
    own = None
    while proc.poll() is None:
        own = _own_cpu(proc.pid) or own
        time.sleep(0.1)
    wall = time.perf_counter() - t
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed with exit code {proc.returncode}")
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime), own


def profile(inp: Path, out: Path) -> None:
    import cProfile
    import pstats

    from tension.cli import main

    prof = cProfile.Profile()
    prof.enable()
    main(["-q", "score", str(inp), "-o", str(out)])
    prof.disable()
    stats = pstats.Stats(prof)
    # cumulative time of each layer's entry point (nested calls counted once, in their layer)
    layers = {
        ("_io.py", "_pipeline"): "read + clean (tension.read._io)",
        ("_actors.py", "find_actors"): "actors (tension.extract._actors)",
        ("_signals.py", "extract_signals"): "signals (tension.extract._signals)",
        ("_dyads.py", "candidate_dyads"): "dyads (tension.model._dyads)",
        ("_model.py", "predict_proba"): "model features + predict (tension.model._model)",
        ("_score.py", "score_analyses"): "contract rows incl. model (tension.model._score)",
        ("_batch.py", "_score_chunk"): "score one chunk, all layers (tension.batch._batch)",
        ("_write.py", "write"): "write (tension.read._write)",
        ("_model.py", "load_model"): "load model once (tension.model._model)",
    }
    total = max(ct for (_cc, _nc, _tt, ct, _c) in stats.stats.values())  # type: ignore[attr-defined]
    print(f"cumulative time by layer (cProfile, one core, {total:.1f} s in all):")
    for (file, _line, fn), (_cc, _nc, _tt, ct, _c) in stats.stats.items():  # type: ignore[attr-defined]
        name = layers.get((os.path.basename(file), fn))
        if name and "/tension/" in file:
            print(f"  {ct:7.2f} s  {100 * ct / total:5.1f}%  {name}")
    stats.sort_stats("tottime").print_stats(12)


def perf_by_object(inp: Path, out: Path, tmp: Path) -> None:
    """Where the CPU goes by shared object and symbol, start-up included, sampled by Linux
    ``perf`` (which sees inside the compiled modules, as cProfile does not): the interpreter's
    own object machinery (libpython: dicts, allocation, GC, regex) against the compiled code."""
    import shutil

    if shutil.which("perf") is None:
        sys.exit("--perf needs Linux perf on PATH")
    data = tmp / "perf.data"
    rec = subprocess.run(["perf", "record", "-q", "-F", "999", "-o", str(data), sys.executable,
                          "-m", "tension", "-q", "score", str(inp), "-o", str(out)],
                         capture_output=True, text=True)
    if rec.returncode:
        sys.exit(f"perf record failed: {rec.stderr.strip()}")
    for sort, top in (("dso", 12), ("symbol", 25)):
        rep = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children",
                              "--sort", sort], capture_output=True, text=True, check=True)
        parts = [ln.split(None, 1) for ln in rep.stdout.splitlines()]
        rows = [p for p in parts if len(p) == 2 and p[0].endswith("%")]
        print(f"CPU by {sort} (perf, start-up included):")
        for share, name in rows[:top]:
            print(f"  {share:>7s}  {' '.join(name.split()).rstrip(' -')[:90]}")


def layers(inp: Path, out: Path, chunk: int) -> None:
    """CPU time per layer in this process (no start-up, no profiler): read + clean, the text
    layers (actors, signals, dyads), the model and contract rows, JSON-ready rows, writing."""
    from tension._types import SCORE_COLUMNS
    from tension.model._model import load_model
    from tension.model._score import analyse, contract_rows
    from tension.read._io import read_articles
    from tension.read._write import _plain, open_writer

    t = time.process_time()
    model = load_model()
    spent = {"load model (once)": time.process_time() - t}

    def timed(name: str, fn: Any, *a: Any) -> Any:
        t0 = time.process_time()
        res = fn(*a)
        spent[name] = spent.get(name, 0.0) + time.process_time() - t0
        return res

    arts = timed("read + clean", lambda: list(read_articles(str(inp))))
    n = len(arts)
    with open_writer(str(out), columns=list(SCORE_COLUMNS)) as w:
        for k in range(0, n, chunk):
            part = arts[k:k + chunk]
            ans = timed("actors + signals + dyads", lambda p: [analyse(a) for a in p], part)
            rows = timed("model + contract rows", contract_rows, ans, model)
            plain = timed("JSON-ready rows",
                          lambda rs: [{c: _plain(r[c]) for c in SCORE_COLUMNS} for r in rs], rows)
            timed("write", w.write, plain)
    total = sum(v for k, v in spent.items() if k != "load model (once)")
    print(f"CPU per layer, in process ({n} articles, chunks of {chunk}):")
    for name, secs in spent.items():
        print(f"  {name:26s} {secs:6.2f} s  {1000 * secs / n:6.3f} ms/article")
    print(f"  {'all but the model load':26s} {total:6.2f} s  {n / total:6.0f} articles/CPU-s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=4000, help="articles (default 4000)")
    ap.add_argument("--corpus", choices=("news", "synthetic"), default="news",
                    help="real news (default) or generated sentences (label figures as such)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--chunk-size", type=int, default=500)
    ap.add_argument("--paths", nargs="+", choices=("compiled", "pure"), default=["compiled"],
                    help="the compiled hot path (where built) and/or the pure-Python source "
                         "(TENSION_PURE=1)")
    ap.add_argument("--runs", type=int, default=1, help="repeat each measurement (ranges)")
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--layers", action="store_true",
                    help="CPU per layer in this process instead of timing the CLI")
    ap.add_argument("--perf", action="store_true",
                    help="CPU by shared object and symbol under Linux perf (compiled code too)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inp = write_corpus(Path(tmp) / "in.jsonl", args.n, corpus=args.corpus)
        words = sum(len(json.loads(line)["text"].split()) for line in open(inp))
        print(f"{args.n} {args.corpus} articles, {words / args.n:.0f} words each, "
              f"{inp.stat().st_size / 1e6:.1f} MB; {os.cpu_count()} CPUs; Python "
              f"{sys.version.split()[0]}")
        if args.profile:
            profile(inp, Path(tmp) / "prof.jsonl")
            return
        if args.layers:
            layers(inp, Path(tmp) / "layers.jsonl", args.chunk_size)
            return
        if args.perf:
            perf_by_object(inp, Path(tmp) / "perf.jsonl", Path(tmp))
            return
        # start-up: the same command on one article of the corpus
        one = Path(tmp) / "one.jsonl"
        one.write_text(inp.open(encoding="utf-8").readline(), encoding="utf-8")
        table: dict[tuple[str, int], list[tuple[float, float, float]]] = {}
        for run in range(args.runs):
            for path in args.paths:
                _, startup_cpu, _ = run_cli(one, Path(tmp) / "one-out.jsonl", 1,
                                            args.chunk_size, path)
                print(f"[{path}, run {run + 1}] start-up (one-article run): "
                      f"{startup_cpu:.2f} CPU-s")
                base = None
                for jobs in args.jobs:
                    out = Path(tmp) / f"out{jobs}.jsonl"
                    secs, cpu, own = run_cli(inp, out, jobs, args.chunk_size, path)
                    rate = args.n / secs
                    base = base or rate
                    rows = sum(1 for _ in open(out))
                    load = os.getloadavg()[0]
                    # articles per CPU-second does not depend on what else the machine runs;
                    # without start-up: for --jobs 1 only (workers start up in their own way)
                    net = args.n / (cpu - startup_cpu) if jobs == 1 else float("nan")
                    table.setdefault((path, jobs), []).append((net, startup_cpu, load))
                    print(f"[{path}, run {run + 1}] --jobs {jobs}: {secs:6.1f} s wall  "
                          f"{rate:6.0f} articles/s  x{rate / base:.2f} vs first;  "
                          f"{cpu:6.1f} CPU-s  {args.n / cpu:6.0f} articles/CPU-s (incl. "
                          f"start-up), {net:6.0f} without;  {rows} rows;  main process "
                          f"{own if own is not None else float('nan'):.1f} CPU-s;  "
                          f"load avg {load:.1f}")
        if args.runs > 1 or len(args.paths) > 1:
            print(f"\n| path | articles of ~{words / args.n:.0f} words per CPU-second, "
                  f"start-up excluded ({args.runs} runs) | start-up CPU-s | load |")
            print("|---|---|---|---|")
            for (path, jobs), res in table.items():
                if jobs != 1:
                    continue
                nets, ups, loads = zip(*res, strict=True)
                print(f"| {path} | {min(nets):.0f}-{max(nets):.0f} | {min(ups):.1f}-{max(ups):.1f}"
                      f" | {min(loads):.1f}-{max(loads):.1f} |")

if __name__ == "__main__":
    main()
