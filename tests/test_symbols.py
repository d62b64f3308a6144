"""The symbol grammar (numbers/symbols, Roman numerals, dates, quarters) and diacritic folding: results, not only
'never raises'."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planparse.repair.segment import fix_symbol
from planparse.symbols import (
    ISSUER_ABBR,
    TYPE_ABBR,
    claims,
    find_dates,
    find_quarter,
    format_date,
    format_quarter,
    is_valid_symbol,
    nearest_part,
    parse_date,
    parse_number,
    quarter_span,
    read_roman,
    repair_symbol,
    roman_value,
    to_roman,
)
from planparse.text import fold, fold_lower

PARTS = sorted(TYPE_ABBR) + sorted(ISSUER_ABBR)
SYMBOL_CHARS = "ABCDĐGHIKLMNPQSTUVXYabcdđghiklmnopqrstuvxy0123456789-/&ÁÀ "


@st.composite
def valid_symbols(draw):
    """Symbols made of known parts in the three printed forms: admin, legal (with year), Party."""
    num = draw(st.integers(1, 99999))
    typ = draw(st.sampled_from(sorted(TYPE_ABBR)))
    issuers = draw(st.lists(st.sampled_from(sorted(ISSUER_ABBR)), min_size=1, max_size=2))
    form = draw(st.sampled_from(["admin", "legal", "party", "session"]))
    if form == "admin":
        return f"{num}/{typ}-{'-'.join(issuers)}"
    if form == "legal":
        return f"{num}/{draw(st.integers(1945, 2099))}/{typ}-{issuers[0]}"
    if form == "session":
        return f"{num}/{draw(st.integers(1945, 2099))}/{draw(st.sampled_from(['QH', 'UBTVQH']))}{draw(st.integers(1, 20))}"
    return f"{num}-{typ}/{issuers[0]}"


@settings(max_examples=150, deadline=None)
@given(valid_symbols())
def test_valid_symbol_never_changed(sym):
    assert repair_symbol(sym) == sym and is_valid_symbol(sym)
    assert fix_symbol(sym) == sym


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=SYMBOL_CHARS, max_size=24))
def test_symbol_repair_is_idempotent(text):
    once = repair_symbol(text)
    assert repair_symbol(once) == once


@settings(max_examples=200, deadline=None)
@given(valid_symbols())
def test_number_round_trips_through_parse(sym):
    n = parse_number(f"Số: {sym}")
    assert n is not None and n["number"] == sym


@pytest.mark.parametrize("printed, proved", [
    ("12/QD-TTG", "12/QĐ-TTg"), ("35/2023/QHIS", "35/2023/QH15"), ("TTDT", "TTĐT"), ("HDND", "HĐND"),
    ("71/NQ-HDND", "71/NQ-HĐND"), ("5/2024/ND-CP", "5/2024/NĐ-CP"), ("20/BCD-UBND", "20/BCĐ-UBND"),
    ("35/2023/UBTVQHI15", "35/2023/UBTVQH15"), ("12/QDTTg", "12/QĐ-TTg"),
])
def test_grammar_repairs_what_it_proves(printed, proved):
    assert repair_symbol(printed) == proved


@pytest.mark.parametrize("sym", ["09/BCH-PCTT", "PCTT", "1433/KH-SNgV", "DA", "HD", "ĐA", "HĐ", "57-NQ/TW", "CÁ", "HƯ",
                                 "ĐỦ", "KTXH", "CTUBND", "QH115"])
def test_grammar_leaves_what_it_cannot_prove(sym):
    assert repair_symbol(sym) == sym


def test_restore_and_structure_agree_on_symbols():
    """--restore off (structure reads the raw text) and the restore stage give the same symbol."""
    from planparse import restore

    for raw in ["Thực hiện Kế hoạch số 09/BCH-PCTT ngày 20/01/2026", "theo Quyết định số 12/QD-TTG ngày 5/1/2026",
                "Luật số 35/2023/QHIS"]:
        restored, _ = restore(raw)
        assert parse_number(restored.split("số ", 1)[1])["number"] == parse_number(raw.split("số ", 1)[1])["number"]
    assert "09/BCH-PCTT" in restore("Thực hiện Kế hoạch số 09/BCH-PCTT ngày 20/01/2026")[0]


def test_claims_symbols_not_words():
    assert claims("09/BCH-PCTT") and claims("QĐ-TTg") and claims("35/2023/QH15") and claims("57-NQ/TW")
    assert not claims("Hà") and not claims("15/7/2021") and not claims("v/v")


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 3999))
def test_roman_round_trip(n):
    r = to_roman(n)
    assert roman_value(r) == n
    if set(r) & set("IVX"):
        assert read_roman(r) == r
    if set(r) & set("VX"):
        assert read_roman(r.replace("I", "l")) == r


@pytest.mark.parametrize("tok, roman", [("I11", "III"), ("Il", "II"), ("1I", "II"), ("V1", "VI"), ("11", None),
                                        ("IIII", None), ("Hà", None)])
def test_read_roman(tok, roman):
    assert read_roman(tok) == roman


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(["words", "slash"]))
def test_dates_round_trip(d, style):
    text = f"Hà Nội, {format_date(d, style)}"
    assert parse_date(text) == d
    (start, end, got), = find_dates(text)
    assert got == d and text[start:end].strip().endswith(str(d.year))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4), st.integers(1900, 2099))
def test_quarters_round_trip(q, year):
    assert find_quarter(format_quarter(q, year)) == (q, q, year)
    first, last = quarter_span(q, q, year)
    assert first.month == 3 * q - 2 and first.day == 1 and last.month == 3 * q and last.year == year


def test_quarter_ocr_lookalikes():
    assert find_quarter("Quý l/2026") == (1, 1, 2026)
    assert find_quarter("quý H năm 2025") == (2, 2, 2025)
    assert find_quarter("Quý I - Quý III/2026") == (1, 3, 2026)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_fold_keeps_length_and_offsets(text):
    f = fold(text)
    assert len(f) == len(text)
    assert fold(f) == f


def test_fold_vietnamese():
    assert fold("Đồng Hới, ngày") == "Dong Hoi, ngay"
    assert fold_lower("ỦY BAN NHÂN DÂN") == "uy ban nhan dan"


@settings(max_examples=25, deadline=None)
@given(valid_symbols())
def test_restore_stage_leaves_valid_symbols(sym):
    from planparse import restore

    out, _ = restore(f"Căn cứ văn bản số {sym} ngày 5/3/2020 của cơ quan")
    assert f" {sym} " in out


def test_every_known_part_is_spelt_in_the_symbol_alphabet():
    import re

    assert all(re.fullmatch(r"[A-Za-zĐđ][A-Za-z0-9Đđ&]*", p) for p in PARTS)


@settings(max_examples=150, deadline=None)
@given(valid_symbols())
def test_cited_valid_symbol_never_changed(sym):
    """In a citation's number slot the nearest-part guess touches only parts no list knows."""
    n = parse_number(f"{sym} ngày 02/4/2026", cited=True)
    assert n is not None and n["number"] == sym and n["guessed"] == []


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([p for p in PARTS if p.isalpha() and len(p) >= 2]), st.data())
def test_glyph_read_twice_goes_back_to_its_part_or_nowhere(part, data):
    i = data.draw(st.integers(0, len(part) - 1))
    twice = part[: i + 1] + part[i:]
    got = nearest_part(twice)
    assert got in (None, part) or (twice in PARTS and got is None)


@pytest.mark.parametrize("printed, meant", [("PCTTT", "PCTT"), ("CĐĐ", "CĐ"), ("UBNDD", "UBND"), ("BNNPTNTT", "BNNPTNT")])
def test_nearest_part_of_a_damaged_part(printed, meant):
    assert nearest_part(printed) == meant


@pytest.mark.parametrize("part", ["UBNDT", "SNgV", "KH", "XY", "QĐ", "ABCDE"])
def test_nearest_part_leaves_what_it_cannot_tell(part):
    assert nearest_part(part) is None


def test_eth_is_read_as_d_with_stroke_in_symbols():
    assert repair_symbol("QÐ-TTg") == "QĐ-TTg"
    n = parse_number("05/CÐ-TTg ngày 02/4/2026")
    assert n is not None and n["number"] == "05/CĐ-TTg" and n["chars"] == len("05/CÐ-TTg")
