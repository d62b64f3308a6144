"""Issuer names in the Decree 30 header (ô 1): wrapped lines joined by the grammar of unit names.

A unit name opens with its kind (`ỦY BAN NHÂN DÂN`, `SỞ`, `BAN`, `CỤC` …), may name an administrative level
(`TỈNH`, `THÀNH PHỐ`, `XÃ` …) and then a place. A line that does not open with a kind continues the name above;
a place name split over two lines (`… HẢI` / `PHÒNG`) is joined where the gazetteer knows the whole name, so
`PHÒNG` there is read as the end of `HẢI PHÒNG`, not as the unit kind `PHÒNG`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..gazetteer import TABLES, units
from ..text import clean, fold

HEADS = tuple(sorted((
    "UY BAN NHAN DAN", "UBND", "HOI DONG NHAN DAN", "HDND", "SO", "BO", "BAN", "CUC", "TONG CUC", "CHI CUC",
    "VAN PHONG", "PHONG", "TRUNG TAM", "TRUONG", "VIEN", "HOC VIEN", "DAI HOC", "CONG AN", "BO CHI HUY",
    "DANG UY", "DANG BO", "THANH TRA", "KHO BAC", "BAO HIEM XA HOI", "TOA AN", "VIEN KIEM SAT", "DOAN", "HOI",
    "MAT TRAN", "LIEN DOAN", "CHINH PHU", "QUOC HOI", "THU TUONG", "BENH VIEN", "DAI", "THUE", "TINH UY",
    "HUYEN UY", "THANH UY", "QUAN UY", "BAN CHAP HANH", "BAN CHI DAO", "BAN CHI HUY", "BCH", "BCD", "CHI NHANH",
    "CONG TY", "NGAN HANG", "KIEM TOAN", "TONG CONG TY", "UBMTTQ", "MTTQ", "BAN QUAN LY", "HOI DONG",
), key=len, reverse=True))
"""Folded words a unit name opens with."""

LEVELS = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "ĐẶC KHU", "TỈNH", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG")
"""Administrative levels that a place name follows (compared with their marks when the text has marks:
`TĨNH` of `HÀ TĨNH` is no `TỈNH`)."""

_OPEN_END = {"VA", "CUA", "CHONG", "VE", "VOI"}
"""Folded words a unit name cannot end with (`SỞ NÔNG NGHIỆP VÀ`, `BAN CHỈ HUY PHÒNG, CHỐNG`)."""


def _words(text: str) -> list[str]:
    return fold(text).upper().replace(",", " ").split()


def _starts_with(words: list[str], phrase: str) -> bool:
    want = phrase.split()
    return words[:len(want)] == want


def opens_unit(text: str) -> bool:
    """True when a line opens with the kind of a unit (`ỦY BAN NHÂN DÂN …`, `SỞ …`, `BAN …`)."""
    w = _words(text)
    return any(_starts_with(w, h) for h in HEADS)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Multi-syllable place names of the gazetteer (current and pre-2025 units), folded upper case (`HAI PHONG`)."""
    names: set[str] = set()
    for table, fields in TABLES:
        for row in units(table, list(fields)):
            names.update(fold(v).upper() for v in row.values() if v and " " in v.strip())
    return frozenset(names)


def _levels(text: str) -> tuple[list[str], list[list[str]]]:
    """The name's words and the level phrases, both with marks when the text has any, else both folded."""
    if any(not c.isascii() for c in text if c.isalpha()):
        return text.upper().replace(",", " ").split(), [lv.split() for lv in LEVELS]
    return _words(text), [_words(lv) for lv in LEVELS]


def _place_tail(text: str) -> list[str] | None:
    """Folded words after the last administrative level word of a name, None when the name names no level."""
    words, levels = _levels(text)
    for i in range(len(words) - 1, -1, -1):
        for lv in levels:
            if words[i:i + len(lv)] == lv:
                return [fold(w) for w in words[i + len(lv):]]
    return None


def _completes_place(group: str, line: str) -> int:
    """How many leading words of `line` finish a place name that `group` left unfinished (gazetteer), else 0."""
    tail = _place_tail(group)
    if not tail:
        return 0
    places = _places()
    if " ".join(tail) in places:
        return 0
    lw = _words(line)
    for k in range(min(3, len(lw)), 0, -1):
        if " ".join(tail + lw[:k]) in places:
            return k
    return 0


def _incomplete(group: str) -> bool:
    """A name that must go on: it ends with a level word or a joining word, or is only a unit kind."""
    w = _words(group)
    if not w:
        return False
    if w[-1] in _OPEN_END or group.rstrip().endswith(("-", ",")):
        return True
    words, levels = _levels(group)
    if any(words[-len(lv):] == lv for lv in levels):
        before = _place_tail(" ".join(words[:-1]))
        return not (before and " ".join(before + [fold(words[-1])]) in _places())
    return any(w == h.split() for h in HEADS)


def join_issuers(parts: list[str]) -> list[str]:
    """Issuer lines (upper case, top to bottom) grouped into unit names, wrapped lines joined."""
    groups: list[str] = []
    for p in parts:
        p = clean(p)
        if not p:
            continue
        if not groups:
            groups.append(p)
            continue
        k = _completes_place(groups[-1], p)
        if k:
            raw = p.split()
            groups[-1] = f"{groups[-1]} {' '.join(raw[:k])}"
            if raw[k:]:
                groups.append(" ".join(raw[k:]))
            continue
        if _incomplete(groups[-1]) or not opens_unit(p):
            groups[-1] = f"{groups[-1]} {p}"
        else:
            groups.append(p)
    return groups


_MARK_TOKEN = re.compile(r"^[^\w]+$")


def strip_marks(text: str) -> tuple[str, list[str]]:
    """A header line without stray marks (`ˆ`, `` ` ``, lone punctuation) at word level, and the marks dropped."""
    kept, dropped = [], []
    for tok in text.split():
        core = "".join(ch for ch in tok if unicodedata.category(ch) not in ("Sk", "Lm"))
        if not core or (_MARK_TOKEN.match(core) and core not in ("-", "–", ",")):
            dropped.append(tok)
            continue
        if core != tok:
            dropped.append(tok)
        kept.append(core)
    return " ".join(kept), dropped


def is_noise_line(text: str) -> bool:
    """A header line with fewer than two letters or digits (`T`, `` ` ``, `:`): scanner specks, not text."""
    return sum(ch.isalnum() for ch in text) < 2
