"""Annex task tables (issue 6): ruled grids from page images, flattened tables from text, typed tasks.

Public interface used by the pipeline:

    find_grid_tables(gray, words, page, read=None) -> list[Table]
        Runs inside the page step (planparse.pages), with the cleaned grayscale page (numpy uint8 HxW,
        the same pixels the words' boxes refer to) and that page's OCR words. Cell text comes from
        placing words into cells by their boxes; cells the page read got wrong (ink no word covers, a
        word under 85 confidence, words run together) are read again by `read(gray, boxes, dpi)`, all in
        one call; without `read` the page's words are kept. Must be cheap on pages without a table and
        must not find phantom tables in the two-column header or signature block.
    finish_tables(tables, lines, repair=None, records=None) -> (tables, tasks, warnings)
        Runs in the main process after restoration: merges tables continued across pages, rebuilds
        flattened tables from text when no grid table was found, maps header roles, types tasks.
        `tables` cell text has already been restored by the pipeline. A flattened table is split on the
        lines' text; given `repair` (a CellRepair), its cells are then taken from the lines as read
        (`Line.raw`) and repaired one cell at a time by `repair`. Given `records` (a list), the words the
        rebuild itself changes (a deadline phrase's printed forms) get a change record there (`cell` set).
    rows_from_cells(table) -> Table
        Headers, roles and body rows laid out again from the cells, after the pipeline repaired their text.

Exceptions propagate: the pipeline's stage guard turns them into warnings on the document.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Line, Restoration, Table, Task, Warning_, Word
from .finish import finish
from .flatcells import CellRepair
from .page import CellReader, rows_from_cells, tables_on_page


def find_grid_tables(gray, words: list[Word], page: int, read: CellReader | None = None) -> list[Table]:
    """Ruled tables on one page image with cell text from the page's OCR words and, given `read`, second reads."""
    return tables_on_page(gray, list(words or []), page, read)


def finish_tables(tables: list[Table], lines: Sequence[Line],
                  repair: CellRepair | None = None,
                  records: list[Restoration] | None = None) -> tuple[list[Table], list[Task], list[Warning_]]:
    """Merge continued tables, rebuild flattened ones from text (cells repaired by `repair`; the rebuild's own word
    changes recorded in `records`), map roles, type tasks."""
    return finish(list(tables or []), [] if lines is None else lines if isinstance(lines, Sequence) else list(lines),
                  repair, records)


__all__ = ["CellReader", "CellRepair", "find_grid_tables", "finish_tables", "rows_from_cells"]
