"""Synthetic ruled-table pages for the tables tests and benchmark (no test functions here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from planparse.models import Word

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
BOLD = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf"


@dataclass
class Spec:
    """A table to draw: column widths in inches, cells as (row, col, rowspan, colspan, text)."""

    col_in: list[float]
    cells: list[tuple[int, int, int, int, str]]
    header_rows: int = 1
    dpi: int = 300
    page_in: tuple[float, float] = (11.69, 8.27)
    top_in: float = 1.0
    pt: float = 12.0
    title: list[str] = field(default_factory=list)


def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, px)


def _wrap(text: str, font, width: int, draw: ImageDraw.ImageDraw) -> list[str]:
    lines: list[str] = []
    for para in text.split("\n"):
        cur = ""
        for w in para.split():
            t = f"{cur} {w}".strip()
            if cur and draw.textlength(t, font=font) > width:
                lines.append(cur)
                cur = w
            else:
                cur = t
        lines.append(cur)
    return lines


def render(spec: Spec) -> tuple[Image.Image, list[Word], dict[tuple[int, int], tuple[int, int, int, int]]]:
    """Grayscale page, the drawn words with their boxes, and each cell's drawn box keyed by (row, col)."""
    d = spec.dpi
    W, H = int(spec.page_in[0] * d), int(spec.page_in[1] * d)
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    px = int(spec.pt / 72 * d)
    font, bold = _font(FONT, px), _font(BOLD, px)
    lh = int(px * 1.25)
    pad = int(0.06 * d)
    colw = [int(c * d) for c in spec.col_in]
    x0 = (W - sum(colw)) // 2
    xs = [x0]
    for w in colw:
        xs.append(xs[-1] + w)
    words: list[Word] = []
    y = int(spec.top_in * d) // 2
    for t in spec.title:
        tw = draw.textlength(t, font=bold)
        words += _draw_line(draw, t, (W - tw) // 2, y, bold)
        y += lh
    y0 = max(y + lh, int(spec.top_in * d))
    nrows = max(r + rs for r, _, rs, _, _ in spec.cells)
    wrapped = {}
    heights = [lh + 2 * pad] * nrows
    for r, c, rs, cs, text in spec.cells:
        f = bold if r < spec.header_rows else font
        lines = _wrap(text, f, xs[c + cs] - xs[c] - 2 * pad, draw)
        wrapped[(r, c)] = (lines, f)
        need = len(lines) * lh + 2 * pad
        if rs == 1:
            heights[r] = max(heights[r], need)
    for r, c, rs, _, _ in spec.cells:
        need = len(wrapped[(r, c)][0]) * lh + 2 * pad
        have = sum(heights[r:r + rs])
        if need > have:
            heights[r + rs - 1] += need - have
    ys = [y0]
    for h in heights:
        ys.append(ys[-1] + h)
    lw = max(2, d // 150)
    boxes = {}
    for r, c, rs, cs, _ in spec.cells:
        box = (xs[c], ys[r], xs[c + cs], ys[r + rs])
        boxes[(r, c)] = box
        draw.rectangle(box, outline=0, width=lw)
        lines, f = wrapped[(r, c)]
        ty = (box[1] + box[3]) // 2 - len(lines) * lh // 2
        for ln in lines:
            tw = draw.textlength(ln, font=f)
            centred = r < spec.header_rows or tw < 0.3 * (box[2] - box[0]) and len(ln) < 4
            tx = (box[0] + box[2] - tw) // 2 if centred else box[0] + pad
            words += _draw_line(draw, ln, int(tx), ty, f)
            ty += lh
    return img, words, boxes


def _draw_line(draw: ImageDraw.ImageDraw, text: str, x: float, y: int, font) -> list[Word]:
    out = []
    for w in text.split():
        draw.text((x, y), w, font=font, fill=0)
        b = draw.textbbox((x, y), w, font=font)
        out.append(Word(text=w, bbox=(int(b[0]), int(b[1]), int(b[2]), int(b[3])), confidence=95.0))
        x += int(draw.textlength(w + " ", font=font))
    return out


def render_letter(dpi: int = 200) -> Image.Image:
    """A plan's first page: two-column header with underlines, body text, signature block; no table."""
    W, H = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (W, H), 255)
    draw = ImageDraw.Draw(img)
    px = int(13 / 72 * dpi)
    f, b = _font(FONT, px), _font(BOLD, px)
    lh = int(px * 1.4)
    y = int(0.8 * dpi)
    left, right = int(1.1 * dpi), int(4.2 * dpi)
    for lt, rt in [("UBND TỈNH PHÚ THỌ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("SỞ NGOẠI VỤ", "Độc lập - Tự do - Hạnh phúc")]:
        draw.text((left, y), lt, font=b, fill=0)
        draw.text((right, y), rt, font=b, fill=0)
        y += lh
    draw.line((left + 40, y, left + 260, y), fill=0, width=2)
    draw.line((right + 60, y, right + 500, y), fill=0, width=2)
    y += lh
    draw.text((left, y), "Số: 12/KH-SNgV", font=f, fill=0)
    draw.text((right, y), "Phú Thọ, ngày 12 tháng 8 năm 2025", font=f, fill=0)
    y += 2 * lh
    body = "Thực hiện Kế hoạch của UBND tỉnh về công tác cải cách hành chính năm 2025, Sở ban hành kế hoạch như sau."
    for _ in range(14):
        draw.text((left, y), body[: int(len(body) * 0.8)], font=f, fill=0)
        y += lh
    draw.line((left, y, W - left, y), fill=0, width=2)
    y += lh
    draw.text((left, y), "Nơi nhận:", font=b, fill=0)
    draw.text((right + 200, y), "KT. GIÁM ĐỐC", font=b, fill=0)
    y += lh
    for t in ("- UBND tỉnh (b/c);", "- Sở Nội vụ;", "- Lưu: VT, VP."):
        draw.text((left, y), t, font=f, fill=0)
        y += lh
    draw.text((right + 150, y + lh), "Nguyễn Văn An", font=b, fill=0)
    return img
