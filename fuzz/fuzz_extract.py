"""Coverage-guided fuzzing of cleaning, actor resolution and signal extraction with atheris.

    .venv/bin/python fuzz/fuzz_extract.py /tmp/fuzz-extract fuzz/corpus/extract -max_total_time=300

The input bytes are decoded as UTF-8 (lossy, so every unicode character can be reached); the
text goes through clean_text -> find_actors -> extract_signals and every record is checked.
"""

from __future__ import annotations

import logging
import os
import sys

import atheris

# only our code: instrumenting numpy/sklearn/pyarrow too makes start-up take minutes
with atheris.instrument_imports(include=["tension"]):
    from tension.extract._actors import find_actors
    from tension.read._clean import clean_text
    from tension.extract._signals import extract_signals
    from tension._types import Article, TensionError

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import check_article, check_layers  # noqa: E402

logging.disable(logging.WARNING)  # rejects are expected; logging them only slows the run


def test_one(data: bytes) -> None:
    raw = data.decode("utf-8", "replace")
    text, anchors = clean_text(raw)
    if not text.strip():
        return
    art = Article(id="fuzz", text=text, raw_text=raw, anchors=anchors)
    try:
        check_article(art)
        mentions = find_actors(art)
        events = extract_signals(art, mentions)
    except TensionError:
        return
    check_layers(art, mentions, events)


def main() -> None:
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
