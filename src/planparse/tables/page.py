"""One page image to Table models: grids, cell text from OCR words, sparing re-OCR of missed cells."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..models import Cell, Table, Word
from ._text import clean, skeleton
from .fixups import tidy_cell
from .grid import Grid, find_grids
from .place import assign_words, dedupe, ink_parts, join_words, merge_reads, parts_box, reading_order, uncovered
from .roles import looks_like_header, map_roles, role_of

MAX_REOCR = 80
"""At most this many cells are re-read per page."""
REOCR_AREA = 0.2
"""Re-read crops may cover at most this share of the page."""
UNSURE_WORD = 85.0
"""A cell holding a word read with less confidence than this is re-read."""
KEEP_FIRST = 10.0
"""A word of the page read is kept over the re-read only when this much more confident."""
CellReader = Callable[[np.ndarray, list[tuple[int, int, int, int]], int], list[list[Word]]]
"""read(gray, boxes, dpi) -> words per box, in page coordinates: the OCR the caller lends for second reads."""
_COLNUM = re.compile(r"^\(?\d{1,2}\)?\.?$")


@dataclass
class _CellRead:
    """What the page OCR put into one cell, and whether (and how urgently) it should be re-read."""

    words: list[Word]
    box: tuple[int, int, int, int]
    ibox: tuple[int, int, int, int] | None = None
    urgency: int | None = None
    second: list[Word] | None = None


def _junk(text: str, conf: float) -> bool:
    """OCR debris: ruling-line fragments and low-confidence punctuation."""
    if any(unicodedata.category(ch)[0] in "LN" and unicodedata.category(ch) != "Lm" for ch in text):
        return False
    return text not in ("-", "–", "+", "&", "/", "...", "…") or conf < 50


def _stray(w: Word) -> bool:
    """A one- or two-character low-confidence word: speckle read as a letter."""
    t = w.text.strip()
    return len(t) <= 2 and w.confidence < 35 and not t.isdigit()


_VOWEL_RUNS = re.compile(r"[aeiouy]+")


def _misshapen(text: str) -> bool:
    """A word OCR plausibly ran together with a ruling or its neighbour: 'SởNội', 'Tháng9/2026', '|Văn', 'Thôngtin'.

    A Vietnamese syllable has one vowel group, so a lower-case word with two is two syllables run together.
    """
    pairs = list(zip(text, text[1:]))
    letters = "".join(ch for ch in text if ch.isalpha())
    return (any(ch in "|[]{}" for ch in text)
            or any(a.islower() and b.isupper() for a, b in pairs)
            or any(a.isalpha() and b.isdigit() or a.isdigit() and b.isalpha() for a, b in pairs)
            or (letters[1:].islower() and len(_VOWEL_RUNS.findall(skeleton(letters))) > 1))


def _missed_line(ibox: tuple[int, int, int, int] | None, words: list[Word]) -> bool:
    """True when the cell's ink reaches a line's height above or below every placed word (a missed line)."""
    if not ibox or not words:
        return False
    hs = sorted(w.bbox[3] - w.bbox[1] for w in words)
    lh = hs[len(hs) // 2]
    return ibox[3] - max(w.bbox[3] for w in words) > 0.9 * lh or min(w.bbox[1] for w in words) - ibox[1] > 0.9 * lh


def _urgency(words: list[Word], parts: list, ibox, is_header: bool) -> int | None:
    """Why a cell needs a second read, most urgent first (0 = inked but empty); None when the page read looks right."""
    if not ibox:
        return None
    if not words:
        return 0
    if uncovered(parts, words) or _missed_line(ibox, words):
        return 1
    if min(w.confidence for w in words) < UNSURE_WORD or any(_misshapen(w.text) for w in words):
        return 2
    if is_header and role_of(join_words(words)) is None:
        return 3
    return None


def _place(grid: Grid, words: list[Word], ink: np.ndarray, margin: int) -> list[_CellRead]:
    """The page OCR's words per grid cell (debris and duplicates dropped) with each cell's re-read urgency."""
    placed = assign_words(grid, words)
    header_suspect = len(grid.ys) > 3
    out = []
    for i, c in enumerate(grid.cells):
        ws = dedupe([w for w in placed.get(i, []) if not _junk(w.text.strip(), w.confidence) and not _stray(w)])
        parts = ink_parts(ink, c.box, margin)
        ibox = parts_box(parts)
        out.append(_CellRead(ws, c.box, ibox, _urgency(ws, parts, ibox, c.row == 0 and header_suspect)))
    return out


def _pick(reads: list[_CellRead], page_area: int) -> list[_CellRead]:
    """The cells to re-read: most urgent first, within MAX_REOCR cells and REOCR_AREA of the page."""
    todo = sorted((r for r in reads if r.urgency is not None and r.ibox), key=lambda r: r.urgency or 0)
    picked: list[_CellRead] = []
    area = 0
    for r in todo:
        x0, y0, x1, y1 = r.ibox or (0, 0, 0, 0)
        a = (x1 - x0) * (y1 - y0)
        if area + a <= REOCR_AREA * page_area and len(picked) < MAX_REOCR:
            picked.append(r)
            area += a
    return picked


def _crop_box(ibox: tuple[int, int, int, int], cell: tuple[int, int, int, int], pad: int) -> tuple[int, int, int, int]:
    """The ink box grown by pad but kept inside the cell's rulings."""
    return (max(ibox[0] - pad, cell[0] + pad), max(ibox[1] - pad, cell[1] + pad),
            min(ibox[2] + pad, cell[2] - pad), min(ibox[3] + pad, cell[3] - pad))


def _reread(gray: np.ndarray, picked: list[tuple[_CellRead, tuple[int, int, int, int]]], dpi: int,
            read: CellReader | None) -> None:
    """Second reads of the picked cells, all in one call of `read`; without one the first reads stay."""
    if not picked or read is None:
        return
    reads = read(gray, [b for _, b in picked], dpi)
    for (r, _), ws in zip(picked, reads):
        ws = [w for w in ws if not _junk(w.text, w.confidence)]
        if ws:
            r.second = ws


def _final_words(r: _CellRead) -> list[Word]:
    """The cell's words: the second read merged with the first where there is one, else the first."""
    if not r.second:
        return reading_order(r.words)
    return merge_reads(reading_order(r.words), reading_order(r.second), KEEP_FIRST)


def _dpi(gray: np.ndarray) -> int:
    """Resolution guessed from the page's short side (A4 or A3), for Tesseract's size heuristics."""
    return int(min(600, max(150, min(gray.shape) / 8.27)))


def _matrix(spans: list, texts: list[str]) -> list[list[str]]:
    """Row-major cell text; a row-spanning cell repeats on each row, a column-spanning one sits in its first column."""
    nr = max((c.row + c.rowspan for c in spans), default=0)
    nc = max((c.col + c.colspan for c in spans), default=0)
    m = [["" for _ in range(nc)] for _ in range(nr)]
    for c, t in zip(spans, texts):
        for r in range(c.row, c.row + c.rowspan):
            m[r][c.col] = t
    return m


def _headers(spans: list, texts: list[str], m: list[list[str]]) -> tuple[list[str], int]:
    """Printed header per column and the number of header rows (0 when row 0 is not a header)."""
    nc = len(m[0]) if m else 0
    first = [t for c, t in zip(spans, texts) if c.row == 0]
    if not looks_like_header(first):
        return [], 0
    depth = max((c.rowspan for c in spans if c.row == 0), default=1)
    depth = min(depth, max(1, len(m) - 1))
    heads = []
    for col in range(nc):
        parts: list[tuple[int, str]] = []
        for c, t in zip(spans, texts):
            if c.row < depth and c.col <= col < c.col + c.colspan and t and t not in (p for _, p in parts):
                parts.append((c.row, t))
        heads.append(" - ".join(t for _, t in sorted(parts)))
    if depth < len(m) and sum(bool(_COLNUM.match(x.strip())) for x in m[depth]) >= max(2, nc - 1):
        depth += 1
    return heads, depth


def rows_from_cells(table: Table) -> Table:
    """The table with headers, roles and body rows laid out again from its cells (after their text changed)."""
    if not table.cells:
        return table
    texts = [c.text for c in table.cells]
    m = _matrix(table.cells, texts)
    headers, depth = _headers(table.cells, texts, m)
    rows = [r for r in m[depth:] if any(x.strip() for x in r)]
    return table.model_copy(update={"headers": headers, "roles": map_roles(headers) if headers else [], "rows": rows})


def _table(grid: Grid, reads: list[_CellRead], page: int) -> Table:
    """A Table with cells, headers, roles and body rows from one grid and its cells' words."""
    cells = []
    for c, r in zip(grid.cells, reads):
        ws = _final_words(r)
        conf = sum(w.confidence for w in ws) / len(ws) if ws else None
        text = tidy_cell(clean(" ".join(w.text for w in ws)))
        cells.append(Cell(row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan, text=text,
                          bbox=c.box, page=page, confidence=conf))
    return rows_from_cells(Table(page=page, pages=[page], cells=cells, bbox=grid.box, origin="grid"))


def tables_on_page(gray, words: list[Word], page: int, read: CellReader | None = None) -> list[Table]:
    """Every ruled table on the page, top to bottom; cells the page OCR misread get one second read per page by `read`.

    Tables whose cells are all empty are dropped.
    """
    gray = np.asarray(gray)
    if gray.ndim == 3:
        gray = gray.mean(axis=2).astype(np.uint8)
    grids, ink = find_grids(gray)
    if not grids:
        return []
    margin = max(4, round(min(gray.shape) / 250))
    reads = [_place(g, words, ink, margin) for g in grids]
    picked = _pick([r for rs in reads for r in rs], gray.size)
    _reread(gray, [(r, _crop_box(r.ibox, r.box, max(2, margin // 3))) for r in picked if r.ibox], _dpi(gray), read)
    tables = [_table(g, rs, page) for g, rs in zip(grids, reads)]
    return [t for t in tables if sum(bool(c.text) for c in t.cells) >= 2]
