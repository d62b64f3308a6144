"""Pages of lines from inputs that need no OCR: text files and PDF text layers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

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

    def __len__(self) -> int:
        return len(self.got.texts)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._line(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._line(i)

    def __iter__(self) -> Iterator[Line]:
        return (self._line(k) for k in range(len(self)))

    def _line(self, i: int) -> Line:
        got = self.got
        return Line(text=got.texts[i], block=got.blocks[i], page=got.page_of(i), origin="text")


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
