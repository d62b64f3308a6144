"""Wider context than the trigram: naive-Bayes evidence of the words around an ambiguous slot.

A trigram cannot see that a paragraph is about dykes (`đê bao`, not `để bảo`) when the deciding trigram was too rare to
keep. dictionaries/lm/context.npz (devtools/ctxbuild.py) holds, for the readings of the most ambiguous skeletons, the
log10 ratio P(reading | skeleton, unit) / P(reading | skeleton) of each LM unit met within +-K syllables in the corpus
(thresholded co-occurrence counts, quantised). At run time a candidate's extra cost is -weight x the sum of those
ratios over the units of a path's window (the first trigram path's words, as the document cache's second pass).
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError
from . import npz
from .decoder import compiled
from .lm import TrigramLM

WINDOW = 8
"""Context units on each side of a slot (at most the build's window)."""
MIN_OFFSET = 1
"""Nearest offset counted: 1 counts the neighbours the trigram sees as well."""
MAX_EVIDENCE = 2.0
"""Clip of a candidate's summed log10 evidence either way. 3 and 4 measured within noise (errors, stripped bench/tuning /
bench/tuning/more with h1-h2 / the 14 unmeasured extra/ documents, eng OCR of the first two: 20 / 220 / 221, 43 / 360
with 2; 3: 22 / 215 / 223, 44 / 360; 4: 21 / 215 / 223, 43 / 360), not adopted."""
MAX_WORD = 2.54
"""Clip of one context unit's log10 evidence either way (2.54: none, the int8 range)."""
NORM = 0.0
"""The summed evidence is divided by (context units in the window) ** NORM: 0 is naive Bayes, 1 the mean.

Measured (errors: bench/tuning stripped, bench/tuning/more stripped, the same as eng OCR, the 14 unmeasured extra/
documents of lm/heldout.txt stripped; without the tables 33, 24, 57, 42, 209), shipped table (pairs met >= 2 times):
weight 0.3 23, 24, 45, 40, 218 (kept); 0.2 26, 26, 50, 40, 224; WINDOW 5 28, 23, 52, 37, 218; MAX_EVIDENCE 1 26, 25,
49, 38, 218; MAX_WORD 0.5 25, 22, 49, 38, 219, and at weight 0.5 26, 21, 50, 39, 240. With the table of every pair of a
kept (skeleton, unit) pair, absent readings penalised (11.5 M pairs): 0.15 29, 26, 55, 43, 218; 0.3 24, 26, 44, 43,
214; 0.5 29, 27, 50, 46, 233; NORM 0.5 (weight 1.0) 24, 26, 45, 44, 215; NORM 1 (2.0) 26, 26, 52, 41, 219; MIN_OFFSET 3
24, 30, 48, 43, 226; smoothing ALPHA 20 / 100 instead of 2: 28, 28, 47, 43, 220 / 28, 26, 50, 42, 225; skeleton pairs
seen >= 20 times only: 29, 24, 50, 43, 219. A table counted over +-24 syllables (`ctxbuild --window 24`, 6.7 M pairs;
session of 2026-12-03; errors, stripped bench/tuning / bench/tuning/more with h1-h2 / the 14 unmeasured documents / six
training decrees, eng OCR of the first two: 20 / 220 / 221 / 103, 43 / 360 with this one), WINDOW 24: weight 0.3 20 /
228 / 239 / 110, 46 / 358; 0.2 23 / 231 / 228 / 105, 48 / 349; 0.15 24 / 228 / 221 / 106, 51 / 347; not adopted.
The 14 documents share over 40 % of their 8-grams with the training text (another paper's copy of a story), where the
trigram alone is at its best: every setting lost 5-30 errors there."""

COMPILED_COSTS = True
"""Let Context.costs run compiled (_kernels.context_costs: the same float64 products and clips, float32 values and
float32 pairwise sums, so the same bits) when the kernels are built; False: the NumPy way (tests compare)."""


class Context:
    """The context tables mapped onto an LM's ids."""

    def __init__(self, path, lm: TrigramLM):
        try:
            z = npz.load(path, mmap=("table",))  # stored uncompressed: only the rows a text uses are read
            readings = bytes(z["readings"]).decode("utf-8").split("\n")
            units = bytes(z["units"]).decode("utf-8").split("\n")
            self.table = z["table"].reshape(-1)
            self.step = float(z["step"])
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise ModelError(f"unreadable context tables {path}: {type(exc).__name__}: {exc}") from exc
        self.v = len(units)
        row_lm = np.array([lm.index.get(r, -1) for r in readings], dtype=np.int64)
        self.row_of = np.full(len(lm.vocab), -1, dtype=np.int64)
        self.row_of[row_lm[row_lm >= 0]] = np.flatnonzero(row_lm >= 0)
        # per LM id its column (the tables' context units; -1: none, and the `<...>` units are no context)
        column = {u: k for k, u in enumerate(units)}
        self.col_of = np.array([-1 if w.startswith("<") else column.get(w, -1) for w in lm.vocab], dtype=np.int64)
        if self.table.size != len(readings) * len(units):
            raise ModelError(f"context tables {path}: a table of {self.table.size} cells for {len(readings)} readings x "
                             f"{len(units)} units")

    def costs(self, ids: np.ndarray, size: np.ndarray, chosen: np.ndarray, weight: float) -> np.ndarray:
        """Extra cost per lattice cell (ids: (n, k) candidates, size: candidates per row) given the units `chosen`;
        `weight` (engine.CONTEXT_WEIGHT) is the evidence's exponent, below 1 as the window's words are far from
        independent."""
        window, min_offset = WINDOW, MIN_OFFSET
        n, kc = ids.shape
        out = np.zeros((n, kc), dtype=np.float64)
        kernel = compiled() if COMPILED_COSTS and not NORM and 0 < 2 * (window + 1 - min_offset) <= 128 else None
        if kernel is not None and weight and self.table.dtype == np.int8:
            offsets = np.r_[np.arange(-window, 1 - min_offset), np.arange(min_offset, window + 1)].astype(np.int64)
            kernel.context_costs(self.table, self.step, self.v, self.row_of, self.col_of, np.ascontiguousarray(ids),
                                 np.ascontiguousarray(size), np.ascontiguousarray(chosen, dtype=np.int64), offsets,
                                 MAX_WORD, MAX_EVIDENCE, weight, out)
            return out
        rows = np.where(np.arange(kc)[None, :] < size[:, None], self.row_of[ids], -1)
        pos = np.flatnonzero((size > 1) & (rows >= 0).any(axis=1))
        if not len(pos) or not weight:
            return out
        offsets = np.r_[np.arange(-window, 1 - min_offset), np.arange(min_offset, window + 1)]
        j = pos[:, None] + offsets[None, :]
        inside = (j >= 0) & (j < n)
        w = self.col_of[chosen[np.where(inside, j, 0)]]
        w_ok = inside & (w >= 0)
        r = rows[pos]
        pi, ci = np.nonzero(r >= 0)
        # one cell per (candidate with a table row, context unit): row * V + unit
        q = (r[pi, ci] * self.v)[:, None] + w[pi]
        valid = w_ok[pi]
        val = np.zeros(q.shape, dtype=np.float32)
        val[valid] = np.clip(self.table[q[valid]] * self.step, -MAX_WORD, MAX_WORD)
        ev = val.sum(axis=1)
        if NORM:
            ev /= np.maximum(w_ok[pi].sum(axis=1), 1) ** NORM
        cell = np.zeros(r.shape, dtype=np.float64)
        cell[pi, ci] = np.clip(ev, -MAX_EVIDENCE, MAX_EVIDENCE)
        out[pos] = -weight * cell
        return out
