"""Learned re-scorer: the probability that a rule candidate is a real, current signal.

The rules (``tension.extract._signals``) are tuned for recall; this logistic regression turns each
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
import operator
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from typing import Any

import numpy as np

from tension._types import Article, Event

__all__ = ["rescore", "feature_indices", "design_matrix", "load_rescorer", "N_FEATURES",
           "ARTIFACT", "cue_key", "cue_counts", "shrink_to_prior", "PRIOR_WEIGHT", "labelled",
           "final_confidence", "is_firm_act", "mark_named", "FIRM_PRIOR"]

log = logging.getLogger(__name__)

N_FEATURES = 2**18
ARTIFACT = "signal_rescorer.joblib"
_WORD = re.compile(r"[a-z][a-z'\-]*")


def _bucket(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


# ``_bucket`` of 0..20 as lists: a lookup per event instead of a loop (other values use it)
_POS_EDGES, _SAME_EDGES, _REL_EDGES, _STATES_EDGES = (
    (0, 1, 3, 6, 10),
    (1, 2, 3, 5),
    (1, 3, 6),
    (0, 1, 2, 4),
)
_POS, _SAME, _REL, _STATES = (
    [_bucket(i, edges) for i in range(21)]
    for edges in (_POS_EDGES, _SAME_EDGES, _REL_EDGES, _STATES_EDGES)
)


def _structural_key(
    e: Event,
    n_same: int,
    n_sentences: int,
    main_pair: frozenset[str],
    n_states: int,
) -> tuple[Any, ...]:
    """What the non-lexical features of one candidate depend on (few distinct values, so the
    hashed names can be cached per key)."""
    pair = {e.source, e.target} - {None}
    main = "both" if pair and pair == main_pair else str(len(pair & main_pair))
    i = e.sentence_index
    rel = int(10 * i / max(1, n_sentences))
    return (
        e.signal,
        e.extra.get("cue", ""),
        e.modality,
        e.background,
        e.source is not None,
        e.target is not None,
        _POS[i] if 0 <= i <= 20 else _bucket(i, _POS_EDGES),
        _SAME[n_same] if 0 <= n_same <= 20 else _bucket(n_same, _SAME_EDGES),
        bool(e.third_parties),
        e.casualties is not None,
        e.speaker is not None,
        _REL[rel] if 0 <= rel <= 20 else _bucket(rel, _REL_EDGES),
        main,
        _STATES[n_states] if 0 <= n_states <= 20 else _bucket(n_states, _STATES_EDGES),
    )


def _structural_names(key: tuple[Any, ...]) -> list[str]:
    """Names of the non-lexical features of a candidate (each prefixed by its signal)."""
    s, cue, mod, bg, src, tgt, pos, n_same, third, cas, spk, rel, main, nstates = key
    return [
        s,
        f"{s}|cue={cue}",
        f"{s}|mod={mod}",
        f"{s}|bg={bg}",
        f"{s}|src={src}|tgt={tgt}",
        f"{s}|pos={pos}",
        f"{s}|n={n_same}",
        f"{s}|third={third}",
        f"{s}|casualties={cas}",
        f"{s}|speaker={spk}",
        f"{s}|rel={rel}",
        # gold labels describe the article's main pair only: is this event about it?
        f"{s}|main={main}",
        f"{s}|nstates={nstates}",
    ]


@functools.lru_cache(maxsize=65536)
def _structural_hashes(key: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(map(_hash, _structural_names(key)))


def _structural(
    e: Event,
    n_same: int,
    n_sentences: int,
    others: Iterable[str],
    main_pair: frozenset[str],
    n_states: int,
) -> list[str]:
    """Names of the non-lexical features of one candidate (each prefixed by its signal)."""
    names = _structural_names(_structural_key(e, n_same, n_sentences, main_pair, n_states))
    names.extend(_co_occurring(e.signal, others))
    return names


def _co_occurring(s: str, others: Iterable[str]) -> list[str]:
    """The other signals of the article, conjoined with this one (same for every ``s`` event)."""
    return [f"{s}|co={o}" for o in others if o != s]


# bounded caches: the keys of _word_hash are the words of real news, whose vocabulary keeps
# growing with the stream (unbounded, the two caches held ~0.4 MB per 1,000 articles)
def _murmur(key: str) -> int:
    from sklearn.utils import murmurhash3_32  # imported on first use: import tension stays cheap

    return int(murmurhash3_32(key, seed=0, positive=True))


@functools.lru_cache(maxsize=1 << 16)
def _hash(key: str) -> int:
    return _murmur(key)


def _sentence_hashes(sentence: str) -> list[int]:
    """Sorted distinct hashes of the words and word bigrams of a sentence (signal-free;
    conjoined later)."""
    hw = list(map(_word_hash, _WORD.findall(sentence.lower())))
    # hashes are below 2**32, so the product stays below 2**64 and Python ints give the same
    # values as uint64 arithmetic; a sorted set is np.unique without the array overheads
    bi = [(a * 1000003) ^ b for a, b in zip(hw, hw[1:], strict=False)]
    return sorted({*hw, *bi})


@functools.lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    return _murmur("w=" + word)


def feature_indices(events: Sequence[Event]) -> list[np.ndarray]:
    """Hashed feature indices (all values 1) of each candidate; training and scoring share it."""
    if not events:
        return []
    counts = Counter(e.signal for e in events)
    n_sent = 1 + max(e.sentence_index for e in events)
    present = sorted({e.signal for e in events if not e.background})
    actors = Counter(c for e in events for c in (e.source, e.target) if c)
    main = frozenset(c for c, _ in actors.most_common(2))
    by_sentence: dict[int, np.ndarray] = {}
    n = np.uint64(N_FEATURES)
    out = []
    for e in events:
        lex = by_sentence.get(e.sentence_index)
        if lex is None:
            lex = by_sentence[e.sentence_index] = np.array(
                _sentence_hashes(e.sentence), dtype=np.uint64
            )
        names = _structural(e, counts[e.signal], n_sent, present, main, len(actors))
        struct = np.fromiter((_hash(k) for k in names), dtype=np.uint64, count=len(names))
        sig = np.uint64(_hash("sig=" + e.signal))
        out.append((np.concatenate([struct, lex ^ sig]) % n).astype(np.int64))
    return out


def design_matrix(per_article: Sequence[Sequence[Event]]) -> Any:
    """CSR matrix of every candidate of every article, in order (for training)."""
    from scipy.sparse import csr_matrix

    rows = [ix for evs in per_article for ix in feature_indices(evs)]
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    data = np.ones(len(indices), dtype=np.float64)
    return csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES))


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
    coef = art["coef"] = np.asarray(art["coef"], dtype=np.float64)
    art["coef_codes"] = _compact(coef)
    return art


def _compact(coef: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """``(codes, values)`` with ``values[codes]`` bit for bit ``coef`` (``codes`` None: the
    values are the weights themselves), in as few bytes as that allows.

    A candidate's terms are scattered over the 2 MB weight vector, and once the actor and rule
    layers have run, fetching them cost ~0.15 ms an article. The weights ship as float32 with
    fewer than 2**16 distinct values: 16-bit codes (512 KB) into a 200 KB table halve that.
    float32 -> float64 is exact, so every sum is the same."""
    bits = coef.view(np.uint64)
    coef32 = coef.astype(np.float32)
    if not np.array_equal(coef32.astype(np.float64).view(np.uint64), bits):
        return None, coef
    values, codes = np.unique(coef32, return_inverse=True)
    codes = codes.reshape(-1)
    if len(values) > 2**16 or not np.array_equal(
            values[codes].astype(np.float64).view(np.uint64), bits):
        return None, coef32
    return codes.astype(np.uint16), values


def score(events: Sequence[Event], art: dict[str, Any]) -> np.ndarray:
    """Probabilities of the candidates; the same features as ``feature_indices``, gathered in
    one pass (one numpy gather per article instead of arrays per event)."""
    # the weights in their compact form (_compact), or as given
    codes, values = art.get("coef_codes") or (None, art["coef"])
    # article-level counts in one loop (the Counters of feature_indices, same orders)
    counts: dict[str, int] = {}
    present_set: set[str] = set()
    actors: dict[str, int] = {}
    last_sent = 0
    for e in events:
        s = e.signal
        counts[s] = counts.get(s, 0) + 1
        if not e.background:
            present_set.add(s)
        if e.sentence_index > last_sent:
            last_sent = e.sentence_index
        for c in (e.source, e.target):
            if c:
                actors[c] = actors.get(c, 0) + 1
    n_sent = max(1, last_sent + 1)
    present = sorted(present_set)
    # = Counter.most_common(2): ties in first-seen order
    main_pair = frozenset(c for c, _ in sorted(actors.items(), key=_by_count, reverse=True)[:2])
    n_states = len(actors)
    nst = _STATES[n_states] if n_states <= 20 else _bucket(n_states, _STATES_EDGES)
    # every event's structural hashes in order, then (below) its sentence's words, so each
    # per-event sum adds the same terms in the same order as the design matrix row
    struct: list[int] = []
    struct_len: list[int] = []
    sigs: list[int] = []
    ev_sent: list[int] = []  # each event's sentence, numbered in order of first use
    sents: list[str] = []  # those sentences, lowercased, in order of first use
    sent_keys: dict[int, tuple[int, str, str]] = {}  # sentence_index -> (number, pos, rel)
    mains: dict[tuple[str | None, str | None], str] = {}
    # signal -> (its count's bucket, its co-occurrence hashes, the hash it conjoins words with)
    per_sig: dict[str, tuple[str, list[int], int]] = {}
    for e in events:
        s = e.signal
        i = e.sentence_index
        src, tgt = e.source, e.target
        sk = sent_keys.get(i)
        if sk is None:
            rel = int(10 * i / n_sent)
            sk = sent_keys[i] = (
                len(sents),
                _POS[i] if 0 <= i <= 20 else _bucket(i, _POS_EDGES),
                _REL[rel] if 0 <= rel <= 20 else _bucket(rel, _REL_EDGES),
            )
            sents.append(e.sentence.lower())
        main = mains.get((src, tgt))
        if main is None:
            pair = {src, tgt} - {None}
            main = mains[(src, tgt)] = (
                "both" if pair and pair == main_pair else str(len(pair & main_pair)))
        ps = per_sig.get(s)
        if ps is None:
            k = counts[s]
            row = _co_row(s)
            ps = per_sig[s] = (_SAME[k] if k <= 20 else _bucket(k, _SAME_EDGES),
                               [row[o] for o in present if o != s], _hash("sig=" + s))
        # the key of _structural_key, with its per-article parts worked out once
        names = _structural_hashes((
            s, e.extra.get("cue", ""), e.modality, e.background, src is not None,
            tgt is not None, sk[1], ps[0], bool(e.third_parties), e.casualties is not None,
            e.speaker is not None, sk[2], main, nst,
        ))
        co_s = ps[1]
        struct += names
        struct += co_s
        struct_len.append(len(names) + len(co_s))
        ev_sent.append(sk[0])
        sigs.append(ps[2])
    z = _lexical_z()(sents, ev_sent, sigs, struct, struct_len, codes, values,
                     float(art["intercept"]), N_FEATURES)
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64)))


@functools.cache
def _lexical_z() -> Any:
    """The sums of ``score``: C where the compiled path runs (``tension._ccore.lexical_z``),
    else its pure-Python twin ``_lexical_z_py``; the same doubles either way."""
    from tension._kernels import ccore

    c = ccore()
    return _lexical_z_py if c is None else c.lexical_z


def _lexical_z_py(
    sents: list[str], ev_sent: list[int], sigs: list[int], struct: list[int],
    struct_len: list[int], codes: np.ndarray | None, values: np.ndarray, intercept: float,
    n_features: int = N_FEATURES,
) -> list[float]:
    """Each event's sum: 0.0 + the weights of its structural hashes (``struct``,
    ``struct_len[k]`` of them in turn) + those of its sentence's sorted distinct word and bigram
    hashes (``sents[ev_sent[k]]``, lowercased; ``_sentence_hashes``) conjoined with
    ``sigs[k]``, + ``intercept``; a weight is ``values[codes[h % n_features]]`` (``codes``
    None: ``values[h % n_features]``). The reference of ``tension._ccore.lexical_z``."""
    n_ev = len(ev_sent)
    words: list[int] = []  # word hashes of the sentences, one after another
    n_words: list[int] = []
    for s in sents:
        n0 = len(words)
        words += map(_word_hash, _WORD.findall(s))
        n_words.append(len(words) - n0)
    lex, lex_len = _lexical(words, n_words, ev_sent, sigs)
    idx = np.concatenate([np.asarray(struct, dtype=np.uint64), lex])
    idx = (idx % np.uint64(n_features)).astype(np.int64)
    ks = np.arange(n_ev, dtype=np.int64)
    own = np.concatenate([np.repeat(ks, struct_len), np.repeat(ks, lex_len)])
    weights = values[idx] if codes is None else values[codes[idx]]
    # np.bincount adds each bin's terms in order: the structural ones, then the lexical
    z = np.bincount(own, weights=weights, minlength=n_ev) + intercept
    return z.tolist()  # type: ignore[no-any-return]


def _lexical(
    words: list[int], n_words: list[int], ev_sent: list[int], sigs: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Each event's sentence hashes (``_sentence_hashes``: sorted distinct words and bigrams)
    conjoined with its signal, all events one after another, and how many each has. Every
    sentence of the article at once in numpy: per sentence in Python the bigrams cost more
    than the rest of the re-scorer."""
    h = np.asarray(words, dtype=np.uint64)
    sid = np.repeat(np.arange(len(n_words)), n_words)
    inner = sid[:-1] == sid[1:]  # bigrams stay inside their sentence
    # below 2**32 * 1000003 < 2**64: the same values as the Python ints of _sentence_hashes
    bi = ((h[:-1] * np.uint64(1000003)) ^ h[1:])[inner]
    vals = np.concatenate([h, bi])
    sids = np.concatenate([sid, sid[:-1][inner]])
    if len(n_words) <= _MAX_PACKED:
        # values are below 2**52: sentence << 52 | value sorts by sentence, then value, in one
        # plain sort (lexsort and np.unique cost more on these small arrays)
        packed = np.sort((sids.astype(np.uint64) << _SHIFT) | vals)
        keep = np.empty(len(packed), dtype=bool)
        keep[:1] = True
        np.not_equal(packed[1:], packed[:-1], out=keep[1:])
        packed = packed[keep]
        vals, sids = packed & _LOW, (packed >> _SHIFT).astype(np.int64)
    else:
        order = np.lexsort((vals, sids))
        vals, sids = vals[order], sids[order]
        keep = np.ones(len(vals), dtype=bool)
        keep[1:] = (vals[1:] != vals[:-1]) | (sids[1:] != sids[:-1])
        vals, sids = vals[keep], sids[keep]
    seg_len = np.bincount(sids, minlength=len(n_words))
    seg_start = np.cumsum(seg_len) - seg_len
    ev = np.asarray(ev_sent, dtype=np.int64)
    lex_len = seg_len[ev]
    out_start = np.cumsum(lex_len) - lex_len
    # position in ``vals`` of every term of every event: its segment start + rank inside
    pos = np.arange(int(lex_len.sum())) + np.repeat(seg_start[ev] - out_start, lex_len)
    return vals[pos] ^ np.repeat(np.asarray(sigs, dtype=np.uint64), lex_len), lex_len


_SHIFT = np.uint64(52)
_LOW = np.uint64(2**52 - 1)
_MAX_PACKED = 2**12  # sentences numbered below this fit above the 52 value bits


class _CoRow(dict[str, int]):
    """Hashes of ``s``'s co-occurrence features by other signal, filled on first use (a
    string-keyed dict lookup per term: a cache keyed by the pair cost twice as much)."""

    def __init__(self, s: str) -> None:
        super().__init__()
        self.s = s

    def __missing__(self, other: str) -> int:
        h = self[other] = _hash(f"{self.s}|co={other}")  # = _co_occurring's name
        return h


@functools.cache
def _co_row(s: str) -> _CoRow:
    return _CoRow(s)


_by_count = operator.itemgetter(1)

# How many training candidates a cue is worth in the blend of ``shrink_to_prior``: a cue the
# re-scorer saw fewer times than this keeps mostly its rule prior. Without it a cue the
# training articles never used ("unprovoked firing", new CAMEO phrases) got the learned
# model's guess from the other features alone (0.007 on a one-line wire note, prior 0.8).
PRIOR_WEIGHT = 2.0


# Signals a labeller may give for the same act: the shared labels mark the news peg, and
# cross-border fire is labelled a clash or a strike as the writer tells it ("resorted to
# unprovoked firing ... our troops responded" is one exchange). Counting only the exact label
# taught the re-scorer that a strike cue in a clash article is false.
_LABEL_KIN = {"military_strike": "armed_clash", "armed_clash": "military_strike"}


def labelled(signal: str, gold: Iterable[str]) -> bool:
    """Is a candidate of ``signal`` true to the article's gold signal set (the training label
    of the re-scorer; kin signals count)?"""
    gold = set(gold)
    return signal in gold or _LABEL_KIN.get(signal, "") in gold


# A rule prior this high is a specific multi-word cue ("resorted to unprovoked firing",
# "exchanged fire", "mortar shelling"). The learned probability says whether an act is what
# the labelled article was about (its news peg); when such a force act runs between two
# named states, now, it happened whatever the article's peg, so it keeps its prior as a floor.
FIRM_PRIOR = 0.7
_FIRM_SIGNALS = frozenset({"military_strike", "armed_clash"})
# "X invaded Y" is as firm as a strike (CAMEO 192 with force), though its cue prior is
# lower: the noun ("the invasion") is left to the learned probability, being mostly history.
_FIRM_CUES = frozenset({"sovereignty_violation|invaded", "sovereignty_violation|invades"})


def is_firm_act(e: Event) -> bool:
    """A current, asserted or claimed strike or clash from a specific cue (rule prior at least
    ``FIRM_PRIOR``) between two different states, both named in its own sentence (``rescore``
    marks that as ``extra["named"]``: a side filled in from the article's pair is not firm)."""
    prior = e.extra.get("prior", e.confidence)
    return (
        (e.signal in _FIRM_SIGNALS and prior >= FIRM_PRIOR or cue_key(e) in _FIRM_CUES)
        and e.extra.get("named", False)
        and not e.background
        and e.modality in ("asserted", "claimed")
        and _is_state(e.source)
        and _is_state(e.target)
        and e.source != e.target
    )


def _is_state(code: str | None) -> bool:
    if code is None or len(code) != 3 or not code.isalpha() or not code.isupper():
        return False
    from tension.extract._actors import gazetteer

    return code in gazetteer()[0]


def mark_named(events: Iterable[Event], named: dict[int, set[str]] | None) -> None:
    """Set ``extra["named"]`` on the events whose source and target are states named in their
    own sentence (``named``: sentence index -> state codes; what ``is_firm_act`` asks)."""
    if not named:
        return
    for e in events:
        got = named.get(e.sentence_index)
        if got and e.source in got and e.target in got:
            e.extra["named"] = True


def final_confidence(p: float, e: Event, n_seen: int) -> float:
    """An event's confidence from the learned probability ``p``: shrunk towards the rule
    prior for rarely seen cues (``shrink_to_prior``), never below the prior for a firm act
    (``is_firm_act``). ``e.extra["prior"]`` holds the rule prior."""
    prior = float(e.extra.get("prior", e.confidence))
    c = shrink_to_prior(p, prior, n_seen)
    return max(c, prior) if is_firm_act(e) else c


def cue_key(e: Event) -> str:
    return f"{e.signal}|{e.extra.get('cue', '')}"


def cue_counts(events: Iterable[Event]) -> dict[str, int]:
    """Training candidates per (signal, cue): what ``shrink_to_prior`` weighs the learned
    probability by."""
    return dict(Counter(map(cue_key, events)))


def shrink_to_prior(p: float, prior: float, n_seen: int) -> float:
    """The learned probability ``p`` pulled towards the rule prior by how rarely its cue was
    seen in training: ``(n p + k prior) / (n + k)``, ``k = PRIOR_WEIGHT``."""
    return (n_seen * p + PRIOR_WEIGHT * prior) / (n_seen + PRIOR_WEIGHT)


def rescore(
    article: Article, events: list[Event], named: dict[int, set[str]] | None = None
) -> list[Event]:
    """Events with ``confidence`` replaced by the learned probability (if a model ships).
    ``named``: the state codes each sentence names (for ``is_firm_act``)."""
    art = load_rescorer()
    if art is None or not events:
        return events
    mark_named(events, named)
    probs = score(events, art)
    seen: dict[str, int] | None = art.get("cue_counts")
    # The events were created by this call and are not shared yet: set the learned
    # confidence in place (dataclasses.replace on every event costs more than the rules),
    # through the slot's descriptor (Event is frozen).
    set_conf = _confidence_setter()
    for e, p in zip(events, probs.tolist(), strict=True):
        e.extra["prior"] = e.confidence
        if seen is not None:
            p = final_confidence(p, e, seen.get(cue_key(e), 0))
        set_conf(e, round(p, 4))
    return events


@functools.cache
def _confidence_setter() -> Any:
    return Event.__dict__["confidence"].__set__
