"""Flattened annex tables rebuilt from text: generated tables (cells wrapped to their columns, vertically centred,
each visual line read across the columns), clean and through the repair stage, and through `planparse ingest`.

The generator and its pools of cell values are the tuning material of `bench/bench_tables.py --tuning`; the
bench's held-out pools are different values."""

from __future__ import annotations

import random
import subprocess
import sys

from planparse.models import Line
from planparse.tables import finish_tables
from planparse.tables._text import skeleton

ROLES = ("tt", "task", "lead", "partners", "deadline", "product")
VERBS = ["Khảo sát", "Hướng dẫn", "Thẩm định", "Đôn đốc", "Sơ kết", "Phổ biến", "Giám sát", "Củng cố", "Nâng cấp",
         "Bồi dưỡng", "Lập danh sách", "Vận động"]
OBJECTS = ["hồ sơ đề nghị công nhận xã đạt chuẩn nông thôn mới", "hệ thống phòng cháy, chữa cháy rừng",
           "công tác tiêm chủng mở rộng", "phương án ứng phó bão, áp thấp nhiệt đới", "đội ngũ cộng tác viên dân số",
           "các hộ nghèo, hộ cận nghèo", "mô hình sản xuất lúa hữu cơ", "công trình nước sạch nông thôn",
           "việc chi trả trợ cấp xã hội", "kiến thức pháp luật về đất đai", "trường học đạt chuẩn quốc gia",
           "hạ tầng viễn thông vùng sâu"]
PLACES = ["", "", " trên địa bàn huyện", " tại các thôn, bản", " giai đoạn 2026 - 2030", " cho người dân vùng đồng bào",
          " của các xã biên giới"]
LEADS = ["Phòng Nông nghiệp và Môi trường", "Trung tâm Y tế huyện", "Chi cục Kiểm lâm", "Ban Chỉ huy Quân sự huyện",
         "Phòng Văn hóa - Xã hội", "Sở Giáo dục và Đào tạo", "Công an huyện", "Văn phòng HĐND và UBND",
         "Hạt Kiểm lâm", "Phòng Giáo dục", "Các trường học"]
PARTNERS = ["UBND các xã, thị trấn", "Mặt trận Tổ quốc huyện", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên",
            "Sở Y tế; Sở Tài chính", "Các cơ quan liên quan", "Bưu điện huyện", "", "Phòng Tư pháp", "Hội Cựu chiến binh"]
DEADLINES = ["Quý IV/2026", "Tháng 6/2026", "Hằng năm", "Trước ngày 31/3/2026", "Năm 2026 - 2027", "Định kỳ",
             "6 tháng đầu năm 2026", "Từ ngày 01/7/2026", "Năm 2026", "Tháng 8 - 9/2026"]
PRODUCTS = ["Báo cáo kết quả", "Kế hoạch triển khai", "Công văn hướng dẫn", "Tờ trình", "Biên bản kiểm tra",
            "Quyết định phê duyệt", "Đề án", "Tài liệu tuyên truyền", "Danh sách hộ", "Thông báo"]
"""Tuning pools: cell values written for these tests (none taken from a sample or from the bench's held-out pools)."""


def tuning_rows(rng: random.Random, n: int) -> list[dict[str, str]]:
    return [{"tt": str(k + 1), "task": f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(PLACES)}",
             "lead": rng.choice(LEADS), "partners": rng.choice(PARTNERS), "deadline": rng.choice(DEADLINES),
             "product": rng.choice(PRODUCTS)} for k in range(n)]


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap at `width` characters (a word longer than the width gets a line of its own)."""
    lines: list[str] = []
    cur = ""
    for w in text.split():
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    return lines + ([cur] if cur else [])


def flatten(rows: list[dict[str, str]], widths: dict[str, int], tt_top: bool = False, round_up: bool = False,
            header: str = "TT Nội dung nhiệm vụ Đơn vị chủ trì Đơn vị phối hợp Thời gian Sản phẩm") -> list[str]:
    """A table as OCR flattens it: cells wrapped to their columns and vertically centred (the TT at the top when
    `tt_top`; odd space above rounded up when `round_up`), each visual line read across the columns."""
    out = [header]
    for row in rows:
        cols = {r: wrap(row[r], widths.get(r, 3)) for r in ROLES}
        n = max(len(c) for c in cols.values())
        for i in range(n):
            parts = []
            for r in ROLES:
                off = 0 if r == "tt" and tt_top else (n - len(cols[r]) + round_up) // 2
                if 0 <= i - off < len(cols[r]):
                    parts.append(cols[r][i - off])
            out.append(" ".join(parts))
    return out


def tuning_table(rng: random.Random) -> tuple[list[str], list[dict[str, str]]]:
    """One generated flattened table: 3-7 rows, random column widths (2-5 lines a row), TT centred or on top."""
    rows = tuning_rows(rng, rng.randint(3, 7))
    widths = {"task": rng.randint(18, 34), "lead": rng.randint(10, 20), "partners": rng.randint(10, 20),
              "deadline": rng.randint(8, 13), "product": rng.randint(9, 16)}
    return flatten(rows, widths, tt_top=rng.random() < 0.3, round_up=rng.random() < 0.5), rows


def task_cells(t) -> dict[str, str]:
    """A typed task row's cells as text, by column (partners joined by `; `)."""
    return {"task": t.task or "", "lead": t.lead or "", "partners": "; ".join(t.partners),
            "deadline": t.deadline.text if t.deadline else "", "product": t.product or ""}


def cells_right(tasks, rows) -> dict[str, int]:
    """Per column, the rows whose cell has the expected skeleton (and 'rows': 1 when the row count is right)."""
    got = {"rows": int(len(tasks) == len(rows))}
    for k in ROLES[1:]:
        got[k] = 0
    for t, want in zip(tasks, rows):
        have = task_cells(t)
        for k in have:
            got[k] += skeleton(have[k]) == skeleton(want[k])
    return got


EXAMPLE = [
    "PHỤ LỤC",
    "Danh mục nhiệm vụ năm 2026",
    "TT Nhiệm vụ Chủ trì Phối hợp Thời gian Sản phẩm",
    "Khảo sát hiện trạng công trình Phòng Nông nghiệp Hội Liên hiệp Báo cáo kết",
    "1 nước sạch nông thôn tại các và Môi trường Phụ nữ Quý IV/2026 quả",
    "thôn, bản",
    "Hướng dẫn lập hồ sơ đề nghị công",
    "2 nhận xã đạt chuẩn nông thôn mới Chi cục Kiểm lâm Đoàn Thanh niên Hằng năm Tờ trình",
]
"""Two wrapped rows (the first one's TT on its middle line, its last line after it; the second one's before it)."""


def test_wrapped_rows_rebuilt_with_centred_numbers():
    tables, tasks, warns = finish_tables([], [Line(text=t, page=4) for t in EXAMPLE])
    assert tables[0].origin == "text" and tables[0].page == 4 and warns
    assert [t.tt for t in tasks] == ["1", "2"]
    assert tasks[0].task == "Khảo sát hiện trạng công trình nước sạch nông thôn tại các thôn, bản"
    assert tasks[0].lead == "Phòng Nông nghiệp và Môi trường"
    assert tasks[0].partners == ["Hội Liên hiệp Phụ nữ"]
    assert tasks[0].deadline.text == "Quý IV/2026" and tasks[0].product == "Báo cáo kết quả"
    assert tasks[1].task == "Hướng dẫn lập hồ sơ đề nghị công nhận xã đạt chuẩn nông thôn mới"
    assert (tasks[1].lead, tasks[1].partners, tasks[1].product) == ("Chi cục Kiểm lâm", ["Đoàn Thanh niên"], "Tờ trình")
    assert tasks[1].deadline.recurring


def test_generated_tables_mostly_right():
    """On generated tables (tuning pools) most cells of every column come out whole."""
    rng = random.Random(3)
    total: dict[str, int] = {}
    n = 0
    for _ in range(4):
        text, rows = tuning_table(rng)
        _, tasks, _ = finish_tables([], [Line(text=t) for t in text])
        n += len(rows)
        for k, v in cells_right(tasks, rows).items():
            total[k] = total.get(k, 0) + v
    assert total["rows"] == 4
    for k in ("task", "lead", "partners", "deadline", "product"):
        assert total[k] >= 0.7 * n, (k, total[k], n)


def test_numbers_on_the_first_line_of_their_rows():
    rng = random.Random(11)
    rows = tuning_rows(rng, 4)
    text = flatten(rows, {"task": 22, "lead": 14, "partners": 14, "deadline": 10, "product": 12}, tt_top=True)
    _, tasks, _ = finish_tables([], [Line(text=t) for t in text])
    assert [t.tt for t in tasks] == ["1", "2", "3", "4"]
    got = cells_right(tasks, rows)
    assert got["task"] >= 3 and got["lead"] >= 3 and got["deadline"] >= 3


def test_ingest_of_a_text_file_gives_the_rows(tmp_path):
    """`planparse ingest` of a .txt plan whose annex is flattened gives the typed rows."""
    body = ["ỦY BAN NHÂN DÂN", "HUYỆN MINH HÓA", "KẾ HOẠCH", "Triển khai nhiệm vụ năm 2026",
            "I. MỤC ĐÍCH", "1. Thực hiện tốt các nhiệm vụ được giao.", *EXAMPLE]
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "planparse", "ingest", str(path), "--format", "csv"],
                         capture_output=True, text=True, check=True).stdout
    assert "Phòng Nông nghiệp và Môi trường" in out and "Chi cục Kiểm lâm" in out
    assert "Khảo sát hiện trạng công trình nước sạch nông thôn tại các thôn, bản" in out


def _stripped_plan(tmp_path, seed: int):
    """A .txt plan whose annex is a generated flattened table, every diacritic stripped (as a text layer without
    marks reads), and the rows it was drawn from."""
    from unidecode import unidecode

    text, rows = tuning_table(random.Random(seed))
    body = ["UY BAN NHAN DAN", "HUYEN MINH HOA", "KE HOACH", "Trien khai nhiem vu nam 2026", "I. MUC DICH",
            "1. Thuc hien tot cac nhiem vu duoc giao.", "PHU LUC", *[unidecode(t) for t in text]]
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path, rows


def test_stripped_annex_cells_are_split_on_the_text_as_read_and_repaired_one_by_one(tmp_path):
    """`ingest` of a stripped plan: the table's cells come from the lines as read, each repaired on its own; the
    cells' change records point at their cells, and each cell names the lines its words came from."""
    from unidecode import unidecode

    from planparse.pipeline import ingest

    path, rows = _stripped_plan(tmp_path, 5)
    doc = ingest(path)
    table = doc.tables[0]
    assert table.origin == "text" and len(doc.tasks) == len(rows)
    got = cells_right(doc.tasks, rows)
    assert sum(got[k] for k in ROLES[1:]) >= 0.75 * 5 * len(rows), got
    exact = sum(t.lead == w["lead"] for t, w in zip(doc.tasks, rows))
    assert exact >= len(rows) // 2, exact
    records = [r for r in doc.restorations if r.table is not None]
    assert records and all(r.table == 0 and r.line == -1 for r in records)
    assert any(r.reason == "deadline" for r in records)  # the rebuild's own changes (a deadline's printed forms)
    for r in records:
        assert table.cells[r.cell].text[r.start:r.end] == r.restored
    lines = doc.lines()
    body = [c for c in table.cells if c.row > 0 and c.text]
    assert body and all(c.lines for c in body)
    for c in body:
        read = " ".join((lines[i].raw or lines[i].text) for i in c.lines)
        assert set(unidecode(c.text).split()) <= set(unidecode(read).split()), (c.text, read)
    by_cell = {(c.row, c.col): c.text for c in table.cells}
    assert [by_cell[(k + 1, 2)] for k in range(len(rows))] == table_col(table, 2)


def table_col(table, col: int) -> list[str]:
    return [row[col] for row in table.rows]


def test_ingest_to_writes_the_same_cells_and_records_as_ingest(tmp_path):
    """The spooled path reads the lines as read beside the repaired ones: same table, same cell records."""
    import io
    import json

    from planparse.export import to_json
    from planparse.pipeline import ingest, ingest_to

    path, _ = _stripped_plan(tmp_path, 8)
    doc = json.loads(to_json(ingest(path)))
    buf = io.BytesIO()
    ingest_to(path, buf)
    spooled = json.loads(buf.getvalue())
    doc.pop("timings"), spooled.pop("timings")
    assert spooled == doc
    assert any(r["table"] == 0 for r in doc["restorations"])


def test_clean_annex_is_not_repaired_cell_by_cell():
    """Text the lines' repair left alone (printed with marks) is kept: the cell repair is not even called."""
    calls = []

    def repair(texts, confidences):
        calls.append(texts)
        return texts

    text, rows = tuning_table(random.Random(3))
    plain = finish_tables([], [Line(text=t) for t in text])
    with_repair = finish_tables([], [Line(text=t) for t in text], repair)
    assert not calls and with_repair[0][0].rows == plain[0][0].rows


def test_repair_gets_one_text_per_cell_and_its_last_call_makes_the_cells():
    """The cell repair (CellRepair) is called with one text per cell of the table in order, header and row numbers
    empty; what its last call returns is in the cells."""
    from unidecode import unidecode

    text, rows = tuning_table(random.Random(4))
    lines = [Line(text=t, raw=unidecode(t)) for t in text]
    calls = []

    def repair(texts, confidences):
        calls.append(texts)
        assert len(confidences) == len(texts) and not any(confidences)
        return [t.upper() for t in texts]

    tables, tasks, _ = finish_tables([], lines, repair)
    table = tables[0]
    assert calls and all(len(c) == len(table.cells) for c in calls)
    last = calls[-1]
    assert not any(last[:6]) and not any(last[6 * (k + 1)] for k in range(len(rows)))
    for c, sent in zip(table.cells, last):
        if sent:
            assert c.text == sent.upper().strip(" ,;-–") or c.col == 4


def test_a_deadline_phrase_takes_its_words_printed_forms():
    from planparse.tables.flat import _deadline_text, skel1

    for got, want in [("Quy IV/2026", "Quý IV/2026"), ("Quỹ IV/2026", "Quý IV/2026"), ("Dinh ky", "Định kỳ"),
                      ("Hang nam", "Hằng năm"), ("Hàng năm", "Hàng năm"), ("Truoc ngay 31/3/2026", "Trước ngày 31/3/2026"),
                      ("6 thang dau nam 2026", "6 tháng đầu năm 2026"), ("N8m 2027", "Năm 2027"),
                      ("Quy hoạch vùng", "Quy hoạch vùng")]:
        assert _deadline_text(got, skel1(got)) == want


def test_cells_read_by_ocr_are_repaired_with_their_words_confidences():
    """A flattened table OCR read (lines with words): each cell sent to the repair carries its words' confidences,
    taken from the line as read (row numbers and specks left out)."""
    from unidecode import unidecode

    from planparse.models import Word

    text, rows = tuning_table(random.Random(6))
    lines = []
    for k, t in enumerate(text):
        raw = unidecode(t)
        words = [Word(text=w, bbox=(0, 0, 1, 1), confidence=50.0 + (k * 7 + i) % 40) for i, w in enumerate(raw.split())]
        lines.append(Line(text=t, raw=raw, words=words))
    sent = []

    def repair(texts, confidences):
        sent.append((texts, confidences))
        return texts

    tables, _, _ = finish_tables([], lines, repair)
    conf_of = {(w.text, w.confidence) for ln in lines for w in ln.words}
    texts, confidences = sent[-1]
    checked = 0
    for t, c in zip(texts, confidences):
        if t and c is not None:
            assert len(c) == len(t.split()) and all((w, x) in conf_of for w, x in zip(t.split(), c))
            checked += 1
    assert checked >= len(rows)


def test_an_unmarked_first_word_counts_for_every_listed_word_of_its_skeleton():
    """`Quy` printed without marks may be quý (a deadline) or quỹ (a unit's name): both lists know it, whatever the
    order sets iterate in (the split must not depend on the hash seed); a marked word counts only as printed."""
    from planparse.tables import flat

    assert flat._start_score("deadline", "Quy", "quy iii/2027") > 0
    assert flat._start_score("lead", "Quy", "quy phat trien") > 0
    assert flat._start_score("lead", "Quý", "quy iii/2027") <= 0


def test_a_deadline_mended_by_the_rebuild_leaves_a_change_record():
    """A deadline phrase the rebuild gives its words' printed forms (`Quy` -> `Quý`, `Hang nam` -> `Hằng năm`)
    leaves a change record per word on its cell, like the repair's changes; the table is the same with or without."""
    from planparse.models import Restoration

    lines = [Line(text=t.replace("Quý IV", "Quy IV").replace("Hằng năm", "Hang nam"), page=4) for t in EXAMPLE]
    records: list[Restoration] = []
    tables, tasks, _ = finish_tables([], lines, None, records)
    table = tables[0]
    assert tasks[0].deadline.text == "Quý IV/2026" and tasks[1].deadline.text == "Hằng năm"
    got = [(table.cells[r.cell].row, table.roles[table.cells[r.cell].col], r.original, r.restored) for r in records]
    assert got == [(1, "deadline", "Quy", "Quý"), (2, "deadline", "Hang", "Hằng"), (2, "deadline", "nam", "năm")]
    for r in records:
        assert (r.reason, r.line, r.page, r.table) == ("deadline", -1, 4, None)
        assert table.cells[r.cell].text[r.start:r.end] == r.restored
    assert finish_tables([], lines)[0][0].rows == table.rows
    printed: list[Restoration] = []
    finish_tables([], [Line(text=t, page=4) for t in EXAMPLE], None, printed)
    assert printed == []


def test_a_word_repaired_then_mended_is_one_record():
    """The pipeline joins a cell repair's record and the rebuild's change of the same word: as read -> final, the
    repair's choice kept as the first alternative; other changes stay apart, in cell order."""
    from planparse.models import Restoration
    from planparse.pipeline import _with_mends

    repaired = [Restoration(line=-1, start=0, end=3, original="Quy", restored="Quỹ", confidence=0.6,
                            alternatives=["Quý", "Quy"], reason="diacritics", table=0, cell=10),
                Restoration(line=-1, start=4, end=7, original="nam", restored="năm", confidence=0.9, table=0, cell=16)]
    mends = [Restoration(line=-1, start=0, end=3, original="Quỹ", restored="Quý", confidence=0.9, reason="deadline",
                         cell=10),
             Restoration(line=-1, start=0, end=4, original="Hang", restored="Hằng", confidence=0.9, reason="deadline",
                         cell=16)]
    out = _with_mends(repaired, mends, 0)
    assert [(r.cell, r.start, r.original, r.restored, r.reason, r.table) for r in out] == [
        (10, 0, "Quy", "Quý", "deadline", 0), (16, 0, "Hang", "Hằng", "deadline", 0), (16, 4, "nam", "năm", "", 0)]
    assert out[0].alternatives == ["Quỹ", "Quy"]
