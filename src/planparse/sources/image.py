"""Raster inputs (PNG, JPEG, multi-page TIFF) and decoding of page images, with a size guard."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from ..errors import InputError

MAX_PIXELS = 180_000_000
"""Largest page image decoded (≈ A2 at 600 dpi); larger is refused as unsafe (decompression bombs)."""


def _pil():
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    return Image


def open_image(path: Path | None = None, data: bytes | None = None, *, label: str = ""):
    """Open an image lazily and refuse it before decoding when it is corrupt or too large."""
    Image = _pil()
    from PIL import UnidentifiedImageError

    name = label or (str(path) if path else "image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img = Image.open(path if data is None else io.BytesIO(data))
    except UnidentifiedImageError:
        raise InputError("unreadable image (not a valid PNG, JPEG or TIFF)", name) from None
    except OSError as exc:
        raise InputError(f"unreadable image ({exc})", name) from None
    w, h = img.size
    if w <= 0 or h <= 0:
        raise InputError("image has no pixels", name)
    if w * h > MAX_PIXELS:
        raise InputError(f"image too large to process safely ({w}×{h} pixels, limit {MAX_PIXELS // 1_000_000} Mpx)", name)
    return img


def frame_count(path: Path) -> int:
    """Number of pages in an image file (TIFFs may hold several)."""
    img = open_image(path)
    return int(getattr(img, "n_frames", 1) or 1)


def load_frame(path: Path, frame: int = 0):
    """Decode one frame of an image file to an RGB/L PIL image, with its resolution in dpi if recorded."""
    img = open_image(path)
    try:
        if frame:
            img.seek(frame)
        dpi = img.info.get("dpi")
        img.load()
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"corrupt or truncated image ({exc})", str(path)) from None
    return img, _dpi(dpi)


def decode(data: bytes, label: str):
    """Decode encoded image bytes (e.g. a PDF page's JPEG) with the size guard."""
    img = open_image(data=data, label=label)
    try:
        img.load()
    except (OSError, EOFError, ValueError) as exc:
        raise InputError(f"corrupt page image ({exc})", label) from None
    return img


def _dpi(value) -> int | None:
    try:
        d = round(float(value[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return d if 30 <= d <= 2400 else None
