"""Second opinion for unsure lines: re-read low-confidence lines with another model in one Tesseract call.

The crops of a page's unsure lines are stacked into one strip image, so the second model is loaded
once per page and only pages with unsure lines pay for it. A line is replaced only when the second
read is clearly more confident, and then keeps the words the first read was surer of.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..models import Line, Word
from . import layout, tesseract
from .preprocess import shrink

UNSURE = 85.0
"""Lines whose mean word confidence is below this are re-read."""
GAIN = 8.0
"""How much more confident the second read must be to replace the first. Measured on the tuning pages of
bench_realpages: the 13 lines it replaced gained 5.0-43 points, and the two that gained under 8 were right
before and wrong after (`VT.` -> `VĨ.`, `III` -> `HI`)."""
WORTHLESS = 30.0
"""A line the first read gave less confidence than this may take a sure second read (UNSURE) of any number of words:
otherwise the second read must hold 0.7-1.3 times the first's words. Beside a seal the page read took a whole line
`- Như trên;` for one word `Tỷ` at 0 that the second model read at 93-95 (bench_broke --extra scan300)."""


def unsure_lines(lines: list[Line]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln.confidence is not None and ln.confidence < UNSURE and ln.bbox]


DIM_PAPER = 200
"""Crops whose paper (90th percentile) is darker than this are whitened by read_stacked(whiten=True); white crops are
left as they are (stretched, a deskewed scan's `5.` read `5,` at 74 instead of `5.` at 89)."""


def read_stacked(gray: np.ndarray, boxes: list[tuple[int, int, int, int]], *, lang: str, dpi: int | None,
                 tessdata_dir: str | None = None, timeout: float = 0, gap: int = 40,
                 scale: float | Sequence[float] = 1.0, whiten: bool | Sequence[bool] = False) -> list[list[Word]]:
    """The page regions `boxes` stacked into one strip and read in one Tesseract call; words per box in page coordinates.

    One call loads the model once, so re-reading many small regions costs little more than their text. `scale`
    (one for all boxes, or one per box) enlarges each crop first (small glyphs such as a heading's `III.` read better a
    little larger); Tesseract is told the resolution of the first box's scale. `whiten` stretches each crop so its
    paper is white when it is dim (DIM_PAPER; one for all boxes, or one per box): a dim crop on the strip's white would
    be read as all ink.
    """
    import cv2

    h_img, w_img = gray.shape
    scales = [scale] * len(boxes) if isinstance(scale, (int, float)) else list(scale)
    crops: list[tuple[np.ndarray | None, int, int, int, float]] = []
    y = gap
    whitens = [whiten] * len(boxes) if isinstance(whiten, bool) else list(whiten)
    for (x0, y0, x1, y1), sc, white in zip(boxes, scales, whitens):
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w_img, x1), min(h_img, y1)
        crop = gray[y0:y1, x0:x1] if x1 > x0 and y1 > y0 else None
        if crop is not None and white and (paper := float(np.percentile(crop, 90))) < DIM_PAPER:
            crop = cv2.convertScaleAbs(crop, alpha=255.0 / max(1.0, paper))
        if crop is not None and sc != 1.0:
            crop = cv2.resize(crop, None, fx=sc, fy=sc, interpolation=cv2.INTER_CUBIC)
        crops.append((crop, x0, y0, y, sc))
        if crop is not None:
            y += crop.shape[0] + gap
    live = [(crop, sy) for crop, _, _, sy, _ in crops if crop is not None]
    if not live:
        return [[] for _ in boxes]
    width = max(crop.shape[1] for crop, _ in live) + 2 * gap
    strip = np.full((y, width), 255, dtype=np.uint8)
    for crop, sy in live:
        strip[sy : sy + crop.shape[0], gap : gap + crop.shape[1]] = crop
    data = tesseract.image_to_data(strip, lang=lang, dpi=round(dpi * scales[0]) if dpi else None, psm=6,
                                   tessdata_dir=tessdata_dir, timeout=timeout)
    words = [w for _, w in layout.words_from_data(data)]
    out: list[list[Word]] = []
    for crop, x0, y0, sy, sc in crops:
        if crop is None:
            out.append([])
            continue
        band = sorted((w for w in words if sy <= (w.bbox[1] + w.bbox[3]) / 2 < sy + crop.shape[0]), key=lambda w: w.bbox[0])
        def back(x: int, y: int, x0: int = x0, y0: int = y0, sy: int = sy, sc: float = sc) -> tuple[int, int]:
            return x0 + round((x - gap) / sc), y0 + round((y - sy) / sc)

        out.append([Word(text=w.text, bbox=(*back(w.bbox[0], w.bbox[1]), *back(w.bbox[2], w.bbox[3])),
                         confidence=w.confidence) for w in band])
    return out


SHORT_CELL = 4.0
"""A table cell's ink box at most this many times as wide as high holds a glyph or two (a row number, `TT`)."""
SHORT_SCALE = 2.0
"""Such cells are also read enlarged this much, and the enlarged read is kept when the engine is clearly surer of it
(SHORT_GAIN): read at its own size a lone digit is often another digit at 80-91 confidence (`3` -> `8`) that the
enlarged read gets right at 96, and `TT` garbage."""
SHORT_GAIN = 4.0
"""How much higher the enlarged read's mean confidence must be. On the tuning pages of bench_realpages every short
cell whose enlarged read was surer by this much was right (about 20 cells); under it the two are a tie (`STT` 91 vs
`SIT` 92 in test_tables) and the read at the cell's own size stays."""


def read_cells(gray: np.ndarray, boxes: list[tuple[int, int, int, int]], *, lang: str, dpi: int | None,
               tessdata_dir: str | None = None, timeout: float = 0) -> list[list[Word]]:
    """Table cells read in one stacked call; short cells read again enlarged (SHORT_SCALE) in a second one, each
    keeping the enlarged read only when the engine is clearly surer of its words (SHORT_GAIN). The enlarged crops get
    their own strip: beside them in one strip a lone `1` at its own size was read as nothing."""
    reads = read_stacked(gray, boxes, lang=lang, dpi=dpi, tessdata_dir=tessdata_dir, timeout=timeout)
    short = [i for i, (x0, y0, x1, y1) in enumerate(boxes) if 0 < x1 - x0 <= SHORT_CELL * (y1 - y0)]
    if not short:
        return reads
    again = read_stacked(gray, [boxes[i] for i in short], lang=lang, dpi=dpi, tessdata_dir=tessdata_dir,
                         timeout=timeout, scale=SHORT_SCALE)
    for i, band in zip(short, again):
        if band and _mean(band) >= _mean(reads[i]) + SHORT_GAIN:
            reads[i] = band
    return reads


def _mean(words: list[Word]) -> float:
    """Mean word confidence of a read, -1 for no words (below any read that has some)."""
    return sum(w.confidence for w in words) / len(words) if words else -1.0


def reread(gray: np.ndarray, lines: list[Line], *, lang: str, dpi: int, tessdata_dir: str | None = None,
           timeout: float = 0) -> tuple[list[Line], int]:
    """Lines with unsure ones re-read by `lang`; returns the new lines and how many were replaced."""
    boxes = {i: box for i in unsure_lines(lines) if (box := _padded(lines[i].bbox, gray.shape))}
    if not boxes:
        return lines, 0
    idx = list(boxes)
    reads = read_stacked(gray, list(boxes.values()), lang=lang, dpi=dpi, tessdata_dir=tessdata_dir, timeout=timeout)
    out = list(lines)
    replaced = 0
    for i, band in zip(idx, reads):
        if not band:
            continue
        conf = _mean(band)
        old = lines[i]
        counts = 0.7 <= len(band) / max(1, len(old.words)) <= 1.3 or ((old.confidence or 0) < WORTHLESS and conf >= UNSURE)
        if conf < (old.confidence or 0) + GAIN or not counts:
            continue
        band = merge_words(old.words, band)
        conf = _mean(band)
        out[i] = old.model_copy(update={"text": " ".join(w.text for w in band), "words": band, "confidence": round(conf, 1)})
        replaced += 1
    return out, replaced


def merge_words(first: list[Word], second: list[Word]) -> list[Word]:
    """The second read of a line, keeping each word the first read was surer of: words are paired by their boxes
    (one to one, each overlapping its pair more than any other); unpaired words come from the second read."""
    def overlap(a: Word, b: Word) -> int:
        return min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])

    out = []
    for w in second:
        best = max(first, key=lambda f: overlap(f, w), default=None)
        if (best is not None and overlap(best, w) > 0.5 * min(w.bbox[2] - w.bbox[0], best.bbox[2] - best.bbox[0])
                and max(second, key=lambda v: overlap(best, v)) is w and best.confidence > w.confidence):
            out.append(best)
        else:
            out.append(w)
    return out


def _padded(bbox, shape, pad: int = 12) -> tuple[int, int, int, int] | None:
    """A line's box grown by pad and clipped to the page; None when nothing is left."""
    x0, y0, x1, y1 = bbox
    x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
    x1, y1 = min(shape[1], x1 + pad), min(shape[0], y1 + pad)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


LOST_CONF = 70.0
"""Mean word confidence a read of an unread ink region needs to become a line (garbage and specks read lower)."""
LOST_MAX = 12
"""At most this many unread regions are read on a page (the largest first)."""
LOST_DPI = 400
"""Resolution unread regions are enlarged to for their read: on blurred photos (~250 dpi) the strip of a signer
block's lines read at its own size gave no word at all, enlarged every word at 90+ (tuning photo-blur)."""


def unread_ink(gray: np.ndarray, words: list[Word], dpi: int,
               skip: Sequence[tuple[int, int, int, int]] = ()) -> list[tuple[int, int, int, int]]:
    """Boxes of text-like ink no word of the page read covers: rows of glyph-sized ink, outside the words' boxes and
    `skip` (found marks), not touching the image's edge (a photo's page border). Tesseract's page layout sometimes
    drops whole lines beside a seal or on a blurred photo."""
    import cv2

    hs = sorted(w.bbox[3] - w.bbox[1] for w in words)
    if len(hs) < 20:
        return []
    gh = hs[len(hs) // 2]
    f = min(1.0, 75 / dpi)
    small = shrink(gray, f)
    block = max(15, round(0.6 * dpi * f / 2.54)) | 1
    ink = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)
    pad = max(1, round(0.25 * gh * f))
    for x0, y0, x1, y1 in [w.bbox for w in words] + list(skip):
        ink[max(0, int(y0 * f) - pad):int(y1 * f) + pad + 1, max(0, int(x0 * f) - pad):int(x1 * f) + pad + 1] = 0
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((1, max(3, round(0.8 * gh * f))), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for x, y, w, h, area in sorted(stats[1:].tolist(), key=lambda s: -s[4]):
        edge = x == 0 or y == 0 or x + w >= small.shape[1] or y + h >= small.shape[0]
        if 0.5 * gh * f <= h <= 2.0 * gh * f and w >= 2.5 * gh * f and area >= 0.2 * w * h and not edge:
            out.append((int(x / f), int(y / f), int((x + w) / f) + 1, int((y + h) / f) + 1))
    return out[:LOST_MAX]


def read_unread(gray: np.ndarray, boxes: list[tuple[int, int, int, int]], *, lang: str, dpi: int,
                tessdata_dir: str | None = None, timeout: float = 0) -> list[list[Word]]:
    """The words of unread ink regions that read as confident text (one stacked read, enlarged to LOST_DPI); others
    are left out. Dim regions (DIM_PAPER) that read as no confident text are read again whitened, in one more stacked
    read: on a blurred photo left unflattened (paper ~190) the two reads fail on different lines (a signer's name
    `_ Nguyễn VănAn` at 49 as it is, `Nguyễn Văn An` at 96 whitened; another's `Ksor Y Phăng` at 87 as it is, no
    confident text whitened), so each is kept only where the other failed."""
    padded = [b for box in boxes if (b := _padded(box, gray.shape))]
    scale = min(3.0, max(1.0, LOST_DPI / (dpi or LOST_DPI)))

    def read(regions: list[tuple[int, int, int, int]], whiten: bool) -> list[list[Word]]:
        return read_stacked(gray, regions, lang=lang, dpi=dpi, tessdata_dir=tessdata_dir, timeout=timeout, scale=scale,
                            whiten=whiten)

    reads = read(padded, False)
    dim = [i for i, (band, (x0, y0, x1, y1)) in enumerate(zip(reads, padded))
           if not _confident(band) and float(np.percentile(gray[y0:y1, x0:x1], 90)) < DIM_PAPER]
    if dim:
        for i, band in zip(dim, read([padded[i] for i in dim], True)):
            reads[i] = band
    return [band for band in reads if _confident(band)]


def _confident(band: list[Word]) -> bool:
    """Whether a region's read is confident text (LOST_CONF), mostly words with a letter or digit."""
    return bool(band) and _mean(band) >= LOST_CONF and sum(any(c.isalnum() for c in w.text) for w in band) >= 0.5 * len(band)
