"""Repair of good Vietnamese OCR: corpus text rendered and damaged as devtools.markchannel does (other seeds than
the shipped table's), OCR'd with `vie` through the pipeline's own modules, restored; word accuracy before and
after, and the share of correctly read words repair changed (correct text stays correct).

`--set tuning` uses corpus files the LM was trained on (seed 7); `--set heldout` the files of
dictionaries/lm/heldout.txt (seed 11), which neither the LM nor the channel saw. `--weights` compares channel
weights. OCR results are cached in /tmp/planparse_bench_vie. Reads ../shared (benchmarks only).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zlib
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

from rapidfuzz.distance import Levenshtein  # noqa: E402

from planparse.devtools import markchannel  # noqa: E402
from planparse.models import Line  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CACHE = Path("/tmp/planparse_bench_vie")


def corpus_files(which: str) -> list[Path]:
    held = [ln.split("#")[0].strip() for ln in (REPO / "dictionaries/lm/heldout.txt").read_text(encoding="utf-8").splitlines()]
    held = [h for h in held if h]
    if which == "heldout":
        return [SHARED / "corpus" / h for h in held if (SHARED / "corpus" / h).exists()]
    names = {Path(h).name for h in held}
    return sorted(f for d in ("laws", "admin") for f in (SHARED / "corpus" / d).glob("*.txt") if f.name not in names)


def ocr_job(job: dict) -> dict:
    """One rendered image read like the pipeline reads a page: lines with word confidences (cached)."""
    from planparse.ocr import layout, preprocess, tesseract

    key = f"{job['seed']}_{zlib.crc32(job['lines'][0].encode())}.json"
    hit = CACHE / key
    if hit.exists():
        return json.loads(hit.read_text(encoding="utf-8"))
    prep = preprocess.prepare(markchannel.render_job(job), job["dpi"])
    data = tesseract.image_to_data(prep.gray, lang="vie", dpi=prep.dpi)
    lines = layout.build_lines(layout.words_from_data(data), prep.gray.shape[1], 1)
    out = {"truth": " ".join(job["lines"]), "lines": [ln.model_dump(mode="json") for ln in lines]}
    CACHE.mkdir(parents=True, exist_ok=True)
    hit.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def score(samples: list[dict], weight: float | None) -> tuple[float, float, float, int]:
    """(accuracy before, after, share of right words changed, words) with the channel at `weight` (None: no repair)."""
    from planparse.repair import engine, restore_lines

    if weight is not None:
        engine.CHANNEL_WEIGHT = weight
        engine.get_model().slots.clear()
    ok0 = ok1 = n = right = broken = 0
    for s in samples:
        lines = [Line.model_validate(ln) for ln in s["lines"]]
        new = restore_lines(lines)[0] if weight is not None else lines
        gold = s["truth"].split()
        raw = " ".join(ln.text for ln in lines).split()
        fixed = " ".join(ln.text for ln in new).split()
        for words, acc in ((raw, 0), (fixed, 1)):
            eq = [o for o in Levenshtein.opcodes(gold, words) if o.tag == "equal"]
            got = sum(o.src_end - o.src_start for o in eq)
            if acc:
                ok1 += got
            else:
                ok0 += got
                if len(raw) == len(fixed):
                    for o in eq:
                        for k in range(o.dest_start, o.dest_end):
                            right += 1
                            broken += fixed[k] != raw[k]
        n += len(gold)
    return ok0 / n, ok1 / n, broken / max(1, right), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="heldout", choices=["heldout", "tuning"])
    ap.add_argument("--images", type=int, default=60)
    ap.add_argument("--weights", default="1.0")
    args = ap.parse_args()
    files = corpus_files(args.set)
    if not files:
        print("no ../shared/corpus; skipping")
        return
    paras = markchannel.read_paragraphs(files, set())
    jobs = markchannel.sample_jobs(paras, args.images, 7 if args.set == "tuning" else 11, markchannel.fonts())
    t0 = time.time()
    samples = []
    for k, job in enumerate(jobs, 1):
        samples.append(ocr_job(job))
        print(f"\rOCR {k}/{len(jobs)}", end="", file=sys.stderr, flush=True)
    print(f" ({time.time() - t0:.0f} s)", file=sys.stderr)
    print(f"{args.set}: {args.images} rendered images of {len(paras)} corpus files (120-300 dpi, blur, noise, JPEG)")
    for w in [float(x) for x in args.weights.split(",")]:
        before, after, broken, n = score(samples, w)
        print(f"  channel weight {w:.2f}: word accuracy {before:.2%} -> {after:.2%} ({n} words); "
              f"right words changed {broken:.3%}")


if __name__ == "__main__":
    main()
