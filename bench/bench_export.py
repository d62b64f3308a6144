"""Searchable PDF and review page on the shared scans: does the PDF carry the repaired text, and at what cost.

For each scan: planparse's PDF (`pdftotext -raw`) against the gold text, next to the layer plain
Tesseract writes (`tesseract page vie pdf`, what OCRmyPDF-style tools embed); agreement of the PDF
text with `--format text`; whether the page image streams are byte-identical; seconds and sizes of
both exports. Reads ../shared/scans (benchmarks may; tests may not).
Usage: python bench/bench_export.py [--no-baseline]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ocr import SHARED, accuracy  # noqa: E402

from planparse import export  # noqa: E402
from planparse.api import ingest  # noqa: E402


def pdftotext_raw(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def image_hashes(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [hashlib.sha256(i.read_raw_bytes()).hexdigest() for p in pdf.pages for i in p.get_images().values()]


def tesseract_layer(pdf: Path, tmp: Path) -> str:
    """The text of the layer bare Tesseract puts into its own PDF output, page by page."""
    subprocess.run(["pdfimages", "-j", str(pdf), str(tmp / "img")], check=True)
    out = []
    for img in sorted(tmp.glob("img-*")):
        subprocess.run(["tesseract", str(img), str(tmp / img.stem), "-l", "vie", "pdf"], capture_output=True, check=True)
        out.append(pdftotext_raw(tmp / f"{img.stem}.pdf"))
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-baseline", action="store_true", help="skip the bare-Tesseract layer")
    args = ap.parse_args()
    scans = sorted(SHARED.glob("scans/*.pdf"))
    print(f"{'scan':32} {'pages':>5} {'pdf/gold':>8} {'tess/gold':>9} {'pdf/text':>8} {'imgs=':>5} "
          f"{'pdf s':>6} {'pdf MB':>6} {'html s':>6} {'html MB':>7}")
    for scan in scans:
        gold = scan.with_suffix(".gold.txt").read_text(encoding="utf-8")
        doc = ingest(scan, jobs=2)
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            t = time.perf_counter()
            (tmp / "out.pdf").write_bytes(export.to_pdf(doc))
            pdf_s = time.perf_counter() - t
            t = time.perf_counter()
            html = export.to_html(doc)
            html_s = time.perf_counter() - t
            layer = pdftotext_raw(tmp / "out.pdf")
            same = image_hashes(tmp / "out.pdf") == image_hashes(scan)
            tess = "" if args.no_baseline else f"{accuracy(tesseract_layer(scan, tmp), gold):9.3f}"
            print(f"{scan.name:32} {len(doc.pages):5d} {accuracy(layer, gold):8.3f} {tess:>9} "
                  f"{accuracy(layer, export.to_text(doc)):8.3f} {str(same):>5} {pdf_s:6.1f} "
                  f"{(tmp / 'out.pdf').stat().st_size / 1e6:6.2f} {html_s:6.1f} {len(html.encode()) / 1e6:7.2f}", flush=True)


if __name__ == "__main__":
    main()
