"""Batch and output safety (issue 19): symlinks, timeouts that time the document only, private temp
folders, umask, unwritable targets and a full disk."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from planparse.batching import manifest as mf
from planparse.batching import run_batch
from planparse.batching.discover import find_inputs
from planparse.batching.local import run_local
from planparse.errors import OutputError
from tests.conftest import run_cli
from tests.test_batch import GOOD, _hung_and_good_jobs, write_good


def _linked_tree(tmp_path: Path) -> Path:
    """in/ with a real file, a link to a file outside, and a link to a folder outside."""
    outside = tmp_path / "outside"
    write_good(outside, {"secret.txt": GOOD["bao_cao.txt"]})
    src = tmp_path / "in"
    write_good(src, {"real.txt": GOOD["ke_hoach.txt"]})
    (src / "file_link.txt").symlink_to(outside / "secret.txt")
    (src / "dir_link").symlink_to(outside, target_is_directory=True)
    return src


def test_symlinks_are_left_out_by_default_for_files_and_folders_alike(tmp_path):
    src = _linked_tree(tmp_path)
    skipped: list[str] = []
    assert find_inputs(src, tmp_path / "o", recursive=True, skipped_links=skipped) == ["real.txt"]
    assert sorted(skipped) == ["dir_link", "file_link.txt"]
    assert find_inputs(src, tmp_path / "o", recursive=True, follow_symlinks=True) == [
        "dir_link/secret.txt", "file_link.txt", "real.txt"]


def test_follow_symlinks_survives_a_link_loop(tmp_path):
    src = tmp_path / "in"
    write_good(src / "a", {"x.txt": GOOD["ke_hoach.txt"]})
    (src / "a" / "loop").symlink_to(src, target_is_directory=True)
    assert find_inputs(src, tmp_path / "o", recursive=True, follow_symlinks=True) == ["a/x.txt"]


def test_batch_cli_reports_skipped_links(tmp_path):
    src = _linked_tree(tmp_path)
    out = tmp_path / "out"
    res = run_cli("batch", str(src), "-o", str(out), "--recursive", "--jobs", "1")
    assert res.returncode == 0, res.stderr
    assert "2 symbolic link(s) left out" in res.stderr and "--follow-symlinks" in res.stderr
    assert sorted(p.name for p in out.rglob("*.json")) == ["real.json"]


def test_timeout_counts_the_document_not_the_model_load(tmp_path):
    """The repair model takes seconds to load in a fresh worker; a 1.5 s timeout must still pass a small text."""
    src = tmp_path / "in"
    write_good(src, {"tiny.txt": GOOD["ke_hoach.txt"]})
    summary = run_batch(src, tmp_path / "out", jobs=1, timeout=1.5, progress=False)
    assert summary.ok == 1, summary.failures


def test_worker_temp_folders_are_removed_even_when_a_worker_is_killed(tmp_path, monkeypatch):
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    from planparse.devtools.synth import font_path

    img = Image.new("L", (900, 160), 255)
    ImageDraw.Draw(img).text((30, 50), "Kế hoạch cải cách hành chính", fill=0, font=ImageFont.truetype(font_path(), 44))
    png = tmp_path / "page.png"
    img.save(png, dpi=(300, 300))
    fifo, good, jobs = _hung_and_good_jobs(tmp_path, GOOD["ke_hoach.txt"])
    jobs.append({**jobs[-1], "id": 99, "input": str(png), "rel": "page.png",
                 "outputs": {"json": str(tmp_path / "page.json")}, "out_rel": ["page.json"]})
    # 10 s, not less: the good page's OCR ran past 4 s once on a machine at load 12 (two cores).
    results = {job["input"]: res for job, res in run_local(jobs, 2, timeout=10)}
    assert results[str(fifo)]["status"] == "failed" and "timed out" in results[str(fifo)]["error"]
    assert results[str(png)]["status"] == "ok", results[str(png)]
    assert list(root.iterdir()) == []


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_outputs_and_manifest_honour_the_umask(tmp_path):
    src = tmp_path / "in"
    write_good(src, {"a.txt": GOOD["ke_hoach.txt"]})
    old = os.umask(0o022)
    try:
        run_batch(src, tmp_path / "out", jobs=1, formats=("json", "csv"), progress=False)
        res = run_cli("ingest", str(src / "a.txt"), "-o", str(tmp_path / "single.json"))
    finally:
        os.umask(old)
    assert res.returncode == 0, res.stderr
    for name in ("out/a.json", "out/a.csv", "out/manifest.jsonl", "single.json"):
        assert _mode(tmp_path / name) == 0o644, name


def test_unwritable_output_is_refused_before_the_work(tmp_path):
    src = tmp_path / "in"
    write_good(src)
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write to the output folder"):
        run_batch(src, blocker / "out", jobs=1, progress=False)
    res = run_cli("batch", str(src), "-o", str(blocker / "out"))
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "output folder" in res.stderr
    res = run_cli("ingest", str(src / "bao_cao.txt"), "-o", str(blocker / "x.json"))
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "output folder" in res.stderr


def test_full_disk_at_the_manifest_keeps_the_journal_and_says_how_to_resume(tmp_path, monkeypatch):
    """ENOSPC is provoked by a stand-in writer (a full disk cannot be made portably in a test)."""
    src, out = tmp_path / "in", tmp_path / "out"
    write_good(src)
    import planparse.export

    real = planparse.export.write_atomic

    def full(path, *a, **k):
        if Path(path).name == mf.MANIFEST:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(planparse.export, "write_atomic", full)
    with pytest.raises(OutputError) as exc:
        run_batch(src, out, jobs=1, progress=False)
    msg = str(exc.value)
    assert "No space left on device" in msg and "rerun the same command to resume" in msg and "\n" not in msg
    assert len(mf.read_records(out / mf.JOURNAL)) == 3
    monkeypatch.setattr(planparse.export, "write_atomic", real)
    again = run_batch(src, out, jobs=1, progress=False)
    assert again.skipped == 3 and again.failed == 0


def test_full_disk_mid_batch_stops_with_the_manifest_written(tmp_path, monkeypatch):
    """The journal cannot take another line (ENOSPC, provoked by a stand-in): the batch stops, the manifest
    records what was done, and a rerun converts the rest."""
    src, out = tmp_path / "in", tmp_path / "out"
    write_good(src)
    real = mf.Journal.add
    calls = []

    def add(self, rec):
        calls.append(rec["input"])
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(self, rec)

    monkeypatch.setattr(mf.Journal, "add", add)
    with pytest.raises(OutputError, match="rerun the same command to resume"):
        run_batch(src, out, jobs=1, progress=False)
    recs = mf.read_records(out / mf.MANIFEST)
    assert len(recs) == 3 and sum(r["status"] == "ok" for r in recs) >= 1
    monkeypatch.setattr(mf.Journal, "add", real)
    again = run_batch(src, out, jobs=1, progress=False)
    assert again.failed == 0 and again.skipped >= 1 and again.ok + again.skipped == 3


def test_a_failed_output_write_is_an_output_error_naming_the_file(tmp_path, monkeypatch):
    import planparse.export
    from planparse.batching.outputs import write_output

    def full(path, *a, **k):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(planparse.export, "write_atomic", full)
    with pytest.raises(OutputError, match="cannot write output: No space left on device") as exc:
        write_output(tmp_path / "x.json", "{}")
    assert "x.json" in str(exc.value)
