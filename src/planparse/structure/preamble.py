"""The preamble between the header and the body: `Căn cứ …`, `Thực hiện …`, `Theo đề nghị …` (Decree 30, Appendix I).

It is a part of its own, not a run of unnumbered sections; each clause keeps the documents it cites.
"""

from __future__ import annotations

import re

from ..models import PreambleItem
from ..repair.orthography import is_valid_syllable
from ..text import clean, is_upper, starts_with_phrase
from .references import find_in_text
from .sections import classify

PHRASES: dict[str, str] = {
    "can cu": "basis", "theo de nghi": "proposal", "xet de nghi": "proposal", "thuc hien": "implementation",
    "xet": "consideration",
}
"""Opening words of a preamble clause (folded) and the kind of clause they open."""
_ORDER = tuple(sorted(PHRASES, key=lambda p: -len(p)))
_ENACTING = re.compile(r"^[A-ZĐÀ-Ỹ\s]{4,40}:?$")


def clause_kind(line: str) -> str | None:
    """Kind of preamble clause a line opens, read within a bounded OCR distance; None for other lines."""
    phrase = starts_with_phrase(line, _ORDER, is_valid_syllable)
    return PHRASES[phrase] if phrase else None


def opens_body(line: str) -> bool:
    """True for a line that opens the text after the header: a preamble clause or `Kính gửi`."""
    return clause_kind(line) is not None or starts_with_phrase(line, ("kinh gui",), is_valid_syllable) is not None


def split_preamble(lines: list[tuple[str, int]]) -> tuple[list[PreambleItem], int]:
    """Preamble clauses at the top of the body lines (text, page), and how many lines they took."""
    items: list[dict] = []
    i, n = 0, len(lines)
    while i < n:
        text, page = clean(lines[i][0]), lines[i][1]
        if not text:
            i += 1
            continue
        kind = clause_kind(text)
        if kind == "consideration" and not items:
            kind = None
        if kind:
            items.append({"kind": kind, "parts": [text], "page": page})
        elif not items and is_upper(text, 4) and not text.endswith(":") and classify(text) is None:
            items.append({"kind": "authority", "parts": [text], "page": page})
        elif items and classify(text) is None and not _closed(items[-1]) and not _ENACTING.match(text):
            items[-1]["parts"].append(text)
        else:
            break
        i += 1
    if items and items[-1]["kind"] == "authority":
        i, items = _first_line_after(lines, items[:-1]), items[:-1]
    if not any(it["kind"] != "authority" for it in items):
        return [], 0
    out = []
    for it in items:
        text = " ".join(it["parts"])
        refs = find_in_text(text) if it["kind"] != "authority" else []
        for r in refs:
            r.cited_in = ["preamble"]
        out.append(PreambleItem(kind=it["kind"], text=text, references=refs, page=it["page"]))
    return out, i


def _closed(item: dict) -> bool:
    """A clause ends at `;` or `.` (or `:` before the body); an authority line is one line."""
    return item["kind"] == "authority" or bool(re.search(r"[.;:]$", item["parts"][-1]))


def _first_line_after(lines: list[tuple[str, int]], items: list[dict]) -> int:
    """Line index just after the last kept clause."""
    want = sum(len(it["parts"]) for it in items)
    seen = 0
    for i, (t, _) in enumerate(lines):
        if seen == want:
            return i
        if clean(t):
            seen += 1
    return len(lines)
