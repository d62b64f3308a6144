"""Seals, stamps and signatures where colour cannot tell them (greyscale and black-and-white scans), found by shape.

A seal is a ring of ink 2.5-5 cm across: a Hough circle on a small copy of the page, confirmed by ink all
round a thin annulus (a circle through printed text crosses line gaps). An office stamp ("ĐÃ KÝ", received,
"SAO Y BẢN CHÍNH") is an oval or a rectangle of ink: a closed outline on a small copy of the page, confirmed by ink
all along it, and for a rectangle no rulings inside it or running on past its corners (those make a table). A
signature is a stroke group much taller than the page's glyphs, sparse and not made of straight rulings. Their ink
is whitened before OCR (Tesseract drops the printed lines next to them as picture, or reads them as garbage).
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
    for shape, outline, cover in _stamps(out, dpi, paper):
        out = np.array(gray) if out is gray else out
        found.append(("stamp", _erase_stamp(out, level, outline, dpi, paper), round(cover, 2), f"{shape} outline"))
    for (x0, y0, x1, y1), conf, mask in _signatures(out, dpi, paper, level):
        out = np.array(gray) if out is gray else out
        out[y0:y1, x0:x1][cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = int(paper)
        found.append(("signature", (x0, y0, x1, y1), conf, "strokes"))
    return ShapeMarks(out, found) if found else None


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
    ring = cink & _rings(cink, d, r)
    seal_tone = float(np.median(crop[ring])) if ring.any() else 0.0
    print_tone = float(np.percentile(crop[cink & ~disc], 30)) if (cink & ~disc).any() else 0.0
    if seal_tone - print_tone >= TONE_GAP:
        crop[disc & (crop > (seal_tone + print_tone) / 2)] = int(paper)
        return "ring shape, lighter tone"
    crop[disc & _seal_parts(cink, d, r, dpi)] = int(paper)
    return "ring shape"


STAMP_CM = ((2.0, 10.0), (0.8, 6.0))
"""Width and height range of an office stamp's outline (smaller closed outlines are glyphs, larger ones frames)."""
STAMP_COVER = 0.9
"""Share of an outline's length that must be inked for a stamp (a closed contour through text is broken)."""


def _stamps(gray: np.ndarray, dpi: int, paper: float) -> list[tuple[str, np.ndarray, float]]:
    """(shape, outline polygon in page pixels, ink cover) of oval and rectangular stamps, from a 75-dpi copy."""
    import cv2

    f = min(1.0, 75 / dpi)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    ink = (small < paper - 40).astype(np.uint8)
    cm = dpi * f / 2.54
    contours, _ = cv2.findContours(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8)),
                                   cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    (wmin, wmax), (hmin, hmax) = STAMP_CM
    out: list[tuple[str, np.ndarray, float]] = []
    for c in sorted(contours, key=cv2.contourArea, reverse=True):
        x, y, w, h = cv2.boundingRect(c)
        if not (wmin * cm <= max(w, h) <= wmax * cm and hmin * cm <= min(w, h) <= hmax * cm and len(c) >= 4):
            continue
        area = cv2.contourArea(c)
        poly = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
        if len(poly) == 4 and cv2.isContourConvex(poly) and area >= 0.9 * w * h * _box_fill(poly):
            shape, outline = "rectangle", poly.reshape(-1, 2).astype(np.float32)
            if _ruled(ink, outline, cm):
                continue
        elif len(c) >= 5:
            (ex, ey), (ea, eb), ang = cv2.fitEllipse(c)
            if not (1.25 <= max(ea, eb) / max(1e-6, min(ea, eb)) <= 4 and 0.9 <= area / (np.pi * ea * eb / 4) <= 1.1):
                continue
            shape = "oval"
            outline = np.asarray(cv2.ellipse2Poly((round(ex), round(ey)), (round(ea / 2), round(eb / 2)), round(ang),
                                                  0, 360, 4), dtype=np.float32)
        else:
            continue
        cover = _outline_cover(ink, outline, max(1, round(0.08 * cm)))
        if cover < STAMP_COVER or any(_same(outline / f, o) for _, o, _ in out):
            continue
        out.append((shape, outline / f, cover))
    return out


def _box_fill(poly: np.ndarray) -> float:
    """Share of its bounding box a quadrilateral fills (1 when upright; less when the stamp is turned a little)."""
    import cv2

    x, y, w, h = cv2.boundingRect(poly)
    return cv2.contourArea(poly) / max(1, w * h)


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
    """Whether a rectangle of ink is part of a table: a ruling inside it, or a side running on past a corner."""
    import cv2

    x, y, w, h = cv2.boundingRect(quad.astype(np.int32))
    m = max(2, round(0.25 * cm))
    inner = ink[y + m:y + h - m, x + m:x + w - m]
    if inner.size and any(cv2.morphologyEx(inner, cv2.MORPH_OPEN, k).any()
                          for k in (np.ones((1, max(3, int(0.85 * (w - 2 * m)))), np.uint8),
                                    np.ones((max(3, int(0.85 * (h - 2 * m))), 1), np.uint8))):
        return True
    d = max(3, round(0.3 * cm))
    runs = [((x, y), (-1, 0)), ((x + w - 1, y), (1, 0)), ((x, y + h - 1), (-1, 0)), ((x + w - 1, y + h - 1), (1, 0)),
            ((x, y), (0, -1)), ((x + w - 1, y), (0, -1)), ((x, y + h - 1), (0, 1)), ((x + w - 1, y + h - 1), (0, 1))]
    near = cv2.dilate(ink, np.ones((3, 3), np.uint8)) > 0
    steps = np.arange(2, d + 2)
    on = 0
    for (cx, cy), (dx, dy) in runs:
        xs, ys = cx + dx * steps, cy + dy * steps
        ok = (xs >= 0) & (xs < ink.shape[1]) & (ys >= 0) & (ys < ink.shape[0])
        on += ok.all() and near[ys, xs].mean() >= 0.8
    return on >= 2


def _erase_stamp(out: np.ndarray, level: float, outline: np.ndarray, dpi: int, paper: float) -> tuple[int, int, int, int]:
    """Whiten a stamp's outline and the ink inside it that no printed row leads into; returns its box."""
    import cv2

    h, w = out.shape
    pad = round(0.15 * dpi / 2.54)
    x0, y0 = max(0, int(outline[:, 0].min()) - pad), max(0, int(outline[:, 1].min()) - pad)
    x1, y1 = min(w, int(outline[:, 0].max()) + pad + 1), min(h, int(outline[:, 1].max()) + pad + 1)
    crop = out[y0:y1, x0:x1]
    poly = np.rint(outline - (x0, y0)).astype(np.int32)
    line, fill = np.zeros(crop.shape, np.uint8), np.zeros(crop.shape, np.uint8)
    cv2.polylines(line, [poly], True, 1, thickness=2 * pad)
    cv2.fillPoly(fill, [poly], 1)
    cink = crop < level
    parts = cink & (line > 0)
    mark = (fill > 0) | (line > 0)
    crop[mark & _mark_ink(cink, parts, ~mark, dpi)] = int(paper)
    return x0 + pad, y0 + pad, x1 - pad, y1 - pad


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


def _mark_ink(ink: np.ndarray, parts: np.ndarray, outside: np.ndarray, dpi: int) -> np.ndarray:
    """A mark's ink in a crop: its outline `parts`, and the glyphs inside it that no printed row leads into from
    `outside` the mark (printed glyphs are kept, chained glyph by glyph to the row they belong to, and the
    outline's ink across a printed glyph is left to it)."""
    import cv2

    rest = ink & ~parts
    n, labels, stats, _ = cv2.connectedComponentsWithStats(rest.astype(np.uint8), connectivity=8)
    if n <= 1:
        return parts
    glyph = stats[:, 3] <= GLYPH_MAX_CM * dpi / 2.54
    kept = {k for k in np.unique(labels[outside & rest]).tolist() if k and glyph[k]}
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
    size = max(3, round(0.2 * dpi / 2.54))
    printed = np.isin(labels, list(kept)).astype(np.uint8)
    bridged = cv2.morphologyEx(printed, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8)) > 0
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
    for k in range(1, n):
        x, y, w, h, _ = stats[k]
        if h < SIGN_TALL * gh or w < SIGN_WIDE * gh or w > 12 * cm or h > 6 * cm:
            continue
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
