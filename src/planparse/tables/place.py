"""Put OCR words into grid cells and join each cell's words in reading order."""

from __future__ import annotations

import re

import cv2
import numpy as np

from ..models import Word
from .grid import Grid

_RULE_NOISE = re.compile(r"^[|\[\]{}!_—–\-=:;,.'`‘’\"“”()]+$")


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> int:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0, w) * max(0, h)


def assign_words(grid: Grid, words: list[Word]) -> dict[int, list[Word]]:
    """Cell index -> words: by box centre, or by largest overlap when the word spans several cells."""
    out: dict[int, list[Word]] = {}
    gx0, gy0, gx1, gy1 = grid.box
    for w in words:
        x0, y0, x1, y1 = w.bbox
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (gx0 <= cx <= gx1 and gy0 <= cy <= gy1) or not w.text.strip():
            continue
        if _RULE_NOISE.match(w.text.strip()) and (x1 - x0) < 0.6 * max(1, y1 - y0):
            continue
        hits = [i for i, c in enumerate(grid.cells) if c.box[0] <= cx < c.box[2] and c.box[1] <= cy < c.box[3]]
        area = max(1, (x1 - x0) * (y1 - y0))
        best = max(range(len(grid.cells)), key=lambda i: _overlap(w.bbox, grid.cells[i].box))
        if not hits or (best not in hits and _overlap(w.bbox, grid.cells[best].box) > 0.6 * area):
            hits = [best]
        if _overlap(w.bbox, grid.cells[hits[0]].box) == 0:
            continue
        out.setdefault(hits[0], []).append(w)
    return out


def dedupe(words: list[Word]) -> list[Word]:
    """Drop a word whose box lies mostly inside a more confident word's box (OCR read the same ink twice)."""
    keep: list[Word] = []
    for w in sorted(words, key=lambda w: -w.confidence):
        a = max(1, (w.bbox[2] - w.bbox[0]) * (w.bbox[3] - w.bbox[1]))
        if all(_overlap(w.bbox, k.bbox) < 0.5 * min(a, max(1, (k.bbox[2] - k.bbox[0]) * (k.bbox[3] - k.bbox[1]))) for k in keep):
            keep.append(w)
    return keep


def text_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into visual lines by vertical overlap, lines top to bottom, words left to right.

    Overlap rather than centre distance, so a word whose box OCR stretched over an accent or a speck
    still joins its line.
    """
    lines: list[list[Word]] = []
    spans: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        y0, y1 = w.bbox[1], w.bbox[3]
        best, share = None, 0.0
        for k, (a, b) in enumerate(spans):
            s = (min(b, y1) - max(a, y0)) / max(1, min(b - a, y1 - y0))
            if s > share:
                best, share = k, s
        if best is not None and share >= 0.5:
            lines[best].append(w)
            spans[best] = _core(lines[best])
        else:
            lines.append([w])
            spans.append((y0, y1))
    order = sorted(range(len(lines)), key=lambda k: sum(spans[k]))
    return [sorted(lines[k], key=lambda w: w.bbox[0]) for k in order]


def _core(words: list[Word]) -> tuple[float, float]:
    """Median top and bottom of a line's words (one tall box does not stretch the line)."""
    tops = sorted(w.bbox[1] for w in words)
    bots = sorted(w.bbox[3] for w in words)
    return tops[len(tops) // 2], bots[len(bots) // 2]


def reading_order(words: list[Word]) -> list[Word]:
    """Words in reading order: lines top to bottom, each left to right."""
    return [w for line in text_lines(words) for w in line]


def join_words(words: list[Word]) -> str:
    """Cell text: the words in reading order, wrapped lines joined with a space."""
    return " ".join(w.text for w in reading_order(words)).strip()


def ink_parts(ink: np.ndarray, box: tuple[int, int, int, int], margin: int) -> list[tuple[int, int, int, int, int]]:
    """Glyph-sized ink components inside a cell as (x0, y0, x1, y1, area) page boxes; speckle and ruling debris left out."""
    x0, y0, x1, y1 = box
    sub = ink[y0 + margin: y1 - margin, x0 + margin: x1 - margin]
    if sub.size == 0:
        return []
    n, _, stats, _ = cv2.connectedComponentsWithStats((sub > 0).astype(np.uint8), connectivity=8)
    minarea = max(6, margin * margin // 2)
    ox, oy = x0 + margin, y0 + margin
    return [(int(s[0] + ox), int(s[1] + oy), int(s[0] + s[2] + ox), int(s[1] + s[3] + oy), int(s[4])) for s in stats[1:n]
            if s[4] >= minarea and s[2] < 0.95 * sub.shape[1] and s[3] < 0.95 * sub.shape[0]]


def uncovered(parts: list[tuple[int, int, int, int, int]], words: list[Word],
              tol: int = 2) -> list[tuple[int, int, int, int, int]]:
    """Ink components that no word box touches: text the page OCR did not read into this cell."""
    def touches(p, w):
        return min(p[2], w.bbox[2]) + tol > max(p[0], w.bbox[0]) and min(p[3], w.bbox[3]) + tol > max(p[1], w.bbox[1])
    return [p for p in parts if not any(touches(p, w) for w in words)]


def parts_box(parts: list[tuple[int, int, int, int, int]]) -> tuple[int, int, int, int] | None:
    """Box around ink components; None when there are none."""
    if not parts:
        return None
    return min(p[0] for p in parts), min(p[1] for p in parts), max(p[2] for p in parts), max(p[3] for p in parts)


def merge_reads(first: list[Word], second: list[Word], keep_first: float) -> list[Word]:
    """A cell's second read, except that a word the first read gave with much more confidence is kept.

    Words are aligned by their diacritic-free forms; where the reads disagree on how many words there
    are, the second read (made on a clean crop of the cell) wins.
    """
    from rapidfuzz.distance import Levenshtein

    from ._text import skeleton

    out: list[Word] = []
    for op in Levenshtein.opcodes([skeleton(w.text) for w in first], [skeleton(w.text) for w in second]):
        a, b = first[op.src_start:op.src_end], second[op.dest_start:op.dest_end]
        if op.tag in ("equal", "replace") and len(a) == len(b):
            out += [x if x.confidence > y.confidence + keep_first else y for x, y in zip(a, b)]
        else:
            out += b
    return out
