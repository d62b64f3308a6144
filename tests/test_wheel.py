"""A plain (non-editable) install works like the checkout: the wheel carries the dictionaries and the model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PLANPARSE_DATA", "PLANPARSE_LM")}
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900, **kw)
    assert r.returncode == 0, f"{cmd}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check", "-w", str(work / "dist"),
          str(REPO)])
    (wheel,) = (work / "dist").glob("planparse-*.whl")
    venv.create(work / "venv", with_pip=True)
    py = work / "venv" / "bin" / "python"
    _run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)])
    return work / "venv" / "bin"


def test_wheel_install_restores_and_ingests(wheel_venv, tmp_path, scan_pdf):
    text = "Ke hoach trien khai cong tac cai cach hanh chinh nam 2026\n"
    r = _run([str(wheel_venv / "planparse"), "restore", "-"], input=text, cwd=tmp_path)
    assert r.stdout.strip() == "Kế hoạch triển khai công tác cải cách hành chính năm 2026"
    code = "import planparse, sys; print(planparse.__file__); print(planparse.restore(sys.argv[1])[0])"
    r = _run([str(wheel_venv / "python"), "-c", code, "Ke hoach trien khai"], cwd=tmp_path)
    where, restored = r.stdout.strip().splitlines()
    assert str(REPO) not in where and restored == "Kế hoạch triển khai"
    out = tmp_path / "letter.json"
    _run([str(wheel_venv / "planparse"), "ingest", str(scan_pdf), "-o", str(out)], cwd=tmp_path)
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert "Bồi dưỡng" in doc["text"] and doc["header"]["number"] == "412/KH-SGDĐT"
