"""Build the topic tables of the restore stage (dictionaries/lm/topics.npz, loaded by repair.topics).

The corpus is cut into blocks of about BLOCK tokens (a news article, a stretch of a law), each block is described by
its skeletons (what stripped text still shows), and the blocks are clustered (spherical k-means on tf-idf). Per
cluster ("topic") the tables keep the log10 ratio of each unit's frequency in it to that in the whole corpus: word
frequencies only, no n-gram and nothing of one article. Training code: the runtime never imports it.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from ..repair.lm import TrigramLM
from ..repair.orthography import nfc, skeleton
from ..repair.tokens import TOKEN_RE, lm_unit
from .lmbuild import corpus_documents, read_exclude

BLOCK = 1500
"""Tokens per block: documents longer than this (laws, long articles) are cut, so one law is not one topic."""
FEATURES = 2000
"""Skeletons describing a block: the most widespread ones below MAX_DF (function words say nothing of a topic)."""
MAX_DF = 0.25
MIN_DF = 20
TOPICS = 32


def corpus_ids(paths: list[str], lm: TrigramLM, exclude: frozenset[str] = frozenset()) -> tuple[np.ndarray, np.ndarray]:
    """The corpus as one int16 id sequence of the LM's units (lines framed `<s> <s> ... </s>`) and each document's end."""
    index, unk = lm.index, lm.unk
    surface: dict[str, int] = {}
    chunks: list[np.ndarray] = []
    ends: list[int] = []
    buf: list[int] = []
    done = 0
    for _, doc in corpus_documents(paths, exclude):
        for line in doc:
            toks = TOKEN_RE.findall(nfc(line))
            if not toks:
                continue
            buf += (0, 0)
            for t in toks:
                i = surface.get(t)
                if i is None:
                    i = surface[t] = index.get(lm_unit(t), unk)
                    if len(surface) > 3_000_000:
                        surface.clear()
                buf.append(i)
            buf.append(1)
        ends.append(done + len(buf))
        if len(buf) > 1 << 20:
            chunks.append(np.array(buf, dtype=np.int16))
            done += len(buf)
            buf = []
    chunks.append(np.array(buf, dtype=np.int16))
    return np.concatenate(chunks), np.array(ends, dtype=np.int64)


def cached_corpus_ids(paths: list[str], lm: TrigramLM, exclude: frozenset[str] = frozenset(),
                      cache: str | Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """corpus_ids, kept in `cache` (an .npz) between builds: counting the corpus is the slow part of every build."""
    if cache is not None and Path(cache).exists():
        z = np.load(cache)
        return z["seq"], z["ends"]
    seq, ends = corpus_ids(paths, lm, exclude)
    if cache is not None:
        np.savez(cache, seq=seq, ends=ends)
    return seq, ends


def blocks(ends: np.ndarray, size: int = BLOCK) -> np.ndarray:
    """Block boundaries (starts, with the corpus end appended): each document cut into pieces of about `size` tokens."""
    cuts = [0]
    start = 0
    for e in ends.tolist():
        n = e - start
        pieces = max(1, round(n / size))
        cuts += [start + (n * k) // pieces for k in range(1, pieces + 1)]
        start = e
    return np.unique(np.array(cuts, dtype=np.int64))


def skeleton_index(vocab: list[str]) -> tuple[np.ndarray, list[str]]:
    """Per unit, the number of its skeleton (-1 for `<...>` units), and the skeletons."""
    index: dict[str, int] = {}
    of = np.array([-1 if w.startswith("<") else index.setdefault(skeleton(w), len(index)) for w in vocab], dtype=np.int64)
    return of, list(index)


def block_of(bounds: np.ndarray, n: int) -> np.ndarray:
    """The block number of every position."""
    return np.repeat(np.arange(len(bounds) - 1, dtype=np.int32), np.diff(bounds))[:n]


def select_features(skel: np.ndarray, blk: np.ndarray, n_blocks: int, n_skel: int,
                    features: int = FEATURES) -> tuple[np.ndarray, np.ndarray]:
    """Feature skeletons (block frequency between MIN_DF and MAX_DF, the most widespread `features`) and their idf."""
    ok = skel >= 0
    pairs = np.unique(blk[ok].astype(np.int64) * n_skel + skel[ok])
    df = np.bincount(pairs % n_skel, minlength=n_skel)
    cand = np.flatnonzero((df >= MIN_DF) & (df <= MAX_DF * n_blocks))
    chosen = np.sort(cand[np.argsort(-df[cand], kind="stable")[:features]])
    return chosen, np.log(n_blocks / df[chosen]).astype(np.float32)


def tfidf(feature_of: np.ndarray, idf: np.ndarray, blk: np.ndarray, n_blocks: int, rows: int = 20_000) -> np.ndarray:
    """(blocks, features) L2-normalised log(1 + tf) * idf; `feature_of` maps each position to its feature (-1: none)."""
    F = len(idf)
    X = np.zeros((n_blocks, F), dtype=np.float32)
    ok = feature_of >= 0
    b, f = blk[ok], feature_of[ok]
    for r0 in range(0, n_blocks, rows):
        sel = (b >= r0) & (b < r0 + rows)
        counts = np.bincount((b[sel] - r0).astype(np.int64) * F + f[sel], minlength=rows * F)[:min(rows, n_blocks - r0) * F]
        X[r0:r0 + rows] = np.log1p(counts.reshape(-1, F)) * idf
    X /= np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-9)
    return X


def kmeans(X: np.ndarray, k: int, iters: int = 20, seed: int = 14) -> tuple[np.ndarray, np.ndarray]:
    """Spherical k-means: (k, F) unit centroids and each row's cluster (a row of zeros joins cluster 0)."""
    rng = np.random.default_rng(seed)
    C = X[rng.choice(len(X), size=k, replace=False)].copy()
    assign = np.zeros(len(X), dtype=np.int64)
    for _ in range(iters):
        assign = np.concatenate([(X[r:r + 50_000] @ C.T).argmax(axis=1) for r in range(0, len(X), 50_000)])
        for j in range(k):
            members = X[assign == j]
            if len(members):
                c = members.sum(axis=0)
                C[j] = c / max(float(np.linalg.norm(c)), 1e-9)
            else:
                C[j] = X[rng.integers(len(X))]
    return C, assign


def unit_ratios(seq: np.ndarray, topic_at: np.ndarray, k: int, v: int, blk: np.ndarray | None = None,
                assign: np.ndarray | None = None, presence: float = 0.0) -> np.ndarray:
    """(k, v) log10 of each unit's smoothed frequency in the topic over its frequency in the whole corpus; with
    `presence` (and each position's block `blk`, each block's topic `assign`), that share of the log ratio is the one of
    the share of the topic's blocks that hold the unit (see PRESENCE)."""
    n = np.bincount(topic_at.astype(np.int64) * v + seq, minlength=k * v).reshape(k, v).astype(np.float64)
    total = n.sum(axis=0)
    p_k = (n + 1.0) / (n.sum(axis=1, keepdims=True) + v)
    p = (total + 1.0) / (total.sum() + v)
    ratio = np.log10(p_k / p)
    if not presence or blk is None or assign is None:
        return ratio
    held = np.unique(blk.astype(np.int64) * v + seq)
    assign = np.asarray(assign, dtype=np.int64)
    m = np.bincount(assign[held // v] * v + held % v, minlength=k * v).reshape(k, v).astype(np.float64)
    per_topic = np.bincount(assign, minlength=k).astype(np.float64)
    held_ratio = np.log10(((m + 1.0) / (per_topic[:, None] + 2.0)) / ((m.sum(axis=0) + 1.0) / (len(assign) + 2.0)))
    return (1.0 - presence) * ratio + presence * held_ratio


PRESENCE = 0.75
"""Share of the topic ratio taken from block presence (how many of a topic's blocks hold the unit, against all blocks)
instead of token frequency: one article that repeats a word (a crocodile farm's `sấu`, a dairy's `sữa chua`) makes it
a word of its topic by frequency, and the farming topic read a shrimp plan's `sửa chữa cống` as `sữa chua công`,
`rầy, sâu` as `sấu`. Errors (stripped bench/tuning + bench/tuning/more, the same as eng OCR, the 14 unmeasured extra/
documents stripped, seeds 000/001 %), against 230, 392, 221, 97.43 / 98.26 with token frequency only (the shipped table
of the 5,182-unit LM; rebuilt on the current LM: 229, 394, 222): 0.75 227, 385, 221, 97.43 / 98.22 (shipped); 1 (presence
only) 219, 383, 226, 97.43 / 98.15, with topics.UNIT_WEIGHT 1.25 220, 384, 224, 98.22, 0.8 224, 385, 223; 0.5 232, 385,
220, 98.26; token counts clipped at 1 / 2 / 3 per block instead: 221, 387, 226 / 224, 385, 225 / 226, 387, 223. The
more presence, the fewer errors in plans and the more in news articles (bursty words are the news topics' own)."""


def quantise(x: np.ndarray, step: float) -> np.ndarray:
    return np.clip(np.round(x / step), -127, 127).astype(np.int8)


STEP = 0.02
"""log10 resolution of the stored ratios (int8: up to +-2.54)."""


def save(path: str | Path, vocab: list[str], skeletons: list[str], features: np.ndarray, idf: np.ndarray, C: np.ndarray,
         uni: np.ndarray, stats: dict) -> None:
    """Write the tables with words as strings (units, feature skeletons), so they do not depend on the LM's ids."""
    words = [w for w in vocab if not w.startswith("<")]
    word_ids = np.array([i for i, w in enumerate(vocab) if not w.startswith("<")])
    np.savez_compressed(
        path,
        units=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
        unit_ratio=quantise(uni[:, word_ids], STEP),
        features=np.frombuffer("\n".join(skeletons[f] for f in features).encode("utf-8"), dtype=np.uint8),
        idf=idf.astype(np.float16),
        centroids=C.astype(np.float16),
        step=np.float32(STEP),
        stats=np.frombuffer(json.dumps(stats).encode(), dtype=np.uint8),
    )


def build_topics(corpus_paths: list[str], out_path: str | Path, lm_path: str | Path, exclude: frozenset[str] = frozenset(),
                 k: int = TOPICS, cache: str | Path | None = None, presence: float = PRESENCE) -> dict:
    """Cluster the corpus blocks into `k` topics and write their tables to `out_path`; `cache` keeps the tokenised
    corpus (an .npz) between builds."""
    t0 = time.time()
    lm = TrigramLM(lm_path)
    v = len(lm.vocab)
    seq, ends = cached_corpus_ids(corpus_paths, lm, exclude, cache)
    seq = seq.astype(np.int32)
    bounds = blocks(ends)
    blk = block_of(bounds, len(seq))
    n_blocks = len(bounds) - 1
    skel_of, skeletons = skeleton_index(lm.vocab)
    skel = skel_of[seq]
    features, idf = select_features(skel, blk, n_blocks, len(skeletons))
    feat_no = np.full(len(skeletons) + 1, -1, dtype=np.int64)
    feat_no[features] = np.arange(len(features))
    X = tfidf(feat_no[skel], idf, blk, n_blocks)
    del skel
    C, assign = kmeans(X, k)
    del X
    topic_at = assign.astype(np.int32)[blk]
    uni = unit_ratios(seq, topic_at, k, v, blk, assign, presence)
    sizes = np.bincount(topic_at, minlength=k)
    del topic_at
    stats = {"tokens": int(len(seq)), "blocks": int(n_blocks), "topics": k, "presence": presence,
             "topic_tokens": sizes.tolist(),
             "seconds": round(time.time() - t0)}
    save(out_path, lm.vocab, skeletons, features, idf, C, uni, stats)
    return stats


def corpus_parser(what: str, output: str) -> argparse.ArgumentParser:
    """The command line shared by the builders of the restore stage's corpus tables (topics, context): the corpus, what
    to leave out, the LM whose units are counted, the tokenised-corpus cache and the output file."""
    ap = argparse.ArgumentParser(description=f"Build the {what} tables of the restore stage ({output}).")
    ap.add_argument("corpus", nargs="+", help="corpus folders or files (.txt, .txt.xz)")
    ap.add_argument("--exclude", type=Path, help="corpus files and documents to leave out (dictionaries/lm/heldout.txt)")
    ap.add_argument("--lm", type=Path, default=Path("dictionaries/lm/trigram.npz"), help="the LM whose units are counted")
    ap.add_argument("--cache", type=Path, help="an .npz that keeps the tokenised corpus between builds")
    ap.add_argument("-o", "--output", type=Path, default=Path(output))
    return ap


def main(argv: list[str] | None = None) -> None:
    ap = corpus_parser("topic", "dictionaries/lm/topics.npz")
    ap.add_argument("--topics", type=int, default=TOPICS)
    ap.add_argument("--presence", type=float, default=PRESENCE, help="share of the ratio from block presence (PRESENCE)")
    args = ap.parse_args(argv)
    print(build_topics(args.corpus, args.output, args.lm, read_exclude(args.exclude), k=args.topics, cache=args.cache,
                       presence=args.presence))


if __name__ == "__main__":
    main()
