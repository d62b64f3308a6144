"""Cells of a rebuilt flattened table taken from its lines as read, and repaired one cell at a time.

The split (`flat`, `flatsplit`) gives each cell as token spans of the table's lines. The repair stage mends a
flattened table's lines across their columns, so a cell's syllables get the next column's as context: here each
cell's words are taken from the line as read and repaired on their own (one `CellRepair` call for the table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .flatsplit import tokens

Span = tuple[int, int, int]
"""A fragment of a cell: (line index in the table's body, first token, end token)."""
CellRepair = Callable[[list[str]], list[str]]
"""repair(texts) -> the texts repaired, each on its own (a text a line). It gets one text per cell of the table
being built, in `Table.cells` order ('' for a cell kept as it is); its last call is on the final cells, so the
change records of that call are the table's."""


def line_tokens(text: str, raw: str | None, tt_end: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The tokens the split reads on a line (after its row number) and the same tokens as read: the read line's
    own when it has as many (the repair stage may split or join words), else the split's."""
    toks = tokens(text[tt_end:])
    if raw is None or raw == text:
        return toks, toks
    read = tokens(raw)[len(tokens(text[:tt_end])):]
    return toks, read if len(read) == len(toks) else toks


def span_text(spans: Sequence[Span], source: Mapping[int, Sequence[str]]) -> str:
    """A cell's text: its fragments' tokens from `source` (tokens by line), in order."""
    return " ".join(t for k, i, j in spans for t in source[k][i:j])


def lines_of(spans: Sequence[Span]) -> list[int]:
    """The lines a cell's text came from, in order."""
    return sorted({k for k, _, _ in spans})


def put_back(toks: dict[int, list[str]], spans: Sequence[Span], read: str, repaired: str) -> None:
    """Write a repaired cell's words over its fragments' tokens (when the repair kept the number of words)."""
    new = repaired.split()
    if len(new) != len(read.split()) or len(new) != sum(j - i for _, i, j in spans):
        return
    pos = 0
    for k, i, j in spans:
        toks[k][i:j] = new[pos:pos + j - i]
        pos += j - i
