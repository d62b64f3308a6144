"""Structural priors of Decree 30/2020/NĐ-CP that settle a damaged token before decoding (each change is recorded).

Appendix I of the decree prescribes the recipients block as `Nơi nhận: ... - Lưu: VT, <drafting unit>, <copies>.`:
the first item after `Lưu:` is `VT` (Văn thư, the records office) in nearly every document. A token one OCR edit from
it there, in capitals (`VI,` `VTE` `VF`), is `VT`; a token that is itself a listed abbreviation (`VP`, `CT`) stays as
read, and so does a word (`Lưu: Vì`). The items are parted by commas: a `;` between two of them is a misread `,`.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from ..symbols import SYMBOL_PARTS
from .orthography import skeleton
from .segment import Piece

ARCHIVE = "VT"
"""The first item of the `Lưu:` list Decree 30 prescribes."""
ARCHIVE_REASON = "decree-30"


def archive_item(pieces: list[Piece]) -> Piece | None:
    """The first item after `Lưu:` when it is one OCR edit from `VT` and no listed abbreviation, else None."""
    for k, p in enumerate(pieces[:-2]):
        if p.kind == "word" and skeleton(p.text.lower()) == "luu" and pieces[k + 1].text.strip() == ":":
            item = pieces[k + 2]
            return item if _near_archive(item) else None
    return None


def _near_archive(p: Piece) -> bool:
    token = skeleton(p.text.lower()).upper()
    return (p.kind in ("word", "fixed", "heading", "symbol") and p.text.isupper() and 1 <= len(token) <= 3
            and token.isalpha() and p.text not in SYMBOL_PARTS and Levenshtein.distance(token, ARCHIVE) == 1)


def archive_separators(pieces: list[Piece]) -> list[Piece]:
    """The `;` pieces between two items of the `Lưu:` list (`Lưu: VI; YT, TH.`): Decree 30 parts them with commas, and
    the cleaned page's read took one for `;` where bare Tesseract read `,` (tuning bench_broke --extra scan300)."""
    for k, p in enumerate(pieces[:-2]):
        if p.kind == "word" and skeleton(p.text.lower()) == "luu" and pieces[k + 1].text.strip() == ":":
            return [q for j, q in enumerate(pieces[k + 3:-1], k + 3)
                    if q.kind == "punct" and q.text == ";" and _item(pieces[j - 1]) and _item(pieces[j + 1])]
    return []


def _item(p: Piece) -> bool:
    """An item of the `Lưu:` list: a short word in capitals (an office's abbreviation)."""
    return p.kind in ("word", "fixed", "symbol") and p.text.isalpha() and p.text.isupper() and len(p.text) <= 6
