"""Output safety for the CLI and batches: check the target before the work, write with the umask's
permissions, and turn a failed write into an OutputError that says what and why in one line."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import OutputError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_writable(folder: str | os.PathLike, what: str = "output folder") -> None:
    """Create `folder` if needed and prove a file can be made in it; raise OutputError before any work if not."""
    target = Path(folder)
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".planparse-probe-", dir=target)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"cannot write to the {what}: {_reason(exc)}", str(target)) from None


def write_output(path: str | os.PathLike, data: str | bytes | Iterable[bytes], *, bom: bool = False) -> None:
    """Write atomically (temp file + rename) with the permissions any file gets under the umask (chunks as they come)."""
    from ..export import write_atomic

    try:
        write_atomic(path, data, bom=bom)
        honour_umask(path)
    except OSError as exc:
        raise OutputError(f"cannot write output: {_reason(exc)}", str(path)) from None


def honour_umask(path: str | os.PathLike) -> None:
    """Give a file written through a private temp file (0600) the mode any new file gets: 0666 less the umask."""
    os.chmod(path, 0o666 & ~_umask())


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


@contextlib.contextmanager
def private_tempdir(prefix: str = "planparse-") -> Iterator[str]:
    """A temp folder of this process (and its children, through TMPDIR) removed on every way out."""
    path = tempfile.mkdtemp(prefix=prefix)
    old_env, old_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    use_tempdir(path)
    try:
        yield path
    finally:
        tempfile.tempdir = old_dir
        if old_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = old_env
        shutil.rmtree(path, ignore_errors=True)


def use_tempdir(path: str) -> None:
    """Send this process's temp files (page images, Tesseract's own) and its children's to `path`."""
    os.environ["TMPDIR"] = path
    tempfile.tempdir = path
