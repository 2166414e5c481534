"""Cleaning: markup, characters, whitespace, boilerplate, and exact offsets back to the raw text."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tension._types import Article
from tension.read import _clean
from tension.read._clean import boilerplate_rules, clean_text, is_boilerplate


def _art(raw: str) -> Article:
    text, anchors = clean_text(raw)
    return Article(id="t", text=text, raw_text=raw, anchors=anchors)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("plain text stays", "plain text stays"),
        ("<p>One &amp; two</p><p>three</p>", "One & two\n\nthree"),
        ("<div>a<script>var x = '<p>';</script>b</div>", "ab"),
        ("<!-- hidden --><b>bold</b> move", "bold move"),
        ("He said \u201cno\u201d \u2014 twice\u2019s", 'He said "no" - twice\'s'),
        ("a\u00a0\u00a0b\tc", "a b c"),
        ("x\u200by", "xy"),
        ("line one\r\nline two\r\n\r\n\r\n\r\nline three", "line one\nline two\n\nline three"),
        ("  padded   words  ", "padded words"),
        ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),  # not HTML: kept
        ("caf&eacute; &#8220;q&#8221;", 'caf\u00e9 "q"'),
    ],
)
def test_clean_table(raw: str, clean: str) -> None:
    assert clean_text(raw)[0] == clean


@pytest.mark.parametrize(
    "line",
    [
        "To continue reading the rest of this article, please log in.",
        "Create free account to get unlimited news articles and more!",
        "Subscribe now to unlock this story",
        "Already a subscriber? Sign in",
        "We use cookies to improve your experience. Accept all cookies",
        "Advertisement",
        "Read more: earlier coverage",
        "Back to top",
        "Show more",
        "Share on Facebook",
        "Share  Tweet  Email",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the talks would continue after the ceasefire.",
        "Protesters tried to log in to the ministry portal, officials said, before it crashed.",
        "The ministry said it would share intelligence with its neighbour under the new pact.",
        "Readers were told the cookie factory near the border had been shelled overnight by "
        "artillery, according to the mayor, who said the town would need help for many weeks "
        "to come and that the account of the attack given by the army was wrong.",
        "",
    ],
)
def test_news_sentences_are_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


def _searched_by_every_rule(line: str) -> bool:
    """``is_boilerplate`` as the table defines it, with no shortcut: any rule's pattern found
    (case-insensitive) in a line of at most its word limit, and never over 40 words."""
    s = line.strip()
    n_words = len(re.findall(r"\w+", s))
    return bool(s) and n_words <= 40 and any(
        n_words <= r.max_words and re.search(r.pattern, s, re.IGNORECASE)
        for r in boilerplate_rules()
    )


def _rule_words() -> list[str]:
    """The words of the rules' patterns (their literal parts), the raw material of lines that
    nearly match or match."""
    words = {w for r in boilerplate_rules() for w in re.findall(r"[a-z]+", r.pattern.lower())}
    return sorted(words - {"b", "w"})  # \b, \W


_TRICKY = ["\u0130", "\u0131", "\u017f", "\u212a", "\u00e9", "\u2019", "I", "S", "K", "!", "?",
           ",", ".", "'", "-"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_rule_words()), st.sampled_from(_TRICKY),
                          st.sampled_from(["the", "army", "said", "border", "news"])),
                min_size=1, max_size=34),
       st.lists(st.sampled_from([" ", "  ", "", "\t"]), min_size=34, max_size=34),
       st.sampled_from([str, str.upper, str.title, str.capitalize]))
def test_literal_shortcut_never_changes_the_answer(words: list[str], gaps: list[str],
                                                   case: object) -> None:
    """Lines built from the rules' own words, joined and cased at random (the odd characters
    that a case-insensitive regex takes for an ASCII letter included), get the same answer as
    searching every rule: the ``needs`` literals skip no line a rule matches."""
    line = case("".join(w + g for w, g in zip(words, gaps, strict=False)))  # type: ignore[operator]
    assert is_boilerplate(line) == _searched_by_every_rule(line)


@pytest.mark.parametrize("rule", boilerplate_rules(), ids=lambda r: r.pattern)
def test_every_match_of_every_rule_still_fires(rule: _clean._Rule) -> None:
    """Every line a rule's pattern spells out (each branch of each group, each optional part
    with and without) still drops a line, in lower and upper case: a literal of ``needs`` that
    some match lacks would have skipped it."""
    samples = _spelled_out(rule.pattern)
    assert samples
    for sample in samples:
        assert re.search(rule.pattern, sample, re.IGNORECASE), sample
        assert is_boilerplate(sample) and is_boilerplate(sample.upper()), sample


def _spelled_out(pattern: str) -> list[str]:
    """The strings a boilerplate pattern spells out (its syntax: words, groups with ``|``,
    ``?`` and ``*`` after a group or a character, ``\\b``, ``\\W*`` and ``\\W+``; a starred
    group taken zero times and once)."""
    p = pattern.replace("\\b", "").replace("^", "").replace("$", "")
    p = p.replace("\\W*", "").replace("\\W+", " ")

    def seq(i: int) -> tuple[list[str], int]:
        out = [""]
        while i < len(p) and p[i] not in "|)":
            if p[i] == "(":
                alts, i = alt(i + 1)
                i += 1  # ")"
            else:
                alts, i = [p[i]], i + 1
            if i < len(p) and p[i] in "?*":
                alts, i = ["", *alts], i + 1
            out = [a + b for a in out for b in alts]
        return out, i

    def alt(i: int) -> tuple[list[str], int]:
        got, i = seq(i)
        while i < len(p) and p[i] == "|":
            more, i = seq(i + 1)
            got += more
        return got, i

    found, _ = alt(0)
    return sorted({re.sub(r"\s+", " ", x).strip() for x in found} - {""})


def test_odd_case_characters_are_all_known() -> None:
    """Every character but ASCII that the case-insensitive regex matches as an ASCII letter, or
    that lowercases to one, is in ``_CASE_ODD`` (a line holding one skips the literal test)."""
    letter = re.compile("[a-z]", re.IGNORECASE)
    odd = {chr(c) for c in range(128, sys.maxunicode + 1)
           if letter.fullmatch(chr(c)) or re.search("[a-z]", chr(c).lower())}
    assert odd == set(_clean._CASE_ODD)


def test_real_news_lines_get_the_same_answer(shared_dir: Path) -> None:
    """Every line of the shared news texts: the same answer with and without the literals."""
    with (shared_dir / "data" / "news" / "train.jsonl").open(encoding="utf-8") as f:
        lines = [ln for row in f for ln in json.loads(row).get("text", "").split("\n")]
    assert len(lines) > 1000
    differ = [ln for ln in lines if is_boilerplate(ln) != _searched_by_every_rule(ln)]
    assert differ == []
    assert any(is_boilerplate(ln) for ln in lines)  # the rules do fire on real pages


def test_rules_load_with_source_header() -> None:
    rules = boilerplate_rules()
    assert len(rules) >= 10
    assert {r.kind for r in rules} == {"strong", "weak"}


def test_offsets_map_back_through_html_and_entities() -> None:
    raw = ("<p>Officials in <b>Ankara</b> &amp; Athens met.</p>\n<p>Read more</p>\n"
           "<p>Then \u201cpeace\u201d.</p>")
    a = _art(raw)
    assert a.text == 'Officials in Ankara & Athens met.\n\nThen "peace".'
    for word in ("Officials", "Ankara", "Athens met.", "peace", "Then"):
        i = a.text.index(word)
        s, e = a.raw_span(i, i + len(word))
        assert raw[s:e] == word


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab <>/p&;#x1\n\r\t\u201c\u2014\u00a0\u200b")),
               max_size=80))
def test_surviving_characters_map_to_themselves(raw: str) -> None:
    """Every clean character that is not a replacement maps to the same raw character."""
    a = _art(raw)
    keys = [c for c, _ in a.anchors]
    assert keys == sorted(set(keys)) and keys[0] == 0
    for i, ch in enumerate(a.text):
        r = a.raw_offset(i)
        assert 0 <= r <= len(raw)
        if ch.isalnum():
            assert raw[r] == ch


def test_empty_and_all_boilerplate() -> None:
    assert clean_text("")[0] == ""
    assert clean_text("Advertisement\nBack to top\n")[0] == ""


# The speed pass rewrote three regexes; these are the originals, kept as the reference.
_REF_CHARS = r"\r\n|[\u2018\u2019\u00a0\u200b\r\t\x01\x7f]"
_NEW_CHARS_SAMPLE = "\u2018\u2019\u00a0\u200b\r\t\x01\x7f"
_REF_SPACES = r"[ ]{2,}| +(?=\n)|(?<=\n) +|\n{3,}"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([" ", "  ", "\n", "\r", "\r\n", "a", "\u2019", "\t"]), max_size=30)
       .map("".join))
def test_rewritten_regexes_match_the_same_spans(s: str) -> None:
    import re

    from tension.read import _clean

    assert [m.span() for m in _clean._SPACES.finditer(s)] == [
        m.span() for m in re.finditer(_REF_SPACES, s)
    ]
    chars = re.compile("[" + re.escape(_NEW_CHARS_SAMPLE) + "](?:(?<=\r)\n)?")
    assert [m.span() for m in chars.finditer(s)] == [m.span() for m in re.finditer(_REF_CHARS, s)]
    assert _clean._CHARS.pattern.endswith("](?:(?<=\r)\n)?")  # the shape tested just above


@pytest.mark.parametrize("n_words", [1, 39, 40, 41, 42, 120])
@pytest.mark.parametrize("sep", [" ", " - ", "... ", "_"])
def test_over_40_words_counts_like_findall(n_words: int, sep: str) -> None:
    import re

    from tension.read._clean import _OVER_40_WORDS

    line = sep.join(f"w{k}" for k in range(n_words))
    assert bool(_OVER_40_WORDS.match(line)) == (len(re.findall(r"\w+", line)) > 40)


def test_unchanged_text_has_the_identity_anchor() -> None:
    raw = "Nothing to clean here.\n\nA second paragraph."
    assert clean_text(raw) == (raw, ((0, 0),))
