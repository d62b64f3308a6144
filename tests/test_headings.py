"""Heading numerals re-read from the page image (structure.headings, run by the page step): pure decisions on
made-up reads, and the real re-read on a rendered page whose first read is damaged as OCR damages it."""

from __future__ import annotations

import numpy as np
import pytest

from planparse.models import Line, Word
from planparse.structure.headings import decide, heading_numeral, suspects


def _line(text: str, conf: float = 90.0, y: int = 0, x: int = 10) -> Line:
    words, x0 = [], x
    for t in text.split():
        words.append(Word(text=t, bbox=(x, y, x + 20 * len(t), y + 30), confidence=conf))
        x += 20 * len(t) + 12
    return Line(text=text, bbox=(x0, y, x, y + 30), confidence=conf, words=words)


def test_heading_numeral_reads_through_the_grammar():
    assert heading_numeral("HI.") == "III"
    assert heading_numeral("II") == "II"
    assert heading_numeral("IL.") is None
    assert heading_numeral("1.") is None


def test_suspects_are_damaged_or_repeated_roman_headings_only():
    lines = [_line("IL. MỤC ĐÍCH, YÊU CẦU"), _line("1. Mục đích chung"), _line("II. NHIỆM VỤ"),
             _line("II. KINH PHÍ THỰC HIỆN"), _line("IV. TỔ CHỨC THỰC HIỆN"), _line("II. là một dòng thường")]
    assert [(i, why) for i, why, _ in suspects(lines)] == [(0, "damaged"), (3, "repeats II.")]


def test_an_upper_case_line_where_titles_start_is_a_heading_that_lost_its_numeral():
    title_x = 10 + 20 * len("II.") + 12
    lines = [_line("II. NHIỆM VỤ CHUNG", y=0), _line("IV. TỔ CHỨC THỰC HIỆN", y=100),
             _line("BÀI HỌC RÚT RA", y=200, x=title_x), _line("KẾ HOẠCH CHUNG", y=300, x=300),
             _line("Nội dung khác", y=400, x=title_x)]
    got = suspects(lines)
    assert [(i, why) for i, why, _ in got] == [(2, "missing")]
    assert got[0][2][0] == 10 - 6


def test_decide_takes_the_grammar_and_confidence():
    first = Word(text="IL.", bbox=(0, 0, 1, 1), confidence=40)
    assert decide(first, "damaged", [("vie", Word(text="I.", bbox=(0, 0, 1, 1), confidence=70)), ("x", None)]) == "I."
    assert decide(first, "damaged", [("vie", Word(text="Lỗ", bbox=(0, 0, 1, 1), confidence=90))]) is None
    rep = Word(text="II.", bbox=(0, 0, 1, 1), confidence=80)
    hi = Word(text="HI.", bbox=(0, 0, 1, 1), confidence=89)
    low = Word(text="II.", bbox=(0, 0, 1, 1), confidence=30)
    assert decide(rep, "repeats II.", [("vie", low), ("Vietnamese", hi)]) == "III."
    assert decide(rep, "repeats II.", [("vie", hi.model_copy(update={"confidence": 82}))]) is None
    assert decide(rep, "repeats II.", [("vie", rep)]) is None


@pytest.fixture(scope="module")
def heading_page():
    """Three Roman headings rendered at 200 dpi (the resolution where their numerals suffer), OCR'd for real."""
    from planparse.devtools import synth
    from planparse.ocr import read_page
    from planparse.options import Options

    doc = synth.SynthDoc(body=["I. MỤC ĐÍCH, YÊU CẦU", "Bảo đảm an toàn cho người dân.", "II. NHIỆM VỤ TRỌNG TÂM",
                               "Rà soát các khu vực xung yếu.", "III. KINH PHÍ THỰC HIỆN"])
    img = synth.render(doc, dpi=200)[0]
    gray = np.array(img)[: 520]
    opts = Options()
    read = read_page(gray, 200, 1, opts)
    return gray, read.lines, opts


def _damage(lines: list[Line], numeral: str, misread: str) -> list[Line]:
    """The lines with one heading's numeral as OCR misreads it (first word and text)."""
    out = []
    for ln in lines:
        if ln.words and ln.words[0].text.rstrip(".") == numeral:
            w = ln.words[0].model_copy(update={"text": misread, "confidence": 31.0})
            ln = ln.model_copy(update={"text": misread + ln.text[len(ln.words[0].text):], "words": [w] + ln.words[1:]})
        out.append(ln)
    return out


def test_page_step_rereads_a_damaged_numeral_and_says_so(heading_page):
    from planparse.pages import _reread_numerals

    gray, lines, opts = heading_page
    assert [ln.words[0].text.rstrip(".") for ln in lines if ln.text.isupper()][:1] == ["I"]
    warnings: list = []
    fixed = _reread_numerals(gray, _damage(lines, "I", "IL."), 200, opts, warnings, 1)
    assert fixed[0].text.startswith("I. MỤC") and fixed[0].words[0].text == "I."
    assert any("'IL.'" in w.message and "as 'I.'" in w.message and w.page == 1 for w in warnings)


def test_page_step_rereads_a_repeated_numeral(heading_page):
    """`III.` first read `II.` after a `II.` on the page: the crop re-read decides, and the choice is reported."""
    from planparse.pages import _reread_numerals

    gray, lines, opts = heading_page
    warnings: list = []
    fixed = _reread_numerals(gray, _damage(lines, "III", "II."), 200, opts, warnings, 1)
    last = [ln for ln in fixed if ln.text.endswith("THỰC HIỆN")][0]
    assert last.words[0].text in ("II.", "III.")
    assert len(warnings) == 1 and "'II.' (repeats II.)" in warnings[0].message


def _reread_heading_ii(heading_page, damage) -> tuple:
    """The `II. NHIỆM VỤ` heading line after the page step re-read the page whose `II.` line `damage` changed, and the
    warnings it gave."""
    from planparse.pages import _reread_numerals

    gray, lines, opts = heading_page
    lost = [damage(ln) if ln.words and ln.words[0].text.rstrip(".") == "II" and "NHIỆM" in ln.text else ln
            for ln in lines]
    warnings: list = []
    fixed = _reread_numerals(gray, lost, 200, opts, warnings, 1)
    return [ln for ln in fixed if "NHIỆM" in ln.text][0], warnings


def test_page_step_finds_a_numeral_the_first_read_missed(heading_page):
    line, warnings = _reread_heading_ii(heading_page, lambda ln: ln.model_copy(update={
        "text": ln.text.split(" ", 1)[1], "words": ln.words[1:], "bbox": (ln.words[1].bbox[0], *ln.bbox[1:])}))
    assert line.text.startswith("II. NHIỆM VỤ") and line.words[0].text == "II."
    assert any("missing before 'NHIỆM VỤ" in w.message and "as 'II.'" in w.message for w in warnings)


def test_a_numeral_read_without_its_separator_is_a_suspect_and_takes_the_reread_one():
    lines = [_line("I. MỤC ĐÍCH, YÊU CẦU"), _line("II NHIỆM VỤ TRỌNG TÂM"), _line("III. KINH PHÍ")]
    assert [(i, why) for i, why, _ in suspects(lines)] == [(1, "no separator")]
    first = Word(text="II", bbox=(0, 0, 1, 1), confidence=85)
    dotted = Word(text="II.", bbox=(0, 0, 1, 1), confidence=70)
    assert decide(first, "no separator", [("vie", dotted)]) == "II."
    assert decide(first, "no separator", [("vie", dotted.model_copy(update={"text": "III."}))]) == "II."
    assert decide(first, "no separator", [("vie", first)]) is None


def test_a_repeated_numeral_that_also_lost_its_separator_takes_the_rereads_separator():
    """`II` (no period) after a `II.` is re-read as `III`; the re-read that reads its period (`HI.`) gives it back too."""
    first = Word(text="II", bbox=(0, 0, 1, 1), confidence=43)
    reads = [("vie", Word(text="IIL", bbox=(0, 0, 1, 1), confidence=87)),
             ("Vietnamese", Word(text="HI.", bbox=(0, 0, 1, 1), confidence=89))]
    assert decide(first, "repeats II.", reads) == "III."
    assert decide(first, "repeats II.", [("vie", reads[1][1].model_copy(update={"text": "HI"}))]) == "III"


def test_page_step_gives_back_a_lost_separator(heading_page):
    """The page read dropped `II.`'s period (bare Tesseract keeps it): the enlarged re-read puts it back."""
    line, warnings = _reread_heading_ii(heading_page, lambda ln: ln.model_copy(update={
        "text": "II" + ln.text[3:], "words": [ln.words[0].model_copy(update={"text": "II"})] + ln.words[1:]}))
    assert line.text.startswith("II. NHIỆM VỤ") and line.words[0].text == "II."
    assert any("'II' (no separator)" in w.message and "as 'II.'" in w.message for w in warnings)


def test_a_numeral_read_through_the_grammar_is_written_as_the_numeral_it_stands_for():
    """`HI.` (the second model's read of `III.`) is no suspect word for the repair stage: the numeral step writes it
    `III.` unless a re-read is clearly surer of another numeral."""
    lines = [_line("I. MỤC ĐÍCH"), _line("II. NHIỆM VỤ"), _line("HI. KINH PHÍ", conf=77), _line("I1. TỔ CHỨC")]
    assert [(i, why) for i, why, _ in suspects(lines)] == [(2, "misread"), (3, "misread")]
    first = Word(text="HI.", bbox=(0, 0, 1, 1), confidence=77)
    assert decide(first, "misread", [("vie", None)]) == "III."
    assert decide(first, "misread", [("vie", Word(text="II.", bbox=(0, 0, 1, 1), confidence=80))]) == "III."
    assert decide(first, "misread", [("vie", Word(text="IV.", bbox=(0, 0, 1, 1), confidence=95))]) == "IV."


def test_page_step_writes_a_misread_numeral_as_its_numeral(heading_page):
    from planparse.pages import _reread_numerals

    gray, lines, opts = heading_page
    warnings: list = []
    k = next(i for i, ln in enumerate(lines) if ln.text.endswith("THỰC HIỆN"))
    word = lines[k].words[0].model_copy(update={"text": "HI.", "confidence": 77.0})
    damaged = list(lines)
    damaged[k] = lines[k].model_copy(update={"text": "HI." + lines[k].text[len(lines[k].words[0].text):],
                                             "words": [word] + lines[k].words[1:]})
    last = _reread_numerals(gray, damaged, 200, opts, warnings, 1)[k]
    assert last.text.startswith("III. KINH PHÍ") and last.words[0].text == "III."
    assert any("'HI.' (misread)" in w.message and "as 'III.'" in w.message for w in warnings)
