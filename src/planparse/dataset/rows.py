"""One document as rows of every dataset table: pure functions from a Document to Arrow tables.

The document may be the pydantic model (a batch worker has it in memory) or the plain dict of its
JSON output (building from a folder: json.loads is several times faster than model validation, and
the columns, their types and the dates' parsing come from the same schema either way).
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from ..models import SCHEMA_VERSION, Document
from .schema import COLUMNS, SCHEMAS, SPECS, TABLES


def document_tables(doc: Document | dict[str, Any], *, input: str, output: str | None) -> dict[str, pa.Table]:
    """Rows of a converted document in every table, keyed by its source's sha256."""
    sections = list(_flatten(_get(doc, "sections")))
    entities: dict[str, tuple[Any, list[Any]]] = {
        "documents": ([{"input": input, "output": output, "status": "ok", "error": None}], [doc]),
        "sections": ({"id": list(range(len(sections))), "parent_id": [p for p, _ in sections]},
                     [s for _, s in sections]),
        "references": _numbered(_get(doc, "references")),
        "tasks": _numbered(_get(doc, "tasks")),
        "repairs": _numbered(_get(doc, "restorations")),
        "warnings": _numbered(_get(doc, "warnings")),
    }
    keys = {"document_id": _get(_get(doc, "source"), "sha256"), "schema_version": _get(doc, "schema_version")}
    return {t: _table(t, keys, *entities[t]) for t in TABLES}


def failed_tables(document_id: str, *, input: str, error: str) -> dict[str, pa.Table]:
    """A failed input: one documents row with its error, no rows anywhere else."""
    keys = {"document_id": document_id, "schema_version": SCHEMA_VERSION}
    row = [{"input": input, "output": None, "status": "failed", "error": error}]
    return {t: _table(t, keys, row, [None]) if t == "documents" else SCHEMAS[t].empty_table() for t in TABLES}


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name)


def _numbered(items: list[Any]) -> tuple[dict[str, list[int]], list[Any]]:
    return {"id": list(range(len(items)))}, items


def _flatten(sections: list[Any]) -> Iterator[tuple[int | None, Any]]:
    """(parent id, section) in reading order; a section's id is its position in this order."""
    stack: list[tuple[int | None, list[Any]]] = [(None, list(reversed(sections)))]
    n = 0
    while stack:
        owner, todo = stack[-1]
        if not todo:
            stack.pop()
            continue
        s = todo.pop()
        yield owner, s
        stack.append((n, list(reversed(_get(s, "children")))))
        n += 1


def _table(table: str, keys: dict[str, Any], added: dict[str, list[Any]] | list[dict[str, Any]],
           entities: list[Any]) -> pa.Table:
    """Columns in schema order: keys, the dataset's added values, then each group's model fields."""
    n = len(entities)
    if isinstance(added, list):
        added = {k: [a[k] for a in added] for k in added[0]} if added else {}
    data: dict[str, Any] = {k: [v] * n for k, v in keys.items()} | added
    for gi, g in enumerate(SPECS[table].groups):
        objs = entities if g.attr is None else _values(entities, g.attr)
        for c in COLUMNS[table]:
            if c.group == gi:
                data[c.name] = _column(_values(objs, c.field or c.name), c.type)
    return pa.Table.from_pydict(data, schema=SCHEMAS[table])


def _values(objs: list[Any], name: str) -> list[Any]:
    """Field `name` of every object (dict or model); None where the object is None."""
    sample = next((o for o in objs if o is not None), None)
    get = operator.itemgetter(name) if isinstance(sample, dict) else operator.attrgetter(name)
    if not objs.count(None):
        return list(map(get, objs))
    return [None if o is None else get(o) for o in objs]


def _column(values: list[Any], typ: pa.DataType) -> pa.Array:
    if pa.types.is_map(typ):
        values = [None if v is None else list(v.items()) for v in values]
    elif pa.types.is_date32(typ) and any(type(v) is str for v in values):
        return pa.array(values, pa.string()).cast(typ)
    return pa.array(values, typ)
