"""Long text inputs: ingested whole, section by section; `ingest_to` writes the JSON from spools in bounded memory."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

import planparse
from planparse.errors import OutputError
from planparse.export import json_chunks, to_json
from planparse.pipeline import ingest_to
from planparse.repair import engine
from planparse.text import fold

from .conftest import letter_doc

PEAK_RSS = """
import resource, sys
import planparse
from planparse.export import json_chunks
from planparse.export.json_text import write_atomic
doc = planparse.ingest(sys.argv[1], restore=sys.argv[3])
write_atomic(sys.argv[2], json_chunks(doc))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""

STREAMED_RSS = """
import resource, sys
from planparse.export import to_json
from planparse.pipeline import ingest, ingest_to
ingest_to(sys.argv[1], sys.argv[2], restore=sys.argv[3])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
same = None
if len(sys.argv) > 4:
    with open(sys.argv[2], "rb") as fh:
        same = untimed(fh.read()) == untimed(to_json(ingest(sys.argv[1], restore=sys.argv[3])).encode("utf-8"))
print(peak, same)
"""
TIMINGS = re.compile(rb'"timings": \{[^}]*\}')


def untimed(data: bytes) -> bytes:
    """The JSON without its stage timings (seconds differ between two runs)."""
    return TIMINGS.sub(b"", data)


def long_plan(path: Path, size: int, seed: int = 0) -> Path:
    """`size` bytes of plan-like Vietnamese: the body lines of a letter cut and recombined, numbered headings, citations."""
    rng = random.Random(seed)
    doc = letter_doc()
    words = " ".join(doc.body + doc.title[1:]).split()
    with path.open("w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < size:
            i += 1
            text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 30)))
            if i % 50 == 0:
                fh.write(f"{'IVX'[i // 50 % 3]}. {' '.join(words[:4]).upper()}\n")
            elif i % 7 == 0:
                cite = f"Quyết định số {i}/QĐ-UBND ngày {i % 28 + 1}/3/2025 của Ủy ban nhân dân tỉnh"
                fh.write(f"{i % 9 + 1}. Thực hiện {cite}, {text}.\n")
            else:
                fh.write(text.capitalize() + ".\n")
    return path


def peak_rss(path: Path, out: Path, restore: str) -> int:
    got = subprocess.run([sys.executable, "-c", PEAK_RSS, str(path), str(out), restore], capture_output=True,
                         text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    return int(got.stdout.split()[-1])


def test_a_text_of_megabytes_is_one_document_in_bounded_memory(tmp_path):
    big = long_plan(tmp_path / "big.txt", 3_000_000)
    small = long_plan(tmp_path / "small.txt", 20_000)
    base = peak_rss(small, tmp_path / "small.json", "off")
    peak = peak_rss(big, tmp_path / "big.json", "off")
    doc = json.loads((tmp_path / "big.json").read_text(encoding="utf-8"))
    lines = big.read_text(encoding="utf-8").splitlines()
    assert [ln["text"] for ln in doc["pages"][0]["lines"]] == lines
    assert len(doc["sections"]) > 100 and len(doc["references"]) > 100
    # measured: 70 MB over a small file's run for these 3 MB, 51 MB of it the Document model itself (a pydantic
    # Line is ~700 B); with the JSON rendered whole instead of in chunks, 112 MB
    assert peak - base < 30 * big.stat().st_size, f"{(peak - base) / 1e6:.0f} MB over a small file's run"


def test_long_document_is_repaired_section_by_section_with_whole_document_line_numbers(tmp_path, monkeypatch):
    cut = engine.sections
    monkeypatch.setattr(engine, "sections", lambda lines: cut(lines, 40))
    monkeypatch.setattr(engine, "KEPT_SECTIONS", 2)
    text = "\n".join(letter_doc().body) + "\n"
    p = tmp_path / "plain.txt"
    p.write_text(fold(text) * 12, encoding="utf-8")
    doc = planparse.ingest(p, tables=False)
    lines = doc.lines()
    assert len(lines) == 4 * 12 and len(doc.pages[0].lines) == len(lines)
    assert len(cut(lines, 40)) > 2
    assert len(doc.restorations) > 200
    for r in doc.restorations:
        assert lines[r.line].text[r.start:r.end] == r.restored
    assert doc.text == "\n".join(ln.text for ln in lines) + "\n" != p.read_text(encoding="utf-8")


def test_json_chunks_are_the_json_output(tmp_path):
    p = tmp_path / "pages.txt"
    body = "\n".join(letter_doc().body)
    p.write_text(f"{body}\n\f{fold(body)}\n\f\nKẾ HOẠCH\n", encoding="utf-8")
    doc = planparse.ingest(p)
    assert len(doc.pages) == 3 and doc.restorations
    for batch in (1, 3, 5000):
        assert b"".join(json_chunks(doc, batch=batch)) == to_json(doc).encode("utf-8")


def test_cli_writes_a_long_text_as_json(tmp_path):
    big = long_plan(tmp_path / "big.txt", 300_000, seed=1)
    out = tmp_path / "big.json"
    got = subprocess.run([sys.executable, "-m", "planparse", "ingest", str(big), "-o", str(out), "--restore", "off"],
                         capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["text"].startswith(big.read_text(encoding="utf-8")[:100])


def section_fails(monkeypatch, which: int, size: int) -> list:
    """Sections of `size` tokens, the `which`-th decoded (counting from 1, again after the list returned is
    cleared) raising a RuntimeError."""
    cut, decode = engine.sections, engine._restore_section
    calls: list[int] = []

    def fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == which:
            raise RuntimeError("decoder bug")
        return decode(*args, **kwargs)

    monkeypatch.setattr(engine, "sections", lambda lines: cut(lines, size))
    monkeypatch.setattr(engine, "_restore_section", fails)
    return calls


def test_a_section_that_fails_leaves_the_rest_as_read_and_says_so(tmp_path, monkeypatch):
    cut = engine.sections
    section_fails(monkeypatch, 2, 40)
    p = tmp_path / "plain.txt"
    p.write_text(fold("\n".join(letter_doc().body) + "\n") * 4, encoding="utf-8")
    doc = planparse.ingest(p, tables=False)
    first = cut(doc.lines(), 40)[0][1]
    assert len(doc.lines()) == 16 and doc.restorations and max(r.line for r in doc.restorations) < first
    assert all(ln.raw is None for ln in doc.lines()[first:]) and doc.lines()[0].raw is not None
    assert any(w.stage == "restore" and "decoder bug" in w.message and "left as read" in w.message for w in doc.warnings)


def streamed_rss(path: Path, out: Path, restore: str, compare: bool = False) -> tuple[int, bool | None]:
    """Peak RSS of a fresh process running ingest_to (and whether its output is the in-memory path's JSON)."""
    script = (f"import re\nTIMINGS = re.compile({TIMINGS.pattern!r})\n"
              "def untimed(d):\n    return TIMINGS.sub(b'', d)\n" + STREAMED_RSS)
    got = subprocess.run([sys.executable, "-c", script, str(path), str(out), restore, *(["compare"] if compare else [])],
                         capture_output=True, text=True, timeout=300)
    assert got.returncode == 0, got.stderr
    peak, same = got.stdout.split()[-2:]
    return int(peak), None if same == "None" else same == "True"


def test_ingest_to_streams_megabytes_of_text_in_memory_that_does_not_follow_the_output(tmp_path):
    big = long_plan(tmp_path / "big.txt", 2_000_000, seed=3)
    small = long_plan(tmp_path / "small.txt", 20_000, seed=3)
    base, _ = streamed_rss(small, tmp_path / "small.json", "off")
    peak, same = streamed_rss(big, tmp_path / "big.json", "off", compare=True)
    assert same, "ingest_to wrote other JSON than to_json(ingest())"
    doc = json.loads((tmp_path / "big.json").read_text(encoding="utf-8"))
    assert [ln["text"] for ln in doc["pages"][0]["lines"]] == big.read_text(encoding="utf-8").splitlines()
    # measured over the small file's run: the in-memory path (ingest + json_chunks) 38 MB (a pydantic Line per line,
    # the Document); ingest_to 21 MB with the line texts and the section tree in memory, 7 MB with them on disk and
    # the tree built a top-level section at a time (what is left: the text while it is read and decoded, and this
    # text's ~40,000 distinct citations)
    assert peak - base < 6 * big.stat().st_size, f"{(peak - base) / 1e6:.0f} MB over a small file's run"


def pages_text() -> str:
    body = "\n".join(letter_doc().body)
    return f"\n\n{body}\n\n\n{fold(body)}\n  \n\f\n{fold(body)}\n\f\f \n\nKẾ HOẠCH\n{body}\n\n\n"


@pytest.mark.parametrize("restore", ["auto", "off"])
def test_ingest_to_writes_what_to_json_of_ingest_gives(tmp_path, monkeypatch, restore):
    cut = engine.sections
    monkeypatch.setattr(engine, "sections", lambda lines: cut(lines, 40))
    p = tmp_path / "pages.txt"
    p.write_text(pages_text() + fold("\n".join(letter_doc().body)) * 3, encoding="utf-8")
    written = ingest_to(p, tmp_path / "out" / "doc.json", restore=restore)
    data = (tmp_path / "out" / "doc.json").read_bytes()
    doc = planparse.ingest(p, restore=restore)
    assert len(doc.pages) == 4 and not doc.pages[2].lines and (restore == "off") == (not doc.restorations)
    assert untimed(data) == untimed(to_json(doc).encode("utf-8"))
    assert written.restorations == len(doc.restorations) and written.words == len(doc.text.split())
    assert written.document.header == doc.header and written.sections == len(doc.sections)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["doc.json"]  # the spools leave nothing behind
    stream = io.BytesIO()
    ingest_to(p, stream, restore=restore)
    assert untimed(stream.getvalue()) == untimed(data)


def test_ingest_to_after_a_failed_section_writes_what_ingest_gives(tmp_path, monkeypatch):
    calls = section_fails(monkeypatch, 3, 30)
    p = tmp_path / "plain.txt"
    p.write_text(fold("\n".join(letter_doc().body) + "\n") * 12, encoding="utf-8")
    ingest_to(p, tmp_path / "doc.json")
    calls.clear()
    doc = planparse.ingest(p)
    assert any("decoder bug" in w.message for w in doc.warnings) and doc.restorations
    assert untimed((tmp_path / "doc.json").read_bytes()) == untimed(to_json(doc).encode("utf-8"))


def test_ingest_to_refuses_an_unwritable_output_before_the_work(tmp_path):
    p = tmp_path / "plain.txt"
    p.write_text("\n".join(letter_doc().body) + "\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        ingest_to(p, blocker / "doc.json")


def test_sections_are_written_a_section_at_a_time_as_to_json_prints_them():
    from planparse.export.json_text import list_items
    from planparse.export.spool import sections_json
    from planparse.models import Section

    leaf = Section(number="-", text='ghi "children": [] trong văn bản', level=5, kind="dash")
    tree = [Section(number="I.", title="MỤC ĐÍCH", level=1, kind="roman", children=[
        Section(number="1.", title='"children": []', level=2, kind="arabic", children=[leaf, leaf]), leaf]),
        Section(text="Nơi nhận", level=0, kind="paragraph"), Section(number="II.", level=1, kind="roman")]
    for sections in (tree, tree[:1], []):
        whole = list_items("sections", sections, 1, True) + b"\n  ]" if sections else b"[]"
        assert b"".join(sections_json(sections)) == whole


def test_batch_writes_a_long_text_through_ingest_to_as_ingest_would(tmp_path):
    from planparse.batching import run_batch

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    p = long_plan(src / "long.txt", 60_000)
    summary = run_batch(src, out, jobs=1, progress=False)
    assert (summary.ok, summary.failed) == (1, 0)
    assert sorted(f.name for f in out.iterdir() if not f.name.startswith(".")) == ["long.json", "manifest.jsonl"]
    doc = planparse.ingest(p)
    assert doc.restorations
    assert untimed((out / "long.json").read_bytes()) == untimed(to_json(doc).encode("utf-8"))


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def deep_plan(path: Path, parts: int, seed: int = 0) -> Path:
    """A plan nested seven deep (Phần, Roman, Arabic, decimal, letter, dash, plus) with many top-level sections,
    page breaks with running headers and page numbers, misread and repeated numbers, a first `I.` read as `1.`,
    citations, `Trên đây`, a `TỔ CHỨC THỰC HIỆN` section and a closing."""
    rng = random.Random(seed)
    out = ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 31/KH-UBND", "KẾ HOẠCH", "Thực hiện chương trình chuyển đổi số",
           "Căn cứ Luật Tổ chức chính quyền địa phương năm 2015;", "", "1. MỤC ĐÍCH, YÊU CẦU",
           "Bảo đảm thực hiện đồng bộ các nhiệm vụ.", "II. NHIỆM VỤ CHUNG", "- Triển khai đúng tiến độ."]
    page = 1
    for part in range(1, parts + 1):
        out += [f"Phần {part}", "NHIỆM VỤ TRỌNG TÂM", ""]
        for r in range(rng.randint(2, 6)):
            printed = ROMAN[r] if rng.random() > 0.15 else ROMAN[max(r - 1, 0)]
            out.append(f"{printed}. NỘI DUNG THỰC HIỆN SỐ {r + 1}")
            for a in range(1, rng.randint(2, 5)):
                out.append(f"{a if rng.random() > 0.1 else a + 1}. Mục tiêu thực hiện thứ {a}")
                for d in range(1, rng.randint(2, 4)):
                    out.append(f"{a}.{d}. Thực hiện Quyết định số {rng.randint(1, 40)}/QĐ-UBND ngày "
                               f"{rng.randint(1, 28)}/3/2024 của Ủy ban nhân dân tỉnh")
                    for letter in "abc"[:rng.randint(1, 3)]:
                        out += [f"{letter}) Tổ chức thực hiện các công việc được giao theo kế hoạch",
                                "và báo cáo kết quả thực hiện về Sở Nội vụ."]
                        for _ in range(rng.randint(0, 2)):
                            out.append("- Tuyên truyền, phổ biến đến người dân;")
                            if rng.random() < 0.5:
                                out.append("+ Sở Tài chính: bố trí kinh phí thực hiện.")
                if rng.random() < 0.3:
                    page += 1
                    out += [f"Trang {page}", "\fKế hoạch chuyển đổi số tỉnh Lâm Đồng"]
        out.append("Trên đây là các nhiệm vụ của phần này.")
        if part == parts // 2:
            out += ["III. TỔ CHỨC THỰC HIỆN", "1. Sở Nội vụ: chủ trì, hướng dẫn thực hiện kế hoạch.",
                    "- Sở Y tế: phối hợp triển khai.", "2. Ủy ban nhân dân các huyện: tổ chức thực hiện."]
    out += ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"]
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("restore,parts", [("off", 40), ("auto", 6)])
def test_ingest_to_writes_a_deep_tree_of_many_sections_as_ingest_would(tmp_path, restore, parts):
    p = deep_plan(tmp_path / "deep.txt", parts)
    written = ingest_to(p, tmp_path / "deep.json", restore=restore)
    doc = planparse.ingest(p, restore=restore)
    assert untimed((tmp_path / "deep.json").read_bytes()) == untimed(to_json(doc).encode("utf-8"))

    def depth(sections) -> int:
        return max((1 + depth(s.children) for s in sections), default=0)

    assert written.sections == len(doc.sections) >= parts and depth(doc.sections) >= 7
    assert doc.responsibilities and doc.references and doc.signature and len(doc.pages) > 2
    said = [w.message for w in doc.warnings]
    assert any("corrected to I." in m for m in said) and any("OCR misread" in m for m in said)
    assert any("jumps" in m or "repeated" in m for m in said)


def test_text_store_reads_back_what_was_appended(tmp_path):
    from planparse.export.spool import RUN_LINES, TextStore

    texts = [f"dòng {k} – Kế hoạch" if k % 3 else "" for k in range(RUN_LINES * 2 + 5)]
    store = TextStore(tmp_path)
    store.append(texts[0])
    assert store[0] == texts[0] and len(store) == 1  # read while it is still written
    store.extend(texts[1:])
    assert list(store) == texts and store[-1] == texts[-1] and store[5:9] == texts[5:9] and store[9:5] == []
    window = store.window(RUN_LINES - 2, RUN_LINES + 3)
    assert list(window) == texts[RUN_LINES - 2:RUN_LINES + 3] and window[1:3] == texts[RUN_LINES - 1:RUN_LINES + 1]
    assert len(window) == 5 and window[-1] == texts[RUN_LINES + 2]
    store.close()
