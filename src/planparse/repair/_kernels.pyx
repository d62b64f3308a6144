# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""The decoder's innermost loop compiled (Cython): forward-backward over each window's real candidates only.

NumPy pads every window of a group to the widest slot and steps in Python; compiled, each window runs
over its own candidates (a fifth of the pairs on stripped text). The same float32 operations in the same
order as decoder.max_marginals' NumPy loop, so the real candidates' scores are bit-identical (padding
columns come out NEG; prune overwrites them anyway). Built by setuptools at install; when the build is
not there the decoder keeps its NumPy loop (decoder.compiled).
"""

from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc

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
