"""Annex task tables (issue 6): ruled grids from page images, flattened tables from text, typed tasks.

Public interface used by the pipeline:

    find_grid_tables(gray, words, page) -> list[Table]
        Runs inside the OCR page worker, with the cleaned grayscale page (numpy uint8 HxW, the same
        pixels the words' boxes refer to) and that page's OCR words. Cell text comes from placing
        words into cells by their boxes. Must be cheap on pages without a table and must not find
        phantom tables in the two-column header or signature block.
    finish_tables(tables, lines) -> (tables, tasks, warnings)
        Runs in the main process after restoration: merges tables continued across pages, rebuilds
        flattened tables from text when no grid table was found, maps header roles, types tasks.
        `tables` cell text has already been restored by the pipeline.
"""

from __future__ import annotations

from ..models import Line, Table, Task, Warning_, Word


def find_grid_tables(gray, words: list[Word], page: int) -> list[Table]:
    """Placeholder until the tables stage lands."""
    return []


def finish_tables(tables: list[Table], lines: list[Line]) -> tuple[list[Table], list[Task], list[Warning_]]:
    """Placeholder until the tables stage lands."""
    return tables, [], []
