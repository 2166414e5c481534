"""The fast paths of actor resolution against plain reference implementations.

Each shortcut in tension/extract/_actors.py (one automaton for case-exact and other aliases,
datelines matched per line, the verb search as one pattern, the lowercased text reused for context
words, curly quotes folded with str.replace) must give exactly what the obvious slow code
gives. Texts are generated from the gazetteer's own names and words written for this file.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tension._types import IngestError
from tension.extract import _actors
from tension.extract._actors import (
    _DATELINE,
    _FOLD,
    _LOWER_TOKEN,
    _WORD_AFTER,
    _WORD_BEFORE,
    Alias,
    _first_verb,
    _fold,
    _in_datelines,
    _is_person,
    _lower_same_length,
    _raw_candidates,
    _resolve_overlaps,
    _role,
    _sets,
    _trie_regex,
    find_actors_text,
    gazetteer,
)

# Separators and words that exercise boundaries, case, folding and lowercasing corner cases:
# curly quotes and hyphens (folded), a capital sigma (context-dependent lowercase), a dotted
# capital I and a sharp s (lowercase to other lengths or forms), digits and underscores.
_GLUE = [" ", " ", " ", "  ", "\n", "\n\n", "-", "_", "'s ", "\u2019s ", "\u2019 ", ". ", ", ",
         "\u2010", "\u2011", "9", "x", " (", ") ", ": ", " -- "]
_WORDS = ("the minister said troops were deployed near border talks resumed after weeks of "
          "armed clashes in the disputed region while officials warned alleged united based "
          "THE Says IN into across over \u03a3 \u0130zmir \u1e9e \u00e9t\u00e9 -based -born "
          "Smith Michael Governor senate county Tuesday").split()


def _text(rng: random.Random, n: int) -> str:
    names = [a.text for a in gazetteer()[1]]
    parts = []
    for _ in range(n):
        r = rng.random()
        if r < 0.35:
            w = rng.choice(names)
            c = rng.random()
            w = w.lower() if c < 0.15 else w.upper() if c < 0.25 else w
        else:
            w = rng.choice(_WORDS)
        parts.append(w)
        parts.append(rng.choice(_GLUE))
    return "".join(parts)


TEXTS = [_text(random.Random(seed), n) for seed, n in enumerate([1, 3, 10, 40, 120] * 12)]


def _reference_candidates(text: str) -> list[tuple[int, int, str]]:
    """Every alias found by str.find, boundary- and case-checked, first alias per key wins."""
    folded = text.translate(_FOLD)
    low = _lower_same_length(folded)
    groups: dict[tuple[bool, str], list] = {}
    for a in gazetteer()[1]:
        key = a.text.translate(_FOLD)
        groups.setdefault((a.exact, key if a.exact else key.lower()), []).append(a)
    out = []
    for (exact, key), aliases in groups.items():
        hay = folded if exact else low
        i = hay.find(key)
        while i >= 0:
            j = i + len(key)
            if not (i > 0 and low[i - 1].isalnum()) and not (j < len(low) and low[j].isalnum()):
                first = text[i]
                for a in aliases:
                    if (exact or a.kind == "block" or a.text[:1].islower()
                            or first.isupper() or not first.isalpha()):
                        out.append((i, j, a.text))
                        break
            i = hay.find(key, i + 1)
    return sorted(out)


@pytest.mark.parametrize("text", TEXTS)
def test_one_automaton_finds_what_find_finds(text: str) -> None:
    folded = _fold(text)
    got = _raw_candidates(text, folded, _lower_same_length(folded))
    assert sorted((s, e, a.text) for s, e, a in got) == _reference_candidates(text)


_CURLY = "Don\u2019t \u2018Iran\u2019 \u02bcUS\u2010based\u2011"


@pytest.mark.parametrize("text", TEXTS[:20] + [_CURLY])
def test_fold_is_the_translate_table(text: str) -> None:
    assert _fold(text) == text.translate(_FOLD)


def test_disjoint_candidates_skip_the_sort_but_keep_the_rule() -> None:
    # already in order and disjoint: returned as they are
    a, b, c = (Alias(x, "FRA", "state", False) for x in "abc")
    cands = [(0, 4, a), (5, 9, b), (9, 12, c)]
    assert _resolve_overlaps(list(cands)) == cands
    # touching the fast path's edges: equal starts and an overlap go the long way
    assert _resolve_overlaps([(0, 4, a), (0, 9, b)]) == [(0, 9, b)]
    assert _resolve_overlaps([(0, 4, a), (3, 9, b)]) == [(3, 9, b)]


_DATELINE_TEXTS = [
    "CAIRO - Iran and Egypt met.\nKABUL, Nov 3 (Wire) - Pakistan said.\nNo dateline here, Iran.",
    "  TEHRAN (News) \u2014 Iran spoke.\n\nIslamabad, Pakistan - Pakistan replied.\nx\n",
    "Iran said nothing.\nMOSCOW: Russia said\nWASHINGTON -- the US said\nGeneva - \n",
    "no newline at all, just Iran and Iraq and India and China",
]


@pytest.mark.parametrize("text", _DATELINE_TEXTS + TEXTS[:30])
def test_datelines_per_line_match_a_whole_text_search(text: str) -> None:
    spans = [(m.start(), m.end()) for m in _DATELINE.finditer(text)]
    positions = sorted(set(range(0, len(text), 3)) | {s for s, _ in spans})
    want = [any(s <= p < e for s, e in spans) for p in positions]
    assert _in_datelines(text, positions) == want


def _reference_first_verb(text: str, s: int, e: int) -> int:
    verbs, not_ed = _sets()["verb"], _sets()["not_verb_ed"]
    for m in _LOWER_TOKEN.finditer(text, s, e):
        w = m.group(0)
        if w in verbs or (len(w) > 4 and w.endswith("ed") and w not in not_ed):
            return m.start()
    return -1


_VERB_TEXTS = [
    "Iran said on Tuesday", "the armed united based group struck", "the armed men", "x-said said",
    "saidx said", "said-x reported", "_said led", "The Said fired", "unnamed officials alleged",
    "a", "", "bedded", "red bed seed fled", "was", "wasn't", "it's ended", "caf\u00e9 posted",
]


@pytest.mark.parametrize("text", _VERB_TEXTS + TEXTS[:30])
def test_verb_search_matches_the_token_loop(text: str) -> None:
    n = len(text)
    for s, e in [(0, n), (1, n), (0, max(0, n - 2)), (n // 3, n), (n // 2, n // 2 + 40)]:
        assert _first_verb(text, s, e) == _reference_first_verb(text, s, e), (s, e)


@pytest.mark.parametrize("seed", range(5))
def test_trie_regex_accepts_exactly_its_words(seed: int) -> None:
    rng = random.Random(seed)
    words = {"".join(rng.choice("abc") for _ in range(rng.randint(1, 5))) for _ in range(30)}
    pattern = re.compile(_trie_regex(sorted(words)))
    for _ in range(300):
        w = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 6)))
        assert (pattern.fullmatch(w) is not None) == (w in words), w


def _one_to_one(text: str) -> bool:
    folded = _fold(text)
    return len(folded.lower()) == len(folded) and "\u03a3" not in folded


ONE_TO_ONE = [t for t in TEXTS if _one_to_one(t)][:30]


def test_generated_texts_cover_both_lowercasing_paths() -> None:
    assert len(ONE_TO_ONE) >= 20 and len(ONE_TO_ONE) < len(TEXTS)
    assert any(_fold(t) is t for t in ONE_TO_ONE) and any(_fold(t) != t for t in ONE_TO_ONE)


@pytest.mark.parametrize("text", ONE_TO_ONE)
def test_role_with_the_lowercased_text_equals_role_lowercasing_slices(text: str) -> None:
    folded = _fold(text)
    low = folded.lower()
    low_t = low if folded is text else None
    for s, e, _ in _raw_candidates(text, folded, low):
        assert _role(text, folded, low, low_t, s, e) == _role(text, folded, None, None, s, e)


@pytest.mark.parametrize(
    "text,want",
    [
        # a dotted capital I lowercases to two characters: offsets must still hold
        ("\u0130stanbul: Turkey and Greece met.",
         [("Turkey", "TUR", "subject"), ("Greece", "GRC", "subject")]),
        # a capital sigma lowercases by context; a curly possessive is folded
        ("\u03a3 Greece\u2019s border and Turkey's territory",
         [("Greece", "GRC", "possessor"), ("Turkey", "TUR", "location")]),
        # "-based" drops a mention; the look-alike with a Unicode hyphen does not
        ("Iran\u2010based groups and Iran-based groups and Iraq",
         [("Iran", "IRN", "other"), ("Iraq", "IRQ", "other")]),
    ],
)
def test_texts_whose_lowercase_is_not_plain(text: str, want: list[tuple[str, str, str]]) -> None:
    got = find_actors_text(text)
    assert [(m.text, m.code, m.role) for m in got] == want
    assert all(text[m.start:m.end] == m.text for m in got)


def _reference_is_person(text: str, s: int, e: int, sents: frozenset[int]) -> bool:
    """_is_person as first written: the word before a name searched for from every position."""
    ok = _sets()["neighbour_exact"]
    before = text[max(0, s - 30):s]
    if before.endswith(" ") and not before.endswith("  "):
        m = _WORD_BEFORE.search(before)
        word = m.group(1) if m else ""
        if m and word[0].isupper() and word not in ok and "\n" not in before[m.start():]:
            if s - len(before) + m.start() not in sents and not m.group(1).endswith("."):
                return True
    after = text[e:e + 30]
    if after.startswith(" "):
        m = _WORD_AFTER.match(after)
        # a possessive counts as its word ("Chad Smith's side")
        word = re.sub(r"(?:'|\u2019)s$", "", m.group(1)) if m else ""
        if word[:1].isupper() and word.isalpha() and word not in ok:
            if word.lower() not in _sets()["verb"]:
                return True
    return False


_PERSON_TEXTS = [
    "Michael Jordan scored. King Jordan spoke. The envoy met Chad Smith in N'Djamena.",
    "(Smith) Jordan and O'Neil-Brown Georgia; x.Y Jordan, St. Chad \t Jordan\n Chad",
    "said Mr. Kenya\u00a0Israel \u00c9mile India 2nd. Paris Hilton and \u0130lker China",
]


@pytest.mark.parametrize("text", _PERSON_TEXTS + TEXTS[:30])
def test_person_check_matches_the_full_search(text: str) -> None:
    sents = frozenset(range(0, len(text), 17))
    for s, e, _ in _raw_candidates(text, _fold(text), _lower_same_length(_fold(text))):
        assert _is_person(text, s, e, sents) == _reference_is_person(text, s, e, sents), (s, e)


def test_case_exact_alias_that_lowercases_to_more_characters_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one automaton over the lowercased text finds case-exact aliases through their lowercase
    # form, so an acronym whose letters lowercase to two characters is a data error at load
    real = _actors._data_path("countries.tsv").read_text(encoding="utf-8")
    (tmp_path / "countries.tsv").write_text(real, encoding="utf-8")
    (tmp_path / "aliases.tsv").write_text(
        "# source: test\nalias\tcode\tkind\tstate\nSome Council\tORG_A\torganisation\t\n"
        "D\u0130K\tORG_B\torganisation\t\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(_actors, "DATA_DIR", tmp_path)
    gazetteer.cache_clear()
    try:
        with pytest.raises(IngestError) as err:
            gazetteer()
        assert (err.value.path, err.value.line, err.value.field) == ("aliases.tsv", 4, "alias")
    finally:
        monkeypatch.undo()
        gazetteer.cache_clear()
    assert gazetteer()[1]  # the real tables load again
