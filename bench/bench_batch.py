"""Batch figures: CPU overhead vs bare Tesseract, jobs 2 vs 1 speed-up, peak RSS on a 300-page scan, CLI start-up.

Usage: python bench/bench_batch.py [--pages 10] [--rss-pages 300] [--rss-dpi 300] [--repeat 2] [--skip-rss]
Page images come from ../shared/scans/*.pdf (relative to the repo) when present, else are generated.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCANS = REPO.parent / "shared" / "scans"
BIN = Path(sys.executable).parent
PLANPARSE = [str(BIN / "planparse")] if (BIN / "planparse").exists() else [sys.executable, "-m", "planparse"]
TARGETS = {"cpu_ratio": 1.15, "speedup": 1.8, "rss_mb": 1536, "startup_s": 0.3}


def child_cpu() -> float:
    """User+system CPU seconds of all reaped descendants so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def one_page_pdfs(folder: Path, n: int) -> list[Path]:
    """Up to n one-page PDFs taken round-robin from the shared scans, or generated pages."""
    from pypdf import PdfReader, PdfWriter

    readers = [PdfReader(p) for p in sorted(SCANS.glob("*.pdf"))] if SCANS.is_dir() else []
    pages = []
    for i in range(max((len(r.pages) for r in readers), default=0)):
        pages += [r.pages[i] for r in readers if i < len(r.pages)]
    out = []
    if pages:
        for i, page in enumerate(pages[:n]):
            w = PdfWriter()
            w.add_page(page)
            w.write(folder / f"page{i:02d}.pdf")
            out.append(folder / f"page{i:02d}.pdf")
        return out
    for i in range(n):
        generated_page(300).save(folder / f"page{i:02d}.pdf", resolution=300)
        out.append(folder / f"page{i:02d}.pdf")
    return out


def generated_page(dpi: int):
    """An A4 page of Vietnamese administrative text rendered with a system font (fallback when no scans)."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSerif.ttf", dpi // 7)
    except OSError:
        font = ImageFont.load_default()
    lines = ["ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ", "KẾ HOẠCH", "Thực hiện nhiệm vụ chuyển đổi số năm 2024",
             "I. MỤC ĐÍCH, YÊU CẦU", "1. Nâng cao hiệu quả quản lý nhà nước trên địa bàn tỉnh.",
             "2. Bảo đảm tiến độ, chất lượng các nhiệm vụ được giao."] * 6
    for i, line in enumerate(lines):
        draw.text((dpi, dpi + i * dpi // 4), line, fill=0, font=font)
    return img


def extract_images(pdfs: list[Path], folder: Path) -> list[Path]:
    """The embedded page image of each scanned PDF (native resolution), as pdfimages gives it."""
    images = []
    for pdf in pdfs:
        prefix = folder / pdf.stem
        subprocess.run(["pdfimages", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
        found = sorted(folder.glob(f"{pdf.stem}-*.png"))
        if not found:
            subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(prefix)], check=True)
            found = [prefix.with_suffix(".png")]
        images.append(max(found, key=lambda p: p.stat().st_size))
    return images


def bare_tesseract(images: list[Path]) -> tuple[float, float]:
    """CPU and wall seconds of plain `tesseract -l vie` on each image, one thread."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    c0, t0 = child_cpu(), time.perf_counter()
    for img in images:
        subprocess.run(["tesseract", str(img), "stdout", "-l", "vie"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return child_cpu() - c0, time.perf_counter() - t0


def batch(in_dir: Path, out_dir: Path, jobs: int, repeat: int = 1) -> tuple[float, float, int]:
    """Least CPU and wall seconds over `repeat` runs of `planparse batch --jobs N --force` (the machine is shared)."""
    runs = [_batch_once(in_dir, out_dir, jobs) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def _batch_once(in_dir: Path, out_dir: Path, jobs: int) -> tuple[float, float, int]:
    c0, t0 = child_cpu(), time.perf_counter()
    proc = subprocess.run([*PLANPARSE, "batch", str(in_dir), "-o", str(out_dir), "--jobs", str(jobs), "--force"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode:
        print(f"  batch exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return child_cpu() - c0, time.perf_counter() - t0, proc.returncode


def ingest_loop(in_dir: Path) -> tuple[float, float]:
    """CPU and wall seconds of one process calling ingest(jobs=1) on each document: the pipeline alone."""
    code = ("import sys, pathlib\nfrom planparse.api import ingest\n"
            "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.pdf')):\n    ingest(p, jobs=1)\n")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    c0, t0 = child_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(in_dir)], env=env, check=True, stdout=subprocess.DEVNULL)
    return child_cpu() - c0, time.perf_counter() - t0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def peak_rss(cmd: list[str]) -> tuple[float, float, int]:
    """Peak summed RSS (MB) of the command's process tree, sampled every 0.1 s; wall seconds; exit code."""
    peak, t0 = 0.0, time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_mb(proc.pid))
            time.sleep(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    proc.wait()
    done.set()
    th.join()
    return peak, time.perf_counter() - t0, proc.returncode


def long_scan(path: Path, pages: int, dpi: int, source: Path | None) -> None:
    """A `pages`-page image-only PDF: one scanned page (resampled to dpi) repeated."""
    from PIL import Image

    img = Image.open(source).convert("L") if source else generated_page(dpi)
    if source:
        if dpi != 300:
            scale = dpi / 300
            img = img.resize((int(img.width * scale), int(img.height * scale)))
    buf = io.BytesIO()
    img.save(buf, format="PDF", resolution=dpi)
    from pypdf import PdfReader, PdfWriter

    page = PdfReader(io.BytesIO(buf.getvalue())).pages[0]
    w = PdfWriter()
    for _ in range(pages):
        w.add_page(page)
    w.write(path)


def startup() -> float:
    """Median wall seconds of `planparse --help` over 5 runs."""
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        subprocess.run([*PLANPARSE, "--help"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=10, help="one-page documents for the CPU and speed-up runs")
    ap.add_argument("--rss-pages", type=int, default=300)
    ap.add_argument("--rss-dpi", type=int, default=300, help="resolution of the long generated scan")
    ap.add_argument("--repeat", type=int, default=2, help="runs per batch figure; the best one counts")
    ap.add_argument("--skip-rss", action="store_true")
    args = ap.parse_args()
    if not shutil.which("tesseract"):
        sys.exit("tesseract not installed")
    with tempfile.TemporaryDirectory(prefix="bench_batch_") as tmp:
        root = Path(tmp)
        docs, imgs = root / "docs", root / "imgs"
        docs.mkdir()
        imgs.mkdir()
        pdfs = one_page_pdfs(docs, args.pages)
        images = extract_images(pdfs, imgs)
        print(f"inputs: {len(pdfs)} one-page scans ({'shared scans' if SCANS.is_dir() else 'generated'})")

        cpu_t, wall_t = bare_tesseract(images)
        print(f"bare tesseract -l vie, 1 thread: {cpu_t:.1f} s CPU, {wall_t:.1f} s wall")
        cpu_i, wall_i = ingest_loop(docs)
        print(f"ingest() loop in one process (pipeline alone): {cpu_i:.1f} s CPU, {wall_i:.1f} s wall; "
              f"pipeline/bare tesseract CPU {cpu_i / cpu_t:.2f}")
        cpu1, wall1, _ = batch(docs, root / "out1", 1, args.repeat)
        ratio = cpu1 / cpu_t if cpu_t else float("nan")
        print(f"batch --jobs 1: {cpu1:.1f} s CPU, {wall1:.1f} s wall; CPU ratio vs bare tesseract "
              f"{ratio:.2f} (target <= {TARGETS['cpu_ratio']}) {verdict(ratio <= TARGETS['cpu_ratio'])}; "
              f"batch/ingest-loop CPU {cpu1 / cpu_i:.2f} (the batch layer's own overhead)")
        cpu2, wall2, _ = batch(docs, root / "out2", 2, args.repeat)
        speedup = wall1 / wall2 if wall2 else float("nan")
        print(f"batch --jobs 2: {cpu2:.1f} s CPU, {wall2:.1f} s wall; speed-up {speedup:.2f}x "
              f"(target >= {TARGETS['speedup']}; {os.cpu_count()} cores, shared) {verdict(speedup >= TARGETS['speedup'])}")

        if not args.skip_rss:
            long_dir = root / "long"
            long_dir.mkdir()
            long_scan(long_dir / "long.pdf", args.rss_pages, args.rss_dpi, images[0] if SCANS.is_dir() else None)
            peak, wall, code = peak_rss([*PLANPARSE, "batch", str(long_dir), "-o", str(root / "outl"), "--jobs", "1"])
            print(f"peak RSS, {args.rss_pages}-page scan at {args.rss_dpi} dpi, batch --jobs 1: {peak:.0f} MB "
                  f"in {wall:.0f} s (exit {code}) (target < {TARGETS['rss_mb']} MB) {verdict(peak < TARGETS['rss_mb'])}")

        s = startup()
        print(f"planparse --help start-up: {s:.3f} s (target < {TARGETS['startup_s']}) {verdict(s < TARGETS['startup_s'])}")


if __name__ == "__main__":
    main()
