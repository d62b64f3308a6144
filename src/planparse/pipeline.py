"""Compose the stages for one document: source → pages → OCR lines → restored text → structure/tables → Document."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .errors import OCRError, PlanparseError, UsageError, as_input_error, foreign_input_errors
from .guard import stage_guard
from .models import Cell, Document, Line, Page, Restoration, Table, Warning_, Word
from .options import Options, make_options
from .pages import PageResult, page_step
from .sources import PageJob, SourcePlan, plan
from .sources.lines import layer_page, text_pages

Progress = Callable[[int, int], None]
"""Called as progress(pages_done, pages_total) while a document is processed."""


def ingest(path: str | os.PathLike, options: Options | None = None, *, progress: Progress | None = None, **overrides) -> Document:
    """Read one file (PDF, image or text) and return the fully processed Document.

    Bad input raises an InputError (or a subclass) naming the file; a stage that fails after the
    page read leaves a warning on the document instead of losing the rest.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"ingest() takes a file path, not {type(path).__name__}")
    opts = make_options(options, **overrides)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    sp = _plan(Path(path), opts)
    timings["source"] = time.perf_counter() - t
    warnings = list(sp.warnings)

    t = time.perf_counter()
    pages, tables = _pages(sp, opts, warnings, progress)
    timings["ocr"] = time.perf_counter() - t

    t = time.perf_counter()
    sp.text = None  # the pages hold the lines now; a long text is not kept twice
    restorations: list[Restoration] = []
    if opts.restore != "off" and any(p.lines for p in pages):
        lines, restorations = _restore(pages, opts, warnings)
    else:
        lines = [ln for p in pages for ln in p.lines]
    timings["restore"] = time.perf_counter() - t

    doc = Document(source=sp.source, pages=pages, restorations=restorations, warnings=warnings)
    doc.text = _text(pages)

    if opts.structure:
        t = time.perf_counter()
        doc = _structure(doc, lines)
        timings["structure"] = time.perf_counter() - t
    if opts.tables:
        t = time.perf_counter()
        _tables(doc, tables, lines, opts)
        timings["tables"] = time.perf_counter() - t
    doc.timings = {k: round(v, 3) for k, v in timings.items()}
    return doc


def _plan(path: Path, opts: Options) -> SourcePlan:
    """The source stage; a decoder's own exception on a malformed file becomes an InputError naming it."""
    try:
        return plan(path, force_ocr=opts.force_ocr)
    except PlanparseError:
        raise
    except foreign_input_errors() as exc:
        raise as_input_error(exc, str(path)) from exc


def _pages(sp: SourcePlan, opts: Options, warnings: list[Warning_], progress: Progress | None) -> tuple[list[Page], list[Table]]:
    if sp.text is not None:
        return text_pages(sp.text), []
    by_number: dict[int, Page] = {}
    for index, lp in sp.layer.items():
        by_number[index + 1] = layer_page(lp)
    tables: list[Table] = []
    total = sp.source.pages
    done = len(by_number)
    if progress:
        progress(done, total)
    for result in _run_pages(sp.jobs, opts):
        by_number[result.page.number] = result.page
        tables.extend(result.tables)
        warnings.extend(result.warnings)
        done += 1
        if progress:
            progress(done, total)
    return [by_number[n] for n in sorted(by_number)], tables


def _run_pages(jobs: list[PageJob], opts: Options) -> Iterator[PageResult]:
    """The page step of every page in worker processes (one Tesseract thread each), yielding results in page order."""
    if not jobs:
        return
    n = opts.workers(len(jobs))
    if n == 1:
        for job in jobs:
            yield page_step(job, opts)
        return
    with ProcessPoolExecutor(max_workers=n) as pool:
        window = n * 2
        pending = [pool.submit(page_step, job, opts) for job in jobs[:window]]
        nxt = window
        while pending:
            fut = pending.pop(0)
            try:
                result = fut.result()
            except BrokenProcessPool:
                for f in pending:
                    f.cancel()
                raise OCRError("a page worker process died (out of memory, or Tesseract crashed)", jobs[0].path) from None
            except BaseException:  # also Ctrl-C: cancel queued pages, then let it propagate
                for f in pending:
                    f.cancel()
                raise
            if nxt < len(jobs):
                pending.append(pool.submit(page_step, jobs[nxt], opts))
                nxt += 1
            yield result


def _restore(pages: list[Page], opts: Options, warnings: list[Warning_]) -> tuple[list[Line], list[Restoration]]:
    """Repair the text of all pages section by section, each section's lines replaced in place as it is done,
    so a long document holds its lines once (not read and repaired copies side by side); the records
    share their strings. Returns the lines in reading order and the change records.
    """
    from .repair import restore_in_sections
    from .repair.segment import MAX_WORD_CHARS, overlong

    lines = [ln for p in pages for ln in p.lines]
    long_runs = overlong(ln.text for ln in lines)
    if long_runs:
        warnings.append(Warning_(stage="restore", message=f"{len(long_runs)} run(s) of letters longer than {MAX_WORD_CHARS} "
                                 f"without spaces kept as printed, unrepaired (first: {long_runs[0][:40]!r})"))
    counts = [len(p.lines) for p in pages]
    for p in pages:
        p.lines = []
    restorations: list[Restoration] = []
    pool: dict = {}
    try:
        with stage_guard(warnings, "restore", "the lines from the section where it failed on left as read, unrepaired"):
            for a, b, new, records in restore_in_sections(lines, mode=opts.restore, style=opts.style):
                lines[a:b] = new
                restorations += _pooled(records, pool)
    finally:
        _put_back(pages, lines, counts)
    return lines, restorations


def _pooled(records: list[Restoration], pool: dict) -> list[Restoration]:
    """The records with equal strings and confidences shared through `pool`: a document without marks has a
    record per word, and its few thousand distinct syllables need not be stored once per record."""
    for r in records:
        r.original = pool.setdefault(r.original, r.original)
        r.restored = pool.setdefault(r.restored, r.restored)
        r.confidence = pool.setdefault(r.confidence, r.confidence)
    return records


def _put_back(pages: list[Page], lines: list[Line], counts: list[int]) -> None:
    """Give each page its `counts[i]` lines back from the reading-order list."""
    i = 0
    for p, n in zip(pages, counts):
        p.lines = lines[i : i + n]
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
    inside: dict[str, float] = {}
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
    body = "\n\f\n".join(out)
    i, j = 0, len(body)
    while i < j and body[i] == "\n":
        i += 1
    while j > i and body[j - 1] == "\n":
        j -= 1
    return body[i:j] + "\n"  # not strip("\n"): one copy of a long text, not three


def _structure(doc: Document, lines: list[Line]) -> Document:
    """The document with the parts parse_structure found (every StructureResult field is a Document field)."""
    from .structure import StructureResult, parse_structure

    with stage_guard(doc.warnings, "structure", "no header, sections or references"):
        res = parse_structure(lines)
        found = {name: getattr(res, name) for name in StructureResult.model_fields if name != "warnings"}
        doc = doc.model_copy(update=found)
        doc.warnings.extend(res.warnings)
    return doc


def _tables(doc: Document, tables: list[Table], lines: list[Line], opts: Options) -> None:
    """The document-level table work: cell text repaired like the page text, then tables merged, rebuilt and typed."""
    from .tables import finish_tables

    if opts.restore != "off" and tables:
        with stage_guard(doc.warnings, "restore", "table cells left as read, unrepaired"):
            tables, records = restore_tables(tables, page_words(doc.pages), mode=opts.restore, style=opts.style)
            doc.restorations = doc.restorations + records
    doc.tables = tables
    with stage_guard(doc.warnings, "tables", "tables kept as found on the pages, no tasks"):
        doc.tables, doc.tasks, warns = finish_tables(tables, lines)
        doc.warnings.extend(warns)


__all__ = ["Options", "Progress", "ingest", "make_options", "restore_tables", "stage_guard"]
