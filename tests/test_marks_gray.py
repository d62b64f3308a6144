"""Seals and handwriting on greyscale and black-and-white pages, found by shape: recorded on the page, kept out of the
text, and the printed lines around them kept. Images are generated here; the page reads use real Tesseract."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import planparse
from planparse.devtools import photosynth, synth
from planparse.models import Line, Mark
from planparse.ocr import marks, shapemarks
from planparse.ocr.shapemarks.ink import chained
from planparse.ocr.shapemarks.outlines import snap

from .conftest import letter_doc

SIGNER = ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Lan"]


@pytest.fixture(scope="module")
def page():
    return synth.render(letter_doc(), dpi=300)[0]


def _overlaps(box, true, dpi: int = 200) -> bool:
    """Whether `box` covers a third of `true`, a box of the 300-dpi page, on the page scanned at `dpi`."""
    x0, y0, x1, y1 = (round(v * dpi / 300) for v in true)
    inter = max(0, min(x1, box[2]) - max(x0, box[0])) * max(0, min(y1, box[3]) - max(y0, box[1]))
    return inter >= 0.33 * (x1 - x0) * (y1 - y0)


def _no_garbage(doc) -> None:
    gold = {w.strip(".,;:()-").lower() for w in synth.plain_text(letter_doc()).split()}
    for ln in doc.pages[0].lines:
        ws = [w.strip(".,;:()-").lower() for w in ln.text.split() if w.strip(".,;:()-")]
        assert sum(w in gold for w in ws) >= 0.5 * len(ws), f"garbage line in the text: {ln.text!r}"


def test_grey_seal_over_the_signature_is_a_mark_and_the_signer_lines_stay(page, tmp_path):
    marked, boxes = photosynth.stamp_gray(page, seed=3)
    path = tmp_path / "grey.jpg"
    photosynth.scan(marked, 200, seed=3).save(path, quality=60, dpi=(200, 200))
    doc = planparse.ingest(path, jobs=1, tables=False)
    found = doc.pages[0].marks
    seal = [m for m in found if m.kind == "seal"]
    assert seal and "ring shape" in seal[0].found_by and _overlaps(seal[0].bbox, boxes["seal"])
    assert any(m.kind == "signature" and _overlaps(m.bbox, boxes["signature"]) for m in found)
    for line in SIGNER:
        assert line in doc.text
    _no_garbage(doc)


def test_black_handwriting_on_a_bilevel_page_is_a_mark_and_kept_out(page, tmp_path):
    marked, boxes = photosynth.stamp_gray(page, seed=5)
    path = tmp_path / "bw.png"
    photosynth.bilevel(photosynth.scan(marked, 200, seed=5)).save(path, dpi=(200, 200))
    doc = planparse.ingest(path, jobs=1, tables=False)
    found = doc.pages[0].marks
    assert any(m.kind == "signature" and m.found_by == "strokes" and _overlaps(m.bbox, boxes["signature"]) for m in found)
    assert any(m.kind == "seal" and m.found_by == "ring shape" for m in found)
    # Read without the shape step, Tesseract drops both signer lines under the seal as picture. In black and white,
    # glyphs the seal's ring and text run through may be damaged, but the lines are read.
    assert doc.text.count("GIÁM ĐỐC") == 2 and "Thị Lan" in doc.text
    assert "- Lưu: VT." in doc.text, "the recipients column beside the marks stays"
    _no_garbage(doc)


def test_oval_and_rectangular_stamps_are_marks_and_their_text_is_kept_out(page, tmp_path):
    marked, boxes = photosynth.stamp_shapes(page, seed=7)
    path = tmp_path / "stamps.jpg"
    photosynth.scan(marked, 200, seed=7).save(path, quality=60, dpi=(200, 200))
    doc = planparse.ingest(path, jobs=1, tables=False)
    stamps = [m for m in doc.pages[0].marks if m.kind == "stamp"]
    assert {m.found_by for m in stamps} == {"oval outline", "rectangle outline"}
    assert all(any(_overlaps(m.bbox, box) for m in stamps) for box in boxes.values())
    assert "SAO Y" not in doc.text and "ĐÃ KÝ" not in doc.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in doc.text and "Trần Thị Lan" in doc.text
    _no_garbage(doc)


def test_a_rectangular_stamp_on_a_bilevel_page_is_found_by_its_outline(page):
    marked, boxes = photosynth.stamp_shapes(page, seed=8, tone=0)
    bw = np.asarray(photosynth.bilevel(photosynth.scan(marked, 300, seed=8)).convert("L"))
    found = shapemarks.shape_marks(bw, 300)
    assert found is not None
    kinds = {how for kind, _, _, how in found.found if kind == "stamp"}
    assert kinds == {"oval outline", "rectangle outline"}


def test_a_page_of_print_and_a_ruled_table_have_no_shape_marks():
    page = synth.degrade(synth.render(letter_doc(), dpi=200)[0], seed=2)
    assert shapemarks.shape_marks(np.asarray(page), 200) is None
    table = synth.render_table([["TT", "Nội dung", "Thời gian"], ["1", "Kiểm tra hồ sơ", "Quý II"]] * 4, dpi=200)
    assert shapemarks.shape_marks(np.asarray(synth.degrade(table, seed=3)), 200) is None


def test_a_printed_line_touching_a_seal_stays_and_garbage_inside_it_goes():
    seal = Mark(kind="seal", bbox=(100, 100, 400, 400), confidence=1.0, found_by="ring shape")
    touching = Line(text="TM. ỦY BAN NHÂN DÂN", bbox=(300, 80, 900, 130), confidence=93.0)
    inside_print = Line(text="CHỦ TỊCH", bbox=(150, 200, 350, 240), confidence=90.0)
    inside_garbage = Line(text="*\\VAU 0Tjd/7+ ——-#~.", bbox=(120, 250, 380, 300), confidence=62.0)
    kept, scribbles = marks.garbage_lines([touching, inside_print, inside_garbage], [seal])
    assert kept == [touching, inside_print] and scribbles == []


def _missing(text: str) -> list[str]:
    """Words of the letter the page text lacks (as many times as they are printed)."""
    from collections import Counter

    gold = Counter(w.strip(".,;:()") for w in synth.plain_text(letter_doc()).split())
    got = Counter(w.strip(".,;:()") for w in text.split())
    return sorted((gold - got).elements())


@pytest.mark.parametrize("ink", ["grey", "red"])
def test_stamps_and_a_seal_printed_over_lines_are_marks_and_the_lines_stay(page, tmp_path, ink):
    # a received stamp across the last body lines, a SAO Y stamp over the recipients, a seal over the signer's name
    marked, boxes = photosynth.stamp_over_text(page, seed=2, ink=ink)
    path = tmp_path / f"{ink}.jpg"
    photosynth.scan(marked, 200, seed=2).save(path, quality=60, dpi=(200, 200))
    doc = planparse.ingest(path, jobs=1, tables=False)
    found = doc.pages[0].marks
    stamps = [m for m in found if m.kind == "stamp"]
    assert all(any(_overlaps(m.bbox, boxes[k]) for m in stamps) for k in ("received", "copy"))
    assert any(m.kind == "seal" and _overlaps(m.bbox, boxes["seal"]) for m in found)
    if ink == "red":
        assert {m.found_by for m in stamps} == {"colour"}
    for word in ("ĐẾN", "Chuyển", "SAO Y", "BẢN CHÍNH"):
        assert word not in doc.text, f"the stamps' own text {word!r} got into the text"
    assert len(_missing(doc.text)) <= 1, f"printed words under the stamps lost: {_missing(doc.text)}"
    _no_garbage(doc)


def _chained_one_by_one(stats, kept, glyph_px, tall):
    """shapemarks' chaining as it was first written (one component at a time), the reference for `chained`."""
    kept = set(kept)
    glyph = stats[:, 3] <= glyph_px
    tops, bottoms = stats[:, 1], stats[:, 1] + stats[:, 3]
    lefts, rights = stats[:, 0], stats[:, 0] + stats[:, 2]
    changed = True
    while changed:
        changed = False
        for k in range(1, len(stats)):
            if k in kept or not (glyph[k] or tall and stats[k, 3] <= 2 * glyph_px):
                continue
            for j in kept:
                hk, hj = stats[k, 3], stats[j, 3]
                overlap = min(bottoms[k], bottoms[j]) - max(tops[k], tops[j])
                gap = max(lefts[k], lefts[j]) - min(rights[k], rights[j])
                if (overlap >= 0.5 * min(hk, hj) and gap <= 1.0 * min(max(hk, hj), glyph_px)
                        and 0.5 <= hk / max(hj, 1) <= (2 if glyph[k] else 2 * glyph_px / max(hj, 1))):
                    kept.add(k)
                    changed = True
                    break
    return kept


@pytest.mark.parametrize("tall", [False, True])
def test_glyphs_are_chained_to_printed_rows_as_one_by_one(tall):
    """The array form of the glyph chaining keeps the same components as adding them one at a time, on rows of
    glyph-like boxes with taller ink among them."""
    rng = np.random.default_rng(5)
    rows = []
    for y in range(0, 400, 40):
        x = int(rng.integers(0, 30))
        while x < 600:
            w, h = int(rng.integers(8, 25)), int(rng.integers(12, 30)) * (3 if rng.random() < 0.1 else 1)
            rows.append([x, y + int(rng.integers(-4, 5)), w, h, w * h])
            x += w + int(rng.integers(2, 40))
    stats = np.array([[0, 0, 600, 440, 0]] + rows, dtype=np.int32)
    start = {k for k in range(1, len(stats)) if stats[k, 0] < 30 and stats[k, 3] <= 40}
    assert chained(stats, start, 40.0, tall) == _chained_one_by_one(stats, start, 40.0, tall)


def test_an_oval_refit_to_ink_on_one_side_only_keeps_the_first_fit():
    """Ink along a short straight piece of an oval's band gives a degenerate ellipse; the oval stays as first fitted."""
    ink = np.zeros((200, 300), np.uint8)
    ink[60:62, 100:200] = 1
    fit = ((150.0, 100.0), (200.0, 80.0), 0.0)
    (cx, cy), axes, _ = snap(ink, fit, 3)
    assert max(axes) <= 200 + 8 and abs(cx - 150) <= 6 and abs(cy - 100) <= 6


def test_a_stamp_printed_over_body_lines_on_a_bilevel_page_loses_its_outline_and_text_not_the_print(page):
    # black and white: the received stamp's ink has the print's tone; what is kept is told by printed rows leading
    # into the stamp from outside it (their glyphs, the diacritics over them, and the pieces the outline cuts)
    marked, boxes = photosynth.stamp_over_text(page, seed=0, ink="grey")
    clean = np.asarray(photosynth.bilevel(photosynth.scan(page.convert("L"), 300, seed=0)).convert("L")) < 128
    bw = np.asarray(photosynth.bilevel(photosynth.scan(marked, 300, seed=0)).convert("L"))
    found = shapemarks.shape_marks(bw, 300)
    assert found is not None
    x0, y0, x1, y1 = boxes["received"]
    assert any(kind == "stamp" and _overlaps(box, boxes["received"], 300) for kind, box, _, _ in found.found)
    printed = clean[y0:y1, x0:x1]
    stamped = (bw[y0:y1, x0:x1] < 128) & ~printed
    own = stamped & ~(cv2.dilate(printed.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0)
    left = found.gray[y0:y1, x0:x1] < 128
    assert (left & printed).sum() >= 0.95 * printed.sum(), "printed ink under the stamp whitened"
    assert (own & ~left).sum() >= 0.8 * own.sum(), "the stamp's own outline and text left on the page"


def _lit(gray: np.ndarray, fall: float) -> np.ndarray:
    """A page under a phone photo's light: darker to the right and down by up to `fall` of its brightness, blurred."""
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.95 - fall * xx / w - 0.1 * yy / h
    return np.clip(cv2.GaussianBlur(gray.astype(np.float32) * light, (0, 0), 2.2), 0, 255).astype(np.uint8)


def test_the_seal_search_takes_ink_against_the_paper_around_it_not_the_pages(page):
    """On an unevenly lit photo left unflattened, the dim corner is 20 levels under the page's paper all through:
    measured against that, rings of print there were 'seals' (one whitened a signer's title); against the paper
    around each pixel, none are, and a grey seal in the dim corner is still found."""
    from planparse.ocr.shapemarks.seals import find_seals

    plain = _lit(np.asarray(page.convert("L")), 0.25)
    assert find_seals(plain, 300, float(np.percentile(plain[::8, ::8], 90))) == []
    stamped, boxes = photosynth.stamp_gray(page, seed=3, handwriting=False)
    lit = _lit(np.asarray(stamped), 0.25)
    found = find_seals(lit, 300, float(np.percentile(lit[::8, ::8], 90)))
    x0, y0, x1, y1 = boxes["seal"]
    assert len(found) == 1 and x0 < found[0][0] < x1 and y0 < found[0][1] < y1


def test_a_thin_seal_ring_over_print_is_found_with_the_hough_vote_count():
    """seals.HOUGH_VOTES asks a candidate circle for more votes than dense print gives one (fewer candidates to check:
    the Hough's cost), and a seal's ring, however thin (0.25 mm at 200 dpi, over printed lines), has many more."""
    from planparse.ocr.shapemarks import seals

    gray = np.array(synth.render(letter_doc(), dpi=200)[0].convert("L"))
    h, w = gray.shape
    r = round(1.6 * 200 / 2.54)
    for cy in (h // 3, int(h * 0.8)):
        img = gray.copy()
        cv2.circle(img, (w // 2, cy), r, 120, 2, lineType=cv2.LINE_AA)
        (x, y, radius, cover), = seals.find_seals(img, 200, 255.0)
        assert abs(x - w // 2) <= 3 and abs(y - cy) <= 3 and r <= radius <= 1.1 * r and cover >= seals.RING_COVER
    assert seals.find_seals(gray, 200, 255.0) == []


def test_tint_masks_are_the_hsv_thresholds():
    """marks._tints (cv2.inRange) marks exactly the pixels of saturation >= 70, value >= 50 and a red (<= 10, >= 160) or
    blue (100-135) hue."""
    hsv = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    hsv[..., 0] %= 180
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    inked = (s >= 70) & (v >= 50)
    red, blue = marks._tints(hsv)
    assert red.dtype == bool and (red == inked & ((h <= 10) | (h >= 160))).all()
    assert (blue == inked & (h >= 100) & (h <= 135)).all()
