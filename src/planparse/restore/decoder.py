"""Viterbi decoding over a document's token lattice with trigram LM x channel scores."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .lm import TrigramLM, pack


@dataclass
class Slot:
    """One lattice position: candidate LM units and their channel costs (log10)."""

    units: list[str]
    costs: list[float]
    ids: np.ndarray = field(default=None)  # type: ignore[assignment]
    title: bool = False


def _triples(slots: list[Slot]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """All (a, b, c) id combinations for every position >= 2, flattened, with per-position shapes."""
    A, B, C, shapes = [], [], [], []
    for i in range(2, len(slots)):
        a, b, c = slots[i - 2].ids, slots[i - 1].ids, slots[i].ids
        ka, kb, kc = len(a), len(b), len(c)
        A.append(np.repeat(a, kb * kc))
        B.append(np.tile(np.repeat(b, kc), ka))
        C.append(np.tile(c, ka * kb))
        shapes.append((ka, kb, kc))
    if not A:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, shapes
    return np.concatenate(A), np.concatenate(B), np.concatenate(C), shapes


def _pair_bonus(slots: list[Slot], B: np.ndarray, C: np.ndarray, shapes, pairs: np.ndarray, bonus: float) -> np.ndarray:
    """Bonus for (b, c) pairs found in `pairs` where both slots are capitalised words (place names)."""
    flags = np.array([slots[i - 1].title and slots[i].title for i in range(2, len(slots))], dtype=bool)
    sizes = np.array([ka * kb * kc for ka, kb, kc in shapes], dtype=np.int64)
    mask = np.repeat(flags, sizes)
    out = np.zeros(len(B))
    if mask.any() and len(pairs):
        q = pack(B[mask], C[mask])
        j = np.minimum(np.searchsorted(pairs, q), len(pairs) - 1)
        out[mask] = np.where(pairs[j] == q, bonus, 0.0)
    return out


def viterbi(lm: TrigramLM, slots: list[Slot], chan_weight: float = 1.0,
            pairs: np.ndarray | None = None, bonus: float = 0.0) -> list[int]:
    """Best candidate index per slot; slots[0:2] must be BOS, the last EOS.

    Slots are padded to a common width K (padding costs 1e9) so every trigram score of the block
    is computed in one vectorised call; the DP loop then only touches K x K x K arrays.
    """
    ids, cost = _lattice(lm, slots, chan_weight)
    n, K = ids.shape
    if n < 3:
        return [0] * n
    shape = (n - 2, K, K, K)
    A = np.broadcast_to(ids[:-2, :, None, None], shape).ravel()
    B = np.broadcast_to(ids[1:-1, None, :, None], shape).ravel()
    C = np.broadcast_to(ids[2:, None, None, :], shape).ravel()
    scores = lm.score(A, B, C)
    if pairs is not None and bonus and len(pairs):
        flags = np.array([slots[i - 1].title and slots[i].title for i in range(2, n)], dtype=bool)
        if flags.any():
            mask = np.broadcast_to(flags[:, None, None, None], shape).ravel()
            q = pack(B[mask], C[mask])
            j = np.minimum(np.searchsorted(pairs, q), len(pairs) - 1)
            scores[mask] += np.where(pairs[j] == q, bonus, 0.0)
    scores = scores.reshape(shape)
    delta = np.full((K, K), -1e18)
    delta[0, 0] = 0.0
    back = np.empty((n - 2, K, K), dtype=np.int64)
    for i in range(2, n):
        tot = delta[:, :, None] + scores[i - 2]
        bp = tot.argmax(axis=0)
        back[i - 2] = bp
        delta = tot.max(axis=0) - cost[i][None, :]
    path = [0] * n
    b, c = np.unravel_index(int(delta.argmax()), delta.shape)
    path[-1], path[-2] = int(c), int(b)
    for i in range(n - 1, 1, -1):
        path[i - 2] = int(back[i - 2][path[i - 1], path[i]])
    return path


def posteriors(lm: TrigramLM, slots: list[Slot], path: list[int], positions: list[int], chan_weight: float = 1.0) -> dict[int, np.ndarray]:
    """Local posterior over each listed position's candidates, neighbours fixed to the best path."""
    n = len(slots)
    chosen = np.array([int(slots[i].ids[path[i]]) for i in range(n)], dtype=np.int64)
    A, B, C, owner = [], [], [], []
    for p in positions:
        z = slots[p].ids
        k = len(z)
        rows = []
        if p >= 2:
            rows.append((np.repeat(chosen[p - 2], k), np.repeat(chosen[p - 1], k), z))
        if 1 <= p and p + 1 < n:
            rows.append((np.repeat(chosen[p - 1], k), z, np.repeat(chosen[p + 1], k)))
        if p + 2 < n:
            rows.append((z, np.repeat(chosen[p + 1], k), np.repeat(chosen[p + 2], k)))
        for a, b, c in rows:
            A.append(a); B.append(b); C.append(c); owner.append((p, k))
    out: dict[int, np.ndarray] = {p: -np.asarray(slots[p].costs, dtype=np.float64) * chan_weight for p in positions}
    if A:
        sc = lm.score(np.concatenate(A), np.concatenate(B), np.concatenate(C))
        off = 0
        for p, k in owner:
            out[p] = out[p] + sc[off:off + k]
            off += k
    res = {}
    for p, v in out.items():
        e = np.power(10.0, v - v.max())
        res[p] = e / e.sum()
    return res


def _lattice(lm: TrigramLM, slots: list[Slot], chan_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """Candidate ids and channel costs padded to a common width (padding costs 1e9)."""
    for s in slots:
        if s.ids is None:
            s.ids = lm.ids(s.units)
    K = max(len(s.ids) for s in slots)
    ids = np.empty((len(slots), K), dtype=np.int64)
    cost = np.full((len(slots), K), 1e9)
    for i, s in enumerate(slots):
        k = len(s.ids)
        ids[i, :k] = s.ids
        ids[i, k:] = s.ids[0]
        cost[i, :k] = np.asarray(s.costs, dtype=np.float64) * chan_weight
    return ids, cost


def prune(lm: TrigramLM, slots: list[Slot], keep: int = 4, chan_weight: float = 1.0) -> list[Slot]:
    """Keep each slot's `keep` best candidates by bigram max-marginals (forward + backward), to cut trigram work."""
    for s in slots:
        if s.ids is None:
            s.ids = lm.ids(s.units)
    if len(slots) < 2 or all(len(s.ids) <= keep for s in slots):
        return slots
    ids, cost = _lattice(lm, slots, chan_weight)
    n, K = ids.shape
    shape = (n - 1, K, K)
    B = np.broadcast_to(ids[:-1, :, None], shape).ravel()
    C = np.broadcast_to(ids[1:, None, :], shape).ravel()
    blocks = lm.score2(B, C).reshape(shape)
    fwd = np.empty((n, K))
    fwd[0] = -cost[0]
    for i in range(1, n):
        fwd[i] = (fwd[i - 1][:, None] + blocks[i - 1]).max(axis=0) - cost[i]
    bwd = np.empty((n, K))
    bwd[-1] = 0.0
    for i in range(n - 2, -1, -1):
        bwd[i] = (blocks[i] + (bwd[i + 1] - cost[i + 1])[None, :]).max(axis=1)
    marg = fwd + bwd
    out = []
    for i, s in enumerate(slots):
        k = len(s.ids)
        if k <= keep:
            out.append(s)
            continue
        order = np.sort(np.argsort(-marg[i, :k], kind="stable")[:keep])
        out.append(Slot([s.units[j] for j in order], [s.costs[j] for j in order], s.ids[order], s.title))
    return out
