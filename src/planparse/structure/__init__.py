"""Document parts from repaired text (issue 5): Decree 30 header, section tree, references, closing parts.

Modules: header, sections, preamble, references, closing; numbers, dates and numerals come from ..symbols.

Public interface used by the pipeline:

    parse_structure(lines) -> StructureResult

`lines` are models.Line in reading order (text already restored; `page` and `block` set; OCR lines
have `bbox`). Must never raise on any input: problems become warnings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from pydantic import BaseModel, Field

from ..models import DigitalSignature, Header, Line, PreambleItem, Reference, Responsibility, Section, Signature, Warning_
from .closing import find_closing_start, parse_closing, parse_digital_signatures, parse_responsibilities
from .header import parse_header
from .preamble import split_preamble
from .references import find_references
from .sections import build_tree


class StructureResult(BaseModel):
    header: Header = Field(default_factory=Header)
    preamble: list[PreambleItem] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    signature: Signature | None = None
    recipients: list[str] = Field(default_factory=list)
    digital_signatures: list[DigitalSignature] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)


def _warn(msg: str, page: int | None = None) -> Warning_:
    return Warning_(stage="structure", message=msg, page=page)


def parse_structure(lines: Sequence[Line]) -> StructureResult:
    """Header, preamble, section tree, references and closing parts of one document; never raises."""
    res = StructureResult()
    try:
        items = [(unicodedata.normalize("NFC", ln.text or ""), ln.page or 1) for ln in (lines or [])]
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"unreadable lines: {exc}"))
        return res
    texts = [t for t, _ in items]
    boxes = [ln.bbox if (ln.page or 1) == 1 else None for ln in lines or []]
    body_start, closing_start = 0, len(texts)
    try:
        body_start = _header(res, texts, boxes)
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"header parsing failed: {exc!r}"))
    try:
        closing_start = find_closing_start(texts, body_start)
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"closing detection failed: {exc!r}"))
    try:
        res.preamble, used = split_preamble(items[body_start:closing_start])
        body_start += used
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"preamble parsing failed: {exc!r}"))
    try:
        res.sections, warns = build_tree(items[body_start:closing_start])
        res.warnings += [_warn(w, p) for w, p in warns]
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"section parsing failed: {exc!r}"))
    del items  # a tuple per line, not needed past the tree: gone before the tree is walked for references
    try:
        extra = [(res.header.summary, "header")] if res.header.summary else []
        extra += [(p.text, "preamble") for p in res.preamble if p.kind != "authority"]
        notes: list[str] = []
        res.references = find_references(res.sections, extra, notes)
        res.warnings += [_warn(n) for n in dict.fromkeys(notes)]
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"reference parsing failed: {exc!r}"))
    try:
        res.signature, res.recipients, closing_warns = parse_closing(texts, closing_start)
        res.warnings += [_warn(w) for w in closing_warns]
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"closing parsing failed: {exc!r}"))
    try:
        res.digital_signatures = parse_digital_signatures(texts)
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"digital signature parsing failed: {exc!r}"))
    try:
        res.responsibilities = parse_responsibilities(res.sections)
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"responsibility parsing failed: {exc!r}"))
    return res


def _header(res: StructureResult, texts: list[str], boxes: list) -> int:
    header, body_start, warns = parse_header(texts, boxes)
    res.header = header
    res.warnings += [_warn(w) for w in warns]
    return body_start
