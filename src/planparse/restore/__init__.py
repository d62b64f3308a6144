"""Text repair: diacritic restoration and OCR-damage correction (issue 4).

Public interface used by the pipeline (do not change signatures without updating pipeline.py):

    restore_lines(lines, mode="auto", style="new") -> (new_lines, records)
    restore_text(text, mode="auto", style="new") -> (text, records)

`lines` are models.Line objects in reading order (OCR lines carry `words` with confidences;
text inputs have none). Returned lines are copies with `text` repaired and `raw` set to the old
text where it changed. `records` are models.Restoration, `line` = index into `lines`.
mode: "auto" (decide from the text: fully stripped/garbled text → full decoding; good Vietnamese
OCR → touch only invalid or low-confidence tokens), "degraded", "ocr", "off".
The model is loaded on the first call, not at import.
"""

from __future__ import annotations

from ..models import Line, Restoration


def restore_lines(lines: list[Line], *, mode: str = "auto", style: str = "new") -> tuple[list[Line], list[Restoration]]:
    """Repair lines (diacritics, OCR confusions); never raises: on internal failure returns the input."""
    from .engine import restore

    try:
        return restore(list(lines), mode=mode, style=style)
    except Exception:  # noqa: BLE001 - the pipeline must go on with unrepaired text
        return list(lines), []


def restore_text(text: str, *, mode: str = "auto", style: str = "new") -> tuple[str, list[Restoration]]:
    """Repair a whole text; line breaks are kept."""
    lines = [Line(text=t, origin="text") for t in text.split("\n")]
    new, records = restore_lines(lines, mode=mode, style=style)
    return "\n".join(ln.text for ln in new), records
