"""`tension plot`: a real PNG with band, alerts and notes; clear errors for bad requests."""

from __future__ import annotations

import struct

import pandas as pd
import pytest
from test_index import _quiet_then_strike, _row

from tension._types import IngestError, TensionError
from tension.batch._index import tension_index
from tension.batch._plot import plot_index, read_index


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture()
def index_df():
    other = [_row(f"b{d}", "IND-PAK", 40.0 + 30 * (15 < d < 20), f"2024-01-{d + 1:02d}",
                  signal="threat") for d in range(0, 30, 3)]
    return tension_index(pd.concat([_quiet_then_strike(), pd.DataFrame(other)]))


def test_png_of_two_dyads(tmp_path, index_df):
    out = plot_index(index_df, ["IRN-PAK", "IND-PAK"], tmp_path / "two.png")
    w, h = _png_size(out)
    assert 800 <= w <= 2000 and 500 <= h <= 2000
    one = plot_index(index_df, ["IRN-PAK"], tmp_path / "one.png")
    assert _png_size(one)[1] < h  # one panel per dyad
    assert out.stat().st_size > 20_000  # drawn, not an empty canvas


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_cli_plot_from_index_file(tmp_path, index_df, suffix):
    from tension.cli import main
    from tension.read._write import open_writer

    src = tmp_path / f"index{suffix}"
    with open_writer(src) as w:
        w.write(index_df)
    assert read_index(src)["dyad"].nunique() == 2
    png = tmp_path / "p.png"
    assert main(["plot", str(src), "--dyad", "IRN-PAK", "--dyad", "IND-PAK", "-o", str(png)]) == 0
    assert _png_size(png)[0] > 0


def test_missing_dyad_is_a_clear_error(tmp_path, index_df, capsys):
    with pytest.raises(TensionError, match=r"FRA-DEU.*not in the index.*IND-PAK, IRN-PAK"):
        plot_index(index_df, ["IRN-PAK", "FRA-DEU"], tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
    from tension.cli import main

    src = tmp_path / "i.csv"
    index_df.to_csv(src, index=False)
    assert main(["plot", str(src), "--dyad", "FRA-DEU", "-o", str(tmp_path / "x.png")]) == 1
    assert "FRA-DEU" in capsys.readouterr().err


def test_not_an_index_and_bad_suffix(tmp_path, index_df):
    src = tmp_path / "scores.csv"
    _quiet_then_strike().to_csv(src, index=False)
    with pytest.raises(IngestError, match="not an index table"):
        plot_index(src, ["IRN-PAK"], tmp_path / "x.png")
    with pytest.raises(TensionError, match="png"):
        plot_index(index_df, ["IRN-PAK"], tmp_path / "x.gif")
