"""The repaired words of a line with the page boxes they were read from (shared by the PDF and the review page).

Line.text is the repaired text, Line.words the OCR boxes. When repair kept the word count, token i sits in
box i; when it split or merged words, the line's text is spread over its boxes in proportion to length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import BBox, Line

_TOKEN = re.compile(r"\S+")


@dataclass(frozen=True)
class Token:
    """One repaired word: its text, character span in Line.text, page box, and the OCR words it came from."""

    text: str
    start: int
    end: int
    bbox: BBox
    confidence: float | None
    words: tuple[int, ...]


def line_tokens(line: Line) -> list[Token]:
    """The line's repaired tokens with boxes; empty when the line has no geometry (text inputs)."""
    spans = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(line.text)]
    words = [w for w in line.words if w.bbox[2] > w.bbox[0]]
    if not spans:
        return []
    if len(words) == len(spans):
        return [Token(t, s, e, w.bbox, w.confidence, (i,)) for i, ((t, s, e), w) in enumerate(zip(spans, words))]
    if words:
        return _spread(spans, [w.bbox for w in words], [w.confidence for w in words])
    if line.bbox and line.bbox[2] > line.bbox[0]:
        return [Token(t.text, t.start, t.end, t.bbox, line.confidence, ()) for t in _spread(spans, [line.bbox], [None])]
    return []


def _spread(spans: list[tuple[str, int, int]], boxes: list[BBox], confs: list[float | None]) -> list[Token]:
    """Tokens laid over the boxes end to end: each takes a share of the boxes' total width equal to its share of letters."""
    widths = [b[2] - b[0] for b in boxes]
    total_w = sum(widths)
    total_c = sum(len(t) for t, _, _ in spans)
    edges = [0]
    for w in widths:
        edges.append(edges[-1] + w)

    def locate(pos: float) -> tuple[int, float]:
        for i, b in enumerate(boxes):
            if pos <= edges[i + 1] or i == len(boxes) - 1:
                return i, b[0] + min(max(pos - edges[i], 0), widths[i])
        raise AssertionError("unreachable")

    out, done = [], 0
    for text, s, e in spans:
        a, b = done / total_c * total_w, (done + len(text)) / total_c * total_w
        done += len(text)
        i0, x0 = locate(a + 1e-6)
        i1, x1 = locate(b - 1e-6)
        idx = tuple(range(i0, i1 + 1))
        y0 = min(boxes[i][1] for i in idx)
        y1 = max(boxes[i][3] for i in idx)
        known = [c for c in (confs[i] for i in idx) if c is not None]
        conf = min(known) if known else None
        out.append(Token(text, s, e, (round(x0), y0, round(max(x1, x0 + 1)), y1), conf, idx))
    return out


def token_at(tokens: list[Token], start: int, end: int) -> list[int]:
    """Indices of the tokens overlapping the character span [start, end) of the line."""
    return [i for i, t in enumerate(tokens) if t.start < max(end, start + 1) and t.end > start]


def short(text: str, limit: int = 60) -> str:
    """The first words of `text`, at most `limit` characters, with an ellipsis when cut."""
    out = ""
    for w in text.split():
        if len(out) + len(w) + 1 > limit:
            return out + "…"
        out = f"{out} {w}".strip()
    return out
