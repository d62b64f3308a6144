"""Document parts from repaired text (issue 5): Decree 30 header, section tree, references, closing parts.

Public interface used by the pipeline:

    parse_structure(lines) -> StructureResult

`lines` are models.Line in reading order (text already restored; `page` and `block` set; OCR lines
have `bbox`). Must never raise on any input: problems become warnings.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..models import DigitalSignature, Header, Line, Reference, Responsibility, Section, Signature, Warning_


class StructureResult(BaseModel):
    header: Header = Field(default_factory=Header)
    sections: list[Section] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    signature: Signature | None = None
    recipients: list[str] = Field(default_factory=list)
    digital_signatures: list[DigitalSignature] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list)
    warnings: list[Warning_] = Field(default_factory=list)


def parse_structure(lines: list[Line]) -> StructureResult:
    """Placeholder until the structure stage lands."""
    return StructureResult()
