"""Serialise a Document as text formats: JSON, plain text, CSV of tasks, JSON Schema; atomic file writes."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..models import Document


def to_json(doc: Document, *, indent: int | None = 2) -> str:
    """The public JSON output (UTF-8, non-ASCII kept readable)."""
    return doc.model_dump_json(indent=indent) + "\n"


def to_text(doc: Document) -> str:
    """The document's text in reading order."""
    return doc.text if doc.text.endswith("\n") else doc.text + "\n"


def to_csv(doc: Document) -> str:
    """The typed tasks as CSV text (callers write it with a BOM so spreadsheets read Vietnamese)."""
    from ..tables.csv import tasks_to_csv

    return tasks_to_csv(doc.tasks)


def json_schema() -> str:
    """JSON Schema of the Document model."""
    return json.dumps(Document.model_json_schema(), ensure_ascii=False, indent=2) + "\n"


def write_atomic(path: str | os.PathLike, data: str | bytes, *, bom: bool = False) -> None:
    """Write via a temp file in the same folder and rename, so no reader ever sees half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if bom:
        payload = b"\xef\xbb\xbf" + payload
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
