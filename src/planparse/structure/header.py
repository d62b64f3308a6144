"""Decree 30/2020 header (Article 8, Appendix I ô 1-5): issuer, number, place/date, type, summary, motto.

Fields are found by pattern, not position, so OCR columns may arrive split, interleaved or merged.
"""

from __future__ import annotations

import re

from ..models import Header
from ..symbols import parse_date, parse_number, type_from_symbol, type_from_title
from ..text import clean, fold, is_upper
from .issuer import is_noise_line, join_issuers, strip_marks
from .places import check_place
from .preamble import opens_body

HEADER_SCAN = 30
_MOTTO1 = re.compile(r"c[o0]ng\s*h[o0]a\s*x[a-z]\s*h[o0]i\s*ch[u]\s*ngh[i1l]a\s*vi[e]t\s*nam", re.I)
_MOTTO_PARTY = re.compile(r"d[a]ng\s*c[o0]ng\s*s[a]n\s*vi[e]t\s*nam", re.I)
_MOTTO2 = re.compile(r"d[o0]c\s*l[a]p\s*[-–—.]?\s*t[u]\s*d[o0]\s*[-–—.]?\s*h[a]nh\s*ph[u]c", re.I)
_NUMBER_LINE = re.compile(r"(?:^|\s)s[o06bde]\s*(?:[:;.]\s*|(?=\d))", re.I)
_PLACE_DATE = re.compile(
    r"(?<![A-Za-z])((?:[A-Z][a-z]+\s){0,4}[A-Z][a-z]+)\s*[,.]\s*(?i:ng[a-z]{0,2}y\s*(?:[\d\s./]*th[a-z]{0,2}ng\s*[\d\s]*"
    r"n[a-z]{0,2}m\s*\d{0,4}|\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}))")
_RULE = re.compile(r"^[\s\-_–—=.*~]+$")
_CLOSING = re.compile(r"^(n[o0]i\s*nh[a-z]n|(KT|TM|TL|TUQ)\s*\.)", re.I)
_MARKER = re.compile(r"^\s*(?:[IVXl1]+\.|\d+\.|[a-zđ]\)|-|\+|Phần|Chương|Điều)\s", re.I)



def _split_motto(text: str) -> tuple[str, str]:
    """Split a line into (non-motto part, motto part) when the motto is glued to a header column."""
    f = fold(text)
    for rx in (_MOTTO1, _MOTTO2, _MOTTO_PARTY):
        m = rx.search(f)
        if m:
            return (text[:m.start()] + " " + text[m.end():]).strip(), text[m.start():m.end()].strip()
    return text, ""


def find_title(texts: list[str], limit: int = HEADER_SCAN) -> int | None:
    """Index of the type title line (`KẾ HOẠCH`, `QUYẾT ĐỊNH` …), None if absent."""
    for i, t in enumerate(texts[:limit]):
        if t and is_upper(t) and type_from_title(t):
            return i
    return None


def zone_order(texts: list[str], boxes: list | None) -> list[str]:
    """Header lines before the title read zone by zone when OCR gave boxes: the left block (issuer, number) top to
    bottom, then the right block (motto, place and date), whatever order the page's reading order had."""
    title_i = find_title(texts)
    if not boxes or title_i is None or title_i < 2:
        return texts
    head = [(t, b) for t, b in zip(texts[:title_i], boxes[:title_i])]
    if any(b is None for _, b in head):
        return texts
    x0, x1 = min(b[0] for _, b in head), max(b[2] for _, b in head)
    mid = (x0 + x1) / 2
    left = sorted((b[1], t) for t, b in head if (b[0] + b[2]) / 2 < mid)
    right = sorted((b[1], t) for t, b in head if (b[0] + b[2]) / 2 >= mid)
    if not left or not right:
        return texts
    return [t for _, t in left] + [t for _, t in right] + texts[title_i:]


def parse_header(texts: list[str], boxes: list | None = None) -> tuple[Header, int, list[str]]:
    """Header fields, the index where the body starts, and warnings; `boxes` (one per line, or None) let the
    two header blocks be read by zone."""
    warnings: list[str] = []
    h = Header()
    texts = zone_order(texts, boxes)
    title_i = find_title(texts)
    stop = title_i if title_i is not None else min(len(texts), HEADER_SCAN)
    if title_i is None:
        for i, t in enumerate(texts[:stop]):
            if t and (opens_body(t) or _MARKER.match(t) or _CLOSING.match(fold(clean(t)))):
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
        if is_noise_line(t):
            warnings.append(f"header: dropped noise line {t!r}")
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
        if nm and nm.start() > 0 and not is_upper(rest[:nm.start()]) and not type_from_title(rest[:nm.start()]):
            nm = None
        if nm and h.number is None:
            num = parse_number(rest[nm.end():])
            if num:
                h.number, h.number_value, h.symbol = num["number"], num["value"], num["symbol"]
                seen_number = True
                rest = clean(rest[:nm.start()])
                if rest and is_upper(rest):
                    issuers.append(strip_marks(rest)[0])
                rest = ""
        if rest.lower().startswith("v/v"):
            h.summary = clean(rest[3:].lstrip(" :.")) or None
            in_vv = True
            continue
        if in_vv and h.summary and rest[:1].islower():
            h.summary = f"{h.summary} {rest}"
            continue
        in_vv = False
        if rest and is_upper(rest) and not seen_number:
            rest, marks = strip_marks(rest)
            if marks:
                warnings.append(f"header: dropped stray mark(s) {' '.join(marks)!r} from issuer line {rest!r}")
            issuers.append(rest)
    if title_i is None and h.number is None and h.date is None and not mottos:
        summary, body = _headless_summary(texts)
        return Header(summary=summary), body, ["no Decree 30 header found"]
    groups = join_issuers(issuers)
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
    elif h.number:
        again = parse_number(h.number, type_hint=h.doc_type)
        if again and again["number"] != h.number:
            h.number, h.symbol = again["number"], again["symbol"]
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
        if _RULE.match(t) or is_noise_line(t):
            i += 1
            if parts and _RULE.match(t):
                break
            continue
        if _is_header_part(t):
            late.append(t)
            i += 1
            continue
        if opens_body(t) or _MARKER.match(t) or (parts and is_upper(t)):
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
        if opens_body(t):
            if seen and len(" ".join(seen)) < 200:
                return clean(" ".join(seen)), i
            return None, 0
        if _MARKER.match(t) or len(seen) >= 3:
            return None, 0
        seen.append(t)
    return None, 0
