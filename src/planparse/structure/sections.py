"""Body section tree: levels from the numbering style (Phần/Chương, I., 1., 2.1., a), -, +), not fonts.

Wrapped lines are joined into paragraphs, page numbers dropped, odd numbering kept and warned about.
"""

from __future__ import annotations

import pickle
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from ..models import Section
from ..symbols import numeral_distance, read_roman, roman_value, to_roman
from ..text import clean, fold, is_upper

_PART = re.compile(r"^(Phần|PHẦN|Chương|CHƯƠNG|Ph[aâầ]n|Ch[uư][oơ]ng|Tiểu mục|TIỂU MỤC|Mục|MỤC)\s+([IVXLC1l]+|\d+|th[ứu]\s+\S+)\b\.?\s*(.*)$")  # noqa: E501 - one pattern reads best on one line
_ARTICLE = re.compile(r"^(Điều|Đi[eê]u|Dieu|Diều)\s+(\d+)\s*[.:]\s*(.*)$")
_ROMAN = re.compile(r"^([IVXl1|H]{1,5})\s*[.)/:]\s*(.*)$")
_ROMAN_DAMAGED = re.compile(r"^([IVXLHl1|]{1,4})\s*[.)]\s+(.*)$")
"""A Roman heading whose numeral OCR damaged (`IL. MỤC ĐÍCH`): its value is left to the sequence of its siblings."""
_ROMAN_BARE = re.compile(r"^([IVX]{1,5})\s+(\S.*)$")
"""A Roman heading whose dot OCR lost ("II NHIỆM VỤ"): accepted only before an upper-case title."""
_DECIMAL = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(.*)$")
_ARABIC = re.compile(r"^(\d{1,2})\s*[.)]\s*(?!\d)(.*)$")
_LETTER = re.compile(r"^([a-zđ])\s*[.)]\s+(.*)$")
_DASH = re.compile(r"^[-–—•▪·*~]\s*(.*)$")
_PLUS = re.compile(r"^\+\s*(.*)$")
_PAGE_NO = re.compile(r"^\s*(?:[-–]\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?\s*(?:[-–])?\s*$", re.I)

RANK = {"part": 0, "article": 1.5, "roman": 1, "arabic": 2, "decimal": 3, "letter": 4, "dash": 5, "plus": 6}
LEVEL = {"part": 0, "article": 1, "roman": 1, "arabic": 2, "decimal": 3, "letter": 4, "dash": 5, "plus": 6}


@dataclass(slots=True)  # slotted (as _Node): a long document has one per numbered line
class Marker:
    number: str
    kind: str
    rest: str
    rank: float
    value: int | None = None
    damaged: bool = False
    """The numeral is no valid one (`IL.`): only its place in the sequence can say which it is."""

    def __post_init__(self) -> None:
        self.number = sys.intern(self.number)  # `1.`, `a)`, `-` shared by the many markers (and Sections) printing them


@dataclass(slots=True)
class _Node:
    marker: Marker | None
    page: int | None
    title: str | None = None
    paras: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)


def classify(text: str) -> Marker | None:
    """The numbering marker at the start of a line, or None for a plain line."""
    t = (text or "").strip()
    if not t:
        return None
    m = _PART.match(t)
    if m:
        tok, word = m.group(2), fold(m.group(1)).lower()
        if m.group(3) and not m.group(3)[:1].isupper() and not m.group(3).startswith((".", ":")):
            return None
        num = read_roman(tok) or tok
        rank = {"phan": 0.0, "chuong": 0.2, "muc": 0.5, "tieu muc": 0.7}.get(word, 0.0)
        value = roman_value(num) or (int(num) if num.isdigit() else None)
        return Marker(f"{m.group(1).capitalize()} {num}", "part", m.group(3).lstrip(".: "), rank, value)
    m = _ARTICLE.match(t)
    if m:
        return Marker(f"Điều {m.group(2)}.", "article", m.group(3), RANK["article"], int(m.group(2)))
    m = _ROMAN.match(t)
    if m and m.group(2)[:1] != "/":
        r = read_roman(m.group(1), allow_h=is_upper(m.group(2)))
        if r and (m.group(2)[:1].isupper() or not m.group(2)) and not re.match(r"^[1l|]+$", m.group(1)):
            return Marker(f"{r}.", "roman", m.group(2), RANK["roman"], roman_value(r))
    m = _ROMAN_DAMAGED.match(t)
    if m and re.search(r"[IVX]", m.group(1)) and is_upper(m.group(2), 4) and not read_roman(m.group(1), allow_h=True):
        return Marker(f"{m.group(1)}.", "roman", m.group(2), RANK["roman"], None, damaged=True)
    m = _ROMAN_BARE.match(t)
    if m and is_upper(m.group(2)) and len(m.group(2).split()) >= 2 and roman_value(m.group(1)):
        return Marker(f"{m.group(1)}.", "roman", m.group(2), RANK["roman"], roman_value(m.group(1)))
    m = _DECIMAL.match(t)
    if m and m.group(2)[:1].isalpha():
        depth = m.group(1).count(".")
        return Marker(m.group(1) + ".", "decimal", m.group(2), RANK["decimal"] + (depth - 1) * 0.1,
                      int(m.group(1).split(".")[-1]))
    m = _ARABIC.match(t)
    if m and (m.group(2)[:1].isalpha() or not m.group(2)) and int(m.group(1)) <= 60:
        sep = ")" if ")" in t[: len(m.group(1)) + 2] else "."
        return Marker(m.group(1) + sep, "arabic", m.group(2), RANK["arabic"], int(m.group(1)))
    m = _LETTER.match(t)
    sep = ")" if m and ")" in t[:3] else "."
    if m and m.group(2)[:1].isalpha() and (m.group(2)[:1].isupper() or sep == ")"):
        letters = "abcdđeghiklmnopqrstuvxy"
        return Marker(m.group(1) + sep, "letter", m.group(2), RANK["letter"], letters.find(m.group(1)) + 1)
    m = _PLUS.match(t)
    if m and m.group(1):
        return Marker("+", "plus", m.group(1), RANK["plus"])
    m = _DASH.match(t)
    if m and m.group(1) and not m.group(1)[:1].isdigit():
        return Marker("-", "dash", m.group(1), RANK["dash"])
    return None



def _join_all(parts: list[str]) -> str:
    """Join wrapped lines in one pass (linear even for very long paragraphs)."""
    out: list[str] = []
    for p in parts:
        if not p:
            continue
        if out and not re.search(r"\w-$", out[-1]):
            out.append(" ")
        out.append(p)
    return "".join(out)


def _is_heading(marker: Marker, rest: str, next_text: str | None, blank_after: bool, typical: int) -> bool:
    """Tell a heading (`1. Mục tiêu`) from a numbered paragraph."""
    if marker.kind in ("dash", "plus"):
        return False
    if marker.kind == "part":
        return True
    if not rest:
        return False
    if is_upper(rest):
        return True
    if re.search(r"[.;,]$", rest) or len(rest) > 90:
        return False
    short = len(rest) < max(40, 0.6 * typical)
    if next_text is None:
        return short
    nxt = next_text.strip()
    if classify(nxt):
        return short or marker.kind in ("roman", "article")
    if nxt[:1].islower():
        return False
    return short and (blank_after or len(rest) < 0.5 * typical)


def _running_headers(body: Iterable[tuple[str, int]], lengths: Counter | None = None) -> set[str]:
    """Short lines that open or close two or more pages: running headers/footers (`lengths` counts the lengths
    of the lines on the way, see `_typical`)."""
    edges: dict[int, list[str]] = {}  # a page's first and last line
    for t, p in body:
        if lengths is not None and len(t) > 20:
            lengths[len(t)] += 1
        if t:
            edge = edges.get(p)
            if edge is None:
                edges[p] = [t, t]
            else:
                edge[1] = t
    pages: dict[str, set[int]] = {}
    for p, ts in edges.items():
        for t in set(ts):
            if len(t) < 80 and classify(t) is None:
                pages.setdefault(t, set()).add(p)
    return {t for t, ps in pages.items() if len(ps) >= 2}


def _cleaned(lines: Iterable[tuple[str, int]], running: Collection[str] = frozenset()) -> Iterator[tuple[str, int]]:
    """The lines cleaned, running headers blanked."""
    for t, p in lines:
        c = clean(t)
        yield ("" if c in running else c), p


def _typical(counts: Counter) -> int:
    """The upper-quartile length of the lines longer than 20 characters, from how many there are of each length
    (70 when there are none)."""
    rank = sum(counts.values()) * 3 // 4
    for n in sorted(counts):
        if rank < counts[n]:
            return n
        rank -= counts[n]
    return 70


def _ahead(body: Iterable[tuple[str, int]]) -> Iterator[tuple[str, int, str | None, bool]]:
    """Each line with text that is no page number, with the next such line (None at the end) and whether a blank
    line came between them: the one line of look-ahead paragraphs need, read as the lines stream by."""
    held: tuple[str, int] | None = None
    blank = False
    for t, page in body:
        if not t:
            blank = True
            continue
        if _PAGE_NO.match(t):
            continue
        if held is not None:
            yield held[0], held[1], t, blank
        held, blank = (t, page), False
    if held is not None:
        yield held[0], held[1], None, blank


def _paragraphs(lines: Iterable[tuple[str, int]]) -> Iterator[tuple[Marker | None, str, int, bool]]:
    """Group lines into (marker, text, page, is_heading) paragraphs, one at a time: the lines are read two or
    three times (running headers and typical length, that length again without them, paragraphs), never all held."""
    lengths: Counter = Counter()
    running = _running_headers(_cleaned(lines), lengths)
    if running:
        lengths = Counter(len(t) for t, _ in _cleaned(lines, running) if len(t) > 20)
    typical = _typical(lengths)
    return _fix_part_titles(_grouped(_ahead(_cleaned(lines, running)), typical))


def _grouped(body: Iterable[tuple[str, int, str | None, bool]], typical: int) -> Iterator[tuple[Marker | None, str, int, bool]]:
    cur: list | None = None
    """The open paragraph, [marker, parts, page, is_heading]: joined when the next one starts."""
    for t, page, nxt, blank_after in body:
        marker = classify(t)
        if marker is None and cur is not None and not cur[3]:
            ended = re.search(r"[.:;!?]$", cur[1][-1]) is not None
            if not (ended and t[:1].isupper()):
                cur[1].append(t)
                continue
        if cur is not None:
            yield cur[0], _join_all(cur[1]), cur[2], cur[3]
        if marker is None:
            cur = [None, [t], page, False]
            continue
        cur = [marker, [marker.rest or ""], page, _is_heading(marker, marker.rest, nxt, blank_after, typical)]
    if cur is not None:
        yield cur[0], _join_all(cur[1]), cur[2], cur[3]


def _fix_part_titles(paras: Iterable[tuple]) -> Iterator[tuple]:
    """`Phần I` / `Chương II` on their own line take the next plain paragraph as title."""
    held = None
    for p in paras:
        if held is not None:
            m, text, page, _ = held
            if m is not None and m.kind == "part" and not text and p[0] is None:
                yield m, p[1], page, True
                held = None
                continue
            yield held
        held = p
    if held is not None:
        yield held


def build_tree(lines: Sequence[tuple[str, int]]) -> tuple[list[Section], list[tuple[str, int | None]]]:
    """Section tree and numbering warnings (message, page) from body lines (text, page)."""
    warnings: list[tuple[str, int | None]] = []
    return list(tree_sections(lines, warnings)), warnings


def tree_sections(lines: Sequence[tuple[str, int]], warnings: list[tuple[str, int | None]],
                  spooled: bool = False) -> Iterator[Section]:
    """The top-level sections of the tree `build_tree` gives, one at a time with its subtree, each built when the
    next one starts: a long text's tree is never whole in memory. The paragraphs are kept between the passes
    (a list, or with `spooled` a temporary file); the numbering warnings are added to `warnings` at the end.

    Pass 1 groups the lines into paragraphs; pass 2 finds the top level's numbered headings, whose sequence is
    repaired before any is given out; pass 3 builds each top-level section, repairs and checks its subtree."""
    paras = _SpooledParagraphs() if spooled else _Paragraphs()
    try:
        first = _FirstRoman()
        for p in _paragraphs(lines):
            first.see(p)
            paras.append(p)
        fixes: list[tuple[str, int | None]] = []
        swap = first.swap(fixes)
        top = [_Node(p[0], p[2]) for p, depth in _placements(paras.read(swap)) if depth == 0 and p[0] is not None]
        _repair_level(top, fixes)
        checks: list[tuple[str, int | None]] = []
        last: dict[str, Marker] = {}
        stack: list[_Node] = []
        marked = iter(top)
        for (marker, text, page, heading), depth in _placements(paras.read(swap)):
            if depth == -1:
                stack[-1].paras.append(text)
                continue
            if depth == 0 and stack:
                yield _finished(stack[0], last, fixes, checks)
                stack = []
            if marker is None:
                stack = [_Node(None, page, paras=[text])]
                continue
            node = _Node(next(marked).marker if depth == 0 else marker, page)
            if heading:
                node.title = text.rstrip(" :") or None
            elif text:
                node.paras.append(text)
            if depth:
                del stack[depth:]
                stack[-1].children.append(node)
            stack.append(node)
        if stack:
            yield _finished(stack[0], last, fixes, checks)
        warnings.extend(fixes)
        warnings.extend(checks)
    finally:
        paras.close()


def _finished(node: _Node, last: dict[str, Marker], fixes: list, checks: list) -> Section:
    """A complete top-level node as a Section, its subtree's numbering repaired and checked."""
    _repair_sequence(node, fixes)
    _check_child(node, last, checks)
    _check_numbering(node, checks)
    return _to_section(node, 0)


def _placements(paras: Iterable[tuple]) -> Iterator[tuple[tuple, int]]:
    """Each paragraph with where it goes in the tree: 0 a top-level section, d > 0 a child of the d-th numbered
    section on the open path (d levels deep), -1 more text of the section last opened. Numbered sections nest by
    the rank of their numbering; a plain paragraph at the top level, or one opening `Trên đây`, is top-level."""
    ranks: list[float] = []
    for p in paras:
        marker, text = p[0], p[1]
        if marker is None:
            if not ranks or fold(text).lower().startswith("tren day"):
                ranks = []
                yield p, 0
            else:
                yield p, -1
            continue
        while ranks and ranks[-1] >= marker.rank:
            ranks.pop()
        yield p, len(ranks)
        ranks.append(marker.rank)


class _FirstRoman:
    """`1. MỤC ĐÍCH` before `II.` with no `I.` anywhere before it: the I was read as 1 or l (one glyph apart),
    the upper-case title is how Roman headings are printed, and the sequence needs the I. Seen paragraph by
    paragraph; `swap` says which one to change once all are seen."""

    def __init__(self) -> None:
        self.count = 0
        self.roman: Marker | None = None
        self.candidate: tuple[int, tuple] | None = None

    def see(self, p: tuple) -> None:
        m, text = p[0], p[1]
        if self.roman is None and m is not None:
            if m.kind == "roman":
                self.roman = m
            elif self.candidate is None and m.number.rstrip(".)") in ("1", "l") and text and is_upper(text, 4):
                self.candidate = (self.count, p)
        self.count += 1

    def swap(self, warnings: list[tuple[str, int | None]]) -> tuple[int, tuple] | None:
        """(index, new paragraph) when the first Roman heading is II. and an upper-case `1.` came before it."""
        if self.roman is None or self.roman.value != 2 or self.candidate is None:
            return None
        k, (m, text, page, _) = self.candidate
        warnings.append((f"section number {m.number} corrected to I.: an upper-case heading before "
                         f"{self.roman.number} where no I. was read", page))
        return k, (Marker("I.", "roman", m.rest, RANK["roman"], 1), text, page, True)


class _Paragraphs:
    """The paragraphs of pass 1, kept in a list for the later passes."""

    def __init__(self) -> None:
        self.items: list[tuple] = []

    def append(self, p: tuple) -> None:
        self.items.append(p)

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.items)

    def read(self, swap: tuple[int, tuple] | None) -> Iterator[tuple]:
        """The paragraphs in order, the one `swap` names replaced."""
        for k, p in enumerate(self):
            yield swap[1] if swap is not None and k == swap[0] else p

    def close(self) -> None:
        self.items = []


class _SpooledParagraphs(_Paragraphs):
    """The paragraphs pickled to an unnamed temporary file (a marker's `rest` is not kept: no pass after the
    first reads it), read back in order as often as needed."""

    def __init__(self) -> None:
        super().__init__()
        self.file = tempfile.TemporaryFile()
        self.count = 0

    def append(self, p: tuple) -> None:
        m = p[0]
        pickle.dump((p[1:], None if m is None else (m.number, m.kind, "", m.rank, m.value, m.damaged)), self.file)
        self.count += 1

    def __iter__(self) -> Iterator[tuple]:
        self.file.flush()
        self.file.seek(0)
        for _ in range(self.count):
            rest, m = pickle.load(self.file)
            yield (None if m is None else Marker(*m), *rest)

    def close(self) -> None:
        self.file.close()


def _numeral(marker: Marker) -> str:
    m = re.match(r"^[0-9A-Z]+", marker.number)
    return m.group(0) if m else ""


def _near(kind: str, printed: str, value: int) -> str | None:
    """The numeral `value` would print as, when OCR could have read it as `printed` (one glyph off)."""
    want = to_roman(value) if kind == "roman" else str(value)
    if kind == "arabic" and len(printed) != len(want):
        return None
    return want if numeral_distance(printed, want) <= 1 else None


def _best_run(kind: str, markers: list[Marker]) -> list[str | None] | None:
    """Numerals of the consecutive run (s, s+1, …) that the printed numbers fit with the fewest changes, each
    change one glyph away (`II` for `III`); None when no run fits or more than a minority would change. A damaged
    numeral (`IL`) must fit too but costs nothing: it was never a reading to keep."""
    values = [m.value or 0 for m in markers]
    starts = sorted({1} | {v - i for i, v in enumerate(values) if v and v - i >= 1}, key=lambda s: (s != 1, s))
    best: tuple[int, list[str | None]] | None = None
    for s in starts:
        fixes: list[str | None] = []
        for i, m in enumerate(markers):
            if m.value == s + i:
                fixes.append(None)
                continue
            near = _near(kind, _numeral(m), s + i)
            if near is None:
                break
            fixes.append(near)
        else:
            cost = sum(f is not None and not m.damaged for f, m in zip(fixes, markers))
            if best is None or cost < best[0]:
                best = (cost, fixes)
    if best is None or not any(best[1]) or 2 * best[0] >= len(markers):
        return None
    return best[1]


def _repair_sequence(node: _Node, warnings: list[tuple[str, int | None]]) -> None:
    """Roman or Arabic numbers of siblings that break their sequence where a near neighbour fits are corrected,
    at every level under `node` (see `_repair_level`)."""
    _repair_level(node.children, warnings)
    for c in node.children:
        _repair_sequence(c, warnings)


def _repair_level(children: list[_Node], warnings: list[tuple[str, int | None]]) -> None:
    """Roman or Arabic numbers of siblings that break their sequence where a near neighbour fits are corrected:
    `I, II, II, IV` → `I, II, III, IV` (the III was read II); every correction is reported."""
    for kind in ("roman", "arabic"):
        marked = [(c, c.marker) for c in children
                  if c.marker is not None and c.marker.kind == kind and (c.marker.value or c.marker.damaged)]
        enough = len(marked) >= 3 or (len(marked) == 2 and any(m.damaged for _, m in marked))
        fixes = _best_run(kind, [m for _, m in marked]) if enough else None
        for k, ((c, m), new) in enumerate(zip(marked, fixes or [])):
            if new is None:
                continue
            old = m.number
            around = ", ".join(x for x in (marked[k - 1][1].number if k else None, "?",
                                           marked[k + 1][1].number if k + 1 < len(marked) else None) if x)
            m.number, m.value = new + old[len(_numeral(m)):], (roman_value(new) if kind == "roman" else int(new))
            m.damaged = False
            warnings.append((f"section number {old} corrected to {m.number}: OCR misread, the sequence ({around}) "
                             f"fits only {m.number}", c.page))


def _check_numbering(node: _Node, warnings: list[tuple[str, int | None]]) -> None:
    """Warn about repeated or skipped numbers among siblings of one style, at every level under `node`."""
    last: dict[str, Marker] = {}
    for c in node.children:
        _check_child(c, last, warnings)
        _check_numbering(c, warnings)


def _check_child(c: _Node, last: dict[str, Marker], warnings: list[tuple[str, int | None]]) -> None:
    """Warn when `c`'s number does not follow the last sibling of its style (`last`, by style, updated)."""
    m = c.marker
    if m is not None and m.damaged:
        warnings.append((f"section number {m.number} is no numeral and its siblings' sequence does not say which "
                         "it is: kept as printed", c.page))
    if m is not None and m.value is not None:
        prev = last.get(m.kind)
        if prev is not None and prev.value is not None:
            if m.value == prev.value:
                warnings.append((f"section number {m.number} repeated (printed twice in a row)", c.page))
            elif m.value != prev.value + 1:
                warnings.append((f"section numbering jumps from {prev.number} to {m.number}", c.page))
        elif prev is None and m.value not in (1, None) and m.kind != "article":
            warnings.append((f"section numbering starts at {m.number}", c.page))
        last[m.kind] = m


_SECTION_FIELDS = set(Section.model_fields)
"""Every field of a node is given: nodes share one fields-set (never added to, since all are in it) instead of
~700 B each, which a long document's ~100,000s of nodes feel; the values are checked types, so no validation."""


def _to_section(n: _Node, parent_level: int) -> Section:
    if n.marker is None:
        level = parent_level
        return Section.model_construct(_SECTION_FIELDS, number=None, title=None, text="\n".join(n.paras), level=level,
                                       kind="paragraph", page=n.page, children=_sections(n, level + 1))
    level = LEVEL[n.marker.kind]
    return Section.model_construct(_SECTION_FIELDS, number=n.marker.number, title=n.title, text="\n".join(n.paras),
                                   level=level, kind=n.marker.kind, page=n.page, children=_sections(n, level))


def _sections(n: _Node, level: int) -> list[Section]:
    """The node's children as Sections, each node let go once converted (a long document's tree is not held twice)."""
    kids, n.children = n.children[::-1], []
    out = []
    while kids:
        out.append(_to_section(kids.pop(), level))
    return out
