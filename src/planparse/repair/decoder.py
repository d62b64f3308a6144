"""Decoding a document's token lattice: bigram pruning, then trigram Viterbi, both vectorised over chunks.

A document becomes one long sequence of slots. Python loops over positions cost more than the
arithmetic, so the sequence is cut into overlapping chunks decoded side by side: each chunk keeps
only the decisions of its core, the overlap gives it the context of its neighbours.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .lm import BITS, TrigramLM, find, pack, unpack

NEG = -1e9
PAD_COST = 1e9


@dataclass
class Slot:
    """One lattice position: candidate LM units and their channel costs (log10)."""

    units: list[str]
    costs: list[float]
    ids: np.ndarray = field(default=None)  # type: ignore[arg-type]
    title: bool = False


@dataclass
class Lattice:
    """Slots as padded arrays: candidate ids, channel costs (padding costs PAD_COST), real sizes, title flags."""

    ids: np.ndarray
    cost: np.ndarray
    size: np.ndarray
    title: np.ndarray

    @property
    def width(self) -> int:
        return self.ids.shape[1]


def lattice(lm: TrigramLM, slots: list[Slot]) -> Lattice:
    """Pad the slots to a common width."""
    for s in slots:
        if s.ids is None:
            s.ids = lm.ids(s.units)
    size = np.fromiter((len(s.ids) for s in slots), dtype=np.int64, count=len(slots))
    K = int(size.max())
    row = np.repeat(np.arange(len(slots)), size)
    col = np.arange(len(row)) - np.repeat(np.cumsum(size) - size, size)
    flat_ids = np.concatenate([s.ids for s in slots])
    flat_cost = np.fromiter((c for s in slots for c in s.costs), dtype=np.float64, count=len(row))
    ids = np.repeat(flat_ids[np.cumsum(size) - size][:, None], K, axis=1)
    ids[row, col] = flat_ids
    cost = np.full((len(slots), K), PAD_COST)
    cost[row, col] = flat_cost
    title = np.fromiter((s.title for s in slots), dtype=bool, count=len(slots))
    return Lattice(ids, cost, size, title)


class PairSet:
    """A set of (b, c) id pairs: a bit matrix for ids below `dense`, a sorted key array for the rest."""

    def __init__(self, keys: np.ndarray, dense: int = 4096):
        keys = np.asarray(keys, dtype=np.uint64)
        b, c = unpack(keys)
        inside = (b < dense) & (c < dense)
        self.dense = dense
        self.bits = np.zeros((dense, (dense + 7) // 8), dtype=np.uint8)
        bi, ci = b[inside], c[inside]
        np.bitwise_or.at(self.bits, (bi, ci >> 3), (128 >> (ci & 7)).astype(np.uint8))
        self.rest = np.sort(keys[~inside])
        self.empty = len(keys) == 0

    def contains(self, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        small = (b < self.dense) & (c < self.dense)
        stride, flat = self.bits.shape[1], self.bits.ravel()
        if small.all():
            return ((flat.take(b * stride + (c >> 3)) >> (7 - (c & 7))) & 1).astype(bool)
        bs, cs = np.where(small, b, 0), np.where(small, c, 0)
        hit = ((flat.take(bs * stride + (cs >> 3)) >> (7 - (cs & 7))) & 1).astype(bool) & small
        if len(self.rest):
            hit[~small] = find(self.rest, pack(b[~small], c[~small]))[1]
        return hit


@dataclass
class Bonus:
    """Log10 bonuses for consecutive candidates (b, c): dictionary words always, place names between capitalised slots."""

    words: PairSet
    word_bonus: float
    places: PairSet
    place_bonus: float

    def pairs(self, b: np.ndarray, c: np.ndarray, both_title: np.ndarray) -> np.ndarray:
        out = np.zeros(b.shape, dtype=np.float32)
        if not self.words.empty and self.word_bonus:
            out[self.words.contains(b, c)] = self.word_bonus
        if not self.places.empty and self.place_bonus and both_title.any():
            bt, ct = b[both_title], c[both_title]
            out[both_title] += np.where(self.places.contains(bt, ct), self.place_bonus, 0.0)
        return out


def _windows(n: int, core: int, margin: int, group: int):
    """Groups of overlapping windows: (starts, (G, L) positions with -1 past either end) per group."""
    starts = np.arange(0, n, core)
    L = core + 2 * margin
    for g in range(0, len(starts), group):
        st = starts[g:g + group]
        pos = st[:, None] - margin + np.arange(L)[None, :]
        pos[(pos < 0) | (pos >= n)] = -1
        yield st, pos


def _window_arrays(lat: Lattice, pos: np.ndarray):
    """Gather ids, costs, real-candidate mask and title flags for window positions.

    Positions past the ends get no real candidate and a free first column, so they score nothing.
    """
    valid = pos >= 0
    p = np.where(valid, pos, 0)
    K = lat.width
    ids = lat.ids[p]
    cost = lat.cost[p]
    cost[~valid] = np.where(np.arange(K) == 0, 0.0, PAD_COST)
    real = (np.arange(K)[None, None, :] < lat.size[p][:, :, None]) & valid[:, :, None]
    return ids, cost, real, valid & lat.title[p]


def _keep_core(out: np.ndarray, starts: np.ndarray, values: np.ndarray, core: int, margin: int) -> None:
    n = len(out)
    for ci, s in enumerate(starts):
        e = min(s + core, n)
        out[s:e] = values[ci, margin:margin + (e - s)]


def transition_table(lm: TrigramLM, lat: Lattice, bonus: Bonus | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The bigram scores as (m + 1, K, K) distinct matrices and, per lattice row, the number of its own: row t's
    matrix scores each candidate of row t to each of row t + 1; the last matrix is all 0 (leaving the lattice).

    Computed once per lattice, so overlapping windows share them, and once per distinct pair of rows (a
    document repeats its word pairs: a fifth as many to score, and a fifth of the memory). Where most
    candidate pairs are real (stripped text) padding is scored too, as finding the real pairs costs more
    than it saves; their channel cost excludes them.
    """
    n, K = lat.ids.shape
    if n < 2:
        return np.zeros((1, K, K), dtype=np.float32), np.zeros(n, dtype=np.int64)
    both_title = lat.title[:-1] & lat.title[1:]
    rows = np.concatenate([lat.ids[:-1], lat.ids[1:], lat.size[:-1, None], lat.size[1:, None], both_title[:, None]], axis=1)
    first, inv = distinct_rows(rows)
    table = np.zeros((len(first) + 1, K, K), dtype=np.float32)
    fast = scorer(lm, bonus)
    if fast is not None:
        fast.pair_table(np.ascontiguousarray(lat.ids), np.ascontiguousarray(lat.size), both_title.view(np.uint8), first,
                        np.argsort(lat.ids[first, 0], kind="stable"), table)
    else:
        table[:-1] = _row_pair_scores(lm, lat.ids[first], lat.ids[first + 1], lat.size[first], lat.size[first + 1],
                                      both_title[first], bonus)
    return table, np.append(inv, len(first))


_ROW_HASH = np.random.default_rng(14).integers(1, 2**62, size=64) | 1


COMPILED_DISTINCT = True
"""Let distinct_rows use the compiled hash table of exact rows (_kernels.distinct_rows: no sort, no check pass) when the
kernels are built; its distinct rows are numbered in order of first occurrence instead of by hash, the same rows with
the same first rows, so the same score tables in another order. False: the NumPy way (tests compare)."""


def distinct_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse) of the distinct rows of a 2-D int array: rows[first][inverse] == rows.

    Rows are hashed to one int64 each (a sort of numbers, not of rows: 50x faster than np.unique(axis=0));
    a collision is caught by comparing the rows back and then answered the slow, exact way.
    """
    kernel = compiled() if COMPILED_DISTINCT else None
    if kernel is not None:
        rows = np.ascontiguousarray(rows, dtype=np.int64)
        first, inv = np.empty(len(rows), dtype=np.int64), np.empty(len(rows), dtype=np.int64)
        return first[:kernel.distinct_rows(rows, first, inv)], inv
    if rows.shape[1] > len(_ROW_HASH):
        _, first, inv = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        return first, inv.reshape(-1)
    with np.errstate(over="ignore"):
        h = rows.astype(np.int64) @ _ROW_HASH[:rows.shape[1]]
    _, first, inv = np.unique(h, return_index=True, return_inverse=True)
    if not np.array_equal(rows[first][inv], rows):
        _, first, inv = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first, inv.reshape(-1)


def _row_pair_scores(lm: TrigramLM, ids_a: np.ndarray, ids_b: np.ndarray, size_a: np.ndarray, size_b: np.ndarray,
                     both_title: np.ndarray, bonus: Bonus | None) -> np.ndarray:
    """(m, K, K) scores from each candidate of row a to each of row b, for m pairs of rows; unreal pairs 0 or scored."""
    m, K = ids_a.shape
    out = np.zeros((m, K, K), dtype=np.float32)
    real_a = np.arange(K)[None, :] < size_a[:, None]
    real_b = np.arange(K)[None, :] < size_b[:, None]
    for r0 in range(0, m, ROWS):
        r1 = min(r0 + ROWS, m)
        if np.dot(size_a[r0:r1], size_b[r0:r1]) > DENSE_SHARE * (r1 - r0) * K * K:
            b = np.broadcast_to(ids_a[r0:r1, :, None], (r1 - r0, K, K)).ravel()
            c = np.broadcast_to(ids_b[r0:r1, None, :], (r1 - r0, K, K)).ravel()
            s = _pair_scores(lm, b, c, np.repeat(both_title[r0:r1], K * K), bonus)
            out[r0:r1] = s.reshape(r1 - r0, K, K)
        else:
            t, i, j = np.nonzero(real_a[r0:r1, :, None] & real_b[r0:r1, None, :])
            t += r0
            out[t, i, j] = _pair_scores(lm, ids_a[t, i], ids_b[t, j], both_title[t], bonus)
    return out


DENSE_SHARE = 0.5
"""Above this share of real candidate pairs, score all K x K pairs rather than find the real ones."""
ROWS = 2048
"""Rows scored at a time: bounds the temporaries (a few MB) whatever the document's length."""


def _pair_scores(lm: TrigramLM, b: np.ndarray, c: np.ndarray, both_title: np.ndarray, bonus: Bonus | None) -> np.ndarray:
    s = lm.score2(b, c)
    return s if bonus is None else s + bonus.pairs(b, c, both_title)


USE_COMPILED = True
"""Run the compiled window loops (repair/_kernels.pyx) when they were built; False keeps the NumPy loops (tests compare)."""


def compiled():
    """The compiled kernels module, or None (not built on this machine, built from another version of _kernels.pyx, or
    USE_COMPILED off)."""
    return _kernels_module() if USE_COMPILED else None


@lru_cache(maxsize=1)
def _kernels_module():
    """The built kernels module, when there is one built from the _kernels.pyx beside it (a wheel ships no .pyx: the
    module it holds was built from its own source). A stale build is not used, with a warning: the NumPy and Python
    paths give the same results, slower."""
    try:
        from . import _kernels
    except ImportError:
        return None
    pyx = Path(_kernels.__file__).with_name("_kernels.pyx")
    if pyx.is_file() and getattr(_kernels, "SOURCE_HASH", None) != source_hash(pyx.read_text(encoding="utf-8")):
        warnings.warn(f"{Path(_kernels.__file__).name} was built from another version of {pyx} and is not used (rebuild "
                      "it: pip install -e ., or cythonize -i _kernels.pyx)", RuntimeWarning, stacklevel=2)
        return None
    return _kernels


def source_hash(pyx: str) -> str:
    """sha256 of the text of _kernels.pyx with its SOURCE_HASH string emptied (the value it must hold)."""
    return hashlib.sha256(SOURCE_HASH_RE.sub('SOURCE_HASH = ""', pyx, count=1).encode("utf-8")).hexdigest()


SOURCE_HASH_RE = re.compile(r'^SOURCE_HASH = "[0-9a-f]*"', re.M)


_SCORERS: dict[tuple[int, int], tuple[TrigramLM, Bonus | None, object]] = {}


def scorer(lm: TrigramLM, bonus: Bonus | None):
    """The compiled scorer (_kernels.Scorer) of an LM and its bonuses, built once (the last pair's is kept); None when
    the kernels are not built or the model's tables are of an older layout (the NumPy scoring then runs)."""
    kernel = compiled()
    if kernel is None:
        return None
    key = (id(lm), id(bonus))
    hit = _SCORERS.get(key)
    if hit is None or hit[0] is not lm or hit[1] is not bonus:
        _SCORERS.clear()
        hit = _SCORERS[key] = (lm, bonus, _build_scorer(kernel, lm, bonus))
    return hit[2]


def _build_scorer(kernel, lm: TrigramLM, bonus: Bonus | None):
    """The Scorer's indexes: where each first id's bigrams and each context bigram's trigrams start (~40 ms)."""
    codes = (lm.bi_lp, lm.bi_bo, lm.tri_lp)
    if any(c.q.dtype != np.uint8 for c in codes) or lm.dense.dtype != np.float16 or len(lm.vocab) >= 1 << BITS:
        return None
    v = len(lm.vocab)
    bi, tri = lm.bi_keys, lm.tri_keys
    bi_keys = _full_keys(bi)
    bi_first = np.empty(v + 1, dtype=np.int64)
    kernel.lower_bounds(bi.low, bi.start, np.arange(v, dtype=np.uint64) * np.uint64(v), bi_first)
    tri_first = np.empty(len(bi_keys) + 1, dtype=np.int64)
    orphans = np.array(kernel.context_starts(tri.low, tri.start, bi_keys, v, tri_first), dtype=np.uint64)
    half = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)

    def pairs(ps: PairSet, value: float):
        return None if ps.empty or not value else (ps.bits, np.ascontiguousarray(ps.rest, dtype=np.uint64), ps.dense)

    words = pairs(bonus.words, bonus.word_bonus) if bonus is not None else None
    places = pairs(bonus.places, bonus.place_bonus) if bonus is not None else None
    return kernel.Scorer(lm.dense.view(np.uint16), half, bi.low, bi.start, tri.low, tri.start, bi_first, tri_first, orphans,
                         lm.bi_lp.q, lm.bi_lp.book, lm.bi_bo.q, lm.bi_bo.book, lm.tri_lp.q, lm.tri_lp.book, lm.uni_lp,
                         lm.uni_bo, v, lm.num, words, bonus.word_bonus if bonus is not None else 0.0, places,
                         bonus.place_bonus if bonus is not None else 0.0)


def _full_keys(keys) -> np.ndarray:
    """The uint64 keys of an lm.NgramKeys, in order."""
    high = np.repeat(np.arange(len(keys.start) - 1, dtype=np.uint64), np.diff(keys.start))
    return (high << np.uint64(32)) | keys.low.astype(np.uint64)


def max_marginals(lm: TrigramLM, lat: Lattice, bonus: Bonus | None = None, core: int = 48, margin: int = 12,
                  group: int = 64) -> np.ndarray:
    """(n, K) bigram max-marginals: best score of any path through each candidate (chunked forward-backward).

    Padding columns hold no score (prune overwrites them): the compiled loop leaves them NEG.
    """
    n, K = lat.ids.shape
    trans, trans_row = transition_table(lm, lat, bonus)
    out = np.empty((n, K))
    kernel = compiled()
    if kernel is not None:
        kernel.fwd_bwd(trans, trans_row, np.ascontiguousarray(lat.cost), np.ascontiguousarray(lat.size), core, margin, out)
        return out
    for starts, pos in _windows(n, core, margin, group):
        _, cost, _, _ = _window_arrays(lat, pos)
        C, L = pos.shape
        step = np.where((pos[:, :-1] >= 0) & (pos[:, 1:] >= 0), pos[:, :-1], n - 1)
        tb = trans[trans_row[step]]
        cost = cost.astype(np.float32)
        width = np.maximum(np.where(pos >= 0, lat.size[np.maximum(pos, 0)], 1).max(axis=0), 1).tolist()
        fwd = np.full((C, L, K), NEG, dtype=np.float32)
        fwd[:, 0, :width[0]] = -cost[:, 0, :width[0]]
        for t in range(1, L):
            a, b = width[t - 1], width[t]
            fwd[:, t, :b] = (fwd[:, t - 1, :a, None] + tb[:, t - 1, :a, :b]).max(axis=1) - cost[:, t, :b]
        bwd = np.full((C, L, K), NEG, dtype=np.float32)
        bwd[:, -1, :width[-1]] = 0.0
        for t in range(L - 2, -1, -1):
            a, b = width[t], width[t + 1]
            bwd[:, t, :a] = (tb[:, t, :a, :b] + (bwd[:, t + 1, :b] - cost[:, t + 1, :b])[:, None, :]).max(axis=2)
        _keep_core(out, starts, fwd + bwd, core, margin)
    return out


COMPILED_PRUNE = True
"""Let prune pick each row's best columns compiled (_kernels.prune_select: a partial insertion sort, ties to the lower
column as the stable argsort) when the kernels are built; False: the NumPy sort (tests compare)."""


def prune(lm: TrigramLM, lat: Lattice, keep: int = 4, margin: float = 1.5,
          bonus: Bonus | None = None) -> tuple[Lattice, np.ndarray, np.ndarray]:
    """Keep each slot's `keep` best candidates by bigram max-marginal, and only those within `margin` of the best.

    Returns the pruned lattice (best candidate first in each row), per row the original candidate
    index of each kept column (-1 for padding), and the max-marginals of all original candidates.
    """
    marg = max_marginals(lm, lat, bonus)
    kernel = compiled() if COMPILED_PRUNE else None
    if kernel is not None:
        n, kk = len(marg), min(keep, lat.width)
        ids, cost = np.empty((n, kk), dtype=np.int64), np.empty((n, kk))
        size, sel = np.empty(n, dtype=np.int64), np.empty((n, kk), dtype=np.int64)
        if kernel.prune_select(marg, np.ascontiguousarray(lat.ids), np.ascontiguousarray(lat.cost),
                               np.ascontiguousarray(lat.size), keep, margin, PAD_COST, ids, cost, size, sel):
            return Lattice(ids, cost, size, lat.title), sel, marg
    marg[np.arange(lat.width)[None, :] >= lat.size[:, None]] = NEG
    order = np.argsort(-marg, axis=1, kind="stable")[:, :keep]
    top = np.take_along_axis(marg, order, axis=1)
    ok = top >= top[:, :1] - margin
    size = ok.sum(axis=1)
    ids = np.take_along_axis(lat.ids, order, axis=1)
    cost = np.where(ok, np.take_along_axis(lat.cost, order, axis=1), PAD_COST)
    ids = np.where(ok, ids, ids[:, :1])
    return Lattice(ids, cost, size, lat.title), np.where(ok, order, -1), marg


def _triple_table(lm: TrigramLM, lat: Lattice, bonus: Bonus | None, weight: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Trigram scores times the LM's `weight` (+ bonuses) of the real candidate triples of rows t, t + 1, t + 2, as
    distinct (K, K, K) matrices (unreal triples 0; the last matrix all 0) and, per row t, the number of its matrix."""
    n, K = lat.ids.shape
    ids, size, title = lat.ids, lat.size, lat.title
    rows = np.concatenate([ids[:-2], ids[1:-1], ids[2:], size[:-2, None], size[1:-1, None], size[2:, None],
                           title[1:-1, None], title[2:, None]], axis=1)
    first, inv = distinct_rows(rows)
    fast = scorer(lm, bonus)
    if fast is not None:
        table = np.zeros((len(first) + 1, K, K, K), dtype=np.float32)
        fast.triple_table(np.ascontiguousarray(ids), np.ascontiguousarray(size), np.ascontiguousarray(title).view(np.uint8),
                          first, np.argsort(ids[first, 0], kind="stable"), table, weight)
        return table, np.concatenate([inv, np.full(2, len(first))])
    real = np.arange(K)[None, :] < size[:, None]
    mask = real[first][:, :, None, None] & real[first + 1][:, None, :, None] & real[first + 2][:, None, None, :]
    u, i, j, k = np.nonzero(mask)
    t = first[u]
    a, b, c = ids[t, i], ids[t + 1, j], ids[t + 2, k]
    s = lm.score(a, b, c)
    if weight != 1.0:
        s = np.float32(weight) * s
    if bonus is not None:
        s = s + bonus.pairs(b, c, title[t + 1] & title[t + 2])
    table = np.zeros((len(first) + 1, K, K, K), dtype=np.float32)
    table[u, i, j, k] = s
    return table, np.concatenate([inv, np.full(2, len(first))])


def trigram_scores(lm: TrigramLM, lat: Lattice, bonus: Bonus | None = None,
                   weight: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """What viterbi looks up in the LM for a lattice: its candidates' trigram scores (the LM's times `weight`,
    engine.LM_WEIGHT), which do not depend on the costs, so a second pass over the same lattice with other costs
    reuses them."""
    return _triple_table(lm, lat, bonus, weight)


def viterbi(lm: TrigramLM, lat: Lattice, bonus: Bonus | None = None, core: int = 64, margin: int = 8,
            group: int = 128, scores: tuple[np.ndarray, np.ndarray] | None = None, weight: float = 1.0) -> np.ndarray:
    """Best column per row under trigram LM + channel costs; rows 0-1 must be BOS, the last EOS.

    Windows of `core` slots are decoded side by side, each with `margin` slots of context on both sides.
    `scores`: trigram_scores of this lattice, when already computed (else looked up with the LM's `weight`).
    """
    n, K = lat.ids.shape
    out = np.zeros(n, dtype=np.int64)
    if n < 3:
        return out
    table, tri_row = _triple_table(lm, lat, bonus, weight) if scores is None else scores
    kernel = compiled()
    if kernel is not None:
        kernel.viterbi(table, tri_row, np.ascontiguousarray(lat.cost), np.ascontiguousarray(lat.size), core, margin, out)
        return out
    for starts, pos in _windows(n, core, margin, group):
        _, cost, _, _ = _window_arrays(lat, pos)
        C, L = pos.shape
        inside = (pos[:, :-2] >= 0) & (pos[:, 1:-1] >= 0) & (pos[:, 2:] >= 0)
        sc = table[np.where(inside, tri_row[np.maximum(pos[:, :-2], 0)], len(table) - 1)]
        delta = -(cost[:, 0][:, :, None] + cost[:, 1][:, None, :])
        back = np.empty((C, L - 2, K, K), dtype=np.int16)
        for step in range(L - 2):
            tot = delta[:, :, :, None] + sc[:, step]
            best = tot.argmax(axis=1)
            back[:, step] = best
            delta = np.take_along_axis(tot, best[:, None], axis=1)[:, 0] - cost[:, step + 2][:, None, :]
        flat = delta.reshape(C, -1).argmax(axis=1)
        path = np.empty((C, L), dtype=np.int64)
        path[:, -2], path[:, -1] = flat // K, flat % K
        rows = np.arange(C)
        for step in range(L - 3, -1, -1):
            path[:, step] = back[rows, step, path[:, step + 1], path[:, step + 2]]
        _keep_core(out, starts, path, core, margin)
    return out
