"""Tables benchmark: synthetic annex scans (300/200 dpi, varied headers, widths, merged cells, a two-page
table), then the real annex page of ../shared/scans/000_plan_300dpi.pdf and the flattened annex of seed 000.

Each page goes the way `ingest` takes it: the OCR stage's clean-up and Tesseract read (vie), the tables
stage with its second reads, then the pipeline's cell repair (`pipeline.restore_tables`) and `finish_tables`.
Prints row-count exactness, % of body cells exactly right, the wrong cells grouped by cause, and the CPU the
tables stage adds to the page OCR.

`--tuning` runs only the flattened-text tuning tables (tests/test_tables_flat.py's generator; CASES, SEED and
SHOW=clean|clean+repaired|stripped+repaired to print the wrong cells) and seed 000's flattened annex (the development
sample). Flattened tables are finished as `ingest` does, their cells repaired one by one (CELL_REPAIR=off: not)."""

from __future__ import annotations

import glob
import json
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import re  # noqa: E402
import resource  # noqa: E402
from collections import Counter  # noqa: E402

import numpy as np  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.test_tables_render import Spec, render  # noqa: E402

from planparse.models import Line, Word  # noqa: E402
from planparse.ocr import layout, preprocess, tesseract  # noqa: E402
from planparse.options import Options  # noqa: E402
from planparse.pages import cell_reader  # noqa: E402
from planparse.pipeline import restore_tables  # noqa: E402
from planparse.tables import find_grid_tables, finish_tables  # noqa: E402
from planparse.tables._text import clean, skeleton  # noqa: E402

READ = cell_reader(Options())
"""Second reads of cells as the page step makes them (lang vie, no time limit)."""

SHARED = ROOT.parent / "shared"

HEADERS = [
    ["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian hoàn thành", "Sản phẩm"],
    ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn", "Kết quả/Sản phẩm"],
    ["TT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện", "Kết quả", "Ghi chú"],
    ["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời gian"],
]
VERBS = ["Tuyên truyền", "Rà soát", "Tổ chức", "Xây dựng", "Triển khai", "Kiểm tra", "Cập nhật", "Tổng hợp", "Đăng tải"]
OBJECTS = ["kế hoạch cải cách hành chính", "các thủ tục hành chính", "hội nghị tập huấn nghiệp vụ",
           "chuyên mục trên trang thông tin điện tử", "báo cáo định kỳ về chuyển đổi số", "văn bản quy phạm pháp luật",
           "cơ sở dữ liệu chuyên ngành", "hoạt động đối ngoại của tỉnh"]
TAILS = ["", " trên địa bàn tỉnh", " năm 2026", " theo quy định", " tại các cơ quan, đơn vị", " của Sở và các đơn vị trực thuộc"]
UNITS = ["Văn phòng Sở", "Phòng Kế hoạch - Tài chính", "Thanh tra Sở", "Trung tâm Thông tin", "Các phòng thuộc Sở",
         "Phòng Hợp tác quốc tế"]
PARTNERS = ["Các phòng, đơn vị thuộc Sở", "UBND cấp huyện", "Sở Nội vụ; Sở Tư pháp", "Báo, Đài của tỉnh", "Công an tỉnh"]
DEADLINES = ["Năm 2026", "Quý II/2026", "Tháng 9/2026", "Thường xuyên", "Trước ngày 30/6/2026", "6 tháng cuối năm 2026"]
PRODUCTS = ["Báo cáo", "Tin, bài, ảnh", "Kế hoạch", "Văn bản", "Tin, bài, ảnh, video", "Hội nghị"]
NOTES = ["", "Trọng tâm", ""]
POOLS = {"tt": None, "task": None, "lead": UNITS, "partners": PARTNERS, "deadline": DEADLINES, "product": PRODUCTS}


def _row(rng: random.Random, roles: list[str], n: int) -> list[str]:
    out = []
    for r in roles:
        if r == "tt":
            out.append(str(n))
        elif r == "task":
            out.append(f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}{rng.choice(TAILS)}")
        elif r == "note":
            out.append(rng.choice(NOTES))
        else:
            out.append(rng.choice(POOLS[r]))
    return out


def _roles(head: list[str]) -> list[str]:
    from planparse.tables.roles import map_roles

    return [r or "note" for r in map_roles(head)]


def make_case(rng: random.Random, head: list[str], nrows: int, merge: bool) -> tuple[list, list[list[str]]]:
    """Spec cells and the expected body rows (row-spanning text repeated, column-spanning text in its first column)."""
    roles = _roles(head)
    rows = [_row(rng, roles, i + 1) for i in range(nrows)]
    cells = [(0, c, 1, 1, t) for c, t in enumerate(head)]
    expected = []
    r0 = 1
    if merge:
        cells.append((1, 0, 1, len(head), "I. Nhóm nhiệm vụ trọng tâm"))
        expected.append(["I. Nhóm nhiệm vụ trọng tâm"] + [""] * (len(head) - 1))
        r0 = 2
        lead = roles.index("lead") if "lead" in roles else 2
        rows[1][lead] = rows[0][lead]
    for i, row in enumerate(rows):
        r = r0 + i
        for c, t in enumerate(row):
            if merge and i == 1 and roles[c] == "lead":
                continue
            span = 2 if merge and i == 0 and roles[c] == "lead" else 1
            cells.append((r, c, span, 1, t))
        expected.append(row)
    return cells, expected


def widths(rng: random.Random, n: int, total: float) -> list[float]:
    w = [0.5] + [rng.uniform(1.0, 2.0) for _ in range(n - 1)]
    w[1] *= 2.0
    s = sum(w[1:])
    return [w[0]] + [x * (total - w[0]) / s for x in w[1:]]


def degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    """Scan-like: tiny rotation, blur and speckle."""
    img = img.rotate(rng.uniform(-0.3, 0.3), resample=Image.BILINEAR, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
    a = np.asarray(img).astype(np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).random(a.shape)
    a[noise < 0.0005] = 90
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract runs as a child)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def ocr_page(img: Image.Image, dpi: int) -> tuple[np.ndarray, list[Word], float]:
    """The OCR stage's clean-up and page read: cleaned page, its words, CPU seconds of the read."""
    prep = preprocess.prepare(img, dpi)
    t = cpu()
    data = tesseract.image_to_data(prep.gray, lang="vie", dpi=prep.dpi)
    return prep.gray, [w for _, w in layout.words_from_data(data)], cpu() - t


def tables_of(pages: list[tuple[np.ndarray, list[Word], int]], res: dict) -> list:
    """Grid tables of the pages as the pipeline builds them (tables stage, cell repair, finish)."""
    tabs = []
    for gray, words, pno in pages:
        t = cpu()
        tabs += find_grid_tables(gray, words, pno, read=READ)
        res["grid_s"] += cpu() - t
    tabs, _ = restore_tables(tabs, {pno: words for _, words, pno in pages}, mode="auto", style="new")
    return finish_tables(tabs, [])[0]


def cause(got: str, exp: str) -> str:
    """Why a cell is wrong, roughly: the first test that explains the difference."""
    g, e = clean(got), clean(exp)
    if not g:
        return "empty cell"
    if skeleton(g) == skeleton(e):
        return "diacritics"
    if g.replace(" ", "") == e.replace(" ", ""):
        return "spacing (joined/split words)"
    if re.sub(r"[^\w ]", "", g).split() == re.sub(r"[^\w ]", "", e).split():
        return "punctuation"
    gw, ew = skeleton(g).split(), skeleton(e).split()
    if len(gw) < len(ew) and all(w in ew for w in gw):
        return "words lost"
    if len(gw) > len(ew) and all(w in gw for w in ew):
        return "extra words (neighbour or duplicate)"
    return "misread"


MISSES: list[tuple[str, str, str]] = []
SKEL = [0]


def score(got: list[list[str]], exp: list[list[str]]) -> tuple[bool, int, int]:
    right = sum(clean(a) == clean(b) for ga, ea in zip(got, exp) for a, b in zip(ga, ea))
    SKEL[0] += sum(skeleton(a) == skeleton(b) for ga, ea in zip(got, exp) for a, b in zip(ga, ea))
    return len(got) == len(exp), right, sum(len(r) for r in exp)


def run_case(imgs: list[Image.Image], exp: list[list[str]], dpi: int, res: dict) -> list:
    """OCR the pages of one table, build it as the pipeline does and score its body rows against exp."""
    pages = []
    for pno, img in enumerate(imgs, start=1):
        gray, words, tocr = ocr_page(img, dpi)
        res["ocr_s"] += tocr
        res["pages"] += 1
        pages.append((gray, words, pno))
    tabs = tables_of(pages, res)
    got = tabs[0].rows if len(tabs) == 1 else []
    ok, right, n = score(got, exp)
    res["tables"] += 1
    res["rows_exact"] += ok
    res["cells_right"] += right
    res["cells"] += n
    MISSES.extend((cause(a, b), a, b) for g, e in zip(got, exp) for a, b in zip(g, e) if clean(a) != clean(b))
    if not ok:
        print(f"    {dpi} dpi: {len(tabs)} tables, rows {len(got)} != {len(exp)}")
    return tabs


def synthetic(dpi: int, seed: int) -> dict:
    rng = random.Random(seed)
    res = {"tables": 0, "rows_exact": 0, "cells_right": 0, "cells": 0, "ocr_s": 0.0, "grid_s": 0.0, "pages": 0}
    cases = [(h, rng.randint(4, 6), m) for h in HEADERS for m in (False, True)]
    for head, nrows, merge in cases:
        cells, exp = make_case(rng, head, nrows, merge)
        img, _, _ = render(Spec(widths(rng, len(head), 10.2), cells, dpi=dpi, page_in=(11.69, 8.27), pt=12))
        run_case([degrade(img, rng)], exp, dpi, res)
    # a table split over two pages, header repeated on the second
    head = HEADERS[1]
    roles = _roles(head)
    rows = [_row(rng, roles, i + 1) for i in range(12)]
    imgs = []
    for part in (rows[:7], rows[7:]):
        cells = [(0, c, 1, 1, t) for c, t in enumerate(head)]
        cells += [(r + 1, c, 1, 1, t) for r, row in enumerate(part) for c, t in enumerate(row)]
        img, _, _ = render(Spec([0.5, 3.6, 1.6, 1.8, 1.3, 1.4], cells, dpi=dpi, page_in=(11.69, 8.27), top_in=0.6, pt=12))
        imgs.append(degrade(img, rng))
    tabs = run_case(imgs, rows, dpi, res)
    res["split_merged"] = len(tabs) == 1 and tabs[0].pages == [1, 2]
    return res


def print_misses(dpi: int) -> None:
    """The wrong cells of one run, grouped by cause."""
    for why, n in Counter(w for w, _, _ in MISSES).most_common():
        print(f"    {dpi} dpi, {why}: {n}")
        for w, a, b in MISSES:
            if w == why:
                print(f"        {a!r} != {b!r}")
    MISSES.clear()


def real_page() -> None:
    pdf = SHARED / "scans" / "000_plan_300dpi.pdf"
    gold = SHARED / "gold" / "000_21d97e07a325b662.table.json"
    if not pdf.exists() or not gold.exists():
        print("real page: ../shared not available, skipped")
        return
    from pdf2image import convert_from_path

    n = len(__import__("pypdf").PdfReader(str(pdf)).pages)
    img = convert_from_path(str(pdf), dpi=300, first_page=n, last_page=n, grayscale=True)[0]
    res = {"grid_s": 0.0}
    gray, words, tocr = ocr_page(img, 300)
    tabs = tables_of([(gray, words, n)], res)
    exp = json.loads(gold.read_text())
    keys = {"tt": "tt", "task": "nhiem_vu", "lead": "chu_tri", "partners": "phoi_hop", "deadline": "thoi_gian",
            "product": "san_pham"}
    roles = tabs[0].roles if tabs else []
    pairs = [(got[i], e[keys[role]]) for got, e in zip(tabs[0].rows if tabs else [], exp)
             for i, role in enumerate(roles) if role in keys]
    right = sum(clean(a) == clean(b) for a, b in pairs)
    total = max(len(pairs), 6 * len(exp))
    print(f"real 000 p{n} (300 dpi): tables={len(tabs)} rows={len(tabs[0].rows) if tabs else 0}/{len(exp)} "
          f"cells exact {right}/{total} = {100 * right / total:.1f}%  "
          f"tables stage {res['grid_s']:.2f}s CPU vs page OCR {tocr:.2f}s")
    print(f"   same skeleton (diacritics aside): {sum(skeleton(a) == skeleton(b) for a, b in pairs)}/{total}")
    for a, b in pairs:
        if clean(a) != clean(b):
            print(f"   {cause(a, b)}: {a!r} != {b!r}")


def seed_text() -> None:
    """The flattened annex of seed 000 (the development sample: the flattened-table rules were once tuned on it)."""
    seeds = sorted(glob.glob(str(SHARED / "seeds" / "000_*.txt")))
    gold = SHARED / "gold" / "000_21d97e07a325b662.table.json"
    if not seeds or not gold.exists():
        return
    raw = [Line(text=t) for t in Path(seeds[0]).read_text().splitlines() if t.strip()]
    from planparse.repair import restore_lines

    restored, _ = restore_lines(raw, mode="auto", style="new")
    exp = json.loads(gold.read_text())
    for label, lines, repair in (("raw OCR", raw, False), ("after the repair stage, as ingest runs it", restored, True)):
        tabs, tasks, warns = _finish_flat(lines, repair)
        print(f"seed 000 (dev sample) flattened text, {label}: " + _flat_scores(tasks, exp)
              + f"; table confidence {tabs[0].confidence if tabs else None}")


def _flat_scores(tasks, exp) -> str:
    """Rows found, and per column how many cells have the gold skeleton exactly / within 85% similarity."""
    from rapidfuzz import fuzz

    ok = {k: 0 for k in ("lead", "deadline", "product", "partners")}
    near, exact = dict(ok), dict(ok)
    for t, e in zip(tasks, exp):
        pairs = {"lead": (t.lead or "", e["chu_tri"]), "deadline": (t.deadline.text if t.deadline else "", e["thoi_gian"]),
                 "product": (t.product or "", e["san_pham"]), "partners": ("; ".join(t.partners), e["phoi_hop"])}
        for k, (a, b) in pairs.items():
            ok[k] += skeleton(a) == skeleton(b)
            near[k] += fuzz.ratio(skeleton(a), skeleton(b)) >= 85
            exact[k] += clean(a) == clean(b)
    n = len(exp)
    return (f"rows {len(tasks)}/{n}; same skeleton: " + ", ".join(f"{k} {v}/{n}" for k, v in ok.items())
            + "; within 85% similarity: " + ", ".join(f"{k} {v}/{n}" for k, v in near.items())
            + "; exactly as printed: " + ", ".join(f"{k} {v}" for k, v in exact.items()))


FLAT_POOLS = {
    "lead": ["Phòng Tổ chức cán bộ", "Trung tâm Công nghệ thông tin", "Chi cục Thủy lợi", "Văn phòng Sở", "Thanh tra tỉnh",
             "Ban Quản lý dự án", "Phòng Kế hoạch - Tài chính", "Các phòng chuyên môn"],
    "partners": ["Sở Tài chính; Sở Xây dựng", "UBND các huyện, thành phố", "Các đơn vị trực thuộc", "Công an tỉnh",
                 "Phòng Pháp chế", "Hội Nông dân tỉnh"],
    "deadline": ["Năm 2027", "Quý III/2027", "Tháng 11/2027", "Thường xuyên", "Trước ngày 15/12/2027", "Hằng quý"],
    "product": ["Báo cáo tổng kết", "Quyết định", "Kế hoạch chi tiết", "Tài liệu hướng dẫn", "Danh sách", "Văn bản góp ý"],
}
"""Held-out cell values for the flattened-table bench: none of them is in the sample annexes or the grid bench above."""
FLAT_TASKS = ["Kiểm tra việc thực hiện quy chế dân chủ ở cơ sở", "Tổ chức tập huấn nghiệp vụ cho cán bộ cấp xã",
              "Rà soát, đánh giá chất lượng dịch vụ công trực tuyến", "Xây dựng cơ sở dữ liệu đất đai của tỉnh",
              "Cập nhật danh mục thủ tục hành chính mới ban hành", "Theo dõi, đôn đốc các đơn vị thực hiện nhiệm vụ được giao"]
FLAT_WIDTH = {"task": 30, "lead": 16, "partners": 16, "deadline": 12, "product": 14}


def flatten_rows(rows: list[dict[str, str]]) -> list[str]:
    """A table as OCR flattens it (the tests' generator): each cell wrapped to its column, vertically centred, lines of a
    row read across."""
    from tests.test_tables_flat import flatten

    return flatten(rows, FLAT_WIDTH, header="TT Nhiệm vụ Chủ trì Phối hợp Thời gian hoàn thành Sản phẩm")


def flattened_heldout(cases: int = 12, seed: int = 7) -> None:
    """Held-out flattened tables (no ruling lines left), clean (as is, and through the repair stage) and with every
    diacritic stripped then repaired."""
    from tests.test_tables_flat import task_cells
    from unidecode import unidecode

    from planparse.repair import restore_lines

    rng = random.Random(seed)
    totals: dict[str, dict[str, int]] = {}
    n_rows = 0
    for _ in range(cases):
        rows = [{"tt": str(k + 1), "task": rng.choice(FLAT_TASKS), **{r: rng.choice(v) for r, v in FLAT_POOLS.items()}}
                for k in range(rng.randint(3, 6))]
        n_rows += len(rows)
        text = flatten_rows(rows)
        stripped = [Line(text=unidecode(t)) for t in text]
        variants = {"clean": [Line(text=t) for t in text],
                    "clean, then the repair stage": restore_lines([Line(text=t) for t in text], mode="auto", style="new")[0],
                    "diacritics stripped, then the repair stage": restore_lines(stripped, mode="auto", style="new")[0]}
        for label, lines in variants.items():
            t0 = cpu()
            _, tasks, _ = _finish_flat(lines)
            score = totals.setdefault(label, {k: 0 for k in ("s", "rows", "task", "lead", "partners", "deadline", "product")})
            score["s"] += cpu() - t0
            score["rows"] += min(len(tasks), len(rows)) if len(tasks) == len(rows) else 0
            for t, want in zip(tasks, rows):
                got = task_cells(t)
                for k in ("task", "lead", "partners", "deadline", "product"):
                    score[k] += skeleton(got[k]) == skeleton(want[k])
                    score[f"{k} exact"] = score.get(f"{k} exact", 0) + (clean(got[k]) == want[k])
    for label, score in totals.items():
        s = score.pop("s")
        same = ", ".join(f"{k} {v}/{n_rows}" for k, v in score.items() if "exact" not in k)
        exact = ", ".join(f"{k.split()[0]} {v}" for k, v in score.items() if "exact" in k)
        print(f"held-out flattened tables ({cases} tables, {n_rows} rows), {label}: {same} (same skeleton); "
              f"exactly as printed: {exact}; tables stage {50 * s / n_rows:.2f} CPU s per 50 rows")


def _finish_flat(lines: list, repair: bool = True):
    """finish_tables on the lines with the flattened table's per-cell repair as `ingest` runs it (default options);
    without it when `repair` is False or CELL_REPAIR=off (which also runs this bench on a tree without it)."""
    if not repair or os.environ.get("CELL_REPAIR") == "off":
        return finish_tables([], lines)
    from planparse.pipeline import CellRepair

    return finish_tables([], lines, CellRepair("auto", "new"))


def flattened_tuning(cases: int = 30, seed: int = 101, show: str = "") -> None:
    """Tuning flattened tables (tests/test_tables_flat.py's generator and pools: 3-7 rows, random widths, 2-5 lines
    a row, TT centred or on top), clean (as is, and through the repair stage) and stripped then repaired, with the
    CPU seconds of the tables stage."""
    from tests.test_tables_flat import cells_right, task_cells, tuning_table
    from unidecode import unidecode

    from planparse.repair import restore_lines

    rng = random.Random(seed)
    totals: dict[str, dict[str, float]] = {}
    n_rows = 0
    for _ in range(cases):
        text, rows = tuning_table(rng)
        n_rows += len(rows)
        variants = {"clean": [Line(text=t) for t in text],
                    "clean+repaired": restore_lines([Line(text=t) for t in text], mode="auto", style="new")[0],
                    "stripped+repaired": restore_lines([Line(text=unidecode(t)) for t in text], mode="auto", style="new")[0]}
        for label, lines in variants.items():
            t0 = cpu()
            _, tasks, _ = _finish_flat(lines)
            score = totals.setdefault(label, {"s": 0.0})
            score["s"] += cpu() - t0
            got = cells_right(tasks, rows)
            score["rows"] = score.get("rows", 0) + (len(rows) if got.pop("rows") else 0)
            for k, v in got.items():
                score[k] = score.get(k, 0) + v
            for t, want in zip(tasks, rows):
                have = task_cells(t)
                for k, v in have.items():
                    score[f"{k} exact"] = score.get(f"{k} exact", 0) + (clean(v) == want[k])
            if show and label == show:
                for t, want in zip(tasks, rows):
                    have = task_cells(t)
                    for k, v in have.items():
                        if skeleton(v) != skeleton(want[k]):
                            print(f"    {k}: {v!r} != {want[k]!r}")
    for label, score in totals.items():
        s = score.pop("s")
        same = ", ".join(f"{k} {int(v)}/{n_rows}" for k, v in score.items() if "exact" not in k)
        exact = ", ".join(f"{k.split()[0]} {int(v)}" for k, v in score.items() if "exact" in k)
        print(f"tuning flattened tables ({cases} tables, {n_rows} rows), {label}: {same} (same skeleton); "
              f"exactly as printed: {exact}; tables stage {s:.2f} CPU s")


def no_table_speed() -> None:
    from tests.test_tables_render import render_letter

    for dpi in (200, 300):
        g = np.asarray(render_letter(dpi))
        t = time.perf_counter()
        tabs = find_grid_tables(g, [], 1)
        print(f"no-table page {dpi} dpi: {len(tabs)} tables in {time.perf_counter() - t:.3f}s")


def main() -> None:
    no_table_speed()
    flattened_heldout()
    seed_text()
    real_page()
    for dpi in (300, 200):
        SKEL[0] = 0
        r = synthetic(dpi, seed=dpi)
        print(f"synthetic {dpi} dpi: {r['pages']} pages, rows exact {r['rows_exact']}/{r['tables']} tables, "
              f"cells exact {r['cells_right']}/{r['cells']} = {100 * r['cells_right'] / max(1, r['cells']):.1f}%, "
              f"same skeleton {100 * SKEL[0] / max(1, r['cells']):.1f}%, split table merged: {r['split_merged']}; "
              f"CPU: tables stage {r['grid_s']:.1f}s vs page OCR {r['ocr_s']:.1f}s "
              f"(+{100 * r['grid_s'] / max(1e-9, r['ocr_s']):.1f}% on table pages)")
        print_misses(dpi)


if __name__ == "__main__":
    if "--tuning" in sys.argv:
        flattened_tuning(cases=int(os.environ.get("CASES", 30)), seed=int(os.environ.get("SEED", 101)),
                         show=os.environ.get("SHOW", ""))
        seed_text()
    else:
        main()
