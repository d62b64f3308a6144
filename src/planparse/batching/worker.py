"""Convert one document: the spawn-safe unit of work shared by the local pool and Dask."""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from ..errors import InstallError

WRITERS = {"json": ("json_chunks", ".json", False), "text": ("to_text", ".txt", False), "csv": ("to_csv", ".csv", True),
           "pdf": ("to_pdf", ".ocr.pdf", False), "html": ("to_html", ".html", False)}


def file_sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks so big scans stay out of memory."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def one_line(text: str, limit: int = 300) -> str:
    """Collapse a message to one line of bounded length for the manifest."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def convert_one(job: dict[str, Any], on_page: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Ingest job['input'] and write each job['outputs'][fmt] atomically; never raises for bad input.

    JSON alone (no other format, no dataset rows) goes through `ingest_to`, so a long text stays in bounded memory.

    Returns plain data: status ok/failed, sha256, pages, seconds, warnings, error.
    `on_page(done, total)` is passed to ingest as its page progress callback.
    """
    start = time.perf_counter()
    result: dict[str, Any] = {"status": "failed", "sha256": None, "pages": 0, "warnings": [], "error": None}
    try:
        result["sha256"] = file_sha256(job["input"])
        from .. import export
        from ..api import ingest, ingest_to
        from .outputs import write_output

        extra: dict[str, Any] = {"progress": on_page} if on_page else {}
        options = {**job.get("options", {}), "jobs": 1}
        if set(job["outputs"]) == {"json"} and not job.get("dataset"):
            doc = ingest_to(job["input"], job["outputs"]["json"], **options, **extra).document
        else:
            doc = ingest(job["input"], **options, **extra)
            rendered = {fmt: getattr(export, WRITERS[fmt][0])(doc) for fmt in job["outputs"]}
            for fmt, target in job["outputs"].items():
                write_output(target, rendered[fmt], bom=WRITERS[fmt][2])
        result.update(status="ok", pages=len(doc.pages) or doc.source.pages,
                      warnings=[_warning(w) for w in doc.warnings])
        if job.get("dataset"):
            result["staged"] = _stage(doc, job["dataset"], result["warnings"])
    except MemoryError:
        result["error"] = "out of memory"
    except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
        result["error"] = _reason(exc)
        if isinstance(exc, InstallError):
            result["install_error"] = type(exc).__name__
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


def _stage(doc: Any, spec: dict[str, str], warnings: list[str]) -> str | None:
    """Write the document's dataset rows for the client to commit; on failure the client rebuilds them from JSON."""
    try:
        from ..dataset.batch import stage_document

        return stage_document(doc, spec)
    except Exception as exc:  # noqa: BLE001 - the conversion itself succeeded
        warnings.append(one_line(f"dataset: staging rows failed ({_reason(exc)}); rebuilt from the JSON output"))
        return None


def _reason(exc: Exception) -> str:
    from ..errors import PlanparseError

    if isinstance(exc, PlanparseError):
        return one_line(getattr(exc, "message", None) or str(exc))
    if isinstance(exc, OSError) and exc.strerror:
        where = f" {exc.filename}" if exc.filename else ""
        return one_line(f"cannot read or write{where}: {exc.strerror}")
    return one_line(f"internal error: {type(exc).__name__}: {exc}")


def _warning(w: Any) -> str:
    page = f" p.{w.page}" if getattr(w, "page", None) else ""
    return one_line(f"{w.stage}{page}: {w.message}")


def warm_up(options: dict[str, Any]) -> None:
    """Load what a document of these options needs once per process (the repair model: seconds), so
    that load is never counted in a document's --timeout. Failures are left for convert_one to report."""
    opts = options.get("options")
    if getattr(opts, "restore", options.get("restore", "auto")) == "off":
        return
    try:
        from ..repair.engine import get_model

        get_model()
    except Exception:  # noqa: BLE001 - convert_one reports a broken install per document
        pass


def worker_main(conn: Any, tmp: str | None = None) -> None:
    """Loop of a pool process: receive a job, warm up, say it started, send back its result; stop when
    told or orphaned. Temp files go to `tmp`, this worker's own folder, removed however it ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        os.setpgrp()
    except OSError:
        pass
    if tmp:
        from .outputs import use_tempdir

        use_tempdir(tmp)
    try:
        from .. import api, export  # noqa: F401 - import once at start, not inside the first document's time
    except Exception:  # noqa: BLE001 - convert_one reports the import error per document
        pass
    lock = threading.Lock()

    def send(msg: tuple) -> None:
        with lock:
            conn.send(msg)

    try:
        while True:
            try:
                job = conn.recv()
                if job is None:
                    return
                warm_up(job.get("options", {}))
                send(("start", None))
                send(("done", convert_one(job, lambda done, total: send(("page", done)))))
            except (EOFError, OSError):
                return
    finally:
        if tmp:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


