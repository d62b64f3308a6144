"""Rebuild a task table that OCR flattened into interleaved text lines (no ruled grid available).

Rows come from the TT numbering (1, 2, 3 … at the start of a line, usually the row's middle line);
cells from general grammars of the columns: unit names (head noun + name) for the lead, deadline phrases,
kinds of documents for the product. Run after the repair stage, so the text is already mended.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence

from unidecode import unidecode

from ..models import Line, Table
from ..text import CharTable
from ._text import clean

HEADER_KEYS = {
    "tt": r"(?:^|\s)s?tt\b",
    "task": r"\bnh\w{0,3}m v\w\b|\bn\w{1,2}i dung\b",
    "lead": r"\bch\w{1,2} tr\w\b",
    "partners": r"\bph\w{1,3} h\w?p\b",
    "deadline": r"\bth\w{1,2}i (?:gian|han)\b|\bho\w{1,2}n th\w{1,3}h\b",
    "product": r"\bs\w{1,2}n ph\w{0,2}m\b|\bk\w{1,2}t qu\w\b",
}
ROLE_ORDER = ("tt", "task", "lead", "partners", "deadline", "product")
_Y = r"(?:19|20)\d\d"
DEADLINE = re.compile(
    rf"thuong xuyen(?: trong nam {_Y})?|hang (?:nam|quy|thang|tuan)|dinh ky"
    rf"|(?:truoc|tu|den|trong) (?:ngay )?\d{{1,2}}/\d{{1,2}}/{_Y}|\d{{1,2}}/\d{{1,2}}/{_Y}"
    rf"|quy [ivx1-4]+(?: ?[-,] ?(?:quy )?[ivx1-4]+)?(?: ?/ ?| nam ){_Y}"
    rf"|thang \d{{1,2}}(?: ?[-,] ?\d{{1,2}})?(?: ?/ ?| nam ){_Y}"
    rf"|6 thang (?:dau|cuoi) nam {_Y}"
    rf"|\bn\w{{1,2}}m {_Y}(?: ?- ?{_Y})?"
)
UNIT_HEAD = re.compile(
    r"\b(?:c\w{1,2}c ph\w{1,3}|van phong|phong|trung tam|chi cuc|ubnd|uy ban nhan dan|ban|thanh tra|so|cong an|doan|hoi)"
    r"[,.]? [a-z]"
)
"""Skeleton of a unit's head noun (Phòng, Trung tâm, Sở, …) followed by the start of its name."""
UNIT_LINKS = frozenset({"don", "vi", "thuoc", "truc", "cap", "va", "-", "&"})
"""Skeletons of the lower-case words that join parts of one unit's name: `Các phòng, đơn vị trực thuộc Sở`."""
PLURAL = frozenset({"cac", "nhung"})
"""Plural markers: inside a line they begin a new noun phrase (the next cell), never continue a name."""
PRODUCT = re.compile(
    r"\b(?:bao cao|ke hoach|van ban|s\w{1,2}n ph\w{0,2}m|tai lieu|an pham|to roi|cong van|quyet dinh"
    r"|huong dan|bai viet|phong su|hinh anh|chuyen muc|danh sach|de an|bien ban|du thao|thong bao|to trinh)\b"
)
"""Document kinds a product cell names (a generic list of administrative outputs)."""
_END = re.compile(r"^(?:noi nhan|kt\.|tm\.|tl\.|giam doc|chu tich)")
DIGIT_SHAPES = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1", "!": "1", "]": "1",
                              "[": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "b": "6", "G": "6", "B": "8", "g": "9", "q": "9"})
"""Glyphs OCR reads in place of a digit because they share its shape (a vertical stroke for 1, a loop for 0, …)."""


_SKEL1 = CharTable(lambda ch: unidecode(ch)[:1] or " ")


def skel1(text: str) -> str:
    """Lower-case ASCII skeleton with exactly one character per input character (positions line up)."""
    return text.translate(_SKEL1).lower()


def header_roles(text: str) -> list[tuple[int, str]]:
    """(position, role) of the header keywords found in one line."""
    sk = skel1(text)
    hits = []
    for role, pat in HEADER_KEYS.items():
        m = re.search(pat, sk)
        if m:
            hits.append((m.start() + (1 if sk[m.start()] == " " else 0), role))
    return sorted(hits)


def _tt(line: str, k: int) -> int | None:
    """End offset of the number k at the start of the line (digits read as look-alike glyphs accepted), else None."""
    m = re.match(r"\s*(\S+?)[.)|]?(?=\s|$)", line)
    if not m:
        return None
    tok = m.group(1)
    if tok == str(k) or (len(tok) <= 2 and tok.translate(DIGIT_SHAPES) == str(k)):
        return m.end()
    return None


def _starts_cell(sk: str, i: int) -> bool:
    """True when a unit, deadline or product phrase begins at offset i of the skeleton."""
    return bool(UNIT_HEAD.match(sk, i) or DEADLINE.match(sk, i) or PRODUCT.match(sk, i))


def _name_end(text: str, sk: str, start: int) -> int:
    """End of a unit's proper name: capitalised words, each followed by at most one lower-case syllable."""
    last, lower = start, 0
    for t in re.finditer(r"\S+", text[start:]):
        i = start + t.start()
        if i > start and _starts_cell(sk, i):
            break
        w = t.group()
        if i > start and skel1(w) in PLURAL:
            break
        if w[:1].isupper() or w[:1].isdigit():
            lower = 0
        elif skel1(w).strip(",;.") in UNIT_LINKS:
            lower = -1
        else:
            lower += 1
            if lower > 1:
                break
        last = start + t.end()
    return last


def find_units(text: str) -> list[tuple[int, int, str]]:
    """(start, end, unit text) of the unit names in the line: a capitalised head noun and the name after it."""
    sk = skel1(text)
    out: list[tuple[int, int, str]] = []
    for m in UNIT_HEAD.finditer(sk):
        if any(s <= m.start() < e for s, e, _ in out) or not text[m.start():m.start() + 1].isupper():
            continue
        last = _name_end(text, sk, m.end() - 1)
        out.append((m.start(), last, clean(text[m.start():last]).rstrip(",;")))
    return sorted(out)


def _tidy(text: str, strict: bool = False) -> str:
    """Drop tokens with no letter or digit (strict: also stray single characters) and trailing separators."""
    toks = [t for t in text.split() if re.search(r"\w", t) and not (strict and len(t.strip(",;.")) <= 1)]
    return clean(" ".join(toks)).strip(" ,;.-")


def _deadline_text(orig: str, sk: str) -> str:
    """Printed deadline, with the year word fixed when OCR garbled it."""
    m = re.fullmatch(rf"n\w{{1,2}}m ({_Y}(?: ?- ?{_Y})?)", sk)
    if m:
        return f"Năm {m.group(1)}"
    if sk.startswith("thuong xuyen") and not re.search(r"[ườê]", orig):
        return "Thường xuyên" + orig[len("thuong xuyen"):]
    return clean(orig)


def _split_rows(body: list[str], anchors: list[int]) -> list[list[int]]:
    """Line indices per row: lines between two numbered lines shared out as if each number sat mid-row."""
    rows: list[list[int]] = [[a] for a in anchors]
    before = anchors[0]
    for i in range(len(rows)):
        start = anchors[i - 1] + 1 if i else 0
        rows[i] = list(range(start + (0 if i == 0 else 0), anchors[i] + 1))[-(before + 1):]
        nxt = anchors[i + 1] if i + 1 < len(anchors) else len(body)
        gap = nxt - anchors[i] - 1
        after = min(gap, before if i + 1 < len(anchors) else max(before + 1, 2))
        rows[i] += list(range(anchors[i] + 1, anchors[i] + 1 + after))
        before = gap - after if i + 1 < len(anchors) else 0
    return rows


def _row_cells(body: list[str], idx: list[int], anchor: int, tt_end: int) -> dict[str, str]:
    """Cell text by role for one row, from its anchor (numbered) line and the lines around it."""
    a = body[anchor]
    sa = skel1(a)
    cells = {"tt": "", "task": "", "lead": "", "partners": "", "deadline": "", "product": ""}
    units = [u for u in find_units(a) if u[0] >= tt_end]
    lead_end = tt_end
    if units:
        cells["lead"] = units[0][2]
        lead_end = units[0][1]
    dls = [m for m in DEADLINE.finditer(sa) if m.start() >= lead_end]
    tails: list[tuple[int, str]] = []
    if dls:
        d = dls[-1]
        cells["deadline"] = _deadline_text(a[d.start():d.end()], sa[d.start():d.end()])
        cells["partners"] = _tidy(a[lead_end:d.start()])
        tails.append((anchor, a[d.end():]))
    else:
        for i in idx:
            ms = list(DEADLINE.finditer(skel1(body[i])))
            if i != anchor and ms:
                s, e = ms[-1].start(), ms[-1].end()
                cells["deadline"] = _deadline_text(body[i][s:e], skel1(body[i])[s:e])
                break
        cells["partners"] = _tidy(a[lead_end:])
    task = [a[tt_end:units[0][0]] if units else ""]
    partners = [(anchor, cells["partners"])]
    for i in idx:
        if i == anchor:
            continue
        line, sl = body[i], skel1(body[i])
        cut = len(line)
        junk = re.search(r"\s[<>\\~^*]\s|(?:\s[^\w\s]{1,2}){2,}\s", line)
        if junk:
            cut = junk.start()
        for s, _, _ in find_units(line):
            cut = min(cut, s) if s > 0 else cut
        prod = len(line)
        for m in PRODUCT.finditer(sl):
            rest = [t for t in line[m.start():].split() if re.search(r"\w", t)]
            lead_in = line[:m.start()].rstrip()
            if len(rest) <= 5 and m.start() > 0 and (line[m.start()].isupper() or lead_in[-1:] in ";:<>\\|"):
                tails.append((i, line[m.start():]))
                prod = m.start()
                break
        cut = min(cut, prod)
        if cut < prod:
            partners.append((i, _tidy(line[cut:prod], strict=True)))
        if i < anchor:
            task.insert(len(task) - 1, line[:cut])
        else:
            task.append(line[:cut])
    cells["task"] = _tidy(" ".join(task))
    cells["partners"] = _tidy(" ".join(t for _, t in sorted(partners) if t), strict=True)
    cells["product"] = _tidy(" ".join(t for _, t in sorted(tails)))
    return cells


def _is_header_line(text: str) -> bool:
    """A table header names at least three roles and is made of little else (not a sentence that
    happens to say "nhiệm vụ … hoàn thành … kết quả")."""
    roles = {r for _, r in header_roles(text)}
    return len(roles) >= 3 and ("tt" in roles or len(text.split()) <= 3 * len(roles))


def rebuild_from_lines(lines: Sequence[Line]) -> Table | None:
    """The flattened annex table in the lines, or None when no header and numbered rows are found. The lines are
    read once, in order, keeping only the few before the table's header and the table's own (a long text's
    lines are never all held)."""
    before: deque[str] = deque(maxlen=6)
    found = None
    read = iter(lines)
    for ln in read:
        t = clean(ln.text)
        if _is_header_line(t):
            found = (t, ln.page)
            break
        before.append(t)
    if found is None:
        return None
    head_text, page = found
    body: list[str] = []
    pages = {page}
    for ln in read:
        t = clean(ln.text)
        if _END.match(skel1(t)):
            break
        body.append(t)
        pages.add(ln.page)
    anchors: list[int] = []
    ends: list[int] = []
    k = 1
    for i, t in enumerate(body):
        e = _tt(t, k)
        if e is not None and (k > 1 or t.split()[0] == "1" or find_units(t) or DEADLINE.search(skel1(t))):
            anchors.append(i)
            ends.append(e)
            k += 1
    if len(anchors) < 2:
        return None
    rows_idx = _split_rows(body, anchors)
    rows: list[list[str]] = []
    for idx, anc, e in zip(rows_idx, anchors, ends):
        c = _row_cells(body, idx, anc, e)
        c["tt"] = str(len(rows) + 1)
        rows.append([c[r] for r in ROLE_ORDER])
    share = sum(bool(r[2]) + bool(r[4]) for r in rows) / (2 * len(rows))
    hp = header_roles(head_text)
    ends = [s for s, _ in hp[1:]] + [len(head_text)]
    printed = {role: clean(head_text[s:e]) for (s, role), e in zip(hp, ends)}
    headers = [printed.get(r, r) for r in ROLE_ORDER]
    title_at = min((i for i, t in enumerate(before) if re.match(r"^(danh muc|phu luc)\b", skel1(t))), default=None)
    title = None
    if title_at is not None:
        parts = [before[title_at]]
        for t in list(before)[title_at + 1:]:
            if len(header_roles(t)) >= 2 or t.startswith("("):
                break
            parts.append(t)
        title = " ".join(parts)
    return Table(page=page, pages=sorted(pages),
                 title=title, headers=headers, roles=list(ROLE_ORDER), rows=rows, origin="text",
                 confidence=round(0.3 + 0.5 * share, 2))
