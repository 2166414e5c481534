"""Sentence splitting (tension.read._text): the spans every text layer shares.

The expected splits were produced by the splitter before its speed pass; they pin its behaviour
(abbreviations, closing quotes and brackets, line breaks, trimming) so a faster pattern cannot
change what the actor and signal layers see. Every sentence here is our own writing.
"""

from __future__ import annotations

import pytest

from tension.read._text import MAX_SENTENCE_CHARS, split_sentences

CASES = [
    ("The talks ended. Both sides left.", ["The talks ended.", "Both sides left."]),
    ("Mr. Khan spoke to reporters. He left early.",
     ["Mr. Khan spoke to reporters.", "He left early."]),
    ("Troops left the U.S. base on Monday. Talks resumed.",
     ["Troops left the U.S. base on Monday.", "Talks resumed."]),
    ("J. Smith arrived late. He spoke briefly.", ["J. Smith arrived late.", "He spoke briefly."]),
    ('He said: "We will respond." Then he left.', ['He said: "We will respond."', "Then he left."]),
    ("It ended.\u201d She smiled.", ["It ended.\u201d", "She smiled."]),
    ("The minister met the envoys. (They spoke.) Then they left.",
     ["The minister met the envoys.", "(They spoke.)", "Then they left."]),
    ("Line one\nLine two", ["Line one", "Line two"]),
    ("Windows line\r\nends here. Ok.", ["Windows line", "ends here.", "Ok."]),
    # an abbreviation does not end a sentence, but the line break after it does
    ("Dr.\nSmith came.", ["Dr.", "Smith came."]),
    ("Talks in Sept. were cancelled.", ["Talks in Sept. were cancelled."]),
    ("The visit (approx. two days) ended.", ["The visit (approx. two days) ended."]),
    ("They met the gen. staff.\u2028Nothing followed.", ["They met the gen. staff.",
                                                         "Nothing followed."]),
    # a short last word that is no abbreviation ends the sentence
    ("The final vote. Results were close.", ["The final vote.", "Results were close."]),
    ("Wait!? Really... Yes.", ["Wait!?", "Really...", "Yes."]),
    ("Prices rose 3.5 percent. Next item.", ["Prices rose 3.5 percent.", "Next item."]),
    ("  Leading and trailing spaces.   ", ["Leading and trailing spaces."]),
    ("Die Gespr\u00e4che endeten. Beide Seiten gingen.",
     ["Die Gespr\u00e4che endeten.", "Beide Seiten gingen."]),
    ("", []),
    ("   \n\n  ", []),
]


@pytest.mark.parametrize(("text", "sentences"), CASES)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_long_run_is_cut_at_spaces_within_the_limit() -> None:
    text = " ".join(["word"] * (MAX_SENTENCE_CHARS // 2)) + "."
    spans = split_sentences(text)
    assert len(spans) >= 2
    assert all(0 < e - s <= MAX_SENTENCE_CHARS for s, e in spans)
    assert all(not text[s].isspace() and not text[e - 1].isspace() for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")


def test_blank_lines_with_spaces_give_no_empty_sentences() -> None:
    text = "One.\n \n \n" * 2000 + "Two."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["One."] * 2000 + ["Two."]
