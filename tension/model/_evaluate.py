"""Honest evaluation: cross-validation grouped by episode, with baselines on the same folds.

Every figure the README quotes comes from here (through ``experiments/evaluate.py``):

* ``qwk``, ``spearman``, ``ece``, ``accuracy``, ``macro_f1``: the level of the gold pair's row
  (the level model's quality), out of fold;
* ``qwk_rank1``: the same but taking the article's rank-1 row (end to end: a wrong main pair
  counts with whatever level it got; an article with no pair counts as level 1);
* ``dyad_rank1``: share of articles with a gold pair whose rank-1 pair is that pair;
* ``nodyad_ok``: share of articles with no gold pair that get no pair or a rank-1 score < 25;
  ``neg_ok`` the same over the hard negatives proper (episodes ``neg-*``), gate applied;
* with ``subsets`` (named sets of article ids, e.g. a labelling round): ``<name>_qwk``,
  ``_ece``, ``_qwk_rank1``, ``_dyad_rank1``, ``_neg_ok`` and each baseline's ``_qwk`` on
  those articles alone, out of fold;
* the relevance gate, refitted inside each fold on that fold's training articles: the three
  rank-1 figures above apply it at ``params.relevance_threshold`` and, with
  ``params.relevance_keep_linked``, never to an article whose rank-1 pair a confident current
  force/coercion event links (``relevance_kept_linked`` counts them) (a gated article counts as
  level 1, a missed pair, and an ok no-dyad article); ``*_ungated`` are the same without it,
  ``relevance_auc`` its out-of-fold ROC AUC, ``relevance_lost`` the share of gold-pair
  articles it turns away. ``relevance_threshold_cv`` is the threshold that maximises
  ``nodyad_ok`` while losing at most ``MAX_LOST`` of them (``*_cv`` figures at it); since that
  is tuned on the same out-of-fold scores, ``nodyad_ok_cv_heldout`` re-picks it on the other
  folds for each fold, the honest figure for the tuning procedure;
* baselines on the same folds: ``majority`` (the training folds' most common level),
  ``gpr_keywords`` (Caldara-Iacoviello threat and act word groups counted per article, mapped
  to levels by a logistic regression) and ``tfidf_lr`` (TF-IDF of title and text, logistic
  regression: the bag of words an analyst would try first).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from tension.model._model import (
    LabelledArticle,
    ModelParams,
    TensionModel,
    bystander_rows,
    drop_wire_copies,
    firmly_linked_rows,
    fit_level,
    fit_relevance,
    gate_thresholds,
    gold_items,
    labelled_rows,
    relevance_rows,
)
from tension.model._rescore import FoldRescorer, has_signal_labels
from tension.model._score import Analysis, analyse, dyad_row

__all__ = [
    "EvalResult",
    "cross_validate",
    "evaluate_model",
    "metrics",
    "expected_calibration_error",
    "gpr_counts",
]

logger = logging.getLogger(__name__)
LEVELS = np.arange(5)
MAX_LOST = 0.015  # share of gold-pair articles the relevance gate may turn away


@dataclass
class EvalResult:
    metrics: dict[str, float]
    predictions: pd.DataFrame
    baselines: pd.DataFrame
    per_signal: pd.DataFrame
    confusion: np.ndarray
    reliability: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- metrics


def expected_calibration_error(proba: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    """Top-label ECE: |accuracy - confidence| averaged over equal-width confidence bins."""
    conf = proba.max(axis=1)
    pred = proba.argmax(axis=1)
    ece = 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            ece += m.mean() * abs((pred[m] == y[m]).mean() - conf[m].mean())
    return float(ece)


def reliability_table(proba: np.ndarray, y: np.ndarray, bins: int = 10) -> pd.DataFrame:
    conf = proba.max(axis=1)
    pred = proba.argmax(axis=1)
    edges = np.linspace(0.0, 1.0, bins + 1)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = (conf > lo) & (conf <= hi)
        rows.append(
            {
                "bin": f"{lo:.1f}-{hi:.1f}",
                "confidence": float(conf[m].mean()) if m.any() else np.nan,
                "accuracy": float((pred[m] == y[m]).mean()) if m.any() else np.nan,
                "count": int(m.sum()),
            }
        )
    return pd.DataFrame(rows)


def metrics(y: np.ndarray, proba: np.ndarray, level: np.ndarray | None = None) -> dict[str, float]:
    """QWK, Spearman (expected level), ECE, accuracy and macro-F1 of level predictions."""
    from scipy.stats import spearmanr
    from sklearn.metrics import cohen_kappa_score, f1_score

    level = proba.argmax(axis=1) if level is None else level
    expected = proba @ LEVELS
    rho = spearmanr(expected, y).statistic if len(set(y)) > 1 else np.nan
    return {
        "qwk": float(cohen_kappa_score(y, level, weights="quadratic", labels=list(LEVELS))),
        "spearman": float(rho),
        "ece": expected_calibration_error(proba, y),
        "accuracy": float((level == y).mean()),
        "macro_f1": float(
            f1_score(y, level, average="macro", labels=list(LEVELS), zero_division=0)
        ),
    }


# --------------------------------------------------------------------------- GPR baseline


@functools.cache
def _gpr_patterns() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]:
    text = resources.files("tension.data").joinpath("gpr_keywords.tsv").read_text("utf-8")
    out = []
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    header = lines[0].split("\t")
    if header != ["category", "group", "terms_a", "terms_b"]:
        raise ValueError(f"gpr_keywords.tsv: unexpected header {header}")
    for n, ln in enumerate(lines[1:], 2):
        cat, group, a, b = ln.split("\t")
        if group not in ("threat", "act"):
            raise ValueError(
                f"gpr_keywords.tsv: row {n}: group must be threat or act, got {group!r}"
            )

        out.append((group, _alternation(a), _alternation(b)))
    return tuple(out)


def _alternation(terms: str) -> re.Pattern[str]:
    parts = []
    for t in terms.split(";"):
        t = t.strip()
        stem = re.escape(t.rstrip("*"))
        parts.append(stem + (r"\w*" if t.endswith("*") else r"\b"))
    return re.compile(r"\b(?:" + "|".join(parts) + ")")


def gpr_counts(text: str) -> tuple[int, int]:
    """(threat, act) sentence counts of the GPR word groups in ``text``."""
    from tension.read._text import split_sentences

    low = text.lower()
    threat = act = 0
    for s, e in split_sentences(low):
        sent = low[s:e]
        for group, pa, pb in _gpr_patterns():
            if pa.search(sent) and pb.search(sent):
                if group == "threat":
                    threat += 1
                else:
                    act += 1
    return threat, act


def _baseline_probas(
    texts: list[str], y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> dict[str, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    out: dict[str, np.ndarray] = {}
    prior = np.bincount(y[train], minlength=5) / len(train)
    majority = np.zeros(5)
    majority[prior.argmax()] = 1.0
    out["majority"] = np.tile(majority * 0.5 + prior * 0.5, (len(test), 1))  # argmax = majority
    g = np.log1p(np.array([gpr_counts(texts[i]) for i in range(len(texts))], dtype=float))
    out["gpr_keywords"] = _full(LogisticRegression(max_iter=2000).fit(g[train], y[train]), g[test])
    tf = make_pipeline(
        TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2),
        LogisticRegression(C=10, max_iter=3000),
    ).fit([texts[i] for i in train], y[train])
    out["tfidf_lr"] = _full(tf, [texts[i] for i in test])
    return out


def _full(est: Any, X: Any) -> np.ndarray:
    p = est.predict_proba(X)
    out = np.zeros((p.shape[0], 5))
    for j, c in enumerate(est.classes_):
        out[:, int(c)] = p[:, j]
    return out


# --------------------------------------------------------------------------- evaluation


def _per_signal(items: Sequence[LabelledArticle], analyses: Sequence[Analysis]) -> pd.DataFrame:
    from tension.extract._signals import article_signals
    from tension.extract._taxonomy import load_taxonomy

    rows = []
    # Rule detections only (threshold 0): the shipped re-scorer was fitted on the shared news
    # set, so its threshold would score that set in-sample. experiments/evaluate_signals.py
    # gives the cross-validated figures with the re-scorer refitted per fold.
    pred_sets = [article_signals(an.events, threshold=0.0) for an in analyses]
    for s in load_taxonomy():
        tp = fp = fn = 0
        for item, pred in zip(items, pred_sets, strict=True):
            gold = s in item.signals
            got = s in pred
            tp += gold and got
            fp += got and not gold
            fn += gold and not got
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows.append({"signal": s, "precision": p, "recall": r, "f1": f, "support": tp + fn})
    return pd.DataFrame(rows)


def _rank1_level(model: TensionModel, an: Analysis) -> tuple[str, float, int]:
    """(rank-1 dyad, score, level) of one analysed article under ``model``."""
    from tension.model._score import dyad_rows

    rows = dyad_rows(an)
    if not rows or model.gated(pd.DataFrame(rows[:1]))[0]:
        return "", float("nan"), -1
    p = model.predict_proba(pd.DataFrame(rows[:1]))
    return rows[0]["dyad"], float(25 * (p[0] @ LEVELS)), int(model.level_from_proba(p)[0])


def cross_validate(
    items: Sequence[LabelledArticle],
    params: ModelParams | None = None,
    n_splits: int = 5,
    *,
    baselines: bool = True,
    subsets: Mapping[str, Collection[str]] | None = None,
    refit_rescorer: bool = False,
    detail: bool = False,
) -> EvalResult:
    """Out-of-fold predictions with folds grouped by episode; baselines on the same folds.

    ``subsets`` names sets of article ids (e.g. a labelling round) whose out-of-fold figures
    are also reported on their own, as ``<name>_<metric>`` (see :func:`_subset_figures`).

    ``refit_rescorer``: event confidences come from the extract layer's learned re-scorer,
    which was fitted on labelled news; when these items are that news, its confidences are
    in-sample and every feature built on them leaks the labels. With this flag the re-scorer
    is refitted inside each fold on the fold's training articles (as
    ``experiments/train_signal_rescorer.py`` fits it) and the test articles' confidences
    re-set from it; the training articles get out-of-fold ones within the fold when
    ``params.crossfit_confidences`` (as :func:`~tension.model._model.train` gives them),
    else that re-scorer's in-sample ones: the honest figure either way.

    ``detail``: ``extra["rank1"]`` gets, per article id, its out-of-fold rank-1 pair, score,
    level, P(bilateral), whether the gate turned it away, and the rank-1 pair's events with
    the confidences they had in its fold (:func:`_event_snapshot`), for failure analysis.
    """
    from sklearn.model_selection import GroupKFold

    params = params or ModelParams()
    items = drop_wire_copies(items)  # copies of one story count once, as in training
    analyses = [analyse(it.article) for it in items]
    groups = np.array([it.episode for it in items])
    gold_rows, y, _ = labelled_rows(items, analyses)
    idx = [int(i) for i in gold_items(items)]  # item index of each gold row
    texts = [f"{items[i].article.title or ''}\n{items[i].article.text}" for i in idx]
    proba = np.zeros((len(idx), 5))
    base: dict[str, np.ndarray] = {}
    rank1: dict[int, tuple[str, float, int]] = {}
    idx_arr = np.asarray(idx)
    fold_of = np.zeros(len(items), dtype=int)
    rel_rows, rel_y, rel_idx = relevance_rows(items, analyses)
    # the other scored pairs that no event links: trained on when the params say so, and
    # scored out of fold either way (how often does a bystander get a coercive level?)
    by_rows, by_idx = bystander_rows(items, analyses)
    by_proba = np.zeros((len(by_idx), 5))
    p_bil: dict[int, float] = {}  # out-of-fold P(bilateral) per item with a rank-1 row
    # items whose rank-1 pair a confident force/coercion event links: never gated
    linked: set[int] = set()
    snaps: dict[int, list[dict[str, Any]]] = {}
    rescorer = None
    if refit_rescorer and has_signal_labels(items):
        rescorer = FoldRescorer(items, analyses)
    splitter = GroupKFold(n_splits=min(n_splits, len(set(groups))))
    for k, (tr_items, te_items) in enumerate(splitter.split(np.zeros(len(items)), groups=groups)):
        fold_of[te_items] = k
        if rescorer is not None:
            # the fold's test articles: confidences from a re-scorer fitted on its training
            # articles; those training articles: out of fold within them (as train() does)
            rescorer.fit_apply(tr_items, te_items)
            if params.crossfit_confidences:
                rescorer.crossfit(tr_items, groups)
            else:
                rescorer.fit_apply(tr_items, tr_items)
        rel_tr, rel_te = np.isin(rel_idx, tr_items), np.isin(rel_idx, te_items)
        if params.relevance_keep_linked and rel_te.any():
            linked |= {int(i) for i in rel_idx[rel_te][firmly_linked_rows(rel_rows[rel_te])]}
        gate = fit_relevance(rel_rows[rel_tr], rel_y[rel_tr], params) if len(rel_y) else None
        if gate is not None and rel_te.any():
            gate_model = TensionModel(None, {"params": params.to_dict()}, gate)
            got = gate_model.p_bilateral(rel_rows[rel_te])
            p_bil.update({int(i): float(v) for i, v in zip(rel_idx[rel_te], got, strict=True)})
        tr = np.flatnonzero(np.isin(idx, tr_items))
        te = np.flatnonzero(np.isin(idx, te_items))
        te_items = [int(i) for i in te_items]
        if len(set(y[tr])) < 2:
            continue
        by_tr, by_te = np.isin(by_idx, tr_items), np.isin(by_idx, te_items)
        pipe = fit_level(gold_rows.iloc[tr], y[tr], params,
                         by_rows[by_tr] if by_tr.any() else None,
                         row_items=idx_arr[tr], bystander_items=by_idx[by_tr])
        model = TensionModel(pipe, {"params": params.to_dict(), "version": f"cv-fold-{k}"})
        if by_te.any():
            by_proba[by_te] = model.predict_proba(by_rows[by_te])
        if len(te):
            proba[te] = model.predict_proba(gold_rows.iloc[te])
            if baselines:
                for name, p in _baseline_probas(texts, y, tr, te).items():
                    base.setdefault(name, np.zeros((len(idx), 5)))[te] = p
        for i in te_items:
            rank1[int(i)] = _rank1_level(model, analyses[i])
            if detail:
                snaps[int(i)] = _event_snapshot(analyses[i], rank1[int(i)][0])
    if rescorer is not None:
        rescorer.restore()
    level = TensionModel(None, {"params": params.to_dict()}).level_from_proba(proba)
    m = metrics(y, proba, level)
    gold_key = {int(i): "-".join(items[i].dyad or ()) for i in idx}
    neg = [i for i, it in enumerate(items) if it.dyad is None]

    def figures(gated: set[int]) -> dict[str, float]:
        return _rank1_figures(rank1, gated, idx, y, gold_key, neg)

    # each rank-1 row's share of the threshold (1 from relevance_full_length characters on)
    scale = dict(zip(
        (int(i) for i in rel_idx),
        gate_thresholds(1.0, rel_rows["text"] if len(rel_rows) else [],
                        params.relevance_full_length),
        strict=True,
    ))

    def gated_at(t: float, among: Any = None) -> set[int]:
        return {
            i for i, v in p_bil.items()
            if v < t * scale[i] and i not in linked and (among is None or i in among)
        }

    m |= figures(gated_at(params.relevance_threshold))
    m |= {f"{k}_ungated": v for k, v in figures(set()).items() if k != "relevance_lost"}
    if p_bil:
        from sklearn.metrics import roc_auc_score

        keys = sorted(p_bil)
        truth = [int(items[i].dyad is not None) for i in keys]
        if len(set(truth)) == 2:
            m["relevance_auc"] = float(roc_auc_score(truth, [p_bil[i] for i in keys]))
        gold = {int(i) for i in idx}
        # P(bilateral) over the row's share of the threshold: compared with a threshold as is
        p_eff = {i: (1.0 if i in linked or scale[i] <= 0 else v / scale[i])
                 for i, v in p_bil.items()}
        best = _tune_threshold(p_eff, rank1, gold, neg, set(range(len(items))))
        m["relevance_threshold_cv"] = best
        m |= {f"{k}_cv": v for k, v in figures(gated_at(best)).items()}
        # honest figure for the tuning: each fold's threshold picked on the other folds
        held: set[int] = set()
        for k in sorted(set(fold_of.tolist())):
            others = set(np.flatnonzero(fold_of != k).tolist())
            t = _tune_threshold(p_eff, rank1, gold, neg, others)
            held |= gated_at(t, set(np.flatnonzero(fold_of == k).tolist()))
        m |= {f"{k}_cv_heldout": v for k, v in figures(held).items()}
    if len(by_idx):
        by_level = TensionModel(None, {"params": params.to_dict()}).level_from_proba(by_proba)
        m["bystander_level3plus"] = float(np.mean(by_level >= 3))
        m["bystander_score"] = float(np.mean(25 * (by_proba @ LEVELS)))
        m["n_bystander"] = float(len(by_idx))
    m["n"] = float(len(idx))
    m["n_nodyad"] = float(len(neg))
    # hard negatives proper (episodes "neg-*"): no pair, or a rank-1 score under 25
    hard = [i for i in neg if items[i].episode.startswith("neg-")]
    if hard:
        gated = gated_at(params.relevance_threshold)
        m["neg_ok"] = float(np.mean([
            i in gated or not rank1[i][0] or rank1[i][1] < 25 for i in hard
        ]))
        m["n_neg"] = float(len(hard))
    m["relevance_kept_linked"] = float(len(linked))
    for name, ids in (subsets or {}).items():
        m |= _subset_figures(name, set(ids), items, idx, y, proba, level, base, rank1,
                             gated_at(params.relevance_threshold), gold_key)
    preds = pd.DataFrame(
        {
            "article_id": [items[i].article.id for i in idx],
            "episode": groups[idx_arr],
            "fold": fold_of[idx_arr],
            "gold_level": y,
            "pred_level": level,
            **{f"p{k}": proba[:, k] for k in range(5)},
            "escalation_score": 25 * (proba @ LEVELS),
            "rank1_dyad": [rank1[int(i)][0] for i in idx],
            "gold_dyad": [gold_key[int(i)] for i in idx],
        }
    )
    table = [{"model": "tension", **{k: m[k] for k in ("qwk", "spearman", "ece", "accuracy")}}]
    for name, p in base.items():
        bm = metrics(y, p)
        table.append({"model": name, **{k: bm[k] for k in ("qwk", "spearman", "ece", "accuracy")}})
    from sklearn.metrics import confusion_matrix

    extra: dict[str, Any] = {}
    if detail:
        off = gated_at(params.relevance_threshold)
        extra["rank1"] = {
            items[i].article.id: {
                "episode": items[i].episode,
                "gold": "-".join(items[i].dyad or ()),
                "dyad": r[0], "score": r[1], "level": r[2],
                "p_bilateral": p_bil.get(i), "gated": i in off, "linked": i in linked,
                "events": snaps.get(i, []),
            }
            for i, r in rank1.items()
        }
    return EvalResult(
        metrics=m,
        predictions=preds,
        baselines=pd.DataFrame(table),
        per_signal=_per_signal(items, analyses),
        confusion=confusion_matrix(y, level, labels=list(LEVELS)),
        reliability=reliability_table(proba, y),
        extra=extra,
    )


def _event_snapshot(an: Analysis, dyad: str) -> list[dict[str, Any]]:
    """The events of the pair ``dyad`` ("AAA-BBB") as plain dicts, with the confidences they
    have now (inside a fold) and the contract's reasons for dropping each ([] = counted)."""
    from tension.model._features import drop_reasons, events_for_dyad, signal_threshold

    if not dyad:
        return []
    a, _, b = dyad.partition("-")
    t = signal_threshold()
    loose = {id(e): d for e, d in events_for_dyad(an.events, a, b)}
    return [
        {
            "signal": e.signal, "source": e.source, "target": e.target, "location": e.location,
            "modality": e.modality, "confidence": float(e.confidence), "weight": e.weight,
            "background": e.background, "time": e.time, "sentence_index": e.sentence_index,
            "sentence": e.sentence, "direction": loose.get(id(e), ""),
            "dropped": drop_reasons(e, a, b, t),
        }
        for e in an.events
    ]


def _subset_figures(
    name: str,
    ids: set[str],
    items: Sequence[LabelledArticle],
    idx: Sequence[int],
    y: np.ndarray,
    proba: np.ndarray,
    level: np.ndarray,
    base: dict[str, np.ndarray],
    rank1: dict[int, tuple[str, float, int]],
    gated: set[int],
    gold_key: dict[int, str],
) -> dict[str, float]:
    """Out-of-fold figures of the articles in ``ids``: ``<name>_qwk`` / ``_ece`` / ``_accuracy``
    (gold pair's row), ``_qwk_rank1`` and ``_dyad_rank1`` (rank-1 row, gate applied), each
    baseline's ``<name>_<baseline>_qwk``, and ``_neg_ok`` over its articles with no gold pair."""
    rows = [k for k, i in enumerate(idx) if items[i].article.id in ids]
    out: dict[str, float] = {f"{name}_n": float(len(rows))}
    if len(rows) > 1:
        sel = np.asarray(rows)
        got = metrics(y[sel], proba[sel], level[sel])
        out |= {f"{name}_{k}": got[k] for k in ("qwk", "ece", "accuracy")}
        for b, p in base.items():
            out[f"{name}_{b}_qwk"] = metrics(y[sel], p[sel])["qwk"]
        sub = [int(idx[k]) for k in rows]
        fig = _rank1_figures(rank1, gated, sub, y[sel], gold_key, [])
        out |= {f"{name}_{k}": v for k, v in fig.items() if k in ("qwk_rank1", "dyad_rank1")}
    neg = [i for i, it in enumerate(items) if it.dyad is None and it.article.id in ids]
    if neg:
        out[f"{name}_neg_ok"] = float(np.mean([
            i in gated or not rank1[i][0] or rank1[i][1] < 25 for i in neg
        ]))
    return out


def _rank1_figures(
    rank1: dict[int, tuple[str, float, int]],
    gated: set[int],
    idx: Sequence[int],
    y: np.ndarray,
    gold_key: dict[int, str],
    neg: Sequence[int],
) -> dict[str, float]:
    """qwk_rank1, dyad_rank1, nodyad_ok and relevance_lost when the articles in ``gated`` get
    the no-dyad row (as a missing pair: level 1, a miss, ok)."""
    from sklearn.metrics import cohen_kappa_score

    def got(i: int) -> tuple[str, float, int]:
        return ("", float("nan"), -1) if i in gated else rank1[i]

    # end to end: the rank-1 row's level; a missed pair or no pair counts as what it got
    r1 = np.array([got(int(i))[2] if got(int(i))[2] >= 0 else 1 for i in idx])
    out = {
        "qwk_rank1": float(cohen_kappa_score(y, r1, weights="quadratic", labels=list(LEVELS))),
        "dyad_rank1": float(np.mean([got(int(i))[0] == gold_key[int(i)] for i in idx])),
        "relevance_lost": float(np.mean([int(i) in gated for i in idx])) if len(idx) else 0.0,
    }
    if neg:
        out["nodyad_ok"] = float(np.mean([not got(i)[0] or got(i)[1] < 25 for i in neg]))
    return out


def _tune_threshold(
    p_bil: dict[int, float],
    rank1: dict[int, tuple[str, float, int]],
    gold: set[int],
    neg: Sequence[int],
    among: set[int],
    max_lost: float = MAX_LOST,
) -> float:
    """The P(bilateral) threshold, judged on the items in ``among`` only, that maximises
    nodyad_ok while turning away at most ``max_lost`` of the gold-pair articles (0.0 = off)."""
    n_gold = len(gold & among)
    # a no-dyad article is already ok when it has no pair or a rank-1 score under 25
    neg_open = [i for i in neg if i in among and rank1[i][0] and not rank1[i][1] < 25]
    best, best_fixed = 0.0, 0
    for t in sorted({v + 1e-9 for i, v in p_bil.items() if i in among}):
        lost = sum(1 for i in gold & among if p_bil.get(i, 1.0) < t)
        if n_gold and lost / n_gold > max_lost:
            break  # the loss only grows with the threshold
        fixed = sum(1 for i in neg_open if p_bil.get(i, 1.0) < t)
        if fixed > best_fixed:
            best, best_fixed = t, fixed
    return float(best)


def evaluate_model(model: TensionModel, items: Sequence[LabelledArticle]) -> EvalResult:
    """Metrics of a fitted model on held-out labelled articles (no refitting)."""
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    analyses = [analyse(it.article) for it in items]
    idx = [i for i, it in enumerate(items) if it.dyad is not None and it.level is not None]
    rows = []
    for i in idx:
        an, it = analyses[i], items[i]
        assert it.dyad is not None
        found = next((d for d in an.dyads if (d.actor_a, d.actor_b) == it.dyad), None)
        rows.append(dyad_row(an, it.dyad[0], it.dyad[1], found))
    y = np.array([items[i].level for i in idx], dtype=int)
    proba = model.predict_proba(pd.DataFrame(rows)) if rows else np.zeros((0, 5))
    level = model.level_from_proba(proba) if rows else np.zeros(0, dtype=int)
    m = metrics(y, proba, level) if rows else {}
    r1 = {i: _rank1_level(model, analyses[i]) for i in range(len(items))}
    if idx:
        r1_level = np.array([r1[i][2] if r1[i][2] >= 0 else 1 for i in idx])
        m["qwk_rank1"] = float(
            cohen_kappa_score(y, r1_level, weights="quadratic", labels=list(LEVELS))
        )
        m["dyad_rank1"] = float(np.mean([r1[i][0] == "-".join(items[i].dyad or ()) for i in idx]))
    neg = [i for i, it in enumerate(items) if it.dyad is None]
    if neg:
        m["nodyad_ok"] = float(np.mean([not r1[i][0] or r1[i][1] < 25 for i in neg]))
    m["n"] = float(len(idx))
    preds = pd.DataFrame(
        {
            "article_id": [items[i].article.id for i in idx],
            "episode": [items[i].episode for i in idx],
            "gold_level": y,
            "pred_level": level,
            **{f"p{k}": proba[:, k] for k in range(5)},
            "escalation_score": 25 * (proba @ LEVELS),
        }
    )
    return EvalResult(
        metrics=m,
        predictions=preds,
        baselines=pd.DataFrame(
            [{"model": "tension", **{k: m.get(k) for k in ("qwk", "spearman", "ece", "accuracy")}}]
        ),
        per_signal=_per_signal(items, analyses),
        confusion=confusion_matrix(y, level, labels=list(LEVELS)),
        reliability=reliability_table(proba, y),
    )
