"""Compose the stages for one document: source → pages → OCR lines → restored text → structure/tables → Document."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import ModelError, OCRError, PlanparseError, UsageError
from .models import Cell, Document, Line, Page, Restoration, Table, Warning_, Word
from .ocr import OcrOptions, PageResult, ocr_page
from .sources import PageJob, SourcePlan, plan

Progress = Callable[[int, int], None]
"""Called as progress(pages_done, pages_total) while a document is processed."""


@dataclass(frozen=True)
class Options:
    """Everything that changes what `ingest` produces; all have sensible defaults."""

    lang: str = "vie"
    second_lang: str | None = "Vietnamese"
    tessdata_dir: str | None = None
    jobs: int = 0
    restore: str = "auto"
    style: str = "new"
    force_ocr: bool = False
    deskew: bool = True
    flatten: bool = True
    osd: bool = True
    tables: bool = True
    structure: bool = True
    page_timeout: float = 0.0

    @property
    def ocr(self) -> OcrOptions:
        return OcrOptions(lang=self.lang, second_lang=self.second_lang or None, tessdata_dir=self.tessdata_dir, deskew=self.deskew, flatten=self.flatten,
                          osd=self.osd, tables=self.tables, timeout=self.page_timeout)

    def workers(self, pages: int) -> int:
        n = self.jobs if self.jobs and self.jobs > 0 else (os.cpu_count() or 1)
        return max(1, min(n, pages))


def make_options(options: Options | None = None, **overrides) -> Options:
    """Options from an Options object and/or keyword overrides; unknown names are an error, not ignored."""
    base = options or Options()
    known = set(Options.__dataclass_fields__)
    unknown = set(overrides) - known
    if unknown:
        raise TypeError(f"unknown option(s): {', '.join(sorted(unknown))}")
    return replace(base, **{k: v for k, v in overrides.items() if v is not None})


def ingest(path: str | os.PathLike, options: Options | None = None, *, progress: Progress | None = None, **overrides) -> Document:
    """Read one file (PDF, image or text) and return the fully processed Document."""
    opts = make_options(options, **overrides)
    from .repair import check_options

    check_options(opts.restore, opts.style)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    sp = plan(Path(path), force_ocr=opts.force_ocr)
    timings["source"] = time.perf_counter() - t
    warnings = list(sp.warnings)

    t = time.perf_counter()
    pages, tables = _pages(sp, opts, warnings, progress)
    timings["ocr"] = time.perf_counter() - t

    t = time.perf_counter()
    lines = [ln for p in pages for ln in p.lines]
    restorations: list[Restoration] = []
    if opts.restore != "off" and lines:
        from .repair import restore_lines
        from .repair.segment import MAX_WORD_CHARS, overlong

        long_runs = overlong(ln.text for ln in lines)
        if long_runs:
            warnings.append(Warning_(stage="restore", message=f"{len(long_runs)} run(s) of letters longer than {MAX_WORD_CHARS} "
                                     f"without spaces kept as printed, unrepaired (first: {long_runs[0][:40]!r})"))

        with stage_guard(warnings, "restore", "text left as read, unrepaired"):
            new_lines, restorations = restore_lines(lines, mode=opts.restore, style=opts.style)
            _put_back(pages, new_lines)
            lines = new_lines
        with stage_guard(warnings, "restore", "table cells left as read, unrepaired"):
            tables, cell_records = restore_tables(tables, page_words(pages), mode=opts.restore, style=opts.style)
            restorations = restorations + cell_records
    timings["restore"] = time.perf_counter() - t

    doc = Document(source=sp.source, pages=pages, restorations=restorations, warnings=warnings)
    doc.text = _text(pages)

    if opts.structure:
        t = time.perf_counter()
        _structure(doc, lines)
        timings["structure"] = time.perf_counter() - t
    if opts.tables:
        t = time.perf_counter()
        _tables(doc, tables, lines)
        timings["tables"] = time.perf_counter() - t
    doc.timings = {k: round(v, 3) for k, v in timings.items()}
    return doc


@contextmanager
def stage_guard(warnings: list[Warning_], stage: str, consequence: str, page: int | None = None) -> Iterator[None]:
    """Turn a stage's unexpected exception into a warning on the document, so one failing stage loses nothing else.

    Errors that concern the whole run (a broken install, a bad option, Ctrl-C) are not caught.
    """
    try:
        yield
    except (ModelError, UsageError):
        raise
    except Exception as exc:  # noqa: BLE001 - the guard's whole purpose
        warnings.append(Warning_(stage=stage, page=page,
                                 message=f"{stage} failed ({type(exc).__name__}: {exc}); {consequence}"))


def _pages(sp: SourcePlan, opts: Options, warnings: list[Warning_], progress: Progress | None) -> tuple[list[Page], list[Table]]:
    if sp.text is not None:
        return _text_pages(sp.text), []
    by_number: dict[int, Page] = {}
    for index, lp in sp.layer.items():
        by_number[index + 1] = _layer_page(lp)
    tables: list[Table] = []
    total = sp.source.pages
    done = len(by_number)
    if progress:
        progress(done, total)
    for result in _run_ocr(sp.jobs, opts):
        by_number[result.page.number] = result.page
        tables.extend(result.tables)
        warnings.extend(result.warnings)
        done += 1
        if progress:
            progress(done, total)
    return [by_number[n] for n in sorted(by_number)], tables


def _run_ocr(jobs: list[PageJob], opts: Options) -> Iterator[PageResult]:
    """OCR pages in worker processes (one Tesseract thread each), yielding results in page order."""
    if not jobs:
        return
    os.environ["OMP_THREAD_LIMIT"] = "1"
    n = opts.workers(len(jobs))
    ocr_opts = opts.ocr
    if n == 1:
        for job in jobs:
            yield _ocr_page(job, ocr_opts)
        return
    with ProcessPoolExecutor(max_workers=n) as pool:
        window = n * 2
        pending = [pool.submit(_ocr_page, job, ocr_opts) for job in jobs[:window]]
        nxt = window
        while pending:
            fut = pending.pop(0)
            try:
                result = fut.result()
            except BaseException:
                for f in pending:
                    f.cancel()
                raise
            if nxt < len(jobs):
                pending.append(pool.submit(_ocr_page, jobs[nxt], ocr_opts))
                nxt += 1
            yield result


def _ocr_page(job: PageJob, opts) -> PageResult:
    """ocr_page, with any error a decoder or image library raises (cv2.error …) turned into a one-line OCRError."""
    try:
        return ocr_page(job, opts)
    except (PlanparseError, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - the library promises PlanparseError subclasses only
        detail = " ".join(str(exc).split())[:160]
        raise OCRError(f"page {job.index + 1}: the page image could not be processed ({type(exc).__name__}: {detail})",
                       job.path) from None


def _text_pages(text: str) -> list[Page]:
    """A text input as pages (split at form feeds) of lines; blank lines start a new block."""
    pages = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        lines, block = [], 0
        for raw in chunk.split("\n"):
            stripped = raw.rstrip()
            if not stripped.strip():
                if lines and lines[-1].text:
                    block += 1
                lines.append(Line(text="", block=block, page=number, origin="text"))
                continue
            lines.append(Line(text=stripped.strip(), block=block, page=number, origin="text"))
        while lines and not lines[-1].text:
            lines.pop()
        pages.append(Page(number=number, width=0, height=0, origin="text", lines=lines))
    return pages


def _layer_page(lp) -> Page:
    from .models import Word

    lines = []
    for ln in lp.lines:
        words = [Word(text=w.text, bbox=w.bbox, confidence=100.0) for w in ln.words]
        x0 = min(w.bbox[0] for w in ln.words)
        y0 = min(w.bbox[1] for w in ln.words)
        x1 = max(w.bbox[2] for w in ln.words)
        y1 = max(w.bbox[3] for w in ln.words)
        lines.append(Line(text=ln.text, bbox=(x0, y0, x1, y1), confidence=None, block=ln.block, page=lp.index + 1,
                          origin="text-layer", words=words))
    return Page(number=lp.index + 1, width=lp.width, height=lp.height, dpi=72, origin="text-layer", lines=lines)


def _put_back(pages: list[Page], new_lines: list[Line]) -> None:
    i = 0
    for p in pages:
        n = len(p.lines)
        p.lines = list(new_lines[i : i + n])
        i += n


def page_words(pages: list[Page]) -> dict[int, list[Word]]:
    """Every OCR word of each page, by page number (the confidences the cell repair uses)."""
    return {p.number: [w for ln in p.lines for w in ln.words] for p in pages}


def restore_tables(tables: list[Table], words: dict[int, list[Word]], *, mode: str,
                   style: str) -> tuple[list[Table], list[Restoration]]:
    """Tables with their cell text repaired like the page text, then rows and headers laid out again from the cells.

    All cells go through one `restore_lines` call, one line per cell, each word carrying the confidence
    OCR gave it, so unsure syllables may be repaired and sure ones are kept. Each change is recorded
    with `table` and `cell` set (indices into Document.tables and that table's cells).
    """
    from .repair import restore_lines
    from .tables import rows_from_cells

    cells = [(ti, ci, t, c) for ti, t in enumerate(tables) for ci, c in enumerate(t.cells)]
    if mode == "off" or not cells:
        return tables, []
    lines = [_cell_line(c, words.get(c.page or t.page or 0, [])) for _, _, t, c in cells]
    fixed, records = restore_lines(lines, mode=mode, style=style)
    for r in records:
        ti, ci, t, c = cells[r.line]
        r.table, r.cell, r.page = ti, ci, c.page or t.page or 1
        r.line = -1
    new_text = {id(c): ln.text for (_, _, _, c), ln in zip(cells, fixed)}
    out = []
    for t in tables:
        repaired = [c.model_copy(update={"text": new_text[id(c)]}) for c in t.cells]
        out.append(rows_from_cells(t.model_copy(update={"cells": repaired})) if repaired else t)
    return out, records


def _cell_line(cell: Cell, words: list[Word]) -> Line:
    """A cell as one Line whose words carry OCR confidences: the page word of the same text inside the cell, else the cell's."""
    text = " ".join(cell.text.split())
    inside = {}
    if cell.bbox:
        x0, y0, x1, y1 = cell.bbox
        for w in words:
            if x0 <= (w.bbox[0] + w.bbox[2]) / 2 < x1 and y0 <= (w.bbox[1] + w.bbox[3]) / 2 < y1:
                inside.setdefault(w.text, w.confidence)
    fallback = cell.confidence if cell.confidence is not None else 100.0
    box = cell.bbox or (0, 0, 0, 0)
    ws = [Word(text=t, bbox=box, confidence=inside.get(t, fallback)) for t in text.split()]
    return Line(text=text, bbox=cell.bbox, words=ws, origin="ocr")


def _text(pages: list[Page]) -> str:
    """Whole text in reading order: a blank line between blocks, a form feed between pages."""
    out = []
    for p in pages:
        chunk: list[str] = []
        prev_block = None
        for ln in p.lines:
            if p.origin != "text" and prev_block is not None and ln.block != prev_block:
                chunk.append("")
            chunk.append(ln.text)
            prev_block = ln.block
        out.append("\n".join(chunk))
    return "\n\f\n".join(out).strip("\n") + "\n"


def _structure(doc: Document, lines: list[Line]) -> None:
    from .structure import parse_structure

    try:
        res = parse_structure(lines)
    except Exception as exc:  # the structure stage promises not to raise; a bug must not lose the text
        doc.warnings.append(Warning_(stage="structure", message=f"structure parsing failed: {type(exc).__name__}: {exc}"))
        return
    doc.header = res.header
    doc.preamble = res.preamble
    doc.sections = res.sections
    doc.references = res.references
    doc.signature = res.signature
    doc.recipients = res.recipients
    doc.digital_signatures = res.digital_signatures
    doc.responsibilities = res.responsibilities
    doc.warnings.extend(res.warnings)


def _tables(doc: Document, tables: list[Table], lines: list[Line]) -> None:
    from .tables import finish_tables

    try:
        doc.tables, doc.tasks, warns = finish_tables(tables, lines)
    except Exception as exc:
        doc.tables = tables
        doc.warnings.append(Warning_(stage="tables", message=f"table assembly failed: {type(exc).__name__}: {exc}"))
        return
    doc.warnings.extend(warns)


__all__ = ["Options", "ingest", "make_options"]
