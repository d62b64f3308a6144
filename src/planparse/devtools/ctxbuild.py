"""Build the context tables of the restore stage (dictionaries/lm/context.npz, loaded by repair.context).

For the skeletons whose readings are most often confused (`de`: để, đê, đẻ, đề ...), count each reading's unordered
co-occurrences with the LM units within +-K syllables of the same document, and store per (reading, context unit) the
log10 ratio P(reading | skeleton, unit) / P(reading | skeleton): naive-Bayes evidence of a wider window than the
trigram's. Only pairs whose skeleton met the unit at least MIN_COUNT times are kept, as quantised ratios (no order,
no position, no text). Training code: the runtime never imports it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from ..repair import npz
from ..repair.lm import TrigramLM
from ..repair.orthography import skeleton
from .lmbuild import read_exclude
from .topics import cached_corpus_ids, corpus_parser

WINDOW = 8
"""Context units counted on each side of a reading (offsets 1..WINDOW)."""
SKELETONS = 3000
"""Ambiguous skeletons kept: the ones whose readings other than the most frequent are seen most often."""
MIN_READING = 20
"""A reading seen fewer times is left out of its skeleton's table (its pairs would be noise)."""
MIN_COUNT = 3
"""A (skeleton, context unit) pair seen fewer times is dropped: thresholded co-occurrence counts only."""
MIN_PAIR = 2
"""A reading met with a context unit fewer times gets no entry for it (read as 0: no evidence either way). Keeping the
pairs never seen together (each a penalty log10(ALPHA / (count + ALPHA)) of the skeleton's pair count) made the table
2.6 times larger (11.5 M pairs) for no gain on bench/tuning."""
MIN_RATIO = 0.05
"""Log10 ratios smaller than this either way are dropped (read as 0): the unit says nothing of the reading."""
ALPHA = 2.0
"""Additive smoothing of P(reading | skeleton, unit) toward P(reading | skeleton), in pseudo-counts."""
STEP = 0.02
"""Quantisation step of the stored log10 ratios (int8: +-2.54)."""


def ambiguous_readings(uni: np.ndarray, vocab: list[str], skeletons: int = SKELETONS,
                       min_reading: int = MIN_READING) -> tuple[np.ndarray, np.ndarray]:
    """Per LM id its skeleton number among the chosen ones (-1: not kept), and the readings' ids (rows of the table)."""
    by_skel: dict[str, list[int]] = {}
    for i, w in enumerate(vocab):
        if not w.startswith("<") and uni[i] >= min_reading:
            by_skel.setdefault(skeleton(w), []).append(i)
    mass = {s: int(uni[ids].sum() - uni[ids].max()) for s, ids in by_skel.items() if len(ids) > 1}
    chosen = sorted(mass, key=lambda s: -mass[s])[:skeletons]
    skel_of = np.full(len(vocab), -1, dtype=np.int64)
    rows: list[int] = []
    for k, s in enumerate(chosen):
        skel_of[by_skel[s]] = k
        rows += by_skel[s]
    return skel_of, np.array(sorted(rows), dtype=np.int64)


def count_pairs(seq: np.ndarray, ends: np.ndarray, row_of: np.ndarray, n_rows: int, v: int, window: int,
                context_ok: np.ndarray) -> np.ndarray:
    """(rows, v) counts of each reading with each context unit within +-window positions of the same document."""
    doc = np.zeros(len(seq), dtype=np.int32)
    doc[ends[:-1][ends[:-1] < len(seq)]] = 1
    doc = np.cumsum(doc, dtype=np.int32)
    row = row_of[seq]
    at = np.flatnonzero(row >= 0)
    base = row[at].astype(np.int64) * v
    counts = np.zeros(n_rows * v, dtype=np.int64)
    for d in [*range(-window, 0), *range(1, window + 1)]:
        j = at + d
        ok = (j >= 0) & (j < len(seq))
        jj = np.where(ok, j, 0)
        w = seq[jj]
        ok &= context_ok[w] & (doc[jj] == doc[at])
        counts += np.bincount(base[ok] + w[ok], minlength=n_rows * v)
    return counts.reshape(n_rows, v)


def ratios(counts: np.ndarray, rows: np.ndarray, skel_of: np.ndarray, min_count: int = MIN_COUNT,
           alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray]:
    """Log10 P(r | s, w) / P(r | s) per (row, unit) and whether the pair is kept (its skeleton met w >= min_count times)."""
    s = skel_of[rows]
    n_s = int(s.max()) + 1
    skel_counts = np.zeros((n_s, counts.shape[1]), dtype=np.int64)
    np.add.at(skel_counts, s, counts)
    row_tot = counts.sum(axis=1).astype(np.float64)
    skel_tot = np.bincount(s, weights=row_tot, minlength=n_s)
    prior = row_tot / np.maximum(skel_tot[s], 1.0)
    c_sw = skel_counts[s].astype(np.float64)
    post = (counts + alpha * prior[:, None]) / (c_sw + alpha)
    r = np.log10(np.maximum(post, 1e-12) / np.maximum(prior[:, None], 1e-12))
    return r, c_sw >= min_count


def build_context(corpus_paths: list[str], out_path: str | Path, lm_path: str | Path,
                  exclude: frozenset[str] = frozenset(), window: int = WINDOW, skeletons: int = SKELETONS,
                  min_count: int = MIN_COUNT, min_ratio: float = MIN_RATIO, alpha: float = ALPHA,
                  min_pair: int = MIN_PAIR,
                  cache: str | Path | None = None, counts_cache: str | Path | None = None) -> dict:
    """Count the corpus and write the context tables to `out_path`; `cache` keeps the tokenised corpus (an .npz, the
    same as devtools.topics')."""
    t0 = time.time()
    lm = TrigramLM(lm_path)
    vocab, v = lm.vocab, len(lm.vocab)
    seq, ends = cached_corpus_ids(corpus_paths, lm, exclude, cache)
    seq = seq.astype(np.int64)
    uni = np.bincount(seq, minlength=v)
    skel_of, rows = ambiguous_readings(uni, vocab, skeletons)
    row_of = np.full(v, -1, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    context_ok = np.array([not w.startswith("<") for w in vocab])
    if counts_cache is not None and Path(counts_cache).exists():
        counts = np.load(counts_cache)["counts"]
    else:
        counts = count_pairs(seq, ends, row_of, len(rows), v, window, context_ok)
        if counts_cache is not None:
            np.savez(counts_cache, counts=counts.astype(np.int32))
    del seq
    r, kept = ratios(counts, rows, skel_of, min_count, alpha)
    q = np.clip(np.round(r / STEP), -127, 127).astype(np.int8)
    keep = kept & (np.abs(q) >= round(min_ratio / STEP))
    if min_pair:
        keep &= counts >= min_pair
    ri, wi = np.nonzero(keep)
    keys = (ri.astype(np.int64) * v + wi).astype(np.uint32)
    stats = {"tokens": int(uni.sum()), "skeletons": skeletons, "readings": int(len(rows)), "window": window,
             "min_count": min_count, "min_ratio": min_ratio, "alpha": alpha, "min_pair": min_pair,
             "pairs": int(len(keys)),
             "seconds": round(time.time() - t0)}
    save(out_path, [vocab[i] for i in rows], [w for w in vocab], keys, q[ri, wi], stats)
    return stats


def save(path: str | Path, readings: list[str], units: list[str], keys: np.ndarray, values: np.ndarray,
         stats: dict) -> None:
    """Write the tables with the readings and context units as strings (so they do not depend on the LM's ids): one
    dense int8 (readings x units) table, mostly zeros, stored uncompressed (repair.npz: memory-mapped, only the rows a
    text uses are read; deflated, 5.4 MB instead of 23.7, it took 0.48 G instructions to load); `keys` are
    row * len(units) + unit."""
    table = np.zeros(len(readings) * len(units), dtype=np.int8)
    table[np.asarray(keys, dtype=np.int64)] = values
    npz.save(path, {
        "readings": np.frombuffer("\n".join(readings).encode("utf-8"), dtype=np.uint8),
        "units": np.frombuffer("\n".join(units).encode("utf-8"), dtype=np.uint8),
        "table": table.reshape(len(readings), len(units)),
        "step": np.float32(STEP),
        "stats": np.frombuffer(json.dumps(stats).encode(), dtype=np.uint8),
    })


def main(argv: list[str] | None = None) -> None:
    ap = corpus_parser("context", "dictionaries/lm/context.npz")
    ap.add_argument("--window", type=int, default=WINDOW)
    ap.add_argument("--skeletons", type=int, default=SKELETONS)
    ap.add_argument("--min-count", type=int, default=MIN_COUNT)
    ap.add_argument("--min-ratio", type=float, default=MIN_RATIO)
    ap.add_argument("--alpha", type=float, default=ALPHA)
    ap.add_argument("--min-pair", type=int, default=MIN_PAIR,
                    help="keep only readings met with the unit this often (0: every pair of a kept skeleton pair)")
    ap.add_argument("--counts-cache", type=Path, help="an .npz that keeps the pair counts (same window, skeletons)")
    args = ap.parse_args(argv)
    print(build_context(args.corpus, args.output, args.lm, read_exclude(args.exclude), window=args.window,
                        skeletons=args.skeletons, min_count=args.min_count, min_ratio=args.min_ratio,
                        alpha=args.alpha, min_pair=args.min_pair, cache=args.cache, counts_cache=args.counts_cache))


if __name__ == "__main__":
    main()
