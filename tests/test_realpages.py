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


def test_capitals_with_marks_are_words_not_acronyms():
    """A heading's marked capitals are syllables the channel may repair (CÂU -> CẦU); acronyms and names stay."""
    lines = [_line("I. MỤC ĐÍCH, YÊU CÂU", 90.0), _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 95.0),
             _line("UBND HUYỆN ĐỨC TRỌNG", 90.0), _line("LÊ VĂN SÁU", 90.0)]
    new, _ = restore_lines(lines, mode="auto")
    assert [ln.text for ln in new] == ["I. MỤC ĐÍCH, YÊU CẦU"] + [ln.text for ln in lines[1:]]


def test_a_word_read_with_a_letter_vietnamese_never_uses_is_repaired_through_its_lookalike():
    """vie prints the eth `ð` for a marked d or o now and then (`rð ràng`): no confusion rule spells it, so the word had
    no reading and stayed; read through symbols.LOOKALIKES it is repaired in context, whatever its confidence."""
    for conf in (45.0, 95.0):
        new, _ = restore_lines([_line("chết không rð nguyên nhân, hộ chăn nuôi", conf), _line("Ðảm bảo an toàn", conf)],
                               mode="auto")
        assert [ln.text for ln in new] == ["chết không rõ nguyên nhân, hộ chăn nuôi", "Đảm bảo an toàn"]


def test_exif_orientation_is_applied(tmp_path):
    from PIL import Image

    from planparse.ocr import photo

    img = Image.new("L", (40, 20), 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored turned: rotate 90° clockwise to view
    img.save(tmp_path / "turned.jpg", exif=exif)
    assert photo.upright(Image.open(tmp_path / "turned.jpg")).size == (20, 40)
    assert photo.upright(img).size == (40, 20)


def test_page_read_is_the_ink_box_and_boxes_stay_in_page_pixels(page):
    """Tesseract reads only the inked part of the page (less CPU), and word boxes still land on the page's text."""
    from planparse.ocr import preprocess, read_page
    from planparse.options import Options

    gray = preprocess.to_gray(page)
    x0, y0, x1, y1 = preprocess.ink_box(gray, 300)
    h, w = gray.shape
    assert 0 < x0 and 0 < y0 and x1 < w and y1 < h and (x1 - x0) * (y1 - y0) < 0.9 * w * h
    assert preprocess.ink_box(np.full((400, 300), 255, np.uint8), 300) == (0, 0, 300, 400)
    words = read_page(gray, 300, 1, Options(osd=False)).words
    for wd in words[:40]:
        a, b, c, d = wd.bbox
        assert gray[b:d, a:c].min() < 128, f"{wd.text!r} box {wd.bbox} holds no ink"


def test_low_resolution_pages_are_resampled_to_175_dpi_and_finer_ones_left_alone():
    from planparse.ocr import preprocess

    gray = np.full((1754, 1240), 255, np.uint8)
    up, scale = preprocess.upscale(gray, 150)
    assert scale == pytest.approx(175 / 150) and up.shape == (round(1754 * scale), round(1240 * scale))
    assert preprocess.upscale(gray, 100)[1] == pytest.approx(1.75)
    assert preprocess.upscale(gray, 200) == (gray, 1.0)


def test_skew_is_measured_on_a_turned_page(page):
    from planparse.ocr import preprocess

    gray = preprocess.to_gray(page)
    assert abs(preprocess.estimate_skew(gray)) < 0.2
    assert abs(preprocess.estimate_skew(preprocess.rotate(gray, 1.7)) + 1.7) <= 0.2


def test_heading_number_glued_to_its_word_is_two_words():
    from planparse.ocr.layout import words_from_data

    texts = ["I.MỤC", "TIÊU", "2.Đẩy", "V.v", "1.1", "TP.HCM"]
    n = len(texts)
    data = {"text": texts, "conf": [90] * n, "left": [0, 120, 0, 0, 0, 0], "top": [0] * n, "width": [100] * n,
            "height": [20] * n, "block_num": [1] * n, "par_num": [1] * n, "line_num": [1, 1, 2, 3, 4, 5],
            "word_num": [1, 2, 1, 1, 1, 1]}
    got = [w.text for _, w in words_from_data(data)]
    assert got == ["I.", "MỤC", "TIÊU", "2.", "Đẩy", "V.v", "1.1", "TP.HCM"]


def test_repeated_roman_heading_is_the_next_number():
    from planparse.structure.headings import renumber

    lines = [_line(t, 90.0) for t in ("I. MỤC ĐÍCH", "nội dung", "II. NHIỆM VỤ", "văn bản", "II. TỔ CHỨC THỰC HIỆN",
                                      "IV. KINH PHÍ", "IV. ghi chú")]
    new, warnings = renumber(lines, 1)
    assert [ln.text.split()[0] for ln in new] == ["I.", "nội", "II.", "văn", "III.", "IV.", "IV."]
    assert new[4].words[0].text == "III." and len(warnings) == 1


def _keyed(words: list[tuple[str, int, int]], line: int = 1, h: int = 40, top: int = 100):
    from planparse.ocr.layout import words_from_data

    n = len(words)
    data: dict[str, list] = {
        "text": [t for t, _, _ in words], "conf": [90] * n, "left": [x for _, x, _ in words], "top": [top] * n,
        "width": [w for _, _, w in words], "height": [h] * n, "block_num": [1] * n, "par_num": [1] * n,
        "line_num": [line] * n, "word_num": list(range(1, n + 1))}
    return words_from_data(data)


def test_a_speck_between_two_header_columns_does_not_bridge_them():
    from planparse.ocr.layout import build_lines

    left = [("BỘ", 0, 60), ("NÔNG", 75, 130), ("NGHIỆP", 220, 180), ("VÀ", 415, 60), ("MÔI", 490, 90), ("TRƯỜNG", 595, 200)]
    right = [("CỘNG", 885, 130), ("HÒA", 1030, 100), ("XÃ", 1145, 60), ("HỘI", 1220, 90), ("CHỦ", 1325, 100)]
    lines = build_lines(_keyed(left + [("ˆ", 840, 25)] + right) + _keyed([(":", 700, 8)], line=2, h=8), 2480, 1)
    assert [ln.text for ln in lines] == ["BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "CỘNG HÒA XÃ HỘI CHỦ"]


def test_a_dash_spaced_as_a_word_keeps_its_line_whole():
    """A dash between words parts nothing: without it the gap around it is wide enough to cut two false columns, and
    the words after it were read after the lines below."""
    from planparse.ocr.layout import build_lines

    row = [("Lĩnh", 0, 91), ("vực", 105, 73), ("|", 195, 4), ("Thương", 214, 157), ("mại", 386, 73), ("—", 472, 51),
           ("Công", 537, 105), ("nghệ", 657, 95), ("thông", 765, 113), ("tin", 893, 51)]
    below = [("Chương", 0, 160), ("I.", 175, 30), ("QUY", 220, 90), ("ĐỊNH", 325, 110), ("CHUNG", 450, 150)]
    lines = build_lines(_keyed(row, h=46) + _keyed(below, line=2, h=46, top=170), 2480, 1)
    assert [ln.text for ln in lines] == ["Lĩnh vực | Thương mại — Công nghệ thông tin", "Chương I. QUY ĐỊNH CHUNG"]


def test_a_long_dash_read_twice_is_one_dash_when_its_box_holds_one():
    """Deskewed at 200 dpi one `—` was read `——` in a box one em wide; a typed rule of five dashes keeps five."""
    from planparse.ocr.layout import build_lines

    row = [("Tài", 300, 45), ("liệu", 355, 50), ("đính", 415, 60), ("kèm", 485, 55), ("|——", 575, 47)]
    rule = [("—————", 300, 165)]
    lines = build_lines(_keyed(row, h=24) + _keyed(rule, line=2, h=24, top=150), 1650, 1)
    assert [ln.text for ln in lines] == ["Tài liệu đính kèm |—", "—————"]


def test_a_flat_stroke_read_as_a_digit_is_no_line_and_a_real_digit_or_dash_stays():
    """A seal's rim read `5` in a 36x3 px box beside a table row is no text (no digit is that flat: layout.FLAT); a digit
    of the text's height and a lone dash in a far cell are kept."""
    from planparse.ocr.layout import build_lines

    row = _keyed([("7", 390, 20), ("Hỗ", 454, 50), ("trợ", 520, 55), ("lưới,", 590, 80)], top=1000)
    assert [ln.text for ln in build_lines(row + _keyed([("5", 2065, 36)], h=3, top=1010), 3500, 1)] == ["7 Hỗ trợ lưới,"]
    kept = build_lines(row + _keyed([("5", 2065, 20)], h=30, top=1005) + _keyed([("—", 2800, 40)], h=3, top=1015),
                       3500, 1)
    assert sorted(ln.text for ln in kept) == ["5", "7 Hỗ trợ lưới,", "—"]


def test_seal_specks_read_as_text_do_not_break_a_signer_blocks_columns():
    from planparse.ocr.layout import words_from_data

    rows = [(230, 1, [("Nơi", 296, 57, 96), ("nhận:", 365, 90, 96), ("TM.", 1203, 81, 96), ("ỦY", 1298, 61, 96),
                      ("BAN", 1370, 92, 96), ("NHÂN", 1475, 128, 96), ("DÂN", 1616, 95, 95)]),
            (290, 2, [("-", 297, 10, 93), ("Như", 319, 66, 96), ("trên;", 394, 66, 96), ("CHỦ", 1348, 95, 96),
                      ("TỊCH", 1455, 112, 95)]),
            # the seal's ink over the block, read as a letter and a quote mark
            (345, 3, [("-", 297, 10, 90), ("Lưu:", 319, 69, 93), ("VT.", 400, 53, 92), ("ợ", 950, 16, 0), ('"', 1173, 37, 57)]),
            (550, 4, [("Nguyễn", 1277, 143, 96), ("Thành", 1431, 125, 96), ("Lộc", 1568, 70, 96)])]
    data = {k: [] for k in ("text", "conf", "left", "top", "width", "height", "block_num", "par_num", "line_num", "word_num")}
    for top, line, words in rows:
        for k, (t, x, w, c) in enumerate(words):
            for key, v in zip(data, (t, c, x, top, w, 35, 1, 1, line, k + 1)):
                data[key].append(v)
    from planparse.ocr.layout import build_lines

    texts = [ln.text for ln in build_lines(words_from_data(data), 2040, 1) if len(ln.text) > 2]
    assert texts == ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Thành Lộc"]


def test_table_cells_the_page_read_lost_are_lines_in_row_order():
    from planparse.models import Cell
    from planparse.ocr.layout import cell_order, insert_lines, lost_cells

    cells = [Cell(row=r, col=c, text=t, bbox=(x0, 100 + 80 * r, x1, 180 + 80 * r), page=1, confidence=90.0)
             for r, row in enumerate([["TT", "Nội dung", "Ghi chú"], ["1", "Kiểm tra", "Trực tiếp"]])
             for c, (t, (x0, x1)) in enumerate(zip(row, [(0, 100), (100, 600), (600, 900)]))]
    # A blurred table read column by column, its TT column dropped as noise.
    read = [_line(t, 90.0).model_copy(update={"bbox": box, "words": [Word(text=t, bbox=box, confidence=90.0)]})
            for t, box in [("Nội dung", (150, 120, 400, 160)), ("Kiểm tra", (150, 200, 400, 240)),
                           ("Ghi chú", (650, 120, 850, 160)), ("Trực tiếp", (650, 200, 850, 240))]]
    lost = lost_cells(cells, read, 1)
    assert [ln.text for ln in lost] == ["TT", "1"]
    lines = cell_order(insert_lines(read, lost), [cells])
    assert [ln.text for ln in lines] == ["TT", "Nội dung", "Ghi chú", "1", "Kiểm tra", "Trực tiếp"]


def test_lines_of_a_cell_a_seal_merged_over_rows_keep_their_own_rows():
    """A seal hid the rulings of rows 2-3 of the content and time columns, so the grid made one cell spanning them;
    each line in it is ordered by the row its centre lies in, after that row's number."""
    from planparse.models import Cell
    from planparse.ocr.layout import cell_order

    cols = [(0, 100), (100, 600), (600, 900)]
    cells = [Cell(row=r, col=c, text="", bbox=(cols[c][0], 100 * r, cols[c][1], 100 * r + 100), page=1)
             for r in range(4) for c in range(3) if r < 2 or c == 0]
    cells.append(Cell(row=2, col=1, rowspan=2, colspan=2, text="", bbox=(100, 200, 900, 400), page=1))
    cells.append(Cell(row=3, col=2, text="", bbox=(600, 300, 900, 400), page=1))
    read = [("Kiểm tra", (150, 215, 400, 245)), ("Quý I/2026", (650, 215, 850, 245)), ("Sửa chữa", (150, 318, 400, 348)),
            ("Năm 2026", (650, 318, 850, 348)), ("2", (40, 222, 60, 245)), ("3", (40, 325, 60, 348))]
    lines = [_line(t, 90.0).model_copy(update={"bbox": box}) for t, box in read]
    assert [ln.text for ln in cell_order(lines, [cells])] == ["2", "Kiểm tra", "Quý I/2026", "3", "Sửa chữa", "Năm 2026"]


def test_a_row_number_out_of_a_clear_sequence_is_the_number_between_its_neighbours():
    from planparse.models import Cell
    from planparse.ocr.layout import row_numbers

    cells = [Cell(row=r, col=c, text="", bbox=(c * 100, 100 * r, c * 100 + 100, 100 * r + 100), page=1)
             for r in range(7) for c in range(2)]
    texts = ["TT", "Nội dung", "1", "a", "2", "b", "8", "c", "4", "d", "9", "e", "7", "f"]
    lines = [_line(t, 92.0).model_copy(update={"bbox": (c.bbox[0] + 20, c.bbox[1] + 20, c.bbox[0] + 40, c.bbox[1] + 60)})
             for t, c in zip(texts, cells)]
    out = [ln.text for ln in row_numbers(lines, [cells])]
    # 8 lies between 2 and 4: it is 3; 9 between 4 and 7 is no clear sequence and stays
    assert out[::2] == ["TT", "1", "2", "3", "4", "9", "7"]
    assert out[1::2] == texts[1::2]

    # a lone unsure word there (the page read lost the `3`, its cell re-read took it for `sẻ` at 32) is 3 too; read
    # with confidence, or between numbers out of sequence, it stays
    for conf, want in ((32.0, "3"), (86.0, "3"), (95.0, "sẻ")):
        unsure = [ln if k != 6 else ln.model_copy(update={"text": "sẻ", "words": [ln.words[0].model_copy(
            update={"text": "sẻ", "confidence": conf})]}) for k, ln in enumerate(lines)]
        assert [ln.text for ln in row_numbers(unsure, [cells])][::2] == ["TT", "1", "2", want, "4", "9", "7"]
    gap = [ln.model_copy(update={"text": "sẻ", "words": [ln.words[0].model_copy(update={"text": "sẻ", "confidence": 20.0})]})
           if k == 10 else ln for k, ln in enumerate(lines)]
    assert [ln.text for ln in row_numbers(gap, [cells])][::2] == ["TT", "1", "2", "3", "4", "sẻ", "7"]


def test_table_lines_orders_cells_and_mends_row_numbers_with_one_mapping():
    """layout.table_lines maps each line to its cell once for both steps, with the output of the two in turn; on lines
    read column by column (numbers first) too."""
    from planparse.models import Cell
    from planparse.ocr.layout import cell_order, row_numbers, table_lines

    cells = [Cell(row=r, col=c, text="", bbox=(c * 100, 100 * r, c * 100 + 100, 100 * r + 100), page=1)
             for r in range(5) for c in range(2)]
    texts = ["TT", "Nội dung", "1", "a", "2", "b", "8", "c", "4", "d"]
    lines = [_line(t, 92.0).model_copy(update={"bbox": (c.bbox[0] + 20, c.bbox[1] + 20, c.bbox[0] + 40, c.bbox[1] + 60)})
             for t, c in zip(texts, cells)]
    by_column = lines[::2] + lines[1::2]
    for read in (lines, by_column):
        got = table_lines(read, [cells])
        assert got == row_numbers(cell_order(read, [cells]), [cells])
        assert [ln.text for ln in got] == ["TT", "Nội dung", "1", "a", "2", "b", "3", "c", "4", "d"]


def test_a_line_the_page_read_left_out_is_found_and_read_again(page200):
    from planparse.ocr import reread, tesseract
    from planparse.ocr.layout import build_lines, words_from_data

    gray = np.asarray(page200.convert("L"))
    keyed = words_from_data(tesseract.image_to_data(gray, lang="vie", dpi=200))
    lines = build_lines(keyed, gray.shape[1], 1)
    dropped = next(ln for ln in lines if "Trần Thị Lan" in ln.text)
    kept = [w for _, w in keyed if w not in dropped.words]
    assert reread.unread_ink(gray, [w for _, w in keyed], 200) == []
    boxes = reread.unread_ink(gray, kept, 200)
    (x0, y0, x1, y1), (a0, b0, a1, b1) = boxes[0] if len(boxes) == 1 else (None, None), dropped.bbox
    assert min(x1, a1) > max(x0, a0) and min(y1, b1) > max(y0, b0), "the box is the dropped line's"
    (band,) = reread.read_unread(gray, boxes, lang="vie", dpi=200)
    assert " ".join(w.text for w in band) == "Trần Thị Lan"


def test_a_left_out_line_on_dim_blurred_paper_is_read_whitened(page):
    """A blurred photo's unflattened paper (~190) on the white strip of the stacked read: the signer's name read as
    nothing, or garbage at 50; a dim region read so is read again whitened."""
    import cv2

    from planparse.ocr import reread, tesseract
    from planparse.ocr.layout import build_lines, words_from_data

    gray = np.asarray(page.convert("L")).astype(np.float32)
    gray = np.clip(cv2.GaussianBlur(gray, (0, 0), 2.2) * 0.75, 0, 255).astype(np.uint8)
    keyed = words_from_data(tesseract.image_to_data(gray, lang="vie", dpi=300))
    dropped = next(ln for ln in build_lines(keyed, gray.shape[1], 1) if "Trần Thị Lan" in ln.text)
    boxes = reread.unread_ink(gray, [w for _, w in keyed if w not in dropped.words], 300)
    padded = [reread._padded(b, gray.shape) for b in boxes]
    assert reread.read_stacked(gray, padded, lang="vie", dpi=300, scale=4 / 3) == [[]], "as it was read before"
    (band,) = reread.read_unread(gray, boxes, lang="vie", dpi=300)
    assert " ".join(w.text for w in band) == "Trần Thị Lan"


def test_small_copies_are_area_averages_of_the_page(page):
    """shrink (halvings, then one area resize) gives INTER_AREA's size and nearly its pixels, gray and colour."""
    import cv2

    from planparse.ocr.preprocess import shrink, to_gray

    gray = to_gray(page)
    for f in (75 / 300, 50 / 300, 1000 / 3508, 0.7):
        want = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        got = shrink(gray, f)
        assert got.shape == want.shape
        assert np.abs(got.astype(int) - want).mean() < 2.0
    rgb = np.dstack([gray, gray, gray])
    assert shrink(rgb, 0.3).shape == cv2.resize(rgb, None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA).shape
    assert shrink(gray, 1.0) is gray


def test_a_stack_of_crops_at_two_scales_maps_every_word_back_to_the_page():
    from PIL import Image, ImageDraw, ImageFont

    from planparse.ocr import reread

    img = Image.new("L", (900, 300), 255)
    ImageDraw.Draw(img).text((100, 100), "Kênh Xóm 3", font=ImageFont.truetype(synth.font_path(), 40), fill=0)
    gray = np.asarray(img)
    box = (80, 85, 420, 160)
    small, big = reread.read_stacked(gray, [box, box], lang="vie", dpi=300, scale=[1.0, 2.0])
    assert [w.text for w in small] == [w.text for w in big] == ["Kênh", "Xóm", "3"]
    for a, b in zip(small, big):
        assert all(abs(p - q) <= 3 for p, q in zip(a.bbox, b.bbox)), "both reads in page pixels"
    (cell,) = reread.read_cells(gray, [(280, 95, 320, 150)], lang="vie", dpi=300)
    assert [w.text for w in cell] == ["3"] and 280 <= cell[0].bbox[0] < cell[0].bbox[2] <= 320


def test_a_signer_block_only_the_unread_ink_read_found_follows_the_recipients_beside_it():
    from planparse.ocr.layout import insert_lines

    def at(text: str, box: tuple[int, int, int, int]) -> Line:
        return _line(text, 90.0).model_copy(update={"bbox": box})

    read = [at("tai xã ngay khi có sự cố; báo cáo bằng văn bản.", (290, 1880, 1800, 1925)),
            at("Nơi nhận:", (288, 1946, 449, 1990)), at("- Như trên;", (291, 1999, 454, 2042)),
            at("- Lưu: VT.", (291, 2054, 447, 2096))]
    found = [at("KT. CHỦ TỊCH", (1294, 1945, 1595, 1992)), at("PHÓ CHỦ TỊCH", (1281, 2007, 1608, 2057)),
             at("Vàng A Chính", (1311, 2264, 1578, 2307))]
    assert [ln.text for ln in insert_lines(read, found)][1:] == [
        "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Vàng A Chính"]


def test_a_list_dash_read_as_a_tilde_is_a_dash():
    """A blurred recipient line's dash read as `~` or `~-` is the list dash; a tilde inside a line is left alone."""
    from planparse.ocr.layout import build_lines

    lines = build_lines(_keyed([("~", 0, 20), ("Như", 40, 70), ("trên;", 125, 80)])
                        + _keyed([("~-", 0, 25), ("Lưu:", 45, 70), ("VT.", 130, 50)], line=2)
                        + _keyed([("Khoảng", 0, 120), ("~", 140, 20), ("5", 175, 20), ("km", 210, 40)], line=3), 2480, 1)
    assert [ln.text for ln in lines] == ["- Như trên;", "- Lưu: VT.", "Khoảng ~ 5 km"]


def test_confident_names_are_not_respelt_to_likelier_names():
    """A valid name a Vietnamese model read confidently stays as read: after a unit word even where the gazetteer spells
    its skeleton otherwise (xã Đại Ân, not Đại An), and mid-sentence unless the decoder is sure (bản Lủng Pằng); a
    confident misread name the context settles is still repaired (tỉnh TUYỂN QUANG)."""
    lines = [_line("Xã Đại Ân", 96.0), _line("Kênh Đại Ân", 96.0),
             _line("nhất là học sinh các bản xa trung tâm như bản Lủng Pằng, bản Sín Chải.", 92.0),
             _line("UBND TỈNH TUYỂN QUANG", 90.0)]
    new, _ = restore_lines(lines, mode="auto")
    assert [ln.text for ln in new] == [ln.text for ln in lines[:3]] + ["UBND TỈNH TUYÊN QUANG"]


def test_a_confident_name_is_not_respelt_to_a_rare_syllable_no_known_name_backs():
    """A rare name syllable read confidently stays as read though the LM knows another spelling of it better from other
    names (`đồi Pú` -> `Pù`); one that forms a known name with its neighbour is still repaired (the ethnic group Khơ
    Mú), and so is a less confident read."""
    lines = [_line("đoàn kiểm tra đã lên đồi Pú Lanh để xem xét.", 93.0), _line("dựng chòi canh trên đồi Pú Cai.", 88.0),
             _line("nhóm dân tộc Khơ Mù sống ở xã.", 93.0), _line("dựng chòi canh trên đồi Pú Cai.", 80.0)]
    new, _ = restore_lines(lines, mode="auto")
    assert [ln.text for ln in new] == [ln.text for ln in lines[:2]] + ["nhóm dân tộc Khơ Mú sống ở xã.",
                                                                        "dựng chòi canh trên đồi Pù Cai."]


def test_a_list_item_starts_a_new_sentence_for_the_language_model():
    """The word ending a list item is not read together with the next item's number (`làm đòng.` + `2.` is no sum of
    money, `đồng. 2`), as the corpus the LM learned from starts each item on a line of its own."""
    lines = [_line("1. Bón thúc cho diện tích lúa đang làm đòng.", 92.0),
             _line("2. Tổ chức diệt chuột trên đồng ruộng.", 92.0),
             _line("- Chăm sóc lúa thời kỳ làm đòng;", 92.0), _line("- Phòng trừ sâu bệnh.", 92.0)]
    new, _ = restore_lines(lines, mode="auto")
    assert [ln.text for ln in new] == [ln.text for ln in lines]


def test_a_syllable_the_language_model_does_not_know_yields_to_a_known_spelling():
    """A lowercase valid syllable read confidently but unknown to the LM (`điệt`) is no cheap `<unk>`: the known spelling
    of its skeleton the context asks for wins."""
    new, _ = restore_lines([_line("phát hiện sớm ổ rầy, sâu; tổ chức điệt chuột bằng bẫy", 92.0)], mode="auto")
    assert new[0].text == "phát hiện sớm ổ rầy, sâu; tổ chức diệt chuột bằng bẫy"


def _short_page():
    """A page holding two lines only (the last page of a letter), drawn at 300 dpi."""
    doc = synth.SynthDoc(body=["2. Cơ quan đại diện nước ngoài, tổ chức nước ngoài tại Việt Nam và công chức,",
                               "nhân viên của các cơ quan, tổ chức này;"])
    return doc, synth.render(doc, dpi=300)[0]


def test_a_photo_of_few_lines_is_flattened_a_scan_or_full_photo_only_when_unevenly_lit():
    from planparse.ocr import preprocess

    h, w = 800, 600
    lit = np.tile(np.linspace(225, 195, w, dtype=np.float32), (h, 1)).astype(np.uint8)
    assert not preprocess.flatten_background(lit)[1], "a white scan with a mild fall-off is left alone"
    out, done = preprocess.flatten_background(lit, photo=True)
    assert done and int(out.max()) - int(out.min()) < 12, "a photo of a near-empty page has its fall-off divided out"
    full = lit.copy()
    for y in range(40, h - 40, 24):
        full[y:y + 10, 40:w - 40] = 40
    assert not preprocess.flatten_background(full, photo=True)[1], "a photo full of text lines is left alone"


def test_a_blurred_photo_of_a_short_page_keeps_both_lines(tmp_path):
    """Two lines on an unevenly lit blurred photo: Tesseract's global threshold once blackened the dimmer side and
    the first line was lost."""
    doc, page = _short_page()
    for seed in (1, 6):
        path = tmp_path / f"short{seed}.jpg"
        photosynth.photo(page, "photo-blur", seed=seed).save(path, quality=85)
        got = planparse.ingest(path, jobs=1, tables=False).text
        assert _accuracy(got, synth.plain_text(doc)) >= 0.9
        assert "Cơ quan đại diện" in got and "nhân viên" in got


def test_the_colour_search_is_skipped_only_on_pages_without_saturated_ink(page200):
    """The thumbnail gate: a page with a red seal and a blue signature is searched and its marks found as the full
    search finds them; the same page in black and grey (RGB) is not searched at all."""
    from planparse.ocr import marks

    sealed = np.asarray(photosynth.stamp(page200, seed=2).convert("RGB"))
    assert marks._tinted(sealed)
    found = marks.colour_marks(sealed, 200)
    assert found is not None and {k for k, _, _ in found.found} >= {"seal", "signature"}
    assert found.mask.shape == sealed.shape[:2] and found.mask.any()
    plain = np.asarray(page200.convert("RGB"))
    assert not marks._tinted(plain) and marks.colour_marks(plain, 200) is None


def test_a_heading_block_above_a_paragraph_is_read_before_it_whatever_tesseracts_block_order():
    from planparse.ocr.layout import build_lines, words_from_data

    rows = [(1, 200, [("Khống", 300, 120), ("chế", 440, 70), ("kịp", 530, 60), ("thời", 610, 80)]),
            (1, 260, [("phòng", 200, 120), ("vắc", 340, 60), ("xin", 420, 50)]),
            (2, 130, [("I.", 300, 30), ("MỤC", 345, 90), ("TIÊU", 450, 100)]),
            (3, 400, [("II.", 300, 45), ("BIỆN", 360, 100), ("PHÁP", 475, 110)])]
    data: dict[str, list] = {k: [] for k in ("text", "conf", "left", "top", "width", "height", "block_num", "par_num",
                                             "line_num", "word_num")}
    for block, top, words in rows:
        for k, (t, x, w) in enumerate(words):
            for key, v in zip(data, (t, 95, x, top, w, 40, block, 1, top, k + 1)):
                data[key].append(v)
    texts = [ln.text for ln in build_lines(words_from_data(data), 2000, 1)]
    assert texts == ["I. MỤC TIÊU", "Khống chế kịp thời", "phòng vắc xin", "II. BIỆN PHÁP"]


def _list_line(angle: float = 0.0):
    """A 300-dpi line `5. Chuẩn bị dụng cụ chữa cháy`, turned by `angle` degrees; its pixels and the 3x3 matrix of the turn."""
    from PIL import Image, ImageDraw, ImageFont

    from planparse.ocr import preprocess

    img = Image.new("L", (1500, 260), 255)
    ImageDraw.Draw(img).text((120, 90), "5. Chuẩn bị dụng cụ chữa cháy", font=ImageFont.truetype(synth.font_path(), 54),
                             fill=0)
    gray = np.asarray(img)
    return (gray, np.eye(3)) if not angle else preprocess._rotate(gray, angle)


def test_an_unsure_word_of_the_cleaned_page_is_read_again_on_the_plain_page():
    """The clean-up's slip (`5.` read `S.` at 73 on a deskewed scan) is undone by the read of its box on the page as it
    came, through the turn's matrix; a confident word is not checked, and a word the plain read confirms stays."""
    from planparse.ocr import layout, plaincheck, tesseract

    plain, _ = _list_line()
    turned, m = _list_line(1.5)
    lines = layout.build_lines(layout.words_from_data(tesseract.image_to_data(turned, lang="vie", dpi=300)),
                               turned.shape[1], 1)
    (line,) = lines
    assert line.words[0].text == "5." and line.words[-1].text == "cháy"
    slips = [line.words[0].model_copy(update={"text": "S.", "confidence": 60.0}), *line.words[1:-1],
             line.words[-1].model_copy(update={"text": "cháu", "confidence": 96.0})]
    line = line.model_copy(update={"words": slips, "text": " ".join(w.text for w in slips)})
    fixed = plaincheck.check([line], np.linalg.inv(m), plain, 300, lang="vie")
    assert [w.text for w in fixed.values()] == ["5."] and id(slips[0]) in fixed
    (after,), words = plaincheck.apply([line], slips, fixed)
    assert after.text == "5. Chuẩn bị dụng cụ chữa cháu" and words[0].bbox == slips[0].bbox
    assert plaincheck.check([line.model_copy(update={"words": slips[1:]})], np.linalg.inv(m), plain, 300, lang="vie") == {}



def test_a_very_unsure_valid_syllable_is_read_again_on_the_plain_page():
    """A valid syllable the deskewed read got wrong at low confidence (`chữa` read `chừa` at 52: the scan's `buôn` read
    `buồn` at 56) takes the plain page's read when that is far surer (VALID_GAIN); the same slip read at 75 (no longer
    very unsure), or surer than the plain read by less than VALID_GAIN, stays for repair's context to judge."""
    from planparse.ocr import layout, plaincheck, tesseract

    plain, _ = _list_line()
    turned, m = _list_line(1.5)
    (line,) = layout.build_lines(layout.words_from_data(tesseract.image_to_data(turned, lang="vie", dpi=300)),
                                 turned.shape[1], 1)
    assert [w.text for w in line.words] == ["5.", "Chuẩn", "bị", "dụng", "cụ", "chữa", "cháy"]

    def slipped(conf: float):
        words = [*line.words[:5], line.words[5].model_copy(update={"text": "chừa", "confidence": conf}), line.words[6]]
        return line.model_copy(update={"words": words, "text": " ".join(w.text for w in words)})

    unsure = slipped(52.0)
    fixed = plaincheck.check([unsure], np.linalg.inv(m), plain, 300, lang="vie")
    assert [w.text for w in fixed.values()] == ["chữa"] and id(unsure.words[5]) in fixed
    assert plaincheck.check([slipped(75.0)], np.linalg.inv(m), plain, 300, lang="vie") == {}
    sure = next(iter(fixed.values())).confidence
    assert plaincheck.check([slipped(sure - plaincheck.VALID_GAIN + 1)], np.linalg.inv(m), plain, 300, lang="vie") == {}
    # a valid syllable is never replaced by a read with a digit (`Ia` read `la`, the plain page `1a`)
    five = line.model_copy(update={"words": [line.words[0].model_copy(update={"text": "là", "confidence": 40.0}),
                                             *line.words[1:]]})
    assert plaincheck.check([five], np.linalg.inv(m), plain, 300, lang="vie") == {}

def test_a_list_number_the_cleaned_read_lost_to_a_lone_dot_is_read_again():
    """A line read `. Chuẩn bị …` (the item's digit read off as a block of its own) gets its number back from the plain
    page; a lone dot the plain page does not read as an item number stays."""
    from planparse.ocr import layout, plaincheck, tesseract

    plain, _ = _list_line()
    (line,) = layout.build_lines(layout.words_from_data(tesseract.image_to_data(plain, lang="vie", dpi=300)),
                                 plain.shape[1], 1)
    num = line.words[0]
    assert num.text == "5."
    dot = num.model_copy(update={"text": ".", "bbox": (num.bbox[2] - 10, num.bbox[3] - 10, num.bbox[2], num.bbox[3]),
                                 "confidence": 90.0})
    cut = line.model_copy(update={"words": [dot, *line.words[1:]]})
    fixed = plaincheck.check([cut], np.eye(3), plain, 300, lang="vie")
    assert [w.text for w in fixed.values()] == ["5."]
    blank = np.full_like(plain, 255)
    blank[:, num.bbox[2] - 10:] = plain[:, num.bbox[2] - 10:]
    assert plaincheck.check([cut], np.eye(3), blank, 300, lang="vie") == {}


def test_a_roman_heading_number_is_left_to_the_heading_re_read():
    """An unsure Roman item number is not respelt from the plain page (structure.headings re-reads and sequences those)."""
    from PIL import Image, ImageDraw, ImageFont

    from planparse.ocr import layout, plaincheck, tesseract

    img = Image.new("L", (1200, 220), 255)
    ImageDraw.Draw(img).text((120, 80), "I. MỤC ĐÍCH, YÊU CẦU", font=ImageFont.truetype(synth.font_path("bold"), 54), fill=0)
    plain = np.asarray(img)
    (line,) = layout.build_lines(layout.words_from_data(tesseract.image_to_data(plain, lang="vie", dpi=300)),
                                 plain.shape[1], 1)
    assert line.words[0].text == "I."
    slips = [line.words[0].model_copy(update={"text": "II.", "confidence": 50.0}),
             line.words[1].model_copy(update={"text": "MUC", "confidence": 50.0}), *line.words[2:]]
    fixed = plaincheck.check([line.model_copy(update={"words": slips})], np.eye(3), plain, 300, lang="vie")
    assert [w.text for w in fixed.values()] == ["MỤC"]


def test_the_plain_page_made_from_the_kept_input_pixels_is_the_plain_prepare(page):
    """preprocess.plain_page builds the page without clean-up from the gray pixels `prepare` kept: the same pixels,
    resolution and matrix as preparing the input again with plain=True (a colour photo; a 150-dpi scan, resampled)."""
    from planparse.ocr import preprocess

    for img, dpi in ((photosynth.photo(page, "photo-shadow", 3), None), (photosynth.scan(page, 150, 3), 150)):
        prep = preprocess.prepare(img, dpi)
        got, want = preprocess.plain_page(prep, dpi), preprocess.prepare(img, dpi, plain=True)
        assert got is not None and prep.cleaned
        assert np.array_equal(got.gray, want.gray) and got.dpi == want.dpi
        assert np.array_equal(got.matrix, want.matrix) and got.scale == want.scale
    assert want.dpi == 175
    assert preprocess.plain_page(want, 150) is None



def test_a_blurred_photo_is_sharpened_before_ocr_and_sharper_pages_are_not(page, monkeypatch):
    """Edge spread tells a blurred phone photo (sigma 2.2 px) from a clean one, and only the blurred one is
    unsharp-masked; its page read has more words right than the same page left soft. A scan is never measured."""
    from planparse.ocr import layout, preprocess, tesseract

    photo = photosynth.photo(page, "photo-blur", seed=3)
    blurred = preprocess.prepare(photo, None)
    clean = preprocess.prepare(photosynth.photo(page, "photo-clean", seed=3), None)
    scan = preprocess.prepare(photosynth.scan(page, 300, seed=3), 300)
    assert blurred.sharpened and blurred.cleaned
    assert not clean.sharpened and not scan.sharpened
    assert blurred.spread is not None and blurred.spread >= layout.PUNCT_BLUR, "its closing marks stay as read"
    assert clean.spread is not None and 0 < clean.spread < layout.PUNCT_BLUR and scan.spread is None
    assert preprocess.blur_spread(clean.gray, clean.dpi) < preprocess.BLURRED
    assert preprocess.blur_spread(np.full((800, 600), 230, np.uint8), 300) == 0.0, "a blank page does not tell"
    monkeypatch.setattr(preprocess, "SHARPEN", False)
    soft = preprocess.prepare(photo, None)
    assert not soft.sharpened
    gold = synth.plain_text(letter_doc())
    sharp_acc, soft_acc = (_accuracy(tesseract.image_to_text(p.gray, lang="vie", psm=3), gold) for p in (blurred, soft))
    assert sharp_acc > soft_acc


def test_a_line_the_page_read_as_one_garbage_word_takes_a_sure_second_read_of_its_words():
    """Beside a seal the page read took `- Như trên;` for one word `Tỷ` at 0: the second model's sure read of three words
    replaces it (reread.WORTHLESS); a line read at 50 still keeps a second read of another word count out."""
    from PIL import Image, ImageDraw, ImageFont

    from planparse.ocr import reread

    img = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(img).text((100, 70), "- Như trên;", font=ImageFont.truetype(synth.font_path(), 50), fill=0)
    gray = np.asarray(img)
    ys, xs = np.nonzero(gray < 128)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    line = Line(text="Tỷ", words=[Word(text="Tỷ", bbox=box, confidence=0.0)], confidence=0.0, bbox=box, page=1)
    (out,), n = reread.reread(gray, [line], lang="Vietnamese", dpi=300)
    assert n == 1 and out.text == "- Như trên;"
    unsure = line.model_copy(update={"confidence": 50.0,
                                     "words": [line.words[0].model_copy(update={"confidence": 50.0})]})
    assert reread.reread(gray, [unsure], lang="Vietnamese", dpi=300) == ([unsure], 0)


def test_a_word_the_cleaned_read_glued_from_two_is_two_words_of_the_plain_read():
    """A deskewed scan's `I. MỤC` read as one word `IL.MỤC` at 30 is the plain page's two sure words, each a word of the
    line with its share of the box."""
    from PIL import Image, ImageDraw, ImageFont

    from planparse.ocr import layout, plaincheck, tesseract

    img = Image.new("L", (1200, 220), 255)
    ImageDraw.Draw(img).text((120, 80), "I. MỤC ĐÍCH, YÊU CẦU", font=ImageFont.truetype(synth.font_path("bold"), 54), fill=0)
    plain = np.asarray(img)
    (line,) = layout.build_lines(layout.words_from_data(tesseract.image_to_data(plain, lang="vie", dpi=300)),
                                 plain.shape[1], 1)
    one, two = line.words[:2]
    assert (one.text, two.text) == ("I.", "MỤC")
    glued = one.model_copy(update={"text": "IL.MỤC", "confidence": 30.0, "bbox": (*one.bbox[:2], *two.bbox[2:])})
    slips = [glued, *line.words[2:]]
    cut = line.model_copy(update={"words": slips, "text": " ".join(w.text for w in slips)})
    fixed = plaincheck.check([cut], np.eye(3), plain, 300, lang="vie")
    assert [w.text for w in fixed.values()] == ["I. MỤC"]
    (after,), words = plaincheck.apply([cut], slips, fixed)
    assert after.text == "I. MỤC ĐÍCH, YÊU CẦU" and [w.text for w in words[:2]] == ["I.", "MỤC"]
    assert words[0].bbox[0] == glued.bbox[0] and words[1].bbox[2] == glued.bbox[2]


def _confs(text: str, confs: list[float]) -> Line:
    words = [Word(text=w, bbox=(0, 0, 1, 1), confidence=c) for w, c in zip(text.split(), confs)]
    return Line(text=text, words=words, confidence=sum(confs) / len(confs))


def test_a_confident_name_in_a_run_of_capitals_or_after_a_unit_in_a_heading_stays_as_read():
    """The LM knows a canal's or a commune's name no better than a common word's: a confident name syllable after another
    capitalised word stays as read (engine.NAME_RUNS: `Ông Cộ`, not `Cô`), and in a line of capitals the name after a
    unit word gets the known names' pair bonus (engine.UPPER_UNIT_NAMES: `XÃ SÌ LỞ LẦU`, not `LỜ`)."""
    lines = [_line("ỦY BAN NHÂN DÂN XÃ SÌ LỞ LẦU", 91.0), _line("Nạo vét kênh Ông Cộ và mương Rạch Sậy bồi lắng.", 90.0),
             _line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 95.0)]
    new, _ = restore_lines(lines, mode="auto")
    assert [ln.text for ln in new] == [ln.text for ln in lines]


def test_a_very_confident_word_changes_only_when_the_decoder_believes_in_the_change():
    """A valid syllable read at 95 or more is not respelt on the trigram path alone when the decoder's belief in the
    change is low (engine.SURE_READ_BELIEF: `Đường biên dài` -> `biển` at 0.02); a confident wrong diacritic the context
    settles is still repaired."""
    lines = [_line("Xã có 5 bản giáp biên. Đường biên dài 18 km với 9 cột mốc.", 96.0),
             _line("Trạm Y tế báo cáo khân cấp khi có ca bệnh nghi ngờ", 96.0)]
    new, _ = restore_lines(lines, mode="auto")
    assert [ln.text for ln in new] == [lines[0].text, "Trạm Y tế báo cáo khẩn cấp khi có ca bệnh nghi ngờ"]


def test_a_name_read_with_a_lookalike_letter_is_a_name():
    """A capitalised word read with the eth for Đ (`Ðe`) is a name like any other (symbols.LOOKALIKES): it is written
    with Đ and not respelt unless the decoder is sure (`Đăk Ðe` became `Đẻ` at belief 0.08)."""
    new, _ = restore_lines([_confs("Thôn Đăk Ðe và làng Kon Bơ", [96, 83, 57, 96, 96, 93, 92])], mode="auto")
    assert new[0].text == "Thôn Đăk Đe và làng Kon Bơ"


def test_a_quarter_numeral_ocr_damaged_past_a_number_is_read_back_after_quy():
    """`Quý TIV/2026`, `IHI/2026`, `II1⁄2026`, `IIL/2026` (a timetable cell read at 200 dpi or re-read in its cell) are
    the quarters IV and III; a numeral read as another numeral or as a digit stays (`II/2026`, `1/2026`), and so does such a token
    after any word but `Quý`."""
    from planparse.ocr.layout import quarters
    from planparse.symbols import quarter_token

    assert [quarter_token(t) for t in ("TIV/2026", "TV/2026", "IHI/2026", "II1⁄2026", "III⁄2026.", "II/2026", "1/2026",
                                       "V/2026", "TT/2026", "IIL/2026", "LL/2026")] == [
        "IV/2026", "IV/2026", "III/2026", "III/2026", "III/2026.", None, None, None, None, "III/2026", None]
    lines = [_line("Quý TIV/2026", 40.0), _line("Kiểm tra Quý II1⁄2026 5", 60.0), _line("Quý 1/2026", 90.0),
             _line("Tổ TV/2026", 90.0)]
    got = quarters(lines)
    assert [ln.text for ln in got] == ["Quý IV/2026", "Kiểm tra Quý III/2026 5", "Quý 1/2026", "Tổ TV/2026"]
    assert [w.text for w in got[1].words] == ["Kiểm", "tra", "Quý", "III/2026", "5"]
    new, _ = restore_lines(got[:2], mode="auto")
    assert [ln.text for ln in new] == ["Quý IV/2026", "Kiểm tra Quý III/2026 5"]


def test_a_capital_y_read_with_a_stray_diaeresis_is_a_y():
    """vie now and then reads a capital Y with a speck over it as `Ÿ`, a letter no Vietnamese word has: the word table
    maps it back (layout.STRAY_MARKS)."""
    from planparse.ocr.layout import words_from_data

    data = {"text": ["Sở", "Ÿ", "tế;"], "conf": [90, 85, 90], "left": [0, 60, 100], "top": [0] * 3, "width": [50, 30, 50],
            "height": [30] * 3, "block_num": [1] * 3, "par_num": [1] * 3, "line_num": [1] * 3, "word_num": [1, 2, 3]}
    assert [w.text for _, w in words_from_data(data)] == ["Sở", "Y", "tế;"]


def test_a_g_read_as_a_slashed_o_is_a_g():
    """vie prints `ø`, a letter no Vietnamese word has, for a `g` (`øạo,` for `gạo,`): the word table reads it back
    where that spells a syllable; a lone `ø` (a speck) or one that spells none stays."""
    from planparse.ocr.layout import words_from_data

    texts = ["góp", "øạo,", "nøọt", "ø", "ølao", "Øạo"]
    data = {"text": texts, "conf": [90] * 6, "left": [60 * k for k in range(6)], "top": [0] * 6, "width": [50] * 6,
            "height": [30] * 6, "block_num": [1] * 6, "par_num": [1] * 6, "line_num": [1] * 6,
            "word_num": list(range(1, 7))}
    assert [w.text for _, w in words_from_data(data)] == ["góp", "gạo,", "ngọt", "ø", "ølao", "Øạo"]


def test_a_seal_glyph_in_a_signer_blocks_gutter_keeps_its_two_columns(page, monkeypatch):
    """A seal's letter read at high confidence between a recipient line and the signer's title (`N` at 80 on a tuning
    photo) made that row no two-column row: the signer's title was read before the recipients list. A lone glyph
    beside two parts of text no longer decides a row's kind (layout._stray)."""
    from PIL import ImageDraw, ImageFont

    from planparse.ocr import layout, read_page
    from planparse.options import Options

    words = read_page(np.asarray(page), 300, 1, Options(osd=False)).words
    title = next(w for w in words if w.text == "PHÓ")
    left = max(w.bbox[2] for w in words if abs(w.bbox[3] - title.bbox[3]) < 30 and w.bbox[2] < title.bbox[0] - 300)
    img = page.copy()
    ImageDraw.Draw(img).text(((left + title.bbox[0]) // 2, title.bbox[1] - 8), "N",
                             font=ImageFont.truetype(synth.font_path("bold"), 44), fill=0)

    def lines() -> list[str]:
        return [ln.text for ln in read_page(np.asarray(img), 300, 1, Options(osd=False)).lines]

    got = lines()
    assert "N" in got, "the glyph is read as a line part of its own"
    assert got.index("Nơi nhận:") < got.index("- Lưu: VT.") < got.index("KT. GIÁM ĐỐC") < got.index("PHÓ GIÁM ĐỐC")
    monkeypatch.setattr(layout, "_stray", lambda seg: False)
    got = lines()
    assert got.index("KT. GIÁM ĐỐC") < got.index("- Lưu: VT."), "without _stray the glyph ends the zone"


def test_a_photos_page_read_is_cut_inside_its_desk_strip_to_its_ink(page):
    """A squared-up photo keeps a few pixels of desk along its edges (its outline is found on a small blurred copy),
    which made its ink box the whole page: Tesseract read the margins and the strip. The strip is measured on each
    side and cut, never the page's ink; the page itself is left as it was (boxes stay in its pixels). A scan has none."""
    from planparse.ocr import preprocess, read_page
    from planparse.options import Options

    prep = preprocess.prepare(photosynth.photo(page, "photo-shadow", seed=4), None)
    g = prep.gray
    h, w = g.shape
    assert prep.unwarped and prep.inner is not None
    x0, y0, x1, y1 = prep.inner
    assert 0 < x0 and 0 < y0 and x1 < w and y1 < h, "desk along every edge"
    assert max(x0, y0, w - x1, h - y1) <= round(preprocess.DESK_STRIP_MAX_IN * prep.dpi)
    paper = np.percentile(g, 90)
    for edge in (g[y0:y1, x0], g[y0:y1, x1 - 1], g[y0, x0:x1], g[y1 - 1, x0:x1]):
        assert np.median(edge) > paper - 40, "no desk left inside the cut"
    assert preprocess.ink_box(g, prep.dpi) == (0, 0, w, h), "the strip made the ink box the whole page"
    bx0, by0, bx1, by1 = preprocess.ink_box(g[y0:y1, x0:x1], prep.dpi, preprocess.INK_PAD_PHOTO_IN)
    assert (bx1 - bx0) * (by1 - by0) < 0.9 * (x1 - x0) * (y1 - y0)
    read = read_page(g, prep.dpi, 1, Options(osd=False), inner=prep.inner)
    assert read.gray.shape == g.shape
    assert _accuracy(" ".join(wd.text for wd in read.words), synth.plain_text(letter_doc())) >= 0.9
    assert all(x0 <= wd.bbox[0] and wd.bbox[2] <= x1 for wd in read.words)
    assert preprocess.prepare(page, 300).inner is None
    assert preprocess.desk_strip(np.full((400, 300), 250, np.uint8), 100) == (0, 0, 300, 400)


def test_a_very_confident_name_is_respelt_to_an_ethnic_group_name_only():
    """A name read at SURE_READ_CONF or more is not respelt to a place or hamlet name the gazetteer lists (open lists: a
    hamlet or a person missing from them, engine.SURE_KNOWN_NAMES); below that it still is, and an ethnic group's name
    (a closed list) is repaired at any confidence."""
    for conf, hamlet, person in ((96.0, "Bưng Cóng", "Phan Xà"), (90.0, "Bưng Còng", "Phan Xá")):
        lines = [_line("Các hộ ở bản Bưng Cóng đã hoàn thành việc sửa đường.", conf),
                 _line("Anh Phan Xà phụ trách tổ vận hành.", conf), _line("nhóm dân tộc Khơ Mù sống ở xã.", conf)]
        new, _ = restore_lines(lines, mode="auto")
        assert [ln.text for ln in new] == [f"Các hộ ở bản {hamlet} đã hoàn thành việc sửa đường.",
                                           f"Anh {person} phụ trách tổ vận hành.", "nhóm dân tộc Khơ Mú sống ở xã."]


def test_a_name_at_the_start_of_a_line_the_sentence_runs_on_into_is_a_name():
    """A hamlet name broken over two lines keeps its confident second syllable (engine.LINE_START_NAMES): `Huối` /
    `Lóng` was respelt `Lỏng` at belief 0.63; the first word of a line beside the one before it (a table cell) is
    decoded as before."""
    from planparse.repair import engine

    def boxed(text: str, confs: list[float], top: int, left: int = 0) -> Line:
        ws = [Word(text=w, bbox=(left, top, left + 10, top + 30), confidence=c) for w, c in zip(text.split(), confs)]
        return Line(text=text, words=ws, confidence=sum(confs) / len(confs), bbox=(left, top, left + 2000, top + 30))

    first = boxed("bao gồm các bản Nà Tấu, Huối", [96.0] * 6, 0)
    second = ("Lóng, Phiêng Pẻn và Co Mị nằm ở sườn núi, mùa khô thiếu nước",
              [92.0, 92.0, 87.0, 96.0, 93.0, 88.0, 92.0, 96.0, 96.0, 96.0, 96.0, 96.0, 96.0, 96.0])
    new, _ = restore_lines([first, boxed(*second, 40)], mode="auto")
    assert new[1].text == second[0]
    new, _ = restore_lines([first, boxed(*second, 40, left=2500)], mode="auto")
    assert new[1].text.startswith("Lỏng,")
    engine.LINE_START_NAMES = False
    try:
        new, _ = restore_lines([first, boxed(*second, 40)], mode="auto")
        assert new[1].text.startswith("Lỏng,")
    finally:
        engine.LINE_START_NAMES = True


def test_top_percentile_is_numpys():
    """preprocess.top_percentile (blur_spread's fast percentile of a photo's gradients) equals np.percentile."""
    from planparse.ocr.preprocess import top_percentile

    rng = np.random.default_rng(7)
    for i in range(300):
        a = rng.gamma(1.0, 30.0, int(rng.integers(1, 50000))).astype(np.float32)
        if i % 2:
            a = np.round(a).reshape(-1, 1)
        q = float(rng.uniform(90, 100) if i % 3 else rng.uniform(0, 100))
        assert top_percentile(a, q) == float(np.percentile(a, q))
