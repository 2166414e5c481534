"""Injected faults end in a clear message and no lost or half-written output.

Each test injects a real fault into a real run, in a subprocess with a timeout (killed in
``finally``): a full disk (a tiny tmpfs), a read-only output folder (a read-only tmpfs), a
worker process killed under ``tension score --jobs 2``, a tracking server killed mid-training,
and a Spark python worker killed mid-job. Mounting needs root and CAP_SYS_ADMIN; without them
those tests skip saying so.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
CORPUS = ROOT / "seeds" / "corpus.jsonl"


@pytest.fixture(scope="session")
def shipped_model() -> None:
    from tension._types import TensionError
    from tension.model._model import load_model

    try:
        load_model()
    except TensionError as exc:
        pytest.skip(f"the shipped model does not load here: {exc}")


needs_model = pytest.mark.usefixtures("shipped_model")


def _tension(*args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PY, "-m", "tension", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _clear(stderr: str, *, spark_log: bool = False) -> None:
    """A clear message: the CLI's one-line error, no Python traceback.

    With ``spark_log`` the stderr is shared with Spark's JVM and its Python
    daemon, which logs its own traceback when a sibling worker is killed (a
    race): there, no traceback may pass through tension's code.
    """
    if spark_log:
        assert not re.search(r'File "[^"]*/tension/', stderr), stderr[-3000:]
    else:
        assert "Traceback" not in stderr, stderr[-3000:]
    assert "tension: error:" in stderr, stderr[-3000:]


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["article_id"] for line in path.read_text().splitlines()]


def _articles(tmp: Path, copies: int) -> tuple[Path, set[str]]:
    """The seed corpus ``copies`` times over with distinct ids (own-written text)."""
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    out = tmp / "in.jsonl"
    ids = set()
    with open(out, "w", encoding="utf-8") as fh:
        for k in range(copies):
            for r in rows:
                rid = f"{r['id']}~{k}"
                ids.add(rid)
                fh.write(json.dumps({"id": rid, "text": r["text"], "date": r.get("date")}) + "\n")
    return out, ids


# --------------------------------------------------------------------------- mounts


def _mount(target: Path, options: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (tests run as root in CI)")
    target.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip()}); needs CAP_SYS_ADMIN")


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True, timeout=30)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    _mount(disk, "size=64k")
    try:
        yield disk
    finally:
        _umount(disk)


@needs_model
@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_full_disk(tmp_path: Path, tiny_disk: Path, suffix: str) -> None:
    src, ids = _articles(tmp_path, 1)
    out = tiny_disk / f"scores{suffix}"
    r = _tension("score", str(src), "-o", str(out))
    assert r.returncode == 1
    _clear(r.stderr)
    assert "No space left on device" in r.stderr
    assert not out.exists()  # never a half-written file under the final name
    # free space and resume: nothing lost, nothing twice
    subprocess.run(["mount", "-o", "remount,size=20m", str(tiny_disk)], check=True, timeout=30)
    r = _tension("score", str(src), "-o", str(out), "--resume")
    assert r.returncode == 0, r.stderr
    if suffix == ".jsonl":
        got = _ids(out)
    else:
        import pandas as pd

        got = list(pd.read_csv(out)["article_id"])
    assert set(got) == ids


@needs_model
@pytest.mark.slow
def test_full_disk_while_moving_into_place(tmp_path: Path) -> None:
    """The rows fit as the partial file but converting them to CSV fills the disk: the partial
    file and its progress record survive and --resume finishes the job."""
    src, ids = _articles(tmp_path, 1)
    probe = tmp_path / "probe.jsonl"
    assert _tension("score", str(src), "-o", str(probe)).returncode == 0
    size = probe.stat().st_size
    disk = tmp_path / "disk"
    _mount(disk, f"size={int(size * 1.5) // 1024}k")
    try:
        out = disk / "scores.csv"
        r = _tension("score", str(src), "-o", str(out))
        assert r.returncode == 1
        _clear(r.stderr)
        assert not out.exists()
        assert (disk / "scores.csv.partial.jsonl").exists()
        assert (disk / "scores.csv.progress.json").exists()
        assert not [p for p in disk.iterdir() if p.name.endswith(".tmp")]  # temp file removed
        subprocess.run(["mount", "-o", "remount,size=20m", str(disk)], check=True, timeout=30)
        r = _tension("score", str(src), "-o", str(out), "--resume")
        assert r.returncode == 0, r.stderr
        import pandas as pd

        assert set(pd.read_csv(out)["article_id"]) == ids
    finally:
        _umount(disk)


@needs_model
@pytest.mark.slow
@pytest.mark.parametrize("command", ["score", "index", "report"])
def test_read_only_output_folder(tmp_path: Path, command: str) -> None:
    # as root, chmod 0o555 does not stop writes; a read-only mount does
    src, _ = _articles(tmp_path, 1)
    scores = tmp_path / "scores.jsonl"
    if command != "score":
        assert _tension("score", str(src), "-o", str(scores)).returncode == 0
    ro = tmp_path / "ro"
    _mount(ro, "ro,size=1m")
    try:
        name = {"score": "s.jsonl", "index": "i.csv", "report": "r.html"}[command]
        args = {"score": [str(src)], "index": [str(scores)], "report": [str(scores)]}[command]
        r = _tension(command, *args, "-o", str(ro / name))
        assert r.returncode != 0
        assert "Traceback" not in r.stderr, r.stderr[-3000:]
        assert "Read-only file system" in r.stderr, r.stderr[-3000:]
        assert list(ro.iterdir()) == []
    finally:
        _umount(ro)


# --------------------------------------------------------------------------- killed worker


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@needs_model
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_killed_worker_under_jobs(tmp_path: Path) -> None:
    src, ids = _articles(tmp_path, 6)
    out = tmp_path / "scores.jsonl"
    part = tmp_path / "scores.jsonl.partial.jsonl"
    proc = subprocess.Popen(
        [PY, "-m", "tension", "score", str(src), "-o", str(out), "--jobs", "2",
         "--chunk-size", "20"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 180
        victim = None
        while time.monotonic() < deadline and proc.poll() is None:
            workers = [c for c in _children(proc.pid)
                       if "spawn_main" in _cmdline(c) and "resource_tracker" not in _cmdline(c)]
            if len(workers) == 2 and part.exists() and part.stat().st_size > 0:
                victim = workers[0]
                break
            time.sleep(0.05)
        assert victim is not None, "the run finished or never started its workers"
        os.kill(victim, signal.SIGKILL)
        _, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    assert proc.returncode == 1
    _clear(stderr)
    assert "worker" in stderr and "--resume" in stderr
    assert not out.exists()
    lines = part.read_text().splitlines()
    for line in lines:
        json.loads(line)  # every kept row is whole (a torn one is cut on resume anyway)
    r = _tension("score", str(src), "-o", str(out), "--jobs", "2", "--chunk-size", "20",
                 "--resume")
    assert r.returncode == 0, r.stderr
    got = _ids(out)
    assert set(got) == ids
    n_rows = {}
    for line in out.read_text().splitlines():
        row = json.loads(line)
        key = (row["article_id"], row["dyad"])
        n_rows[key] = n_rows.get(key, 0) + 1
    assert max(n_rows.values()) == 1  # nothing scored twice into the output


# --------------------------------------------------------------------------- tracking server


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - our local server
            return r.read().decode()
    except OSError:
        return None


@pytest.mark.slow
def test_tracking_server_down_mid_training(tmp_path: Path) -> None:
    mlflow_bin = Path(PY).with_name("mlflow")
    if not mlflow_bin.exists():
        pytest.skip("mlflow CLI not installed")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(mlflow_bin), "server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
         "--backend-store-uri", f"sqlite:///{tmp_path / 'mlflow.db'}",
         "--artifacts-destination", str(tmp_path / "artifacts")],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # the server forks workers: kill the whole group
    )
    train = None
    out = tmp_path / "model-out"
    env = dict(os.environ, MLFLOW_HTTP_REQUEST_MAX_RETRIES="1",
               MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR="1", MLFLOW_HTTP_REQUEST_TIMEOUT="10")
    try:
        deadline = time.monotonic() + 90
        while _get(f"{url}/health") is None:
            assert time.monotonic() < deadline, "mlflow server did not start"
            assert server.poll() is None, "mlflow server exited"
            time.sleep(0.3)
        train = subprocess.Popen(
            [PY, "experiments/train.py", "--config", "experiments/configs/seeds.json",
             "--tracking-uri", url, "--output-dir", str(out), "--no-register"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        # wait until the run exists on the server (training under way), then take it down
        deadline = time.monotonic() + 120
        while True:
            body = _get(f"{url}/api/2.0/mlflow/experiments/search?max_results=10")
            if body and '"tension-escalation"' in body:
                break
            assert train.poll() is None, train.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "training never reached the server"
            time.sleep(0.2)
        time.sleep(1.0)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
        _, stderr = train.communicate(timeout=300)
    finally:
        for p in (train, server):
            if p is not None and p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGKILL) if p is server else p.kill()
                except ProcessLookupError:
                    pass
                p.wait(timeout=30)
    assert train.returncode != 0
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "tracking server" in stderr and url in stderr, stderr[-3000:]
    # the local model is written after the run is logged: no file, or a whole one with its card
    assert not (out / "tension-escalation.joblib").exists() or \
        (out / "tension-escalation.card.json").exists()
    assert not [p for p in out.rglob(".tmp-*")] if out.exists() else True


# --------------------------------------------------------------------------- Spark executor


def _session(pid: int) -> int | None:
    try:
        return os.getsid(pid)
    except ProcessLookupError:
        return None


def _pyspark_workers(session: int) -> list[int]:
    """Python workers forked by a pyspark.daemon of ``session`` (not the daemon itself): the
    job under test runs in a session of its own, so another suite's Spark job on the same
    machine is never the one killed."""
    daemons = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
               and "pyspark.daemon" in _cmdline(int(p.name))
               and _session(int(p.name)) == session]
    return [c for d in daemons for c in _children(d)]


@needs_model
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("max_failures", [4, 1], ids=["retried", "no-retry"])
def test_killed_spark_python_worker(tmp_path: Path, max_failures: int) -> None:
    pytest.importorskip("pyspark")
    if subprocess.run(["java", "-version"], capture_output=True, timeout=30).returncode != 0:
        pytest.skip("no Java for Spark")
    src, ids = _articles(tmp_path, 4)
    out = tmp_path / "scores.jsonl"
    # local[N,F]: F attempts per task, as task.maxFailures on a cluster (local[N] allows one)
    env = dict(os.environ, PYSPARK_SUBMIT_ARGS=f"--master local[1,{max_failures}] pyspark-shell")
    proc = subprocess.Popen(
        [PY, "-m", "tension", "score", "--engine", "spark", str(src), "-o", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        killed = None
        while time.monotonic() < deadline and proc.poll() is None:
            workers = _pyspark_workers(proc.pid)
            if workers:
                time.sleep(1.0)  # let it start scoring (the model loads first)
                try:
                    os.kill(workers[0], signal.SIGKILL)
                except ProcessLookupError:  # it ended meanwhile: look again
                    continue
                killed = workers[0]
                break
            time.sleep(0.1)
        assert killed is not None, "no pyspark worker appeared"
        _, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert not leftovers  # the half-written job directory was removed
    if max_failures > 1:  # Spark ran the task again: a whole, correct output
        assert proc.returncode == 0, stderr[-3000:]
        got: set[str] = set()
        for part in out.glob("part-*"):
            got |= {json.loads(line)["article_id"] for line in part.read_text().splitlines()}
        assert got == ids
    else:
        assert proc.returncode == 1
        _clear(stderr, spark_log=True)
        assert "Spark" in stderr
        assert not out.exists()
