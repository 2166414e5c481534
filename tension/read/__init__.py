"""Read: files and records in, clean articles with offsets out; writers for every output.

The bottom layer: it imports only ``tension._types``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tension._lazy import attach

_EXPORTS: dict[str, str] = {
    "read_articles": "_io",
    "as_articles": "_io",
    "content_id": "_io",
    "SUPPORTED_SUFFIXES": "_io",
    "DEFAULT_MAX_BYTES": "_io",
    "clean_text": "_clean",
    "is_boilerplate": "_clean",
    "parse_date": "_dates",
    "split_sentences": "_text",
    "WireClusterer": "_wire",
    "minhash": "_wire",
    "open_writer": "_write",
    "Writer": "_write",
    "format_of": "_write",
    "safe_path": "_write",
}
__getattr__, __dir__, __all__ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from tension.read._clean import clean_text, is_boilerplate
    from tension.read._dates import parse_date
    from tension.read._io import (
        DEFAULT_MAX_BYTES,
        SUPPORTED_SUFFIXES,
        as_articles,
        content_id,
        read_articles,
    )
    from tension.read._text import split_sentences
    from tension.read._wire import WireClusterer, minhash
    from tension.read._write import Writer, format_of, open_writer, safe_path
