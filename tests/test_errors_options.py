"""One exception hierarchy and exit-code enum; options checked at the boundary and carried to every Tesseract call."""

from __future__ import annotations

import inspect
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import planparse
from planparse import errors
from planparse.errors import ExitCode, InputError, OutputError, PlanparseError, UsageError
from planparse.options import NAMES, Options, make_options

from .conftest import run_cli

TESSDATA = next((d for d in ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")
                 if os.path.isfile(f"{d}/vie.traineddata")), None)
needs_vie = pytest.mark.skipif(TESSDATA is None, reason="tesseract vie missing")


def _text_image(path: Path, text: str = "Kế hoạch triển khai công tác năm 2026") -> Path:
    """A small clean line of print as a PNG (rendered here; nothing read from outside the repo)."""
    from planparse.devtools.synth import font_path

    img = Image.new("L", (1400, 200), 255)
    ImageDraw.Draw(img).text((40, 60), text, fill=0, font=ImageFont.truetype(font_path(), 48))
    img.save(path, dpi=(300, 300))
    return path


def test_every_error_is_documented_and_has_an_exit_code():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, PlanparseError)]
    assert len(classes) >= 9
    for c in classes:
        assert c.__doc__ and c.__doc__.strip(), c
        assert isinstance(c.exit_code, ExitCode), c
    assert (ExitCode.OK, ExitCode.INPUT_FAILED, ExitCode.USAGE, ExitCode.INTERRUPTED) == (0, 1, 2, 130)
    assert errors.EngineMissing.exit_code == errors.ModelError.exit_code == UsageError.exit_code == ExitCode.USAGE
    assert issubclass(errors.EngineMissing, errors.OCRError)


def test_readme_documents_every_error_and_exit_code():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for c in inspect.getmembers(errors, inspect.isclass):
        if issubclass(c[1], PlanparseError):
            assert f"`{c[0]}`" in readme, c[0]
    for code in ExitCode:
        assert f"| {int(code)} " in readme, code


def test_options_are_checked_at_the_boundary(tmp_path):
    with pytest.raises(UsageError, match="option restore: unknown value 'OFF'"):
        Options(restore="OFF")
    with pytest.raises(UsageError, match="option style"):
        make_options(style="modern")
    with pytest.raises(UsageError, match="unknown option.*langs"):
        make_options(langs="vie")
    with pytest.raises(UsageError, match="option tessdata_dir"):
        Options(tessdata_dir=str(tmp_path / "nowhere"))
    for bad in (dict(jobs=-1), dict(page_timeout="soon"), dict(lang="vie; rm"), dict(tables="yes")):
        with pytest.raises(UsageError):
            Options(**bad)
    assert Options(second_lang="none").second_lang is None
    with pytest.raises(UsageError):
        planparse.ingest(tmp_path / "x.txt", page_timeout=-1)
    with pytest.raises(UsageError):
        planparse.ingest(None)
    with pytest.raises(UsageError):
        planparse.restore(b"bytes")


def test_a_page_that_cannot_be_processed_is_an_input_error(tmp_path):
    """OpenCV's own exception on a degenerate image comes out as one InputError line, exit 1."""
    tiny = tmp_path / "tiny.png"
    Image.new("L", (1, 1), 255).save(tiny)
    with pytest.raises(InputError) as info:
        planparse.ingest(tiny)
    assert str(info.value).startswith(str(tiny)) and "\n" not in str(info.value)
    r = run_cli("ingest", str(tiny))
    assert r.returncode == ExitCode.INPUT_FAILED and r.stderr.count("\n") == 1, r.stderr


def test_unwritable_output_is_an_output_error(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text("Kế hoạch triển khai.\n", encoding="utf-8")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_cli("ingest", str(src), "--restore", "off", "-o", str(blocker / "out.json"))
    assert r.returncode == ExitCode.INPUT_FAILED and r.stderr.count("\n") == 1 and "cannot write" in r.stderr, r.stderr
    with pytest.raises(OutputError):
        planparse.batch(tmp_path, blocker / "out", progress=False)


def test_bad_option_value_is_a_usage_exit(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text("Kế hoạch.\n", encoding="utf-8")
    r = run_cli("ingest", str(src), "--page-timeout", "-5")
    assert r.returncode == ExitCode.USAGE and "page_timeout" in r.stderr


@needs_vie
def test_tessdata_dir_reaches_the_page_read(tmp_path):
    """An empty tessdata folder: Tesseract finds no `vie` there, a broken-install error (exit 2), not a silent default."""
    page = _text_image(tmp_path / "page.png")
    empty = tmp_path / "tessdata"
    empty.mkdir()
    with pytest.raises(errors.EngineMissing, match="'vie' is not installed"):
        planparse.ingest(page, tessdata_dir=empty, jobs=1)
    r = run_cli("ingest", str(page), "--tessdata-dir", str(empty))
    assert r.returncode == ExitCode.USAGE and "not installed" in r.stderr, r.stderr


@needs_vie
def test_every_tesseract_call_gets_the_run_options(tmp_path, monkeypatch):
    """Page read, second read and cell re-reads all use the run's language, tessdata folder and time limit."""
    from planparse.ocr import tesseract
    from planparse.pages import cell_reader

    calls = []
    real = tesseract.image_to_data

    def spy(gray, **kw):
        calls.append(kw)
        return real(gray, **kw)

    monkeypatch.setattr(tesseract, "image_to_data", spy)
    page = _text_image(tmp_path / "page.png")
    doc = planparse.ingest(page, jobs=1, tessdata_dir=TESSDATA, page_timeout=120, tables=False)
    assert "hoạch" in doc.text and calls
    gray = np.asarray(Image.open(page).convert("L"))
    read = cell_reader(Options(lang="vie", tessdata_dir=TESSDATA, page_timeout=90))
    (words,) = read(gray, [(20, 40, 1380, 160)], 300)
    assert [w.text for w in words][:2] == ["Kế", "hoạch"]
    assert all(c["tessdata_dir"] == TESSDATA for c in calls)
    assert [c["timeout"] for c in calls] == [120] * (len(calls) - 1) + [90]


@needs_vie
def test_failed_cell_reread_is_a_warning_and_keeps_the_first_read(tmp_path):
    """A cell re-read that overruns the time limit (a real Tesseract timeout) is reported, not swallowed."""
    from planparse.pages import cell_reader

    gray = np.asarray(Image.open(_text_image(tmp_path / "page.png")).convert("L"))
    warnings = []
    read = cell_reader(Options(page_timeout=0.001), warnings, page=3)
    assert read(gray, [(20, 40, 1380, 160), (0, 0, 10, 10)], 300) == [[], []]
    (w,) = warnings
    assert w.stage == "tables" and w.page == 3 and "PageTimeout" in w.message and "kept as the page read them" in w.message


def test_batch_takes_the_options_of_ingest(tmp_path):
    """The same options reach every document of a batch (local executor), checked before any work starts."""
    import json

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("ke hoach trien khai cong tac\n", encoding="utf-8")
    with pytest.raises(UsageError):
        planparse.batch(src, tmp_path / "bad", restore="OFF", progress=False)
    assert not (tmp_path / "bad").exists()
    planparse.batch(src, tmp_path / "off", restore="off", jobs=1, progress=False)
    assert json.loads((tmp_path / "off" / "a.json").read_text(encoding="utf-8"))["text"].strip() == "ke hoach trien khai cong tac"
    planparse.batch(src, tmp_path / "on", options=Options(style="old"), jobs=1, progress=False)
    assert "kế hoạch" in json.loads((tmp_path / "on" / "a.json").read_text(encoding="utf-8"))["text"]
    r = run_cli("batch", "--help")
    for flag in ("--tessdata-dir", "--style", "--force-ocr", "--no-deskew", "--no-flatten", "--no-osd", "--no-tables",
                 "--page-timeout", "--second-lang"):
        assert flag in r.stdout, flag
    assert set(NAMES) - {"jobs", "structure"} <= {p.replace("-", "_") for p in _flags(r.stdout)}


def _flags(help_text: str) -> set[str]:
    import re

    return {m.group(1) for m in re.finditer(r"--(?:no-)?([a-z][a-z-]+)", help_text)}


def test_structure_result_fields_are_document_fields():
    from planparse.models import Document
    from planparse.structure import StructureResult

    assert set(StructureResult.model_fields) <= set(Document.model_fields)


@needs_vie
def test_failing_table_steps_are_warnings_and_the_text_stays(tmp_path, monkeypatch):
    """A bug in grid detection (page step) or in table assembly (document step) is reported with its stage and page."""
    import planparse.pages
    import planparse.tables

    def broken(*args, **kwargs):
        raise RuntimeError("grid bug")

    def broken_finish(*args, **kwargs):
        raise RuntimeError("finish bug")

    monkeypatch.setattr(planparse.pages, "find_grid_tables", broken)
    monkeypatch.setattr(planparse.tables, "finish_tables", broken_finish)
    doc = planparse.ingest(_text_image(tmp_path / "page.png"), jobs=1)
    assert "hoạch" in doc.text
    found = {(w.stage, w.page, w.message.split(";")[0]) for w in doc.warnings}
    assert ("tables", 1, "tables failed (RuntimeError: grid bug)") in found
    assert ("tables", None, "tables failed (RuntimeError: finish bug)") in found


@needs_vie
def test_broken_install_stops_a_batch_with_exit_2(tmp_path):
    """Tesseract data missing fails every document alike: the batch stops at the first, says why, exit 2."""
    src = tmp_path / "in"
    src.mkdir()
    _text_image(src / "a.png")
    _text_image(src / "b.png", "Quyết định ban hành quy chế")
    empty = tmp_path / "tessdata"
    empty.mkdir()
    with pytest.raises(errors.EngineMissing, match="batch stopped"):
        planparse.batch(src, tmp_path / "out", tessdata_dir=empty, jobs=1, progress=False)
    assert (tmp_path / "out" / "manifest.jsonl").is_file()
    r = run_cli("batch", str(src), "-o", str(tmp_path / "out2"), "--tessdata-dir", str(empty), "--jobs", "1")
    assert r.returncode == ExitCode.USAGE and "not installed" in r.stderr, r.stderr


def _die(job, opts):
    """A page step whose worker process dies at once (what the OOM killer does)."""
    os._exit(9)


def test_a_dead_page_worker_is_an_ocr_error(tmp_path, monkeypatch):
    """A page worker killed mid-document ends ingest with one OCRError line, not BrokenProcessPool."""
    import planparse.pipeline

    pages = [Image.new("L", (600, 800), 255) for _ in range(2)]
    tiff = tmp_path / "two.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:])
    monkeypatch.setattr(planparse.pipeline, "page_step", _die)
    with pytest.raises(errors.OCRError, match="worker process died") as info:
        planparse.ingest(tiff, jobs=2)
    assert str(info.value).startswith(str(tiff))
