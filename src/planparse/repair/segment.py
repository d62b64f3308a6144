"""Split a line into pieces the decoder treats differently: words, fixed tokens, symbols, punctuation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

CHUNK_RE = regex.compile(r"\S+")
PIECE_RE = regex.compile(r"[\p{L}\p{M}\d¢&@€§£]+|[^\p{L}\p{M}\d¢&@€§£]+")
URL_RE = regex.compile(r"^(?:[a-z]+://|www\.)|@\w+\.\w|\.(?:vn|com|org|net|gov)\b", regex.I)
SYMBOLIC_RE = regex.compile(r"[\p{L}\d][/\-_.][\p{L}\d]|\d[\p{L}]*/|/")
SYLLABLE_SHAPE = regex.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aeiouy][aeiouy6¢&0qgdwr1l]*(?:ng|nh|ch|[cmnpt])?$"
)
WORD_START = regex.compile(r"[\p{L}\p{M}\d¢&@€§£]")
ROMAN_RE = regex.compile(r"^[IVX]+$")
HEADING_NUM_RE = regex.compile(r"^I[I1l]{1,3}$|^Il$|^V[I1l]{1,3}$")
DIGIT_ONLY = regex.compile(r"^\d+$")
DIGIT_WORD_RE = regex.compile(r"^(?=.{2,4}$)(?=.*[0146])[\p{Ll}\p{M}0146]*\p{Ll}[\p{Ll}\p{M}0146O]*$|^(?=.{2,4}$)[\p{Ll}\p{M}]*[0146][\p{L}\p{M}0146]*$(?<=\p{Ll}.*)|^[STĐD][06]$|^[STĐD][06]\p{Ll}+$")  # noqa: E501 - one pattern reads best on one line


@dataclass(frozen=True)
class Piece:
    """A slice of a line: kind is word | fixed | symbol | punct | heading."""

    start: int
    end: int
    text: str
    kind: str


@lru_cache(maxsize=100_000)
def case_of(tok: str) -> str:
    """upper, title, lower, or mixed."""
    letters = [c for c in tok if c.isalpha()]
    if not letters:
        return "lower"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "title"
    if letters[0].isupper() and all(c.islower() for c in letters[1:]):
        return "title"
    if all(c.islower() for c in letters) or letters[0].islower():
        return "lower"
    if SYLLABLE_SHAPE.match(tok.lower()) and len(letters) >= 3:
        return "upper" if sum(c.isupper() for c in letters) * 2 > len(letters) else "title"
    return "mixed"


def apply_case(word: str, pattern: str, line_upper: bool = False, single: bool = False) -> str:
    """Give `word` the case pattern of the token it replaces."""
    if pattern == "upper" or (pattern == "title" and line_upper and single):
        return word.upper()
    if pattern == "title":
        return word[:1].upper() + word[1:]
    return word


def is_acronym(tok: str) -> bool:
    """All-caps (or mixed-case) tokens that cannot be a Vietnamese syllable: UBND, CCHC, TTg …"""
    kind = case_of(tok)
    if kind == "mixed":
        return not tok[0].islower()
    if kind != "upper":
        return False
    return not SYLLABLE_SHAPE.match(tok.lower())


@lru_cache(maxsize=100_000)
def _word_piece_kind(text: str, first: bool) -> str:
    has_alpha = any(c.isalpha() for c in text)
    if not has_alpha:
        if text in ("&", "¢"):
            return "letter"
        return "fixed" if DIGIT_ONLY.match(text) or any(c.isdigit() for c in text) else "punct"
    if first and HEADING_NUM_RE.match(text):
        return "heading"
    if any(c.isdigit() for c in text):
        ok = bool(DIGIT_WORD_RE.match(text))
        return "word" if ok else "fixed"
    if len(text) == 1 and text.lower() not in "aeiouyăâêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ":
        return "letter"
    if ROMAN_RE.match(text) and text not in ("V", "X", "VI", "XI"):
        return "fixed"
    if is_acronym(text):
        return "fixed"
    return "word"


def segment(line: str) -> list[Piece]:
    """Pieces of one line with offsets; whitespace is not a piece."""
    return list(_segment(line))


@lru_cache(maxsize=2048)
def _segment(line: str) -> tuple[Piece, ...]:
    return tuple(_segment_uncached(line))


def _segment_uncached(line: str) -> list[Piece]:
    out: list[Piece] = []
    for m in CHUNK_RE.finditer(line):
        chunk, base = m.group(0), m.start()
        if chunk.isalpha():
            kind = _word_piece_kind(chunk, first=not out)
            out.append(Piece(base, m.end(), chunk, kind))
            continue
        if URL_RE.search(chunk):
            out.append(Piece(base, m.end(), chunk, "fixed"))
            continue
        core = chunk.strip(".,;:!?()[]{}\"'“”‘’…")
        if core and SYMBOLIC_RE.search(core) and any(c.isalnum() for c in core):
            off = chunk.find(core)
            if off > 0:
                out.append(Piece(base, base + off, chunk[:off], "punct"))
            out.append(Piece(base + off, base + off + len(core), core, "symbol"))
            if off + len(core) < len(chunk):
                out.append(Piece(base + off + len(core), m.end(), chunk[off + len(core):], "punct"))
            continue
        for p in PIECE_RE.finditer(chunk):
            t = p.group(0)
            if WORD_START.match(t):
                kind = _word_piece_kind(t, first=not out)
                rest = chunk[p.end():]
                if not out and len(t) == 1 and rest[:1] in (")", "."):
                    kind = "fixed"
                if not any(c.isalpha() or c.isdigit() for c in t) and kind != "letter":
                    kind = "punct"
            else:
                kind = "punct"
            out.append(Piece(base + p.start(), base + p.end(), t, kind))
    return out


PART_FIXES = {"QD": "QĐ", "ND": "NĐ", "BCD": "BCĐ", "HDND": "HĐND", "TTDT": "TTĐT", "HDQT": "HĐQT",
              "HDTV": "HĐTV", "DBQH": "ĐBQH", "DCSVN": "ĐCSVN"}
"""Whole parts of a symbol or acronym whose Đ OCR read as D."""

SYMBOL_FIXES = [
    (regex.compile(r"(?<=[/-])Q[DPb](?=[-/]|$)"), "QĐ"),
    (regex.compile(r"(?<=[/-])Q[DPbĐ]TTg\b"), "QĐ-TTg"),
    (regex.compile(r"(?<=[/-])CTTTg\b"), "CT-TTg"),
    (regex.compile(r"(?<=[/-])BCD(?=[A-Z0-9]|$)"), "BCĐ"),
    (regex.compile(r"(?<=[/-])P(?=[A-Z]{2})"), "Đ"),
    (regex.compile(r"(?<=^|[-/.])(" + "|".join(PART_FIXES) + r")(?=$|[-/.])"), lambda m: PART_FIXES[m.group(1)]),
    (regex.compile(r"QH[I1l][S5]\b"), "QH15"),
    (regex.compile(r"QH[I1l]4\b"), "QH14"),
    (regex.compile(r"QH[I1l]3\b"), "QH13"),
    (regex.compile(r"(?<=-)TTG\b"), "TTg"),
]


def fix_symbol(sym: str) -> str:
    """OCR confusions the document-symbol grammar allows: QD→QĐ, ND→NĐ, QHIS→QH15."""
    for pat, rep in SYMBOL_FIXES:
        sym = pat.sub(rep, sym)
    return sym


def fix_heading(tok: str) -> str:
    """A line-initial Roman heading number read with 1/l for I."""
    return tok.replace("1", "I").replace("l", "I")
