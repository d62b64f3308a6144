"""A found stamp whitened: its outline strokes and the ink inside it that no printed row leads into (or, lighter
than the print, all its lighter ink)."""

from __future__ import annotations

import numpy as np

from .ink import OUTLINE_CM, mark_ink, whiten_lighter

CONTEXT_CM = 1.0
"""How far beyond a stamp's outline band the page is looked at for printed rows that lead into it (the glyphs there
seed the chaining of printed glyphs inside; with the band alone nothing outside was seen and all ink inside went)."""
STROKE_INK = 0.5
"""Share of a ring's length that must be inked at its best offset for the stroke to be measured there."""
STROKE_SHARE = 0.5
"""Offsets inked along at least this share of the best offset's are the stroke (a slightly turned or bent outline
spreads its stroke over a few offsets)."""


def erase_stamp(out: np.ndarray, level: float, rings: list[np.ndarray], dpi: int, paper: float) -> tuple[int, int, int, int]:
    """Whiten a stamp's outline strokes (`_strokes` along each of its `rings`) and the ink inside it that no printed
    row leads into from the page around it (`mark_ink`; or, when the stamp's ink is lighter than the print, all its
    lighter ink); returns its box. Stamped over print in one tone, the stamp's own text is told from the print by the
    rows: printed rows run in from outside it, its own text is set between or across them."""
    import cv2

    h, w = out.shape
    pad = round(0.15 * dpi / 2.54)
    ctx = pad + round(CONTEXT_CM * dpi / 2.54)
    pts = np.vstack(rings)
    x0, y0 = max(0, int(pts[:, 0].min()) - ctx), max(0, int(pts[:, 1].min()) - ctx)
    x1, y1 = min(w, int(pts[:, 0].max()) + ctx + 1), min(h, int(pts[:, 1].max()) + ctx + 1)
    box = (max(0, int(pts[:, 0].min()) - pad), max(0, int(pts[:, 1].min()) - pad),
           min(w, int(pts[:, 0].max()) + pad + 1), min(h, int(pts[:, 1].max()) + pad + 1))
    crop = out[y0:y1, x0:x1]
    polys = [np.rint(r - (x0, y0)).astype(np.int32) for r in rings]
    line, ring, edge, fill = (np.zeros(crop.shape, np.uint8) for _ in range(4))
    cv2.polylines(line, polys, True, 1, thickness=2 * pad)
    cv2.polylines(ring, polys, True, 1, thickness=max(3, round(2 * OUTLINE_CM * dpi / 2.54)))
    cv2.polylines(edge, polys, True, 1, thickness=max(1, round(0.05 * dpi / 2.54)))
    cv2.fillPoly(fill, [max(polys, key=cv2.contourArea)], 1)
    cink = crop < level
    mark = (fill > 0) | (line > 0)
    if whiten_lighter(crop, cink & (edge > 0), cink & ~mark, mark, paper):
        return box
    strokes = _strokes(cink, polys, 2 * pad, ring > 0)
    mark |= strokes
    ink = mark_ink(cink, cink & strokes, ~mark, dpi, tall=True)
    crop[mark & ink] = int(paper)
    return box


def _strokes(ink: np.ndarray, polys: list[np.ndarray], reach: int, band: np.ndarray) -> np.ndarray:
    """The pixels of a stamp's outline strokes: for each ring, the offsets across it (within `reach`, signed: in or
    out) at which ink runs along most of it (STROKE_SHARE of the best offset's share; a double outline's two), one
    pixel wider. Printed glyphs
    the outline band crosses keep what lies beside the stroke. `band` when no offset is inked along a ring."""
    import cv2

    out = np.zeros(ink.shape, bool)
    for poly in polys:
        drawn = np.full(ink.shape, 255, np.uint8)
        cv2.polylines(drawn, [poly], True, 0, thickness=1)
        inside = np.zeros(ink.shape, np.uint8)
        cv2.fillPoly(inside, [poly], 1)
        d = cv2.distanceTransform(drawn, cv2.DIST_L2, 3)
        near = d <= reach
        off = np.where(inside > 0, -np.rint(d), np.rint(d)).astype(int)[near] + reach
        total = np.bincount(off, minlength=2 * reach + 1)
        share = np.bincount(off, weights=ink[near], minlength=2 * reach + 1) / np.maximum(total, 1)
        best = int(np.argmax(share))
        if share[best] < STROKE_INK:
            return band
        on = share >= STROKE_SHARE * share[best]
        keep = on | np.roll(on, 1) | np.roll(on, -1)
        mask = np.zeros(ink.shape, bool)
        mask[near] = keep[off]
        out |= mask
    return out
