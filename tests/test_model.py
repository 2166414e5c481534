"""Dyad features, the escalation pipeline, the scoring contract and the seed regression."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import tension
from tension._types import SCORE_COLUMNS, Article, Event
from tension.model._evaluate import cross_validate, expected_calibration_error, gpr_counts
from tension.model._features import DyadFeaturizer, events_for_dyad, shared_feature_rows
from tension.model._model import ModelParams, load_model, read_labelled, save_model, train
from tension.model._score import analyse, dyad_rows

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT / "seeds" / "corpus.jsonl"

# The seed document without the strikes, recalls and restraint calls: only the unity pledges,
# the ministers' words and the analyst's view (paragraphs 9-15 of the user's seed file, the
# user's own document, so quoting it in a test is allowed).
RECONCILIATION_START = "Iranian Foreign Affairs Minister"


def _event(signal: str, src: str | None, tgt: str | None, **kw: object) -> Event:
    return Event(
        article_id="a", signal=signal, quad_class="material_conflict", source=src, target=tgt, **kw
    )  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed_model(tmp_path_factory: pytest.TempPathFactory) -> tension.TensionModel:
    """A model trained on our own seed corpus only (runs without ../shared)."""
    model = train(CORPUS, ModelParams(calibration="none", text_min_df=1), version="test")
    save_model(model, tmp_path_factory.mktemp("model"))
    return model


# --------------------------------------------------------------------------- features


@pytest.mark.parametrize(
    ("event", "direction"),
    [
        (_event("military_strike", "IRN", "PAK"), "a_b"),
        (_event("military_strike", "PAK", "IRN"), "b_a"),
        (_event("military_strike", "IRN", None, location="PAK"), "a_b"),
        (_event("accusation", "IRN", None), "pair"),
        (_event("call_for_restraint", "CHN", None, third_parties=("CHN", "UN")), "third"),
        (_event("sanctions", "USA", "RUS"), None),  # another pair entirely
        (_event("military_strike", "IRN", "PAK", background=True), None),
    ],
)
def test_events_for_dyad_directions(event: Event, direction: str | None) -> None:
    got = events_for_dyad([event], "IRN", "PAK")
    assert [d for _, d in got] == ([direction] if direction else [])


def test_events_for_dyad_reads_a_list_once_per_pair_inside_a_shared_block() -> None:
    events = [
        _event("military_strike", "IRN", "PAK"),
        _event("sanctions", "USA", "PAK"),
        _event("accusation", "IRN", None),
        _event("call_for_restraint", "CHN", None, third_parties=("CHN", "UN")),
        _event("military_strike", "G:militia", "PAK"),
    ]
    pairs = [("IRN", "PAK"), ("PAK", "IRN"), ("PAK", "USA"), ("CHN", "IRN")]
    plain = [events_for_dyad(events, a, b) for a, b in pairs]
    with shared_feature_rows():
        assert [events_for_dyad(events, a, b) for a, b in pairs] == plain
        assert events_for_dyad(events, "IRN", "PAK") is events_for_dyad(events, "IRN", "PAK")
        assert events_for_dyad(iter(events), "PAK", "USA") == plain[2]  # not a list: not kept


def test_featurizer_follows_the_estimator_contract() -> None:
    f = DyadFeaturizer(log_counts=False)
    assert f.get_params() == {
        "log_counts": False, "min_confidence": 0.0, "strict_below": 0.1,
        "confidence_weighted": True, "share_features": True,
    }
    assert not hasattr(f, "feature_names_out_")  # __init__ stores parameters only
    rows = pd.DataFrame(
        [
            {
                "actor_a": "IRN",
                "actor_b": "PAK",
                "rank": 1,
                "salience": 0.8,
                "events": [_event("military_strike", "IRN", "PAK"), _event("talks", None, None)],
                "title_events": [_event("military_strike", None, None)],
            }
        ]
    )
    assert f.fit(rows) is f
    names = list(f.get_feature_names_out())
    assert len(names) == len(set(names))
    assert "military_strike__act" in names and "material_conflict__a_b" in names
    out = clone(f).set_output(transform="pandas").fit_transform(rows)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == names
    row = out.iloc[0]
    assert row["military_strike__act"] == 1 and row["military_strike__title"] == 1
    assert row["talks__act"] == 1 and row["material_conflict__a_b"] == 1
    assert row["dyad__rank1"] == 1 and row["intensity__max_conflict"] == pytest.approx(1.0)


def test_featurizer_ignores_events_only_about_other_states() -> None:
    f = DyadFeaturizer(log_counts=False).set_output(transform="pandas")
    rows = pd.DataFrame(
        [{"actor_a": "IRN", "actor_b": "PAK", "events": [_event("sanctions", "USA", "RUS")]}]
    )
    assert f.fit_transform(rows)["sanctions__act"].iloc[0] == 0


@pytest.mark.parametrize(
    ("rank", "salience", "strict_below", "inherits"),
    [
        (2, 0.05, 0.1, False),  # a bystander: the main pair's strike is not its own
        (2, 0.40, 0.1, True),  # nearly as salient as the main pair: stays loose
        (1, 0.05, 0.1, True),  # the main pair is always loose
        (2, 0.05, 0.0, True),  # strictness switched off
    ],
)
def test_secondary_pair_does_not_inherit_the_main_pairs_events(
    rank: int, salience: float, strict_below: float, inherits: bool
) -> None:
    f = DyadFeaturizer(log_counts=False, strict_below=strict_below).set_output(transform="pandas")
    strike = _event("military_strike", "IRN", "PAK")
    restraint = _event("call_for_restraint", "CHN", None)
    row = {
        "actor_a": "CHN",
        "actor_b": "IRN",
        "rank": rank,
        "salience": salience,
        "events": [strike, restraint],
        "title_events": [_event("military_strike", "IRN", "PAK")],
    }
    out = f.fit_transform(pd.DataFrame([row])).iloc[0]
    assert out["military_strike__act"] == int(inherits)
    assert out["military_strike__title"] == int(inherits)
    assert out["call_for_restraint__act"] == 1  # its own event counts either way


@pytest.mark.parametrize("fitted_before_040", [False, True])
def test_strict_pair_headline_filter_counts_states_like_the_event_filter(
    fitted_before_040: bool,
) -> None:
    """A headline event by a third party on a secondary pair (the US, listed as the event's
    third party, urging one side to restraint) names no state outside the pair and its third
    parties: it counts in the headline block as it does in the event block. Models fitted
    before 0.4.0 dropped it there and keep doing so. An organisation's own act (the UN
    accusing one side) counts in neither: it is no act of a state pair."""
    f = DyadFeaturizer(log_counts=False, strict_below=0.1, confidence_weighted=False)
    f.set_output(transform="pandas")
    third = _event("call_for_restraint", "USA", "IRN", third_parties=("USA",))
    un = _event("accusation", "UN", "IRN", third_parties=())
    outsider = _event("accusation", "PAK", "IRN")
    row = {
        "actor_a": "CHN", "actor_b": "IRN", "rank": 2, "salience": 0.05,
        "events": [third, un, outsider], "title_events": [third, un, outsider],
    }
    f.fit(pd.DataFrame([row]))
    if fitted_before_040:
        del f.title_filter_
    out = f.transform(pd.DataFrame([row])).iloc[0]
    assert out["call_for_restraint__act"] == 1
    assert out["call_for_restraint__title"] == (0 if fitted_before_040 else 1)
    assert out["accusation__act"] == 0  # the UN's is no state's; Pakistan's names an outsider
    assert out["accusation__title"] == 0


def test_seed_bystander_pairs_score_below_the_main_pair(seed_path: object) -> None:
    scores = tension.score(seed_path)
    top = scores[scores["rank"] == 1].iloc[0]
    assert top["dyad"] == "IRN-PAK" and top["level"] == 4
    china = scores[scores["dyad"] == "CHN-IRN"]
    # China urged restraint: that pair is not a party to the strikes
    assert len(china) == 1 and china["level"].iloc[0] <= 2
    assert china["escalation_score"].iloc[0] < top["escalation_score"] - 30


def _labelled(text: str, dyad: tuple[str, str], level: int) -> object:
    from tension.model._model import LabelledArticle

    return LabelledArticle(Article(id="by", text=text), dyad, level, "ep")


def test_bystander_rows_are_the_other_scored_pairs_no_event_links() -> None:
    from tension.model._model import bystander_rows

    text = ("Iran fired missiles at targets in Pakistan on Tuesday. "
            "China and Iran both said they were watching closely. "
            "Pakistan recalled its ambassador from Iran.")
    item = _labelled(text, ("IRN", "PAK"), 4)
    an = analyse(item.article)  # type: ignore[attr-defined]
    rows, index = bystander_rows([item], [an])  # type: ignore[list-item]
    pairs = set(rows["dyad"]) if len(rows) else set()
    assert "IRN-PAK" not in pairs  # the gold pair never
    assert "CHN-IRN" in pairs  # named together, no act between them
    assert set(index.tolist()) == {0}
    # an unlabelled article (a hard negative) gives none
    neg = _labelled(text, ("IRN", "PAK"), 4)
    object.__setattr__(neg, "dyad", None)
    assert len(bystander_rows([neg], [an])[0]) == 0  # type: ignore[list-item]


@pytest.mark.parametrize("weight", [0.2, 1.0])
def test_bystanders_weigh_their_share_and_leave_gold_rows_balanced(weight: float) -> None:
    """With bystanders the classes are balanced over the gold rows alone (explicit class
    weights, so the added rows do not dilute the gold rows of their level) and each bystander
    row weighs ``weight`` against a gold row's 1."""
    from tension.model._model import fit_level

    rng = np.random.default_rng(0)
    gold = pd.DataFrame([
        {"actor_a": "A", "actor_b": "B", "rank": 1, "salience": 1.0, "n_cooccur": 1,
         "in_title": False, "in_lead": True, "events": [], "title_events": [],
         "text": f"word{rng.integers(5)} strike" if lvl == 4 else "talks word"}
        for lvl in (4, 4, 4, 1, 1, 0)
    ])
    y = np.array([4, 4, 4, 1, 1, 0])
    by = gold.iloc[:2].assign(rank=3, salience=0.1)
    params = ModelParams(calibration="none", text_min_df=1, bystander_level=1,
                         bystander_weight=weight)
    pipe = fit_level(gold, y, params, by)
    clf = pipe.named_steps["classifier"]
    # balanced over the six gold rows: n / (classes * count)
    assert clf.class_weight == pytest.approx({0: 2.0, 1: 1.0, 4: 2 / 3})
    assert list(clf.classes_) == [0, 1, 4]
    # no bystander level: the gold rows alone, "balanced" as before 0.8.0
    plain = fit_level(gold, y, ModelParams(calibration="none", text_min_df=1), by)
    assert plain.named_steps["classifier"].class_weight == "balanced"
    # the bystanders pull their pair towards their level
    p1 = pipe.predict_proba(by)[:, 1]
    assert (p1 > plain.predict_proba(by)[:, 1]).all()


def test_held_out_temperature_matches_sklearn_when_every_row_calibrates() -> None:
    """With no added rows it is scikit-learn's temperature scaling (same folds, same
    temperature), so switching bystanders on changes what the calibrator sees, nothing else."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from tension.model._calibrate import HeldOutTemperature

    X, y = make_classification(300, 8, n_informative=5, n_classes=4, random_state=1)
    ref = CalibratedClassifierCV(LogisticRegression(max_iter=5000), method="temperature",
                                 cv=5, ensemble=False).fit(X, y)
    got = HeldOutTemperature(cv=5).fit(X, y)
    assert np.allclose(got.predict_proba(X), ref.predict_proba(X), atol=1e-5)
    assert got.beta_ != pytest.approx(1.0, abs=1e-3)  # a temperature was fitted


def test_held_out_temperature_fits_on_the_calibration_rows_only() -> None:
    """Rows outside ``calibrate`` train the regression but never the temperature: added rows
    of zero weight change nothing, while the same rows calibrating would (they are noise)."""
    from sklearn.datasets import make_classification

    from tension.model._calibrate import HeldOutTemperature

    X, y = make_classification(300, 8, n_informative=5, n_classes=3, random_state=2)
    rng = np.random.default_rng(0)
    noise, y_noise = rng.normal(size=(200, 8)) * 3, rng.integers(0, 3, 200)
    Xa, ya = np.vstack([X, noise]), np.concatenate([y, y_noise])
    w = np.concatenate([np.ones(300), np.zeros(200)])
    base = HeldOutTemperature().fit(X, y)
    kept = HeldOutTemperature().fit(Xa, ya, sample_weight=w,
                                    calibrate=np.arange(500) < 300)
    assert kept.beta_ == pytest.approx(base.beta_, rel=1e-6)
    assert np.allclose(kept.predict_proba(X), base.predict_proba(X), atol=1e-6)
    noisy = HeldOutTemperature().fit(Xa, ya, sample_weight=w)
    assert noisy.beta_ < 0.5 * base.beta_  # calibrating on noise flattens everything


def test_held_out_temperature_holds_a_group_out_together() -> None:
    from tension.model._calibrate import HeldOutTemperature

    y = np.array([0, 1] * 10 + [1, 1, 1])
    cal = np.arange(23) < 20
    groups = np.concatenate([np.arange(20), [3, 3, 18]])
    fold = HeldOutTemperature(cv=5)._folds(y, cal, groups)
    assert fold[20] == fold[21] == fold[3] and fold[22] == fold[18]
    assert sorted(np.bincount(fold[:20]).tolist()) == [4] * 5


# --------------------------------------------------------------------------- model


def test_save_load_round_trip_gives_identical_scores(
    seed_model: tension.TensionModel, tmp_path: object, seed_path: object
) -> None:
    folder = save_model(seed_model, tmp_path).parent  # type: ignore[arg-type]
    loaded = load_model(folder)
    assert loaded.version == "test"
    a = seed_model.score(seed_path)
    b = loaded.score(seed_path)
    pd.testing.assert_frame_equal(a, b)


def test_probabilities_are_a_distribution_and_score_is_their_expectation(
    seed_model: tension.TensionModel, seed_path: object
) -> None:
    df = seed_model.score(seed_path)
    p = df[[f"p{k}" for k in range(5)]].to_numpy(dtype=float)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-3)
    assert np.allclose(df["escalation_score"], 25 * p @ np.arange(5), atol=0.05)
    assert df["escalation_score"].between(0, 100).all()


def test_contract_columns_and_no_dyad_row(seed_model: tension.TensionModel) -> None:
    df = seed_model.score(
        [
            {"id": "cricket", "text": "The home side won the final by six wickets on Sunday."},
            {"id": "pair", "text": "Chile recalled its ambassador from Peru after the dispute."},
        ]
    )
    assert tuple(df.columns) == SCORE_COLUMNS
    nod = df[df.article_id == "cricket"]
    assert len(nod) == 1 and nod.iloc[0]["reason"] == "no_dyad" and nod.iloc[0]["dyad"] == ""
    assert np.isnan(nod.iloc[0]["escalation_score"])
    pair = df[df.article_id == "pair"].iloc[0]
    assert pair["dyad"] == "CHL-PER" and pair["rank"] == 1
    assert pair["signals"].get("envoy_recalled") == 1


def test_params_reject_unknown_keys() -> None:
    with pytest.raises(tension.ModelError, match="unknown model parameter"):
        ModelParams.from_dict({"C": 1.0, "colour": "red"})


# --------------------------------------------------------------------------- seed regression


def test_seed_document_is_irn_pak_with_its_evidence_and_high_level(seed_path: object) -> None:
    df = tension.score(seed_path)  # the shipped model
    top = df[df["rank"] == 1].iloc[0]
    assert top["dyad"] == "IRN-PAK"
    assert top["level"] in (3, 4)
    signals = set(top["signals"])
    assert {"military_strike", "envoy_recalled"} <= signals
    assert {e["signal"] for e in top["evidence"]} & {"military_strike", "casualties"}
    # the third parties' restraint calls are read (the seed's "calls from restraint" typo
    # leaves the re-scorer unsure: 0.46, under its 0.50 threshold, so not in the contract)
    restraint = [e for e in tension.extract_signals(seed_path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
                 if e.signal == "call_for_restraint"]
    assert any({"CHN", "USA"} <= set(e.third_parties) for e in restraint)


def test_reconciliation_alone_scores_lower_than_the_whole(seed_path: object) -> None:
    whole = seed_path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    part = whole[whole.index(RECONCILIATION_START) :]
    model = load_model()
    scores = model.score(
        [
            Article(id="whole", text=whole, raw_text=whole),
            Article(id="part", text=part, raw_text=part),
        ]
    )
    top = scores[scores["rank"] == 1].set_index("article_id")
    assert top.loc["part", "dyad"] == "IRN-PAK"
    assert top.loc["part", "escalation_score"] < top.loc["whole", "escalation_score"] - 10


def test_secondary_pairs_need_a_shared_sentence_or_event(seed_path: object) -> None:
    an = analyse(next(tension.read_articles(seed_path)))
    rows = dyad_rows(an)
    assert rows[0]["dyad"] == "IRN-PAK"
    assert len(rows) < len(an.dyads)  # pairs merely named apart are dropped


# --------------------------------------------------------------------------- evaluation


def test_cross_validation_on_seeds_reports_every_figure_and_baseline() -> None:
    items = read_labelled(CORPUS)
    res = cross_validate(items, ModelParams(calibration="none", text_min_df=1), n_splits=3)
    for key in ("qwk", "spearman", "ece", "accuracy", "qwk_rank1", "dyad_rank1", "nodyad_ok"):
        assert key in res.metrics and np.isfinite(res.metrics[key])
    assert list(res.baselines["model"]) == ["tension", "majority", "gpr_keywords", "tfidf_lr"]
    assert res.confusion.sum() == res.metrics["n"]
    # folds are grouped: no episode is in two folds
    assert res.predictions.groupby("episode")["fold"].nunique().max() == 1
    # the model must beat the majority baseline on its own seed corpus
    base = res.baselines.set_index("model")
    assert base.loc["tension", "qwk"] > base.loc["majority", "qwk"] + 0.3


def test_ece_is_zero_for_perfectly_calibrated_certainty() -> None:
    y = np.array([0, 1, 2, 3, 4])
    assert expected_calibration_error(np.eye(5), y) == 0.0
    assert expected_calibration_error(np.full((5, 5), 0.2), y) == pytest.approx(0.0)
    assert expected_calibration_error(np.eye(5)[[1, 2, 3, 4, 0]], y) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("text", "threat", "act"),
    [
        ("Officials warned of the risk of war along the border.", 1, 0),
        ("War broke out on Tuesday after months of tension.", 1, 1),
        ("The football season begins in August.", 0, 0),
    ],
)
def test_gpr_keyword_counts(text: str, threat: int, act: int) -> None:
    assert gpr_counts(text) == (threat, act)


# --------------------------------------------------------------------------- relevance gate

# Own-written: a match between two national teams (not a bilateral relation) and an
# air strike by one state on another (the very thing the model is for).
MATCH_TEXT = (
    "Germany beat France 2-1 in the World Cup qualifier\n\n"
    "MUNICH - Germany beat France 2-1 in a World Cup qualifier on Saturday night, the home "
    "striker heading the winner in stoppage time after France had levelled early in the second "
    "half. The French coach said his side had dominated possession but lacked a cutting edge, "
    "while the German captain praised the crowd. Both teams play again on Tuesday, Germany "
    "away in Spain and France at home to Italy, with two places in the finals still open."
)
STRIKE_TEXT = (
    "Iran strikes targets inside Pakistan\n\n"
    "Iran launched missile and drone strikes on targets inside Pakistan on Tuesday, killing two "
    "people. Pakistan condemned the attack as a violation of its airspace, recalled its "
    "ambassador from Tehran and warned Iran of serious consequences."
)


@pytest.fixture(scope="module")
def gated_model() -> tension.TensionModel:
    """The seed model with its relevance gate switched on."""
    params = ModelParams(calibration="none", text_min_df=1, relevance_threshold=0.5)
    return train(CORPUS, params, version="gated")


def test_relevance_gate_is_trained_on_the_seed_negatives(
    gated_model: tension.TensionModel,
) -> None:
    assert gated_model.relevance is not None
    info = gated_model.card["relevance_gate"]
    # only negatives naming two states get a rank-1 row to learn from (7 of the 21)
    assert info["fitted"] and info["n_not_bilateral"] >= 5 and info["threshold"] == 0.5


@pytest.mark.parametrize(
    ("article_id", "text", "gated"),
    [("match", MATCH_TEXT, True), ("strike", STRIKE_TEXT, False)],
)
def test_relevance_gate_turns_away_a_match_but_not_a_strike(
    gated_model: tension.TensionModel, article_id: str, text: str, gated: bool
) -> None:
    art = Article(id=article_id, text=text, raw_text=text)
    rows = dyad_rows(analyse(art))
    assert rows, "both texts name two states"  # so the gate, not the ranking, decides
    out = gated_model.score([art])
    assert list(out.columns) == list(SCORE_COLUMNS)
    if gated:
        assert len(out) == 1 and out.iloc[0]["reason"] == "not_bilateral"
        assert out.iloc[0]["dyad"] == "" and np.isnan(out.iloc[0]["escalation_score"])
        assert pd.isna(out.iloc[0]["level"])
    else:
        assert (out["reason"] == "").all() and out.iloc[0]["dyad"] == "IRN-PAK"


def test_gate_off_by_default_threshold_scores_the_match(
    gated_model: tension.TensionModel,
) -> None:
    ungated = tension.TensionModel(
        gated_model.pipeline,
        {**gated_model.card, "params": {**gated_model.card["params"], "relevance_threshold": 0.0}},
        gated_model.relevance,
    )
    out = ungated.score([Article(id="match", text=MATCH_TEXT, raw_text=MATCH_TEXT)])
    assert (out["reason"] == "").all() and out.iloc[0]["dyad"] != ""


def test_save_load_keeps_the_relevance_gate(
    gated_model: tension.TensionModel, tmp_path: Path
) -> None:
    import joblib

    save_model(gated_model, tmp_path)
    assert set(joblib.load(tmp_path / "tension-escalation.joblib")) == {"level", "relevance"}
    back = load_model(tmp_path)
    assert back.relevance is not None
    arts = [
        Article(id="match", text=MATCH_TEXT, raw_text=MATCH_TEXT),
        Article(id="strike", text=STRIKE_TEXT, raw_text=STRIKE_TEXT),
    ]
    pd.testing.assert_frame_equal(back.score(arts), gated_model.score(arts))
    rows = pd.DataFrame([dyad_rows(analyse(a))[0] for a in arts])
    np.testing.assert_allclose(back.p_bilateral(rows), gated_model.p_bilateral(rows))


@pytest.mark.parametrize("version", [1, 3, None])
def test_load_refuses_another_format_version(
    gated_model: tension.TensionModel, tmp_path: Path, version: int | None
) -> None:
    import json

    from tension._types import ModelError
    from tension.model._model import CARD_FILE, FORMAT_VERSION

    assert FORMAT_VERSION == 2
    save_model(gated_model, tmp_path)
    card_path = tmp_path / CARD_FILE
    card = json.loads(card_path.read_text())
    card["format_version"] = version
    card_path.write_text(json.dumps(card))
    with pytest.raises(ModelError, match=r"model format .*this package reads 2.*NOT loaded"):
        load_model(tmp_path)


def test_cross_validation_reports_the_gate_fitted_per_fold() -> None:
    items = read_labelled(CORPUS)
    params = ModelParams(calibration="none", text_min_df=1, relevance_threshold=0.5)
    m = cross_validate(items, params, n_splits=3, baselines=False).metrics
    for key in ("relevance_auc", "relevance_lost", "relevance_threshold_cv", "nodyad_ok_cv"):
        assert key in m
    assert 0.5 <= m["relevance_auc"] <= 1.0
    # a gated no-dyad article counts as ok, so the gate can only help that figure
    assert m["nodyad_ok"] >= m["nodyad_ok_ungated"]
    assert m["relevance_lost_cv"] <= 0.015 + 1e-9


def test_wire_copies_count_once_in_training() -> None:
    from tension.model._model import LabelledArticle, drop_wire_copies

    story = (
        "Ethiopia and Kenya signed a border trade accord on Monday after two days of talks "
        "in Nairobi, officials from both ministries said, adding that crossings would reopen."
    )
    other = "Chile recalled its ambassador from Peru after a dispute over fishing rights."

    def item(i: str, text: str) -> LabelledArticle:
        return LabelledArticle(Article(id=i, text=text, raw_text=text), ("ETH", "KEN"), 0, "e")

    items = [item("a", story), item("b", story + " Reuters."), item("c", other)]
    assert [it.article.id for it in drop_wire_copies(items)] == ["a", "c"]


@pytest.mark.parametrize(
    ("length", "share"),
    [
        (0, 0.3),  # an empty text: the floor
        (300, 0.3),  # (0.3) ** 2 = 0.09, under the floor
        (600, 0.36),
        (800, 0.64),
        (1000, 1.0),
        (5000, 1.0),  # a long article: the threshold as set
    ],
)
def test_gate_threshold_falls_with_length_down_to_a_floor(length: int, share: float) -> None:
    from tension.model._model import gate_thresholds

    got = gate_thresholds(0.5, ["x" * length], 1000)
    assert got[0] == pytest.approx(0.5 * share)
    assert gate_thresholds(0.5, ["x" * length], 0)[0] == 0.5  # full_length 0: off


# Own-written one-paragraph notes: a bilateral act (must be scored) or two states named in a
# story that is not about their relation (sport, history, domestic news: must be turned away).
SHORT_NOTES = [
    ("expel", "Niger expels French envoy",
     "Niger's military government ordered the French ambassador to leave the country within "
     "48 hours on Friday, accusing Paris of interfering in its affairs.", False),
    ("shoot", "Turkish jets shoot down Russian bomber",
     "Turkish F-16s shot down a Russian warplane near the Syrian border on Tuesday. Russia's "
     "defence ministry said the jet had not entered Turkish airspace.", False),
    ("tariff", "China lifts tariffs on Australian wine",
     "China said on Friday it would lift the tariffs it imposed on Australian wine three years "
     "ago, the latest sign of a thaw between Beijing and Canberra.", False),
    ("talks", "India and Bangladesh hold border talks",
     "Indian and Bangladeshi border guard chiefs met in Dhaka on Monday and agreed to step up "
     "joint patrols along the frontier, officials from both countries said.", False),
    ("sport", "Brazil beat Argentina in Rio",
     "Brazil beat Argentina 1-0 at the Maracana on Thursday night in a World Cup qualifier, "
     "their forward scoring from a corner in the 70th minute.", True),
    ("history", "The war of 1962",
     "In the autumn of 1962 China and India fought a short border war in the Himalayas. "
     "Historians still disagree about who fired first, sixty years later.", True),
    ("domestic", "Mexico raises minimum wage",
     "Mexico's president announced a 20 percent rise in the minimum wage on Monday. Wages in "
     "the United States have risen more slowly, economists noted.", True),
]


@pytest.fixture(scope="module")
def short_gate_model() -> tension.TensionModel:
    """The seed model with a strict gate (0.6): long articles below it are turned away."""
    params = ModelParams(calibration="none", text_min_df=1, relevance_threshold=0.6)
    return train(CORPUS, params, version="short-gate")


@pytest.mark.parametrize(("article_id", "title", "text", "gated"), SHORT_NOTES)
def test_short_notes_of_a_bilateral_act_pass_the_gate_and_others_do_not(
    short_gate_model: tension.TensionModel, article_id: str, title: str, text: str, gated: bool
) -> None:
    art = Article(id=article_id, title=title, text=text, raw_text=text)
    rows = pd.DataFrame(dyad_rows(analyse(art))[:1])
    assert len(rows), "every note names two states"  # so the gate, not the ranking, decides
    assert bool(short_gate_model.gated(rows)[0]) is gated
    out = short_gate_model.score([art])
    assert (out.iloc[0]["reason"] == "not_bilateral") is gated


def test_a_card_without_full_length_gates_every_length_alike(
    short_gate_model: tension.TensionModel,
) -> None:
    params = {k: v for k, v in short_gate_model.card["params"].items()
              if k != "relevance_full_length"}
    old = tension.TensionModel(short_gate_model.pipeline, {**short_gate_model.card,
                               "params": params}, short_gate_model.relevance)
    assert old.params.relevance_full_length == 0
    assert short_gate_model.params.relevance_full_length == 1000
    # the tariff note scores under the long-article threshold: only its length lets it pass
    _, title, text, _ = SHORT_NOTES[2]
    rows = pd.DataFrame(dyad_rows(analyse(Article(id="t", title=title, text=text,
                                                  raw_text=text)))[:1])
    assert old.gated(rows)[0] and not short_gate_model.gated(rows)[0]
