"""Decree 30/2020 header (Article 8, Appendix I ô 1-5): issuer, number, place/date, type, summary, motto.

Fields are found by pattern, not position, so OCR columns may arrive split, interleaved or merged.
"""

from __future__ import annotations

import re

from ..models import Header
from .parsers import clean, fold, parse_date, parse_number, type_from_symbol, type_from_title
from .places import check_place

HEADER_SCAN = 30
_MOTTO1 = re.compile(r"c[o0]ng\s*h[o0]a\s*x[a-z]\s*h[o0]i\s*ch[u]\s*ngh[i1l]a\s*vi[e]t\s*nam", re.I)
_MOTTO_PARTY = re.compile(r"d[a]ng\s*c[o0]ng\s*s[a]n\s*vi[e]t\s*nam", re.I)
_MOTTO2 = re.compile(r"d[o0]c\s*l[a]p\s*[-–—.]?\s*t[u]\s*d[o0]\s*[-–—.]?\s*h[a]nh\s*ph[u]c", re.I)
_NUMBER_LINE = re.compile(r"(?:^|\s)s[o06bde]\s*(?:[:;.]\s*|(?=\d))", re.I)
_PLACE_DATE = re.compile(
    r"(?<![A-Za-z])((?:[A-Z][a-z]+\s){0,4}[A-Z][a-z]+)\s*[,.]\s*(?i:ng[a-z]{0,2}y\s*(?:[\d\s./]*th[a-z]{0,2}ng\s*[\d\s]*"
    r"n[a-z]{0,2}m\s*\d{0,4}|\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}))")
_RULE = re.compile(r"^[\s\-_–—=.*~]+$")
_WRAP_END = {"TỈNH", "THÀNH", "PHỐ", "HUYỆN", "XÃ", "QUẬN", "PHƯỜNG", "THỊ", "DÂN", "NHÂN", "BAN", "SỞ",
             "VÀ", "BỘ", "CỤC", "TỔNG", "ỦY", "UỶ", "HỘI", "ĐỒNG", "ĐẢNG", "TRUNG", "VĂN", "PHÒNG"}
_WRAP_START_ONLY = re.compile(r"^(ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|UBND|HĐND)$")
_BODY_START = re.compile(r"^(c[a]n\s*c[u]|th[u][ce]\s*hi[e]n|k[i]nh\s*g[u]i|x[e]t\s*d[e]\s*ngh[i])\b", re.I)
_CLOSING = re.compile(r"^(n[o0]i\s*nh[a-z]n|(KT|TM|TL|TUQ)\s*\.)", re.I)
_MARKER = re.compile(r"^\s*(?:[IVXl1]+\.|\d+\.|[a-zđ]\)|-|\+|Phần|Chương|Điều)\s", re.I)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _split_motto(text: str) -> tuple[str, str]:
    """Split a line into (non-motto part, motto part) when the motto is glued to a header column."""
    f = fold(text)
    for rx in (_MOTTO1, _MOTTO2, _MOTTO_PARTY):
        m = rx.search(f)
        if m:
            return (text[:m.start()] + " " + text[m.end():]).strip(), text[m.start():m.end()].strip()
    return text, ""


def _join_issuers(parts: list[str]) -> list[str]:
    """Join issuer names that wrap over two lines (`ỦY BAN NHÂN DÂN TỈNH` / `TUYÊN QUANG`)."""
    groups: list[str] = []
    for p in parts:
        p = clean(p.strip("-_*=~.·• "))
        if not p:
            continue
        if groups and (groups[-1].split()[-1] in _WRAP_END or _WRAP_START_ONLY.match(groups[-1])):
            groups[-1] = f"{groups[-1]} {p}"
        else:
            groups.append(p)
    return groups


def find_title(texts: list[str], limit: int = HEADER_SCAN) -> int | None:
    """Index of the type title line (`KẾ HOẠCH`, `QUYẾT ĐỊNH` …), None if absent."""
    for i, t in enumerate(texts[:limit]):
        if t and _is_upper(t) and type_from_title(t):
            return i
    return None


def parse_header(texts: list[str]) -> tuple[Header, int, list[str]]:
    """Header fields, the index where the body starts, and warnings."""
    warnings: list[str] = []
    h = Header()
    title_i = find_title(texts)
    stop = title_i if title_i is not None else min(len(texts), HEADER_SCAN)
    if title_i is None:
        for i, t in enumerate(texts[:stop]):
            if t and (_BODY_START.match(fold(t)) or _MARKER.match(t) or _CLOSING.match(fold(clean(t)))):
                stop = i
                break
    late: list[str] = []
    summary, body = None, stop
    if title_i is not None:
        summary, body, late = _summary(texts, title_i + 1)
    issuers: list[str] = []
    mottos: list[str] = []
    seen_number = False
    in_vv = False
    for t in texts[:stop] + late:
        t = clean(t)
        if not t or _RULE.match(t):
            continue
        rest, motto = _split_motto(t)
        while motto:
            mottos.append(motto)
            rest, motto = _split_motto(rest)
        if not rest:
            continue
        f = fold(rest)
        pd = _PLACE_DATE.search(f)
        if pd:
            h.place = h.place or clean(rest[pd.start(1):pd.end(1)])
            h.date = h.date or parse_date(rest[pd.start():pd.end()])
            rest = clean(rest[:pd.start()] + " " + rest[pd.end():])
            f = fold(rest)
        nm = _NUMBER_LINE.search(f)
        if nm and nm.start() > 0 and not _is_upper(rest[:nm.start()]) and not type_from_title(rest[:nm.start()]):
            nm = None
        if nm and h.number is None:
            num = parse_number(rest[nm.end():])
            if num:
                h.number, h.number_value, h.symbol = num["number"], num["value"], num["symbol"]
                seen_number = True
                rest = clean(rest[:nm.start()])
                if rest and _is_upper(rest):
                    issuers.append(rest)
                rest = ""
        if rest.lower().startswith("v/v"):
            h.summary = clean(rest[3:].lstrip(" :.")) or None
            in_vv = True
            continue
        if in_vv and h.summary and rest[:1].islower():
            h.summary = f"{h.summary} {rest}"
            continue
        in_vv = False
        if rest and _is_upper(rest) and not seen_number:
            issuers.append(rest)
    if title_i is None and h.number is None and h.date is None and not mottos:
        summary, body = _headless_summary(texts)
        return Header(summary=summary), body, ["no Decree 30 header found"]
    groups = _join_issuers(issuers)
    if len(groups) >= 2:
        h.issuer_parent, h.issuer = groups[0], " ".join(groups[1:])
    elif groups:
        h.issuer = groups[0]
    if mottos:
        h.motto = " / ".join(dict.fromkeys(mottos))
    if title_i is not None:
        h.doc_type = type_from_title(texts[title_i])
        if summary:
            h.summary = summary
    if h.doc_type is None:
        h.doc_type = type_from_symbol(h.symbol)
    h.place, place_warning = check_place(h.place)
    if place_warning:
        warnings.append(place_warning)
    if h.number is None:
        warnings.append("no document number (Số: …) found in the header")
    if h.date is None:
        warnings.append("no date of issue found in the header")
    return h, body, warnings


def _is_header_part(t: str) -> bool:
    """A header line (motto, place/date, number) that reading order put after the title."""
    f = fold(t)
    return bool(_MOTTO1.search(f) or _MOTTO2.search(f) or _PLACE_DATE.search(f) or _NUMBER_LINE.match(f))


def _summary(texts: list[str], start: int) -> tuple[str | None, int, list[str]]:
    """Trích yếu lines after the title, the index after them, and header lines met on the way."""
    parts: list[str] = []
    late: list[str] = []
    i = start
    while i < len(texts) and len(parts) < 4:
        t = clean(texts[i])
        if not t:
            if parts:
                i += 1
                break
            i += 1
            continue
        if _RULE.match(t):
            i += 1
            if parts:
                break
            continue
        if _is_header_part(t):
            late.append(t)
            i += 1
            continue
        if _BODY_START.match(fold(t)) or _MARKER.match(t) or (parts and _is_upper(t)):
            break
        if parts and re.search(r"[.;:]$", parts[-1]):
            break
        parts.append(t)
        i += 1
    return (clean(" ".join(parts)) or None), i, late


def _headless_summary(texts: list[str]) -> tuple[str | None, int]:
    """A text that lost its header may still open with its subject line(s) before `Thực hiện`/`Căn cứ`."""
    seen: list[str] = []
    for i, t in enumerate(texts[:8]):
        t = clean(t)
        if not t:
            continue
        if _BODY_START.match(fold(t)):
            if seen and len(" ".join(seen)) < 200:
                return clean(" ".join(seen)), i
            return None, 0
        if _MARKER.match(t) or len(seen) >= 3:
            return None, 0
        seen.append(t)
    return None, 0
