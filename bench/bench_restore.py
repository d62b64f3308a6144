"""Benchmark the restore stage: seed-000 syllable accuracy vs gold, held-out stripped text, speed, RSS.

Reads ../shared relative to the repository (benchmarks only; tests never do).
"""

from __future__ import annotations

import difflib
import resource
import sys
import time
import unicodedata
from pathlib import Path

import regex

from planparse.models import Line
from planparse.repair import restore_lines
from planparse.repair.engine import get_model
from planparse.repair.orthography import place_tone

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*")


def strip_marks(text: str) -> str:
    """Remove every Vietnamese mark, keep case: what a diacritic-less OCR leaves."""
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c))


def syllables(line: str) -> list[str]:
    """Syllables with tone placement normalised, so hoá/hóa style is not counted as an error."""
    return [place_tone(w) for w in WORD.findall(unicodedata.normalize("NFC", line))]


def line_accuracy(pred: list[str], gold: list[str]) -> tuple[int, int, list[tuple[str, str]]]:
    """Correct gold syllables (case-insensitive) found in aligned position; errors listed."""
    sm = difflib.SequenceMatcher(a=[p.lower() for p in pred], b=[g.lower() for g in gold], autojunk=False)
    ok, errs = 0, []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ok += j2 - j1
        else:
            errs.append((" ".join(pred[i1:i2]), " ".join(gold[j1:j2])))
    return ok, len(gold), errs


def accuracy(pred_lines: list[str], gold_lines: list[str]) -> tuple[float, list[tuple[str, str]]]:
    ok = tot = 0
    errs: list[tuple[str, str]] = []
    for p, g in zip(pred_lines, gold_lines):
        a, b, e = line_accuracy(syllables(p), syllables(g))
        ok, tot, errs = ok + a, tot + b, errs + e
    return ok / max(tot, 1), errs


REFERENCE_FIXES = {"chỉ nhánh": "chi nhánh", "chỉ phí": "chi phí", "chỉ trả": "chi trả", "chỉ tiết": "chi tiết",
                   "đại điện": "đại diện", "cáp giấy": "cấp giấy"}
"""OCR errors inside the held-out reference texts themselves (two decrees write `chỉ phí` ~50 times): only
phrases that are never right Vietnamese, so no correct reading the model may choose is counted against it."""


def fix_reference(line: str) -> str:
    """The reference line with its known OCR errors corrected, case kept."""
    for bad, good in REFERENCE_FIXES.items():
        line = line.replace(bad, good).replace(bad.capitalize(), good.capitalize()).replace(bad.upper(), good.upper())
    return line


def heldout_files() -> list[Path]:
    """Corpus files the shipped LM was built without (dictionaries/lm/heldout.txt)."""
    text = (REPO / "dictionaries" / "lm" / "heldout.txt").read_text(encoding="utf-8")
    names = [ln.split("#")[0].strip() for ln in text.splitlines()]
    return [SHARED / "corpus" / n for n in names if n]


def seed_and_gold() -> tuple[list[str], list[str]]:
    """Seed 000 as OCR left it and its line-aligned gold text."""
    seed = sorted((SHARED / "seeds").glob("000_*.txt"))[0].read_text(encoding="utf-8").split("\n")
    gold = sorted((SHARED / "gold").glob("000_*.gold.txt"))[0].read_text(encoding="utf-8").split("\n")
    return seed, gold


def heldout_lines(per_file: int = 500) -> list[str]:
    """The first non-empty lines of each held-out corpus file."""
    out: list[str] = []
    for f in heldout_files():
        if f.exists():
            out += [ln for ln in f.read_text(encoding="utf-8").split("\n") if ln.strip()][:per_file]
    return out


def run(lines: list[str]) -> tuple[list[str], float, int]:
    """Restore `lines`; returns the texts, CPU seconds (one core: the stage is single-threaded) and token count."""
    objs = [Line(text=t, origin="text") for t in lines]
    t0 = time.process_time()
    out, _ = restore_lines(objs)
    dt = time.process_time() - t0
    ntok = sum(len(t.split()) for t in lines)
    return [ln.text for ln in out], dt, ntok


def main() -> None:
    t0 = time.perf_counter()
    get_model()
    print(f"model load: {time.perf_counter() - t0:.2f} s")
    report("-v" in sys.argv)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {rss:.0f} MB")


def report(show: bool) -> None:
    """Held-out stripped text (first, so its speed is cold), seed 000 against gold, held-out good text: accuracy and CPU speed."""
    ok_lines = heldout_lines()
    stripped = [strip_marks(ln) for ln in ok_lines]
    pred, dt, ntok = run(stripped)
    acc, errs = accuracy(pred, ok_lines)
    fixed_acc, _ = accuracy(pred, [fix_reference(ln) for ln in ok_lines])
    print(f"held-out stripped ({len(ok_lines)} lines): syllable accuracy {acc:.4f} "
          f"({fixed_acc:.4f} with the references' own OCR errors corrected: {', '.join(REFERENCE_FIXES)}); "
          f"{ntok} tokens in {dt:.2f} CPU s = {ntok / dt:,.0f} tok/s (cold caches)")
    if show:
        for e in errs[:60]:
            print("   ", e)
    _, dt, ntok = run(stripped)
    print(f"  same text again (caches warm): {ntok / dt:,.0f} tok/s")
    seed, gold = seed_and_gold()
    pred, dt, ntok = run(seed)
    acc, errs = accuracy(pred, gold)
    base, _ = accuracy(seed, gold)
    print(f"seed 000: syllable accuracy {acc:.4f} (input {base:.4f}); {ntok} tokens in {dt:.2f} CPU s = {ntok / dt:,.0f} tok/s")
    if show:
        for e in errs:
            print("   ", e)
    pred, dt, ntok = run([strip_marks(ln) for ln in gold])
    acc, errs = accuracy(pred, gold)
    print(f"seed 000's gold text, stripped (a plan the LM never saw, though the seeds guide development): "
          f"syllable accuracy {acc:.4f}; {ntok / dt:,.0f} tok/s")
    if show:
        for e in errs:
            print("   ", e)
    good, dt, ntok = run(ok_lines[:1500])
    acc, _ = accuracy(good, ok_lines[:1500])
    print(f"held-out good text (unchanged expected): syllable accuracy {acc:.4f}; {ntok / dt:,.0f} tok/s")


if __name__ == "__main__":
    main()
