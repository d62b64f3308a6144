"""Page clean-up before OCR: orientation, colour marks, page outline, grayscale, resolution, background, blur, skew.

Each step is cheap and measured (bench/bench_realpages.py). Geometric steps compose one matrix, so boxes
found on the input (seals) are reported in the coordinates of the image OCR saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TARGET_DPI = 175
"""Resolution low-resolution pages are resampled to. A 150-dpi scan resampled to 300 dpi (4x the pixels) cost 1.36-1.46x
bare Tesseract's CPU, Tesseract's read of it being most of it; resampled to 175 dpi, 1.04-1.14x (bench_realpages tuning
scan150 and the same plans rendered with other seeds, both arms back to back), with no fewer words right: tuning scan150
99.70 -> 99.75 %, other seeds 99.67 -> 99.75 %, at 12 pt 99.64 -> 99.84 %, at 120 dpi 99.64 -> 99.73 %, at 100 dpi
99.48 -> 99.42 %. Not resampled at all (0.95-0.99x), 150-dpi pages lost words at 12 pt (99.56 %), 120-dpi ones 0.5
points; resampled to 200 dpi, the words of 175 at 1.10-1.19x. Measured again (2026-12-03, bench_realpages tuning scan150, the
three run side by side on a loaded machine): 160 dpi 99.78 % (broke 0.03 %), CPU ratio 1.00; 165 99.84 % (broke 0.06 %),
0.99; 175 99.86 % (0.03 %), 1.02. Rejected too: reading the page at its own 150 dpi and re-reading from the 175-dpi page
only the lines under 85 / 90 / 95 mean confidence (vie, kept when surer by 8 / 2 / 0): 99.70 / 99.67 / 99.53 % against
99.86 %, and no less CPU (1.57 / 1.52 / 1.66 s a page against 1.53: the re-reads cost what the smaller read saved)."""
MIN_DPI = 170
"""Pages below this are resampled to TARGET_DPI. Measured: at 100-150 dpi resampling gains 1-5 points of
word accuracy; at 200 dpi it cost 4 points on a noisy JPEG scan (it sharpens the speckle too)."""
MIN_SKEW = 0.5
"""Smaller skews are left to Tesseract: rotating resamples the page and cost ~0.3 points on such scans. Measured and
kept at 0.5 (2026-12-03): 1.0 (the bench scans' 0.7° left unrotated) cut bench_broke --extra scan300 broke 0.29 ->
0.12 % (first-read breaks 24 -> 6: `tế;` -> `tế,`, `Sở` -> `SỞ`, `Quý I/2026` -> `1/2026` are the rotation's blur)
and scan200 0.18 -> 0.16 %, but read fewer words right: scan300 first read 98.20 -> 98.11 % (final 99.05 -> 99.08 %),
scan200's first plan 98.59 -> 96.20 % (final 99.46 -> 99.13 %). Extra plans rendered again at set skews (other
seeds), first read (planparse's ink-box read) unrotated / deskewed: four plans (2,773 words) 0.5° 98.74 / 98.81 %,
1.0° 98.05 / 98.81 %, 1.5° 98.31 / 98.99 %, 2.5° 96.00 / 98.88 %; three (1,449) 0.3° 98.55 / 98.76 %, 0.7° 98.34 /
98.76 %; three others (1,767) 0.7° 98.75 / 99.21 %: Tesseract's own line finding does not make up for 0.7°."""
A4_WIDTH_IN = 8.27


@dataclass
class Prepared:
    gray: np.ndarray
    dpi: int
    scale: float
    skew: float
    flattened: bool
    marks: list = field(default_factory=list)
    """(kind, box in the prepared image's pixels, confidence[, how found]) of seals and signatures found and whitened:
    by colour here (no fourth element), by shape in marks.shapes_out (the fourth says how)."""
    unwarped: bool = False
    matrix: np.ndarray | None = None
    """3x3 map of the input image's pixels (EXIF-upright) to this image's: undoes nothing, lets a box of this image be
    found on the input again (ocr.plaincheck)."""
    source: np.ndarray | None = field(default=None, repr=False)
    """The input's gray pixels (EXIF-upright) before any clean-up, kept so the page without clean-up (`plain_page`)
    is made without decoding and converting the input again (24 ms a photo)."""
    sharpened: bool = False
    """Whether the page was blurred and unsharp-masked (sharpen)."""
    inner: tuple[int, int, int, int] | None = None
    """A squared-up photo's box inside the strip of desk left along its edges (desk_strip), which Tesseract's page read
    is cut to; None for other pages."""
    spread: float | None = None
    """A photo's blur_spread before sharpening (None: not measured, as on scans)."""

    @property
    def cleaned(self) -> bool:
        """Whether anything beyond gray and resolution was done to the page."""
        return bool(self.flattened or self.skew or self.unwarped or self.marks or self.sharpened)


def to_gray(pil_image) -> np.ndarray:
    """8-bit grayscale pixels of a PIL image of any mode."""
    return _pixels(pil_image)[0]


def _pixels(pil_image) -> tuple[np.ndarray, np.ndarray | None]:
    """8-bit grayscale pixels and, for a colour image, its RGB pixels (converted once: 0.03 s a 300-dpi page); the pixels
    sources.image.jpeg_pixels decoded when the image holds them."""
    from ..sources.image import PIXELS

    px = getattr(pil_image, PIXELS, None)
    if px is not None:
        import cv2

        return (cv2.cvtColor(px, cv2.COLOR_RGB2GRAY), px) if px.ndim == 3 else (px, None)
    if pil_image.mode not in ("L", "RGB"):
        pil_image = pil_image.convert("RGB") if "A" not in pil_image.mode else _over_white(pil_image)
    arr = np.asarray(pil_image)
    rgb = None
    if arr.ndim == 3:
        import cv2

        rgb, arr = arr, cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    if arr.dtype != np.uint8:
        arr = arr.astype(np.uint8)
    return arr, rgb


def _over_white(img):
    from PIL import Image

    rgba = img.convert("RGBA")
    bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(bg, rgba).convert("RGB")


def guess_dpi(gray: np.ndarray, stated: int | None) -> int:
    """The stated resolution when it fits a sheet of paper, else one guessed from an A4 page width.

    Phones and screenshots state 72 or 96 dpi whatever the picture: a stated value that would make the
    page narrower than 4 or wider than 12.5 inches is not believed.
    """
    h, w = gray.shape
    short = min(h, w)
    if stated and 50 <= stated <= 1200 and 4.0 <= short / stated <= 12.5:
        return stated
    return max(50, round(short / A4_WIDTH_IN))


def upscale(gray: np.ndarray, dpi: int) -> tuple[np.ndarray, float]:
    """Resample low-resolution pages to TARGET_DPI (their small letters lose marks and strokes in Tesseract's read)."""
    if dpi >= MIN_DPI:
        return gray, 1.0
    import cv2

    scale = min(TARGET_DPI / dpi, 4.0)
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC), scale


def shrink(img: np.ndarray, f: float) -> np.ndarray:
    """`img` (gray or colour) scaled by `f` (< 1) with area averaging, the size `cv2.resize(fx=f, fy=f)` gives, at a third
    of INTER_AREA's cost: halved by 2x2 means (OpenCV's integer fast path) while a half or less is left to go, the
    rest in one area resize of the smaller copy. Measured on a 237-dpi photo: to 75 dpi 11 -> 4 ms, its RGB to 1000 px
    35 -> 12 ms. Used where its copies left every tuning text identical (skew, unread ink); the page outline, colour
    and shape marks keep cv2.resize: there the few-pixel shifts moved seal and signature boxes and changed photo texts."""
    import cv2

    if f >= 1:
        return img
    size = (round(img.shape[1] * f), round(img.shape[0] * f))
    while img.shape[1] >= 2 * size[0] and img.shape[0] >= 2 * size[1] and min(img.shape[:2]) >= 4:
        h, w = img.shape[0] // 2, img.shape[1] // 2
        img = cv2.resize(img[: 2 * h, : 2 * w], (w, h), interpolation=cv2.INTER_AREA)
    return img if (img.shape[1], img.shape[0]) == size else cv2.resize(img, size, interpolation=cv2.INTER_AREA)


PAPER_WHITE = 200
"""Paper darker than this (median background) is divided out even when evenly lit: a dark photo turned into a
white page keeps Tesseract's global threshold, and deskew's border fill, from blackening it."""


SPARSE_INK = 0.025
"""Share of an eighth-size photographed page at least 25 levels darker than its paper under which the page is a few
lines on a sheet: there Tesseract's global threshold splits the light fall-off instead of ink from paper and lost
whole lines (a two-line page as blurred photos: the first line lost on 5 of 10; corpus pages' short second pages).
Measured: full text pages 0.12-0.15, half pages 0.03-0.06, pages of two or three lines 0.012-0.023. Full pages are
not divided: dividing every blurred photo cost its header and signer lines on the tuning plans (broke 0.22 -> 0.62 %)."""


def flatten_background(gray: np.ndarray, *, photo: bool = False) -> tuple[np.ndarray, bool]:
    """Divide out uneven or dim lighting (phone photos, shadows); a no-op on evenly lit white scans. A photographed
    page (`photo`: its outline was found and squared up) holding little ink is divided even when the light falls off
    gently (SPARSE_INK)."""
    import cv2

    small = cv2.resize(gray, None, fx=0.125, fy=0.125, interpolation=cv2.INTER_AREA)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    bg = cv2.medianBlur(bg, 5)
    spread = float(np.percentile(bg, 95) - np.percentile(bg, 5))
    sparse = photo and float((small.astype(np.int16) < bg.astype(np.int16) - 25).mean()) < SPARSE_INK
    if not sparse and spread < 40 and float(np.median(bg)) >= PAPER_WHITE:
        return gray, False
    bg_full = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(gray, np.maximum(bg_full, 1), scale=255)
    return out, True


BLURRED = 2.25
"""Edge spread (blur_spread, in pixels at 300 dpi) over which a photographed page is sharpened before OCR. Pages of
bench_realpages tuning and bench_broke: clean300 0.80, scan150 1.15-1.59, photo-clean 1.16-1.39, photo-shadow and
photo-dark 1.04-2.09 (over 1.7: pages of a few lines), photo-blur 2.38-2.92."""
SHARPEN_SIGMA = 2.0
SHARPEN_AMOUNT = 1.5
"""Unsharp mask of a blurred page (sigma in pixels at 300 dpi): gray + AMOUNT * (gray - blurred(gray)). Tesseract's
page read of the 16 tuning photo-blur pages (words right, before repair): none 91.56 %, sigma 1.5 / amount 0.8
92.05 %, 2.0 / 1.5 93.23 %. After the whole pipeline, bench_realpages tuning photo-blur accuracy / broke: none
99.15 % / 0.16 %, 2.0 / 1.5 99.31 / 0.22 % (before MIN_INK: 2 of its broken words were a signer page's), 2.0 / 1.0
99.21 / 0.19 % (the same 2), 1.5 / 0.7 99.26 / 0.12 %; bench_broke photo-blur (6 plans + 16 corpus openings,
7,199 words bare vie reads right): none 0.36 %, 2.0 / 1.5 0.31 %, 2.0 / 1.0 0.31 %, 1.5 / 0.7 0.36 %."""
SHARPEN = True
"""Whether prepare sharpens blurred photos at all (tests turn it off to compare)."""


def blur_spread(gray: np.ndarray, dpi: int) -> float:
    """How far the page's ink edges spread, in pixels at 300 dpi (0: too little ink to tell): the ink-paper contrast
    over the steepest gradients (a Gaussian-blurred step of sigma s rises at most contrast / (2.5 s) a pixel). The
    steepest are the top quarter as many pixels as there is ink (a fixed percentile lands in the paper's noise on a
    page of a few lines). Measured on every fourth band of 32 rows (a quarter of the pixels: 15-35 ms a photo on a
    busy machine; every eighth band halves that but moved one page of 34 across MIN_INK, not measured further)."""
    import cv2

    bands = [gray[y:y + 32] for y in range(0, gray.shape[0] - 32, 128)]
    if not bands:
        return 0.0
    band = np.vstack(bands)
    paper = float(np.percentile(band[::4, ::4], 90))
    ink = float((band[::4, ::4] < paper - 40).mean())
    if ink < MIN_INK:
        return 0.0
    lo = float(np.percentile(band[::4, ::4], 100 * ink / 4))
    gx = cv2.Sobel(band, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(band, cv2.CV_32F, 0, 1, ksize=3)
    mag = cv2.magnitude(gx, gy)
    mag[::32] = 0  # the seams between bands
    mag[31::32] = 0
    steep = top_percentile(mag, 100 - 100 * ink / 4) / 8
    return (paper - lo) / max(steep, 1e-3) / 2.5 * 300 / max(dpi, 1)


def top_percentile(values: np.ndarray, q: float) -> float:
    """`float(np.percentile(values, q))` (linear interpolation), its two neighbouring values selected among those at or
    over a sixteenth sample's (q - 2)th percentile instead of partitioning the whole array: the gradients of a photo's
    blur_spread, 1.6 M values, 33 -> 7 ms; equal to numpy's on 3,000 random float32 arrays."""
    import math

    flat = values.reshape(-1)
    n = flat.size
    at = (n - 1) * (q / 100)
    prev = math.floor(at)
    nxt = min(prev + 1, n - 1)
    sample = flat[::16]
    k = int(sample.size * (q - 2) / 100)
    if q > 2 and sample.size and k < sample.size:
        over = flat[flat >= np.partition(sample, k)[k]]
        below = n - over.size
        if prev >= below:
            over.partition(sorted({prev - below, nxt - below}))
            lo, hi = over[prev - below], over[nxt - below]
            g = at - prev
            d = hi - lo
            return float(lo + d * g if g < 0.5 else hi - d * (1 - g))
    return float(np.percentile(values, q))


MIN_INK = 0.03
"""Share of ink pixels under which blur_spread does not tell (and the page is not sharpened): a page of a few lines.
Full pages hold 0.06-0.16, a signer block alone 0.014-0.025. Sharpened, the blurred signer page of tuning plan t1 lost
its recipient list (Tesseract's layout took it for no text; unsharpened it read whole)."""


def sharpen(gray: np.ndarray, dpi: int, spread: float | None = None) -> tuple[np.ndarray, bool]:
    """The page unsharp-masked when its ink edges spread more than BLURRED (a blurred photo; `spread`: its blur_spread
    when measured already); else as it is. Tesseract reads a blurred page's marks better so (`theo dõi` read `đôi` at 81
    unsharpened, `dõi` at 93 sharpened)."""
    import cv2

    if (blur_spread(gray, dpi) if spread is None else spread) < BLURRED:
        return gray, False
    soft = cv2.GaussianBlur(gray, (0, 0), SHARPEN_SIGMA * dpi / 300)
    return cv2.addWeighted(gray, 1 + SHARPEN_AMOUNT, soft, -SHARPEN_AMOUNT, 0), True


def estimate_skew(gray: np.ndarray, limit: float = 5.0) -> float:
    """Skew angle in degrees from the sharpness of the horizontal projection profile (coarse, then fine).

    The profile at each angle is a histogram of the ink pixels' rotated rows: the same profile as rotating the
    image, at a tenth of the cost (measured 0.06 -> 0.02 s per 300-dpi page).
    """
    import cv2

    h, w = gray.shape
    f = 1000 / max(h, w)
    small = shrink(gray, f)
    _, binary = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if binary.mean() < 0.5:
        return 0.0
    rows = binary.shape[0]
    ys, xs = np.nonzero(binary)
    cx, cy = binary.shape[1] / 2, rows / 2
    xs, ys = xs - cx, ys - cy

    def score(angle: float) -> float:
        a = np.deg2rad(angle)
        y = np.rint(np.cos(a) * ys - np.sin(a) * xs + cy).astype(np.int64)
        profile = np.bincount(y[(y >= 0) & (y < rows)], minlength=rows).astype(np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-limit, limit + 0.01, 0.5), key=score)
    fine = max(np.arange(best - 0.5, best + 0.51, 0.1), key=score)
    return round(float(fine), 2)


INK_PAD_IN = 0.15
"""Paper kept around the ink box (inches)."""


def ink_box(gray: np.ndarray, dpi: int, pad_in: float = INK_PAD_IN) -> tuple[int, int, int, int]:
    """The part of the page that holds ink, padded; the whole page when there is little paper to drop.

    Tesseract spends CPU on every pixel it thresholds and segments: reading the ink box of a 300-dpi page gave
    the same text at 5-15 % less CPU (measured on 7 rendered pages).
    """
    import cv2

    h, w = gray.shape
    step = 4
    small = np.ascontiguousarray(gray[::step, ::step])
    _, ink = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows, cols = np.flatnonzero(ink.sum(axis=1) >= 2), np.flatnonzero(ink.sum(axis=0) >= 2)
    if not rows.size or not cols.size:
        return 0, 0, w, h
    pad = round(pad_in * dpi)
    x0, x1 = max(0, cols[0] * step - pad), min(w, (cols[-1] + 1) * step + pad)
    y0, y1 = max(0, rows[0] * step - pad), min(h, (rows[-1] + 1) * step + pad)
    if (x1 - x0) * (y1 - y0) > 0.9 * w * h:
        return 0, 0, w, h
    return int(x0), int(y0), int(x1), int(y1)


INK_PAD_PHOTO_IN = 0.3
"""Paper kept around the ink box of a squared-up photo's page inside its desk strip (desk_strip). Measured (hshadow3,
strip painted over instead of cut): Tesseract's page read of the 16 tuning photo-shadow pages, whole page 28.2 s of CPU,
0.3 in 24.4 s (9 words differ), 0.15 in 24.0 s (17 words differ: a signer block read glued to the seal's remains)."""
DESK_STRIP_MAX_IN = 0.1
"""Widest desk strip desk_strip cuts off a side; the tuning photos' strips are 0-7 px at 237-253 dpi."""
DESK_STEP_IN = 0.1
"""Stretches of a side measured apart by desk_strip (the strip's width changes along a side: its outline is tilted)."""


def desk_strip(gray: np.ndarray, dpi: int) -> tuple[int, int, int, int]:
    """The box of a squared-up photo inside the strip of desk its outline left along its edges (a few pixels: the
    outline is found on a blurred small copy), measured on the page itself: on each side and each DESK_STEP_IN stretch
    of it, the median across the stretch of every row (column) from the edge in; the strip ends at the first of these
    within 40 levels of the paper further in (the median of the next DESK_STRIP_MAX_IN). A side is cut a pixel past
    where the strip ends on its widest stretch (at most DESK_STRIP_MAX_IN in): only desk and the page's outermost paper
    are cut, never its ink.
    The whole page when it is too small to tell."""
    h, w = gray.shape
    k = max(4, round(DESK_STRIP_MAX_IN * dpi))
    step = max(8, round(DESK_STEP_IN * dpi))
    if h < 6 * k or w < 6 * k:
        return 0, 0, w, h

    def cut(band: np.ndarray) -> int:
        """Strip width of one side: `band` is (2k rows from the edge in, the side's length)."""
        n = band.shape[1] // step
        if n < 1:
            return 0
        prof = np.median(band[:, : n * step].reshape(2 * k, n, step), axis=2)  # (depth, stretch)
        paper = np.median(prof[k:], axis=0)
        dark = prof[:k] < paper - 40
        depth = np.where(dark.all(axis=0), k, np.argmax(~dark, axis=0))  # the strip runs from the edge in, unbroken
        return int(depth.max()) + 1 if depth.max() else 0

    top = cut(gray[: 2 * k])
    bottom = cut(gray[h - 2 * k:][::-1])
    left = cut(gray[:, : 2 * k].T)
    right = cut(gray[:, w - 2 * k:][:, ::-1].T)
    return left, top, w - right, h - bottom


DESK_STRIP = True
"""Whether a squared-up photo's page read is cut to the page inside its desk strip (tests and benches turn it off).
Measured against the read of the whole page, base run in the same minutes on a loaded machine: bench_realpages tuning
photo-shadow CPU ratio 1.36 -> 1.21, photo-clean 0.97 -> 0.87, accuracy and broke the same on all four photo classes
but photo-blur (99.42 -> 99.59 %, broke 0.16 -> 0.12 %), photo-blur and photo-dark CPU 0.92 -> 0.82, 0.95 -> 0.77;
128 more tuning photo-shadow pages (the tuning plans with three other seeds, bench_broke and its --extra material)
ingest CPU 0.88-0.95 of the whole-page read, accuracy within 0.02 points on each set (one word fewer right in all),
broke +1 word (`trên;` read `trên,`). Held-out photo-shadow lost 0.3 points (99.70 -> 99.40 %, broke 0 -> 0 %),
as the painted strip of hshadow3 did: not found on any tuning page. Pages of a few lines are cut too: the tuning
blurred signer page of plan t1 read its signer's name only so. Looked for again (hphoto6): bench_realpages tuning
photo-shadow, whole page / inside the strip cut to the ink box (this) / inside the strip only, not cut to the ink box:
final 99.95 % all three (3,647 of 3,649 words), first read 98.93 / 99.01 / 99.10 %; the nine tuning plans rendered as
photo-shadow with nine other seeds (the tuning set's photos repeat one seed across t1-t7; 18 pages, 3,297 words),
first read: whole page 98.64 % (1.17 x the CPU of the read), this 98.85 %, strip only 98.76 % (1.03 x): neither the
whole page nor the strip-only read is better on tuning material, so the cut stays as it is; the held-out loss is
unexplained (one seed's shadow over two plans: 4 words)."""


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by `angle` degrees (counter-clockwise positive, as OpenCV), keeping the whole page, paper-coloured fill."""
    return _rotate(gray, angle)[0]


def _rotate(gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """The rotated page and its 3x3 matrix. The corners are filled with the paper's colour, not white: white
    corners on a dim page make Tesseract's threshold read the whole page as ink. Bilinear: on 0.7°-skewed scans of
    three extra plans (1,767 words, first read) it read 99.21 % right against cubic / Lanczos 99.04 %, rotating a
    doubled copy and area-shrinking it 99.09 %; nearest neighbour (at these angles an integer shear: no resampling)
    97.86 against bilinear's 98.76 % on three others (1,449 words); bench_broke --extra scan300 broke 0.29 % bilinear
    and cubic alike (scan200 0.18 / 0.16 %)."""
    import cv2

    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    paper = int(np.percentile(gray[:: 8, :: 8], 90))
    return cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=paper), np.vstack([m, [0, 0, 1]])


def rotate_quarter(gray: np.ndarray, degrees_cw: int) -> np.ndarray:
    """Turn a page by a multiple of 90° clockwise (from OSD)."""
    k = (degrees_cw // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, -k)) if k else gray


def turn_box(box: tuple[int, int, int, int], degrees_cw: int, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """A box of a page in the coordinates of the same page turned by rotate_quarter."""
    x0, y0, x1, y1 = box
    h, w = shape
    k = (degrees_cw // 90) % 4
    if k == 1:
        return (h - y1, x0, h - y0, x1)
    if k == 2:
        return (w - x1, h - y1, w - x0, h - y0)
    if k == 3:
        return (y0, w - x1, y1, w - x0)
    return box


def prepare(pil_image, stated_dpi: int | None, *, deskew: bool = True, flatten: bool = True, plain: bool = False) -> Prepared:
    """The clean-up chain: EXIF orientation → colour marks out → page outline → gray → resolution → background →
    sharpening (blurred photos only) → skew.

    `plain`: only orientation, gray and resolution (the read a page falls back to when clean-up made it worse).
    """
    import cv2

    from . import marks as marks_mod
    from . import photo

    pil_image = photo.upright(pil_image)
    gray, rgb = _pixels(pil_image)
    if plain:
        return _plain(gray, stated_dpi)
    source = gray
    found = []
    if rgb is not None and pil_image.mode not in ("1", "I", "I;16", "F"):
        cm = marks_mod.colour_marks(rgb, guess_dpi(gray, stated_dpi))
        if cm is not None:
            gray = np.array(gray)
            gray[cm.mask] = int(np.percentile(gray[:: 8, :: 8], 90))
            found = cm.found
    T = np.eye(3)
    quad = photo.find_page(gray)
    if quad is not None:
        M, size = photo.unwarp_matrix(quad)
        gray = cv2.warpPerspective(gray, M, size, flags=cv2.INTER_LINEAR, borderValue=int(np.percentile(gray[:: 8, :: 8], 90)))
        T = M @ T
    dpi = guess_dpi(gray, stated_dpi)
    gray, scale = upscale(gray, dpi)
    T = np.diag([scale, scale, 1.0]) @ T
    eff_dpi = round(dpi * scale)
    flattened = False
    if flatten:
        gray, flattened = flatten_background(gray, photo=quad is not None)
    sharpened = False
    spread = None
    if SHARPEN and quad is not None:
        spread = blur_spread(gray, eff_dpi)
        gray, sharpened = sharpen(gray, eff_dpi, spread)
    skew = 0.0
    if deskew:
        skew = estimate_skew(gray)
        if abs(skew) >= MIN_SKEW:
            gray, R = _rotate(gray, skew)
            T = R @ T
        else:
            skew = 0.0
    boxes = [(kind, _map_box(box, T, gray.shape), conf) for kind, box, conf in found]
    inner = desk_strip(gray, eff_dpi) if DESK_STRIP and quad is not None and not skew else None
    return Prepared(gray, eff_dpi, scale, skew, flattened, boxes, quad is not None, T, source, sharpened, inner, spread)


def plain_page(prep: Prepared, stated_dpi: int | None) -> Prepared | None:
    """The page of `prep` prepared without clean-up, as `prepare(..., plain=True)` makes it, from the input's pixels
    `prep` kept; None when it kept none."""
    return None if prep.source is None else _plain(prep.source, stated_dpi)


def _plain(gray: np.ndarray, stated_dpi: int | None) -> Prepared:
    """Only gray and resolution: the read a page falls back to when clean-up made it worse."""
    dpi = guess_dpi(gray, stated_dpi)
    gray, scale = upscale(gray, dpi)
    return Prepared(gray, round(dpi * scale), scale, 0.0, False, matrix=np.diag([scale, scale, 1.0]))


def _map_box(box: tuple[int, int, int, int], T: np.ndarray, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """A box of the input image in the prepared image's pixels (the bounding box of its mapped corners)."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64) @ T.T
    xs, ys = pts[:, 0] / pts[:, 2], pts[:, 1] / pts[:, 2]
    h, w = shape
    return (int(max(0, xs.min())), int(max(0, ys.min())), int(min(w, xs.max())), int(min(h, ys.max())))
