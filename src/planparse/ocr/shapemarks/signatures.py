"""Handwritten signatures of grey and black-and-white pages: stroke groups on a 150-dpi copy much taller and wider
than the page's glyphs, sparse, not made of straight rulings."""

from __future__ import annotations

import numpy as np

SIGN_TALL = 1.8
"""A signature stroke group is at least this many median glyph heights tall..."""
SIGN_WIDE = 4.0
"""...and this many wide."""
SIGN_FILL = 0.3
"""Share of its box a signature's ink may fill at full resolution (handwriting strokes are thin and spread out;
a word of bold print merged into one blob fills 0.35 and more)."""


def find_signatures(gray: np.ndarray, dpi: int, paper: float,
                    level: float) -> list[tuple[tuple[int, int, int, int], float, np.ndarray]]:
    """(box, confidence, ink mask of the box) of handwritten stroke groups: much taller than glyphs, sparse, not rulings."""
    import cv2

    g = min(1.0, 150 / dpi)
    small = cv2.resize(gray, None, fx=g, fy=g, interpolation=cv2.INTER_AREA) if g < 1 else gray
    n, labels, stats, _ = cv2.connectedComponentsWithStats((small < paper - 40).astype(np.uint8), connectivity=8)
    if n <= 1:
        return []
    cm = dpi * g / 2.54
    hs = stats[1:, 3]
    glyphs = hs[(hs >= 0.12 * cm) & (hs <= 0.8 * cm)]
    if len(glyphs) < 20:
        return []
    gh = float(np.median(glyphs))
    out = []
    ws, hs = stats[:, 2], stats[:, 3]
    tall = (hs >= SIGN_TALL * gh) & (ws >= SIGN_WIDE * gh) & (ws <= 12 * cm) & (hs <= 6 * cm)
    for k in np.flatnonzero(tall[1:]) + 1:
        x, y, w, h, _ = stats[k]
        comp = labels[y:y + h, x:x + w] == k
        if _straight_share(comp, cm) > 0.4:
            continue
        x0, y0 = int(x / g), int(y / g)
        x1, y1 = min(gray.shape[1], int((x + w) / g) + 1), min(gray.shape[0], int((y + h) / g) + 1)
        mask = cv2.resize(comp.astype(np.uint8), (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST) > 0
        mask &= gray[y0:y1, x0:x1] < level
        if mask.sum() > SIGN_FILL * mask.size:
            continue
        out.append(((x0, y0, x1, y1), round(float(min(1.0, h / (4 * gh))), 2), mask))
    return out


def _straight_share(comp: np.ndarray, cm: float) -> float:
    """Share of a component's ink on straight horizontal or vertical runs longer than 1 cm (rulings, table grids)."""
    import cv2

    u8 = comp.astype(np.uint8)
    k = max(3, round(cm))
    lines = np.bitwise_or(cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)),
                          cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8)))
    return float(lines.sum()) / max(1, int(u8.sum()))
