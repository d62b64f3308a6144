"""Spools: parts of a long document's JSON written to temporary files as the stages make them, read back once
into the output by `json_text.assemble`, so the document is never whole in memory (`pipeline.ingest_to`).

A spool is an unnamed temporary file (`tempfile.TemporaryFile`): the system removes it however the process
ends, kill -9 included.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from typing import IO

from .json_text import _adapter, _pad, list_end, list_items, page_parts

READ_SIZE = 1 << 20


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
        yield from section_json(section, k, depth)
    yield list_end(len(sections), depth)


def section_json(section, k: int, depth: int = 1) -> Iterator[bytes]:
    """The k-th item of a sections list as `to_json` prints it `depth` deep (with what opens the list or parts it
    from the one before)."""
    if not section.children:
        yield list_items("sections", [section], depth, k == 0)
        return
    head = _adapter("section").dump_json(section.model_copy(update={"children": []}), indent=2)
    head = head.replace(b"\n", _pad(depth + 1))
    cut = head.rindex(b'"children": []') + len(b'"children": ')  # the last field: rindex passes over any text
    yield (b"," if k else b"[") + _pad(depth + 1) + head[:cut]
    yield from sections_json(section.children, depth + 2)
    yield head[cut + 2:]


class SectionsJSON:
    """The `sections` list written to a spool a top-level section at a time, as `to_json` prints it."""

    def __init__(self, out: Spool) -> None:
        self.out, self.count = out, 0

    def add(self, section) -> None:
        for chunk in section_json(section, self.count):
            self.out.write(chunk)
        self.count += 1

    def close(self) -> None:
        self.out.write(list_end(self.count, 1))


RUN_LINES = 4096


class TextStore(Sequence[str]):
    """Line texts kept in a spool instead of as Python strings: appended in order, read back by index or slice
    through a byte-offset index (8 B a line), so a long text's lines cost disk, not memory (`pipeline.ingest_to`)."""

    def __init__(self, folder: str | os.PathLike | None = None) -> None:
        self.spool = Spool(folder)
        self.ends = array("q")
        self._unflushed = False

    def append(self, text: str) -> None:
        data = text.encode("utf-8")
        self.spool.write(data)
        self.ends.append((self.ends[-1] if self.ends else 0) + len(data))
        self._unflushed = True

    def extend(self, texts) -> None:
        for t in texts:
            self.append(t)

    def __len__(self) -> int:
        return len(self.ends)

    def _bytes(self, a: int, b: int) -> tuple[bytes, int]:
        """The bytes of lines a..b-1 and the offset of line a."""
        if self._unflushed:
            self.spool.file.flush()
            self._unflushed = False
        start = self.ends[a - 1] if a else 0
        return os.pread(self.spool.file.fileno(), self.ends[b - 1] - start, start) if b > a else b"", start

    def _run(self, a: int, b: int) -> list[str]:
        data, base = self._bytes(a, b)
        out, pos = [], 0
        for k in range(a, b):
            end = self.ends[k] - base
            out.append(data[pos:end].decode("utf-8"))
            pos = end
        return out

    def __getitem__(self, i):
        if isinstance(i, slice):
            a, b, step = i.indices(len(self))
            if step != 1:
                return list(self)[i]
            return self._run(a, b) if b > a else []
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._run(i, i + 1)[0]

    def __iter__(self) -> Iterator[str]:
        return self.iter_range(0, len(self))

    def iter_range(self, a: int, b: int) -> Iterator[str]:
        """Lines a..b-1, read RUN_LINES at a time."""
        for k in range(a, b, RUN_LINES):
            yield from self._run(k, min(b, k + RUN_LINES))

    def window(self, a: int, b: int) -> Sequence[str]:
        """Lines a..b-1 as a sequence read on demand."""
        return _Window(self, a, b)

    def close(self) -> None:
        self.spool.close()
        self.ends = array("q")


class _Window(Sequence[str]):
    def __init__(self, store: TextStore, a: int, b: int) -> None:
        self.store, self.a, self.b = store, a, b

    def __len__(self) -> int:
        return self.b - self.a

    def __getitem__(self, i):
        if isinstance(i, slice):
            a, b, step = i.indices(len(self))
            return self.store[self.a + a:self.a + b:step]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.store[self.a + i]

    def __iter__(self) -> Iterator[str]:
        return self.store.iter_range(self.a, self.b)
