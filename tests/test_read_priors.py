"""Structural and place-name priors of the repair stage on text a Vietnamese model read: each change recorded."""

from __future__ import annotations

import pytest

from planparse.models import Line, Word
from planparse.repair import restore_lines


def _read(text: str, conf: float = 95.0) -> Line:
    """A line as the vie page read gives it: one word per whitespace chunk, each with a confidence."""
    return Line(text=text, words=[Word(text=w, bbox=(0, 0, 1, 1), confidence=conf) for w in text.split()])


@pytest.mark.parametrize(("read", "item"), [("VI,", "VI"), ("VTE", "VTE"), ("VĨ,", "VĨ"), ("YT,", "YT")])
def test_first_archive_item_one_edit_from_vt_is_vt_and_recorded(read, item):
    lines, records = restore_lines([_read("Nơi nhận:"), _read("- Như trên;"), _read(f"- Lưu: {read} TCCB.")])
    assert lines[2].text.startswith("- Lưu: VT")
    rec = next(r for r in records if r.original == item)
    assert (rec.restored, rec.reason) == ("VT", "decree-30")
    assert lines[2].text[rec.start:rec.end] == "VT"


@pytest.mark.parametrize("text", ["- Lưu: VT, TCCB.", "- Lưu: VP, VT.", "- Lưu: CT, VP.", "Lưu: Vì vậy giao Sở Nội vụ",
                                  "- Lưu: HC, VT."])
def test_archive_items_that_are_abbreviations_or_words_stay(text):
    lines, records = restore_lines([_read(text)])
    assert lines[0].text == text
    assert not [r for r in records if r.reason == "decree-30"]


@pytest.mark.parametrize(("read", "fixed"), [("- Lưu: VI; YT, TH.", "- Lưu: VT, YT, TH."), ("- Lưu: VT; NV.", "- Lưu: VT, NV."),
                                            ("- Lưu: VT, VP; KH.", "- Lưu: VT, VP, KH.")])
def test_a_semicolon_between_two_archive_items_is_the_comma_decree_30_prescribes(read, fixed):
    lines, records = restore_lines([_read("Nơi nhận:"), _read("- Sở Y tế;"), _read(read)])
    assert lines[2].text == fixed
    rec = next(r for r in records if r.original == ";")
    assert (rec.restored, rec.reason, lines[2].text[rec.start:rec.end]) == (",", "decree-30", ",")


@pytest.mark.parametrize("text", ["- Lưu: VT;", "- Như trên; Lưu: hồ sơ; VT", "- UBND huyện; Sở Y tế;"])
def test_semicolons_that_part_no_two_archive_items_stay(text):
    lines, records = restore_lines([_read(text)])
    assert lines[0].text == text and not [r for r in records if r.reason == "decree-30"]


@pytest.mark.parametrize(("read", "fixed"), [("Quý IV/2026", "Quý IV/2026"), ("Quý I/2026", "Quý I/2026"),
                                            ("Quy III/2026", "Quý III/2026"), ("Quỹ II/2027", "Quý II/2027")])
def test_a_quarter_before_its_roman_numeral_and_year_is_quy(read, fixed):
    """The LM counted `Quý IV/2026` as `quý iv <p> <num>`; read as one <sym>, a confident `Quý` became `Quỹ`."""
    lines, _ = restore_lines([_read(read, 92.0)])
    assert lines[0].text == fixed


def test_place_name_read_with_l_for_its_capital_i_is_restored():
    lines, records = restore_lines([_read("Đồn Biên phòng la Dom trước ngày 15 tháng 6"), _read("xã la Grai, huyện la Pa")])
    assert lines[0].text == "Đồn Biên phòng Ia Dom trước ngày 15 tháng 6"
    assert lines[1].text == "xã Ia Grai, huyện Ia Pa"
    assert {(r.original, r.restored, r.reason) for r in records} == {("la", "Ia", "place-name")}


@pytest.mark.parametrize("text", ["con la Đen chạy", "tiếng la Hán", "Đồn Biên phòng Ia Dom"])
def test_words_before_names_that_no_place_begins_with_stay(text):
    lines, records = restore_lines([_read(text)])
    assert lines[0].text == text
    assert not [r for r in records if r.reason == "place-name"]
