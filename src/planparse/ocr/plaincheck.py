"""Words the clean-up may have damaged, read again from the page as it came.

Deskewing, squaring up a photo and dividing out its light resample the page, and a resampled glyph can read as another
(a deskewed 300-dpi scan: `5.` read `S.` at 73, the scan itself `5.` at 95). The words the cleaned read is unsure of are
cut from the plain page (their boxes mapped back through the clean-up's geometry) and read in one stacked call; a word
is replaced only when the plain read of its box is one word and clearly surer, or several words all clearly surer
(the cleaned read glued them: a deskewed scan's `I. MỤC` read `IL.MỤC` at 30, the plain page `I.` and `MỤC` at 76).
Only pages the clean-up changed are checked, and only their unsure words, so the cost is one small read.
"""

from __future__ import annotations

import re

import numpy as np

from ..models import Line, Word
from ..repair.orthography import is_valid_syllable
from .reread import read_stacked

UNSURE = 80.0
"""Words the cleaned read gave less confidence than this are checked."""
GAIN = 10.0
"""How much surer the plain read of a word must be to replace it."""
SURE = 75.0
"""The plain read of a word replaces it only at this confidence or more: both reads of a blurred photo's garbled word
were garbage (`ra...` 0 -> `„ấp:` 35)."""
ROMAN_ITEM = re.compile(r"^[IVXLC]{1,6}\.$")
"""A Roman heading number is left alone (structure.headings re-reads and sequences them): a blurred photo's `I.` read
at 70 was `1.` at 89 on the plain page."""
VALID_UNSURE = 70.0
"""Valid syllables read under this confidence are checked too (see VALID_GAIN)."""
VALID_GAIN = 25.0
"""How much surer the plain read of a valid syllable must be to replace it, marks and letters alike. The deskewed scan
reads a few glyphs of a page as other valid syllables at 28-69 that the scan as it came reads at 78-96 (bench_broke
--extra scan300: `buôn` -> `buồn` 56 / 96, `Chông` -> `Chồng` 52 / 92, `TT` -> `TY` 35 / 95, `Pạc` -> `Bạc` 32 / 75,
`VT,` -> `VI` 28 / 78; scan200 `Thắm` -> `Thăm` 69 / 96), never by a read with a digit (_digit); a valid syllable is
left to repair's context on a small gain (tuning scan300: `YÊU CẦU` read `CẦU` at 75 on the deskewed page, `CÂU` at 86
on the plain one)."""
MAX_WORDS = 60
"""At most this many words are checked on a page (the least confident first): the check stays a small read."""


def unsure_words(words: list[Word], opening: frozenset[int] = frozenset()) -> list[int]:
    """Indices of the words to check, least confident first: the unsure ones that are no valid syllable or a very
    unsure one (VALID_UNSURE; checking every unsure word cost 2-5 % of a photo's CPU), and a lone dot that opens a line
    (index in `opening`): a list number whose digit the cleaned read lost (see LIST_NUMBER)."""
    idx = [i for i, w in enumerate(words) if (w.confidence < UNSURE and any(c.isalnum() for c in w.text)
                                              and (w.confidence < VALID_UNSURE
                                                   or not is_valid_syllable(w.text.strip(_PUNCT))))
           or (i in opening and w.text == ".")]
    return sorted(idx, key=lambda i: words[i].confidence)[:MAX_WORDS]


LIST_NUMBER = re.compile(r"^(\d{1,3}|[IVXLC]{1,6}|[a-zđ])[.)]$")
"""What a line's lone opening dot is taken back as: an item number (`1.`, `IV.`, `a)`). On a squared-up photo of a list
Tesseract's layout read the column of item digits as a block of its own (garbage, dropped) and each line as `. Luật …`;
the photo as it came reads `1. Luật …` (bench_broke photo-clean and photo-dark, one corpus page). These windows are
whitened when dim (a dark photo's read nothing otherwise); the unsure words' are not: whitened, blurred photos' windows
read confidently wrong (`I.` -> `1.`, `hằng` -> `hằng.`, bench_broke photo-blur)."""


def map_box(box: tuple[int, int, int, int], m: np.ndarray, shape: tuple[int, int],
            pad: int) -> tuple[int, int, int, int] | None:
    """The bounding box, padded and clipped to `shape`, of `box`'s corners mapped by the 3x3 matrix `m`."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64) @ m.T
    xs, ys = pts[:, 0] / pts[:, 2], pts[:, 1] / pts[:, 2]
    h, w = shape
    out = (max(0, int(xs.min()) - pad), max(0, int(ys.min()) - pad), min(w, int(np.ceil(xs.max())) + pad),
           min(h, int(np.ceil(ys.max())) + pad))
    return out if out[2] - out[0] > 2 and out[3] - out[1] > 2 else None


def _digit(text: str) -> bool:
    """Whether a read holds a digit: a valid syllable (letters) is never replaced by one (a header's `Ia Dom` read `la`
    at 64 on the resampled scan150 page, `1a` at 93 on the plain one: tuning scan150 t5)."""
    return any(c.isdigit() for c in text)


_PUNCT = ".,;:!?()\"'“”‘’…-"


def _starts(lines: list[Line]) -> frozenset[int]:
    """Indices, in the lines' words run together, of each line's first word."""
    starts, k = set(), 0
    for ln in lines:
        if ln.words:
            starts.add(k)
        k += len(ln.words)
    return frozenset(starts)


def any_to_check(lines: list[Line]) -> bool:
    """Whether the page has a word to check (the plain page need not be made otherwise)."""
    return bool(unsure_words([w for ln in lines for w in ln.words], _starts(lines)))


CONTEXT = 4.0
"""Each unsure word is read with this many of its heights of its line on either side: alone, a lone `5.` cut from the
page read as `Ờ:` at 1, inside its piece of line as `5.` at 95."""


def check(lines: list[Line], to_plain: np.ndarray, plain: np.ndarray, dpi: int, *, lang: str,
          tessdata_dir: str | None = None, timeout: float = 0) -> dict[int, Word]:
    """Replacements (id of a line's word -> word, in the cleaned word's box) for the unsure words of `lines` whose read on
    the `plain` page (boxes mapped there by `to_plain`), within a piece of their line, is clearly surer."""
    words = [(w, ln.bbox or w.bbox) for ln in lines for w in ln.words]
    starts = _starts(lines)
    idx = unsure_words([w for w, _ in words], starts)
    windows, targets, dots = [], [], []
    for i in idx:
        w, (lx0, ly0, lx1, ly1) = words[i]
        dot = i in starts and w.text == "."
        h = max(w.bbox[3] - w.bbox[1], round(0.8 * (ly1 - ly0))) if dot else w.bbox[3] - w.bbox[1]
        reach = round(CONTEXT * h)
        left = w.bbox[0] - reach if dot else max(lx0, w.bbox[0] - reach)
        win = map_box((left, min(ly0, w.bbox[1]), min(lx1, w.bbox[2] + reach), max(ly1, w.bbox[3])),
                      to_plain, plain.shape, max(3, round(0.2 * h)))
        target = map_box(w.bbox, to_plain, plain.shape, 0)
        if win and target:
            windows.append(win)
            targets.append((i, target))
            dots.append(dot)
    if not windows:
        return {}
    reads = read_stacked(plain, windows, lang=lang, dpi=dpi, tessdata_dir=tessdata_dir, timeout=timeout, whiten=dots)
    out = {}
    for (i, (tx0, _, tx1, _)), band in zip(targets, reads):
        w = words[i][0]
        cx = (tx0 + tx1) / 2
        valid = is_valid_syllable(w.text.strip(_PUNCT))
        gain = VALID_GAIN if valid else GAIN
        inside = [v for v in band if tx0 <= (v.bbox[0] + v.bbox[2]) / 2 <= tx1]
        if (len(inside) > 1 and w.text != "." and not any(c.isdigit() for c in w.text)
                and min(v.confidence for v in inside) >= max(SURE, w.confidence + gain)
                and not (valid and any(_digit(v.text) for v in inside))
                and all(any(c.isalnum() for c in v.text) for v in inside)
                and 0.6 <= (inside[-1].bbox[2] - inside[0].bbox[0]) / max(1, tx1 - tx0) <= 1.6):
            out[id(w)] = w.model_copy(update={"text": " ".join(v.text for v in inside),
                                              "confidence": min(v.confidence for v in inside)})
            continue
        hit = [v for v in band if v.bbox[0] <= cx <= v.bbox[2]]
        if len(hit) != 1:
            continue
        v = hit[0]
        if i in starts and w.text == ".":
            if LIST_NUMBER.match(v.text) and v.confidence >= UNSURE and v is band[0]:
                out[id(w)] = w.model_copy(update={"text": v.text, "confidence": v.confidence})
            continue
        if (v.text != w.text and v.confidence >= max(SURE, w.confidence + gain) and not (valid and _digit(v.text))
                and not ROMAN_ITEM.match(w.text) and any(c.isalnum() for c in v.text)
                and 0.6 <= (v.bbox[2] - v.bbox[0]) / max(1, tx1 - tx0) <= 1.6):
            out[id(w)] = w.model_copy(update={"text": v.text, "confidence": v.confidence})
    return out


def apply(lines: list[Line], words: list[Word], fixed: dict[int, Word]) -> tuple[list[Line], list[Word]]:
    """Lines and words with the replaced words (`fixed`: by the id of the word they replace) in place; a line's text and
    confidence follow its words."""
    if not fixed:
        return lines, words
    out = []
    for ln in lines:
        if not any(id(w) in fixed for w in ln.words):
            out.append(ln)
            continue
        ws = [v for w in ln.words for v in _split(fixed.get(id(w), w))]
        out.append(ln.model_copy(update={"words": ws, "text": " ".join(w.text for w in ws),
                                         "confidence": round(sum(w.confidence for w in ws) / len(ws), 1)}))
    return out, [v for w in words for v in _split(fixed.get(id(w), w))]


def _split(w: Word) -> list[Word]:
    """A replacement of several words (check: the cleaned read glued them) as words of their own, the box shared out by
    their lengths."""
    parts = w.text.split()
    if len(parts) < 2:
        return [w]
    x0, y0, x1, y1 = w.bbox
    total, at, out = sum(map(len, parts)) + len(parts) - 1, 0, []
    for t in parts:
        a, b = x0 + round((x1 - x0) * at / total), x0 + round((x1 - x0) * (at + len(t)) / total)
        out.append(w.model_copy(update={"text": t, "bbox": (a, y0, max(a + 1, b), y1)}))
        at += len(t) + 1
    return out
