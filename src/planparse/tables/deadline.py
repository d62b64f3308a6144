"""Deadline text to a typed Deadline: 'Quý II/2026', 'Trước ngày 30/6/2026', 'Năm 2025', 'Thường xuyên' …"""

from __future__ import annotations

import calendar
import re
from datetime import date

from ..models import Deadline
from ._text import clean, skeleton

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_RECURRING = ("thuong xuyen", "hang nam", "hang thang", "hang quy", "hang tuan", "dinh ky", "lien tuc", "hang ngay")
_DATE = re.compile(r"\b(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})\b")
_QUARTER = re.compile(r"\bquy\s+([ivlh]{1,3}|[1-4])\b(?:\s*(?:-|den|va|,)\s*(?:quy\s+)?([ivlh]{1,3}|[1-4])\b)?\s*(?:/|nam|,)?\s*((?:19|20)\d{2})")  # noqa: E501 - one pattern reads best on one line


def _quarter(token: str) -> int | None:
    """Quarter number from a Roman or Arabic numeral, OCR look-alikes included ('H' for II, 'l' for I)."""
    return _ROMAN.get(token.replace("h", "ii").replace("l", "i"))
_MONTH = re.compile(r"\bthang\s+(\d{1,2})\b(?:\s*(?:-|den|va|,)\s*(?:thang\s+)?(\d{1,2})\b)?\s*(?:/|nam|,)?\s*((?:19|20)\d{2})")
_HALF = re.compile(r"\b6\s+thang\s+(dau|cuoi)\s+(?:nam\s+)?((?:19|20)\d{2})")
_YEAR = re.compile(r"(?<![\d/])((?:19|20)\d{2})(?![\d/])")


def _d(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date | None:
    if not 1 <= m <= 12:
        return None
    return date(y, m, calendar.monthrange(y, m)[1])


def parse_deadline(text: str) -> Deadline | None:
    """Typed deadline; start/end filled only where the wording allows it, never guessed."""
    text = clean(text)
    if not text:
        return None
    sk = skeleton(text)
    dl = Deadline(text=text, recurring=any(k in sk for k in _RECURRING))
    dates = [d for d in (_d(int(y), int(m), int(dd)) for dd, m, y in _DATE.findall(sk)) if d]
    if dates:
        if len(dates) >= 2:
            dl.start, dl.end = min(dates), max(dates)
        elif re.search(r"\b(tu|bat dau|sau)\b", sk) and not re.search(r"\b(truoc|den|cham nhat|han)\b", sk):
            dl.start = dates[0]
        else:
            dl.end = dates[0]
        return dl
    m = _QUARTER.search(sk)
    q1, q2 = (_quarter(m.group(1)), _quarter(m.group(2) or m.group(1))) if m else (None, None)
    if m and q1 and q2:
        y = int(m.group(3))
        dl.start, dl.end = date(y, 3 * min(q1, q2) - 2, 1), _month_end(y, 3 * max(q1, q2))
        return dl
    if m := _MONTH.search(sk):
        a, b, y = int(m.group(1)), int(m.group(2) or m.group(1)), int(m.group(3))
        if 1 <= a <= 12 and 1 <= b <= 12:
            dl.start, dl.end = date(y, min(a, b), 1), _month_end(y, max(a, b))
        return dl
    if m := _HALF.search(sk):
        y = int(m.group(2))
        dl.start, dl.end = (date(y, 1, 1), date(y, 6, 30)) if m.group(1) == "dau" else (date(y, 7, 1), date(y, 12, 31))
        return dl
    years = [int(y) for y in _YEAR.findall(sk)]
    if years:
        dl.start, dl.end = date(min(years), 1, 1), date(max(years), 12, 31)
    return dl
