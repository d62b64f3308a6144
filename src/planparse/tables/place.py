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


def join_words(words: list[Word]) -> str:
    """Words grouped into lines by vertical centre (median-height tolerance), top to bottom, left to right."""
    if not words:
        return ""
    hs = sorted(max(1, w.bbox[3] - w.bbox[1]) for w in words)
    tol = 0.45 * hs[len(hs) // 2]
    lines: list[list[Word]] = []
    centres: list[float] = []
    med = hs[len(hs) // 2]

    def key(w: Word) -> float:
        return w.bbox[1] + min(w.bbox[3] - w.bbox[1], med) / 2

    for w in sorted(words, key=key):
        cy = key(w)
        j = min(range(len(lines)), key=lambda k: abs(centres[k] - cy), default=None)
        if j is not None and abs(centres[j] - cy) <= tol:
            lines[j].append(w)
            cys = sorted(key(v) for v in lines[j])
            centres[j] = cys[len(cys) // 2]
        else:
            lines.append([w])
            centres.append(cy)
    order = sorted(range(len(lines)), key=lambda k: centres[k])
    return " ".join(" ".join(w.text for w in sorted(lines[k], key=lambda w: w.bbox[0])) for k in order).strip()


def ink_box(ink: np.ndarray, box: tuple[int, int, int, int], margin: int) -> tuple[tuple[int, int, int, int] | None, float]:
    """Box around the glyph-sized ink inside a cell (speckle and ruling debris ignored) and its share of the cell."""
    x0, y0, x1, y1 = box
    sub = ink[y0 + margin: y1 - margin, x0 + margin: x1 - margin]
    if sub.size == 0:
        return None, 0.0
    n, _, stats, _ = cv2.connectedComponentsWithStats((sub > 0).astype(np.uint8), connectivity=8)
    minarea = max(6, margin * margin // 2)
    keep = [s for s in stats[1:n] if s[4] >= minarea and s[2] < 0.95 * sub.shape[1] and s[3] < 0.95 * sub.shape[0]]
    if not keep:
        return None, 0.0
    bx0 = min(s[0] for s in keep) + x0 + margin
    by0 = min(s[1] for s in keep) + y0 + margin
    bx1 = max(s[0] + s[2] for s in keep) + x0 + margin
    by1 = max(s[1] + s[3] for s in keep) + y0 + margin
    return (int(bx0), int(by0), int(bx1), int(by1)), sum(int(s[4]) for s in keep) / sub.size
