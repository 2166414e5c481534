"""The reader: every format, every bad-input case, encodings, duplicates, stdin, objects."""

from __future__ import annotations

import gzip
import io
import json
import logging
import sys
from pathlib import Path

import pandas as pd
import pytest

from tension._types import Article, IngestError
from tension.read._io import as_articles, content_id, read_articles

TEXT_A = "Border officials from both countries met in a tent on the plain and agreed to talk again."
TEXT_B = "The two navies exchanged radio warnings near the disputed reef on Thursday afternoon."


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


ROWS = [
    {"id": "a1", "text": TEXT_A, "title": "Talks", "date": "2024-01-16", "source": "Wire",
     "url": "https://example.org/a1", "language": "en"},
    {"id": "a2", "text": TEXT_B, "date": "Tue, 16 Jan 2024 23:30:00 -0500"},
]


def _write_format(tmp_path: Path, fmt: str) -> Path:
    if fmt == "jsonl":
        return _jsonl(tmp_path / "in.jsonl", ROWS)
    if fmt == "jsonl.gz":
        p = tmp_path / "in.jsonl.gz"
        with gzip.open(p, "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in ROWS)
        return p
    if fmt == "json":
        p = tmp_path / "in.json"
        p.write_text(json.dumps(ROWS, indent=2), encoding="utf-8")
        return p
    if fmt == "csv":
        p = tmp_path / "in.csv"
        pd.DataFrame(ROWS).to_csv(p, index=False)
        return p
    if fmt == "parquet":
        p = tmp_path / "in.parquet"
        pd.DataFrame(ROWS).to_parquet(p, index=False)
        return p
    raise AssertionError(fmt)


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz", "json", "csv", "parquet"])
def test_every_record_format_reads_the_same_articles(tmp_path: Path, fmt: str) -> None:
    arts = list(read_articles(_write_format(tmp_path, fmt)))
    assert [a.id for a in arts] == ["a1", "a2"]
    a1, a2 = arts
    assert a1.text == TEXT_A and a1.raw_text == TEXT_A
    assert (a1.title, a1.date, a1.source, a1.url, a1.language) == (
        "Talks", "2024-01-16", "Wire", "https://example.org/a1", "en")
    assert a2.date == "2024-01-17"  # 23:30 at UTC-5 is the next day in UTC
    assert a2.title is None and a2.source is None


def test_json_array_streams_across_chunk_boundaries(tmp_path: Path) -> None:
    rows = [{"id": f"r{i}", "text": f"Item {i} " + "x" * 5000} for i in range(400)]
    p = tmp_path / "big.json"
    p.write_text(json.dumps(rows), encoding="utf-8")  # ~2 MB: spans several 1 MB chunks
    arts = list(read_articles(p))
    assert [a.id for a in arts] == [r["id"] for r in rows]


def test_directory_of_text_files_ids_are_relative_paths(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").write_text(TEXT_B, encoding="utf-8")
    (tmp_path / "sub" / "a.md").write_text(TEXT_A, encoding="utf-8")
    (tmp_path / "notes.xyz").write_text("ignored", encoding="utf-8")
    _jsonl(tmp_path / "sub" / "more.jsonl", [{"id": "j", "text": "A third story here."}])
    ids = [a.id for a in read_articles(tmp_path)]
    assert ids == ["b.txt", "sub/a.md", "j"]  # sorted by path: sub/a.md < sub/more.jsonl


def test_column_mapping(tmp_path: Path) -> None:
    p = tmp_path / "m.csv"
    pd.DataFrame([{"doc": "d1", "body": TEXT_A, "published": "16 January 2024",
                   "headline": "H"}]).to_csv(p, index=False)
    (a,) = read_articles(p, id_col="doc", text_col="body", date_col="published",
                         title_col="headline")
    assert (a.id, a.text, a.date, a.title) == ("d1", TEXT_A, "2024-01-16", "H")


def test_stdin_jsonl_hashes_missing_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (json.dumps({"text": TEXT_A}) + "\n" + json.dumps({"id": "x", "text": TEXT_B})
            + "\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    arts = list(read_articles("-"))
    assert [a.id for a in arts] == [content_id(TEXT_A), "x"]
    assert len(arts[0].id) == 16


def test_seed_document_is_read_cleaned_and_keeps_offsets(seed_path: Path) -> None:
    (a,) = read_articles(seed_path)
    raw = seed_path.read_text(encoding="utf-8")
    assert a.raw_text == raw
    assert "log in" not in a.text and "Create free account" not in a.text
    assert "please log in" in a.raw_text
    assert "\u201c" not in a.text and '"brotherly"' in a.text
    for word in ("Hostilities", "Updated", "Jaish al-Adl", "Atlantic Council", "European Union"):
        i = a.text.index(word)
        s, e = a.raw_span(i, i + len(word))
        assert raw[s:e] == word


# ------------------------------------------------------------------------- bad input


def _err(src, **kw) -> IngestError:
    with pytest.raises(IngestError) as ei:
        list(read_articles(src, **kw))
    return ei.value


@pytest.mark.parametrize(
    ("lines", "line", "field", "reason"),
    [
        (['{"id": "a", "text": "ok text"}', '{"id": "b", "text": '], 2, None, "malformed JSON"),
        (['{"id": "a"}'], 1, "text", "missing text"),
        (['{"id": "a", "text": "   "}'], 1, "text", "empty text"),
        (['{"id": "a", "text": 5}'], 1, "text", "expected a string, got int"),
        (['{"id": "a", "text": {"nested": "x"}}'], 1, "text", "expected a string, got dict"),
        (['{"id": "a", "text": "t", "title": ["x"]}'], 1, "title", "expected a string"),
        (['{"id": [1], "text": "t"}'], 1, "id", "id"),
        (['{"text": "no id in a file"}'], 1, "id", "missing id"),
        (['[1, 2]'], 1, None, "expected an object"),
        (['{"id": "a", "text": "t"}', '{"id": "a", "text": "u"}'], 2, "id", "duplicate id"),
    ],
)
def test_bad_jsonl_records_name_file_line_field(tmp_path, lines, line, field, reason) -> None:
    p = tmp_path / "bad.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _err(p)
    assert (err.path, err.line, err.field) == (str(p), line, field)
    assert reason in err.reason
    assert str(p) in str(err) and f"line {line}" in str(err)


def test_skip_collects_rejects_and_keeps_going(tmp_path: Path) -> None:
    p = tmp_path / "mixed.jsonl"
    p.write_text('{"id": "a", "text": "good one"}\n{oops\n{"id": "c", "text": 3}\n'
                 '{"id": "d", "text": "good two"}\n', encoding="utf-8")
    rejects: list[dict] = []
    arts = list(read_articles(p, on_error="skip", rejects=rejects))
    assert [a.id for a in arts] == ["a", "d"]
    assert [(r["line"], r["field"]) for r in rejects] == [(2, None), (3, "text")]
    assert set(rejects[0]) == {"source", "line", "field", "id", "reason"}


def test_rejects_path_is_written_as_jsonl(tmp_path: Path) -> None:
    p = tmp_path / "mixed.jsonl"
    p.write_text('{"id": "a", "text": "good"}\n{oops\n', encoding="utf-8")
    out = tmp_path / "rej.jsonl"
    assert len(list(read_articles(p, on_error="skip", rejects=out))) == 1
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows[0]["line"] == 2 and "malformed" in rows[0]["reason"]


def test_keep_first_duplicates(tmp_path: Path) -> None:
    p = _jsonl(tmp_path / "d.jsonl", [{"id": "a", "text": "one"}, {"id": "a", "text": "two"}])
    arts = list(read_articles(p, duplicates="keep-first"))
    assert [(a.id, a.text) for a in arts] == [("a", "one")]


def test_truncated_gzip_is_an_ingest_error(tmp_path: Path) -> None:
    p = tmp_path / "t.jsonl.gz"
    blob = gzip.compress(b"".join(
        json.dumps({"id": f"i{i}", "text": f"story number {i} " * 20}).encode() + b"\n"
        for i in range(2000)))
    p.write_bytes(blob[: len(blob) // 2])
    err = _err(p)
    assert "gzip" in err.reason and err.path == str(p)


@pytest.mark.parametrize("name", ["blob.jsonl", "blob.csv", "blob.txt", "blob.json"])
def test_binary_file_is_refused(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    p.write_bytes(bytes(range(256)) * 20)
    err = _err(p)
    assert "binary" in err.reason or "malformed" in err.reason or "not a" in err.reason


def test_binary_parquet_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "x.parquet"
    p.write_bytes(b"not parquet at all")
    assert "Parquet" in _err(p).reason


def test_huge_single_article_names_file_line_field(tmp_path: Path) -> None:
    p = tmp_path / "huge.jsonl"
    big = "word " * 200_000  # 1 MB, with a 0.2 MB limit: the same path a 50 MB article takes
    p.write_text(json.dumps({"id": "ok", "text": "small"}) + "\n"
                 + json.dumps({"id": "h", "text": big}) + "\n", encoding="utf-8")
    err = _err(p, max_bytes=200_000)
    assert (err.line, err.field) == (2, "text") and "MB" in err.reason
    txt = tmp_path / "huge.txt"
    txt.write_text(big, encoding="utf-8")
    err = _err(txt, max_bytes=200_000)
    assert err.field == "text"


@pytest.mark.slow
def test_fifty_megabyte_article_is_refused_without_loading_it(tmp_path: Path) -> None:
    p = tmp_path / "fifty.jsonl"
    with open(p, "w", encoding="utf-8") as fh:
        fh.write('{"id": "big", "text": "')
        chunk = "lorem ipsum " * 100_000
        for _ in range(42):
            fh.write(chunk)
        fh.write('"}\n{"id": "next", "text": "still read"}\n')
    rejects: list[dict] = []
    arts = list(read_articles(p, on_error="skip", rejects=rejects))
    assert [a.id for a in arts] == ["next"]
    assert (rejects[0]["line"], rejects[0]["field"]) == (1, "text")


def test_empty_file_is_a_warning_not_an_error(tmp_path, caplog) -> None:
    for name in ("e.jsonl", "e.csv", "e.json", "e.txt"):
        (tmp_path / name).write_bytes(b"")
        with caplog.at_level(logging.WARNING, logger="tension.read._io"):
            assert list(read_articles(tmp_path / name)) == []
        assert "empty file" in caplog.text and name in caplog.text
        caplog.clear()


@pytest.mark.parametrize(
    ("data", "expect"),
    [
        (b"\xef\xbb\xbf" + "Caf\u00e9 talks".encode(), "Caf\u00e9 talks"),
        ("\ufeffCaf\u00e9 talks".encode("utf-16-le"), "Caf\u00e9 talks"),
        ("\ufeffCaf\u00e9 talks".encode("utf-16-be"), "Caf\u00e9 talks"),
    ],
)
def test_boms_decode(tmp_path: Path, data: bytes, expect: str) -> None:
    p = tmp_path / "x.txt"
    p.write_bytes(data)
    (a,) = read_articles(p)
    assert a.text == expect


def test_utf16_jsonl_and_csv(tmp_path: Path) -> None:
    p = tmp_path / "u.jsonl"
    p.write_text(json.dumps({"id": "u", "text": "Gen\u00e8ve"}, ensure_ascii=False) + "\n",
                 encoding="utf-16")
    assert [a.text for a in read_articles(p)] == ["Gen\u00e8ve"]
    c = tmp_path / "u.csv"
    c.write_text("id,text\nu,Gen\u00e8ve\n", encoding="utf-16")
    assert [a.text for a in read_articles(c)] == ["Gen\u00e8ve"]


def test_cp1252_fallback_warns_naming_the_record(tmp_path, caplog) -> None:
    p = tmp_path / "w.jsonl"
    p.write_bytes(b'{"id": "ok", "text": "fine"}\n{"id": "w", "text": "\x93quoted\x94 caf\xe9"}\n')
    with caplog.at_level(logging.WARNING, logger="tension.read._io"):
        arts = list(read_articles(p))
    assert arts[1].raw_text == "\u201cquoted\u201d caf\u00e9"
    assert "Windows-1252" in caplog.text and "line 2" in caplog.text


def test_unparsable_date_warns_and_is_empty(tmp_path, caplog) -> None:
    p = _jsonl(tmp_path / "d.jsonl", [{"id": "d", "text": "t", "date": "sometime soon"}])
    with caplog.at_level(logging.WARNING, logger="tension.read._io"):
        (a,) = read_articles(p)
    assert a.date is None
    assert "'d'" in caplog.text and "line 1" in caplog.text and "sometime soon" in caplog.text


def test_missing_file_and_unknown_extension(tmp_path: Path) -> None:
    assert "no such" in _err(tmp_path / "nope.jsonl").reason
    (tmp_path / "x.docx").write_text("x")
    assert "unsupported" in _err(tmp_path / "x.docx").reason


def test_fail_mode_stops_before_later_records(tmp_path: Path) -> None:
    p = tmp_path / "f.jsonl"
    p.write_text('{"id": "a", "text": "good"}\n{bad}\n{"id": "c", "text": "never"}\n')
    seen = []
    with pytest.raises(IngestError):
        for a in read_articles(p):
            seen.append(a.id)
    assert seen == ["a"]


# ------------------------------------------------------------------------- as_articles


def test_as_articles_accepts_anything(tmp_path: Path, seed_path: Path) -> None:
    art = Article(id="pre", text="already built")
    df = pd.DataFrame({"id": [7], "text": [TEXT_B], "date": ["2024-01-16"]})
    arts = list(as_articles([art, TEXT_A, {"text": "dict text"}, str(seed_path)]))
    assert [a.id for a in arts] == ["pre", content_id(TEXT_A), content_id("dict text"),
                                    seed_path.name]
    (d,) = as_articles(df)
    assert (d.id, d.date) == ("7", "2024-01-16")
    assert [a.id for a in as_articles(Article(id="one", text="x"))] == ["one"]


def test_as_articles_bad_objects_raise_ingest_error() -> None:
    with pytest.raises(IngestError):
        list(as_articles(3.5))
    with pytest.raises(IngestError):
        list(as_articles([{"id": "x", "text": None}]))


def test_wire_copies_share_a_cluster(tmp_path: Path) -> None:
    story = ("Officials in the capital said on Monday that the border talks would resume next "
             "week after a pause of several months, and both delegations would bring maps.")
    rows = [
        {"id": "s1", "text": story},
        {"id": "s2", "text": "CITY (Agency) - " + story + " Reporting by staff."},
        {"id": "s3", "text": "A farmer grew the largest pumpkin in the county fair this year, "
                             "beating the old record by twelve kilograms."},
    ]
    arts = list(read_articles(_jsonl(tmp_path / "w.jsonl", rows), clusters=True))
    assert [a.cluster for a in arts] == ["s1", "s1", "s3"]
    assert all(a.cluster is None for a in read_articles(tmp_path / "w.jsonl"))


def test_directory_skips_its_own_documentation(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("How these files were made.", encoding="utf-8")
    (tmp_path / "LICENSE.txt").write_text("Some licence.", encoding="utf-8")
    (tmp_path / "story.txt").write_text("Chile and Peru signed a fishing accord.", encoding="utf-8")
    assert [a.id for a in read_articles(tmp_path)] == ["story.txt"]
