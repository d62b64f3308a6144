"""The dataset side of a batch: workers stage each document's rows, the client commits them in chunks."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
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
        return document_tables(load_output(out_dir / rel), input=rec["input"], output=rel)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        error = f"dataset: cannot read the JSON output {rel}: {' '.join(str(exc).split())[:200]}"
        return failed_tables(document_id(rec), input=rec["input"], error=error)


def load_output(path: Path) -> dict[str, Any]:
    """A JSON output as plain data (several times faster than validating the model); not a Document: ValueError."""
    data = json.loads(path.read_bytes())
    if not (isinstance(data, dict) and isinstance(data.get("source"), dict) and "sha256" in data["source"]
            and "schema_version" in data):
        raise ValueError("not a planparse Document")
    return data


def record_rows(out_dir: Path, rec: dict[str, Any], staged: str | None = None) -> dict[str, pa.Table] | Path:
    """A manifest record's rows: its failure row, the folder a worker staged, or rows from its JSON."""
    if rec["status"] == "failed":
        return failed_tables(document_id(rec), input=rec["input"], error=rec["error"] or "unknown error")
    if staged and Path(staged).is_dir():
        return Path(staged)
    return rows_from_json(out_dir, rec)


def _many_rows(out_dir: Path, records: list[dict[str, Any]], jobs: int | None) -> Iterator[dict[str, pa.Table] | Path]:
    """record_rows of each record in order, in `jobs` processes (default: usable cores) when there are enough."""
    jobs = jobs or len(os.sched_getaffinity(0))
    if jobs <= 1 or len(records) < 32:
        yield from (record_rows(out_dir, rec) for rec in records)
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
        yield from pool.map(record_rows, [out_dir] * len(records), records, chunksize=8)


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
        self.ds.add(rec["input"], document_id(rec), rec.get("fingerprint"), record_rows(self.out, rec, staged))

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
         keep: Callable[[str], bool] = lambda rel: False, jobs: int | None = None) -> None:
    """Bring the dataset to the records: rows for every up-to-date or failed input; inputs without a
    record lose their rows unless `keep(input)` (a batch keeps inputs still in its folder but outside its --glob)."""
    todo = [rec for rec in records if not (rec["status"] == "skipped" and rec.get("error"))
            and not ds.has(rec["input"], document_id(rec), rec.get("fingerprint"))]
    for rec, rows in zip(todo, _many_rows(out_dir, todo, jobs)):
        ds.add(rec["input"], document_id(rec), rec.get("fingerprint"), rows)
    wanted = {r["input"] for r in records}
    ds.drop([rel for rel in ds.known_inputs() if rel not in wanted and not keep(rel)])
