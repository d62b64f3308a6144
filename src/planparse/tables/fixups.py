"""Small, table-specific repairs of OCR'd cell text: edge debris, TT numbering, quarter numerals."""

from __future__ import annotations

import re

from unidecode import unidecode

from ..models import Table
from ..symbols import repair_quarter_numerals, roman_value
from ..text import fold

_EDGE = re.compile(r"^[\s|_~:;¬`'\-—–]+|[\s|_~:;¬`\-—–]+$")


_VIET = set("aăâeêioôơuưyđ" "àằầèềìòồờùừỳ" "áắấéếíóốớúứý" "ảẳẩẻểỉỏổởủửỷ" "ãẵẫẽễĩõỗỡũữỹ" "ạặậẹệịọộợụựỵ")


def _foreign(ch: str) -> bool:
    """A marked Latin letter that Vietnamese does not use (Ñ, Ï, ë …): OCR put a stray mark on a letter."""
    low = ch.lower()
    return low.isalpha() and not low.isascii() and low not in _VIET and fold(low) != low


def unmark_foreign(text: str) -> str:
    """Foreign marked letters made plain; one that merely repeats the letter before it is dropped ('NÑăm' → 'Năm')."""
    out: list[str] = []
    for ch in text:
        if not _foreign(ch):
            out.append(ch)
            continue
        base = fold(ch)
        if not (out and out[-1] == base):
            out.append(base)
    return "".join(out)


def tidy_cell(text: str) -> str:
    """Cell text without ruling debris at its edges (a lone '-' or '|' the scan left near a line)."""
    text = unmark_foreign(_EDGE.sub("", text or ""))
    text = _recase(text.replace("⁄", ""))
    text = re.sub(r"(\w)\. (?=[a-zà-ỹđ])", r"\1, ", text)
    return repair_quarter_numerals(text)


def _recase(text: str) -> str:
    """'SỞ' inside ordinary-case text becomes 'Sở' (OCR often caps one short word); acronyms like UBND stay."""
    words = text.split(" ")
    caps = [w for w in words if len(w) > 1 and w.isupper()]
    if not words or len(caps) * 2 > len(words):
        return text
    return " ".join(w.capitalize() if 1 < len(w) <= 4 and w.isupper() and unidecode(w) != w else w for w in words)


def fix_numbering(table: Table) -> Table:
    """TT cells OCR misread as a letter, a symbol or a number out of sequence (between n and n+2) become n+1."""
    if "tt" not in table.roles:
        return table
    c = table.roles.index("tt")
    rows = [list(r) for r in table.rows]
    prev: int | None = None
    letter = ""
    for i, r in enumerate(rows):
        if c >= len(r):
            continue
        v = r[c].strip()
        m = re.match(r"^(\d{1,3})[.)]?$", v)
        lm = re.match(r"^([a-zđ])[.)]$", v)
        if m and prev is not None and int(m.group(1)) != prev + 1 and _next_number(rows[i + 1:], c) == prev + 2:
            prev += 1
            r[c] = str(prev)
        elif m:
            prev, letter = int(m.group(1)), ""
        elif lm and (lm.group(1) == "a" or (letter and ord(lm.group(1)) == ord(letter) + 1)):
            letter = lm.group(1)
        elif (prev is not None and v and len(v) <= 3 and not roman_value(v.rstrip(".)").upper())
              and sum(bool(x.strip()) for x in r) > 2):
            prev += 1
            r[c] = str(prev)
    return table.model_copy(update={"rows": rows})


def _next_number(rows: list[list[str]], c: int) -> int | None:
    """The TT number of the first numbered row among `rows`, if any."""
    for r in rows:
        m = re.match(r"^(\d{1,3})[.)]?$", r[c].strip()) if c < len(r) else None
        if m:
            return int(m.group(1))
    return None
