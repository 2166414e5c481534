"""Learned CAMEO quad class of a sentence, as a CAMEO coder would give it.

Events carry the quad class of their signal (``tension/data/signals.csv``). That is not what a
GDELT-style coder gives a sentence: on ConfliBERT's PentaClass sentences a third carry none of
the 24 signals (praise, arrests, demands, investigations...), and where an event does fire its
class agrees with the coders on about two sentences in five. So the quad class of a sentence is
learned here: a linear SVM (one class against the rest) over TF-IDF-weighted word (1-2) and
character (2-5, inside word boundaries) n-grams, its margins turned into probabilities by a
softmax with a fitted temperature; trained by ``experiments/train_quad_classifier.py``.

The n-grams are hashed (scikit-learn's ``HashingVectorizer``): the artifact
(``tension/data/quad_sentence.joblib``) holds no vocabulary, only the idf and the weights of the
hashed columns seen in training, so none of the training text ships. Training and scoring build
their features with the same functions below.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from tension._types import QUAD_CLASSES, ModelError, QuadPrediction

__all__ = ["quad_class", "quad_classes", "sentence_quads", "load_quad_model", "prepare", "fit",
           "to_artifact", "hashed_counts", "rows_of", "idf_of", "tfidf", "design", "softmax",
           "N_FEATURES", "ARTIFACT", "CLASSES", "BLOCKS", "MIN_DF"]

log = logging.getLogger(__name__)

ARTIFACT = "quad_sentence.joblib"
N_FEATURES = 2**18
# QUAD_CLASSES is in PentaClass order: its labels 0-4 index it
CLASSES = QUAD_CLASSES
BLOCKS = ("word", "char")
_N_TERMS = 5


@functools.cache
def _vectorizers() -> dict[str, Any]:
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": N_FEATURES, "alternate_sign": False, "norm": None}
    return {
        "word": HashingVectorizer(ngram_range=(1, 2), **common),
        "char": HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common),
    }


def hashed_counts(texts: Sequence[str], blocks: Sequence[str] = BLOCKS) -> dict[str, Any]:
    """Raw n-gram counts of each text by block (CSR, ``N_FEATURES`` hashed columns)."""
    vecs = _vectorizers()
    return {b: vecs[b].transform(texts).tocsr() for b in blocks}


def idf_of(counts: Any, min_df: int) -> np.ndarray:
    """Smoothed idf (scikit-learn's formula) of every column; 0 for columns seen in fewer than
    ``min_df`` texts, which drops them."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
    idf[df < min_df] = 0.0
    return idf


def tfidf(counts: Any, idf: np.ndarray) -> Any:
    """Sublinear tf x idf, each row scaled to unit length (TfidfVectorizer's defaults with
    ``sublinear_tf=True``)."""
    from scipy.sparse import csr_matrix

    x = csr_matrix(counts, dtype=np.float64, copy=True)
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    sq = np.bincount(np.repeat(np.arange(x.shape[0]), np.diff(x.indptr)),
                     weights=x.data * x.data, minlength=x.shape[0])
    norm = np.sqrt(sq)
    norm[norm == 0] = 1.0
    x.data /= np.repeat(norm, np.diff(x.indptr))
    x.eliminate_zeros()
    return x


def rows_of(counts: dict[str, Any], idx: np.ndarray) -> dict[str, Any]:
    """The rows ``idx`` of every block (a fold of ``hashed_counts``)."""
    return {b: m[idx] for b, m in counts.items()}


def design(counts: dict[str, Any], idfs: dict[str, np.ndarray]) -> Any:
    """The model's input: its blocks side by side, in ``idfs`` order."""
    from scipy.sparse import hstack

    return hstack([tfidf(counts[b], idf) for b, idf in idfs.items()]).tocsr()


MIN_DF = {"word": 1, "char": 2}  # a character n-gram seen in one sentence only is noise


def fit(counts: dict[str, Any], y: np.ndarray, C: float = 3.0) -> tuple[Any, dict[str, Any]]:
    """Train on the blocks of ``counts`` (``hashed_counts``; their order is the design's) and
    labels 0-4 (``CLASSES`` order). Returns the fitted linear SVM, with ``temperature_`` set,
    and the idf of each block.

    A linear SVM beat logistic regression by 0.015 macro-F1 in CV on the CAMEO sentences; its
    margins become probabilities through a softmax whose temperature is fitted to
    out-of-fold margins of the training set (so the probabilities are calibrated, not
    the SVM's raw scale)."""
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    labels, per_label = np.unique(y, return_counts=True)
    if len(labels) < 3:  # below three, LinearSVC's margins are one column, not one per class
        raise ModelError(f"the quad classifier needs at least three classes, got {list(labels)}")
    idfs = {b: idf_of(m, MIN_DF[b]) for b, m in counts.items()}
    x = design(counts, idfs)
    clf = LinearSVC(C=C, random_state=0).fit(x, y)
    n_folds = int(min(5, per_label.min()))
    if n_folds >= 2:
        margins = np.zeros((len(y), len(labels)))
        # by hand, not CalibratedClassifierCV(method="temperature") as the escalation model
        # does: that would hold out rows of one fixed design, and the idf must be refitted on
        # each fold's training rows as well
        for tr, te in StratifiedKFold(n_folds, shuffle=True, random_state=0).split(x, y):
            inner_idf = {b: idf_of(m, MIN_DF[b]) for b, m in rows_of(counts, tr).items()}
            inner = LinearSVC(C=C, random_state=0).fit(design(rows_of(counts, tr), inner_idf),
                                                       y[tr])
            margins[te] = inner.decision_function(design(rows_of(counts, te), inner_idf))
        clf.temperature_ = _fit_temperature(margins, np.searchsorted(labels, y))
    else:  # too few examples of a class to hold any out
        clf.temperature_ = 1.0
    return clf, idfs


def softmax(margins: np.ndarray, temperature: float) -> np.ndarray:
    """Class probabilities from the SVM's margins (rows) at ``temperature``."""
    z = margins / temperature
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return np.asarray(p / p.sum(axis=1, keepdims=True))


def _fit_temperature(margins: np.ndarray, y: np.ndarray) -> float:
    """The temperature that minimises the log loss of ``softmax(margins / t)`` (log-spaced
    grid, then refined; a single parameter needs no optimiser)."""
    rows = np.arange(len(y))

    def nll(t: float) -> float:
        return float(-np.mean(np.log(softmax(margins, t)[rows, y] + 1e-12)))

    grid = np.geomspace(0.02, 5.0, 60)
    best = min(grid, key=nll)
    fine = np.linspace(best / 1.15, best * 1.15, 21)
    return float(min(fine, key=nll))


def to_artifact(clf: Any, idfs: dict[str, np.ndarray], **info: Any) -> dict[str, Any]:
    """The artifact of a fitted model: per block, only the columns seen in training (their
    idf and weights); ``info`` (C, data, CV figures) is stored beside them."""
    if list(clf.classes_) != list(range(len(CLASSES))):
        raise ModelError(f"the quad classifier needs labels 0-{len(CLASSES) - 1}, "
                         f"got {list(clf.classes_)}")
    art: dict[str, Any] = {"n_features": N_FEATURES, "classes": tuple(CLASSES),
                           "blocks": tuple(idfs), "temperature": float(clf.temperature_),
                           "intercept": clf.intercept_.astype(np.float64), **info}
    for k, (b, idf) in enumerate(idfs.items()):
        cols = np.flatnonzero(idf)
        art[f"{b}_cols"] = cols.astype(np.int32)
        art[f"{b}_idf"] = idf[cols]
        art[f"{b}_coef"] = clf.coef_[:, k * N_FEATURES + cols]
    return art


@functools.cache
def load_quad_model() -> dict[str, Any] | None:
    """The shipped artifact, with dense idf and weight arrays rebuilt, or None if absent."""
    ref = resources.files("tension").joinpath("data", ARTIFACT)
    if not ref.is_file():
        return None
    import joblib

    with resources.as_file(ref) as path:
        return prepare(joblib.load(path))


def prepare(art: Any) -> dict[str, Any] | None:
    """An artifact (``to_artifact``) made ready to score, or None (logged) if it does not fit
    this version."""
    if (not isinstance(art, dict) or art.get("n_features") != N_FEATURES
            or tuple(art.get("classes", ())) != CLASSES or "temperature" not in art
            or not set(art.get("blocks", ())) <= set(BLOCKS)):
        log.warning("%s does not match this version of tension; ignoring it", ARTIFACT)
        return None
    idfs: dict[str, np.ndarray] = {}
    coefs = []
    for b in art["blocks"]:
        cols = np.asarray(art[f"{b}_cols"], dtype=np.int64)
        idf = np.zeros(N_FEATURES)
        idf[cols] = art[f"{b}_idf"]
        idfs[b] = idf
        coef = np.zeros((len(CLASSES), N_FEATURES))
        coef[:, cols] = art[f"{b}_coef"]
        coefs.append(coef)
    # columns x classes, contiguous: the product with a sparse row reads it without a copy
    coef_t = np.ascontiguousarray(np.hstack(coefs).T)
    return {**art, "idfs": idfs, "coef_t": coef_t,
            "intercept_arr": np.asarray(art["intercept"], dtype=np.float64)}


def _require_model() -> dict[str, Any]:
    model = load_quad_model()
    if model is None:
        raise ModelError(f"tension/data/{ARTIFACT} is missing or does not fit this version "
                         "of tension: retrain it with experiments/train_quad_classifier.py")
    return model


def quad_classes(texts: Sequence[str], model: dict[str, Any] | None = None) -> np.ndarray:
    """Probabilities (n x 5, columns in ``CLASSES`` order) for many sentences at once, by the
    shipped model or ``model`` (``prepare``).

    A text with no n-gram the model knows (blank, or only unseen symbols) has no act to code:
    it is ``statement`` with probability 1, not the SVM's intercepts, which are no base rate."""
    model = model or _require_model()
    if not len(texts):
        return np.zeros((0, len(CLASSES)))
    x = design(hashed_counts(list(texts), model["blocks"]), model["idfs"])
    margins = np.asarray(x @ model["coef_t"]) + model["intercept_arr"]
    probs = softmax(margins, model["temperature"])
    empty = np.diff(x.indptr) == 0
    if empty.any():
        probs[empty] = 0.0
        probs[empty, CLASSES.index("statement")] = 1.0
    return probs


def sentence_quads(sentences: Sequence[str]) -> dict[str, tuple[str, float]]:
    """The learned class and its probability of each distinct sentence (one batch), or nothing
    when the model does not ship (``tension explain``, ``tension signals --quad``)."""
    distinct = list(dict.fromkeys(sentences))
    if not distinct or load_quad_model() is None:
        return {}
    probs = quad_classes(distinct)
    best = probs.argmax(axis=1).tolist()
    return {s: (CLASSES[k], float(probs[i, k])) for i, (s, k) in enumerate(
        zip(distinct, best, strict=True))}


def quad_class(text: str) -> QuadPrediction:
    """CAMEO quad class of one sentence (``statement``, ``verbal_cooperation``,
    ``material_cooperation``, ``verbal_conflict`` or ``material_conflict``), learned from
    ConfliBERT's PentaClass sentences, with its probabilities and the word n-grams of the text
    that pushed most toward it.

    The model was trained on single sentences: for an article, classify its sentences (each
    :class:`Event` carries its ``sentence``)."""
    if not isinstance(text, str):
        raise TypeError(f"quad_class expects a str, got {type(text).__name__}")
    model = _require_model()
    probs = quad_classes([text], model)[0]
    k = int(np.argmax(probs))
    return QuadPrediction(
        label=CLASSES[k],
        probabilities={c: round(float(p), 4) for c, p in zip(CLASSES, probs, strict=True)},
        terms=_terms(text, k, model),
    )


@functools.cache
def _word_grams() -> tuple[Any, Any]:
    """The word block's analyzer, and a hasher that maps one n-gram to its column (the
    HashingVectorizer hashes through a FeatureHasher like it: the same columns)."""
    from sklearn.feature_extraction import FeatureHasher

    hasher = FeatureHasher(N_FEATURES, input_type="string", alternate_sign=False)
    return _vectorizers()["word"].build_analyzer(), hasher


def _terms(text: str, k: int, model: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    """Word n-grams of ``text`` by their contribution to class ``k`` against the mean of the
    classes (tf-idf value x weight margin), strongest first, positive ones only. Each n-gram
    gets its own value, also where two share a hashed column."""
    if model["blocks"][0] != "word":
        return ()
    analyzer, hasher = _word_grams()
    counts: dict[str, int] = {}
    for g in analyzer(text):
        counts[g] = counts.get(g, 0) + 1
    if not counts:
        return ()
    cols = hasher.transform([[g] for g in counts]).tocsr().indices.tolist()
    idf = model["idfs"]["word"]
    coef = model["coef_t"]  # word columns come first
    vals = [((1.0 + math.log(c)) * idf[col], col) for c, col in zip(counts.values(), cols,
                                                                       strict=True)]
    norm = math.sqrt(sum(v * v for v, _ in vals)) or 1.0
    out = []
    for g, (v, col) in zip(counts, vals, strict=True):
        contrib = v / norm * (coef[col, k] - coef[col].mean())
        if contrib > 0:
            out.append((g, round(float(contrib), 4)))
    out.sort(key=lambda t: -t[1])
    return tuple(out[:_N_TERMS])
