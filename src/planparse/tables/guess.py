"""Column roles for a table printed without a recognisable header row, guessed from cell contents."""

from __future__ import annotations

import re

from .flat import DEADLINE, PRODUCT, find_units, skel1


def _share(cells: list[str], test) -> float:
    filled = [c for c in cells if c.strip()]
    return sum(bool(test(c)) for c in filled) / len(filled) if filled else 0.0


def guess_roles(rows: list[list[str]]) -> list[str | None]:
    """tt, task, lead, partners, deadline, product by what the columns hold; None where unsure."""
    if not rows:
        return []
    n = max(len(r) for r in rows)
    cols = [[r[i] if i < len(r) else "" for r in rows] for i in range(n)]
    roles: list[str | None] = [None] * n
    if _share(cols[0], lambda c: re.fullmatch(r"\s*\d{1,3}[.)]?\s*", c)) >= 0.6:
        roles[0] = "tt"
    free = lambda: [i for i in range(n) if roles[i] is None]  # noqa: E731
    for i in free():
        if _share(cols[i], lambda c: DEADLINE.search(skel1(c)) and len(c) < 40) >= 0.5:
            roles[i] = "deadline"
            break
    rest = free()
    if rest:
        task = max(rest, key=lambda i: sum(len(c) for c in cols[i]) / max(1, len(cols[i])))
        roles[task] = "task"
    for role in ("lead", "partners"):
        for i in free():
            if _share(cols[i], lambda c: find_units(c[:1].upper() + c[1:])) >= 0.5:
                roles[i] = role
                break
    for i in free():
        if _share(cols[i], lambda c: PRODUCT.search(skel1(c))) >= 0.5:
            roles[i] = "product"
            break
    return roles
