"""Damage that real pages carry, for benches and tests: a red seal and a signature over the signer block,
a colour scan at a given resolution, and phone photos (desk, perspective, uneven light, shadow, blur, dark).

Nothing here is used by the pipeline itself.
"""

from __future__ import annotations

import numpy as np

from . import synth

PHOTO_KINDS = ("photo-clean", "photo-shadow", "photo-blur", "photo-dark")


def signer_box(page) -> tuple[int, int, int, int] | None:
    """Box of the signer block (right half, last ink rows of the page): where seal and signature go."""
    a = np.asarray(page) < 128
    h, w = a.shape
    right = a[:, w // 2:]
    rows = np.flatnonzero(right.sum(axis=1) > 0)
    if not len(rows):
        return None
    y1 = rows[-1]
    return w // 2, max(0, y1 - round(h * 0.085)), w - w // 12, y1


def _mark_masks(page, rng, handwriting: bool = False, seal_dx: int = 60):
    """(seal, signature) alpha masks ('L', 255 = ink) over the page's signer block; None when it has none.

    `handwriting`: the signature is a cursive scribble of loops (as a pen writes) instead of a wavy stroke;
    `seal_dx`: the seal's centre right of the block's left edge (A4 px at 300 dpi; more = over the signer's title)."""
    from PIL import Image, ImageDraw

    box = signer_box(page)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    scale = page.size[0] / 2480
    sig = Image.new("L", page.size, 0)
    d = ImageDraw.Draw(sig)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2 - round(40 * scale)
    if handwriting:
        pts = _cursive(cx - 270 * scale, cy + 20 * scale, 540 * scale, 60 * scale, rng)
    else:
        pts = [(cx - 260 * scale + 520 * scale * t + 40 * scale * np.sin(9 * t + rng.uniform(0, 6)),
                cy + 70 * scale * np.sin(14 * t + rng.uniform(0, 3)) * (1 - t)) for t in np.linspace(0, 1, 90)]
    d.line(pts, fill=255, width=max(2, round(5 * scale)), joint="curve")
    return _seal_mask(page.size, x0 + round(seal_dx * scale), cy, scale), sig


def _seal_mask(size: tuple[int, int], sx: float, sy: float, scale: float):
    """A round seal's alpha mask ('L', 255 = ink) centred at (sx, sy): two rings, ring text and a star (3.7 cm across
    on an A4 page at 300 dpi times `scale`)."""
    from PIL import Image, ImageDraw, ImageFont

    seal = Image.new("L", size, 0)
    d = ImageDraw.Draw(seal)
    r = round(220 * scale)
    d.ellipse([sx - r, sy - r, sx + r, sy + r], outline=255, width=round(14 * scale))
    d.ellipse([sx - r * 0.7, sy - r * 0.7, sx + r * 0.7, sy + r * 0.7], outline=255, width=round(6 * scale))
    font = ImageFont.truetype(synth.font_path("bold"), round(34 * scale))
    text = "ỦY BAN NHÂN DÂN * CỘNG HÒA * "
    for k, ch in enumerate(text):
        ang = 2 * np.pi * k / len(text) - np.pi / 2
        tx, ty = sx + 0.84 * r * np.cos(ang), sy + 0.84 * r * np.sin(ang)
        glyph = Image.new("L", (round(60 * scale), round(60 * scale)), 0)
        ImageDraw.Draw(glyph).text((glyph.size[0] / 2, glyph.size[1] / 2), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-np.degrees(ang) - 90, resample=Image.Resampling.BICUBIC)
        seal.paste(255, (round(tx - glyph.size[0] / 2), round(ty - glyph.size[1] / 2)), mask=glyph)
    angles = [np.pi / 2 + k * 4 * np.pi / 5 for k in range(5)]
    star = [(sx + 0.35 * r * np.cos(a), sy - 0.35 * r * np.sin(a)) for a in angles]
    d.polygon(star, fill=255)
    return seal


def _cursive(x: float, y: float, length: float, height: float, rng) -> list[tuple[float, float]]:
    """A pen path of slanted cursive loops (a prolate cycloid with letters of varied height) ending in an underline."""
    pts: list[tuple[float, float]] = []
    n = int(rng.integers(7, 11))
    step = length / n
    slant = rng.uniform(0.2, 0.45)
    for k in range(n):
        tall = height * (rng.uniform(1.4, 2.2) if rng.random() < 0.3 else rng.uniform(0.6, 1.0))
        for th in np.linspace(0, 2 * np.pi, 24, endpoint=False):
            dy = -tall * (1 - np.cos(th)) / 2
            dx = step * th / (2 * np.pi) - 0.45 * step * np.sin(th)
            pts.append((x + k * step + dx - slant * dy, y + dy))
    end = x + length
    pts += [(end + 0.1 * length, y - 0.4 * height), (x - 0.05 * length, y + 0.35 * height)]
    return pts


def stamp(page, seed: int):
    """The page in colour with a red round seal and a blue signature over its signer block."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    rgb = page.convert("RGB")
    masks = _mark_masks(page, rng)
    if masks is None:
        return rgb
    seal, sig = masks
    rgb.paste((25, 35, 120), mask=sig)
    alpha = np.asarray(seal, dtype=np.float32) / 255 * rng.uniform(0.75, 0.95)
    arr = np.asarray(rgb, dtype=np.float32)
    red = np.array([205, 30, 40], dtype=np.float32)
    inked = arr * (1 - alpha[..., None]) + np.minimum(arr, red) * alpha[..., None]
    return Image.fromarray(inked.astype(np.uint8), "RGB")


def stamp_gray(page, seed: int, *, handwriting: bool = True):
    """The page as a greyscale scan shows a stamped one: a grey seal (red ink seen without colour) and black
    handwriting over its signer block ('L'), with the boxes of the two marks ({"seal": box, "signature": box})."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    gray = page.convert("L")
    masks = _mark_masks(page, rng, handwriting=handwriting, seal_dx=240)
    if masks is None:
        return gray, {}
    seal, sig = masks
    boxes = {"seal": seal.getbbox(), "signature": sig.getbbox()}
    arr = np.asarray(gray, dtype=np.float64)
    tone = rng.uniform(90, 140)
    alpha = np.asarray(seal, dtype=np.float32) / 255 * rng.uniform(0.8, 0.95)
    arr = arr * (1 - alpha) + np.minimum(arr, tone) * alpha
    arr = np.minimum(arr, 255 - np.asarray(sig, dtype=np.float32) * rng.uniform(0.85, 1.0))
    return Image.fromarray(arr.astype(np.uint8), "L"), boxes


def bilevel(page, threshold: int = 160):
    """A black-and-white ('1') scan of a grey page, as fax-like archive scanners store it."""
    return page.convert("L").point(lambda v: 255 if v >= threshold else 0).convert("1")


def scan(page, dpi: int, seed: int):
    """A page as a scanner at `dpi` gives it: resampled, slightly skewed, blurred, noisy (colour kept)."""
    from PIL import Image

    if dpi != 300:
        page = page.resize((round(page.size[0] * dpi / 300), round(page.size[1] * dpi / 300)), Image.Resampling.LANCZOS)
    chans = [synth.degrade(c, seed=seed + i, skew=0.7, noise=6.0, blur=0.5 * dpi / 300) for i, c in enumerate(page.split())]
    return Image.merge(page.mode, chans) if len(chans) > 1 else chans[0]


def photo(page, kind: str, seed: int):
    """A phone photo of the page: smaller, on a desk, in perspective, unevenly lit, JPEG'd by the camera."""
    import cv2

    rng = np.random.default_rng(seed)
    src = np.asarray(page.convert("RGB"), dtype=np.float32)
    h, w = src.shape[:2]
    f = 0.78
    W, H = round(w * f * 1.12), round(h * f * 1.08)
    desk = np.empty((H, W, 3), np.float32)
    desk[:] = (96, 84, 70)
    desk += rng.normal(0, 6, (H, W, 1))
    m = 0.04
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    ox, oy = (W - w * f) / 2, (H - h * f) / 2
    dst = np.array([[ox, oy], [ox + w * f, oy], [ox + w * f, oy + h * f], [ox, oy + h * f]], dtype=np.float32)
    dst += rng.uniform(-m, m, (4, 2)).astype(np.float32) * np.array([w * f, h * f], dtype=np.float32)
    M = cv2.getPerspectiveTransform(corners, dst)
    warped = cv2.warpPerspective(src, M, (W, H), flags=cv2.INTER_AREA, borderValue=(-1, -1, -1))
    mask = warped[..., 0] >= 0
    img = np.where(mask[..., None], warped, desk)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    light = 0.95 - 0.18 * (xx / W) * rng.uniform(0.5, 1.0) - 0.1 * (yy / H)
    if kind == "photo-shadow":
        edge = W * rng.uniform(0.35, 0.6) + (yy - H / 2) * rng.uniform(-0.3, 0.3)
        light *= 1 - 0.5 / (1 + np.exp(-(xx - edge) / (W * 0.02)))
    if kind == "photo-dark":
        light *= 0.55
    img = img * light[..., None] * np.array([1.0, 0.97, 0.9], dtype=np.float32)
    if kind == "photo-blur":
        img = cv2.GaussianBlur(img, (0, 0), 2.2)
    else:
        img = cv2.GaussianBlur(img, (0, 0), 0.7)
    img += rng.normal(0, 9 if kind == "photo-dark" else 4, img.shape)
    from PIL import Image

    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")




def stamp_shapes(page, seed: int, *, tone: float | None = None):
    """The page ('L') with an oval "ĐÃ KÝ" stamp below its last lines and a rectangular "SAO Y BẢN CHÍNH" stamp in
    its top margin, inked in grey (a red or violet stamp seen without colour), with their boxes ({"oval": box,
    "rect": box}); oval and rectangular office stamps are no round seals and carry text of their own."""
    from PIL import Image, ImageDraw, ImageFont

    rng = np.random.default_rng(seed)
    gray = page.convert("L")
    w, h = gray.size
    s = w / 2480
    oval, rect = Image.new("L", gray.size, 0), Image.new("L", gray.size, 0)
    d = ImageDraw.Draw(oval)
    rows = np.flatnonzero((np.asarray(gray) < 128).sum(axis=1))
    last = int(rows[-1]) if len(rows) else h // 2
    a, b = round(rng.uniform(240, 290) * s), round(rng.uniform(105, 130) * s)
    cx = round(w * rng.uniform(0.25, 0.4))
    cy = min(last + b + round(rng.uniform(60, 110) * s), h - b - round(40 * s))
    d.ellipse([cx - a, cy - b, cx + a, cy + b], outline=255, width=max(2, round(9 * s)))
    d.ellipse([cx - 0.86 * a, cy - 0.8 * b, cx + 0.86 * a, cy + 0.8 * b], outline=255, width=max(1, round(3 * s)))
    d.text((cx, cy - round(18 * s)), "ĐÃ KÝ", font=ImageFont.truetype(synth.font_path("bold"), round(64 * s)),
           fill=255, anchor="mm")
    d.text((cx, cy + round(45 * s)), f"Ngày {int(rng.integers(1, 28)):02d}/{int(rng.integers(1, 12)):02d}/2026",
           font=ImageFont.truetype(synth.font_path("regular"), round(34 * s)), fill=255, anchor="mm")
    d = ImageDraw.Draw(rect)
    rw, rh = round(rng.uniform(640, 720) * s), round(rng.uniform(130, 150) * s)
    rx, ry = round(w * rng.uniform(0.5, 0.6)), round(rng.uniform(40, 70) * s)
    d.rectangle([rx, ry, rx + rw, ry + rh], outline=255, width=max(2, round(8 * s)))
    d.text((rx + rw // 2, ry + rh // 2), "SAO Y BẢN CHÍNH", font=ImageFont.truetype(synth.font_path("bold"), round(56 * s)),
           fill=255, anchor="mm")
    turn = Image.Resampling.BICUBIC
    ink = np.maximum(np.asarray(oval.rotate(rng.uniform(-3.0, 3.0), resample=turn, center=(cx, cy))),
                     np.asarray(rect.rotate(rng.uniform(-1.5, 1.5), resample=turn, center=(rx + rw / 2, ry + rh / 2))))
    boxes = {"oval": (cx - a, cy - b, cx + a + 1, cy + b + 1), "rect": (rx, ry, rx + rw + 1, ry + rh + 1)}
    alpha = ink.astype(np.float32) / 255 * rng.uniform(0.8, 0.95)
    arr = np.asarray(gray, dtype=np.float64)
    shade = rng.uniform(70, 130) if tone is None else tone
    arr = arr * (1 - alpha) + np.minimum(arr, shade) * alpha
    return Image.fromarray(arr.astype(np.uint8), "L"), boxes


OVER_INKS = ("grey", "red")
"""Inks of `stamp_over_text`: grey (a red or violet stamp seen without colour; black-and-white scans threshold it) or red."""
RECEIVED = ("ĐẾN", "Số:", "Ngày:", "Chuyển:")
COPY = ("SAO", "Y", "BẢN", "CHÍNH")
SEAL_TEXT = ("ỦY", "BAN", "NHÂN", "DÂN", "CỘNG", "HÒA")
STAMP_TEXT = RECEIVED + COPY + SEAL_TEXT
"""The printed words of the stamps and seal `stamp_over_text` draws (the number and date filled in vary)."""


def text_rows(page, x0: int, x1: int, y0: int = 0, y1: int | None = None) -> list[tuple[int, int]]:
    """(top, bottom) of the text rows with ink between columns x0 and x1 (a diacritic's gap above its letter is
    bridged), from y0 to y1."""
    a = np.asarray(page.convert("L"))[y0:y1, x0:x1] < 128
    on = a.any(axis=1)
    rows: list[tuple[int, int]] = []
    gap = max(2, round(page.size[0] / 2480 * 12))
    for y in np.flatnonzero(on):
        if rows and y - rows[-1][1] <= gap:
            rows[-1] = (rows[-1][0], int(y) + 1)
        else:
            rows.append((int(y), int(y) + 1))
    return [(t + y0, b + y0) for t, b in rows if b - t >= 3]


def _stamp_mask(size: tuple[int, int], cx: float, cy: float, oval: bool, lines: list[tuple[str, bool]], w: float,
                h: float, scale: float, turn: float):
    """An office stamp's alpha mask ('L'): an oval or a rectangle (a thin inner one too) w x h around (cx, cy) with
    lines of text (text, bold), turned by `turn` degrees."""
    from PIL import Image, ImageDraw, ImageFont

    m = Image.new("L", size, 0)
    d = ImageDraw.Draw(m)
    box = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
    inner = [cx - 0.45 * w, cy - 0.42 * h, cx + 0.45 * w, cy + 0.42 * h]
    shape = d.ellipse if oval else d.rectangle
    shape(box, outline=255, width=max(2, round(8 * scale)))
    if oval:
        shape(inner, outline=255, width=max(1, round(3 * scale)))
    size_px = min(round(50 * scale), round(0.8 * h / (len(lines) + 0.5)))
    step = h * (0.62 if oval else 0.78) / len(lines)
    for k, (t, bold) in enumerate(lines):
        font = ImageFont.truetype(synth.font_path("bold" if bold else "regular"), size_px)
        d.text((cx, cy + (k - (len(lines) - 1) / 2) * step), t, font=font, fill=255, anchor="mm")
    return m.rotate(turn, resample=Image.Resampling.BICUBIC, center=(cx, cy))


def stamp_over_text(page, seed: int, *, ink: str = "grey"):
    """The page with a round seal over its signer's name, a received stamp ("ĐẾN Số: … Ngày: … Chuyển: …") across
    its last body lines and a "SAO Y BẢN CHÍNH" stamp over its recipients list, each overlapping the printed lines
    by an amount the seed draws (the outline across a line, or the stamp across two lines); the stamps are ovals
    or rectangles by the seed. `ink`: "grey" ('L' page) or "red" ('RGB' page). Returns the page and the marks'
    boxes ({"seal": box, "received": box, "copy": box}) in page pixels, for those the page has room for."""
    from PIL import Image

    if ink not in OVER_INKS:
        raise ValueError(f"ink must be one of {OVER_INKS}")
    rng = np.random.default_rng(seed)
    gray = page.convert("L")
    w, h = gray.size
    s = w / 2480
    masks: dict[str, Image.Image] = {}
    sign = signer_box(gray)
    if sign is not None:
        rows = text_rows(gray, sign[0], sign[2], sign[1] - round(200 * s), sign[3] + 1)
        if rows:
            top, bottom = rows[-1]
            names = np.flatnonzero((np.asarray(gray)[top:bottom, sign[0]:sign[2]] < 128).any(axis=0))
            nx0 = sign[0] + int(names[0])
            r = 220 * s
            sx = nx0 + rng.uniform(-0.1, 0.5) * r
            sy = (top + bottom) / 2 - rng.uniform(0.2, 0.85) * r
            masks["seal"] = _seal_mask(gray.size, sx, sy, s)
    body_rows = text_rows(gray, round(0.15 * w), round(0.85 * w), 0, (sign[1] - round(250 * s)) if sign else None)
    full = [(t, b) for t, b in body_rows
            if np.count_nonzero((np.asarray(gray)[t:b, :] < 128).any(axis=0)) > 0.4 * w]
    if len(full) >= 3:
        k = len(full) - 1 - int(rng.integers(0, 2))
        sw, sh = rng.uniform(560, 680) * s, rng.uniform(230, 280) * s
        between = rng.random() < 0.5
        cy = (full[k - 1][1] + full[k][0]) / 2 if between else (full[k][0] + full[k][1]) / 2 + rng.uniform(-0.35, 0.35) * sh
        cx = w * rng.uniform(0.3, 0.7)
        number = f"ĐẾN  Số: {int(rng.integers(100, 4000))}"
        lines = [(number, True), (f"Ngày: {int(rng.integers(1, 28))}/{int(rng.integers(1, 12))}/2026", False), ("Chuyển:", False)]
        masks["received"] = _stamp_mask(gray.size, cx, cy, rng.random() < 0.4, lines, sw, sh, s, rng.uniform(-4, 4))
    if sign is not None:
        left = text_rows(gray, round(0.1 * w), sign[0], sign[1] - round(250 * s), h)
        if len(left) >= 2:
            k = int(rng.integers(1, len(left)))
            oval = rng.random() < 0.4
            sw = rng.uniform(560, 660) * s
            sh = sw / rng.uniform(2.6, 3.4) if oval else rng.uniform(120, 150) * s
            cy = (left[k - 1][1] + left[k][0]) / 2 + rng.uniform(-0.3, 0.3) * sh
            cx = round(0.1 * w) + rng.uniform(0.35, 0.6) * sw
            masks["copy"] = _stamp_mask(gray.size, cx, cy, oval, [(" ".join(COPY), True)], sw, sh, s, rng.uniform(-3, 3))
    boxes = {k: m.getbbox() for k, m in masks.items() if m.getbbox()}
    alpha = {k: np.asarray(m, dtype=np.float32) / 255 * rng.uniform(0.8, 0.95) for k, m in masks.items()}
    if ink == "red":
        arr: np.ndarray = np.asarray(gray.convert("RGB"), dtype=np.float32)
        for a in alpha.values():
            colour = np.array([rng.uniform(190, 225), rng.uniform(20, 50), rng.uniform(30, 60)], dtype=np.float32)
            arr = arr * (1 - a[..., None]) + np.minimum(arr, colour) * a[..., None]
        return Image.fromarray(arr.astype(np.uint8), "RGB"), boxes
    flat = np.asarray(gray, dtype=np.float64)
    for a in alpha.values():
        flat = flat * (1 - a) + np.minimum(flat, rng.uniform(70, 140)) * a
    return Image.fromarray(flat.astype(np.uint8), "L"), boxes
