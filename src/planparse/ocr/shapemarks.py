"""Seals, stamps and signatures where colour cannot tell them (greyscale and black-and-white scans), found by shape.

A seal is a ring of ink 2.5-5 cm across: a Hough circle on a small copy of the page, confirmed by ink all
round a thin annulus (a circle through printed text crosses line gaps). An office stamp ("ĐÃ KÝ", received,
"SAO Y BẢN CHÍNH") is an oval or a rectangle of ink: a closed outline on a small copy of the page, confirmed by ink
all along it, and for a rectangle no rulings inside it or running on past its corners (those make a table). A
signature is a stroke group much taller than the page's glyphs, sparse and not made of straight rulings. Their ink
is whitened before OCR (Tesseract drops the printed lines next to them as picture, or reads them as garbage).
Where a stamp is printed over text in the print's own tone, only its outline strokes and the ink inside it that no
printed row leads into are whitened (the glyphs of rows running in from outside it, their diacritics and the pieces
its outline cuts stay); an oval's outline is first moved onto its thick outer stroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

SEAL_R_CM = (1.1, 2.6)
"""Radius range of a round seal (Decree 30 seals are 3-4.5 cm across; some offices' are smaller)."""
RING_COVER = 0.9
"""Share of a circle's angles with ink in its thin annulus for a seal: measured ~1.0 on seals under signatures
and text, at most ~0.75 for circles through paragraphs."""
TONE_GAP = 30
"""How much lighter than the print a seal's ink must be (grey levels) to be whitened by tone alone."""
SIGN_TALL = 1.8
"""A signature stroke group is at least this many median glyph heights tall..."""
SIGN_WIDE = 4.0
"""...and this many wide."""
SIGN_FILL = 0.3
"""Share of its box a signature's ink may fill at full resolution (handwriting strokes are thin and spread out;
a word of bold print merged into one blob fills 0.35 and more)."""


@dataclass
class ShapeMarks:
    gray: np.ndarray
    """The page with the marks' ink whitened."""
    found: list[tuple[str, tuple[int, int, int, int], float, str]]
    """(kind, box in page pixels, confidence, how it was found)."""


def shape_marks(gray: np.ndarray, dpi: int) -> ShapeMarks | None:
    """Round seals and handwritten signatures of a grey or bilevel page, whitened; None when there are none.

    Only small copies of the page are searched (50 and 150 dpi); full resolution is used around what is found."""
    import cv2

    paper = float(np.percentile(gray[::8, ::8], 90))
    level = min(paper - 50, 0.8 * paper)
    out = gray
    found: list[tuple[str, tuple[int, int, int, int], float, str]] = []
    for x, y, radius, cover in _seals(gray, dpi, paper):
        out = np.array(gray) if out is gray else out
        cx, cy, r = _fit_ring(gray, level, x, y, radius, dpi)
        r *= 1.08
        box = (max(0, int(cx - r)), max(0, int(cy - r)), min(gray.shape[1], int(cx + r) + 1), min(gray.shape[0], int(cy + r) + 1))
        found.append(("seal", box, round(cover, 2), _erase_seal(out, level, (cx, cy, r), dpi, paper)))
    for shape, _, cover, rings in stamp_outlines(out, dpi, paper):
        out = np.array(gray) if out is gray else out
        if shape == "oval":
            rings = _oval_rings(out, level, _polish_oval(out, level, _snap_oval(out, level, rings[0], dpi), dpi), dpi)
        found.append(("stamp", _erase_stamp(out, level, rings, dpi, paper), round(cover, 2), f"{shape} outline"))
    stamps = [box for kind, box, _, _ in found if kind == "stamp"]
    for (x0, y0, x1, y1), conf, mask in _signatures(out, dpi, paper, level):
        if any(_within((x0, y0, x1, y1), box) >= 0.5 for box in stamps):
            continue  # printed words a stamp's text merged with, kept when the stamp was whitened
        out = np.array(gray) if out is gray else out
        out[y0:y1, x0:x1][cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = int(paper)
        found.append(("signature", (x0, y0, x1, y1), conf, "strokes"))
    return ShapeMarks(out, found) if found else None


def _within(box: tuple[int, int, int, int], other: tuple[int, int, int, int]) -> float:
    """Share of `box` inside `other`."""
    x0, y0, x1, y1 = box
    inter = max(0, min(x1, other[2]) - max(x0, other[0])) * max(0, min(y1, other[3]) - max(y0, other[1]))
    return inter / max(1, (x1 - x0) * (y1 - y0))


def _seals(gray: np.ndarray, dpi: int, paper: float) -> list[tuple[float, float, float, float]]:
    """(cx, cy, r, ring cover) of confirmed round seals, in page pixels."""
    import cv2

    f = min(1.0, 50 / dpi)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    small_ink = small < paper - 20
    cm = dpi * f / 2.54
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (5, 5), 1.2), cv2.HOUGH_GRADIENT, dp=1, minDist=2 * SEAL_R_CM[0] * cm,
                               param1=100, param2=15, minRadius=round(SEAL_R_CM[0] * cm), maxRadius=round(SEAL_R_CM[1] * cm))
    found: list[tuple[float, float, float, float]] = []
    if circles is None:
        return found
    band = max(1.0, 0.08 * cm)
    for cx, cy, r in circles[0][:12]:
        radii = np.arange(0.85 * r, min(1.6 * r, SEAL_R_CM[1] * cm) + 0.01, 0.5)
        covers = _ring_covers(small_ink, cx, cy, radii, band)
        good = np.flatnonzero(covers >= RING_COVER)
        if len(good) and not any(np.hypot(cx / f - x, cy / f - y) < r0 for x, y, r0, _ in found):
            found.append((cx / f, cy / f, (radii[good[-1]] + band / 2) / f, float(covers[good[-1]])))
    return found


def _ring_covers(ink: np.ndarray, cx: float, cy: float, radii: np.ndarray, band: float) -> np.ndarray:
    """For each radius, the share of 180 angles at which there is ink within `band` of it around (cx, cy)."""
    ang = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    step = 0.5
    rs = np.arange(radii[0] - band, radii[-1] + band + 0.01, step)
    xs = np.rint(cx + np.outer(rs, np.cos(ang))).astype(int)
    ys = np.rint(cy + np.outer(rs, np.sin(ang))).astype(int)
    h, w = ink.shape
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    hit = np.zeros(inside.shape, np.int32)
    hit[inside] = ink[ys[inside], xs[inside]]
    cum = np.vstack([np.zeros((1, len(ang)), np.int32), np.cumsum(hit, axis=0)])
    k = int(round(band / step))
    lo = np.clip(np.rint((radii - rs[0]) / step).astype(int) - k, 0, len(rs))
    hi = np.clip(lo + 2 * k + 1, 0, len(rs))
    return ((cum[hi] - cum[lo]) > 0).mean(axis=1)


def _erase_seal(out: np.ndarray, level: float, circle: tuple[float, float, float], dpi: int, paper: float) -> str:
    """Whiten a seal's ink in `out`; returns how it was told from print: by its lighter tone, or by its ring shape."""
    cx, cy, r = circle
    h, w = out.shape
    m = 1.4 * r
    x0, y0, x1, y1 = max(0, int(cx - m)), max(0, int(cy - m)), min(w, int(cx + m) + 1), min(h, int(cy + m) + 1)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = np.hypot(xx - cx, yy - cy)
    disc = d <= r
    crop = out[y0:y1, x0:x1]
    cink = crop < level
    if _whiten_lighter(crop, cink & _rings(cink, d, r), cink & ~disc, disc, paper):
        return "ring shape, lighter tone"
    crop[disc & _seal_parts(cink, d, r, dpi)] = int(paper)
    return "ring shape"


def _whiten_lighter(crop: np.ndarray, mark: np.ndarray, printed: np.ndarray, inside: np.ndarray, paper: float) -> bool:
    """When a mark's ink (`mark` pixels) is lighter than the print around it (`printed`) by TONE_GAP, whiten the
    pixels `inside` it lighter than halfway between the two (print the mark is stamped over stays) and say so."""
    if not mark.any() or not printed.any():
        return False
    mark_tone, print_tone = float(np.median(crop[mark])), float(np.percentile(crop[printed], 30))
    if mark_tone - print_tone < TONE_GAP:
        return False
    crop[inside & (crop > (mark_tone + print_tone) / 2)] = int(paper)
    return True


STAMP_CM = ((2.0, 10.0), (0.8, 6.0))
"""Width and height range of an office stamp's outline (smaller closed outlines are glyphs, larger ones frames)."""
STAMP_COVER = 0.9
"""Share of an outline's length that must be inked for a stamp (a closed contour through text is broken)."""


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
            (ex, ey), (ea, eb), ang = _snap(ink, fit, max(2, round(0.1 * cm)))
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


def _snap(ink: np.ndarray, fit, band: int):
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


OVAL_BAND = 0.12
"""Contour points within this share of its radius of a fitted ellipse are on it."""
OVAL_ON = 0.55
"""Share of a bumpy contour's points that must lie on the ellipse refitted to them."""


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


HULL_GAIN = 0.95
"""A contour filling less of its convex hull than this is tried as its hull too."""
RECT_FILL = 0.9
"""Share of its least rectangle a rectangular stamp's outline fills (an oval fills pi/4 of it)."""


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


RULING_CM = 0.1
"""Rulings are thinner than this on the small copy (a printed text row there is a band 0.2 cm and more tall)."""


def _thin(ink: np.ndarray, length: int, cm: float, axis: int) -> np.ndarray:
    """Straight runs of ink at least `length` long along `axis` (1 = horizontal) and thinner than RULING_CM across."""
    import cv2

    t = max(2, round(RULING_CM * cm))
    length = max(3, length)
    u8 = ink.astype(np.uint8)
    run, band = ((1, length), (t, length)) if axis == 1 else ((length, 1), (length, t))
    return (cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones(run, np.uint8)) > 0) & ~(
        cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones(band, np.uint8)) > 0)


def _snap_oval(gray: np.ndarray, level: float, outline: np.ndarray, dpi: int) -> np.ndarray:
    """An oval outline found on the small copy refitted to the full page's ink near it (a few pixels off there
    would leave an arc of the outline beside the band `_erase_stamp` whitens)."""
    import cv2

    band = max(2, round(0.1 * dpi / 2.54))
    x0, y0 = max(0, int(outline[:, 0].min()) - band), max(0, int(outline[:, 1].min()) - band)
    crop = gray[y0:int(outline[:, 1].max()) + band + 1, x0:int(outline[:, 0].max()) + band + 1]
    fit = _snap((crop < level).astype(np.uint8), cv2.fitEllipse((outline - (x0, y0)).astype(np.float32)), band)
    (ex, ey), (ea, eb), ang = fit
    return np.asarray(cv2.ellipse2Poly((round(ex + x0), round(ey + y0)), (round(ea / 2), round(eb / 2)), round(ang), 0, 360, 2),
                      dtype=np.float32)


def _polish_oval(gray: np.ndarray, level: float, outline: np.ndarray, dpi: int) -> np.ndarray:
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


POLISH_STARTS = (-0.1, 0.0, 0.1, 0.2, 0.3)
"""Semi-axis changes (cm) of the ellipses the outline is polished from (the found outline may be the inner ring, or
fitted short of the outer one)."""


def _oval_rings(gray: np.ndarray, level: float, outline: np.ndarray, dpi: int) -> list[np.ndarray]:
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


RINGS_CM = 0.4
"""How far (semi-axis lengths) the other ring of a double oval outline may lie from the one found."""
RING_COVER_OVAL = 0.8
"""Share of an ellipse near a found oval outline that must be inked for it to be the stamp's other ring (the rings
are not quite concentric ellipses: drawn by hand, or turned)."""


def _erase_stamp(out: np.ndarray, level: float, rings: list[np.ndarray], dpi: int, paper: float) -> tuple[int, int, int, int]:
    """Whiten a stamp's outline strokes (`_strokes` along each of its `rings`) and the ink inside it that no printed
    row leads into from the page around it (`_mark_ink`; or, when the stamp's ink is lighter than the print, all its
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
    if _whiten_lighter(crop, cink & (edge > 0), cink & ~mark, mark, paper):
        return box
    strokes = _strokes(cink, polys, 2 * pad, ring > 0)
    mark |= strokes
    ink = _mark_ink(cink, cink & strokes, ~mark, dpi, tall=True)
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


STROKE_INK = 0.5
"""Share of a ring's length that must be inked at its best offset for the stroke to be measured there."""
STROKE_SHARE = 0.5
"""Offsets inked along at least this share of the best offset's are the stroke (a slightly turned or bent outline
spreads its stroke over a few offsets)."""


CONTEXT_CM = 1.0
"""How far beyond a stamp's outline band the page is looked at for printed rows that lead into it (the glyphs there
seed the chaining of printed glyphs inside; with the band alone nothing outside was seen and all ink inside went)."""
OUTLINE_CM = 0.08
"""Half the width of the band along a stamp's found outline whitened as its outline (its ink ~0.07 cm wide, found on
a 75-dpi copy): printed glyphs across the outline lose no more than this band, and keep it where they bridge it."""


def _fit_ring(gray: np.ndarray, level: float, cx: float, cy: float, r: float, dpi: int) -> tuple[float, float, float]:
    """The circle refined on the full page: a least-squares fit to the ink near it, twice, in a narrowing band
    (the coarse Hough circle is off by a few pixels, which thin inner rings do not forgive)."""
    h, w = gray.shape
    for band in (0.2, 0.1):
        m = r + band * dpi / 2.54
        x0, y0 = max(0, int(cx - m)), max(0, int(cy - m))
        ys, xs = np.nonzero(gray[y0:min(h, int(cy + m) + 1), x0:min(w, int(cx + m) + 1)] < level)
        xs, ys = xs + x0, ys + y0
        near = np.abs(np.hypot(xs - cx, ys - cy) - r) <= band * dpi / 2.54
        if near.sum() < 50:
            break
        x, y = xs[near].astype(float), ys[near].astype(float)
        a = np.column_stack([x, y, np.ones_like(x)])
        (p, q, c), *_ = np.linalg.lstsq(a, x * x + y * y, rcond=None)
        cx, cy = p / 2, q / 2
        r = float(np.sqrt(max(c + cx * cx + cy * cy, 1.0)))
    return cx, cy, r


def _seal_parts(ink: np.ndarray, d: np.ndarray, r: float, dpi: int) -> np.ndarray:
    """The ink of a same-tone seal around a crop: its rings and what `_mark_ink` adds to them."""
    return _mark_ink(ink, ink & _rings(ink, d, r), d > r, dpi)


def _mark_ink(ink: np.ndarray, parts: np.ndarray, outside: np.ndarray, dpi: int, tall: bool = False) -> np.ndarray:
    """A mark's ink in a crop: its outline `parts`, and the glyphs inside it that no printed row leads into from
    `outside` the mark (printed glyphs are kept, chained glyph by glyph to the row they belong to, and the
    outline's ink across a printed glyph is left to it). `tall`: ink taller than a glyph is chained to a row too
    (a stamp's own text stamped over printed words merges with them; the words are kept with it), and so are the
    row's other glyphs the stamp's outline cut off (`_on_rows`) and the diacritics over and under the kept glyphs
    (`_diacritics`); a seal's ink (not `tall`) is told as before."""
    import cv2

    rest = ink & ~parts
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)
    if n <= 1:
        return parts
    glyph_px = GLYPH_MAX_CM * dpi / 2.54
    kept = _chained(stats, {k for k in np.unique(labels[outside & rest]).tolist() if k and stats[k, 3] <= glyph_px},
                    glyph_px, tall)
    if tall:
        kept |= _on_rows(stats, kept)
        touching = cv2.dilate(parts.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        cut = set(np.unique(labels[touching & rest]).tolist())
        kept |= _diacritics(stats, kept, cut, OUTLINE_CM * 2 * dpi / 2.54)
    drop = np.isin(labels, [k for k in range(1, n) if k not in kept])
    size = max(3, round(0.2 * dpi / 2.54))
    printed = np.isin(labels, list(kept)).astype(np.uint8)
    bridged = cv2.morphologyEx(printed, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8)) > 0
    return (parts & ~bridged) | drop


def _chained(stats: np.ndarray, kept: set[int], glyph_px: float, tall: bool) -> set[int]:
    """The components (`stats` rows of connectedComponentsWithStats) chained glyph by glyph to the `kept` ones: a glyph
    (or, `tall`, ink up to two glyphs tall) beside a chained component, on its row and of a like height. Found a
    frontier at a time with arrays: the same set as adding them one by one (measured: 0.1 s of Python a stamp)."""
    tops, hs = stats[:, 1].astype(np.float64), stats[:, 3].astype(np.float64)
    lefts, rights, bottoms = stats[:, 0].astype(np.float64), (stats[:, 0] + stats[:, 2]).astype(np.float64), tops + hs
    glyph = hs <= glyph_px
    chained = np.zeros(len(stats), bool)
    chained[list(kept)] = True
    able = (glyph | (tall & (hs <= 2 * glyph_px))) & (np.arange(len(stats)) > 0)
    frontier = np.flatnonzero(chained)
    while frontier.size:
        cands = np.flatnonzero(able & ~chained)
        if not cands.size:
            break
        k, j = cands[:, None], frontier[None, :]
        hk, hj = hs[k], hs[j]
        overlap = np.minimum(bottoms[k], bottoms[j]) - np.maximum(tops[k], tops[j])
        gap = np.maximum(lefts[k], lefts[j]) - np.minimum(rights[k], rights[j])
        ratio = hk / np.maximum(hj, 1)
        top = np.where(glyph[k], 2.0, 2 * glyph_px / np.maximum(hj, 1))
        near = ((overlap >= 0.5 * np.minimum(hk, hj)) & (gap <= np.minimum(np.maximum(hk, hj), glyph_px))
                & (ratio >= 0.5) & (ratio <= top)).any(axis=1)
        frontier = cands[near]
        chained[frontier] = True
    return set(np.flatnonzero(chained).tolist())


def _on_rows(stats: np.ndarray, kept: set[int]) -> set[int]:
    """Components no taller than a printed glyph lying within the height of a kept glyph (ROW_SLACK of the kept
    glyphs' median height above or below it): the rest of a printed row the stamp's outline cuts, whose pieces
    chaining glyph by glyph does not reach past a glyph the outline broke up. A stamp's own text rows lie between the
    printed rows or across one and its neighbour, seldom within one."""
    tops, heights = stats[:, 1], stats[:, 3]
    bottoms = tops + heights
    if not kept:
        return set()
    gh = float(np.median(heights[sorted(kept)]))
    base = np.array([k for k in kept if 0.5 * gh <= heights[k] <= 1.6 * gh], dtype=int)
    if not len(base):
        return set()
    slack = ROW_SLACK * gh
    return {k for k in range(1, len(stats)) if k not in kept and 2 <= heights[k] <= 1.6 * gh
            and ((tops[k] >= tops[base] - slack) & (bottoms[k] <= bottoms[base] + slack)).any()}


ROW_SLACK = 0.15
"""How far above or below a kept glyph's top and bottom a piece of its row may reach."""


def _diacritics(stats: np.ndarray, kept: set[int], cut: set[int], band: float) -> set[int]:
    """Components that are the diacritics of `kept` glyphs: marks smaller than the kept glyphs' median height just
    above or below a glyph of about that height (a tone mark over a circumflex sits on a mark: two rounds); those
    `cut` off by the outline (touching it) may lie its `band` further off (an ascender's tip, a tone mark beyond a
    stamp's edge that runs through a row). Row chaining misses them: they do not share the row's height."""
    lefts, tops, widths, heights = stats[:, 0], stats[:, 1], stats[:, 2], stats[:, 3]
    rights, bottoms = lefts + widths, tops + heights
    if not kept:
        return set()
    gh = float(np.median(heights[sorted(kept)]))
    small = [k for k in range(1, len(stats)) if k not in kept and heights[k] <= DIACRITIC_SIZE * gh]
    base = np.array([k for k in kept if 0.5 * gh <= heights[k] <= 1.6 * gh], dtype=int)
    out: set[int] = set()
    for _ in range(2):
        new = set()
        for k in small:
            if k in out or not len(base):
                continue
            over = np.minimum(rights[k], rights[base]) - np.maximum(lefts[k], lefts[base])
            gap = np.maximum(tops[base] - bottoms[k], tops[k] - bottoms[base])
            if ((over >= DIACRITIC_OVER * widths[k]) & (gap <= DIACRITIC_GAP * gh + (band if k in cut else 0))).any():
                new.add(k)
        out |= new
        base = np.array(sorted(new), dtype=int)
    return out


DIACRITIC_OVER = 0.5
"""Share of a diacritic's width over its glyph's columns."""
DIACRITIC_SIZE = 0.6
"""A diacritic is at most this share of the kept glyphs' median height..."""
DIACRITIC_GAP = 0.4
"""...and at most this share of it above or below its glyph (or the mark it sits on)."""
GLYPH_MAX_CM = 0.7
"""Printed glyphs (with diacritics, up to ~16 pt) are no taller than this; taller ink under a seal is not print."""
RING_INK = 0.6
"""Share of a circle's pixels that must be ink for that radius to be part of a seal's ring (ring text: ~0.3)."""


def _rings(ink: np.ndarray, d: np.ndarray, r: float) -> np.ndarray:
    """The pixels at the radii (about the centre, within the seal) where ink runs all round: the seal's rings,
    at their measured thickness, however many there are."""
    rad = np.rint(d).astype(int)
    inside = rad <= r
    total = np.bincount(rad[inside], minlength=int(r) + 2)
    inked = np.bincount(rad[inside], weights=ink[inside], minlength=len(total))
    ring = (inked / np.maximum(total, 1) >= RING_INK) & (np.arange(len(total)) >= 0.35 * r)
    ring = np.convolve(ring.astype(float), np.ones(3), "same") > 0
    return inside & ring[np.minimum(rad, len(ring) - 1)]


def _signatures(gray: np.ndarray, dpi: int, paper: float,
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
