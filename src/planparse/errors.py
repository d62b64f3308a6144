"""One exception hierarchy and one set of exit codes for the library and the CLI.

Every error planparse raises on purpose is a PlanparseError: `str(e)` is one line for the user and
`e.exit_code` is what the `planparse` command exits with. Foreign exceptions (OpenCV, Pillow, pypdf,
OSError) that mean bad input or an unwritable output are mapped to these at the stage boundaries.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit status of the `planparse` command."""

    OK = 0
    """Everything was converted (warnings may still be on the document)."""
    INPUT_FAILED = 1
    """An input could not be converted or an output not written (in `batch`: at least one input failed)."""
    USAGE = 2
    """A bad option or argument, or a broken install (missing model, Tesseract or language data)."""
    INTERNAL = 3
    """A bug: an exception planparse did not expect (rerun with --debug for the traceback)."""
    INTERRUPTED = 130
    """Ctrl-C (128 + SIGINT); a batch writes its manifest first and resumes on the next run."""


class PlanparseError(Exception):
    """Base of every error planparse raises on purpose; str(e) is one line naming the file when there is one."""

    exit_code: ExitCode = ExitCode.INPUT_FAILED

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
    """Tesseract failed on a page."""


class PageTimeout(OCRError):
    """OCR of one page took longer than the allowed time (`page_timeout`)."""


class UsageError(PlanparseError, ValueError):
    """An option or argument with a value planparse does not accept."""

    exit_code = ExitCode.USAGE


class InstallError(PlanparseError):
    """Something planparse needs at run time is missing or broken; no input can be converted until it is fixed."""

    exit_code = ExitCode.USAGE


class ModelError(InstallError):
    """The dictionaries or the language model are missing or unreadable."""


class EngineMissing(InstallError, OCRError):
    """Tesseract, or the Tesseract language data asked for, is not installed."""


RUN_ERRORS: tuple[type[PlanparseError], ...] = (UsageError, InstallError)
"""Errors about the whole run rather than one stage of one document: never turned into a warning."""


def foreign_input_errors() -> tuple[type[BaseException], ...]:
    """Exception types third-party decoders raise on malformed input (mapped to InputError at the stage boundary).

    Imported lazily: the CLI imports this module and must start fast.
    """
    import zlib

    types: list[type[BaseException]] = [OSError, ValueError, EOFError, MemoryError, zlib.error]
    try:
        import cv2

        types.append(cv2.error)
    except ImportError:  # OpenCV is a dependency; without it nothing decodes and the page step says so
        pass
    try:
        from PIL import Image

        types.append(Image.DecompressionBombError)
    except ImportError:  # likewise Pillow
        pass
    try:
        from pypdf.errors import PyPdfError

        types.append(PyPdfError)
    except ImportError:  # likewise pypdf
        pass
    return tuple(types)


def as_input_error(exc: BaseException, path: str | None, where: str = "") -> InputError:
    """A foreign decoding exception as an InputError that names the file (and page) and the cause in one line."""
    module = type(exc).__module__.split(".")[0]
    kind = type(exc).__name__ if module == "builtins" else f"{module}.{type(exc).__name__}"
    detail = " ".join(str(exc).split()) or kind
    prefix = f"{where}: " if where else ""
    return InputError(f"{prefix}cannot be decoded or processed ({kind}: {detail[:200]})", path)
