"""Plain-text inputs (already-OCR'd text such as the seeds) and the Vietnamese-language gate."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import regex

from ..errors import InputError
from ..text import fold
from .legacy import Decoded

_VI_MARKS = set("ăâđêôơưĂÂĐÊÔƠƯ")
_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b"}
_SKELETON_SYLLABLE = regex.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$"
)
_WORD = regex.compile(r"\p{L}+")


def read_text(path: Path) -> str:
    """The text of a file in Unicode NFC, newlines normalised (see `decode_text` for the encodings read)."""
    return read_decoded(path).text


SECTION_LINES = 2000


def read_decoded(path: Path) -> Decoded:
    """Read and decode a text file; the result says which legacy encoding was converted, if any."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", str(path)) from None
    try:
        return decode_text(data)
    except UnicodeError:
        raise InputError("text file is in no encoding planparse reads (UTF-8, UTF-16 with BOM, CP1258, "
                         "TCVN3, VNI, VISCII)", str(path)) from None


def decode_text(data: bytes) -> Decoded:
    """UTF-16 (BOM), UTF-8 (with or without BOM), else CP1258/TCVN3/VNI/VISCII bytes; UTF-8 text that
    is really TCVN3 or VNI shown as Latin-1 is converted too. Raises UnicodeError when nothing fits."""
    from .legacy import decode_bytes, repair

    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        got = Decoded(data.decode("utf-16"))
    else:
        try:
            got = Decoded(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            got = decode_bytes(data)
    text = unicodedata.normalize("NFC", got.text.replace("\r\n", "\n").replace("\r", "\n"))
    return repair(text) if got.encoding is None else Decoded(text, got.encoding)


def line_sections(text: str, size: int = SECTION_LINES):
    """The text in runs of `size` whole lines (each without its final newline), for repair section by section."""
    start = 0
    while start < len(text):
        end = start
        for _ in range(size):
            nl = text.find("\n", end)
            if nl < 0:
                end = len(text)
                break
            end = nl + 1
        yield text[start:end]
        start = end


def _share(text: str, test) -> float:
    words = _WORD.findall(text[:200_000])
    return sum(1 for w in words if test(w)) / len(words) if words else 0.0


def vietnamese_score(text: str) -> float:
    """Share of letter tokens that are Vietnamese syllables by shape (works on text that lost its marks)."""
    return _share(text, lambda w: bool(_SKELETON_SYLLABLE.match(_strip(w.lower()))) or any(c in _VI_MARKS for c in w))


def diacritic_ratio(text: str) -> float:
    """Share of letter tokens carrying a Vietnamese mark (tone, breve, circumflex, horn, or đ)."""
    return _share(text, lambda w: any(c in _VI_MARKS for c in w)
                  or any(c in _MARKS for c in unicodedata.normalize("NFD", w)))


def check_vietnamese(text: str, path: str) -> None:
    """Refuse text that is not Vietnamese (with or without its marks)."""
    words = _WORD.findall(text[:200_000])
    if len(words) < 3:
        raise InputError("text file holds no words to process", path)
    score = vietnamese_score(text)
    if score < 0.55:
        raise InputError(f"text does not look Vietnamese (only {score:.0%} of words are Vietnamese syllables)", path)


def _strip(word: str) -> str:
    return "".join(c for c in fold(word) if not unicodedata.combining(c))
