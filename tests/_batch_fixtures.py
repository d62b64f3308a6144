"""Small generated inputs for the batch tests: Vietnamese text documents and a set of bad files."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

GOOD = {
    "ke_hoach.txt": (
        "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\nSỞ NGOẠI VỤ\nSố: 15/KH-SNgV\n"
        "KẾ HOẠCH\nThực hiện công tác đối ngoại năm 2024\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nNâng cao hiệu quả công tác đối ngoại của tỉnh.\n"
    ),
    "quyet_dinh.txt": (
        "ỦY BAN NHÂN DÂN HUYỆN THANH SƠN\nQUYẾT ĐỊNH\nVề việc thành lập tổ công tác\n"
        "Điều 1. Thành lập tổ công tác triển khai chuyển đổi số trên địa bàn huyện.\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    ),
    "bao_cao.txt": (
        "BÁO CÁO\nKết quả thực hiện nhiệm vụ sáu tháng đầu năm\n"
        "Các cơ quan, đơn vị đã hoàn thành tốt nhiệm vụ được giao, bảo đảm tiến độ đề ra.\n"
    ),
}


def write_good(folder: Path, names: dict[str, str] | None = None) -> list[Path]:
    """Write the good Vietnamese text inputs into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (names or GOOD).items():
        p = folder / name
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def pdf_bytes(encrypt: bool = False) -> bytes:
    """A one-page blank PDF made with pypdf, optionally password-protected."""
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    if encrypt:
        w.encrypt("secret")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit PNG of width x height that compresses to ~100 kB: a decompression bomb."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row * 1000) for _ in range(height // 1000)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def write_bad(folder: Path) -> dict[str, str]:
    """Write one bad input of each kind; returns name -> what is wrong with it."""
    folder.mkdir(parents=True, exist_ok=True)
    good_pdf = pdf_bytes()
    bad = {
        "empty.pdf": (b"", "zero-byte PDF"),
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], "truncated PDF"),
        "garbage.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 20, "corrupt PDF"),
        "text_named.png": (GOOD["bao_cao.txt"].encode(), "Vietnamese text renamed .png"),
        "binary.txt": (bytes(range(256)) * 40, "binary file named .txt"),
        "locked.pdf": (pdf_bytes(encrypt=True), "encrypted PDF"),
        "bomb.png": (bomb_png(), "decompression bomb"),
        "english.txt": (b"The quick brown fox jumps over the lazy dog. This report describes the annual budget.\n",
                        "non-Vietnamese text"),
    }
    for name, (data, _) in bad.items():
        (folder / name).write_bytes(data)
    return {name: why for name, (_, why) in bad.items()}
