"""Serialise a Document: JSON, plain text, CSV of tasks (json_text), searchable PDF (pdf), review page (review).

`render(doc, fmt)` gives any of FORMATS as str or bytes; the PDF and review formats read the source
file again (page images), so they need `doc.source.path` to still exist.
"""

from __future__ import annotations

from collections.abc import Callable

from ..models import Document
from .json_text import assemble, json_chunks, json_schema, text_json, to_csv, to_json, to_text, write_atomic

FORMATS = ("json", "text", "csv", "pdf", "html")
EXTENSIONS = {"json": ".json", "text": ".txt", "csv": ".csv", "pdf": ".pdf", "html": ".html"}


def to_pdf(doc: Document) -> bytes:
    """A searchable PDF: the source's page images untouched, an invisible layer of the repaired words."""
    from .pdf import to_pdf as build

    return build(doc)


def to_html(doc: Document) -> str:
    """A self-contained review page: page images with word boxes, repairs, structure, warnings."""
    from .review import to_html as build

    return build(doc)


def render(doc: Document, fmt: str) -> str | bytes:
    """One of FORMATS: str for the text formats and html, bytes for pdf."""
    writers: dict[str, Callable[[Document], str | bytes]] = {
        "json": to_json, "text": to_text, "csv": to_csv, "pdf": to_pdf, "html": to_html}
    if fmt not in writers:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writers[fmt](doc)


__all__ = ["EXTENSIONS", "FORMATS", "assemble", "json_chunks", "json_schema", "render", "text_json", "to_csv", "to_html",
           "to_json", "to_pdf", "to_text", "write_atomic"]
