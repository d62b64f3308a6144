"""Build the syllable trigram LM (interpolated modified Kneser-Ney) that repair.lm.TrigramLM loads.

Training code: the runtime never imports it (`planparse lm build` does, on demand).
"""

from __future__ import annotations

import json
import lzma
import re
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..repair import npz
from ..repair.lm import BITS, MASK, NgramKeys, dense_key, pack
from ..repair.orthography import is_valid_syllable, nfc
from ..repair.tokens import BOS, EOS, TOKEN_RE, UNK, lm_unit

PRUNE = 2
"""n-grams seen fewer times are dropped (trigrams by count, bigrams by distinct left words) unless a kept trigram needs
them: on 70 M tokens this keeps the model small without costing accuracy."""
RAW_SHARE = 0.25
"""Share of plain frequency in the unigram (see estimate): on the development seeds 0.25 beat 0 and 0.5."""
MIN_OTHER = 10
"""A unit that is not a Vietnamese syllable must be this frequent in the core text to be a word of its own: rarer ones
(`by`, stray letters) let OCR garbage stand as printed instead of being repaired."""
MAX_VOCAB = 12_000
"""At most this many units that are not Vietnamese syllables (abbreviations, codes); every valid syllable is kept
besides. A vocabulary of 120,000 units (mostly foreign names and typos) made start-up four times slower."""


def _discounts(counts: np.ndarray) -> np.ndarray:
    """Modified KN discounts D1, D2, D3+ from count-of-counts."""
    n = [max(int(np.count_nonzero(counts == k)), 1) for k in (1, 2, 3, 4)]
    y = n[0] / (n[0] + 2 * n[1])
    d = np.array([0.0, 1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]])
    return np.clip(d, 0.0, None)


def _disc(counts: np.ndarray, d: np.ndarray) -> np.ndarray:
    return d[np.minimum(counts, 3)]


def _group_sums(keys_ctx: np.ndarray, values: np.ndarray, ctx_sorted: np.ndarray) -> np.ndarray:
    """Sum `values` per context key, aligned to the unique sorted contexts."""
    return np.bincount(np.searchsorted(ctx_sorted, keys_ctx), weights=values, minlength=len(ctx_sorted))


def corpus_files(paths: list[str], exclude: frozenset[str] = frozenset(), compressed: bool = False) -> list[Path]:
    """The .txt files (and .txt.xz when `compressed`) under `paths`, minus READMEs and whole files listed in `exclude`."""
    suffixes = (".txt", ".txt.xz") if compressed else (".txt",)
    out = []
    for p in paths:
        found = sorted(f for f in Path(p).rglob("*") if f.name.endswith(suffixes)) if Path(p).is_dir() else [Path(p)]
        for f in found:
            if f.name.lower().startswith("readme") or any(f.as_posix().endswith(e) for e in exclude):
                continue
            out.append(f)
    return out


def read_exclude(path: str | Path | None) -> frozenset[str]:
    """Entries of an exclusion list: a path suffix a line (a whole file), or `suffix#N` (document N of a file whose
    documents are separated by blank lines, as in corpus/extra); # starts a comment unless it is followed by a digit."""
    if not path:
        return frozenset()
    out = set()
    for ln in Path(path).read_text(encoding="utf-8").splitlines():
        entry = re.split(r"#(?!\d)", ln)[0].strip()
        if entry:
            out.add(entry)
    return frozenset(out)


def read_lines(path: Path) -> Iterator[str]:
    """Lines of a UTF-8 corpus file, xz-compressed or not, streamed."""
    opener = lzma.open if path.name.endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            yield line.rstrip("\n")


def documents(path: Path) -> Iterator[list[str]]:
    """The documents of a corpus file: a .txt file is one document; a .txt.xz file holds many, separated by blank lines."""
    if not path.name.endswith(".xz"):
        yield list(read_lines(path))
        return
    doc: list[str] = []
    for line in read_lines(path):
        if line.strip():
            doc.append(line)
        elif doc:
            yield doc
            doc = []
    if doc:
        yield doc


def corpus_documents(paths: list[str], exclude: frozenset[str] = frozenset()) -> Iterator[tuple[str, list[str]]]:
    """(name, lines) of every document under `paths` not in `exclude`; a name is `path` or `path#N`."""
    held: dict[str, set[int]] = {}
    for e in exclude:
        base, _, n = e.partition("#")
        if n.isdigit():
            held.setdefault(base, set()).add(int(n))
    for f in corpus_files(paths, exclude, compressed=True):
        skip: set[int] = next((v for k, v in held.items() if f.as_posix().endswith(k)), set())
        for k, doc in enumerate(documents(f)):
            if k not in skip:
                yield (f"{f.as_posix()}#{k}" if f.name.endswith(".xz") else f.as_posix()), doc


class Tokens:
    """Streams lines to unit ids: ids in first-seen order (a dict of units, never of n-grams), a line framed as
    `<s> <s> ... </s>`, kept in int32 chunks."""

    def __init__(self) -> None:
        self.index = {BOS: 0, EOS: 1, UNK: 2}
        self.surface: dict[str, int] = {}
        self.chunks: list[np.ndarray] = []
        self.buf: list[int] = []

    def add_line(self, line: str) -> None:
        toks = TOKEN_RE.findall(nfc(line))
        if not toks:
            return
        index, surface, buf = self.index, self.surface, self.buf
        buf += (0, 0)
        for t in toks:
            i = surface.get(t)
            if i is None:
                i = surface[t] = index.setdefault(lm_unit(t), len(index))
                if len(surface) > 4_000_000:
                    surface.clear()
            buf.append(i)
        buf.append(1)
        if len(buf) > 1 << 20:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.chunks.append(np.array(self.buf, dtype=np.int32))
            self.buf = []

    def sequence(self) -> np.ndarray:
        self.flush()
        return np.concatenate(self.chunks) if self.chunks else np.zeros(0, dtype=np.int32)

    def words(self) -> list[str]:
        out = [""] * len(self.index)
        for w, i in self.index.items():
            out[i] = w
        return out


def read_corpus(paths: list[str], min_count: int = 2, exclude: frozenset[str] = frozenset(), max_vocab: int = MAX_VOCAB,
                core: list[str] | None = None, core_weight: int = 1, min_other: int = MIN_OTHER,
                rare_from: list[str] | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Vocabulary (specials first, then by frequency), the whole corpus as one framed id sequence (see Tokens), and
    per position whether it comes from the `rare_from` documents (default: all), whose rare n-grams may be kept.

    The vocabulary holds every valid Vietnamese syllable seen >= min_count, and the other units (abbreviations such
    as `ubnd`, codes, foreign words) seen >= min_other times in the `core` documents (default: all), at most
    `max_vocab` of them. `core` names the folders the model is for (laws, decrees); their documents count `core_weight` times.
    General text (news, encyclopaedia) then adds syllables and contexts, but not English words such as `by` or
    `the`, which would let OCR garbage stand as a word.
    """
    roots = [Path(c).as_posix() for c in core] if core is not None else None
    open_roots = [Path(c).as_posix() for c in rare_from] if rare_from is not None else None
    tok = Tokens()
    core_chunks: list[bool] = []
    open_chunks: list[bool] = []
    for name, doc in corpus_documents(paths, exclude):
        is_core = roots is None or any(name.startswith(r) for r in roots)
        for _ in range(core_weight if is_core else 1):
            for line in doc:
                tok.add_line(line)
        tok.flush()
        added = len(tok.chunks) - len(core_chunks)
        core_chunks += [is_core] * added
        open_chunks += [open_roots is None or any(name.startswith(r) for r in open_roots)] * added
    seq = tok.sequence()
    rare_ok = np.repeat(np.array(open_chunks, dtype=bool), [len(c) for c in tok.chunks]) if tok.chunks else np.zeros(0, bool)
    words = tok.words()
    freq = np.bincount(seq, minlength=len(words))
    core_freq = np.zeros(len(words), dtype=np.int64)
    for chunk, c in zip(tok.chunks, core_chunks):
        if c:
            core_freq += np.bincount(chunk, minlength=len(words))
    freq[:3] = core_freq[:3] = np.iinfo(np.int64).max
    order = np.argsort(-freq, kind="stable")
    order = order[freq[order] >= min_count]
    syllable = np.array([words[i].startswith("<") or is_valid_syllable(words[i]) for i in order], dtype=bool)
    other = order[~syllable & (core_freq[order] >= max(min_count, min_other * core_weight))][:max_vocab]
    keep = order[syllable | np.isin(order, other)]
    remap = np.full(len(words), 2, dtype=np.int32)
    remap[keep] = np.arange(len(keep), dtype=np.int32)
    return [words[i] for i in keep], remap[seq], rare_ok


def estimate(vocab: list[str], seq: np.ndarray, prune3: int = 1, prune2: int = 1, raw_share: float = 0.0,
             rare_ok: np.ndarray | None = None, renormalise: bool = False) -> dict:
    """Interpolated modified-KN probabilities of a framed id sequence (see Tokens), as ARPA-like numpy tables (log10).

    `raw_share` of the unigram distribution is the plain frequency instead of the continuation count: the unigram
    also ranks a token's candidates, and pure KN sinks syllables that follow one word only (`dõi` of `theo dõi`).

    Trigrams seen fewer than `prune3` times are dropped after estimation, unless `rare_ok` (a mask over `seq`) marks
    one of their occurrences: rare trigrams are kept from text that is not protected by copyright only, so no rare
    span of copyrighted text can be chained back out of the model.
    A pruned context keeps its interpolation weight as backoff weight, or with `renormalise` gets the weight that
    makes its distribution sum to one again (the pruned n-grams' mass goes to the lower order): better perplexity,
    no better restoration on bench/tuning (dictionaries/README.md), so the shipped model is built without it.
    """
    parts, ntok, step = [], 0, 1 << 24
    for lo in range(2, len(seq), step):
        pos = lo + np.nonzero(seq[lo:lo + step] != 0)[0]
        parts.append(pack(seq[pos - 2], seq[pos - 1], seq[pos]))
        ntok += len(pos)
    tri = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint64)
    del parts
    tri.sort()
    edge = np.flatnonzero(np.diff(tri)) + 1
    k3 = tri[np.concatenate([[0], edge])] if len(tri) else tri
    c3 = np.diff(np.concatenate([[0], edge, [len(tri)]])).astype(np.int64) if len(tri) else np.zeros(0, np.int64)
    del tri, edge
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
    freq1 = np.bincount(seq, minlength=V).astype(float)
    freq1[0] = 0
    p1 = (1 - raw_share) * (cont1 + 0.5) / (cont1.sum() + 0.5 * V) + raw_share * (freq1 + 0.5) / (freq1.sum() + 0.5 * V)

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
    if rare_ok is not None:
        keep3 |= np.isin(k3, _open_trigrams(seq, rare_ok))
    needed = np.unique(np.concatenate([ctx2[keep3], bc[keep3]]))  # contexts and suffixes of kept trigrams
    j = np.minimum(np.searchsorted(k2, needed), len(k2) - 1)
    keep2 = n2 >= prune2
    keep2[j[k2[j] == needed]] = True
    if renormalise:
        gam3 = _backoff(i3[keep3], p3[keep3], p2_of_3[keep3], len(ctx2_u))
        gam2 = _backoff(i2[keep2], p2[keep2], p1[w2[keep2].astype(np.int64)], len(ctx1_u))
    bo1 = np.zeros(V)
    bo1[ctx1_u.astype(np.int64)] = gam2
    # bigram table holds every bigram that is an n-gram or a trigram context
    bo2_map = np.zeros(len(k2))
    j = np.searchsorted(k2, ctx2_u)
    j = np.minimum(j, len(k2) - 1)
    hit = k2[j] == ctx2_u
    bo2_map[j[hit]] = gam3[hit]
    return {
        "vocab": vocab,
        "uni_lp": np.log10(p1).astype(np.float32),
        "uni_bo": np.log10(np.where(bo1 > 0, bo1, 1.0)).astype(np.float32),
        "bi_keys": k2[keep2],
        "bi_lp": np.log10(p2[keep2]).astype(np.float16),
        "bi_bo": np.log10(np.where(bo2_map[keep2] > 0, bo2_map[keep2], 1.0)).astype(np.float16),
        "tri_keys": k3[keep3],
        "tri_lp": np.log10(p3[keep3]).astype(np.float16),
        "stats": {"tokens": int(ntok), "vocab": V, "trigrams_seen": int(len(k3)), "trigrams_kept": int(keep3.sum()),
                  "bigrams_seen": int(len(k2)), "bigrams_kept": int(keep2.sum()),
                  "d3": [round(float(x), 4) for x in d3[1:]], "d2": [round(float(x), 4) for x in d2[1:]]},
    }


def _backoff(ctx: np.ndarray, p_kept: np.ndarray, lower_kept: np.ndarray, n_ctx: int) -> np.ndarray:
    """Per context, the backoff weight that makes its distribution sum to one after pruning: the mass of the pruned
    n-grams over the lower order's mass of the words not kept, (1 - sum kept p) / (1 - sum kept p_lower)."""
    num = 1.0 - np.bincount(ctx, weights=p_kept, minlength=n_ctx)
    den = 1.0 - np.bincount(ctx, weights=lower_kept, minlength=n_ctx)
    return np.clip(num, 1e-12, None) / np.clip(den, 1e-12, None)


def _open_trigrams(seq: np.ndarray, rare_ok: np.ndarray) -> np.ndarray:
    """Sorted keys of the trigrams ending at the positions `rare_ok` marks (sentence starts excluded, as in estimate)."""
    pos = np.flatnonzero(rare_ok[2:] & (seq[2:] != 0)) + 2
    return np.unique(pack(seq[pos - 2], seq[pos - 1], seq[pos]))


def quantise(values: np.ndarray, levels: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """uint8 codes and a float32 codebook (the mean of each quantile bin) for a table of log probabilities."""
    v = np.asarray(values, dtype=np.float32)
    if len(v) == 0:
        return np.zeros(0, np.uint8), np.zeros(1, np.float32)
    edges = np.unique(np.quantile(v, np.linspace(0, 1, levels + 1)[1:-1]))
    codes = np.searchsorted(edges, v).astype(np.uint8)
    n = np.bincount(codes, minlength=len(edges) + 1)
    book = np.bincount(codes, weights=v, minlength=len(edges) + 1) / np.maximum(n, 1)
    return codes, book.astype(np.float32)


def low_key_deltas(keys: np.ndarray, n: int, v: int, name: str) -> dict[str, np.ndarray]:
    """Keys of `n` 21-bit ids (as estimate makes them) rewritten in base `v` and split as repair.lm.NgramKeys holds
    them, as repair.lm.read_low_keys reads them back: the start of each high word's run and the uint32 deltas of the
    low words (wrapping where the high word changes), whose low halves are a uint16 array and whose high halves,
    rarely not 0 (3 % of the trigrams', none of the bigrams'), are listed apart."""
    ids = [(np.asarray(keys, dtype=np.uint64) >> np.uint64(BITS * (n - 1 - k))) & np.uint64(MASK) for k in range(n)]
    return low_deltas(NgramKeys.from_keys(dense_key(ids, v)), name)


def low_deltas(table: NgramKeys, name: str) -> dict[str, np.ndarray]:
    """The arrays of low_key_deltas for keys already held as NgramKeys."""
    d = np.diff(table.low, prepend=np.uint32(0)).astype(np.uint32)
    at = np.flatnonzero(d >> np.uint32(16)).astype(np.uint32)
    return {f"{name}_d16": (d & np.uint32(0xFFFF)).astype(np.uint16), f"{name}_dhi_at": at,
            f"{name}_dhi": (d[at] >> np.uint32(16)).astype(np.uint16), f"{name}_start": table.start}


def save(model: dict, out_path: str | Path) -> None:
    """Write the tables: keys as low-word deltas (low_key_deltas), n-gram log probs and backoffs as 8-bit codes, every
    array stored uncompressed (repair.npz: read without inflating, 28 MB -> 18 MB of deltas; deflated byte planes of
    the deltas made an 11.6 MB file that took 0.7 G instructions to load)."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    arrays = {"vocab": np.frombuffer("\n".join(model["vocab"]).encode("utf-8"), dtype=np.uint8),
              "uni_lp": model["uni_lp"], "uni_bo": model["uni_bo"],
              "stats": np.frombuffer(json.dumps(model["stats"]).encode(), dtype=np.uint8)}
    v = len(model["vocab"])
    arrays |= low_key_deltas(model["bi_keys"], 2, v, "bi") | low_key_deltas(model["tri_keys"], 3, v, "tri")
    for name in ("bi_lp", "bi_bo", "tri_lp"):
        arrays[name + "_q"], arrays[name + "_book"] = quantise(model[name])
    npz.save(out, arrays)


def reverse_lines(seq: np.ndarray) -> np.ndarray:
    """A framed id sequence (see Tokens: `<s> <s> w1 ... wn </s>` a line) with each line's words in reverse order,
    `<s> <s> wn ... w1 </s>`: the training stream of a right-to-left model (measured in the decoder on branch hbidir7,
    not adopted: dictionaries/README.md)."""
    seq = np.asarray(seq)
    out = seq.copy()
    content = seq >= 2
    # a line's words lie between its second <s> and its </s>; p -> first + last - p inside each run
    edge = np.diff(np.concatenate([[False], content, [False]]).astype(np.int8))
    first, stop = np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)
    runs = np.repeat(first + stop - 1, stop - first)
    pos = np.flatnonzero(content)
    out[runs - pos] = seq[pos]
    return out


def build_lm(corpus_paths: list[str], out_path: str | Path, order: int = 3, min_count: int = 2, prune3: int = PRUNE,
             exclude: frozenset[str] = frozenset(), max_vocab: int = MAX_VOCAB, prune2: int = PRUNE,
             core: list[str] | None = None, core_weight: int = 1, min_other: int = MIN_OTHER,
             raw_share: float = RAW_SHARE, rare_from: list[str] | None = None, renormalise: bool = False,
             reverse: bool = False, cache: str | Path | None = None) -> dict:
    """Count a corpus and write the compact trigram model; returns build statistics. Trigrams seen fewer than
    `prune3` times are kept when they occur in the `rare_from` documents (text not protected by copyright).
    `reverse` counts every line right to left (the same vocabulary and ids, see reverse_lines). `cache` (an .npz path)
    keeps the tokenised corpus (vocabulary, id sequence, rare mask) and reads it back when it exists: a second build
    over the same corpus and options skips the ~5 min of tokenising."""
    if order != 3:
        raise ValueError("only order 3 is supported")
    t0 = time.time()
    if cache is not None and Path(cache).exists():
        with np.load(cache) as z:
            vocab = bytes(z["vocab"]).decode("utf-8").split("\n")
            seq, rare_ok = z["seq"], z["rare_ok"]
    else:
        vocab, seq, rare_ok = read_corpus([str(p) for p in corpus_paths], min_count=min_count, exclude=exclude,
                                          max_vocab=max_vocab, core=core, core_weight=core_weight,
                                          min_other=min_other, rare_from=rare_from)
        if cache is not None:
            np.savez(cache, vocab=np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8), seq=seq,
                     rare_ok=rare_ok)
    if reverse:
        seq = reverse_lines(seq)  # rare_ok marks whole documents: the same after reversing lines
    model = estimate(vocab, seq, prune3=prune3, prune2=prune2, raw_share=raw_share,
                     rare_ok=rare_ok if rare_from is not None else None, renormalise=renormalise)
    del seq
    save(model, out_path)
    stats = dict(model["stats"])
    stats["seconds"] = round(time.time() - t0, 1)
    stats["bytes"] = Path(out_path).stat().st_size
    return stats


def build_cli(paths: list[str], out: str, order: int = 3, exclude: str | None = None, prune: int = PRUNE,
              min_count: int = 2, max_vocab: int = MAX_VOCAB) -> dict:
    """Entry point for `planparse lm build CORPUS... -o OUT [--exclude LIST] [--prune N]`."""
    return build_lm(paths, out, order=order, exclude=read_exclude(exclude), prune3=prune, prune2=prune,
                    min_count=min_count, max_vocab=max_vocab)
