"""The options of a run: one frozen, picklable context that `ingest`, `batch` and every page step receive.

Values are checked when the Options is made, so a bad one fails at the boundary with a UsageError
naming the option, never deep inside a worker or by silently falling back to a default.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Any, Literal, get_args

from .errors import UsageError

RestoreMode = Literal["auto", "degraded", "ocr", "off"]
"""auto: decide from the text; degraded: diacritics lost, decode fully; ocr: touch only damaged words; off."""
Style = Literal["new", "old"]
"""Tone-mark placement: new (hóa, thủy) or old (hoá, thuỷ)."""
RESTORE_MODES: tuple[str, ...] = get_args(RestoreMode)
STYLES: tuple[str, ...] = get_args(Style)

_LANG = re.compile(r"[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*")
_FLAGS = ("force_ocr", "deskew", "flatten", "osd", "tables", "structure")


@dataclass(frozen=True)
class Options:
    """Everything that changes what `ingest` produces; all have sensible defaults."""

    lang: str = "vie"
    """Tesseract model(s) of the page read, e.g. vie or vie+Vietnamese."""
    second_lang: str | None = "Vietnamese"
    """Model that re-reads unsure lines (None or "none": no second read); skipped when not installed."""
    tessdata_dir: str | None = None
    """Folder of *.traineddata used for every Tesseract call (page, second read, table cells)."""
    jobs: int = 0
    """Pages OCR'd in parallel (0: number of cores)."""
    restore: RestoreMode = "auto"
    style: Style = "new"
    force_ocr: bool = False
    """OCR every page even where a good text layer exists."""
    deskew: bool = True
    flatten: bool = True
    """Even out uneven lighting before OCR."""
    osd: bool = True
    """Detect pages scanned sideways or upside down."""
    tables: bool = True
    structure: bool = True
    page_timeout: float = 0.0
    """Seconds allowed for each Tesseract call on a page (0: no limit)."""

    def __post_init__(self) -> None:
        for name in ("restore", "style"):
            value = getattr(self, name)
            if isinstance(value, Enum):
                object.__setattr__(self, name, value.value)
        _choice("restore", self.restore, RESTORE_MODES)
        _choice("style", self.style, STYLES)
        if not isinstance(self.lang, str) or not _LANG.fullmatch(self.lang):
            raise UsageError(f"option lang: {self.lang!r} is not a Tesseract language list such as vie or vie+Vietnamese")
        second = self.second_lang
        if second is not None and (not isinstance(second, str) or second.lower() in ("", "none")):
            if isinstance(second, str):
                second = None
            else:
                raise UsageError(f"option second_lang: {second!r} is not a Tesseract language name")
        if second is not None and not _LANG.fullmatch(second):
            raise UsageError(f"option second_lang: {second!r} is not a Tesseract language name")
        object.__setattr__(self, "second_lang", second)
        if self.tessdata_dir is not None:
            folder = os.fspath(self.tessdata_dir)
            if not os.path.isdir(folder):
                raise UsageError(f"option tessdata_dir: {folder} is not a folder")
            object.__setattr__(self, "tessdata_dir", folder)
        if isinstance(self.jobs, bool) or not isinstance(self.jobs, int) or self.jobs < 0:
            raise UsageError(f"option jobs: {self.jobs!r} is not a whole number >= 0")
        if isinstance(self.page_timeout, bool) or not isinstance(self.page_timeout, (int, float)) or not self.page_timeout >= 0:
            raise UsageError(f"option page_timeout: {self.page_timeout!r} is not a number of seconds >= 0")
        for name in _FLAGS:
            if not isinstance(getattr(self, name), bool):
                raise UsageError(f"option {name}: {getattr(self, name)!r} is not true or false")

    def workers(self, pages: int) -> int:
        """Worker processes for `pages` pages: `jobs` (or the number of cores), at most one per page."""
        n = self.jobs if self.jobs > 0 else (os.cpu_count() or 1)
        return max(1, min(n, pages))


NAMES: tuple[str, ...] = tuple(f.name for f in fields(Options))


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise UsageError(f"option {name}: unknown value {value!r}; expected one of {', '.join(allowed)}")


def make_options(options: Options | None = None, **overrides: Any) -> Options:
    """Options from an Options object and/or keyword overrides (None keeps the default); unknown names are an error."""
    if options is not None and not isinstance(options, Options):
        raise UsageError(f"options must be a planparse.Options, not {type(options).__name__}")
    unknown = set(overrides) - set(NAMES)
    if unknown:
        raise UsageError(f"unknown option(s): {', '.join(sorted(unknown))}; known: {', '.join(NAMES)}")
    return replace(options or Options(), **{k: v for k, v in overrides.items() if v is not None})
