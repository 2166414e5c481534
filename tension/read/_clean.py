"""Article cleaning that keeps a map back to the original text.

Every pass below only deletes or replaces spans, and carries a per-character array of raw
offsets along; at the end the array is compressed to ``Article.anchors`` (one pair wherever the
clean->raw map stops advancing one-for-one). The passes:

1. HTML: script/style blocks and comments dropped, block tags become line breaks, other tags
   dropped, entities decoded (only when the text looks like HTML, so ``a < b`` survives).
2. Characters: curly quotes, dashes, odd spaces normalised; zero-width and control characters
   dropped; CR/CRLF become LF.
3. Whitespace: runs of spaces collapse to one space, blank lines collapse.
4. Lines: boilerplate lines (paywall, login, cookie, share bars...) dropped by the rules in
   ``tension/data/boilerplate.tsv``; each kept line is trimmed.
"""

from __future__ import annotations

import csv
import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from tension._types import TensionError

__all__ = ["clean_text", "is_boilerplate", "boilerplate_rules"]

_HTML_HINT = re.compile(
    r"<(?:/?(?:p|div|br|span|a|b|i|em|strong|h[1-6]|li|ul|ol|table|tr|td|img|script|style|"
    r"html|body|head|section|article|figure|figcaption|blockquote|header|footer|nav)\b[^<>]*|!--)",
    re.IGNORECASE,
)
_HTML = re.compile(
    r"(?P<drop><(script|style|noscript|template)\b[^>]*>.*?</\2\s*>|<!--.*?-->)"
    r"|(?P<block></?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|header|footer|blockquote"
    r"|figure|figcaption|nav|aside|hr|dd|dt|dl|pre)\b[^<>]{0,2000}>)"
    r"|(?P<tag></?[a-zA-Z][a-zA-Z0-9:-]*\b[^<>]{0,2000}>|<![^<>]{0,2000}>)"
    r"|(?P<ent>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});)",
    re.IGNORECASE | re.DOTALL,
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")

# single-character normalisation (quotes, dashes, spaces); None = delete
_CHAR_MAP: dict[str, str | None] = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u3000": " ", "\t": " ", "\x0b": "\n", "\x0c": "\n", "\u2028": "\n",
    "\u2029": "\n", "\x85": "\n",
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    "\u00ad": None, "\r": None,
}
_CTRL = "".join(chr(c) for c in range(32) if chr(c) not in "\n\t\x0b\x0c\r")
# One character class first (so the regex engine scans with it), CR LF taken as one match:
# the same matches as "\r\n|[...]", about ten times faster on text with nothing to replace.
_CHARS = re.compile(
    "[" + re.escape("".join(_CHAR_MAP) + _CTRL + "\x7f") + "](?:(?<=\r)\n)?"
)
# Same matches as r"[ ]{2,}| +(?=\n)|(?<=\n) +|\n{3,}" (two spaces or more; one space before
# or after a line break; three line breaks or more), written so every branch starts with a
# literal and the engine skips straight to spaces and line breaks.
_SPACES = re.compile(r" (?: +|(?=\n)|(?<=\n ))|\n\n\n+")
# clean offset -> raw offset, one per character of the text; None while they are equal
_Pos = np.ndarray | None
_OVER_40_WORDS = re.compile(r"(?:\W*+\w++){41}")  # possessive: a word is never split in two


@dataclass(frozen=True)
class _Rule:
    kind: str
    max_words: int
    pattern: str
    note: str
    # lowercase literals one of which every match contains (empty: no such promise)
    needs: tuple[str, ...] = ()


@functools.cache
def boilerplate_rules() -> tuple[_Rule, ...]:
    """Load and validate ``tension/data/boilerplate.tsv`` (once)."""
    text = resources.files("tension.data").joinpath("boilerplate.tsv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not any(ln.startswith("# source:") for ln in text.splitlines()):
        raise TensionError("boilerplate.tsv: missing '# source:' header")
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    seen: set[str] = set()
    rules = []
    for i, row in enumerate(rows, start=2):
        pat = row.get("pattern") or ""
        if row.get("kind") not in ("strong", "weak"):
            raise TensionError(f"boilerplate.tsv row {i}: kind must be strong|weak")
        if pat in seen:
            raise TensionError(f"boilerplate.tsv row {i}: duplicate pattern {pat!r}")
        seen.add(pat)
        try:
            re.compile(pat)
            max_words = int(row["max_words"])
        except (re.error, ValueError, TypeError) as exc:
            raise TensionError(f"boilerplate.tsv row {i}: {exc}") from exc
        needs = tuple(row["needs"].split("|")) if row.get("needs") else ()
        for lit in needs:
            # words of the pattern (a typo would skip the lines it matches)
            if not lit.strip() or lit != lit.lower() or not all(
                    w in pat.lower() for w in lit.split()):
                raise TensionError(f"boilerplate.tsv row {i}, field needs: {lit!r} is not a "
                                   "lowercase literal of the pattern")
        rules.append(_Rule(row["kind"], max_words, pat, row.get("note") or "", needs))
    return tuple(rules)


@functools.cache
def _rule_regexes() -> tuple[tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]], ...]:
    """Per word limit: a regex matching a line with more words than that (no line of more than
    40 words is boilerplate), one alternation of its rules (two searches per line instead of one
    per rule), and the literals one of which any match of it contains (empty: some rule
    promises none)."""
    by_limit: dict[int, list[_Rule]] = {}
    for r in boilerplate_rules():
        by_limit.setdefault(min(r.max_words, 40), []).append(r)
    out = []
    for limit, rules in sorted(by_limit.items()):
        rx = re.compile("|".join(f"(?:{r.pattern})" for r in rules), re.IGNORECASE)
        needs = () if not all(r.needs for r in rules) else tuple(
            dict.fromkeys(n for r in rules for n in r.needs))
        # possessive: a word (a run of \w) is never split in two
        over = re.compile(r"(?:\W*+\w++){" + str(limit + 1) + "}")
        out.append((over, rx, needs))
    return tuple(out)


# Characters that the case-insensitive regex takes for an ASCII letter but that str.lower()
# does not turn into that letter alone (dotted and dotless i, long s, the Kelvin sign):
# a line holding one is searched without the literal test (tests/test_clean.py finds them all
# among the code points).
_CASE_ODD = "\u0130\u0131\u017f\u212a"


def _lowered(s: str) -> str | None:
    """``s`` lowercased for the literal test, or None when the test could miss a match."""
    if not s.isascii():
        for ch in _CASE_ODD:
            if ch in s:
                return None
    return s.lower()


def is_boilerplate(line: str) -> bool:
    """True when ``line`` is page furniture (paywall, login, share bar...) and not news."""
    s = line.strip()
    if not s:
        return False
    if len(s) > 80 and _OVER_40_WORDS.match(s):  # longer than any rule allows: skip the rest
        return False
    # a rule's regex is searched only on a line holding one of its literals: most lines of
    # news hold none, and the regex search per line was half of the cleaning time
    low = _lowered(s)
    for over, rx, needs in _rule_regexes():
        if needs and low is not None and not any(n in low for n in needs):
            continue
        if not over.match(s) and rx.search(s):
            return True
    return False


def _sub(
    text: str, pos: _Pos, rx: re.Pattern[str], repl: Callable[[re.Match[str]], str]
) -> tuple[str, _Pos]:
    """``rx.sub`` that also carries the raw-offset array: replaced text maps to the match start.

    ``pos`` None stands for "unchanged so far" (clean offset = raw offset); the array is only
    built once something is replaced, which on most articles is never.
    """
    parts: list[str] = []
    maps: list[np.ndarray] = []
    last = 0
    for m in rx.finditer(text):
        s, e = m.span()
        r = repl(m)
        if r == m.group(0):
            continue
        if pos is None:
            pos = np.arange(len(text), dtype=np.int64)
        parts.append(text[last:s])
        maps.append(pos[last:s])
        if r:
            parts.append(r)
            maps.append(np.full(len(r), pos[s], dtype=pos.dtype))
        last = e
    if not parts or pos is None:
        return text, pos
    parts.append(text[last:])
    maps.append(pos[last:])
    return "".join(parts), np.concatenate(maps)


def _html_repl(m: re.Match[str]) -> str:
    if m.group("drop"):
        return ""
    if m.group("block"):
        return "\n"
    if m.group("tag"):
        return ""
    return _ent_repl(m)


def _ent_repl(m: re.Match[str]) -> str:
    # entities can decode to quotes/dashes/nbsp: normalise them like any other character
    return _norm_chars(html.unescape(m.group(0)))


def _norm_chars(s: str) -> str:
    return _CHARS.sub(lambda m: _char_repl(m), s)


def _char_repl(m: re.Match[str]) -> str:
    c = m.group(0)
    if c == "\r\n":
        return "\n"
    if c in _CHAR_MAP:
        return _CHAR_MAP[c] or ""
    return ""  # other control characters


def _space_repl(m: re.Match[str]) -> str:
    s = m.group(0)
    if s.startswith("\n"):
        return "\n\n"
    if s.startswith(" ") and m.end() < len(m.string) and m.string[m.end()] == "\n":
        return ""
    if m.start() > 0 and m.string[m.start() - 1] == "\n":
        return ""
    return " "


def clean_text(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Clean ``raw`` and return ``(clean, anchors)`` for :class:`tension.Article`.

    ``anchors`` are ``(clean_pos, raw_pos)`` pairs such that
    ``Article(text=clean, raw_text=raw, anchors=anchors).raw_span(s, e)`` gives the raw span of
    any clean span whose characters survived cleaning unchanged.
    """
    text = raw
    pos: _Pos = None
    if "<" in text and _HTML_HINT.search(text):
        text, pos = _sub(text, pos, _HTML, _html_repl)
    elif "&" in text:
        text, pos = _sub(text, pos, _ENTITY, _ent_repl)
    text, pos = _sub(text, pos, _CHARS, _char_repl)
    if "  " in text or " \n" in text or "\n " in text or "\n\n\n" in text:  # else no match
        text, pos = _sub(text, pos, _SPACES, _space_repl)
    text, pos = _drop_lines(text, pos)
    return text, _anchors(pos)


def _drop_lines(text: str, pos: _Pos) -> tuple[str, _Pos]:
    """Keep non-boilerplate, non-empty lines, trimmed, joined by one newline each.

    A blank line between kept paragraphs is kept (as a paragraph break).
    """
    # (start, end, separator before it, offset of the line break the separator stands for)
    kept: list[tuple[int, int, str, int]] = []
    start = 0
    n = len(text)
    pending_break = ""
    pending_at = 0
    changed = False
    while start <= n:
        end = text.find("\n", start)
        if end < 0:
            end = n
        s, e = start, end
        while s < e and text[s] == " ":
            s += 1
        while e > s and text[e - 1] == " ":
            e -= 1
        if s == e:
            if kept:
                pending_break = "\n\n"
            changed = changed or end - start > 0
        elif is_boilerplate(text[start:end]):
            changed = True
        else:
            kept.append((s, e, (pending_break or "\n") if kept else "", pending_at))
            pending_break = ""
            changed = changed or s != start or e != end
        if end < n:
            pending_at = end
        start = end + 1
    out = "".join([sep + text[s:e] for s, e, sep, _ in kept])
    if not changed and out == text:
        return text, pos
    if pos is None:
        pos = np.arange(n, dtype=np.int64)
    maps: list[np.ndarray] = []
    for s, e, sep, at in kept:
        if sep:
            maps.append(np.full(len(sep), pos[at], dtype=pos.dtype))
        maps.append(pos[s:e])
    return out, (np.concatenate(maps) if maps else pos[:0])


def _anchors(pos: _Pos) -> tuple[tuple[int, int], ...]:
    if pos is None or len(pos) == 0:  # None: nothing moved, clean offset = raw offset
        return ((0, 0),)
    brk = np.flatnonzero(np.diff(pos) != 1) + 1
    idx = np.concatenate(([0], brk))
    return tuple(zip(idx.tolist(), pos[idx].tolist(), strict=True))
