"""Structure stage on small composed plans: clean Vietnamese, OCR-damaged, and arbitrary text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planparse.models import Line
from planparse.structure import parse_structure
from planparse.structure.closing import parse_digital_signatures
from planparse.structure.header import parse_header
from planparse.structure.references import find_in_text
from planparse.structure.sections import build_tree, classify
from planparse.symbols import find_dates, parse_date, parse_number, type_from_symbol
from planparse.symbols import read_roman as fix_roman

PLAN = """\
ỦY BAN NHÂN DÂN TỈNH
TUYÊN QUANG
Số: 57/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Tuyên Quang, ngày 3 tháng 4 năm 2024
KẾ HOẠCH
Phòng chống thiên tai năm 2024

Căn cứ Luật Phòng, chống thiên tai năm 2013; Nghị định số 66/2021/NĐ-CP ngày 06/7/2021 của Chính
phủ quy định chi tiết;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Chủ động phòng ngừa, giảm thiểu thiệt hại theo Chỉ thị số 12/CT-TTg ngày
15-3-2023 của Thủ tướng Chính phủ;
- Nâng cao nhận thức của người dân.
2. Yêu cầu
Các cơ quan thực hiện nghiêm Quyết định số 72-QĐ/TW ngày 18/7/2022 của Ban Chấp hành Trung ương.
II. NHIỆM VỤ
1. Công tác chuẩn bị
1.1. Rà soát phương án
a) Kiểm tra đê điều;
b) Kiểm tra hồ chứa.
+ Hồ lớn;
III. TỔ CHỨC THỰC HIỆN
1. Sở Nông nghiệp và Môi trường: Chủ trì, theo dõi việc thực hiện Kế hoạch này.
2. Công an tỉnh: Bảo đảm an ninh trật tự.
- Các sở, ngành: Phối hợp thực hiện.
Nơi nhận:
- Văn phòng Chính phủ;
- TT Tỉnh ủy;
- Lưu: VT, NC.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn Bình
Ký bởi: Nguyễn Văn Bình
Email: binh@tuyenquang.gov.vn
Cơ quan: Ủy ban nhân dân tỉnh Tuyên Quang
Thời gian ký: 28.07.2014 14:40:36 +07:00
"""


def lines_of(text: str, block_of=lambda i: 0) -> list[Line]:
    return [Line(text=t, block=block_of(i), page=1, origin="text") for i, t in enumerate(text.splitlines())]


@pytest.fixture(scope="module")
def plan():
    return parse_structure(lines_of(PLAN))


def test_header_fields(plan):
    h = plan.header
    assert h.issuer == "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG"
    assert h.issuer_parent is None
    assert (h.number, h.number_value, h.symbol) == ("57/KH-UBND", "57", "KH-UBND")
    assert h.doc_type == "Kế hoạch"
    assert h.date == date(2024, 4, 3)
    assert h.place == "Tuyên Quang"
    assert h.summary == "Phòng chống thiên tai năm 2024"
    assert "CỘNG HÒA" in h.motto and "Hạnh phúc" in h.motto


def test_section_tree_levels(plan):
    top = [s for s in plan.sections if s.number]
    assert [s.number for s in top] == ["I.", "II.", "III."]
    assert [s.level for s in top] == [1, 1, 1]
    i = top[0]
    assert i.title == "MỤC ĐÍCH, YÊU CẦU"
    assert [c.number for c in i.children] == ["1.", "2."]
    muc_dich = i.children[0]
    assert muc_dich.title == "Mục đích"
    assert [c.kind for c in muc_dich.children] == ["dash", "dash"]
    assert muc_dich.children[0].text.startswith("Chủ động phòng ngừa")
    assert "ngày 15-3-2023" in muc_dich.children[0].text
    assert i.children[1].text.startswith("Các cơ quan")
    ii = top[1]
    d11 = ii.children[0].children[0]
    assert (d11.number, d11.level, d11.kind) == ("1.1.", 3, "decimal")
    assert [(c.number, c.level) for c in d11.children] == [("a)", 4), ("b)", 4)]
    assert d11.children[1].children[0].kind == "plus"


def test_references(plan):
    by_num = {r.number: r for r in plan.references if r.number}
    nd = by_num["66/2021/NĐ-CP"]
    assert nd.type == "Nghị định" and nd.date == date(2021, 7, 6) and nd.issuer == "Chính phủ"
    ct = by_num["12/CT-TTg"]
    assert ct.date == date(2023, 3, 15) and ct.issuer == "Thủ tướng Chính phủ"
    assert ct.cited_in == ["I.1"]
    assert by_num["72-QĐ/TW"].issuer == "Ban Chấp hành Trung ương"
    laws = [r for r in plan.references if r.type == "Luật"]
    assert laws and laws[0].title == "Phòng, chống thiên tai"


def test_closing(plan):
    assert plan.recipients == ["Văn phòng Chính phủ", "TT Tỉnh ủy", "Lưu: VT, NC"]
    sig = plan.signature
    assert sig.prefix == "TM." and sig.authority == "ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH"
    assert sig.title == "PHÓ CHỦ TỊCH" and sig.name == "Nguyễn Văn Bình"
    ds = plan.digital_signatures
    assert len(ds) == 1 and ds[0].signer == "Nguyễn Văn Bình"
    assert ds[0].email == "binh@tuyenquang.gov.vn"
    assert ds[0].time == "2014-07-28T14:40:36+07:00"


def test_responsibilities(plan):
    units = [r.unit for r in plan.responsibilities]
    assert units == ["Sở Nông nghiệp và Môi trường", "Công an tỉnh", "Các sở, ngành"]
    assert plan.responsibilities[0].duties.startswith("Chủ trì")


def test_no_section_runs_into_closing(plan):
    def walk(ss):
        for s in ss:
            yield s
            yield from walk(s.children)
    assert not any("Nơi nhận" in (s.text or "") for s in walk(plan.sections))


OCR_PLAN = """\
UBND TỈNH PHÚ THỌ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ NGOẠI VỤ Độc lập - Tự do - Hạnh phúc
S6: 12 /QD - SNgV Phú Thọ, ngày 05 tháng 01 năm 2025
QUYẾT ĐỊNH
Về việc ban hành quy chế
I. MỤC TIÊU
1. Mục tiêu chung
Thực hiện Quyết định Sô 3041 /QD-UBND ngày 26/7/2025 của Ủy ban nhân dân thành phố về việc.
Il. NỘI DUNG
I1I. KINH PHÍ
Nơi nhận: KT. GIÁM ĐỐC
- Như trên; PHÓ GIÁM ĐỐC
- Lưu: VT.
Trần Thị Hoa
"""


def test_ocr_damage_tolerated():
    res = parse_structure(lines_of(OCR_PLAN))
    h = res.header
    assert (h.issuer_parent, h.issuer) == ("UBND TỈNH PHÚ THỌ", "SỞ NGOẠI VỤ")
    assert h.number == "12/QĐ-SNgV" and h.symbol == "QĐ-SNgV"
    assert h.date == date(2025, 1, 5) and h.place == "Phú Thọ"
    assert h.doc_type == "Quyết định" and h.summary == "Về việc ban hành quy chế"
    assert [s.number for s in res.sections if s.number] == ["I.", "II.", "III."]
    refs = [r for r in res.references if r.number == "3041/QĐ-UBND"]
    assert refs and refs[0].date == date(2025, 7, 26)
    assert res.recipients == ["Như trên", "Lưu: VT"]
    assert res.signature.title == "PHÓ GIÁM ĐỐC" and res.signature.name == "Trần Thị Hoa"


def test_header_columns_as_blocks_in_any_order():
    text = PLAN.splitlines()
    order = [3, 4, 5, 0, 1, 2] + list(range(6, len(text)))
    res = parse_structure([Line(text=text[i], block=0 if i < 3 else 1) for i in order])
    assert res.header.issuer == "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG"
    assert res.header.number == "57/KH-UBND" and res.header.date == date(2024, 4, 3)


def test_blank_number_kept_with_symbol():
    h, _, _ = parse_header(["SỞ NGOẠI VỤ", "Số:   /KH-SNgV", "Phú Thọ, ngày   tháng 8 năm 2025", "KẾ HOẠCH", "Về x"])
    assert h.number == "/KH-SNgV" and h.number_value is None and h.symbol == "KH-SNgV"
    assert h.date is None and h.place == "Phú Thọ"


def test_official_letter_type_from_symbol():
    h, _, _ = parse_header(["SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 2324/SKHCN-VP", "V/v trao đổi kế hoạch",
                            "tuyên truyền năm 2025", "Hải Phòng, ngày 1/8/2025", "Kính gửi: UBND xã"])
    assert h.doc_type == "Công văn" and h.summary == "trao đổi kế hoạch tuyên truyền năm 2025"
    assert h.date == date(2025, 8, 1) and h.place == "Hải Phòng"


def test_numbering_repaired_by_its_sequence():
    secs, warns = build_tree([(t, 1) for t in ["I. A", "- x", "III. B", "- y", "III. C", "- z"]])
    assert [s.number for s in secs] == ["I.", "II.", "III."]
    assert any("corrected to II." in w for w, _ in warns)
    secs, warns = build_tree([(t, 1) for t in ["I. A", "II. B", "II. C", "IV. D"]])
    assert [s.number for s in secs] == ["I.", "II.", "III.", "IV."]
    assert [w for w, _ in warns] == [
        "section number II. corrected to III.: OCR misread, the sequence (II., ?, IV.) fits only III."]


def test_numbering_far_from_sequence_warns_but_keeps_printed():
    secs, warns = build_tree([(t, 1) for t in ["I. A", "- x", "V. B", "- y", "V. C", "- z"]])
    assert [s.number for s in secs] == ["I.", "V.", "V."]
    assert any("repeated" in w for w, _ in warns) and any("jumps" in w for w, _ in warns)


def test_paragraph_join_and_page_numbers():
    secs, _ = build_tree([("- Nghị quyết số 18-", 1), ("2", 1), ("NQ/TW về việc giai đoạn 2021 -", 2),
                          ("2025 của tỉnh.", 2)])
    assert secs[0].text == "Nghị quyết số 18-NQ/TW về việc giai đoạn 2021 - 2025 của tỉnh."


def test_article_and_part():
    secs, _ = build_tree([("Chương I", 1), ("QUY ĐỊNH CHUNG", 1), ("Điều 1. Phạm vi điều chỉnh", 1),
                          ("1. Quy định này áp dụng cho mọi cơ quan trong tỉnh và các đơn vị.", 1)])
    assert secs[0].number == "Chương I" and secs[0].title == "QUY ĐỊNH CHUNG" and secs[0].level == 0
    art = secs[0].children[0]
    assert art.number == "Điều 1." and art.title == "Phạm vi điều chỉnh"
    assert art.children[0].number == "1."


@pytest.mark.parametrize("text,expected", [
    ("1433/KH-UBND", ("1433/KH-UBND", "1433", "KH-UBND")),
    ("2324/SKHCN-VP", ("2324/SKHCN-VP", "2324", "SKHCN-VP")),
    ("35/2023/UBTVQH15", ("35/2023/UBTVQH15", "35", "2023/UBTVQH15")),
    ("57-NQ/TW", ("57-NQ/TW", "57", "NQ/TW")),
    ("3041 /QD - UBND", ("3041/QĐ-UBND", "3041", "QĐ-UBND")),
    ("35/2023/UBTVQHI15", ("35/2023/UBTVQH15", "35", "2023/UBTVQH15")),
    ("  /KH-SNgV", ("/KH-SNgV", None, "KH-SNgV")),
])
def test_parse_number(text, expected):
    n = parse_number(text)
    assert (n["number"], n["value"], n["symbol"]) == expected


@pytest.mark.parametrize("symbol,kind", [("KH-UBND", "Kế hoạch"), ("QĐ-TTg", "Quyết định"),
                                         ("2023/NĐ-CP", "Nghị định"), ("NQ/TW", "Nghị quyết"),
                                         ("SKHCN-VP", "Công văn"), ("2014/QH13", "Luật")])
def test_type_from_symbol(symbol, kind):
    assert type_from_symbol(symbol) == kind


@pytest.mark.parametrize("text,expected", [
    ("ngày 15/7/2021", date(2021, 7, 15)), ("15-7-2021", date(2021, 7, 15)),
    ("Phú Thọ, ngày 12 tháng 8 năm 2025", date(2025, 8, 12)), ("ngay 12 thang 8 nam 2025", date(2025, 8, 12)),
    ("ngày 31/02/2021", None), ("năm 2025", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("tok,roman", [("I11", "III"), ("I1I", "III"), ("1I", "II"), ("Il", "II"),
                                       ("IV", "IV"), ("11", None), ("ABC", None)])
def test_fix_roman(tok, roman):
    assert fix_roman(tok) == roman


def test_classify_markers():
    assert classify("I11. TỔ CHỨC THỰC HIỆN").number == "III."
    assert classify("H. NỘI DUNG").number == "II."
    assert classify("H. Nội dung chính") is None
    assert classify("2.1. Thường xuyên").kind == "decimal"
    assert classify("đ) Điểm năm").number == "đ)"
    assert classify("b) có năng lực hành vi").number == "b)"
    assert classify("v. v. và các việc khác") is None
    assert classify("2025, định hướng đến năm 2030") is None
    assert classify("30/7/2023 của Chính phủ") is None


def test_reference_party_and_spaced_number():
    refs = find_in_text("theo Nghị quyết số 18- NQ/TW và Công văn số 2324/SKHCN-VP ngày 1/8/2025 "
                        "của Sở Khoa học và Công nghệ về việc")
    assert [r.number for r in refs] == ["18-NQ/TW", "2324/SKHCN-VP"]
    assert refs[1].issuer == "Sở Khoa học và Công nghệ" and refs[1].date == date(2025, 8, 1)


def test_digital_signature_stamps():
    ds = parse_digital_signatures(["2025-09-10T08:13:25+0700", "Việt Nam",
                                   "Nguyễn Văn A <a@x.gov.vn> đã ký lên văn bản này!"])
    assert ds[0].signer == "Nguyễn Văn A" and ds[0].time == "2025-09-10T08:13:25+07:00"


def test_empty_and_odd_inputs():
    assert parse_structure([]).sections == []
    res = parse_structure([Line(text="")] * 3 + [Line(text="III.")] + [Line(text="- ")])
    assert isinstance(res.warnings, list)


_texty = st.text(alphabet=st.sampled_from(list("0123456789/-.:;, ()IVXlaăâđêôơưĐSốQĐKHNnghàytháng\n")),
                 max_size=80)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120) | _texty)
def test_small_parsers_never_raise(text):
    parse_number(text)
    parse_date(text)
    find_dates(text)
    classify(text)
    find_in_text(text)
    fix_roman(text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=60) | _texty | st.sampled_from(PLAN.splitlines() + OCR_PLAN.splitlines()),
                max_size=40))
def test_parse_structure_never_raises(texts):
    res = parse_structure([Line(text=t, page=1 + i // 20) for i, t in enumerate(texts)])
    assert not [w for w in res.warnings if "failed" in w.message]


def test_running_headers_dropped():
    lines = [("I. MỤC TIÊU", 1), ("- Một việc rất dài cần làm trong năm", 1), ("KẾ HOẠCH SỐ 5", 1),
             ("KẾ HOẠCH SỐ 5", 2), ("- Việc khác.", 2), ("KẾ HOẠCH SỐ 5", 3), ("II. NỘI DUNG", 3)]
    secs, _ = build_tree(lines)
    assert "KẾ HOẠCH SỐ 5" not in secs[0].children[0].text
    assert [s.number for s in secs] == ["I.", "II."]


def test_legal_parts_nest():
    secs, _ = build_tree([("Chương II", 1), ("TỔ CHỨC", 1), ("Mục 1. QUY ĐỊNH CHUNG", 1),
                          ("Điều 5. Nguyên tắc", 1), ("Điều 6. Nhiệm vụ", 1)])
    assert secs[0].number == "Chương II"
    muc = secs[0].children[0]
    assert muc.number == "Mục 1" and [c.number for c in muc.children] == ["Điều 5.", "Điều 6."]


def test_issuer_and_number_on_one_line_and_rules():
    h, _, _ = parse_header(["QUỐC HỘI -------", "Luật số: 45/2019/QH14", "Hà Nội, ngày 20 tháng 11 năm 2019",
                            "LUẬT", "LAO ĐỘNG"])
    assert h.issuer == "QUỐC HỘI" and h.number == "45/2019/QH14" and h.doc_type == "Luật"
    assert h.summary == "LAO ĐỘNG" and h.place == "Hà Nội"
    h, _, _ = parse_header(["UBND TỈNH PHÚ THỌ", "SỞ NGOẠI VỤ Số: 215/KH-SNgV", "KẾ HOẠCH"])
    assert (h.issuer_parent, h.issuer, h.number) == ("UBND TỈNH PHÚ THỌ", "SỞ NGOẠI VỤ", "215/KH-SNgV")


def test_header_number_not_taken_from_body():
    h, _, _ = parse_header(["Thực hiện Quyết định số 3041/QĐ-UBND ngày 26/7/2025 của UBND tỉnh"])
    assert h.number is None


DECISION = """\
ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 88/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bắc Ninh, ngày 20 tháng 5 năm 2024
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch chuyển đổi số năm 2024
CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Thông tư số 01/2023/TT-BTTTT ngày 10/01/2023 của Bộ Thông tin và Truyền thông;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2024.
Điều 2. Quyết định có hiệu lực kể từ ngày ký.
Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn Nam
"""


def test_decision_layout():
    res = parse_structure(lines_of(DECISION))
    h = res.header
    assert h.issuer == "ỦY BAN NHÂN DÂN TỈNH BẮC NINH" and h.doc_type == "Quyết định"
    assert h.summary == "Về việc ban hành Kế hoạch chuyển đổi số năm 2024"
    arts = [s for s in res.sections if s.kind == "article"]
    assert [a.number for a in arts] == ["Điều 1.", "Điều 2."]
    law = [r for r in res.references if r.type == "Luật"][0]
    assert law.title == "Tổ chức chính quyền địa phương" and law.date == date(2015, 6, 19)
    tt = [r for r in res.references if r.type == "Thông tư"][0]
    assert tt.number == "01/2023/TT-BTTTT" and tt.issuer == "Bộ Thông tin và Truyền thông"
    assert res.recipients == ["Như Điều 2", "Lưu: VT"]
    assert res.signature.prefix == "KT." and res.signature.name == "Lê Văn Nam"


def test_signature_column_before_recipients():
    text = "I. MỤC TIÊU\n- Làm tốt.\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nTạ Thị Mai\nNơi nhận:\n- Sở Nội vụ;\n- Lưu: VT."
    res = parse_structure(lines_of(text))
    assert res.signature.title == "PHÓ GIÁM ĐỐC" and res.signature.name == "Tạ Thị Mai"
    assert res.recipients == ["Sở Nội vụ", "Lưu: VT"]
    assert "GIÁM ĐỐC" not in res.sections[0].children[0].text


def test_law_signature_without_recipients():
    text = ("Điều 1. Phạm vi\nLuật này quy định.\nLuật này đã được Quốc hội thông qua ngày 15 tháng 11 năm 2010.\n"
            "CHỦ TỊCH QUỐC HỘI\nNguyễn Phú Trọng")
    res = parse_structure(lines_of(text))
    assert res.signature.title == "CHỦ TỊCH QUỐC HỘI" and res.signature.name == "Nguyễn Phú Trọng"
    assert "CHỦ TỊCH" not in res.sections[0].text


def test_place_spelling_restored_from_admin_units():
    h, _, _ = parse_header(["SỞ NGOẠI VỤ", "Số: 5/KH-SNgV", "Phu Tho, ngày 2 tháng 3 năm 2025", "KẾ HOẠCH"])
    assert h.place == "Phú Thọ"


def test_headless_text_keeps_subject_and_damaged_signature_column():
    text = ("Tuyên truyền cải cách hành chính năm 2025\n\nThực hiện Kế hoạch số 5/KH-UBND ngày 2/1/2025 của UBND tỉnh.\n"
            "I. MỤC ĐÍCH\n- Làm tốt.\nNơi nhận: KT. GIÁM ĐỐC\n- UBND tỉnh (b/c); PHo' GIẢM BỌC\n- Lưu: VT.\nTrần Văn An")
    res = parse_structure(lines_of(text))
    assert res.header.summary == "Tuyên truyền cải cách hành chính năm 2025"
    assert res.preamble[0].kind == "implementation" and res.preamble[0].text.startswith("Thực hiện")
    assert res.preamble[0].references[0].number == "5/KH-UBND" and res.sections[0].number == "I."
    assert res.recipients == ["UBND tỉnh (b/c)", "Lưu: VT"]
    assert res.signature.name == "Trần Văn An"


def test_party_header():
    h, _, _ = parse_header(["BAN CHẤP HÀNH TRUNG ƯƠNG", "*", "Số 57-NQ/TW", "ĐẢNG CỘNG SẢN VIỆT NAM",
                            "Hà Nội, ngày 22 tháng 12 năm 2024", "NGHỊ QUYẾT", "CỦA BỘ CHÍNH TRỊ"])
    assert h.issuer == "BAN CHẤP HÀNH TRUNG ƯƠNG" and h.number == "57-NQ/TW" and h.symbol == "NQ/TW"
    assert h.motto == "ĐẢNG CỘNG SẢN VIỆT NAM" and h.doc_type == "Nghị quyết" and h.date == date(2024, 12, 22)


def test_header_lines_after_title_in_reading_order():
    h, body, _ = parse_header(["UBND TỈNH PHÚ THỌ", "SỞ NGOẠI VỤ", "KẾ HOẠCH", "Số: 215/KH-SNgV",
                               "Phú Thọ, ngày 12 tháng 8 năm 2025", "Tuyên truyền năm 2025", "", "I. MỤC TIÊU"])
    assert h.number == "215/KH-SNgV" and h.date == date(2025, 8, 12) and h.summary == "Tuyên truyền năm 2025"
    assert body == 7


def test_long_unbroken_paragraph_is_linear():
    import time

    line = "tuyên truyền về Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ và"
    t0 = time.perf_counter()
    res = parse_structure([Line(text=line) for _ in range(2000)])
    assert time.perf_counter() - t0 < 10
    assert len(res.references) == 1 and res.references[0].issuer == "Chính phủ"


def test_decomposed_unicode_input():
    import unicodedata

    res = parse_structure(lines_of(unicodedata.normalize("NFD", PLAN)))
    assert res.header.date == date(2024, 4, 3) and res.header.number == "57/KH-UBND"


def test_roman_heading_whose_dot_was_lost():
    from planparse.structure.sections import classify

    m = classify("II NHIỆM VỤ VÀ GIẢI PHÁP")
    assert m is not None and m.kind == "roman" and m.number == "II."
    assert classify("V tổ chức thực hiện") is None


def test_wrapped_issuer_joined_by_unit_grammar_and_gazetteer():
    h, _, warns = parse_header(["UBND THÀNH PHỐ HẢI", "PHÒNG", "ỦY BAN NHÂN DÂN XÃ KIM THÀNH", "Số: 45/KH-UBND",
                                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                "Kim Thành, ngày 14 tháng 3 năm 2026", "KẾ HOẠCH", "Phòng chống thiên tai"])
    assert (h.issuer_parent, h.issuer) == ("UBND THÀNH PHỐ HẢI PHÒNG", "ỦY BAN NHÂN DÂN XÃ KIM THÀNH")
    h, _, _ = parse_header(["UBND TỈNH LÂM ĐỒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 6/KH-SGDĐT", "KẾ HOẠCH", "Về x"])
    assert (h.issuer_parent, h.issuer) == ("UBND TỈNH LÂM ĐỒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO")
    h, _, _ = parse_header(["UBND TỈNH THANH HÓA", "BAN CHỈ HUY PHÒNG, CHỐNG", "THIÊN TAI VÀ TÌM KIẾM", "CỨU NẠN",
                            "Số: 17/KH-BCH", "KẾ HOẠCH", "Về x"])
    assert h.issuer == "BAN CHỈ HUY PHÒNG, CHỐNG THIÊN TAI VÀ TÌM KIẾM CỨU NẠN" and h.symbol == "KH-BCH"


def test_stray_marks_and_noise_lines_dropped_with_warnings():
    h, _, warns = parse_header(["UBND TỈNH QUẢNG TRỊ ˆ", "T", "SỞ NỘI VỤ", "`", "Số: 9/KH-SNV", ":",
                                "Quảng Trị, ngày 2 tháng 4 năm 2026", "KẾ HOẠCH", "T", "Về x"])
    assert (h.issuer_parent, h.issuer) == ("UBND TỈNH QUẢNG TRỊ", "SỞ NỘI VỤ")
    assert h.summary == "Về x" and h.number == "9/KH-SNV"
    assert sum("noise line" in w for w in warns) == 3 and any("'ˆ'" in w for w in warns)


def test_header_read_by_zones_when_lines_have_boxes():
    rows = [("UBND TỈNH PHÚ THỌ", (100, 100, 700, 140)), ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", (900, 100, 1900, 140)),
            ("SỞ NGOẠI VỤ", (200, 160, 600, 200)), ("Độc lập - Tự do - Hạnh phúc", (1000, 160, 1800, 200)),
            ("Số: 215/KH-SNgV", (250, 220, 550, 260)), ("Phú Thọ, ngày 12 tháng 8 năm 2025", (1000, 220, 1800, 260)),
            ("KẾ HOẠCH", (900, 320, 1100, 360)), ("Tuyên truyền năm 2025", (700, 380, 1300, 420))]
    order = [1, 0, 3, 5, 2, 4, 6, 7]
    res = parse_structure([Line(text=rows[i][0], bbox=rows[i][1]) for i in order])
    h = res.header
    assert (h.issuer_parent, h.issuer, h.number) == ("UBND TỈNH PHÚ THỌ", "SỞ NGOẠI VỤ", "215/KH-SNgV")
    assert h.date == date(2025, 8, 12) and h.summary == "Tuyên truyền năm 2025"


def test_preamble_is_a_part_with_its_references():
    res = parse_structure(lines_of(PLAN))
    assert [p.kind for p in res.preamble] == ["basis"]
    assert [(r.type, r.number) for r in res.preamble[0].references] == [("Luật", None), ("Nghị định", "66/2021/NĐ-CP")]
    assert res.sections[0].number == "I."
    assert any("preamble" in r.cited_in for r in res.references)
    res = parse_structure(lines_of(DECISION))
    assert [p.kind for p in res.preamble] == ["authority", "basis", "basis"]


def test_section_number_misread_in_ocr_text_corrected():
    text = "I. MỤC ĐÍCH\n- a.\nII. NỘI DUNG\n- b.\nII. KINH PHÍ\n- c.\nIV. TỔ CHỨC THỰC HIỆN\n- d."
    res = parse_structure(lines_of(text))
    assert [s.number for s in res.sections] == ["I.", "II.", "III.", "IV."]
    assert any("corrected to III." in w.message for w in res.warnings)


def test_first_roman_heading_read_as_digit_corrected():
    secs, warns = build_tree([(t, 1) for t in ["1. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "- a", "2. Yêu cầu", "- b",
                                                "II. NHIỆM VỤ", "1. Một", "III. TỔ CHỨC THỰC HIỆN"]])
    assert [(s.number, [c.number for c in s.children]) for s in secs] == [("I.", ["1.", "2."]), ("II.", ["1."]),
                                                                          ("III.", [])]
    assert any("corrected to I." in w for w, _ in warns)
    secs, _ = build_tree([(t, 1) for t in ["1. Mục đích", "II. NHIỆM VỤ"]])
    assert [s.number for s in secs] == ["1.", "II."]


@pytest.mark.parametrize("printed, repaired", [
    (["II", "II", "IV"], ["II.", "III.", "IV."]),          # the first heading lost: the run fits II, III, IV
    (["I", "II", "III", "III"], ["I.", "II.", "III.", "III."]),  # IV is two glyphs from III: a printed repeat stays
    (["I", "II", "II"], ["I.", "II.", "III."]),
    (["I", "II", "V"], ["I.", "II.", "V."]),
])
def test_numbering_run_with_fewest_near_changes(printed, repaired):
    secs, _ = build_tree([(f"{x}. MỤC {i}", 1) for i, x in enumerate(printed)])
    assert [s.number for s in secs] == repaired


def test_damaged_cited_symbol_is_recovered_by_its_place_and_reported():
    """`số NN/XX-YY ngày …`: a part OCR damaged (a glyph read twice, an eth for Đ) is taken as the one known part
    one edit away; the date and issuer after it are still found, and a warning says what was taken."""
    lines = [Line(text=t, origin="text") for t in [
        "KẾ HOẠCH", "Ứng phó bão mạnh năm 2026",
        "Thực hiện Công điện số 05/CĐÐ-TTg ngày 02/4/2026 của Thủ tướng Chính phủ; Kế hoạch số 09/BCH-PCTTT "
        "ngày 20/01/2026 của Ban Chỉ huy phòng, chống thiên tai tỉnh.",
        "I. MỤC ĐÍCH", "Bảo đảm an toàn.", "II. TỔ CHỨC THỰC HIỆN", "Các sở thực hiện."]]
    res = parse_structure(lines)
    refs = {r.number: r for it in res.preamble for r in it.references}
    assert set(refs) == {"05/CĐ-TTg", "09/BCH-PCTT"}
    assert refs["09/BCH-PCTT"].date == date(2026, 1, 20) and refs["05/CĐ-TTg"].issuer == "Thủ tướng Chính phủ"
    assert any("'PCTTT'" in w.message and "'PCTT'" in w.message for w in res.warnings)


def test_damaged_roman_heading_takes_its_place_in_the_sequence():
    lines = [("IL. MỤC ĐÍCH, YÊU CẦU", 1), ("1. Mục đích", 1), ("Phát triển kinh tế số.", 1), ("II. NHIỆM VỤ", 1),
             ("Rà soát hạ tầng.", 1), ("II. KINH PHÍ", 2), ("Ngân sách tỉnh.", 2), ("IV. TỔ CHỨC THỰC HIỆN", 2)]
    secs, warns = build_tree(lines)
    assert [s.number for s in secs] == ["I.", "II.", "III.", "IV."]
    assert [c.number for c in secs[0].children] == ["1."]
    assert any("IL. corrected to I." in w for w, _ in warns)


def test_damaged_roman_heading_without_a_sequence_is_kept_and_reported():
    secs, warns = build_tree([("IL. MỤC ĐÍCH, YÊU CẦU", 1), ("Nội dung thực hiện.", 1)])
    assert [s.number for s in secs] == ["IL."] and secs[0].title == "MỤC ĐÍCH, YÊU CẦU"
    assert any("IL. is no numeral" in w for w, _ in warns)
