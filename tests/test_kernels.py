"""The C core (``tension._ccore``) against its pure-Python twins, function by function.

Each function of the C core has a twin beside its call site, the reference (the table in
``tension._kernels``); here both run on the same inputs, random ones from hypothesis and real
ones from the shipped re-scorer, and must give the same values, bit for bit. Skipped where the
C core is not built or not in use (``TENSION_PURE=1``, no compiler): the twins run there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tension import _kernels, _native
from tension.extract import _sentclf
from tension.model import _features

C: Any = _kernels.ccore()
pytestmark = pytest.mark.skipif(
    C is None, reason=f"the C core is not in use here: {_native.status()}")

# text with the characters that matter (letters, apostrophes, hyphens, case, non-ASCII, the
# Kelvin sign that lowercases to an ASCII k) and others
_ALPHABET = st.sampled_from(list("abcxyz -'.,\n\tAZ\u00e9\u00df\u0130\u212a\u2019\u4e2d0129"))
_SENTENCE = st.text(alphabet=_ALPHABET, max_size=120).map(str.lower)
N_SMALL = 64  # a small weight table, so that hypothesis's inputs hit each weight often


@st.composite
def _case(draw: Any) -> tuple[Any, ...]:
    sents = draw(st.lists(_SENTENCE, min_size=1, max_size=6))
    n_ev = draw(st.integers(0, 8))
    ev_sent = [draw(st.integers(0, len(sents) - 1)) for _ in range(n_ev)]
    sigs = [draw(st.integers(0, 2**32 - 1)) for _ in range(n_ev)]
    struct_len = [draw(st.integers(0, 5)) for _ in range(n_ev)]
    struct = [draw(st.integers(0, 2**32 - 1)) for _ in range(sum(struct_len))]
    kind = draw(st.sampled_from(["f64", "f32", "codes"]))
    floats = st.floats(-50, 50, allow_nan=False, width=32)
    if kind == "codes":
        values = np.array(draw(st.lists(floats, min_size=1, max_size=10)), dtype=np.float32)
        codes = np.array([draw(st.integers(0, len(values) - 1)) for _ in range(N_SMALL)],
                         dtype=np.uint16)
    else:
        values = np.array(draw(st.lists(floats, min_size=N_SMALL, max_size=N_SMALL)),
                          dtype=np.float64 if kind == "f64" else np.float32)
        codes = None
    intercept = draw(st.floats(-5, 5, allow_nan=False))
    return sents, ev_sent, sigs, struct, struct_len, codes, values, intercept, N_SMALL


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_case())
def test_lexical_z_random(case: tuple[Any, ...]) -> None:
    want = _sentclf._lexical_z_py(*case)
    got = C.lexical_z(*case)
    assert [float(x).hex() for x in got] == [float(x).hex() for x in want]


@given(st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz'-")), min_size=1,
               max_size=40).filter(lambda w: w[0].isalpha()))
def test_murmur_matches_scikit_learn(word: str) -> None:
    assert C.murmur_word(word) == _sentclf._word_hash(word)


def test_lexical_z_on_the_shipped_rescorer() -> None:
    art = _sentclf.load_rescorer()
    if art is None:
        pytest.skip("no shipped re-scorer")
    codes, values = art.get("coef_codes") or (None, art["coef"])
    sents = ["india and pakistan exchanged fire across the line of control on sunday.",
             "the u.s. state department's spokesman -- who declined to comment -- said 'no'.",
             "", "\u00e9t\u00e9 caf\u00e9 x-ray don't"]
    case = (sents, [0, 1, 0, 2, 3], [5, 2**32 - 1, 0, 7, 123456789],
            [1, 2, 3, 4, 5, 6, 7], [2, 0, 5, 0, 0], codes, values, -1.25, _sentclf.N_FEATURES)
    assert C.lexical_z(*case) == _sentclf._lexical_z_py(*case)
    # the same weights as float64, and in the compact form _compact makes
    coef = np.asarray(art["coef"], dtype=np.float64)
    for c, v in ((None, coef), _sentclf._compact(coef.astype(np.float32).astype(np.float64))):
        case2 = case[:5] + (c, v) + case[7:]
        assert C.lexical_z(*case2) == _sentclf._lexical_z_py(*case2)


def test_lexical_z_refuses_bad_input() -> None:
    v = np.zeros(8)
    with pytest.raises(ValueError):  # struct_len adds up past struct
        C.lexical_z(["a"], [0], [0], [1], [2], None, v, 0.0, 8)
    with pytest.raises(IndexError):  # no such sentence
        C.lexical_z(["a"], [1], [0], [], [0], None, v, 0.0, 8)
    with pytest.raises(ValueError):  # fewer weights than features
        C.lexical_z(["a"], [0], [0], [], [0], None, v, 0.0, 16)
    with pytest.raises(TypeError):  # int weights
        C.lexical_z(["a"], [0], [0], [], [0], None, np.zeros(8, dtype=np.int64), 0.0, 8)
    with pytest.raises(ValueError):  # a code past the values
        C.lexical_z(["a"], [0], [0], [3], [1], np.full(8, 9, dtype=np.uint16), v, 0.0, 8)


# word characters of every kind \w covers (letters of several scripts, digits, other numerals,
# underscores) and characters it does not (marks, punctuation, spaces, symbols)
_TOKEN_TEXT = st.text(alphabet=st.sampled_from(list(
    "ab z_09 .,-'\n\u00e9\u00df\u0130\u4e2d\u0661\u00b2\u2167\u0301\u200b\u2019"
    "\U0001d400\U0001f600\u0416\u03a3")), max_size=80)


@settings(max_examples=400, deadline=None)
@given(_TOKEN_TEXT, st.lists(_TOKEN_TEXT.filter(lambda t: len(t) >= 2), max_size=12))
def test_token_ids_random(text: str, vocab_words: list[str]) -> None:
    tok = {w: i * 7 for i, w in enumerate(dict.fromkeys(vocab_words))}
    # the text's own tokens too, so that lookups hit
    for w in _features._WORD_TOKENS.findall(text)[::2]:
        tok.setdefault(w, len(tok))
    got = np.frombuffer(C.token_ids(text, tok), dtype=np.int64)
    assert got.tolist() == _features._token_ids_py(text, tok).tolist()


def test_token_ids_real_text(seed_path: Any) -> None:
    text = seed_path.read_text(encoding="utf-8").lower()
    words = _features._WORD_TOKENS.findall(text)
    tok = {w: i for i, w in enumerate(dict.fromkeys(words[::3]))}
    got = np.frombuffer(C.token_ids(text, tok), dtype=np.int64)
    assert got.tolist() == _features._token_ids_py(text, tok).tolist()
    assert len(got) == len(words) and (got >= 0).any() and (got < 0).any()
    with pytest.raises(TypeError):  # a value that is no int
        C.token_ids("ab cd", {"ab": "x"})
