"""OCR stage: one page image in, lines with words, boxes and confidences out (plus any ruled tables).

`ocr_page(job, options)` is what worker processes run; it decodes the page itself so only small
jobs and results cross process boundaries.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..errors import OCRError
from ..models import Mark, Page, Table, Warning_
from ..sources import PageJob, load_page
from . import layout, marks, preprocess, tesseract

LOW_CONFIDENCE = 55.0
"""Mean word confidence under which a page is checked for orientation and re-read."""


@dataclass(frozen=True)
class OcrOptions:
    lang: str = tesseract.DEFAULT_LANG
    tessdata_dir: str | None = None
    deskew: bool = True
    flatten: bool = True
    osd: bool = True
    tables: bool = True
    timeout: float = 0.0
    second_lang: str | None = "Vietnamese"
    """Model for re-reading unsure lines (None: no second pass); skipped when not installed."""


@dataclass
class PageResult:
    page: Page
    tables: list[Table] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    seconds: float = 0.0


def _read(gray, dpi, opts: OcrOptions):
    data = tesseract.image_to_data(gray, lang=opts.lang, dpi=dpi, tessdata_dir=opts.tessdata_dir, timeout=opts.timeout)
    words = layout.words_from_data(data)
    conf = sum(w.confidence for _, w in words) / len(words) if words else 0.0
    return words, conf


def _weight(words) -> float:
    """How much confident text a read holds: the sum of its word confidences (a read of few words scores low)."""
    return sum(w.confidence for _, w in words)


_LANGS: dict[str | None, list[str]] = {}


def _second_lang(opts: OcrOptions) -> str | None:
    """The second-pass model when it is installed and differs from the first."""
    if not opts.second_lang or opts.second_lang in opts.lang.split("+"):
        return None
    if opts.tessdata_dir not in _LANGS:
        _LANGS[opts.tessdata_dir] = tesseract.available_languages(opts.tessdata_dir)
    return opts.second_lang if opts.second_lang in _LANGS[opts.tessdata_dir] else None


def ocr_page(job: PageJob, opts: OcrOptions) -> PageResult:
    """Decode, clean up and OCR one page; errors name the file and the page."""
    try:
        return _ocr_page(job, opts)
    except OCRError as exc:
        if exc.path:
            raise
        raise type(exc)(f"page {job.index + 1}: {exc.message}", job.path) from None


def _ocr_page(job: PageJob, opts: OcrOptions) -> PageResult:
    """Decode, clean up and OCR one page; retry with OSD orientation when the first read is poor."""
    t0 = time.perf_counter()
    number = job.index + 1
    warnings: list[Warning_] = []
    pil, stated_dpi = load_page(job)
    prep = preprocess.prepare(pil, stated_dpi, deskew=opts.deskew, flatten=opts.flatten)
    words, conf = _read(prep.gray, prep.dpi, opts)
    if conf < LOW_CONFIDENCE and prep.cleaned:
        plain = preprocess.prepare(pil, stated_dpi, plain=True)
        words2, conf2 = _read(plain.gray, plain.dpi, opts)
        if _weight(words2) > _weight(words):
            prep, words, conf = plain, words2, conf2
            warnings.append(Warning_(stage="ocr", page=number, message="page read without clean-up (it read better so)"))
    del pil
    gray = prep.gray
    rotation = 0
    if opts.osd and (conf < LOW_CONFIDENCE or len(words) < 15):
        rot, rconf = tesseract.orientation(gray, tessdata_dir=opts.tessdata_dir)
        if rot and rconf >= 1.0:
            turned = preprocess.rotate_quarter(gray, rot)
            words2, conf2 = _read(turned, prep.dpi, opts)
            if conf2 > conf and len(words2) >= len(words) * 0.5:
                gray, words, conf, rotation = turned, words2, conf2, rot
                warnings.append(Warning_(stage="ocr", page=number, message=f"page was turned {rot}° before OCR (orientation detection)"))
    if words and conf < LOW_CONFIDENCE:
        warnings.append(Warning_(stage="ocr", page=number, message=f"low OCR confidence ({conf:.0f}/100): check this page"))
    if not words:
        warnings.append(Warning_(stage="ocr", page=number, message="no text found on this page"))
    h, w = gray.shape
    lines = layout.build_lines(words, w, number)
    found = [Mark(kind=k, bbox=preprocess.turn_box(b, rotation, prep.gray.shape), confidence=c) for k, b, c in prep.marks]
    second = _second_lang(opts)
    if second and lines:
        from .reread import reread

        lines, _ = reread(gray, lines, lang=second, dpi=prep.dpi, tessdata_dir=opts.tessdata_dir, timeout=opts.timeout)
    lines, scribbles = marks.garbage_lines(lines)
    found += scribbles
    tables: list[Table] = []
    if opts.tables and words:
        from ..tables import find_grid_tables

        try:
            tables = find_grid_tables(gray, [wd for _, wd in words], number)
        except Exception as exc:  # a table-finder bug must not lose the page's text
            warnings.append(Warning_(stage="tables", page=number, message=f"table detection failed: {type(exc).__name__}: {exc}"))
    page = Page(number=number, width=w, height=h, dpi=prep.dpi, rotation=rotation, skew=prep.skew, origin="ocr", lines=lines,
                marks=found)
    return PageResult(page, tables, warnings, time.perf_counter() - t0)
