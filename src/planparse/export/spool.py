"""Spools: parts of a long document's JSON written to temporary files as the stages make them, read back once
into the output by `json_text.assemble`, so the document is never whole in memory (`pipeline.ingest_to`).

A spool is an unnamed temporary file (`tempfile.TemporaryFile`): the system removes it however the process
ends, kill -9 included.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import IO

from .json_text import _adapter, _pad, list_end, list_items, page_parts

READ_SIZE = 1 << 20


def unserialised(text: str) -> str:
    """`text`, as a new string when it is not ASCII: serialising a str to JSON makes CPython cache its UTF-8 bytes
    inside it for its lifetime, so a line text kept after its line was spooled would cost ~1.5 times more."""
    return text if text.isascii() else text.encode("utf-8").decode("utf-8")


class Spool:
    """A temporary file of JSON bytes: written while the document is processed, read back once."""

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile(dir=None if folder is None else os.fspath(folder))

    def write(self, data: bytes) -> None:
        self.file.write(data)

    def chunks(self) -> Iterator[bytes]:
        """Everything written, from the start, READ_SIZE bytes at a time."""
        self.file.flush()
        self.file.seek(0)
        while chunk := self.file.read(READ_SIZE):
            yield chunk

    def close(self) -> None:
        self.file.close()


class ListJSON:
    """A list field's JSON written to a spool as its items come, byte for byte what `to_json` prints `depth` deep."""

    def __init__(self, name: str, out: Spool, depth: int = 1) -> None:
        self.name, self.out, self.depth, self.count = name, out, depth, 0

    def add(self, items: list) -> None:
        if items:
            self.out.write(list_items(self.name, items, self.depth, self.count == 0))
            self.count += len(items)

    def close(self) -> None:
        self.out.write(list_end(self.count, self.depth))


class PagesJSON:
    """The `pages` list written to a spool from the lines of all pages in reading order, in runs that may cross
    pages: `heads` are the pages without their lines, `counts` how many lines each has."""

    def __init__(self, out: Spool, heads: list, counts: list[int], depth: int = 1) -> None:
        self.out, self.heads, self.counts, self.depth = out, heads, counts, depth
        self.k = -1
        self.left = 0
        self.lines: ListJSON | None = None
        self.after = b""
        self._next_page()

    def _next_page(self) -> None:
        """Close the open page and open the next, passing over pages without lines."""
        while True:
            if self.lines is not None:
                self.lines.close()
                self.out.write(self.after)
                self.lines = None
            self.k += 1
            if self.k >= len(self.heads):
                return
            before, self.after = page_parts(self.heads[self.k], self.k, self.depth)
            self.out.write(before)
            self.lines = ListJSON("lines", self.out, self.depth + 2)
            self.left = self.counts[self.k]
            if self.left:
                return

    def add(self, lines: list) -> None:
        i = 0
        while i < len(lines):
            if self.lines is None:
                raise ValueError("more lines than the pages hold")
            take = lines[i:i + self.left]
            self.lines.add(take)
            self.left -= len(take)
            i += len(take)
            if not self.left:
                self._next_page()

    def close(self) -> None:
        if self.lines is not None:
            raise ValueError(f"page {self.k + 1} was given {self.counts[self.k] - self.left} of its {self.counts[self.k]} lines")
        self.out.write(list_end(len(self.heads), self.depth))


def sections_json(sections: list, depth: int = 1) -> Iterator[bytes]:
    """The sections list as `to_json` prints it `depth` deep, a section at a time (its children spliced in the same
    way): a tree whose top level is one section is never one JSON blob (and its copy for the indent) in memory."""
    for k, section in enumerate(sections):
        if not section.children:
            yield list_items("sections", [section], depth, k == 0)
            continue
        head = _adapter("section").dump_json(section.model_copy(update={"children": []}), indent=2)
        head = head.replace(b"\n", _pad(depth + 1))
        cut = head.rindex(b'"children": []') + len(b'"children": ')  # the last field: rindex passes over any text
        yield (b"," if k else b"[") + _pad(depth + 1) + head[:cut]
        yield from sections_json(section.children, depth + 2)
        yield head[cut + 2:]
    yield list_end(len(sections), depth)
