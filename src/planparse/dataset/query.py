"""SQL over the dataset with embedded DuckDB: one view per table over the parts the index names."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from ..errors import InputError, UsageError
from .schema import SCHEMAS, TABLES
from .store import INDEX, dataset_dir, load_index, part_files

ALIASES = {"refs": "references"}
"""`references` is an SQL keyword (it must be written "references"); refs is the same view, unquoted."""


def connect(path: str | os.PathLike) -> Any:
    """A DuckDB connection with the views documents, sections, references (and refs), tasks, repairs, warnings."""
    import duckdb

    root = dataset_dir(path)
    if not (root / INDEX).is_file():
        raise InputError("no dataset here (run `planparse batch … --dataset` or `planparse dataset OUT/`)", str(path))
    index = load_index(root)
    con = duckdb.connect()
    for table in TABLES:
        files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in part_files(root, index, table))
        if files:
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM read_parquet([{files}])')
        else:
            con.register(f"_empty_{table}", SCHEMAS[table].empty_table())
            con.execute(f'CREATE VIEW "{table}" AS SELECT * FROM "_empty_{table}"')
    for alias, table in ALIASES.items():
        con.execute(f'CREATE VIEW "{alias}" AS SELECT * FROM "{table}"')
    return con


def query(path: str | os.PathLike, sql: str) -> pa.Table:
    """Run one SQL statement over the dataset; the result as an Arrow table."""
    import duckdb

    con = connect(path)
    try:
        rel = con.sql(sql)
        if rel is None:
            return pa.table({})
        return (getattr(rel, "to_arrow_table", None) or rel.arrow)()  # duckdb 2 renamed arrow()
    except duckdb.Error as exc:
        raise UsageError(f"SQL error: {' '.join(str(exc).split())}") from None
    finally:
        con.close()


def render(result: pa.Table, fmt: str = "table", *, width: int = 40) -> str:
    """The result as an aligned text table (cells cut at `width`), CSV, or a JSON array of objects."""
    rows = result.to_pylist()
    names = result.column_names
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1, default=_json_value) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(names)
        writer.writerows([[_cell(r[n]) for n in names] for r in rows])
        return buf.getvalue()
    if fmt != "table":
        raise UsageError(f"unknown output format {fmt!r}; choose table, csv or json")
    cells = [[_cut(_cell(r[n]), width) for n in names] for r in rows]
    widths = [max([len(n)] + [len(row[i]) for row in cells]) for i, n in enumerate(names)]
    line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()  # noqa: E731
    out = [line(names), line(["-" * w for w in widths])] + [line(row) for row in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, default=_json_value)
    return str(value)


def _cut(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _json_value(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)
