"""Real-world pages: bare `tesseract -l vie` vs `planparse ingest` on scans at 300/200/150 dpi and phone-photo-like pages.

Material is generated here, never read from a sample: plans written for this bench (bench/realpages_docs.py,
commune/ministry and the restore tuning plans bench/tuning/t1-t7 laid out as signed plans = tuning set, about 3,500
words per class; district/province = held-out set) and, for the held-out set, the first page of two corpus files
the LM never saw (dictionaries/lm/heldout.txt; the tuning set uses seed 000's gold text as its development sample
instead). Plans get a red seal and a signature over their signer block, as real ones.
Classes: clean 300 dpi render; scans (skew, blur, noise, JPEG) at 300/200/150 dpi; photos (perspective, uneven
light, JPEG) clean / with a shadow / blurred / dark and noisy.

Per class it prints word accuracy of both; `broke` = of the words bare vie read right, the share planparse's final
text has wrong (correct text stays correct: target < 0.1 %); `kept` = share of the words planparse's raw OCR had
right that repair left right; and CPU seconds per page of both. Bare Tesseract is timed afresh on every run,
right before planparse on the same image, so both see the same machine load (a cached time from a quieter
moment made the ratio meaningless on a shared machine); one page is read untimed first (one-time loads).
Both are measured alike: CPU of this process and of its children (planparse reads in process through
tesserocr when installed, else runs `tesseract` as bare does), Tesseract single-threaded in both
(OMP_THREAD_LIMIT=1 forced, not defaulted), the image file read once before either is timed (warm cache).
-v adds per-document figures, planparse's residual word errors (gold -> read) and the broken ones (`broke:`).
Usage: python bench/bench_realpages.py [--set heldout|tuning] [--classes scan150,photo-blur] [-v] [--option k=v]
Reads ../shared (benchmarks may; tests never do). Images are cached in /tmp/planparse_bench_real (or
$PLANPARSE_BENCH_CACHE).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from benchlib import (
    CLASSES,
    REPO,
    SHARED,
    accuracy,
    bare,
    child_cpu,
    corpus_doc,
    right_positions,
    save_damaged,
    self_cpu,
    word_errors,
    words,
)
from rapidfuzz.distance import Levenshtein
from realpages_docs import HELDOUT, TUNING

from planparse.devtools import synth

CACHE = Path(os.environ.get("PLANPARSE_BENCH_CACHE", "/tmp/planparse_bench_real"))


def documents(which: str) -> dict[str, tuple[synth.SynthDoc, bool]]:
    """name -> (document, stamped?) of the tuning or held-out set."""
    docs = {k: (d, True) for k, d in (TUNING if which == "tuning" else HELDOUT).items()}
    if which == "tuning":
        gold = next((SHARED / "gold").glob("000_*.gold.txt"), None) if (SHARED / "gold").is_dir() else None
        if gold:
            paras = [ln for ln in gold.read_text(encoding="utf-8").splitlines() if ln.strip()]
            docs["seed000"] = (synth.SynthDoc(body=paras[:28]), False)
        else:
            print(f"warning: no {SHARED / 'gold'}: the tuning set lacks seed 000's page", file=sys.stderr)
    else:
        text = (REPO / "dictionaries" / "lm" / "heldout.txt").read_text(encoding="utf-8")
        names = [ln.split("#")[0].strip() for ln in text.splitlines() if ln.split("#")[0].strip()]
        for name in (names[5], names[9]):
            p = SHARED / "corpus" / name
            p = p if p.exists() else p.with_suffix(".txt.xz")
            if p.exists():
                docs[Path(name).stem[:24]] = (corpus_doc(p), False)
            else:
                print(f"warning: no {p}: the held-out set lacks this corpus page, so its figures are not comparable "
                      "with those of a checkout beside ../shared", file=sys.stderr)
    return docs


def make_images(which: str, cls: str) -> list[tuple[str, list[Path], str]]:
    """(document name, page image files, gold text) for one class, rendered once and cached."""
    out = []
    for name, (doc, stamped) in documents(which).items():
        folder = CACHE / which / cls / name
        gold = synth.plain_text(doc)
        files = sorted(folder.glob("p*.jpg"))
        if not files:
            folder.mkdir(parents=True, exist_ok=True)
            pages = synth.render(doc, dpi=300)
            files = save_damaged(pages, cls, folder, len(name) * 7 + CLASSES.index(cls),
                                 _signer_page(doc, pages) if stamped else None)
        out.append((name, files, gold))
    return out


def _signer_page(doc: synth.SynthDoc, pages: list) -> int:
    """Index of the page holding the signer block: the last text page (a table page follows it)."""
    return len(pages) - (2 if doc.table else 1)


# ---- reading ------------------------------------------------------------------------------------------

OPTIONS: dict = {}
"""Options overrides of the planparse reads (--option name=value)."""


def planparse_read(img: Path):
    """planparse.ingest on one page image, in this process (so the LM loads once): document and CPU seconds."""
    import planparse

    c0 = self_cpu() + child_cpu()
    doc = planparse.ingest(str(img), jobs=1, **OPTIONS)
    return doc, self_cpu() + child_cpu() - c0


def kept_share(doc, gold: str) -> tuple[int, int]:
    """(raw OCR words that were right, of which repair left right): aligned against the gold text."""
    raw, fixed = [], []
    for page in doc.pages:
        for ln in page.lines:
            r, t = (ln.raw if ln.raw is not None else ln.text).split(), ln.text.split()
            if len(r) == len(t):
                raw += r
                fixed += t
    g = words(gold)
    right = kept = 0
    for op in Levenshtein.opcodes(g, raw):
        if op.tag == "equal":
            for k in range(op.dest_start, op.dest_end):
                right += 1
                kept += fixed[k] == raw[k]
    return right, kept


def run(which: str, classes: list[str], verbose: bool) -> None:
    from planparse.ocr.tesseract import in_process

    print(f"{which} set; word accuracy, bare tesseract -l vie vs planparse ingest "
          f"(Tesseract {'in process' if in_process() else 'as a program'})")
    print(f"{'class':14} {'pages':>5} {'bare':>7} {'planparse':>9} {'broke':>6} {'kept':>7} {'cpu bare':>8} {'cpu pp':>7} "
          f"{'ratio':>6}")
    for cls in classes:
        ok_b = ok_p = n = pages = 0
        right = kept = bare_right = broke = 0
        cpu_b = cpu_p = 0.0
        for name, files, gold in make_images(which, cls):
            texts_b, texts_p = [], []
            for f in files:
                f.read_bytes()
                t, c = bare(f)
                texts_b.append(t)
                cpu_b += c
                doc, c = planparse_read(f)
                texts_p.append(doc.text)
                cpu_p += c
                r, k = kept_share(doc, gold)
                right, kept = right + r, kept + k
                pages += 1
            nw = len(words(gold))
            ab, ap = accuracy("\n".join(texts_b), gold), accuracy("\n".join(texts_p), gold)
            ok_b, ok_p, n = ok_b + ab * nw, ok_p + ap * nw, n + nw
            g = words(gold)
            rb = right_positions("\n".join(texts_b), g)
            lost = rb - right_positions("\n".join(texts_p), g)
            bare_right, broke = bare_right + len(rb), broke + len(lost)
            if verbose:
                print(f"   {name:24} bare {ab:.2%}  planparse {ap:.2%}  broke {len(lost)}/{len(rb)}")
                for e in word_errors("\n".join(texts_p), g):
                    print(f"      {e}")
                for e in word_errors("\n".join(texts_p), g, lost):
                    print(f"      broke: {e}")
        print(f"{cls:14} {pages:5d} {ok_b / n:7.2%} {ok_p / n:9.2%} {broke / max(1, bare_right):6.2%} "
              f"{kept / max(1, right):7.2%} {cpu_b / pages:8.2f} {cpu_p / pages:7.2f} {cpu_p / max(cpu_b, 1e-9):6.2f}")
        sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="heldout", choices=["heldout", "tuning"])
    ap.add_argument("--classes", default=",".join(CLASSES))
    ap.add_argument("-v", action="store_true", help="per document figures and planparse's residual word errors")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help="an ingest option for the planparse reads (e.g. second_lang=none); repeatable")
    args = ap.parse_args()
    for kv in args.option:
        k, _, v = kv.partition("=")
        OPTIONS[k] = {"true": True, "false": False}.get(v.lower(), v)
    if not (SHARED / "corpus").exists() and args.set == "heldout":
        print("no ../shared/corpus: the held-out corpus pages are skipped")
    import planparse

    planparse.restore("khởi động")  # load the LM before timing
    first = make_images(args.set, args.classes.split(",")[0])[0][1][0]
    planparse.ingest(str(first), jobs=1, **OPTIONS)  # and every other one-time load (gazetteer, tables)
    run(args.set, args.classes.split(","), args.v)


if __name__ == "__main__":
    t = time.time()
    main()
    print(f"({time.time() - t:.0f} s)")
