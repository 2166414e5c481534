"""Near-duplicate wire copies: one story re-published by many outlets gets one cluster id.

Streaming MinHash with LSH banding over word 5-shingles: each article is compared only with the
earlier stories that share a band, and joins the cluster of the first one whose estimated
Jaccard similarity reaches ``threshold``; otherwise it starts a cluster named by its own id.
Deterministic (crc32 hashing, fixed seeds) and order-stable: the first copy read names the
cluster. Memory: one 64x32-bit signature per cluster plus 16 band keys per cluster.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

__all__ = ["WireClusterer", "minhash"]

_WORD = re.compile(r"\w+")
_P = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20240116)
_A = _rng.integers(1, (1 << 31) - 1, size=64, dtype=np.uint64)
_B = _rng.integers(0, (1 << 31) - 1, size=64, dtype=np.uint64)


def minhash(text: str, *, shingle: int = 5, num_perm: int = 64) -> np.ndarray:
    """MinHash signature (uint32) of the word ``shingle``-grams of ``text`` (case-folded)."""
    words = _WORD.findall(text.lower())
    if not words:
        return np.zeros(num_perm, dtype=np.uint32)
    k = min(shingle, len(words))
    grams = {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}
    h = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64,
                    count=len(grams))
    # (a*h + b) mod p with a, h < 2^32 so the product fits in 64 bits
    perm = (h[:, None] * _A[None, :num_perm] + _B[None, :num_perm]) % _P
    return (perm.min(axis=0) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


class WireClusterer:
    """Assign cluster ids one article at a time (see the module docstring)."""

    def __init__(self, threshold: float = 0.5, bands: int = 16, rows: int = 4) -> None:
        self.threshold = threshold
        self.bands = bands
        self.rows = rows
        self._buckets: dict[tuple[int, bytes], str] = {}
        self._sigs: dict[str, np.ndarray] = {}

    def assign(self, article_id: str, text: str) -> str:
        sig = minhash(text, num_perm=self.bands * self.rows)
        keys = [(b, sig[b * self.rows:(b + 1) * self.rows].tobytes()) for b in range(self.bands)]
        best, best_sim = None, self.threshold
        tried: set[str] = set()
        for key in keys:
            cid = self._buckets.get(key)
            if cid is None or cid in tried:
                continue
            tried.add(cid)
            sim = float(np.mean(self._sigs[cid] == sig))
            if sim >= best_sim:
                best, best_sim = cid, sim
        if best is None:
            best = article_id
            self._sigs[best] = sig
        for key in keys:
            self._buckets.setdefault(key, best)
        return best
