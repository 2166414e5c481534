"""Spark scoring and index equal local scoring and ``tension_index`` on the same input.

Runs a real local Spark session (``local[2]``, the machine's Java). Skips only when Java or
pyspark is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tension._types import SCORE_COLUMNS, IngestError
from tension.read._io import as_articles, content_id

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "seeds" / "corpus.jsonl"

pytestmark = pytest.mark.slow

FLOATS = ["salience", "escalation_score", "p0", "p1", "p2", "p3", "p4"]
INTS = ["rank", "level"]
STRINGS = ["article_id", "dyad", "actor_a", "actor_b", "date", "model_version", "reason"]

# own-written rows: no dyad, and the ways a row can be refused
NO_DYAD = "The city council approved a new budget for parks and libraries on Tuesday evening."
EXTRA_ROWS = [
    {"id": "no-dyad", "title": "Council budget", "date": "2024-05-02", "text": NO_DYAD},
    {"id": "empty-text", "title": None, "date": None, "text": "   "},
    {"id": "missing-text", "title": "Nothing here", "date": "2024-05-03", "text": None},
    {"id": "markup-only", "title": None, "date": None, "text": "<p></p>"},
    # no id: the content id, as for a local DataFrame
    {"id": None, "title": None, "date": "2024-05-04",
     "text": "Chile and Peru signed a fisheries accord in Lima on Friday."},
]


def _java() -> str | None:
    java = shutil.which("java")
    if java is None and os.environ.get("JAVA_HOME"):
        cand = Path(os.environ["JAVA_HOME"]) / "bin" / "java"
        java = str(cand) if cand.is_file() else None
    return java


@pytest.fixture(scope="module")
def spark():
    if _java() is None:
        pytest.skip("no Java on this machine (Spark 4 needs Java 17+, e.g. openjdk-17-jre)")
    pyspark = pytest.importorskip("pyspark", reason="pyspark not installed (pip install '.[dev]')")
    del pyspark
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("tension-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")  # several batches
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def model():
    from tension.model._model import load_model

    return load_model()


@pytest.fixture(scope="module")
def articles_pdf(seed_path: Path) -> pd.DataFrame:
    rows = []
    with open(CORPUS, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            rows.append({k: r.get(k) for k in ("id", "title", "date", "text")})
    rows.append({"id": "seed", "title": None, "date": None,
                 "text": seed_path.read_text(encoding="utf-8")})
    rows += EXTRA_ROWS
    return pd.DataFrame(rows, columns=["id", "title", "date", "text"])


def _sdf(spark, pdf: pd.DataFrame):
    schema = "id string, title string, date string, text string"
    return spark.createDataFrame(pdf.astype(object).where(pdf.notna(), None), schema)


def _local_expected(pdf: pd.DataFrame, model) -> tuple[pd.DataFrame, list[dict]]:
    """Local scoring (on_error='skip') of the same rows, and its rejects."""
    from tension.model._score import score_articles

    rejects: list[dict] = []
    local = score_articles(as_articles(pdf, on_error="skip", rejects=rejects), model)
    return local, rejects


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    f = frame.copy()
    f["_rank"] = pd.to_numeric(f["rank"]).fillna(0)
    return f.sort_values(["article_id", "_rank"], kind="stable").drop(columns="_rank").reset_index(
        drop=True
    )


@pytest.fixture(scope="module")
def spark_scores(spark, articles_pdf, model) -> pd.DataFrame:
    from tension import spark as tspark

    out = tspark.score(_sdf(spark, articles_pdf).repartition(3), model)
    assert out.columns == list(SCORE_COLUMNS)
    return out.toPandas()


def test_schema_types(spark, articles_pdf, model):
    from tension import spark as tspark

    types = dict(tspark.score(_sdf(spark, articles_pdf.head(2)), model).dtypes)
    assert [types[c] for c in FLOATS] == ["double"] * len(FLOATS)
    assert [types[c] for c in INTS] == ["int", "int"]
    assert types["signals"] == types["evidence"] == "string"


def test_scores_identical_to_local(spark_scores, articles_pdf, model):
    local, rejects = _local_expected(articles_pdf, model)
    got = spark_scores[~spark_scores["reason"].str.startswith("rejected: ")]
    assert len(got) == len(local) > len(articles_pdf) - len(rejects)  # some have 2+ dyads
    a, b = _sorted(got), _sorted(local)
    for c in STRINGS:
        assert a[c].fillna("").tolist() == b[c].fillna("").tolist(), c
    for c in INTS:
        assert a[c].astype("Int64").tolist() == b[c].astype("Int64").tolist(), c
    for c in FLOATS:  # the same code path: exactly equal, not approximately
        x, y = a[c].to_numpy(dtype=float), b[c].to_numpy(dtype=float)
        assert np.array_equal(x, y, equal_nan=True), c
    assert [json.loads(s) for s in a["signals"]] == b["signals"].tolist()
    assert [json.loads(s) for s in a["evidence"]] == b["evidence"].tolist()
    # the parts that must not be vacuous
    assert (a["reason"] == "no_dyad").sum() >= 1 and "no-dyad" in set(a["article_id"])
    assert a["escalation_score"].notna().sum() > 100
    hashed = content_id(EXTRA_ROWS[-1]["text"])
    assert hashed in set(a["article_id"])


def test_every_bad_row_accounted_for(spark_scores, articles_pdf, model):
    _, rejects = _local_expected(articles_pdf, model)
    rej = spark_scores[spark_scores["reason"].str.startswith("rejected: ")]
    assert sorted(rej["article_id"]) == sorted(r["id"] or "" for r in rejects)
    assert sorted(rej["article_id"]) == ["empty-text", "markup-only", "missing-text"]
    for r in rejects:
        row = rej[rej["article_id"] == r["id"]].iloc[0]
        assert row["reason"] == f"rejected: {r['reason']} (field {r['field']!r})"
        assert row[FLOATS + INTS].isna().all()
        assert row["dyad"] == "" and row["signals"] == "{}" and row["evidence"] == "[]"
    # every input row is in the output: scored articles plus rejected rows
    assert spark_scores["article_id"].nunique() == len(articles_pdf)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"id": "n1", "text": 42}, "rejected: expected a string, got int (field 'text')"),
        ({"id": "n2", "text": ""}, "rejected: empty text (field 'text')"),
    ],
)
def test_wrong_type_row(spark, model, bad, reason):
    from tension import spark as tspark

    schema = "id string, text long" if isinstance(bad["text"], int) else "id string, text string"
    got = tspark.score(spark.createDataFrame([bad], schema), model).toPandas()
    assert got["reason"].tolist() == [reason]
    assert got["article_id"].tolist() == [bad["id"]]


def test_missing_text_column_is_an_error(spark, model):
    from tension import spark as tspark
    from tension._types import TensionError

    with pytest.raises(TensionError, match="no column 'body'"):
        tspark.score(spark.createDataFrame([{"id": "x", "text": "y"}]), model, text_col="body")


def test_index_equals_local(spark, spark_scores, articles_pdf, model):
    from tension import spark as tspark
    from tension.batch._index import tension_index

    local, _ = _local_expected(articles_pdf, model)
    want = tension_index(local, freq="D", half_life=7.0)
    assert len(want) > 50 and want["alert"].any()
    got = tspark.index(spark.createDataFrame(spark_scores), freq="D", half_life=7.0).toPandas()
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for c in ("dyad", "period", "alert_reason", "top_events"):
        assert got[c].tolist() == want[c].tolist(), c
    for c in ("n_articles", "n_stories", "alert"):
        assert got[c].tolist() == want[c].astype(got[c].dtype).tolist(), c
    for c in ("mean_score", "max_score", "index", "weight"):  # no pooled term: exact
        assert np.array_equal(got[c].to_numpy(float), want[c].to_numpy(float), equal_nan=True), c
    # se, band and z use the pooled sigma, summed per dyad on Spark: equal up to rounding
    for c in ("se", "lower", "upper", "z"):
        np.testing.assert_allclose(got[c].to_numpy(float), want[c].to_numpy(float), rtol=1e-9)


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_score_paths(spark, tmp_path, articles_pdf, model, suffix):
    from tension import spark as tspark

    src = tmp_path / "in.jsonl"
    pdf = articles_pdf.head(20)
    with open(src, "w", encoding="utf-8") as fh:
        for rec in pdf.to_dict("records"):
            fh.write(json.dumps(rec) + "\n")
        fh.write("{not json\n")
    out = tmp_path / f"scores{suffix}"
    with pytest.raises(IngestError, match="malformed JSON"):
        tspark.score_paths([str(src)], str(out), model=model, spark=spark)
    assert not out.exists() and not list(tmp_path.glob("*.tmp-*"))
    stats = tspark.score_paths([str(src)], str(out), model=model, on_error="skip", spark=spark)
    assert out.is_dir()
    back = spark.read.format("parquet" if suffix == ".parquet" else "json").load(str(out))
    back = back.toPandas()
    local, _ = _local_expected(pdf, model)
    assert stats["rejects"] == 1 and stats["articles"] == 20
    assert stats["rows"] == len(back) == len(local) + 1
    assert set(back["article_id"]) - {""} == set(local["article_id"])
    assert stats["tasks"] == 1  # 30 KB: under the smallest split (64 KB)
    assert spark.conf.get("spark.sql.files.minPartitionNum", None) is None
    assert spark.conf.get("spark.sql.files.openCostInBytes", None) is None


def test_scoring_splits(spark, tmp_path):
    """A 1 MB file (about 600 news articles, 3 CPU-seconds) is one Spark task by default,
    about TASKS_PER_CORE per core for scoring."""
    from tension.batch import spark as bs

    src = tmp_path / "big.jsonl"
    src.write_text("".join(json.dumps({"id": str(k), "text": "word " * 320}) + "\n"
                           for k in range(640)))
    cores = spark.sparkContext.defaultParallelism
    assert spark.read.json(str(src)).rdd.getNumPartitions() == 1
    with bs._scoring_splits(spark):
        n = spark.read.json(str(src)).rdd.getNumPartitions()
    assert bs.TASKS_PER_CORE * cores <= n <= bs.TASKS_PER_CORE * cores + 1


def test_scoring_splits_keep_the_sessions_settings(spark):
    from tension.batch import spark as bs

    spark.conf.set("spark.sql.files.minPartitionNum", "3")
    try:
        with bs._scoring_splits(spark):
            assert spark.conf.get("spark.sql.files.minPartitionNum") == "3"
            assert spark.conf.get("spark.sql.files.openCostInBytes") == str(64 << 10)
        assert spark.conf.get("spark.sql.files.minPartitionNum") == "3"
        assert spark.conf.get("spark.sql.files.openCostInBytes", None) is None
    finally:
        spark.conf.unset("spark.sql.files.minPartitionNum")


def test_session_builder_jvm_options(tmp_path, monkeypatch):
    """A JVM that tension starts gets C1 only, unless the user chose the driver's options."""
    pytest.importorskip("pyspark", reason="pyspark not installed (pip install '.[dev]')")
    from tension.batch import spark as bs

    for var in ("PYSPARK_GATEWAY_PORT", "PYSPARK_SUBMIT_ARGS", "SPARK_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    assert not bs._java_options_given()
    (tmp_path / "spark-defaults.conf").write_text("spark.driver.extraJavaOptions -Xss4m\n")
    assert bs._java_options_given()
    monkeypatch.delenv("SPARK_CONF_DIR")
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", "--driver-java-options -Xss4m pyspark-shell")
    assert bs._java_options_given()


def test_score_paths_reads_text_files_as_the_local_engine_does(spark, tmp_path, seed_path, model):
    """.txt/.md articles (which Spark has no reader for) give the local engine's rows."""
    from tension import spark as tspark
    from tension.read._io import read_articles

    src = tmp_path / "docs"
    src.mkdir()
    (src / "seed.txt").write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "brief.md").write_text("Pakistan recalled its ambassador from Iran on Wednesday.\n",
                                  encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    stats = tspark.score_paths([str(src)], str(out), model=model, spark=spark)
    got = _sorted(spark.read.json(str(out)).toPandas())
    from tension.model._score import score_articles

    want = _sorted(score_articles(read_articles(str(src)), model))
    assert stats["articles"] == 2
    assert got["article_id"].tolist() == want["article_id"].tolist() == [
        "brief.md", "seed.txt"] + ["seed.txt"] * (len(want) - 2)
    assert got["dyad"].fillna("").tolist() == want["dyad"].fillna("").tolist()
    np.testing.assert_allclose(got["escalation_score"].to_numpy(float),
                               want["escalation_score"].to_numpy(float))


def test_java_is_17_or_newer():
    """Spark 4 needs Java 17+; the session above uses the java on PATH (or JAVA_HOME)."""
    java = _java()
    if java is None:
        pytest.skip("no Java on this machine")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    major = int(out.split('"')[1].split(".")[0])
    assert major >= 17, out


def test_index_wire_copies_keep_first_seen(spark):
    """With a cluster column the first copy of a story counts: Spark restores input order."""
    from tension import spark as tspark
    from tension.batch._index import tension_index

    rng = np.random.default_rng(3)
    rows = []
    for i in range(400):
        day = f"2025-03-{1 + i % 20:02d}"
        rows.append({
            "article_id": f"a{i}", "dyad": ["CHL-PER", "NOR-POL", ""][i % 3],
            "escalation_score": float(np.round(rng.uniform(0, 100), 2)),
            "date": day if i % 17 else None,
            "cluster": f"c{i % 45}" if i % 2 else None,  # copies with different scores
        })
    pdf = pd.DataFrame(rows)
    want = tension_index(pdf, freq="D", half_life=3.0)
    schema = "article_id string, dyad string, escalation_score double, date string, cluster string"
    sdf = spark.createDataFrame(pdf.astype(object).where(pdf.notna(), None), schema)
    got = tspark.index(sdf.coalesce(4), freq="D", half_life=3.0).toPandas()
    assert got["dyad"].tolist() == want["dyad"].tolist() and set(got["dyad"]) == {
        "CHL-PER", "NOR-POL"}
    for c in ("n_articles", "n_stories"):
        assert got[c].tolist() == want[c].tolist(), c
    for c in ("mean_score", "max_score", "index"):
        assert np.array_equal(got[c].to_numpy(float), want[c].to_numpy(float), equal_nan=True), c


@pytest.mark.parametrize(
    ("lines", "want"),
    [
        (['{"id": "a", "text": "x"}'], [{"id": "a", "text": "x"}]),
        (["", "   ", '{"id": "a", "text": "x"}'], [{"id": "a", "text": "x"}]),  # blanks skip
        (['[{"id": "a"}, {"id": "b"}]'], [{"id": "a"}, {"id": "b"}]),  # an array's objects
        (["{not json"], ["malformed JSON: Expecting property name enclosed in double quotes"]),
        (['"just a string"'], ["malformed JSON: expected an object, got str"]),
        (['[{"id": "a"}, 3]'], [{"id": "a"}, "malformed JSON: expected an object, got int"]),
        # a field named like the marker is the article's own and not trusted as one
        (['{"id": "a", "_corrupt_record": "x"}'], [{"id": "a"}]),
    ],
)
def test_json_lines_parsed_in_the_worker(lines, want):
    from tension.batch.spark import _CORRUPT, _json_records

    got = [r.get(_CORRUPT, r) for r in _json_records(lines)]
    assert got == want


def test_json_lines_rejects_count_and_name_why(model):
    """A bad line is one rejected row saying why; the counts match the rows."""
    from tension.batch.spark import REJECTED, _counts, _json_records, score_records

    lines = [json.dumps({"id": "ok", "text": NO_DYAD}), "{broken", json.dumps([1])]
    out = score_records(_json_records(lines), model)
    reasons = [r for r in out["reason"] if r and r.startswith(REJECTED)]
    assert reasons == [REJECTED + "malformed JSON: Expecting property name enclosed in double "
                       "quotes", REJECTED + "malformed JSON: expected an object, got int"]
    assert _counts(out) == (3, 2, 1)
