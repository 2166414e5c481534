"""Publication dates to ISO ``YYYY-MM-DD`` (UTC), or ``None``: never guessed.

Accepted: ISO 8601 (date or date-time, with or without offset), RFC 2822 (``Tue, 16 Jan 2024
10:00:00 +0000``), common news formats (``January 16, 2024``, ``16 Jan 2024 10:30 GMT``,
``2024/01/16``), ``datetime``/``date``/pandas ``Timestamp`` objects and Unix epoch seconds or
milliseconds. Every value must carry a year, a month AND a day; a numeric day/month order that
could be read both ways (``03/04/2024``) is refused rather than guessed. Times with an offset or a
known zone abbreviation are converted to UTC before the date is taken; naive times are taken as
UTC.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import re
from typing import Any

__all__ = ["parse_date"]

_UTC = dt.UTC
_TZINFOS = {
    name: dt.timezone(dt.timedelta(hours=h), name)
    for name, h in {
        "UTC": 0, "GMT": 0, "Z": 0, "UT": 0, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
        "MSK": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
        "PDT": -7, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "PKT": 5, "HKT": 8, "SGT": 8,
        "WIB": 7,
    }.items()
}
_NUMERIC_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\b")
_YMD = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\b")
_MIN_YEAR, _MAX_YEAR = 1800, 2200


def _from_datetime(d: dt.datetime) -> str | None:
    if d.tzinfo is not None:
        d = d.astimezone(_UTC)
    if not _MIN_YEAR <= d.year <= _MAX_YEAR:
        return None
    return d.date().isoformat()


def _from_epoch(x: float) -> str | None:
    if math.isnan(x) or math.isinf(x):
        return None
    if abs(x) > 1e11:  # milliseconds
        x = x / 1000.0
    try:
        return _from_datetime(dt.datetime.fromtimestamp(x, tz=_UTC))
    except (OverflowError, OSError, ValueError):
        return None


def parse_date(value: Any) -> str | None:
    """Return the UTC date of ``value`` as ``YYYY-MM-DD``, or ``None`` if it is not a full date.

    ``None``/empty/NaN give ``None``. Callers warn about non-empty values that give ``None``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):  # includes pandas.Timestamp
        try:
            return _from_datetime(value)
        except (ValueError, OverflowError):
            return None
    if isinstance(value, dt.date):
        return value.isoformat() if _MIN_YEAR <= value.year <= _MAX_YEAR else None
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        # numpy scalars and the like
        try:
            return _from_epoch(float(value))
        except (TypeError, ValueError):
            return None
    s = value.strip()
    if not s or len(s) > 100:
        return None
    if s.isdigit() and len(s) >= 9:
        return _from_epoch(float(s))
    # ISO 8601 first: exact and fast
    try:
        d = dt.datetime.fromisoformat(s.replace("z", "Z"))
        if re.match(r"^\s*\d{4}-\d{2}-\d{2}", s):
            return _from_datetime(d)
    except ValueError:
        pass
    m = _YMD.match(s)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    m = _NUMERIC_DMY.match(s)
    if m:
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        if a <= 12 and b <= 12 and a != b:
            return None  # 03/04/2024: day-first or month-first? refuse to guess
        day, month = (a, b) if a > 12 else (b, a)
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    # RFC 2822 (email and RSS dates)
    try:
        d = email.utils.parsedate_to_datetime(s)
        if d is not None:
            return _from_datetime(d)
    except (TypeError, ValueError, IndexError):
        pass
    return _dateutil(s)


def _dateutil(s: str) -> str | None:
    import warnings

    from dateutil import parser as du

    # Parse twice with different defaults: if a field came from the default the two results
    # differ, which means the text lacked it (dateutil would otherwise fill it silently).
    d1_default = dt.datetime(2001, 1, 1)
    d2_default = dt.datetime(2002, 2, 2)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            d1 = du.parse(s, default=d1_default, tzinfos=_TZINFOS, fuzzy=False)
            d2 = du.parse(s, default=d2_default, tzinfos=_TZINFOS, fuzzy=False)
    except (ValueError, OverflowError, TypeError, du.ParserError):
        return None
    if (d1.year, d1.month, d1.day) != (d2.year, d2.month, d2.day):
        return None
    return _from_datetime(d1)
