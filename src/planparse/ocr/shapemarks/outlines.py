"""Office stamps' outlines on a 75-dpi copy of the page: closed contours of a stamp's size, ovals or rectangles
inked all along (a rectangle with a ruling inside it or running on past its corners is a table)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

STAMP_CM = ((2.0, 10.0), (0.8, 6.0))
"""Width and height range of an office stamp's outline (smaller closed outlines are glyphs, larger ones frames)."""
STAMP_COVER = 0.9
"""Share of an outline's length that must be inked for a stamp (a closed contour through text is broken)."""
OVAL_BAND = 0.12
"""Contour points within this share of its radius of a fitted ellipse are on it."""
OVAL_ON = 0.55
"""Share of a bumpy contour's points that must lie on the ellipse refitted to them."""
HULL_GAIN = 0.95
"""A contour filling less of its convex hull than this is tried as its hull too."""
RECT_FILL = 0.9
"""Share of its least rectangle a rectangular stamp's outline fills (an oval fills pi/4 of it)."""
RULING_CM = 0.1
"""Rulings are thinner than this on the small copy (a printed text row there is a band 0.2 cm and more tall)."""


def stamp_outlines(gray: np.ndarray, dpi: int, paper: float) -> list[tuple[str, np.ndarray, float, list[np.ndarray]]]:
    """(shape, outline polygon in page pixels, ink cover, all its rings' outlines: a double outline has two) of oval
    and rectangular stamps, from a 75-dpi copy (stamped over printed lines too: their glyphs notch and extend the
    outline's contours, see `_outline_candidates` and `_oval`)."""
    import cv2

    f = min(1.0, 75 / dpi)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    ink = (small < paper - 40).astype(np.uint8)
    cm = dpi * f / 2.54
    contours, _ = cv2.findContours(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)),
                                   cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    out: list[tuple[str, np.ndarray, float, list[np.ndarray]]] = []
    sized = [c for c in contours if _stamp_sized(cv2.boundingRect(c), cm)]
    for c in _outline_candidates(sized):
        if len(c) < 4:
            continue
        area = cv2.contourArea(c)
        box = cv2.minAreaRect(c)
        if area >= RECT_FILL * box[1][0] * box[1][1]:
            shape, outline = "rectangle", cv2.boxPoints(box).astype(np.float32)
            if _ruled(ink, outline, cm):
                continue
        elif len(c) >= 5:
            fit = _oval(c, area)
            if fit is None:
                continue
            (ex, ey), (ea, eb), ang = snap(ink, fit, max(2, round(0.1 * cm)))
            shape = "oval"
            outline = np.asarray(cv2.ellipse2Poly((round(ex), round(ey)), (round(ea / 2), round(eb / 2)), round(ang),
                                                  0, 360, 4), dtype=np.float32)
        else:
            continue
        cover = _outline_cover(ink, outline, max(1, round(0.08 * cm)))
        if cover < STAMP_COVER:
            continue
        outline = outline / f
        same = [rings for _, o, _, rings in out if _same(outline, o)]
        if not same:
            out.append((shape, outline, cover, [outline]))
        elif all(abs(np.ptp(outline, axis=0).max() / np.ptp(r, axis=0).max() - 1) > 0.03 for r in same[0]):
            same[0].append(outline)
    return out


def _stamp_sized(rect: Sequence[int], cm: float) -> bool:
    """Whether a bounding box (x, y, w, h) has a stamp's size (STAMP_CM). A contour's convex hull has its bounding box,
    so the contours of other sizes are dropped before their hulls are made (thousands of glyphs a page: 10 ms)."""
    (wmin, wmax), (hmin, hmax) = STAMP_CM
    _, _, w, h = rect
    return wmin * cm <= max(w, h) <= wmax * cm and hmin * cm <= min(w, h) <= hmax * cm


def _oval(c: np.ndarray, area: float):
    """The ellipse ((cx, cy), (axes), angle) an oval stamp's contour runs along, or None: a contour that fills its
    fitted ellipse, or, when printed words touching the outline add bumps and tails to it, whose points lie mostly
    on an ellipse fitted to them again without the points far from it."""
    import cv2

    pts = c.reshape(-1, 2).astype(np.float32)
    fit = cv2.fitEllipse(pts)
    filled = 0.9 <= area / max(1e-6, np.pi * fit[1][0] * fit[1][1] / 4) <= 1.1
    for _ in range(3 if not filled else 0):
        (ex, ey), (ea, eb), ang = fit
        t = np.deg2rad(ang)
        dx, dy = pts[:, 0] - ex, pts[:, 1] - ey
        rn = np.hypot((dx * np.cos(t) + dy * np.sin(t)) / max(ea / 2, 1e-6),
                      (dy * np.cos(t) - dx * np.sin(t)) / max(eb / 2, 1e-6))
        near = np.abs(rn - 1) < OVAL_BAND
        if near.sum() < OVAL_ON * len(pts) or near.sum() < 5:
            return None
        fit = cv2.fitEllipse(pts[near])
    (_, _), (ea, eb), _ = fit
    return fit if 1.25 <= max(ea, eb) / max(1e-6, min(ea, eb)) <= 4 else None


def snap(ink: np.ndarray, fit, band: int):
    """The ellipse refitted to the ink within `band` pixels of it (a contour's ellipse is off by its bumps)."""
    import cv2

    (ex, ey), (ea, eb), ang = fit
    x0, y0 = max(0, int(ex - max(ea, eb) / 2) - band), max(0, int(ey - max(ea, eb) / 2) - band)
    crop = ink[y0:int(ey + max(ea, eb) / 2) + band + 1, x0:int(ex + max(ea, eb) / 2) + band + 1]
    on = np.zeros(crop.shape, np.uint8)
    cv2.ellipse(on, ((ex - x0, ey - y0), (ea, eb), ang), 1, thickness=2 * band + 1)
    ys, xs = np.nonzero(crop & on)
    if len(xs) < 10:
        return fit
    (cx, cy), axes, a = cv2.fitEllipse(np.column_stack([xs + x0, ys + y0]).astype(np.float32))
    if max(axes) > max(ea, eb) + 2 * band + 2 or min(axes) < 0.5 * min(ea, eb) or np.hypot(cx - ex, cy - ey) > 2 * band:
        return fit  # a degenerate refit (ink along one side only): measured on a shadowed photo, an ellipse 40 pages tall
    return (cx, cy), axes, a


def _outline_candidates(contours) -> list[np.ndarray]:
    """The contours, largest first, each followed by its convex hull when that is notably larger: printed glyphs a
    stamp is stamped over touch its outline from inside and notch its inner edge; the hull is the outline again."""
    import cv2

    out = []
    for c in sorted(contours, key=cv2.contourArea, reverse=True):
        out.append(c)
        hull = cv2.convexHull(c)
        if len(hull) >= 5 and cv2.contourArea(c) < HULL_GAIN * cv2.contourArea(hull):
            out.append(hull)
    return out


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two outlines are the inner and outer edge of one stamp (their centres within a tenth of its size)."""
    return bool(np.hypot(*(a.mean(axis=0) - b.mean(axis=0))) < 0.1 * np.ptp(b, axis=0).max())


def _outline_cover(ink: np.ndarray, outline: np.ndarray, band: int) -> float:
    """Share of points along a closed outline with ink within `band` pixels."""
    import cv2

    near = cv2.dilate(ink, np.ones((2 * band + 1, 2 * band + 1), np.uint8)) > 0
    pts = np.vstack([np.linspace(p, q, max(2, int(np.hypot(*(q - p)))), endpoint=False)
                     for p, q in zip(outline, np.roll(outline, -1, axis=0))])
    xs = np.clip(np.rint(pts[:, 0]).astype(int), 0, ink.shape[1] - 1)
    ys = np.clip(np.rint(pts[:, 1]).astype(int), 0, ink.shape[0] - 1)
    return float(near[ys, xs].mean())


def _ruled(ink: np.ndarray, quad: np.ndarray, cm: float) -> bool:
    """Whether a rectangle of ink is part of a table: a thin ruling inside it, or a side running on past a corner as
    a thin ruling (printed lines a stamp is stamped across are thick bands on this small copy, not rulings)."""
    import cv2

    x, y, w, h = cv2.boundingRect(quad.astype(np.int32))
    m = max(2, round(0.25 * cm))
    inner = ink[y + m:y + h - m, x + m:x + w - m]
    if inner.size and any(_thin(inner, length, cm, axis).any()
                          for length, axis in ((int(0.85 * (w - 2 * m)), 1), (int(0.85 * (h - 2 * m)), 0))):
        return True
    x0, y0, x1, y1 = max(0, x - 2 * m), max(0, y - 2 * m), min(ink.shape[1], x + w + 2 * m), min(ink.shape[0], y + h + 2 * m)
    crop = ink[y0:y1, x0:x1]
    near = [cv2.dilate(_thin(crop, round(cm), cm, axis).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0 for axis in (0, 1)]
    d = max(3, round(0.3 * cm))
    x, y = x - x0, y - y0
    runs = [((x, y), (-1, 0)), ((x + w - 1, y), (1, 0)), ((x, y + h - 1), (-1, 0)), ((x + w - 1, y + h - 1), (1, 0)),
            ((x, y), (0, -1)), ((x + w - 1, y), (0, -1)), ((x, y + h - 1), (0, 1)), ((x + w - 1, y + h - 1), (0, 1))]
    steps = np.arange(2, d + 2)
    on = 0
    for (cx, cy), (dx, dy) in runs:
        xs, ys = cx + dx * steps, cy + dy * steps
        ok = (xs >= 0) & (xs < crop.shape[1]) & (ys >= 0) & (ys < crop.shape[0])
        on += ok.all() and near[1 if dx else 0][ys, xs].mean() >= 0.8
    return on >= 2


def _thin(ink: np.ndarray, length: int, cm: float, axis: int) -> np.ndarray:
    """Straight runs of ink at least `length` long along `axis` (1 = horizontal) and thinner than RULING_CM across."""
    import cv2

    t = max(2, round(RULING_CM * cm))
    length = max(3, length)
    u8 = ink.astype(np.uint8)
    run, band = ((1, length), (t, length)) if axis == 1 else ((length, 1), (length, t))
    return (cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones(run, np.uint8)) > 0) & ~(
        cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones(band, np.uint8)) > 0)
