"""OCR stage: a cleaned page image in, lines with words, boxes and confidences out.

`read_page` is the page read (with an orientation retry when the read is poor); `second_read` re-reads
unsure lines with another model. Composing them with decoding and tables is `planparse.pages`' job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..models import Line, Warning_, Word
from ..options import Options
from . import layout, preprocess, tesseract

PUNCTUATED = True
"""Whether the page read's closing marks are checked against their ink (layout.punctuated; benches turn it off)."""
LOW_CONFIDENCE = 55.0
"""Mean word confidence under which a page is checked for orientation and re-read."""


@dataclass
class PageRead:
    """What OCR made of one page: the image the boxes refer to (turned if OSD turned it), its words and lines."""

    gray: np.ndarray
    words: list[Word]
    lines: list[Line]
    rotation: int = 0
    warnings: list[Warning_] = field(default_factory=list)
    plain: preprocess.Prepared | None = None
    """The page prepared without clean-up, when that read held more confident text (the boxes refer to it)."""


def _read(gray: np.ndarray, dpi: int, opts: Options, inner: tuple[int, int, int, int] | None = None,
          spread: float | None = None) -> tuple[list[tuple[tuple[int, int, int], Word]], float]:
    """Words (boxes in the page's pixels) and mean confidence of the page's ink box read by Tesseract; given `inner`
    (a photo's page inside its desk strip, preprocess.desk_strip), the ink box of that part of the page. Closing marks
    are read as their ink draws them on a sharp page (layout.punctuated; `spread`: the page's blur measured before
    sharpening, else it is measured on `gray` when a mark would change)."""
    if inner is None:
        x0, y0, x1, y1 = preprocess.ink_box(gray, dpi)
    else:
        ix, iy, ix1, iy1 = inner
        x0, y0, x1, y1 = preprocess.ink_box(gray[iy:iy1, ix:ix1], dpi, preprocess.INK_PAD_PHOTO_IN)
        x0, y0, x1, y1 = x0 + ix, y0 + iy, x1 + ix, y1 + iy
    data = tesseract.image_to_data(gray[y0:y1, x0:x1], lang=opts.lang, dpi=dpi, tessdata_dir=opts.tessdata_dir,
                                   timeout=opts.page_timeout)
    words = layout.unglued(layout.words_from_data(data, offset=(x0, y0)), gray)
    if PUNCTUATED:
        words = layout.punctuated(words, gray, lambda: preprocess.blur_spread(gray, dpi) if spread is None else spread)
    conf = sum(w.confidence for _, w in words) / len(words) if words else 0.0
    return words, conf


def _weight(words: list[tuple[tuple[int, int, int], Word]]) -> float:
    """How much confident text a read holds: the sum of its word confidences (a read of few words scores low)."""
    return sum(w.confidence for _, w in words)


def read_page(gray: np.ndarray, dpi: int, number: int, opts: Options,
              plain: Callable[[], preprocess.Prepared] | None = None,
              inner: tuple[int, int, int, int] | None = None, spread: float | None = None) -> PageRead:
    """OCR one cleaned page. A poor read is tried again on the page without clean-up (`plain`, when the clean-up
    changed anything) and the read holding more confident text is kept: clean-up must never make a page worse.
    When the read is still poor, OSD says whether the page is turned and the better read is kept. `inner`: the part
    of a photographed page inside its desk strip (preprocess.desk_strip), the only part of it the first read sees;
    `spread`: its blur before sharpening (preprocess.Prepared.spread)."""
    warnings: list[Warning_] = []
    words, conf = _read(gray, dpi, opts, inner, spread)
    used = None
    if conf < LOW_CONFIDENCE and plain is not None:
        bare = plain()
        words2, conf2 = _read(bare.gray, bare.dpi, opts)
        if _weight(words2) > _weight(words):
            used, gray, dpi, words, conf = bare, bare.gray, bare.dpi, words2, conf2
            warnings.append(Warning_(stage="ocr", page=number, message="page read without clean-up (it read better so)"))
    rotation = 0
    if opts.osd and (conf < LOW_CONFIDENCE or len(words) < 15):
        rot, rconf = tesseract.orientation(gray, tessdata_dir=opts.tessdata_dir)
        if rot and rconf >= 1.0:
            turned = preprocess.rotate_quarter(gray, rot)
            words2, conf2 = _read(turned, dpi, opts)
            if conf2 > conf and len(words2) >= len(words) * 0.5:
                gray, words, conf, rotation = turned, words2, conf2, rot
                warnings.append(Warning_(stage="ocr", page=number,
                                         message=f"page was turned {rot}° before OCR (orientation detection)"))
    if words and conf < LOW_CONFIDENCE:
        warnings.append(Warning_(stage="ocr", page=number, message=f"low OCR confidence ({conf:.0f}/100): check this page"))
    if not words:
        warnings.append(Warning_(stage="ocr", page=number, message="no text found on this page"))
    lines = layout.cased(layout.build_lines(words, gray.shape[1], number), gray)
    return PageRead(gray, [w for _, w in words], lines, rotation, warnings, used)


_LANGS: dict[str | None, list[str]] = {}


def second_lang(opts: Options) -> str | None:
    """The second-read model when one is asked for, differs from the first and is installed."""
    if not opts.second_lang or opts.second_lang in opts.lang.split("+"):
        return None
    if opts.tessdata_dir not in _LANGS:
        _LANGS[opts.tessdata_dir] = tesseract.available_languages(opts.tessdata_dir)
    return opts.second_lang if opts.second_lang in _LANGS[opts.tessdata_dir] else None


def second_read(gray: np.ndarray, lines: list[Line], dpi: int, opts: Options) -> list[Line]:
    """Lines with the unsure ones re-read by the second model (unchanged when there is none)."""
    lang = second_lang(opts)
    if not lang or not lines:
        return lines
    from .reread import reread

    return reread(gray, lines, lang=lang, dpi=dpi, tessdata_dir=opts.tessdata_dir, timeout=opts.page_timeout)[0]
