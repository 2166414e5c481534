"""Sentence splitting shared by every layer that works sentence by sentence.

One linear pass with one compiled pattern: no backtracking on long unpunctuated input.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "MAX_SENTENCE_CHARS"]

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace,
# or at a line break. Hard-wrapped news copy rarely breaks mid-sentence at a blank line.
# Written to start with one character class so that the regex engine skips to candidates with
# its fast charset scan (an alternation of repeats is tried at every position: 4x slower). The
# lookbehinds pick the branch the first character began; group 1 (not consumed) is the
# whitespace after the boundary up to a line break (which is the next boundary: stopping there
# keeps the scan linear), so the next sentence starts at m.end(1) with no trimming.
_BOUNDARY = re.compile(
    r"""[.!?\n](?:(?<=\n)\n*|(?<=[.!?])[.!?]*["'\u201d\u2019)\]]*(?=\s))(?=([^\S\n]*))"""
)
_ABBREV = frozenset(
    """mr mrs ms dr prof gen lt col maj capt sgt adm cmdr gov sen rep st jr sr no vs etc inc
    ltd co corp u.s u.k u.n e.u jan feb mar apr jun jul aug sep sept oct nov dec approx
    dept fig al pres amb""".split()
)
_ABBREV_MAX = max(map(len, _ABBREV))
# last two letters of every abbreviation: a word of two or more letters ending otherwise is none
_ABBREV_TAILS = frozenset(a[-2:] for a in _ABBREV)
# Sentences longer than this are cut so that per-sentence work stays bounded.
MAX_SENTENCE_CHARS = 5000
# Actors, signals and dyad text each split the same article: keep the last few results.
_CACHE_SIZE = 8
_cache: dict[str, tuple[tuple[int, int], ...]] = {}


def _is_abbreviation(text: str, dot_pos: int) -> bool:
    # a word longer than every abbreviation (the common case) needs no scan
    k = dot_pos - _ABBREV_MAX - 1
    if k >= 0 and text[k:dot_pos].isalpha():
        return False
    j = dot_pos
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot_pos].lower()
    if not word:
        return False
    if word in _ABBREV:
        return True
    # single capital initial such as "J." in "J. Smith"
    return len(word) == 1 and text[j].isupper()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``[start, end)`` spans of the sentences of ``text``, whitespace trimmed."""
    hit = _cache.get(text)
    if hit is None:
        hit = tuple(_split(text))
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache), ""), None)
        _cache[text] = hit
    return list(hit)


def _split(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    append = spans.append
    start = len(text) - len(text.lstrip())
    k = _ABBREV_MAX + 1
    for m in _BOUNDARY.finditer(text):
        s = m.start()
        c = text[s]
        if c == "\n":
            end = s
            while end > start and text[end - 1].isspace():
                end -= 1
        else:
            end = m.end()  # ends in punctuation: nothing to trim
            # a lone "." may end an abbreviation; the usual word before it, longer than any or
            # ending in two letters no abbreviation ends in, cannot
            if end - s == 1 and c == "." and not (
                s >= 2 and text[s - 1].isalpha() and (text[s - 2].isalpha() or text[s - 2] == ".")
                and text[s - 2:s].lower() not in _ABBREV_TAILS
            ) and not (s >= k and text[s - k:s].isalpha()) and _is_abbreviation(text, s):
                continue
        if end > start:
            if end - start > MAX_SENTENCE_CHARS:
                _emit(text, start, end, spans)
            else:
                append((start, end))
        start = m.end(1)
    if start < len(text):
        _emit(text, start, len(text), spans)
    return spans


def _emit(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        spans.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        spans.append((start, end))
