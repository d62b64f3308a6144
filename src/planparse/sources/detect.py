"""Tell what a file is from its bytes, not its name."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, UnsupportedInput

_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
]


_BINARY_SUFFIXES = {".pdf": "PDF", ".png": "PNG image", ".jpg": "JPEG image", ".jpeg": "JPEG image",
                    ".tif": "TIFF image", ".tiff": "TIFF image"}


def sniff(path: Path) -> str:
    """MIME type of the file by content: a PDF, PNG, JPEG, TIFF or text; anything else is refused."""
    if not path.exists():
        raise InputError("no such file", str(path))
    if path.is_dir():
        raise InputError("is a directory, not a file (use `planparse batch` for folders)", str(path))
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    if size == 0:
        raise InputError("empty file (0 bytes)", str(path))
    stripped = head.lstrip(b"\x00\t\r\n ")
    for magic, mime in _MAGIC:
        if stripped.startswith(magic) or (mime == "application/pdf" and magic in head[:1024]):
            return mime
    if _looks_like_text(head):
        if path.suffix.lower() in _BINARY_SUFFIXES:
            kind = _BINARY_SUFFIXES[path.suffix.lower()]
            raise UnsupportedInput(f"named {path.suffix} but holds text, not a {kind}", str(path))
        return "text/plain"
    hint = path.suffix.lower() or "no extension"
    raise UnsupportedInput(f"unsupported file type (content is not PDF, PNG, JPEG, TIFF or text; name says {hint})", str(path))


def _looks_like_text(head: bytes) -> bool:
    """UTF-16 with a BOM, or bytes with no NUL and almost no control characters (UTF-8 or a legacy
    single-byte Vietnamese encoding: which one is read_text's to tell)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        sample = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").replace("\ufffd", "\x00")
    elif b"\x00" in head:
        return False
    else:
        sample = head.decode("latin-1")
    if not sample:
        return False
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return control / len(sample) < 0.01


_KIND = {"application/pdf": "PDF", "image/png": "PNG image", "image/jpeg": "JPEG image", "image/tiff": "TIFF image"}


def name_mismatch(path: Path, mime: str) -> str | None:
    """A warning when a binary input's name says another format than its content (content wins)."""
    named = _BINARY_SUFFIXES.get(path.suffix.lower())
    actual = _KIND.get(mime)
    if named is None or actual is None or named == actual:
        return None
    return f"named {path.suffix} but holds a {actual}; read as a {actual}"
