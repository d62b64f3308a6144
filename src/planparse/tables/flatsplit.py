"""Split the lines of one flattened table row into its columns' cells.

Each line of a flattened row is its columns' fragments read across, in column order, some empty. A beam search
goes down the row's lines; on each line every split into ordered fragments is scored at once (numpy) by the
syllable trigram LM, each column's text read as one sentence (continuing a column across lines scores as an
n-gram, a column boundary as an end and a new start), plus the column grammars of `flat` (unit heads for lead
and partners, deadline phrases, document kinds for the product) where a cell starts and on the finished cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations_with_replacement
from math import comb
from typing import NamedTuple

import numpy as np

from ..repair.lm import TrigramLM
from ..repair.tokens import TOKEN_RE, lm_unit
from ._text import clean

BOS, EOS = 0, 1
"""Ids of `<s>` and `</s>` in the LM's vocabulary (its first two units)."""
BEAM = 8
"""Partial splits of a row kept from line to line (4 lost cells on the tuning tables, 16 gained none)."""
MAX_SPLITS = 4000
"""Above this many ways to split one line, only the likeliest boundaries are tried (see _boundaries)."""
NEG = -1e9


@dataclass(frozen=True)
class Grammar:
    """Role scores (log10 units, added to the LM's) of the columns of one table."""

    roles: tuple[str, ...]
    start: Callable[[str, str, str], float]
    """start(role, token, skeleton of the rest of the line) -> score of a cell of that role starting there."""
    cell: Callable[[str, str], float]
    """cell(role, text) -> score of a finished cell of that role."""
    cont: Callable[[str], float]
    """cont(token) -> score of a cell's wrapped text going on with that token (rarely a capitalised common word)."""
    off_centre: float
    """Cost of a cell neither vertically centred in its row nor at its top."""
    task_late: float
    """Cost of a line with text while the task (the row's widest, tallest cell) has not begun."""
    widths: tuple[float, ...] | None = None
    """Per column, its width in characters as measured on the table (None before it is)."""
    width_cost: float = 0.0
    """Cost of a fragment wider than its column, or of wrapped text whose first word fitted on the line above."""
    sentence_roles: tuple[str, ...] = ("task",)
    """Roles whose cells are sentences: a capitalised common word inside them costs as a wrapped line's start."""


@dataclass(frozen=True)
class FlatLine:
    """One line ready for splitting: surface tokens, their LM units and the in-line trigram scores."""

    toks: tuple[str, ...]
    ids: np.ndarray
    starts: np.ndarray
    """Unit index where each token starts; starts[n] is the number of units."""
    cum: np.ndarray
    """cum[u]: sum of log10 P(unit v | the two before it on the line) for 2 <= v < u."""
    bonus: np.ndarray
    """bonus[c, k]: grammar score of column c's cell starting at token k."""
    cont: np.ndarray
    """cont[k]: grammar score of a wrapped fragment (a cell's continuation) starting at token k."""
    cont_sum: np.ndarray
    """cont_sum[k]: sum of cont[:k] (the cost of the capitalised words inside a sentence cell)."""
    offs: np.ndarray
    """Character offset of each token in the tokens joined by spaces; offs[n] is that text's length + 1."""
    key: int = -1
    """The caller's index of the line (a fragment's provenance: `State.spans`)."""


JUNK = re.compile(r"^[^\w\-–&]+$|^[^\w]{2,}$")
"""A token with no letter or digit (OCR specks: `<`, `\\`, `|`, `.`) other than a dash or ampersand."""


def tokens(text: str) -> tuple[str, ...]:
    """The tokens a line is split into: its words, specks dropped."""
    return tuple(t for t in clean(text).split() if not JUNK.match(t))


def prepare(lm: TrigramLM, text: str, skel1, grammar: Grammar, key: int = -1) -> FlatLine:
    """Tokens of one line (specks dropped) with their units, in-line scores and grammar scores."""
    toks = tokens(text)
    units: list[str] = []
    starts = [0]
    for t in toks:
        units += [lm_unit(u) for u in TOKEN_RE.findall(t)] or ["<p>"]
        starts.append(len(units))
    ids = lm.ids(units)
    lp = np.zeros(len(ids) + 1, dtype=np.float64)
    if len(ids) > 2:
        lp[3:] = lm.score(ids[:-2], ids[1:-1], ids[2:])
    sk = skel1(" ".join(toks))
    offs, o = [], 0
    for t in toks:
        offs.append(o)
        o += len(t) + 1
    bonus = np.array([[grammar.start(r, t, sk[o:]) for t, o in zip(toks, offs)] for r in grammar.roles]).reshape(
        len(grammar.roles), len(toks))
    cont = np.array([grammar.cont(t) for t in toks])
    return FlatLine(toks, ids, np.asarray(starts), np.cumsum(lp), bonus, cont, np.concatenate([[0.0], np.cumsum(cont)]),
                    np.asarray(offs + [o]), key)


@lru_cache(maxsize=256)
def _splits(n: int, cols: int, allowed: tuple[int, ...] | None) -> np.ndarray:
    """All ordered splits of n tokens into `cols` fragments (possibly empty): boundaries (M, cols + 1)."""
    inner = allowed if allowed is not None else tuple(range(n + 1))
    combos = np.array(list(combinations_with_replacement(inner, cols - 1)), dtype=np.int64).reshape(-1, cols - 1)
    out = np.empty((len(combos), cols + 1), dtype=np.int64)
    out[:, 0], out[:, -1] = 0, n
    out[:, 1:-1] = combos
    return out


def _boundaries(line: FlatLine, cols: int) -> tuple[int, ...] | None:
    """Token offsets where a fragment may begin, when trying them all would pass MAX_SPLITS: the line's ends, tokens
    not in lower case, then the tokens the LM least expects after the two units before them."""
    n = len(line.toks)
    if comb(n + cols - 1, cols - 1) <= MAX_SPLITS:
        return None
    lp = np.diff(line.cum)
    first = line.starts[:n]
    rank = np.where([not t[:1].islower() for t in line.toks], -np.inf, lp[np.maximum(first - 1, 0)])
    keep = {0, n}
    for k in np.argsort(rank, kind="stable").tolist():
        if comb(len(keep) - 1 + cols - 1, cols - 1) > MAX_SPLITS:
            break
        keep.add(k)
    return tuple(sorted(keep))


@dataclass(frozen=True)
class State:
    """A partial split of a row: score so far, per column its LM context, whether it began or ended, its fragments."""

    score: float
    ctx: tuple[tuple[int, int], ...]
    started: tuple[bool, ...]
    closed: tuple[bool, ...]
    frags: tuple[tuple[str, ...], ...]
    spans: tuple[tuple[tuple[int, int, int], ...], ...]
    """Per column, where each fragment came from: (line key, first token, end token)."""
    first: tuple[int, ...]
    """Per column, the line (of the row) its first fragment is on; -1 before it starts."""
    height: int
    """Lines of the row split so far."""


def initial(cols: int) -> State:
    return State(0.0, ((BOS, BOS),) * cols, (False,) * cols, (False,) * cols, ((),) * cols, ((),) * cols, (-1,) * cols, 0)


def centred(first: int, lines: int, height: int) -> bool:
    """True when a cell of `lines` lines starting on line `first` sits in the middle of a row of `height` lines
    (odd space rounded either way), or at its top."""
    return first in (0, (height - lines) // 2, (height - lines + 1) // 2)


def _score(lm: TrigramLM, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """lm.score of each distinct (a, b, c) once: the beam's states share most of their columns' contexts."""
    v = len(lm.vocab)
    key = (a * v + b) * v + c
    uniq, inv = np.unique(key, return_inverse=True)
    return lm.score(uniq // (v * v), (uniq // v) % v, uniq % v).astype(np.float64)[inv.reshape(-1)]


def _fragment_table(lm: TrigramLM, line: FlatLine, states: list[State], grammar: Grammar) -> np.ndarray:
    """F[s, c, i, j]: score of tokens i..j-1 as column c's fragment after state s (0 when empty, NEG when barred)."""
    n = len(line.toks)
    cols = len(states[0].ctx)
    u = line.starts
    ui = u[:n]
    a = np.array([[x[0] for x in s.ctx] for s in states], dtype=np.int64)
    b = np.array([[x[1] for x in s.ctx] for s in states], dtype=np.int64)
    first_unit = line.ids[ui] if n else np.zeros(0, dtype=np.int64)
    has2 = (ui + 1) < len(line.ids)
    second_unit = line.ids[np.minimum(ui + 1, max(len(line.ids) - 1, 0))] if n else np.zeros(0, dtype=np.int64)
    shape = (len(states), cols, n)
    A = np.broadcast_to(a[:, :, None], shape).ravel()
    B = np.broadcast_to(b[:, :, None], shape).ravel()
    X1 = np.broadcast_to(first_unit[None, None, :], shape).ravel()
    X2 = np.broadcast_to(second_unit[None, None, :], shape).ravel()
    lp = _score(lm, np.concatenate([A, B]), np.concatenate([B, X1]), np.concatenate([X1, X2]))
    first = lp[:A.size].reshape(shape)
    second = np.where(has2[None, None, :], lp[A.size:].reshape(shape), 0.0)
    uj = u[None, :]
    uin = ui[:, None]
    two = (uj > uin + 1)
    last = len(line.cum) - 1
    inner = np.where(uj > uin + 2, line.cum[np.minimum(uj, last)] - line.cum[np.minimum(uin + 2, last)], 0.0)
    base = inner[None, None] + first[..., None] + np.where(two[None, None], second[..., None], 0.0)
    jj, ii = np.meshgrid(np.arange(n + 1), np.arange(n), indexing="xy")
    sentence = np.array([r in grammar.sentence_roles for r in grammar.roles])
    inside = np.where(jj > ii + 1, line.cont_sum[jj] - line.cont_sum[np.minimum(ii + 1, n)], 0.0)
    base = base + np.where(sentence[None, :, None, None], inside[None, None], 0.0)
    started = np.array([s.started for s in states])
    closed = np.array([s.closed for s in states])
    extra = np.where(started[:, :, None], line.cont[None, None, :], line.bonus[None, :, :])
    score = base + extra[..., None]
    if grammar.widths is not None:
        score = score - _width_costs(line, states, grammar, started & ~closed)
    F = np.full((len(states), cols, n + 1, n + 1), NEG)
    ok = jj > ii
    F[:, :, :n, :][..., ok] = score[..., ok]
    F[..., np.arange(n + 1), np.arange(n + 1)] = 0.0
    F[closed] = NEG
    for s, c in zip(*np.nonzero(closed)):
        F[s, c, np.arange(n + 1), np.arange(n + 1)] = 0.0
    return F


WIDE = 1.15
"""A fragment may be this much wider than its column's measured width (proportional fonts in OCR'd text)."""
FITS = 0.9
"""Wrapped text whose first word would have fitted within this share of the column's width on the line above
is not wrapped text."""


def _width_costs(line: FlatLine, states: list[State], grammar: Grammar, going: np.ndarray) -> np.ndarray:
    """Width costs (S, C, n, n + 1) of each fragment: wider than its column, or a continuation that would have fitted."""
    n = len(line.toks)
    w = np.asarray(grammar.widths, dtype=np.float64)
    length = line.offs[None, :] - line.offs[:n, None] - 1
    wide = (length[None, :, :] > WIDE * w[:, None, None]).astype(np.float64)
    first_len = line.offs[1:] - line.offs[:n] - 1
    prev = np.array([[len(f[-1]) if f else 0 for f in st.frags] for st in states], dtype=np.float64)
    fitted = (prev[:, :, None] + 1 + first_len[None, None, :] <= FITS * w[None, :, None]) & going[:, :, None]
    return grammar.width_cost * (wide[None] + fitted[..., None])


def step(lm: TrigramLM, line: FlatLine, states: list[State], grammar: Grammar, beam: int = BEAM) -> list[State]:
    """The best `beam` states after splitting one more line of the row."""
    n = len(line.toks)
    cols = len(grammar.roles)
    if n == 0:
        return states
    splits = _splits(n, cols, _boundaries(line, cols))
    F = _fragment_table(lm, line, states, grammar)
    total = np.zeros((len(states), len(splits)))
    for c in range(cols):
        total += F[:, c, splits[:, c], splits[:, c + 1]]
    total += np.array([s.score for s in states])[:, None]
    if "task" in grammar.roles:
        t = grammar.roles.index("task")
        waiting = np.array([not s.started[t] for s in states])
        total -= grammar.task_late * np.outer(waiting, splits[:, t] == splits[:, t + 1])
    flat = total.ravel()
    k = min(beam, flat.size)
    best = np.argpartition(-flat, k - 1)[:k]
    best = best[np.argsort(-flat[best])]
    out = []
    for idx in best:
        if flat[idx] <= NEG / 2:
            break
        s, m = divmod(int(idx), len(splits))
        st = states[s]
        ctx, started, closed, frags, spans = list(st.ctx), list(st.started), list(st.closed), list(st.frags), list(st.spans)
        first = list(st.first)
        for c in range(cols):
            i, j = int(splits[m, c]), int(splits[m, c + 1])
            if j > i:
                ua, ub = int(line.starts[i]), int(line.starts[j])
                ctx[c] = (int(line.ids[ub - 2]), int(line.ids[ub - 1])) if ub - ua >= 2 else (ctx[c][1], int(line.ids[ua]))
                if not started[c]:
                    first[c] = st.height
                started[c] = True
                frags[c] = frags[c] + (" ".join(line.toks[i:j]),)
                spans[c] = spans[c] + ((line.key, i, j),)
            elif started[c]:
                closed[c] = True
        out.append(State(float(flat[idx]), tuple(ctx), tuple(started), tuple(closed), tuple(frags), tuple(spans), tuple(first),
                         st.height + 1))
    return out


class Row(NamedTuple):
    """A row's best split: its score, cells' text, fragments and their provenance (as `State.spans`)."""

    score: float
    cells: list[str]
    frags: tuple[tuple[str, ...], ...]
    spans: tuple[tuple[tuple[int, int, int], ...], ...]


def finish(lm: TrigramLM, states: list[State], grammar: Grammar, complete: bool = True) -> Row:
    """Best row: each column's sentence ended (`</s>`) and its cell grammar added, and when the row is `complete`,
    a cost for every cell not centred in it."""
    a = np.array([[x[0] for x in st.ctx] for st in states], dtype=np.int64)
    b = np.array([[x[1] for x in st.ctx] for st in states], dtype=np.int64)
    end = lm.score(a.ravel(), b.ravel(), np.full(a.size, EOS)).reshape(a.shape)
    end = np.where(np.array([st.started for st in states]), end, 0.0).sum(axis=1)
    best = Row(NEG, [""] * len(grammar.roles), (), ())
    for st, e in zip(states, end.tolist()):
        cells = [clean(" ".join(f)) for f in st.frags]
        score = st.score + e + sum(grammar.cell(r, t) for r, t in zip(grammar.roles, cells))
        if complete:
            score -= grammar.off_centre * sum(not centred(f, len(x), st.height) for f, x in zip(st.first, st.frags) if x)
        if score > best[0]:
            best = Row(score, cells, st.frags, st.spans)
    return best


def decode(lm: TrigramLM, lines: list[FlatLine], grammar: Grammar, memo: dict | None = None,
           complete: bool = True, beam: int = BEAM,
           at: set[int] | None = None) -> dict[int, Row]:
    """Best row after the first k lines, for each k in `at` (default: all of them).
    `memo` keeps the beams of prefixes already decoded (the rows of one table are decoded under several shares of
    their lines)."""
    memo = {} if memo is None else memo
    at = set(range(1, len(lines) + 1)) if at is None else at
    states = [initial(len(grammar.roles))]
    out = {}
    key: tuple[int, ...] = ()
    for k, ln in enumerate(lines, start=1):
        key += (id(ln),)
        if key not in memo:
            memo[key] = step(lm, ln, states, grammar, beam)
        states = memo[key]
        if k in at:
            out[k] = finish(lm, states, grammar, complete)
    return out
