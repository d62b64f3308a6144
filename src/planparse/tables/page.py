"""One page image to Table models: grids, cell text from OCR words, sparing re-OCR of missed cells."""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from ..models import Cell, Table, Word
from ._text import clean
from .fixups import tidy_cell
from .grid import Grid, find_grids
from .place import assign_words, dedupe, ink_box, join_words
from .roles import looks_like_header, map_roles, role_of

MAX_REOCR = 60
WEAK_CONF = 60.0
WORD_WEAK = 40.0
REOCR_AREA = 0.05
_COLNUM = re.compile(r"^\(?\d{1,2}\)?\.?$")


def _batch_ocr(gray: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> list[tuple[str, float | None]]:
    """One Tesseract call over the cell crops stacked top to bottom; (text, confidence) per crop."""
    try:
        import pytesseract

        gap = 30
        width = max(b[2] - b[0] for b in boxes) + 2 * gap
        height = sum(b[3] - b[1] + gap for b in boxes) + gap
        sheet = np.full((height, width), 255, np.uint8)
        spans = []
        y = gap
        for x0, y0, x1, y1 in boxes:
            sheet[y:y + y1 - y0, gap:gap + x1 - x0] = gray[y0:y1, x0:x1]
            spans.append((y, y + y1 - y0))
            y += y1 - y0 + gap
        try:
            from ..ocr.tesseract import image_to_data

            d = image_to_data(sheet, psm=6, timeout=30)
        except ImportError:
            d = pytesseract.image_to_data(sheet, lang="vie", config="--psm 6", timeout=30, output_type=pytesseract.Output.DICT)
    except Exception:
        return [("", None)] * len(boxes)
    found: list[list[Word]] = [[] for _ in boxes]
    for t, x, yy, w, h, c in zip(d["text"], d["left"], d["top"], d["width"], d["height"], d["conf"]):
        t = str(t).strip()
        if not t or _junk(t, float(c)):
            continue
        cy = yy + h / 2
        for i, (a, b) in enumerate(spans):
            if a - gap / 2 <= cy < b + gap / 2:
                found[i].append(Word(text=t, bbox=(x, yy, x + w, yy + h), confidence=float(c)))
                break
    return [(clean(join_words(ws)), sum(w.confidence for w in ws) / len(ws)) if ws else ("", None) for ws in found]


def _junk(text: str, conf: float) -> bool:
    """OCR debris: ruling-line fragments and low-confidence punctuation."""
    if any(unicodedata.category(ch)[0] in "LN" and unicodedata.category(ch) != "Lm" for ch in text):
        return False
    return text not in ("-", "–", "+", "&", "/", "...", "…") or conf < 50


def _stray(w: Word) -> bool:
    """A one- or two-character low-confidence word: speckle read as a letter."""
    t = w.text.strip()
    return len(t) <= 2 and w.confidence < 35 and not t.isdigit()


def _uncovered(ibox: tuple[int, int, int, int] | None, words: list[Word]) -> bool:
    """True when the cell's ink reaches a line's height above or below every placed word (a missed line)."""
    if not ibox or not words:
        return False
    hs = sorted(w.bbox[3] - w.bbox[1] for w in words)
    lh = hs[len(hs) // 2]
    return ibox[3] - max(w.bbox[3] for w in words) > 0.9 * lh or min(w.bbox[1] for w in words) - ibox[1] > 0.9 * lh


def _cell_texts(grid: Grid, words: list[Word], gray: np.ndarray, ink: np.ndarray) -> list[tuple[str, float | None]]:
    """(text, confidence) per grid cell; the worst-read inked cells are re-OCR'd within MAX_REOCR."""
    placed = assign_words(grid, words)
    margin = max(4, round(min(gray.shape) / 250))
    header_suspect = len(grid.ys) > 3
    out: list[tuple[str, float | None]] = []
    todo: list[tuple[int, float, int, tuple[int, int, int, int]]] = []
    for i, c in enumerate(grid.cells):
        ws = dedupe([w for w in placed.get(i, []) if not _junk(w.text.strip(), w.confidence) and not _stray(w)])
        text = clean(join_words(ws))
        conf = sum(w.confidence for w in ws) / len(ws) if ws else None
        out.append((text, conf))
        ibox, share = ink_box(ink, c.box, margin)
        if not ibox or share <= 0.002:
            continue
        if not text:
            todo.append((0, 0.0, i, ibox))
        elif conf is not None and (conf < WEAK_CONF or min(w.confidence for w in ws) < WORD_WEAK):
            todo.append((1, min(conf, min(w.confidence for w in ws)), i, ibox))
        elif c.row == 0 and header_suspect and role_of(text) is None:
            todo.append((2, 0.0, i, ibox))
        elif _uncovered(ibox, ws):
            todo.append((3, 0.0, i, ibox))
    picked = []
    area = 0
    for item in sorted(todo):
        b = item[3]
        a = (b[2] - b[0]) * (b[3] - b[1])
        if area + a > REOCR_AREA * gray.size or len(picked) >= MAX_REOCR:
            continue
        area += a
        picked.append(item)
    if picked:
        for (prio, _, i, _), (t2, c2) in zip(picked, _batch_ocr(gray, [b for *_, b in picked])):
            text, conf = out[i]
            if not t2:
                continue
            better = (c2 or 0) > (conf or 0)
            if prio == 0 or better or (prio == 2 and role_of(t2)) or (prio == 3 and len(t2) > len(text) and (c2 or 0) >= (conf or 0) - 15):
                out[i] = (t2, c2)
    return out


def _matrix(grid: Grid, texts: list[str]) -> list[list[str]]:
    """Row-major cell text; a row-spanning cell repeats on each row, a column-spanning one sits in its first column."""
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    m = [["" for _ in range(nc)] for _ in range(nr)]
    for c, t in zip(grid.cells, texts):
        for r in range(c.row, c.row + c.rowspan):
            m[r][c.col] = t
    return m


def _headers(grid: Grid, texts: list[str], m: list[list[str]]) -> tuple[list[str], int]:
    """Printed header per column and the number of header rows (0 when row 0 is not a header)."""
    nc = len(grid.xs) - 1
    first = [t for c, t in zip(grid.cells, texts) if c.row == 0]
    if not looks_like_header(first):
        return [], 0
    depth = max((c.rowspan for c in grid.cells if c.row == 0), default=1)
    depth = min(depth, max(1, len(m) - 1))
    heads = []
    for col in range(nc):
        parts: list[str] = []
        for c, t in zip(grid.cells, texts):
            if c.row < depth and c.col <= col < c.col + c.colspan and t and t not in parts:
                parts.append((c.row, t))  # type: ignore[arg-type]
        heads.append(" - ".join(t for _, t in sorted(parts)))  # type: ignore[misc]
    if depth < len(m) and sum(bool(_COLNUM.match(x.strip())) for x in m[depth]) >= max(2, nc - 1):
        depth += 1
    return heads, depth


def grid_to_table(grid: Grid, words: list[Word], gray: np.ndarray, ink: np.ndarray, page: int) -> Table:
    """A Table with cells, headers, roles and body rows from one grid."""
    tc = _cell_texts(grid, words, gray, ink)
    tc = [(tidy_cell(t), c) for t, c in tc]
    texts = [t for t, _ in tc]
    m = _matrix(grid, texts)
    headers, depth = _headers(grid, texts, m)
    cells = [
        Cell(row=c.row, col=c.col, rowspan=c.rowspan, colspan=c.colspan, text=t, bbox=c.box, page=page, confidence=conf)
        for c, (t, conf) in zip(grid.cells, tc)
    ]
    rows = [r for r in m[depth:] if any(x.strip() for x in r)]
    return Table(page=page, pages=[page], headers=headers, roles=map_roles(headers) if headers else [],
                 rows=rows, cells=cells, bbox=grid.box, origin="grid")


def tables_on_page(gray, words: list[Word], page: int) -> list[Table]:
    """Every ruled table on the page, top to bottom; tables whose cells are all empty are dropped."""
    gray = np.asarray(gray)
    if gray.ndim == 3:
        gray = gray.mean(axis=2).astype(np.uint8)
    grids, ink = find_grids(gray)
    out = []
    for g in grids:
        t = grid_to_table(g, words, gray, ink, page)
        if sum(bool(c.text) for c in t.cells) >= 2:
            out.append(t)
    return out
