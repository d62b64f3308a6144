"""Non-text marks on a page: red seals and coloured-ink signatures (found by colour and shape before OCR),
seals and signatures of grey and black-and-white pages (found by shape, `shapemarks`), handwriting and other
scribbles (found after OCR as lines of low-confidence garbage, or as garbage lines inside a found mark).

Found marks are kept out of the text and recorded on their page (kind, box, confidence, how found), so a
reader knows they were there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..models import Line, Mark
from ..repair.orthography import is_valid_syllable
from .preprocess import Prepared
from .shapemarks import shape_marks, stamp_outlines

SEAL_MIN_CM = 1.5
"""A red blob smaller than this across is no seal (Decree 30 seals are 3-4.5 cm)."""
SIGN_MIN_CM = 0.8
"""A coloured-ink stroke group shorter than this is text (a line is ~0.5 cm), not a signature."""


@dataclass
class ColourMarks:
    mask: np.ndarray
    """Pixels (of the input image) to whiten before OCR."""
    found: list[tuple[str, tuple[int, int, int, int], float]]
    """(kind, box in input pixels, confidence)."""


def colour_marks(rgb: np.ndarray, dpi: int) -> ColourMarks | None:
    """Red round seals, red oval and rectangular stamps and blue-ink signatures of an RGB page; None when there are
    none. Their ink is told from the black print they are stamped over by its tint alone."""
    import cv2

    if not _tinted(rgb):
        return None
    small_f = min(1.0, 1000 / max(rgb.shape[:2]))
    small = cv2.resize(rgb, None, fx=small_f, fy=small_f, interpolation=cv2.INTER_AREA) if small_f < 1 else rgb
    red, blue = _tints(cv2.cvtColor(small, cv2.COLOR_RGB2HSV))
    if red.mean() < 0.0005 and blue.mean() < 0.0005:
        return None
    cm = dpi * small_f / 2.54
    found: list[tuple[str, tuple[int, int, int, int], float]] = []
    for kind, ink in (("seal", red), ("signature", blue)):
        if ink.mean() < 0.0005:
            continue
        grown = cv2.dilate(ink.astype(np.uint8), np.ones((max(3, int(0.25 * cm)),) * 2, np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(grown)
        for k in range(1, n):
            x, y, w, hh, area = stats[k]
            blob = ink[y:y + hh, x:x + w]
            conf = _seal_shape(blob) if kind == "seal" else _signature_shape(blob, cm)
            what = kind
            if conf <= 0 and kind == "seal":
                what, conf = "stamp", _stamp_shape(blob, dpi * small_f)
            if conf <= 0 or max(w, hh) < (SEAL_MIN_CM if kind == "seal" else SIGN_MIN_CM) * cm:
                continue
            box = (int(x / small_f), int(y / small_f), int((x + w) / small_f) + 1, int((y + hh) / small_f) + 1)
            found.append((what, box, round(conf, 2)))
    if not found:
        return None
    mask = np.zeros(rgb.shape[:2], bool)
    bx0, by0 = max(0, min(b[0] for _, b, _ in found) - 1), max(0, min(b[1] for _, b, _ in found) - 1)
    bx1, by1 = max(b[2] for _, b, _ in found) + 1, max(b[3] for _, b, _ in found) + 1
    mask[by0:by1, bx0:bx1] = _ink_mask(rgb[by0:by1, bx0:bx1], [(k, (x0 - bx0, y0 - by0, x1 - bx0, y1 - by0), c)
                                                             for k, (x0, y0, x1, y1), c in found], dpi)
    return ColourMarks(mask=mask, found=found)


def _ink_mask(rgb: np.ndarray, found: list[tuple[str, tuple[int, int, int, int], float]], dpi: int) -> np.ndarray:
    """The pixels of the found marks' ink in `rgb` (a crop holding their boxes and a pixel around them: the mask
    grows a pixel past the boxes, so the crop's mask is the whole page's there, at a fraction of its cost)."""
    import cv2

    red_ink, blue_ink, light = (np.zeros(rgb.shape[:2], np.uint8) for _ in range(3))
    for kind, (x0, y0, x1, y1), _ in found:
        r, g, b = (rgb[y0:y1, x0:x1, i].astype(np.int16) for i in range(3))
        if kind == "signature":
            blue_ink[y0:y1, x0:x1] |= (b - r > INK_TINT) & (b >= g)
        else:
            red_ink[y0:y1, x0:x1] |= r - np.maximum(g, b) > INK_TINT
            if kind == "seal":
                light[y0:y1, x0:x1] = 1
                continue
            near = max(3, round(0.3 * dpi / 2.54)) | 1
            paper = cv2.dilate(rgb[y0:y1, x0:x1, 0], np.ones((near, near), np.uint8))
            light[y0:y1, x0:x1] |= (r > RED_LIGHT * paper) | (r > RED_INK)
    grow = np.ones((3, 3), np.uint8)
    return (cv2.dilate(red_ink, grow) > 0) & (light > 0) | (cv2.dilate(blue_ink, grow) > 0)


TINT_SHARE = 0.00025
"""Share of a strided thumbnail's pixels that must be saturated red or blue (the colour search's own test) for the
search to run: half the share the search itself needs on its area-averaged copy (0.0005). Measured on the tuning
pages (realpages, bench_marks): pages with colour marks 0.0014 and more; pages without any 0 (photo-dark's noise
0.0008-0.0015: searched, nothing found, as before)."""


def _tinted(rgb: np.ndarray) -> bool:
    """Whether a thumbnail of every few pixels (about 1000 px on its long side, no resampling: 2 ms against the
    search's 35 ms area resize) holds saturated red or blue ink; a page without is left without the search, whose
    area-averaged copy can only hold less of it (averaging with the paper and print greys an ink's pixels)."""
    import cv2

    step = max(1, round(max(rgb.shape[:2]) / 1000))
    hsv = cv2.cvtColor(np.ascontiguousarray(rgb[::step, ::step]), cv2.COLOR_RGB2HSV)
    red, blue = _tints(hsv)
    return bool(red.mean() >= TINT_SHARE or blue.mean() >= TINT_SHARE)


def _tints(hsv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of saturated red (hue <= 10 or >= 160) and of saturated blue (100-135) pixels of an HSV image (saturation
    >= 70, value >= 50). cv2.inRange gives the masks numpy's six comparisons gave, at about two thirds of their cost (7.5 ->
    4.9 ms on a 1000 x 750 image, quiet machine)."""
    import cv2

    red = cv2.bitwise_or(cv2.inRange(hsv, (0, 70, 50), (10, 255, 255)), cv2.inRange(hsv, (160, 70, 50), (255, 255, 255)))
    return red.astype(bool), cv2.inRange(hsv, (100, 70, 50), (135, 255, 255)).astype(bool)


RED_LIGHT = 0.47
"""Red ink is light in the red channel (~0.8 of the paper there) and black print dark: pixels of a red stamp darker
there than this share of the brightest red within 0.3 cm (the paper or the ink itself; shadows darken both) are print
it was stamped over (or its edge) and stay."""
RED_INK = 120
"""...or lighter than this in the red channel at all (noisy dark photos: a speck brightens the neighbourhood)."""
INK_TINT = 25
"""How much redder (bluer) than its other channels a pixel inside a seal's (signature's) box must be to be
whitened: low enough for JPEG-smeared edges, high enough to leave black and grey print alone."""


def _seal_shape(ink: np.ndarray) -> float:
    """How seal-like a red blob is: about square, with ink all round a ring near its edge (0 = not a seal)."""
    h, w = ink.shape
    if not 0.6 <= w / max(h, 1) <= 1.6 or min(h, w) < 8:
        return 0.0
    ys, xs = np.nonzero(ink)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    r = np.hypot((ys - cy) / (h / 2), (xs - cx) / (w / 2))
    ring = (r > 0.75) & (r < 1.05)
    if ring.sum() < 0.2 * len(r):
        return 0.0
    angles = np.arctan2(ys[ring] - cy, xs[ring] - cx)
    cover = len(np.unique(np.minimum(23, np.floor((angles + np.pi) / (2 * np.pi) * 24)))) / 24
    return cover if cover >= 0.7 else 0.0


def _stamp_shape(ink: np.ndarray, dpi: float) -> float:
    """How stamp-like a red blob that is no round seal is: the ink cover of an oval or rectangular office stamp's
    outline found in it (shapemarks), 0 when it has none (red print, a scribble)."""
    found = stamp_outlines(np.where(ink, 0, 255).astype(np.uint8), round(dpi), 255.0)
    return max((cover for _, _, cover, _ in found), default=0.0)


def _signature_shape(ink: np.ndarray, cm: float) -> float:
    """How signature-like a blue-ink stroke group is: taller than a text line and sparse."""
    h, w = ink.shape
    fill = ink.mean()
    return 0.8 if h >= SIGN_MIN_CM * cm and fill < 0.3 else 0.0


GARBAGE_CONF = 50.0
"""Lines below this mean confidence are checked for garbage."""
WORDLIKE = 0.5


def _wordlike(text: str) -> bool:
    """A token made of letters (an optional trailing punctuation), or of digits and separators."""
    core = text.rstrip(".,;:)")
    return bool(core) and (core.isalpha() and (len(core) > 1 or core.isupper()) or all(c.isdigit() or c in "/.-,%" for c in core))


def shapes_out(prep: Prepared) -> Prepared:
    """The prepared page with the seals and signatures found by shape whitened and added to its marks."""
    found = shape_marks(prep.gray, prep.dpi)
    if found is None:
        return prep
    return dataclasses.replace(prep, gray=found.gray, marks=prep.marks + found.found)


INSIDE = 0.6
"""Share of a line's box inside a found mark above which the line is checked for garbage."""
REAL_TEXT = 0.6
"""Share of a line's words that must be Vietnamese syllables, numbers or capitals for it to be print."""


def _print_like(ln: Line) -> bool:
    """A line that reads as print: most of its words are valid syllables, numbers or acronyms, read with confidence."""
    words = [w.strip(".,;:()-–\"'") for w in ln.text.split()]
    words = [w for w in words if w]
    if not words:
        return False
    good = sum((is_valid_syllable(w) and len(w) > 1) or (len(w) > 1 and w.isupper() and w.isalpha())
               or (_wordlike(w) and not w.isalpha()) for w in words)
    return good / len(words) >= REAL_TEXT and (ln.confidence is None or ln.confidence >= GARBAGE_CONF)


def _inside(bbox, boxes) -> float:
    """Largest share of `bbox` covered by one of `boxes`."""
    x0, y0, x1, y1 = bbox
    area = max(1, (x1 - x0) * (y1 - y0))
    return max((max(0, min(x1, b[2]) - max(x0, b[0])) * max(0, min(y1, b[3]) - max(y0, b[1])) / area for b in boxes), default=0.0)


def garbage_lines(lines: list[Line], marks: Sequence[Mark] = ()) -> tuple[list[Line], list[Mark]]:
    """Lines of low-confidence non-words (handwriting, signatures, stamps read as text) moved out to marks, and
    lines lying mostly inside a found mark that do not read as print dropped (the mark is already recorded)."""
    boxes = [m.bbox for m in marks]
    kept, found = [], []
    for ln in lines:
        words = ln.text.split()
        if ln.bbox and boxes and _inside(ln.bbox, boxes) >= INSIDE and not _print_like(ln):
            continue
        if (ln.confidence is not None and ln.confidence < GARBAGE_CONF and words and ln.bbox
                and sum(map(_wordlike, words)) / len(words) < WORDLIKE):
            found.append(Mark(kind="handwriting", bbox=ln.bbox, confidence=round(1 - ln.confidence / 100, 2), found_by="ocr"))
        else:
            kept.append(ln)
    return kept, found
