"""Tokenising text into the LM's units: lowercase syllables, <num>, <p> (punctuation), <sym>."""

from __future__ import annotations

import regex

from .orthography import nfc, place_tone

TOKEN_RE = regex.compile(r"\p{L}+|\d+(?:[.,/]\d+)*|[^\s\p{L}\d]")
BOS, EOS, NUM, PUNCT, SYM, UNK = "<s>", "</s>", "<num>", "<p>", "<sym>", "<unk>"


def lm_unit(tok: str, style: str = "new") -> str:
    """Map one surface token to the vocabulary unit the LM counts."""
    if tok[0].isdigit():
        return NUM
    if tok[0].isalpha():
        return place_tone(tok.lower(), style)
    return PUNCT


def line_units(line: str, style: str = "new") -> list[str]:
    """A corpus line as LM units."""
    return [lm_unit(t, style) for t in TOKEN_RE.findall(nfc(line))]
