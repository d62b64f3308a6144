"""Document parts from repaired text (issue 5): Decree 30 header, section tree, references, closing parts.

Modules: header, sections, preamble, references, closing; numbers, dates and numerals come from ..symbols.

Public interface used by the pipeline:

    parse_structure(lines) -> StructureResult

`lines` are models.Line in reading order (text already restored; `page` and `block` set; OCR lines
have `bbox`). Must never raise on any input: problems become warnings.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from pydantic import BaseModel, Field

from ..models import DigitalSignature, Header, Line, PreambleItem, Reference, Responsibility, Section, Signature, Warning_
from .closing import find_closing_start, find_org_section, parse_closing, parse_digital_signatures, responsibilities_in
from .header import parse_header
from .preamble import split_preamble
from .references import Citations
from .sections import tree_sections


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


def parse_structure(lines: Sequence[Line], emit: Callable[[Section], None] | None = None) -> StructureResult:
    """Header, preamble, section tree, references and closing parts of one document; never raises.

    `lines` may instead be a `sources.lines.LineView` (a long text input): then its texts are read as they are
    needed, never all at once. Given `emit`, each top-level section (with its subtree) is handed to it as soon as
    it is built and `sections` stays empty: with a LineView, memory does not grow with the text. A failure in
    the tree then keeps the sections already handed over."""
    res = StructureResult()
    try:
        pairs = getattr(lines, "pairs", None)
        if pairs is not None:
            items, boxes = pairs(), None
        else:
            items = [(unicodedata.normalize("NFC", ln.text or ""), ln.page or 1) for ln in (lines or [])]
            boxes = [ln.bbox if (ln.page or 1) == 1 else None for ln in lines or []]
        texts = items.texts() if pairs is not None else [t for t, _ in items]
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"unreadable lines: {exc}"))
        return res
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
    body = _Body(res, emit)
    tree: list[tuple[str, int | None]] = []
    try:
        for section in tree_sections(items[body_start:closing_start], tree, spooled=emit is not None):
            body.take(section)
        res.warnings += [_warn(w, p) for w, p in tree]
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"section parsing failed: {exc!r}"))
        if emit is None:
            body = _Body(res, emit)
    del items  # a tuple per line, not needed past the tree: gone before the tree is walked for references
    res.references = body.references()
    try:
        res.signature, res.recipients, closing_warns = parse_closing(texts, closing_start)
        res.warnings += [_warn(w) for w in closing_warns]
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"closing parsing failed: {exc!r}"))
    try:
        res.digital_signatures = parse_digital_signatures(texts)
    except Exception as exc:  # noqa: BLE001
        res.warnings.append(_warn(f"digital signature parsing failed: {exc!r}"))
    res.responsibilities = body.responsibilities()
    return res


class _Body:
    """What is read from the top-level sections as they come: the references citing them, the responsibilities
    of the `TỔ CHỨC THỰC HIỆN` section; each section is then kept (`res.sections`) or handed to `emit`. A part that
    fails stops reading and says so in a warning, in the place `parse_structure` gives its part."""

    def __init__(self, res: StructureResult, emit: Callable[[Section], None] | None) -> None:
        self.res, self.emit = res, emit
        res.sections = []
        self.notes: list[str] = []
        self.citations: Citations | None = None
        self.failed: dict[str, Exception] = {}
        self.org: list[Responsibility] | None = None
        try:
            extra = [(res.header.summary, "header")] if res.header.summary else []
            extra += [(p.text, "preamble") for p in res.preamble if p.kind != "authority"]
            self.citations = Citations(extra, self.notes)
        except Exception as exc:  # noqa: BLE001
            self.failed["reference"] = exc

    def take(self, section: Section) -> None:
        if "reference" not in self.failed:
            try:
                assert self.citations is not None
                self.citations.add([section])
            except Exception as exc:  # noqa: BLE001
                self.failed["reference"] = exc
        if self.org is None and "responsibility" not in self.failed:
            try:
                org = find_org_section([section])
                self.org = None if org is None else responsibilities_in(org)
            except Exception as exc:  # noqa: BLE001
                self.failed["responsibility"] = exc
        if self.emit is None:
            self.res.sections.append(section)
        else:
            self.emit(section)

    def references(self) -> list[Reference]:
        if "reference" in self.failed:
            self.res.warnings.append(_warn(f"reference parsing failed: {self.failed['reference']!r}"))
            return []
        self.res.warnings += [_warn(n) for n in dict.fromkeys(self.notes)]
        return self.citations.references() if self.citations is not None else []

    def responsibilities(self) -> list[Responsibility]:
        if "responsibility" in self.failed:
            self.res.warnings.append(_warn(f"responsibility parsing failed: {self.failed['responsibility']!r}"))
            return []
        return self.org or []


def _header(res: StructureResult, texts: list[str], boxes: list | None) -> int:
    header, body_start, warns = parse_header(texts, boxes)
    res.header = header
    res.warnings += [_warn(w) for w in warns]
    return body_start
