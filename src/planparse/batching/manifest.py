"""The batch manifest (one JSON object per input) and the resume rules built on it.

During a run each finished record is appended to a hidden journal, so a killed run loses nothing;
at the end the full manifest is written atomically and the journal removed.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

MANIFEST = "manifest.jsonl"
JOURNAL = ".manifest.jsonl.journal"
KEYS = ("input", "output", "outputs", "sha256", "status", "pages", "seconds", "warnings", "error", "fingerprint")
IGNORED_OPTIONS = {"jobs", "progress"}


def fingerprint(options: dict[str, Any], formats: tuple[str, ...]) -> str:
    """Short hash of everything that shapes an output: ingest options, formats, planparse and schema versions."""
    from .. import models

    try:
        from importlib.metadata import version

        pkg = version("planparse")
    except Exception:  # noqa: BLE001 - unknown version only weakens resume, never breaks it
        pkg = "?"
    opts = {k: v for k, v in sorted(options.items()) if k not in IGNORED_OPTIONS}
    blob = json.dumps({"options": opts, "formats": sorted(formats), "version": pkg,
                       "schema": models.SCHEMA_VERSION}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def read_records(path: Path) -> list[dict[str, Any]]:
    """Records of a manifest or journal; torn or foreign lines are ignored."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("input"), str):
            out.append(rec)
    return out


def previous(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Latest known record per input from the last manifest and any journal a killed run left."""
    known: dict[str, dict[str, Any]] = {}
    for rec in read_records(out_dir / MANIFEST) + read_records(out_dir / JOURNAL):
        known[rec["input"]] = rec
    return known


def reusable(rec: dict[str, Any] | None, sha256: str, fp: str, out_dir: Path, outputs: list[str]) -> bool:
    """True when a past record covers this exact content and options and all its outputs still exist."""
    return bool(
        rec
        and rec.get("status") in ("ok", "skipped")
        and not rec.get("error")
        and rec.get("sha256") == sha256
        and rec.get("fingerprint") == fp
        and sorted(rec.get("outputs") or []) == sorted(outputs)
        and all((out_dir / o).is_file() for o in outputs)
    )


def record(**fields: Any) -> dict[str, Any]:
    """A manifest record with every key present, in a stable order."""
    return {k: fields.get(k) for k in KEYS}


class Journal:
    """Append-only record log for the current run (flushed per line, survives SIGKILL)."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.path = out_dir / JOURNAL
        self._fh = self.path.open("a", encoding="utf-8")

    def add(self, rec: dict[str, Any]) -> None:
        self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._fh.flush()

    def close(self) -> None:
        try:
            self._fh.close()
        except OSError:
            pass  # every record was flushed when added; a failed final flush loses nothing


def write_manifest(out_dir: Path, records: list[dict[str, Any]]) -> Path:
    """Write the full manifest atomically, then drop the journal it supersedes."""
    from ..export import write_atomic
    from .outputs import honour_umask

    target = out_dir / MANIFEST
    write_atomic(target, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    honour_umask(target)
    try:
        os.unlink(out_dir / JOURNAL)
    except FileNotFoundError:
        pass
    return target
