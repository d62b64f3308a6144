"""Render Vietnamese administrative text as scan-like pages: fixtures for tests, benchmarks and samples.

A `SynthDoc` is laid out as Decree 30/2020 prescribes (two-column header, centred title, body,
two-column signature block), drawn in a Times-like font, then degraded like a scanner would
(blur, noise, skew, JPEG). Nothing here is used by the pipeline itself.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

FONT_DIRS = ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
             "/usr/share/fonts/truetype/freefont", "/usr/share/fonts/truetype/dejavu"]
FONT_FILES = {
    "regular": ["LiberationSerif-Regular.ttf", "FreeSerif.ttf", "DejaVuSerif.ttf"],
    "bold": ["LiberationSerif-Bold.ttf", "FreeSerifBold.ttf", "DejaVuSerif-Bold.ttf"],
    "italic": ["LiberationSerif-Italic.ttf", "FreeSerifItalic.ttf", "DejaVuSerif-Italic.ttf"],
}


def font_path(style: str = "regular") -> str:
    """A Vietnamese-capable Times-like TrueType font installed on this machine (fonts-liberation2)."""
    for d in FONT_DIRS:
        for name in FONT_FILES[style]:
            p = Path(d) / name
            if p.exists():
                return str(p)
    raise FileNotFoundError("no Vietnamese-capable serif font found: install fonts-liberation2 (make install)")


@dataclass
class SynthDoc:
    header_left: list[str] = field(default_factory=list)
    header_right: list[str] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    table_widths: list[float] = field(default_factory=list)


@dataclass
class _Pen:
    dpi: int
    size_pt: float = 13.0

    def font(self, style: str = "regular", scale: float = 1.0):
        from PIL import ImageFont

        return ImageFont.truetype(font_path(style), round(self.size_pt * scale * self.dpi / 72))

    def px(self, cm: float) -> int:
        return round(cm / 2.54 * self.dpi)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if draw.textlength(trial, font=font) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines


class _Recording:
    """An ImageDraw that also notes each line of text it draws (the gold text of a page)."""

    def __init__(self, draw, sink: list[str]):
        self._draw, self._sink = draw, sink

    def text(self, xy, text, **kw):
        self._sink.append(text)
        return self._draw.text(xy, text, **kw)

    def __getattr__(self, name):
        return getattr(self._draw, name)


def render(doc: SynthDoc, dpi: int = 300, size_pt: float = 13.0, texts: list[list[str]] | None = None) -> list:
    """Lay the document out on A4 portrait pages (a table goes on an A4 landscape page); clean PIL 'L' images.

    `texts`: when given, receives each page's lines of text in drawing order (the page's gold text)."""
    from PIL import Image, ImageDraw

    pen = _Pen(dpi, size_pt)
    W, H = pen.px(21.0), pen.px(29.7)
    left, right, top, bottom = pen.px(3.0), pen.px(2.0), pen.px(2.0), pen.px(2.0)
    regular, bold = pen.font(), pen.font("bold")
    small_bold = pen.font("bold", 0.95)
    line_h = round(pen.size_pt * 1.45 * dpi / 72)
    pages = []

    def new_page():
        img = Image.new("L", (W, H), 255)
        pages.append(img)
        draw = ImageDraw.Draw(img)
        if texts is not None:
            texts.append([])
            draw = _Recording(draw, texts[-1])
        return img, draw, top

    img, draw, y = new_page()
    col_w = (W - left - right) // 2
    hl_x, hr_x = left - pen.px(1.0), left + round(col_w * 0.85)
    hy = y
    for i, t in enumerate(doc.header_left):
        f = regular if i == 0 and len(doc.header_left) > 2 else small_bold
        tw = draw.textlength(t, font=f)
        draw.text((hl_x + (col_w * 0.85 - tw) / 2, hy), t, font=f, fill=0)
        hy += line_h
    ry = y
    for i, t in enumerate(doc.header_right):
        f = small_bold if i < 2 else pen.font("italic")
        tw = draw.textlength(t, font=f)
        draw.text((hr_x + (W - right - hr_x - tw) / 2, ry), t, font=f, fill=0)
        ry += line_h
    y = max(hy, ry) + line_h
    for t in doc.title:
        f = bold
        tw = draw.textlength(t, font=f)
        draw.text(((W - tw) / 2, y), t, font=f, fill=0)
        y += line_h
    y += line_h // 2
    text_w = W - left - right
    indent = pen.px(1.0)
    for para in doc.body:
        wrapped = _wrap(draw, para, regular, text_w - indent)
        for k, t in enumerate(wrapped):
            if y + line_h > H - bottom:
                img, draw, y = new_page()
            draw.text((left + (indent if k == 0 else 0), y), t, font=regular, fill=0)
            y += line_h
    if doc.recipients or doc.signer:
        need = max(len(doc.recipients), len(doc.signer) + 3) * line_h + line_h
        if y + need > H - bottom:
            img, draw, y = new_page()
        y += line_h // 2
        ly = y
        for i, t in enumerate(doc.recipients):
            f = pen.font("bold" if i == 0 else "regular", 0.85)
            draw.text((left, ly), t, font=f, fill=0)
            ly += round(line_h * 0.85)
        sx = left + round(text_w * 0.5)
        sy = y
        for i, t in enumerate(doc.signer):
            f = bold
            tw = draw.textlength(t, font=f)
            draw.text((sx + (text_w * 0.5 - tw) / 2, sy), t, font=f, fill=0)
            sy += line_h * (4 if i == len(doc.signer) - 2 else 1)
    if doc.table:
        pages.append(render_table(doc.table, dpi=dpi, widths=doc.table_widths or None, size_pt=size_pt * 0.92))
        if texts is not None:
            texts.append([" ".join(r) for r in doc.table])
    return pages


def render_table(rows: list[list[str]], dpi: int = 300, widths: list[float] | None = None, size_pt: float = 12.0,
                 landscape: bool = True):
    """A ruled grid table (first row bold) on its own page."""
    from PIL import Image, ImageDraw

    pen = _Pen(dpi, size_pt)
    W, H = (pen.px(29.7), pen.px(21.0)) if landscape else (pen.px(21.0), pen.px(29.7))
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    regular, bold = pen.font(), pen.font("bold")
    margin = pen.px(1.5)
    total = W - 2 * margin
    ncol = max(len(r) for r in rows)
    widths = widths or [1.0] * ncol
    s = sum(widths)
    xs = [margin]
    for w in widths:
        xs.append(xs[-1] + round(total * w / s))
    line_h = round(size_pt * 1.4 * dpi / 72)
    pad = pen.px(0.15)
    y = pen.px(2.0)
    for ri, row in enumerate(rows):
        f = bold if ri == 0 else regular
        cells = [_wrap(draw, c, f, xs[i + 1] - xs[i] - 2 * pad) for i, c in enumerate(row)]
        h = max(1, max(len(c) for c in cells)) * line_h + 2 * pad
        for i, c in enumerate(cells):
            for k, t in enumerate(c):
                tw = draw.textlength(t, font=f)
                x = xs[i] + pad if ri and i not in (0,) else xs[i] + (xs[i + 1] - xs[i] - tw) / 2
                draw.text((x, y + pad + k * line_h), t, font=f, fill=0)
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=max(2, dpi // 100))
        y += h
    draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=max(2, dpi // 100))
    top = pen.px(2.0)
    for x in xs:
        draw.line([(x, top), (x, y)], fill=0, width=max(2, dpi // 100))
    return img


def degrade(img, *, seed: int = 0, skew: float = 0.6, noise: float = 6.0, blur: float = 0.6, dpi: int | None = None):
    """Make a clean page look scanned: slight rotation, blur, sensor noise, paper tone."""
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    out = img.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255) if skew else img
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(out, dtype=np.float32) * 0.92 + 12
    if noise:
        arr += rng.normal(0, noise, arr.shape)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")


def to_pdf(images: list, path: str | Path, dpi: int = 300, quality: int = 60) -> Path:
    """An image-only PDF: each page one JPEG image, as scanners produce."""
    from PIL import Image

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    jpegs = []
    for im in images:
        buf = io.BytesIO()
        im.convert("L").save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
        buf.seek(0)
        jpegs.append(Image.open(buf))
    jpegs[0].save(path, "PDF", save_all=True, append_images=jpegs[1:], resolution=dpi)
    return path


def plain_text(doc: SynthDoc) -> str:
    """The document's words in reading order (for accuracy checks)."""
    parts = doc.header_left + doc.header_right + doc.title + doc.body + doc.recipients + doc.signer
    parts += [" ".join(r) for r in doc.table]
    return "\n".join(parts)
