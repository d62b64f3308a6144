"""`planparse dataset OUT/`: the dataset of a folder of JSON outputs, with or without a batch manifest."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pydantic import BaseModel

from ..batching import manifest as mf
from ..errors import InputError
from .batch import load_output, sync
from .rows import document_tables
from .schema import TABLES
from .store import DATASET, Dataset


class BuildSummary(BaseModel):
    out_dir: str
    dataset: str
    documents: int
    failed: int
    rows: dict[str, int]
    seconds: float


def build_dataset(out_dir: str | os.PathLike, *, rebuild: bool = False, jobs: int | None = None) -> BuildSummary:
    """Bring OUT/dataset up to date with the JSON outputs in OUT (all of them again with `rebuild`).

    With OUT/manifest.jsonl the batch's records say which JSON belongs to which input and which inputs
    failed; without one, every JSON file holding a planparse Document is an input of its own.
    JSON is read in `jobs` processes (default: the usable cores).
    """
    t0 = time.perf_counter()
    out = Path(out_dir)
    if not out.is_dir():
        raise InputError("no such folder", str(out))
    records = list(mf.previous(out).values())
    with Dataset(out / DATASET) as ds:
        if rebuild:
            ds.drop(ds.known_inputs())
            ds.commit()
        if records:
            sync(ds, out, records, jobs=jobs)
        else:
            _sync_loose_json(ds, out)
        ds.commit()
        index = ds.index
    rows = {t: sum(p["rows"][t] for p in index["parts"].values()) for t in TABLES}
    failed = sum(1 for r in records if r["status"] == "failed")
    return BuildSummary(out_dir=str(out), dataset=str(out / DATASET), documents=len(index["documents"]),
                        failed=failed, rows=rows, seconds=round(time.perf_counter() - t0, 3))


def _sync_loose_json(ds: Dataset, out: Path) -> None:
    """Every *.json under `out` (outside the dataset) that is a Document; other JSON is left alone."""
    seen = []
    for path in sorted(out.rglob("*.json")):
        rel = path.relative_to(out).as_posix()
        if rel.startswith(f"{DATASET}/") or any(part.startswith(".") for part in path.relative_to(out).parts):
            continue
        try:
            doc = load_output(path)
        except (OSError, ValueError):
            continue
        seen.append(rel)
        ds.add(rel, doc["source"]["sha256"], None, document_tables(doc, input=doc["source"].get("path"), output=rel))
    ds.drop([rel for rel in ds.known_inputs() if rel not in seen])
