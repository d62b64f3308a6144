"""Typed tasks from a table whose columns have roles."""

from __future__ import annotations

import re

from ..models import Table, Task
from ._text import clean, skeleton
from .deadline import parse_deadline

_HEADS = ("cac ", "phong", "so ", "so", "ubnd", "uy ban", "trung tam", "ban ", "van phong", "chi cuc", "cuc ", "bao", "dai",
          "hoi ", "doan", "cong an", "bo ", "thanh tra", "tinh", "huyen", "xa ", "truong", "vien", "quan", "bch", "cong ty",
          "ngan hang", "kho bac", "mat tran", "lien doan", "co quan", "don vi", "dia phuong", "to ")


def split_partners(text: str) -> list[str]:
    """Partner units: split on ';' and newlines, and on ',' when the next piece starts a new unit."""
    out: list[str] = []
    for part in re.split(r"[;\n]+", text or ""):
        pieces = [p.strip() for p in part.split(",")]
        cur: list[str] = []
        for p in pieces:
            if not p:
                continue
            starts_unit = p[:1].isupper() or skeleton(p).startswith(_HEADS[:3]) or any(skeleton(p).startswith(h) for h in _HEADS)
            if cur and not (starts_unit and not skeleton(p).startswith(("don vi", "dia phuong"))):
                cur.append(p)
            elif cur:
                out.append(", ".join(cur))
                cur = [p]
            else:
                cur = [p]
        if cur:
            out.append(", ".join(cur))
    return [clean(p).strip(" .-+") for p in out if clean(p).strip(" .-+")]


def _is_section_row(row: list[str]) -> bool:
    """A row with text in one cell only (a group heading spanning the table)."""
    return sum(bool(x.strip()) for x in row) == 1 and len(row) > 2


def table_tasks(table: Table, index: int) -> list[Task]:
    """One Task per body row that names a task; unknown columns go to extra under their header."""
    roles = list(table.roles)
    if not roles or "task" not in roles:
        return []
    out = []
    for row in table.rows:
        if _is_section_row(row):
            continue
        val: dict[str, str] = {}
        extra: dict[str, str] = {}
        for i, text in enumerate(row):
            text = clean(text)
            role = roles[i] if i < len(roles) else None
            if role:
                val[role] = text
            elif text:
                name = table.headers[i] if i < len(table.headers) and table.headers[i] else f"col{i + 1}"
                extra[name] = text
        if not val.get("task"):
            continue
        out.append(Task(
            tt=(val.get("tt") or "").strip(" .)") or None, task=val["task"], lead=val.get("lead") or None,
            partners=split_partners(val.get("partners", "")), deadline=parse_deadline(val.get("deadline", "")),
            product=val.get("product") or None, extra=extra, table=index,
        ))
    return out
