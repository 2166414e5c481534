"""The learned sentence quad class (tension.quad_class): features, artifact round trip, shipped
model on sentences of our own, and its cross-validated figure on the shared CAMEO data."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tension
from tension._types import QUAD_CLASSES, ModelError, QuadPrediction
from tension.extract._quad import (
    CLASSES,
    N_FEATURES,
    design,
    fit,
    hashed_counts,
    idf_of,
    load_quad_model,
    prepare,
    quad_classes,
    softmax,
    tfidf,
    to_artifact,
)

# sentence (our own writing), the class a CAMEO coder gives it
TABLE = [
    ("Artillery units shelled villages across the frontier, killing four soldiers.",
     "material_conflict"),
    ("Warplanes bombed an air base near the capital overnight.", "material_conflict"),
    ("The foreign ministers will meet in Geneva next week to discuss the dispute.",
     "verbal_cooperation"),
    ("The president praised his counterpart and pledged closer cooperation.",
     "verbal_cooperation"),
    ("The government sent two planes of medical supplies and food to the flood zone.",
     "material_cooperation"),
    ("The ministry condemned the raid and accused its neighbour of lying.", "verbal_conflict"),
    ("The spokesman told reporters the minister would make a statement later.", "statement"),
]

# our own sentences of each class, for training a model in the round-trip test
TRAIN = {
    0: ["The minister said the talks had been useful.", "A spokesman commented on the visit.",
        "Officials made a statement about the budget.", "The president spoke on the radio."],
    1: ["The leaders agreed to meet again soon.", "The envoy praised the new government.",
        "Both sides pledged to cooperate closely.", "The ministers held talks on trade."],
    2: ["The army released forty prisoners.", "The country sent food aid to the region.",
        "Troops withdrew from the contested town.", "The bank lent the state two billion."],
    3: ["The ministry accused its neighbour of spying.", "Officials condemned the raid.",
        "The government rejected the peace plan.", "The leader demanded an apology."],
    4: ["Jets bombed the air base overnight.", "Soldiers fired on the crowd.",
        "Rebels attacked a police post.", "Shelling killed four civilians in the town."],
}


def _train_set() -> tuple[list[str], np.ndarray]:
    texts = [t for k in sorted(TRAIN) for t in TRAIN[k]]
    y = np.asarray([k for k in sorted(TRAIN) for _ in TRAIN[k]])
    return texts, y


def test_classes_are_the_quad_classes_in_pentaclass_order():
    assert tuple(CLASSES) == QUAD_CLASSES
    assert CLASSES[0] == "statement" and CLASSES[4] == "material_conflict"


@pytest.mark.parametrize("sentence,label", TABLE)
def test_shipped_model_classifies_our_sentences(sentence, label):
    pred = tension.quad_class(sentence)
    assert isinstance(pred, QuadPrediction)
    assert pred.label == label, pred
    assert pred.probabilities[label] == max(pred.probabilities.values())
    assert set(pred.probabilities) == set(QUAD_CLASSES)
    assert abs(sum(pred.probabilities.values()) - 1) < 1e-3


def test_terms_are_words_of_the_text_that_push_toward_the_label():
    text = "The ministry condemned the raid and accused its neighbour of lying."
    pred = tension.quad_class(text)
    assert pred.terms, "a confident prediction names its evidence"
    for gram, contrib in pred.terms:
        assert gram in text.lower() and contrib > 0
    assert [c for _, c in pred.terms] == sorted((c for _, c in pred.terms), reverse=True)
    assert "condemned" in {g for g, _ in pred.terms}
    assert pred.to_dict()["label"] == pred.label


def test_terms_use_the_vectorizer_columns():
    """_terms re-hashes the word n-grams one by one: the same columns as the vectorizer."""
    from sklearn.feature_extraction import FeatureHasher

    from tension.extract._quad import _vectorizers

    vec = _vectorizers()["word"]
    text = "Navies of both states exchanged fire near the disputed reef on Monday"
    grams = sorted(set(vec.build_analyzer()(text)))
    hasher = FeatureHasher(N_FEATURES, input_type="string", alternate_sign=False)
    one_by_one = set(hasher.transform([[g] for g in grams]).tocsr().indices.tolist())
    assert one_by_one == set(vec.transform([text]).indices.tolist())


def test_batch_equals_one_by_one():
    texts = [s for s, _ in TABLE]
    batch = quad_classes(texts)
    assert batch.shape == (len(texts), len(CLASSES))
    np.testing.assert_allclose(batch.sum(axis=1), 1.0)
    for i, t in enumerate(texts):
        np.testing.assert_allclose(quad_classes([t])[0], batch[i], rtol=1e-12)
    assert quad_classes([]).shape == (0, len(CLASSES))


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_blank_text_is_a_statement(blank):
    pred = tension.quad_class(blank)
    assert pred.label == "statement" and pred.probabilities["statement"] == 1.0
    assert pred.terms == ()
    probs = quad_classes(["Warplanes bombed an air base near the capital overnight.", blank])
    assert probs[1].tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert probs[0].argmax() == QUAD_CLASSES.index("material_conflict")


def test_non_string_is_a_type_error():
    with pytest.raises(TypeError, match="expects a str"):
        tension.quad_class(["a list"])  # type: ignore[arg-type]


def test_tfidf_matches_scikit_learn():
    from sklearn.feature_extraction.text import TfidfTransformer

    texts, _ = _train_set()
    counts = hashed_counts(texts)["word"]
    ours = tfidf(counts, idf_of(counts, 1))
    ref = TfidfTransformer(sublinear_tf=True).fit(counts).transform(counts)
    np.testing.assert_allclose(ours.toarray(), ref.toarray(), rtol=1e-12, atol=1e-15)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=60), min_size=1, max_size=6))
def test_tfidf_rows_are_unit_or_empty(texts):
    counts = hashed_counts(texts)["char"]
    x = tfidf(counts, idf_of(counts, 2))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    assert np.all((np.abs(norms - 1) < 1e-9) | (norms == 0))
    assert np.all(x.data > 0)


def test_temperature_minimises_log_loss():
    from tension.extract._quad import _fit_temperature

    rng = np.random.default_rng(0)
    y = rng.integers(0, 5, 400)
    margins = rng.normal(size=(400, 5))
    margins[np.arange(400), y] += 1.0  # informative but over-scaled margins ...
    margins *= 4.0
    t = _fit_temperature(margins, y)
    assert t > 1.5  # ... so the softmax must be cooled

    def nll(tt: float) -> float:
        return -np.mean(np.log(softmax(margins, tt)[np.arange(400), y]))

    assert nll(t) <= min(nll(t * 0.8), nll(t * 1.25), nll(1.0))


def test_min_df_drops_rare_columns():
    counts = hashed_counts(["alpha beta", "alpha gamma"])["word"]
    idf = idf_of(counts, 2)
    alpha = hashed_counts(["alpha"])["word"].indices[0]
    assert idf[alpha] > 0 and np.count_nonzero(idf) == 1


def test_artifact_round_trip(tmp_path):
    import joblib

    texts, y = _train_set()
    counts = hashed_counts(texts)
    clf, idfs = fit(counts, y, C=3.0)
    assert clf.temperature_ > 0
    path = tmp_path / "quad.joblib"
    joblib.dump(to_artifact(clf, idfs, C=3.0), path)
    model = prepare(joblib.load(path))
    assert model is not None
    probe = ["Gunmen attacked a convoy near the border.", "The minister praised the deal."]
    margins = clf.decision_function(design(hashed_counts(probe), idfs))
    expected = softmax(margins, clf.temperature_)
    np.testing.assert_allclose(quad_classes(probe, model), expected, rtol=1e-9)
    assert list(expected.argmax(axis=1)) == [4, 1]  # learned from our eight-word sentences
    # only the columns seen in training are stored
    assert len(model["word_cols"]) == np.count_nonzero(idfs["word"]) < N_FEATURES


def test_fit_needs_three_classes():
    texts, y = _train_set()
    keep = y < 2
    with pytest.raises(ModelError, match="at least three classes"):
        fit(hashed_counts([t for t, k in zip(texts, keep, strict=True) if k]), y[keep])


def test_artifact_needs_all_five_classes():
    texts, y = _train_set()
    keep = y < 4
    clf, idfs = fit(hashed_counts([t for t, k in zip(texts, keep, strict=True) if k]), y[keep])
    with pytest.raises(ModelError, match="labels 0-4"):
        to_artifact(clf, idfs)


@pytest.mark.parametrize("bad", [
    None, {"n_features": 12}, {"n_features": N_FEATURES, "classes": ("a", "b")},
    {"n_features": N_FEATURES, "classes": QUAD_CLASSES, "blocks": ("word",)},  # no temperature
])
def test_foreign_artifact_is_ignored_with_a_warning(bad, caplog):
    with caplog.at_level(logging.WARNING, logger="tension.extract._quad"):
        assert prepare(bad) is None
    assert "does not match" in caplog.text


def test_missing_model_is_a_clear_error(monkeypatch):
    import tension.extract._quad as q

    monkeypatch.setattr(q, "load_quad_model", lambda: None)
    with pytest.raises(ModelError, match="train_quad_classifier"):
        q.quad_class("Jets bombed the air base.")


def test_shipped_artifact_records_its_training():
    model = load_quad_model()
    assert model is not None
    assert model["blocks"] == ("word", "char")
    assert 0.0 < model["cv_macro_f1"] <= 1.0
    assert "cameo_class_train.tsv" in model["trained_on"]


def test_cli_text_prints_both_quad_classes(capsys):
    from tension.cli import main

    assert main(["signals", "--text", "Finland summoned the Russian ambassador."]) == 0
    err = capsys.readouterr().err
    assert "quad class: " in err and "(learned, p=" in err
    assert "from the events: verbal_conflict" in err


@pytest.mark.slow
def test_cross_validated_figure_on_shared_cameo(shared_dir: Path):
    """The learned class beats the events' class by far on CAMEO coders' sentences (word block
    only, to keep the test quick; the shipped model adds characters)."""
    from sklearn.metrics import f1_score

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "experiments"))
    from train_quad_classifier import cross_validate, load_pentaclass

    sents, y = load_pentaclass(shared_dir)
    assert len(sents) > 1000
    pred = cross_validate(sents, y, C=3.0, blocks=("word",)).argmax(axis=1)
    assert f1_score(y, pred, average="macro") >= 0.80


def test_cli_signals_quad_columns(tmp_path):
    import csv
    import json

    from tension.cli import main
    from tension.cli.signals import COLUMNS, QUAD_COLUMNS

    strike = "Artillery units of Armenia shelled villages in Azerbaijan, killing four soldiers."
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": strike + " Ghana expelled two Togolese "
                                                   "diplomats on Tuesday."}) + "\n",
                   encoding="utf-8")
    out = tmp_path / "ev.csv"
    assert main(["signals", str(src), "-o", str(out), "--quad"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0].keys()) == COLUMNS + QUAD_COLUMNS
    for r in rows:
        expected = tension.quad_class(r["sentence"])
        assert r["sentence_quad_class"] == expected.label
        assert float(r["sentence_quad_p"]) == pytest.approx(
            expected.probabilities[expected.label], abs=1e-4)
    assert any(r["sentence"] == strike and r["sentence_quad_class"] == "material_conflict"
               for r in rows)
    plain = tmp_path / "plain.csv"
    assert main(["signals", str(src), "-o", str(plain)]) == 0
    assert tuple(next(csv.DictReader(plain.open(encoding="utf-8"))).keys()) == COLUMNS


def test_cli_signals_quad_without_model_is_a_clear_error(tmp_path, monkeypatch, capsys):
    import tension.extract._quad as q
    from tension.cli import main

    monkeypatch.setattr(q, "load_quad_model", lambda: None)
    src = tmp_path / "in.txt"
    src.write_text("Ghana expelled two Togolese diplomats.", encoding="utf-8")
    assert main(["signals", str(src), "-o", str(tmp_path / "ev.csv"), "--quad"]) == 2
    assert "quad_sentence.joblib" in capsys.readouterr().err
    assert not (tmp_path / "ev.csv").exists()


def test_explain_gives_each_event_its_sentence_quad_class():
    from tension.model._explain import explain

    text = ("Finland summoned the Russian ambassador on Monday. Russian jets violated Finnish "
            "airspace twice, the ministry said.")
    ex = explain(text)
    assert ex.events
    for v in ex.events:
        assert v.sentence_quad is not None
        pred = tension.quad_class(v.event.sentence)
        assert v.sentence_quad[0] == pred.label
        assert v.sentence_quad[1] == pytest.approx(pred.probabilities[pred.label], abs=1e-4)
