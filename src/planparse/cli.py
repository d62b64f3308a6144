"""The `planparse` command: a thin typer shell over the library API."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(
    name="planparse",
    help="Scanned Vietnamese administrative documents (Kế hoạch, Quyết định, …) to correct text and JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
lm_app = typer.Typer(help="Build or inspect the restoration language model.", no_args_is_help=True)
app.add_typer(lm_app, name="lm")


class Fmt(str, Enum):
    json = "json"
    text = "text"
    csv = "csv"
    pdf = "pdf"
    html = "html"


class RestoreMode(str, Enum):
    auto = "auto"
    degraded = "degraded"
    ocr = "ocr"
    off = "off"


def _fail(exc: BaseException, debug: bool) -> None:
    """One line on stderr and exit 1 for bad input; a traceback only with --debug."""
    from .errors import PlanparseError

    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, PlanparseError):
        typer.echo(f"planparse: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        typer.echo("planparse: interrupted", err=True)
        raise typer.Exit(130)
    typer.echo(f"planparse: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", err=True)
    raise typer.Exit(2)


def _progress_bar(label: str):
    """A rich progress callback on stderr when it is a terminal; None otherwise."""
    if not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"),
                   TimeRemainingColumn(), transient=True, console=None)
    task = bar.add_task(label, total=None)

    def update(done: int, total: int) -> None:
        if total > 1:
            bar.start()
        bar.update(task, completed=done, total=total)

    return bar, update


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="A PDF (scanned or born-digital), PNG/JPEG/TIFF image, or .txt file.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here instead of stdout (atomically).")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="json (everything), text (reading-order text), csv (tasks), pdf (searchable PDF), html (review page).")] = Fmt.json,
    lang: Annotated[str, typer.Option(help="Tesseract language(s), e.g. vie or vie+Vietnamese.")] = "vie",
    tessdata_dir: Annotated[Optional[Path], typer.Option("--tessdata-dir", help="Folder with *.traineddata to use.")] = None,
    second_lang: Annotated[str, typer.Option(help="Model that re-reads low-confidence lines ('none' to skip).")] = "Vietnamese",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Pages OCR'd in parallel (0 = number of cores).")] = 0,
    restore: Annotated[RestoreMode, typer.Option(help="Text repair: auto, degraded (diacritics lost), ocr (light), off.")] = RestoreMode.auto,
    force_ocr: Annotated[bool, typer.Option("--force-ocr", help="OCR every page even where a good text layer exists.")] = False,
    page_timeout: Annotated[float, typer.Option(help="Seconds allowed per page of OCR (0 = no limit).")] = 0.0,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Process one document; print or write JSON, text, CSV, a searchable PDF or a review page."""
    from .export import render
    from .pipeline import ingest as run

    bar, update = _progress_bar(path.name)
    opts = dict(lang=lang, second_lang="" if second_lang.lower() == "none" else second_lang,
                tessdata_dir=str(tessdata_dir) if tessdata_dir else None, jobs=jobs, restore=restore.value,
                force_ocr=force_ocr, page_timeout=page_timeout)
    try:
        if bar is not None:
            with bar:
                doc = run(path, progress=update, **opts)
        else:
            doc = run(path, **opts)
        _emit(render(doc, fmt.value), output, fmt)
        if output is not None:
            typer.echo(summary(doc, output), err=True)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


def _emit(data: str | bytes, output: Path | None, fmt: Fmt) -> None:
    """An output written atomically to `output`, or to stdout (a binary PDF only when stdout is no terminal)."""
    from .errors import UsageError
    from .export import write_atomic

    if output is not None:
        write_atomic(output, data, bom=fmt is Fmt.csv)
    elif isinstance(data, bytes):
        if sys.stdout.isatty():
            raise UsageError("a PDF is binary: give -o FILE or redirect standard output")
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def summary(doc, output: Path | None = None) -> str:
    """A few human lines about a processed document."""
    h = doc.header
    parts = [
        f"{doc.source.path}: {doc.source.kind}, {doc.source.pages} page(s)",
        f"  type: {h.doc_type or '?'}  number: {h.number or '?'}  date: {h.date or '?'}  issuer: {h.issuer or '?'}",
        f"  {len(doc.text.split())} words, {len(doc.restorations)} repaired, {len(doc.sections)} top-level sections, "
        f"{len(doc.references)} references, {len(doc.tables)} tables, {len(doc.tasks)} tasks, {len(doc.warnings)} warnings",
    ]
    if output is not None:
        parts.append(f"  written to {output}")
    return "\n".join(parts)


@app.command("restore")
def restore_cmd(
    source: Annotated[str, typer.Argument(help="A text file, or - for standard input.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the change records as JSON instead of the text.")] = False,
    mode: Annotated[RestoreMode, typer.Option(help="auto, degraded, ocr or off.")] = RestoreMode.auto,
    style: Annotated[str, typer.Option(help="Tone-mark placement: new (hóa, thủy) or old (hoá, thuỷ).")] = "new",
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Repair diacritics and OCR damage in text; restored text on stdout."""
    from .errors import InputError
    from .api import restore

    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            p = Path(source)
            if not p.is_file():
                raise InputError("no such file", source)
            from .sources.text import read_text

            text = read_text(p)
        fixed, records = restore(text, mode=mode.value, style=style)
        if as_json:
            from .models import RESTORATIONS

            sys.stdout.write(RESTORATIONS.dump_json(records, indent=2).decode("utf-8") + "\n")
        else:
            sys.stdout.write(fixed if fixed.endswith("\n") else fixed + "\n")
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@app.command("apply")
def apply_cmd(
    review: Annotated[Path, typer.Argument(help="Decisions exported from the review page (.review.json).")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here instead of stdout (atomically).")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="json, text, csv, pdf or html of the corrected document.")] = Fmt.json,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Apply a reviewer's decisions to the document they were made on; write the corrected document."""
    from .export import render
    from .export.decisions import apply_decisions, read_review

    try:
        doc, decisions = read_review(review)
        _emit(render(apply_decisions(doc, decisions), fmt.value), output, fmt)
        if output is not None:
            typer.echo(f"{review}: {len(decisions)} decision(s) applied, written to {output}", err=True)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the output."""
    from .export import json_schema

    sys.stdout.write(json_schema())


@app.command()
def batch(
    in_dir: Annotated[Path, typer.Argument(help="Folder of inputs.")],
    out_dir: Annotated[Path, typer.Option("-o", "--output", help="Folder for outputs and manifest.jsonl.")],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Walk sub-folders too.")] = False,
    glob: Annotated[Optional[str], typer.Option(help="Only inputs matching this pattern, e.g. '*.pdf'.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Comma-separated: json,text,csv,pdf,html.")] = "json",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Documents in parallel (0 = number of cores).")] = 0,
    force: Annotated[bool, typer.Option(help="Redo inputs already converted with the same content and options.")] = False,
    executor: Annotated[str, typer.Option(help="local or dask.")] = "local",
    scheduler: Annotated[Optional[str], typer.Option(help="Dask scheduler address (default: a LocalCluster).")] = None,
    lang: Annotated[str, typer.Option(help="Tesseract language(s).")] = "vie",
    restore: Annotated[RestoreMode, typer.Option(help="Text repair mode.")] = RestoreMode.auto,
    timeout: Annotated[float, typer.Option(help="Seconds allowed per document (0 = no limit).")] = 0.0,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Convert a whole folder; resumable; a manifest records every input. Exit 1 if any input failed."""
    from .batching import BatchInterrupted, run_batch, summary_text

    try:
        formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
        result = run_batch(in_dir, out_dir, recursive=recursive, glob=glob, formats=formats, jobs=jobs or None,
                           force=force, executor=executor, scheduler=scheduler, timeout=timeout or None,
                           lang=lang, restore=restore.value)
    except BatchInterrupted as exc:
        done = getattr(exc, "summary", None)
        if done is not None:
            typer.echo(summary_text(done), err=True)
        typer.echo("planparse: interrupted; rerun the same command to resume", err=True)
        raise typer.Exit(130)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)
        return
    typer.echo(summary_text(result), err=True)
    raise typer.Exit(1 if result.failed else 0)


@lm_app.command("build")
def lm_build(
    corpus: Annotated[list[Path], typer.Argument(help="Text files or folders of UTF-8 Vietnamese text.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the compiled model.")],
    order: Annotated[int, typer.Option(help="N-gram order.")] = 3,
    exclude: Annotated[Optional[Path], typer.Option(help="File listing corpus files to leave out (held-out text), one path suffix a line.")] = None,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Build the syllable n-gram model from a corpus (e.g. your own archive of plans)."""
    try:
        from .devtools.lmbuild import build_cli

        stats = build_cli([str(c) for c in corpus], str(output), order=order, exclude=str(exclude) if exclude else None)
        for k, v in (stats or {}).items():
            typer.echo(f"{k}: {v}", err=True)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@lm_app.command("confusions")
def lm_confusions(
    corpus: Annotated[list[Path], typer.Argument(help="Text files or folders of correct UTF-8 Vietnamese text.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the table (TSV).")] = Path("dictionaries/confusions.tsv"),
    exclude: Annotated[Optional[Path], typer.Option(help="File listing corpus files to leave out (held-out text), one path suffix a line.")] = None,
    pages: Annotated[int, typer.Option(help="Synthetic scan pages to render and OCR.")] = 60,
    lang: Annotated[list[str], typer.Option(help="Tesseract language(s) to learn from; repeat for several.")] = ["eng"],
    seed: Annotated[int, typer.Option(help="Random seed of page sampling and noise.")] = 0,
    jobs: Annotated[int, typer.Option(help="Tesseract processes (at most 2).")] = 2,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Learn the OCR confusion table of the restore stage: render corpus text as scans, OCR, align, count."""
    try:
        from .devtools.confusions import learn
        from .devtools.lmbuild import corpus_files, read_exclude

        files = corpus_files([str(c) for c in corpus], read_exclude(exclude))
        stats = learn(files, output, langs=tuple(lang), pages=pages, seed=seed, jobs=jobs)
        for k, v in stats.items():
            typer.echo(f"{k}: {v}", err=True)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@app.command()
def version() -> None:
    """Print the version."""
    from . import __version__

    typer.echo(__version__)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
