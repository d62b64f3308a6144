"""Small shared parsers: diacritic folding, dates, document numbers, type abbreviations.

Used by header, sections and references so that OCR-tolerant rules live in one place.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

TYPE_ABBR: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "QC": "Quy chế", "QyĐ": "Quy định",
    "QĐi": "Quy định", "TC": "Thông cáo", "TB": "Thông báo", "HD": "Hướng dẫn", "CTr": "Chương trình",
    "KH": "Kế hoạch", "PA": "Phương án", "ĐA": "Đề án", "DA": "Dự án", "BC": "Báo cáo", "BB": "Biên bản",
    "TTr": "Tờ trình", "HĐ": "Hợp đồng", "CĐ": "Công điện", "BGN": "Bản ghi nhớ", "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền", "GM": "Giấy mời", "GGT": "Giấy giới thiệu", "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi", "PC": "Phiếu chuyển", "PB": "Phiếu báo", "SY": "Bản sao y", "TrS": "Bản trích sao",
    "SL": "Bản sao lục", "NĐ": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
    "NQLT": "Nghị quyết liên tịch", "KL": "Kết luận", "L": "Luật", "PL": "Pháp lệnh", "CV": "Công văn",
}
"""Appendix III of Decree 30/2020 plus the legal-normative abbreviations seen in citations."""

TYPE_NAMES: dict[str, str] = {
    "bo luat": "Bộ luật", "luat": "Luật", "hien phap": "Hiến pháp", "phap lenh": "Pháp lệnh",
    "nghi quyet lien tich": "Nghị quyết liên tịch", "nghi quyet": "Nghị quyết", "nghi dinh": "Nghị định",
    "quyet dinh": "Quyết định", "chi thi": "Chỉ thị", "thong tu lien tich": "Thông tư liên tịch",
    "thong tu": "Thông tư", "ke hoach": "Kế hoạch", "cong van": "Công văn", "cong dien": "Công điện",
    "quy dinh": "Quy định", "quy che": "Quy chế", "ket luan": "Kết luận", "huong dan": "Hướng dẫn",
    "thong bao": "Thông báo", "thong cao": "Thông cáo", "chuong trinh": "Chương trình", "de an": "Đề án",
    "du an": "Dự án", "phuong an": "Phương án", "bao cao": "Báo cáo", "to trinh": "Tờ trình",
    "bien ban": "Biên bản", "chi dao": "Chỉ đạo", "lenh": "Lệnh", "sac lenh": "Sắc lệnh",
    "giay moi": "Giấy mời", "van ban": "Văn bản",
}
"""Folded type names (as they appear in titles and citations) -> canonical Vietnamese spelling."""

_SYMBOL_FIXES = {"QD": "QĐ", "ND": "NĐ", "BCD": "BCĐ", "HDND": "HĐND"}


def fold(text: str) -> str:
    """Strip diacritics one character for one, so offsets in the folded text match the original."""
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("d" if ch == "đ" else "D")
            continue
        out.append(unicodedata.normalize("NFD", ch)[:1] or ch)
    return "".join(out)


def clean(text: str) -> str:
    """NFC, collapse whitespace."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


_NGAY = r"ng[a-z]{0,2}y"
_THANG = r"th[a-z]{0,2}ng"
_NAM = r"n[a-z]{0,2}m"
_DATE_WORDS = re.compile(
    rf"(?:{_NGAY}\s*)?(\d{{1,2}})\s+{_THANG}\s+(\d{{1,2}})\s+{_NAM}\s+(\d{{4}})", re.I)
_DATE_NUM = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})(?![\d/])")


def make_date(d: int | str, m: int | str, y: int | str) -> date | None:
    """A date, or None when the parts are not a real calendar date."""
    try:
        d, m, y = int(d), int(m), int(y)
        if not 1900 <= y <= 2100:
            return None
        return date(y, m, d)
    except (ValueError, TypeError):
        return None


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """All dates in text as (start, end, date): `ngày 15/7/2021`, `15-7-2021`, `ngày 12 tháng 8 năm 2025`."""
    if not text:
        return []
    f = fold(text)
    found: list[tuple[int, int, date]] = []
    for m in _DATE_WORDS.finditer(f):
        d = make_date(m.group(1), m.group(2), m.group(3))
        if d:
            found.append((m.start(), m.end(), d))
    for m in _DATE_NUM.finditer(f):
        if any(s <= m.start() < e for s, e, _ in found):
            continue
        d = make_date(m.group(1), m.group(3), m.group(4))
        if d:
            found.append((m.start(), m.end(), d))
    return sorted(found, key=lambda t: t[0])


def parse_date(text: str) -> date | None:
    """The first date in text, or None."""
    hits = find_dates(text)
    return hits[0][2] if hits else None


_SYM = r"[A-Za-zĐđ][A-Za-z0-9Đđ&]*(?:\s?-\s?[A-Za-z0-9Đđ&]+)*"
NUMBER_RE = re.compile(
    rf"(?P<num>\d{{1,6}})?\s?(?:/\s?(?P<year>(?:19|20)\d\d))?\s?/\s?(?P<sym>{_SYM})"
    rf"|(?P<pnum>\d{{1,6}})\s?-\s?(?P<psym>[A-ZĐ][A-Za-zĐđ]{{0,5}})\s?/\s?(?P<porg>[A-ZĐ][A-Za-z0-9Đđ]*(?:-[A-Za-z0-9Đđ]+)*)"
)
"""Administrative `1433/KH-UBND`, legal `35/2023/UBTVQH15`, Party `57-NQ/TW`, blank `/KH-SNgV`."""


def fix_symbol(sym: str) -> str:
    """Undo typical OCR damage inside a symbol: spaces, `QD`->`QĐ`, `ND`->`NĐ`."""
    sym = re.sub(r"\s+", "", sym or "")
    sym = re.sub(r"QHI(\d{2})$", r"QH\1", sym)
    parts = sym.split("-")
    return "-".join(_SYMBOL_FIXES.get(p, p) for p in parts)


def parse_number(text: str) -> dict | None:
    """Split a number/symbol into printed form, numeric value and symbol; None when absent."""
    if not text:
        return None
    t = re.sub(r"(?<=\d)\s+(?=/)|(?<=/)\s+", "", text)
    for m in NUMBER_RE.finditer(t):
        if m.group("pnum"):
            sym = f"{fix_symbol(m.group('psym'))}/{fix_symbol(m.group('porg'))}"
            return {"number": f"{m.group('pnum')}-{sym}", "value": m.group("pnum"), "symbol": sym}
        sym = fix_symbol(m.group("sym"))
        if not re.search(r"[A-Za-zĐđ]{2}", sym) and not m.group("year"):
            continue
        num, year = m.group("num"), m.group("year")
        full_sym = f"{year}/{sym}" if year else sym
        return {"number": f"{num or ''}/{full_sym}", "value": num, "symbol": full_sym}
    return None


def type_from_symbol(symbol: str | None) -> str | None:
    """Document type from a symbol's abbreviation (Appendix III); `Công văn` when none applies."""
    if not symbol:
        return None
    s = symbol.split("/")[-1] if re.match(r"^(19|20)\d\d/", symbol) else symbol
    if "/" in s and "-" not in s.split("/")[-1]:
        head = s.split("/")[0]
    else:
        head = s.split("-")[0] if "-" in s else s
    if head in TYPE_ABBR:
        return TYPE_ABBR[head]
    if re.match(r"^QH\d*$", head):
        return "Luật"
    if re.match(r"^UBTVQH\d*$", head):
        return "Nghị quyết"
    if "-" in s:
        return "Công văn"
    return None


def type_from_title(line: str) -> str | None:
    """Canonical document type when the line is (only) a type title such as `KẾ HOẠCH`."""
    key = re.sub(r"[^a-z ]", "", fold(clean(line)).lower()).strip()
    return None if key in ("van ban", "chi dao") else TYPE_NAMES.get(key)


_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def fix_roman(token: str, allow_h: bool = False) -> str | None:
    """Roman numeral from OCR-damaged forms (`I11`->`III`, `Il`->`II`, `1I`->`II`, `H`->`II`); None if not roman."""
    if allow_h and token and re.fullmatch(r"[HI1l]+", token) and "H" in token:
        token = token.replace("H", "II")
    if not token or not re.search(r"[IVX]", token):
        return None
    t = re.sub(r"[1l|!]", "I", token)
    if _ROMAN.match(t) and t:
        return t
    return None


def roman_value(token: str) -> int:
    """Integer value of a valid roman numeral (0 when invalid)."""
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total, prev = 0, 0
    for ch in reversed(token or ""):
        v = vals.get(ch, 0)
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total
