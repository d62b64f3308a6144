"""Shared fixtures: scan-like documents rendered on the fly (nothing read from outside the repo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

REPO = Path(__file__).resolve().parents[1]


def letter_doc():
    """A short official letter, written for these tests (not taken from any sample)."""
    from planparse.devtools.synth import SynthDoc

    return SynthDoc(
        header_left=["UBND TỈNH LÂM ĐỒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 412/KH-SGDĐT"],
        header_right=["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                      "Lâm Đồng, ngày 9 tháng 10 năm 2025"],
        title=["KẾ HOẠCH", "Bồi dưỡng thường xuyên giáo viên năm học 2025 - 2026"],
        body=[
            "Thực hiện Thông tư số 17/2019/TT-BGDĐT ngày 01/11/2019 của Bộ Giáo dục và Đào tạo, "
            "Sở Giáo dục và Đào tạo xây dựng kế hoạch bồi dưỡng như sau:",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Bồi dưỡng nâng cao năng lực chuyên môn, nghiệp vụ cho đội ngũ giáo viên các cấp học.",
            "2. Việc tổ chức bồi dưỡng phải thiết thực, hiệu quả, phù hợp với điều kiện của từng đơn vị.",
        ],
        recipients=["Nơi nhận:", "- Bộ GDĐT (b/c);", "- Các phòng thuộc Sở;", "- Lưu: VT."],
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Lan"],
    )


@pytest.fixture(scope="session")
def scan_pdf(tmp_path_factory) -> Path:
    """One noisy, slightly skewed 300-dpi page as an image-only PDF."""
    from planparse.devtools.synth import degrade, render, to_pdf

    pages = render(letter_doc(), dpi=300)[:1]
    return to_pdf([degrade(pages[0], seed=1, skew=0.8, noise=7.0, blur=0.6)], tmp_path_factory.mktemp("scan") / "letter.pdf")


@pytest.fixture(scope="session")
def scan_text() -> str:
    from planparse.devtools.synth import plain_text

    return plain_text(letter_doc())


def kill_when(cmd: list[str], ready, timeout: float, poll: float = 0.05) -> None:
    """Start `cmd` in its own process group, SIGKILL the group once `ready()` holds (or `timeout` passes);
    skip the test when the command finished before it could be killed."""
    import signal
    import time

    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None and not ready():
        time.sleep(poll)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if proc.returncode != -signal.SIGKILL:
        pytest.skip("batch finished before it could be killed")


def run_cli(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    """Run `python -m planparse …` as a user would."""
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "planparse", *args], capture_output=True, text=True, input=input,
                          env=env, timeout=600)


def word_accuracy(got: str, want: str) -> float:
    """Share of reference words found in order (via a word-level edit alignment)."""
    from rapidfuzz.distance import Levenshtein

    g, w = got.split(), want.split()
    ops = Levenshtein.opcodes(w, g)
    same = sum(op.src_end - op.src_start for op in ops if op.tag == "equal")
    return same / max(1, len(w))
