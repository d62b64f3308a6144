"""Round seals of grey and black-and-white pages: a Hough circle on a 50-dpi copy confirmed by ink all round a
thin annulus, refined on the full page and whitened (by its lighter tone, or as its rings and the ink inside them
that no printed row leads into)."""

from __future__ import annotations

import numpy as np

from .ink import mark_ink, whiten_lighter

SEAL_R_CM = (1.1, 2.6)
"""Radius range of a round seal (Decree 30 seals are 3-4.5 cm across; some offices' are smaller)."""
RING_COVER = 0.9
"""Share of a circle's angles with ink in its thin annulus for a seal: measured ~1.0 on seals under signatures
and text, at most ~0.75 for circles through paragraphs."""
LOCAL_PAPER_CM = 1.0
"""Ink of the seal search is what is 20 levels darker than the paper within this reach (the brightest pixel there, at
most the page's paper): against the page's paper alone, the dim corner of an unflattened blurred photo was ink all
through, and a 'seal' found there whitened the signer's `CHỦ TỊCH` (bench_broke photo-blur)."""
RING_INK = 0.6
"""Share of a circle's pixels that must be ink for that radius to be part of a seal's ring (ring text: ~0.3)."""
HOUGH_VOTES = 25
"""Votes (centre votes and radius support) a Hough candidate circle needs. Dense print on the 50-dpi copy gives
hundreds of centres with 15-25 votes, each of whose radius OpenCV estimates over all edge points: at 15 the Hough
cost 16-105 ms a page, at 25 2-6 ms; a seal's ring has hundreds of votes. Measured: 25 found the same seals,
stamps and signatures, and whitened the same pixels, as 15 on the 128 tuning pages of bench_realpages and on 103
tuning pages of bench_marks (68 grey/bw, 35 stamped over text); 20 found one more seal (photo-blur); the shape
search fell 95 -> 57 ms a page (realpages tuning, a loaded machine)."""


def find_seals(gray: np.ndarray, dpi: int, paper: float) -> list[tuple[float, float, float, float]]:
    """(cx, cy, r, ring cover) of confirmed round seals, in page pixels."""
    import cv2

    f = min(1.0, 50 / dpi)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
    cm = dpi * f / 2.54
    near = max(3, round(LOCAL_PAPER_CM * cm)) | 1
    local = np.minimum(cv2.dilate(small, np.ones((near, near), np.uint8)).astype(np.float32), paper)
    small_ink = small < local - 20
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (5, 5), 1.2), cv2.HOUGH_GRADIENT, dp=1, minDist=2 * SEAL_R_CM[0] * cm,
                               param1=100, param2=HOUGH_VOTES, minRadius=round(SEAL_R_CM[0] * cm),
                               maxRadius=round(SEAL_R_CM[1] * cm))
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


def fit_ring(gray: np.ndarray, level: float, cx: float, cy: float, r: float, dpi: int) -> tuple[float, float, float]:
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


def erase_seal(out: np.ndarray, level: float, circle: tuple[float, float, float], dpi: int, paper: float) -> str:
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
    if whiten_lighter(crop, cink & _rings(cink, d, r), cink & ~disc, disc, paper):
        return "ring shape, lighter tone"
    crop[disc & _seal_parts(cink, d, r, dpi)] = int(paper)
    return "ring shape"


def _seal_parts(ink: np.ndarray, d: np.ndarray, r: float, dpi: int) -> np.ndarray:
    """The ink of a same-tone seal around a crop: its rings and what `mark_ink` adds to them."""
    return mark_ink(ink, ink & _rings(ink, d, r), d > r, dpi)


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
