"""Text helpers every stage shares: NFC cleanup and diacritic folding that keeps offsets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """NFC text with runs of whitespace collapsed to one space and the ends trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    if ch == "đ":
        return "d"
    if ch == "Đ":
        return "D"
    base = unicodedata.normalize("NFD", ch)[:1]
    return base if base and not unicodedata.combining(base) else ch


def fold(text: str) -> str:
    """Diacritics stripped one character for one (đ→d, ế→e), case kept, so offsets match the original."""
    return "".join(_fold_char(ch) for ch in text or "")


def fold_lower(text: str) -> str:
    """fold() then lower-case: the key under which spellings with and without marks compare equal."""
    return fold(text).lower()
