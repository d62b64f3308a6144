"""The command line as users run it: restore, lm build, schema, help."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import run_cli

CORPUS = (
    "Ủy ban nhân dân tỉnh ban hành kế hoạch cải cách hành chính năm 2026.\n"
    "Sở Nội vụ chủ trì, phối hợp với các sở, ngành triển khai thực hiện kế hoạch.\n"
    "Các cơ quan, đơn vị báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15 tháng 12.\n"
)


def test_restore_stdin_text_and_json():
    r = run_cli("restore", "-", input="Uy ban nhan dan tinh ban hanh ke hoach cai cach hanh chinh\n")
    assert r.returncode == 0, r.stderr
    assert "cải cách hành chính" in r.stdout
    r = run_cli("restore", "-", "--json", input="ke hoach cai cach hanh chinh so 12/KH-UBND\n")
    records = json.loads(r.stdout)
    assert records and all({"original", "restored", "confidence", "line"} <= set(x) for x in records)
    assert not any("12/KH-UBND" in x["original"] for x in records)


def test_restore_missing_file_is_one_line_error(tmp_path):
    r = run_cli("restore", str(tmp_path / "none.txt"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no such file" in r.stderr


def test_lm_build_writes_a_model_the_restorer_loads(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(CORPUS * 5, encoding="utf-8")
    model = tmp_path / "model.npz"
    r = run_cli("lm", "build", str(corpus), "-o", str(model))
    assert r.returncode == 0, r.stderr
    assert model.exists() and model.stat().st_size > 0 and "vocab" in r.stderr
    env = dict(os.environ, PLANPARSE_LM=str(model))
    r = subprocess.run([sys.executable, "-m", "planparse", "restore", "-"], input="so noi vu chu tri\n",
                       capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "nội vụ chủ trì" in r.stdout.lower()


def test_lm_confusions_keeps_the_rules_its_options_ask_for(tmp_path):
    """`--min-count` and `--max-rules` reach the learned table (one page rendered and OCR'd with eng)."""
    corpus = tmp_path / "c.txt"
    corpus.write_text(CORPUS * 6, encoding="utf-8")
    out = tmp_path / "confusions.tsv"
    r = run_cli("lm", "confusions", str(corpus), "--pages", "1", "--jobs", "1", "--dpi", "300", "--min-count", "1",
                "--max-rules", "5", "-o", str(out))
    assert r.returncode == 0, r.stderr
    text = out.read_text(encoding="utf-8")
    assert "min count 1, at most 5 rules" in text
    assert 0 < len([ln for ln in text.splitlines() if not ln.startswith("#")]) <= 5


def test_help_lists_commands():
    r = run_cli("--help")
    assert r.returncode == 0
    for cmd in ("ingest", "restore", "batch", "schema", "lm"):
        assert cmd in r.stdout
