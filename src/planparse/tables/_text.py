"""Text helpers shared by the tables stage: diacritic-free skeletons and whitespace cleanup."""

from __future__ import annotations

import re
import unicodedata

from unidecode import unidecode

_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    """NFC text with runs of whitespace collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def skeleton(text: str) -> str:
    """Lower-case ASCII form (đ→d, diacritics dropped) so restored and raw OCR text compare alike."""
    return clean(unidecode(clean(text)).lower())
