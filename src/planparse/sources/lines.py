"""Pages of lines from inputs that need no OCR: text files and PDF text layers."""

from __future__ import annotations

from ..models import Line, Page, Word
from .pdf import LayerPage


def text_pages(text: str) -> list[Page]:
    """A text input as pages (split at form feeds) of lines; blank lines start a new block."""
    pages = []
    for number, chunk in enumerate(text.split("\f"), start=1):
        lines: list[Line] = []
        block = 0
        for raw in chunk.split("\n"):
            stripped = raw.rstrip()
            if not stripped.strip():
                if lines and lines[-1].text:
                    block += 1
                lines.append(Line(text="", block=block, page=number, origin="text"))
                continue
            lines.append(Line(text=stripped.strip(), block=block, page=number, origin="text"))
        while lines and not lines[-1].text:
            lines.pop()
        pages.append(Page(number=number, width=0, height=0, origin="text", lines=lines))
    return pages


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
