"""Typed errors: each carries a one-line, user-facing reason and the exit code the CLI uses."""

from __future__ import annotations


class PlanparseError(Exception):
    """Base for every error planparse raises on purpose; str(e) is one line for the user."""

    exit_code = 1

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(PlanparseError):
    """The input cannot be read as a document: missing, empty, wrong type, corrupt, encrypted, too large."""


class UnsupportedInput(InputError):
    """A file whose content is no PDF, image or text."""


class OutputError(PlanparseError):
    """An output (file, folder, batch manifest) cannot be written: unwritable place, full disk."""


class OCRError(PlanparseError):
    """Tesseract failed or is not installed."""


class PageTimeout(OCRError):
    """OCR of one page took longer than the allowed time."""


class UsageError(PlanparseError, ValueError):
    """An option or argument with a value planparse does not accept."""

    exit_code = 2


class ModelError(PlanparseError):
    """The dictionaries or the language model are missing or unreadable (a broken install)."""

    exit_code = 2
