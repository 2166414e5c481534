"""The dyad tension index: aggregation, smoothing, band, alerts, streaming input."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from tension._types import IngestError, TensionError
from tension.batch._index import INDEX_COLUMNS, tension_index


def _row(aid, dyad, score, date, *, cluster=None, signal="meeting", sentence=None):
    ev = [
        {
            "signal": signal,
            "source": dyad.split("-")[0] if dyad else None,
            "target": dyad.split("-")[-1] if dyad else None,
            "modality": "asserted",
            "sentence": sentence or f"Officials from both sides spoke on {date}.",
            "start": 0,
            "end": 9,
        }
    ]
    return {
        "article_id": aid,
        "dyad": dyad,
        "escalation_score": score,
        "date": date,
        "evidence": json.dumps(ev),
        "cluster": cluster,
    }


def _quiet_then_strike(strike_day=20, days=30, per_day=2, gap=(10, 14)):
    rng = np.random.default_rng(7)
    rows = []
    for d in range(days):
        if gap[0] <= d < gap[1]:
            continue
        day = (pd.Timestamp("2024-01-01") + pd.Timedelta(days=d)).strftime("%Y-%m-%d")
        k = 6 if d == strike_day else per_day
        for j in range(k):
            if d == strike_day:
                rows.append(_row(f"a{d}_{j}", "IRN-PAK", 90.0, day, signal="strike",
                                 sentence=f"Missiles hit a camp, report {j}."))
            else:
                s = float(np.clip(rng.normal(20, 5), 0, 100))
                rows.append(_row(f"a{d}_{j}", "IRN-PAK", s, day))
    return pd.DataFrame(rows)


def test_columns_and_complete_grid():
    out = tension_index(_quiet_then_strike())
    assert tuple(out.columns) == INDEX_COLUMNS
    assert len(out) == 30  # days 11-14 without coverage are rows too
    assert out["period"].iloc[0] == "2024-01-01" and out["period"].iloc[-1] == "2024-01-30"


def test_uncovered_days_carry_forward_with_widening_band():
    out = tension_index(_quiet_then_strike()).set_index("period")
    gap = out.loc["2024-01-10":"2024-01-14"]
    assert (gap["n_stories"].iloc[1:] == 0).all()
    # the index does not move towards 0 on days without news ...
    assert gap["index"].nunique() == 1
    # ... but the evidence behind it decays, so the band widens every silent day
    width = (gap["upper"] - gap["lower"]).to_numpy()
    assert np.all(np.diff(width) > 0)
    assert np.all(np.diff(gap["weight"].to_numpy()) < 0)


def test_strike_day_alerts_and_quiet_days_do_not():
    out = tension_index(_quiet_then_strike()).set_index("period")
    assert bool(out.loc["2024-01-21", "alert"])
    assert "rise" in out.loc["2024-01-21", "alert_reason"]
    assert "strike" in out.loc["2024-01-21", "top_events"]
    assert out.drop(index="2024-01-21")["alert"].sum() == 0
    assert out.loc["2024-01-21", "index"] > out.loc["2024-01-20", "index"] + 15


def test_index_is_decayed_weighted_mean():
    rows = [_row("a", "USA-CHN", 10.0, "2024-03-01"), _row("b", "USA-CHN", 10.0, "2024-03-01"),
            _row("c", "USA-CHN", 70.0, "2024-03-03")]
    out = tension_index(pd.DataFrame(rows), half_life=2.0)
    lam = 0.5 ** 0.5
    w_old = 2 * lam**2
    expect = (w_old * 10 + 70) / (w_old + 1)
    assert out["index"].iloc[-1] == pytest.approx(expect)
    assert out["weight"].iloc[-1] == pytest.approx(w_old + 1)


def test_more_stories_narrower_band():
    few = [_row(f"a{i}", "USA-CHN", 40.0 + (i % 2) * 10, "2024-03-01") for i in range(2)]
    many = [_row(f"a{i}", "USA-CHN", 40.0 + (i % 2) * 10, "2024-03-01") for i in range(40)]
    w_few = tension_index(pd.DataFrame(few)).eval("upper - lower").iloc[0]
    w_many = tension_index(pd.DataFrame(many)).eval("upper - lower").iloc[0]
    assert w_many < w_few / 2


def test_wire_copies_count_once():
    rows = [_row(f"copy{i}", "RUS-UKR", 80.0, "2024-02-01", cluster="wire1") for i in range(9)]
    rows.append(_row("own", "RUS-UKR", 20.0, "2024-02-01"))
    out = tension_index(pd.DataFrame(rows))
    assert out["n_articles"].iloc[0] == 10
    assert out["n_stories"].iloc[0] == 2
    assert out["mean_score"].iloc[0] == pytest.approx(50.0)
    assert out["max_score"].iloc[0] == pytest.approx(80.0)


def test_without_cluster_column_each_article_is_a_story():
    df = pd.DataFrame([_row(f"a{i}", "RUS-UKR", 80.0, "2024-02-01") for i in range(3)])
    out = tension_index(df.drop(columns=["cluster"]))
    assert out["n_stories"].iloc[0] == 3


def test_skips_no_dyad_undated_and_unscored_rows():
    rows = [
        _row("a", "IRN-PAK", 50.0, "2024-01-01"),
        _row("b", "", float("nan"), "2024-01-01"),
        _row("c", "IRN-PAK", 50.0, ""),
        _row("d", "IRN-PAK", float("nan"), "2024-01-02"),
    ]
    out = tension_index(pd.DataFrame(rows))
    assert list(out["dyad"]) == ["IRN-PAK"]
    assert out["n_articles"].sum() == 1
    assert out.attrs["skipped_no_dyad"] == 1
    assert out.attrs["skipped_undated"] == 1
    assert out.attrs["skipped_unscored"] == 1


@pytest.mark.parametrize(
    ("freq", "periods", "first"),
    [("D", 30, "2024-01-01"), ("W", 5, "2024-01-01"), ("M", 1, "2024-01-01")],
)
def test_frequencies(freq, periods, first):
    out = tension_index(_quiet_then_strike(), freq=freq)
    assert len(out) == periods
    assert out["period"].iloc[0] == first
    assert out["n_articles"].sum() == len(_quiet_then_strike())


def test_longer_half_life_reacts_less():
    short = tension_index(_quiet_then_strike(), half_life=2).set_index("period")
    long = tension_index(_quiet_then_strike(), half_life=30).set_index("period")
    assert short.loc["2024-01-21", "index"] > long.loc["2024-01-21", "index"]


def test_min_articles_gates_thin_periods():
    rows = [_row(f"q{i}", "IRN-PAK", 20.0, "2024-01-01") for i in range(3)]
    rows.append(_row("lone", "IRN-PAK", 95.0, "2024-01-02"))
    out = tension_index(pd.DataFrame(rows), min_articles=2)
    assert out["index"].iloc[1] == pytest.approx(20.0)  # one story is not enough to move it
    assert out["n_articles"].iloc[1] == 1 and not out["alert"].iloc[1]


def test_dyads_run_to_the_last_period_of_the_table():
    rows = [_row("a", "IRN-PAK", 60.0, "2024-01-01"), _row("b", "USA-CHN", 30.0, "2024-01-05")]
    out = tension_index(pd.DataFrame(rows))
    assert out.groupby("dyad")["period"].max().eq("2024-01-05").all()
    assert out[out.dyad == "IRN-PAK"]["index"].eq(60.0).all()


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet", ".jsonl.gz"])
def test_files_stream_in_chunks_like_a_dataframe(tmp_path, suffix, monkeypatch):
    df = _quiet_then_strike()
    # every third row is a wire copy of its day's story
    df.loc[df.index[::3], "cluster"] = "wire-" + df.loc[df.index[::3], "date"]
    path = tmp_path / f"scores{suffix}"
    if suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix == ".parquet":
        df.to_parquet(path)
    else:
        df.to_json(path, orient="records", lines=True)
    monkeypatch.setattr("tension.batch._index.CHUNK_ROWS", 7)  # many chunks, stories span chunks
    import tension.batch._index as ix

    got = ix.tension_index(path)
    ix_default = tension_index(df)
    pd.testing.assert_frame_equal(
        got.drop(columns=["top_events"]), ix_default.drop(columns=["top_events"]),
        check_dtype=False,
    )
    assert got["n_stories"].sum() < got["n_articles"].sum()


def test_evidence_as_python_lists_is_accepted():
    df = _quiet_then_strike()
    df["evidence"] = df["evidence"].map(json.loads)
    out = tension_index(df)
    assert "strike IRN->PAK" in out.set_index("period").loc["2024-01-21", "top_events"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("escalation_score", "high", "escalation_score"),
        ("escalation_score", 140, "0-100"),
        ("date", "16/01/2024", "YYYY-MM-DD"),
        ("evidence", "[{broken", "JSON"),
    ],
)
def test_bad_values_name_file_line_and_field(tmp_path, field, value, message):
    df = _quiet_then_strike().head(5).copy()
    df[field] = df[field].astype(object)
    df.loc[3, field] = value
    df.loc[3, "escalation_score"] = 99 if field != "escalation_score" else value
    path = tmp_path / "s.csv"
    df.to_csv(path, index=False)
    with pytest.raises(IngestError) as err:
        tension_index(path)
    text = str(err.value)
    assert "s.csv" in text and "line 5" in text and field in text and message in text


def test_missing_column_and_unknown_format(tmp_path):
    with pytest.raises(IngestError, match="escalation_score"):
        tension_index(_quiet_then_strike().drop(columns=["escalation_score"]))
    bad = tmp_path / "s.txt"
    bad.write_text("x")
    with pytest.raises(IngestError, match="format"):
        tension_index(bad)
    with pytest.raises(TensionError, match="freq"):
        tension_index(_quiet_then_strike(), freq="Q")


def test_empty_table():
    out = tension_index(_quiet_then_strike().head(0))
    assert out.empty and tuple(out.columns) == INDEX_COLUMNS


def test_band_is_inside_0_100_and_contains_index():
    out = tension_index(_quiet_then_strike())
    ok = out.dropna(subset=["index"])
    assert (ok["lower"] >= 0).all() and (ok["upper"] <= 100).all()
    assert (ok["lower"] <= ok["index"]).all() and (ok["index"] <= ok["upper"]).all()
    assert not math.isnan(ok["se"].iloc[-1])


def test_cli_index_writes_file_and_filters_dyads(tmp_path, capsys):
    from tension.cli import main

    df = pd.concat([_quiet_then_strike(), pd.DataFrame([_row("z", "USA-CHN", 30, "2024-01-03")])])
    src = tmp_path / "scores.jsonl"
    df.to_json(src, orient="records", lines=True)
    out = tmp_path / "index.csv"
    assert main(["index", str(src), "-o", str(out), "--dyad", "irn-pak"]) == 0
    got = pd.read_csv(out)
    assert set(got["dyad"]) == {"IRN-PAK"} and list(got.columns) == list(INDEX_COLUMNS)
    assert main(["index", str(src), "-o", str(out), "--dyad", "FRA-DEU"]) == 1
    assert "FRA-DEU" in capsys.readouterr().err


def test_timeline_rises_with_strikes_and_falls_after_pledges(seed_path):
    """End to end on the dated IRN-PAK story, with the shipped model."""
    import tension

    timeline = seed_path.parent / "timeline_irn_pak.jsonl"
    assert timeline.is_file(), timeline
    scores = tension.score(str(timeline))
    out = tension_index(scores).query("dyad == 'IRN-PAK'").reset_index(drop=True)
    peak = int(out["index"].idxmax())
    assert 0 < peak < len(out) - 1
    assert out["index"].iloc[peak] > out["index"].iloc[0]
    assert out["index"].iloc[-1] < out["index"].iloc[peak]
