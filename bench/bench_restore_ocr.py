"""Benchmark restore on seed-like OCR of held-out laws: render them as scans, OCR with eng and vie, restore, score.

The laws listed in dictionaries/lm/heldout.txt are rendered (first pages of each) at 300 and 200 dpi,
OCR'd (cached in /tmp/planparse_bench_ocr) and restored; syllable accuracy against the original
text is printed before and after restoring. `--compare` also runs the bench_restore figures and
does everything with the table in use and with the one given by `--table`, in one process.
Reads ../shared relative to the repository (benchmarks only; tests never do).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_restore import accuracy, heldout_files, report, run  # noqa: E402

from planparse.repair import channel  # noqa: E402
from planparse.repair.channel import load  # noqa: E402
from planparse.resources import data_dir  # noqa: E402

CACHE = Path("/tmp/planparse_bench_ocr")
WORDS_PER_LAW = 900


def law_text(path: Path) -> list[str]:
    """The first paragraphs of a law, about two pages' worth."""
    paras, words = [], 0
    for ln in path.read_text(encoding="utf-8").splitlines():
        if ln.strip():
            paras.append(ln.strip())
            words += len(ln.split())
        if words >= WORDS_PER_LAW:
            break
    return paras


def ocr_law(path: Path, paras: list[str], dpi: int, lang: str) -> str:
    """Rendered, scan-degraded and OCR'd text of the paragraphs (cached)."""
    out = CACHE / f"{path.stem}_{dpi}_{lang}.txt"
    if out.exists():
        return out.read_text(encoding="utf-8")
    import pytesseract

    from planparse.devtools import synth

    pages = synth.render(synth.SynthDoc(body=paras), dpi=dpi)
    text = "\n".join(pytesseract.image_to_string(synth.degrade(p, seed=k, dpi=dpi), lang=lang)
                     for k, p in enumerate(pages))
    CACHE.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return text


def score(pred: list[str], gold: list[str]) -> float:
    """Syllable accuracy of a whole text (line breaks of OCR and original differ)."""
    return accuracy([" ".join(pred)], [" ".join(gold)])[0]


def ocr_figures(laws: list[tuple[Path, list[str]]], dpis: list[int], langs: list[str], verbose: bool) -> None:
    for lang in langs:
        for dpi in dpis:
            before = after = 0.0
            n = 0
            t0 = time.perf_counter()
            errs = []
            for path, paras in laws:
                ocr = [ln for ln in ocr_law(path, paras, dpi, lang).splitlines() if ln.strip()]
                pred, _, _ = run(ocr)
                nsyl = sum(len(p.split()) for p in paras)
                before += score(ocr, paras) * nsyl
                after += score(pred, paras) * nsyl
                n += nsyl
                if verbose:
                    errs += accuracy([" ".join(pred)], [" ".join(paras)])[1]
            print(f"  held-out laws, {lang} OCR at {dpi} dpi: syllable accuracy {after / n:.4f} (input {before / n:.4f}); "
                  f"{time.perf_counter() - t0:.1f} s")
            for e in errs[:80]:
                print("     ", e)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", default="300,200")
    ap.add_argument("--lang", default="eng,vie")
    ap.add_argument("--compare", action="store_true", help="table in use vs --table, with the bench_restore figures")
    ap.add_argument("--table", default=str(data_dir() / "confusions.tsv"), help="another learned table to compare")
    ap.add_argument("-v", action="store_true", help="list errors")
    args = ap.parse_args()
    laws = [(f, law_text(f)) for f in heldout_files() if f.parent.name == "laws" and f.exists()]
    print(f"{len(laws)} held-out laws, {sum(len(' '.join(p).split()) for _, p in laws)} words")
    dpis = [int(d) for d in args.dpi.split(",")]
    langs = args.lang.split(",")
    tables = [("in use", channel.CONFUSIONS)]
    if args.compare:
        tables += [(args.table, load(args.table))]
    for name, rules in tables:
        channel.set_rules(rules)
        print(f"{name} confusion rules ({len(rules)}):")
        if args.compare:
            report(args.v)
        ocr_figures(laws, dpis, langs, args.v)


if __name__ == "__main__":
    main()
