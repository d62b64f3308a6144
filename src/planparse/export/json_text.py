"""Serialise a Document as text formats: JSON, plain text, CSV of tasks, JSON Schema; atomic file writes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
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
    parts = {k: _pages_json(doc.pages, 1, batch) if k == "pages" else _list_json(k, getattr(doc, k), 1, batch)
             for k in STREAMED}
    return assemble(doc.model_copy(update={k: [] for k in STREAMED}), parts)


def assemble(head: Document, parts: Mapping[str, Iterable[bytes]]) -> Iterator[bytes]:
    """The JSON of `head` as `to_json` prints it, each field named in `parts` (left empty in `head`: [] or "")
    replaced by the chunks given for it: how a document whose long parts were written elsewhere is put together."""
    data = _adapter("document").dump_json(head, indent=2)
    cuts = []
    for name in parts:
        key = b'\n  "%s": ' % name.encode()
        at = data.index(key) + len(key)
        cuts.append((at, name, 2))  # the empty value: [] or ""
    pos = 0
    for at, name, skip in sorted(cuts):
        yield data[pos:at]
        yield from parts[name]
        pos = at + skip
    yield data[pos:] + b"\n"


def text_json(pieces: Iterable[str], size: int = 1 << 20) -> Iterator[bytes]:
    """A JSON string as pydantic writes it, from the pieces of a long text, about `size` characters at a time."""
    yield b'"'
    held: list[str] = []
    count = 0
    for piece in pieces:
        held.append(piece)
        count += len(piece)
        if count >= size:
            yield _adapter("str").dump_json("".join(held))[1:-1]
            held, count = [], 0
    if held:
        yield _adapter("str").dump_json("".join(held))[1:-1]
    yield b'"'


@cache
def _adapter(name: str):
    from pydantic import TypeAdapter

    from ..models import Line, Page, Restoration, Section, Warning_

    return TypeAdapter({"document": Document, "lines": list[Line], "page": Page, "sections": list[Section], "section": Section,
                        "restorations": list[Restoration], "warnings": list[Warning_], "str": str}[name])


def _pad(depth: int) -> bytes:
    return b"\n" + b"  " * depth


def list_items(name: str, items: list, depth: int, first: bool) -> bytes:
    """Items of a list as model_dump_json(indent=2) prints them `depth` levels deep, opening the list if `first`."""
    body = _adapter(name).dump_json(items, indent=2)[1:-2].replace(b"\n", _pad(depth))
    return (b"[" if first else b",") + body


def list_end(count: int, depth: int) -> bytes:
    """What closes a list of `count` items `depth` levels deep (the whole of an empty one)."""
    return _pad(depth) + b"]" if count else b"[]"


def _list_json(name: str, items: list, depth: int, batch: int) -> Iterator[bytes]:
    """A list as model_dump_json(indent=2) prints it `depth` levels deep, `batch` items at a time."""
    for i in range(0, len(items), batch):
        yield list_items(name, items[i:i + batch], depth, i == 0)
    yield list_end(len(items), depth)


def page_parts(page, k: int, depth: int) -> tuple[bytes, bytes]:
    """The JSON of page number k (0-based) of a pages list `depth` deep, before and after its lines' list."""
    head = _adapter("page").dump_json(page.model_copy(update={"lines": []}), indent=2).replace(b"\n", _pad(depth + 1))
    cut = head.index(b'"lines": []') + len(b'"lines": ')
    return (b"," if k else b"[") + _pad(depth + 1) + head[:cut], head[cut + 2:]


def _pages_json(pages: list, depth: int, batch: int) -> Iterator[bytes]:
    """The pages list, each page's lines a batch at a time (a text input is one page of all its lines)."""
    for k, page in enumerate(pages):
        before, after = page_parts(page, k, depth)
        yield before
        yield from _list_json("lines", page.lines, depth + 2, batch)
        yield after
    yield list_end(len(pages), depth)


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
