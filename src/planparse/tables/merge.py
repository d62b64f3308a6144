"""Join a grid table continued on the next page into one Table."""

from __future__ import annotations

from rapidfuzz import fuzz

from ..models import Table
from ._text import skeleton
from .roles import map_roles


def ncols(t: Table) -> int:
    """Number of columns, from cells or rows."""
    if t.cells:
        return max(c.col + c.colspan for c in t.cells)
    return max((len(r) for r in t.rows), default=len(t.headers))


def col_edges(t: Table) -> list[float] | None:
    """Left edge of each column from single-column cell boxes, None when unknown."""
    n = ncols(t)
    xs: list[list[int]] = [[] for _ in range(n)]
    for c in t.cells:
        if c.colspan == 1 and c.bbox:
            xs[c.col].append(c.bbox[0])
    if not all(xs):
        return None
    return [sorted(v)[len(v) // 2] for v in xs]


def continues(a: Table, b: Table) -> bool:
    """b (next page) carries on a: same columns at the same x positions, header absent or repeated."""
    if b.page is None or not a.pages or b.page != a.pages[-1] + 1 or ncols(a) != ncols(b):
        return False
    if b.headers and not _same_headers(a.headers, b.headers):
        return False
    ea, eb = col_edges(a), col_edges(b)
    if ea and eb and a.bbox and b.bbox:
        width = max(1, a.bbox[2] - a.bbox[0])
        return all(abs(x - y) <= 0.03 * width for x, y in zip(ea, eb))
    return True


def _same_headers(a: list[str], b: list[str]) -> bool:
    """Repeated header: same roles, or nearly the same printed words."""
    if map_roles(a) == map_roles(b) and any(map_roles(a)):
        return True
    return fuzz.ratio(skeleton(" ".join(a)), skeleton(" ".join(b))) >= 85


def _tt_col(t: Table) -> int | None:
    return t.roles.index("tt") if "tt" in t.roles else None


def merge_two(a: Table, b: Table) -> Table:
    """a followed by b's body rows; a first row of b without a number finishes a's last row."""
    rows = [list(r) for r in a.rows]
    brows = [list(r) for r in b.rows]
    tt = _tt_col(a)
    if rows and brows and tt is not None and tt < len(brows[0]) and not brows[0][tt].strip() and rows[-1][tt].strip():
        first = brows.pop(0)
        rows[-1] = [" ".join(x for x in (p, q) if x.strip()) for p, q in zip(rows[-1], first)]
    rows += brows
    offset = max((c.row + c.rowspan for c in a.cells), default=0)
    cells = list(a.cells) + [c.model_copy(update={"row": c.row + offset}) for c in b.cells]
    return a.model_copy(update={"rows": rows, "cells": cells, "pages": a.pages + [p for p in b.pages if p not in a.pages],
                                "confidence": min(a.confidence, b.confidence)})


def merge_pages(tables: list[Table]) -> list[Table]:
    """Tables in page order with cross-page continuations joined."""
    ordered = sorted(tables, key=lambda t: (t.page or 0, t.bbox[1] if t.bbox else 0))
    out: list[Table] = []
    for t in ordered:
        if not t.pages and t.page is not None:
            t = t.model_copy(update={"pages": [t.page]})
        if out and continues(out[-1], t) and _last_on_page(out[-1], ordered) and _first_on_page(t, ordered):
            out[-1] = merge_two(out[-1], t)
        else:
            out.append(t)
    return out


def _last_on_page(t: Table, all_: list[Table]) -> bool:
    return not any(o.page == t.pages[-1] and o.bbox and t.bbox and o.bbox[1] > t.bbox[1] for o in all_ if o is not t)


def _first_on_page(t: Table, all_: list[Table]) -> bool:
    return not any(o.page == t.page and o.bbox and t.bbox and o.bbox[1] < t.bbox[1] for o in all_ if o is not t)
