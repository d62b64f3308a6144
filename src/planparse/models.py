"""The document model: the contract between stages and the public JSON output.

Every stage reads and writes these models; none of them imports a stage.
Coordinates are pixels of the page image as OCR saw it (after orientation fix),
origin top-left; `dpi` says how to turn them into physical units.
"""

from __future__ import annotations

import dataclasses
from datetime import date as Date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

SCHEMA_VERSION = "1.0"

BBox = tuple[int, int, int, int]
"""[x0, y0, x1, y1] in page pixels, top-left origin."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Warning_(_Model):
    """Something a reader of the output should know: a guess, a fallback, an oddity."""

    model_config = ConfigDict(title="Warning", extra="forbid")
    stage: str = Field(description="Pipeline stage that raised it: source, ocr, restore, structure, tables, batch.")
    message: str = Field(description="One-line human explanation.")
    page: int | None = Field(default=None, description="1-based page number, when the warning is about one page.")


class Word(_Model):
    """One OCR word with its box and Tesseract confidence (0-100)."""

    text: str
    bbox: BBox
    confidence: float = Field(description="Tesseract word confidence, 0-100.")


class Line(_Model):
    """One line of text in reading order, with provenance."""

    text: str = Field(description="Line text, NFC; after restoration when the restore stage ran.")
    bbox: BBox | None = Field(default=None, description="Line box in page pixels; null for text inputs.")
    confidence: float | None = Field(default=None, description="Mean word confidence 0-100; null when not OCR'd.")
    block: int = Field(default=0, description="Layout block index on the page (header columns, body, signature columns…).")
    page: int = Field(default=1, description="1-based page number.")
    origin: Literal["ocr", "text-layer", "text"] = Field(default="ocr", description="Where the text came from.")
    raw: str | None = Field(default=None, description="Text before restoration, when restoration changed it.")
    words: list[Word] = Field(default_factory=list, description="OCR words (empty for text inputs).")


class Mark(_Model):
    """Something on the page that is not text and is kept out of it: a seal, a signature, handwriting."""

    kind: Literal["seal", "stamp", "signature", "handwriting"] = Field(
        description="seal: round stamp (red ink, or a ring of ink on grey and black-and-white pages); "
                    "stamp: an oval or rectangular office stamp (received, signed, certified copy); "
                    "signature: coloured-ink or handwritten strokes; "
                    "handwriting: a line OCR read as low-confidence non-words.")
    bbox: BBox = Field(description="Box in page pixels.")
    confidence: float = Field(description="How sure the finder is that this is such a mark, 0-1.")
    found_by: str | None = Field(default=None, description="How it was found: colour, ring shape (and lighter tone), "
                                                           "oval or rectangle outline, strokes (taller and sparser than "
                                                           "print), ocr (garbage line).")


class Page(_Model):
    number: int = Field(description="1-based page number.")
    width: int = Field(description="Image width in pixels (0 for text inputs).")
    height: int = Field(description="Image height in pixels (0 for text inputs).")
    dpi: int | None = Field(default=None, description="Effective resolution of the image that was OCR'd.")
    rotation: int = Field(default=0, description="Degrees the page was turned (clockwise) before OCR, from OSD.")
    skew: float = Field(default=0.0, description="Degrees of deskew applied before OCR.")
    origin: Literal["ocr", "text-layer", "text"] = "ocr"
    lines: list[Line] = Field(default_factory=list)
    marks: list[Mark] = Field(default_factory=list, description="Non-text marks found and kept out of the text.")


class Source(_Model):
    path: str
    sha256: str
    kind: Literal["pdf-scanned", "pdf-digital", "pdf-mixed", "image", "text"] = Field(
        description="Detected from content: image-only PDF, PDF with a usable text layer, both, raster image, plain text."
    )
    media_type: str = Field(description="MIME type detected from the file's bytes.")
    pages: int
    size: int = Field(description="File size in bytes.")


# A slotted dataclass, not a BaseModel: a fully degraded document yields one record per word, and this
# takes a quarter of the memory and time. Pydantic validates it inside Document and gives it the same
# JSON and schema; RESTORATIONS serialises a bare list.
@dataclasses.dataclass(slots=True, kw_only=True)
class Restoration:
    """One token changed by the restore stage: what it was, what it became, how sure."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    page: int = 1
    line: Annotated[int, Field(description="0-based index of the line in Document.lines order (all pages); -1 for a table cell.")]
    start: Annotated[int, Field(description="Character offset of the token in the restored line.")]
    end: int
    original: str
    restored: str
    confidence: Annotated[float, Field(description="0-1: the decoder's belief in the chosen form.")]
    alternatives: Annotated[list[str], Field(description="Next-best forms, best first.")] = dataclasses.field(
        default_factory=list)
    reason: Annotated[str, Field(description="diacritics, ocr-confusion, fuzzy, symbol, split, merge, style …")] = ""
    table: Annotated[int | None, Field(description="For a table cell: index into Document.tables.")] = None
    cell: Annotated[int | None, Field(description="For a table cell: index into that table's cells.")] = None


RESTORATIONS = TypeAdapter(list[Restoration])
"""Validates and serialises a bare list of records (`planparse restore --json`)."""


class Header(_Model):
    """The Decree 30/2020 header parts (Article 8, Appendix I)."""

    issuer_parent: str | None = Field(default=None, description="Governing body above the issuer, e.g. 'UBND TỈNH PHÚ THỌ'.")
    issuer: str | None = Field(default=None, description="Issuing body, e.g. 'SỞ NGOẠI VỤ'.")
    number: str | None = Field(default=None, description=(
        "Number/symbol as printed, e.g. '1433/KH-UBND'; '/KH-SNgV' when the number is blank."))
    number_value: str | None = Field(default=None, description="The numeric part alone, null when blank.")
    symbol: str | None = Field(default=None, description="The symbol part, e.g. 'KH-UBND'.")
    doc_type: str | None = Field(default=None, description="Document type, e.g. 'Kế hoạch', 'Quyết định'.")
    date: Date | None = Field(default=None, description="Date of issue (ISO).")
    place: str | None = Field(default=None, description="Place of issue, e.g. 'Phú Thọ'.")
    summary: str | None = Field(default=None, description="Trích yếu: the line(s) summarising the content.")
    motto: str | None = Field(default=None, description="National title and motto lines, when found.")


class Section(_Model):
    """A node of the body's section tree; level comes from the numbering style."""

    number: str | None = Field(default=None, description="Numbering as printed, e.g. 'II.', '2.1.', 'a)', '-', '+'.")
    title: str | None = Field(default=None, description="Heading text, null for plain list items.")
    text: str = Field(default="", description="Paragraph text directly under this node (wrapped lines joined).")
    level: int = Field(description="0 Phần/Chương, 1 I., 2 1., 3 1.1., 4 a), 5 '-', 6 '+'.")
    kind: str = Field(default="", description="Numbering style: part, roman, arabic, decimal, letter, dash, plus.")
    page: int | None = None
    children: list[Section] = Field(default_factory=list)


class Reference(_Model):
    """A document cited in the text."""

    type: str = Field(description="e.g. 'Nghị quyết', 'Luật', 'Kế hoạch'.")
    number: str | None = Field(default=None, description="Number/symbol, e.g. '76/NQ-CP'.")
    date: Date | None = None
    issuer: str | None = Field(default=None, description="Issuing body as cited, e.g. 'Chính phủ'.")
    title: str | None = Field(default=None, description="Name of a law or subject, when cited by name.")
    text: str = Field(description="The citation as it stands in the text.")
    cited_in: list[str] = Field(default_factory=list, description="Section numbers (or 'header'/'body') where cited.")


class PreambleItem(_Model):
    """One clause of the preamble (Decree 30/2020, Appendix I: the bases for issuing): `Căn cứ …`, `Theo đề nghị …`."""

    kind: Literal["authority", "basis", "implementation", "proposal", "consideration"] = Field(
        description="authority (who issues, e.g. 'CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH'), basis (Căn cứ), implementation "
                    "(Thực hiện), proposal (Theo đề nghị), consideration (Xét …).")
    text: str = Field(description="The clause, wrapped lines joined.")
    references: list[Reference] = Field(default_factory=list, description="Documents the clause cites.")
    page: int | None = None


class DigitalSignature(_Model):
    signer: str | None = None
    email: str | None = None
    organization: str | None = None
    time: str | None = Field(default=None, description="Signing time, ISO 8601 when parseable, else as printed.")


class Signature(_Model):
    prefix: str | None = Field(default=None, description="KT., TM., TL., TUQ., Q.")
    authority: str | None = Field(default=None, description="What follows the prefix, e.g. 'GIÁM ĐỐC' in 'KT. GIÁM ĐỐC'.")
    title: str | None = Field(default=None, description="Signer's title, e.g. 'PHÓ GIÁM ĐỐC'.")
    name: str | None = None


class Responsibility(_Model):
    unit: str
    duties: str


class Cell(_Model):
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    text: str
    bbox: BBox | None = None
    page: int | None = None
    confidence: float | None = None
    lines: list[int] = Field(default_factory=list, description=(
        "For a table rebuilt from flattened text: the lines its text came from (0-based, Document.lines order)."))


class Table(_Model):
    page: int | None = Field(default=None, description="First page of the table.")
    pages: list[int] = Field(default_factory=list, description="All pages the table spans.")
    title: str | None = None
    headers: list[str] = Field(default_factory=list, description="Header cells as printed.")
    roles: list[str | None] = Field(default_factory=list, description=(
        "Role of each column: tt, task, lead, partners, deadline, product or null."))
    rows: list[list[str]] = Field(default_factory=list, description="Body rows, cell text.")
    cells: list[Cell] = Field(default_factory=list, description=(
        "Every cell: with its box (grid tables), or with the lines it came from (tables rebuilt from text)."))
    bbox: BBox | None = None
    origin: Literal["grid", "text"] = Field(default="grid",
                                            description="Ruled grid on a page image, or rebuilt from flattened text.")
    confidence: float = 1.0


class Deadline(_Model):
    text: str
    start: Date | None = None
    end: Date | None = None
    recurring: bool = Field(default=False, description="True for 'Thường xuyên', 'Hằng năm' …")


class Task(_Model):
    tt: str | None = None
    task: str
    lead: str | None = None
    partners: list[str] = Field(default_factory=list)
    deadline: Deadline | None = None
    product: str | None = None
    extra: dict[str, str] = Field(default_factory=dict, description="Columns with no known role, by printed header.")
    table: int = Field(default=0, description="Index into Document.tables.")


class Document(_Model):
    """One input file, fully processed. The public output of planparse."""

    schema_version: str = SCHEMA_VERSION
    source: Source
    text: str = Field(default="", description="Whole text in reading order, pages separated by form feeds.")
    pages: list[Page] = Field(default_factory=list)
    header: Header = Field(default_factory=Header)
    preamble: list[PreambleItem] = Field(default_factory=list, description="Legal bases and proposals before the body.")
    sections: list[Section] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    signature: Signature | None = None
    recipients: list[str] = Field(default_factory=list)
    digital_signatures: list[DigitalSignature] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list)
    restorations: list[Restoration] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds spent per stage.")

    def lines(self) -> list[Line]:
        """All lines of all pages in reading order."""
        return [ln for p in self.pages for ln in p.lines]
