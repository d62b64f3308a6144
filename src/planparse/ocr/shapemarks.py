"""Seals and signatures where colour cannot tell them (greyscale and black-and-white scans), found by shape.

A seal is a ring of ink 2.5-5 cm across: a Hough circle on a small copy of the page, confirmed by ink all
round a thin annulus (a circle through printed text crosses line gaps). A signature is a stroke group much
taller than the page's glyphs, sparse and not made of straight rulings. Their ink is whitened before OCR
(Tesseract drops the printed lines next to them as picture, or reads them as garbage).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEAL_R_CM = (1.1, 2.6)
"""Radius range of a round seal (Decree 30 seals are 3-4.5 cm across; some offices' are smaller)."""
RING_COVER = 0.9
"""Share of a circle's angles with ink in its thin annulus for a seal: measured ~1.0 on seals under signatures
and text, at most ~0.75 for circles through paragraphs."""
TONE_GAP = 30
"""How much lighter than the print a seal's ink must be (grey levels) to be whitened by tone alone."""
SIGN_TALL = 2.2
"""A signature stroke group is at least this many median glyph heights tall..."""
SIGN_WIDE = 3.0
"""...and this many wide."""
SIGN_FILL = 0.22
"""Share of its box a signature's ink may fill (handwriting strokes are thin and spread out)."""


@dataclass
class ShapeMarks:
    gray: np.ndarray
    """The page with the marks' ink whitened."""
    found: list[tuple[str, tuple[int, int, int, int], float, str]]
    """(kind, box in page pixels, confidence, how it was found)."""


def shape_marks(gray: np.ndarray, dpi: int) -> ShapeMarks | None:
    """Round seals and handwritten signatures of a grey or bilevel page, whitened; None when there are none."""
    import cv2

    paper = float(np.percentile(gray[::8, ::8], 90))
    ink = gray < min(paper - 50, 0.8 * paper)
    if ink.mean() < 0.002:
        return None
    out = np.array(gray)
    found: list[tuple[str, tuple[int, int, int, int], float, str]] = []
    for *circle, cover in _seals(gray, ink, dpi):
        cx, cy, r = _fit_ring(ink, *circle, dpi)
        r *= 1.08
        box = (max(0, int(cx - r)), max(0, int(cy - r)), min(gray.shape[1], int(cx + r) + 1), min(gray.shape[0], int(cy + r) + 1))
        how = _erase_seal(out, ink, (cx, cy, r), dpi, paper)
        found.append(("seal", box, round(cover, 2), how))
    if found:
        ink = out < min(paper - 50, 0.8 * paper)
    for box, conf, mask in _signatures(ink, dpi):
        out[cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = int(paper)
        found.append(("signature", box, conf, "strokes"))
    return ShapeMarks(out, found) if found else None


def _seals(gray: np.ndarray, ink: np.ndarray, dpi: int) -> list[tuple[float, float, float, float]]:
    """(cx, cy, r, ring cover) of confirmed round seals, in page pixels."""
    import cv2

    f = min(1.0, 50 / dpi)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    small_ink = cv2.resize(ink.astype(np.uint8), (small.shape[1], small.shape[0]), interpolation=cv2.INTER_AREA) > 0
    cm = dpi * f / 2.54
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (5, 5), 1.2), cv2.HOUGH_GRADIENT, dp=1, minDist=2 * SEAL_R_CM[0] * cm,
                               param1=100, param2=15, minRadius=round(SEAL_R_CM[0] * cm), maxRadius=round(SEAL_R_CM[1] * cm))
    found: list[tuple[float, float, float, float]] = []
    if circles is None:
        return found
    band = max(1.0, 0.08 * cm)
    for cx, cy, r in circles[0][:12]:
        rings = [(rr, c) for rr in np.arange(0.85 * r, min(1.6 * r, SEAL_R_CM[1] * cm) + 0.01, 0.5)
                 if (c := _ring_cover(small_ink, cx, cy, rr, band)) >= RING_COVER]
        if rings and not any(np.hypot(cx / f - x, cy / f - y) < r0 for x, y, r0, _ in found):
            rr, cover = rings[-1]
            found.append((cx / f, cy / f, (rr + band / 2) / f, cover))
    return found


def _ring_cover(ink: np.ndarray, cx: float, cy: float, r: float, band: float) -> float:
    """Share of 180 angles at which there is ink within `band` of radius r around (cx, cy)."""
    ang = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    radii = np.arange(r - band, r + band + 0.01, 0.5)
    xs = np.rint(cx + np.outer(radii, np.cos(ang))).astype(int)
    ys = np.rint(cy + np.outer(radii, np.sin(ang))).astype(int)
    h, w = ink.shape
    inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
    hit = np.zeros_like(inside)
    hit[inside] = ink[ys[inside], xs[inside]]
    return float(hit.any(axis=0).mean())


def _erase_seal(out: np.ndarray, ink: np.ndarray, circle: tuple[float, float, float], dpi: int, paper: float) -> str:
    """Whiten a seal's ink in `out`; returns how it was told from print: by its lighter tone, or by its ring shape."""
    cx, cy, r = circle
    h, w = out.shape
    m = 1.4 * r
    x0, y0, x1, y1 = max(0, int(cx - m)), max(0, int(cy - m)), min(w, int(cx + m) + 1), min(h, int(cy + m) + 1)
    yy, xx = np.mgrid[y0:y1, x0:x1]
    d = np.hypot(xx - cx, yy - cy)
    disc = d <= r
    crop, cink = out[y0:y1, x0:x1], ink[y0:y1, x0:x1]
    ring = cink & _rings(cink, d, r)
    outside = ink.copy()
    outside[y0:y1, x0:x1] &= ~disc
    seal_tone = float(np.median(crop[ring])) if ring.any() else 0.0
    print_tone = float(np.percentile(out[outside], 30)) if outside.any() else 0.0
    if seal_tone - print_tone >= TONE_GAP:
        crop[disc & (crop > (seal_tone + print_tone) / 2)] = int(paper)
        return "ring shape, lighter tone"
    crop[disc & _seal_parts(cink, d, r, dpi)] = int(paper)
    return "ring shape"


def _fit_ring(ink: np.ndarray, cx: float, cy: float, r: float, dpi: int) -> tuple[float, float, float]:
    """The circle refined on the full page: a least-squares fit to the ink near it, twice, in a narrowing band
    (the coarse Hough circle is off by a few pixels, which thin inner rings do not forgive)."""
    h, w = ink.shape
    for band in (0.2, 0.1):
        m = r + band * dpi / 2.54
        x0, y0 = max(0, int(cx - m)), max(0, int(cy - m))
        ys, xs = np.nonzero(ink[y0:min(h, int(cy + m) + 1), x0:min(w, int(cx + m) + 1)])
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
    """The ink of a same-tone seal around a crop: its rings, and the glyphs inside it that no printed row leads
    into from outside the seal (printed glyphs are kept, chained glyph by glyph to the row they belong to, and
    the ring's ink across a printed glyph is left to it)."""
    import cv2

    parts = ink & _rings(ink, d, r)
    rest = ink & ~parts
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)
    if n <= 1:
        return parts
    glyph = stats[:, 3] <= GLYPH_MAX_CM * dpi / 2.54
    kept = {k for k in np.unique(labels[(d > r) & rest]).tolist() if k and glyph[k]}
    tops, bottoms = stats[:, 1], stats[:, 1] + stats[:, 3]
    lefts, rights = stats[:, 0], stats[:, 0] + stats[:, 2]
    changed = True
    while changed:
        changed = False
        for k in range(1, n):
            if k in kept or not glyph[k]:
                continue
            for j in kept:
                hk, hj = stats[k, 3], stats[j, 3]
                overlap = min(bottoms[k], bottoms[j]) - max(tops[k], tops[j])
                gap = max(lefts[k], lefts[j]) - min(rights[k], rights[j])
                if overlap >= 0.5 * min(hk, hj) and gap <= 1.0 * max(hk, hj) and 0.5 <= hk / max(hj, 1) <= 2:
                    kept.add(k)
                    changed = True
                    break
    drop = np.isin(labels, [k for k in range(1, n) if k not in kept])
    size = max(3, round(0.15 * dpi / 2.54))
    bridged = cv2.dilate(np.isin(labels, list(kept)).astype(np.uint8), np.ones((size, size), np.uint8)) > 0
    return (parts & ~bridged) | drop


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


def _signatures(ink: np.ndarray, dpi: int) -> list[tuple[tuple[int, int, int, int], float, np.ndarray]]:
    """(box, confidence, pixel mask) of handwritten stroke groups: much taller than glyphs, sparse, not rulings."""
    import cv2

    g = min(1.0, 150 / dpi)
    small = cv2.resize(ink.astype(np.uint8), None, fx=g, fy=g, interpolation=cv2.INTER_AREA) > 0 if g < 1 else ink
    n, labels, stats, _ = cv2.connectedComponentsWithStats(small.astype(np.uint8), connectivity=8)
    if n <= 1:
        return []
    cm = dpi * g / 2.54
    hs = stats[1:, 3]
    glyphs = hs[(hs >= 0.12 * cm) & (hs <= 0.8 * cm)]
    if len(glyphs) < 20:
        return []
    gh = float(np.median(glyphs))
    out = []
    for k in range(1, n):
        x, y, w, h, area = stats[k]
        if h < SIGN_TALL * gh or w < SIGN_WIDE * gh or w > 12 * cm or h > 6 * cm or area / (w * h) > SIGN_FILL:
            continue
        comp = labels[y:y + h, x:x + w] == k
        if _straight_share(comp, cm) > 0.4:
            continue
        box = (int(x / g), int(y / g), min(ink.shape[1], int((x + w) / g) + 1), min(ink.shape[0], int((y + h) / g) + 1))
        full = np.zeros(ink.shape, bool)
        full[box[1]:box[3], box[0]:box[2]] = cv2.resize(comp.astype(np.uint8), (box[2] - box[0], box[3] - box[1]),
                                                       interpolation=cv2.INTER_NEAREST) > 0
        out.append((box, round(min(1.0, h / (4 * gh)), 2), full & ink))
    return out


def _straight_share(comp: np.ndarray, cm: float) -> float:
    """Share of a component's ink on straight horizontal or vertical runs longer than 1 cm (rulings, table grids)."""
    import cv2

    u8 = comp.astype(np.uint8)
    k = max(3, round(cm))
    lines = cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)) | cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    return float(lines.sum()) / max(1, int(u8.sum()))
