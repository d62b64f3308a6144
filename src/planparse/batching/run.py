"""run_batch: convert a folder of documents in parallel, with manifest, resume and safe outputs."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from ..errors import InstallError, OutputError, UsageError
from ..options import Options, make_options
from . import manifest as mf
from .discover import find_inputs, plan_outputs
from .outputs import check_writable
from .progress import BatchProgress, wanted
from .worker import WRITERS, file_sha256, one_line

log = logging.getLogger("planparse.batching")


class Failure(BaseModel):
    input: str
    error: str


class BatchSummary(BaseModel):
    """What a batch did; `failed == 0 and not interrupted` means every input is converted or up to date."""

    in_dir: str
    out_dir: str
    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0
    seconds: float = 0.0
    manifest: str = ""
    failures: list[Failure] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    interrupted: bool = False


class BatchUsageError(UsageError):
    """A bad batch argument (format, executor); one line for the user."""


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch; the manifest is written and `summary` tells what was done."""

    def __init__(self, summary: BatchSummary) -> None:
        super().__init__("batch interrupted")
        self.summary = summary


def _size(path: str) -> int:
    """Largest documents go first, so the last ones to finish are short and workers end together."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def run_batch(in_dir: str | os.PathLike, out_dir: str | os.PathLike, *, recursive: bool = False,
              glob: str | None = None, formats: tuple[str, ...] | list[str] | str = ("json",),
              jobs: int | None = None, force: bool = False, executor: str = "local",
              scheduler: str | None = None, timeout: float | None = None, progress: bool | None = None,
              follow_symlinks: bool = False, dataset: bool = False, options: Options | None = None,
              **ingest_options: Any) -> BatchSummary:
    """Convert every supported file under in_dir to out_dir (one output per input and format).

    `options` and/or `ingest_options` are the options of `planparse.ingest` (lang, tessdata_dir, restore,
    style, force_ocr, deskew, flatten, osd, tables, page_timeout, …), checked here once and handed to
    every document on either executor; `jobs` is the number of documents in parallel (each document's
    pages then run one at a time). Skips inputs already converted with the same content and options
    unless `force`; writes out_dir/manifest.jsonl (and with `dataset` the Parquet tables under
    out_dir/dataset/). Raises BatchInterrupted (a KeyboardInterrupt) on Ctrl-C after writing it.
    """
    t0 = time.monotonic()
    src, dst = Path(in_dir), Path(out_dir)
    fmts = _formats(formats)
    ingest_options.pop("jobs", None)
    opts = replace(make_options(options, **ingest_options), jobs=1)
    if executor not in ("local", "dask"):
        raise BatchUsageError(f"unknown executor {executor!r}; choose local or dask")
    if dataset and "json" not in fmts:
        raise BatchUsageError("--dataset is built from the JSON outputs; add json to --format")
    links: list[str] = []
    inputs = find_inputs(src, dst, recursive=recursive, glob=glob, follow_symlinks=follow_symlinks, skipped_links=links)
    check_writable(dst)
    bases, clash_warnings = plan_outputs(inputs)
    batch_warnings = list(dict.fromkeys(clash_warnings.values()))
    if links:
        batch_warnings.append(f"{len(links)} symbolic link(s) left out (first: {links[0]}); "
                              "--follow-symlinks converts what they point to")
    for w in batch_warnings:
        log.warning(w)
    fp = mf.fingerprint(asdict(opts), fmts)
    past = {} if force else mf.previous(dst)
    summary = BatchSummary(in_dir=str(src), out_dir=str(dst), total=len(inputs), warnings=batch_warnings)
    records: dict[str, dict[str, Any]] = {}
    todo: list[dict[str, Any]] = []
    try:
        dst.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror or exc}", str(dst)) from exc
    for i, rel in enumerate(inputs):
        outs = [bases[rel] + WRITERS[f][1] for f in fmts]
        warns = [one_line(f"batch: {clash_warnings[rel]}")] if rel in clash_warnings else []
        sha = _hash(src / rel) if rel in past else None
        if sha and mf.reusable(past[rel], sha, fp, dst, outs):
            old = past[rel]
            records[rel] = mf.record(input=rel, output=outs[0], outputs=outs, sha256=sha, status="skipped",
                                     pages=old.get("pages"), seconds=0.0, warnings=old.get("warnings") or [],
                                     error=None, fingerprint=fp)
            continue
        todo.append({"id": i, "rel": rel, "input": str((src / rel).resolve()),
                     "outputs": {f: str((dst / o).resolve()) for f, o in zip(fmts, outs)},
                     "options": {"options": opts}, "warnings": warns, "out_rel": outs})
    todo.sort(key=lambda job: -_size(job["input"]))
    _sweep_temps(dst, [o for rel in inputs for o in (bases[rel] + WRITERS[f][1] for f in fmts)])
    workers = max(1, jobs or _cores())
    ds = _open_dataset(src, dst) if dataset else None
    for job in todo:
        job["dataset"] = ds.spec(job["rel"], job["out_rel"]) if ds else None
    journal = mf.Journal(dst)
    interrupted, failure = False, None
    try:
        with BatchProgress(len(todo), wanted(progress)) as bar:
            extra = {"scheduler": scheduler} if executor == "dask" else {"on_page": bar.page if bar.enabled else None}
            stream = _executor(executor)(todo, workers, timeout, **extra)
            with contextlib.closing(stream):
                for job, result in stream:
                    rec = _record(job, result, fp, src)
                    records[job["rel"]] = rec
                    journal.add(rec)
                    if ds:
                        ds.done(rec, result.get("staged"))
                    bar.advance(job["id"], rec["pages"] or 0)
                    if result.get("install_error"):
                        raise _install_error(result)
    except KeyboardInterrupt:
        interrupted = True
    except OSError as exc:
        failure = exc
    finally:
        with _sigint_ignored():
            journal.close()
            for job in todo:
                records.setdefault(job["rel"], mf.record(
                    input=job["rel"], output=None, outputs=[], sha256=None, status="skipped", pages=None,
                    seconds=0.0, warnings=job["warnings"], error="interrupted before conversion", fingerprint=fp))
            _sweep_temps(dst, [o for job in todo for o in job["out_rel"]])
            ordered = [records[rel] for rel in inputs]
            try:
                summary.manifest = str(mf.write_manifest(dst, ordered))
            except OSError as exc:
                raise _stopped(exc, dst) from None
            if ds:
                ds.finish(ordered, complete=not interrupted)
    if failure is not None:
        raise OutputError(f"batch stopped: cannot record progress ({failure.strerror or type(failure).__name__}); "
                          f"{summary.manifest} lists what was done: rerun the same command to resume", str(dst))
    _tally(summary, ordered, interrupted, time.monotonic() - t0)
    if interrupted:
        raise BatchInterrupted(summary)
    return summary


def _stopped(exc: OSError, dst: Path) -> OutputError:
    """The batch could not record its progress (full disk, folder gone): say what is kept and how to resume."""
    kept = (dst / mf.JOURNAL).exists()
    how = (f"the finished documents are recorded in {dst / mf.JOURNAL}; free some space and rerun the same "
           "command to resume" if kept else "rerun the same command once the output folder is writable")
    return OutputError(f"cannot write the batch manifest ({exc.strerror or type(exc).__name__}); {how}", str(dst))


def _install_error(result: dict[str, Any]) -> InstallError:
    """A broken install seen on one document stops the batch: no other document could succeed either."""
    from .. import errors

    kind = getattr(errors, result["install_error"], InstallError)
    return kind(f"{result['error']} (batch stopped; the manifest lists what was done)")


def _cores() -> int:
    """CPUs this process may use (affinity-aware where the OS tells), at least 1."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:
        return os.cpu_count() or 1


def _formats(formats: Any) -> tuple[str, ...]:
    items = formats.split(",") if isinstance(formats, str) else list(formats)
    fmts = tuple(dict.fromkeys(f.strip().lower() for f in items if f.strip()))
    bad = [f for f in fmts if f not in WRITERS]
    if bad or not fmts:
        raise BatchUsageError(f"unknown format {', '.join(bad) or '(none)'}; choose from {', '.join(WRITERS)}")
    return fmts


def _open_dataset(src: Path, dst: Path) -> Any:
    try:
        from ..dataset.batch import BatchDataset
    except ImportError as exc:
        raise BatchUsageError(f"--dataset needs pyarrow and duckdb ({exc.name} is missing): "
                              "pip install 'planparse[dataset]'") from None
    return BatchDataset(src, dst)


def _executor(name: str) -> Any:
    if name == "dask":
        from .dask_runner import run_dask

        return run_dask
    from .local import run_local

    return run_local


def _hash(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def _record(job: dict[str, Any], result: dict[str, Any], fp: str, src: Path) -> dict[str, Any]:
    ok = result.get("status") == "ok"
    return mf.record(
        input=job["rel"], output=job["out_rel"][0] if ok else None, outputs=job["out_rel"] if ok else [],
        sha256=result.get("sha256") or _hash(src / job["rel"]), status="ok" if ok else "failed",
        pages=result.get("pages") or 0, seconds=result.get("seconds"),
        warnings=job["warnings"] + list(result.get("warnings") or []),
        error=None if ok else one_line(result.get("error") or "unknown error"), fingerprint=fp)


def _tally(summary: BatchSummary, records: list[dict[str, Any]], interrupted: bool, seconds: float) -> None:
    for rec in records:
        status = rec["status"]
        if status == "ok":
            summary.ok += 1
            summary.pages += rec["pages"] or 0
        elif status == "failed":
            summary.failed += 1
            summary.failures.append(Failure(input=rec["input"], error=rec["error"] or "unknown error"))
        else:
            summary.skipped += 1
    summary.interrupted = interrupted
    summary.seconds = round(seconds, 3)


def _sweep_temps(out_dir: Path, outputs: list[str]) -> None:
    """Remove temp files a killed writer left next to our outputs (never anything else)."""
    by_dir: dict[Path, set[str]] = {}
    for o in outputs:
        p = out_dir / o
        by_dir.setdefault(p.parent, set()).add(p.name)
    for folder, names in by_dir.items():
        if not folder.is_dir():
            continue
        for tmp in folder.glob(".*.part"):
            if any(tmp.name.startswith(f".{n}.") for n in names):
                with contextlib.suppress(OSError):
                    tmp.unlink()


@contextlib.contextmanager
def _sigint_ignored() -> Any:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
