"""Text helpers shared by the tables stage: diacritic-free skeletons and whitespace cleanup."""

from __future__ import annotations

from unidecode import unidecode

from ..text import clean

__all__ = ["clean", "skeleton"]


def skeleton(text: str) -> str:
    """Lower-case ASCII form (đ→d, diacritics dropped) so restored and raw OCR text compare alike."""
    return clean(unidecode(clean(text)).lower())
