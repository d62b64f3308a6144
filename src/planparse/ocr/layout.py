"""From Tesseract's word table to lines and blocks in reading order.

Tesseract often reads the Decree 30 header and the signature block as one line per row across both
columns ("UBND TỈNH …   CỘNG HÒA XÃ HỘI …"). Lines are cut at wide gaps, and a block whose rows
hold a left and a right part is split into a left-column block followed by a right-column block.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median

import numpy as np

from ..models import Cell, Line, Word
from ..symbols import quarter_token, roman_value
from ..text import fold_lower


@dataclass
class _Seg:
    words: list[Word]
    key: tuple[int, int, int]

    @property
    def x0(self) -> int:
        return min(w.bbox[0] for w in self.words)

    @property
    def x1(self) -> int:
        return max(w.bbox[2] for w in self.words)


STRAY_MARKS = str.maketrans({"Ÿ": "Y", "ÿ": "y"})
"""Letters vie prints with a stray diaeresis that no Vietnamese word has: a speck over a capital Y (`Sở Ÿ tế` read at
200 dpi where bare Tesseract read `Y`, bench_broke --extra scan200). A lone letter is never repaired later (repair
keeps one-letter tokens of OCR text as read), so it is mapped back here."""
SLASHED_G = re.compile(r"^([^\W\d_]*ø[^\W\d_]*)([.,;:)]?)$")
"""A word with an `ø`, a letter no Vietnamese word has, that vie prints for a `g` (`øạo,` for `gạo,` read at 86-67 on the
deskewed scan where bare Tesseract read `gạo,` at 94-96, bench_broke --extra scan300, scan200; bare reads `øốc`, `nøọt`,
`tronø` on photos): read as `g` where that spells a Vietnamese syllable (a lone `ø` is a speck and stays)."""


def _unslashed(text: str) -> str:
    """`text` with an `ø` that stands for a `g` read as `g` (SLASHED_G)."""
    m = SLASHED_G.match(text) if "ø" in text else None
    if m is None:
        return text
    from ..repair.orthography import is_valid_syllable

    core = m.group(1).replace("ø", "g")
    return core + m.group(2) if is_valid_syllable(core) else text


def words_from_data(data: dict[str, list], *, scale: float = 1.0,
                    offset: tuple[int, int] = (0, 0)) -> list[tuple[tuple[int, int, int], Word]]:
    """Words with their (block, paragraph, line) key; boxes divided by `scale` if the page was resampled, then
    moved by `offset` (x, y) if a part of the page was read."""
    out: list[tuple[tuple[int, int, int], Word]] = []
    n = len(data.get("text", []))
    for i in range(n):
        text = _unslashed(unicodedata.normalize("NFC", str(data["text"][i]).strip()).translate(STRAY_MARKS))
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        x, y, w, h = (int(data[k][i]) for k in ("left", "top", "width", "height"))
        dx, dy = offset
        bbox = (round(x / scale) + dx, round(y / scale) + dy, round((x + w) / scale) + dx, round((y + h) / scale) + dy)
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        first = str(data.get("word_num", [0] * n)[i]) == "1"
        out.extend((key, word) for word in _unglue(Word(text=text, bbox=bbox, confidence=conf), first))
    return out


_GLUED = re.compile(r"^([IVX]{1,4}|\d{1,2})\.([^\W\d_][^\W\d_]+)$")


def _unglue(word: Word, first: bool) -> list[Word]:
    """A line's number glued to its first word (`I.MỤC`, `2.Đẩy`: Tesseract lost the space) as two words."""
    m = _GLUED.match(word.text) if first else None
    if not m or not m.group(2)[0].isupper() or not (m.group(1).isdigit() or roman_value(m.group(1))):
        return [word]
    x0, y0, x1, y1 = word.bbox
    cut = x0 + round((x1 - x0) * (len(m.group(1)) + 1) / len(word.text))
    return [word.model_copy(update={"text": m.group(1) + ".", "bbox": (x0, y0, cut, y1)}),
            word.model_copy(update={"text": m.group(2), "bbox": (cut, y0, x1, y1)})]


def build_lines(keyed_words: list[tuple[tuple[int, int, int], Word]], page_width: int, page: int) -> list[Line]:
    """Group words into lines, cut lines at column gaps (a part that is a flat stroke read as text is dropped: FLAT),
    read two-column zones column by column."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for key, w in keyed_words:
        by_line.setdefault(key, []).append(w)
    heights = [w.bbox[3] - w.bbox[1] for _, w in keyed_words]
    med_h = median(heights) if heights else 20
    segs: list[_Seg] = []
    gap = max(2.5 * med_h, 0.025 * page_width)
    for key, words in by_line.items():
        words = _unspecked([_undoubled(w, med_h) for w in sorted(words, key=lambda w: w.bbox[0])], gap, med_h)
        if words:
            segs.extend(_Seg(part, key) for part in _cut(words, gap=gap, min_gap=1.5 * med_h)
                        if not _flat_noise(part, med_h))
    units = _units(segs, page_width)
    lines: list[Line] = []
    for bi, unit in enumerate(units):
        for seg in unit:
            lines.append(_line(seg.words, bi, page))
    return lines


def _speck(w: Word) -> bool:
    """A word with no letter or digit (a modifier letter such as `ˆ` is none): punctuation, or a speck of noise."""
    return not any(ch.isalnum() and unicodedata.category(ch) != "Lm" for ch in w.text)


FLAT = 0.25
"""A word box lower than this share of the page's median word height holds no letter or digit (a digit is ~0.7 of
it): a line of nothing but such words and small symbols is a stroke read as text (a seal's rim read `5` at 63 in a
36x3 px box among a table's rows, bench_broke --extra scan300)."""


def _flat_noise(words: list[Word], med_h: float) -> bool:
    """Whether a line (or a column part of one) holds a flat box read as letters or digits (FLAT) and nothing else but
    small symbols. A part of small symbols alone stays (a dash in a table cell)."""
    flat = [w.bbox[3] - w.bbox[1] < FLAT * med_h for w in words]
    return (any(f and not _speck(w) for w, f in zip(words, flat)) and all(f or _speck(w) for w, f in zip(words, flat))
            and max(w.bbox[3] - w.bbox[1] for w in words) < 0.6 * med_h)


def _unspecked(words: list[Word], gap: float, med_h: float) -> list[Word]:
    """A line's words without the specks standing alone: a symbol between two columns (the words on its two sides
    are further apart than the line's column gap, so it would bridge them, and it is not spaced as a word:
    SPECK_SPACING), or a line of nothing but small symbols."""
    if words and all(map(_speck, words)) and max(w.bbox[3] - w.bbox[1] for w in words) < 0.6 * med_h:
        return []
    real = [w for w in words if not _speck(w)]
    if len(real) < 2 or len(real) == len(words):
        return words
    thr = _gap(real, gap, 1.5 * med_h)
    gaps = [w.bbox[0] - prev.bbox[2] for prev, w in zip(words, words[1:])]
    spaced = SPECK_SPACING * median(gaps) if len(gaps) >= 3 else None
    keep = []
    for i, w in enumerate(words):
        left = next((v.bbox[2] for v in reversed(words[:i]) if not _speck(v)), None)
        right = next((v.bbox[0] for v in words[i + 1:] if not _speck(v)), None)
        if _speck(w) and left is not None and right is not None and right - left > thr and not (
                spaced is not None and 0 < i < len(words) - 1 and max(gaps[i - 1], gaps[i]) <= spaced):
            continue
        keep.append(w)
    return keep


DASH_RUN = re.compile(r"([—–])\1+")
DASH_EM = 1.33
"""Width of one long dash `—` in the page's median word heights (an em; a word box of lowercase Vietnamese is about
0.75 em high). Rotated or resampled, one dash is sometimes read as two, `——` (tuning bench_broke scan200: `kèm —`
deskewed at 200 dpi read `kèm |——`, its box 47 px wide for a median height of 24, where bare Tesseract read one)."""


def _undoubled(w: Word, med_h: float) -> Word:
    """A word whose run of long dashes holds more dashes than its ink box is wide, with as many as fit (at least one):
    the box is measured, the glyph count is the engine's guess. Other characters are counted half an em each."""
    m = DASH_RUN.search(w.text)
    if not m or med_h <= 0:
        return w
    others = len(w.text) - len(m.group(0))
    room = (w.bbox[2] - w.bbox[0]) - 0.5 * DASH_EM * med_h * others
    fit = max(1, round(room / (DASH_EM * med_h)))
    if fit >= len(m.group(0)):
        return w
    return w.model_copy(update={"text": w.text[:m.start()] + m.group(1) * fit + w.text[m.end():]})


SPECK_SPACING = 2.0
"""A speck between words further apart than a column gap stays when it is spaced from its neighbours as the line's
words are (both gaps at most this many times the line's median gap): a dash in running text (`Thương mại — Công
nghệ`, gaps 13/14 px for a median of 14) whose removal left a gap wide enough to part two false columns, so the
text after it was read after the lines below (tuning bench_broke scan300: five words). A speck in a header's gutter
sits 3x the median gap or more from a column."""


GAP_RATIO = 4.0
"""A gap this many times the line's median word gap (and over `min_gap`) parts two columns, however narrow: a long
ministry name leaves little room between the two halves of a Decree 30 header."""


def _cut(words: list[Word], gap: float, min_gap: float) -> list[list[Word]]:
    """A Tesseract line cut at column gaps: wider than `gap`, or than `min_gap` and GAP_RATIO times the line's own."""
    gap = _gap(words, gap, min_gap)
    parts, cur = [], [words[0]]
    for prev, w in zip(words, words[1:]):
        if w.bbox[0] - prev.bbox[2] > gap:
            parts.append(cur)
            cur = []
        cur.append(w)
    parts.append(cur)
    return parts


def _gap(words: list[Word], gap: float, min_gap: float) -> float:
    """The gap that parts columns on this line (see `_cut`)."""
    gaps = [w.bbox[0] - prev.bbox[2] for prev, w in zip(words, words[1:])]
    return min(gap, max(min_gap, GAP_RATIO * median(gaps))) if len(gaps) >= 3 else gap


def _rows(segs: list[_Seg]) -> list[list[_Seg]]:
    """Segments grouped into visual rows by vertical overlap, top to bottom."""
    rows: list[list[_Seg]] = []
    for s in sorted(segs, key=_top):
        top, bottom = _top(s), _bottom(s)
        if rows:
            r = rows[-1]
            rtop, rbottom = min(map(_top, r)), max(map(_bottom, r))
            overlap = min(bottom, rbottom) - max(top, rtop)
            if overlap > 0.5 * min(bottom - top, rbottom - rtop):
                r.append(s)
                continue
        rows.append([s])
    for r in rows:
        r.sort(key=lambda s: s.x0)
    return rows


def _units(segs: list[_Seg], width: int) -> list[list[_Seg]]:
    """Reading units: each two-column zone as its left then right column; other text by Tesseract block, cut where a
    zone lies inside it (the zone is read where it stands, not after the whole block)."""
    rows = _rows(segs)
    kinds = [_row_kind(r, width) for r in rows]
    in_zone = [False] * len(rows)
    i = 0
    while i < len(rows):
        if kinds[i] != "two":
            i += 1
            continue
        a = i
        while a > 0 and kinds[a - 1] == "side" and not in_zone[a - 1]:
            a -= 1
        b = i
        while b + 1 < len(rows) and kinds[b + 1] in ("two", "side"):
            b += 1
        for k in range(a, b + 1):
            in_zone[k] = True
        i = b + 1
    zones: list[tuple[int, int, list[_Seg]]] = []
    free: dict[int, list[_Seg]] = {}
    i = 0
    while i < len(rows):
        if not in_zone[i]:
            for s in rows[i]:
                free.setdefault(s.key[0], []).append(s)
            i += 1
            continue
        j = i
        while j + 1 < len(rows) and in_zone[j + 1]:
            j += 1
        zone = [s for r in rows[i : j + 1] for s in r]
        mid = _gutter(rows[i : j + 1], width)
        left = [s for s in zone if (s.x0 + s.x1) / 2 < mid]
        right = [s for s in zone if (s.x0 + s.x1) / 2 >= mid]
        ztop = min(_top(s) for s in zone)
        zones.extend((ztop, order, col) for order, col in enumerate((left, right)) if col)
        i = j + 1
    units: list[list[_Seg]] = []
    zones.sort(key=lambda z: (z[0], z[1]))
    for bnum in _block_order(free):
        part: list[_Seg] = []
        for seg in sorted(free[bnum], key=lambda s: (s.key, s.x0)):
            if zones and zones[0][0] < _top(seg):
                if part:
                    units.append(part)
                    part = []
                while zones and zones[0][0] < _top(seg):
                    units.append(zones.pop(0)[2])
            part.append(seg)
        units.append(part)
    units.extend(z[2] for z in zones)
    return units


def _block_order(free: dict[int, list[_Seg]]) -> list[int]:
    """Tesseract's blocks in its order, except that a block lying wholly above another whose columns it shares comes
    first: on a flattened photo Tesseract numbered a section heading (`I. MỤC TIÊU`) after the paragraph below it, and
    the heading was read after that paragraph (tuning photo-clean, three plans of bench_broke)."""
    boxes = {b: (min(s.x0 for s in segs), min(map(_top, segs)), max(s.x1 for s in segs), max(map(_bottom, segs)))
             for b, segs in free.items()}

    def above(a: int, b: int) -> bool:
        return boxes[a][3] <= boxes[b][1] and min(boxes[a][2], boxes[b][2]) > max(boxes[a][0], boxes[b][0])

    left, out = sorted(free), []
    while left:
        first = next(b for b in left if not any(above(o, b) for o in left if o != b))
        out.append(first)
        left.remove(first)
    return out


FAINT = 50.0
"""A segment of nothing but specks and one- or two-character words read under this confidence is faint: seal or
signature ink read as text (found marks drop it later), which must not hide a two-column row from `_row_kind`."""


def _faint(seg: _Seg) -> bool:
    return all(_speck(w) or (w.confidence < FAINT and len(w.text) <= 2) for w in seg.words)


def _stray(seg: _Seg) -> bool:
    """A segment of one word of at most two letters or digits: a lone glyph, not a column of text."""
    return len(seg.words) == 1 and sum(ch.isalnum() for ch in seg.words[0].text) <= 2


def _row_kind(row: list[_Seg], width: int) -> str:
    """`two` (a left and a right part), `side` (one part off the centre) or `other`; faint segments do not count, nor
    do lone glyphs (_stray) between two parts of text, whatever their confidence: a seal's letter in a signer block's
    gutter read `N` at 80 between `- Bộ trưởng (để b/c);` and `PHÓ CHỦ TỊCH` made that row `other`, which ended the
    zone after its first row, and the signer's title was read before the recipients list (tuning signer pages as
    photos, other seeds: the crop of the page read decides whether Tesseract reads that glyph). Only between: a row
    number before two cells of an unruled table stays a part of its own."""
    row = [s for s in row if not _faint(s)] or row
    text = [s for s in row if not _stray(s)]
    if len(row) >= 3 and len(text) == 2 and all(text[0].x1 <= s.x0 and s.x1 <= text[1].x0 for s in row if _stray(s)):
        row = text
    if len(row) == 2 and row[0].x1 < width * 0.62 and row[1].x0 > width * 0.35:
        return "two"
    if len(row) == 1:
        s = row[0]
        centred = abs((s.x0 + s.x1) / 2 - width / 2) < 0.06 * width
        if not centred and (s.x1 < width * 0.55 or s.x0 > width * 0.45):
            return "side"
    return "other"


def _gutter(rows: list[list[_Seg]], width: int) -> float:
    gaps = [(r[0].x1 + r[1].x0) / 2 for r in rows if len(r) == 2]
    return median(gaps) if gaps else width / 2


def _top(seg: _Seg) -> int:
    return min(w.bbox[1] for w in seg.words)


def _bottom(seg: _Seg) -> int:
    return max(w.bbox[3] for w in seg.words)


def line_of(words: list[Word], page: int, block: int = 0) -> Line:
    """A line of `words` (a part of the page read again)."""
    return _line(words, block, page)


LIST_DASH = re.compile(r"^[-~]*~[-~]*$")
"""A line's first word of tildes and dashes with a tilde in it: the list dash of a blurred page read as `~` or `~-`
(tuning photo-blur: every recipient line of some plans; bare Tesseract on the unflattened photo read `-`). Vietnamese
text has no tilde word."""


def _dashed(words: list[Word]) -> list[Word]:
    """`words` with a leading tilde read for a list dash as the dash."""
    if words and LIST_DASH.match(words[0].text) and len(words) > 1:
        return [words[0].model_copy(update={"text": "-"})] + words[1:]
    return words


def _line(words: list[Word], block: int, page: int) -> Line:
    words = _dashed(words)
    x0 = min(w.bbox[0] for w in words)
    y0 = min(w.bbox[1] for w in words)
    x1 = max(w.bbox[2] for w in words)
    y1 = max(w.bbox[3] for w in words)
    conf = sum(w.confidence for w in words) / len(words)
    return Line(text=" ".join(w.text for w in words), bbox=(x0, y0, x1, y1), confidence=round(conf, 1),
                block=block, page=page, origin="ocr", words=words)


def _holds(cell: Cell, box: tuple[int, int, int, int]) -> bool:
    """Whether the centre of `box` lies in the cell."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return cell.bbox is not None and cell.bbox[0] <= x <= cell.bbox[2] and cell.bbox[1] <= y <= cell.bbox[3]


def lost_cells(cells: list[Cell], lines: list[Line], page: int) -> list[Line]:
    """Lines for table cells whose text the page read lost (no page word's centre in the cell; a narrow `TT` column
    of lone row numbers is often dropped as noise) but the cell re-read found."""
    boxes = [w.bbox for ln in lines for w in ln.words]
    out = []
    for c in cells:
        if not c.text.strip() or not c.bbox or c.page not in (None, page) or any(_holds(c, b) for b in boxes):
            continue
        words = [Word(text=t, bbox=c.bbox, confidence=c.confidence if c.confidence is not None else 0.0) for t in c.text.split()]
        out.append(_line(words, 0, page).model_copy(update={"bbox": c.bbox}))
    return out


CELL_GAIN = 8.0
"""How much surer a table cell's own read must be than the page line alone in it to replace that line (the second
read's margin, reread.GAIN)."""


def surer_cells(lines: list[Line], cells: list[Cell]) -> list[Line]:
    """Lines that are alone in a table cell replaced by the cell's read when that is clearly surer (a lone `TT` or row
    number the page read took for letters is re-read in its cell, by itself). A row number is not replaced by another
    number: a narrow cell's lone digit is often read as another at 86-95 (`2`, `3` read `8`, tuning scan200 t3, where
    the page read `3` at 67); row_numbers mends numbers by their sequence instead."""
    homes = [next((c for c in cells if _holds(c, ln.bbox)), None) if ln.bbox else None for ln in lines]
    out = list(lines)
    for i, (ln, c) in enumerate(zip(lines, homes)):
        if (c is None or sum(h is c for h in homes) > 1 or not c.text.strip() or c.confidence is None
                or ln.confidence is None or c.confidence < ln.confidence + CELL_GAIN or c.text == ln.text
                or ln.bbox is None or (ROW_NUMBER.match(ln.text) and ROW_NUMBER.match(c.text))):
            continue
        words = [Word(text=t, bbox=ln.bbox, confidence=c.confidence) for t in c.text.split()]
        out[i] = ln.model_copy(update={"text": c.text, "words": words, "confidence": round(c.confidence, 1)})
    return out


def _beside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """Whether boxes a and b share a row (overlap by half the lower one's height)."""
    return min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])


def insert_lines(lines: list[Line], extra: list[Line]) -> list[Line]:
    """`extra` lines put into the reading order of `lines`, in the block of the line they follow: right after the
    nearest line above that shares columns with them (the same column of a two-column zone), unless that line also
    spans a line beside them on their left: then they start the right column of a two-column zone and follow the
    left column's run of lines (a signer block only the unread-ink read found comes after the recipients beside it);
    with no line above, before the first line below them or beside them on their right (row-major, as a table's rows
    are read)."""
    out = list(lines)

    def box(i: int) -> tuple[int, int, int, int]:
        return out[i].bbox or (0, 0, 0, 0)

    placed = [(ln.bbox, ln) for ln in extra if ln.bbox is not None]
    for (x0, y0, x1, y1), new in sorted(placed, key=lambda p: (p[0][1], p[0][0])):
        left = next((i for i, ln in enumerate(out) if ln.bbox and ln.bbox[2] < x0 and _beside(ln.bbox, (x0, y0, x1, y1))), None)
        above = {i: ln.bbox[3] for i, ln in enumerate(out) if ln.bbox and ln.bbox[3] <= y0 + 0.3 * (y1 - y0)
                 and min(x1, ln.bbox[2]) > max(x0, ln.bbox[0])}
        top = max(above, key=above.__getitem__) if above else None
        if left is not None and (top is None or box(top)[0] <= box(left)[2]):
            k = left + 1
            while k < len(out) and out[k].bbox and box(k)[2] < x0 and box(k)[1] >= box(k - 1)[1]:
                k += 1
        elif top is not None:
            k = top + 1
        else:
            k = next((i for i, ln in enumerate(out) if ln.bbox and (ln.bbox[1] >= y1 or (
                min(y1, ln.bbox[3]) - max(y0, ln.bbox[1]) > 0.5 * min(y1 - y0, ln.bbox[3] - ln.bbox[1])
                and ln.bbox[0] > x0))), len(out))
        block = out[k - 1].block if k else (out[0].block if out else 0)
        out.insert(k, new.model_copy(update={"block": block}))
    return out


Place = tuple[int, int, int]
"""(table, row, column) of a line inside a ruled table (_place)."""


def table_lines(lines: list[Line], tables: list[list[Cell]]) -> list[Line]:
    """`row_numbers(cell_order(lines, tables), tables)` with each line mapped to its cell once, not once per step."""
    ordered, places = _cell_order(lines, _places(lines, tables))
    return row_numbers(ordered, tables, places)


def _places(lines: list[Line], tables: list[list[Cell]]) -> list[Place | None]:
    return [_place(ln.bbox, tables) if ln.bbox else None for ln in lines]


def cell_order(lines: list[Line], tables: list[list[Cell]]) -> list[Line]:
    """Lines inside a ruled table's cells in row-major order (table, row, column, then top to bottom) and in one
    block, where the table's first line stands: Tesseract may read a blurred table column by column."""
    return _cell_order(lines, _places(lines, tables))[0]


def _cell_order(lines: list[Line], places: list[Place | None]) -> tuple[list[Line], list[Place | None]]:
    """cell_order given each line's place; also the places in the new order."""
    inside = [i for i, p in enumerate(places) if p is not None]
    if not inside:
        return lines, places
    tops = {i: (b[1], b[0]) for i in inside if (b := lines[i].bbox)}
    ordered = sorted(inside, key=lambda i: (places[i], tops[i]))
    out, moved = list(lines), list(places)
    for slot, i in zip(inside, ordered):
        out[slot] = lines[i].model_copy(update={"block": lines[inside[0]].block})
        moved[slot] = places[i]
    return out, moved


def _place(box: tuple[int, int, int, int], tables: list[list[Cell]]) -> tuple[int, int, int] | None:
    """(table, row, column) of a line's box: the smallest cell holding it, and in a cell spanning rows or columns the
    row and column whose one-row (one-column) cells' band holds the box's centre. A seal over a table hides rulings, so
    the grid may merge a block of cells into one spanning cell; its lines then kept the block's first row, and the row
    numbers beside them (`5`, `6`) were read after all of them (tuning bench_broke --extra scan300: 7 words)."""
    held = [(t, c) for t, cells in enumerate(tables) for c in cells if _holds(c, box)]
    if not held:
        return None
    t, c = min(held, key=lambda tc: _area(tc[1].bbox))
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    row, col = c.row, c.col
    if c.rowspan > 1:
        row = next((r for r in range(c.row, c.row + c.rowspan) if any(
            d.row == r and d.rowspan == 1 and d.bbox and d.bbox[1] <= y <= d.bbox[3] for d in tables[t])), row)
    if c.colspan > 1:
        col = next((k for k in range(c.col, c.col + c.colspan) if any(
            d.col == k and d.colspan == 1 and d.bbox and d.bbox[0] <= x <= d.bbox[2] for d in tables[t])), col)
    return t, row, col


def _area(box: tuple[int, int, int, int] | None) -> int:
    return (box[2] - box[0]) * (box[3] - box[1]) if box else 0


ROW_NUMBER = re.compile(r"^\d{1,3}$")
ROW_UNSURE = 90.0
"""A lone word of a table's first column read under this confidence between two row numbers that differ by two is the
number between them too, whatever it reads: the page read lost the `3` of a row and its cell's re-read took it for `sẻ`
at 32 where bare Tesseract read `3` (bench_broke --extra scan300), a `5` read `B` at 86 (scan200)."""


def row_numbers(lines: list[Line], tables: list[list[Cell]], places: list[Place | None] | None = None) -> list[Line]:
    """Lone row numbers of a table's first column put back in sequence: a number between two that differ by two
    (`2`, `8`, `4`) is the one between them (`3`), and so is an unsure lone word there (ROW_UNSURE). Row numbers run
    1, 2, 3 ..., and a lone digit in a narrow cell is often read as another at 90+ confidence (tuning bench_broke
    --extra scan300: `3` read `8` where bare Tesseract read `3`). Only that clear evidence changes a number: the
    numbers on both sides of it, in the rows beside its own. `places`: each line's place when the caller has them
    (table_lines)."""
    column: dict[int, list[tuple[int, int]]] = {}
    for i, (ln, place) in enumerate(zip(lines, _places(lines, tables) if places is None else places)):
        if place is not None and place[2] == 0 and len(ln.words) == 1 and (
                ROW_NUMBER.match(ln.text) or ln.words[0].confidence < ROW_UNSURE):
            column.setdefault(place[0], []).append((place[1], i))
    out = list(lines)
    for rows in column.values():
        rows.sort()
        for (r0, a), (r1, b), (r2, c) in zip(rows, rows[1:], rows[2:]):
            if not (ROW_NUMBER.match(lines[a].text) and ROW_NUMBER.match(lines[c].text)):
                continue
            lo, hi = int(lines[a].text), int(lines[c].text)
            if r1 == r0 + 1 and r2 == r1 + 1 and hi == lo + 2 and lines[b].text != str(lo + 1):
                word = lines[b].words[0].model_copy(update={"text": str(lo + 1)})
                out[b] = lines[b].model_copy(update={"text": str(lo + 1), "words": [word]})
    return out


def quarters(lines: list[Line]) -> list[Line]:
    """Lines with a quarter's numeral after `Quý` read back where OCR damaged it past any reading as a number
    (symbols.quarter_token: `Quý TIV/2026` -> `Quý IV/2026`, `II1⁄2026` -> `III/2026`): a plan's timetable cells read at
    200 dpi, or re-read in their cell, where bare Tesseract read them right (bench_broke --extra scan300, scan200), and
    the repair then took `Quý TV` for `Quỹ`. A numeral read as another (`II` for III) or as a digit (`1/2026`) stays."""
    out = lines
    for i, ln in enumerate(lines):
        if "/" not in ln.text and "⁄" not in ln.text:
            continue
        words = list(ln.words)
        texts = ln.text.split(" ")
        if len(texts) != len(words):
            continue
        changed = False
        for k in range(1, len(words)):
            if words[k - 1].text.lower() not in ("quý", "quí"):
                continue
            fixed = quarter_token(words[k].text)
            if fixed is not None and texts[k] == words[k].text:
                words[k] = words[k].model_copy(update={"text": fixed})
                texts[k] = fixed
                changed = True
        if changed:
            if out is lines:
                out = list(lines)
            out[i] = ln.model_copy(update={"text": " ".join(texts), "words": words})
    return _roman_ones(out)


ROMAN_QUARTER = re.compile(r"^(I|II|III|IV)/(?:19|20)\d{2}[.,;:)]?$")
DIGIT_QUARTER = re.compile(r"^([1-4])/(?:19|20)\d{2}[.,;:)]?$")
ONE_UNSURE = 90.0
"""A `Quý 1/2026` read under this confidence on a page whose other quarters are Roman (QUARTER_STYLE of them, no other
quarter in digits) is `Quý I/2026`: a document writes its quarters one way, and the deskewed page read the `I` of a
timetable cell as `1` at 6-68 where bare Tesseract read `I/2026` (bench_broke --extra scan300, scan200: three plans).
Raised from 75: the second model's re-read of such a line keeps the `1` at 82 (merge_words takes the surer word;
bench_broke --extra scan300 plan g3), where the page read had it at 52; a `1/2026` read right is read at 95-96."""
QUARTER_STYLE = 2


def _roman_ones(lines: list[Line]) -> list[Line]:
    """Unsure `Quý 1/...` read back as `Quý I/...` where the page writes its quarters in Roman numerals (ONE_UNSURE)."""
    found: list[tuple[int, int]] = []
    roman = digits = 0
    for i, ln in enumerate(lines):
        if "/" not in ln.text:
            continue
        for k in range(1, len(ln.words)):
            if ln.words[k - 1].text.lower() not in ("quý", "quí"):
                continue
            w = ln.words[k]
            m = DIGIT_QUARTER.match(w.text)
            if ROMAN_QUARTER.match(w.text):
                roman += 1
            elif m and m.group(1) == "1" and w.confidence < ONE_UNSURE:
                found.append((i, k))
            elif m:
                digits += 1
    if not found or roman < QUARTER_STYLE or digits:
        return lines
    out = list(lines)
    for i, k in found:
        ln = out[i]
        texts = ln.text.split(" ")
        if len(texts) != len(ln.words) or texts[k] != ln.words[k].text:
            continue
        words = list(ln.words)
        words[k] = words[k].model_copy(update={"text": "I" + words[k].text[1:]})
        texts[k] = words[k].text
        out[i] = ln.model_copy(update={"text": " ".join(texts), "words": words})
    return out


RECIPIENTS_HEAD = re.compile(r"^n[o0]i\s*nh[a-z]n\s*[:;.]?$")
"""The `Nơi nhận:` line that opens a Decree 30 recipients block (folded: marks off, lowercase)."""
RECIPIENT_ITEM = re.compile(r"^[-–—]\s")
"""A recipients line: `- Name;` (Decree 30, Appendix I)."""


def recipients(lines: list[Line]) -> list[Line]:
    """Recipients lines whose closing `;` was read `,` with the `;` back: in the `Nơi nhận:` block Decree 30 ends every
    `- Name` line but the last (`- Lưu: VT, ...`) with `;`, so a `,` there before another `- ` line of the block is a
    misread (the deskewed page read `- Sở Y tế,` where bare Tesseract read `tế;`: bench_broke --extra scan300, two
    plans). Only lines of the block that begin with a dash and are followed by another, in the same column."""
    out = lines
    for i, ln in enumerate(lines):
        if not RECIPIENTS_HEAD.match(fold_lower(ln.text.strip())):
            continue
        k = i + 1
        while k + 1 < len(lines) and lines[k].block == ln.block == lines[k + 1].block and all(
                RECIPIENT_ITEM.match(lines[j].text) for j in (k, k + 1)):
            item = lines[k]
            if item.text.endswith(",") and item.words and item.words[-1].text.endswith(","):
                last = item.words[-1].model_copy(update={"text": item.words[-1].text[:-1] + ";"})
                if out is lines:
                    out = list(lines)
                out[k] = item.model_copy(update={"text": item.text[:-1] + ";", "words": item.words[:-1] + [last]})
            k += 1
    return out


GLUED_GAP = 0.25
"""A word's blank column run at least this share of its box height wide (and GLUED_RATIO times its next widest) is a
space Tesseract missed: a bold header's `XÃ VĨNH HẬU` read `VĨNHHẬU` (a 17 px blank in a 56 px high box, the next
widest 4 px) on the deskewed page, where bare Tesseract read two words (bench_broke --extra scan300: `EAKRÔNG`, 13 px
in 48, next 4, too). Letters of a word part by 2-6 px at 300 dpi (0.05-0.16 of the box); at 200 dpi `HĐND` has 5 px
between N and D in a 20 px box (next widest 2): 0.2 and 2.5 cut it (bench_broke --extra scan200)."""
GLUED_RATIO = 3.0
_CORE = re.compile(r"^([^\W\d_]{3,})([.,;:]?)$")


def unglued(words: list[tuple[tuple[int, int, int], Word]],
            gray) -> list[tuple[tuple[int, int, int], Word]]:
    """Words of letters that are no Vietnamese syllable, cut in two at a blank wide enough to be a space (GLUED_GAP):
    the cut falls after the letter nearest the blank, or next to it where both parts are syllables."""
    from ..repair.orthography import is_valid_syllable

    out = []
    for key, w in words:
        m = _CORE.match(w.text)
        if not m or is_valid_syllable(m.group(1)):
            out.append((key, w))
            continue
        out.extend((key, part) for part in _cut_glued(w, m.group(1), m.group(2), gray, is_valid_syllable))
    return out


def _runs(flags) -> list[tuple[int, int]]:
    """(start, end) of each run of true values in a sequence (end exclusive): the blank columns of a word's box, the
    ink rows of a mark."""
    out, k, n = [], 0, len(flags)
    while k < n:
        if not flags[k]:
            k += 1
            continue
        j = k
        while j < n and flags[j]:
            j += 1
        out.append((k, j))
        k = j
    return out


INK_CONTRAST = 64
"""Grey levels between a word box's darkest and lightest pixel below which it shows no clear ink to measure."""


def _ink(w: Word, gray):
    """Ink mask of a word's box (darker than halfway between its extremes), or None when the box is empty or flat."""
    x0, y0, x1, y1 = w.bbox
    crop = gray[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return None
    lo, hi = int(crop.min()), int(crop.max())
    return crop < (lo + hi) / 2 if hi - lo >= INK_CONTRAST else None


def _cut_glued(w: Word, core: str, tail: str, gray, valid) -> list[Word]:
    x0, y0, x1, y1 = w.bbox
    mask = _ink(w, gray)
    if mask is None or mask.shape[1] < 4:
        return [w]
    ink = mask.any(axis=0)
    runs = [(j - k, k) for k, j in _runs(~ink) if k > 0 and j < len(ink)]
    if not runs:
        return [w]
    runs.sort(reverse=True)
    width, start = runs[0]
    second = runs[1][0] if len(runs) > 1 else 0
    if width < GLUED_GAP * (y1 - y0) or width < GLUED_RATIO * second:
        return [w]
    at = round(len(core) * (start + width / 2) / len(ink))
    cuts = [c for c in (at, at - 1, at + 1) if 0 < c < len(core)]
    if not cuts:
        return [w]
    cut = next((c for c in cuts if valid(core[:c]) and valid(core[c:])), cuts[0])
    left = w.model_copy(update={"text": core[:cut], "bbox": (x0, y0, x0 + start, y1)})
    right = w.model_copy(update={"text": core[cut:] + tail, "bbox": (x0 + start + width, y0, x1, y1)})
    return [left, right]


_ABOVE = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0302", "\u0306"}
"""Marks drawn above a letter (grave, acute, tilde, hook, circumflex, breve); the horn (U+031B) barely rises."""
_SAME_SHAPE = set("cosuvwxz")
"""Letters whose capital is their small letter drawn larger: only the glyph's height tells the two apart."""
_TALL = set("bdđhklfABCDĐEFGHIJKLMNOPQRSTUVWXYZ")
_LOW_END = set("gjpqy,;")


def _base(ch: str) -> tuple[str, set[str]]:
    """A letter without its marks, and the marks."""
    d = unicodedata.normalize("NFD", ch)
    return d[0], set(d[1:])


def _shape(text: str) -> tuple[bool, bool, bool] | None:
    """(has a capital or an ascender, has a mark above a letter, reaches below the baseline) of a word's letters, or
    None when it holds a digit, an `i`/`j` (their dots) or `t` (shorter than a capital)."""
    tall = above = low = False
    for ch in text:
        b, marks = _base(ch)
        if b.isdigit() or b in "ijtIJ" or "\u0323" in marks:
            return None
        tall |= b in _TALL
        above |= bool(marks & _ABOVE)
        low |= b in _LOW_END
    return tall, above, low


CASE_UNSURE = 93.0
"""Words read under this confidence are checked for a letter in the wrong case (CASE_HEIGHT)."""
CASE_HEIGHT = (0.93, 1.15)
"""A word's ink height against the capital height of its lines (the median of the words whose top is a capital or an
ascender, no mark above and no descender): `Sơ` read for `sơ` is at most the first share of it (its `S` would be as
tall as a capital: measured 0.89), `SỞ` read for `Sở` at most the second (a capital's hook rises above capitals: 1.25
and more; `Sở` 1.03-1.06). The deskewed page read `sơ tán` as `Sơ tán`, `Sở Y tế` as `SỞ Y tế`, where bare Tesseract
read them right (bench_broke --extra scan300); the glyph's height is the evidence, not the word."""
CASE_WINDOW = 2
"""Lines of the same block either side of a word's whose words measure the capital height when its own line has none
(only lines of words of its size: _alike)."""


CASE_GLYPH = 0.85
"""A first letter's own ink height (its glyph: the first run of ink columns of the word's box) against the capital
height of its lines, at most which a capital read over small letters is a small letter (`Vôi` read at 90 on the
deskewed scan where bare Tesseract read `vôi`, bench_broke --extra scan300: the `V` 26 px high, the line's capitals 36;
a small letter's x-height is 0.7 of a capital's). For the words the word's box cannot tell (a mark above, an `i` or a
`t` rise as high as a capital); a glyph touching its neighbour measures the two and stays as read."""


def cased(lines: list[Line], gray=None) -> list[Line]:
    """Lines with a word whose case its ink height contradicts in the case it should have (CASE_HEIGHT): a first letter
    of the same shape in both cases (_SAME_SHAPE) read as a capital over small letters too low for it, or a word of
    capitals whose marked capitals do not rise above capitals (`SỞ`: the small letters are meant). Given the page's
    pixels (`gray`), also such a first letter whose own glyph is too low for a capital (CASE_GLYPH)."""
    from ..repair.orthography import is_valid_syllable

    caps: list[list[int]] = []
    for ln in lines:
        refs = []
        for w in ln.words:
            s = _shape(w.text.rstrip(".:"))
            if (s is not None and s[0] and not s[1] and not s[2] and w.text.rstrip(".:").isalpha()
                    and _recased(w, is_valid_syllable) is None):
                refs.append(w.bbox[3] - w.bbox[1])
        caps.append(refs)
    out = lines
    for i, ln in enumerate(lines):
        if not any(w.confidence < CASE_UNSURE and w.text[:1].isupper() for w in ln.words):
            continue
        texts = ln.text.split(" ")
        if len(texts) != len(ln.words):
            continue
        changed = False
        for k, w in enumerate(ln.words):
            fixed = _recased(w, is_valid_syllable)
            glyph = None
            if fixed is None and gray is not None:
                glyph = _small_first(w, is_valid_syllable)
            if (fixed is None and glyph is None) or texts[k] != w.text:
                continue
            near = caps[i] or [h for j in range(max(0, i - CASE_WINDOW), min(len(lines), i + CASE_WINDOW + 1))
                               if lines[j].block == ln.block and _alike(lines[j], ln) for h in caps[j]]
            if not near:
                continue
            cap = median(near)
            if glyph is not None:
                height = _first_glyph_height(w, gray)
                if height is not None and height <= CASE_GLYPH * cap:
                    texts[k] = glyph
                    changed = True
                continue
            assert fixed is not None
            height = w.bbox[3] - w.bbox[1]
            limit = CASE_HEIGHT[0] if fixed[0].islower() else CASE_HEIGHT[1]
            if height <= limit * cap:
                texts[k] = fixed
                changed = True
        if changed:
            words = [w.model_copy(update={"text": t}) if t != w.text else w for w, t in zip(ln.words, texts)]
            if out is lines:
                out = list(lines)
            out[i] = ln.model_copy(update={"text": " ".join(texts), "words": words})
    return out


def _alike(a: Line, b: Line) -> bool:
    """Whether two lines' words are of one size (median ink heights within 15 %): a title's capitals do not measure a
    body line's."""
    ha, hb = (median(w.bbox[3] - w.bbox[1] for w in ln.words) for ln in (a, b))
    return abs(ha - hb) <= 0.15 * max(ha, hb)


def _recased(w: Word, valid) -> str | None:
    """The word in the case its height is to be checked for (see `cased`), or None when no case is in question."""
    core = w.text.rstrip(".,:;")
    tail = w.text[len(core):]
    if w.confidence >= CASE_UNSURE or len(core) < 2 or not core.isalpha() or any(c in _LOW_END for c in w.text):
        return None
    first, rest = core[0], core[1:]
    shape = _shape(core)
    if shape is None or shape[2]:
        return None
    if rest.islower() and first.isupper() and _base(first)[0].lower() in _SAME_SHAPE and not _base(first)[1]:
        if _shape(rest) == (False, False, False) and valid(core.lower()):
            return first.lower() + rest + tail
        return None
    if rest.isupper() and any(_base(c)[1] & _ABOVE for c in rest) and all(
            _base(c)[0].lower() in _SAME_SHAPE for c in rest) and valid(core.lower()):
        return first + rest.lower() + tail
    return None


def _small_first(w: Word, valid) -> str | None:
    """The word with its first letter small, when it is an unsure capital of the same shape in both cases
    (_SAME_SHAPE, no mark) over small letters and the small-letter word is a syllable; else None."""
    core = w.text.rstrip(".,:;")
    if (w.confidence >= CASE_UNSURE or len(core) < 2 or not core.isalpha() or not core[0].isupper()
            or not core[1:].islower()):
        return None
    base, marks = _base(core[0])
    if base.lower() not in _SAME_SHAPE or marks or not valid(core.lower()):
        return None
    return core[0].lower() + w.text[1:]


def _first_glyph_height(w: Word, gray) -> int | None:
    """Ink height of a word's first glyph (its first run of ink columns), or None when the box shows no clear ink."""
    ink = _ink(w, gray)
    if ink is None:
        return None
    runs = _runs(ink.any(axis=0))
    if not runs:
        return None
    a, b = runs[0]
    rows = np.flatnonzero(ink[:, a:b].any(axis=1))
    return int(rows[-1] - rows[0] + 1)


TAIL = (1.25, 1.45)
"""Height over width of a punctuation mark's lowest blob: at most the first a dot (`.`, `:`; measured 0.75-1.2 at
200-300 dpi), at least the second a comma's tail (`,`, `;`: 1.5-2.3); between, the read stands.
On blurred photos a comma's tail measures as a dot (tuning photo-blur: 15 of 16 pages' changes wrong, `phòng,` ->
`phòng.`, `trên;` -> `trên:`; held-out photo-blur fell 99.70 -> 99.25 %, broke 0.08 -> 0.50 %, ungated): PUNCT_BLUR."""
PUNCT_BLUR = 2.25
"""preprocess.blur_spread (before sharpening; as BLURRED) from which a page's closing marks are left as read
(punctuated); a page too bare to measure (0) keeps them too. What punctuated changes on the first read of the
bench_realpages tuning pages, against gold: photo-blur 15 wrong and 2 on misread words (pages at 2.59-2.67, and the
signer page of t1, too bare to measure: `TM.` -> `TM,`), scan150 2 right (`5,` -> `5.` at 1.61-1.62), every other
class none; pages measured: photo-blur 2.39-2.67, other photos 1.10-2.09, scans 0.81-1.62. Final text of bench_realpages
tuning (photo-blur, scan150, clean300 run gated; the others had no change to make): the same as without punctuated
(scan150's `5.` fixed on the first read is read `5,` again by a later step); bench_broke --extra photo-blur the same 53
broken words (0.45 %); held-out photo-blur 99.70 % / broke 0.08 % as without it (ungated 99.25 / 0.50 %)."""


def punctuated(words: list[tuple[tuple[int, int, int], Word]], gray,
               spread: Callable[[], float] | None = None) -> list[tuple[tuple[int, int, int], Word]]:
    """Words whose closing `,` `.` `;` `:` their ink contradicts, with the mark the ink shows: one blob or two (a dot
    above), a dot or a tail below. The deskewed page read `tế;` as `tế,` and `nặng;` as `nặng:` where bare Tesseract
    read them right (bench_broke --extra scan300); the glyph's blobs are unambiguous (TAIL). A mark touching its letter
    or with other ink beside it is left as read. Given `spread` (the page's preprocess.blur_spread, asked only when a
    mark would change), the read stands on a page whose blur is not measured under PUNCT_BLUR."""
    out = []
    changed = False
    for key, w in words:
        mark = w.text[-1:]
        if mark not in ",.;:" or len(w.text) < 2 or w.text[-2] in ",.;:…":
            out.append((key, w))
            continue
        seen = _mark_seen(w, gray)
        changed = changed or (seen is not None and seen != mark)
        out.append((key, w if seen is None or seen == mark else w.model_copy(update={"text": w.text[:-1] + seen})))
    if changed and spread is not None and not 0 < spread() < PUNCT_BLUR:
        return words
    return out


def _mark_seen(w: Word, gray) -> str | None:
    """The punctuation mark the last glyph of a word's box is drawn as, or None when that is not clear."""
    x0, y0, x1, y1 = w.bbox
    ink = _ink(w, gray)
    if ink is None:
        return None
    cols = ink.any(axis=0)
    end = len(cols) - 1
    while end >= 0 and not cols[end]:
        end -= 1
    start = end
    while start >= 0 and cols[start]:
        start -= 1
    h = y1 - y0
    if start < 0 or end - start > 0.3 * h:
        return None
    glyph = ink[:, start + 1:end + 1]
    blobs = _runs(glyph.any(axis=1))
    if not 1 <= len(blobs) <= 2 or any(b - a > 0.45 * h for a, b in blobs):
        return None
    shapes = [(b - a) / max(1, int(glyph[a:b].any(axis=0).sum())) for a, b in blobs]
    if len(blobs) == 2 and shapes[0] > TAIL[1]:
        return None
    tail = shapes[-1] >= TAIL[1]
    if not tail and shapes[-1] > TAIL[0]:
        return None
    return (";" if tail else ":") if len(blobs) == 2 else ("," if tail else ".")
