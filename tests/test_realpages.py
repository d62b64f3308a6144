"""Real-world pages on real Tesseract: a phone photo, a red seal, a dark blurred page, and the vie channel repairing a
confident wrong diacritic while leaving correct words alone. Images are generated here."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

import planparse
from planparse.devtools import photosynth, synth
from planparse.models import Line, Word
from planparse.repair import restore_lines

from .conftest import letter_doc


def _accuracy(got: str, gold: str) -> float:
    g, w = gold.split(), got.split()
    return sum(o.src_end - o.src_start for o in Levenshtein.opcodes(g, w) if o.tag == "equal") / len(g)


@pytest.fixture(scope="module")
def page():
    return synth.render(letter_doc(), dpi=300)[0]


@pytest.fixture(scope="module")
def page200():
    return synth.render(letter_doc(), dpi=200)[0]


def test_photographed_page_is_found_flattened_and_read(page, tmp_path):
    path = tmp_path / "photo.jpg"
    photosynth.photo(page, "photo-shadow", seed=4).save(path, quality=85)
    doc = planparse.ingest(path, jobs=1, tables=False)
    p = doc.pages[0]
    assert abs(p.height / p.width - 29.7 / 21.0) < 0.05, "the sheet is cut out of the desk and squared"
    assert _accuracy(doc.text, synth.plain_text(letter_doc())) >= 0.9
    assert "Bồi dưỡng thường xuyên giáo viên" in doc.text


def test_red_seal_is_a_mark_not_text(page200, tmp_path):
    path = tmp_path / "sealed.png"
    photosynth.stamp(page200, seed=2).save(path, dpi=(200, 200))
    doc = planparse.ingest(path, jobs=1, tables=False)
    kinds = {m.kind for m in doc.pages[0].marks}
    assert "seal" in kinds and "signature" in kinds
    seal = next(m for m in doc.pages[0].marks if m.kind == "seal")
    x0, y0, x1, y1 = photosynth.signer_box(page200)
    assert seal.bbox[0] < x1 and seal.bbox[2] > x0 and seal.bbox[1] < y1 and seal.bbox[3] > y0 - 200
    assert "Trần Thị Lan" in doc.text


def test_dark_blurred_skewed_page_is_still_read(page200, tmp_path):
    """A dim, blurred photo that needs deskewing: white deskew corners once made Tesseract read it all as ink."""
    from PIL import Image, ImageFilter

    img = page200.rotate(1.5, resample=Image.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(1.1))
    arr = np.asarray(img, dtype=np.float32) * 0.45 + np.random.default_rng(0).normal(0, 6, (img.size[1], img.size[0]))
    path = tmp_path / "dark.jpg"
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path, quality=80, dpi=(200, 200))
    doc = planparse.ingest(path, jobs=1, tables=False)
    assert _accuracy(doc.text, synth.plain_text(letter_doc())) >= 0.85


def _line(text: str, conf: float) -> Line:
    words = text.split()
    return Line(text=text, words=[Word(text=w, bbox=(0, 0, 1, 1), confidence=conf) for w in words], confidence=conf)


def test_confident_wrong_diacritic_is_repaired_and_correct_words_are_not():
    lines = [_line("Trạm Y tế báo cáo khân cấp khi có ca bệnh nghi ngờ", 90.0),
             _line("Tổ chức triên khai kế hoạch phòng chống địch bệnh", 95.0),
             _line("Ủy ban nhân dân xã xây dựng kế hoạch tuyên truyền", 45.0),
             _line("Đào tạo, bồi dưỡng cán bộ, công chức năm 2026", 95.0)]
    new, records = restore_lines(lines, mode="auto")
    assert new[0].text == "Trạm Y tế báo cáo khẩn cấp khi có ca bệnh nghi ngờ"
    assert new[1].text == "Tổ chức triển khai kế hoạch phòng chống dịch bệnh"
    assert new[2].text == lines[2].text and new[3].text == lines[3].text
    assert {(r.original, r.restored) for r in records} == {("khân", "khẩn"), ("triên", "triển"), ("địch", "dịch")}


def test_exif_orientation_is_applied(tmp_path):
    from PIL import Image

    from planparse.ocr import photo

    img = Image.new("L", (40, 20), 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: rotate 90° clockwise to view
    img.save(tmp_path / "turned.jpg", exif=exif)
    assert photo.upright(Image.open(tmp_path / "turned.jpg")).size == (20, 40)
    assert photo.upright(img).size == (40, 20)
