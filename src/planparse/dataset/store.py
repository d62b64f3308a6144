"""The dataset folder: Parquet parts per chunk of documents, an index that says which parts are live.

Layout under OUT/dataset/: `<table>/<part>.parquet` (one file per table per part), `_index.json`
(inputs -> document ids, document ids -> parts), `_staging/` (per-document files workers write).
A commit writes the chunk's new parts, rewrites any older part that held a replaced document without
it, switches the index atomically, then deletes what the index no longer names. A killed commit
leaves only unnamed files, swept on the next open, so readers of the index never see a row twice or
miss one. Part names hash the documents and conversion fingerprints they hold: the same chunk
converted the same way is the same file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import PlanparseError
from ..export import write_atomic
from .schema import SCHEMA_HASH, SCHEMAS, TABLES

DATASET = "dataset"
INDEX = "_index.json"
STAGING = "_staging"
LOCK = ".lock"
CHUNK = 256
"""Documents per committed part: large enough for few files, small enough that a kill loses little work."""


class DatasetError(PlanparseError):
    """The dataset folder cannot be used (locked by another writer, unreadable index)."""


def dataset_dir(path: str | os.PathLike) -> Path:
    """The dataset folder for OUT or OUT/dataset."""
    p = Path(path)
    return p if (p / INDEX).is_file() or p.name == DATASET else p / DATASET


def stage_key(input_rel: str) -> str:
    """Folder name under _staging for one input (stable, filesystem-safe)."""
    return hashlib.sha256(input_rel.encode("utf-8")).hexdigest()[:24]


def write_staged(tables: dict[str, pa.Table], staging: str | os.PathLike, key: str) -> Path:
    """Write one document's tables as a staged folder (complete or absent: built aside, then renamed)."""
    root = Path(staging)
    root.mkdir(parents=True, exist_ok=True)
    target = root / key
    tmp = root / f".{key}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    for name, table in tables.items():
        pq.write_table(table, tmp / f"{name}.parquet")
    shutil.rmtree(target, ignore_errors=True)
    os.replace(tmp, target)
    return target


def read_staged(folder: Path) -> dict[str, pa.Table]:
    return {t: pq.read_table(folder / f"{t}.parquet", schema=SCHEMAS[t]) for t in TABLES}


def load_index(root: Path) -> dict[str, Any]:
    """The live index, or an empty one when there is none or it was written under other table schemas."""
    empty = {"schema": SCHEMA_HASH, "inputs": {}, "documents": {}, "parts": {}}
    try:
        index = json.loads((root / INDEX).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty
    except (OSError, ValueError) as exc:
        raise DatasetError(f"unreadable dataset index {root / INDEX}: {exc}") from None
    return index if index.get("schema") == SCHEMA_HASH else empty


def part_files(root: Path, index: dict[str, Any], table: str) -> list[Path]:
    return [root / table / f"{p}.parquet" for p in sorted(index["parts"])]


class Dataset:
    """A writer of one dataset folder; holds its lock from open to close."""

    def __init__(self, root: str | os.PathLike, chunk: int | None = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = (self.root / LOCK).open("a")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise DatasetError(f"another planparse process is writing {self.root}") from None
        self.chunk = chunk or CHUNK
        self.index = load_index(self.root)
        self.pending: dict[str, tuple[str, str | None, Any]] = {}
        self.dropped: set[str] = set()
        self.staging = self.root / STAGING
        self._sweep()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def has(self, input_rel: str, document_id: str | None, fp: str | None) -> bool:
        """True when the input's committed rows come from this content converted with these options."""
        entry = self.index["inputs"].get(input_rel)
        return bool(entry and fp and entry["id"] == document_id and entry["fp"] == fp)

    def known_inputs(self) -> list[str]:
        return list(self.index["inputs"])

    def add(self, input_rel: str, document_id: str, fp: str | None, rows: dict[str, pa.Table] | Path) -> None:
        """Queue an input's rows (tables, or a staged folder); commits when a chunk is full."""
        self.dropped.discard(input_rel)
        self.pending[input_rel] = (document_id, fp, rows)
        if len(self.pending) >= self.chunk:
            self.commit()

    def drop(self, inputs: list[str]) -> None:
        """Forget inputs (removed from the folder): their rows go at the next commit."""
        for rel in inputs:
            self.pending.pop(rel, None)
            self.dropped.add(rel)

    def commit(self) -> None:
        """Make the queued rows and drops live, atomically for readers of the index."""
        if not self.pending and not self.dropped:
            return
        index = self.index
        inputs = {k: v for k, v in index["inputs"].items() if k not in self.dropped}
        chunk: dict[str, tuple[str, dict[str, pa.Table] | Path]] = {}
        for rel, (doc_id, fp, rows) in sorted(self.pending.items()):
            inputs[rel] = {"id": doc_id, "fp": fp}
            chunk[doc_id] = (rel, rows)
        live = {e["id"] for e in inputs.values()}
        stale = {d for d in index["documents"] if d not in live or d in chunk}
        fps = {e["id"]: e["fp"] for e in inputs.values()}
        written: dict[str, tuple[list[str], dict[str, int]]] = {}
        if chunk:
            loaded = {d: (r if isinstance(r, dict) else read_staged(r)) for d, (_, r) in chunk.items()}
            tables = {t: pa.concat_tables([loaded[d][t] for d in sorted(loaded)]) for t in TABLES}
            written.update(self._write_part(sorted(chunk), fps, tables))
        touched = {index["documents"][d] for d in stale}
        for part in sorted(touched):
            keep = [d for d in index["parts"][part]["documents"] if d not in stale]
            if keep:
                written.update(self._write_part(keep, fps, {t: self._read_part(part, t, keep) for t in TABLES}))
        documents = {d: p for d, p in index["documents"].items() if d not in stale}
        parts = {p: v for p, v in index["parts"].items() if p not in touched}
        for name, (docs, rows) in written.items():
            parts[name] = {"documents": docs, "rows": rows}
            documents.update(dict.fromkeys(docs, name))
        new_index = {"schema": SCHEMA_HASH, "inputs": dict(sorted(inputs.items())),
                     "documents": dict(sorted(documents.items())), "parts": dict(sorted(parts.items()))}
        self._write_index(new_index)
        for part in touched - set(parts):
            self._remove_part(part)
        for _, rows in chunk.values():
            if isinstance(rows, Path):
                shutil.rmtree(rows, ignore_errors=True)
        self.pending.clear()
        self.dropped.clear()

    def _write_part(self, docs: list[str], fps: dict[str, str | None],
                    tables: dict[str, pa.Table]) -> dict[str, tuple[list[str], dict[str, int]]]:
        """Write one part (a file per table); returns {name: (documents, rows per table)} for the index."""
        blob = "\n".join(f"{d} {fps.get(d)}" for d in docs)
        name = "part-" + hashlib.sha256(blob.encode()).hexdigest()[:20]
        for t in TABLES:
            folder = self.root / t
            folder.mkdir(exist_ok=True)
            tmp = folder / f".{name}.parquet.part"
            pq.write_table(tables[t], tmp)
            os.replace(tmp, folder / f"{name}.parquet")
        return {name: (docs, {t: tables[t].num_rows for t in TABLES})}

    def _read_part(self, part: str, table: str, keep: list[str]) -> pa.Table:
        import pyarrow.compute as pc

        data = pq.read_table(self.root / table / f"{part}.parquet", schema=SCHEMAS[table])
        return data.filter(pc.is_in(data["document_id"], value_set=pa.array(keep, pa.string())))

    def _write_index(self, index: dict[str, Any]) -> None:
        write_atomic(self.root / INDEX, json.dumps(index, ensure_ascii=False, indent=1) + "\n")
        self.index = index

    def _remove_part(self, part: str) -> None:
        for t in TABLES:
            with contextlib.suppress(FileNotFoundError):
                (self.root / t / f"{part}.parquet").unlink()

    def _sweep(self) -> None:
        """Delete what no committed index names: parts of a killed commit, staged rows of a killed batch."""
        live = set(self.index["parts"])
        for t in TABLES:
            folder = self.root / t
            if folder.is_dir():
                for f in folder.iterdir():
                    if not (f.suffix == ".parquet" and f.stem in live):
                        with contextlib.suppress(OSError):
                            f.unlink()
        shutil.rmtree(self.staging, ignore_errors=True)
        if not self.index["parts"]:
            self._write_index(self.index)

    def close(self) -> None:
        """Commit what is queued and release the lock."""
        try:
            self.commit()
        finally:
            with contextlib.suppress(OSError):
                self.staging.rmdir()
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()
