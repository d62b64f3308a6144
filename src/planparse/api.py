"""The library API other tools import: ingest(), restore(), batch(), schema()."""

from __future__ import annotations

import os

from .models import Document, Restoration
from .pipeline import Options, Progress, ingest


def restore(text: str, *, mode: str = "auto", style: str = "new") -> tuple[str, list[Restoration]]:
    """Repair Vietnamese text (diacritics, OCR damage); returns the text and a record per change."""
    from .repair import restore_text

    return restore_text(text, mode=mode, style=style)


def batch(in_dir: str | os.PathLike, out_dir: str | os.PathLike, **options):
    """Convert a whole folder; returns the batch summary (see planparse.batching.run_batch)."""
    from .batching import run_batch

    return run_batch(in_dir, out_dir, **options)


def schema() -> dict:
    """JSON Schema of the Document output."""
    return Document.model_json_schema()


__all__ = ["Document", "Options", "Progress", "batch", "ingest", "restore", "schema"]
