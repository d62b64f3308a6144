"""The one grammar of document numbers and symbols, Roman numerals, dates and quarters.

Every stage asks this module: the restore stage leaves what it claims and repairs a symbol only as far
as the grammar proves (`QD` → `QĐ` because `QD` is no part and `QĐ` is the only part it can be; `PCTT`
stays because it is a part), the structure stage reads header numbers and citations with it, the tables
stage reads quarters and dates with it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from .text import clean, fold, fold_lower, ocr_distance

# ---------------------------------------------------------------- document types
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

# ---------------------------------------------------------------- symbol parts
def _read_words(name: str) -> frozenset[str]:
    """The whitespace-separated entries of a dictionaries/ file ('#' starts a comment)."""
    from .resources import data_file

    text = data_file(name).read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() for w in line.split("#", 1)[0].split())


ISSUER_ABBR = _read_words("issuer_abbreviations.txt")
"""Issuer and unit abbreviations of central and local bodies that appear in Vietnamese document symbols."""

NUMBERED_ROOTS = {"QH": 20, "UBTVQH": 20, "HĐNN": 12, "HĐBT": 12}
"""Abbreviations followed by a session number (`QH15`, `UBTVQH14`) and the highest plausible number."""

SYMBOL_PARTS = frozenset(TYPE_ABBR) | ISSUER_ABBR
_DIGITLIKE = {"0": "0", "O": "0", "o": "0", "1": "1", "I": "1", "l": "1", "|": "1", "i": "1", "2": "2", "Z": "2",
              "3": "3", "4": "4", "5": "5", "S": "5", "s": "5", "6": "6", "7": "7", "8": "8", "B": "8", "9": "9"}


def _key(part: str) -> str:
    """What OCR cannot tell apart in a symbol part: Đ/D and letter case."""
    return fold(part).upper()


@lru_cache(maxsize=1)
def _by_key() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for p in sorted(SYMBOL_PARTS):
        out.setdefault(_key(p), []).append(p)
    return {k: tuple(v) for k, v in out.items()}


def _confusable(seen: str, meant: str) -> bool:
    """OCR inside a symbol may lose the bar of Đ or the case of a letter, nothing else."""
    return seen == meant or seen.lower() == meant.lower() or (seen in "Dd" and meant in "Đđ")


def _numbered(part: str) -> str | None:
    """`QH15` as is, `QHIS`/`QH1S` → `QH15`: a known session-numbered root and a digit-like tail."""
    for root, top in NUMBERED_ROOTS.items():
        k = _key(root)
        if _key(part[:len(root)]) != k or len(part) == len(root) or len(part) > len(root) + 3:
            continue
        tail = part[len(root):]
        if len(tail) == 3 and tail[0] in "Il|" and tail[1:].isdigit() and 1 <= int(tail[1:]) <= top:
            return root + tail[1:]
        if not all(c in _DIGITLIKE for c in tail) or not (tail[0].isdigit() or len(tail) == 2):
            continue
        digits = "".join(_DIGITLIKE[c] for c in tail)
        if digits[0] != "0" and 1 <= int(digits) <= top:
            return root + digits
    return None


def repair_part(part: str) -> str:
    """One part of a symbol as the grammar proves it: a known part stays, an OCR variant with exactly one
    known reading becomes that reading, anything else stays as printed."""
    if not part or part in SYMBOL_PARTS:
        return part
    if "&" in part:
        return "&".join(repair_part(p) for p in part.split("&"))
    if any(not c.isascii() and c not in "Đđ" for c in part):
        return part
    hits = [h for h in _by_key().get(_key(part), ()) if all(_confusable(a, b) for a, b in zip(part, h))]
    if len(hits) == 1:
        return hits[0]
    if hits:
        return part
    num = _numbered(part)
    if num:
        return num
    return part


def _split_glued(part: str, type_hint: str | None) -> str | None:
    """`12/KHUBND` → `12/KH-UBND`: a type abbreviation and a known issuer glued by a lost hyphen, when only one split fits."""
    fits = []
    for i in range(1, len(part)):
        head, tail = part[:i], part[i:]
        h, t = repair_part(head), repair_part(tail)
        if h not in TYPE_ABBR and type_hint:
            h = _type_slot(h, type_hint)
        if h in TYPE_ABBR and len(t) >= 2 and t in ISSUER_ABBR:
            fits.append(f"{h}-{t}")
    return fits[0] if len(fits) == 1 else None


_SPACES_IN = re.compile(r"\s*([-/])\s*")


ABBR_OF_TYPE: dict[str, str] = {name: abbr for abbr, name in TYPE_ABBR.items() if abbr not in ("QĐi", "L", "CV")}
"""Type name -> its abbreviation in a symbol (`Thông tư` -> `TT`), for types whose symbols carry one."""


def _type_slot(part: str, type_hint: str | None) -> str:
    """The type slot of a symbol read with the cited type as evidence: `Thông tư số 25/2022/TI1-BTC` -> `TT`."""
    want = ABBR_OF_TYPE.get(type_hint or "")
    if not want or part in SYMBOL_PARTS or not part.isalnum():
        return part
    budget = 1 if len(want) <= 3 else 2
    return want if ocr_distance(part.upper(), want.upper()) <= budget else part


LOOKALIKES = str.maketrans({"Ð": "Đ", "ð": "đ"})
"""Letters OCR prints for another that Vietnamese never uses: Icelandic eth for Đ (they are drawn alike). The repair
stage reads a word through them too (the confusion rules, learned from text vie printed in Vietnamese, hold no `ð`,
so `rð` had no reading at all and stayed; as `rđ` it is `rõ`: bench_realpages tuning photo-blur `rõ ràng` read `rð`)."""


def nearest_part(part: str, pool: frozenset[str] | None = None) -> str | None:
    """The one known symbol part (of `pool`, default all) a damaged part is one OCR edit from: a glyph read twice
    (`PCTTT` -> `PCTT`, `CĐĐ` -> `CĐ`), else one edit from a known part of four letters or more (shorter ones are
    too many to tell apart); None when the part is known, too short, or near none or several.

    Only for a part whose place in a citation (`số NN/XX-YY ngày …`) proves it is a symbol part: an unknown part
    elsewhere may be a valid abbreviation missing from the lists."""
    pool = SYMBOL_PARTS if pool is None else pool
    if part in pool or len(part) < 3 or not part.isalpha():
        return None
    k = _key(part)
    keys = _by_key()
    doubled = {p for i in range(1, len(k)) if k[i] == k[i - 1] for p in keys.get(k[:i] + k[i + 1:], ()) if p in pool}
    if doubled:
        return doubled.pop() if len(doubled) == 1 else None
    hits = {p for p in pool if len(p) >= 4 and abs(len(p) - len(part)) <= 1 and ocr_distance(k, _key(p)) <= 1}
    return hits.pop() if len(hits) == 1 else None


def repair_symbol(sym: str, type_hint: str | None = None, numbered: bool = False) -> str:
    """A number/symbol token (`12/QD-TTG`, `35/2023/QHIS`, `09/BCH-PCTT`) repaired only where the grammar proves it.

    `type_hint` is the document type the text names (`Thông tư` in `Thông tư số …`); it alone may settle a type
    abbreviation OCR damaged beyond the letter confusions (`TI1` -> `TT`). `numbered`: the token followed a number
    (as in `số 12/…`), so a type glued to its issuer may be split."""
    if not sym:
        return sym
    s = _SPACES_IN.sub(r"\1", sym.strip().translate(LOOKALIKES))
    pieces = re.split(r"([-/.])", s)
    parts = [i for i, p in enumerate(pieces) if i % 2 == 0 and p and not p.isdigit() and any(c.isalpha() for c in p)]
    for n, i in enumerate(parts):
        p = pieces[i]
        fixed = repair_part(p)
        if n == 0 and type_hint and fixed not in SYMBOL_PARTS:
            fixed = _type_slot(fixed, type_hint)
        after_number = numbered or "/" in pieces[:i]
        if fixed == p and p not in SYMBOL_PARTS and after_number and n == 0 and (i + 1 == len(pieces) or pieces[i + 1] == "/"):
            fixed = _split_glued(p, type_hint) or p
        pieces[i] = fixed
    return "".join(pieces)


def is_valid_symbol(sym: str) -> bool:
    """True when the grammar has nothing to repair in the symbol."""
    return repair_symbol(sym) == sym


# ---------------------------------------------------------------- number/symbol in running text
_SYM = r"[A-Za-zĐđ][A-Za-z0-9Đđ&]*(?:\s?-\s?[A-Za-z0-9Đđ&]+)*"
NUMBER_RE = re.compile(
    rf"(?P<num>\d{{1,6}})?\s?(?:/\s?(?P<year>(?:19|20)\d\d))?\s?/\s?(?P<sym>{_SYM})"
    rf"|(?P<pnum>\d{{1,6}})\s?-\s?(?P<psym>[A-ZĐ][A-Za-zĐđ]{{0,5}})\s?/\s?(?P<porg>[A-ZĐ][A-Za-z0-9Đđ&]*(?:-[A-Za-z0-9Đđ&]+)*)"
)
"""Administrative `1433/KH-UBND`, legal `35/2023/UBTVQH15`, Party `57-NQ/TW`, blank `/KH-SNgV`."""

SYMBOL_TOKEN = re.compile(r"^(?:\d{1,6}[-/])?(?:(?:19|20)\d\d/)?[A-Za-zĐđ][A-Za-z0-9Đđ&]*(?:[-/][A-Za-z0-9Đđ&]+)*$")


def claims(token: str) -> bool:
    """True for a token the grammar owns (a number/symbol such as `09/BCH-PCTT`, `QĐ-TTg`, `35/2023/QH15`)."""
    if not token or not SYMBOL_TOKEN.fullmatch(token) or not re.search(r"[-/]", token):
        return False
    letters = re.findall(r"[A-Za-zĐđ]+", token)
    return any(sum(c.isupper() for c in w) >= 1 and (len(w) <= 8 or w.isupper()) for w in letters) and not all(
        w.islower() for w in letters)


def parse_number(text: str, type_hint: str | None = None, cited: bool = False) -> dict | None:
    """Split a number/symbol into printed form, numeric value and symbol; None when absent.

    `type_hint`: the document type named before the number (see repair_symbol). `cited`: the number stands where
    a citation's grammar puts one (`Kế hoạch số …`), so a part no list knows is taken as the one known part within
    one OCR edit (see nearest_part); such guesses are listed under "guessed" as (printed, taken) pairs. "chars":
    the non-space characters of `text` up to the number's end."""
    if not text:
        return None
    t = re.sub(r"(?<=\d)\s+(?=/)|(?<=/)\s+", "", text.translate(LOOKALIKES))
    for m in NUMBER_RE.finditer(t):
        if m.group("pnum"):
            org = re.sub(r"\s+", "", m.group("porg"))
            sym = f"{repair_symbol(m.group('psym'), type_hint)}/{repair_symbol(org)}"
            return {"number": f"{m.group('pnum')}-{sym}", "value": m.group("pnum"), "symbol": sym, "guessed": [],
                    "chars": _printed(t, m)}
        sym = repair_symbol(re.sub(r"\s+", "", m.group("sym")), type_hint, numbered=bool(m.group("num")))
        if not re.search(r"[A-Za-zĐđ]{2}", sym) and not m.group("year"):
            continue
        num, year = m.group("num"), m.group("year")
        guessed: list[tuple[str, str]] = []
        if cited and num:
            sym = _nearest_parts(sym, guessed)
        full_sym = f"{year}/{sym}" if year else sym
        return {"number": f"{num or ''}/{full_sym}", "value": num, "symbol": full_sym, "guessed": guessed,
                "chars": _printed(t, m)}
    return None


def _printed(t: str, m: re.Match) -> int:
    """How many non-space characters of the text the number took, up to its end (its printed length may differ
    from the repaired number's)."""
    return len(re.sub(r"\s", "", t[:m.end()]))


def _nearest_parts(sym: str, guessed: list[tuple[str, str]]) -> str:
    """A cited symbol's unknown parts replaced by their nearest known part (the first by a type abbreviation)."""
    pieces = re.split(r"([-/])", sym)
    for i in range(0, len(pieces), 2):
        near = nearest_part(pieces[i], frozenset(TYPE_ABBR) if i == 0 else None)
        if near:
            guessed.append((pieces[i], near))
            pieces[i] = near
    return "".join(pieces)


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
    key = re.sub(r"[^a-z ]", "", fold_lower(clean(line))).strip()
    return None if key in ("van ban", "chi dao") else TYPE_NAMES.get(key)


# ---------------------------------------------------------------- Roman numerals
ROMAN_RE = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(token: str) -> int:
    """Integer value of a valid Roman numeral, 0 when the token is not one."""
    if not token or not ROMAN_RE.fullmatch(token):
        return 0
    total, prev = 0, 0
    for ch in reversed(token):
        v = _ROMAN_VALUES[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def to_roman(n: int) -> str:
    """1..3999 as a Roman numeral."""
    out = []
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
                 (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


def read_roman(token: str, allow_h: bool = False) -> str | None:
    """The Roman numeral an OCR'd token stands for (`I11` → `III`, `Il` → `II`, `H` → `II` when allowed), else None.

    At least one real I, V or X must be printed: `11` alone is a number, not a numeral."""
    if not token:
        return None
    t = token
    if allow_h and re.fullmatch(r"[HI1l]+", t) and "H" in t:
        t = t.replace("H", "II")
    if not re.search(r"[IVX]", t):
        return None
    t = re.sub(r"[1l|!]", "I", t)
    return t if roman_value(t) else None


def numeral_distance(a: str, b: str) -> int:
    """Edit distance between two short numerals (how far OCR must have gone to read one as the other)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# ---------------------------------------------------------------- dates
_NGAY = r"ng[a-z]{0,2}y"
_THANG = r"th[a-z]{0,2}ng"
_NAM = r"n[a-z]{0,2}m"
_DATE_WORDS = re.compile(rf"(?:{_NGAY}\s*)?(\d{{1,2}})\s+{_THANG}\s+(\d{{1,2}})\s+{_NAM}\s+(\d{{4}})", re.I)
_DATE_NUM = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})(?![\d/])")


def make_date(d: int | str, m: int | str, y: int | str) -> date | None:
    """A date, or None when the parts are not a real calendar date (years 1900-2100)."""
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


def format_date(d: date, style: str = "words") -> str:
    """A date as Vietnamese documents print it: `ngày 5 tháng 3 năm 2020` (words) or `05/3/2020` (slash)."""
    if style == "words":
        return f"ngày {d.day:02d} tháng {d.month} năm {d.year}"
    return f"{d.day:02d}/{d.month}/{d.year}"


# ---------------------------------------------------------------- quarters
_Q_NUM = r"([ivxlh1]{1,4}|[1-4])"
_QUARTER = re.compile(rf"\bquy\s+{_Q_NUM}\b(?:\s*(?:-|–|den|va|,)\s*(?:quy\s+)?{_Q_NUM}\b)?\s*(?:/|nam|,)?\s*((?:19|20)\d{{2}})",
                      re.I)


def quarter_number(token: str) -> int | None:
    """1-4 from an Arabic or Roman quarter numeral, OCR look-alikes included (`H` for II, `l` for I)."""
    if token.isdigit():
        return int(token) if 1 <= int(token) <= 4 else None
    r = read_roman(token.upper().replace("L", "I"), allow_h=True)
    v = roman_value(r) if r else 0
    return v if 1 <= v <= 4 else None


def find_quarter(text: str) -> tuple[int, int, int] | None:
    """(first quarter, last quarter, year) of `Quý II/2026`, `quý I - quý III năm 2025`; None when absent."""
    m = _QUARTER.search(fold_lower(text or ""))
    if not m:
        return None
    q1, q2 = quarter_number(m.group(1)), quarter_number(m.group(2) or m.group(1))
    if not (q1 and q2):
        return None
    return min(q1, q2), max(q1, q2), int(m.group(3))


def quarter_span(first: int, last: int, year: int) -> tuple[date, date]:
    """First and last day of quarters first..last of a year."""
    end_month = 3 * last
    return date(year, 3 * first - 2, 1), date(year, end_month, calendar.monthrange(year, end_month)[1])


def format_quarter(q: int, year: int) -> str:
    """`Quý II/2026`."""
    return f"Quý {to_roman(q)}/{year}"


_QUARTERS = ("I", "II", "III", "IV")
_QUARTER_LOOKALIKES = frozenset("Tl1|HL")
"""Glyphs OCR prints for an I of a quarter's numeral in a table cell (`TV`, `IHI`, `II1`, `IIL`: the last I's serif
read as L's foot, bench_broke --extra scan300 and bare Tesseract alike): each stands for an I or is a speck read beside
it (`TIV`)."""


def quarter_numeral(token: str) -> str | None:
    """The quarter numeral (I-IV) a numeral OCR damaged stands for: each look-alike glyph (_QUARTER_LOOKALIKES) read
    as I (cost 1) or dropped (cost 2), a printed I or V kept (or dropped, cost 2); the one cheapest numeral, None when
    there is none or a tie, or when the token holds no I or V or is a numeral already."""
    if not 1 <= len(token) <= 4 or token in _QUARTERS or not any(c in "IV" for c in token):
        return None
    if any(c not in "IV" and c not in _QUARTER_LOOKALIKES for c in token):
        return None
    best: dict[str, int] = {}
    for mask in range(1 << len(token)):
        kept = [c for k, c in enumerate(token) if not mask >> k & 1]
        text = "".join("I" if c in _QUARTER_LOOKALIKES else c for c in kept)
        cost = 2 * bin(mask).count("1") + sum(c in _QUARTER_LOOKALIKES for c in kept)
        if text in _QUARTERS and cost < best.get(text, 99):
            best[text] = cost
    if not best:
        return None
    low = min(best.values())
    found = [t for t, c in best.items() if c == low]
    return found[0] if len(found) == 1 else None


QUARTER_TOKEN = re.compile(r"^([IVTHLl1|]{1,4})([/⁄](?:19|20)\d{2})([.,;:)]?)$")
"""A quarter's numeral and year as one OCR token (`TIV/2026`, `II1⁄2026`); ⁄ is the fraction slash OCR reads for /."""


def quarter_token(token: str) -> str | None:
    """`TIV/2026` -> `IV/2026`, `II1⁄2026` -> `III/2026`: a token after `Quý` whose numeral OCR damaged (quarter_numeral),
    or whose slash it read as a fraction slash; None when it needs nothing (or is a number: `1/2026`)."""
    m = QUARTER_TOKEN.match(token)
    if not m:
        return None
    num = m.group(1) if m.group(1) in _QUARTERS else quarter_numeral(m.group(1))
    if num is None:
        return None
    out = num + m.group(2).replace("⁄", "/") + m.group(3)
    return out if out != token else None


def repair_quarter_numerals(text: str) -> str:
    """`Quý l1/2026` → `Quý II/2026`: the Roman numeral after `Quý` read back through the grammar."""
    def fix(m: re.Match) -> str:
        r = read_roman(m.group(2).replace("l", "I"))
        return m.group(1) + (r or m.group(2)) + m.group(3)
    return re.sub(r"(Qu[ýyí]\s+)([IVl1]{1,3})(\s*/)", fix, text, flags=re.I)
