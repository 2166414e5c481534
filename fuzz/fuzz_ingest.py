"""Coverage-guided fuzzing of the article reader (every file format) with atheris.

    .venv/bin/python fuzz/fuzz_ingest.py /tmp/fuzz-ingest fuzz/corpus/ingest -max_total_time=300

The first byte picks the file format; the rest is the file. Every input must give valid
articles or an IngestError/TensionError; anything else is a crash (see fuzz/README.md).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile

import atheris

# only our code: instrumenting numpy/sklearn/pyarrow too makes start-up take minutes
with atheris.instrument_imports(include=["tension"]):
    from tension.read._io import read_articles
    from tension._types import TensionError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import check_article  # noqa: E402

SUFFIXES = (".jsonl", ".json", ".csv", ".txt", ".jsonl.gz", ".parquet", ".md", ".csv.gz")
TMP = tempfile.mkdtemp(prefix="fuzz-ingest-")

logging.disable(logging.WARNING)  # rejects are expected; logging them only slows the run


def test_one(data: bytes) -> None:
    if not data:
        return
    path = os.path.join(TMP, "input" + SUFFIXES[data[0] % len(SUFFIXES)])
    with open(path, "wb") as fh:
        fh.write(data[1:])
    for on_error in ("fail", "skip"):
        try:
            for art in read_articles(path, on_error=on_error, rejects=[], max_bytes=100_000):
                check_article(art)
        except TensionError:
            pass


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
