"""Plain-text inputs (already-OCR'd text such as the seeds) and the Vietnamese-language gate."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import regex

from ..errors import InputError
from ..text import fold

_VI_MARKS = set("ăâđêôơưĂÂĐÊÔƠƯ")
_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b"}
_SKELETON_SYLLABLE = regex.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?$"
)
_WORD = regex.compile(r"\p{L}+")


def read_text(path: Path) -> str:
    """Decode a text file (UTF-8, with or without BOM; UTF-16 with BOM) to NFC, newlines normalised."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("text file is not valid UTF-8", str(path)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


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
