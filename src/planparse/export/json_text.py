"""Serialise a Document as text formats: JSON, plain text, CSV of tasks, JSON Schema; atomic file writes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from ..models import Document


def to_json(doc: Document, *, indent: int | None = 2) -> str:
    """The public JSON output (UTF-8, non-ASCII kept readable)."""
    return doc.model_dump_json(indent=indent) + "\n"


STREAMED = ("pages", "sections", "restorations", "warnings")
"""Document fields that grow with the text: serialised a batch of items at a time by `json_chunks`."""
BATCH = 5000


def json_chunks(doc: Document, batch: int = BATCH) -> Iterator[bytes]:
    """`to_json(doc)` as UTF-8 chunks: the long lists (every page's lines, the sections, the change records)
    are serialised `batch` items at a time, so writing a long document never holds its whole JSON."""
    head = _adapter("document").dump_json(doc.model_copy(update={k: [] for k in STREAMED}), indent=2)
    cuts = sorted((head.index(b'\n  "%s": []' % k.encode()) + len(k) + 7, k) for k in STREAMED)
    pos = 0
    for cut, name in cuts:
        yield head[pos:cut]
        items = getattr(doc, name)
        yield from _pages_json(items, 1, batch) if name == "pages" else _list_json(name, items, 1, batch)
        pos = cut + 2
    yield head[pos:] + b"\n"


@cache
def _adapter(name: str):
    from pydantic import TypeAdapter

    from ..models import Line, Page, Restoration, Section, Warning_

    return TypeAdapter({"document": Document, "lines": list[Line], "page": Page, "sections": list[Section],
                        "restorations": list[Restoration], "warnings": list[Warning_]}[name])


def _list_json(name: str, items: list, depth: int, batch: int) -> Iterator[bytes]:
    """A list as model_dump_json(indent=2) prints it `depth` levels deep, `batch` items at a time."""
    if not items:
        yield b"[]"
        return
    pad = b"\n" + b"  " * depth
    yield b"["
    for i in range(0, len(items), batch):
        body = _adapter(name).dump_json(items[i:i + batch], indent=2)[1:-2]
        yield (b"," if i else b"") + body.replace(b"\n", pad)
    yield pad + b"]"


def _pages_json(pages: list, depth: int, batch: int) -> Iterator[bytes]:
    """The pages list, each page's lines a batch at a time (a text input is one page of all its lines)."""
    if not pages:
        yield b"[]"
        return
    pad = b"\n" + b"  " * (depth + 1)
    yield b"["
    for k, page in enumerate(pages):
        head = _adapter("page").dump_json(page.model_copy(update={"lines": []}), indent=2).replace(b"\n", pad)
        cut = head.index(b'"lines": []') + len(b'"lines": ')
        yield (b"," if k else b"") + pad + head[:cut]
        yield from _list_json("lines", page.lines, depth + 2, batch)
        yield head[cut + 2:]
    yield b"\n" + b"  " * depth + b"]"


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


def write_atomic(path: str | os.PathLike, data: str | bytes | Iterable[bytes], *, bom: bool = False) -> None:
    """Write via a temp file in the same folder and rename, so no reader ever sees half a file.

    `data` may be an iterable of byte chunks (`json_chunks`), written as they come.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    chunks: Iterable[bytes] = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if bom:
                fh.write(b"\xef\xbb\xbf")
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
