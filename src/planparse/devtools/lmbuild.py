"""Build the syllable trigram LM (interpolated modified Kneser-Ney) that repair.lm.TrigramLM loads.

Training code: the runtime never imports it (`planparse lm build` does, on demand).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from ..repair.lm import BITS, MASK, pack
from ..repair.tokens import BOS, EOS, UNK, line_units

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
