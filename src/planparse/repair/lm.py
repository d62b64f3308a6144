"""Syllable trigram LM with interpolated modified Kneser-Ney, stored as sorted keys in numpy arrays.

In memory an n-gram's key is its ids as one number in base V (the vocabulary size), kept as its low 32 bits in
buckets of its high bits (NgramKeys): 4 bytes a key instead of 8, so a model with every trigram of the corpus fits
the memory budget. Log probabilities stay 8-bit codes of a codebook. Lookups are vectorised with np.searchsorted.
`pack` (three 21-bit ids in a uint64) remains the key of id pairs outside the model (decoder.PairSet).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from . import npz
from .tokens import NUM, UNK

BITS = 21
MASK = (1 << BITS) - 1
LN10 = np.log(10.0)
DENSE = 4096
COMPILED_DENSE = True
"""Build the dense bigram table with the compiled kernel when it is built (False: the NumPy loop; tests compare)."""


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


LOW = np.uint64(0xFFFFFFFF)


def dense_key(ids: list[np.ndarray], v: int) -> np.ndarray:
    """uint64 keys of id tuples as numbers in base `v`: sorted like the tuples."""
    key = np.asarray(ids[0], dtype=np.uint64)
    for x in ids[1:]:
        key = key * np.uint64(v) + np.asarray(x, dtype=np.uint64)
    return key


class NgramKeys:
    """Sorted uint64 keys as uint32 low words and the start of each run of equal high words (`start[h]`)."""

    def __init__(self, low: np.ndarray, start: np.ndarray):
        self.low = low
        self.start = np.asarray(start, dtype=np.int64)

    @classmethod
    def from_keys(cls, keys: np.ndarray) -> NgramKeys:
        keys = np.asarray(keys, dtype=np.uint64)
        high = keys >> np.uint64(32)
        top = int(high[-1]) if len(keys) else 0
        return cls((keys & LOW).astype(np.uint32), np.searchsorted(high, np.arange(top + 2, dtype=np.uint64)))

    def __len__(self) -> int:
        return len(self.low)

    def find(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Index of each query key in the table and whether it is there (index 0 when not).

        Queries are looked up in sorted order, one slice per run of equal high words: each run is searched
        once, in cache-friendly order, whatever the number of runs the queries touch."""
        q = np.asarray(q, dtype=np.uint64).reshape(-1)
        j = np.zeros(len(q), dtype=np.int64)
        hit = np.zeros(len(q), dtype=bool)
        if len(self.low) == 0 or len(q) == 0:
            return j, hit
        order = np.argsort(q, kind="stable")
        qs = q[order]
        high = (qs >> np.uint64(32)).astype(np.int64)
        low = (qs & LOW).astype(np.uint32)
        js = np.zeros(len(q), dtype=np.int64)
        hs = np.zeros(len(q), dtype=bool)
        cuts = np.flatnonzero(np.diff(high)) + 1
        buckets = len(self.start) - 1
        for a, b in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(q)].tolist()):
            h = int(high[a])
            if h >= buckets:
                continue
            s, e = int(self.start[h]), int(self.start[h + 1])
            if s == e:
                continue
            run = self.low[s:e]
            k = np.minimum(np.searchsorted(run, low[a:b]), e - s - 1)
            hs[a:b] = run[k] == low[a:b]
            js[a:b] = s + k
        js[~hs] = 0
        j[order] = js
        hit[order] = hs
        return j, hit


def read_low_keys(z, name: str) -> NgramKeys:
    """Keys stored as the uint32 deltas of their low words (wrapping at each high-word run) and the runs' starts
    (`name_start`): the deltas' low halves as uint16 (`name_d16`) and the few high halves that are not 0 (`name_dhi` at
    `name_dhi_at`), see devtools.lmbuild.low_key_deltas; or, in older models, as four byte planes (`name_l0..3`)."""
    if f"{name}_d16" in z.files:
        low = z[f"{name}_d16"].astype(np.uint32)
        low[z[f"{name}_dhi_at"]] += z[f"{name}_dhi"].astype(np.uint32) << np.uint32(16)
    else:
        low = _from_planes(z, f"{name}_l", np.uint32)
    np.cumsum(low, out=low, dtype=np.uint32)
    return NgramKeys(low, z[f"{name}_start"])


def read_keys(z, name: str) -> np.ndarray:
    """Sorted uint64 keys of three 21-bit ids (older models): eight byte planes of deltas (`name_k0..7`) filled in
    place, or one delta array (`name_dkeys`)."""
    if f"{name}_dkeys" in z.files:
        return np.cumsum(z[f"{name}_dkeys"], dtype=np.uint64)
    keys = _from_planes(z, f"{name}_k", np.uint64)
    np.cumsum(keys, out=keys)
    return keys


def _from_planes(z, prefix: str, dtype) -> np.ndarray:
    """An integer array rebuilt in place from its byte planes `prefix0`, `prefix1` ... (lowest byte first)."""
    width = np.dtype(dtype).itemsize
    first = z[f"{prefix}0"]
    out = np.empty((len(first), width), dtype=np.uint8)
    out[:, 0] = first
    for b in range(1, width):
        out[:, b] = z[f"{prefix}{b}"]
    return out.view(dtype).reshape(-1)


def _rebase(keys: np.ndarray, n: int, v: int) -> NgramKeys:
    """Keys of `n` 21-bit ids (older models) as base-`v` keys."""
    ids = [(keys >> np.uint64(BITS * (n - 1 - k))) & np.uint64(MASK) for k in range(n)]
    return NgramKeys.from_keys(dense_key(ids, v))


class Codes:
    """A table of log10 values as 8-bit codes and a codebook (plain floats of older models become one code each)."""

    def __init__(self, z, name: str):
        if f"{name}_q" in z.files:
            self.q, self.book = z[f"{name}_q"], z[f"{name}_book"].astype(np.float32)
        else:
            self.book, q = np.unique(z[name].astype(np.float32), return_inverse=True)
            self.q = q.reshape(-1)

    def __getitem__(self, j) -> np.ndarray:
        return self.book[self.q[j]]

    def __len__(self) -> int:
        return len(self.q)


class TrigramLM:
    """Loaded model: vectorised log10 P(c | a, b) over id arrays."""

    def __init__(self, path: str | Path):
        z = npz.load(path)
        self.vocab = bytes(z["vocab"]).decode("utf-8").split("\n")
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.uni_lp = z["uni_lp"].astype(np.float32)
        self.uni_bo = z["uni_bo"].astype(np.float32)
        v = len(self.vocab)
        if "bi_d16" in z.files or "bi_l0" in z.files:
            self.bi_keys, self.tri_keys = read_low_keys(z, "bi"), read_low_keys(z, "tri")
        else:
            self.bi_keys, self.tri_keys = _rebase(read_keys(z, "bi"), 2, v), _rebase(read_keys(z, "tri"), 3, v)
        self.bi_lp, self.bi_bo, self.tri_lp = Codes(z, "bi_lp"), Codes(z, "bi_bo"), Codes(z, "tri_lp")
        self.stats = json.loads(bytes(z["stats"]).decode())
        self.unk = self.index[UNK]
        self.num = self.index.get(NUM, -1)
        self.dense = self._dense_bigrams(min(DENSE, len(self.vocab)))

    def _dense_bigrams(self, d: int) -> np.ndarray:
        """log10 P(c | b) for the `d` most frequent units as a d x d matrix: a gather instead of a binary search.
        Built by the compiled kernel when there is one (the same float16 values; NumPy's cast to float16 alone took
        0.12 of this loop's 0.19 CPU s, half the model's load), else by the NumPy loop below."""
        from .decoder import compiled

        kernel = compiled()
        if kernel is not None and self.bi_lp.q.dtype == np.uint8 and COMPILED_DENSE:
            out = np.empty((d, d), dtype=np.uint16)
            kernel.dense_bigrams(self.uni_bo, self.uni_lp, self.bi_keys.low, self.bi_keys.start, self.bi_lp.q,
                                 self.bi_lp.book, len(self.vocab), out)
            return out.view(np.float16)
        m = np.empty((d, d), dtype=np.float16)
        for r in range(0, d, 256):
            m[r:r + 256] = self.uni_bo[r:min(r + 256, d), None] + self.uni_lp[None, :d]
        v = np.uint64(len(self.vocab))
        for r in range(0, len(self.bi_keys), 1 << 18):
            low = self.bi_keys.low[r:r + (1 << 18)].astype(np.uint64)
            high = np.searchsorted(self.bi_keys.start, np.arange(r, r + len(low)), side="right") - 1
            key = (high.astype(np.uint64) << np.uint64(32)) | low
            b, c = (key // v).astype(np.int64), (key % v).astype(np.int64)
            inside = np.flatnonzero((b < d) & (c < d))
            m[b[inside], c[inside]] = self.bi_lp[r + inside]
        return m

    def ids(self, words: list[str]) -> np.ndarray:
        return np.array([self.index.get(w, self.unk) for w in words], dtype=np.int64)


    def score(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """log10 P(c | a b) for aligned id arrays, with backoff.

        After a number the word before it is ignored: `số 12 tọa` and `sô 12 tọa` must not differ by
        how often each was seen before a number followed by `tọa`. A frequent context with few kinds of continuation
        has a small backoff weight (`<num> tháng`: -2.15), so an unseen continuation after it (`6 tháng sơ kết`) loses
        to a rarer look-alike (`thắng`); flooring the trigram contexts' backoff weights at -1.0 or -1.3 (with the
        bigram ones at -1.0) measured no better, stripped text (errors on bench/tuning, the 14 unmeasured extra/
        documents, bench/tuning/more, six training decrees: 35, 239, 30, 256 and 34, 238, 28, 257 against 36, 234, 27,
        253), so the estimates stand. Nor did a log-linear mix of this score with the bigram's, (1 - l) P3 + l P2, help
        (errors on the same four sets with the decoder's second cache pass; 36, 25, 223, 108 without the mix): l 0.15:
        34, 29, 225, 108; 0.3: 37, 31, 234, 110; 0.5: 35, 32, 243, 113.
        """
        a, b, c = np.asarray(a), np.asarray(b), np.asarray(c)
        v = len(self.vocab)
        j3, h3 = self.tri_keys.find(dense_key([a, b, c], v))
        jc, hc = self.bi_keys.find(dense_key([a, b], v))
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
        j2, h2 = self.bi_keys.find(dense_key([rb, rc], len(self.vocab)))
        out[~small] = np.where(h2, self.bi_lp[j2], self.uni_bo[rb] + self.uni_lp[rc])
        return out

    def pair_keys(self, phrases) -> np.ndarray:
        """Sorted packed (b, c) id pairs of consecutive syllables inside the phrases, both in the vocabulary."""
        a, b = [], []
        get = self.index.get
        for phrase in phrases:  # syllable_pairs, each syllable looked up once
            ids = [get(w) for w in phrase.split()]
            for i, j in zip(ids, ids[1:]):
                if i is not None and j is not None:
                    a.append(i)
                    b.append(j)
        return np.unique(pack(a, b)) if a else np.zeros(0, dtype=np.uint64)

    def sentence_logprob(self, words: list[str]) -> float:
        ids = np.concatenate([[0, 0], self.ids(words), [1]])
        return float(self.score(ids[:-2], ids[1:-1], ids[2:]).sum())
