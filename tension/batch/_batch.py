"""Streaming batch scoring: articles in, contract rows out, in bounded memory, resumable.

Articles are read lazily and grouped in chunks; each chunk is scored (in this process or in a
pool of worker processes, each loading the model once) and written before the next chunks are
read, with at most ``2 * jobs + 1`` chunks in flight, so memory does not grow with the input.

Crash safety. Rows go first to ``OUTPUT.partial.jsonl``, opened in append mode and fsynced after
every chunk; then ``OUTPUT.progress.json`` (input fingerprint, articles and chunks done, the
byte length of the partial file) is replaced atomically. A killed run therefore leaves at worst
rows of one chunk past what the progress file records; ``resume=True`` cuts the partial file back
to the recorded length, re-reads the input (same deterministic order, so the wire-copy clusterer
sees the same history) and skips the articles already done. Only a finished run moves the
result to ``OUTPUT`` (JSONL: a rename; .jsonl.gz/.csv/.parquet: converted through
:func:`tension.read._write.open_writer`, itself a temporary file and an atomic rename), so a file
under the final name is always complete.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tension._types import SCORE_COLUMNS, Article, TensionError

if TYPE_CHECKING:  # pragma: no cover
    from tension.model._model import TensionModel

__all__ = [
    "BatchResult",
    "chunked",
    "input_fingerprint",
    "partial_path",
    "progress_path",
    "score_stream",
]

log = logging.getLogger(__name__)

PROGRESS_VERSION = 1
DEFAULT_CHUNK = 500


@dataclass
class BatchResult:
    """What one run did (the CLI prints it as the one-line summary)."""

    articles: int = 0  # scored in this run and before it (when resumed)
    rows: int = 0
    dyad_rows: int = 0
    no_dyad: int = 0
    resumed_from: int = 0  # articles a previous run had already done
    seconds: float = 0.0
    complete: bool = False
    output: str = ""

    @property
    def rate(self) -> float:
        """Articles scored per second by this run."""
        done = self.articles - self.resumed_from
        return done / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _Progress:
    fingerprint: str
    articles_done: int = 0
    chunks_done: int = 0
    rows: int = 0
    dyad_rows: int = 0
    no_dyad: int = 0
    partial_bytes: int = 0
    complete: bool = False
    version: int = PROGRESS_VERSION
    inputs: list[str] = field(default_factory=list)


def progress_path(output: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(output)}.progress.json")


def partial_path(output: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(output)}.partial.jsonl")


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Lists of ``size`` consecutive items (the last one shorter); never reads ahead further."""
    if size < 1:
        raise TensionError(f"chunk size must be at least 1, got {size}")
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _files(src: str) -> Iterator[Path]:
    p = Path(src)
    if p.is_dir():
        for q in sorted(p.rglob("*")):
            if q.is_file() and not any(part.startswith(".") for part in q.relative_to(p).parts):
                yield q
    else:
        yield p


def input_fingerprint(inputs: Sequence[str], options: dict[str, Any] | None = None) -> str:
    """sha256 over every input file's resolved path, size and mtime plus the reading options.

    Size and mtime (as make and rsync use them) catch an input replaced or appended to between
    a run and its resume without reading gigabytes twice.
    """
    h = hashlib.sha256()
    for src in inputs:
        if src == "-":
            raise TensionError("--resume cannot continue a run that read stdin; pass files")
        for f in _files(src):
            try:
                st = f.stat()
            except OSError as exc:
                raise TensionError(f"{f}: cannot read: {exc}") from exc
            h.update(f"{f.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    h.update(json.dumps(options or {}, sort_keys=True, default=str).encode())
    return h.hexdigest()


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_progress(path: Path) -> _Progress:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _Progress(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise TensionError(
            f"{path}: unreadable progress file ({exc}); delete it to start over"
        ) from exc


# ------------------------------------------------------------------------------ workers

_WORKER_MODEL: TensionModel | None = None


def _init_worker(model_location: str | None, model_bytes: bytes | None = None) -> None:
    """Pool initializer: the parent's model (pickled by the parent, which loaded and verified
    it), or else the model at ``model_location``, once per worker process."""
    global _WORKER_MODEL
    if model_bytes is not None:
        import pickle

        # bytes from our own parent process, not from a file: the C unpickler, no re-check
        _WORKER_MODEL = pickle.loads(model_bytes)  # noqa: S301
        return
    from tension.model._model import load_model

    _WORKER_MODEL = load_model(model_location)


def _score_chunk_in_worker(chunk: list[Article], columns: list[str]) -> _Encoded:
    assert _WORKER_MODEL is not None, "worker started without _init_worker"
    return _score_chunk(chunk, _WORKER_MODEL, columns)


class _Encoded(NamedTuple):
    """A scored chunk as the JSON lines the output gets, and what the summary counts."""

    text: str
    rows: int
    no_dyad: int


def _score_chunk(chunk: list[Article], model: TensionModel, columns: list[str]) -> _Encoded:
    """Contract rows of one chunk (plus ``cluster`` when in ``columns``), encoded as JSON lines
    where they were made: in a worker, the writing process then only appends text."""
    from tension._gc import bulk_gc
    from tension.model._score import analyse, contract_rows
    from tension.read._write import _plain, jsonl_text

    with bulk_gc():
        # the rows score_articles() would put in a frame, without the round trip through pandas
        rows = contract_rows([analyse(a) for a in chunk], model)
        if "cluster" in columns:
            cluster = {a.id: a.cluster for a in chunk}
            for r in rows:
                r["cluster"] = cluster.get(r["article_id"])
        plain = [{k: _plain(r[k]) for k in columns} for r in rows]
        return _Encoded(jsonl_text(plain, columns), len(plain),
                        sum(1 for r in plain if not r["dyad"]))


def _ordered_results(
    chunks: Iterator[list[Article]],
    jobs: int,
    model: TensionModel | None,
    model_location: str | None,
    columns: list[str],
) -> Iterator[tuple[list[Article], _Encoded]]:
    """(chunk, rows) in input order; with ``jobs > 1`` scored in a spawn pool, a bounded window
    of chunks in flight (``Pool.imap`` would read the whole input ahead into its task queue)."""
    if jobs <= 1:
        if model is None:
            from tension.model._model import load_model

            model = load_model(model_location)
        for chunk in chunks:
            yield chunk, _score_chunk(chunk, model, columns)
        return
    import multiprocessing as mp
    import pickle
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("spawn")  # same behaviour on Linux, macOS and Windows
    # Workers get the model this process already loaded: the same model when the caller
    # passed one in, and a C unpickle instead of a second load and checksum in every worker.
    model_bytes = None if model is None else pickle.dumps(model, pickle.HIGHEST_PROTOCOL)
    # an executor, not mp.Pool: when a worker dies (killed, out of memory) Pool waits for its
    # task forever, the executor raises BrokenProcessPool
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                               initargs=(model_location, model_bytes))
    try:
        window: deque[tuple[list[Article], Any]] = deque()
        for chunk in chunks:
            window.append((chunk, pool.submit(_score_chunk_in_worker, chunk, columns)))
            if len(window) > 2 * jobs:
                c, res = window.popleft()
                yield c, res.result()
        while window:
            c, res = window.popleft()
            yield c, res.result()
    except BrokenProcessPool as exc:
        raise TensionError(
            "a worker process died (killed, or out of memory?); the chunks finished before it "
            "are kept: rerun the same command with --resume to continue"
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ------------------------------------------------------------------------------ the engine


def score_stream(
    articles: Iterable[Article],
    output: str,
    *,
    model: TensionModel | None = None,
    model_location: str | None = None,
    jobs: int = 1,
    chunk_size: int = DEFAULT_CHUNK,
    resume: bool = False,
    fingerprint: str | None = None,
    with_cluster: bool = False,
    on_chunk: Callable[[int], None] | None = None,
) -> BatchResult:
    """Score ``articles`` (an iterator, read lazily) into ``output`` chunk by chunk.

    ``model`` is used in this process (``jobs == 1``) or sent to the worker processes;
    without one they load ``model_location`` (None: the shipped model). ``fingerprint``
    identifies the input for ``resume`` (see :func:`input_fingerprint`); without one a run
    cannot be resumed. ``with_cluster`` adds a ``cluster`` column after the contract columns.
    ``on_chunk(n)`` is called with the number of articles of each chunk written (progress
    bars).
    """
    from tension.read._write import format_of, open_writer

    if jobs < 1:
        raise TensionError(f"--jobs must be at least 1, got {jobs}")
    columns = [*SCORE_COLUMNS, "cluster"] if with_cluster else list(SCORE_COLUMNS)
    fmt = format_of(output)
    result = BatchResult(output=output)
    started = time.perf_counter()
    if output == "-":
        if resume:
            raise TensionError("--resume needs an output file, not stdout")
        with open_writer(output, columns=columns) as w:
            for chunk, done in _ordered_results(
                chunked(articles, chunk_size), jobs, model, model_location, columns
            ):
                w.write_jsonl_text(done.text, done.rows)
                _count(result, chunk, done)
                if on_chunk:
                    on_chunk(len(chunk))
        result.seconds = time.perf_counter() - started
        result.complete = True
        return result

    prog_file, part_file = progress_path(output), partial_path(output)
    fp = fingerprint or ""
    if prog_file.exists():
        prog = _read_progress(prog_file)
        if not resume:
            raise TensionError(
                f"{output}: an interrupted run left {prog_file} ({prog.articles_done} articles "
                "done); pass --resume to continue it, or delete it and "
                f"{part_file.name} to start over"
            )
        if not fp or prog.fingerprint != fp:
            raise TensionError(
                f"{prog_file}: the inputs or reading options differ from the interrupted run "
                f"(files changed, moved, or other options); refusing to resume. Delete "
                f"{prog_file.name} and {part_file.name} to start over"
            )
        _cut_partial(part_file, prog.partial_bytes)
        log.info("resuming %s after %d articles", output, prog.articles_done)
    else:
        if resume:
            log.info("%s: no interrupted run to resume; starting from the beginning", output)
        prog = _Progress(fingerprint=fp)
        part_file.parent.mkdir(parents=True, exist_ok=True)
        part_file.write_bytes(b"")
        _write_json_atomic(prog_file, asdict(prog))
    result.resumed_from = prog.articles_done
    result.articles, result.rows = prog.articles_done, prog.rows
    result.dyad_rows, result.no_dyad = prog.dyad_rows, prog.no_dyad

    todo = islice(iter(articles), prog.articles_done, None)
    with open_writer(part_file, columns=columns, fmt="jsonl", append=True) as w:
        for chunk, done in _ordered_results(
            chunked(todo, chunk_size), jobs, model, model_location, columns
        ):
            # append mode: flushed and fsynced before we record it
            w.write_jsonl_text(done.text, done.rows)
            _count(result, chunk, done)
            prog.articles_done, prog.rows = result.articles, result.rows
            prog.dyad_rows, prog.no_dyad = result.dyad_rows, result.no_dyad
            prog.chunks_done += 1
            prog.partial_bytes = part_file.stat().st_size
            _write_json_atomic(prog_file, asdict(prog))
            if on_chunk:
                on_chunk(len(chunk))

    _finish(part_file, output, fmt, columns)
    prog_file.unlink(missing_ok=True)
    result.seconds = time.perf_counter() - started
    result.complete = True
    return result


def _count(result: BatchResult, chunk: list[Article], done: _Encoded) -> None:
    result.articles += len(chunk)
    result.rows += done.rows
    result.no_dyad += done.no_dyad
    result.dyad_rows += done.rows - done.no_dyad


def _cut_partial(part_file: Path, length: int) -> None:
    """Drop rows written after the last recorded chunk (they will be scored again)."""
    size = part_file.stat().st_size if part_file.exists() else -1
    if size < length:
        raise TensionError(
            f"{part_file}: shorter ({max(size, 0)} bytes) than the progress file records "
            f"({length}); it was changed or lost. Delete {part_file.name} and the .progress.json "
            "file to start over"
        )
    if size > length:
        log.info("%s: dropping %d bytes of an unrecorded chunk", part_file, size - length)
        with open(part_file, "rb+") as fh:
            fh.truncate(length)
            fh.flush()
            os.fsync(fh.fileno())


def _finish(part_file: Path, output: str, fmt: str, columns: list[str]) -> None:
    """Move the finished rows under the final name (atomically)."""
    from tension.read._write import open_writer

    if fmt == "jsonl":
        os.replace(part_file, output)
        return
    with open_writer(output, columns=columns) as w, open(part_file, encoding="utf-8") as fh:
        batch: list[dict[str, Any]] = []
        for line in fh:
            batch.append(json.loads(line))
            if len(batch) >= 10_000:
                w.write(batch)
                batch = []
        w.write(batch)
    part_file.unlink()
