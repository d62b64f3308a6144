"""The batch progress bar: documents and pages done, pages per second, ETA; silent off a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any


def wanted(progress: bool | None) -> bool:
    """True when a bar should be shown: as asked, or (None) when stderr is a terminal."""
    if progress is None:
        return sys.stderr.isatty()
    return bool(progress)


class BatchProgress:
    """Context manager wrapping rich.progress; every method is a no-op when disabled."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.pages, self.start = 0, time.monotonic()
        self._bar: Any = None
        self._task: Any = None
        self._partial: dict[int, int] = {}

    def __enter__(self) -> BatchProgress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("docs · {task.fields[pages]} pages · {task.fields[rate]} pages/s · ETA"),
                TimeRemainingColumn(), console=Console(stderr=True), transient=False,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("batch", total=self.total, pages=0, rate="–")
        return self

    def page(self, doc_id: int, done: int) -> None:
        """Pages done so far inside a document still in progress."""
        self._partial[doc_id] = done
        self._show(0)

    def advance(self, doc_id: int, pages: int) -> None:
        """One document finished with `pages` pages."""
        self._partial.pop(doc_id, None)
        self.pages += pages
        self._show(1)

    def _show(self, docs: int) -> None:
        if self._bar is not None:
            shown = self.pages + sum(self._partial.values())
            elapsed = max(time.monotonic() - self.start, 1e-6)
            self._bar.update(self._task, advance=docs, pages=shown, rate=f"{shown / elapsed:.1f}")

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
