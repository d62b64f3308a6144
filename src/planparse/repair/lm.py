"""Syllable trigram LM with interpolated modified Kneser-Ney, stored as sorted uint64 keys in numpy arrays.

Keys pack three 21-bit vocabulary ids; lookups are vectorised with np.searchsorted.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .tokens import BOS, EOS, NUM, UNK, line_units

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


def _discounts(counts: np.ndarray) -> np.ndarray:
    """Modified KN discounts D1, D2, D3+ from count-of-counts."""
    n = [np.count_nonzero(counts == k) for k in (1, 2, 3, 4)]
    n = [max(x, 1) for x in n]
    y = n[0] / (n[0] + 2 * n[1])
    d = np.array([0.0, 1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]])
    return np.clip(d, 0.0, None)


def _disc(counts: np.ndarray, d: np.ndarray) -> np.ndarray:
    return d[np.minimum(counts, 3)]


def _group_sums(keys_ctx: np.ndarray, values: np.ndarray, ctx_sorted: np.ndarray) -> np.ndarray:
    """Sum `values` per context key, aligned to the unique sorted contexts."""
    idx = np.searchsorted(ctx_sorted, keys_ctx)
    out = np.zeros(len(ctx_sorted), dtype=np.float64)
    np.add.at(out, idx, values)
    return out


def corpus_files(paths: list[str], exclude: frozenset[str] = frozenset()) -> list[Path]:
    """The .txt files under `paths`, minus READMEs and any whose path ends with an entry of `exclude`."""
    out = []
    for p in paths:
        for f in sorted(Path(p).rglob("*.txt")) if Path(p).is_dir() else [Path(p)]:
            if f.name.lower().startswith("readme") or any(f.as_posix().endswith(e) for e in exclude):
                continue
            out.append(f)
    return out


def read_exclude(path: str | Path | None) -> frozenset[str]:
    """Entries of an exclusion list (one relative path or file name a line; # comments)."""
    if not path:
        return frozenset()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(ln.split("#")[0].strip() for ln in lines if ln.split("#")[0].strip())


def read_corpus(paths: list[str], min_count: int = 2, exclude: frozenset[str] = frozenset()) -> tuple[list[str], list[np.ndarray]]:
    """Vocabulary (specials first, then by frequency) and one id array per line."""
    lines: list[list[str]] = []
    freq: Counter = Counter()
    for f in corpus_files(paths, exclude):
        for raw in f.read_text(encoding="utf-8", errors="replace").splitlines():
            units = line_units(raw)
            if units:
                lines.append(units)
                freq.update(units)
    vocab = [BOS, EOS, UNK] + [w for w, c in freq.most_common() if c >= min_count and w not in (BOS, EOS, UNK)]
    vocab = vocab[: MASK]
    index = {w: i for i, w in enumerate(vocab)}
    unk = index[UNK]
    seqs = [np.array([0, 0] + [index.get(u, unk) for u in ln] + [1], dtype=np.int64) for ln in lines]
    return vocab, seqs


def estimate(vocab: list[str], seqs: list[np.ndarray], prune3: int = 1, prune2: int = 1) -> dict:
    """Interpolated modified-KN probabilities, returned as ARPA-like numpy tables (log10)."""
    seq = np.concatenate(seqs)
    starts = np.cumsum([0] + [len(s) for s in seqs])[:-1]
    valid = np.ones(len(seq), dtype=bool)
    valid[starts] = False
    valid[starts + 1] = False
    pos = np.nonzero(valid)[0]
    tri = pack(seq[pos - 2], seq[pos - 1], seq[pos])
    k3, c3 = np.unique(tri, return_counts=True)
    a3, b3, w3 = (k3 >> np.uint64(2 * BITS)) & np.uint64(MASK), (k3 >> np.uint64(BITS)) & np.uint64(MASK), k3 & np.uint64(MASK)
    # bigram continuation counts: number of distinct left words of (b, c)
    bc = pack(b3, w3)
    k2, n2 = np.unique(bc, return_counts=True)
    b2, w2 = k2 >> np.uint64(BITS), k2 & np.uint64(MASK)
    # unigram continuation counts
    k1, n1 = np.unique(w2, return_counts=True)
    V = len(vocab)
    cont1 = np.zeros(V)
    cont1[k1.astype(np.int64)] = n1
    p1 = (cont1 + 0.5) / (cont1.sum() + 0.5 * V)

    d3, d2 = _discounts(c3), _discounts(n2)
    # order 2
    ctx2 = pack(a3, b3)
    ctx2_u = np.unique(ctx2)
    ctx1_u = np.unique(b2)
    tot2 = _group_sums(b2, n2.astype(float), ctx1_u)
    dsum2 = _group_sums(b2, _disc(n2, d2), ctx1_u)
    gam2 = dsum2 / tot2
    i2 = np.searchsorted(ctx1_u, b2)
    p2 = np.maximum(n2 - _disc(n2, d2), 0) / tot2[i2] + gam2[i2] * p1[w2.astype(np.int64)]
    # order 3
    tot3 = _group_sums(ctx2, c3.astype(float), ctx2_u)
    dsum3 = _group_sums(ctx2, _disc(c3, d3), ctx2_u)
    gam3 = dsum3 / tot3
    i3 = np.searchsorted(ctx2_u, ctx2)
    p2_of_3 = p2[np.searchsorted(k2, bc)]
    p3 = np.maximum(c3 - _disc(c3, d3), 0) / tot3[i3] + gam3[i3] * p2_of_3

    keep3 = c3 >= prune3
    bo1 = np.zeros(V)
    bo1[ctx1_u.astype(np.int64)] = gam2
    # bigram table holds every bigram that is an n-gram or a trigram context
    bo2_map = np.zeros(len(k2))
    j = np.searchsorted(k2, ctx2_u)
    j = np.minimum(j, len(k2) - 1)
    hit = k2[j] == ctx2_u
    bo2_map[j[hit]] = gam3[hit]
    keep2 = (n2 >= prune2) | (bo2_map > 0)
    return {
        "vocab": vocab,
        "uni_lp": np.log10(p1).astype(np.float32),
        "uni_bo": np.log10(np.where(bo1 > 0, bo1, 1.0)).astype(np.float32),
        "bi_keys": k2[keep2],
        "bi_lp": np.log10(p2[keep2]).astype(np.float16),
        "bi_bo": np.log10(np.where(bo2_map[keep2] > 0, bo2_map[keep2], 1.0)).astype(np.float16),
        "tri_keys": k3[keep3],
        "tri_lp": np.log10(p3[keep3]).astype(np.float16),
        "stats": {"tokens": int(len(pos)), "vocab": V, "trigrams_seen": int(len(k3)), "trigrams_kept": int(keep3.sum()),
                  "bigrams_seen": int(len(k2)), "bigrams_kept": int(keep2.sum()),
                  "d3": [round(float(x), 4) for x in d3[1:]], "d2": [round(float(x), 4) for x in d2[1:]]},
    }


def save(model: dict, out_path: str | Path) -> None:
    """Write the tables compactly (keys as deltas so they compress)."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        vocab=np.frombuffer("\n".join(model["vocab"]).encode("utf-8"), dtype=np.uint8),
        uni_lp=model["uni_lp"], uni_bo=model["uni_bo"],
        bi_dkeys=np.diff(model["bi_keys"], prepend=np.uint64(0)), bi_lp=model["bi_lp"], bi_bo=model["bi_bo"],
        tri_dkeys=np.diff(model["tri_keys"], prepend=np.uint64(0)), tri_lp=model["tri_lp"],
        stats=np.frombuffer(json.dumps(model["stats"]).encode(), dtype=np.uint8),
    )


def build_lm(corpus_paths: list[str], out_path: str | Path, order: int = 3, min_count: int = 2, prune3: int = 1,
             exclude: frozenset[str] = frozenset()) -> dict:
    """Count a corpus and write the compact trigram model; returns build statistics."""
    if order != 3:
        raise ValueError("only order 3 is supported")
    t0 = time.time()
    vocab, seqs = read_corpus([str(p) for p in corpus_paths], min_count=min_count, exclude=exclude)
    model = estimate(vocab, seqs, prune3=prune3)
    save(model, out_path)
    stats = dict(model["stats"])
    stats["seconds"] = round(time.time() - t0, 1)
    stats["bytes"] = Path(out_path).stat().st_size
    return stats


def build_cli(paths: list[str], out: str, order: int = 3, exclude: str | None = None) -> dict:
    """Entry point for `planparse lm build CORPUS... -o OUT [--exclude LIST]`."""
    return build_lm(paths, out, order=order, exclude=read_exclude(exclude))


def syllable_pairs(phrases: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Consecutive syllables inside each phrase (one word or term a line), as string pairs."""
    for phrase in phrases:
        ws = phrase.split()
        yield from zip(ws, ws[1:])


class TrigramLM:
    """Loaded model: vectorised log10 P(c | a, b) over id arrays."""

    def __init__(self, path: str | Path):
        z = np.load(path)
        self.vocab = bytes(z["vocab"]).decode("utf-8").split("\n")
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.uni_lp = z["uni_lp"].astype(np.float32)
        self.uni_bo = z["uni_bo"].astype(np.float32)
        self.bi_keys = np.cumsum(z["bi_dkeys"], dtype=np.uint64)
        self.bi_lp = z["bi_lp"].astype(np.float32)
        self.bi_bo = z["bi_bo"].astype(np.float32)
        self.tri_keys = np.cumsum(z["tri_dkeys"], dtype=np.uint64)
        self.tri_lp = z["tri_lp"].astype(np.float32)
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
        j = np.searchsorted(keys, q)
        j = np.minimum(j, len(keys) - 1)
        return j, keys[j] == q

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
