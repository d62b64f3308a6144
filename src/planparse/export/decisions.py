"""Read back the decisions exported from the review page and apply them: a corrected Document.

A decision names a span of a line (or of a table cell) by character offsets in the repaired text, the text
that was there, and what the reviewer wants there ("accept" keeps it, "change" replaces it). Applied
changes are recorded as Restoration records with reason "review" and confidence 1; accepted repairs get
confidence 1. The text and the structure are then derived again from the corrected lines.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..models import Document, Restoration

FORMAT = "planparse-review"


def read_review(path: str | Path) -> tuple[Document, list[dict[str, Any]]]:
    """The document and the decisions of an exported review file; one clear error when it is not one."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such file", str(p)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a review decisions file ({type(exc).__name__})", str(p)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or "document" not in data:
        raise InputError("not a review decisions file (export it from the review page)", str(p))
    try:
        doc = Document.model_validate(data["document"])
    except Exception as exc:  # pydantic's message is many lines
        raise InputError(f"the review file's document is invalid ({type(exc).__name__})", str(p)) from None
    decisions = data.get("decisions") or []
    if not isinstance(decisions, list) or not all(isinstance(d, dict) for d in decisions):
        raise InputError("the review file's decisions are not a list of objects", str(p))
    return doc, decisions


def apply_decisions(doc: Document, decisions: list[dict[str, Any]]) -> Document:
    """A copy of `doc` with the reviewer's changes in its lines and cells, its text and structure derived again."""
    out = doc.model_copy(deep=True)
    lines = out.lines()
    changed_cells: set[int] = set()
    for d in sorted(decisions, key=lambda d: -int(d.get("start", 0))):
        if d.get("line") is not None:
            ln = lines[_index(d["line"], len(lines), d)]
            new = _edit(ln.text, d)
            if new != ln.text:
                ln.raw = ln.raw if ln.raw is not None else ln.text
                ln.text = new
            _record(out, d, line=int(d["line"]))
        elif d.get("table") is not None and d.get("cell") is not None:
            table = out.tables[_index(d["table"], len(out.tables), d)]
            cell = table.cells[_index(d["cell"], len(table.cells), d)]
            cell.text = _edit(" ".join(cell.text.split()), d)
            changed_cells.add(int(d["table"]))
            _record(out, d, table=int(d["table"]), cell=int(d["cell"]))
        else:
            raise InputError(f"decision {d.get('item', '?')} names neither a line nor a table cell")
    if changed_cells:
        from ..tables import rows_from_cells

        out.tables = [rows_from_cells(t) if i in changed_cells else t for i, t in enumerate(out.tables)]
    _derive(out)
    return out


def _index(value: Any, size: int, d: dict) -> int:
    i = int(value)
    if not 0 <= i < size:
        raise InputError(f"decision {d.get('item', '?')} points past the document (index {i}); wrong document?")
    return i


def _edit(text: str, d: dict) -> str:
    """`text` with the decision's span replaced; refuses a span that no longer holds the reviewed word."""
    start, end = int(d["start"]), int(d["end"])
    original = unicodedata.normalize("NFC", str(d.get("original", "")))
    if text[start:end] != original:
        raise InputError(f"decision {d.get('item', '?')}: expected {original!r} at {start}-{end}, "
                         f"found {text[start:end]!r}; was the review made on this document?")
    if d.get("action") != "change":
        return text
    return text[:start] + unicodedata.normalize("NFC", str(d["text"]).strip()) + text[end:]


def _record(doc: Document, d: dict, *, line: int = -1, table: int | None = None, cell: int | None = None) -> None:
    """Update the restoration record of the span (or add one), and shift the later records of the same line."""
    start, end = int(d["start"]), int(d["end"])
    same = [r for r in doc.restorations if r.line == line and r.table == table and r.cell == cell]
    rec = next((r for r in same if r.start == start and r.end == end), None)
    if d.get("action") != "change":
        if rec is not None:
            rec.confidence = 1.0
        return
    text = unicodedata.normalize("NFC", str(d["text"]).strip())
    delta = len(text) - (end - start)
    for r in same:
        if r is not rec and r.start >= end:
            r.start, r.end = r.start + delta, r.end + delta
    if rec is None:
        rec = Restoration(page=int(d.get("page", 1)), line=line, start=start, end=end, original=str(d["original"]),
                          restored=text, confidence=1.0, table=table, cell=cell)
        doc.restorations.append(rec)
    else:
        rec.alternatives = [a for a in [rec.restored, *rec.alternatives] if a != text][:3]
    rec.restored, rec.end, rec.confidence, rec.reason = text, start + len(text), 1.0, "review"


def _derive(doc: Document) -> None:
    """Text and structure again from the corrected lines (structure warnings are replaced, not added twice)."""
    from ..pipeline import _structure, _text

    doc.text = _text(doc.pages)
    doc.warnings = [w for w in doc.warnings if w.stage != "structure"]
    doc.restorations.sort(key=lambda r: (r.table is not None, r.table or 0, r.cell or 0, r.line, r.start))
    _structure(doc, doc.lines())
