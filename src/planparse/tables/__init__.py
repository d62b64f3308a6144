"""Annex task tables (issue 6): ruled grids from page images, flattened tables from text, typed tasks.

Public interface used by the pipeline:

    find_grid_tables(gray, words, page) -> list[Table]
        Runs inside the OCR page worker, with the cleaned grayscale page (numpy uint8 HxW, the same
        pixels the words' boxes refer to) and that page's OCR words. Cell text comes from placing
        words into cells by their boxes; cells the page read got wrong (ink no word covers, a word
        under 85 confidence, words run together) are read again, all in one stacked Tesseract call. Must be cheap on pages without a table and must not find
        phantom tables in the two-column header or signature block.
    finish_tables(tables, lines) -> (tables, tasks, warnings)
        Runs in the main process after restoration: merges tables continued across pages, rebuilds
        flattened tables from text when no grid table was found, maps header roles, types tasks.
        `tables` cell text has already been restored by the pipeline.
    rows_from_cells(table) -> Table
        Headers, roles and body rows laid out again from the cells, after the pipeline repaired their text.
"""

from __future__ import annotations

from ..models import Line, Table, Task, Warning_, Word
from .finish import finish
from .page import rows_from_cells, tables_on_page


def find_grid_tables(gray, words: list[Word], page: int) -> list[Table]:
    """Ruled tables on one page image with cell text from the page's OCR words; [] on any failure."""
    try:
        return tables_on_page(gray, list(words or []), page)
    except Exception:
        return []


def finish_tables(tables: list[Table], lines: list[Line]) -> tuple[list[Table], list[Task], list[Warning_]]:
    """Merge continued tables, rebuild flattened ones from text, map roles and type tasks."""
    try:
        return finish(list(tables or []), list(lines or []))
    except Exception as exc:
        return list(tables or []), [], [Warning_(stage="tables", message=f"table post-processing failed: {exc!r}")]
