"""Priors the OCR side applies to a page's lines before repair: Decree 30's recipients punctuation, one quarter style a
page, and a space the page read lost inside a word (found on a generated image)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from planparse.devtools import synth
from planparse.models import Line, Word
from planparse.ocr import layout


def _line(text: str, conf: float = 95.0, block: int = 0) -> Line:
    return Line(text=text, words=[Word(text=w, bbox=(0, 0, 1, 1), confidence=conf) for w in text.split()],
                confidence=conf, block=block)


def test_a_recipient_line_read_with_a_comma_before_another_recipient_gets_its_semicolon():
    lines = [_line("Nơi nhận:"), _line("- Sở Y tế,"), _line("- Phòng Tài chính - Kế hoạch;"), _line("- UBND xã,"),
             _line("- Lưu: VT, YT, TH.")]
    got = layout.recipients(lines)
    assert [ln.text for ln in got] == ["Nơi nhận:", "- Sở Y tế;", "- Phòng Tài chính - Kế hoạch;", "- UBND xã;",
                                       "- Lưu: VT, YT, TH."]
    assert got[1].words[-1].text == "tế;" and got[3].words[-1].text == "xã;"


def test_commas_outside_the_recipients_block_stay():
    """A dash list of the body, the last recipient line, a line of another column and a line after the block's end."""
    body = [_line("- Tuyên truyền,"), _line("- Kiểm tra,")]
    assert layout.recipients(body) == body
    block = [_line("Nơi nhận:"), _line("- Như trên;"), _line("- Lưu: VT, VP,")]
    assert layout.recipients(block) == block
    other = [_line("Nơi nhận:"), _line("- Sở Y tế,"), _line("- Lưu: VT.", block=1)]
    assert layout.recipients(other) == other
    ended = [_line("Nơi nhận:"), _line("- Như trên;"), _line("Trần Văn B"), _line("- Sở Y tế,"), _line("- UBND xã;")]
    assert layout.recipients(ended) == ended


def test_an_unsure_quarter_one_in_digits_on_a_page_of_roman_quarters_is_roman():
    lines = [_line("Quý II/2026"), _line("Kiểm tra Quý 1/2026", 60.0), _line("Quý IV/2026"), _line("Quý 1/2026.", 6.0),
             _line("Quý 1/2026", 82.0)]
    got = layout.quarters(lines)
    assert [ln.text for ln in got] == ["Quý II/2026", "Kiểm tra Quý I/2026", "Quý IV/2026", "Quý I/2026.", "Quý I/2026"]
    assert got[1].words[-1].text == "I/2026"


def test_quarters_in_digits_stay_where_the_page_writes_them_so():
    """A page with another quarter in digits, with one Roman quarter only, or with a `1/...` read confidently."""
    digits = [_line("Quý II/2026"), _line("Quý 1/2026", 60.0), _line("Quý 3/2026", 90.0), _line("Quý IV/2026")]
    assert [ln.text for ln in layout.quarters(digits)] == [ln.text for ln in digits]
    few = [_line("Quý II/2026"), _line("Quý 1/2026", 60.0)]
    assert [ln.text for ln in layout.quarters(few)] == [ln.text for ln in few]
    sure = [_line("Quý II/2026"), _line("Quý 1/2026", 60.0), _line("Quý 1/2026", 92.0), _line("Quý IV/2026")]
    assert [ln.text for ln in layout.quarters(sure)] == [ln.text for ln in sure]


def _words_image(texts: list[str], gap: int, style: str = "bold") -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """Words drawn `gap` px apart (a bold heading's by default), and each word's ink box."""
    font = ImageFont.truetype(synth.font_path(style), 40)
    img = Image.new("L", (900, 120), 255)
    draw = ImageDraw.Draw(img)
    x, boxes = 20, []
    for t in texts:
        draw.text((x, 30), t, font=font, fill=0)
        x0, y0, x1, y1 = (round(v) for v in draw.textbbox((x, 30), t, font=font))
        boxes.append((x0, y0, x1, y1))
        x = x1 + gap
    return np.asarray(img), boxes


def _glued(texts: list[str], boxes: list[tuple[int, int, int, int]], conf: float = 87.0) -> Word:
    return Word(text="".join(texts), bbox=(boxes[0][0], min(b[1] for b in boxes), boxes[-1][2], max(b[3] for b in boxes)),
                confidence=conf)


def test_a_word_read_over_a_space_is_cut_at_the_blank():
    """`VĨNHHẬU` (the deskewed page's read of a bold header's `VĨNH HẬU`) holds a blank as wide as a space: cut there
    into two words, boxes apart; `EAKRÔNG` too, though neither part is a syllable."""
    gray, boxes = _words_image(["VĨNH", "HẬU"], 16)
    key = (1, 1, 1)
    got = layout.unglued([(key, _glued(["VĨNH", "HẬU"], boxes))], gray)
    assert [w.text for _, w in got] == ["VĨNH", "HẬU"] and all(k == key for k, _ in got)
    assert got[0][1].bbox[2] < got[1][1].bbox[0] and got[0][1].confidence == 87.0
    gray, boxes = _words_image(["EA", "KRÔNG,"], 14)
    got = layout.unglued([(key, _glued(["EA", "KRÔNG,"], boxes))], gray)
    assert [w.text for _, w in got] == ["EA", "KRÔNG,"]


def test_words_with_no_space_wide_blank_or_that_are_syllables_stay():
    """A word's own letter gaps, a syllable (even drawn with a blank: it is one word), and a word that is no syllable
    but has no blank wide enough (`UBND`)."""
    for texts, gap in ((["UBND"], 0), (["NGHĨA"], 0), (["HẬU"], 0), (["KRÔNG"], 0)):
        gray, boxes = _words_image(texts, gap)
        w = _glued(texts, boxes)
        assert layout.unglued([((1, 1, 1), w)], gray) == [((1, 1, 1), w)]
    gray, boxes = _words_image(["NG", "HĨA"], 16)
    w = _glued(["NG", "HĨA"], boxes)
    assert [v.text for _, v in layout.unglued([((1, 1, 1), w)], gray)] == ["NGHĨA"]


def _boxed(words: list[tuple[str, int, float]], block: int = 0) -> Line:
    """A line of (text, ink height, confidence) words side by side on one baseline."""
    ws, x = [], 0
    for text, h, conf in words:
        ws.append(Word(text=text, bbox=(x, 100 - h, x + 20 * len(text), 100), confidence=conf))
        x += 20 * len(text) + 10
    return Line(text=" ".join(t for t, _, _ in words), words=ws, block=block)


def test_a_word_whose_case_its_height_contradicts_is_read_in_the_other_case():
    """`Sơ` as low as the small letters (31 px where capitals are 35) is `sơ`; `SỞ` no taller than capitals is `Sở`
    (a capital Ở's hook rises above them); the capital height comes from neighbouring lines of the block too."""
    lines = [_boxed([("Công", 45, 96), ("cho", 35, 96), ("Nam", 35, 96), ("đi", 37, 96)]),
             _boxed([("Sơ", 31, 90), ("tán.", 37, 96)]),
             _boxed([("-", 4, 92), ("SỞ", 36, 88), ("Y", 35, 79), ("tế,", 40, 96)])]
    got = layout.cased(lines)
    assert [ln.text for ln in got] == ["Công cho Nam đi", "sơ tán.", "- Sở Y tế,"]
    assert got[1].words[0].text == "sơ" and got[2].words[1].text == "Sở"


def test_words_as_tall_as_their_case_or_confidently_read_keep_their_case():
    """A capital as tall as capitals, a capital hook above them, a confident read, a word that is no syllable, a line
    of another block (no capital height measured there)."""
    ref = _boxed([("Nam", 35, 96), ("cho", 35, 96)])
    for word in (("Sơ", 34, 90), ("SỞ", 44, 88), ("Sơ", 31, 96), ("Sx", 31, 80)):
        lines = [ref, _boxed([word, ("tán", 37, 96)])]
        assert layout.cased(lines) == lines
    lines = [ref, _boxed([("Sơ", 31, 90)], block=1)]
    assert layout.cased(lines) == lines


def test_a_capital_whose_own_glyph_is_as_low_as_small_letters_is_small():
    """`vôi` read `Vôi` (its circumflex and the `i` rise as high as a capital: the word's box cannot tell) is `vôi` by
    the height of its first glyph; a `Vôi` drawn with a capital, a confident read and a read without the page's pixels
    keep their case."""
    drawn = ["Nam", "bón", "vôi", "Vôi", "Xã"]
    gray, boxes = _words_image(drawn, 30, "regular")
    read = ["Nam", "bón", "Vôi", "Vôi", "Xã"]

    def line(confs: list[float]) -> Line:
        ws = [Word(text=t, bbox=b, confidence=c) for t, b, c in zip(read, boxes, confs)]
        return Line(text=" ".join(read), words=ws, confidence=90.0)

    (got,) = layout.cased([line([96, 96, 90, 90, 96])], gray)
    assert got.text == "Nam bón vôi Vôi Xã" and got.words[2].text == "vôi"
    sure = line([96, 96, 96, 90, 96])
    assert layout.cased([sure], gray) == [sure]
    unsure = line([96, 96, 90, 90, 96])
    assert layout.cased([unsure]) == [unsure]

def test_a_closing_mark_is_read_as_its_ink_draws_it():
    """Words drawn with `;` `:` `,` `.` and read with another of the four get the mark their last glyph shows: one blob
    or two, a round dot or a tail below (`tế;` read `tế,`, `nặng;` read `nặng:` on a deskewed scan)."""
    drawn = ["tế;", "nặng;", "xã,", "hộ.", "nhận:"]
    read = ["tế,", "nặng:", "xã.", "hộ,", "nhận;"]
    gray, boxes = _words_image(drawn, 30, "regular")
    words = [((1, 1, 1), Word(text=t, bbox=b, confidence=95.0)) for t, b in zip(read, boxes)]
    assert [w.text for _, w in layout.punctuated(words, gray)] == drawn
    right = [((1, 1, 1), Word(text=t, bbox=b, confidence=95.0)) for t, b in zip(drawn, boxes)]
    assert layout.punctuated(right, gray) == right


def test_a_closing_mark_stays_as_read_on_a_page_whose_blur_is_not_measured_sharp():
    """On a blurred photo a comma's tail measures as a dot: the marks change only when the page's blur spread (asked
    only when a mark would change) is measured and under PUNCT_BLUR; a page too bare to measure (0) keeps its read."""
    drawn, read = ["tế;", "xã,"], ["tế,", "xã."]
    gray, boxes = _words_image(drawn, 30, "regular")
    words = [((1, 1, 1), Word(text=t, bbox=b, confidence=95.0)) for t, b in zip(read, boxes)]
    asked = []
    for spread in (layout.PUNCT_BLUR + 0.4, 0.0):
        assert layout.punctuated(words, gray, lambda s=spread: asked.append(s) or s) == words
    assert [w.text for _, w in layout.punctuated(words, gray, lambda: layout.PUNCT_BLUR - 1.0)] == drawn
    right = [((1, 1, 1), Word(text=t, bbox=b, confidence=95.0)) for t, b in zip(drawn, boxes)]
    assert layout.punctuated(right, gray, lambda: asked.append(-1) or 9.0) == right
    assert asked == [layout.PUNCT_BLUR + 0.4, 0.0], "the blur is measured only when a mark would change"


def test_a_mark_that_is_not_clear_stays_as_read():
    """A box that ends in a letter (the mark was not in it), a word without a closing mark, an ellipsis."""
    gray, boxes = _words_image(["tế", "nặng", "xã..."], 30, "regular")
    words = [((1, 1, 1), Word(text=t, bbox=b, confidence=95.0)) for t, b in zip(["tế,", "nặng", "xã.,"], boxes)]
    assert layout.punctuated(words, gray) == words


def test_a_line_alone_in_a_cell_takes_the_surer_cell_read_but_a_row_number_keeps_its_number():
    """A lone `TT` the page read as `TY` at 35 takes its cell's read `TT` at 94; a row number `3` read at 67 stays
    where its narrow cell's read is `8` at 86 (another number: row_numbers mends numbers by their sequence)."""
    from planparse.models import Cell

    cells = [Cell(row=0, col=0, text="TT", bbox=(0, 0, 100, 50), page=1, confidence=94.0),
             Cell(row=1, col=0, text="8", bbox=(0, 50, 100, 100), page=1, confidence=86.0)]
    lines = [_line("TY", 35.0).model_copy(update={"bbox": (30, 10, 70, 40)}),
             _line("3", 67.0).model_copy(update={"bbox": (40, 60, 60, 90)})]
    assert [ln.text for ln in layout.surer_cells(lines, cells)] == ["TT", "3"]
