"""The library API other tools import: ingest(), ingest_to(), restore(), batch(), schema().

`ingest` returns a Document held whole in memory (a model object per line and per change record);
`ingest_to(path, out)` writes the same JSON to a file or stream with memory that does not grow with the
output (a text input of tens of MB: its lines as strings, lines and records spooled as they are made).

Every public call raises only PlanparseError subclasses on purpose (see planparse.errors): InputError
for bad input, UsageError for a bad argument, InstallError for a broken install.
"""

from __future__ import annotations

import os
from typing import Any

from .errors import UsageError
from .models import Document, Restoration
from .options import Options, RestoreMode, Style
from .pipeline import Progress, Written, ingest, ingest_to


def restore(text: str, *, mode: RestoreMode = "auto", style: Style = "new") -> tuple[str, list[Restoration]]:
    """Repair Vietnamese text (diacritics, OCR damage); returns the text and a record per change."""
    from .repair import restore_text

    if not isinstance(text, str):
        raise UsageError(f"restore() takes text (str), not {type(text).__name__}")
    return restore_text(text, mode=mode, style=style)


def batch(in_dir: str | os.PathLike, out_dir: str | os.PathLike, options: Options | None = None, **kwargs: Any):
    """Convert a whole folder; returns the batch summary (see planparse.batching.run_batch).

    Takes the options of `ingest` (an Options and/or keywords: lang, tessdata_dir, restore, style, …)
    besides the batch's own (recursive, glob, formats, jobs, force, executor, scheduler, timeout, progress).
    """
    from .batching import run_batch

    return run_batch(in_dir, out_dir, options=options, **kwargs)


def schema() -> dict:
    """JSON Schema of the Document output."""
    return Document.model_json_schema()


__all__ = ["Document", "Options", "Progress", "Written", "batch", "ingest", "ingest_to", "restore", "schema"]
