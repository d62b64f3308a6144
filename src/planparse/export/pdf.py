"""Searchable PDF: the input's pages kept as they are, with an invisible layer of the repaired words grafted on.

The text layer is drawn by fpdf2 (a real TrueType font, subset and embedded with a ToUnicode map, text in
render mode 3, each word stretched to its box) as a text-only page the size of the input page; pikepdf
then puts that page over the original one as a Form XObject (as OCRmyPDF grafts its layer), so the page
image streams are not touched. Born-digital pages with a good text layer are passed through unchanged;
image inputs are first wrapped into PDF pages by img2pdf (JPEG kept as it is).
"""

from __future__ import annotations

import contextlib
import io
import math
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import UnsupportedInput
from ..models import Document, Page, Section
from .words import line_tokens, short

FONT_CANDIDATES = ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
                   "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
                   "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
"""A sans TrueType font with every Vietnamese letter (fonts-liberation2 in the Makefile); only its ToUnicode
map and advance widths matter, the glyphs are never painted."""
ASCENT, DESCENT = 0.905, 0.212
"""Liberation Sans ascender and descender in em: a line box of height h holds a font of size h / (A + D)."""
MIN_GAP = 0.2
"""Least space between two words, in em: poppler (and viewers) see no word break in a narrower gap."""
MAX_UPRIGHT = 3.0
"""Lines tilted less than this (degrees) are written level, word by word at their own height: poppler and
viewers read rotated runs as separate columns, and a 3° tilt moves a word by under a tenth of its height."""


@dataclass(frozen=True)
class Frame:
    """How a page's OCR pixel coordinates map onto its PDF page.

    `src_w`, `src_h`: size of the image OCR started from (before upscale, deskew and quarter turns), in any unit;
    `display`: True when that image was the page as displayed (a poppler render, /Rotate applied), False when it
    was the raw page image (user space); `rotate`: the page's /Rotate; `width`, `height`: user-space size in pt.
    """

    src_w: float
    src_h: float
    display: bool
    rotate: int
    width: float
    height: float


def font_path() -> str:
    """The installed font for the text layer; a clear error when none is (make install adds fonts-liberation2)."""
    for p in FONT_CANDIDATES:
        if Path(p).is_file():
            return p
    raise UnsupportedInput("no Vietnamese-capable font for the PDF text layer: install fonts-liberation2 (make install)")


def to_pdf(doc: Document, *, visible: bool = False) -> bytes:
    """The searchable PDF as bytes; `visible` paints the text layer (for checking its placement by eye)."""
    import pikepdf

    src = Path(doc.source.path)
    if doc.source.kind == "text":
        raise UnsupportedInput("a PDF output needs a PDF or image input (this one is plain text)", str(src))
    if not src.is_file():
        raise UnsupportedInput("the source file is gone; the PDF is built on its page images", str(src))
    pdf = pikepdf.open(io.BytesIO(_image_pdf(src)) if doc.source.kind == "image" else src)
    frames = _frames(src, pdf, doc.source.kind == "image")
    ocr_pages = [p for p in doc.pages if p.origin == "ocr" and p.lines and p.number - 1 < len(pdf.pages)]
    if ocr_pages:
        layer = pikepdf.open(io.BytesIO(text_layer(ocr_pages, frames, visible=visible)))
        for i, page in enumerate(ocr_pages):
            _graft(pdf.pages[page.number - 1], layer.pages[i])
    _metadata(pdf, doc)
    _outline(pdf, doc.sections)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _graft(target, layer_page) -> None:
    """Put the text page over the target page in user space (the layer is drawn unrotated, so /Rotate is set
    aside while pikepdf places it: pikepdf would otherwise turn the overlay upright for the viewer)."""
    import pikepdf

    rotate = target.obj.get("/Rotate")
    if rotate is not None:
        del target.obj["/Rotate"]
    try:
        target.add_overlay(layer_page, pikepdf.Rectangle(target.mediabox))
    finally:
        if rotate is not None:
            target.obj["/Rotate"] = rotate


def _image_pdf(path: Path) -> bytes:
    """Image input as PDF pages at the image's own resolution (img2pdf: JPEG and CCITT passed through)."""
    import img2pdf

    from ..ocr.preprocess import guess_dpi
    from ..sources.image import open_image

    img = open_image(path)
    layout = {}
    if not img.info.get("dpi"):
        dpi = guess_dpi(_Shape(img.size[1], img.size[0]), None)  # type: ignore[arg-type]  # only .shape is read
        layout = {"layout_fun": img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))}
    return img2pdf.convert(str(path), rotation=img2pdf.Rotation.ifvalid, **layout)


@dataclass(frozen=True)
class _Shape:
    """Stands in for a pixel array where only its shape is read."""

    h: int
    w: int

    @property
    def shape(self) -> tuple[int, int]:
        return self.h, self.w


def _frames(src: Path, pdf, is_image: bool) -> list[Frame]:
    """Per page of `pdf`, the frame OCR read it in (the same choice of pixels as sources.plan makes)."""
    from ..sources import plan

    methods = {} if is_image else {job.index: job.method for job in plan(src, force_ocr=True).jobs}
    frames = []
    for i, page in enumerate(pdf.pages):
        box = page.mediabox
        w, h = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        rotate = int(page.obj.get("/Rotate", 0)) % 360
        image = _only_image(page) if is_image or methods.get(i) == "pdf-image" else None
        if image is not None:
            frames.append(Frame(float(image.Width), float(image.Height), False, rotate, w, h))
        else:
            dw, dh = (h, w) if rotate in (90, 270) else (w, h)
            frames.append(Frame(dw, dh, True, rotate, w, h))
    return frames


def _only_image(page):
    images = list(page.get_images().values())
    return images[0] if len(images) == 1 else None


def to_user(page: Page, frame: Frame, x: float, y: float) -> tuple[float, float]:
    """A point of the OCR image → PDF user space in points, top-left origin (fpdf2's convention)."""
    u, v = to_source(page, frame.src_w, frame.src_h, x, y)
    if frame.display:
        u, v = {0: (u, v), 90: (v, 1 - u), 180: (1 - u, 1 - v), 270: (1 - v, u)}[frame.rotate]
    return u * frame.width, v * frame.height


def to_source(page: Page, src_w: float, src_h: float, x: float, y: float) -> tuple[float, float]:
    """A point of the OCR image → fraction (0-1) of the image OCR started from: undo the quarter turn, deskew, upscale."""
    k = (page.rotation // 90) % 4
    w2, h2 = (page.height, page.width) if k % 2 else (page.width, page.height)
    x, y = {0: (x, y), 1: (y, h2 - x), 2: (w2 - x, h2 - y), 3: (w2 - y, x)}[k]
    a = math.radians(page.skew)
    c, s = math.cos(a), math.sin(a)
    scale = w2 / (src_h * abs(s) + src_w * abs(c))
    w1, h1 = src_w * scale, src_h * scale
    dx, dy = x - w2 / 2, y - h2 / 2
    x1, y1 = c * dx - s * dy + w1 / 2, s * dx + c * dy + h1 / 2
    return x1 / w1, y1 / h1


def text_layer(pages: list[Page], frames: list[Frame], *, visible: bool = False) -> bytes:
    """One text-only page per OCR'd page, the size of its PDF page: every repaired word in its box, in reading order."""
    from fpdf import FPDF
    from fpdf.enums import TextMode

    pdf = FPDF(unit="pt")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.add_font("layer", fname=font_path())
    for page in pages:
        frame = frames[page.number - 1]
        pdf.add_page(format=(frame.width, frame.height))
        pdf.set_font("layer", size=10)
        pdf.text_mode = TextMode.FILL if visible else TextMode.INVISIBLE
        for line in page.lines:
            _draw_line(pdf, page, frame, line)
    return bytes(pdf.output())


def _draw_line(pdf, page: Page, frame: Frame, line) -> None:
    """The line's tokens along one baseline (rotated with the scan's skew), each stretched to its box, a space
    stretched over each gap so copy-paste and pdftotext get the words apart."""
    tokens = line_tokens(line)
    if not tokens:
        return
    top = min(t.bbox[1] for t in tokens)
    bottom = max(t.bbox[3] for t in tokens)
    base = bottom - DESCENT / (ASCENT + DESCENT) * (bottom - top)
    ox, oy = to_user(page, frame, tokens[0].bbox[0], base)
    ex, ey = to_user(page, frame, tokens[-1].bbox[2], base)
    length = math.hypot(ex - ox, ey - oy)
    if length <= 0:
        return
    ux, uy = (ex - ox) / length, (ey - oy) / length

    def along(x: float) -> float:
        px, py = to_user(page, frame, x, base)
        return (px - ox) * ux + (py - oy) * uy

    tx, ty = to_user(page, frame, tokens[0].bbox[0], top)
    size = max(math.hypot(tx - ox, ty - oy) / ASCENT, 1.0)
    pdf.set_font_size(size)
    spans = spaced([(along(t.bbox[0]), along(t.bbox[2])) for t in tokens], MIN_GAP * size)
    angle = -math.degrees(math.atan2(uy, ux))
    upright = abs(angle) < MAX_UPRIGHT
    with contextlib.nullcontext() if upright else pdf.rotation(angle, ox, oy):
        for i, (tok, (start, end)) in enumerate(zip(tokens, spans)):
            y = to_user(page, frame, tok.bbox[0], base)[1] if upright else oy
            _run(pdf, unicodedata.normalize("NFC", tok.text), ox + start, y, end - start)
            if i + 1 < len(tokens):
                _run(pdf, " ", ox + end, y, spans[i + 1][0] - end)
    pdf.set_stretching(100)


def spaced(spans: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Word extents along the baseline with at least `gap` between neighbours (OCR boxes may touch or overlap):
    a word gives up to 40 % of its width on the right, then the next one moves right."""
    out: list[tuple[float, float]] = []
    for start, end in spans:
        width = max(end - start, gap)
        if out:
            ps, pe = out[-1]
            if start - pe < gap:
                pe = max(min(pe, start - gap), ps + 0.6 * (pe - ps))
                out[-1] = (ps, pe)
                start = max(start, pe + gap)
        out.append((start, max(end, start + 0.6 * width)))
    return out


def _run(pdf, text: str, x: float, y: float, width: float) -> None:
    """`text` with its baseline starting at (x, y), horizontally scaled to `width` points."""
    pdf.set_stretching(100)
    natural = pdf.get_string_width(text)
    if natural <= 0:
        return
    pdf.set_stretching(max(100 * width / natural, 1.0))
    pdf.text(x, y, text)


def _metadata(pdf, doc: Document) -> None:
    """Title = summary, subject = number/symbol, creation date = date of issue, in the info dictionary and XMP."""
    h = doc.header
    title = h.summary or (h.doc_type or "") or Path(doc.source.path).stem
    subject = h.number or ""
    created = datetime(h.date.year, h.date.month, h.date.day) if h.date else None
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        if subject:
            meta["dc:description"] = subject
        if created:
            meta["xmp:CreateDate"] = created.isoformat()
        meta["xmp:CreatorTool"] = "planparse"
    import pikepdf

    pdf.docinfo[pikepdf.Name.Title] = title
    if subject:
        pdf.docinfo[pikepdf.Name.Subject] = subject
    if created:
        pdf.docinfo[pikepdf.Name.CreationDate] = created.strftime("D:%Y%m%d%H%M%S")


OUTLINE_KINDS = ("part", "roman", "arabic", "decimal", "letter")
"""Numbered section styles that become bookmarks; dash and plus list items do not."""


def _outline(pdf, sections: list[Section]) -> None:
    """Bookmarks from the section tree: numbered and titled nodes, nested as in the document."""
    from pikepdf import OutlineItem

    def items(nodes: list[Section]) -> list:
        out = []
        for s in nodes:
            kids = items(s.children)
            if (s.title or s.kind in OUTLINE_KINDS) and s.page and s.page <= len(pdf.pages):
                label = " ".join(x for x in (s.number, s.title or short(s.text)) if x)
                item = OutlineItem(label, s.page - 1)
                item.children.extend(kids)
                out.append(item)
            else:
                out.extend(kids)
        return out

    found = items(sections)
    if found:
        with pdf.open_outline() as outline:
            outline.root.extend(found)
