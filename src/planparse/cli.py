"""The `planparse` command: a thin typer shell over the library API."""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
import sys
from collections.abc import Callable
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated, Any, Optional, get_type_hints

import typer

from .options import RESTORE_MODES, STYLES

app = typer.Typer(
    name="planparse",
    help="Scanned Vietnamese administrative documents (Kế hoạch, Quyết định, …) to correct text and JSON.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
lm_app = typer.Typer(help="Build or inspect the restoration language model.", no_args_is_help=True)
app.add_typer(lm_app, name="lm")


class Fmt(StrEnum):
    json = "json"
    text = "text"
    csv = "csv"
    pdf = "pdf"
    html = "html"


RestoreMode = Enum("RestoreMode", {m: m for m in RESTORE_MODES}, type=str)  # type: ignore[misc]
Style = Enum("Style", {s: s for s in STYLES}, type=str)  # type: ignore[misc]


# The options of one document, shared by `ingest` and `batch` (see planparse.options.Options).
Lang = Annotated[str, typer.Option(help="Tesseract language(s), e.g. vie or vie+Vietnamese.")]
TessdataDir = Annotated[Optional[Path], typer.Option("--tessdata-dir",
                                                     help="Folder with *.traineddata used for every Tesseract call.")]
SecondLang = Annotated[str, typer.Option(help="Model that re-reads low-confidence lines ('none' to skip).")]
Restore = Annotated[RestoreMode, typer.Option(help="Text repair: auto, degraded (diacritics lost), ocr (light), off.")]
ToneStyle = Annotated[Style, typer.Option(help="Tone-mark placement: new (hóa, thủy) or old (hoá, thuỷ).")]
ForceOcr = Annotated[bool, typer.Option("--force-ocr", help="OCR every page even where a good text layer exists.")]
Deskew = Annotated[bool, typer.Option("--deskew/--no-deskew", help="Straighten skewed scans before OCR.")]
Flatten = Annotated[bool, typer.Option("--flatten/--no-flatten", help="Even out uneven lighting before OCR.")]
Osd = Annotated[bool, typer.Option("--osd/--no-osd", help="Detect pages scanned sideways or upside down.")]
Tables = Annotated[bool, typer.Option("--tables/--no-tables", help="Find annex task tables.")]
PageTimeout = Annotated[float, typer.Option(help="Seconds allowed per Tesseract call on a page (0 = no limit).")]
Debug = Annotated[bool, typer.Option(help="Show tracebacks.")]
Exclude = Annotated[Optional[Path], typer.Option(
    help="File listing corpus files to leave out (held-out text), one path suffix a line.")]


_DOCUMENT_OPTIONS = (("lang", Lang), ("tessdata_dir", TessdataDir), ("second_lang", SecondLang), ("restore", Restore),
                     ("style", ToneStyle), ("force_ocr", ForceOcr), ("deskew", Deskew), ("flatten", Flatten), ("osd", Osd),
                     ("tables", Tables), ("page_timeout", PageTimeout))
"""The options of planparse.Options a command line sets, with their declarations; defaults come from Options."""


def document_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a command the document options of `ingest` (declared once, above); it receives them as `options`,
    keyword arguments for planparse.ingest. Typer reads the parameters from the signature set here."""
    from .options import Options

    defaults = Options()
    hints = get_type_hints(command, include_extras=True)
    own = [p.replace(annotation=hints[p.name]) for p in inspect.signature(command).parameters.values() if p.name != "options"]
    shared = []
    for name, annotation in _DOCUMENT_OPTIONS:
        default = getattr(defaults, name)
        default = {"restore": RestoreMode, "style": Style}.get(name, lambda v: v)(default)
        shared.append(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation))

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        given = {name: kwargs.pop(name) for name, _ in _DOCUMENT_OPTIONS}
        given = {k: v.value if isinstance(v, Enum) else str(v) if isinstance(v, Path) else v for k, v in given.items()}
        command(options=given, **kwargs)

    tail = [p for p in own if p.name == "debug"]
    run.__signature__ = inspect.Signature([p for p in own if p.name != "debug"] + shared + tail)  # type: ignore[attr-defined]
    run.__annotations__ = {**hints, **dict(_DOCUMENT_OPTIONS)}
    return run


def _fail(exc: BaseException, debug: bool) -> None:
    """One line on stderr and the exit code of the error's kind (see ExitCode); a traceback only with --debug."""
    from .errors import ExitCode, PlanparseError

    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, PlanparseError):
        typer.echo(f"planparse: error: {exc}", err=True)
        raise typer.Exit(exc.exit_code)
    if isinstance(exc, KeyboardInterrupt):
        typer.echo("planparse: interrupted", err=True)
        raise typer.Exit(ExitCode.INTERRUPTED)
    typer.echo(f"planparse: internal error: {type(exc).__name__}: {exc} (rerun with --debug for details)", err=True)
    raise typer.Exit(ExitCode.INTERNAL)


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
@document_options
def ingest(
    path: Annotated[Path, typer.Argument(help="A PDF (scanned or born-digital), PNG/JPEG/TIFF image, or .txt file.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here instead of stdout (atomically).")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="json (everything), text (reading-order text), csv (tasks), "
                                     "pdf (searchable PDF), html (review page).")] = Fmt.json,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Pages OCR'd in parallel (0 = number of cores).")] = 0,
    debug: Debug = False,
    options: dict | None = None,
) -> None:
    """Process one document; print or write JSON, text, CSV, a searchable PDF or a review page."""
    from .batching.outputs import check_writable, private_tempdir
    from .export import render
    from .pipeline import ingest, ingest_to

    bar, update = _progress_bar(path.name)
    opts = options or {}
    try:
        if output is not None:
            check_writable(output.parent)
        sys.stdout.flush()
        sink = output if output is not None else sys.stdout.buffer  # taken before a progress bar redirects stdout
        with private_tempdir():
            with bar if bar is not None else contextlib.nullcontext():
                if fmt is Fmt.json:  # written as it is made: a text of any size in bounded memory
                    written = ingest_to(path, sink, progress=update, jobs=jobs, **opts)
                    doc, words, repaired = written.document, written.words, written.restorations
                    sections = written.sections
                else:
                    doc = ingest(path, progress=update, jobs=jobs, **opts)
                    words, repaired, sections = _words(doc.text), len(doc.restorations), len(doc.sections)
            if fmt is not Fmt.json:
                _emit(render(doc, fmt.value), output, fmt)
        if output is not None:
            typer.echo(summary(doc, output, words=words, repaired=repaired, sections=sections), err=True)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


def _emit(data: str | bytes, output: Path | None, fmt: Fmt) -> None:
    """An output written atomically to `output`, or to stdout (a binary PDF only when stdout is no terminal)."""
    from .batching.outputs import write_output
    from .errors import UsageError

    if output is not None:
        write_output(output, data, bom=fmt is Fmt.csv)
    elif isinstance(data, bytes):
        if sys.stdout.isatty():
            raise UsageError("a PDF is binary: give -o FILE or redirect standard output")
        sys.stdout.buffer.write(data)
    else:
        sys.stdout.write(data)


def _words(text: str) -> int:
    """Whitespace-separated words, counted without a list of them (a long text has millions)."""
    return sum(1 for _ in re.finditer(r"\S+", text))


def summary(doc, output: Path | None = None, *, words: int | None = None, repaired: int | None = None,
            sections: int | None = None) -> str:
    """A few human lines about a processed document (`words`, `repaired` and `sections` count what a streamed one
    left out)."""
    h = doc.header
    words = _words(doc.text) if words is None else words
    repaired = len(doc.restorations) if repaired is None else repaired
    sections = len(doc.sections) if sections is None else sections
    parts = [
        f"{doc.source.path}: {doc.source.kind}, {doc.source.pages} page(s)",
        f"  type: {h.doc_type or '?'}  number: {h.number or '?'}  date: {h.date or '?'}  issuer: {h.issuer or '?'}",
        f"  {words} words, {repaired} repaired, {sections} top-level sections, "
        f"{len(doc.references)} references, {len(doc.tables)} tables, {len(doc.tasks)} tasks, {len(doc.warnings)} warnings",
    ]
    if output is not None:
        parts.append(f"  written to {output}")
    return "\n".join(parts)


@app.command("restore")
def restore_cmd(
    source: Annotated[str, typer.Argument(help="A text file, or - for standard input.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the change records as JSON instead of the text.")] = False,
    mode: Annotated[RestoreMode, typer.Option(help="auto, degraded, ocr or off.")] = RestoreMode("auto"),
    style: ToneStyle = Style("new"),
    debug: Debug = False,
) -> None:
    """Repair diacritics and OCR damage in text; restored text on stdout."""
    from .errors import InputError
    from .repair import restore_text as restore  # not api.restore: that imports the whole ingest pipeline

    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            p = Path(source)
            if not p.is_file():
                raise InputError("no such file", source)
            from .sources.text import read_decoded

            got = read_decoded(p)
            if got.warning():
                typer.echo(f"planparse: warning: {p}: {got.warning()}", err=True)
            text = got.text
        _restore_sections(text, restore, mode.value, style.value, as_json)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


def _restore_sections(text: str, restore, mode: str, style: str, as_json: bool) -> None:
    """Repair and print the text section by section, so memory stays that of one section whatever the size."""
    from .models import RESTORATIONS
    from .sources.text import line_sections

    offset, first, out = 0, True, sys.stdout
    if as_json:
        out.write("[")
    for section in line_sections(text):
        body = section[:-1] if section.endswith("\n") else section
        fixed, records = restore(body, mode=mode, style=style)
        if as_json:
            for r in records:
                r.line += offset
                out.write(("" if first else ",") + "\n  " + RESTORATIONS.dump_json([r]).decode("utf-8")[1:-1])
                first = False
        else:
            out.write(fixed + "\n")
        offset += body.count("\n") + 1
    if as_json:
        out.write("\n]\n" if not first else "]\n")


@app.command("apply")
def apply_cmd(
    review: Annotated[Path, typer.Argument(help="Decisions exported from the review page (.review.json).")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here instead of stdout (atomically).")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f",
                                     help="json, text, csv, pdf or html of the corrected document.")] = Fmt.json,
    debug: Debug = False,
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
@document_options
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
    timeout: Annotated[float, typer.Option(help="Seconds allowed per document, its conversion only (0 = no limit).")] = 0.0,
    follow_symlinks: Annotated[bool, typer.Option(
        "--follow-symlinks", help="Convert what symbolic links (to files or folders) point to; left out by default.")] = False,
    dataset: Annotated[bool, typer.Option(
        "--dataset", help="Also write Parquet tables under OUT/dataset/ (see `planparse query`).")] = False,
    debug: Debug = False,
    options: dict | None = None,
) -> None:
    """Convert a whole folder; resumable; a manifest records every input. Exit 1 if any input failed."""
    from .batching import BatchInterrupted, run_batch, summary_text
    from .errors import ExitCode

    opts = options or {}
    try:
        formats = tuple(f.strip() for f in fmt.split(",") if f.strip())
        result = run_batch(in_dir, out_dir, recursive=recursive, glob=glob, formats=formats, jobs=jobs or None,
                           force=force, executor=executor, scheduler=scheduler, timeout=timeout or None,
                           follow_symlinks=follow_symlinks, dataset=dataset, **opts)
    except BatchInterrupted as exc:
        done = getattr(exc, "summary", None)
        if done is not None:
            typer.echo(summary_text(done), err=True)
        typer.echo("planparse: interrupted; rerun the same command to resume", err=True)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)
        return
    typer.echo(summary_text(result), err=True)
    raise typer.Exit(ExitCode.INPUT_FAILED if result.failed else ExitCode.OK)


class QueryFmt(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command("dataset")
def dataset_cmd(
    out_dir: Annotated[Path, typer.Argument(help="A batch output folder (or any folder of planparse JSON files).")],
    rebuild: Annotated[bool, typer.Option(help="Rewrite every row, not only those of new or changed outputs.")] = False,
    debug: Debug = False,
) -> None:
    """Build OUT/dataset (Parquet tables for `planparse query`) from the JSON outputs already in OUT."""
    try:
        from .dataset import build_dataset

        done = build_dataset(out_dir, rebuild=rebuild)
        rows = ", ".join(f"{n} {t}" for t, n in done.rows.items())
        typer.echo(f"{done.dataset}: {done.documents} documents ({done.failed} failed); {rows}; {done.seconds:.1f} s",
                   err=True)
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@app.command()
def query(
    dataset: Annotated[Path, typer.Argument(help="OUT/dataset (or OUT) written by `batch --dataset` or `planparse dataset`.")],
    sql: Annotated[str, typer.Argument(help='SQL over documents, sections, "references" (or refs), tasks, repairs, warnings.')],
    fmt: Annotated[QueryFmt, typer.Option("--format", "-f", help="table (cells cut to --width), csv or json.")] = QueryFmt.table,
    width: Annotated[int, typer.Option(help="Widest cell of the table format.")] = 40,
    debug: Debug = False,
) -> None:
    """Run SQL over the dataset with embedded DuckDB; print the result."""
    try:
        from .dataset import query as run_query
        from .dataset import render

        sys.stdout.write(render(run_query(dataset, sql), fmt.value, width=width))
    except (Exception, KeyboardInterrupt) as exc:
        _fail(exc, debug)


@lm_app.command("build")
def lm_build(
    corpus: Annotated[list[Path], typer.Argument(help="Text files or folders of UTF-8 Vietnamese text.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the compiled model.")],
    order: Annotated[int, typer.Option(help="N-gram order.")] = 3,
    exclude: Exclude = None,
    debug: Debug = False,
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
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the table (TSV).")] = Path(
        "dictionaries/confusions.tsv"),
    exclude: Exclude = None,
    pages: Annotated[int, typer.Option(help="Synthetic scan pages to render and OCR.")] = 60,
    lang: Annotated[Optional[list[str]], typer.Option(
        help="Tesseract language(s) to learn from (default eng); repeat for several.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed of page sampling and noise.")] = 0,
    jobs: Annotated[int, typer.Option(help="Tesseract processes (at most 2).")] = 2,
    merge: Annotated[Optional[list[Path]], typer.Option(
        help="Table(s) learned before on other renderings to merge in, rule by rule at the cheapest cost.")] = None,
    dpi: Annotated[Optional[list[int]], typer.Option(
        help="Scan resolution(s) pages are rendered at, one drawn per page; repeat for several (default 200-300).")] = None,
    size_pt: Annotated[Optional[list[float]], typer.Option(
        help="Body font size(s) in pt, one drawn per page; repeat for several (default 12-14).")] = None,
    blur_max: Annotated[float, typer.Option(help="Strongest scan blur (Gaussian radius, px); from 0.3.")] = 1.2,
    pool_symbols: Annotated[bool, typer.Option(
        help="Count the glyphs English OCR prints for stacked-mark vowels (¢ € & § £ @) as one.")] = False,
    symbols_only: Annotated[bool, typer.Option(
        help="Keep only the rules that read one of those glyphs (pooled), to merge into a table learned before.")] = False,
    min_count: Annotated[int, typer.Option(help="Fewest observations a rule needs to be kept.")] = 3,
    max_rules: Annotated[int, typer.Option(help="Most rules kept (the most observed) before merging.")] = 450,
    cache: Annotated[Optional[Path], typer.Option(help="Folder keeping each page's OCR, so a rerun skips it.")] = None,
    debug: Debug = False,
) -> None:
    """Learn the OCR confusion table of the restore stage: render corpus text as scans, OCR, align, count."""
    try:
        from .devtools.confusions import DPIS, SIZES, Settings, learn
        from .devtools.lmbuild import corpus_files, read_exclude

        files = corpus_files([str(c) for c in corpus], read_exclude(exclude))
        stats = learn(files, output, langs=tuple(lang or ["eng"]), pages=pages, seed=seed, jobs=jobs, merge_with=merge or (),
                      dpis=tuple(dpi) if dpi else DPIS, sizes=tuple(size_pt) if size_pt else SIZES, blur_max=blur_max,
                      pooled=pool_symbols, symbols_only=symbols_only, cache_dir=str(cache) if cache else None,
                      settings=Settings(min_count=min_count, max_rules=max_rules))
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
