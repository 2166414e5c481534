"""The output writer: formats, chunking, atomic replace, CSV formula escaping, append mode."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from tension._types import TensionError
from tension.read._write import csv_safe, format_of, open_writer

ROWS = [
    {"id": "a", "n": 1, "x": -3.5, "tags": ["p", "q"], "m": {"k": 1}, "s": "=cmd()", "none": None},
    {"id": "b", "n": 2, "x": 0.25, "tags": [], "m": {}, "s": "plain", "none": None},
]


@pytest.mark.parametrize("ext", ["jsonl", "jsonl.gz", "csv", "parquet"])
def test_round_trip_each_format(tmp_path: Path, ext: str) -> None:
    p = tmp_path / f"out.{ext}"
    with open_writer(p) as w:
        w.write(ROWS[:1])
        w.write(pd.DataFrame(ROWS[1:]))
    if ext == "parquet":
        f = pq.ParquetFile(p)
        assert f.num_row_groups == 2  # one row group per write
        df = f.read().to_pandas()
        assert json.loads(df.loc[0, "tags"]) == ["p", "q"]
        assert list(df["id"]) == ["a", "b"]
    elif ext == "csv":
        with open(p, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert rows[0]["s"] == "'=cmd()" and rows[0]["x"] == "-3.5"
        assert json.loads(rows[0]["m"]) == {"k": 1} and rows[0]["none"] == ""
    else:
        opener = gzip.open if ext.endswith("gz") else open
        with opener(p, "rt", encoding="utf-8") as fh:
            rows = [json.loads(x) for x in fh]
        assert rows[0]["tags"] == ["p", "q"] and rows[1]["m"] == {} and rows[0]["none"] is None
        assert list(rows[0]) == list(ROWS[0])


@pytest.mark.parametrize(
    ("cell", "out"),
    [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("-3.5", "-3.5"), ("+7", "+7"), ("-1e3", "-1e3"),
     ("safe", "safe"), ("", ""), (5, 5)],
)
def test_csv_safe(cell: object, out: object) -> None:
    assert csv_safe(cell) == out


def test_failure_leaves_previous_output_and_no_temp(tmp_path: Path) -> None:
    p = tmp_path / "o.csv"
    p.write_text("old\n")
    with pytest.raises(RuntimeError), open_writer(p) as w:
        w.write([{"a": 1}])
        raise RuntimeError("boom")
    assert p.read_text() == "old\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["o.csv"]


def test_nan_becomes_null_and_unknown_column_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "o.jsonl"
    with open_writer(p, columns=["a"]) as w:
        w.write([{"a": float("nan")}])
    assert json.loads(p.read_text()) == {"a": None}
    with pytest.raises(TensionError, match="not in the output columns"), \
            open_writer(tmp_path / "z.jsonl", columns=["a"]) as w:
        w.write([{"a": 1, "b": 2}])


def test_zero_rows_csv_has_header(tmp_path: Path) -> None:
    p = tmp_path / "e.csv"
    with open_writer(p, columns=["id", "text"]):
        pass
    assert p.read_text() == "id,text\n"


def test_append_mode_repairs_partial_line(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"i": 1}\n{"i": 2', encoding="utf-8")  # crash mid-line
    with open_writer(p, append=True) as w:
        w.write([{"i": 3}])
    assert [json.loads(x)["i"] for x in p.read_text().splitlines()] == [1, 3]
    with pytest.raises(TensionError):
        open_writer(tmp_path / "a.csv", append=True)


def test_format_of() -> None:
    assert format_of("x.JSONL.GZ") == "jsonl.gz" and format_of("-") == "jsonl"
    with pytest.raises(TensionError, match="extension"):
        format_of("out.xlsx")


def test_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    with open_writer("-") as w:
        w.write([{"a": 1}])
    assert json.loads(capsys.readouterr().out) == {"a": 1}


def test_encoded_jsonl_rows_are_the_bytes_write_gives(tmp_path: Path) -> None:
    from tension.read._write import jsonl_text

    rows = [{"a": 1, "b": "Iran–Pakistan ✓", "c": None}, {"a": 2.5, "b": "", "c": [1, "x"]}]
    cols = ["a", "b", "c"]
    with open_writer(tmp_path / "w.jsonl", columns=cols) as w:
        w.write(rows)
    with open_writer(tmp_path / "e.jsonl", columns=cols) as w:
        w.write_jsonl_text(jsonl_text(rows, cols), len(rows))
        assert w.rows_written == 2
    assert (tmp_path / "e.jsonl").read_bytes() == (tmp_path / "w.jsonl").read_bytes()
    with pytest.raises(TensionError, match="not in the output columns"):
        jsonl_text([{"a": 1, "z": 2}], cols, "out.jsonl")
    with pytest.raises(TensionError, match="JSONL"), \
            open_writer(tmp_path / "x.csv", columns=cols) as w:
        w.write_jsonl_text(jsonl_text(rows, cols), 2)
    assert not (tmp_path / "x.csv").exists()  # the failed writer left nothing
