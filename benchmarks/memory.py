"""Peak memory of `tension score` while it streams N articles: the curve must be flat.

Articles are piped into `tension score -` so the input never exists as a file either: real news
(``--corpus news``, the shared labelled set cut into distinct documents, benchmarks/_news.py) or
synthetic ones (benchmarks/score.py's generator, the default for the long 200,000 runs); every
second the script records the scorer's peak RSS
(VmHWM from /proc, Linux) against the articles done (from OUTPUT.progress.json), and prints
the peak at each checkpoint (default 25k, 50k, 100k, 200k).

A long run (200,000 articles is ~15 min of CPU) can be left in the background: ``--log`` appends
each sample (articles done, peak RSS MB, seconds) to a CSV as it is taken, so the curve survives
an interrupted run; ``--every`` prints a progress line to stderr every that many articles.

    .venv/bin/python benchmarks/memory.py --n 200000 --words 600
    .venv/bin/python benchmarks/memory.py --corpus news --n 50000 --checkpoints 10000 25000 50000
    nohup .venv/bin/python benchmarks/memory.py --n 200000 --log /tmp/rss.csv > /tmp/rss.txt &
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _news import news_documents  # noqa: E402
from score import synth_article  # noqa: E402


def _hwm_mb(pid: int) -> float:
    """Peak resident set (VmHWM) of one process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--corpus", choices=("synthetic", "news"), default="synthetic")
    ap.add_argument("--checkpoints", type=int, nargs="+", default=[25_000, 50_000, 100_000,
                                                                     200_000])
    ap.add_argument("--log", type=Path, default=None,
                    help="append every sample as 'articles,peak_rss_mb,seconds' to this CSV")
    ap.add_argument("--every", type=int, default=10_000,
                    help="progress line on stderr every N articles (0: none)")
    ap.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    args = ap.parse_args()
    log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.jsonl"
        prog = Path(f"{out}.progress.json")
        cmd = [sys.executable, "-m", "tension", "-q", "score", "-", "-o", str(out),
               "--jobs", str(args.jobs)]
        # stderr to a file: a pipe nobody reads until the end could fill and stall the scorer
        err_file = open(Path(tmp) / "stderr.txt", "w+", encoding="utf-8")  # noqa: SIM115
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=err_file, text=True)
        assert proc.stdin is not None

        def feed() -> None:
            rng = random.Random(11)
            assert proc.stdin is not None
            if args.corpus == "news":
                for doc in news_documents(args.n, args.words):
                    proc.stdin.write(json.dumps(doc) + "\n")
            else:
                for i in range(args.n):
                    proc.stdin.write(json.dumps(synth_article(i, rng, args.words)) + "\n")
            proc.stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        curve: list[tuple[int, float]] = []
        started = time.perf_counter()
        next_report = args.every
        while proc.poll() is None:
            time.sleep(args.interval)
            try:
                done = json.loads(prog.read_text())["articles_done"]
            except (OSError, ValueError, KeyError):
                continue
            pids = [proc.pid]
            kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            if kids.exists():
                pids += [int(p) for p in kids.read_text().split()]
            curve.append((done, sum(_hwm_mb(p) for p in pids)))
            elapsed = time.perf_counter() - started
            if log:
                log.write(f"{done},{curve[-1][1]:.1f},{elapsed:.0f}\n")
                log.flush()
            if args.every and done >= next_report:
                print(f"{done:,} articles, peak RSS {curve[-1][1]:.0f} MB, {elapsed:.0f} s",
                      file=sys.stderr, flush=True)
                next_report = (done // args.every + 1) * args.every
        err_file.seek(0)
        err = err_file.read()
        err_file.close()
        secs = time.perf_counter() - started
        if proc.returncode:
            sys.exit(f"tension score failed: {err}")
        print(f"{args.n:,} {args.corpus} articles of ~{args.words} words streamed through "
              f"`tension score - -o scores.jsonl --jobs {args.jobs}` in {secs:.0f} s; "
              f"{os.cpu_count()} CPUs")
        print(err.strip().splitlines()[-1] if err.strip() else "")
        print("articles done   peak RSS (MB, scorer + workers)")
        for cp in args.checkpoints:
            seen = [mb for done, mb in curve if done <= cp]
            if seen and cp <= args.n:
                print(f"{cp:>13,}   {max(seen):8.0f}")
        if curve:
            print(f"{curve[-1][0]:>13,}   {curve[-1][1]:8.0f}  (last sample)")


if __name__ == "__main__":
    main()
