"""A pool of worker processes, one document each at a time, that can kill a hung worker.

concurrent.futures cannot kill one busy worker, so a per-document timeout would hang the pool;
here each worker is a spawned process in its own process group (Tesseract children die with it).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.connection import wait
from typing import Any

from .worker import worker_main

RECYCLE_AFTER = 200
"""Documents a worker handles before it is replaced, so leaks cannot grow without bound."""


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.tmp = tempfile.mkdtemp(prefix="planparse-worker-")
        self.proc = ctx.Process(target=worker_main, args=(child, self.tmp), daemon=False)
        self.proc.start()
        child.close()
        self.job: dict[str, Any] | None = None
        self.started: float | None = None
        self.done = 0

    def submit(self, job: dict[str, Any]) -> None:
        self.job, self.started = job, None
        self.conn.send(job)

    def kill(self) -> None:
        """Kill the worker and its process group (Tesseract subprocesses included)."""
        for target in (lambda: os.killpg(self.proc.pid, signal.SIGKILL), self.proc.kill):
            try:
                target()
            except (ProcessLookupError, PermissionError, OSError):
                pass
        self.proc.join(5)
        self.conn.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.proc.join(2)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()
            shutil.rmtree(self.tmp, ignore_errors=True)


def run_local(jobs: list[dict[str, Any]], workers: int, timeout: float | None,
              on_page: Callable[[int, int], None] | None = None) -> Iterator[tuple[dict, dict]]:
    """Yield (job, result) as documents finish; a dead or timed-out worker yields a failed result.

    `on_page(job_id, pages_done)` reports progress inside long documents.
    """
    ctx = mp.get_context("spawn")
    queue = deque(jobs)
    pool: list[_Worker] = []
    try:
        pool = [_Worker(ctx) for _ in range(max(1, min(workers, len(jobs))))]
        while queue or any(w.job for w in pool):
            for i, w in enumerate(pool):
                if w.job is None and queue:
                    if w.done >= RECYCLE_AFTER or not w.proc.is_alive():
                        w.stop()
                        pool[i] = w = _Worker(ctx)
                    job = queue.popleft()
                    try:
                        w.submit(job)
                    except OSError:
                        w.kill()
                        pool[i] = _Worker(ctx)
                        queue.appendleft(job)
            busy = [w for w in pool if w.job is not None]
            wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=0.2)
            for i, w in enumerate(pool):
                if w.job is None:
                    continue
                outcome = _collect(w, timeout, on_page)
                if outcome is None:
                    continue
                job, result, dead = w.job, outcome, outcome.pop("_dead", False)
                w.job, w.done = None, w.done + 1
                if dead:
                    w.kill()
                    pool[i] = _Worker(ctx)
                yield job, result
    finally:
        for w in pool:
            if w.job is not None:
                w.kill()
            else:
                w.stop()


def _collect(w: _Worker, timeout: float | None, on_page: Callable[[int, int], None] | None) -> dict[str, Any] | None:
    """The worker's result if it has one, a failure if it died or overran, else None."""
    try:
        while w.conn.poll():
            kind, payload = w.conn.recv()
            if kind == "done":
                return payload
            if kind == "start":
                w.started = time.monotonic()
            elif kind == "page" and on_page is not None and w.job is not None:
                on_page(w.job["id"], payload)
    except (EOFError, OSError):
        pass
    elapsed = time.monotonic() - w.started if w.started is not None else 0.0
    if not w.proc.is_alive():
        code = w.proc.exitcode
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        hint = " (out of memory?)" if code == -signal.SIGKILL else ""
        return _failed(f"worker process died while converting ({why}){hint}", elapsed)
    if timeout is not None and w.started is not None and elapsed > timeout:
        return _failed(f"timed out after {timeout:g} s; worker killed", elapsed)
    return None


def _failed(reason: str, elapsed: float) -> dict[str, Any]:
    return {"status": "failed", "sha256": None, "pages": 0, "warnings": [], "error": reason,
            "seconds": round(elapsed, 3), "_dead": True}
