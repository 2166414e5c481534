"""Rebuild fuzz/corpus/ from the project's own test fixtures (idempotent).

    .venv/bin/python fuzz/seed_corpus.py

extract/: sentences from tests/test_signals.py's table and the seed document, plus a few hostile
shapes; ingest/: a format byte (see fuzz_ingest.SUFFIXES) followed by small files in each format,
made from the same sentences and seeds/corpus.jsonl records.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from test_signals import TABLE  # noqa: E402

SUFFIXES = (".jsonl", ".json", ".csv", ".txt", ".jsonl.gz", ".parquet", ".md", ".csv.gz")


def _put(folder: Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> None:
    corpus = ROOT / "fuzz" / "corpus"
    sentences = [s for s, _, _ in TABLE]
    seed_doc = (ROOT / "seeds" / "000_6facbdc12a09933c.txt").read_text(encoding="utf-8")
    records = [json.loads(line) for line in
               (ROOT / "seeds" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:4]]
    for s in sentences[::3]:
        _put(corpus / "extract", s.encode())
    _put(corpus / "extract", seed_doc[:4000].encode())
    for hostile in ("<p>Iran &amp; Pakistan</p>\n<script>x</script>", "\u202eإيران\u200f Iran\x00",
                    "CAIRO - Iran and Egypt met.\nMr. Smith said U.S. forces"):
        _put(corpus / "extract", hostile.encode())

    rows = [{"id": f"s{i}", "text": s, "date": "2024-01-02"} for i, s in enumerate(sentences[:5])]
    rows += [{k: r.get(k) for k in ("id", "title", "text", "date")} for r in records]
    jsonl = "".join(json.dumps(r) + "\n" for r in rows).encode()
    buf = io.StringIO()
    import csv

    w = csv.DictWriter(buf, fieldnames=["id", "title", "text", "date"])
    w.writeheader()
    w.writerows(rows)
    files = {
        ".jsonl": jsonl,
        ".json": json.dumps(rows).encode(),
        ".csv": buf.getvalue().encode(),
        ".txt": seed_doc[:3000].encode(),
        ".jsonl.gz": gzip.compress(jsonl, mtime=0),
        ".md": b"# Title\n\n" + sentences[0].encode(),
        ".csv.gz": gzip.compress(buf.getvalue().encode(), mtime=0),
    }
    import pyarrow as pa
    import pyarrow.parquet as pq

    pbuf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(rows[:3]), pbuf)
    files[".parquet"] = pbuf.getvalue()
    for suffix, data in files.items():
        _put(corpus / "ingest", bytes([SUFFIXES.index(suffix)]) + data)
    print(f"corpus: {len(list((corpus / 'extract').iterdir()))} extract, "
          f"{len(list((corpus / 'ingest').iterdir()))} ingest inputs")


if __name__ == "__main__":
    main()
