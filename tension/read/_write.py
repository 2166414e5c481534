"""The one output writer every command uses: JSONL, JSONL.gz, CSV or Parquet by extension.

Rows are written in chunks as they come (Parquet: one row group per ``write``), to a temporary
file in the destination folder that replaces the destination only when the ``with`` block ends
cleanly; on an exception the temporary file is removed and any previous output is left intact.
``append=True`` (JSONL only) instead appends to the destination and fsyncs after every chunk, so
a resumed run never loses a chunk it reported as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import logging
import math
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from tension._types import TensionError

__all__ = ["open_writer", "Writer", "format_of", "csv_safe", "safe_filename", "safe_path"]

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "jsonl.gz", "csv", "parquet")


def format_of(path: str | os.PathLike[str]) -> str:
    """Output format from the file name (``-`` is JSONL on stdout)."""
    name = str(path).lower()
    if name == "-":
        return "jsonl"
    for suffix, fmt in ((".jsonl.gz", "jsonl.gz"), (".ndjson.gz", "jsonl.gz"), (".jsonl", "jsonl"),
                        (".ndjson", "jsonl"), (".json", "jsonl"), (".csv", "csv"),
                        (".parquet", "parquet"), (".pq", "parquet")):
        if name.endswith(suffix):
            return fmt
    raise TensionError(
        f"{path}: cannot tell the output format from the extension; use .jsonl, .jsonl.gz, "
        ".csv or .parquet"
    )


def _plain(v: Any) -> Any:
    """numpy/pandas scalars -> Python; NaN -> None; dates -> ISO strings; tuples -> lists."""
    if v is None or isinstance(v, str | bool | int):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple | set | frozenset):
        return [_plain(x) for x in v]
    item = getattr(v, "item", None)
    if callable(item):  # numpy scalar
        try:
            return _plain(item())
        except (ValueError, TypeError):
            pass
    tolist = getattr(v, "tolist", None)
    if callable(tolist):  # numpy array
        return _plain(tolist())
    if v is getattr(sys.modules.get("pandas"), "NaT", object()) or repr(v) in ("NaT", "<NA>"):
        return None
    if hasattr(v, "__dataclass_fields__"):
        from dataclasses import asdict

        return _plain(asdict(v))
    return str(v)


def _json_cell(v: Any) -> Any:
    """Non-scalars become JSON strings (CSV and Parquet cells)."""
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, sort_keys=False)
    return v


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(v: Any) -> Any:
    """Escape a CSV cell a spreadsheet would run as a formula; plain numbers pass unchanged."""
    if not isinstance(v, str) or not v or not v.startswith(_FORMULA_START):
        return v
    try:
        float(v)
        return v  # "-3.5", "+1e3": data, not a formula
    except ValueError:
        return "'" + v


# Path separators, NUL/control characters and what Windows forbids in a file name.
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\<>:"|?*\u2028\u2029\u202a-\u202e\u2066-\u2069]')
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)]
)
_NAME_MAX_BYTES = 120


def safe_filename(name: str) -> str:
    """A file name made from an untrusted id (article id, dyad, run name) that stays one name
    inside its folder on any OS: no separators, no ``..``, no hidden or reserved names.

    An id that is already safe is returned unchanged; any other gets ``-`` and 8 hex digits of
    its sha256 appended, so two ids that clean to the same text still get different names.
    """
    name = str(name)
    out = _UNSAFE_NAME.sub("_", name).strip(" .")
    if out.split(".")[0].lower() in _WINDOWS_RESERVED:
        out = "_" + out
    cut = out.encode("utf-8", "surrogatepass")[:_NAME_MAX_BYTES].decode("utf-8", "ignore")
    if out == name and cut == out and out:
        return out
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    cut = cut.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be a name
    return f"{cut}-{digest}" if cut else digest


def safe_path(
    folder: str | os.PathLike[str], name: str, suffix: str = ""
) -> Path:
    """``folder / (safe_filename(name) + suffix)``, checked to lie inside ``folder``."""
    base = Path(folder).resolve()
    target = base / (safe_filename(name) + suffix)
    if target.resolve().parent != base:
        raise TensionError(f"{name!r}: refusing a file name outside {base}")
    return target


def _rows(rows: Any) -> list[dict[str, Any]]:
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):  # pandas DataFrame
        return [dict(r) for r in rows.to_dict("records")]
    if isinstance(rows, dict):
        return [rows]
    out = []
    for r in rows:
        if isinstance(r, dict):
            out.append(r)
        elif hasattr(r, "to_dict"):
            out.append(r.to_dict())
        elif hasattr(r, "__dataclass_fields__"):
            from dataclasses import asdict

            out.append(asdict(r))
        else:
            raise TensionError(f"cannot write a row of type {type(r).__name__}; expected a dict")
    return out


def _ordered(r: dict[str, Any], columns: list[str], where: str) -> dict[str, Any]:
    extra = [k for k in r if k not in columns]
    if extra:
        raise TensionError(f"{where}: row has columns {extra} not in the output columns {columns}")
    return {c: r.get(c) for c in columns}


def jsonl_text(recs: Iterable[dict[str, Any]], columns: list[str], where: str = "output") -> str:
    """JSON lines of rows whose values are already plain (:func:`_plain`), in ``columns``
    order: what a JSONL :class:`Writer` writes for them."""
    return "".join(
        json.dumps(_ordered(r, columns, where), ensure_ascii=False, allow_nan=False) + "\n"
        for r in recs
    )


class Writer:
    """Returned by :func:`open_writer`; call :meth:`write` with a list of dicts or a DataFrame."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        columns: Sequence[str] | None = None,
        fmt: str | None = None,
        append: bool = False,
    ) -> None:
        self.path = str(path)
        self.fmt = fmt or format_of(path)
        if self.fmt not in FORMATS:
            raise TensionError(f"unknown output format {self.fmt!r}; one of {', '.join(FORMATS)}")
        if append and self.fmt != "jsonl":
            raise TensionError(f"{path}: append mode is only for .jsonl output")
        self.columns: list[str] | None = list(columns) if columns else None
        self.append = append
        self.rows_written = 0
        self._tmp: str | None = None
        self._fh: IO[Any] | None = None
        self._csv: Any = None
        self._pq: Any = None
        self._schema: Any = None
        self._stdout = self.path == "-"

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Writer:
        try:
            return self._open()
        except OSError as exc:
            self.abort()
            raise self._os_error(exc) from exc

    def _os_error(self, exc: OSError) -> TensionError:
        """A disk-full, read-only or permission error as one clear line naming the output."""
        kept = ("rows written before are kept (--resume continues)" if self.append
                else "the previous output, if any, is unchanged")
        return TensionError(f"{self.path}: cannot write ({exc.strerror or exc}); {kept}")

    def _open(self) -> Writer:
        if self._stdout:
            self._fh = sys.stdout
            return self
        dest = Path(self.path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if self.append:
            self._prepare_append(dest)
            self._fh = open(dest, "a", encoding="utf-8", newline="\n")  # noqa: SIM115
            return self
        fd, self._tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
        if self.fmt == "parquet":
            os.close(fd)  # pyarrow opens the path itself on the first write
        elif self.fmt == "jsonl.gz":
            raw = os.fdopen(fd, "wb")
            self._fh = io.TextIOWrapper(
                gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0), encoding="utf-8",
                newline="\n",
            )
            self._gz_raw = raw
        else:
            newline = "" if self.fmt == "csv" else "\n"
            self._fh = os.fdopen(fd, "w", encoding="utf-8", newline=newline)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def close(self) -> None:
        """Finish the file and move it into place."""
        try:
            self._close()
        except OSError as exc:
            self.abort()
            raise self._os_error(exc) from exc

    def _close(self) -> None:
        if self._stdout:
            if self._fh is not None:
                self._fh.flush()
            return
        if self.fmt == "csv" and self._csv is None and self.columns and self._fh is not None:
            self._start_csv(self.columns)  # header-only file for zero rows
        if self.fmt == "parquet":
            if self._pq is None:
                self._write_empty_parquet()
            else:
                self._pq.close()
        elif self._fh is not None:
            self._fh.flush()
            if self.fmt == "jsonl.gz":
                self._fh.close()
                self._gz_raw.close()
            else:
                if self.append:
                    os.fsync(self._fh.fileno())
                self._fh.close()
        self._fh = None
        if self._tmp is not None:
            os.replace(self._tmp, self.path)
            self._tmp = None

    def abort(self) -> None:
        """Drop the temporary file; the previous output (if any) stays as it was."""
        try:
            if self._pq is not None:
                self._pq.close()
            if self._fh is not None and not self._stdout:
                self._fh.close()
                if self.fmt == "jsonl.gz":
                    self._gz_raw.close()
        except Exception:  # noqa: BLE001 - we are already failing; keep the first error
            log.debug("error while closing an aborted output", exc_info=True)
        finally:
            self._fh = None
            self._pq = None
            if self._tmp is not None:
                try:
                    os.unlink(self._tmp)
                except FileNotFoundError:
                    pass
                self._tmp = None

    # -- writing ---------------------------------------------------------------------------
    def write(self, rows: Iterable[dict[str, Any]] | Any) -> None:
        """Write one chunk of rows (list of dicts, a dict, or a pandas DataFrame)."""
        try:
            self._write_rows(rows)
        except OSError as exc:
            raise self._os_error(exc) from exc

    def _write_rows(self, rows: Iterable[dict[str, Any]] | Any) -> None:
        recs = _rows(rows)
        if not recs:
            return
        recs = [{str(k): _plain(v) for k, v in r.items()} for r in recs]
        if self.columns is None:
            cols: list[str] = []
            seen: set[str] = set()
            for r in recs:
                for k in r:
                    if k not in seen:
                        seen.add(k)
                        cols.append(k)
            self.columns = cols
        if self.fmt in ("jsonl", "jsonl.gz"):
            self._write_jsonl(recs)
        elif self.fmt == "csv":
            self._write_csv(recs)
        else:
            self._write_parquet(recs)
        self.rows_written += len(recs)

    def _ordered(self, r: dict[str, Any]) -> dict[str, Any]:
        assert self.columns is not None
        return _ordered(r, self.columns, self.path)

    def _write_jsonl(self, recs: list[dict[str, Any]]) -> None:
        assert self.columns is not None
        self._put_jsonl(jsonl_text(recs, self.columns, self.path))

    def _put_jsonl(self, buf: str) -> None:
        assert self._fh is not None
        self._fh.write(buf)
        if self.append:
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def write_jsonl_text(self, text: str, n_rows: int) -> None:
        """Write ``n_rows`` rows already encoded by :func:`jsonl_text` with this writer's columns
        (batch workers encode their chunks; the writing process only appends them)."""
        if self.fmt not in ("jsonl", "jsonl.gz") or self.columns is None:
            raise TensionError(f"{self.path}: encoded rows need JSONL output with known columns")
        try:
            self._put_jsonl(text)
        except OSError as exc:
            raise self._os_error(exc) from exc
        self.rows_written += n_rows

    def _start_csv(self, cols: list[str]) -> None:
        assert self._fh is not None
        self._csv = csv.writer(self._fh, lineterminator="\n")
        self._csv.writerow([csv_safe(c) for c in cols])

    def _write_csv(self, recs: list[dict[str, Any]]) -> None:
        assert self.columns is not None
        if self._csv is None:
            self._start_csv(self.columns)
        for r in recs:
            r = self._ordered(r)
            self._csv.writerow(
                ["" if v is None else csv_safe(_json_cell(v)) for v in r.values()]
            )

    def _write_parquet(self, recs: list[dict[str, Any]]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        assert self.columns is not None and self._tmp is not None
        data = {c: [_json_cell(self._ordered(r)[c]) for r in recs] for c in self.columns}
        if self._schema is None:
            fields = []
            for c in self.columns:
                try:
                    typ = pa.array(data[c]).type
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    typ = pa.string()
                    data[c] = [None if v is None else str(v) for v in data[c]]
                if pa.types.is_null(typ):
                    typ = pa.string()  # all-empty first chunk: strings are the safe guess
                fields.append(pa.field(c, typ))
            self._schema = pa.schema(fields)
            self._pq = pq.ParquetWriter(self._tmp, self._schema)
        arrays = []
        for f in self._schema:
            vals = data[f.name]
            try:
                arrays.append(pa.array(vals, type=f.type))
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
                raise TensionError(
                    f"{self.path}: column {f.name!r} changed type between chunks "
                    f"(first chunk: {f.type}): {exc}"
                ) from exc
        self._pq.write_table(pa.Table.from_arrays(arrays, schema=self._schema))

    def _write_empty_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        assert self._tmp is not None
        schema = pa.schema([pa.field(c, pa.string()) for c in (self.columns or [])])
        pq.write_table(schema.empty_table(), self._tmp)

    def _prepare_append(self, dest: Path) -> None:
        """Cut a partial last line left by a crash so the file stays valid JSONL."""
        if not dest.exists() or dest.stat().st_size == 0:
            return
        with open(dest, "rb+") as fh:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) == b"\n":
                return
            size = fh.seek(0, os.SEEK_END)
            pos = size
            while pos > 0:
                step = min(65536, pos)
                pos -= step
                fh.seek(pos)
                chunk = fh.read(step)
                nl = chunk.rfind(b"\n")
                if nl >= 0:
                    pos += nl + 1
                    break
            log.warning("%s: dropping a partial last line (%d bytes) before appending",
                        dest, size - pos)
            fh.truncate(pos)
            fh.flush()
            os.fsync(fh.fileno())


def open_writer(
    path: str | os.PathLike[str],
    *,
    columns: Sequence[str] | None = None,
    fmt: str | None = None,
    append: bool = False,
) -> Writer:
    """Open an output for chunked writing; use as ``with open_writer(p) as w: w.write(rows)``.

    ``columns`` fixes the column order (default: the keys of the first chunk, in order); a later
    row with an unknown column is an error rather than a silently dropped value.
    """
    return Writer(path, columns=columns, fmt=fmt, append=append)
