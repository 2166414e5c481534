"""Score articles and build the tension index on Apache Spark, with the local code path.

Nothing here re-implements scoring: every executor runs :func:`tension.model._score.score_articles`
on pandas batches of rows (``mapInPandas``) and :func:`tension.batch._index.dyad_index` on the rows
of each dyad (``groupBy("dyad").applyInPandas``), so Spark and local results are the same
numbers. Import this module only when you use Spark (``pip install 'tension[spark]'``).

The model
    is loaded and checked once on the driver, written to bytes (a pickle, which
    ``joblib.load`` reads, plus its card with the sha256) and broadcast. Each executor Python
    worker loads it ONCE through :func:`tension.load_model` (which checks the sha256, trust,
    scikit-learn version and feature set) and keeps it in a module-level cache keyed by the
    sha256, so the next task on that worker reuses it (Spark reuses Python workers by
    default).

Bad rows
    behave as local scoring with ``on_error="skip"``, except that nothing vanishes: a row
    the reader would refuse (missing, empty or non-string text, a bad id, a malformed JSON
    line) becomes ONE output row with empty scores and ``reason`` ``"rejected: <why>"``
    (e.g. ``"rejected: empty text (field 'text')"``), with ``article_id`` the row's id when
    it has a usable one. Every input row is thus accounted for. A row without an id gets the
    content id (:func:`tension.read._io.content_id`), as a pandas DataFrame does locally.
    Duplicate ids are NOT detected (that needs a shuffle); ``dropDuplicates(["id"])`` first
    if your archive has them.

Output columns
    are ``SCORE_COLUMNS`` in order: ``signals`` and ``evidence`` as JSON strings, ``rank``
    and ``level`` as ints, ``p0``..``p4``, ``escalation_score`` and ``salience`` as doubles;
    every column is nullable (empty scores are null).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from tension._types import SCORE_COLUMNS, Article, IngestError, ModelError, TensionError
from tension.read._io import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from tension.model._model import TensionModel

__all__ = ["score", "index", "score_paths", "SCORE_SCHEMA", "INDEX_SCHEMA", "REJECTED"]

logger = logging.getLogger(__name__)

REJECTED = "rejected: "  # prefix of ``reason`` on a row the reader refused

_DOUBLE = ("salience", "escalation_score", "p0", "p1", "p2", "p3", "p4")
_INT = ("rank", "level")
_JSON = ("signals", "evidence")
SCORE_SCHEMA = ", ".join(
    f"{c} {'double' if c in _DOUBLE else 'int' if c in _INT else 'string'}" for c in SCORE_COLUMNS
)
INDEX_SCHEMA = (
    "dyad string, period string, n_articles long, n_stories long, mean_score double, "
    "max_score double, index double, lower double, upper double, se double, weight double, "
    "z double, alert boolean, alert_reason string, top_events string"
)
_PARTS_SCHEMA = "dyad string, n double, s double, ss double, last long"
_ARTICLE_FIELDS = ("source", "url", "language")
_READ_DEFAULTS = {"id_col": "id", "text_col": "text", "date_col": "date", "title_col": "title",
                  "max_bytes": DEFAULT_MAX_BYTES}  # score()'s, for score_paths' own job
_CORRUPT = "_corrupt_record"  # Spark's JSON reader puts lines it cannot parse here
_ORDER = "_tension_order"

# per executor Python worker: sha256 -> loaded model (a worker serves many tasks)
_MODELS: dict[str, TensionModel] = {}


# --------------------------------------------------------------------------- the model


def _model_bytes(model: Any, trusted: Iterable[str]) -> tuple[bytes, dict[str, Any]]:
    """The model as (pickle bytes, card with their sha256), checked on the driver first.

    A plain pickle, not :func:`tension.model._model.save_model`'s ``joblib.dump``: every job
    pays this on the driver before its first task, and the C pickler takes 0.12 s for the
    shipped model where joblib's Python one took 0.54 s (the compression is not the cost);
    ``joblib.load`` in the worker's ``load_model`` reads a plain pickle, and Spark compresses
    the broadcast itself."""
    from tension.model._model import TensionModel, load_model, stamp_card

    if not isinstance(model, TensionModel):
        model = load_model(model, trusted=trusted)
    # in-memory and registry models travel the same way: the card save_model would write
    data = pickle.dumps(model.payload, protocol=pickle.HIGHEST_PROTOCOL)
    return data, stamp_card(dict(model.card), hashlib.sha256(data).hexdigest())


def _worker_model(sha: str, card: dict[str, Any], bc: Any, trusted: tuple[str, ...]) -> Any:
    """The broadcast model, loaded once per Python worker and checked like any model file."""
    model = _MODELS.get(sha)
    if model is not None:
        return model
    from tension.model._model import CARD_FILE, MODEL_FILE, load_model

    data: bytes = bc.value
    got = hashlib.sha256(data).hexdigest()
    if got != sha:
        raise ModelError(f"broadcast model bytes have sha256 {got[:12]}..., expected {sha[:12]}...")
    with tempfile.TemporaryDirectory(prefix="tension-model-") as d:
        Path(d, MODEL_FILE).write_bytes(data)
        Path(d, CARD_FILE).write_text(json.dumps(card, default=str))
        model = load_model(d, trusted=trusted)  # sha256 vs card, trust, sklearn, features
    _MODELS[sha] = model
    logger.info("loaded model %s (sha %s) in worker pid %d", model.version, sha[:12], os.getpid())
    return model


# --------------------------------------------------------------------------- scoring


def _reject_row(rej: dict[str, Any], version: str) -> dict[str, Any]:
    why = str(rej.get("reason") or "unreadable record")
    if rej.get("field"):
        why += f" (field {rej['field']!r})"
    row: dict[str, Any] = dict.fromkeys(SCORE_COLUMNS)
    row.update(article_id=str(rej.get("id") or ""), dyad="", actor_a="", actor_b="",
               signals={}, evidence=[], model_version=version, reason=REJECTED + why)
    return row


def _json_records(lines: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """JSON lines (Spark's text reader's ``value`` column) as records, parsed in the Python
    worker: the JVM's JSON reader parsed every file twice (once to infer a schema) and
    converted the fields to Arrow and back. Blank lines are skipped, as the local reader
    does; a line that is not a JSON object (or an array of them) becomes a record carrying
    why, in ``_CORRUPT``."""
    for line in lines:
        if not isinstance(line, str) or not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            yield {_CORRUPT: f"malformed JSON: {msg}"}
            continue
        # a line holding an array of objects gives them all, as Spark's JSON reader did
        for item in obj if isinstance(obj, list) else [obj]:
            if isinstance(item, dict):
                item.pop(_CORRUPT, None)  # only this reader sets it
                yield item
            else:
                yield {_CORRUPT: "malformed JSON: expected an object, got "
                                 f"{type(item).__name__}"}


def score_pandas(pdf: pd.DataFrame, model: TensionModel, **options: Any) -> pd.DataFrame:
    """One batch of article rows to Spark-ready contract rows (what each executor runs).

    Each row is read by :func:`tension.as_articles` (``on_error="skip"``) and the articles are
    scored by :func:`tension.model._score.contract_rows`, as the local batch engine does;
    refused rows become ``rejected:`` rows after them. ``signals``/``evidence`` are JSON
    strings. ``options`` are ``id_col``, ``text_col``, ``date_col``, ``title_col`` and
    ``max_bytes``.
    """
    return score_records(pdf.to_dict("records"), model, **options)


def score_records(records: Iterable[dict[str, Any]], model: TensionModel,
                  **options: Any) -> pd.DataFrame:
    """:func:`score_pandas` on records (dicts); a record with a string in ``_CORRUPT`` (a
    line Spark's JSON reader or :func:`_json_records` could not parse) is a rejected row."""
    from tension._gc import bulk_gc
    from tension.model._score import analyse, contract_rows
    from tension.read._io import as_articles

    articles: list[Article] = []
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    with bulk_gc():
        for rec in records:
            corrupt = rec.pop(_CORRUPT, None)
            if isinstance(corrupt, str):
                why = corrupt if corrupt.startswith("malformed JSON") else "malformed JSON"
                rejected.append(_reject_row({"reason": why}, model.version))
                continue
            # one record per call: a repeated id is not an error here (see below)
            rej: list[dict[str, Any]] = []
            articles += as_articles([rec], on_error="skip", rejects=rej, **options)
            rejected += (_reject_row(r, model.version) for r in rej)
        # contract_rows keys its rows by article id: a batch with a repeated id (not checked
        # on Spark) is scored in runs without repeats so each copy keeps its own evidence
        runs: list[list[Article]] = [[]]
        ids: set[str] = set()
        for art in articles:
            if art.id in ids:
                runs.append([])
                ids = set()
            ids.add(art.id)
            runs[-1].append(art)
        for run in runs:
            rows += contract_rows([analyse(a) for a in run], model)
    return _spark_frame(rows + rejected)


def _spark_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Contract rows as the frame ``SCORE_SCHEMA`` takes, a column at a time: doubles with
    NaN for empty, nullable Int32, JSON strings, and plain objects for the other strings
    (pyspark's Arrow path cannot take pandas 3's Arrow-backed str dtype)."""
    import numpy as np

    cols: dict[str, Any] = {}
    for c in SCORE_COLUMNS:
        values = [r[c] for r in rows]
        if c in _DOUBLE:
            cols[c] = np.array(values, dtype="float64")  # None -> NaN
        elif c in _INT:
            cols[c] = pd.array(values, dtype="Int32")
        elif c in _JSON:
            cols[c] = pd.Series([json.dumps(v, ensure_ascii=False) for v in values],
                                dtype=object)
        else:
            cols[c] = pd.Series(values, dtype=object)
    return pd.DataFrame(cols, columns=list(SCORE_COLUMNS))


class _NoSkipped(logging.Filter):
    """On executors a refused row is already an output row: drop the reader's per-row warning
    (it would name "<python>, line 1", not the input file)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("skipped: ")


def _score_batches(
    batches: Iterator[pd.DataFrame],
    *,
    sha: str,
    card: dict[str, Any],
    bc: Any,
    trusted: tuple[str, ...],
    options: dict[str, Any],
    json_lines: bool = False,
    counters: tuple[Any, Any, Any] | None = None,
) -> Iterator[pd.DataFrame]:
    io_log = logging.getLogger("tension.read._io")
    if not any(isinstance(f, _NoSkipped) for f in io_log.filters):
        io_log.addFilter(_NoSkipped())
    model = _worker_model(sha, card, bc, trusted)
    for pdf in batches:
        if json_lines:
            out = score_records(_json_records(pdf["value"]), model, **options)
        else:
            out = score_pandas(pdf, model, **options)
        if counters is not None:
            for acc, n in zip(counters, _counts(out), strict=True):
                acc.add(n)
        yield out


def _counts(out: pd.DataFrame) -> tuple[int, int, int]:
    """(rows, rejected rows, articles) of a batch of score rows: an article gives one no_dyad
    row or rows ranked 1, 2, ...; the first is counted."""
    rej = out["reason"].fillna("").str.startswith(REJECTED).to_numpy(bool)
    rank = out["rank"]
    first = ~rej & (rank.isna() | (rank == 1)).to_numpy(bool)
    return len(out), int(rej.sum()), int(first.sum())


def score(
    spark_df: DataFrame,
    model: TensionModel | str | os.PathLike[str] | None = None,
    *,
    id_col: str = "id",
    text_col: str = "text",
    date_col: str = "date",
    title_col: str = "title",
    max_bytes: int = DEFAULT_MAX_BYTES,
    trusted: Iterable[str] = (),
) -> DataFrame:
    """Score a Spark DataFrame of articles into the scoring contract (lazily).

    ``spark_df`` needs a ``text_col`` column; ``id_col``, ``date_col``, ``title_col`` and
    ``source``/``url``/``language`` are used when present. ``model`` is a
    :class:`~tension.TensionModel`, anything :func:`tension.load_model` accepts, or ``None``
    for the shipped model. Returns a DataFrame with exactly the columns of ``SCORE_SCHEMA``;
    see the module docstring for rejected rows.
    """
    require_pyspark()
    options = {"id_col": id_col, "text_col": text_col, "date_col": date_col,
               "title_col": title_col, "max_bytes": max_bytes}
    return _map_scores(_article_frame(spark_df, options), model, tuple(trusted), options)


def _article_frame(spark_df: DataFrame, options: dict[str, Any]) -> DataFrame:
    """The columns scoring reads (``options``' and ``_ARTICLE_FIELDS``); the text must be one."""
    text_col = options["text_col"]
    if text_col not in spark_df.columns:
        raise TensionError(
            f"no column {text_col!r} in the DataFrame (columns: {', '.join(spark_df.columns)}); "
            "pass text_col=..."
        )
    wanted = (*(options[f"{k}_col"] for k in ("id", "text", "date", "title")),
              *_ARTICLE_FIELDS, _CORRUPT)
    return spark_df.select(*dict.fromkeys(c for c in wanted if c in spark_df.columns))


def _map_scores(df: DataFrame, model: TensionModel | str | os.PathLike[str] | None,
                trusted: tuple[str, ...], options: dict[str, Any],
                json_lines: bool = False,
                counters: tuple[Any, Any, Any] | None = None) -> DataFrame:
    """The scoring job on ``df``: article columns, or (``json_lines``) the one ``value``
    column of Spark's text reader holding JSON lines. ``counters``: three accumulators the
    tasks add their (rows, rejects, articles) to (see :func:`_counts`)."""
    data, card = _model_bytes(model, trusted)
    bc = df.sparkSession.sparkContext.broadcast(data)
    fn = functools.partial(_score_batches, sha=card["sha256"], card=card, bc=bc,
                           trusted=trusted, options=options, json_lines=json_lines,
                           counters=counters)
    return df.mapInPandas(fn, SCORE_SCHEMA)


# --------------------------------------------------------------------------- the index


def _ordered(pdf: pd.DataFrame) -> pd.DataFrame:
    # the local index keeps the first-seen copy of a story: restore the input order
    return pdf.sort_values(_ORDER, kind="stable").drop(columns=_ORDER).reset_index(drop=True)


def _parts(pdf: pd.DataFrame, *, freq: str) -> pd.DataFrame:
    from tension.batch._index import index_parts

    n, s, ss, last = index_parts(_ordered(pdf), freq=freq)
    return pd.DataFrame({"dyad": [str(pdf["dyad"].iloc[0])], "n": [n], "s": [s], "ss": [ss],
                         "last": pd.array([last], dtype="Int64")})


def _dyad_index(pdf: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    from tension.batch._index import dyad_index

    out = dyad_index(_ordered(pdf), **kwargs)
    return out.astype({"n_articles": "int64", "n_stories": "int64", "alert": "bool"})


def index(
    scores_sdf: DataFrame,
    freq: str = "D",
    half_life: float = 7.0,
    min_articles: int = 1,
    alert_z: float = 3.0,
) -> DataFrame:
    """The tension index (``tension.tension_index``) of a Spark DataFrame of scores.

    Same definitions and columns (``INDEX_SCHEMA``), one group of rows per dyad computed by
    the local code. The table-wide terms (pooled sigma, last period) need a first pass, so
    the scores are read twice: ``persist()`` a computed scores DataFrame, or read it back from
    Parquet, before calling this. Rows without a dyad are dropped before the shuffle.
    """
    from pyspark.sql import functions as F

    from tension.batch._index import FREQS, sigma_from_pooled

    if freq not in FREQS:
        raise TensionError(f"freq must be one of {', '.join(FREQS)}, got {freq!r}")
    if half_life <= 0:
        raise TensionError(f"half_life must be positive, got {half_life}")
    if min_articles < 1:
        raise TensionError(f"min_articles must be at least 1, got {min_articles}")
    needed = ("article_id", "dyad", "escalation_score", "date")
    missing = [c for c in needed if c not in scores_sdf.columns]
    if missing:
        raise TensionError(f"scores lack column(s) {', '.join(missing)}")
    cols = [c for c in (*needed, "evidence", "cluster") if c in scores_sdf.columns]
    sdf = (
        scores_sdf.select(*cols)
        .withColumn(_ORDER, F.monotonically_increasing_id())
        .where(F.col("dyad").isNotNull() & (F.col("dyad") != ""))
    )
    parts = sdf.groupBy("dyad").applyInPandas(
        functools.partial(_parts, freq=freq), _PARTS_SCHEMA
    ).orderBy("dyad").collect()
    spark = scores_sdf.sparkSession
    lasts = [p["last"] for p in parts if p["last"] is not None]
    if not lasts:
        return spark.createDataFrame([], INDEX_SCHEMA)
    sigma0 = sigma_from_pooled(
        sum(p["n"] for p in parts), sum(p["s"] for p in parts), sum(p["ss"] for p in parts)
    )
    fn = functools.partial(
        _dyad_index, sigma0=sigma0, last=max(lasts), freq=freq, half_life=half_life,
        min_articles=min_articles, alert_z=alert_z,
    )
    return sdf.groupBy("dyad").applyInPandas(fn, INDEX_SCHEMA).orderBy("dyad", "period")


# --------------------------------------------------------------------------- files


def require_pyspark() -> None:
    """One line naming the install, rather than a ModuleNotFoundError traceback."""
    import importlib.util

    if importlib.util.find_spec("pyspark") is None:
        raise TensionError(
            "the Spark engine needs pyspark and Java 17+: "
            'pip install "tension[spark]" (and a JDK, e.g. openjdk-17-jre-headless)'
        )


# The JVM a scoring job starts runs for one job, and does little per row (reads, Arrow
# batches, writes): its optimising compiler (C2) cost more CPU than the job's own work
# (4.4 of 8.9 JVM CPU-seconds on 4,000 news articles, local[2]) and the session took 10-12 s
# to start instead of 4. C1 alone compiles what the job needs and ran the tasks as fast.
FAST_JVM = "-XX:TieredStopAtLevel=1"


def _java_options_given() -> bool:
    """Whether the user chose the driver's JVM options (or a JVM is already running)."""
    if os.environ.get("PYSPARK_GATEWAY_PORT"):  # spark-submit started the driver already
        return True
    if "java-options" in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        return True
    for conf_dir in (os.environ.get("SPARK_CONF_DIR"),
                     os.environ.get("SPARK_HOME") and os.path.join(os.environ["SPARK_HOME"],
                                                                   "conf")):
        defaults = Path(conf_dir or "", "spark-defaults.conf")
        if conf_dir and defaults.is_file() and \
                "spark.driver.extraJavaOptions" in defaults.read_text(errors="replace"):
            return True
    return False


def _session_builder(master: str | None = None) -> Any:
    """The ``SparkSession.builder`` ``tension score --engine spark`` starts a session with
    when none is active: workers run this Python, and a local driver JVM that the user did
    not configure gets ``FAST_JVM`` (C1 only, see above)."""
    require_pyspark()
    from pyspark.sql import SparkSession

    # workers must run this interpreter (with tension installed), not python3 from PATH
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("tension-score")
    if master:
        builder = builder.master(master)
    if not _java_options_given():
        builder = builder.config("spark.driver.extraJavaOptions", FAST_JVM)
    return builder


def _session() -> SparkSession:
    require_pyspark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    session: SparkSession = _session_builder().getOrCreate()
    return session


_READ_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "json", ".ndjson": "json",
                 ".json": "json", ".jsonl.gz": "json", ".ndjson.gz": "json", ".json.gz": "json"}
# what the local engine reads and Spark has no matching reader for
_DRIVER_FORMATS = {".txt": "text", ".md": "text", ".csv": "csv", ".csv.gz": "csv"}
_WRITE_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "json", ".ndjson": "json",
                  ".json": "json", ".csv": "csv"}


def _suffix_format(path: str, table: dict[str, str]) -> str | None:
    name = path.rstrip("/").lower()
    return next((f for s, f in table.items() if name.endswith(s)), None)


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def _driver_articles(spark: SparkSession, inputs: Sequence[str], on_error: str,
                     read_options: dict[str, Any]) -> DataFrame:
    """Files Spark has no reader for (``.txt``/``.md`` articles, CSV with quoted line breaks):
    read on the driver by the local engine's own reader, so both engines see the same articles
    (ids, dates, titles), then handed to Spark with their original text."""
    from tension.read._io import read_articles

    remote = [p for p in inputs if not _is_local(p)]
    if remote:
        raise TensionError(
            f"{remote[0]}: text and CSV inputs are read on the driver and must be local files; "
            "convert them to Parquet or JSON lines for a cluster file system"
        )
    paths = [p.removeprefix("file://") for p in inputs]
    rows = [
        {"id": a.id, "text": a.raw_text or a.text, "title": a.title, "date": a.date,
         "source": a.source, "url": a.url, "language": a.language}
        for a in read_articles(paths, on_error=on_error, **read_options)
    ]
    schema = ", ".join(f"{c} string" for c in ("id", "text", "title", "date", "source", "url",
                                               "language"))
    # in order, in as many slices as the files of a scoring job (see _scoring_splits)
    slices = max(1, min(len(rows), TASKS_PER_CORE * spark.sparkContext.defaultParallelism))
    return spark.createDataFrame(spark.sparkContext.parallelize(rows, slices), schema)


def _needs_driver(inputs: Sequence[str]) -> bool:
    """Whether any input is one Spark cannot read as the local engine does."""
    for p in inputs:
        if _suffix_format(p, _READ_FORMATS) is not None:
            continue
        if _suffix_format(p, _DRIVER_FORMATS) is not None:
            return True
        if _is_local(p) and os.path.isdir(p.removeprefix("file://")):
            names = [f.name for f in Path(p.removeprefix("file://")).iterdir()
                     if not f.name.startswith((".", "_"))]
            if any(_suffix_format(n, _DRIVER_FORMATS) for n in names):
                return True
    return False


def _input_format(inputs: Sequence[str]) -> str:
    kinds = set()
    for p in inputs:
        kind = _suffix_format(p, _READ_FORMATS)
        if kind is None and os.path.isdir(p):  # a local folder: look at its files
            names = [f.name for f in Path(p).iterdir() if not f.name.startswith((".", "_"))]
            kind = next((k for n in names if (k := _suffix_format(n, _READ_FORMATS))), None)
        if kind is None:
            raise TensionError(
                f"{p}: cannot tell the format from the name; pass format='parquet' or 'json'"
            )
        kinds.add(kind)
    if len(kinds) > 1:
        raise TensionError("inputs mix Parquet and JSON lines; score them separately")
    return kinds.pop()


# Scoring costs about 4 ms of CPU per KB of text, a million times what Spark's file splitting
# assumes a byte costs: its default splits (no smaller than spark.sql.files.openCostInBytes,
# 4 MB, about 2,700 news articles) leave a 2.5 MB file in ONE task, and 10 MB in two unequal
# tasks on two cores. For the scoring job, split the input in about this many tasks per core
# (so a slow task does not leave cores idle at the end), packing small files by their size.
TASKS_PER_CORE = 4
_SPLIT_CONF = {"spark.sql.files.openCostInBytes": str(64 << 10)}


@contextlib.contextmanager
def _scoring_splits(spark: SparkSession) -> Iterator[None]:
    """Session settings for reading the files of a scoring job (restored after); a setting
    the session already has is kept."""
    cores = spark.sparkContext.defaultParallelism
    wanted = {**_SPLIT_CONF, "spark.sql.files.minPartitionNum": str(TASKS_PER_CORE * cores)}
    saved = {k: spark.conf.get(k, None) for k in wanted}
    try:
        for k, v in wanted.items():
            if saved[k] is None:
                spark.conf.set(k, v)
        yield
    finally:
        for k, old in saved.items():
            if old is None:
                spark.conf.unset(k)


def _hadoop_fs(spark: SparkSession, path: str) -> tuple[Any, Any]:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    p = jvm.org.apache.hadoop.fs.Path(path)
    return p.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), p


def score_paths(
    inputs: Sequence[str],
    output: str,
    *,
    model: TensionModel | str | os.PathLike[str] | None = None,
    on_error: str = "fail",
    format: str | None = None,
    spark: SparkSession | None = None,
    trusted: Iterable[str] = (),
    **read_options: Any,
) -> dict[str, Any]:
    """Score article files Spark can read into ``output`` (``tension score --engine spark``).

    ``inputs`` are Parquet or JSON-lines paths, folders or globs on any file system the
    cluster has (local, ``hdfs://``, ``s3a://``); ``format`` overrides the guess from the
    name. ``output`` is a directory of part files; ``.parquet``, ``.jsonl``/``.json`` or
    ``.csv`` picks the writer. It is written beside as ``<output>.tmp-*`` and renamed into
    place (replacing an old one) only when complete. ``on_error="fail"`` refuses to publish
    when any row was rejected, naming the first; ``"skip"`` keeps them as ``rejected:`` rows.
    ``read_options``: ``id_col``, ``text_col``, ``date_col``, ``title_col``, ``max_bytes``.
    Uses the active Spark session, or starts one (``spark-submit`` sets the master).
    Files are read in about ``TASKS_PER_CORE`` scoring tasks per core (see
    :func:`_scoring_splits`; settings already made in the session are kept).
    Returns ``{"articles", "rows", "rejects", "tasks", "seconds"}``.
    """
    t0 = time.perf_counter()
    if on_error not in ("fail", "skip"):
        raise ValueError(f"on_error must be 'fail' or 'skip', not {on_error!r}")
    allowed = {"id_col", "text_col", "date_col", "title_col", "max_bytes"}
    unknown = set(read_options) - allowed
    if unknown:
        raise TypeError(
            f"option(s) {', '.join(sorted(unknown))} not supported with Spark "
            f"(supported: {', '.join(sorted(allowed))})"
        )
    inputs = [os.fspath(p) for p in inputs]
    if not inputs:
        raise TensionError("no input paths")
    out_fmt = _suffix_format(output, _WRITE_FORMATS)
    if out_fmt is None:
        raise TensionError(f"{output}: output name must end in .parquet, .jsonl, .json or .csv")
    spark = spark or _session()
    with _scoring_splits(spark):
        return _score_paths(spark, inputs, output, out_fmt, model, on_error, format, trusted,
                            read_options, t0)


def _score_paths(spark: SparkSession, inputs: list[str], output: str, out_fmt: str,
                 model: TensionModel | str | os.PathLike[str] | None, on_error: str,
                 format: str | None, trusted: Iterable[str], read_options: dict[str, Any],
                 t0: float) -> dict[str, Any]:
    if format is None and _needs_driver(inputs):
        articles_df = _driver_articles(spark, inputs, on_error, read_options)
        # the driver read the columns by their names already
        read_options = {k: v for k, v in read_options.items() if k == "max_bytes"}
        fmt = "driver"
    else:
        fmt = format or _input_format(inputs)
        # JSON lines are parsed in the Python workers (see _json_records)
        reader = spark.read.text if fmt == "json" else spark.read.format(fmt).load
        articles_df = reader(inputs)
    partitions = articles_df.rdd.getNumPartitions()
    options = {**_READ_DEFAULTS, **read_options}
    if fmt != "json":  # score()'s job, with counters
        articles_df = _article_frame(articles_df, options)
    # the tasks count what they write (accumulators: a failed attempt's counts are dropped),
    # rather than a second job reading the output back
    sc = spark.sparkContext
    counters = (sc.accumulator(0), sc.accumulator(0), sc.accumulator(0))
    scores = _map_scores(articles_df, model, tuple(trusted), options,
                         json_lines=fmt == "json", counters=counters)

    tmp = f"{output.rstrip('/')}.tmp-{uuid.uuid4().hex[:8]}"
    fs, tmp_path = _hadoop_fs(spark, tmp)
    try:
        writer = scores.write.mode("overwrite")
        if out_fmt == "csv":
            writer = writer.option("header", True)
        try:
            writer.format(out_fmt).save(tmp)
        except Exception as exc:  # Py4JJavaError/PySparkException: a failed job, one line
            if type(exc).__module__.split(".")[0] not in ("py4j", "pyspark"):
                raise
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
            # the executor's own error (e.g. a ModelError) says more than the JVM's first line
            first = next((ln for ln in lines if ln.startswith("tension._types.")),
                         lines[0] if lines else type(exc).__name__)
            raise TensionError(
                f"the Spark job failed ({first[:300]}); nothing was written to {output}. "
                "A task that loses its Python worker (killed, out of memory) is retried "
                "spark.task.maxFailures times: 4 on a cluster, once in local[N] (use local[N,F])"
            ) from None
        rows, rejects, n_articles = (int(c.value) for c in counters)
        if rejects and on_error == "fail":
            from pyspark.sql import functions as F

            back = spark.read.format(out_fmt).schema(SCORE_SCHEMA)
            if out_fmt == "csv":
                back = back.option("header", True)
            is_rej: Any = F.coalesce(F.col("reason").startswith(REJECTED), F.lit(False))
            bad = back.load(tmp).where(is_rej).select("article_id", "reason").first()
            assert bad is not None
            raise IngestError(
                f"{bad['reason'].removeprefix(REJECTED)}; {rejects} row(s) rejected in all, "
                "nothing written (use on_error='skip' / --on-error skip to keep them as "
                "'rejected:' rows)",
                path=",".join(inputs),
                record_id=bad["article_id"] or None,
            )
        fs_out, out_path = _hadoop_fs(spark, output)
        if fs_out.exists(out_path):
            fs_out.delete(out_path, True)
        if not fs.rename(tmp_path, out_path):
            raise TensionError(f"could not move {tmp} to {output}")
    finally:
        if fs.exists(tmp_path):
            fs.delete(tmp_path, True)
    seconds = round(time.perf_counter() - t0, 2)
    logger.info("spark: %d articles, %d rows, %d rejected, %d tasks, %.1f s -> %s",
                n_articles, rows, rejects, partitions, seconds, output)
    return {"articles": n_articles, "rows": rows, "rejects": rejects, "tasks": partitions,
            "seconds": seconds}
