"""Pages of lines from inputs that need no OCR: text files and PDF text layers."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence
from itertools import islice

from ..models import Line, Page, Word
from .pdf import LayerPage
from .text import TextLines, split_lines


def text_pages(text: str) -> list[Page]:
    """A text input as pages (split at form feeds) of lines; blank lines start a new block."""
    got = split_lines(text)
    view = LineView(got)
    return [Page(number=k + 1, width=0, height=0, origin="text", lines=view[a:b])
            for k, (a, b) in enumerate(zip(got.starts, got.starts[1:]))]


class LineView(Sequence[Line]):
    """The lines of a text input as Line models made on demand (a slice is a list of new Lines), so a long text is
    never a model object per line at once; `texts[i] = ...` through `got` changes what later reads see."""

    def __init__(self, got: TextLines) -> None:
        self.got = got
        self.raw: Sequence[str] | None = None
        """The lines as read, once `got.texts` holds them repaired (a Line's `raw` where the two differ)."""

    def __len__(self) -> int:
        return len(self.got.texts)

    def __getitem__(self, i):
        texts = self.got.texts
        if isinstance(i, slice):
            a, b, step = i.indices(len(self))
            if step != 1:
                return [self[k] for k in range(a, b, step)]
            raws = self.raw[a:b] if self.raw is not None else [None] * (b - a)
            return [self._line(k, t, r) for k, t, r in zip(range(a, b), texts[a:b], raws)]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._line(i, texts[i], self.raw[i] if self.raw is not None else None)

    def __iter__(self) -> Iterator[Line]:
        if self.raw is None:
            return (self._line(k, t) for k, t in enumerate(self.got.texts))
        return (self._line(k, t, r) for k, (t, r) in enumerate(zip(self.got.texts, self.raw)))

    def pairs(self) -> TextPairs:
        """The lines as (text in NFC, page), read on demand: what `structure.parse_structure` reads."""
        return TextPairs(self.got, 0, len(self))

    def _line(self, i: int, text: str, raw: str | None = None) -> Line:
        got = self.got
        return Line(text=text, block=got.blocks[i], page=got.page_of(i), origin="text", raw=raw if raw != text else None)


class TextPairs(Sequence[tuple[str, int]]):
    """Lines a..b-1 of a text input as (text in NFC, page), read from its texts when asked for (a slice is another
    TextPairs); `texts()` the same lines' texts alone."""

    def __init__(self, got: TextLines, a: int, b: int, pages: bool = True) -> None:
        self.got, self.a, self.b, self.with_pages = got, a, b, pages

    def texts(self) -> TextPairs:
        return TextPairs(self.got, self.a, self.b, pages=False)

    def __len__(self) -> int:
        return self.b - self.a

    def __getitem__(self, i):
        if isinstance(i, slice):
            a, b, step = i.indices(len(self))
            if step != 1:
                raise ValueError("TextPairs are sliced with step 1")
            return TextPairs(self.got, self.a + a, self.a + max(a, b), self.with_pages)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        k = self.a + i
        text = unicodedata.normalize("NFC", self.got.texts[k])
        return (text, self.got.page_of(k)) if self.with_pages else text

    def __iter__(self) -> Iterator:
        got, k = self.got, self.a
        texts = got.texts.iter_range(self.a, self.b) if hasattr(got.texts, "iter_range") else islice(got.texts, self.a, self.b)
        page = got.page_of(k) if self.a < self.b else 1
        for t in texts:
            while k >= got.starts[page]:
                page += 1
            text = unicodedata.normalize("NFC", t)
            yield (text, page) if self.with_pages else text
            k += 1

    def __add__(self, other):
        return list(self) + list(other)


def layer_page(lp: LayerPage) -> Page:
    """One PDF page's text layer as a Page of lines whose words carry their boxes (confidence 100)."""
    lines = []
    for ln in lp.lines:
        words = [Word(text=w.text, bbox=w.bbox, confidence=100.0) for w in ln.words]
        x0 = min(w.bbox[0] for w in ln.words)
        y0 = min(w.bbox[1] for w in ln.words)
        x1 = max(w.bbox[2] for w in ln.words)
        y1 = max(w.bbox[3] for w in ln.words)
        lines.append(Line(text=ln.text, bbox=(x0, y0, x1, y1), confidence=None, block=ln.block, page=lp.index + 1,
                          origin="text-layer", words=words))
    return Page(number=lp.index + 1, width=lp.width, height=lp.height, dpi=72, origin="text-layer", lines=lines)
