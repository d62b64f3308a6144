"""Input detection by content and clear, one-line refusals of bad input."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from planparse.errors import InputError
from planparse.sources import plan
from planparse.sources.text import check_vietnamese

VI = "Ủy ban nhân dân tỉnh ban hành kế hoạch cải cách hành chính nhà nước năm 2026.\n"


def _png_header_bomb(path: Path, w: int = 30000, h: int = 30000) -> Path:
    """A tiny PNG that claims 30000×30000 pixels (the decoder would need ~900 MB)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    return path


def test_text_input_detected_by_content(tmp_path):
    p = tmp_path / "plan.dat"
    p.write_text(VI * 3, encoding="utf-8")
    sp = plan(p)
    assert sp.source.kind == "text" and sp.source.media_type == "text/plain" and sp.text.startswith("Ủy ban")


def test_degraded_vietnamese_text_is_accepted(tmp_path):
    p = tmp_path / "ocr.txt"
    p.write_text("Uy ban nhan dan tinh ban hanh ke hoach cai cach hanh chinh nha nuoc nam 2026\n", encoding="utf-8")
    assert plan(p).source.kind == "text"


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.pdf", b"", "empty file"),
        ("trunc.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF"),
        ("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 20, "PDF"),
        ("notes.png", VI.encode() * 5, "holds text"),
        ("blob.txt", bytes(range(256)) * 40, "unsupported file type"),
        ("english.txt", b"The quick brown fox jumps over the lazy dog while the committee reviews the annual budget.\n" * 3,
         "not look Vietnamese"),
    ],
)
def test_bad_inputs_raise_one_line_errors(tmp_path, name, content, reason):
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        plan(p)
    msg = str(exc.value)
    assert reason.lower() in msg.lower() and "\n" not in msg and name in msg


def test_missing_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        plan(tmp_path / "nope.pdf")
    with pytest.raises(InputError, match="directory"):
        plan(tmp_path)


def test_encrypted_pdf_is_refused(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret", algorithm="AES-128")
    p = tmp_path / "locked.pdf"
    with p.open("wb") as fh:
        w.write(fh)
    with pytest.raises(InputError, match="encrypted"):
        plan(p)


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    p = _png_header_bomb(tmp_path / "huge.png")
    with pytest.raises(InputError, match="too large"):
        plan(p)


def test_check_vietnamese_rejects_french():
    with pytest.raises(InputError):
        check_vietnamese("Le présent rapport décrit le plan annuel de réforme administrative de la province.", "x")


def test_born_digital_pdf_uses_text_layer(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from planparse.devtools.synth import font_path

    pdfmetrics.registerFont(TTFont("Serif", font_path()))
    p = tmp_path / "digital.pdf"
    c = canvas.Canvas(str(p), pagesize=A4)
    c.setFont("Serif", 13)
    lines = ["QUYẾT ĐỊNH", "Về việc phê duyệt kế hoạch chuyển đổi số của Sở Tài chính",
             "Điều 1. Phê duyệt kế hoạch chuyển đổi số giai đoạn 2026 - 2030 kèm theo Quyết định này.",
             "Điều 2. Quyết định này có hiệu lực kể từ ngày ký."]
    for i, t in enumerate(lines):
        c.drawString(72, 760 - 20 * i, t)
    c.showPage()
    c.setFont("Helvetica", 12)
    for i in range(6):
        c.drawString(72, 760 - 20 * i, "Uy ban nhan dan tinh ban hanh ke hoach cai cach hanh chinh nha nuoc")
    c.showPage()
    c.save()
    sp = plan(p)
    assert sp.source.kind == "pdf-mixed"
    assert 0 in sp.layer and "Phê duyệt kế hoạch chuyển đổi số" in sp.layer[0].text
    assert [j.index for j in sp.jobs] == [1]
    assert any("without diacritics" in w.message and w.page == 2 for w in sp.warnings)


def test_jpeg_pixels_are_pillows(tmp_path):
    """The page step's JPEG decode (OpenCV, sources.image.jpeg_pixels) gives Pillow's pixels; a turned, truncated or
    non-JPEG file is left to Pillow (which refuses the truncated one)."""
    import numpy as np
    from PIL import Image

    from planparse.ocr.preprocess import _pixels
    from planparse.sources.image import PIXELS, load_frame

    rng = np.random.default_rng(7)
    rgb = (rng.random((300, 220, 3)) * 255).astype(np.uint8)
    rgb[100:140, 20:200] = (200, 30, 40)
    for mode in ("RGB", "L"):
        p = tmp_path / f"page_{mode}.jpg"
        Image.fromarray(rgb).convert(mode).save(p, quality=85, dpi=(150, 150))
        slow, dpi = load_frame(p)
        fast, dpi_fast = load_frame(p, pixels=True)
        assert getattr(fast, PIXELS, None) is not None and dpi_fast == dpi == 150
        got, want = _pixels(fast), _pixels(slow)
        assert np.array_equal(got[0], want[0]) and (got[1] is None) == (want[1] is None)
        assert got[1] is None or np.array_equal(got[1], want[1])
    turned = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(rgb).save(turned, exif=exif)
    assert getattr(load_frame(turned, pixels=True)[0], PIXELS, None) is None
    png = tmp_path / "page.png"
    Image.fromarray(rgb).save(png)
    assert getattr(load_frame(png, pixels=True)[0], PIXELS, None) is None
    cut = tmp_path / "cut.jpg"
    cut.write_bytes((tmp_path / "page_RGB.jpg").read_bytes()[:-400])
    with pytest.raises(InputError):
        load_frame(cut, pixels=True)
