"""The stage guard: a stage's unexpected exception becomes a warning on the document, so one failing stage loses nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .errors import RUN_ERRORS
from .models import Warning_


@contextmanager
def stage_guard(warnings: list[Warning_], stage: str, consequence: str, page: int | None = None) -> Iterator[None]:
    """Run the block; on an exception append Warning_(stage, page, "<stage> failed (<type>: <message>); <consequence>").

    Errors that concern the whole run (a bad option, a broken install) and Ctrl-C are not caught.
    """
    try:
        yield
    except RUN_ERRORS:
        raise
    except Exception as exc:  # noqa: BLE001 - the guard's whole purpose; the warning names the exception
        detail = " ".join(str(exc).split())
        message = f"{stage} failed ({type(exc).__name__}: {detail}); {consequence}"
        warnings.append(Warning_(stage=stage, page=page, message=message))
