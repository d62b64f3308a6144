"""Legacy Vietnamese encodings (TCVN3/ABC, VNI, VISCII, CP1258) detected and converted to Unicode.

Older archives hold text typed in 8-bit font encodings. Saved as UTF-8, or extracted from a PDF
whose fonts use them, such text shows up as Latin-1 look-alikes (`Céng hoµ`, `Ñoäc laäp`); as raw
bytes it is no valid UTF-8. Each candidate conversion is scored by how Vietnamese its result reads
and kept only when it clearly beats the text as it is. No PyPI package converts TCVN3 or VNI, so
their tables are here (round-trip tested in tests/test_unusual_inputs.py); VISCII uses the `viscii-codec` package.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import regex

TCVN3 = dict(zip(
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
))
"""TCVN 5712:1993 VN3 (the ABC fonts .VnTime…): one byte per lower-case letter; capitals of toned
letters come from separate capital fonts (.VnTimeH) that reuse these codes."""

_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HATS = {"â": "\u0302", "ê": "\u0306"}
_VNI_HAT_TONES = {"á": ("\u0302", "\u0301"), "à": ("\u0302", "\u0300"), "å": ("\u0302", "\u0309"),
                  "ã": ("\u0302", "\u0303"), "ä": ("\u0302", "\u0323"),
                  "é": ("\u0306", "\u0301"), "è": ("\u0306", "\u0300"), "ú": ("\u0306", "\u0309"),
                  "ü": ("\u0306", "\u0303"), "ë": ("\u0306", "\u0323")}
_VNI_SINGLE = {"ñ": "đ", "ô": "ơ", "ö": "ư", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_table() -> dict[str, str]:
    """VNI-Windows: a base letter followed by one mark character; ơ, ư, đ, the toned i and ỵ are single characters."""
    table: dict[str, str] = {}

    def add(seq: str, out: str) -> None:
        table[seq] = unicodedata.normalize("NFC", out)
        table[seq.upper()] = table[seq].upper()

    for single, out in _VNI_SINGLE.items():
        add(single, out)
    for base in "aeouyôö":
        plain = _VNI_SINGLE.get(base, base)
        for mark, tone in _VNI_TONES.items():
            if not (base == "y" and mark == "ï"):
                add(base + mark, plain + tone)
    for base in "aeo":
        for mark, hat in _VNI_HATS.items():
            if hat == "\u0302" or base == "a":
                add(base + mark, base + hat)
        for mark, (hat, tone) in _VNI_HAT_TONES.items():
            if hat == "\u0302" or base == "a":
                add(base + mark, base + hat + tone)
    return table


VNI = _vni_table()
_VNI_RE = regex.compile("|".join(sorted(map(regex.escape, VNI), key=len, reverse=True)))
_TCVN3_RE = regex.compile("[" + regex.escape("".join(TCVN3)) + "]")
_WORD = regex.compile(r"\S+")
_MODERN = regex.compile(r"[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9\u0300-\u0323]")
_LETTERS = regex.compile(r"\p{L}+")
_HIGH_LATIN = regex.compile(r"[\u0080-\u00ff]")


MIN_SCORE = 0.5
"""A conversion is taken only when at least half its words are valid syllables (Vietnamese prose: > 0.8)."""


@dataclass(frozen=True)
class Decoded:
    """Text in Unicode and, when it was converted from a legacy encoding, that encoding's name."""

    text: str
    encoding: str | None = None

    def warning(self) -> str | None:
        """The message recorded on the document when a conversion happened."""
        if self.encoding is None:
            return None
        return f"text was in the legacy {self.encoding} encoding; converted to Unicode (check the result)"


def from_tcvn3(text: str) -> str:
    """TCVN3 look-alike characters to Unicode. Capitals typed in a capital font (.VnTimeH) reuse the
    lower-case codes, so a line, or a word, whose plain letters are all capitals is upper-cased whole."""
    if not _TCVN3_RE.search(text):
        return text
    return "\n".join(_tcvn3_line(line) for line in text.split("\n"))


def _tcvn3_line(line: str) -> str:
    converted = _TCVN3_RE.sub(lambda m: TCVN3[m.group(0)], line)
    if converted == line:
        return line
    if _all_capitals(line, 4):
        return converted.upper()
    return _WORD.sub(lambda m: converted[m.start():m.end()].upper() if _all_capitals(m.group(0), 2)
                     else converted[m.start():m.end()], line)


def _all_capitals(text: str, least: int) -> bool:
    plain = [c for c in text if c.isascii() and c.isalpha()]
    return len(plain) >= least and all(c.isupper() for c in plain)


def from_vni(text: str) -> str:
    """VNI look-alike sequences (base letter + mark character) to Unicode."""
    return _VNI_RE.sub(lambda m: VNI[m.group(0)], text)


def from_viscii(text: str) -> str:
    """Text whose VISCII bytes were read as Latin-1, to Unicode."""
    import viscii  # noqa: F401 - registers the codec

    try:
        return text.encode("latin-1").decode("viscii")
    except UnicodeError:
        return text


_CONVERTERS = {"TCVN3 (ABC)": from_tcvn3, "VNI": from_vni, "VISCII": from_viscii}


def _via_latin(convert_text: Callable[[str], str], data: bytes) -> str:
    return unicodedata.normalize("NFC", convert_text(_latin(data)))


def _viscii(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("viscii", errors="replace"))


def _score(text: str) -> float:
    """Share of letter words that are valid Vietnamese syllables, tone and marks included."""
    from ..repair.orthography import is_valid_syllable

    words = _LETTERS.findall(text)
    return sum(is_valid_syllable(w.lower()) for w in words) / len(words) if words else 0.0


def convert(text: str, encoding: str) -> str:
    """Text known to be in `encoding` (a name `repair` reports) in Unicode NFC."""
    return unicodedata.normalize("NFC", _CONVERTERS[encoding](text))


def repair(text: str) -> Decoded:
    """Convert text that is really TCVN3, VNI or VISCII shown as Latin-1; other text comes back as it is.

    Only text with Latin-1 accented letters and almost no Vietnamese-only letters is considered.
    """
    sample = text[:200_000]
    high = len(_HIGH_LATIN.findall(sample))
    if high < 3 or len(_MODERN.findall(sample)) > high * 0.05:
        return Decoded(text)
    base = _score(sample)
    best, best_score = None, base
    for name, fn in _CONVERTERS.items():
        s = _score(unicodedata.normalize("NFC", fn(sample)))
        if s >= MIN_SCORE and s > best_score + 0.15:
            best, best_score = name, s
    if best is None:
        return Decoded(text)
    return Decoded(convert(text, best), best)


def decode_bytes(data: bytes) -> Decoded:
    """Bytes that are not UTF-8: CP1258, or TCVN3/VNI/VISCII, whichever reads as Vietnamese best.

    Raises UnicodeError when no candidate yields Vietnamese.
    """
    import viscii  # noqa: F401 - registers the codec

    sample = data[:400_000]
    candidates: dict[str, Callable[[bytes], str]] = {
        "CP1258": lambda b: unicodedata.normalize("NFC", b.decode("cp1258", errors="replace"))}
    for name, fn in _CONVERTERS.items():
        if name == "VISCII":
            candidates[name] = _viscii
        else:
            candidates[name] = partial(_via_latin, fn)
    scored = {name: _score(f(sample)) for name, f in candidates.items()}
    name = max(scored, key=lambda k: scored[k])
    if scored[name] < MIN_SCORE:
        raise UnicodeError("no legacy Vietnamese encoding fits")
    return Decoded(candidates[name](data), name)


def _latin(data: bytes) -> str:
    """Bytes as the Windows code page 1252 shows them (Latin-1 where 1252 has no character)."""
    return data.decode("cp1252", errors="surrogateescape").translate(_UNDEFINED_1252)


_UNDEFINED_1252 = {0xDC00 + b: chr(b) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
