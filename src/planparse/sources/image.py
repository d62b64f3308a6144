"""Raster inputs (PNG, JPEG, multi-page TIFF) and decoding of page images, with a size guard.

Every page leaves here as 8-bit greyscale ("L"), converted from whatever mode the file holds:
16-bit grey is scaled (not clipped), transparency is laid on white, CMYK goes through RGB.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from ..errors import InputError
from .pdf import _one_line

MAX_PIXELS = 180_000_000
"""Largest page image decoded (≈ A2 at 600 dpi); larger is refused as unsafe (decompression bombs)."""
MIN_SIDE = 16
"""Narrower or shorter images hold no readable text and break the clean-up steps; refused."""
MAX_ASPECT = 50
"""Images longer than this many times their width (or wider than tall) are strips, not pages; refused."""


def _pil():
    """PIL.Image with Pillow's own bomb limit set to ours, in whatever process decodes an image."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    return Image


def open_image(path: Path | None = None, data: bytes | None = None, *, label: str = ""):
    """Open an image lazily and refuse it before decoding when it is corrupt, too large or too small."""
    Image = _pil()
    from PIL import UnidentifiedImageError

    name = label or (str(path) if path else "image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            img = Image.open(path if data is None else io.BytesIO(data))
    except UnidentifiedImageError:
        raise InputError("unreadable image (not a valid PNG, JPEG or TIFF)", name) from None
    except Image.DecompressionBombError:
        raise InputError(f"image too large to process safely (limit {MAX_PIXELS // 1_000_000} Mpx)", name) from None
    except OSError as exc:
        raise InputError(f"unreadable image ({exc})", name) from None
    check_size(img.size, name)
    return img


def check_size(size: tuple[int, int], name: str) -> None:
    """Refuse pages too large to decode safely or too small to hold text, before any decoding."""
    w, h = size
    if w <= 0 or h <= 0:
        raise InputError("image has no pixels", name)
    if w * h > MAX_PIXELS:
        raise InputError(f"image too large to process safely ({w}×{h} pixels, limit {MAX_PIXELS // 1_000_000} Mpx)", name)
    if min(w, h) < MIN_SIDE:
        raise InputError(f"image too small to hold text ({w}×{h} pixels, at least {MIN_SIDE} each way)", name)
    if max(w, h) > MAX_ASPECT * min(w, h):
        raise InputError(f"image is a {w}×{h} strip, not a page (sides differ more than {MAX_ASPECT} times)", name)


def frame_count(path: Path) -> int:
    """Number of pages in an image file (TIFFs may hold several)."""
    img = open_image(path)
    return int(getattr(img, "n_frames", 1) or 1)


def readable_frames(path: Path, count: int) -> tuple[list[int], list[tuple[int, str]]]:
    """Frames of a multi-page image that decode, and (frame, reason) for those that do not.

    One frame is decoded at a time and dropped, so memory stays that of one page. A single-frame
    image is left to `load_frame`; when no frame decodes the whole file is refused.
    """
    if count <= 1:
        return [0], []
    good, bad = [], []
    for i in range(count):
        try:
            load_frame(path, i)
            good.append(i)
        except InputError as exc:
            bad.append((i, f"page {i + 1} of the image is unreadable ({exc.message})"))
    if not good:
        raise InputError(f"none of the {count} pages of the image can be decoded", str(path))
    return good, bad


def load_frame(path: Path, frame: int = 0, *, pixels: bool = False):
    """Decode one frame of an image file to an 8-bit "L" or "RGB" PIL image on white, with its resolution in dpi if recorded.

    `pixels`: an upright 8-bit JPEG is decoded by OpenCV straight into an array (`PIXELS` on the image: see jpeg_pixels),
    the PIL image left undecoded and closed; for callers that read the pixels only through `ocr.preprocess.prepare`."""
    img = open_image(path)
    try:
        if frame:
            img.seek(frame)
            check_size(img.size, str(path))
        dpi = img.info.get("dpi")
        if pixels and not frame and (px := jpeg_pixels(path, img)) is not None:
            img.close()
            setattr(img, PIXELS, px)
            return img, _dpi(dpi)
        img.load()
        return on_white(img), _dpi(dpi)
    except InputError:
        raise
    except (OSError, EOFError, ValueError, SyntaxError) as exc:
        raise InputError(f"corrupt or truncated image ({_one_line(exc)})", str(path)) from None


PIXELS = "planparse_pixels"
"""Attribute of a PIL image (load_frame(pixels=True)) holding its pixels as decoded by jpeg_pixels."""


def jpeg_pixels(path: Path, img):
    """An upright 8-bit "L" or "RGB" JPEG's pixels (RGB order) decoded by OpenCV, else None (other files, an EXIF turn, a
    file that does not end in the JPEG end marker, a decoder error: Pillow decodes those and refuses what is corrupt).
    The same pixels as Pillow's decode (both libjpeg-turbo: equal on all 128 bench_realpages tuning pages), without
    Pillow's 4-bytes-a-pixel copy and its copy into numpy: decoded and made gray, a 2167x2955 photo 106 -> 74 ms."""
    if img.format != "JPEG" or img.mode not in ("L", "RGB") or getattr(img, "n_frames", 1) != 1:
        return None
    try:
        if img.getexif().get(0x0112, 1) not in (None, 1):
            return None
        data = path.read_bytes()
    except Exception:  # noqa: BLE001 - Pillow's own decode says what is wrong
        return None
    if not data.rstrip(b"\0").endswith(b"\xff\xd9"):
        return None
    import cv2
    import numpy as np

    px = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED | cv2.IMREAD_IGNORE_ORIENTATION)
    want = (img.size[1], img.size[0]) + ((3,) if img.mode == "RGB" else ())
    if px is None or px.dtype != np.uint8 or px.shape != want:
        return None
    return cv2.cvtColor(px, cv2.COLOR_BGR2RGB) if px.ndim == 3 else px


def decode(data: bytes, label: str):
    """Decode encoded image bytes (e.g. a PDF page's JPEG) to "L" or "RGB" on white, with the size guard."""
    img = open_image(data=data, label=label)
    try:
        img.load()
        return on_white(img)
    except (OSError, EOFError, ValueError, SyntaxError) as exc:
        raise InputError(f"corrupt page image ({_one_line(exc)})", label) from None


def on_white(img):
    """An 8-bit image of any Pillow mode as the page would look printed on white: "L" for grey modes,
    "RGB" for colour ones (the OCR stage finds seals and signatures by their colour).

    16- and 32-bit grey is scaled to 8 bits (Pillow's own convert clips it to black and white);
    any transparency (alpha, LA, PA, palette transparency) is composited over white.
    """
    Image = _pil()
    mode = img.mode
    if mode in ("L", "RGB"):
        return img
    if mode == "1":
        return img.convert("L")
    if mode.startswith("I") or mode == "F":
        return _scale_deep(img)
    if mode == "P" and "transparency" not in img.info:
        return img.convert("RGB")
    if mode in ("P", "PA", "LA", "La", "RGBA", "RGBa"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(white, rgba)
        return flat.convert("L") if mode in ("LA", "La") else flat.convert("RGB")
    return img.convert("RGB")


def to_gray(img):
    """An 8-bit greyscale ("L") image of any Pillow mode, as the page would look printed on white."""
    flat = on_white(img)
    return flat if flat.mode == "L" else flat.convert("L")


def _scale_deep(img):
    """Greyscale deeper than 8 bits to 8 bits by its declared range (16-bit: 0-65535)."""
    import numpy as np

    Image = _pil()
    arr = np.asarray(img, dtype=np.float64)
    top = 65535.0 if img.mode.startswith("I;16") or arr.max(initial=0) > 255 else 255.0
    out = np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(out)


def _dpi(value) -> int | None:
    try:
        d = round(float(value[0]))
    except (TypeError, ValueError, IndexError):
        return None
    return d if 30 <= d <= 2400 else None
