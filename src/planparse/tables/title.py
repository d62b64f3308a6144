"""Table titles: the 'DANH MỤC' / 'PHỤ LỤC' heading and its subject line printed above the table."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Line, Table
from ._text import clean, skeleton

_HEAD = re.compile(r"^(danh muc|phu luc|bang)\b")


def find_title(table: Table, lines: Sequence[Line]) -> str | None:
    """Heading lines above the table on its first page (the '(Kèm theo …)' line left out), or None."""
    if table.page is None:
        return None
    if not table.bbox:
        return None
    top = table.bbox[1]
    above = [ln for ln in lines if ln.page == table.page and ln.bbox is not None and ln.bbox[3] <= top]
    start = max((i for i, ln in enumerate(above) if _HEAD.match(skeleton(ln.text))), default=None)
    if start is None:
        return None
    parts = [clean(ln.text) for ln in above[start:start + 4] if not skeleton(ln.text).startswith("(")]
    return " ".join(p for p in parts if p)[:300] or None
