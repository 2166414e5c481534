"""Features to score: the scikit-learn pipeline, training, and the model file with its card.

The estimator is a plain scikit-learn ``Pipeline``: named signal features
(:class:`~tension.model._features.DyadFeaturizer`) beside TF-IDF text features of the article,
into a multinomial logistic regression whose probabilities are calibrated. A
:class:`TensionModel` wraps the fitted pipeline with its card (version, data fingerprints,
metrics, library versions) and knows how to score articles into the contract.

A second, small estimator (``TensionModel.relevance``) gates articles that are not about a
bilateral relation at all (a match between national teams, a "price war", a disaster abroad):
it reads the article's rank-1 dyad row (the same signal features plus TF-IDF) and gives
P(bilateral); below ``ModelParams.relevance_threshold`` the article gets the single no-dyad row
with reason ``not_bilateral``. The model file holds both: ``{"level": ..., "relevance": ...}``.

A joblib file is code: :func:`load_model` checks the file's sha256 against its card, and the
card's ``source`` against the trusted sources, before anything is unpickled; it reads the file
once and unpickles the very bytes it hashed (no window to swap the file). For models shared
between people, ``save_model(..., format="skops")`` writes a ``.skops`` file that loads only
allow-listed types (``SKOPS_TRUSTED_TYPES`` plus skops' own scikit-learn/numpy list).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import io
import json
import logging
import os
import platform
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tension._types import Article, ModelError
from tension.model._features import FEATURE_COLUMNS

__all__ = [
    "TensionModel",
    "ModelParams",
    "build_pipeline",
    "build_relevance_pipeline",
    "relevance_rows",
    "firmly_linked_rows",
    "gate_thresholds",
    "load_model",
    "save_model",
    "train",
    "labelled_rows",
    "bystander_rows",
    "fit_level",
    "LabelledArticle",
    "drop_wire_copies",
    "read_labelled",
    "MODEL_NAME",
    "default_model_path",
    "file_sha256",
]

logger = logging.getLogger(__name__)

MODEL_NAME = "tension-escalation"
MODEL_FILE = f"{MODEL_NAME}.joblib"
SKOPS_FILE = f"{MODEL_NAME}.skops"
# Types outside skops' default scikit-learn/numpy trust that a .skops model of ours may hold;
# any other type in a .skops file is refused before it is constructed.
SKOPS_TRUSTED_TYPES = (
    "tension.model._features.DyadFeaturizer",
    "tension.model._calibrate.HeldOutTemperature",
)
MODEL_FORMATS = ("joblib", "skops")
CARD_FILE = f"{MODEL_NAME}.card.json"
FORMAT_VERSION = 2  # 2: the file holds {"level": pipeline, "relevance": pipeline | None}
# Sources whose model cards load_model accepts without trusted=... : models this package
# built (the shipped one, or one a user trained with tension.train / experiments/train.py).
TRUSTED_SOURCES = ("tension",)

# the columns of a dyad row that the signal block reads
SIGNAL_COLUMNS = FEATURE_COLUMNS


@dataclass(frozen=True)
class ModelParams:
    """Hyperparameters of the escalation pipeline (the config files of experiments/ set them)."""

    C: float = 0.3
    text_weight: float = 1.0  # multiplies the TF-IDF block; 0 = signals only
    text_ngram_max: int = 2
    text_min_df: int = 2
    class_weight: str | None = "balanced"
    # temperature scaling keeps the arg-max (so the level) and fixes over-confidence
    calibration: str = "temperature"  # "temperature", "sigmoid", "isotonic" or "none"
    calibration_folds: int = 5
    level_rule: str = "argmax"  # how `level` follows from p0..p4: "argmax" or "expected"
    # bilateral-relevance gate: an article whose rank-1 row has P(bilateral) below this gets
    # the no-dyad row (reason "not_bilateral"); 0.0 = gate off. Grouped CV on the shared news
    # set (max nodyad_ok turning away <= 1.5% of gold-pair articles) gave 0.289: nodyad_ok
    # 0.625 -> 0.891, qwk_rank1 0.7836 -> 0.7815, 1.0% of gold-pair articles turned away.
    # 0.35 with the length scaling below (the pair's rank-1 hits 0.9441 -> see docs/model.md)
    relevance_threshold: float = 0.35
    relevance_C: float = 1.0
    # the gate reads words and features that grow with length, so a wire brief of a few
    # hundred characters scores low however bilateral it is: below this many characters
    # (title and text) the threshold falls with the square of the length (500 characters: a
    # quarter of it, never under 0.3 of it); 0 = the same threshold for every length
    # (see gate_thresholds)
    relevance_full_length: int = 1000
    # the gate never turns away a pair with a current, confident (at the signal re-scorer's
    # threshold) force or coercion event whose source and target are its two states: a
    # two-line wire brief of fire between two armies is bilateral however few words it has
    relevance_keep_linked: bool = True
    # DyadFeaturizer: events count with their confidence; length-free pair-link features
    confidence_weighted: bool = True
    share_features: bool = True
    # train on out-of-fold event confidences (the signal re-scorer refitted without each
    # article, see tension.model._rescore) rather than the shipped re-scorer's, which are
    # in-sample on the news it was fitted on: new articles get out-of-sample ones
    crossfit_confidences: bool = True
    # bystanders: the level head learns only from gold pairs, nearly all ranked first, so a
    # secondary pair (rank > 1, low salience) read like a gold pair the ranking missed and
    # took the article's level (the seed's restraint-urging powers at level 4 against Iran).
    # With a level here, every other scored pair of a labelled article that no event links
    # is a training row of that level (1: co-mentioned, no act between them) weighing
    # ``bystander_weight`` (a gold row: 1); None = gold pairs only (before 0.8.0). The
    # shipped recipe: level 1 at 0.05 (grouped CV: bystanders at level 3+ 3.6% -> 1.0%,
    # QWK 0.828 -> 0.823; 0.1-0.5 cut them to 0-0.6% but QWK to 0.813-0.814)
    bystander_level: int | None = None
    bystander_weight: float = 0.05

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ModelParams:
        known = set(cls.__dataclass_fields__)
        unknown = set(d) - known
        if unknown:
            raise ModelError(f"unknown model parameter(s): {', '.join(sorted(unknown))}")
        return cls(**d)


def _featurizer(p: ModelParams) -> Any:
    from tension.model._features import DyadFeaturizer

    return DyadFeaturizer(confidence_weighted=p.confidence_weighted,
                          share_features=p.share_features)


def build_pipeline(params: ModelParams | None = None) -> Any:
    """The unfitted scikit-learn pipeline for ``params``."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MaxAbsScaler


    p = params or ModelParams()
    blocks: list[tuple[str, Any, Any]] = [
        (
            "signals",
            Pipeline([("events", _featurizer(p)), ("scale", MaxAbsScaler())]),
            SIGNAL_COLUMNS,
        )
    ]
    weights = {"signals": 1.0}
    if p.text_weight > 0:
        blocks.append(
            (
                "text",
                TfidfVectorizer(
                    sublinear_tf=True,
                    ngram_range=(1, p.text_ngram_max),
                    min_df=p.text_min_df,
                    max_features=50000,
                ),
                "text",
            )
        )
        weights["text"] = p.text_weight
    features = ColumnTransformer(blocks, transformer_weights=weights)
    clf: Any = LogisticRegression(C=p.C, max_iter=5000, class_weight=p.class_weight)
    if p.calibration != "none":
        clf = CalibratedClassifierCV(
            clf, method=p.calibration, cv=p.calibration_folds, ensemble=False
        )
    return Pipeline([("features", features), ("classifier", clf)])


def build_relevance_pipeline(params: ModelParams | None = None) -> Any:
    """The unfitted bilateral-relevance gate: signal features of the rank-1 row and TF-IDF of
    the article into a class-balanced logistic regression giving P(bilateral)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MaxAbsScaler


    p = params or ModelParams()
    features = ColumnTransformer(
        [
            (
                "signals",
                Pipeline([("events", _featurizer(p)), ("scale", MaxAbsScaler())]),
                SIGNAL_COLUMNS,
            ),
            (
                "text",
                TfidfVectorizer(
                    sublinear_tf=True, ngram_range=(1, 2), min_df=p.text_min_df, max_features=50000
                ),
                "text",
            ),
        ]
    )
    # negatives are few (about one article in nine): balance so they are not ignored
    clf = LogisticRegression(C=p.relevance_C, max_iter=5000, class_weight="balanced")
    return Pipeline([("features", features), ("classifier", clf)])


class TensionModel:
    """A fitted escalation pipeline with its card; scores articles into the contract.

    ``pipeline`` is the level pipeline (a ``{"level": ..., "relevance": ...}`` payload as
    stored in a model file is accepted too); ``relevance`` the optional bilateral gate.
    """

    def __init__(
        self, pipeline: Any, card: dict[str, Any] | None = None, relevance: Any = None
    ) -> None:
        if isinstance(pipeline, dict) and "level" in pipeline:
            relevance = pipeline.get("relevance") if relevance is None else relevance
            pipeline = pipeline["level"]
        self.pipeline = pipeline
        self.relevance = relevance
        self.card: dict[str, Any] = dict(card or {})

    @property
    def payload(self) -> dict[str, Any]:
        """What a model file holds: both fitted pipelines."""
        return {"level": self.pipeline, "relevance": self.relevance}

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unversioned"))

    @property
    def params(self) -> ModelParams:
        # a card from before relevance_full_length gates every length alike (as it was tuned)
        return ModelParams.from_dict(
            {"relevance_full_length": 0, **self.card.get("params", {})}
        )

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        """Calibrated P(level = 0..4) for dyad rows (columns of ``DYAD_ROW_COLUMNS``)."""
        from tension.model._features import fast_text_blocks

        with fast_text_blocks(self.pipeline):  # same matrices as sklearn, faster
            proba = self.pipeline.predict_proba(rows)
        classes = list(self.pipeline.classes_)
        out = np.zeros((len(rows), 5))
        for j, c in enumerate(classes):
            out[:, int(c)] = proba[:, j]
        return out

    def p_bilateral(self, rows: pd.DataFrame) -> np.ndarray:
        """P(the article is about a bilateral relation) from its rank-1 dyad rows (1.0 when
        the model has no gate)."""
        if self.relevance is None or not len(rows):
            return np.ones(len(rows))
        from tension.model._features import fast_text_blocks

        with fast_text_blocks(self.relevance):  # same matrices as sklearn, faster
            proba = self.relevance.predict_proba(rows)
        return np.asarray(proba[:, list(self.relevance.classes_).index(1)], dtype=float)

    def gated(self, rows: pd.DataFrame) -> np.ndarray:
        """Which rank-1 rows the relevance gate turns away (all False when it is off); with
        ``params.relevance_keep_linked`` never a row whose pair a confident current force or
        coercion event links (:func:`firmly_linked_rows`)."""
        params = self.params
        threshold = params.relevance_threshold
        if self.relevance is None or threshold <= 0 or not len(rows):
            return np.zeros(len(rows), dtype=bool)
        texts = rows["text"] if "text" in rows else [""] * len(rows)
        off = self.p_bilateral(rows) < gate_thresholds(
            threshold, texts, params.relevance_full_length
        )
        if params.relevance_keep_linked and off.any():
            off &= ~firmly_linked_rows(rows)
        return off

    def level_from_proba(self, proba: np.ndarray) -> np.ndarray:
        if self.params.level_rule == "expected":
            return np.clip(np.rint(proba @ np.arange(5)), 0, 4).astype(int)
        return proba.argmax(axis=1)

    def score(self, articles: Any, **read_options: Any) -> pd.DataFrame:
        """Score articles (anything :func:`tension.score` accepts) with this model."""
        from tension.model._score import score_articles
        from tension.read._io import as_articles

        return score_articles(as_articles(articles, **read_options), self)

    def feature_names(self) -> list[str]:
        return [str(n) for n in self.pipeline.named_steps["features"].get_feature_names_out()]

    def coefficients(self) -> pd.DataFrame:
        """Per-feature, per-level coefficients (averaged over calibration folds)."""
        clf = self.pipeline.named_steps["classifier"]
        ests = [c.estimator for c in getattr(clf, "calibrated_classifiers_", [])] or [
            getattr(clf, "estimator_", clf)]
        coef = np.mean([e.coef_ for e in ests], axis=0)
        classes = [int(c) for c in ests[0].classes_]
        return pd.DataFrame(
            coef.T, index=self.feature_names(), columns=[f"level_{c}" for c in classes]
        )

    def __repr__(self) -> str:
        return f"TensionModel(version={self.version!r})"


# --------------------------------------------------------------------------- training data


@dataclass(frozen=True)
class LabelledArticle:
    article: Article
    dyad: tuple[str, str] | None
    level: int | None
    episode: str
    signals: tuple[str, ...] = ()


def read_labelled(path: str | os.PathLike[str]) -> list[LabelledArticle]:
    """Labelled articles in the shared format (id, episode, title, text, dyad, level, signals)."""
    from tension._types import IngestError
    from tension.read._clean import clean_text

    out: list[LabelledArticle] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise IngestError(f"malformed JSON: {exc.msg}", path=str(path), line=n) from exc
            for key in ("id", "text"):
                if not isinstance(rec.get(key), str) or not rec[key].strip():
                    raise IngestError("missing or empty", path=str(path), line=n, field=key)
            level = rec.get("level")
            if level is not None and level not in (0, 1, 2, 3, 4):
                raise IngestError(
                    f"level must be 0-4 or null, got {level!r}",
                    path=str(path),
                    line=n,
                    field="level",
                )
            dyad = rec.get("dyad")
            if dyad is not None:
                if not (
                    isinstance(dyad, list)
                    and len(dyad) == 2
                    and all(isinstance(c, str) for c in dyad)
                ):
                    raise IngestError(
                        "dyad must be a list of two ISO3 codes or null",
                        path=str(path),
                        line=n,
                        field="dyad",
                    )
                dyad = tuple(sorted(dyad))
            text, anchors = clean_text(rec["text"])
            art = Article(
                id=rec["id"],
                text=text,
                raw_text=rec["text"],
                anchors=anchors,
                title=rec.get("title"),
                date=rec.get("date"),
                origin=f"{path}:{n}",
            )
            out.append(
                LabelledArticle(
                    art,
                    dyad,
                    level,
                    str(rec.get("episode") or rec["id"]),
                    tuple(rec.get("signals") or ()),
                )
            )
    return out


def drop_wire_copies(items: Sequence[LabelledArticle]) -> list[LabelledArticle]:
    """The first copy of each wire story (near-duplicate text, see tension.read._wire): a story
    reprinted by ten outlets is one piece of evidence, not ten."""
    from tension.read._wire import WireClusterer

    clusterer = WireClusterer()
    kept = [it for it in items if clusterer.assign(it.article.id, it.article.text) == it.article.id]
    if len(kept) < len(items):
        logger.info(
            "dropped %d wire copies of %d labelled articles", len(items) - len(kept), len(items)
        )
    return kept


def gold_items(items: Sequence[LabelledArticle]) -> np.ndarray:
    """Index of each item with a gold pair and level: the item of each row of
    :func:`labelled_rows`, in order."""
    return np.array([i for i, it in enumerate(items)
                     if it.dyad is not None and it.level is not None], dtype=int)


def labelled_rows(
    items: Sequence[LabelledArticle], analyses: Sequence[Any] | None = None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Dyad rows for the gold dyad of every labelled article that has one: (rows, y, groups).

    The gold pair's row is built even when the dyad ranking missed it, so the level model
    learns from every label; its rank and salience then say the ranking missed it.
    ``analyses`` (one per item, from ``tension.model._score.analyse``) saves analysing again.
    """
    from tension.model._score import analyse, dyad_row

    rows: list[dict[str, Any]] = []
    y: list[int] = []
    groups: list[str] = []
    for i in gold_items(items):
        item = items[i]
        assert item.dyad is not None and item.level is not None  # gold_items: for mypy
        an = analyses[i] if analyses is not None else analyse(item.article)
        found = next((d for d in an.dyads if (d.actor_a, d.actor_b) == item.dyad), None)
        rows.append(dyad_row(an, item.dyad[0], item.dyad[1], found))
        y.append(item.level)
        groups.append(item.episode)
    return pd.DataFrame(rows), np.asarray(y, dtype=int), np.asarray(groups)


def bystander_rows(
    items: Sequence[LabelledArticle], analyses: Sequence[Any]
) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows :func:`tension.model._score.dyad_rows` scores for labelled articles (those
    with a gold pair) that are not the gold pair and that no event links: (rows, item index)."""
    from tension.model._score import _linked, dyad_rows

    rows: list[dict[str, Any]] = []
    index: list[int] = []
    if len(items) != len(analyses):
        raise ValueError("one analysis per item")
    for i in gold_items(items):
        item, an = items[i], analyses[i]
        for r in dyad_rows(an):
            a, b = r["actor_a"], r["actor_b"]
            if (a, b) != item.dyad and not _linked(an, a, b):
                rows.append(r)
                index.append(i)
    return pd.DataFrame(rows), np.asarray(index, dtype=int)


def fit_level(
    rows: pd.DataFrame, y: np.ndarray, params: ModelParams,
    bystanders: pd.DataFrame | None = None, *,
    row_items: np.ndarray | None = None, bystander_items: np.ndarray | None = None,
) -> Any:
    """The fitted level pipeline: on the gold rows, plus ``bystanders`` at
    ``params.bystander_level`` when both are given. With bystanders, the classes are balanced
    over the gold rows alone (explicit class weights, so the added rows do not dilute the gold
    rows of their level) and each bystander row weighs ``bystander_weight``. Temperature
    calibration then fits on the gold rows' out-of-fold predictions only
    (:class:`~tension.model._calibrate.HeldOutTemperature`), each bystander held out with its
    article (``row_items`` / ``bystander_items``: the article of each row): calibrating on the
    bystander rows too, as ``CalibratedClassifierCV`` must, raised grouped-CV ECE from 0.044
    to 0.16-0.20."""
    if params.bystander_level is None or bystanders is None or not len(bystanders):
        return build_pipeline(params).fit(rows, y)
    pipe = build_pipeline(params)
    cw: Any = params.class_weight
    if params.class_weight == "balanced":
        from sklearn.utils.class_weight import compute_class_weight

        classes = np.unique(y)
        bal = compute_class_weight("balanced", classes=classes, y=y)
        cw = {int(c): float(w) for c, w in zip(classes, bal, strict=True)}
    weights = np.concatenate([np.ones(len(y)), np.full(len(bystanders), params.bystander_weight)])
    both = pd.concat([rows, bystanders], ignore_index=True)
    y_all = np.concatenate([y, np.full(len(bystanders), int(params.bystander_level))])
    fit_params: dict[str, Any] = {"classifier__sample_weight": weights}
    if params.calibration == "temperature":
        from tension.model._calibrate import HeldOutTemperature

        pipe.set_params(classifier=HeldOutTemperature(
            C=params.C, class_weight=cw, cv=params.calibration_folds))
        row_groups = np.arange(len(y)) if row_items is None else np.asarray(row_items)
        by_groups = (np.full(len(bystanders), -1) if bystander_items is None
                     else np.asarray(bystander_items))
        fit_params["classifier__calibrate"] = np.arange(len(y_all)) < len(y)
        fit_params["classifier__groups"] = np.concatenate([row_groups, by_groups])
    else:
        key = ("classifier__estimator__class_weight" if params.calibration != "none"
               else "classifier__class_weight")
        pipe.set_params(**{key: cw})
    return pipe.fit(both, y_all, **fit_params)


def relevance_rows(
    items: Sequence[LabelledArticle], analyses: Sequence[Any] | None = None
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The rank-1 dyad row of every labelled article that has one: (rows, y, item index).

    ``y`` is 1 when the article has a gold dyad, whatever the ranking picked: the gate asks
    whether the article is about a bilateral relation at all; a wrong main pair is the
    ranking's error, and teaching the gate to reject those bilateral articles would blur it.
    Articles with no candidate pair have no row (they get the no-dyad row anyway).
    """
    from tension.model._score import analyse, dyad_rows

    rows: list[dict[str, Any]] = []
    y: list[int] = []
    index: list[int] = []
    for i, item in enumerate(items):
        an = analyses[i] if analyses is not None else analyse(item.article)
        drows = dyad_rows(an)
        if not drows:
            continue
        rows.append(min(drows, key=lambda r: r["rank"]))
        y.append(int(item.dyad is not None))
        index.append(i)
    return pd.DataFrame(rows), np.asarray(y, dtype=int), np.asarray(index, dtype=int)


def firmly_linked_rows(rows: pd.DataFrame) -> np.ndarray:
    """Per dyad row: does a confident current force/coercion event link its two states, in a
    sentence naming both? (:func:`tension.model._features.firmly_linked` at the signal
    re-scorer's threshold, with the row's ``sentence_states``.)"""
    from tension.model._features import firmly_linked, signal_threshold

    t = signal_threshold()
    named = rows["sentence_states"] if "sentence_states" in rows else [None] * len(rows)
    return np.array(
        [
            firmly_linked(ev or (), str(a or ""), str(b or ""), t, nm)
            for ev, a, b, nm in zip(
                rows["events"], rows["actor_a"], rows["actor_b"], named, strict=True
            )
        ],
        dtype=bool,
    )


GATE_FLOOR = 0.3  # a short text's share of the relevance threshold never falls below this


def gate_thresholds(
    threshold: float, texts: Iterable[str | None], full_length: int
) -> np.ndarray:
    """The relevance gate's threshold for each row text: ``threshold`` from ``full_length``
    characters on; below, ``threshold * (len / full_length) ** 2`` but never under
    ``GATE_FLOOR * threshold`` (``full_length`` 0: the same threshold everywhere). The gate's
    evidence (words, event counts) grows with length: in grouped CV on the shared news set
    its lowest P(bilateral) among the gold-pair articles went to wire notes of a few hundred
    characters (an ambassador ordered out, a warplane shot down, a tariff lifted), while the
    short hard negatives there scored lower still; the floor keeps a short match report or
    history note that the gate reads as plainly unrelated turned away."""
    lengths = np.array([len(t or "") for t in texts], dtype=float)
    if full_length <= 0:
        return np.full(len(lengths), float(threshold))
    share = np.minimum(1.0, lengths / float(full_length)) ** 2
    return threshold * np.maximum(GATE_FLOOR, share)


def fit_relevance(rows: pd.DataFrame, y: np.ndarray, params: ModelParams) -> Any:
    """The fitted gate, or None when the data lack one of the two classes."""
    if len(set(y.tolist())) < 2:
        return None
    return build_relevance_pipeline(params).fit(rows, y)


def train(
    data: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | Sequence[LabelledArticle],
    params: ModelParams | dict[str, Any] | None = None,
    *,
    version: str | None = None,
) -> TensionModel:
    """Fit the escalation model on labelled JSONL file(s) (the shared format) or records."""
    if isinstance(params, dict):
        params = ModelParams.from_dict(params)
    params = params or ModelParams()
    items, fingerprints = _load_training(data)
    items = drop_wire_copies(items)
    from tension.model._score import analyse

    analyses = [analyse(it.article) for it in items]  # once, for both heads
    crossfit = None
    if params.confidence_weighted and params.crossfit_confidences:
        from tension.model._rescore import crossfit_confidences

        crossfit = crossfit_confidences(items, analyses)
    rows, y, _ = labelled_rows(items, analyses)
    if len(set(y)) < 2:
        raise ModelError("training data needs at least two different levels")
    by_rows, by_items = (bystander_rows(items, analyses) if params.bystander_level is not None
                         else (None, None))
    pipe = fit_level(rows, y, params, by_rows, row_items=gold_items(items),
                     bystander_items=by_items)
    rel_rows, rel_y, _ = relevance_rows(items, analyses)
    relevance = fit_relevance(rel_rows, rel_y, params)
    if crossfit is not None:
        crossfit.restore()
    if relevance is None:
        logger.warning("no articles without a dyad in the training data: no relevance gate")
    from tension._version import __version__

    card = {
        "name": MODEL_NAME,
        "format_version": FORMAT_VERSION,
        "version": version or f"{__version__}-dev",
        "source": "tension",
        "package_version": __version__,
        "params": params.to_dict(),
        "training_data": fingerprints,
        "n_train_rows": int(len(y)),
        "n_bystander_rows": 0 if by_rows is None else int(len(by_rows)),
        "label_distribution": {str(k): int((y == k).sum()) for k in range(5)},
        "relevance_gate": {
            "fitted": relevance is not None,
            "n_rows": int(len(rel_y)),
            "n_not_bilateral": int((rel_y == 0).sum()),
            "threshold": params.relevance_threshold,
        },
        "libraries": library_versions(),
        "signal_features": [
            str(n) for n in _featurizer(params).fit(None).get_feature_names_out()
        ],
    }
    return TensionModel(pipe, card, relevance)


def _load_training(data: Any) -> tuple[list[LabelledArticle], list[dict[str, Any]]]:
    if isinstance(data, (str, os.PathLike)):
        data = [data]
    data = list(data)
    if data and isinstance(data[0], LabelledArticle):
        return data, []
    items: list[LabelledArticle] = []
    prints = []
    for path in data:
        got = read_labelled(path)
        items += got
        prints.append(fingerprint(path, got))
    return items, prints


def fingerprint(
    path: str | os.PathLike[str], items: Sequence[LabelledArticle] | None = None
) -> dict[str, Any]:
    """sha256, row count and label distribution of a training file."""
    items = read_labelled(path) if items is None else items
    levels = [i.level for i in items]
    return {
        "path": os.fspath(path),
        "sha256": file_sha256(path),
        "rows": len(items),
        "labels": {str(k): levels.count(k) for k in (0, 1, 2, 3, 4)} | {"null": levels.count(None)},
    }


def library_versions() -> dict[str, str]:
    import joblib
    import sklearn

    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "joblib": joblib.__version__,
    }


# --------------------------------------------------------------------------- files


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def stamp_card(card: dict[str, Any], sha256: str, format: str = "joblib") -> dict[str, Any]:
    """Write into ``card`` what a saved model file adds to it: the bytes' sha256, the package
    version that wrote them (the module paths its pickle names), the file name and format."""
    from tension._version import __version__

    card["sha256"] = sha256
    card["saved_by"] = __version__
    card["file"] = MODEL_FILE if format == "joblib" else SKOPS_FILE
    card["format"] = format
    return card


def save_model(
    model: TensionModel, directory: str | os.PathLike[str], *, format: str = "joblib"
) -> Path:
    """Write ``<dir>/tension-escalation.joblib`` (or ``.skops``) and its card (with its sha256)
    atomically. ``format="skops"`` is the one to share: it loads without running pickled code."""
    if format not in MODEL_FORMATS:
        raise ModelError(f"unknown model format {format!r}; one of {', '.join(MODEL_FORMATS)}")
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    name = MODEL_FILE if format == "joblib" else SKOPS_FILE
    target = d / name
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-", suffix=f".{format}")
    os.close(fd)
    try:
        if format == "skops":
            import skops.io as sio

            sio.dump(model.payload, tmp)
        else:
            import joblib

            joblib.dump(model.payload, tmp, compress=3)
        stamp_card(model.card, file_sha256(tmp), format)
        card_tmp = d / f".tmp-{CARD_FILE}"
        card_tmp.write_text(json.dumps(model.card, indent=2, sort_keys=True, default=str) + "\n")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a model file is meant to be shared
        os.replace(tmp, target)
        os.replace(card_tmp, d / CARD_FILE)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


REGISTRY_PREFIXES = ("models:/", "runs:/", "mlflow-artifacts:/")


def is_registry_uri(location: object) -> bool:
    """Whether ``location`` names a model in an mlflow store rather than a file."""
    return location is not None and str(location).startswith(REGISTRY_PREFIXES)


def default_model_path() -> Path:
    """The shipped model: $TENSION_MODEL, the checkout's models/, or the install's share/."""
    env = os.environ.get("TENSION_MODEL")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parents[2] / "models"
    if (here / CARD_FILE).is_file():
        return here
    return Path(sys.prefix) / "share" / "tension" / "models"


def load_model(
    location: str | os.PathLike[str] | None = None, *, trusted: Iterable[str] = ()
) -> TensionModel:
    """Load a model from a file: the shipped one (default), or a folder or ``.joblib`` path with
    its card. mlflow URIs are refused here: :func:`tension.load_model` resolves them.

    Nothing is unpickled before the file's sha256 matches its card and the card's source is
    trusted (``"tension"`` or one listed in ``trusted``); a model built with other library
    versions or another feature set is refused with a message saying how to fix it.
    """
    if is_registry_uri(location):
        # resolved in tension.lifecycle, above this layer: tension.load_model dispatches
        raise ModelError(
            f"{location}: an mlflow model URI; load it with tension.load_model, which resolves "
            "registry and run URIs (tension.model.load_model reads files only)"
        )
    path = Path(location) if location is not None else default_model_path()
    if path.is_dir():
        card_path = path / CARD_FILE
        # the card names its file, but only one of our two fixed names: never a path
        named = _read_card(card_path).get("file") if card_path.is_file() else None
        file_path = path / (SKOPS_FILE if named == SKOPS_FILE else MODEL_FILE)
    else:
        file_path = path
        stem = path.name.removesuffix(".joblib").removesuffix(".skops")
        card_path = path.with_name(stem + ".card.json")
    if not file_path.is_file():
        raise ModelError(
            f"no model file at {file_path}; train one with `python experiments/train.py` "
            "or pass the folder of a trained model"
        )
    if not card_path.is_file():
        raise ModelError(
            f"{file_path}: no model card {card_path.name} beside it; refusing to unpickle"
        )
    card = _read_card(card_path)
    # Read once, hash those bytes, load those bytes: swapping the file after the check is moot.
    data = file_path.read_bytes()
    if file_path.suffix == ".skops":
        # skops constructs only allow-listed types, so any source may share one
        verify_card(card, file_path, trusted=trusted, data=data, check_source=False)
        return TensionModel(_skops_loads(data, file_path), card)
    verify_card(card, file_path, trusted=trusted, data=data)
    import joblib

    with _legacy_module_paths(card, file_path):
        payload = joblib.load(io.BytesIO(data))
    # TensionModel splits the {"level", "relevance"} payload
    return TensionModel(payload, card)


# Module paths that pickles written by tension 0.4.x name, and where those classes live now.
LEGACY_MODULES = {"tension._features": "tension.model._features"}


@contextlib.contextmanager
def _legacy_module_paths(card: dict[str, Any], file_path: Path) -> Iterator[None]:
    """Let a model pickled by 0.4.x (flat ``tension._*`` modules) find its classes, for the
    length of one load; say once how to re-save it under the new paths."""
    saved_by = str(card.get("saved_by") or card.get("package_version", ""))
    if not saved_by.startswith("0.4."):
        yield
        return
    logger.warning(
        "%s was saved by tension %s, whose module paths have moved; it loads through an alias "
        "table. Re-save it to drop the alias: tension.save_model(tension.load_model(%r), DIR)",
        file_path, saved_by, str(file_path),
    )
    added = [old for old in LEGACY_MODULES if old not in sys.modules]
    for old in added:
        sys.modules[old] = importlib.import_module(LEGACY_MODULES[old])
    try:
        yield
    finally:
        for old in added:
            sys.modules.pop(old, None)


def _read_card(card_path: Path) -> dict[str, Any]:
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{card_path}: unreadable model card ({exc}); refusing to load") from exc
    if not isinstance(card, dict):
        raise ModelError(f"{card_path}: a model card must be a JSON object; refusing to load")
    return card


def _skops_loads(data: bytes, file_path: Path) -> Any:
    try:
        import skops.io as sio
    except ImportError as exc:
        raise ModelError(
            f"{file_path}: loading a .skops model needs skops: pip install 'tension[skops]'"
        ) from exc
    untrusted = [t for t in sio.get_untrusted_types(data=data) if t not in SKOPS_TRUSTED_TYPES]
    if untrusted:
        raise ModelError(
            f"{file_path}: the .skops file holds types outside the allow list "
            f"({', '.join(sorted(untrusted))}); it was NOT loaded"
        )
    return sio.loads(data, trusted=list(SKOPS_TRUSTED_TYPES))


def verify_card(
    card: dict[str, Any],
    file_path: Path,
    *,
    trusted: Iterable[str] = (),
    data: bytes | None = None,
    check_source: bool = True,
) -> None:
    """Refuse (ModelError) a model file that does not match its card or this package.

    ``data``: the file's bytes already read (hash these, so the caller loads what was checked).
    """
    want = card.get("sha256")
    got = hashlib.sha256(data).hexdigest() if data is not None else file_sha256(file_path)
    if want != got:
        raise ModelError(
            f"{file_path}: sha256 {got[:12]}... does not match its card ({str(want)[:12]}...); "
            "the file was changed or replaced. Re-export it with tension.save_model or fetch the "
            "original; it was NOT loaded"
        )
    source = card.get("source")
    if check_source and source not in (*TRUSTED_SOURCES, *trusted):
        raise ModelError(
            f"{file_path}: model source {source!r} is not trusted; a joblib file runs code when "
            f"loaded. If you trust it, pass load_model(..., trusted=[{source!r}])"
        )
    if card.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{file_path}: model format {card.get('format_version')!r}, this package reads "
            f"{FORMAT_VERSION} (format 2 holds the level model and the relevance gate); it was "
            "NOT loaded. Retrain with this version (python experiments/train.py)"
        )
    libs = card.get("libraries", {})
    import sklearn

    built = str(libs.get("scikit-learn", ""))
    if built.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelError(
            f"{file_path}: built with scikit-learn {built}, this environment has "
            f"{sklearn.__version__}; install scikit-learn=={built} or retrain "
            "(python experiments/train.py)"
        )
    from tension.model._features import DyadFeaturizer

    names = card.get("signal_features")
    if names is not None:
        have = list(DyadFeaturizer().fit(None).get_feature_names_out())
        # models fitted before the share features (or with them off) name the rest only
        legacy = list(DyadFeaturizer(share_features=False).fit(None).get_feature_names_out())
        if list(names) not in (have, legacy):
            raise ModelError(
                f"{file_path}: the model's signal features differ from this package's taxonomy "
                f"({len(names)} vs {len(have)} features); retrain it with this version"
            )
