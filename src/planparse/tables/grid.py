"""Ruled-table detection on a page image: line masks by morphology, grid lines, merged cells."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    box: tuple[int, int, int, int]


@dataclass
class Grid:
    box: tuple[int, int, int, int]
    ys: list[int]
    xs: list[int]
    cells: list[GridCell]


def _cluster(values: list[float], tol: float) -> list[int]:
    """Positions closer than tol merged into their mean."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [int(round(sum(g) / len(g))) for g in out]


def line_masks(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of long horizontal and vertical strokes in an ink mask, kernels scaled to the page."""
    h, w = ink.shape[:2]
    kw = max(20, w // 30)
    kh = max(20, h // 45)
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kw, 1)))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kh)))
    hor = cv2.dilate(hor, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    ver = cv2.dilate(ver, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return hor, ver


def _coverage(mask: np.ndarray, pos: float, a: int, b: int, tol: int, slope: float, vertical: bool) -> float:
    """Share of [a, b) covered by a line through pos (at the table centre) tilted by slope."""
    if b - a < 3:
        return 1.0
    hits = 0
    step = max(1, (b - a) // 60)
    n = 0
    lim = mask.shape[1] if vertical else mask.shape[0]
    for t in range(a, b, step):
        p = int(round(pos + slope * t))
        lo, hi = max(0, p - tol), min(lim, p + tol + 1)
        if lo >= hi:
            n += 1
            continue
        hits += bool(mask[t, lo:hi].any() if vertical else mask[lo:hi, t].any())
        n += 1
    return hits / max(1, n)


def _skew(stats: np.ndarray, labels: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """dy/dx of the widest horizontal line component, from its pixels."""
    if len(stats) < 2:
        return 0.0
    i = 1 + int(np.argmax(stats[1:, 2]))
    yy, xx = np.nonzero(labels == i)
    if len(xx) < 10 or xx.max() - xx.min() < 50:
        return 0.0
    slope = float(np.polyfit(xx, yy, 1)[0])
    return slope if abs(slope) < 0.05 else 0.0


def _grid_in(hor: np.ndarray, ver: np.ndarray, box: tuple[int, int, int, int], tol: int) -> Grid | None:
    """Rows and columns of one table region, with merged cells where a separator is missing."""
    x0, y0, x1, y1 = box
    hs, vs = hor[y0:y1, x0:x1], ver[y0:y1, x0:x1]
    bw, bh = x1 - x0, y1 - y0
    cx, cy = bw / 2, bh / 2
    n, lab, stats, _ = cv2.connectedComponentsWithStats(hs, connectivity=8)
    k = _skew(stats, lab, box)
    ys = [s[1] + s[3] / 2 - k * (s[0] + s[2] / 2 - cx) for s in stats[1:n] if s[2] >= 0.08 * bw]
    n, _, stats, _ = cv2.connectedComponentsWithStats(vs, connectivity=8)
    xs = [s[0] + s[2] / 2 + k * (s[1] + s[3] / 2 - cy) for s in stats[1:n] if s[3] >= 0.08 * bh]
    ys, xs = _cluster(ys, tol * 2), _cluster(xs, tol * 2)
    if len(ys) < 3 or len(xs) < 3:
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr * nc > 4000:
        return None
    m = 2 * tol + 2
    right = [[_coverage(vs, xs[c + 1] + k * cy, ys[r] + m, ys[r + 1] - m, tol + 1, -k, True) >= 0.6
              for c in range(nc)] for r in range(nr)]
    below = [[_coverage(hs, ys[r + 1] - k * cx, xs[c] + m, xs[c + 1] - m, tol + 1, k, False) >= 0.6
              for c in range(nc)] for r in range(nr)]
    parent = list(range(nr * nc))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not right[r][c]:
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and not below[r][c]:
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    gx = [x0 + v for v in xs]
    gy = [y0 + v for v in ys]
    cells = []
    for members in groups.values():
        r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
        c0, c1 = min(c for _, c in members), max(c for _, c in members)
        cells.append(GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (gx[c0], gy[r0], gx[c1 + 1], gy[r1 + 1])))
    cells.sort(key=lambda k_: (k_.row, k_.col))
    if len(cells) < 4:
        return None
    return Grid((gx[0], gy[0], gx[-1], gy[-1]), gy, gx, cells)


def _scaled(grid: Grid, f: int) -> Grid:
    """Grid coordinates multiplied back to full page pixels."""
    def sc(b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return (int(b[0] * f), int(b[1] * f), int(b[2] * f), int(b[3] * f))

    return Grid(sc(grid.box), [int(v * f) for v in grid.ys], [int(v * f) for v in grid.xs],
                [GridCell(c.row, c.col, c.rowspan, c.colspan, sc(c.box)) for c in grid.cells])


MIN_CROSSINGS = 6
"""Crossings of ruling lines a grid must hold (2x2 cells have 9)."""


def find_grids(gray: np.ndarray) -> tuple[list[Grid], np.ndarray]:
    """Every ruled grid on the page (at least 2x2 cells, crossed by long lines) and the full-size ink mask.

    Detection runs on a max-pooled copy of the ink mask (about 1600 px on the long side) to stay cheap.
    """
    if gray is None or getattr(gray, "ndim", 0) != 2 or min(gray.shape) < 50:
        return [], np.zeros((1, 1), np.uint8)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    f = max(1, round(max(gray.shape) / 1600))
    if f == 1:
        small = ink
    else:
        pooled = cv2.resize(ink, (gray.shape[1] // f, gray.shape[0] // f), interpolation=cv2.INTER_AREA)
        small = (pooled > 0).astype(np.uint8) * 255
    h, w = small.shape
    hor, ver = line_masks(small)
    if not hor.any() or not ver.any():
        return [], ink
    inter = cv2.bitwise_and(hor, ver)
    if cv2.connectedComponents(inter)[0] - 1 < MIN_CROSSINGS:
        return [], ink  # a grid holds that many crossings of the page's: none can (photos' edges and shadows: 10 ms)
    both = cv2.dilate(cv2.bitwise_or(hor, ver), cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    tol = max(2, round(min(h, w) / 400))
    grids = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bw < w * 0.2 or bh < max(20, h * 0.02):
            continue
        region = (labels[y:y + bh, x:x + bw] == i).astype(np.uint8)
        if cv2.connectedComponents(inter[y:y + bh, x:x + bw] & (region * 255))[0] - 1 < MIN_CROSSINGS:
            continue
        hs = np.zeros_like(hor)
        vs = np.zeros_like(ver)
        hs[y:y + bh, x:x + bw] = hor[y:y + bh, x:x + bw] * region
        vs[y:y + bh, x:x + bw] = ver[y:y + bh, x:x + bw] * region
        g = _grid_in(hs, vs, (x, y, x + bw, y + bh), tol)
        if g:
            grids.append(_scaled(g, f))
    grids.sort(key=lambda g: g.box[1])
    return grids, ink
