"""A whole archive as one queryable dataset: Parquet tables of documents, sections, references, tasks,
repairs and warnings under OUT/dataset/, written by `batch --dataset` or `planparse dataset OUT/`,
queried with DuckDB (`planparse query`). Needs the `dataset` extra (pyarrow, duckdb)."""

from .build import BuildSummary, build_dataset
from .query import connect, query, render
from .schema import COLUMNS, SCHEMAS, TABLES, describe_markdown

__all__ = ["COLUMNS", "SCHEMAS", "TABLES", "BuildSummary", "build_dataset", "connect", "describe_markdown", "query",
           "render"]
