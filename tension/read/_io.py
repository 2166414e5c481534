"""The article reader: every input format, streamed, validated, cleaned, one ``Article`` at a time.

Formats: ``.jsonl``/``.ndjson`` (optionally ``.gz``), ``.json`` (an array of objects, or one
object, or concatenated objects; streamed with ``json.JSONDecoder.raw_decode`` over 1 MB chunks,
so a big array is never loaded whole), ``.csv``, ``.parquet`` (row-group batches), ``.txt``/``.md``
(one article per file), a directory (recursively, sorted, every supported file in it), and ``-``
for JSON lines on stdin. Memory is flat in input size: one line, row batch or chunk at a time
(the set of ids seen, and wire-copy signatures when ``clusters=True``, grow with the number of
articles, not their size).

Bad input never escapes as a library traceback: it becomes an :class:`IngestError` naming the
file, line or row, and field. ``on_error="skip"`` turns each of them into a reject record instead.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import logging
import math
import numbers
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, Literal

from tension._types import Article, IngestError
from tension.read._clean import clean_text
from tension.read._dates import parse_date

__all__ = [
    "read_articles", "as_articles", "as_article", "content_id", "SUPPORTED_SUFFIXES",
    "DEFAULT_MAX_BYTES",
]

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10_000_000  # one article's text; a bigger one is refused, not truncated
TEXT_SUFFIXES = (".txt", ".md")
RECORD_SUFFIXES = (
    ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json", ".json.gz", ".csv", ".csv.gz",
    ".parquet",
)
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + RECORD_SUFFIXES
_OPTIONAL = ("source", "url", "language")
_CHUNK = 1 << 20
_KEY_BEFORE = re.compile(rb'"([^"\\]{1,64})"\s*:\s*"?[^"]*$')

OnError = Literal["fail", "skip"]
Duplicates = Literal["error", "keep-first"]


def content_id(text: str) -> str:
    """Stable id for an article given without one: first 16 hex digits of sha256(text)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class _Opts:
    id_col: str = "id"
    text_col: str = "text"
    date_col: str = "date"
    title_col: str = "title"
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class _Rec:
    """One raw record before validation."""

    path: str
    line: int | None
    data: Any
    hash_ids: bool = False  # stdin/directory/python objects: a missing id becomes a content hash


# ---------------------------------------------------------------------------------------------
# decoding helpers


def _decode(b: bytes, path: str, line: int | None) -> str:
    """UTF-8 (BOM stripped); otherwise Windows-1252 with a warning naming the record."""
    try:
        s = b.decode("utf-8")
    except UnicodeDecodeError:
        log.warning("%s%s: not valid UTF-8; decoded as Windows-1252", path,
                    f", line {line}" if line is not None else "")
        s = b.decode("cp1252", errors="replace")
    return s[1:] if s.startswith("\ufeff") else s


def _open_binary(path: str) -> IO[bytes]:
    """Open a file for reading bytes, transparently gunzipping by magic number."""
    fh: IO[bytes] = open(path, "rb")  # noqa: SIM115 - returned to the caller
    head = fh.peek(2)[:2] if hasattr(fh, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


def _sniff(fh: IO[bytes], path: str) -> str | None:
    """Return a text encoding when the head has a UTF-16/32 BOM; refuse binary files."""
    head = fh.peek(4096)[:4096] if hasattr(fh, "peek") else b""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise IngestError("binary file (NUL bytes), not text; is it the right file?", path=path)
    return None


def _io_error(exc: BaseException, path: str, line: int | None) -> IngestError:
    if isinstance(exc, EOFError | gzip.BadGzipFile | zlib.error):
        return IngestError(f"truncated or corrupt gzip data ({exc})", path=path, line=line)
    if isinstance(exc, FileNotFoundError):
        return IngestError("no such file", path=path)
    if isinstance(exc, IsADirectoryError | PermissionError):
        return IngestError(f"cannot read ({exc.strerror})", path=path)
    return IngestError(f"cannot read: {exc}", path=path, line=line)


def _too_big(path: str, line: int | None, field: str | None, size: int, limit: int) -> IngestError:
    return IngestError(
        f"record is over {size / 1e6:.1f} MB, larger than the {limit / 1e6:.1f} MB limit "
        "(raise max_bytes if this is really one article)",
        path=path, line=line, field=field,
    )


# ---------------------------------------------------------------------------------------------
# format readers: yield _Rec or IngestError (never raise for a single bad record)


def _read_jsonl(path: str, opts: _Opts, *, stream: IO[bytes] | None = None,
                hash_ids: bool = False) -> Iterator[_Rec | IngestError]:
    limit = opts.max_bytes * 2 + 65536  # JSON escapes can double the text's size
    fh = stream if stream is not None else _open_binary(path)
    line_no = 0
    try:
        enc = _sniff(fh, path) if stream is None else None
        if enc:
            lines: Iterator[bytes | str] = iter(io.TextIOWrapper(fh, encoding=enc))
        else:
            lines = iter(lambda: fh.readline(limit + 1), b"")
        empty = True
        for raw in lines:
            line_no += 1
            if isinstance(raw, bytes):
                if len(raw) > limit and not raw.endswith(b"\n"):
                    m = _KEY_BEFORE.search(raw[-65536:]) or _KEY_BEFORE.search(raw[:65536])
                    size = len(raw)
                    while True:  # skip the rest of the line without holding it
                        more = fh.readline(_CHUNK)
                        size += len(more)
                        if not more or more.endswith(b"\n"):
                            break
                    field = m.group(1).decode("utf-8", "replace") if m else None
                    yield _too_big(path, line_no, field, size, opts.max_bytes)
                    continue
                if not raw.strip():
                    continue
                text = _decode(raw, path, line_no)
            else:
                if not raw.strip():
                    continue
                text = raw
            empty = False
            try:
                obj = json.loads(text)
            except (json.JSONDecodeError, RecursionError) as exc:
                msg = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
                yield IngestError(f"malformed JSON: {msg}", path=path, line=line_no)
                continue
            yield _Rec(path, line_no, obj, hash_ids)
        if empty:
            log.warning("%s: empty file, no articles", path)
    except IngestError as exc:
        yield exc
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        yield _io_error(exc, path, line_no + 1)
    finally:
        if stream is None:
            fh.close()


def _read_json(path: str, opts: _Opts) -> Iterator[_Rec | IngestError]:
    """A JSON array (or concatenated objects) streamed with raw_decode over chunks."""
    dec = json.JSONDecoder()
    fh = _open_binary(path)
    line = 1
    try:
        enc = _sniff(fh, path)
        if enc:
            reader: Any = io.TextIOWrapper(fh, encoding=enc)
        else:
            reader = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
        eof = False
        buf = ""
        want = _CHUNK

        def more(n: int) -> str:
            nonlocal eof
            if enc:
                s = reader.read(n)
                eof = not s
                return str(s)
            b = fh.read(n)
            eof = not b
            try:
                return str(reader.decode(b, final=eof))
            except UnicodeDecodeError:
                log.warning("%s: not valid UTF-8 near line %d; decoded as Windows-1252", path, line)
                return b.decode("cp1252", errors="replace")

        buf = more(want)
        pos = 0
        in_array = None
        index = 0
        while True:
            while True:  # skip blanks and separators, topping up the buffer
                while pos < len(buf) and buf[pos] in " \t\r\n,":
                    if buf[pos] == "\n":
                        line += 1
                    pos += 1
                if pos < len(buf) or eof:
                    break
                buf, pos = more(want), 0
            if pos >= len(buf):
                if in_array:
                    yield IngestError("truncated JSON: the array is not closed with ']'",
                                      path=path, line=line)
                elif in_array is None:
                    log.warning("%s: empty file, no articles", path)
                return
            if in_array is None:
                in_array = buf[pos] == "["
                if in_array:
                    pos += 1
                    continue
            if in_array and buf[pos] == "]":
                return
            try:
                obj, end = dec.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if not eof:
                    if len(buf) - pos > opts.max_bytes * 2 + 65536:
                        yield _too_big(path, line, None, len(buf) - pos, opts.max_bytes)
                        return
                    want = max(want, (len(buf) - pos))  # doubling: linear overall
                    buf = buf[pos:] + more(want)
                    pos = 0
                    continue
                yield IngestError(f"malformed JSON: {exc.msg}", path=path,
                                  line=line + buf.count("\n", pos, exc.pos))
                return
            except RecursionError:
                yield IngestError("malformed JSON: nested too deeply", path=path, line=line)
                return
            index += 1
            yield _Rec(path, line, obj)
            line += buf.count("\n", pos, end)
            pos = end
            if pos > _CHUNK:
                buf, pos = buf[pos:], 0
    except IngestError as exc:
        yield exc
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        yield _io_error(exc, path, line)
    finally:
        fh.close()


def _csv_lines(fh: IO[bytes], path: str, enc: str | None, counter: list[int]) -> Iterator[str]:
    if enc:
        for s in io.TextIOWrapper(fh, encoding=enc, newline=""):
            counter[0] += 1
            yield s
        return
    first = True
    for b in fh:
        counter[0] += 1
        s = _decode(b, path, counter[0])
        if first:
            first = False
            s = s.lstrip("\ufeff")
        yield s


def _read_csv(path: str, opts: _Opts) -> Iterator[_Rec | IngestError]:
    fh = _open_binary(path)
    counter = [0]
    row_start = 1
    try:
        enc = _sniff(fh, path)
        csv.field_size_limit(max(opts.max_bytes * 2, 131072))
        reader = csv.reader(_csv_lines(fh, path, enc, counter), strict=False)
        try:
            header = next(reader)
        except StopIteration:
            log.warning("%s: empty file, no articles", path)
            return
        except csv.Error as exc:  # found by fuzz/fuzz_ingest.py: a bare CR in the header
            yield IngestError(f"malformed CSV header: {exc}", path=path, line=1)
            return
        header = [h.strip() for h in header]
        if len(set(header)) != len(header):
            dup = sorted({h for h in header if header.count(h) > 1})
            yield IngestError(f"duplicate column names {dup}", path=path, line=1)
            return
        while True:
            row_start = counter[0] + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                field = None
                if "field larger" in str(exc):
                    yield _too_big(path, row_start, field, opts.max_bytes * 2, opts.max_bytes)
                else:
                    yield IngestError(f"malformed CSV: {exc}", path=path, line=row_start)
                continue
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) > len(header):
                yield IngestError(
                    f"row has {len(row)} cells but the header has {len(header)} columns",
                    path=path, line=row_start,
                )
                continue
            rec = {h: (v if v != "" else None) for h, v in zip(header, row, strict=False)}
            yield _Rec(path, row_start, rec)
    except IngestError as exc:
        yield exc
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        yield _io_error(exc, path, row_start)
    finally:
        fh.close()


def _read_parquet(path: str, opts: _Opts) -> Iterator[_Rec | IngestError]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    row = 0
    try:
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            yield IngestError(f"not a readable Parquet file ({exc})", path=path)
            return
        if pf.metadata.num_rows == 0:
            log.warning("%s: empty file, no articles", path)
            return
        for batch in pf.iter_batches(batch_size=1024):
            for rec in batch.to_pylist():
                row += 1
                yield _Rec(path, row, rec)
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:  # found by fuzz_ingest:
        # a string column holding bytes that are not UTF-8
        yield IngestError(f"cannot read Parquet data ({exc})", path=path, line=row + 1)


def _read_text_file(path: str, rel_id: str, opts: _Opts) -> Iterator[_Rec | IngestError]:
    try:
        size = os.path.getsize(path)
        if size > opts.max_bytes * 4 + 4:  # UTF-32 is the widest encoding we accept
            yield _too_big(path, None, "text", size, opts.max_bytes)
            return
        with open(path, "rb") as fh:
            enc = _sniff(fh, path)
            data = fh.read()
    except IngestError as exc:
        yield exc
        return
    except OSError as exc:
        yield _io_error(exc, path, None)
        return
    if enc:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            yield IngestError(f"bad {enc} data ({exc.reason})", path=path, field="text")
            return
        text = text.lstrip("\ufeff")
    else:
        text = _decode(data, path, None)
    if not text.strip():
        log.warning("%s: empty file, no article", path)
        return
    yield _Rec(path, None, {"id": rel_id, "text": text, "_native": True}, True)


def _kind(path: str) -> str | None:
    name = path.lower()
    for suf in SUPPORTED_SUFFIXES:
        if name.endswith(suf):
            return suf.removesuffix(".gz").lstrip(".")
    return None


# A folder's own documentation is not an article (seeds/README.md, a dump's LICENSE.txt).
_DOC_NAMES = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE"})


def _read_path(src: str | os.PathLike[str], opts: _Opts) -> Iterator[_Rec | IngestError]:
    s = os.fspath(src)
    if s == "-":
        yield from _read_jsonl("<stdin>", opts, stream=sys.stdin.buffer, hash_ids=True)
        return
    p = Path(s)
    if p.is_dir():
        files = sorted(
            (f for f in p.rglob("*") if f.is_file() and _kind(f.name) is not None
             and not any(part.startswith(".") for part in f.relative_to(p).parts)
             and f.name.split(".")[0].upper() not in _DOC_NAMES),
            key=lambda f: f.relative_to(p).as_posix(),
        )
        if not files:
            log.warning("%s: directory has no supported files (%s)", s,
                        ", ".join(SUPPORTED_SUFFIXES))
        for f in files:
            yield from _read_file(str(f), f.relative_to(p).as_posix(), opts, in_dir=True)
        return
    if not p.exists():
        yield IngestError("no such file or directory", path=s)
        return
    yield from _read_file(s, p.name, opts, in_dir=False)


def _read_file(path: str, rel: str, opts: _Opts, *, in_dir: bool) -> Iterator[_Rec | IngestError]:
    kind = _kind(path)
    if kind in ("txt", "md"):
        yield from _read_text_file(path, rel, opts)
    elif kind in ("jsonl", "ndjson"):
        yield from _read_jsonl(path, opts, hash_ids=False)
    elif kind == "json":
        yield from _read_json(path, opts)
    elif kind == "csv":
        yield from _read_csv(path, opts)
    elif kind == "parquet":
        yield from _read_parquet(path, opts)
    else:
        yield IngestError(
            f"unsupported file type; expected one of {', '.join(SUPPORTED_SUFFIXES)}", path=path
        )


# ---------------------------------------------------------------------------------------------
# validation: raw record -> Article


def _is_missing(v: Any) -> bool:
    if v is None or isinstance(v, str):  # a str is never missing; repr() of a text costs
        return v is None
    return (isinstance(v, float) and math.isnan(v)) or repr(v) in ("NaT", "<NA>")


def _str_field(rec: _Rec, data: dict[str, Any], key: str, field: str, rid: str | None,
               opts: _Opts) -> str | None:
    v = data.get(key)
    if _is_missing(v):
        return None
    if isinstance(v, str):
        if len(v) > opts.max_bytes:
            raise _too_big(rec.path, rec.line, field, len(v), opts.max_bytes)
        v = v.strip()
        return v or None
    raise IngestError(f"expected a string, got {type(v).__name__}", path=rec.path, line=rec.line,
                      field=key, record_id=rid)


def _to_article(rec: _Rec, opts: _Opts) -> Article:
    data = rec.data
    if isinstance(data, Article):
        return data
    if not isinstance(data, dict):
        raise IngestError(f"expected an object with fields, got {type(data).__name__}",
                          path=rec.path, line=rec.line)
    native = bool(data.get("_native"))
    id_key = "id" if native else opts.id_col
    text_key = "text" if native else opts.text_col
    rid_raw = data.get(id_key)
    rid: str | None
    if _is_missing(rid_raw) or rid_raw == "":
        rid = None
    elif isinstance(rid_raw, bool) or not isinstance(rid_raw, str | numbers.Integral):
        raise IngestError(f"expected a string or integer id, got {type(rid_raw).__name__}",
                          path=rec.path, line=rec.line, field=id_key)
    else:
        rid = str(rid_raw).strip() or None
    if text_key not in data or _is_missing(data.get(text_key)):
        raise IngestError("missing text", path=rec.path, line=rec.line, field=text_key,
                          record_id=rid)
    raw = data[text_key]
    if not isinstance(raw, str):
        raise IngestError(f"expected a string, got {type(raw).__name__}", path=rec.path,
                          line=rec.line, field=text_key, record_id=rid)
    if len(raw) > opts.max_bytes:
        raise _too_big(rec.path, rec.line, text_key, len(raw), opts.max_bytes)
    if not raw.strip():
        raise IngestError("empty text", path=rec.path, line=rec.line, field=text_key,
                          record_id=rid)
    if rid is None:
        if not rec.hash_ids:
            raise IngestError("missing id", path=rec.path, line=rec.line, field=id_key)
        rid = content_id(raw)
    clean, anchors = clean_text(raw)
    if not clean:
        raise IngestError("no text left after removing markup and boilerplate", path=rec.path,
                          line=rec.line, field=text_key, record_id=rid)
    title = _str_field(rec, data, opts.title_col, opts.title_col, rid, opts)
    if title:
        title = clean_text(title)[0].replace("\n", " ") or None
    date_raw = data.get(opts.date_col)
    date = None
    if not _is_missing(date_raw) and date_raw != "":
        date = parse_date(date_raw)
        if date is None:
            log.warning("%s%s: id %r: field %r: cannot parse date %r as a full date; left empty",
                        rec.path, f", line {rec.line}" if rec.line is not None else "", rid,
                        opts.date_col, str(date_raw)[:80])
    extra = {k: _str_field(rec, data, k, k, rid, opts) for k in _OPTIONAL}
    origin = f"{rec.path}:{rec.line}" if rec.line is not None else rec.path
    return Article(
        id=rid, text=clean, raw_text=raw, anchors=anchors, title=title, date=date,
        source=extra["source"], url=extra["url"], language=extra["language"], origin=origin,
    )


# ---------------------------------------------------------------------------------------------
# the pipeline


def _iter_sources(sources: Any) -> Iterator[str | os.PathLike[str]]:
    if isinstance(sources, str | os.PathLike):
        yield sources
        return
    yield from sources


def _pipeline(
    items: Iterable[_Rec | IngestError],
    opts: _Opts,
    *,
    on_error: str,
    rejects: list[dict[str, Any]] | str | os.PathLike[str] | None,
    duplicates: str,
    clusters: bool,
) -> Iterator[Article]:
    if on_error not in ("fail", "skip"):
        raise ValueError(f"on_error must be 'fail' or 'skip', not {on_error!r}")
    if duplicates not in ("error", "keep-first"):
        raise ValueError(f"duplicates must be 'error' or 'keep-first', not {duplicates!r}")
    from tension.read._write import open_writer

    sink: list[dict[str, Any]] | None = rejects if isinstance(rejects, list) else None
    writer = None
    if rejects is not None and sink is None:
        writer = open_writer(os.fspath(rejects), fmt="jsonl",  # type: ignore[arg-type]
                             columns=("source", "line", "field", "id", "reason"))
        writer.__enter__()
    clusterer = None
    if clusters:
        from tension.read._wire import WireClusterer

        clusterer = WireClusterer()
    seen: dict[str, str] = {}
    n_rejected = n_dupes = 0

    def reject(err: IngestError) -> None:
        nonlocal n_rejected
        if on_error == "fail":
            raise err
        n_rejected += 1
        log.warning("skipped: %s", err)
        row = {"source": err.path, "line": err.line, "field": err.field, "id": err.record_id,
               "reason": err.reason}
        if sink is not None:
            sink.append(row)
        if writer is not None:
            writer.write([row])

    ok = False
    try:
        for item in items:
            if isinstance(item, IngestError):
                reject(item)
                continue
            try:
                art = _to_article(item, opts)
            except IngestError as err:
                reject(err)
                continue
            except RecursionError:
                reject(IngestError("record nested too deeply", path=item.path, line=item.line))
                continue
            first = seen.get(art.id)
            if first is not None:
                if duplicates == "keep-first":
                    n_dupes += 1
                    log.debug("duplicate id %r at %s (first at %s); kept the first",
                              art.id, art.origin, first)
                    continue
                reject(IngestError(f"duplicate id (first seen at {first}); use "
                                   "duplicates='keep-first' / --keep-duplicates to keep one",
                                   path=item.path, line=item.line, field=opts.id_col,
                                   record_id=art.id))
                continue
            seen[art.id] = art.origin or ""
            if clusterer is not None:
                art = replace(art, cluster=clusterer.assign(art.id, art.text))
            yield art
        ok = True
    except GeneratorExit:
        ok = True  # the consumer stopped early: what was read so far is consistent
        raise
    finally:
        if n_dupes:
            log.info("dropped %d records with an id seen before", n_dupes)
        if writer is not None:
            if ok or on_error == "skip":
                writer.close()
            else:
                writer.abort()


def read_articles(
    sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    id_col: str = "id",
    text_col: str = "text",
    date_col: str = "date",
    title_col: str = "title",
    on_error: OnError | str = "fail",
    rejects: list[dict[str, Any]] | str | os.PathLike[str] | None = None,
    duplicates: Duplicates | str = "error",
    clusters: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article]:
    """Stream cleaned :class:`Article` records from files, directories or ``-`` (stdin JSONL).

    Parameters
    ----------
    sources
        A path, or an iterable of paths. A directory expands recursively (sorted) to its
        ``.txt``/``.md`` files (one article each; id = path relative to the directory) and its
        ``.jsonl[.gz]``/``.json``/``.csv``/``.parquet`` files (their records).
    id_col, text_col, date_col, title_col
        Column names in record files.
    on_error
        ``"fail"`` raises the first :class:`IngestError`; ``"skip"`` logs it and goes on.
    rejects
        ``None``, a list (each reject is appended as a dict with ``source``, ``line``,
        ``field``, ``id``, ``reason``) or a path where rejects are written as JSONL.
    duplicates
        ``"error"``: a repeated id is an error; ``"keep-first"``: later copies are dropped.
    clusters
        Set ``Article.cluster``: near-duplicate wire copies share the id of the first copy.
    max_bytes
        Largest article text accepted (characters); bigger ones are refused by name.
    """
    opts = _Opts(id_col, text_col, date_col, title_col, max_bytes)

    def items() -> Iterator[_Rec | IngestError]:
        for src in _iter_sources(sources):
            yield from _read_path(src, opts)

    return _pipeline(items(), opts, on_error=on_error, rejects=rejects, duplicates=duplicates,
                     clusters=clusters)


def _object_items(obj: Any, opts: _Opts, depth: int = 0) -> Iterator[_Rec | IngestError]:
    if isinstance(obj, Article):
        yield _Rec("<python>", None, obj)
    elif isinstance(obj, os.PathLike):
        yield from _read_path(obj, opts)
    elif isinstance(obj, str):
        if obj == "-" or (len(obj) < 4096 and "\n" not in obj and _exists(obj)):
            yield from _read_path(obj, opts)
        else:
            yield _Rec("<text>", None, {"text": obj, "_native": True}, True)
    elif isinstance(obj, dict):
        yield _Rec("<python>", None, obj, True)
    elif hasattr(obj, "to_dict") and hasattr(obj, "columns"):  # pandas DataFrame
        n = len(obj)
        for start in range(0, n, 1024):
            for i, rec in enumerate(obj.iloc[start:start + 1024].to_dict("records"), start + 1):
                yield _Rec("<DataFrame>", i, rec, True)
    elif isinstance(obj, bytes):
        yield IngestError("got bytes; decode to str first or pass a file path", path="<python>")
    elif isinstance(obj, Iterable) and depth < 2:
        for i, x in enumerate(obj, 1):
            for item in _object_items(x, opts, depth + 1):
                if isinstance(item, _Rec) and item.path == "<python>" and item.line is None:
                    item.line = i
                yield item
    else:
        yield IngestError(f"cannot read articles from a {type(obj).__name__}", path="<python>")


def _exists(s: str) -> bool:
    try:
        return os.path.exists(s)
    except (OSError, ValueError):
        return False


def as_articles(
    obj: Any,
    *,
    id_col: str = "id",
    text_col: str = "text",
    date_col: str = "date",
    title_col: str = "title",
    on_error: OnError | str = "fail",
    rejects: list[dict[str, Any]] | str | os.PathLike[str] | None = None,
    duplicates: Duplicates | str = "error",
    clusters: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Article]:
    """Articles from almost anything: an Article, article text, a path, a dict, a DataFrame,
    or a list/iterable of those. A ``str`` that names an existing file or directory is read;
    any other ``str`` is article text with a content-hash id. Options as in :func:`read_articles`.
    """
    opts = _Opts(id_col, text_col, date_col, title_col, max_bytes)
    return _pipeline(_object_items(obj, opts), opts, on_error=on_error, rejects=rejects,
                     duplicates=duplicates, clusters=clusters)


def as_article(obj: Article | str | Mapping[str, Any], **options: Any) -> Article:
    """One article from an :class:`Article`, its text, or a mapping with at least ``text``
    (``id``, ``title``, ``date`` as in :func:`read_articles`; ``options`` name other columns).

    Unlike :func:`as_articles`, a ``str`` is always text, never a path: the verbs that take
    one article (``find_actors``, ``extract_signals``) read what they are given.
    """
    if isinstance(obj, Article):
        return obj
    if isinstance(obj, Mapping):
        record: Mapping[str, Any] = obj
    elif isinstance(obj, str):
        if not obj.strip():
            return Article(id="text", text="", raw_text=obj)
        record = {"text": obj}
    else:
        raise IngestError(
            f"expected an Article, article text or a mapping with 'text', got "
            f"{type(obj).__name__}"
        )
    return next(iter(as_articles([dict(record)], **options)))
