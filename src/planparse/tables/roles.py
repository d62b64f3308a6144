"""Map printed column headers to task roles whatever the wording (TT/STT, Chủ trì/Đơn vị chủ trì …)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ._text import skeleton

_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deadline", ("thoi gian", "thoi han", "tien do", "hoan thanh", "moc thoi gian")),
    ("partners", ("phoi hop",)),
    ("lead", ("chu tri", "don vi thuc hien", "co quan thuc hien", "don vi dau moi", "chiu trach nhiem")),
    ("product", ("san pham", "ket qua", "hinh thuc van ban")),
    ("task", ("nhiem vu", "noi dung", "cong viec", "hoat dong", "giai phap", "ten de an")),
)
_TT = re.compile(r"^(s\.?\s?tt|tt|so tt|so thu tu|thu tu|stt\.?)$")


def role_of(header: str) -> str | None:
    """Role for one printed header, or None when it names no known role."""
    sk = re.sub(r"[^a-z0-9 ]+", " ", skeleton(header))
    sk = " ".join(sk.split())
    if not sk:
        return None
    if _TT.match(sk):
        return "tt"
    for role, keys in _KEYS:
        if any(k in sk for k in keys):
            return role
    for role, keys in _KEYS:
        if any(len(sk) >= 5 and fuzz.partial_ratio(k, sk) >= 85 for k in keys):
            return role
    return None


def map_roles(headers: list[str]) -> list[str | None]:
    """Role per column; a role already taken by an earlier column is not given twice."""
    out: list[str | None] = []
    seen: set[str] = set()
    for h in headers:
        r = role_of(h)
        if r in seen:
            r = None
        if r:
            seen.add(r)
        out.append(r)
    return out


def looks_like_header(cells: list[str]) -> bool:
    """True when a row names at least two distinct roles (or one role and nothing numeric)."""
    roles = {role_of(c) for c in cells if c.strip()} - {None}
    if len(roles) >= 2:
        return True
    return len(roles) == 1 and len([c for c in cells if c.strip()]) <= 2 and not any(
        re.fullmatch(r"\d+\.?", c.strip()) for c in cells
    )
