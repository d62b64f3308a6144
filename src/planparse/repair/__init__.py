"""Text repair: diacritic restoration and OCR-damage correction (issue 4).

Public interface used by the pipeline (do not change signatures without updating pipeline.py):

    restore_lines(lines, mode="auto", style="new") -> (new_lines, records)
    restore_text(text, mode="auto", style="new") -> (text, records)
    restore_in_sections(lines, mode="auto", style="new") -> iterator of (start, end, new_lines, records)

`lines` are models.Line objects in reading order (OCR lines carry `words` with confidences;
text inputs have none). Returned lines are copies with `text` repaired and `raw` set to the old
text where it changed. `records` are models.Restoration, `line` = index into `lines`.
mode: "auto" (decide from the text: fully stripped/garbled text → full decoding; good Vietnamese
OCR → every word a candidate, a valid one weighted by the learned vie channel at its confidence),
"degraded", "ocr", "off".
The model is loaded on the first call, not at import.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..models import Line, Restoration
from ..options import RESTORE_MODES as MODES
from ..options import STYLES

if TYPE_CHECKING:
    from .engine import RepairedSection


def check_options(mode: str, style: str) -> None:
    """Raise UsageError for a mode or style the engine does not know (never fall back to another one)."""
    if mode not in MODES:
        raise UsageError(f"unknown restore mode {mode!r}: expected one of {', '.join(MODES)}")
    if style not in STYLES:
        raise UsageError(f"unknown tone style {style!r}: expected one of {', '.join(STYLES)}")


def restore_lines(lines: list[Line], *, mode: str = "auto", style: str = "new") -> tuple[list[Line], list[Restoration]]:
    """Repair lines (diacritics, OCR confusions). Errors propagate: a missing model is a ModelError."""
    check_options(mode, style)
    from .engine import restore

    return restore(list(lines), mode=mode, style=style)


def restore_in_sections(lines: Sequence[Line], *, mode: str = "auto", style: str = "new") -> Iterator[RepairedSection]:
    """Repair lines like `restore_lines`, one section of lines at a time (start, end, new lines, records), so a
    caller can replace each section in place and keep memory to what it holds (long text inputs)."""
    check_options(mode, style)
    from .engine import restore_sections

    return restore_sections(lines, mode=mode, style=style)


def restore_text(text: str, *, mode: str = "auto", style: str = "new") -> tuple[str, list[Restoration]]:
    """Repair a whole text; line breaks are kept."""
    lines = [Line(text=t, origin="text") for t in text.split("\n")]
    new, records = restore_lines(lines, mode=mode, style=style)
    return "\n".join(ln.text for ln in new), records
