"""The queryable dataset: tables equal the JSON outputs, survive kill and resume, --force replaces, Dask agrees."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

from planparse.batching import run_batch  # noqa: E402
from planparse.dataset import TABLES, build_dataset, query  # noqa: E402
from planparse.dataset.schema import COLUMNS  # noqa: E402

from .conftest import REPO, kill_when, run_cli  # noqa: E402

LEADS = ["Văn phòng Sở", "Sở Y tế", "Phòng Kế hoạch", "Trung tâm Thông tin"]


def plan_text(i: int) -> str:
    """A short plan with a header, two cited documents, an undiacritised line and a flattened task table."""
    return (
        f"ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\nSỞ NGOẠI VỤ\nSố: {100 + i}/KH-SNgV\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        f"Phú Thọ, ngày {1 + i % 27} tháng {1 + i % 12} năm 2025\n"
        f"KẾ HOẠCH\nTriển khai công tác phòng chống thiên tai đợt {i}\n"
        "Thực hiện Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể "
        "cải cách hành chính, Sở Ngoại vụ xây dựng kế hoạch như sau:\n"
        "I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nNang cao hieu qua cong tac phong chong thien tai cua tinh.\n"
        "2. Yêu cầu\nBảo đảm tiến độ theo Quyết định số 3041/QĐ-UBND ngày 26/7/2025 của UBND tỉnh.\n"
        "II. NHIỆM VỤ\nPHỤ LỤC\nDanh mục nhiệm vụ năm 2026\nSTT Nội dung Chủ trì Phối hợp Thời gian Sản phẩm\n"
        f"1 Rà soát quy trình nội bộ đợt {i} {LEADS[i % 4]} Các phòng chuyên môn Quý {'I' * (1 + i % 3)}/2026 Báo cáo\n"
        "2 Cập nhật chuyên mục trên cổng thông tin Trung tâm Thông tin Văn phòng Sở Thường xuyên Tin, bài, ảnh\n"
    )


def write_plans(folder: Path, n: int, start: int = 0) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (folder / f"kh{i:03d}.txt").write_text(plan_text(i), encoding="utf-8")


def manifest(out: Path) -> dict[str, dict]:
    recs = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    return {r["input"]: r for r in recs}


def _iso(v):
    return v.isoformat() if hasattr(v, "isoformat") else v


def _sections(nodes, parent=None, acc=None):
    """(id, parent_id, number, title, level) in reading order, walked from the JSON independently."""
    acc = [] if acc is None else acc
    for s in nodes:
        me = len(acc)
        acc.append((me, parent, s["number"], s["title"], s["level"]))
        _sections(s["children"], me, acc)
    return acc


def expected_from_json(out: Path) -> dict[str, set]:
    """What every table must hold, read straight from the JSON outputs and the manifest (no planparse code)."""
    want: dict[str, set] = {t: set() for t in TABLES}
    for rec in manifest(out).values():
        if rec["status"] == "failed":
            want["documents"].add((rec["sha256"], rec["input"], None, "failed", rec["error"], None, None))
            continue
        doc = json.loads((out / rec["output"]).read_text(encoding="utf-8"))
        did, h = doc["source"]["sha256"], doc["header"]
        want["documents"].add((did, rec["input"], doc["source"]["path"], "ok", None, h["number"], h["date"]))
        want["sections"] |= {(did, *row) for row in _sections(doc["sections"])}
        want["references"] |= {(did, i, r["type"], r["number"], r["date"], r["issuer"], tuple(r["cited_in"]))
                               for i, r in enumerate(doc["references"])}
        want["tasks"] |= {(did, i, t["tt"], t["task"], t["lead"], tuple(t["partners"]),
                           (t["deadline"] or {}).get("start"), (t["deadline"] or {}).get("end"), t["product"])
                          for i, t in enumerate(doc["tasks"])}
        want["repairs"] |= {(did, i, r["original"], r["restored"], r["confidence"], r["page"])
                            for i, r in enumerate(doc["restorations"])}
        want["warnings"] |= {(did, i, w["stage"], w["page"], w["message"]) for i, w in enumerate(doc["warnings"])}
    return want


SQL = {
    "documents": "SELECT document_id, input, path, status, error, number, date FROM documents",
    "sections": "SELECT document_id, id, parent_id, number, title, level FROM sections",
    "references": 'SELECT document_id, id, type, number, date, issuer, cited_in FROM "references"',
    "tasks": "SELECT document_id, id, tt, task, lead, partners, deadline_start, deadline_end, product FROM tasks",
    "repairs": "SELECT document_id, id, original, restored, confidence, page FROM repairs",
    "warnings": "SELECT document_id, id, stage, page, message FROM warnings",
}


def actual(out: Path) -> dict[str, list]:
    """Every table's rows as DuckDB reads them (a list, so duplicates would show)."""
    got = {}
    for table, sql in SQL.items():
        rows = query(out / "dataset", sql).to_pylist()
        got[table] = [tuple(tuple(v) if isinstance(v, list) else _iso(v) for v in r.values()) for r in rows]
    return got


def assert_matches_json(out: Path) -> dict[str, list]:
    want, got = expected_from_json(out), actual(out)
    for table in TABLES:
        assert len(got[table]) == len(set(got[table])), f"duplicate rows in {table}"
        assert set(got[table]) == want[table], table
    return got


def full_tables(out: Path) -> dict[str, list]:
    return {t: sorted(map(repr, query(out, f'SELECT * FROM "{t}"').to_pylist())) for t in TABLES}


def test_batch_dataset_equals_the_json_and_rebuilds_from_it(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_plans(src, 6)
    (src / "empty.pdf").write_bytes(b"")
    summary = run_batch(src, out, jobs=2, progress=False, dataset=True)
    assert (summary.ok, summary.failed) == (6, 1)

    got = assert_matches_json(out)
    assert len(got["documents"]) == 7 and len(got["tasks"]) == 12 and len(got["references"]) == 12
    assert got["repairs"] and got["warnings"] and got["sections"]
    failed = query(out, "SELECT d.status, d.error, (SELECT count(*) FROM sections s WHERE s.document_id = d.document_id) "
                        "+ (SELECT count(*) FROM warnings w WHERE w.document_id = d.document_id) AS others "
                        "FROM documents d WHERE input = 'empty.pdf'").to_pylist()
    assert failed == [{"status": "failed", "error": manifest(out)["empty.pdf"]["error"], "others": 0}]
    assert not list((out / "dataset").glob("_staging/*"))

    # The same JSON outputs without their dataset: `planparse dataset OUT/` writes the same tables.
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("dataset"))
    r = run_cli("dataset", str(copy))
    assert r.returncode == 0, r.stderr
    assert full_tables(copy / "dataset") == full_tables(out / "dataset")

    r = run_cli("query", str(out / "dataset"), "--format", "json",
                "SELECT d.number, t.lead FROM tasks t JOIN documents d USING (document_id) "
                "WHERE t.lead = 'Sở Y tế' ORDER BY d.number")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"number": "101/KH-SNgV", "lead": "Sở Y tế"},
                                    {"number": "105/KH-SNgV", "lead": "Sở Y tế"}]
    r = run_cli("query", str(out), "SELECT nonsense FROM tasks")
    assert r.returncode == 2 and "SQL error" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_force_replaces_one_documents_rows_and_a_changed_file_its_old_rows(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_plans(src, 4)
    run_batch(src, out, jobs=2, progress=False, dataset=True)
    before = actual(out)
    kh1 = manifest(out)["kh001.txt"]["sha256"]
    assert any(r[0] == kh1 for r in before["repairs"])

    # Re-convert one document, with repair off: its repairs rows go, nobody else's rows change.
    run_batch(src, out, jobs=1, progress=False, dataset=True, glob="kh001.txt", force=True, restore="off")
    after = actual(out)
    assert not any(r[0] == kh1 for r in after["repairs"])
    for table in TABLES:
        assert len(after[table]) == len(set(after[table]))
        assert {r for r in after[table] if r[0] != kh1} == {r for r in before[table] if r[0] != kh1}, table
    assert len(after["documents"]) == 4

    # A changed file is a new document; its old rows leave, and a file removed from the folder leaves too.
    (src / "kh002.txt").write_text(plan_text(2).replace("đợt 2", "đợt 20"), encoding="utf-8")
    (src / "kh003.txt").unlink()
    r = run_cli("batch", str(src), "-o", str(out), "--jobs", "2", "--dataset")
    assert r.returncode == 0, r.stderr
    assert_matches_json(out)
    docs = query(out, "SELECT input FROM documents ORDER BY input").column("input").to_pylist()
    assert docs == ["kh000.txt", "kh001.txt", "kh002.txt"]


BATCH = """
import sys
import planparse.dataset.store as store
from planparse.batching import run_batch
store.CHUNK = 4
run_batch(sys.argv[1], sys.argv[2], jobs=2, progress=False, dataset=True)
"""


def test_kill_mid_batch_then_resume_has_every_row_once(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_plans(src, 40)
    index = out / "dataset" / "_index.json"

    def two_parts() -> bool:
        try:
            return len(json.loads(index.read_text(encoding="utf-8"))["parts"]) >= 2
        except (OSError, ValueError):
            return False

    kill_when([sys.executable, "-c", BATCH, str(src), str(out)], two_parts, timeout=120)
    committed = len(json.loads(index.read_text(encoding="utf-8"))["documents"])
    assert 0 < committed < 40

    rerun = subprocess.run([sys.executable, "-c", BATCH, str(src), str(out)], capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    recs = manifest(out)
    assert len(recs) == 40 and any(r["status"] == "skipped" for r in recs.values())
    got = assert_matches_json(out)
    assert len(got["documents"]) == 40 and len(got["tasks"]) == 80
    leftovers = [p for p in (out / "dataset").rglob("*") if p.is_file() and p.suffix != ".parquet"
                 and p.name not in ("_index.json", ".lock")]
    assert not leftovers


def test_dask_executor_writes_the_same_dataset(tmp_path):
    pytest.importorskip("distributed")
    src = tmp_path / "in"
    write_plans(src, 3)
    (src / "binary.txt").write_bytes(bytes(range(256)) * 8)
    run_batch(src, tmp_path / "local", jobs=1, progress=False, dataset=True)
    summary = run_batch(src, tmp_path / "dask", jobs=2, executor="dask", progress=False, dataset=True)
    assert (summary.ok, summary.failed) == (3, 1)
    assert_matches_json(tmp_path / "dask")
    assert full_tables(tmp_path / "dask" / "dataset") == full_tables(tmp_path / "local" / "dataset")


def test_unnamed_parts_are_swept_and_never_read(tmp_path):
    """Files a killed commit left (not in the index) disappear at the next open and never reach a query."""
    src, out = tmp_path / "in", tmp_path / "out"
    write_plans(src, 2)
    run_batch(src, out, jobs=1, progress=False, dataset=True)
    tasks = next((out / "dataset" / "tasks").glob("*.parquet"))
    stray = tasks.with_name("part-stray.parquet")
    shutil.copy(tasks, stray)
    assert query(out, "SELECT count(*) AS n FROM tasks").to_pylist() == [{"n": 4}]
    build_dataset(out)
    assert not stray.exists()


def test_readme_documents_every_column():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Dataset"):]
    for table, cols in COLUMNS.items():
        assert f"`{table}`" in section
        for c in cols:
            assert f"`{c.name}`" in section, (table, c.name)


def test_part_names_are_deterministic_and_a_replaced_document_leaves_its_old_part(tmp_path):
    from planparse.dataset.rows import failed_tables
    from planparse.dataset.store import Dataset

    def fill(root: Path) -> Dataset:
        ds = Dataset(root, chunk=2)
        for name in ("a", "b", "c"):
            ds.add(f"{name}.pdf", name * 64, "fp1", failed_tables(name * 64, input=f"{name}.pdf", error="bad"))
        ds.commit()
        return ds

    one, two = fill(tmp_path / "one"), fill(tmp_path / "two")
    assert sorted(one.index["parts"]) == sorted(two.index["parts"]) and len(one.index["parts"]) == 2
    two.close()
    one.add("b.pdf", "b" * 64, "fp2", failed_tables("b" * 64, input="b.pdf", error="worse"))
    one.close()
    rows = query(tmp_path / "one", "SELECT input, error FROM documents ORDER BY input").to_pylist()
    assert rows == [{"input": "a.pdf", "error": "bad"}, {"input": "b.pdf", "error": "worse"},
                    {"input": "c.pdf", "error": "bad"}]
    files = sorted(p.name for p in (tmp_path / "one" / "documents").iterdir())
    assert files == sorted(f"{p}.parquet" for p in one.index["parts"]) and len(files) == 3
