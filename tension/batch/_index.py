"""The dyad tension index: article scores aggregated into one time series per dyad.

Method (what an analyst needs to defend the numbers)
----------------------------------------------------
1. **Stories, not articles.** Rows are grouped by ``(dyad, period, story)`` where the story is
   the ``cluster`` id (wire copies share it) or, without one, the article id. A story counts
   once, scored by its first-seen copy (copies of one wire text score alike). ``n_articles``
   counts every row; ``n_stories``, ``mean_score`` and the index use stories only, so a story
   syndicated 40 times does not outvote 40 independent reports (the GPR index and ICEWS
   de-duplicate for the same reason).
2. **The index is a decayed weighted mean.** With ``lam = 0.5 ** (1 / half_life)`` a story of
   age ``a`` periods has weight ``lam ** a``::

       W_t = lam * W_{t-1} + n_t          (decayed story count)
       S_t = lam * S_{t-1} + sum_i x_i    (decayed sum of story scores)
       index_t = S_t / W_t

   A period with no coverage leaves ``index`` unchanged and only shrinks ``W`` (days without
   news are missing data, not calm days). A busy period moves the index more than a thin one.
   This is the inverse-variance (GLS) estimate of today's level if a story of age ``a`` is
   read as a noisy observation of today's level with variance ``sigma**2 / lam**a``: older
   news is a noisier reading of the present (the local-level intuition behind exponential
   smoothing).
3. **The band** is ``index +/- 1.96 * se`` with ``se = sigma_t / sqrt(W_t)`` under that model,
   clipped to [0, 100]. ``sigma_t**2`` is the decayed within-dyad variance of story scores
   shrunk towards the pooled variance of all stories (``sigma0**2``, 25 points when fewer than
   10 stories) with the weight of ``PRIOR_STORIES`` pseudo-stories::

       s2_t     = Q_t / W_t - index_t**2      (Q_t = lam * Q_{t-1} + sum_i x_i**2)
       sigma2_t = (W_t * s2_t + k * sigma0**2) / (W_t + k)

   ``W`` is an absolute count of decayed stories (not Kish's scale-free effective size), so
   the band widens by ``lam ** -0.5`` for every period without coverage and narrows as
   stories accumulate.
4. **Alerts** test each covered period's change ``d_t = index_t - index_{t-1}``::

       z_t = (d_t - median(d)) / max(1.4826 * MAD(d), sqrt(n_t) * sigma_{t-1} / W_t)

   where median and MAD run over the changes of covered periods in the previous ``window``
   periods (``max(8, 4 * half_life)``; median 0 and no MAD term with fewer than 3). The
   second term is the change that sampling noise alone would cause (a z-test of the period's
   story mean against the previous index); it keeps thin, bursty dyads from alerting on
   every story. ``alert = |z_t| >= alert_z``; both rises and falls alert.

Periods with fewer than ``min_articles`` stories are reported but treated as uncovered by the
index and cannot alert. Rows without a dyad, a date or a score do not enter the index; the
counts are logged and kept in ``DataFrame.attrs``.

Big inputs are read in chunks and reduced on the fly to per ``(dyad, period)`` sums, so memory
grows with dyads x periods (plus 8 bytes per story for de-duplication), not with rows.
"""

from __future__ import annotations

import json
import logging
import math
import os
import statistics
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tension._types import IngestError, TensionError

__all__ = ["tension_index", "INDEX_COLUMNS", "dyad_index", "index_parts", "sigma_from_pooled"]

log = logging.getLogger(__name__)

INDEX_COLUMNS: tuple[str, ...] = (
    "dyad",
    "period",
    "n_articles",
    "n_stories",
    "mean_score",
    "max_score",
    "index",
    "lower",
    "upper",
    "se",
    "weight",
    "z",
    "alert",
    "alert_reason",
    "top_events",
)

FREQS: dict[str, str] = {"D": "D", "W": "W-SUN", "M": "M"}
Z_BAND = 1.96  # 95 percent normal band
PRIOR_STORIES = 2.0  # pseudo-stories of pooled variance behind every dyad's sigma
DEFAULT_SIGMA = 25.0  # one level on the 0-100 scale, when too few stories to pool
MIN_POOLED = 10
MIN_HISTORY = 3  # covered changes needed before the MAD term counts
TOP_K = 3  # evidence items kept per (dyad, period)
CHUNK_ROWS = 100_000
_COMPACT_EVERY = 32

_EVIDENCE_KEYS = (
    "signal", "source", "target", "modality", "sentence", "start", "end", "trigger",
    "sentence_start", "trigger_start", "trigger_end",
)
_NEEDED = ("article_id", "dyad", "escalation_score", "date")
_OPTIONAL = ("evidence", "cluster")


@dataclass
class _Aggregate:
    """Per (dyad, period) sums, plus the best evidence of each, built chunk by chunk."""

    freq: str
    parts: list[pd.DataFrame] = field(default_factory=list)
    seen: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    evidence: dict[tuple[str, int], list[dict[str, Any]]] = field(default_factory=dict)
    pooled: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])  # n, sum, sumsq
    rows: int = 0
    no_dyad: int = 0
    undated: int = 0
    unscored: int = 0

    def table(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame(
                {
                    "dyad": pd.Series(dtype=object),
                    "ord": pd.Series(dtype="int64"),
                    "n_articles": pd.Series(dtype="int64"),
                    "n_stories": pd.Series(dtype="int64"),
                    "sum": pd.Series(dtype=float),
                    "sumsq": pd.Series(dtype=float),
                    "max": pd.Series(dtype=float),
                }
            )
        self._compact()
        return self.parts[0]

    def _compact(self) -> None:
        if len(self.parts) <= 1:
            return
        self.parts = [_reduce(pd.concat(self.parts, ignore_index=True), sort=True)]

    def add(self, chunk: pd.DataFrame, source: str, first_line: int) -> None:
        n = len(chunk)
        self.rows += n
        dyad = chunk["dyad"].astype(object).where(chunk["dyad"].notna(), "").astype(str)
        raw_score = chunk["escalation_score"]
        score = pd.to_numeric(raw_score, errors="coerce")
        bad = score.isna() & raw_score.notna() & (raw_score.astype(str).str.strip() != "")
        bad |= (score < 0) | (score > 100)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise IngestError(
                f"escalation_score must be a number in 0-100, got {raw_score.iloc[i]!r}",
                path=source,
                line=first_line + i,
                field="escalation_score",
            )
        raw_date = chunk["date"].astype(object).where(chunk["date"].notna(), "").astype(str)
        day = raw_date.str.strip().str.slice(0, 10)
        when = pd.to_datetime(day, format="%Y-%m-%d", errors="coerce")
        bad_date = when.isna() & (day != "")
        if bad_date.any():
            i = int(np.flatnonzero(bad_date.to_numpy())[0])
            raise IngestError(
                f"date must be ISO YYYY-MM-DD or empty, got {raw_date.iloc[i]!r}",
                path=source,
                line=first_line + i,
                field="date",
            )
        has_dyad = (dyad != "").to_numpy()
        has_score = score.notna().to_numpy()
        has_date = when.notna().to_numpy()
        self.no_dyad += int((~has_dyad).sum())
        self.unscored += int((has_dyad & ~has_score).sum())
        self.undated += int((has_dyad & has_score & ~has_date).sum())
        keep = has_dyad & has_score & has_date
        if not keep.any():
            return
        sub = chunk.loc[keep]
        dy = dyad[keep].to_numpy(dtype=object)
        x = score[keep].to_numpy(dtype=float)
        ords = pd.PeriodIndex(when[keep], freq=FREQS[self.freq]).asi8
        story = sub["article_id"].astype(str).to_numpy(dtype=object)
        if "cluster" in sub.columns:
            cl = sub["cluster"].astype(object).where(sub["cluster"].notna(), "").astype(str)
            has_cl = (cl != "").to_numpy()
            story = np.where(has_cl, "c:" + cl.to_numpy(dtype=object), "a:" + story)
        keys = pd.DataFrame({"d": dy, "o": ords, "s": story})
        h = pd.util.hash_pandas_object(keys, index=False).to_numpy(dtype=np.uint64)
        new = ~pd.Series(h).duplicated().to_numpy() & ~np.isin(h, self.seen)
        self.seen = np.union1d(self.seen, h[new])
        xs = np.where(new, x, 0.0)
        frame = pd.DataFrame(
            {
                "dyad": dy,
                "ord": ords,
                "n_articles": 1,
                "n_stories": new.astype(np.int64),
                "sum": xs,
                "sumsq": xs * xs,
                "max": x,
            }
        )
        self.parts.append(_reduce(frame, sort=False))
        self.pooled[0] += float(new.sum())
        self.pooled[1] += float(xs.sum())
        self.pooled[2] += float((xs * xs).sum())
        if len(self.parts) >= _COMPACT_EVERY:
            self._compact()
        if "evidence" in sub.columns:
            self._add_evidence(sub, dy, ords, x, new, source, first_line, keep)

    def _add_evidence(
        self,
        sub: pd.DataFrame,
        dy: np.ndarray,
        ords: np.ndarray,
        x: np.ndarray,
        new: np.ndarray,
        source: str,
        first_line: int,
        keep: np.ndarray,
    ) -> None:
        # parse evidence only for the few best new stories of each (dyad, period)
        cand = pd.DataFrame({"d": dy, "o": ords, "x": x, "i": np.arange(len(dy))})[new]
        cand = cand.sort_values("x", ascending=False, kind="stable")
        cand = cand.groupby(["d", "o"], sort=False).head(TOP_K)
        lines = np.flatnonzero(keep)
        ev_col = sub["evidence"].to_numpy(dtype=object)
        ids = sub["article_id"].astype(str).to_numpy(dtype=object)
        for d, o, xv, i in cand.itertuples(index=False):
            items = _parse_evidence(ev_col[i], source, first_line + int(lines[i]))
            if not items:
                continue
            bucket = self.evidence.setdefault((d, int(o)), [])
            for rank, item in enumerate(items):
                # keep only what the index and report show: memory is per dyad-period
                kept_item = {k: item[k] for k in _EVIDENCE_KEYS if k in item}
                kept_item.update(score=float(xv), article_id=ids[i], _r=rank)
                bucket.append(kept_item)
            bucket.sort(key=lambda e: (-e["score"], e["_r"]))
            seen: set[tuple[str, str]] = set()
            kept = []
            for e in bucket:
                k = (str(e.get("signal", "")), str(e.get("sentence", "")))
                if k not in seen:
                    seen.add(k)
                    kept.append(e)
            self.evidence[(d, int(o))] = kept[:TOP_K]


def _reduce(frame: pd.DataFrame, sort: bool) -> pd.DataFrame:
    """Sum partial (dyad, period) rows: counts and sums add, maxima take the max."""
    return frame.groupby(["dyad", "ord"], sort=sort, as_index=False).agg(
        n_articles=("n_articles", "sum"),
        n_stories=("n_stories", "sum"),
        sum=("sum", "sum"),
        sumsq=("sumsq", "sum"),
        max=("max", "max"),
    )


def _parse_evidence(value: Any, source: str, line: int) -> list[dict[str, Any]]:
    """Evidence as a list of dicts, from a list, an array (Parquet) or a JSON string."""
    if value is None:
        return []
    if isinstance(value, float) and math.isnan(value):
        return []
    if isinstance(value, str):
        if not value.strip():
            return []
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise IngestError(
                f"evidence is not valid JSON ({exc.msg})", path=source, line=line, field="evidence"
            ) from None
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list):
        raise IngestError(
            f"evidence must be a list of objects, got {type(value).__name__}",
            path=source,
            line=line,
            field="evidence",
        )
    return [dict(v) for v in value if isinstance(v, dict)]


def _iter_chunks(
    scores: pd.DataFrame | str | os.PathLike[str], chunksize: int
) -> Iterator[tuple[pd.DataFrame, str, int]]:
    """Yield ``(chunk, source name, line number of the chunk's first row)``."""
    if isinstance(scores, pd.DataFrame):
        _check_columns(scores.columns, "<DataFrame>")
        for start in range(0, len(scores), chunksize):
            yield scores.iloc[start : start + chunksize], "<DataFrame>", start
        return
    path = Path(scores)
    src = str(path)
    if not path.is_file():
        raise IngestError("no such scores file", path=src)
    name = path.name.lower()
    suffix = path.suffix.lower()
    if name.endswith((".jsonl.gz", ".ndjson.gz")):
        suffix = ".jsonl"  # pandas infers the compression from the name
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        names = pf.schema_arrow.names
        _check_columns(names, src)
        cols = [c for c in (*_NEEDED, *_OPTIONAL) if c in names]
        line = 1
        for batch in pf.iter_batches(batch_size=chunksize, columns=cols):
            chunk = batch.to_pandas()
            yield chunk, src, line
            line += len(chunk)
    elif suffix in (".jsonl", ".json", ".ndjson"):
        str_cols = {"article_id": str, "dyad": str, "date": str, "cluster": str}
        try:
            reader = pd.read_json(path, lines=True, chunksize=chunksize, dtype=str_cols)
            line = 1
            for chunk in reader:
                if line == 1:
                    _check_columns(chunk.columns, src)
                yield chunk, src, line
                line += len(chunk)
        except ValueError as exc:
            if isinstance(exc, IngestError):
                raise
            raise IngestError(f"cannot read JSON lines ({exc})", path=src) from None
    elif suffix == ".csv":
        dtypes = {"article_id": str, "dyad": str, "date": str, "cluster": str, "evidence": str}
        reader = pd.read_csv(
            path, chunksize=chunksize, dtype=dtypes, keep_default_na=False, na_values=[""]
        )
        line = 2  # line 1 is the header
        for chunk in reader:
            if line == 2:
                _check_columns(chunk.columns, src)
            yield chunk, src, line
            line += len(chunk)
    else:
        raise IngestError(
            f"unknown scores format {suffix!r} (use .jsonl, .csv or .parquet)", path=src
        )


def _check_columns(columns: Any, source: str) -> None:
    missing = [c for c in _NEEDED if c not in set(columns)]
    if missing:
        raise IngestError(
            f"scores table lacks column(s) {', '.join(missing)}", path=source, field=missing[0]
        )


def aggregate(
    scores: pd.DataFrame | str | os.PathLike[str], freq: str = "D", chunksize: int = CHUNK_ROWS
) -> _Aggregate:
    """Reduce a scores table (or file, streamed) to per (dyad, period) sums."""
    if freq not in FREQS:
        raise TensionError(f"freq must be one of {', '.join(FREQS)}, got {freq!r}")
    agg = _Aggregate(freq=freq)
    for chunk, source, line in _iter_chunks(scores, chunksize):
        agg.add(chunk, source, line)
    if agg.no_dyad or agg.undated or agg.unscored:
        log.info(
            "index: %d rows; skipped %d without dyad, %d without score, %d without date",
            agg.rows,
            agg.no_dyad,
            agg.unscored,
            agg.undated,
        )
    return agg


def format_event(e: dict[str, Any], width: int = 90) -> str:
    """One evidence item as short text: ``strike IRN->PAK: "sentence..."``."""
    src, tgt = e.get("source") or "?", e.get("target") or "?"
    head = f"{e.get('signal', '?')} {src}->{tgt}"
    mod = e.get("modality")
    if mod and mod not in ("asserted", "claimed"):
        head += f" ({mod})"
    sent = " ".join(str(e.get("sentence", "")).split())
    if len(sent) > width:
        sent = sent[: width - 1].rstrip() + "\u2026"
    return f'{head}: "{sent}"' if sent else head


def tension_index(
    scores: pd.DataFrame | str | os.PathLike[str],
    freq: str = "D",
    half_life: float = 7.0,
    min_articles: int = 1,
    alert_z: float = 3.0,
) -> pd.DataFrame:
    """Aggregate article scores into a smoothed tension index per dyad and period.

    ``scores`` is a table with the scoring contract's columns (``tension._types.SCORE_COLUMNS``,
    plus an optional ``cluster`` column of wire-copy ids) or a ``.jsonl``/``.csv``/``.parquet``
    path, which is streamed in chunks. ``freq`` is ``"D"``, ``"W"`` (Monday-Sunday weeks) or
    ``"M"``; ``half_life`` is in periods. Returns one row per dyad and period from the dyad's
    first coverage to the last period in the table, with the columns ``INDEX_COLUMNS``;
    ``period`` is the ISO date the period starts. See the module docstring for the formulas.
    """
    if half_life <= 0:
        raise TensionError(f"half_life must be positive, got {half_life}")
    if min_articles < 1:
        raise TensionError(f"min_articles must be at least 1, got {min_articles}")
    agg = aggregate(scores, freq=freq)
    out = _smooth(agg, half_life=half_life, min_articles=min_articles, alert_z=alert_z)
    out.attrs.update(
        freq=freq,
        half_life=half_life,
        rows=agg.rows,
        skipped_no_dyad=agg.no_dyad,
        skipped_undated=agg.undated,
        skipped_unscored=agg.unscored,
    )
    return out


def _sigma0(agg: _Aggregate) -> float:
    return sigma_from_pooled(*agg.pooled)


def sigma_from_pooled(n: float, s: float, ss: float) -> float:
    """``sigma0``: the pooled standard deviation of ``n`` story scores with sum ``s`` and sum of
    squares ``ss`` (``DEFAULT_SIGMA`` when fewer than ``MIN_POOLED`` stories)."""
    if n < MIN_POOLED:
        return DEFAULT_SIGMA
    var = max(ss / n - (s / n) ** 2, 0.0) * n / (n - 1)
    return max(math.sqrt(var), 1.0)


def index_parts(scores: pd.DataFrame, freq: str = "D") -> tuple[float, float, float, int | None]:
    """What one part of a scores table (some whole dyads) contributes to the table-wide terms
    of :func:`dyad_index`: ``(stories, sum, sum of squares, last period ordinal or None)``.

    Engines that partition the scores by dyad (``tension.spark``) add these up over the parts,
    then call :func:`dyad_index` on each part.
    """
    agg = aggregate(scores, freq=freq)
    table = agg.table()
    last = None if table.empty else int(table["ord"].max())
    n, s, ss = agg.pooled
    return n, s, ss, last


def dyad_index(
    scores: pd.DataFrame,
    *,
    sigma0: float,
    last: int,
    freq: str = "D",
    half_life: float = 7.0,
    min_articles: int = 1,
    alert_z: float = 3.0,
) -> pd.DataFrame:
    """:func:`tension_index` of a part of a scores table holding whole dyads, given the two
    table-wide terms: ``sigma0`` (:func:`sigma_from_pooled` of the summed :func:`index_parts`)
    and ``last``, the ordinal of the table's last period. Each dyad's rows then equal those of
    ``tension_index`` on the whole table (up to float rounding of the pooled sums in ``sigma0``).
    """
    agg = aggregate(scores, freq=freq)
    return _smooth(agg, half_life, min_articles, alert_z, sigma0=sigma0, last=last)


def _smooth(
    agg: _Aggregate,
    half_life: float,
    min_articles: int,
    alert_z: float,
    *,
    sigma0: float | None = None,
    last: int | None = None,
) -> pd.DataFrame:
    table = agg.table()
    if table.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in INDEX_COLUMNS})
    lam = 0.5 ** (1.0 / half_life)
    sigma0_sq = (_sigma0(agg) if sigma0 is None else sigma0) ** 2
    window = max(8, math.ceil(4 * half_life))
    last = int(table["ord"].max()) if last is None else int(last)
    pfreq = FREQS[agg.freq]
    frames = []
    for dyad, g in table.groupby("dyad", sort=True):
        first = int(g["ord"].min())
        ords = np.arange(first, last + 1, dtype=np.int64)
        pos = g["ord"].to_numpy(dtype=np.int64) - first
        m = len(ords)
        n_art = np.zeros(m, dtype=np.int64)
        n_sto = np.zeros(m, dtype=np.int64)
        s1 = np.zeros(m)
        s2 = np.zeros(m)
        mx = np.full(m, np.nan)
        n_art[pos] = g["n_articles"].to_numpy()
        n_sto[pos] = g["n_stories"].to_numpy()
        s1[pos] = g["sum"].to_numpy()
        s2[pos] = g["sumsq"].to_numpy()
        mx[pos] = g["max"].to_numpy()
        res = _run(n_sto, s1, s2, lam, sigma0_sq, min_articles, window, alert_z)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n_sto > 0, s1 / np.maximum(n_sto, 1), np.nan)
        labels = pd.PeriodIndex.from_ordinals(ords, freq=pfreq).start_time.strftime("%Y-%m-%d")
        tops = [
            " | ".join(format_event(e) for e in agg.evidence.get((str(dyad), int(o)), []))
            for o in ords
        ]
        frames.append(
            pd.DataFrame(
                {
                    "dyad": str(dyad),
                    "period": np.asarray(labels, dtype=object),
                    "n_articles": n_art,
                    "n_stories": n_sto,
                    "mean_score": mean,
                    "max_score": mx,
                    **res,
                    "top_events": tops,
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.loc[:, list(INDEX_COLUMNS)]


def _run(
    n: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    lam: float,
    sigma0_sq: float,
    min_articles: int,
    window: int,
    alert_z: float,
) -> dict[str, Any]:
    """The recursion of the module docstring over one dyad's complete period grid."""
    m = len(n)
    index = np.full(m, np.nan)
    se = np.full(m, np.nan)
    weight = np.zeros(m)
    zs = np.full(m, np.nan)
    alert = np.zeros(m, dtype=bool)
    reasons = [""] * m
    W = S = Q = 0.0
    prev_mu = math.nan
    prev_sigma = math.sqrt(sigma0_sq)
    changes: deque[tuple[int, float]] = deque()  # (position, change) of recent covered periods
    for t in range(m):
        W, S, Q = lam * W, lam * S, lam * Q
        covered = n[t] >= min_articles
        if covered:
            W += n[t]
            S += s1[t]
            Q += s2[t]
        weight[t] = W
        if W <= 0:
            continue
        # carry the value exactly: S / W after decaying both differs only by rounding
        mu = S / W if covered or math.isnan(prev_mu) else prev_mu
        s2w = max(Q / W - mu * mu, 0.0)
        sigma_sq = (W * s2w + PRIOR_STORIES * sigma0_sq) / (W + PRIOR_STORIES)
        index[t] = mu
        se[t] = math.sqrt(sigma_sq / W)
        if covered and not math.isnan(prev_mu):
            d = mu - prev_mu
            while changes and changes[0][0] < t - window:
                changes.popleft()
            if len(changes) >= MIN_HISTORY:
                hist = [c for _, c in changes]
                med = statistics.median(hist)
                mad = 1.4826 * statistics.median([abs(c - med) for c in hist])
            else:
                med, mad = 0.0, 0.0
            noise = math.sqrt(n[t]) * prev_sigma / W
            scale = max(mad, noise, 1e-9)
            z = (d - med) / scale
            zs[t] = z
            if abs(z) >= alert_z:
                alert[t] = True
                word = "rise" if d > 0 else "fall"
                reasons[t] = (
                    f"{word} of {d:+.1f} to {mu:.1f} (z={z:+.1f}; {int(n[t])} stories, "
                    f"mean {s1[t] / n[t]:.0f}; typical change {scale:.1f})"
                )
            changes.append((t, d))
        prev_mu = mu
        prev_sigma = math.sqrt(sigma_sq)
    lower = np.clip(index - Z_BAND * se, 0.0, 100.0)
    upper = np.clip(index + Z_BAND * se, 0.0, 100.0)
    return {
        "index": index,
        "lower": lower,
        "upper": upper,
        "se": se,
        "weight": weight,
        "z": zs,
        "alert": alert,
        "alert_reason": reasons,
    }
