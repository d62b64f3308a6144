"""Second opinion for unsure lines: re-read low-confidence lines with another model in one Tesseract call.

The crops of a page's unsure lines are stacked into one strip image, so the second model is loaded
once per page and only pages with unsure lines pay for it. A line is replaced only when the second
read is clearly more confident.
"""

from __future__ import annotations

import numpy as np

from ..models import Line, Word
from . import layout, tesseract

UNSURE = 85.0
"""Lines whose mean word confidence is below this are re-read."""
GAIN = 5.0
"""How much more confident the second read must be to replace the first."""


def unsure_lines(lines: list[Line]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln.confidence is not None and ln.confidence < UNSURE and ln.bbox]


def reread(gray: np.ndarray, lines: list[Line], *, lang: str, dpi: int, tessdata_dir: str | None = None,
           timeout: float = 0) -> tuple[list[Line], int]:
    """Lines with unsure ones re-read by `lang`; returns the new lines and how many were replaced."""
    idx = unsure_lines(lines)
    if not idx:
        return lines, 0
    pad, gap = 12, 40
    crops = []
    h_img, w_img = gray.shape
    y = gap
    for i in idx:
        x0, y0, x1, y1 = lines[i].bbox
        x0, y0 = max(0, x0 - pad), max(0, y0 - pad)
        x1, y1 = min(w_img, x1 + pad), min(h_img, y1 + pad)
        crop = gray[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        crops.append((i, crop, x0, y0, y))
        y += crop.shape[0] + gap
    if not crops:
        return lines, 0
    width = max(c[1].shape[1] for c in crops) + 2 * gap
    strip = np.full((y, width), 255, dtype=np.uint8)
    for _, crop, _, _, sy in crops:
        strip[sy : sy + crop.shape[0], gap : gap + crop.shape[1]] = crop
    data = tesseract.image_to_data(strip, lang=lang, dpi=dpi, psm=6, tessdata_dir=tessdata_dir, timeout=timeout)
    words = [w for _, w in layout.words_from_data(data)]
    out = list(lines)
    replaced = 0
    for i, crop, x0, y0, sy in crops:
        band = [w for w in words if sy <= (w.bbox[1] + w.bbox[3]) / 2 < sy + crop.shape[0]]
        if not band:
            continue
        band.sort(key=lambda w: w.bbox[0])
        conf = sum(w.confidence for w in band) / len(band)
        old = lines[i]
        if conf < (old.confidence or 0) + GAIN or not 0.7 <= len(band) / max(1, len(old.words)) <= 1.3:
            continue
        dx, dy = x0 - gap, y0 - sy
        moved = [Word(text=w.text, bbox=(w.bbox[0] + dx, w.bbox[1] + dy, w.bbox[2] + dx, w.bbox[3] + dy),
                      confidence=w.confidence) for w in band]
        out[i] = old.model_copy(update={"text": " ".join(w.text for w in moved), "words": moved, "confidence": round(conf, 1)})
        replaced += 1
    return out, replaced
