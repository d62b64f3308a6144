"""Batch conversion: mixed good/bad folders, manifest, resume, force, stem clashes, kill and rerun, Dask."""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from planparse.batching import run_batch
from planparse.batching.discover import find_inputs, plan_outputs
from planparse.batching.local import run_local
from planparse.errors import InputError
from planparse.models import Document

from .conftest import kill_when

GOOD = {
    "ke_hoach.txt": (
        "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\nSỞ NGOẠI VỤ\nSố: 15/KH-SNgV\n"
        "KẾ HOẠCH\nThực hiện công tác đối ngoại năm 2024\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nNâng cao hiệu quả công tác đối ngoại của tỉnh.\n"
    ),
    "quyet_dinh.txt": (
        "ỦY BAN NHÂN DÂN HUYỆN THANH SƠN\nQUYẾT ĐỊNH\nVề việc thành lập tổ công tác\n"
        "Điều 1. Thành lập tổ công tác triển khai chuyển đổi số trên địa bàn huyện.\n"
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
    ),
    "bao_cao.txt": (
        "BÁO CÁO\nKết quả thực hiện nhiệm vụ sáu tháng đầu năm\n"
        "Các cơ quan, đơn vị đã hoàn thành tốt nhiệm vụ được giao, bảo đảm tiến độ đề ra.\n"
    ),
}


def write_good(folder: Path, names: dict[str, str] | None = None) -> list[Path]:
    """Write the good Vietnamese text inputs into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (names or GOOD).items():
        p = folder / name
        p.write_text(text, encoding="utf-8")
        out.append(p)
    return out


def pdf_bytes(encrypt: bool = False) -> bytes:
    """A one-page blank PDF made with pypdf, optionally password-protected."""
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=200, height=200)
    if encrypt:
        w.encrypt("secret")
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A valid 1-bit PNG of width x height that compresses to ~100 kB: a decompression bomb."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)
    comp = zlib.compressobj(9)
    idat = b"".join(comp.compress(row * 1000) for _ in range(height // 1000)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def write_bad(folder: Path) -> dict[str, str]:
    """Write one bad input of each kind; returns name -> what is wrong with it."""
    folder.mkdir(parents=True, exist_ok=True)
    good_pdf = pdf_bytes()
    bad = {
        "empty.pdf": (b"", "zero-byte PDF"),
        "truncated.pdf": (good_pdf[: len(good_pdf) // 2], "truncated PDF"),
        "garbage.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 20, "corrupt PDF"),
        "text_named.png": (GOOD["bao_cao.txt"].encode(), "Vietnamese text renamed .png"),
        "binary.txt": (bytes(range(256)) * 40, "binary file named .txt"),
        "locked.pdf": (pdf_bytes(encrypt=True), "encrypted PDF"),
        "bomb.png": (bomb_png(), "decompression bomb"),
        "english.txt": (b"The quick brown fox jumps over the lazy dog. This report describes the annual budget.\n",
                        "non-Vietnamese text"),
    }
    for name, (data, _) in bad.items():
        (folder / name).write_bytes(data)
    return {name: why for name, (_, why) in bad.items()}


KEYS = {"input", "output", "sha256", "status", "pages", "seconds", "warnings", "error"}


def manifest(out: Path) -> dict[str, dict]:
    lines = (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    recs = [json.loads(line) for line in lines]
    assert all(KEYS <= set(r) for r in recs)
    return {r["input"]: r for r in recs}


def partial_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".part") or p.name.startswith(".manifest")]


def test_mixed_folder_converts_good_and_reports_bad(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_good(src)
    write_good(src / "sub" / "deeper", {"to_trinh.txt": GOOD["ke_hoach.txt"]})
    bad = write_bad(src)
    (src / ".hidden.txt").write_text(GOOD["bao_cao.txt"], encoding="utf-8")

    summary = run_batch(src, out, recursive=True, jobs=2, progress=False, formats=("json", "text"))

    recs = manifest(out)
    assert set(recs) == set(GOOD) | {"sub/deeper/to_trinh.txt"} | set(bad)
    assert summary.ok == len(GOOD) + 1 and summary.failed == len(bad) and summary.skipped == 0
    for name in list(GOOD) + ["sub/deeper/to_trinh.txt"]:
        rec = recs[name]
        assert rec["status"] == "ok" and rec["error"] is None and rec["pages"] == 1
        doc = Document.model_validate_json((out / rec["output"]).read_text(encoding="utf-8"))
        assert doc.text.strip()
        assert (out / rec["output"]).with_suffix(".txt").is_file()
    assert (out / "sub/deeper/to_trinh.json").is_file()
    for name, why in bad.items():
        rec = recs[name]
        assert rec["status"] == "failed", (name, why)
        assert rec["error"] and "\n" not in rec["error"] and len(rec["error"]) < 300, name
        assert rec["output"] is None and not (out / (Path(name).stem + ".json")).exists()
    assert {f.input for f in summary.failures} == set(bad)
    assert not partial_files(out)


def test_resume_skips_and_force_redoes(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_good(src)
    (src / "empty.pdf").write_bytes(b"")
    first = run_batch(src, out, jobs=1, progress=False)
    assert (first.ok, first.failed) == (len(GOOD), 1)
    stamp = (out / "ke_hoach.json").stat().st_mtime_ns

    again = run_batch(src, out, jobs=1, progress=False)
    assert (again.ok, again.failed, again.skipped) == (0, 1, len(GOOD))
    assert (out / "ke_hoach.json").stat().st_mtime_ns == stamp
    assert manifest(out)["ke_hoach.txt"]["status"] == "skipped"

    (src / "bao_cao.txt").write_text(GOOD["bao_cao.txt"] + "Nơi nhận: Như trên.\n", encoding="utf-8")
    changed = run_batch(src, out, jobs=1, progress=False)
    assert (changed.ok, changed.skipped) == (1, len(GOOD) - 1)

    other_opts = run_batch(src, out, jobs=1, progress=False, restore="off")
    assert other_opts.ok == len(GOOD)

    forced = run_batch(src, out, jobs=1, progress=False, restore="off", force=True)
    assert (forced.ok, forced.skipped) == (len(GOOD), 0)
    assert (out / "ke_hoach.json").stat().st_mtime_ns != stamp


def test_stem_clash_keeps_both_and_warns(tmp_path, caplog):
    src, out = tmp_path / "in", tmp_path / "out"
    write_good(src, {"x.txt": GOOD["ke_hoach.txt"], "y.txt": GOOD["bao_cao.txt"]})
    write_good(src / "a", {"y.txt": GOOD["quyet_dinh.txt"]})
    (src / "x.pdf").write_bytes(b"")
    summary = run_batch(src, out, recursive=True, jobs=2, progress=False)
    recs = manifest(out)
    assert recs["x.txt"]["output"] == "x.txt.json" and recs["x.pdf"]["status"] == "failed"
    assert not (out / "x.json").exists()
    assert "KẾ HOẠCH" in json.loads((out / "x.txt.json").read_text(encoding="utf-8"))["text"]
    assert recs["y.txt"]["output"] == "y.json" and recs["a/y.txt"]["output"] == "a/y.json"
    assert "Điều 1" in json.loads((out / "a/y.json").read_text(encoding="utf-8"))["text"]
    assert summary.warnings and recs["x.txt"]["warnings"] and recs["x.pdf"]["warnings"]
    assert any("same name stem" in r.message for r in caplog.records)


def test_plan_outputs_never_share_a_name():
    bases, warns = plan_outputs(["a/scan.pdf", "x.pdf", "x.txt", "x.pdf.txt", "X.png", "b.txt"])
    assert bases["a/scan.pdf"] == "a/scan" and bases["b.txt"] == "b"
    assert len({b.casefold() for b in bases.values()}) == len(bases)
    assert {"x.pdf", "x.txt", "X.png", "x.pdf.txt"} <= set(warns)


def test_discovery_rules(tmp_path):
    src = tmp_path / "in"
    write_good(src, {"a.txt": "x", "b.PDF": "x", "c.docx": "x", ".d.txt": "x"})
    write_good(src / "sub", {"e.jpeg": "x"})
    write_good(src / ".git", {"f.txt": "x"})
    write_good(src / "out", {"g.txt": "x"})
    assert find_inputs(src, src / "out") == ["a.txt", "b.PDF"]
    assert find_inputs(src, src / "out", recursive=True) == ["a.txt", "b.PDF", "sub/e.jpeg"]
    assert find_inputs(src, src / "out", recursive=True, glob="*.docx") == ["c.docx"]
    with pytest.raises(InputError):
        find_inputs(tmp_path / "missing", tmp_path / "o")
    with pytest.raises(InputError):
        find_inputs(src, src)


def _hung_and_good_jobs(tmp_path, text):
    """Two worker jobs: a FIFO nobody writes to (reading it hangs) and a good text document."""
    fifo = tmp_path / "hang.txt"
    os.mkfifo(fifo)
    good = tmp_path / "ok.txt"
    good.write_text(text, encoding="utf-8")
    jobs = [{"id": i, "input": str(p), "outputs": {"json": str(tmp_path / f"{p.stem}.json")}, "options": {}}
            for i, p in enumerate([fifo, good])]
    return fifo, good, jobs


def test_timeout_kills_a_hung_worker(tmp_path):
    fifo, good, jobs = _hung_and_good_jobs(tmp_path, GOOD["ke_hoach.txt"])
    t0 = time.monotonic()
    results = {job["input"]: res for job, res in run_local(jobs, 2, timeout=10)}
    assert time.monotonic() - t0 < 45
    assert results[str(fifo)]["status"] == "failed" and "timed out" in results[str(fifo)]["error"]
    assert results[str(good)]["status"] == "ok", results[str(good)]["error"]


def _many(src: Path, n: int) -> None:
    texts = list(GOOD.values())
    write_good(src, {f"d{i:03d}.txt": texts[i % 3] + f"Mục {i}. Nội dung công việc thứ {i}.\n" for i in range(n)})


def _batch_cmd(src: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "planparse", "batch", str(src), "-o", str(out), "--jobs", "2"]


def test_sigkill_mid_batch_then_rerun_completes(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _many(src, 150)
    journal = out / ".manifest.jsonl.journal"
    kill_when(_batch_cmd(src, out), lambda: journal.exists() and journal.read_text(encoding="utf-8").count("\n") >= 10,
              timeout=30, poll=0.02)

    rerun = subprocess.run(_batch_cmd(src, out), capture_output=True, text=True, timeout=60)
    assert rerun.returncode == 0, rerun.stderr
    recs = manifest(out)
    assert len(recs) == 150 and all(r["status"] in ("ok", "skipped") for r in recs.values())
    assert any(r["status"] == "skipped" for r in recs.values())
    for r in recs.values():
        Document.model_validate_json((out / r["output"]).read_text(encoding="utf-8"))
    assert not partial_files(out)


def test_ctrl_c_stops_and_writes_manifest(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    _many(src, 150)
    # a shell's background job starts with SIGINT ignored, and Python then keeps it ignored: restore the default
    code = ("import signal, sys\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"
            "from planparse.batching import run_batch, BatchInterrupted\n"
            f"try:\n    run_batch({str(src)!r}, {str(out)!r}, jobs=2, progress=False)\n"
            "except BatchInterrupted as e:\n    print(e.summary.ok, e.summary.skipped); sys.exit(130)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    journal = out / ".manifest.jsonl.journal"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (journal.exists() and journal.read_text(encoding="utf-8").count("\n") >= 5):
        time.sleep(0.02)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, _ = proc.communicate(timeout=20)
    assert time.monotonic() - t0 < 10
    if proc.returncode == 0:
        pytest.skip("batch finished before the interrupt")
    assert proc.returncode == 130
    recs = manifest(out)
    assert len(recs) == 150
    assert any(r["error"] == "interrupted before conversion" for r in recs.values())
    assert not partial_files(out)


def test_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed")
    src, out = tmp_path / "in", tmp_path / "out"
    write_good(src)
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    summary = run_batch(src, out, jobs=2, executor="dask", progress=False)
    assert (summary.ok, summary.failed) == (len(GOOD), 1)
    recs = manifest(out)
    assert recs["binary.txt"]["error"]
    again = run_batch(src, out, jobs=1, executor="local", progress=False)
    assert again.skipped == len(GOOD)


def test_bad_arguments_are_one_line_errors(tmp_path):
    from planparse.batching import BatchUsageError

    src = tmp_path / "in"
    write_good(src)
    with pytest.raises(BatchUsageError, match="unknown format"):
        run_batch(src, tmp_path / "out", formats="json,docx", progress=False)
    with pytest.raises(BatchUsageError, match="unknown executor"):
        run_batch(src, tmp_path / "out", executor="slurm", progress=False)


def test_planparse_batch_is_callable_twice(tmp_path):
    import planparse

    src = tmp_path / "in"
    write_good(src)
    assert planparse.batch(src, tmp_path / "out", jobs=1, progress=False).ok == len(GOOD)
    assert planparse.batch(src, tmp_path / "out", jobs=1, progress=False).skipped == len(GOOD)


def test_dask_timeout_fails_the_document_not_the_batch(tmp_path):
    pytest.importorskip("distributed")
    from planparse.batching.dask_runner import run_dask

    fifo, good, jobs = _hung_and_good_jobs(tmp_path, GOOD["quyet_dinh.txt"])
    results = {}
    for job, res in run_dask(jobs, 2, timeout=10):
        results[job["input"]] = res
        if job["input"] == str(fifo):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # let the stuck task end so the cluster closes fast
    assert results[str(fifo)]["status"] == "failed" and "timed out" in results[str(fifo)]["error"]
    assert results[str(good)]["status"] == "ok", results[str(good)]["error"]
