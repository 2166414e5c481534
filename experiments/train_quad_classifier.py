"""Train the learned sentence quad classifier shipped as tension/data/quad_sentence.joblib.

    .venv/bin/python experiments/train_quad_classifier.py [--shared ../shared] [--C 30]
        [--out tension/data]

Data: ConfliBERT's PentaClass sentences (../shared/data/external/conflibert_cameo_pentaclass/
cameo_class_train.tsv; 5 classes, statement = 0). Features and model are
tension.extract._quad's (hashed word 1-2 and char 2-5 n-grams, TF-IDF, linear SVM with
temperature-scaled softmax). Reports 5-fold stratified cross-validated macro-F1 (the sentences
carry no story or episode id to group by;
ConfliBERT's own figure, 0.879, is on its held-out test split, which is not here), the same
folds for our extractor's event-derived quad class, and, out of distribution, the model
trained on all of them against the 144 sentences of ConfliBERT's annotator-training rounds
(cameo_conflibert_multirater; none is in the training file) beside a coder's agreement with
the other coders there; logs all to mlflow (experiment "tension-signals", run
"train_quad_classifier"). The artifact keeps only the hashed columns
seen in training, so no training text ships.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
from pathlib import Path

import numpy as np

from tension.extract._quad import (
    ARTIFACT,
    BLOCKS,
    CLASSES,
    MIN_DF,
    N_FEATURES,
    design,
    fit,
    hashed_counts,
    rows_of,
    softmax,
    to_artifact,
)

log = logging.getLogger("train_quad_classifier")
ROOT = Path(__file__).resolve().parents[1]


def load_pentaclass(shared: Path) -> tuple[list[str], np.ndarray]:
    path = shared / "data" / "external" / "conflibert_cameo_pentaclass" / "cameo_class_train.tsv"
    sents, y = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) >= 2 and row[-1].strip().isdigit():
                sents.append(row[0])
                y.append(int(row[-1]))
    return sents, np.asarray(y)


def load_multirater(shared: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The 144 sentences of ConfliBERT's annotator-training rounds with their pooled majority
    PentaClass (none of them is in the PentaClass file), and each coder's first-action class
    against the majority of the other coders of the same sentence, as (truth, coder) pairs
    stacked in the third array (ties among the others left out): a human ceiling."""
    base = shared / "data" / "external" / "cameo_conflibert_multirater"
    with (base / "cameo_action1_by_sentence.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sents = [r["sentence"] for r in rows]
    y = np.asarray([int(r["pentaclass_of_majority"]) for r in rows])
    votes: dict[str, list[int]] = {}
    with (base / "cameo_annotation_rounds_long.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["action_idx"] == "1" and r["cameo_root"]:
                votes.setdefault(r["sentence"], []).append(int(r["cameo_root"].split("-")[0]))
    pairs = []
    for vs in votes.values():
        for i, v in enumerate(vs):
            others = np.bincount(vs[:i] + vs[i + 1:], minlength=len(CLASSES))
            if others.sum() and (others == others.max()).sum() == 1:
                pairs.append((int(others.argmax()), v))
    return sents, y, np.asarray(pairs).reshape(-1, 2)


def cross_validate(sents: list[str], y: np.ndarray, C: float, blocks: tuple[str, ...] = BLOCKS,
                   seed: int = 0) -> np.ndarray:
    """Out-of-fold probabilities (5-fold stratified)."""
    from sklearn.model_selection import StratifiedKFold

    counts = hashed_counts(sents, blocks)
    probs = np.zeros((len(y), len(CLASSES)))
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(sents, y):
        clf, idfs = fit(rows_of(counts, tr), y[tr], C)
        probs[te] = softmax(clf.decision_function(design(rows_of(counts, te), idfs)),
                            clf.temperature_)
    return probs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "tension" / "data")
    ap.add_argument("--C", type=float, default=3.0)
    ap.add_argument("--blocks", default="word,char",
                    help="n-gram blocks, in order: word (1-2), char (2-5); default word,char")
    args = ap.parse_args()
    blocks = tuple(args.blocks.split(","))
    if not blocks or not set(blocks) <= set(BLOCKS):
        ap.error(f"--blocks: choose from {','.join(BLOCKS)}")
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import joblib
    import mlflow
    from sklearn.metrics import classification_report, f1_score, log_loss

    from tension._types import Article
    from tension.extract._signals import extract_signals, text_quad_class

    sents, y = load_pentaclass(args.shared)
    probs = cross_validate(sents, y, args.C, blocks)
    pred = probs.argmax(axis=1)
    events_pred = np.asarray([
        CLASSES.index(text_quad_class(extract_signals(Article(id=str(i), text=s, raw_text=s))))
        for i, s in enumerate(sents)])
    fired = events_pred != 0
    conf = probs.max(axis=1)
    bins = np.minimum((conf * 10).astype(int), 9)
    ece = sum(abs(np.mean(pred[bins == b] == y[bins == b]) - conf[bins == b].mean())
              * np.mean(bins == b) for b in range(10) if np.any(bins == b))
    cv = {
        "cv_macro_f1": float(f1_score(y, pred, average="macro")),
        "cv_accuracy": float(np.mean(pred == y)),
        "cv_log_loss": float(log_loss(y, probs, labels=list(range(len(CLASSES))))),
        "cv_ece": float(ece),
        "events_macro_f1": float(f1_score(y, events_pred, average="macro")),
        "events_fire_share": float(np.mean(fired)),
        "events_agree_where_fired": float(np.mean(events_pred[fired] == y[fired])),
    }
    report = classification_report(y, pred, target_names=list(CLASSES), digits=3)
    log.info("5-fold stratified CV, %d sentences, C=%g, blocks %s\n%s", len(y), args.C,
             args.blocks, report)
    log.info("| quad class of a sentence | macro-F1 |\n|---|---|\n"
             "| learned (tension.quad_class), CV | %.3f |\n"
             "| from the extracted events (text_quad_class) | %.3f |\n"
             "| ConfliBERT (published, its own test split) | 0.879 |",
             cv["cv_macro_f1"], cv["events_macro_f1"])
    log.info("CV log loss %.3f, top-label ECE %.3f (10 bins)", cv["cv_log_loss"], cv["cv_ece"])
    log.info("events fire on %.1f%% of the sentences and agree with the coded class on %.1f%% "
             "of those", 100 * cv["events_fire_share"], 100 * cv["events_agree_where_fired"])

    clf, idfs = fit(hashed_counts(sents, blocks), y, args.C)
    art = to_artifact(clf, idfs, C=args.C, **cv, trained_on=(
        f"conflibert_cameo_pentaclass/cameo_class_train.tsv ({len(y)} sentences)"))
    args.out.mkdir(parents=True, exist_ok=True)
    tmp = args.out / (ARTIFACT + ".tmp")
    joblib.dump(art, tmp, compress=3)
    tmp.replace(args.out / ARTIFACT)
    log.info("wrote %s (%.0f KB)", args.out / ARTIFACT, (args.out / ARTIFACT).stat().st_size / 1e3)

    # out of distribution: sentences from the coders' training rounds (mostly domestic crime and
    # politics), scored by the model just trained on every PentaClass sentence
    from tension.extract._quad import prepare, quad_classes

    m_sents, m_y, human = load_multirater(args.shared)
    m_pred = quad_classes(m_sents, prepare(art)).argmax(axis=1)
    m_ev = np.asarray([
        CLASSES.index(text_quad_class(extract_signals(Article(id=str(i), text=s, raw_text=s))))
        for i, s in enumerate(m_sents)])
    cv.update({
        "multirater_accuracy": float(np.mean(m_pred == m_y)),
        "multirater_macro_f1": float(f1_score(m_y, m_pred, average="macro")),
        "multirater_events_accuracy": float(np.mean(m_ev == m_y)),
        "multirater_events_macro_f1": float(f1_score(m_y, m_ev, average="macro")),
        "multirater_human_accuracy": float(np.mean(human[:, 0] == human[:, 1])),
        "multirater_human_macro_f1": float(f1_score(human[:, 0], human[:, 1],
                                                    average="macro")),
    })
    log.info("out of distribution, %d sentences of the coders' training rounds (majority "
             "class): learned accuracy %.3f, macro-F1 %.3f; from the events %.3f, %.3f; one "
             "coder against the others' majority (%d votes) %.3f, %.3f", len(m_y),
             cv["multirater_accuracy"], cv["multirater_macro_f1"],
             cv["multirater_events_accuracy"], cv["multirater_events_macro_f1"], len(human),
             cv["multirater_human_accuracy"], cv["multirater_human_macro_f1"])

    mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
    mlflow.set_experiment("tension-signals")
    with mlflow.start_run(run_name="train_quad_classifier"):
        mlflow.log_params({"C": args.C, "n_features": N_FEATURES, "blocks": args.blocks,
                           "word_ngrams": "1-2", "char_wb_ngrams": "2-5",
                           "min_df": json.dumps(MIN_DF),
                           "cv": "StratifiedKFold(5, shuffle, seed 0)"})
        mlflow.log_metrics({f"quad_{k}": v for k, v in cv.items()})
        mlflow.log_text(report, "classification_report.txt")


if __name__ == "__main__":
    main()
