"""The dataset's tables, derived in this one place from the pydantic models of planparse.models.

Each table is a list of columns: the keys every row carries (document_id, schema_version), a few
columns the dataset adds (ids, status), and the fields of one or more models, flattened. Arrow types
and descriptions come from the models' annotations and Field descriptions, so a model change is a
table change with no second list to update.
"""

from __future__ import annotations

import dataclasses
import hashlib
import types
import typing
from datetime import date
from typing import Any, Literal

import pyarrow as pa
from pydantic import BaseModel

from ..models import Deadline, Header, Reference, Restoration, Section, Source, Task, Warning_


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    group: int | None = None
    field: str | None = None


@dataclasses.dataclass(frozen=True)
class Group:
    """The fields of `model` (minus `exclude`) as columns named prefix+field, read from the row's entity
    or from its attribute `attr` (e.g. a task's deadline)."""

    model: type
    attr: str | None = None
    prefix: str = ""
    exclude: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class TableSpec:
    name: str
    description: str
    added: tuple[tuple[str, pa.DataType, str], ...]
    groups: tuple[Group, ...]


KEYS = (
    ("document_id", pa.string(), "SHA-256 of the source file's bytes; joins every table to documents."),
    ("schema_version", pa.string(), "Version of the JSON schema the row was made from."),
)

_ID = ("id", pa.int32(), "0-based position of the row within its document.")

TABLE_SPECS = (
    TableSpec("documents", "One row per converted or failed input.", (
        ("input", pa.string(), "Input path relative to the batch's input folder."),
        ("output", pa.string(), "JSON output path relative to the batch's output folder; null when failed."),
        ("status", pa.string(), "ok, or failed (then only this row exists for the document)."),
        ("error", pa.string(), "Why conversion failed; null when ok."),
    ), (Group(Source, "source", exclude=("sha256",)), Group(Header, "header"))),
    TableSpec("sections", "The section tree, flattened in reading order.", (
        _ID, ("parent_id", pa.int32(), "id of the enclosing section; null at the top level."),
    ), (Group(Section, exclude=("children",)),)),
    TableSpec("references", "Documents cited in the text (quote the name in SQL: \"references\", or use refs).",
              (_ID,), (Group(Reference),)),
    TableSpec("tasks", "Rows of the annex task tables.", (_ID,), (
        Group(Task, exclude=("deadline",)),
        Group(Deadline, "deadline", prefix="deadline_"),
    )),
    TableSpec("repairs", "Every token the repair stage changed.", (_ID,), (Group(Restoration),)),
    TableSpec("warnings", "What a reader of the output should know: guesses, fallbacks, failed stages.", (_ID,),
              (Group(Warning_),)),
)


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type of a model field's annotation (Optional is nullability, not a type)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return arrow_type(args[0])
    if origin in (typing.Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return arrow_type(inner)
    if origin is Literal:
        return pa.string()
    if origin is list:
        return pa.list_(arrow_type(args[0]))
    if origin is tuple:
        return pa.list_(arrow_type(args[0]))
    if origin is dict:
        return pa.map_(arrow_type(args[0]), arrow_type(args[1]))
    simple = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(), date: pa.date32()}
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"no dataset column type for {annotation!r}")


def model_fields(model: type) -> list[tuple[str, Any, str]]:
    """(name, annotation, description) of a pydantic model's or dataclass's fields, in declaration order."""
    hints = typing.get_type_hints(model, include_extras=True)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [(n, hints[n], f.description or "") for n, f in model.model_fields.items()]
    out = []
    for f in dataclasses.fields(model):  # type: ignore[arg-type]  # a dataclass when not a BaseModel
        notes = [getattr(m, "description", None) for m in getattr(hints[f.name], "__metadata__", ())]
        out.append((f.name, hints[f.name], next((n for n in notes if n), "")))
    return out


def _columns(spec: TableSpec) -> tuple[Column, ...]:
    cols = [Column(n, t, d) for n, t, d in KEYS + spec.added]
    for gi, g in enumerate(spec.groups):
        for name, ann, desc in model_fields(g.model):
            if name not in g.exclude:
                cols.append(Column(g.prefix + name, arrow_type(ann), desc or f"{g.model.__name__}.{name}", gi, name))
    names = [c.name for c in cols]
    assert len(names) == len(set(names)), f"duplicate column in {spec.name}: {names}"
    return tuple(cols)


COLUMNS: dict[str, tuple[Column, ...]] = {s.name: _columns(s) for s in TABLE_SPECS}
SPECS: dict[str, TableSpec] = {s.name: s for s in TABLE_SPECS}
TABLES: tuple[str, ...] = tuple(SPECS)
SCHEMAS: dict[str, pa.Schema] = {t: pa.schema([pa.field(c.name, c.type) for c in cols]) for t, cols in COLUMNS.items()}
SCHEMA_HASH = hashlib.sha256("\n".join(f"{t}:{s}" for t, s in SCHEMAS.items()).encode()).hexdigest()[:16]
"""Changes whenever a column does: a dataset written under another hash is rebuilt, never mixed."""


def describe_markdown() -> str:
    """The tables and their columns as Markdown (the README's table reference is this text)."""
    out = []
    for spec in TABLE_SPECS:
        out.append(f"**`{spec.name}`**: {spec.description}\n\n| column | type | meaning |\n|---|---|---|")
        for c in COLUMNS[spec.name]:
            out.append(f"| `{c.name}` | {c.type} | {' '.join(c.description.split()).replace('|', '/')} |")
        out.append("")
    return "\n".join(out)
