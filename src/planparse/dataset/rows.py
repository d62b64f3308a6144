"""One document as rows of every dataset table: pure functions from a Document to Arrow tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from ..models import SCHEMA_VERSION, Document, Section
from .schema import COLUMNS, SCHEMAS, SPECS, TABLES


def document_tables(doc: Document, *, input: str, output: str | None) -> dict[str, pa.Table]:
    """Rows of a converted document in every table, keyed by its source's sha256."""
    entities = {
        "documents": [({"input": input, "output": output, "status": "ok", "error": None}, doc)],
        "sections": [({"id": i, "parent_id": parent}, s) for i, (parent, s) in enumerate(_flatten(doc.sections))],
        "references": _numbered(doc.references),
        "tasks": _numbered(doc.tasks),
        "repairs": _numbered(doc.restorations),
        "warnings": _numbered(doc.warnings),
    }
    keys = {"document_id": doc.source.sha256, "schema_version": doc.schema_version}
    return {t: _table(t, keys, entities[t]) for t in TABLES}


def failed_tables(document_id: str, *, input: str, error: str) -> dict[str, pa.Table]:
    """A failed input: one documents row with its error, no rows anywhere else."""
    keys = {"document_id": document_id, "schema_version": SCHEMA_VERSION}
    row = {"input": input, "output": None, "status": "failed", "error": error}
    return {t: _table(t, keys, [(row, None)] if t == "documents" else []) for t in TABLES}


def empty_table(table: str) -> pa.Table:
    return SCHEMAS[table].empty_table()


def _numbered(items: list[Any]) -> list[tuple[dict[str, Any], Any]]:
    return [({"id": i}, item) for i, item in enumerate(items)]


def _flatten(sections: list[Section], parent: int | None = None, start: int = 0) -> Iterator[tuple[int | None, Section]]:
    """(parent id, section) in reading order; a section's id is its position in this order."""
    stack: list[tuple[int | None, list[Section]]] = [(parent, list(reversed(sections)))]
    n = start
    while stack:
        owner, todo = stack[-1]
        if not todo:
            stack.pop()
            continue
        s = todo.pop()
        yield owner, s
        stack.append((n, list(reversed(s.children))))
        n += 1


def _table(table: str, keys: dict[str, Any], entities: list[tuple[dict[str, Any], Any]]) -> pa.Table:
    """Columns filled from the added values and each group's model instance, in schema order."""
    cols = COLUMNS[table]
    groups = SPECS[table].groups
    data: dict[str, list[Any]] = {c.name: [] for c in cols}
    fields = [c for c in cols if c.group is not None]
    for added, entity in entities:
        for k, v in keys.items():
            data[k].append(v)
        for k, v in added.items():
            data[k].append(v)
        objs = [g.get(entity) if entity is not None else None for g in groups]
        for c in fields:
            obj = objs[c.group]
            data[c.name].append(None if obj is None else _plain(getattr(obj, c.field)))
    return pa.Table.from_pydict(data, schema=SCHEMAS[table])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, tuple):
        return list(value)
    return value
