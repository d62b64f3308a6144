"""Plain-text inputs (already-OCR'd text such as the seeds) and the Vietnamese-language gate."""

from __future__ import annotations

import unicodedata
from array import array
from collections.abc import Iterator, MutableSequence
from dataclasses import dataclass, field
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


@dataclass
class TextLines:
    """A text input's lines without a model object per line: each line's text (stripped), its block (blank lines
    start a new one) and, per page (form feeds), where its lines begin. `texts` is a list, or for a long text a
    store on disk (`export.spool.TextStore`): then a line costs 8 B here and its text no memory at all."""

    texts: MutableSequence[str] = field(default_factory=list)
    blocks: array = field(default_factory=lambda: array("q"))
    starts: list[int] = field(default_factory=list)
    """Index of the first line of each page, plus len(texts) at the end."""

    def page_of(self, i: int) -> int:
        """1-based page number of line i."""
        from bisect import bisect_right

        return bisect_right(self.starts, i, hi=len(self.starts) - 1)


def split_lines(text: str, texts: MutableSequence[str] | None = None) -> TextLines:
    """The lines of a text input by page (their texts appended to `texts`, a new list by default); a page's trailing
    blank lines are dropped. The text is read line by line: no list of all its lines or pages is made."""
    out = TextLines() if texts is None else TextLines(texts=texts)
    count = 0
    blanks = 0  # blank lines held until a line with text shows they are not the page's trailing ones
    block = 0
    for new_page, raw in _raw_lines(text):
        if new_page:
            out.starts.append(count)
            block, blanks = 0, 0
        line = raw.strip()
        if not line:
            if count > out.starts[-1] and not blanks:
                block += 1
            blanks += 1
            continue
        for _ in range(blanks):
            out.texts.append("")
            out.blocks.append(block)
        count += blanks + 1
        blanks = 0
        out.texts.append(line)
        out.blocks.append(block)
    out.starts.append(count)
    return out


def _raw_lines(text: str) -> Iterator[tuple[bool, str]]:
    """Each line of `text` as (starts a page, line), lines ending at a newline or a form feed."""
    pos, new_page = 0, True
    ff = text.find("\f")
    while True:
        nl = text.find("\n", pos)
        if ff != -1 and (nl == -1 or ff < nl):
            yield new_page, text[pos:ff]
            pos, new_page = ff + 1, True
            ff = text.find("\f", pos)
        elif nl != -1:
            yield new_page, text[pos:nl]
            pos, new_page = nl + 1, False
        else:
            yield new_page, text[pos:]
            return


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
