"""Events count with their confidence, background and non-state acts not at all; the gate keeps
short items a confident force event links; one uncertain strike does not make a war."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tension._types import Event
from tension.model._features import DyadFeaturizer, events_for_dyad, firmly_linked
from tension.model._model import ModelParams, TensionModel, train

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "seeds" / "corpus.jsonl"


def _ev(signal: str, src: str | None, tgt: str | None, conf: float = 0.9, **kw: object) -> Event:
    from tension.extract._taxonomy import load_taxonomy

    spec = load_taxonomy()[signal]
    return Event(  # type: ignore[arg-type]
        article_id="a", signal=signal, quad_class=spec.quad_class, source=src, target=tgt,
        confidence=conf, weight=spec.weight, **kw,
    )


def _row(events: list[Event], title: list[Event] | None = None, text: str = "") -> dict:
    return {
        "article_id": "a", "dyad": "IND-PAK", "actor_a": "IND", "actor_b": "PAK", "rank": 1,
        "salience": 1.0, "n_cooccur": 1, "in_title": False, "in_lead": True, "events": events,
        "title_events": title or [], "text": text,
    }


def _features(events: list[Event], **params: object) -> pd.Series:
    f = DyadFeaturizer(**params).fit(None)  # type: ignore[arg-type]
    x = f.transform(pd.DataFrame([_row(events)]))
    return pd.Series(x[0], index=f.get_feature_names_out())


def test_counts_are_weighted_by_confidence() -> None:
    weak = _features([_ev("military_strike", "IND", "PAK", conf=0.1)])
    sure = _features([_ev("military_strike", "IND", "PAK", conf=0.9)])
    flat = _features([_ev("military_strike", "IND", "PAK", conf=0.1)], confidence_weighted=False)
    assert np.isclose(weak["military_strike__act"], np.log1p(0.1))
    assert np.isclose(sure["military_strike__act"], np.log1p(0.9))
    assert np.isclose(flat["military_strike__act"], np.log1p(1.0))
    assert np.isclose(weak["intensity__max_conflict"], 0.1)
    assert np.isclose(sure["intensity__max_conflict"], 0.9)
    assert np.isclose(sure["link__max_conf"], 0.9) and np.isclose(sure["link__max_conflict"], 0.9)
    assert np.isclose(sure["events__pair_share"], 1.0)


def test_background_and_non_state_events_do_not_count() -> None:
    quiet = _features([])
    for ev in (
        _ev("military_strike", "IND", "PAK", background=True),
        _ev("military_strike", "G:militia", "PAK"),  # a group's attack is no act of the pair
        _ev("military_strike", "NATO", "PAK"),
    ):
        got = _features([ev])
        assert (got.drop(["events__n"]) == quiet.drop(["events__n"])).all(), ev
        assert events_for_dyad([ev], "IND", "PAK") == []
    f = DyadFeaturizer().fit(None)
    title = [_ev("military_strike", "IND", "PAK", background=True)]
    x = f.transform(pd.DataFrame([_row([], title=title)]))
    assert x[0][list(f.get_feature_names_out()).index("military_strike__title")] == 0


def test_share_features_are_named_and_optional() -> None:
    on = list(DyadFeaturizer().fit(None).get_feature_names_out())
    off = list(DyadFeaturizer(share_features=False).fit(None).get_feature_names_out())
    assert on[: len(off)] == off
    assert on[len(off):] == ["events__pair_share", "link__max_conf", "link__max_conflict"]
    f = DyadFeaturizer().set_output(transform="pandas").fit(None)
    frame = f.transform(pd.DataFrame([_row([_ev("talks", "IND", "PAK")])]))
    assert list(frame.columns) == on


def test_old_pickles_keep_the_behaviour_they_were_fitted_with() -> None:
    f = DyadFeaturizer().fit(None)
    state = dict(f.__getstate__())
    for key in ("confidence_weighted", "share_features"):
        state.pop(key)
    old = DyadFeaturizer.__new__(DyadFeaturizer)
    old.__setstate__(state)
    assert old.confidence_weighted is False and old.share_features is False
    assert old.get_params()["confidence_weighted"] is False
    again = pickle.loads(pickle.dumps(f))
    assert again.get_params() == f.get_params()


def test_firmly_linked_needs_a_confident_current_coercive_act_between_the_two() -> None:
    t = 0.3
    assert firmly_linked([_ev("armed_clash", "IND", "PAK")], "IND", "PAK", t)
    assert firmly_linked([_ev("sanctions", "PAK", "IND")], "IND", "PAK", t)
    for ev in (
        _ev("armed_clash", "IND", "PAK", conf=0.1),
        _ev("armed_clash", "IND", "PAK", background=True),
        _ev("armed_clash", "IND", "PAK", modality="negated"),
        _ev("armed_clash", "G:militia", "PAK"),
        _ev("armed_clash", "IND", "AFG"),
        _ev("accusation", "IND", "PAK"),  # words, not force or coercion
    ):
        assert not firmly_linked([ev], "IND", "PAK", t), ev
    # in a short note fire between the two needs half the threshold; other coercion, or fire
    # in a longer article, the whole of it
    assert firmly_linked([_ev("military_strike", "IND", "PAK", conf=0.16)], "IND", "PAK", t)
    assert not firmly_linked([_ev("military_strike", "IND", "PAK", conf=0.14)], "IND", "PAK", t)
    assert not firmly_linked([_ev("sanctions", "IND", "PAK", conf=0.16)], "IND", "PAK", t)
    long = [_ev("military_strike", "IND", "PAK", conf=0.16),
            _ev("talks", "IND", "PAK", conf=0.9, sentence_index=9)]
    assert not firmly_linked(long, "IND", "PAK", t)


class _NeverBilateral:
    """A relevance gate that calls every article not bilateral."""

    classes_ = np.array([0, 1])

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        return np.tile([1.0, 0.0], (len(rows), 1))


@pytest.mark.parametrize("keep", [True, False])
def test_gate_keeps_a_pair_a_confident_force_event_links(keep: bool) -> None:
    params = ModelParams(relevance_keep_linked=keep).to_dict()
    model = TensionModel(None, {"params": params}, _NeverBilateral())
    rows = pd.DataFrame([
        _row([_ev("armed_clash", "IND", "PAK", conf=0.9)]),
        _row([_ev("armed_clash", "IND", "PAK", conf=0.05)]),
        _row([_ev("armed_clash", "G:militia", "PAK", conf=0.9)]),
    ])
    assert model.gated(rows).tolist() == [not keep, True, True]


@pytest.fixture(scope="module")
def calibrated_model() -> TensionModel:
    """The default pipeline (temperature-calibrated on held-out folds) on our seed corpus."""
    return train(CORPUS, ModelParams(text_min_df=1), version="test")


@pytest.mark.parametrize("conf", [0.05, 0.15])
def test_one_low_confidence_strike_sentence_does_not_give_p4_of_0_9(
    calibrated_model: TensionModel, conf: float
) -> None:
    sentence = "Indian jets may have struck a Pakistani post, a local paper said."
    strike = _ev("military_strike", "IND", "PAK", conf=conf, sentence=sentence)
    p = calibrated_model.predict_proba(pd.DataFrame([_row([strike], text=sentence)]))[0]
    assert np.isclose(p.sum(), 1.0)
    assert p[4] < 0.9, p
    sure = _ev("military_strike", "IND", "PAK", conf=0.95, sentence=sentence)
    p_sure = calibrated_model.predict_proba(pd.DataFrame([_row([sure], text=sentence)]))[0]
    assert p_sure[4] > p[4]  # the same event, confident, pushes toward force


def test_calibration_is_fitted_on_held_out_folds(calibrated_model: TensionModel) -> None:
    from sklearn.calibration import CalibratedClassifierCV

    clf = calibrated_model.pipeline.named_steps["classifier"]
    assert isinstance(clf, CalibratedClassifierCV)
    assert clf.method == "temperature" and clf.cv == 5 and clf.ensemble is False


def test_crossfit_confidences_are_out_of_fold_and_restored() -> None:
    from tension.model._model import read_labelled
    from tension.model._rescore import crossfit_confidences, has_signal_labels
    from tension.model._score import analyse

    items = read_labelled(CORPUS)[:60]
    analyses = [analyse(it.article) for it in items]
    before = [e.confidence for an in analyses for e in an.events]
    assert has_signal_labels(items)
    fr = crossfit_confidences(items, analyses, n_splits=3)
    assert fr is not None
    during = [e.confidence for an in analyses for e in an.events]
    assert during != before and all(0.0 <= c <= 1.0 for c in during)
    fr.restore()
    assert [e.confidence for an in analyses for e in an.events] == before
    unlabelled = [type(it)(it.article, it.dyad, it.level, it.episode, ()) for it in items]
    assert not has_signal_labels(unlabelled)
    assert crossfit_confidences(unlabelled, analyses) is None


def test_firmly_linked_with_named_states_needs_both_in_the_events_sentence() -> None:
    clash = _ev("armed_clash", "IND", "PAK", sentence_index=2)
    both = {2: frozenset({"IND", "PAK"})}
    one = {2: frozenset({"PAK"}), 0: frozenset({"IND"})}  # India only named elsewhere
    assert firmly_linked([clash], "IND", "PAK", 0.3, both)
    assert not firmly_linked([clash], "IND", "PAK", 0.3, one)
    assert not firmly_linked([clash], "IND", "PAK", 0.3, {})
    # a wire note's reply in the next sentence ("X shelled villages. Y's forces responded.")
    reply = {2: frozenset({"IND"}), 3: frozenset({"PAK"})}
    assert firmly_linked([clash], "IND", "PAK", 0.3, reply)
    assert firmly_linked([clash], "IND", "PAK", 0.3, {1: frozenset({"PAK"}), 2: frozenset({"IND"})})
    assert not firmly_linked([clash], "IND", "PAK", 0.3, {2: frozenset({"IND"}),
                                                          4: frozenset({"PAK"})})


def test_dyad_rows_carry_the_states_each_sentence_names() -> None:
    from tension.model._score import analyse, dyad_rows
    from tension.read._io import as_articles

    text = ("Indian and Pakistani troops exchanged fire across the border on Monday. "
            "Officials in Delhi said two soldiers were hurt.")
    an = analyse(next(iter(as_articles(text))))
    rows = dyad_rows(an)
    assert rows and rows[0]["dyad"] == "IND-PAK"
    assert rows[0]["sentence_states"][0] >= {"IND", "PAK"}
