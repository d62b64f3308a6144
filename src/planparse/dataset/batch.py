"""The dataset side of a batch: workers stage each document's rows, the client commits them in chunks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..models import Document
from .rows import document_tables, failed_tables
from .store import DATASET, Dataset, stage_key, write_staged


def stage_document(doc: Document, spec: dict[str, str]) -> str:
    """Worker side: write the document's rows to the staging folder the job names; returns that folder."""
    tables = document_tables(doc, input=spec["input"], output=spec["output"])
    return str(write_staged(tables, spec["staging"], stage_key(spec["input"])))


def document_id(rec: dict[str, Any]) -> str:
    """The record's source sha256; an input that could not even be read gets an id from its path."""
    return rec.get("sha256") or "unreadable:" + hashlib.sha256(rec["input"].encode("utf-8")).hexdigest()


def json_output(rec: dict[str, Any]) -> str | None:
    return next((o for o in rec.get("outputs") or [] if o.endswith(".json")), None)


def rows_from_json(out_dir: Path, rec: dict[str, Any]) -> dict[str, pa.Table]:
    """An input's rows rebuilt from its JSON output; a missing or invalid output is a failed row, loudly."""
    rel = json_output(rec)
    try:
        if rel is None:
            raise OSError("no JSON output recorded")
        doc = Document.model_validate_json((out_dir / rel).read_bytes())
    except (OSError, ValueError) as exc:
        error = f"dataset: cannot read the JSON output {rel}: {' '.join(str(exc).split())[:200]}"
        return failed_tables(document_id(rec), input=rec["input"], error=error)
    return document_tables(doc, input=rec["input"], output=rel)


def add_record(ds: Dataset, out_dir: Path, rec: dict[str, Any], staged: str | None = None) -> None:
    """Queue a manifest record's rows: its failure row, the rows a worker staged, or rows from its JSON."""
    if rec["status"] == "failed":
        rows: Any = failed_tables(document_id(rec), input=rec["input"], error=rec["error"] or "unknown error")
    elif staged and Path(staged).is_dir():
        rows = Path(staged)
    else:
        rows = rows_from_json(out_dir, rec)
    ds.add(rec["input"], document_id(rec), rec.get("fingerprint"), rows)


class BatchDataset:
    """The client's handle during a batch: job specs for workers, chunked commits, the final reconcile."""

    def __init__(self, in_dir: Path, out_dir: Path) -> None:
        self.src, self.out = in_dir, out_dir
        self.ds = Dataset(out_dir / DATASET)

    def spec(self, rel: str, outputs: list[str]) -> dict[str, str] | None:
        """What a worker needs to stage this input's rows (None when the batch writes no JSON)."""
        out = json_output({"outputs": outputs})
        return None if out is None else {"staging": str(self.ds.staging.resolve()), "input": rel, "output": out}

    def done(self, rec: dict[str, Any], staged: str | None) -> None:
        """Queue a finished input's rows; committed a chunk at a time."""
        add_record(self.ds, self.out, rec, staged)

    def finish(self, records: list[dict[str, Any]], complete: bool) -> None:
        """Commit what is queued; after a complete run also add skipped inputs the dataset lacks and drop
        inputs that left the folder. An interrupted run only commits, so nothing is lost before its resume."""
        try:
            self.ds.commit()
            if complete:
                sync(self.ds, self.out, records, keep=lambda rel: (self.src / rel).is_file())
        finally:
            self.ds.close()


def sync(ds: Dataset, out_dir: Path, records: list[dict[str, Any]],
         keep: Callable[[str], bool] = lambda rel: False) -> None:
    """Bring the dataset to the records: rows for every up-to-date or failed input; inputs without a
    record lose their rows unless `keep(input)` (a batch keeps inputs still in its folder but outside its --glob)."""
    for rec in records:
        interrupted = rec["status"] == "skipped" and rec.get("error")
        if not interrupted and not ds.has(rec["input"], document_id(rec), rec.get("fingerprint")):
            add_record(ds, out_dir, rec)
    wanted = {r["input"] for r in records}
    ds.drop([rel for rel in ds.known_inputs() if rel not in wanted and not keep(rel)])
