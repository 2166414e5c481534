"""Learned re-scorer: the probability that a rule candidate is a real, current signal.

The rules (``tension._signals``) are tuned for recall; this logistic regression turns each
candidate event into a calibrated confidence from what an analyst would look at: the signal and
its cue, the modality, whether actors were found, where in the article it sits, how often the
article repeats it, and the words of its sentence (all conjoined with the signal, so it is in
effect one small model per signal). Features are hashed (no vocabulary to store) and scoring is a
dot product done here by hand, so it costs microseconds per event.

Training (``experiments/train_signal_rescorer.py``) labels a candidate positive when the article's
gold label set in ``../shared/data/news/train.jsonl`` has its signal and the candidate counts as
current (asserted/claimed, not background). The artifact is ``tension/data/signal_rescorer.joblib``;
without it confidences stay the rule priors.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources
from typing import Any

import numpy as np

from tension._types import Article, Event

__all__ = ["rescore", "event_features", "featurize", "load_rescorer", "N_FEATURES",
           "ARTIFACT"]

log = logging.getLogger(__name__)

N_FEATURES = 2**18
ARTIFACT = "signal_rescorer.joblib"
_WORD = re.compile(r"[a-z][a-z'\-]*")


def _bucket(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def event_features(e: Event, n_same: int, n_sentences: int) -> dict[str, float]:
    """Sparse features of one candidate (every name prefixed by its signal)."""
    s = e.signal
    f: dict[str, float] = {
        f"{s}": 1.0,
        f"{s}|cue={e.extra.get('cue', '')}": 1.0,
        f"{s}|mod={e.modality}": 1.0,
        f"{s}|bg={e.background}": 1.0,
        f"{s}|src={e.source is not None}|tgt={e.target is not None}": 1.0,
        f"{s}|pos={_bucket(e.sentence_index, (0, 1, 3, 6, 10))}": 1.0,
        f"{s}|n={_bucket(n_same, (1, 2, 3, 5))}": 1.0,
        f"{s}|third={bool(e.third_parties)}": 1.0,
        f"{s}|casualties={e.casualties is not None}": 1.0,
        f"{s}|speaker={e.speaker is not None}": 1.0,
        f"{s}|rel={_bucket(int(10 * e.sentence_index / max(1, n_sentences)), (1, 3, 6))}": 1.0,
    }
    words = _WORD.findall(e.sentence.lower())
    for w in set(words):
        f[f"{s}|w={w}"] = 1.0
    for a, b in set(zip(words, words[1:], strict=False)):
        f[f"{s}|b={a}_{b}"] = 1.0
    return f


def featurize(events: Sequence[Event]) -> list[dict[str, float]]:
    counts = Counter(e.signal for e in events)
    n_sent = 1 + max((e.sentence_index for e in events), default=0)
    return [event_features(e, counts[e.signal], n_sent) for e in events]


@functools.cache
def _hash(key: str) -> int:
    from sklearn.utils import murmurhash3_32

    return abs(int(murmurhash3_32(key, seed=0))) % N_FEATURES


@functools.cache
def load_rescorer() -> dict[str, Any] | None:
    """The shipped artifact ({"coef", "intercept", "threshold", ...}) or None."""
    ref = resources.files("tension").joinpath("data", ARTIFACT)
    if not ref.is_file():
        log.info("no %s: event confidences are rule priors", ARTIFACT)
        return None
    import joblib

    with resources.as_file(ref) as path:
        art = joblib.load(path)
    if not isinstance(art, dict) or art.get("n_features") != N_FEATURES:
        log.warning("%s does not match this version; ignoring it", ARTIFACT)
        return None
    art["coef"] = np.asarray(art["coef"], dtype=np.float64)
    return art


def score(feats: Iterable[dict[str, float]], art: dict[str, Any]) -> list[float]:
    coef = art["coef"]
    b = float(art["intercept"])
    out = []
    for f in feats:
        idx = np.fromiter((_hash(k) for k in f), dtype=np.int64, count=len(f))
        vals = np.fromiter(f.values(), dtype=np.float64, count=len(f))
        z = b + float(coef[idx] @ vals)
        out.append(1.0 / (1.0 + np.exp(-z)))
    return out


def rescore(article: Article, events: list[Event]) -> list[Event]:
    """Events with ``confidence`` replaced by the learned probability (if a model ships)."""
    art = load_rescorer()
    if art is None or not events:
        return events
    probs = score(featurize(events), art)
    return [
        replace(e, confidence=round(float(p), 4), extra={**e.extra, "prior": e.confidence})
        for e, p in zip(events, probs, strict=True)
    ]
