"""Compose the stages for one document: source → pages → OCR lines → restored text → structure/tables → Document."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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
    page read leaves a warning on the document instead of losing the rest. The Document holds
    everything in memory (a pydantic object per line and per change record): for a long text use
    `ingest_to`, which writes the same JSON with memory that does not grow with the output.
    """
    opts, sp, timings = _start(path, options, overrides)
    return _document(sp, opts, progress, timings)


def _start(path, options: Options | None, overrides: dict) -> tuple[Options, SourcePlan, dict[str, float]]:
    """Checked options and the source stage's plan, timed."""
    if not isinstance(path, (str, os.PathLike)):
        raise UsageError(f"ingest() takes a file path, not {type(path).__name__}")
    opts = make_options(options, **overrides)
    t = time.perf_counter()
    sp = _plan(Path(path), opts)
    return opts, sp, {"source": time.perf_counter() - t}


def _document(sp: SourcePlan, opts: Options, progress: Progress | None, timings: dict[str, float]) -> Document:
    """The stages after the source's: pages, repair, structure, tables."""
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
    return _finish(doc, lines, tables, opts, timings)


def _finish(doc: Document, lines: Sequence[Line], tables: list[Table], opts: Options, timings: dict[str, float],
            emit: Callable | None = None) -> Document:
    """Structure and tables from the repaired lines; the timings set (`emit`: see `_structure`)."""
    if opts.structure:
        t = time.perf_counter()
        doc = _structure(doc, lines, emit)
        timings["structure"] = time.perf_counter() - t
    if opts.tables:
        t = time.perf_counter()
        _tables(doc, tables, lines, opts)
        timings["tables"] = time.perf_counter() - t
    doc.timings = {k: round(v, 3) for k, v in timings.items()}
    return doc


@dataclass(frozen=True)
class Written:
    """What `ingest_to` wrote: the document without its long parts (text, page lines, change records; for a text
    input, sections too), and their sizes."""

    document: Document
    words: int
    restorations: int
    sections: int
    """Top-level sections written."""


def ingest_to(path: str | os.PathLike, out: str | os.PathLike | BinaryIO, options: Options | None = None, *,
              progress: Progress | None = None, **overrides) -> Written:
    """Process one file like `ingest` and write its JSON (byte for byte `to_json(ingest(path))`) to `out`: a path,
    written atomically (nothing half-written is ever seen there), or a binary stream.

    A text input of any size is processed in bounded memory: its lines are kept as strings (no model object
    per line), and as each section is repaired its lines and change records are written to spools (unnamed
    temporary files in the output's folder) that the output is assembled from. Other inputs are an `ingest`
    Document written in chunks. An output that cannot be written raises OutputError, before the work when it can.
    """
    from .batching.outputs import check_writable, write_output
    from .export import assemble, json_chunks

    folder = Path(out).parent if isinstance(out, (str, os.PathLike)) else None
    if folder is not None:
        check_writable(folder)
    opts, sp, timings = _start(path, options, overrides)
    if sp.text is None:
        doc = _document(sp, opts, progress, timings)
        _write(out, json_chunks(doc), write_output)
        words = sum(1 for _ in _WORD.finditer(doc.text))
        return Written(doc.model_copy(update={"text": "", "restorations": [], "pages": [
            p.model_copy(update={"lines": []}) for p in doc.pages]}), words, len(doc.restorations), len(doc.sections))
    with _Spools(folder) as spools:
        head, parts, written = _spooled(sp, opts, timings, spools)
        _write(out, assemble(head, parts), write_output)
    return written


_WORD = re.compile(r"\S+")


def _write(out, chunks: Iterable[bytes], write_output) -> None:
    if isinstance(out, (str, os.PathLike)):
        write_output(out, chunks)
    else:
        for chunk in chunks:
            out.write(chunk)
        out.flush()


class _Spools:
    """The spools of one `ingest_to` run (pages, change records, sections; the line texts as read and as repaired),
    closed on every way out."""

    def __init__(self, folder: Path | None) -> None:
        from .export.spool import Spool, TextStore

        self.open: list = []
        try:
            self.pages, self.records, self.sections = (self._add(Spool(folder)) for _ in range(3))
            self.read, self.repaired = (self._add(TextStore(folder)) for _ in range(2))
        except BaseException:
            self.__exit__()
            raise

    def _add(self, spool):
        self.open.append(spool)
        return spool

    def __enter__(self) -> _Spools:
        return self

    def __exit__(self, *exc) -> None:
        for spool in self.open:
            spool.close()


def _spooled(sp: SourcePlan, opts: Options, timings: dict[str, float],
             spools: _Spools) -> tuple[Document, Mapping[str, Iterable[bytes]], Written]:
    """The stages of `ingest` on a text input with the line texts in spools, not memory (read from one, repaired
    into another), each repaired section's lines and records and each top-level section written to spools as they
    are made: the Document head (no text, page lines, sections or records), the parts to assemble its JSON from,
    and what was written."""
    from .export import text_json
    from .export.json_text import BATCH, STREAMED, _list_json
    from .export.spool import ListJSON, PagesJSON, SectionsJSON
    from .sources.lines import LineView
    from .sources.text import split_lines

    warnings = list(sp.warnings)
    t = time.perf_counter()
    got = split_lines(sp.text or "", spools.read)
    sp.text = None
    view = LineView(got)
    bounds = list(zip(got.starts, got.starts[1:]))
    heads = [Page(number=k + 1, width=0, height=0, origin="text") for k in range(len(bounds))]
    timings["ocr"] = time.perf_counter() - t

    t = time.perf_counter()
    pages = PagesJSON(spools.pages, heads, [b - a for a, b in bounds])
    records = ListJSON("restorations", spools.records)
    texts = spools.repaired

    def take(a: int, b: int, new: list[Line], recs: list[Restoration]) -> None:
        pages.add(new)
        texts.extend(ln.text for ln in new)
        records.add(recs)

    done = 0
    if opts.restore != "off" and len(got.texts):
        from .repair.engine import release_memos

        done = _repair(view, got.texts, opts, warnings, take)
        release_memos()
    for i in range(done, len(view), BATCH):
        pages.add(view[i:i + BATCH])
        texts.extend(got.texts[i:i + BATCH])
    pages.close()
    got.texts = texts  # the view reads the repaired lines from here on
    if done:
        view.raw = spools.read  # and the lines as read beside them (a flattened table's cells come from those)
    else:
        spools.read.close()
    timings["restore"] = time.perf_counter() - t

    sections = SectionsJSON(spools.sections)
    doc = _finish(Document(source=sp.source, pages=heads, warnings=warnings), view, [], opts, timings, sections.add)
    view.raw = None
    spools.read.close()
    sections.close()
    records.add(doc.restorations)  # a flattened table's cell repairs, after the lines' records as in `ingest`
    records.close()
    parts = {"text": text_json(_text_pieces((texts.window(a, b), None) for a, b in bounds)), "pages": spools.pages.chunks(),
             "sections": spools.sections.chunks(), "restorations": spools.records.chunks(),
             "warnings": _list_json("warnings", doc.warnings, 1, BATCH)}
    head = doc.model_copy(update={k: [] for k in STREAMED})
    words = sum(len(t.split()) for t in texts)
    return head, parts, Written(doc.model_copy(update={"pages": heads}), words, records.count, sections.count)


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
    lines = [ln for p in pages for ln in p.lines]
    counts = [len(p.lines) for p in pages]
    for p in pages:
        p.lines = []
    restorations: list[Restoration] = []
    pool: dict = {}

    def take(a: int, b: int, new: list[Line], records: list[Restoration]) -> None:
        lines[a:b] = new
        restorations.extend(_pooled(records, pool))

    try:
        _repair(lines, (ln.text for ln in lines), opts, warnings, take)
    finally:
        _put_back(pages, lines, counts)
    return lines, restorations


def _repair(lines: Sequence[Line], texts: Iterable[str], opts: Options, warnings: list[Warning_],
            take: Callable[[int, int, list[Line], list[Restoration]], None]) -> int:
    """Repair `lines` (whose texts are `texts`) section by section, handing each section to
    take(start, end, repaired lines, records). Returns how many lines were handed over: when a section
    fails, it and the ones after it stay as read, with a warning."""
    from .repair import restore_in_sections
    from .repair.segment import MAX_WORD_CHARS, overlong

    long_runs = overlong(texts)
    if long_runs:
        warnings.append(Warning_(stage="restore", message=f"{len(long_runs)} run(s) of letters longer than {MAX_WORD_CHARS} "
                                 f"without spaces kept as printed, unrepaired (first: {long_runs[0][:40]!r})"))
    done = 0
    with stage_guard(warnings, "restore", "the lines from the section where it failed on left as read, unrepaired"):
        for a, b, new, records in restore_in_sections(lines, mode=opts.restore, style=opts.style):
            take(a, b, new, records)
            done = b
    return done


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
    return "".join(_text_pieces(([ln.text for ln in p.lines], None if p.origin == "text" else [ln.block for ln in p.lines])
                                for p in pages))


TEXT_RUN = 1000


def _text_pieces(pages: Iterable[tuple[Sequence[str], Sequence[int] | None]]) -> Iterator[str]:
    """The whole text in pieces, from each page's line texts and blocks (None: blocks not marked, as in text inputs):
    a blank line between blocks, a form feed between pages, no newline at the start and one at the end."""
    held = 0  # newlines at the end of what was read, given out only when more text follows
    lead = True
    for piece in _text_body(pages):
        if lead:
            piece = piece.lstrip("\n")
            if not piece:
                continue
            lead = False
        kept = piece.rstrip("\n")
        if kept:
            if held:
                yield "\n" * held
            yield kept
            held = len(piece) - len(kept)
        else:
            held += len(piece)
    yield "\n"


def _text_body(pages: Iterable[tuple[Sequence[str], Sequence[int] | None]]) -> Iterator[str]:
    for k, (texts, blocks) in enumerate(pages):
        if k:
            yield "\n\f\n"
        if blocks is None:
            for i in range(0, len(texts), TEXT_RUN):
                yield ("\n" if i else "") + "\n".join(texts[i:i + TEXT_RUN])
            continue
        for i, text in enumerate(texts):
            if i:
                yield "\n\n" if blocks[i] != blocks[i - 1] else "\n"
            yield text


def _structure(doc: Document, lines: Sequence[Line], emit: Callable | None = None) -> Document:
    """The document with the parts parse_structure found (every StructureResult field is a Document field); given
    `emit`, the top-level sections go to it instead, one at a time."""
    from .structure import StructureResult, parse_structure

    with stage_guard(doc.warnings, "structure", "no header, sections or references"):
        res = parse_structure(lines, emit)
        found = {name: getattr(res, name) for name in StructureResult.model_fields if name != "warnings"}
        doc = doc.model_copy(update=found)
        doc.warnings.extend(res.warnings)
    return doc


class CellRepair:
    """The repair of a table rebuilt from flattened text, one cell at a time (`tables.CellRepair`): each call one
    `restore_lines` call, a cell a line, its words carrying their OCR confidences when the page's words gave them
    (as a grid table's cells: `restore_tables`); the change records of the last call (the table's final cells) are
    kept.

    The decoder reads the lines as running text, so a cell's first words see the end of the cell before. Measured
    on the tuning tables (stripped then repaired; cells exactly as printed, all columns): back to back 556 (seed
    101) + 631 (seed 202); a line holding a full stop after each cell 572 + 589 (the stop is read as punctuation:
    `thôn, ban .`); on seed 101 a call per column 559, a call per cell 560 (+40 % CPU)."""

    def __init__(self, mode: str, style: str) -> None:
        self.mode, self.style = mode, style
        self.records: list[Restoration] = []

    def __call__(self, texts: list[str], confidences: list[tuple[float, ...] | None]) -> list[str]:
        from .repair import restore_lines

        lines = [Line(text=t, origin="text") if c is None else
                 Line(text=t, origin="ocr", words=[Word(text=w, bbox=(0, 0, 0, 0), confidence=x) for w, x in zip(t.split(), c)])
                 for t, c in zip(texts, confidences)]
        fixed, self.records = restore_lines(lines, mode=self.mode, style=self.style)
        return [ln.text for ln in fixed]

    def table_records(self, index: int, table: Table) -> list[Restoration]:
        """The last call's records as the changes of `table` (Document.tables[index]), one cell a line."""
        for r in self.records:
            cell = table.cells[r.line]
            r.table, r.cell, r.page, r.line = index, r.line, cell.page or table.page or 1, -1
        return self.records


def _with_mends(records: list[Restoration], mends: list[Restoration], index: int) -> list[Restoration]:
    """A rebuilt table's change records (`records`: the cell repair's) with the rebuild's own word changes (`mends`:
    a deadline's printed forms, made after the repair) as changes of Document.tables[index], in cell order. A word
    both changed is one record: as read -> final, the repair's choice first among the alternatives."""
    at = {(r.cell, r.start): r for r in records}
    out = list(records)
    for m in mends:
        m.table = index
        r = at.get((m.cell, m.start))
        if r is None or r.restored != m.original:
            out.append(m)
            continue
        r.alternatives = [r.restored] + [a for a in r.alternatives if a not in (r.restored, m.restored)]
        r.restored, r.end, r.confidence, r.reason = m.restored, m.end, m.confidence, m.reason
    return sorted(out, key=lambda r: (r.cell or 0, r.start))


def _tables(doc: Document, tables: list[Table], lines: Sequence[Line], opts: Options) -> None:
    """The document-level table work: cell text repaired like the page text, then tables merged, rebuilt (a
    flattened table's cells repaired one by one) and typed."""
    from .tables import finish_tables

    if opts.restore != "off" and tables:
        with stage_guard(doc.warnings, "restore", "table cells left as read, unrepaired"):
            tables, records = restore_tables(tables, page_words(doc.pages), mode=opts.restore, style=opts.style)
            doc.restorations = doc.restorations + records
    doc.tables = tables
    repair = CellRepair(opts.restore, opts.style) if opts.restore != "off" else None
    mends: list[Restoration] = []
    with stage_guard(doc.warnings, "tables", "tables kept as found on the pages, no tasks"):
        doc.tables, doc.tasks, warns = finish_tables(tables, lines, repair, mends)
        doc.warnings.extend(warns)
        if (repair is not None and repair.records) or mends:
            rebuilt = next(i for i, t in enumerate(doc.tables) if t.origin == "text")
            repaired = repair.table_records(rebuilt, doc.tables[rebuilt]) if repair is not None else []
            doc.restorations = doc.restorations + _with_mends(repaired, mends, rebuilt)


__all__ = ["CellRepair", "Options", "Progress", "Written", "ingest", "ingest_to", "make_options", "restore_tables", "stage_guard"]
