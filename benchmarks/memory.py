"""Peak memory of `tension score` while it streams N articles: the curve must be flat.

Synthetic articles (benchmarks/score.py's generator) are piped into `tension score -` so the
input never exists as a file either; every second the script records the scorer's peak RSS
(VmHWM from /proc, Linux) against the articles done (from OUTPUT.progress.json), and prints
the peak at each checkpoint (default 25k, 50k, 100k, 200k).

    .venv/bin/python benchmarks/memory.py --n 200000 --words 600
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
    ap.add_argument("--checkpoints", type=int, nargs="+", default=[25_000, 50_000, 100_000,
                                                                     200_000])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "scores.jsonl"
        prog = Path(f"{out}.progress.json")
        cmd = [sys.executable, "-m", "tension", "-q", "score", "-", "-o", str(out),
               "--jobs", str(args.jobs)]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdin is not None

        def feed() -> None:
            rng = random.Random(11)
            assert proc.stdin is not None
            for i in range(args.n):
                proc.stdin.write(json.dumps(synth_article(i, rng, args.words)) + "\n")
            proc.stdin.close()

        feeder = threading.Thread(target=feed, daemon=True)
        feeder.start()
        curve: list[tuple[int, float]] = []
        started = time.perf_counter()
        while proc.poll() is None:
            time.sleep(1.0)
            try:
                done = json.loads(prog.read_text())["articles_done"]
            except (OSError, ValueError, KeyError):
                continue
            pids = [proc.pid]
            kids = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            if kids.exists():
                pids += [int(p) for p in kids.read_text().split()]
            curve.append((done, sum(_hwm_mb(p) for p in pids)))
        err = proc.stderr.read() if proc.stderr else ""
        secs = time.perf_counter() - started
        if proc.returncode:
            sys.exit(f"tension score failed: {err}")
        print(f"{args.n:,} synthetic articles of ~{args.words} words streamed through "
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
