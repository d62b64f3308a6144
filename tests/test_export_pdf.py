"""Searchable PDF export: real OCR of a rendered scan, real PDFs read back with poppler and pikepdf."""

from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

from planparse import export
from planparse.api import ingest

from .conftest import letter_doc, run_cli, word_accuracy

pytestmark = pytest.mark.slow


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def image_hashes(pdf_bytes_or_path) -> list[str]:
    """SHA-256 of every image stream's encoded bytes, page by page."""
    src = io.BytesIO(pdf_bytes_or_path) if isinstance(pdf_bytes_or_path, bytes) else pdf_bytes_or_path
    with pikepdf.open(src) as pdf:
        return [hashlib.sha256(img.read_raw_bytes()).hexdigest() for page in pdf.pages for img in page.get_images().values()]


@pytest.fixture(scope="module")
def scan_doc(scan_pdf):
    return ingest(scan_pdf)


def test_scan_pdf_carries_the_repaired_text(scan_pdf, scan_doc, tmp_path):
    out = tmp_path / "letter.ocr.pdf"
    out.write_bytes(export.to_pdf(scan_doc))
    want = export.to_text(scan_doc)
    # -raw reads in content order: the reading order the layer was written in
    assert word_accuracy(pdftotext(out, "-raw"), want) >= 0.995
    # poppler's own layout order interleaves the header columns, but every word is there
    assert sorted(pdftotext(out).split()) == sorted(want.split())
    assert image_hashes(out) == image_hashes(scan_pdf)
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(f.split()[-5:-2] == ["yes", "yes", "yes"] for f in fonts), fonts  # emb sub uni
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/Title"]) == scan_doc.header.summary
        assert str(pdf.docinfo["/Subject"]) == scan_doc.header.number
        assert str(pdf.docinfo["/CreationDate"]).startswith(scan_doc.header.date.strftime("D:%Y%m%d"))
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root] + [k.title for item in outline.root for k in item.children]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in titles


@pytest.mark.parametrize("skew,turn", [(0.0, 0), (-0.8, 0), (2.5, 90), (-1.2, 270), (0.0, 180)])
def test_ocr_pixels_map_back_to_the_source_image(skew, turn):
    """A dot put through the OCR clean-up's own deskew and quarter turn maps back to where it was drawn."""
    import numpy as np

    from planparse.export.pdf import to_source
    from planparse.models import Page
    from planparse.ocr.preprocess import rotate, rotate_quarter

    src = np.full((1000, 800), 255, np.uint8)
    src[150:156, 600:606] = 0
    img = rotate(src, skew) if skew else src
    img = rotate_quarter(img, turn)
    ys, xs = np.nonzero(img < 128)
    page = Page(number=1, width=img.shape[1], height=img.shape[0], skew=skew, rotation=turn)
    u, v = to_source(page, 800, 1000, xs.mean() + 0.5, ys.mean() + 0.5)
    assert abs(u * 800 - 603) < 1.5 and abs(v * 1000 - 153) < 1.5


def word_boxes(path: Path) -> list[tuple[str, float, float]]:
    """(word, x centre, y centre) of every word poppler finds, in displayed-page points."""
    import xml.etree.ElementTree as ET

    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout
    return [(w.text or "", (float(w.attrib["xMin"]) + float(w.attrib["xMax"])) / 2,
             (float(w.attrib["yMin"]) + float(w.attrib["yMax"])) / 2)
            for w in ET.fromstring(xml).iter("{http://www.w3.org/1999/xhtml}word")]


def test_rotated_page_gets_its_layer_in_user_space(scan_pdf, scan_doc, tmp_path):
    """A page shown turned (/Rotate 90) keeps words on the printed ones: the layer turns with the page."""
    rotated = tmp_path / "rotated.pdf"
    with pikepdf.open(scan_pdf) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save(rotated)
    doc = scan_doc.model_copy(update={"source": scan_doc.source.model_copy(update={"path": str(rotated)})})
    (tmp_path / "a.pdf").write_bytes(export.to_pdf(scan_doc))
    (tmp_path / "b.pdf").write_bytes(export.to_pdf(doc))
    upright, turned = word_boxes(tmp_path / "a.pdf"), word_boxes(tmp_path / "b.pdf")
    expected = sorted((w, round(841.92 - y), round(x)) for w, x, y in upright)
    got = sorted((w, round(x), round(y)) for w, x, y in turned)
    assert len(got) == len(expected) > 100
    assert all(a[0] == b[0] and abs(a[1] - b[1]) <= 1 and abs(a[2] - b[2]) <= 1 for a, b in zip(expected, got))


def test_cli_pdf_format(scan_pdf, tmp_path):
    out = tmp_path / "cli.pdf"
    res = run_cli("ingest", str(scan_pdf), "--format", "pdf", "-o", str(out))
    assert res.returncode == 0, res.stderr
    assert out.read_bytes().startswith(b"%PDF") and "Bồi dưỡng" in pdftotext(out, "-raw")


def digital_pdf(path: Path) -> Path:
    """A born-digital one-page PDF (Vietnamese text layer, no image), written with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from planparse.devtools.synth import font_path

    pdfmetrics.registerFont(TTFont("Serif", font_path()))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Serif", 13)
    for i, t in enumerate(letter_doc().body):
        c.drawString(60, 760 - 20 * i, t[:90])
    c.showPage()
    c.save()
    return path


def test_born_digital_pdf_keeps_its_own_layer(tmp_path):
    src = digital_pdf(tmp_path / "digital.pdf")
    doc = ingest(src)
    assert doc.source.kind == "pdf-digital"
    out = tmp_path / "digital.out.pdf"
    out.write_bytes(export.to_pdf(doc))
    assert pdftotext(out) == pdftotext(src)
    with pikepdf.open(src) as a, pikepdf.open(out) as b:
        assert a.pages[0].Contents.read_bytes() == b.pages[0].Contents.read_bytes()


def test_image_input_becomes_a_page_at_its_resolution(tmp_path):
    from planparse.devtools.synth import degrade, render

    page = degrade(render(letter_doc(), dpi=200)[0], seed=2, skew=0.0, noise=4.0, blur=0.3).convert("L")
    src = tmp_path / "letter.jpg"
    page.save(src, "JPEG", quality=80, dpi=(200, 200))
    doc = ingest(src)
    out = tmp_path / "letter.jpg.pdf"
    out.write_bytes(export.to_pdf(doc))
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 1
        box = [float(v) for v in pdf.pages[0].mediabox]
        assert abs(box[2] - page.width / 200 * 72) < 1 and abs(box[3] - page.height / 200 * 72) < 1
    assert image_hashes(out) == [hashlib.sha256(src.read_bytes()).hexdigest()]
    assert word_accuracy(pdftotext(out, "-raw"), export.to_text(doc)) >= 0.995


def test_text_input_is_refused_clearly(tmp_path):
    from planparse.errors import UnsupportedInput

    src = tmp_path / "plan.txt"
    src.write_text("\n".join(letter_doc().body), encoding="utf-8")
    with pytest.raises(UnsupportedInput, match="PDF or image input"):
        export.to_pdf(ingest(src))


def test_batch_writes_pdf_and_html(scan_pdf, tmp_path):
    import shutil

    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(scan_pdf, src / "letter.pdf")
    res = run_cli("batch", str(src), "-o", str(tmp_path / "out"), "--format", "json,pdf,html", "-j", "1")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "out"
    assert "Bồi dưỡng" in pdftotext(out / "letter.ocr.pdf", "-raw")
    assert image_hashes(out / "letter.ocr.pdf") == image_hashes(scan_pdf)
    html = (out / "letter.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/jpeg;base64," in html
    assert (out / "letter.json").is_file()


@pytest.mark.parametrize("spans", [[(0, 10), (10, 20), (15, 30)], [(0, 10), (12, 20)], [(0, 50), (5, 8), (8, 60)], [(3, 4)]])
def test_words_keep_a_gap_poppler_sees(spans):
    from planparse.export.pdf import spaced

    out = spaced(spans, 2.0)
    assert len(out) == len(spans)
    assert all(e > s for s, e in out)
    assert all(b[0] - a[1] >= 2.0 - 1e-9 for a, b in zip(out, out[1:]))
    assert out[0][0] == spans[0][0] and out[-1][1] >= spans[-1][1] - 0.4 * (spans[-1][1] - spans[-1][0])
