"""An oval stamp's outline found on the small copy, fitted on the full page: snapped to the ink near it, moved onto
its thick outer stroke, and its other ring (a double outline) found."""

from __future__ import annotations

import numpy as np

from .outlines import snap

POLISH_STARTS = (-0.1, 0.0, 0.1, 0.2, 0.3)
"""Semi-axis changes (cm) of the ellipses the outline is polished from (the found outline may be the inner ring, or
fitted short of the outer one)."""
RINGS_CM = 0.4
"""How far (semi-axis lengths) the other ring of a double oval outline may lie from the one found."""
RING_COVER_OVAL = 0.8
"""Share of an ellipse near a found oval outline that must be inked for it to be the stamp's other ring (the rings
are not quite concentric ellipses: drawn by hand, or turned)."""


def snap_oval(gray: np.ndarray, level: float, outline: np.ndarray, dpi: int) -> np.ndarray:
    """An oval outline found on the small copy refitted to the full page's ink near it (a few pixels off there
    would leave an arc of the outline beside the band `erase_stamp` whitens)."""
    import cv2

    band = max(2, round(0.1 * dpi / 2.54))
    x0, y0 = max(0, int(outline[:, 0].min()) - band), max(0, int(outline[:, 1].min()) - band)
    crop = gray[y0:int(outline[:, 1].max()) + band + 1, x0:int(outline[:, 0].max()) + band + 1]
    fit = snap((crop < level).astype(np.uint8), cv2.fitEllipse((outline - (x0, y0)).astype(np.float32)), band)
    (ex, ey), (ea, eb), ang = fit
    return np.asarray(cv2.ellipse2Poly((round(ex + x0), round(ey + y0)), (round(ea / 2), round(eb / 2)), round(ang), 0, 360, 2),
                      dtype=np.float32)


def polish_oval(gray: np.ndarray, level: float, outline: np.ndarray, dpi: int) -> np.ndarray:
    """An oval outline moved, resized and turned to the ellipse along the stamp's thick outer stroke on the full page
    (coordinate ascent of the share of the ellipse with ink on it and on both sides of it, steps halving to a pixel,
    from the outline and from ellipses POLISH_STARTS further out or in): an outline fitted to a contour that printed
    words touch is off where they are (whitening it there cuts the words and leaves the stamp's stroke), and one on
    the thin inner ring leaves the outer one."""
    import cv2

    raw = (gray < level).astype(np.uint8)
    h, w = raw.shape
    t = np.linspace(0, 2 * np.pi, 360, endpoint=False)
    cos_t, sin_t = np.cos(t), np.sin(t)
    thick = max(1, round(0.015 * dpi / 2.54))

    def cover(p: list[float], ink: np.ndarray) -> float:
        ex, ey, ra, rb, ang = p
        a = np.deg2rad(ang)
        on = np.ones(len(t), bool)
        for d in (-thick, 0, thick):
            u, v = (ra + d) * cos_t, (rb + d) * sin_t
            xs = np.clip(np.rint(ex + u * np.cos(a) - v * np.sin(a)).astype(int), 0, w - 1)
            ys = np.clip(np.rint(ey + u * np.sin(a) + v * np.cos(a)).astype(int), 0, h - 1)
            on &= ink[ys, xs]
        return float(on.mean())

    blurred = [cv2.dilate(raw, np.ones((2 * k + 1, 2 * k + 1), np.uint8)) > 0 for k in (2 * thick, thick)] + [raw > 0]

    def ascend(p: list[float]) -> tuple[float, list[float]]:
        step, turn = 0.1 * dpi / 2.54, 2.0
        for ink in blurred:
            score = cover(p, ink)
            while step >= 1:
                moved = True
                while moved:
                    moved = False
                    for i, d in ((0, step), (1, step), (2, step), (3, step), (4, turn)):
                        for sign in (1, -1):
                            trial = list(p)
                            trial[i] += sign * d
                            c = cover(trial, ink)
                            if c > score + 1e-9:
                                p, score, moved = trial, c, True
                step, turn = step / 2, turn / 2
            step, turn = 2.0, 0.5
        return score, p

    (ex, ey), (ea, eb), ang = cv2.fitEllipse(outline.astype(np.float32))
    cm = dpi / 2.54
    tried = [ascend([ex, ey, ea / 2 + k * cm, eb / 2 + k * cm, ang]) for k in POLISH_STARTS]
    _, (ex, ey, ra, rb, ang) = max(tried)
    return np.asarray(cv2.ellipse2Poly((round(ex), round(ey)), (round(ra), round(rb)), round(ang), 0, 360, 2), dtype=np.float32)


def oval_rings(gray: np.ndarray, level: float, outline: np.ndarray, dpi: int) -> list[np.ndarray]:
    """The rings of an oval stamp, one of which is `outline`: the ellipses about its centre with semi-axes within
    RINGS_CM of its own that have ink all along them on the full page (a thick outer and a thin inner ring)."""
    import cv2

    (ex, ey), (ea, eb), ang = cv2.fitEllipse(outline.astype(np.float32))
    t = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    a = np.deg2rad(ang)
    step = max(1, round(0.025 * dpi / 2.54))
    n = round(RINGS_CM * dpi / 2.54 / step)
    d = step * np.arange(-n, n + 1)
    da, db = (g.ravel() for g in np.meshgrid(d, d))
    ra, rb = np.maximum(ea / 2 + da, 1), np.maximum(eb / 2 + db, 1)
    u, v = np.outer(ra, np.cos(t)), np.outer(rb, np.sin(t))
    xs = np.rint(ex + u * np.cos(a) - v * np.sin(a)).astype(int)
    ys = np.rint(ey + u * np.sin(a) + v * np.cos(a)).astype(int)
    h, w = gray.shape
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    ink = np.zeros(xs.shape, bool)
    ink[inside] = gray[ys[inside], xs[inside]] < level
    keep = ink.mean(axis=1) >= RING_COVER_OVAL
    keep[(da == 0) & (db == 0)] = True
    return [np.column_stack([x, y]).astype(np.float32) for x, y, k in zip(xs, ys, keep) if k]
