"""Feature-layer speed paths give exactly the numbers of the plain ones (TF-IDF, featurizer)."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from tension._types import Event
from tension.model._features import fast_text_blocks, fast_tfidf_transform

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
# our own sentences: case, digits, underscores, one-letter words, accents, non-Latin scripts
TRAIN = [
    "Iran and Pakistan agreed to reopen the border crossing at Taftan.",
    "Troops from India exchanged fire with Chinese forces; two soldiers were hurt.",
    "The ministers met in Geneva. The ministers met again in Oslo!",
    "İstanbul talks: Türkiye and Greece discuss the Aegean, straße and ÉCOLE names.",
    "Москва and Киев exchanged notes; 東京 hosted a summit on 2025_03_01 x y z.",
    "a b c d e f g h i j k l m n o p",
]
DOCS = [
    *TRAIN,
    "",
    "   ",
    "Iran Iran Iran and and Pakistan: border border crossing crossing crossing.",
    "A sentence whose words are all unseen: zyzzyva quokka.",
    "ISTANBUL istanbul İstanbul",
    TRAIN[0],  # a repeated text, as the dyad rows of one article repeat its text
]

SETTINGS = [
    {"ngram_range": (1, 2), "sublinear_tf": True},
    {"ngram_range": (1, 1)},
    {"ngram_range": (2, 3), "norm": "l1"},
    {"ngram_range": (1, 2), "lowercase": False, "use_idf": False},
    {"ngram_range": (1, 2), "token_pattern": r"(?u)\b\w+\b"},
    {"ngram_range": (1, 2), "token_pattern": r"([a-z]+)\d*"},
    # tokens that hold a space: n-grams cannot be split back into tokens at spaces
    {"ngram_range": (1, 2), "token_pattern": r"[a-z]+(?: [a-z]+)?"},
    # bigrams kept whose words were pruned as unigrams
    {"ngram_range": (1, 2), "max_features": 25},
    {"ngram_range": (2, 2)},
    {"ngram_range": (1, 2), "stop_words": "english"},  # not reproduced: falls back to sklearn
    {"ngram_range": (1, 2), "binary": True},  # idem
]


def assert_same(a, b) -> None:
    assert type(a) is type(b)
    assert a.shape == b.shape
    for attr in ("data", "indices", "indptr"):
        x, y = getattr(a, attr), getattr(b, attr)
        assert x.dtype == y.dtype
        np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("params", SETTINGS, ids=lambda p: ",".join(map(str, p.values())))
def test_same_matrix_as_sklearn(params: dict) -> None:
    vec = TfidfVectorizer(**params).fit(TRAIN)
    assert_same(fast_tfidf_transform(vec, pd.Series(DOCS)), vec.transform(DOCS))
    assert_same(fast_tfidf_transform(vec, DOCS[3:5]), vec.transform(DOCS[3:5]))


@pytest.mark.parametrize(
    "b_texts",
    [TRAIN + TRAIN[:3], DOCS[6:] + ["words the first vocabulary has never seen: quokka zyzzyva"]],
    ids=["b inside a", "b partly outside a"],
)
def test_two_vectorizers_share_tokens_and_each_gets_its_own_matrix(b_texts: list[str]) -> None:
    a = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(TRAIN)
    b = TfidfVectorizer(ngram_range=(1, 2), min_df=1).fit(b_texts)
    expect_a, expect_b = a.transform(DOCS), b.transform(DOCS[::-1])
    with fast_text_blocks(a, b):
        assert "transform" in vars(a) and "transform" in vars(b)
        got_a, got_b = a.transform(DOCS), b.transform(DOCS[::-1])
    assert_same(got_a, expect_a)
    assert_same(got_b, expect_b)


def test_block_leaves_plain_sklearn_objects_even_on_error() -> None:
    vec = TfidfVectorizer().fit(TRAIN)
    with pytest.raises(RuntimeError), fast_text_blocks(vec):
        raise RuntimeError("boom")
    assert "transform" not in vars(vec)
    assert type(pickle.loads(pickle.dumps(vec))) is TfidfVectorizer


def test_shipped_model_text_blocks_are_reproduced(model_pipelines) -> None:
    seed = (SEEDS / "000_6facbdc12a09933c.txt").read_text(encoding="utf-8")
    docs = pd.Series([seed, seed[:500], DOCS[3], seed])
    for pipe in model_pipelines:
        vec = dict((n, t) for n, t, _ in pipe.named_steps["features"].transformers_)["text"]
        assert_same(fast_tfidf_transform(vec, docs), vec.transform(docs))


@pytest.fixture(scope="module")
def model_pipelines():
    from tension.model._model import load_model

    m = load_model()
    return [p for p in (m.pipeline, m.relevance) if p is not None]


def _ev(signal: str, src: str | None, tgt: str | None, **kw) -> Event:
    return Event(article_id="x", signal=signal, quad_class="", source=src, target=tgt, **kw)


def test_featurizer_rows_sharing_one_event_list_match_rows_with_copies() -> None:
    """The featurizer does per-event work once per shared list; a copy must give the same."""
    import copy

    from tension.extract._taxonomy import load_taxonomy
    from tension.model._features import DyadFeaturizer

    sig = list(load_taxonomy())
    events = [
        _ev(sig[0], "IRN", "PAK", sentence_index=0, casualties=3),
        _ev(sig[1], "PAK", "IRN", modality="negated", sentence_index=4),
        _ev(sig[2], "IND", "CHN", sentence_index=1),  # another pair
        _ev(sig[3], None, None, confidence=0.2),
        _ev("not_a_signal", "IRN", "PAK"),
        _ev(sig[0], "IRN", "PAK", background=True),
    ]
    title = [_ev(sig[0], "IRN", "PAK")]
    base = {"salience": 0.5, "n_cooccur": 2, "in_title": True, "in_lead": False}
    pairs = [("IRN", "PAK", 1), ("CHN", "IND", 2), ("IRN", "IND", 3)]
    shared = [{**base, "actor_a": a, "actor_b": b, "rank": r, "events": events,
               "title_events": title} for a, b, r in pairs]
    copied = [{**r, "events": copy.deepcopy(events), "title_events": copy.deepcopy(title)}
              for r in shared]
    for params in ({}, {"min_confidence": 0.5, "log_counts": False}):
        fz = DyadFeaturizer(**params).fit(pd.DataFrame(shared))
        got = fz.transform(pd.DataFrame(shared))
        np.testing.assert_array_equal(got, fz.transform(pd.DataFrame(copied)))
        np.testing.assert_array_equal(got, fz.transform(copied))
        names = list(fz.get_feature_names_out())
        assert got[0, names.index(f"{sig[0]}__title")] > 0
        assert got[0, names.index(f"{sig[0]}__act")] != got[1, names.index(f"{sig[0]}__act")]


SEED_LIKE = (
    "Iran launched missile strikes on Pakistan on Tuesday, killing two children. "
    "Pakistan recalled its ambassador from Iran in protest. "
    "China urged Iran and Pakistan to show restraint. "
    "China and Iran held talks on trade in Beijing later that week."
)


def test_shared_feature_rows_reuses_rows_only_for_the_same_configuration(monkeypatch) -> None:
    """Inside the block a second transform of the same rows gives the same matrix without
    recomputing; another configuration (strict_below) is not served the first one's rows."""
    from tension.model._features import DyadFeaturizer, shared_feature_rows
    from tension.model._score import analyse, dyad_rows
    from tension.read._io import as_articles

    arts = as_articles([{"id": "a", "text": SEED_LIKE}])
    rows = pd.DataFrame([r for an in map(analyse, arts) for r in dyad_rows(an)])
    assert len(rows) >= 2  # a main pair and a secondary one, featurized differently below
    loose = DyadFeaturizer(strict_below=0.0).fit(rows)
    strict = DyadFeaturizer(strict_below=1.0).fit(rows)
    plain_loose, plain_strict = loose.transform(rows), strict.transform(rows)
    assert not np.array_equal(plain_loose, plain_strict)
    calls = []
    orig = DyadFeaturizer._transform_rows

    def counting(self, cols, todo, out, tax, index):
        calls.append(list(todo))
        return orig(self, cols, todo, out, tax, index)

    monkeypatch.setattr(DyadFeaturizer, "_transform_rows", counting)
    with shared_feature_rows():
        a = loose.transform(rows)
        b = loose.transform(rows.iloc[:1])  # the main pair again, as the gate asks
        c = strict.transform(rows)
    np.testing.assert_array_equal(a, plain_loose)
    np.testing.assert_array_equal(b, plain_loose[:1])
    np.testing.assert_array_equal(c, plain_strict)
    assert calls == [list(range(len(rows))), [], list(range(len(rows)))]
