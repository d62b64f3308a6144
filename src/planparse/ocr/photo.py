"""Phone photos of pages: EXIF orientation, the page found on the desk and its perspective undone.

A scan, where the paper fills the image, is left alone: the page outline must be a clear quadrilateral
that leaves some background around it.
"""

from __future__ import annotations

import numpy as np

WORK_SIDE = 800
"""Longest side (px) of the copy the page outline is searched on."""
MIN_AREA, MAX_AREA = 0.3, 0.93
"""Share of the image the page outline must cover: smaller is no page, larger means no desk is visible."""


def upright(pil_image):
    """The image turned as its EXIF orientation tag says (phones store the sensor's orientation)."""
    try:
        orientation = pil_image.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - a broken EXIF block is no reason to lose the page
        return pil_image
    if orientation in (None, 1):
        return pil_image
    from PIL import ImageOps

    return ImageOps.exif_transpose(pil_image)


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = quad.sum(axis=1), np.diff(quad, axis=1).ravel()
    return np.array([quad[np.argmin(s)], quad[np.argmin(d)], quad[np.argmax(s)], quad[np.argmax(d)]], dtype=np.float32)


def find_page(gray: np.ndarray) -> np.ndarray | None:
    """The four corners (tl, tr, br, bl; image pixels) of a sheet lying on a darker background, or None."""
    import cv2

    h, w = gray.shape
    f = WORK_SIDE / max(h, w)
    small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray.copy()
    f = min(f, 1.0)
    small = cv2.GaussianBlur(small, (7, 7), 0)
    area = small.shape[0] * small.shape[1]
    masks = []
    edges = cv2.dilate(cv2.Canny(small, 30, 90), np.ones((3, 3), np.uint8))
    masks.append((edges, cv2.RETR_LIST))
    _, paper = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((25, 25), np.uint8))
    masks.append((paper, cv2.RETR_EXTERNAL))
    for mask, mode in masks:
        contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
        for c in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            hull = cv2.convexHull(c)
            share = cv2.contourArea(hull) / area
            if share < MIN_AREA:
                break
            if share > MAX_AREA:
                continue
            quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
            if len(quad) == 4 and _on_desk(small, quad) and _sheet_shaped(_order(quad.reshape(4, 2).astype(np.float32))):
                return _order(quad.reshape(4, 2).astype(np.float32) / f)
    return None


DESK_CONTRAST = 40
"""How much darker than the paper inside the outline its surroundings must be: a text block, a ruled table or
a scan's white margin is no sheet on a desk."""


SHEET_ASPECT = (1.25, 1.6)
"""Long side over short side of the sheets looked for: A4 and A5 (1.41), Letter (1.29), Legal (1.65 is out)."""


def _sheet_shaped(quad: np.ndarray) -> bool:
    """Whether the outline, squared up, has the proportions of a sheet of paper."""
    tl, tr, br, bl = quad
    w = float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    h = float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    ratio = max(w, h) / max(1.0, min(w, h))
    return SHEET_ASPECT[0] <= ratio <= SHEET_ASPECT[1]


def _on_desk(small: np.ndarray, quad: np.ndarray) -> bool:
    """Whether the outline holds paper that is clearly brighter than what lies around it."""
    import cv2

    inside = np.zeros(small.shape, np.uint8)
    cv2.fillConvexPoly(inside, quad.reshape(-1, 2).astype(np.int32), 1)
    paper, around = small[inside > 0], small[inside == 0]
    return around.size > 0 and float(np.percentile(paper, 75)) - float(np.median(around)) >= DESK_CONTRAST


def unwarp_matrix(quad: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """Perspective matrix taking the page quadrilateral to an upright rectangle, and that rectangle's size."""
    import cv2

    tl, tr, br, bl = quad
    width = int(round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    height = int(round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    dst = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32)
    return cv2.getPerspectiveTransform(quad, dst), (width, height)
