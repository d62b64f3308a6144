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

from dataclasses import dataclass

import numpy as np

from .ink import within
from .outlines import stamp_outlines
from .ovals import oval_rings, polish_oval, snap_oval
from .seals import erase_seal, find_seals, fit_ring
from .signatures import find_signatures
from .stamp_ink import erase_stamp

__all__ = ["ShapeMarks", "shape_marks", "stamp_outlines"]


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
    for x, y, radius, cover in find_seals(gray, dpi, paper):
        out = np.array(gray) if out is gray else out
        cx, cy, r = fit_ring(gray, level, x, y, radius, dpi)
        r *= 1.08
        box = (max(0, int(cx - r)), max(0, int(cy - r)), min(gray.shape[1], int(cx + r) + 1), min(gray.shape[0], int(cy + r) + 1))
        found.append(("seal", box, round(cover, 2), erase_seal(out, level, (cx, cy, r), dpi, paper)))
    for shape, _, cover, rings in stamp_outlines(out, dpi, paper):
        out = np.array(gray) if out is gray else out
        if shape == "oval":
            rings = oval_rings(out, level, polish_oval(out, level, snap_oval(out, level, rings[0], dpi), dpi), dpi)
        found.append(("stamp", erase_stamp(out, level, rings, dpi, paper), round(cover, 2), f"{shape} outline"))
    stamps = [box for kind, box, _, _ in found if kind == "stamp"]
    for (x0, y0, x1, y1), conf, mask in find_signatures(out, dpi, paper, level):
        if any(within((x0, y0, x1, y1), box) >= 0.5 for box in stamps):
            continue  # printed words a stamp's text merged with, kept when the stamp was whitened
        out = np.array(gray) if out is gray else out
        out[y0:y1, x0:x1][cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0] = int(paper)
        found.append(("signature", (x0, y0, x1, y1), conf, "strokes"))
    return ShapeMarks(out, found) if found else None
