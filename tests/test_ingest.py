"""End to end with real Tesseract: generated scans, an image, a multi-page TIFF, text input, the CLI."""

from __future__ import annotations

import json

import pytest

import planparse
from planparse.models import Document

from .conftest import run_cli, word_accuracy


@pytest.fixture(scope="module")
def scan_doc(scan_pdf) -> Document:
    return planparse.ingest(scan_pdf, jobs=1)


def test_scan_pdf_reads_accurately_with_provenance(scan_doc, scan_text):
    assert scan_doc.source.kind == "pdf-scanned" and scan_doc.source.pages == 1
    page = scan_doc.pages[0]
    assert page.dpi == 300 and page.width > 2000 and page.lines
    for ln in page.lines:
        assert ln.bbox and ln.bbox[2] > ln.bbox[0] and ln.bbox[3] > ln.bbox[1]
        assert ln.confidence is not None and 0 <= ln.confidence <= 100
        assert ln.words and all(w.bbox for w in ln.words)
    assert abs(page.skew) > 0.3, "the rendered page was skewed, deskew should have measured it"
    assert word_accuracy(scan_doc.text, scan_text) > 0.9


def test_header_columns_come_out_as_separate_blocks(scan_doc):
    lines = scan_doc.pages[0].lines
    def block_of(fragment):
        return next(ln.block for ln in lines if fragment in ln.text)
    left = {block_of("LÂM ĐỒNG"), block_of("SỞ GIÁO DỤC"), block_of("412/KH")}
    right = {block_of("CỘNG HÒA"), block_of("Độc lập"), block_of("ngày 9 tháng 10")}
    assert len(left) == 1 and len(right) == 1 and left != right
    order = [ln.text for ln in lines]
    assert order.index(next(t for t in order if "SỞ GIÁO DỤC" in t)) < order.index(next(t for t in order if "CỘNG HÒA" in t))
    assert not any("LÂM ĐỒNG" in t and "CỘNG HÒA" in t for t in order)


def test_signature_block_columns_do_not_interleave(scan_doc):
    texts = [ln.text for ln in scan_doc.pages[0].lines]
    assert not any("Nơi nhận" in t and "GIÁM ĐỐC" in t for t in texts)
    i_rec = next(i for i, t in enumerate(texts) if "Lưu" in t)
    i_sig = next(i for i, t in enumerate(texts) if "PHÓ GIÁM ĐỐC" in t)
    assert i_rec < i_sig


def test_low_resolution_png_is_upscaled_and_read(tmp_path, scan_text):
    from planparse.devtools.synth import degrade, render

    from .conftest import letter_doc

    img = degrade(render(letter_doc(), dpi=150)[0], seed=3, skew=-0.5, noise=5.0, blur=0.4)
    p = tmp_path / "photo.png"
    img.save(p, dpi=(150, 150))
    doc = planparse.ingest(p, jobs=1)
    assert doc.source.kind == "image" and doc.pages[0].dpi == 175
    assert word_accuracy(doc.text, scan_text) > 0.85


def test_multipage_tiff_and_parallel_pages(tmp_path):
    from PIL import Image, ImageDraw, ImageFont

    from planparse.devtools.synth import font_path

    font = ImageFont.truetype(font_path(), 50)
    frames = []
    for t in ["Trang thứ nhất của văn bản hành chính", "Trang thứ hai của văn bản hành chính"]:
        im = Image.new("L", (1800, 400), 255)
        ImageDraw.Draw(im).text((60, 150), t, font=font, fill=0)
        frames.append(im)
    p = tmp_path / "two.tif"
    frames[0].save(p, save_all=True, append_images=frames[1:], dpi=(300, 300))
    doc = planparse.ingest(p, jobs=2, restore="off")
    assert [pg.number for pg in doc.pages] == [1, 2]
    assert "nhất" in doc.pages[0].lines[0].text and "hai" in doc.pages[1].lines[0].text


def test_text_input_goes_straight_to_text_stages(tmp_path):
    p = tmp_path / "plan.txt"
    p.write_text("KẾ HOẠCH\n\nTriển khai công tác văn thư, lưu trữ năm 2026\n\nI. MỤC ĐÍCH\n", encoding="utf-8")
    doc = planparse.ingest(p)
    assert doc.source.kind == "text" and doc.pages[0].origin == "text"
    assert "Triển khai công tác văn thư" in doc.text
    assert all(ln.bbox is None for ln in doc.pages[0].lines)


def test_cli_json_text_and_schema(scan_pdf, tmp_path):
    out = tmp_path / "o" / "letter.json"
    r = run_cli("ingest", str(scan_pdf), "-o", str(out), "--jobs", "1")
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    for key in ("schema_version", "source", "text", "pages", "header", "sections", "references", "tables", "tasks",
                "signature", "recipients", "warnings"):
        assert key in data
    Document.model_validate(data)
    assert "page(s)" in r.stderr
    assert not [f for f in out.parent.iterdir() if f.name != "letter.json"], "temp files left behind"
    schema = json.loads(run_cli("schema").stdout)
    assert schema["title"] == "Document" and "pages" in schema["properties"]


@pytest.mark.parametrize("content,name", [(b"", "zero.pdf"), (b"%PDF-1.5\n%broken", "broken.pdf"), (b"\x00\x01" * 300, "x.bin")])
def test_cli_bad_input_one_line_exit_1_no_output(tmp_path, content, name):
    p = tmp_path / name
    p.write_bytes(content)
    out = tmp_path / "out.json"
    r = run_cli("ingest", str(p), "-o", str(out))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and name in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [p]


def test_cli_missing_path_and_directory(tmp_path):
    r = run_cli("ingest", str(tmp_path / "absent.pdf"))
    assert r.returncode == 1 and "no such file" in r.stderr
    r = run_cli("ingest", str(tmp_path))
    assert r.returncode == 1 and "directory" in r.stderr


def test_python_api_is_lazy_and_complete():
    import subprocess
    import sys

    code = ("import sys, planparse; assert 'cv2' not in sys.modules and 'pytesseract' not in sys.modules; "
            "print(planparse.ingest, planparse.Document)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def test_page_timeout_is_a_one_line_error_naming_file_and_page(scan_pdf, tmp_path):
    out = tmp_path / "t.json"
    r = run_cli("ingest", str(scan_pdf), "--page-timeout", "0.2", "--jobs", "1", "-o", str(out))
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "page 1" in r.stderr and scan_pdf.name in r.stderr and "longer than" in r.stderr
    assert not out.exists()
