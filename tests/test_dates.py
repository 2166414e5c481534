"""Dates: ISO 8601, RFC 2822 and news formats to a UTC date; partial or ambiguous -> None."""

from __future__ import annotations

import datetime as dt

import pytest

from tension.read._dates import parse_date


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-01-16", "2024-01-16"),
        ("2024-01-16T10:00:00Z", "2024-01-16"),
        ("2024-01-16T23:30:00-05:00", "2024-01-17"),
        ("2024-01-16T01:30:00+03:00", "2024-01-15"),
        ("Tue, 16 Jan 2024 10:00:00 +0000", "2024-01-16"),
        ("Tue, 16 Jan 2024 22:00:00 -0800", "2024-01-17"),
        ("January 16, 2024", "2024-01-16"),
        ("16 January 2024", "2024-01-16"),
        ("Monday 16 January 2024", "2024-01-16"),
        ("Jan. 16, 2024 9:00 PM EST", "2024-01-17"),
        ("16 Jan 2024 10:30 GMT", "2024-01-16"),
        ("2024/01/16", "2024-01-16"),
        ("16/01/2024", "2024-01-16"),
        ("01/16/2024", "2024-01-16"),
        ("16.01.2024", "2024-01-16"),
        (1705363200, "2024-01-16"),
        (1705363200000, "2024-01-16"),
        (dt.datetime(2024, 1, 16, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))), "2024-01-17"),
        (dt.date(2024, 1, 16), "2024-01-16"),
    ],
)
def test_parses(value: object, iso: str) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    "value",
    [
        None, "", "   ", "yesterday", "January 2024", "2024", "Jan 16", "16 January",
        "03/04/2024",  # day-first or month-first: refused, not guessed
        "2024-02-30", "13/13/2024", "not a date at all", True, "0000-01-01", [2024, 1, 16],
    ],
)
def test_refuses_partial_ambiguous_or_invalid(value: object) -> None:
    assert parse_date(value) is None


def test_pandas_timestamp() -> None:
    pd = pytest.importorskip("pandas")
    assert parse_date(pd.Timestamp("2024-01-16 23:00", tz="US/Eastern")) == "2024-01-17"
    assert parse_date(float("nan")) is None
