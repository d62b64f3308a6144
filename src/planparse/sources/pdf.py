"""Everything planparse reads from PDFs: structure, embedded page images, renders, text layers."""

from __future__ import annotations

import functools
import logging
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .text import diacritic_ratio, vietnamese_score

log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)

RENDER_DPI = 300
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class PdfPageInfo:
    """What a page holds: its size in points, its images, whether it has a text layer."""

    index: int
    width_pt: float
    height_pt: float
    rotation: int
    image_count: int
    full_page_image: bool
    image_dpi: int | None
    image_filter: str | None
    has_text: bool


@functools.lru_cache(maxsize=4)
def _reader(path: str, mtime: float):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
    except (PdfReadError, ValueError, OSError, KeyError, TypeError) as exc:
        raise InputError(f"corrupt or truncated PDF ({_one_line(exc)})", path) from None
    except Exception as exc:  # pypdf raises many internal types on malformed files
        raise InputError(f"corrupt or truncated PDF ({_one_line(exc)})", path) from None
    if reader.is_encrypted:
        try:
            ok = bool(reader.decrypt(""))
        except Exception:  # noqa: BLE001 - any failure to open with the empty password: reported as encrypted below
            ok = False
        if not ok:
            raise InputError("encrypted PDF (password required)", path)
    return reader


def open_pdf(path: Path):
    """A pypdf reader for the file, with clear errors for corrupt, truncated and encrypted PDFs."""
    reader = _reader(str(path), path.stat().st_mtime)
    try:
        n = len(reader.pages)
    except Exception as exc:
        raise InputError(f"corrupt or truncated PDF ({_one_line(exc)})", str(path)) from None
    if n == 0:
        raise InputError("PDF has no pages", str(path))
    return reader


def inspect(path: Path) -> list[PdfPageInfo]:
    """Per-page facts used to choose between embedded image, render and text layer."""
    reader = open_pdf(path)
    infos = []
    for i, page in enumerate(reader.pages):
        try:
            infos.append(_page_info(i, page))
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"corrupt PDF page {i + 1} ({_one_line(exc)})", str(path)) from None
    return infos


def _page_info(index: int, page) -> PdfPageInfo:
    box = page.mediabox
    w, h = float(box.width), float(box.height)
    rotation = int(page.get("/Rotate", 0) or 0) % 360
    images = _image_xobjects(page)
    has_text = _has_text_ops(page)
    full, dpi, filt = False, None, None
    if len(images) == 1:
        obj = images[0]
        iw, ih = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
        pw, ph = (h, w) if rotation in (90, 270) else (w, h)
        if iw and ih and pw and ph:
            ratio_img, ratio_page = iw / ih, pw / ph
            if abs(ratio_img - ratio_page) / ratio_page < 0.03 or abs(ih / iw - ratio_page) / ratio_page < 0.03:
                full = True
                dpi = round(max(iw, ih) / (max(pw, ph) / 72))
        f = obj.get("/Filter")
        if isinstance(f, list):
            f = f[-1] if len(f) == 1 else "/multi"
        filt = str(f) if f is not None else None
    return PdfPageInfo(index, w, h, rotation, len(images), full, dpi, filt, has_text)


def _image_xobjects(page) -> list:
    res = page.get("/Resources")
    if res is None:
        return []
    res = res.get_object()
    xobjs = res.get("/XObject")
    if xobjs is None:
        return []
    out = []
    for _name, ref in xobjs.get_object().items():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            out.append(obj)
        elif obj.get("/Subtype") == "/Form":
            out.extend(_form_images(obj))
    return out


def _form_images(form) -> list:
    res = form.get("/Resources")
    if res is None:
        return []
    xobjs = res.get_object().get("/XObject")
    if xobjs is None:
        return []
    return [r.get_object() for r in xobjs.get_object().values() if r.get_object().get("/Subtype") == "/Image"]


def _has_text_ops(page) -> bool:
    res = page.get("/Resources")
    if res is None or res.get_object().get("/Font") is None:
        return False
    try:
        data = page.get_contents()
        raw = data.get_data() if data is not None else b""
    except Exception:  # noqa: BLE001 - unreadable content: assume text, the layer check then decides OCR or not
        return True
    return b"Tj" in raw or b"TJ" in raw or b"'" in raw


def page_image_bytes(path: Path, index: int) -> tuple[bytes, str] | None:
    """The page's single embedded image as encoded bytes (JPEG passed through untouched), or None."""
    reader = open_pdf(path)
    page = reader.pages[index]
    try:
        images = page.images
        if len(images) != 1:
            return None
        img = images[0]
        name = img.name.lower()
        data = img.data
    except Exception as exc:  # noqa: BLE001 - the page is rendered instead of passing its image through
        log.debug("embedded image extraction failed on page %d: %s", index + 1, exc)
        return None
    kind = "jpeg" if name.endswith((".jpg", ".jpeg")) else "png" if name.endswith(".png") else name.rsplit(".", 1)[-1]
    return data, kind


def render_page(path: Path, index: int, dpi: int = RENDER_DPI):
    """Rasterise one page with poppler (pdf2image), grayscale, at `dpi`."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

    from .image import _pil

    Image = _pil()
    try:
        images = convert_from_path(str(path), dpi=dpi, first_page=index + 1, last_page=index + 1, grayscale=True)
    except Image.DecompressionBombError:
        raise InputError(f"PDF page {index + 1} is too large to render safely", str(path)) from None
    except (PDFPageCountError, PDFSyntaxError) as exc:
        raise InputError(f"cannot render PDF page {index + 1} ({_one_line(exc)})", str(path)) from None
    if not images:
        raise InputError(f"cannot render PDF page {index + 1}", str(path))
    return images[0]


@dataclass
class LayerWord:
    text: str
    bbox: tuple[int, int, int, int]


@dataclass
class LayerLine:
    words: list[LayerWord]
    block: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass
class LayerPage:
    index: int
    width: int
    height: int
    lines: list[LayerLine]

    @property
    def text(self) -> str:
        return "\n".join(ln.text for ln in self.lines)


def map_words(page: LayerPage, convert) -> LayerPage:
    """The page with every word's text passed through `convert` (boxes kept)."""
    lines = [LayerLine([LayerWord(convert(w.text), w.bbox) for w in ln.words], ln.block) for ln in page.lines]
    return LayerPage(page.index, page.width, page.height, lines)


def text_layer(path: Path) -> list[LayerPage]:
    """Words, lines and blocks of every page's text layer (poppler's pdftotext -bbox-layout), in points."""
    try:
        proc = subprocess.run(
            ["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(path), "-"],
            capture_output=True, timeout=300, check=False,
        )
    except FileNotFoundError:
        raise InputError("pdftotext not found: install poppler-utils (make install)") from None
    except subprocess.TimeoutExpired:
        raise InputError("reading the PDF text layer timed out", str(path)) from None
    if proc.returncode != 0:
        return []
    return _parse_bbox_layout(proc.stdout)


def _parse_bbox_layout(xml: bytes) -> list[LayerPage]:
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        cleaned = xml.decode("utf-8", errors="replace").encode("utf-8")
        try:
            root = ET.fromstring(cleaned)
        except ET.ParseError:
            return []
    pages = []
    for i, page in enumerate(root.iter(f"{_XHTML}page")):
        lines: list[LayerLine] = []
        for b, block in enumerate(page.iter(f"{_XHTML}block")):
            for line in block.iter(f"{_XHTML}line"):
                words = []
                for w in line.iter(f"{_XHTML}word"):
                    text = unicodedata.normalize("NFC", (w.text or "").strip())
                    if not text:
                        continue
                    bbox = tuple(round(float(w.get(k, 0))) for k in ("xMin", "yMin", "xMax", "yMax"))
                    words.append(LayerWord(text, bbox))  # type: ignore[arg-type]
                if words:
                    lines.append(LayerLine(words, b))
        pages.append(LayerPage(i, round(float(page.get("width", 0))), round(float(page.get("height", 0))), lines))
    return pages


def layer_verdict(text: str) -> str | None:
    """None when a text layer holds real Vietnamese; otherwise the reason to OCR the page instead."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 20:
        return "no usable text layer"
    if text.count("\ufffd") > 2 or sum(0xE000 <= ord(c) <= 0xF8FF for c in text) > 2:
        return "text layer has unmapped glyphs"
    odd = sum(1 for c in text if c in "¸¹¶·µ©ª«¬®¦§¨¯±²³´ºÖÞßøöÑ¥¤¢")
    if odd / max(letters, 1) > 0.01:
        return "text layer is in a legacy Vietnamese font encoding (mojibake)"
    if vietnamese_score(text) < 0.5:
        return "text layer is not Vietnamese"
    if diacritic_ratio(text) < 0.15:
        return "text layer has Vietnamese words without diacritics"
    return None


def _one_line(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    return (msg[0] if msg else type(exc).__name__)[:160]
