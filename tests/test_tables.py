"""Tables stage: grid detection, merged cells, roles, deadlines, text rebuild, cross-page merge, CSV."""

from __future__ import annotations

import csv
import io
import os
from datetime import date

import numpy as np
import pytest

from planparse.models import Line, Table, Word
from planparse.options import Options
from planparse.pages import cell_reader
from planparse.tables import find_grid_tables, finish_tables
from planparse.tables.csv import tasks_to_csv
from planparse.tables.deadline import parse_deadline
from planparse.tables.roles import map_roles, role_of
from planparse.tables.tasks import split_partners

from .test_tables_render import Spec, render, render_letter

READ = cell_reader(Options())
"""Second reads of cells as the page step makes them (lang vie, no time limit)."""

HEAD = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Kết quả/Sản phẩm"]
BODY = [
    ["1", "Rà soát, cập nhật danh mục thủ tục hành chính", "Phòng Kế hoạch", "Các phòng chuyên môn", "Quý II/2026", "Báo cáo"],
    ["2", "Tổ chức tập huấn nghiệp vụ cho công chức", "Trung tâm Dịch vụ", "Văn phòng Sở", "Tháng 9/2025", "Kế hoạch"],
    ["3", "Theo dõi, đôn đốc việc thực hiện", "Thanh tra Sở", "UBND cấp huyện; Công an tỉnh", "Thường xuyên", "Văn bản"],
]


def _cells(head, body, merges=()):
    cells = [(0, c, 1, 1, t) for c, t in enumerate(head)]
    skip = set()
    for r, c, rs, cs in merges:
        for rr in range(r, r + rs):
            for cc in range(c, c + cs):
                if (rr, cc) != (r, c):
                    skip.add((rr, cc))
    for r, row in enumerate(body, start=1):
        for c, t in enumerate(row):
            if (r, c) in skip:
                continue
            span = next(((rs, cs) for mr, mc, rs, cs in merges if (mr, mc) == (r, c)), (1, 1))
            cells.append((r, c, span[0], span[1], t))
    return cells


def _grid(spec):
    img, words, _ = render(spec)
    return find_grid_tables(np.asarray(img), words, 1, read=READ)


def test_grid_from_drawn_words_is_exact():
    spec = Spec([0.5, 3.2, 1.5, 1.8, 1.1, 1.3], _cells(HEAD, BODY), dpi=200)
    (t,) = _grid(spec)
    assert t.headers == HEAD
    assert t.roles == ["tt", "task", "lead", "partners", "deadline", "product"]
    assert t.rows == BODY
    assert len(t.cells) == 24 and all(c.bbox for c in t.cells)


def test_merged_cells_rowspan_and_colspan():
    body = [["I. Nhiệm vụ trọng tâm", "", "", "", "", ""]] + [list(r) for r in BODY]
    body[2][2] = body[1][2]
    spec = Spec([0.5, 3.2, 1.5, 1.8, 1.1, 1.3], _cells(HEAD, body, merges=[(1, 0, 1, 6), (2, 2, 2, 1)]), dpi=200)
    (t,) = _grid(spec)
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in t.cells}
    assert spans[(1, 0)] == (1, 6)
    assert spans[(2, 2)] == (2, 1)
    assert t.rows[2][2] == t.rows[1][2] == "Phòng Kế hoạch"
    _, tasks, _ = finish_tables([t], [])
    assert [x.tt for x in tasks] == ["1", "2", "3"]
    assert tasks[1].lead == "Phòng Kế hoạch"


def test_no_phantom_table_in_header_signature_page():
    for dpi in (200, 300):
        assert find_grid_tables(np.asarray(render_letter(dpi)), [], 1) == []


def test_odd_inputs_do_not_crash():
    assert find_grid_tables(None, [], 1) == []
    assert find_grid_tables(np.zeros((5, 5), np.uint8), [], 1) == []
    assert find_grid_tables(np.random.default_rng(0).integers(0, 255, (300, 400), dtype=np.uint8), [], 1) == []
    assert find_grid_tables(np.full((200, 300, 3), 255, np.uint8), [], 1) == []
    assert finish_tables([], []) == ([], [], [])


@pytest.mark.skipif(os.system("tesseract --list-langs 2>/dev/null | grep -q '^vie$'") != 0, reason="tesseract vie missing")
def test_grid_with_real_tesseract():
    import pytesseract

    os.environ["OMP_THREAD_LIMIT"] = "1"
    spec = Spec([0.5, 3.2, 1.5, 1.8, 1.1, 1.3], _cells(HEAD, BODY), dpi=200, page_in=(11.0, 3.2), top_in=0.4)
    img, _, _ = render(spec)
    d = pytesseract.image_to_data(img, lang="vie", output_type=pytesseract.Output.DICT)
    words = [Word(text=t, bbox=(x, y, x + w, y + h), confidence=float(c))
             for t, x, y, w, h, c in zip(d["text"], d["left"], d["top"], d["width"], d["height"], d["conf"]) if t.strip()]
    (t,) = find_grid_tables(np.asarray(img), words, 1, read=READ)
    assert len(t.rows) == len(BODY)
    right = sum(a == b for ra, rb in zip(t.rows, BODY) for a, b in zip(ra, rb))
    assert right >= 0.8 * sum(len(r) for r in BODY)
    assert t.roles[:3] == ["tt", "task", "lead"]


@pytest.mark.parametrize("header,role", [
    ("TT", "tt"), ("STT", "tt"), ("Số TT", "tt"), ("Nhiệm vụ", "task"), ("Nội dung", "task"), ("Nội dung công việc", "task"),
    ("Chủ trì", "lead"), ("Đơn vị chủ trì", "lead"), ("Cơ quan chủ trì", "lead"), ("Phối hợp", "partners"),
    ("Đơn vị phối hợp", "partners"), ("Cơ quan phối hợp", "partners"), ("Thời gian", "deadline"), ("Thời hạn", "deadline"),
    ("Thời gian hoàn thành", "deadline"), ("Thời gian thực hiện", "deadline"), ("Sản phẩm", "product"), ("Kết quả", "product"),
    ("Kết quả/Sản phẩm", "product"), ("Thoi gian hoan thanh", "deadline"), ("DON VI CHU TRI", "lead"), ("Ghi chú", None),
])
def test_role_mapping(header, role):
    assert role_of(header) == role


def test_map_roles_unknown_kept_once():
    assert map_roles(["TT", "Nội dung", "Chủ trì", "Ghi chú", "Chủ trì"]) == ["tt", "task", "lead", None, None]


@pytest.mark.parametrize("text,start,end,rec", [
    ("Quý II/2026", date(2026, 4, 1), date(2026, 6, 30), False),
    ("Trước ngày 30/6/2026", None, date(2026, 6, 30), False),
    ("Năm 2025", date(2025, 1, 1), date(2025, 12, 31), False),
    ("Tháng 9/2025", date(2025, 9, 1), date(2025, 9, 30), False),
    ("6 tháng cuối năm 2025", date(2025, 7, 1), date(2025, 12, 31), False),
    ("6 tháng đầu năm 2026", date(2026, 1, 1), date(2026, 6, 30), False),
    ("Thường xuyên", None, None, True),
    ("Quý III-IV/2025", date(2025, 7, 1), date(2025, 12, 31), False),
    ("Từ 01/7/2025 đến 31/12/2025", date(2025, 7, 1), date(2025, 12, 31), False),
    ("Khi có yêu cầu", None, None, False),
])
def test_deadlines(text, start, end, rec):
    d = parse_deadline(text)
    assert (d.start, d.end, d.recurring) == (start, end, rec)
    assert d.text == text


def test_partners_split():
    assert split_partners("UBND cấp huyện; Công an tỉnh") == ["UBND cấp huyện", "Công an tỉnh"]
    assert split_partners("Báo, Đài của tỉnh; các phòng, đơn vị thuộc Sở") == [
        "Báo", "Đài của tỉnh", "các phòng, đơn vị thuộc Sở"]
    assert split_partners("Sở Tư pháp\nSở Nội vụ") == ["Sở Tư pháp", "Sở Nội vụ"]


FLAT = """PHỤ LỤC
Danh mục nhiệm vụ năm 2026
STT Nội dung Chủ trì Phối hợp Thời gian Sản phẩm
Rà soát quy trình nội bộ giải quyết
1 thủ tục hành chính của cơ quan Văn phòng Sở Các phòng chuyên môn Quý I/2026 Báo cáo
2 Cập nhật chuyên mục trên cổng thông tin Trung tâm Thông tin Văn phòng Sở Thường xuyên Tin, bài, ảnh
Tổ chức hội nghị đối thoại với
3 doanh nghiệp về thủ tục Phòng Kế hoạch Các phòng thuộc Sở Tháng 10/2026 Kế hoạch
hành chính
"""


def test_flattened_text_rebuild():
    lines = [Line(text=t, page=9) for t in FLAT.splitlines()]
    tables, tasks, warns = finish_tables([], lines)
    (t,) = tables
    assert t.origin == "text" and t.confidence < 1 and t.page == 9
    assert warns and warns[0].stage == "tables"
    assert [x.tt for x in tasks] == ["1", "2", "3"]
    assert [x.lead for x in tasks] == ["Văn phòng Sở", "Trung tâm Thông tin", "Phòng Kế hoạch"]
    assert [x.deadline.text for x in tasks] == ["Quý I/2026", "Thường xuyên", "Tháng 10/2026"]
    assert [x.product for x in tasks] == ["Báo cáo", "Tin, bài, ảnh", "Kế hoạch"]
    assert tasks[1].deadline.recurring and tasks[0].deadline.end == date(2026, 3, 31)


def test_flattened_text_without_diacritics():
    """Text that lost its diacritics is mended by the repair stage first, as ingest runs it; the tables stage knows no
    unit by name."""
    from planparse.repair import restore_lines

    lines = [Line(text=t) for t in __import__("unidecode").unidecode(FLAT).splitlines()]
    _, tasks, _ = finish_tables([], restore_lines(lines, mode="auto")[0])
    assert len(tasks) == 3
    assert tasks[0].lead == "Văn phòng Sở" and tasks[0].deadline.end == date(2026, 3, 31)


def test_row_numbers_read_as_look_alike_glyphs():
    """OCR reads a row number as a glyph of the same shape (l or | for 1, O for 0, S for 5): the row is still found."""
    body = FLAT.replace("\n1 thủ tục", "\nl thủ tục").replace("\n2 Cập nhật", "\n2. Cập nhật")
    _, tasks, _ = finish_tables([], [Line(text=t) for t in body.splitlines()])
    assert [x.tt for x in tasks] == ["1", "2", "3"] and tasks[0].lead == "Văn phòng Sở"


def test_no_table_in_plain_text():
    lines = [Line(text=t) for t in ("I. MỤC ĐÍCH", "1. Nâng cao nhận thức", "2. Thực hiện tốt nhiệm vụ")]
    assert finish_tables([], lines) == ([], [], [])


def test_cross_page_merge_repeated_header_and_continued_row():
    spec1 = Spec([0.5, 3.2, 1.5, 1.8, 1.1, 1.3], _cells(HEAD, BODY[:2]), dpi=200)
    cont = [["", "(tiếp) và báo cáo kết quả", "", "", "", ""], BODY[2]]
    spec2 = Spec([0.5, 3.2, 1.5, 1.8, 1.1, 1.3], _cells(HEAD, cont), dpi=200)
    img1, w1, _ = render(spec1)
    img2, w2, _ = render(spec2)
    t1 = find_grid_tables(np.asarray(img1), w1, 4, read=READ)
    t2 = find_grid_tables(np.asarray(img2), w2, 5, read=READ)
    tables, tasks, _ = finish_tables(t1 + t2, [])
    (t,) = tables
    assert t.pages == [4, 5] and len(t.rows) == 3
    assert t.rows[1][1].endswith("(tiếp) và báo cáo kết quả")
    assert [x.tt for x in tasks] == ["1", "2", "3"]


def test_tables_on_other_columns_not_merged():
    a = Table(page=1, pages=[1], headers=HEAD, roles=map_roles(HEAD), rows=[BODY[0]])
    other = ["TT", "Họ và tên", "Chức vụ"]
    b = Table(page=2, pages=[2], headers=other, roles=map_roles(other), rows=[["1", "A", "B"]])
    tables, _, _ = finish_tables([a, b], [])
    assert len(tables) == 2


def test_csv():
    t = Table(page=1, pages=[1], headers=HEAD + ["Ghi chú"], roles=map_roles(HEAD + ["Ghi chú"]), rows=[BODY[2] + ["mới"]])
    _, tasks, _ = finish_tables([t], [])
    text = tasks_to_csv(tasks)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["table", "tt", "task"]
    assert rows[1][4] == "UBND cấp huyện; Công an tỉnh"
    assert rows[1][8] == "yes" and "Ghi chú: mới" in rows[1][10]


def test_cell_fixups():
    from planparse.tables.fixups import fix_numbering, tidy_cell

    assert tidy_cell("| Tin, bài, ảnh -") == "Tin, bài, ảnh"
    assert tidy_cell("Quý I1/2026") == "Quý II/2026"
    assert tidy_cell("Phòng Kế hoạch - Tài chính") == "Phòng Kế hoạch - Tài chính"
    t = Table(headers=HEAD, roles=map_roles(HEAD), rows=[BODY[0], ["b)"] + BODY[1][1:], ["Ạ"] + BODY[2][1:]])
    assert [r[0] for r in fix_numbering(t).rows] == ["1", "2", "3"]


def test_recase_short_caps_word():
    from planparse.tables.fixups import tidy_cell

    assert tidy_cell("Các phòng, đơn vị thuộc SỞ") == "Các phòng, đơn vị thuộc Sở"
    assert tidy_cell("UBND cấp huyện") == "UBND cấp huyện"
    assert tidy_cell("SỞ NỘI VỤ") == "SỞ NỘI VỤ"


def test_titles():
    lines = [Line(text=t, page=9) for t in FLAT.splitlines()]
    (t,), _, _ = finish_tables([], lines)
    assert t.title == "PHỤ LỤC Danh mục nhiệm vụ năm 2026"
    g = Table(page=3, pages=[3], bbox=(100, 500, 900, 900), headers=HEAD, roles=map_roles(HEAD), rows=[BODY[0]])
    above = [Line(text="DANH MỤC", bbox=(400, 300, 600, 340), page=3),
             Line(text="Nhiệm vụ trọng tâm năm 2026", bbox=(300, 350, 700, 390), page=3),
             Line(text="(Kèm theo Kế hoạch số 1/KH-UBND)", bbox=(300, 400, 700, 440), page=3)]
    (t,), _, _ = finish_tables([g], above)
    assert t.title == "DANH MỤC Nhiệm vụ trọng tâm năm 2026"


def test_roles_guessed_without_header():
    t = Table(page=2, pages=[2], rows=[list(r) for r in BODY])
    tables, tasks, warns = finish_tables([t], [])
    assert tables[0].roles[0] == "tt" and tables[0].roles[1] == "task" and tables[0].roles[4] == "deadline"
    assert tables[0].roles[2] == "lead"
    assert [x.tt for x in tasks] == ["1", "2", "3"] and tasks[0].deadline.text == "Quý II/2026"
    assert any("guessed" in w.message for w in warns)


def test_period_misread_for_comma():
    from planparse.tables.fixups import tidy_cell

    assert tidy_cell("Tin. bài. ảnh") == "Tin, bài, ảnh"
    assert tidy_cell("Hoàn thành. Báo cáo") == "Hoàn thành. Báo cáo"


def test_sentence_naming_roles_is_not_a_flattened_table_header():
    from planparse.models import Line
    from planparse.tables.flat import rebuild_from_lines

    body = [
        "- Tập trung tuyên truyền kết quả hoàn thành các mục tiêu, nhiệm vụ tại địa phương;",
        "1. Phòng Văn hóa - Xã hội xã chủ trì tham mưu kế hoạch năm 2025",
        "2. Văn phòng HĐND và UBND xã phối hợp thực hiện năm 2025",
        "3. Trung tâm phục vụ hành chính công xã thường xuyên cập nhật",
    ]
    assert rebuild_from_lines([Line(text=t, origin="text") for t in body]) is None


def test_quarter_read_through_ocr_lookalikes():
    from datetime import date

    from planparse.tables.deadline import parse_deadline

    d = parse_deadline("Quý H/2026")
    assert d.text == "Quý H/2026" and (d.start, d.end) == (date(2026, 4, 1), date(2026, 6, 30))
    d = parse_deadline("Quý lI/2026")
    assert (d.start, d.end) == (date(2026, 4, 1), date(2026, 6, 30))


def test_a_page_with_fewer_line_crossings_than_a_grid_holds_has_no_grid_and_a_ruled_table_still_does():
    """find_grids stops at the count of ruling crossings on the page (a cross of two long lines, a frame's corners:
    fewer than MIN_CROSSINGS), and a drawn table keeps its grid."""
    from planparse.tables.grid import MIN_CROSSINGS, find_grids

    page = np.full((2000, 1400), 255, np.uint8)
    page[990:994, 100:1300] = 0
    page[200:1800, 698:702] = 0
    assert MIN_CROSSINGS > 1 and find_grids(page)[0] == []
    spec = Spec([0.5, 3.2, 1.5, 1.8, 1.1, 1.3], _cells(HEAD, BODY), dpi=200)
    grids, _ = find_grids(np.asarray(render(spec)[0]))
    assert len(grids) == 1 and len(grids[0].cells) == 24
