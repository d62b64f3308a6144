"""Cell text: line grouping, second reads of misread cells (real Tesseract), merging reads, repair with confidences."""

from __future__ import annotations

import os

import numpy as np
import pytest

from planparse.models import Cell, Table, Word
from planparse.options import Options
from planparse.pages import cell_reader
from planparse.tables import find_grid_tables, rows_from_cells
from planparse.tables.place import merge_reads, text_lines

from .test_tables import BODY, HEAD, _cells
from .test_tables_render import Spec, render

READ = cell_reader(Options())
"""Second reads of cells as the page step makes them (lang vie, no time limit)."""

needs_vie = pytest.mark.skipif(os.system("tesseract --list-langs 2>/dev/null | grep -q '^vie$'") != 0,
                               reason="tesseract vie missing")
COLS = [0.5, 3.2, 1.5, 1.8, 1.1, 1.3]


def _w(text: str, box: tuple[int, int, int, int], conf: float = 95.0) -> Word:
    return Word(text=text, bbox=box, confidence=conf)


def test_tall_box_stays_on_its_line():
    words = [_w("Các", (10, 57, 70, 91)), _w("phòng", (90, 29, 190, 107)), _w("thuộc", (210, 56, 320, 103)),
             _w("Sở", (340, 58, 390, 92)), _w("tiếp", (10, 120, 90, 155))]
    assert [[w.text for w in ln] for ln in text_lines(words)] == [["Các", "phòng", "thuộc", "Sở"], ["tiếp"]]


def test_merge_reads_keeps_only_much_surer_first_words():
    first = [_w("Quý", (0, 0, 1, 1), 93), _w("II/2026", (0, 0, 1, 1), 89), _w("Tố", (0, 0, 1, 1), 70)]
    second = [_w("Quý", (0, 0, 1, 1), 92), _w("H/2026", (0, 0, 1, 1), 52), _w("Tổ", (0, 0, 1, 1), 96)]
    assert [w.text for w in merge_reads(first, second, 10)] == ["Quý", "II/2026", "Tổ"]
    lost = [_w("tâm", (0, 0, 1, 1), 96)]
    full = [_w("Trung", (0, 0, 1, 1), 95), _w("tâm", (0, 0, 1, 1), 96)]
    assert [w.text for w in merge_reads(lost, full, 10)] == ["Trung", "tâm"]


def _page(spec: Spec):
    img, words, boxes = render(spec)
    return np.asarray(img), words, boxes


def _inside(w: Word, box) -> bool:
    cx, cy = (w.bbox[0] + w.bbox[2]) / 2, (w.bbox[1] + w.bbox[3]) / 2
    return box[0] <= cx < box[2] and box[1] <= cy < box[3]


@needs_vie
def test_misread_cells_get_a_second_read():
    """Page OCR that lost a word, ran two words together and slipped a diacritic: the cells are read again."""
    gray, words, boxes = _page(Spec(COLS, _cells(HEAD, BODY), dpi=200, page_in=(11.0, 3.2), top_in=0.4))
    lead, partners, task = boxes[(1, 2)], boxes[(3, 3)], boxes[(2, 1)]
    damaged = []
    for w in words:
        if _inside(w, lead) and w.text == "Phòng":
            continue
        if _inside(w, partners) and w.text == "huyện;":
            w = w.model_copy(update={"text": "huyện;Công"})
        elif _inside(w, partners) and w.text == "Công":
            continue
        elif _inside(w, task) and w.text == "Tổ":
            w = w.model_copy(update={"text": "Tố", "confidence": 60.0})
        damaged.append(w)
    (t,) = find_grid_tables(gray, damaged, 1, read=READ)
    assert t.rows[0][2] == BODY[0][2]
    assert t.rows[2][3] == BODY[2][3]
    assert t.rows[1][1] == BODY[1][1]


@needs_vie
def test_one_stacked_read_per_page_for_two_tables(monkeypatch):
    import planparse.ocr.reread as reread

    a, wa, ba = _page(Spec(COLS, _cells(HEAD, BODY), dpi=200, page_in=(11.0, 3.2), top_in=0.4))
    b, wb, bb = _page(Spec(COLS, _cells(HEAD, BODY[:2]), dpi=200, page_in=(11.0, 2.6), top_in=0.4))
    gray = np.vstack([a, b])
    shifted = [w.model_copy(update={"bbox": (w.bbox[0], w.bbox[1] + a.shape[0], w.bbox[2], w.bbox[3] + a.shape[0])}) for w in wb]
    words = [w for w in wa if not _inside(w, ba[(1, 2)])] + [w for w in shifted if w.text != "Kế"]
    calls = []
    real = reread.read_stacked
    monkeypatch.setattr(reread, "read_stacked", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    t1, t2 = find_grid_tables(gray, words, 1, read=READ)
    assert len(calls) <= 2, "one stacked read of the page's cells, one of its short cells enlarged"
    assert t1.rows[0][2] == BODY[0][2] and t2.rows[1][5] == BODY[1][5]


def test_clean_page_read_needs_no_second_read(monkeypatch):
    import planparse.ocr.reread as reread

    gray, words, _ = _page(Spec(COLS, _cells(HEAD, BODY), dpi=200, page_in=(11.0, 3.2), top_in=0.4))
    monkeypatch.setattr(reread, "read_stacked", lambda *a, **k: pytest.fail("clean cells were read again"))
    (t,) = find_grid_tables(gray, words, 1, read=READ)
    assert t.rows == BODY


def test_rows_laid_out_from_cells():
    cells = [Cell(row=0, col=c, text=h) for c, h in enumerate(["TT", "Nội dung", "Chủ trì"])]
    cells += [Cell(row=1, col=0, text="1"), Cell(row=1, col=1, text="Rà soát"),
              Cell(row=1, col=2, rowspan=2, text="Văn phòng Sở"),
              Cell(row=2, col=0, text="2"), Cell(row=2, col=1, text="Tổng hợp")]
    t = rows_from_cells(Table(cells=cells))
    assert t.headers == ["TT", "Nội dung", "Chủ trì"] and t.roles == ["tt", "task", "lead"]
    assert t.rows == [["1", "Rà soát", "Văn phòng Sở"], ["2", "Tổng hợp", "Văn phòng Sở"]]


def test_cells_repaired_with_word_confidences_and_rows_follow():
    from planparse.pipeline import restore_tables

    box = (0, 100, 500, 150)
    cells = [Cell(row=0, col=0, text="TT"), Cell(row=0, col=1, text="Nhiệm vụ"), Cell(row=0, col=2, text="Chủ trì"),
             Cell(row=1, col=0, text="1", page=2, bbox=(0, 100, 40, 150), confidence=96),
             Cell(row=1, col=1, text="Tố chức hội nghị", page=2, bbox=box, confidence=85),
             Cell(row=1, col=2, text="Văn phòng Sở", page=2, bbox=(500, 100, 800, 150), confidence=96)]
    page_words = {2: [_w("Tố", (10, 110, 40, 140), 40), _w("chức", (50, 110, 120, 140), 96), _w("hội", (130, 110, 170, 140), 96),
                      _w("nghị", (180, 110, 240, 140), 96)]}
    t = Table(page=2, pages=[2], cells=cells, rows=[["1", "stale", "stale"]])
    (out,), records = restore_tables([t], page_words, mode="ocr", style="new")
    assert out.rows == [["1", "Tổ chức hội nghị", "Văn phòng Sở"]]
    assert out.roles == ["tt", "task", "lead"]
    assert [(r.original, r.restored, r.table, r.cell, r.page, r.line) for r in records] == [("Tố", "Tổ", 0, 4, 2, -1)]
    assert restore_tables([t], page_words, mode="off", style="new") == ([t], [])


def test_foreign_marks_on_letters_dropped():
    from planparse.tables.fixups import tidy_cell

    assert tidy_cell("NÑăm 2026") == "Năm 2026"
    assert tidy_cell("Ï. Nhóm nhiệm vụ trọng tâm") == "I. Nhóm nhiệm vụ trọng tâm"
    assert tidy_cell("Hội nghị, tuyên truyền") == "Hội nghị, tuyên truyền"


def test_number_out_of_sequence_repaired():
    from planparse.tables.fixups import fix_numbering
    from planparse.tables.roles import map_roles

    rows = [[n, "Nhiệm vụ", "Văn phòng"] for n in ("1", "2", "6", "4", "1", "2")]
    t = Table(headers=["TT", "Nhiệm vụ", "Chủ trì"], roles=map_roles(["TT", "Nhiệm vụ", "Chủ trì"]), rows=rows)
    assert [r[0] for r in fix_numbering(t).rows] == ["1", "2", "3", "4", "1", "2"]


def test_run_together_words_are_suspect():
    from planparse.tables.page import _misshapen

    assert all(_misshapen(w) for w in ("Thôngtin", "Sởvà", "SởNội", "Tháng9/2026", "|Văn"))
    assert not any(_misshapen(w) for w in ("khuya", "Nguyễn", "giữa", "quốc", "UBND", "nghiệp", "II/2026"))
