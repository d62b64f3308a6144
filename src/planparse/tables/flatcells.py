"""Cells of a rebuilt flattened table taken from its lines as read, and repaired one cell at a time.

The split (`flat`, `flatsplit`) gives each cell as token spans of the table's lines. The repair stage mends a
flattened table's lines across their columns, so a cell's syllables get the next column's as context: here each
cell's words are taken from the line as read and repaired on their own (one `CellRepair` call for the table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ._text import clean
from .flatsplit import JUNK, tokens

Span = tuple[int, int, int]
"""A fragment of a cell: (line index in the table's body, first token, end token)."""
Confidences = tuple[float, ...] | None
"""OCR confidence of each word of a text, or None when not known (text inputs, words that do not line up)."""
CellRepair = Callable[[list[str], list[Confidences]], list[str]]
"""repair(texts, confidences) -> the texts repaired, each on its own (a text a line; its words' OCR confidences,
when known, tell sure words from unsure ones as in a grid table's cells). It gets one text per cell of the table
being built, in `Table.cells` order ('' for a cell kept as it is); its last call is on the final cells, so the
change records of that call are the table's."""


def line_tokens(text: str, raw: str | None, tt_end: int,
                confs: Confidences = None) -> tuple[tuple[str, ...], tuple[str, ...], Confidences]:
    """The tokens the split reads on a line (after its row number), the same tokens as read and their OCR
    confidences (`confs`: one per word of the line as read): the read line's own tokens when it has as many (the
    repair stage may split or join words), else the split's, without confidences."""
    toks = tokens(text[tt_end:])
    words = clean(raw if raw is not None else text).split()
    keep = [not JUNK.match(w) for w in words]
    read = tuple(w for w, k in zip(words, keep) if k)
    known = tuple(c for c, k in zip(confs, keep) if k) if confs is not None and len(confs) == len(words) else None
    skip = len(tokens(text[:tt_end]))
    read, known = read[skip:], known[skip:] if known is not None else None
    if len(read) != len(toks):
        return toks, toks, None
    return toks, read, known


def span_confs(spans: Sequence[Span], confs: Mapping[int, Confidences], text: str) -> Confidences:
    """The OCR confidences of a cell's words (`text`: its words from the same spans), when every line knows them."""
    if any(confs[k] is None for k, _, _ in spans):
        return None
    out = tuple(c for k, i, j in spans for c in (confs[k] or ())[i:j])
    return out if len(out) == len(text.split()) else None


def span_text(spans: Sequence[Span], source: Mapping[int, Sequence[str]]) -> str:
    """A cell's text: its fragments' tokens from `source` (tokens by line), in order."""
    return " ".join(t for k, i, j in spans for t in source[k][i:j])


def lines_of(spans: Sequence[Span]) -> list[int]:
    """The lines a cell's text came from, in order."""
    return sorted({k for k, _, _ in spans})


Change = tuple[int, str, str]
"""A word the tables stage changed in a cell: (its offset in the cell's final text, the word before, the word now)."""


def changes(before: str, after: str) -> list[Change]:
    """The words of a cell that differ between two single-spaced texts of it (the tables stage's own edits, such as
    a deadline's printed forms); the whole cell as one change when its words do not line up."""
    if before == after:
        return []
    old, new = before.split(), after.split()
    if len(old) != len(new):
        return [(0, before, after)]
    out, at = [], 0
    for o, n in zip(old, new):
        if o != n:
            out.append((at, o, n))
        at += len(n) + 1
    return out


def put_back(toks: dict[int, list[str]], spans: Sequence[Span], read: str, repaired: str) -> None:
    """Write a repaired cell's words over its fragments' tokens (when the repair kept the number of words)."""
    new = repaired.split()
    if len(new) != len(read.split()) or len(new) != sum(j - i for _, i, j in spans):
        return
    pos = 0
    for k, i, j in spans:
        toks[k][i:j] = new[pos:pos + j - i]
        pos += j - i
