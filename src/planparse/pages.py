"""The work on one page image, composed in one place: decode, clean up, OCR, second read, heading-numeral re-read
and heading numbers in sequence, grid tables with cell re-reads.

`page_step(job, options)` is what the worker processes run; it decodes the page itself so only small
jobs and results cross process boundaries. Every Tesseract call gets the run's options (language,
tessdata folder, time limit). Optional steps that fail become warnings on the page; the page read
itself either succeeds or raises a typed error naming the file and the page.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from .errors import OCRError, PlanparseError, as_input_error, foreign_input_errors
from .guard import stage_guard
from .models import Line, Mark, Page, Table, Warning_, Word
from .ocr import PageRead, layout, marks, plaincheck, preprocess, read_page, reread, second_lang, second_read
from .options import Options
from .sources import PageJob, load_page
from .structure.headings import READ_DPI, renumber, reread_numerals
from .tables import CellReader, find_grid_tables

T = TypeVar("T")


@dataclass
class PageResult:
    page: Page
    tables: list[Table] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    seconds: float = 0.0


def cell_reader(opts: Options, warnings: list[Warning_] | None = None, page: int | None = None) -> CellReader:
    """The cell re-read with the run's options; a failed read keeps the page's reads and, given `warnings`, says so there."""

    def read(gray: np.ndarray, boxes: list[tuple[int, int, int, int]], dpi: int) -> list[list[Word]]:
        def call() -> list[list[Word]]:
            return reread.read_cells(gray, boxes, lang=opts.lang, dpi=dpi, tessdata_dir=opts.tessdata_dir,
                                     timeout=opts.page_timeout)

        if warnings is None:
            return call()
        with stage_guard(warnings, "tables", "table cells kept as the page read them", page=page):
            return call()
        return [[] for _ in boxes]

    return read


def page_step(job: PageJob, opts: Options) -> PageResult:
    """Decode, clean up and OCR one page, then find its ruled tables; typed errors name the file and the page,
    and any other error a decoder or image library raises (cv2.error …) becomes a one-line OCRError."""
    import cv2

    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)  # a page per core already: OpenCV's own threads cost ~10 % more CPU on a page, no gain
    try:
        return _page_step(job, opts)
    except (PlanparseError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - the library promises PlanparseError subclasses only
        detail = " ".join(str(exc).split())[:160]
        raise OCRError(f"page {job.index + 1}: the page image could not be processed ({type(exc).__name__}: {detail})",
                       job.path) from None
    finally:
        cv2.setNumThreads(threads)


def _page_step(job: PageJob, opts: Options) -> PageResult:
    t0 = time.perf_counter()
    number = job.index + 1
    try:
        prep, read, plain = _read(job, number, opts)
    except PlanparseError as exc:
        if exc.path:
            raise
        raise type(exc)(f"page {number}: {exc.message}", job.path) from None
    warnings = read.warnings
    if plain is not None and read.plain is None and not read.rotation:
        with stage_guard(warnings, "ocr", "unsure words kept as the cleaned page read them", page=number):
            read = _plain_checked(read, prep, plain, opts)
    lines = read.lines
    with stage_guard(warnings, "ocr", "unsure lines kept as first read", page=number):
        lines = second_read(read.gray, lines, prep.dpi, opts)
    found = [Mark(kind=k, bbox=preprocess.turn_box(b, read.rotation, prep.gray.shape), confidence=c,
                  found_by=how[0] if how else "colour") for k, b, c, *how in prep.marks]
    with stage_guard(warnings, "ocr", "lines the page read left out stay out", page=number):
        lines = layout.insert_lines(lines, _unread_lines(read, found, prep.dpi, opts, number))
    lines, scribbles = marks.garbage_lines(lines, found)
    with stage_guard(warnings, "ocr", "heading numerals kept as first read", page=number):
        lines = _reread_numerals(read.gray, lines, prep.dpi, opts, warnings, number)
    lines, renumbered = renumber(lines, number)
    warnings += renumbered
    tables: list[Table] = []
    if opts.tables and read.words:
        with stage_guard(warnings, "tables", "no table read from this page", page=number):
            tables = find_grid_tables(read.gray, read.words, number, read=cell_reader(opts, warnings, number))
            cells = [[c for c in t.cells if c.page in (None, number)] for t in tables]
            flat = [c for table_cells in cells for c in table_cells]
            lines = layout.surer_cells(layout.insert_lines(lines, layout.lost_cells(flat, lines, number)), flat)
            lines = layout.table_lines(lines, cells)
    lines = layout.recipients(layout.quarters(lines))
    h, w = read.gray.shape
    page = Page(number=number, width=w, height=h, dpi=prep.dpi, rotation=read.rotation, skew=prep.skew, origin="ocr", lines=lines,
                marks=found + scribbles)
    return PageResult(page, tables, warnings, time.perf_counter() - t0)


def _unread_lines(read: PageRead, found: list[Mark], dpi: int, opts: Options, number: int) -> list[Line]:
    """Lines of text-like ink the page read left out (reread.unread_ink), read again in one stacked call; inside a
    stamp too (its ink is whitened: what is left there is the print it was stamped over)."""
    boxes = reread.unread_ink(read.gray, read.words, dpi, [m.bbox for m in found if m.kind != "stamp"])
    if not boxes:
        return []
    bands = reread.read_unread(read.gray, boxes, lang=opts.lang, dpi=dpi, tessdata_dir=opts.tessdata_dir,
                               timeout=opts.page_timeout)
    return [layout.line_of(band, number) for band in bands]


def _reread_numerals(gray: np.ndarray, lines: list[Line], dpi: int, opts: Options, warnings: list[Warning_],
                     number: int) -> list[Line]:
    """Suspect Roman heading numerals re-read from the page image by the run's models (see structure.headings)."""

    def read(boxes: list[tuple[int, int, int, int]], lang: str) -> list[list[Word]]:
        return reread.read_stacked(gray, boxes, lang=lang, dpi=dpi, tessdata_dir=opts.tessdata_dir,
                                   timeout=opts.page_timeout, scale=min(3.0, max(1.0, READ_DPI / (dpi or READ_DPI))))

    langs = [opts.lang] + [lang for lang in [second_lang(opts)] if lang]
    lines, notes = reread_numerals(lines, read, langs)
    warnings += [Warning_(stage="ocr", page=number, message=n) for n in notes]
    return lines


def _read(job: PageJob, number: int, opts: Options) -> tuple[
        preprocess.Prepared, PageRead, Callable[[], preprocess.Prepared] | None]:
    """Decode, clean up and read the page; also the page prepared without clean-up (made on demand, None when the
    clean-up changed nothing)."""
    pil, stated_dpi = _input_errors(job, lambda: load_page(job, pixels=True))
    prep = _input_errors(job, lambda: marks.shapes_out(
        preprocess.prepare(pil, stated_dpi, deskew=opts.deskew, flatten=opts.flatten)))
    plain = functools.cache(lambda: _input_errors(job, lambda: preprocess.plain_page(prep, stated_dpi)
                                                  or preprocess.prepare(pil, stated_dpi, plain=True)))
    read = read_page(prep.gray, prep.dpi, number, opts, plain if prep.cleaned else None, prep.inner,
                     prep.spread)
    return read.plain or prep, read, plain if prep.cleaned else None


def _plain_checked(read: PageRead, prep: preprocess.Prepared, make_plain: Callable[[], preprocess.Prepared],
                   opts: Options) -> PageRead:
    """The read with its unsure words read again from the page without clean-up where that is clearly surer
    (ocr.plaincheck); the plain page is made only when there is a word to check."""
    if prep.matrix is None or not plaincheck.any_to_check(read.lines):
        return read
    plain = make_plain()
    if plain.matrix is None:
        return read
    to_plain = plain.matrix @ np.linalg.inv(prep.matrix)
    fixed = plaincheck.check(read.lines, to_plain, plain.gray, plain.dpi, lang=opts.lang,
                             tessdata_dir=opts.tessdata_dir, timeout=opts.page_timeout)
    lines, words = plaincheck.apply(read.lines, read.words, fixed)
    return dataclasses.replace(read, lines=lines, words=words)


def _input_errors(job: PageJob, step: Callable[[], T]) -> T:
    """Run a decoding or clean-up step; an image library's own exception becomes an InputError naming the page."""
    try:
        return step()
    except PlanparseError:
        raise
    except foreign_input_errors() as exc:
        raise as_input_error(exc, job.path, f"page {job.index + 1}") from exc
