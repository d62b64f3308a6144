"""Syllable trigram LM with interpolated modified Kneser-Ney, stored as sorted uint64 keys in numpy arrays.

Keys pack three 21-bit vocabulary ids; lookups are vectorised with np.searchsorted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .tokens import NUM, UNK

BITS = 21
MASK = (1 << BITS) - 1
LN10 = np.log(10.0)
DENSE = 4096


def pack(a, b, c=None):
    """Pack id arrays into uint64 keys (bigram when c is None)."""
    a = np.asarray(a, dtype=np.uint64)
    b = np.asarray(b, dtype=np.uint64)
    if c is None:
        return (a << np.uint64(BITS)) | b
    return (a << np.uint64(2 * BITS)) | (b << np.uint64(BITS)) | np.asarray(c, dtype=np.uint64)


def unpack(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The (b, c) id arrays of packed bigram keys."""
    keys = np.asarray(keys, dtype=np.uint64)
    return (keys >> np.uint64(BITS)).astype(np.int64), (keys & np.uint64(MASK)).astype(np.int64)


SORT_QUERIES = 256
"""Above this many queries, look them up in sorted order: a binary search then stays in cache (10x faster)."""


def find(keys: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per query key, the index of the first sorted key not below it (clipped to the last) and whether it is equal."""
    q = np.asarray(q)
    if q.size <= SORT_QUERIES:
        j = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
        return j, keys[j] == q
    order = np.argsort(q, axis=None)
    qs = q.reshape(-1)[order]
    js = np.minimum(np.searchsorted(keys, qs), len(keys) - 1)
    j = np.empty(q.size, dtype=js.dtype)
    hit = np.empty(q.size, dtype=bool)
    j[order] = js
    hit[order] = keys[js] == qs
    return j.reshape(q.shape), hit.reshape(q.shape)


def syllable_pairs(phrases: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Consecutive syllables inside each phrase (one word or term a line), as string pairs."""
    for phrase in phrases:
        ws = phrase.split()
        yield from zip(ws, ws[1:])


def read_keys(z, name: str) -> np.ndarray:
    """Sorted uint64 keys from their stored deltas: eight byte planes (`name_k0..7`, see devtools.lmbuild.key_planes)
    filled in place, or one delta array (`name_dkeys`, older models)."""
    if f"{name}_dkeys" in z.files:
        return np.cumsum(z[f"{name}_dkeys"], dtype=np.uint64)
    first = z[f"{name}_k0"]
    out = np.empty((len(first), 8), dtype=np.uint8)
    out[:, 0] = first
    for b in range(1, 8):
        out[:, b] = z[f"{name}_k{b}"]
    keys = out.view(np.uint64).reshape(-1)
    np.cumsum(keys, out=keys)
    return keys


def read_table(z, name: str, dtype) -> np.ndarray:
    """A table of log10 values: 8-bit codes and their codebook (`name_q`, `name_book`) or plain floats (older models)."""
    if f"{name}_q" in z.files:
        return z[f"{name}_book"].astype(dtype)[z[f"{name}_q"]]
    return z[name].astype(dtype)


class TrigramLM:
    """Loaded model: vectorised log10 P(c | a, b) over id arrays."""

    def __init__(self, path: str | Path):
        z = np.load(path)
        self.vocab = bytes(z["vocab"]).decode("utf-8").split("\n")
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.uni_lp = z["uni_lp"].astype(np.float32)
        self.uni_bo = z["uni_bo"].astype(np.float32)
        self.bi_keys = read_keys(z, "bi")
        self.bi_lp = read_table(z, "bi_lp", np.float32)
        self.bi_bo = read_table(z, "bi_bo", np.float32)
        self.tri_keys = read_keys(z, "tri")
        self.tri_lp = read_table(z, "tri_lp", np.float16)
        self.stats = json.loads(bytes(z["stats"]).decode())
        self.unk = self.index[UNK]
        self.num = self.index.get(NUM, -1)
        self.dense = self._dense_bigrams(min(DENSE, len(self.vocab)))

    def _dense_bigrams(self, d: int) -> np.ndarray:
        """log10 P(c | b) for the `d` most frequent units as a d x d matrix: a gather instead of a binary search."""
        m = np.empty((d, d), dtype=np.float16)
        for r in range(0, d, 256):
            m[r:r + 256] = self.uni_bo[r:min(r + 256, d), None] + self.uni_lp[None, :d]
        b, c = unpack(self.bi_keys)
        inside = (b < d) & (c < d)
        m[b[inside], c[inside]] = self.bi_lp[inside]
        return m

    def ids(self, words: list[str]) -> np.ndarray:
        return np.array([self.index.get(w, self.unk) for w in words], dtype=np.int64)

    @staticmethod
    def _find(keys: np.ndarray, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return find(keys, q)

    def score(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log10 P(c | a b) for aligned id arrays, with backoff.

        After a number the word before it is ignored: `số 12 tọa` and `sô 12 tọa` must not differ by
        how often each was seen before a number followed by `tọa`.
        """
        a, b, c = np.asarray(a), np.asarray(b), np.asarray(c)
        j3, h3 = self._find(self.tri_keys, pack(a, b, c))
        jc, hc = self._find(self.bi_keys, pack(a, b))
        low = self.score2(b, c)
        back = np.where(hc, self.bi_bo[jc], 0.0) + low
        return np.where(h3 & (b != self.num), self.tri_lp[j3], np.where(b == self.num, low, back))

    def score2(self, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log10 P(c | b) with unigram backoff: dense table for frequent units, binary search for the rest."""
        b, c = np.asarray(b), np.asarray(c)
        d = len(self.dense)
        small = (b < d) & (c < d)
        flat = self.dense.ravel()
        if small.all():
            return flat.take(b * d + c).astype(np.float32)
        out = flat.take(np.where(small, b * d + c, 0)).astype(np.float32)
        rb, rc = b[~small], c[~small]
        j2, h2 = self._find(self.bi_keys, pack(rb, rc))
        out[~small] = np.where(h2, self.bi_lp[j2], self.uni_bo[rb] + self.uni_lp[rc])
        return out

    def pair_keys(self, phrases) -> np.ndarray:
        """Sorted packed (b, c) id pairs of consecutive syllables inside the phrases, both in the vocabulary."""
        a, b = [], []
        for x, y in syllable_pairs(phrases):
            i, j = self.index.get(x), self.index.get(y)
            if i is not None and j is not None:
                a.append(i)
                b.append(j)
        return np.unique(pack(a, b)) if a else np.zeros(0, dtype=np.uint64)

    def sentence_logprob(self, words: list[str]) -> float:
        ids = np.concatenate([[0, 0], self.ids(words), [1]])
        return float(self.score(ids[:-2], ids[1:-1], ids[2:]).sum())
