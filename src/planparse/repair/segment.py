"""Split a line into pieces the decoder treats differently: words, fixed tokens, symbols, punctuation."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import regex

from ..symbols import SYMBOL_PARTS, claims, read_roman, repair_symbol, roman_value
from .orthography import is_valid_syllable, skeleton

CHUNK_RE = regex.compile(r"\S+")
PIECE_RE = regex.compile(r"[\p{L}\p{M}\d¢&@€§£]+|[^\p{L}\p{M}\d¢&@€§£]+")
URL_RE = regex.compile(r"^(?:[a-z]+://|www\.)|@\w+\.\w|\.(?:vn|com|org|net|gov)\b", regex.I)
SYMBOLIC_RE = regex.compile(r"[\p{L}\d][/\-_.][\p{L}\d]|\d[\p{L}]*/|/")
SYLLABLE_SHAPE = regex.compile(
    r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?[aeiouy][aeiouy6¢&0qgdwr1l]*(?:ng|nh|ch|[cmnpt])?$"
)
WORD_START = regex.compile(r"[\p{L}\p{M}\d¢&@€§£]")
DIGIT_ONLY = regex.compile(r"^\d+$")
DIGIT_WORD_RE = regex.compile(r"^(?=.{2,4}$)(?=.*[0146])[\p{Ll}\p{M}0146]*\p{Ll}[\p{Ll}\p{M}0146O]*$|^(?=.{2,4}$)[\p{Ll}\p{M}]*[0146][\p{L}\p{M}0146]*$(?<=\p{Ll}.*)|^[STĐD][06]$|^[STĐD][06]\p{Ll}+$")  # noqa: E501 - one pattern reads best on one line
LETTER_DIGIT_RE = regex.compile(r"^\p{L}[\p{Ll}\p{M}]*[0146][\p{Ll}\p{M}0146]*$|^\p{Ll}[\p{Ll}\p{M}]*[0146]$")
DIGIT_LETTERS = str.maketrans("0146", "olao")
"""Digits an English OCR model reads for Vietnamese letters: `chu6ng` (chuồng), `M6i` (Môi), `hé6` (hồ)."""


GLYPH_LETTER_RE = regex.compile(r"^[¢€&§£@]$")
"""A lone glyph English-model OCR prints for a vowel with stacked marks (devtools/confusions.SYMBOL_GLYPHS): a one-vowel
syllable (`tâm bão & cách`, `dân tộc @ vùng cao`: ở), read as a letter; before, only `&` and `¢` were, and `@`, `§`, `€`,
`£` stayed punctuation, unrepaired."""


MAX_WORD_CHARS = 16
"""Word pieces longer than this are kept as printed ("fixed"): no syllable has more than 7 letters, and
the confusion search cost grows with the square of a token's length (a 1 MB run of letters took 8 GB)."""
OVERLONG_RE = regex.compile(rf"[\p{{L}}\p{{M}}]{{{MAX_WORD_CHARS + 1},}}")


def overlong(texts) -> list[str]:
    """Runs of letters too long to repair in `texts`, outside addresses (for the warning that says they were kept as printed)."""
    return [m.group(0) for t in texts if OVERLONG_RE.search(t) for c in CHUNK_RE.finditer(t) if not URL_RE.search(c.group(0))
            for m in OVERLONG_RE.finditer(c.group(0))]


def _piece_kind(text: str, first: bool) -> str:
    return "fixed" if len(text) > MAX_WORD_CHARS else _word_piece_kind(text, first)


class Piece(NamedTuple):
    """A slice of a line: kind is word | fixed | symbol | punct | heading (a tuple: a document makes one per token)."""

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
    return not SYLLABLE_SHAPE.match(skeleton(tok.lower()))


def _damaged_numeral(text: str) -> bool:
    """A Roman numeral printed with 1 or l for I (`I1`, `Il`, `V1`): the grammar reads it, the LM must not."""
    fixed = read_roman(text)
    return bool(fixed) and fixed != text and text[0] in "IVX" and len(text) <= 4


def _letter_digit_word(text: str) -> bool:
    """A syllable with letters misread as digits inside it (`chu6ng`, `X6m`): one capital at most, and with the
    digits read as letters it has a syllable's shape, so codes (`H5N1`, `QD1`, `A4`, `C4`) stay fixed; `H6` is Hồ/Hỗ."""
    if len(text) > 8 or not LETTER_DIGIT_RE.match(text):
        return False
    read = skeleton(text.lower()).translate(DIGIT_LETTERS)
    if not any(c.islower() for c in text):
        return text[-1] == "6" and is_valid_syllable(read)
    return bool(SYLLABLE_SHAPE.match(read))


@lru_cache(maxsize=100_000)
def _word_piece_kind(text: str, first: bool) -> str:
    has_alpha = any(c.isalpha() for c in text)
    if not has_alpha:
        if GLYPH_LETTER_RE.match(text):
            return "letter"
        return "fixed" if DIGIT_ONLY.match(text) or any(c.isdigit() for c in text) else "punct"
    if first and _damaged_numeral(text):
        return "heading"
    if any(c.isdigit() for c in text):
        return "word" if DIGIT_WORD_RE.match(text) or _letter_digit_word(text) else "fixed"
    if len(text) == 1 and text.lower() not in "aeiouyăâêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ":
        return "letter"
    if roman_value(text) and text not in ("V", "X", "VI", "XI"):
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


_new_piece = tuple.__new__
"""Piece(...) without the keyword handling of a named tuple's __new__: a document makes one per token."""


CHUNK_FAST_RE = re.compile(r"[\S\x1c-\x1f]+")
"""CHUNK_RE in the standard `re` (twice as fast). Its whitespace is str.isspace, which unlike `regex`'s also holds the
separators U+001C-U+001F, so those are added back as non-space: the two match alike on every code point (tested)."""


def _segment_uncached(line: str) -> list[Piece]:
    kernel = _compiled()
    if kernel is not None:
        return kernel.segment_line(line, _chunk_pieces, Piece, _CHUNKS if CHUNK_MEMO else None, CHUNK_MEMO_MAX)
    out: list[Piece] = []
    add = out.append
    for m in CHUNK_FAST_RE.finditer(line):
        base = m.start()
        for s, e, t, k in _chunk_pieces(m.group(), not out):
            add(_new_piece(Piece, (base + s, base + e, t, k)))
    return out


def _compiled():
    """The compiled kernels (decoder.compiled): their segment_line is this loop, its chunks found without a regex
    (least CPU of three on a loaded machine, the held-out decrees' lines, the eng OCR of the tuning plans and seed 000
    cut again with their chunks cached: 0.134 -> 0.083 s). decoder is imported on the first call only (an import
    statement per line cost ~1 us a line)."""
    global _decoder_compiled
    if _decoder_compiled is None:
        from .decoder import compiled

        _decoder_compiled = compiled
    return _decoder_compiled()


_decoder_compiled = None
_CHUNKS: dict[str, tuple[tuple[int, int, str, str], ...]] = {}
"""chunk -> _chunk_pieces(chunk, False), filled by the compiled segment_line (CHUNK_MEMO)."""
CHUNK_MEMO = True
"""Let the compiled segment_line look the chunks after a line's first up in _CHUNKS (a dict) instead of calling
_chunk_pieces through its lru_cache, and make its pieces without the tuple tuple.__new__ copies (False: as before;
tests compare)."""
CHUNK_MEMO_MAX = 200_000


LOWER_WORD_RE = regex.compile(r"^\p{Ll}[\p{Ll}\p{M}]*$")


SQUARE_CUBE_RE = regex.compile(r"^[kcdm]?m[23]$")
"""Units of area and volume (`m2`, `km2`, `m3`): the only parts with a digit a joined word may have."""


def _joined_words(core: str) -> bool:
    """Lowercase syllables joined by `/` (`đồng/tháng`, `xã/phường`, `người/năm`, also beside a unit of area or volume:
    `m2/người`, `m3/ngày`): words to restore, not a symbol (symbols carry capitals or other digits: `KH-UBND`,
    `12/QĐ`); units without a vowel (`km/h`, `kg/ha`) stay whole, the square or cube unit stays as printed."""
    parts = core.split("/")
    words = [w for w in parts if not SQUARE_CUBE_RE.match(w)]
    return len(parts) > 1 and bool(words) and all(LOWER_WORD_RE.match(w) and SYLLABLE_SHAPE.match(skeleton(w)) for w in words)


LOANWORD_RE = regex.compile(r"^\p{L}[\p{Ll}\p{M}]*(?:-\p{Ll}[\p{Ll}\p{M}]*)+$")
"""Lowercase syllables (the first may be capitalised) joined by hyphens: a transliterated loanword (`các-bon`,
`mê-tan`, `ô-xy`), kept as printed — not a symbol (those carry capitals or digits), nor words the LM knows
(stripped `ca-bon` would become `cả-bốn`). Only when every part is shaped as a syllable: `kh-ubnd` stays a symbol."""


END_MARK_RE = regex.compile(r"\.?/\.$")
"""The mark that closes a Vietnamese administrative document (`giải quyết./.`): punctuation, not part of a symbol, so
the last word is restored like any other."""


@lru_cache(maxsize=200_000)
def _chunk_pieces(chunk: str, first: bool) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, text, kind) of the pieces of one whitespace chunk, offsets in the chunk; `first`: the line's
    first chunk. Chunks repeat far more than lines, so this is where the segmentation is cached."""
    out: list[tuple[int, int, str, str]] = []
    if chunk.isalpha():
        return ((0, len(chunk), chunk, _piece_kind(chunk, first=first)),)
    end = END_MARK_RE.search(chunk)
    if end and end.start() > 0:
        return _chunk_pieces(chunk[:end.start()], first) + ((end.start(), len(chunk), end.group(0), "punct"),)
    if URL_RE.search(chunk):
        return ((0, len(chunk), chunk, "fixed"),)
    core = chunk.strip(".,;:!?()[]{}\"'“”‘’…")
    if LOANWORD_RE.match(core) and all(SYLLABLE_SHAPE.match(skeleton(w)) for w in core.lower().split("-")):
        off = chunk.find(core)
        return tuple(x for x in ((0, off, chunk[:off], "punct"), (off, off + len(core), core, "fixed"),
                                 (off + len(core), len(chunk), chunk[off + len(core):], "punct")) if x[2])
    if core and (claims(core) or SYMBOLIC_RE.search(core)) and any(c.isalnum() for c in core) and not _joined_words(core):
        off = chunk.find(core)
        if off > 0:
            out.append((0, off, chunk[:off], "punct"))
        out.append((off, off + len(core), core, "symbol"))
        if off + len(core) < len(chunk):
            out.append((off + len(core), len(chunk), chunk[off + len(core):], "punct"))
        return tuple(out)
    for p in PIECE_RE.finditer(chunk):
        t = p.group(0)
        lead = first and not out
        if WORD_START.match(t):
            kind = _piece_kind(t, first=lead)
            rest = chunk[p.end():]
            if lead and len(t) == 1 and rest[:1] in (")", "."):
                kind = "fixed"
            if not any(c.isalpha() or c.isdigit() for c in t) and kind != "letter":
                kind = "punct"
        else:
            kind = "punct"
        out.append((p.start(), p.end(), t, kind))
    return tuple(out)


GLUED_MARKS = "?'’"
"""Marks English-model OCR prints for a Vietnamese mark inside a word: `?` for the hook of ữ, ử (`tri?`, `st?c`),
an apostrophe for the horn of ư, ơ (`tru’dng` trưởng, `THU'C` THỰC, `tt’` từ): in 438 rendered pages OCR'd with `eng`
(devtools/confusions.py), 343 of the 349 words with an apostrophe inside or right after them had a horn."""


def glue_marks(pieces: list[Piece], fits=None) -> list[Piece]:
    """Pieces with a GLUED_MARKS mark written right after a word made part of it, with a word or letter right after
    it too: in garbled English-model OCR the mark is part of a letter the confusion rules read.

    `fits(text)`: whether the channel reads a glued apostrophe word as a syllable; an apostrophe is glued only to
    what fits (`co'so` is cơ sở: only `co'` is glued), or left alone. `?` is glued whatever follows.
    """
    out: list[Piece] = []
    i = 0
    while i < len(pieces):
        p = pieces[i]
        q = pieces[i + 1] if i + 1 < len(pieces) else None
        mark = q.text[:1] if q is not None else ""
        if p.kind != "word" or q is None or q.kind != "punct" or q.start != p.end or not mark or mark not in GLUED_MARKS:
            out.append(p)
            i += 1
            continue
        start, end, text = p.start, p.end + 1, p.text + mark
        r = pieces[i + 2] if len(q.text) == 1 and i + 2 < len(pieces) else None
        with_next = r is not None and r.start == end and r.kind in ("word", "letter")
        if mark != "?" and fits is not None:
            with_next = with_next and r is not None and fits(text + r.text)
            if not with_next and not fits(text):
                out.append(p)
                i += 1
                continue
        i += 1
        if len(q.text) > 1:
            pieces = pieces[:i] + [Piece(q.start + 1, q.end, q.text[1:], "punct")] + pieces[i + 1:]
        else:
            i += 1
            if with_next and r is not None:
                end, text = r.end, text + r.text
                i += 1
        out.append(Piece(start, end, text, "word"))
    return out


GARBLED_CODE_RE = regex.compile(r"^[A-ZĐ][a-z]?G[a-z]{1,2}$|^[A-ZĐ][a-z]?[G4]$")
"""Capitals English-model OCR makes of a Title-case syllable: a G for an o with stacked marks (`BG` Bộ, `HGi` Hội,
`NhGn` Nhân, `MGt` Một), a 4 for a marked a (`X4` Xã, `C4` Cá). Their shape makes them codes (kept as printed), but
in 240 law pages eng-OCR'd at 150-200 dpi (devtools/confusions.py), the tuning plans and 14 left-out extra/ documents
at 300 dpi, all 72 such tokens whose reading was known were damaged words (BG Bộ 19, X4 Xã/Xá 11, C4 Cá 5, HGi Hội 4,
VGi Với 3 ...), none a code."""
GARBLED_READ = str.maketrans("G4", "oa")


def _garbled_code(p: Piece, after: Piece | None, known) -> bool:
    """Whether a fixed piece is a damaged word, not a code: shaped as GARBLED_CODE_RE, a syllable's shape when its G or
    4 is read as the vowel, no unit the LM or the symbol grammar knows (`NG`, `KG`), and, for two capitals (which
    codes also are: `trường MG Hoa Sen`), followed by a lowercase word (`BG trưởng`): a code must look like a code in
    its context, and one is followed by a name or a number, seldom by a lowercase word."""
    if p.kind != "fixed" or not GARBLED_CODE_RE.match(p.text):
        return False
    low = p.text.lower()
    if known(low) or p.text in SYMBOL_PARTS or not SYLLABLE_SHAPE.match(skeleton(p.text.translate(GARBLED_READ).lower())):
        return False
    if any(c.islower() for c in p.text):
        return True
    return after is not None and after.kind == "word" and after.text[:1].islower()


def garbled_codes(pieces: list[Piece], known=lambda low: False) -> list[Piece]:
    """The pieces of a line of English-model OCR with damaged words that look like codes (GARBLED_CODE_RE) made words,
    so the channel reads them; `known(lowercase)`: a unit the LM knows as such (a code it has seen)."""
    words = [i for i, p in enumerate(pieces) if p.kind in ("word", "fixed", "symbol", "letter")]
    out = list(pieces)
    for k, i in enumerate(words):
        after = pieces[words[k + 1]] if k + 1 < len(words) else None
        if _garbled_code(pieces[i], after, known):
            out[i] = pieces[i]._replace(kind="word")
    return out


GARBLE_CHAR_RE = regex.compile(r"[?'’¢€&§£@\d]|[^\x00-\x7f]")
"""Characters English-model OCR prints in a Vietnamese word only for a letter it could not read: a glued mark, a symbol
glyph, a digit, any letter outside ASCII (eng prints é for ê, ơ, ô with or without a tone)."""


def garbled_glyphs(text: str) -> bool:
    """Whether an English-model OCR word piece holds a GARBLE_CHAR_RE character: damaged as printed, never to be kept."""
    return GARBLE_CHAR_RE.search(text) is not None


def garbled_case(text: str) -> str:
    """The case pattern a repaired token takes: Title for a damaged word that looked like a code (`BG` is Bộ)."""
    return "title" if GARBLED_CODE_RE.match(text) else case_of(text)


@lru_cache(maxsize=100_000)
def fix_symbol(sym: str) -> str:
    """A number/symbol or acronym token repaired only as far as the symbol grammar proves (`QD` → `QĐ`)."""
    return repair_symbol(sym)


def fix_heading(tok: str) -> str:
    """A line-initial Roman heading number read with 1/l for I (`I1` → `II`)."""
    return read_roman(tok) or tok
