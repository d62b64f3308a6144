# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The decoder's innermost loops compiled (Cython): forward-backward and Viterbi over each window's real candidates
only, and the LM and bonus lookups that fill their score tables (Scorer).

NumPy pads every window of a group to the widest slot and steps in Python; compiled, each window runs
over its own candidates (a fifth of the pairs on stripped text). The same float32 operations in the same
order as decoder's NumPy loops and lm.TrigramLM's lookups, so the real candidates' scores are bit-identical (padding
columns come out NEG; prune overwrites them anyway). Built by setuptools at install; when the build is
not there the decoder keeps its NumPy loops (decoder.compiled).
"""

from cython cimport floating
from libc.stdint cimport int64_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcpy
from cpython.unicode cimport (Py_UNICODE_ISALPHA, Py_UNICODE_ISLOWER, Py_UNICODE_ISSPACE, Py_UNICODE_ISTITLE,
                               Py_UNICODE_ISUPPER)

SOURCE_HASH = "ad618a43c22e263113afc07e003be0ba18bc5ab9260d354673dd77f0c291f2f3"
"""sha256 of this file with this string left empty (decoder.source_hash): decoder.compiled() refuses a module built
from another version of the file beside it (a stale build); tests/test_repair_speed.py checks that it is up to date."""

cdef double NEG = -1e9


cdef inline void _load_window(Py_ssize_t s, Py_ssize_t margin, Py_ssize_t L, Py_ssize_t reach, const int64_t[::1] rows,
                              Py_ssize_t zero, const double[:, ::1] cost, const int64_t[::1] size, double *c,
                              Py_ssize_t *sz, Py_ssize_t *tr) noexcept nogil:
    """Costs, sizes and score-matrix numbers of the window starting `margin` rows before row s. A row past either
    end has one free candidate; a matrix reaching past the end (`reach` rows on) is the all-0 last one."""
    cdef Py_ssize_t n = cost.shape[0], K = cost.shape[1], t, p, k
    for t in range(L):
        p = s - margin + t
        if 0 <= p < n:
            sz[t] = size[p]
            for k in range(sz[t]):
                c[t * K + k] = cost[p, k]
        else:
            sz[t] = 1
            c[t * K] = 0.0
        tr[t] = rows[p] if 0 <= p and p + reach < n else zero


def fwd_bwd(const float[:, :, ::1] table, const int64_t[::1] trans_row, const double[:, ::1] cost,
            const int64_t[::1] size, Py_ssize_t core, Py_ssize_t margin, double[:, ::1] out):
    """Max-marginals (fwd + bwd) of every window's core rows into `out` (n, K); see decoder.max_marginals.

    `table[trans_row[t]]` scores row t's candidates to row t + 1's; the last matrix of `table` is all 0.
    """
    cdef Py_ssize_t n = cost.shape[0], K = cost.shape[1], L = core + 2 * margin
    cdef Py_ssize_t zero = table.shape[0] - 1
    cdef Py_ssize_t s, t, p, a, b, k, e
    cdef float best, v
    cdef float *fwd = <float *> malloc(L * K * sizeof(float))
    cdef float *bwd = <float *> malloc(L * K * sizeof(float))
    cdef double *c = <double *> malloc(L * K * sizeof(double))
    cdef Py_ssize_t *sz = <Py_ssize_t *> malloc(L * sizeof(Py_ssize_t))
    cdef Py_ssize_t *tr = <Py_ssize_t *> malloc(L * sizeof(Py_ssize_t))
    if not (fwd and bwd and c and sz and tr):
        free(fwd); free(bwd); free(c); free(sz); free(tr)
        raise MemoryError()
    try:
        with nogil:
            s = 0
            while s < n:
                _load_window(s, margin, L, 1, trans_row, zero, cost, size, c, sz, tr)
                for b in range(sz[0]):
                    fwd[b] = -(<float> c[b])
                for t in range(1, L):
                    for b in range(sz[t]):
                        best = fwd[(t - 1) * K] + table[tr[t - 1], 0, b]
                        for a in range(1, sz[t - 1]):
                            v = fwd[(t - 1) * K + a] + table[tr[t - 1], a, b]
                            if v > best:
                                best = v
                        fwd[t * K + b] = best - <float> c[t * K + b]
                for b in range(sz[L - 1]):
                    bwd[(L - 1) * K + b] = 0.0
                for t in range(L - 2, -1, -1):
                    for a in range(sz[t]):
                        best = table[tr[t], a, 0] + (bwd[(t + 1) * K] - <float> c[(t + 1) * K])
                        for b in range(1, sz[t + 1]):
                            v = table[tr[t], a, b] + (bwd[(t + 1) * K + b] - <float> c[(t + 1) * K + b])
                            if v > best:
                                best = v
                        bwd[t * K + a] = best
                e = s + core if s + core < n else n
                for p in range(s, e):
                    t = margin + p - s
                    for k in range(K):
                        out[p, k] = <double> (fwd[t * K + k] + bwd[t * K + k]) if k < sz[t] else NEG
                s += core
    finally:
        free(fwd); free(bwd); free(c); free(sz); free(tr)


def viterbi(const float[:, :, :, ::1] table, const int64_t[::1] tri_row, const double[:, ::1] cost,
            const int64_t[::1] size, Py_ssize_t core, Py_ssize_t margin, int64_t[::1] out):
    """Best column per row into `out` (n,), each window decoded over its own real candidates; see decoder.viterbi.

    `table[tri_row[t]]` scores the candidate triples of rows t, t + 1, t + 2; the last matrix of `table` is all 0.
    Float64 sums of the same terms in the same order as the NumPy loop; ties go to the first candidate, as argmax.
    """
    cdef Py_ssize_t n = cost.shape[0], K = cost.shape[1], L = core + 2 * margin
    cdef Py_ssize_t zero = table.shape[0] - 1
    cdef Py_ssize_t s, t, p, i, j, k, e, arg, bj, bk, m
    cdef double best, v
    cdef double *delta = <double *> malloc(K * K * sizeof(double))
    cdef double *nxt = <double *> malloc(K * K * sizeof(double))
    cdef double *c = <double *> malloc(L * K * sizeof(double))
    cdef Py_ssize_t *back = <Py_ssize_t *> malloc(L * K * K * sizeof(Py_ssize_t))
    cdef Py_ssize_t *sz = <Py_ssize_t *> malloc(L * sizeof(Py_ssize_t))
    cdef Py_ssize_t *tr = <Py_ssize_t *> malloc(L * sizeof(Py_ssize_t))
    cdef Py_ssize_t *path = <Py_ssize_t *> malloc(L * sizeof(Py_ssize_t))
    cdef double *tmp
    if not (delta and nxt and c and back and sz and tr and path):
        free(delta); free(nxt); free(c); free(back); free(sz); free(tr); free(path)
        raise MemoryError()
    try:
        with nogil:
            s = 0
            while s < n:
                _load_window(s, margin, L, 2, tri_row, zero, cost, size, c, sz, tr)
                for i in range(sz[0]):
                    for j in range(sz[1]):
                        delta[i * K + j] = -(c[i] + c[K + j])
                for t in range(L - 2):
                    m = tr[t]
                    for j in range(sz[t + 1]):
                        for k in range(sz[t + 2]):
                            best = delta[j] + <double> table[m, 0, j, k]
                            arg = 0
                            for i in range(1, sz[t]):
                                v = delta[i * K + j] + <double> table[m, i, j, k]
                                if v > best:
                                    best = v
                                    arg = i
                            back[(t * K + j) * K + k] = arg
                            nxt[j * K + k] = best - c[(t + 2) * K + k]
                    tmp = delta
                    delta = nxt
                    nxt = tmp
                bj = 0
                bk = 0
                best = delta[0]
                for j in range(sz[L - 2]):
                    for k in range(sz[L - 1]):
                        if delta[j * K + k] > best:
                            best = delta[j * K + k]
                            bj = j
                            bk = k
                path[L - 2] = bj
                path[L - 1] = bk
                for t in range(L - 3, -1, -1):
                    path[t] = back[(t * K + path[t + 1]) * K + path[t + 2]]
                e = s + core if s + core < n else n
                for p in range(s, e):
                    out[p] = path[margin + p - s]
                s += core
    finally:
        free(delta); free(nxt); free(c); free(back); free(sz); free(tr); free(path)


# ---- LM and bonus lookups for the score tables --------------------------------------------------------------------


cdef enum:
    BLOCK = 16  # keys per block of the sampled index (_sampled): one 64-byte cache line of uint32 low words


cdef inline Py_ssize_t _search(const uint32_t[::1] low, const uint32_t[::1] sample, uint32_t key, Py_ssize_t lo,
                               Py_ssize_t hi) noexcept nogil:
    """Index of `key` in the sorted run low[lo:hi], or -1. A binary search over `sample` (every BLOCK-th key, small
    enough to stay in cache) finds the one block of `low` that may hold the key, which is then counted through: one
    cache line of `low` read, and no branch on the data to mispredict."""
    cdef Py_ssize_t base, n, half, x, cnt = 0
    if lo >= hi:
        return -1
    base = lo // BLOCK
    n = (hi - 1) // BLOCK - base + 1
    while n > 1:
        half = n >> 1
        base = base + half if sample[base + half] <= key else base
        n -= half
    base *= BLOCK
    if base < lo:
        base = lo
    n = base + BLOCK if base + BLOCK < hi else hi
    for x in range(base, n):
        cnt += low[x] < key
    base += cnt
    return base if base < n and low[base] == key else -1


cdef inline Py_ssize_t _search64(const uint64_t[::1] keys, uint64_t key) noexcept nogil:
    cdef Py_ssize_t lo = 0, hi = keys.shape[0], mid
    while lo < hi:
        mid = (lo + hi) >> 1
        if keys[mid] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < keys.shape[0] and keys[lo] == key else -1


def lower_bounds(const uint32_t[::1] low, const int64_t[::1] start, const uint64_t[::1] targets, int64_t[::1] out):
    """out[j] = index of the first n-gram key (low words `low` in runs of high words `start`, lm.NgramKeys) not below
    targets[j], for sorted targets; out[-1] = len(low). A merge of two sorted lists."""
    cdef Py_ssize_t nb = start.shape[0] - 1, n = low.shape[0], h = 0, idx = 0, j
    cdef uint64_t key
    with nogil:
        for j in range(targets.shape[0]):
            while idx < n:
                while h < nb and start[h + 1] <= idx:
                    h += 1
                key = (<uint64_t> h << 32) | low[idx]
                if key >= targets[j]:
                    break
                idx += 1
            out[j] = idx
        out[out.shape[0] - 1] = n


def context_starts(const uint32_t[::1] low, const int64_t[::1] start, const uint64_t[::1] contexts, uint64_t v,
                   int64_t[::1] out):
    """out[j] = index of the first trigram (keys: `low` in runs of high words `start`, lm.NgramKeys) whose context
    (key // v) is not below contexts[j] (sorted bigram keys), out[-1] = the number of trigrams; returns the sorted
    contexts of trigrams that are no bigram (<s> <s>). One pass over the trigrams, no division but for those."""
    cdef Py_ssize_t nb = start.shape[0] - 1, nc = contexts.shape[0], h, idx, j = 0
    cdef uint64_t key, last = 0
    cdef bint any_orphan = False
    orphans = []
    for h in range(nb):
        for idx in range(start[h], start[h + 1]):
            key = (<uint64_t> h << 32) | low[idx]
            while j < nc and contexts[j] * v <= key:
                out[j] = idx
                j += 1
            if j == 0 or key >= (contexts[j - 1] + 1) * v:
                if not any_orphan or key // v != last:
                    last = key // v
                    any_orphan = True
                    orphans.append(last)
    while j < nc:
        out[j] = low.shape[0]
        j += 1
    out[nc] = low.shape[0]
    return orphans


def _sampled(low):
    """Every BLOCK-th key of `low` (the sampled index _search reads)."""
    import numpy as np

    return np.ascontiguousarray(np.asarray(low)[::BLOCK])


cdef class Scorer:
    """The trigram LM (lm.TrigramLM) and the pair bonuses (decoder.Bonus) as flat arrays for compiled lookups:
    log10 P(c | b) and P(c | a b) with the same backoff, codebooks and float32 sums as TrigramLM.score2 / score and
    Bonus.pairs, so the tables come out bit-identical to the NumPy ones."""

    cdef const uint16_t[:, ::1] dense
    cdef const float[::1] half
    cdef const uint32_t[::1] bi_low
    cdef const uint32_t[::1] bi_sample
    cdef const uint32_t[::1] tri_sample
    cdef const int64_t[::1] bi_start
    cdef const uint32_t[::1] tri_low
    cdef const int64_t[::1] tri_start
    cdef const int64_t[::1] bi_first
    cdef const int64_t[::1] tri_first
    cdef const uint64_t[::1] orphans
    cdef const uint8_t[::1] bi_lp_q, bi_bo_q, tri_lp_q
    cdef const float[::1] bi_lp_book, bi_bo_book, tri_lp_book
    cdef const float[::1] uni_lp, uni_bo
    cdef const uint8_t[:, ::1] word_bits
    cdef const uint8_t[:, ::1] place_bits
    cdef const uint64_t[::1] word_rest
    cdef const uint64_t[::1] place_rest
    cdef Py_ssize_t word_dense, place_dense
    cdef bint use_words, use_places
    cdef float word_bonus
    cdef double place_bonus
    cdef uint64_t v
    cdef int64_t num

    def __init__(self, dense, half, bi_low, bi_start, tri_low, tri_start, bi_first, tri_first, orphans, bi_lp_q,
                 bi_lp_book, bi_bo_q, bi_bo_book, tri_lp_q, tri_lp_book, uni_lp, uni_bo, v, num, words, word_bonus,
                 places, place_bonus):
        """Arrays as decoder.scorer gathers them; `orphans`: the sorted contexts (a * v + b) of trigrams that are no
        bigram of the model (any other context that is none has no trigram to look for); `words`/`places`: (bits, rest,
        dense) of a PairSet or None."""
        self.dense, self.half = dense, half
        self.bi_low, self.bi_start, self.tri_low, self.tri_start = bi_low, bi_start, tri_low, tri_start
        self.bi_first, self.tri_first, self.orphans = bi_first, tri_first, orphans
        self.bi_sample, self.tri_sample = _sampled(bi_low), _sampled(tri_low)
        self.bi_lp_q, self.bi_lp_book, self.bi_bo_q, self.bi_bo_book = bi_lp_q, bi_lp_book, bi_bo_q, bi_bo_book
        self.tri_lp_q, self.tri_lp_book, self.uni_lp, self.uni_bo = tri_lp_q, tri_lp_book, uni_lp, uni_bo
        self.v, self.num = v, num
        self.use_words = words is not None
        if self.use_words:
            self.word_bits, self.word_rest, self.word_dense = words
        self.word_bonus = <float> word_bonus
        self.use_places = places is not None
        if self.use_places:
            self.place_bits, self.place_rest, self.place_dense = places
        self.place_bonus = place_bonus

    cdef inline Py_ssize_t _bigram(self, int64_t b, int64_t c) noexcept nogil:
        """Index of bigram (b, c) in the model, or -1."""
        cdef uint64_t key = <uint64_t> b * self.v + <uint64_t> c
        cdef Py_ssize_t h = <Py_ssize_t> (key >> 32), lo, hi
        if h >= self.bi_start.shape[0] - 1:
            return -1
        lo = self.bi_start[h]
        hi = self.bi_start[h + 1]
        if self.bi_first[b] > lo:
            lo = self.bi_first[b]
        if self.bi_first[b + 1] < hi:
            hi = self.bi_first[b + 1]
        return _search(self.bi_low, self.bi_sample, <uint32_t> key, lo, hi)

    cdef inline Py_ssize_t _trigram(self, Py_ssize_t ctx, int64_t a, int64_t b, int64_t c) noexcept nogil:
        """Index of trigram (a, b, c), or -1; `ctx`: the index of bigram (a, b) (narrows the search) or -1."""
        cdef uint64_t key = (<uint64_t> a * self.v + <uint64_t> b) * self.v + <uint64_t> c
        cdef Py_ssize_t h = <Py_ssize_t> (key >> 32), lo, hi
        if h >= self.tri_start.shape[0] - 1:
            return -1
        lo = self.tri_start[h]
        hi = self.tri_start[h + 1]
        if ctx < 0 and (self.orphans.shape[0] == 0 or _search64(self.orphans, <uint64_t> a * self.v + <uint64_t> b) < 0):
            return -1
        if ctx >= 0:
            if self.tri_first[ctx] > lo:
                lo = self.tri_first[ctx]
            if self.tri_first[ctx + 1] < hi:
                hi = self.tri_first[ctx + 1]
        return _search(self.tri_low, self.tri_sample, <uint32_t> key, lo, hi)

    cdef inline float score2(self, int64_t b, int64_t c) noexcept nogil:
        """TrigramLM.score2 of one pair."""
        cdef Py_ssize_t d = self.dense.shape[0], j
        if b < d and c < d:
            return self.half[self.dense[b, c]]
        j = self._bigram(b, c)
        if j >= 0:
            return self.bi_lp_book[self.bi_lp_q[j]]
        return self.uni_bo[b] + self.uni_lp[c]

    cdef inline float bonus(self, int64_t b, int64_t c, bint both_title) noexcept nogil:
        """Bonus.pairs of one pair."""
        cdef float out = 0.0
        cdef Py_ssize_t d
        cdef bint hit
        if self.use_words:
            d = self.word_dense
            if b < d and c < d:
                hit = (self.word_bits[b, c >> 3] >> (7 - (c & 7))) & 1
            else:
                hit = self.word_rest.shape[0] > 0 and _search64(self.word_rest, (<uint64_t> b << 21) | <uint64_t> c) >= 0
            if hit:
                out = self.word_bonus
        if self.use_places and both_title:
            d = self.place_dense
            if b < d and c < d:
                hit = (self.place_bits[b, c >> 3] >> (7 - (c & 7))) & 1
            else:
                hit = self.place_rest.shape[0] > 0 and _search64(self.place_rest, (<uint64_t> b << 21) | <uint64_t> c) >= 0
            if hit:
                out = <float> (<double> out + self.place_bonus)
        return out

    def pair_table(self, const int64_t[:, ::1] ids, const int64_t[::1] size, const uint8_t[::1] both_title,
                   const int64_t[::1] first, const int64_t[::1] order, float[:, :, ::1] out):
        """out[u, i, j] = score2 + bonus of candidate i of row first[u] to candidate j of the next row, real pairs only
        (decoder.transition_table; `both_title[t]`: rows t and t + 1 both capitalised). Rows are visited in `order`
        (by first candidate: neighbours then share the model's rows, which stay in cache)."""
        cdef Py_ssize_t x, u, t, i, j
        cdef int64_t b, c
        with nogil:
            for x in range(order.shape[0]):
                u = order[x]
                t = first[u]
                for i in range(size[t]):
                    b = ids[t, i]
                    for j in range(size[t + 1]):
                        c = ids[t + 1, j]
                        out[u, i, j] = self.score2(b, c) + self.bonus(b, c, both_title[t])

    def triple_table(self, const int64_t[:, ::1] ids, const int64_t[::1] size, const uint8_t[::1] title,
                     const int64_t[::1] first, const int64_t[::1] order, float[:, :, :, ::1] out, float weight=1.0):
        """out[u, i, j, k] = weight * log10 P(c | a b) + bonus(b, c) of the real candidate triples of rows first[u] ..
        + 2 (decoder._triple_table; `weight`: the LM's, engine.LM_WEIGHT), rows visited in `order` as pair_table. The
        pair terms of rows t + 1, t + 2 are looked up once per row, not per a."""
        cdef Py_ssize_t K = ids.shape[1], x, u, t, i, j, k, ctx, tri
        cdef int64_t a, b, c
        cdef float bo, s
        cdef bint bt
        cdef float *low = <float *> malloc(K * K * sizeof(float))
        cdef float *bon = <float *> malloc(K * K * sizeof(float))
        if not (low and bon):
            free(low); free(bon)
            raise MemoryError()
        try:
            with nogil:
                for x in range(order.shape[0]):
                    u = order[x]
                    t = first[u]
                    bt = title[t + 1] and title[t + 2]
                    for j in range(size[t + 1]):
                        b = ids[t + 1, j]
                        for k in range(size[t + 2]):
                            c = ids[t + 2, k]
                            low[j * K + k] = self.score2(b, c)
                            bon[j * K + k] = self.bonus(b, c, bt)
                    for i in range(size[t]):
                        a = ids[t, i]
                        for j in range(size[t + 1]):
                            b = ids[t + 1, j]
                            ctx = self._bigram(a, b)
                            bo = self.bi_bo_book[self.bi_bo_q[ctx]] if ctx >= 0 else 0.0
                            for k in range(size[t + 2]):
                                if b == self.num:
                                    s = low[j * K + k]
                                else:
                                    tri = self._trigram(ctx, a, b, ids[t + 2, k])
                                    s = self.tri_lp_book[self.tri_lp_q[tri]] if tri >= 0 else bo + low[j * K + k]
                                out[u, i, j, k] = weight * s + bon[j * K + k]
        finally:
            free(low); free(bon)


cdef extern from *:
    """
    #include <structmember.h>
    /* The offset of a writable object slot (a __slots__ member) named `name` of `type` itself, or -1. */
    static Py_ssize_t pp_slot_offset(PyObject *type, PyObject *name) {
        PyObject *d;
        PyMemberDef *m;
        if (!PyType_Check(type) || !((PyTypeObject *)type)->tp_dict) return -1;
        d = PyDict_GetItemWithError(((PyTypeObject *)type)->tp_dict, name);
        if (d == NULL || !PyObject_TypeCheck(d, &PyMemberDescr_Type)) { PyErr_Clear(); return -1; }
        m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return -1;
        return m->offset;
    }
    /* What setting that member does (descrobject member_set, T_OBJECT_EX): the new value in, the old one released. */
    static void pp_set_slot(PyObject *obj, Py_ssize_t off, PyObject *v) {
        PyObject **at = (PyObject **)((char *)obj + off), *old = *at;
        Py_INCREF(v);
        *at = v;
        Py_XDECREF(old);
    }
    /* object.__new__(type) without its call: the type's allocator. */
    static PyObject *pp_alloc(PyObject *type) {
        return ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, 0);
    }
    """
    Py_ssize_t pp_slot_offset(object type, object name) except? -2
    void pp_set_slot(object obj, Py_ssize_t off, object v)
    object pp_alloc(object type)


RECORD_FIELDS = ("page", "line", "start", "end", "original", "restored", "confidence", "alternatives", "reason", "table",
                 "cell")
"""The fields rewrite sets on each record, in the order of models.Restoration."""
USE_SLOT_WRITES = True
"""rewrite writes a record's fields straight into its __slots__ members (what setting them does, without the attribute
lookup: 11 x ~140 instructions a record, callgrind) when the record type has such members; False: setattr (tests
compare)."""


def rewrite(list lines, dict replace, dict post, list slot, list slot_units, str style, Py_ssize_t offset, nfc,
            case_of, surface_of, record_type):
    """engine._rewrite compiled: the same lines and records, built in the same order. A record is made by setting its
    fields on a bare instance of `record_type` (models.Restoration, a slots dataclass with no __post_init__), which is
    what its generated __init__ does, at a quarter of the cost (the records were most of the loop's time)."""
    cdef list out_lines = [], records = [], parts, alts, surface, items
    cdef dict surfaces = {}, update
    cdef Py_ssize_t li, cursor, shift, start, p_start, p_end, k
    cdef str text, p_text, new, new_text, u
    cdef object ln, page, line_no, hit, conf, alt_idx, key, case, r, piece, pos, a
    new_record = object.__new__
    cdef Py_ssize_t off[11]
    cdef bint fast = USE_SLOT_WRITES
    for k in range(11):
        off[k] = pp_slot_offset(record_type, RECORD_FIELDS[k]) if fast else -1
        fast = fast and off[k] >= 0
    for li in range(len(lines)):
        ln = lines[li]
        text = nfc(ln.text)
        page = ln.page
        line_no = offset + li
        parts = []
        cursor = 0
        shift = 0
        items = replace.get(li, [])
        for piece, new, reason, pos in items:
            # a Piece is a tuple subclass: indexed as an object it goes through a slow __getitem__ slot (a fifth of
            # this loop's instructions, callgrind), as a tuple it is read in place
            p_start = (<tuple> piece)[0]
            p_end = (<tuple> piece)[1]
            p_text = (<tuple> piece)[2]
            parts.append(text[cursor:p_start])
            start = p_start + shift
            parts.append(new)
            cursor = p_end
            shift += len(new) - len(p_text)
            hit = post.get(pos)
            alts = []
            if hit is None:
                conf = 0.9
            else:
                conf, alt_idx = hit
                case = case_of(p_text)
                key = (slot[pos], case)
                surface = surfaces.get(key)
                if surface is None:
                    surface = [None if u.startswith("<") else surface_of(u, style, case) for u in slot_units[slot[pos]]]
                    surfaces[key] = surface
                for k in alt_idx:
                    if k >= 0:
                        a = surface[k]
                        if a is not None:
                            alts.append(a)
            if fast:
                r = pp_alloc(record_type)
                pp_set_slot(r, off[0], page)
                pp_set_slot(r, off[1], line_no)
                pp_set_slot(r, off[2], start)
                pp_set_slot(r, off[3], start + len(new))
                pp_set_slot(r, off[4], p_text)
                pp_set_slot(r, off[5], new)
                pp_set_slot(r, off[6], conf)
                pp_set_slot(r, off[7], alts)
                pp_set_slot(r, off[8], reason)
                pp_set_slot(r, off[9], None)
                pp_set_slot(r, off[10], None)
            else:
                r = new_record(record_type)
                r.page = page
                r.line = line_no
                r.start = start
                r.end = start + len(new)
                r.original = p_text
                r.restored = new
                r.confidence = conf
                r.alternatives = alts
                r.reason = reason
                r.table = None
                r.cell = None
            records.append(r)
        parts.append(text[cursor:])
        new_text = "".join(parts)
        if new_text != ln.text:
            update = {"text": new_text, "raw": ln.raw if ln.raw is not None else ln.text}
            out_lines.append(ln.model_copy(update=update))
        else:
            out_lines.append(ln.model_copy())
    return out_lines, records


cdef inline uint16_t _half_bits(float x) noexcept nogil:
    """The float16 bits of a float32, rounded to nearest even: NumPy's npy_floatbits_to_halfbits (what astype(float16)
    does), step for step, without its floating-point status flags."""
    cdef uint32_t f, f_exp, f_sig
    memcpy(&f, &x, 4)
    f_exp = f & 0x7f800000u
    cdef uint16_t h_sgn = <uint16_t> ((f & 0x80000000u) >> 16), h_exp, h_sig, ret
    if f_exp >= 0x47800000u:
        if f_exp == 0x7f800000u:
            f_sig = f & 0x007fffffu
            if f_sig != 0:
                ret = <uint16_t> (0x7c00u + (f_sig >> 13))
                if ret == 0x7c00u:
                    ret += 1
                return <uint16_t> (h_sgn + ret)
            return <uint16_t> (h_sgn + 0x7c00u)
        return <uint16_t> (h_sgn + 0x7c00u)
    if f_exp <= 0x38000000u:
        if f_exp < 0x33000000u:
            return h_sgn
        f_exp >>= 23
        f_sig = 0x00800000u + (f & 0x007fffffu)
        f_sig >>= (113 - f_exp)
        if (f_sig & 0x00003fffu) != 0x00001000u or (f & 0x000007ffu):
            f_sig += 0x00001000u
        h_sig = <uint16_t> (f_sig >> 13)
        return <uint16_t> (h_sgn + h_sig)
    h_exp = <uint16_t> ((f_exp - 0x38000000u) >> 13)
    f_sig = f & 0x007fffffu
    if (f_sig & 0x00003fffu) != 0x00001000u:
        f_sig += 0x00001000u
    h_sig = <uint16_t> (f_sig >> 13)
    return <uint16_t> (<uint16_t> (h_sgn + h_exp) + h_sig)


cdef extern from *:
    """
    #include <stdint.h>
    #if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    #include <immintrin.h>
    /* float16 bits of add + a[i] (of a[i] when !use_add), 8 at a time with the F16C conversion, rounding to nearest
       even; stops before the first block of 8 that holds a NaN (the hardware quiets a signalling NaN, NumPy keeps its
       bits) and before the last n % 8 values. Returns how many were converted. */
    __attribute__((target("avx,f16c")))
    static Py_ssize_t pp_halves_f16c(const float *a, float add, int use_add, Py_ssize_t n, uint16_t *out) {
        Py_ssize_t i = 0;
        __m256 vb = _mm256_set1_ps(add), s;
        for (; i + 8 <= n; i += 8) {
            s = _mm256_loadu_ps(a + i);
            if (use_add) s = _mm256_add_ps(vb, s);
            if (_mm256_movemask_ps(_mm256_cmp_ps(s, s, _CMP_UNORD_Q))) break;
            _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(s, _MM_FROUND_TO_NEAREST_INT));
        }
        return i;
    }
    static int pp_has_f16c(void) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx") && __builtin_cpu_supports("f16c");
    }
    #else
    static Py_ssize_t pp_halves_f16c(const float *a, float add, int use_add, Py_ssize_t n, uint16_t *out) { return 0; }
    static int pp_has_f16c(void) { return 0; }
    #endif
    """
    Py_ssize_t pp_halves_f16c(const float *a, float add, int use_add, Py_ssize_t n, uint16_t *out) noexcept nogil
    int pp_has_f16c() noexcept nogil


cdef bint F16C = pp_has_f16c()
"""Whether this CPU converts float32 to float16 in hardware (x86 F16C, 2012 on): 8 values an instruction, the same
bits as _half_bits (IEEE round to nearest even) but for NaNs, which go through _half_bits."""
USE_F16C = True
"""False: _halves converts one value at a time with _half_bits (tests compare both)."""


cdef void _halves(const float *a, float add, bint use_add, Py_ssize_t n, uint16_t *out, bint wide) noexcept nogil:
    """out[i] = the float16 bits of add + a[i] (of a[i] when not use_add): `wide` (F16C) in blocks of 8, a block with a
    NaN and the tail one value at a time (_half_bits)."""
    cdef Py_ssize_t i = 0, stop
    while i < n:
        if wide:
            i += pp_halves_f16c(a + i, add, use_add, n - i, out + i)
        stop = i + 8 if i + 8 < n else n
        while i < stop:
            out[i] = _half_bits(add + a[i] if use_add else a[i])
            i += 1


def half_bits(const float[::1] x, uint16_t[::1] out):
    """out[i] = the float16 bits of x[i], as x.astype(float16).view(uint16) (tests compare)."""
    cdef bint wide = F16C and USE_F16C
    if x.shape[0]:
        with nogil:
            _halves(&x[0], 0.0, False, x.shape[0], &out[0], wide)


def dense_bigrams(const float[::1] uni_bo, const float[::1] uni_lp, const uint32_t[::1] low, const int64_t[::1] start,
                  const uint8_t[::1] q, const float[::1] book, uint64_t v, uint16_t[:, ::1] out):
    """lm.TrigramLM._dense_bigrams into `out` (d, d) as float16 bits: uni_bo[b] + uni_lp[c] (float32 sums), then every
    bigram (b, c) of the model with b, c < d its log10 P(c | b), book[q[j]]; the same values as the NumPy loops. The
    sums are converted 8 at a time where the CPU has F16C (_halves): 518 M -> 72 M instructions (callgrind)."""
    cdef Py_ssize_t d = out.shape[0], b, c, j, h = 0, runs = start.shape[0]
    cdef uint64_t key
    cdef bint wide = F16C and USE_F16C
    with nogil:
        for b in range(d):
            _halves(&uni_lp[0], uni_bo[b], True, d, &out[b, 0], wide)
        for j in range(low.shape[0]):
            while h + 1 < runs and start[h + 1] <= j:
                h += 1
            key = (<uint64_t> h << 32) | <uint64_t> low[j]
            b = <Py_ssize_t> (key // v)
            c = <Py_ssize_t> (key % v)
            if b < d and c < d:
                out[b, c] = _half_bits(book[q[j]])


cdef extern from *:
    """
    /* tuple.__new__(type, (a, b, c, d)) for a subclass of tuple (a named tuple): what tuple_subtype_new does,
       without the tuple it copies from (the type's allocator tracks the object for the cyclic collector). */
    static PyObject *pp_tuple4(PyObject *type, PyObject *a, PyObject *b, PyObject *c, PyObject *d) {
        PyObject *t = ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, 4);
        if (t == NULL) return NULL;
        Py_INCREF(a); PyTuple_SET_ITEM(t, 0, a);
        Py_INCREF(b); PyTuple_SET_ITEM(t, 1, b);
        Py_INCREF(c); PyTuple_SET_ITEM(t, 2, c);
        Py_INCREF(d); PyTuple_SET_ITEM(t, 3, d);
        return t;
    }
    """
    object pp_tuple4(object type, object a, object b, object c, object d)


def segment_line(str line, chunk_pieces, piece_type, dict memo=None, Py_ssize_t memo_max=0):
    """segment._segment_uncached compiled: the line's whitespace chunks (runs of characters that are not str.isspace,
    or are one of the separators U+001C-U+001F, as segment.CHUNK_FAST_RE), each cut by `chunk_pieces(chunk, first)`,
    its pieces' offsets moved to the line's, as `piece_type` tuples (a tuple subclass: made as tuple.__new__ makes
    them). `memo`: chunk -> chunk_pieces(chunk, False), filled here (emptied past `memo_max` entries): a dict look-up
    instead of the call through chunk_pieces' lru_cache for the chunks after a line's first; with it the pieces are
    made in place (pp_tuple4), without the tuple tuple.__new__ copies."""
    cdef list out = []
    cdef Py_ssize_t n = len(line), i = 0, j
    cdef Py_UCS4 ch
    cdef tuple item, items
    cdef str chunk
    cdef object got
    new = tuple.__new__
    cdef bint direct = (memo is not None and isinstance(piece_type, type) and issubclass(piece_type, tuple)
                        and piece_type is not tuple)
    while i < n:
        ch = line[i]
        if Py_UNICODE_ISSPACE(ch) and not (0x1c <= ch <= 0x1f):
            i += 1
            continue
        j = i + 1
        while j < n:
            ch = line[j]
            if Py_UNICODE_ISSPACE(ch) and not (0x1c <= ch <= 0x1f):
                break
            j += 1
        chunk = line[i:j]
        if memo is not None and out:
            got = memo.get(chunk)
            if got is None:
                got = chunk_pieces(chunk, False)
                if len(memo) >= memo_max:
                    memo.clear()
                memo[chunk] = got
            items = <tuple> got
        else:
            items = <tuple> chunk_pieces(chunk, not out)
        for item in items:
            if direct:
                out.append(pp_tuple4(piece_type, i + <Py_ssize_t> item[0], i + <Py_ssize_t> item[1], item[2], item[3]))
            else:
                out.append(new(piece_type, (i + <Py_ssize_t> item[0], i + <Py_ssize_t> item[1], item[2], item[3])))
        i = j
    return out


# ---- engine._sequence's per-line and per-piece loops ------------------------------------------------------------


cdef inline bint _isalpha(str text) noexcept:
    """str.isalpha: not empty and every character alphabetic (Py_UNICODE_ISALPHA, as CPython's own)."""
    cdef Py_ssize_t i, n = len(text)
    if n == 0:
        return False
    for i in range(n):
        if not Py_UNICODE_ISALPHA(text[i]):
            return False
    return True


def line_words(list pieces):
    """engine._sequence's word pieces of a line: the `word` and `fixed` pieces whose text is all letters (str.isalpha),
    and whether one of them after the first begins with a capital (str.isupper of its first letter)."""
    cdef list words = []
    cdef object p
    cdef str kind, text
    cdef bint capitalised = False
    for p in pieces:
        kind = (<tuple> p)[3]
        if kind == "word" or kind == "fixed":
            text = (<tuple> p)[2]
            if _isalpha(text):
                if words and not capitalised and Py_UNICODE_ISUPPER(text[0]):
                    capitalised = True
                words.append(p)
    return words, capitalised


def is_upper_line(str text):
    """engine._is_upper_line: more than 0.6 of the letters (str.isalpha) are capitals (str.isupper), and there is one."""
    cdef Py_ssize_t i, letters = 0, upper = 0
    cdef Py_UCS4 ch
    for i in range(len(text)):
        ch = text[i]
        if Py_UNICODE_ISALPHA(ch):
            letters += 1
            if Py_UNICODE_ISUPPER(ch):
                upper += 1
    return letters > 0 and <double> upper > 0.6 * <double> letters


def sequence_line(list pieces, object li, dict plain, dict fixed_units, object titled, object upper_named, bint upper_line,
                  object confs, object cidx, list slot, list title, list where, dict forced, set forced_titled,
                  fixed_slot, new_hit, slow, conf_bin, dict number=None, object mode=None, object rule_scale=None,
                  object name_starts=None, capital_i=None, object digit_syllables=None):
    """engine._sequence's loop over the pieces of one line, compiled: the same slots, title flags, sources and forced
    units appended in the same order. Per piece, a settled unit (`fixed_units` by start: `fixed_slot(unit)`), else the
    memo `plain` of its (text, kind) (`new_hit(text, kind)` fills a miss) and, when its slot depends on more than the
    piece (or is not known yet), `slow(k, piece, prev, hit, conf, conf_key)`; `conf_bin` bins an OCR confidence.

    With `number` (the SlotTable's key -> slot; text without OCR confidences, not `ocr` mode), a piece whose slot
    depends on its neighbours (a Title-case word) is keyed here as `slow` keys it, and `slow` runs only when that key
    has no slot yet or the piece may end a question or be a lone 6 (`capital_i`: engine.CAPITAL_I_RE.match;
    `name_starts`, `digit_syllables`, `mode`, `rule_scale` as there)."""
    cdef Py_ssize_t k, npieces = len(pieces), conf_key = -1
    cdef object p, prev = None, conf = None, start, text_p, kind, unit_reason, n, hit, key, got
    cdef bint with_fixed = len(fixed_units) > 0, with_confs = bool(confs) and bool(cidx), varies, titlecase
    cdef bint keyed = number is not None and not with_confs, mid_title, in_name
    cdef str prev_text
    for k in range(npieces):
        p = pieces[k]
        start = (<tuple> p)[0]
        text_p = (<tuple> p)[2]
        kind = (<tuple> p)[3]
        if with_fixed and start in fixed_units:
            unit_reason = fixed_units[start]
            forced[len(slot)] = unit_reason
            if start in titled:
                forced_titled.add(len(slot))
            slot.append(fixed_slot((<tuple> unit_reason)[0]))
            title.append(False)
        else:
            if with_confs:
                conf = confs[cidx[start]]
                conf_key = -1 if conf is None else conf_bin(conf)
            hit = plain.get((text_p, kind))
            if hit is None:
                hit = new_hit(text_p, kind)
            varies = (<tuple> hit)[1]
            n = (<tuple> hit)[2]
            got = None
            if keyed and varies and conf_key == -1 and not ((<str> text_p).endswith("?") and kind == "word") and not (
                    kind == "fixed" and text_p in digit_syllables):
                # slow's key of this piece (question and among are False here)
                mid_title = False
                if (<tuple> hit)[0] == "title" and not upper_line and prev is not None and not capital_i(text_p):
                    prev_text = (<str> (<tuple> prev)[2]).strip()
                    # prev.strip()[-1:] in ".:-+;!?" (an empty one is in any string)
                    mid_title = not ((<tuple> prev)[3] == "punct" and (
                        len(prev_text) == 0 or prev_text[len(prev_text) - 1] in ".:-+;!?"))
                in_name = mid_title and start in name_starts
                key = (text_p, kind, mode, -1, mid_title, rule_scale, False, False, in_name)
                got = number.get(key)
            if got is not None:
                n = got
            elif varies or conf_key != -1 or <Py_ssize_t> n < 0:
                n = slow(k, p, prev, hit, conf, conf_key)
            slot.append(n)
            titlecase = (<tuple> hit)[3]
            title.append(titlecase and (not upper_line or start in upper_named))
        prev = p
        where.append((li, p))


# ---- decoder.distinct_rows ----------------------------------------------------------------------------------------


def distinct_rows(const int64_t[:, ::1] rows, int64_t[::1] first, int64_t[::1] inverse):
    """decoder.distinct_rows with an open-addressing hash table of exact rows: first[d] the first row of the d-th
    distinct row (in order of first occurrence), inverse[t] the number of row t's; returns how many are distinct.
    Every match is checked cell by cell, so no collision can merge two rows."""
    cdef Py_ssize_t n = rows.shape[0], w = rows.shape[1], cap = 16, t, c, d, m = 0, slot
    cdef uint64_t h
    cdef int64_t *table
    cdef bint same
    while cap < 2 * n:
        cap *= 2
    table = <int64_t *> malloc(cap * sizeof(int64_t))
    if not table:
        raise MemoryError()
    try:
        with nogil:
            for slot in range(cap):
                table[slot] = -1
            for t in range(n):
                h = 14695981039346656037u
                for c in range(w):
                    h = (h ^ <uint64_t> rows[t, c]) * 1099511628211u
                    h ^= h >> 29
                slot = <Py_ssize_t> (h & <uint64_t> (cap - 1))
                while True:
                    d = table[slot]
                    if d < 0:
                        table[slot] = m
                        first[m] = t
                        inverse[t] = m
                        m += 1
                        break
                    same = True
                    for c in range(w):
                        if rows[first[d], c] != rows[t, c]:
                            same = False
                            break
                    if same:
                        inverse[t] = d
                        break
                    slot = (slot + 1) & (cap - 1)
    finally:
        free(table)
    return m


# ---- engine._replacements -----------------------------------------------------------------------------------------


def replacements(list where, dict forced, list slot, object titled, list upper_lines, object commas, list slot_units,
                 list chosen, str style, respelt, question, object digit_syllables, fix_symbol, fix_heading,
                 str archive_reason, str keep):
    """engine._replacements compiled: per line, (piece, new text, reason, slot position) of every piece that changes,
    in order, and the decoded positions among them; the same calls (`respelt`, `question`, `fix_symbol`,
    `fix_heading`) in the same order. Pieces are read as tuples (a Piece indexed as an object takes a slow slot)."""
    cdef dict replace = {}
    cdef list changed_pos = [], line_out = []
    cdef Py_ssize_t pos, n = len(where)
    cdef object w, li, last_li = -1, p, pos_obj, unit_reason, got
    cdef str text, kind, new, reason, unit
    cdef bint is_forced
    for pos in range(n):
        w = where[pos]
        if w is None:
            continue
        li = (<tuple> w)[0]
        p = (<tuple> w)[1]
        text = (<tuple> p)[2]
        kind = (<tuple> p)[3]
        new = text
        reason = ""
        pos_obj = pos
        is_forced = pos_obj in forced
        if is_forced:
            unit_reason = forced[pos_obj]
            unit = (<tuple> unit_reason)[0]
            reason = (<tuple> unit_reason)[1]
            if unit != keep and not unit.startswith("<"):
                new = (<tuple> respelt(unit, text, style, upper_lines[li]))[0]
                if pos_obj in titled:
                    new = new[:1].upper() + new[1:]
            else:
                reason = ""
        elif kind == "word" or kind == "letter" or kind == "fixed" and text in digit_syllables:
            unit = (<list> slot_units[slot[pos]])[chosen[pos]]
            if unit != keep and not unit.startswith("<"):
                got = respelt(unit, text, style, upper_lines[li])
                new = (<tuple> got)[0]
                reason = (<tuple> got)[1]
                if question is not None and text.endswith("?") and question(text, unit):
                    new += "?"
        elif kind == "symbol" or kind == "fixed" and text.isupper():
            new, reason = fix_symbol(text), "symbol"
        elif kind == "heading":
            new, reason = fix_heading(text), "numeral"
        elif commas and (li, (<tuple> p)[0]) in commas:
            new, reason = ",", archive_reason
        if new != text:
            if li != last_li:
                line_out = replace.setdefault(li, [])
                last_li = li
            line_out.append((p, new, reason, pos_obj))
            if (kind == "word" or kind == "letter") and not is_forced:
                changed_pos.append(pos_obj)
    return replace, changed_pos


cdef inline bint _islower_from(str text, Py_ssize_t start) noexcept:
    """text[start:].islower(), as CPython's str.islower: a cased character, and no upper- or title-case one."""
    cdef Py_ssize_t i, n = len(text)
    cdef Py_UCS4 ch
    cdef bint cased = False
    if n - start == 1:
        return Py_UNICODE_ISLOWER(text[start])
    for i in range(start, n):
        ch = text[i]
        if Py_UNICODE_ISUPPER(ch) or Py_UNICODE_ISTITLE(ch):
            return False
        if not cased and Py_UNICODE_ISLOWER(ch):
            cased = True
    return cased


def title_words(list words):
    """Indices from 1 of the words written Title-case (`w[:1].isupper() and w[1:].islower()`): the only places the
    name finders of repair.places act at (their `titles`)."""
    cdef list out = []
    cdef Py_ssize_t i
    cdef str w
    for i in range(1, len(words)):
        w = words[i]
        if len(w) and Py_UNICODE_ISUPPER(w[0]) and _islower_from(w, 1):
            out.append(i)
    return out


# ---- decoder.prune's selection ------------------------------------------------------------------------------------


def prune_select(double[:, ::1] marg, const int64_t[:, ::1] ids, const double[:, ::1] cost, const int64_t[::1] size,
                 Py_ssize_t keep, double margin, double pad_cost, int64_t[:, ::1] out_ids, double[:, ::1] out_cost,
                 int64_t[::1] out_size, int64_t[:, ::1] out_sel):
    """decoder.prune after the max-marginals: padding cells of `marg` set to NEG, per row the `keep` best columns by
    max-marginal (ties to the lower column, as NumPy's stable argsort of -marg), those within `margin` of the best kept
    (the rest padding: the best's id, `pad_cost`, selected column -1). Returns False, having changed nothing but the
    padding cells, when a max-marginal is NaN (NumPy sorts those last; the caller then takes the NumPy way)."""
    cdef Py_ssize_t n = marg.shape[0], K = marg.shape[1], kk = keep if keep < K else K, t, k, c, cnt, j
    cdef double v, thr
    cdef Py_ssize_t order[64]
    cdef bint nan = False
    if kk > 64:
        return False
    with nogil:
        for t in range(n):
            for k in range(size[t], K):
                marg[t, k] = NEG
            for k in range(K):
                if marg[t, k] != marg[t, k]:
                    nan = True
    if nan:
        return False
    with nogil:
        for t in range(n):
            cnt = 0
            for k in range(K):
                v = marg[t, k]
                if cnt == kk and not (v > marg[t, order[kk - 1]]):
                    continue
                j = cnt if cnt < kk else kk - 1
                while j > 0 and v > marg[t, order[j - 1]]:
                    order[j] = order[j - 1]
                    j -= 1
                order[j] = k
                if cnt < kk:
                    cnt += 1
            thr = marg[t, order[0]] - margin
            out_size[t] = 0
            for c in range(kk):
                if marg[t, order[c]] >= thr:
                    out_ids[t, c] = ids[t, order[c]]
                    out_cost[t, c] = cost[t, order[c]]
                    out_sel[t, c] = order[c]
                    out_size[t] += 1
                else:
                    out_ids[t, c] = ids[t, order[0]]
                    out_cost[t, c] = pad_cost
                    out_sel[t, c] = -1
    return True


# ---- engine._confidences ------------------------------------------------------------------------------------------


cdef extern from "math.h" nogil:
    double rint(double x)


def belief_exponents(const double[:, ::1] marg, const int64_t[::1] rows, double ln10, double[:, ::1] out):
    """engine._confidences' exponents, (marg[rows] - its row maxima) * ln10 (`ln10`: NumPy's log(10)), into `out`;
    False (out unfinished) when a max-marginal is NaN (NumPy's maximum propagates it)."""
    cdef Py_ssize_t n = rows.shape[0], K = marg.shape[1], r, k
    cdef double mx, v
    cdef bint nan = False
    with nogil:
        for r in range(n):
            mx = marg[rows[r], 0]
            for k in range(K):
                v = marg[rows[r], k]
                if v != v:
                    nan = True
                if v > mx:
                    mx = v
            for k in range(K):
                out[r, k] = (marg[rows[r], k] - mx) * ln10
    return not nan


cdef floating _pairwise_sum(const floating *a, Py_ssize_t n) noexcept nogil:
    """NumPy's add-reduction of a contiguous float32 or float64 run (pairwise_sum, n <= 128), in that precision: below 8
    values one by one from 0, else eight running sums joined as ((0+1)+(2+3))+((4+5)+(6+7)), then the rest one by one."""
    cdef floating r[8]
    cdef floating res
    cdef Py_ssize_t i, j
    if n < 8:
        res = 0.0
        for i in range(n):
            res += a[i]
        return res
    for j in range(8):
        r[j] = a[j]
    i = 8
    while i + 8 <= n:
        for j in range(8):
            r[j] += a[i + j]
        i += 8
    res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += a[i]
        i += 1
    return res


def confidences(double[:, ::1] p, const int64_t[::1] chosen, list positions, double min_alternative,
                bint normalise=False):
    """engine._confidences after its beliefs `p` (one row per position; `normalise`: not yet divided by their row sums,
    which this does as NumPy's sum and division do, K <= 128): per position, the chosen column's
    belief rounded to 3 decimals as numpy.round does it (x * 1000, rint, / 1000) and the columns of the next 3 beliefs
    of at least `min_alternative` (> 0), best first, -1 past them; the chosen cell of `p` set to -1 as there. Returns
    that dict and the rows where equal beliefs decide the order (or a belief is NaN): NumPy's argsort, not stable,
    orders ties its own way, so the caller takes those rows' columns from it."""
    cdef Py_ssize_t n = p.shape[0], K = p.shape[1], m = 3 if K > 3 else K, r, k, c, cnt, j, top
    cdef double v
    cdef Py_ssize_t order[4]
    cdef dict out = {}
    cdef list ties = [], alt
    cdef bint tie
    if normalise:
        if K > 128:
            raise ValueError("rows of more than 128 beliefs")
        with nogil:
            for r in range(n):
                v = _pairwise_sum(&p[r, 0], K)
                for k in range(K):
                    p[r, k] = p[r, k] / v
    for r in range(n):
        c = chosen[r]
        v = rint(p[r, c] * 1000.0) / 1000.0
        p[r, c] = -1.0
        top = m + 1
        cnt = 0
        tie = False
        for k in range(K):
            if p[r, k] != p[r, k]:
                tie = True
            if not (p[r, k] >= min_alternative):
                continue
            if cnt == top and not (p[r, k] > p[r, order[top - 1]]):
                if p[r, k] == p[r, order[top - 1]]:
                    tie = tie or top - 1 < m
                continue
            j = cnt if cnt < top else top - 1
            while j > 0 and p[r, k] > p[r, order[j - 1]]:
                order[j] = order[j - 1]
                j -= 1
            order[j] = k
            if cnt < top:
                cnt += 1
        for j in range(1, cnt):
            if p[r, order[j]] == p[r, order[j - 1]] and j - 1 < m:
                tie = True
        alt = [order[j] if j < cnt else -1 for j in range(m)]
        out[positions[r]] = (v, alt)
        if tie:
            ties.append(r)
    return out, ties


# ---- context.Context.costs ----------------------------------------------------------------------------------------


def context_costs(const signed char[::1] table, double step, Py_ssize_t v, const int64_t[::1] row_of,
                  const int64_t[::1] col_of, const int64_t[:, ::1] ids, const int64_t[::1] size,
                  const int64_t[::1] chosen, const int64_t[::1] offsets, double max_word, double max_evidence,
                  double weight, double[:, ::1] out):
    """context.Context.costs (NORM 0) into `out` (zeros, the lattice's shape): per row of two or more candidates with a
    table row, each such candidate's evidence summed over the chosen units at `offsets` with a table column, the same
    float64 products and clips, float32 values and float32 pairwise sum as its NumPy (so the same bits); every cell of
    such a row -weight x its clipped evidence (0 without a table row)."""
    cdef Py_ssize_t n = ids.shape[0], K = ids.shape[1], W = offsets.shape[0], i, k, o, j, nw
    cdef int64_t r
    cdef double x
    cdef float ev, lo = <float> -max_evidence, hi = <float> max_evidence
    cdef bint any_row
    cdef float *val = <float *> malloc(W * sizeof(float))
    cdef int64_t *w = <int64_t *> malloc(W * sizeof(int64_t))
    if not (val and w):
        free(val); free(w)
        raise MemoryError()
    try:
        with nogil:
            for i in range(n):
                if size[i] <= 1:
                    continue
                any_row = False
                for k in range(size[i]):
                    if row_of[ids[i, k]] >= 0:
                        any_row = True
                        break
                if not any_row:
                    continue
                for o in range(W):
                    j = i + offsets[o]
                    w[o] = col_of[chosen[j]] if 0 <= j < n else -1
                for k in range(K):
                    r = row_of[ids[i, k]] if k < size[i] else -1
                    if r < 0:
                        out[i, k] = -weight * 0.0
                        continue
                    for o in range(W):
                        if w[o] >= 0:
                            x = <double> table[r * v + w[o]] * step
                            if x < -max_word:
                                x = -max_word
                            if x > max_word:
                                x = max_word
                            val[o] = <float> x
                        else:
                            val[o] = 0.0
                    ev = _pairwise_sum(val, W)
                    if ev < lo:
                        ev = lo
                    if ev > hi:
                        ev = hi
                    out[i, k] = -weight * <double> ev
    finally:
        free(val); free(w)


# ---- engine._cache_costs ------------------------------------------------------------------------------------------


def cache_shares(const int64_t[:, ::1] ids, const int64_t[::1] size, const int64_t[::1] skel, const int64_t[::1] votes,
                 Py_ssize_t cache_min, int64_t[::1] cells, double[::1] shares):
    """engine._cache_costs before its logarithm: the votes (LM ids with a skeleton) counted per id and per skeleton;
    for every cell of a row of two or more candidates whose skeleton got `cache_min` votes or more, its flat index
    into `cells` and (votes for its id + 0.5) / (votes for its skeleton + 1) into `shares`. Returns how many."""
    cdef Py_ssize_t n = ids.shape[0], K = ids.shape[1], V = skel.shape[0], S = 0, t, k, m = 0
    cdef int64_t u, s, total
    for t in range(V):
        if skel[t] + 1 > S:
            S = skel[t] + 1
    cdef int64_t *per_id = <int64_t *> calloc(V + 1, sizeof(int64_t))
    cdef int64_t *per_skel = <int64_t *> calloc(S + 1, sizeof(int64_t))
    if not (per_id and per_skel):
        free(per_id); free(per_skel)
        raise MemoryError()
    try:
        with nogil:
            for t in range(votes.shape[0]):
                if skel[votes[t]] >= 0:
                    per_id[votes[t]] += 1
                    per_skel[skel[votes[t]]] += 1
            for t in range(n):
                if size[t] <= 1:
                    continue
                for k in range(K):
                    u = ids[t, k]
                    s = skel[u]
                    total = per_skel[s] if s >= 0 else 0
                    if total >= cache_min:
                        cells[m] = t * K + k
                        shares[m] = (<double> per_id[u] + 0.5) / (<double> total + 1.0)
                        m += 1
    finally:
        free(per_id); free(per_skel)
    return m


# ---- engine.SlotTable.lattice -------------------------------------------------------------------------------------


def lattice_fill(const int64_t[::1] used, const int64_t[::1] inv, list units, list ids, list costs, double pad_cost,
                 int64_t[:, ::1] out_ids, double[:, ::1] out_cost, int64_t[::1] out_size):
    """engine.SlotTable.lattice's rows: per distinct slot `used[r]` its candidates' ids and costs (as float(): what
    NumPy's assignment of the list does), padded with its first id at `pad_cost`; then row inv[t] of those for
    every position t."""
    cdef Py_ssize_t R = used.shape[0], n = inv.shape[0], K = out_ids.shape[1], r, c, k, t
    cdef const int64_t[::1] row
    cdef list cl
    cdef int64_t *tid = <int64_t *> malloc(R * K * sizeof(int64_t) + 1)
    cdef double *tcost = <double *> malloc(R * K * sizeof(double) + 1)
    cdef int64_t *tsize = <int64_t *> malloc(R * sizeof(int64_t) + 1)
    if not (tid and tcost and tsize):
        free(tid); free(tcost); free(tsize)
        raise MemoryError()
    try:
        for r in range(R):
            k = len(<list> units[used[r]])
            row = ids[used[r]]
            cl = <list> costs[used[r]]
            tsize[r] = k
            for c in range(k):
                tid[r * K + c] = row[c]
                tcost[r * K + c] = <double> cl[c]
            for c in range(k, K):
                tid[r * K + c] = row[0]
                tcost[r * K + c] = pad_cost
        with nogil:
            for t in range(n):
                r = inv[t]
                out_size[t] = tsize[r]
                for c in range(K):
                    out_ids[t, c] = tid[r * K + c]
                    out_cost[t, c] = tcost[r * K + c]
    finally:
        free(tid); free(tcost); free(tsize)
