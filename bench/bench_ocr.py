"""OCR accuracy and cost: planparse `--format text` vs bare `tesseract -l vie` on the same page images.

Reads ../shared/scans/*.pdf with their *.gold.txt (benchmarks may; tests may not). Prints, per scan,
word accuracy (order-aware alignment against the gold text) and CPU seconds per page.
Usage: python bench/bench_ocr.py [--langs vie,vie+Vietnamese] [--restore off,auto]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from planparse.repair.orthography import normalise_text

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def words(text: str) -> list[str]:
    """The words of a text, NFC and with tone marks placed in one style (hoà and hòa, thuỷ and thủy count as the same
    word: both placements are correct, and planparse writes the one its `style` option asks for)."""
    return normalise_text(unicodedata.normalize("NFC", text), style="new").replace("|", " ").split()


def accuracy(got: str, gold: str) -> float:
    g, w = words(got), words(gold)
    ops = Levenshtein.opcodes(w, g)
    return sum(o.src_end - o.src_start for o in ops if o.tag == "equal") / max(1, len(w))


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bare_tesseract(pdf: Path, lang: str) -> tuple[str, float, int]:
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["pdfimages", "-j", str(pdf), f"{d}/p"], check=True)
        imgs = sorted(Path(d).glob("p-*"))
        c0 = child_cpu()
        out = []
        for img in imgs:
            dpi = next((d for d in ("300", "200", "150") if d in pdf.name), "300")
            r = subprocess.run(["tesseract", str(img), "-", "-l", lang, "--dpi", dpi],
                               capture_output=True, text=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"))
            out.append(r.stdout)
        return "\n".join(out), child_cpu() - c0, len(imgs)


def planparse_text(pdf: Path, lang: str, restore: str) -> tuple[str, float]:
    c0 = child_cpu()
    r = subprocess.run([sys.executable, "-m", "planparse", "ingest", str(pdf), "--format", "text", "--jobs", "1",
                        "--lang", lang, "--restore", restore], capture_output=True, text=True,
                       env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    if r.returncode:
        print(r.stderr, file=sys.stderr)
    return r.stdout, child_cpu() - c0


def synthetic_scans(folder: Path) -> list[Path]:
    """The sample plan's text pages rendered as noisy, skewed scans, each with its gold text."""
    sys.path.insert(0, str(REPO / "samples"))
    from make_sample import DOC

    from planparse.devtools.synth import degrade, plain_text, render, to_pdf

    body = DOC.__class__(**{**DOC.__dict__, "table": []})
    out = []
    for dpi in (300, 200, 150):
        pages = [degrade(p, seed=dpi + i, skew=0.6, noise=6.0, blur=0.5) for i, p in enumerate(render(body, dpi=dpi))]
        pdf = to_pdf(pages, folder / f"synthetic_plan_{dpi}dpi.pdf", dpi=dpi, quality=60)
        pdf.with_suffix(".gold.txt").write_text(plain_text(body), encoding="utf-8")
        out.append(pdf)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--langs", default="vie")
    ap.add_argument("--restore", default="off,auto")
    ap.add_argument("--scans", default=str(SHARED / "scans"))
    ap.add_argument("--synthetic", action="store_true", help="also render the sample plan at 300/200/150 dpi")
    args = ap.parse_args()
    scans = sorted(Path(args.scans).glob("*.pdf"))
    if args.synthetic:
        scans += synthetic_scans(Path(tempfile.mkdtemp(prefix="bench-ocr-")))
    if not scans:
        print(f"no scans under {args.scans}; skipping")
        return
    print(f"{'scan':34} {'engine':32} {'word acc':>8} {'cpu s/page':>10}")
    for pdf in scans:
        gold = pdf.with_suffix(".gold.txt").read_text(encoding="utf-8")
        for lang in args.langs.split(","):
            text, cpu, n = bare_tesseract(pdf, lang)
            print(f"{pdf.name:34} {'tesseract -l ' + lang:32} {accuracy(text, gold):8.2%} {cpu / n:10.2f}")
            for mode in args.restore.split(","):
                text, cpu = planparse_text(pdf, lang, mode)
                print(f"{pdf.name:34} {f'planparse --lang {lang} restore={mode}':32} {accuracy(text, gold):8.2%} {cpu / n:10.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    t = time.time()
    main()
    print(f"({time.time() - t:.0f} s)")
