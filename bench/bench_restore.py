"""Benchmark the restore stage on held-out material: the figures of issue 14.

Held-out decrees and corpus/extra documents (dictionaries/lm/heldout.txt) and the plans in bench/plans/ (written
for measuring, in domains the corpus is thin on; never tuned on), diacritics stripped; the same plans rendered as
clean scans and OCR'd with Tesseract `eng`; seeds 001 and 000 (development samples); then speed of the whole
`planparse restore` process minus its start-up, start-up, model size and load time, peak memory.
Reads ../shared relative to the repository (benchmarks only; tests never do). `-v` lists errors. `--tuning` prints
instead the figures to tune on: the plans of bench/tuning and bench/tuning/more (written for tuning, never measured),
stripped and as eng OCR, and seed 000 (`--seeds`: and 001).
"""

from __future__ import annotations

import difflib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import regex

from planparse.models import Line
from planparse.repair import restore_lines
from planparse.repair.engine import get_model
from planparse.repair.lm import TrigramLM
from planparse.repair.orthography import place_tone
from planparse.resources import lm_path
from planparse.text import fold as strip_marks  # every mark removed, case kept: what a diacritic-less OCR leaves

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*")


PERIODS = frozenset({"năm", "ngày", "tháng", "tuần", "quý", "kỳ", "giờ"})
"""`hằng năm` and `hàng năm` (every year, day ...) are both standard spellings (Hoàng Phê's dictionary lists both);
the stripped `hang nam` is either, so neither is counted as the other's error."""


def syllables(line: str) -> list[str]:
    """Syllables with tone placement normalised, so hoá/hóa style is not counted as an error, nor hằng/hàng năm."""
    syls = [place_tone(w) for w in WORD.findall(unicodedata.normalize("NFC", line))]
    for i in range(len(syls) - 1):
        if syls[i].lower() == "hằng" and syls[i + 1].lower() in PERIODS:
            syls[i] = syls[i].replace("ằ", "à").replace("Ằ", "À")
    return syls


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


def _heldout_entries() -> list[str]:
    """Measured entries of dictionaries/lm/heldout.txt: those above its `# not measured` line (documents below it
    share too many 8-grams with the training text to count as unseen, though they are left out of training too)."""
    text = (REPO / "dictionaries" / "lm" / "heldout.txt").read_text(encoding="utf-8")
    measured = text.split("\n# not measured")[0]
    return sorted(e for ln in measured.splitlines() if (e := ln.strip()) and not e.startswith("#"))


def heldout_files() -> list[Path]:
    """Whole corpus files the shipped LM was built without: the held-out decrees and laws."""
    return [SHARED / "corpus" / n for n in _heldout_entries() if "#" not in n]


def heldout_documents() -> dict[str, list[str]]:
    """Held-out documents of corpus/extra (`file#N` entries of dictionaries/lm/heldout.txt), by entry."""
    from planparse.devtools.lmbuild import documents

    wanted: dict[str, set[int]] = {}
    for e in _heldout_entries():
        if "#" in e:
            f, _, n = e.partition("#")
            wanted.setdefault(f, set()).add(int(n))
    out = {}
    for f, ns in sorted(wanted.items()):
        path = SHARED / "corpus" / f
        if path.exists():
            for k, doc in enumerate(documents(path)):
                if k in ns:
                    out[f"{f}#{k}"] = doc
    return out


def plans(folder: str = "plans") -> dict[str, list[str]]:
    """The plans written for measuring (bench/plans/*.txt) or for tuning (bench/tuning/*.txt), non-empty lines."""
    return {f.stem: [ln for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
            for f in sorted((REPO / "bench" / folder).glob("*.txt"))}


def seed_and_gold(n: str = "000") -> tuple[list[str], list[str]]:
    """A seed as OCR left it and its line-aligned gold text (000: ../shared/gold; 001: bench/gold, corrected by hand)."""
    seed = sorted((SHARED / "seeds").glob(f"{n}_*.txt"))[0].read_text(encoding="utf-8").split("\n")
    golds = sorted((SHARED / "gold").glob(f"{n}_*.gold.txt")) or sorted((REPO / "bench" / "gold").glob(f"{n}_*.gold.txt"))
    gold = golds[0].read_text(encoding="utf-8").split("\n")
    return seed, gold


def heldout_lines(per_file: int = 500) -> list[str]:
    """The first non-empty lines of each held-out corpus file."""
    return [ln for lines in heldout_decrees(per_file).values() for ln in lines]


def heldout_decrees(per_file: int = 500) -> dict[str, list[str]]:
    """The first non-empty lines of each held-out decree or law, by file."""
    out = {}
    for f in heldout_files():
        if f.exists():
            out[f.name] = [ln for ln in f.read_text(encoding="utf-8").split("\n") if ln.strip()][:per_file]
    return out


def run(lines: list[str]) -> tuple[list[str], float, int]:
    """Restore `lines`; returns the texts, CPU seconds (one core: the stage is single-threaded) and token count."""
    objs = [Line(text=t, origin="text") for t in lines]
    t0 = time.process_time()
    out, _ = restore_lines(objs)
    dt = time.process_time() - t0
    ntok = sum(len(t.split()) for t in lines)
    return [ln.text for ln in out], dt, ntok


TITLE_ERRORS: dict[str, int] = {}
"""Per text, its wrong syllables written Title-case in the reference (names, and words opening a sentence or item)."""


def title_errors(errs: list[tuple[str, str]]) -> int:
    """Wrong reference syllables in Title-case: what separates name errors, which no corpus can settle for a hamlet
    nobody wrote about, from errors on common words."""
    return sum(1 for _, gold in errs for s in gold.split() if s[:1].isupper() and s[1:].islower())


def per_text(texts: dict[str, list[str]], show: bool, fix: bool = False) -> dict[str, float]:
    """Stripped-text accuracy of each text (optionally against references with their own OCR errors corrected)."""
    out = {}
    for name, lines in texts.items():
        pred, _, _ = run([strip_marks(ln) for ln in lines])
        acc, errs = accuracy(pred, [fix_reference(ln) for ln in lines] if fix else lines)
        out[name] = acc
        TITLE_ERRORS[name] = title_errors(errs)
        if show:
            print(f"    {name}: {acc:.4f}", *(f"\n      {e}" for e in errs[:25]))
    return out


def summary(label: str, accs: dict[str, float], weights: dict[str, int]) -> None:
    pooled = sum(accs[k] * weights[k] for k in accs) / max(sum(weights[k] for k in accs), 1)
    worst = min(accs, key=accs.get)
    errors = round(sum((1 - accs[k]) * weights[k] for k in accs))
    titles = sum(TITLE_ERRORS.get(k, 0) for k in accs)
    print(f"{label} ({len(accs)} texts, {sum(weights.values())} syllables): pooled {pooled:.4f} ({errors} wrong, "
          f"{titles} of them Title-case), mean {statistics.mean(accs.values()):.4f}, "
          f"median {statistics.median(accs.values()):.4f}, worst {accs[worst]:.4f} ({worst})")


def nsyl(texts: dict[str, list[str]]) -> dict[str, int]:
    return {k: sum(len(syllables(ln)) for ln in v) for k, v in texts.items()}


def eng_ocr(name: str, lines: list[str], dpi: int = 300) -> list[str]:
    """A plan rendered as a clean scan and OCR'd with Tesseract `eng`, as the seeds were (cached in /tmp)."""
    cache = Path(tempfile.gettempdir()) / "planparse_bench_plans" / f"{name}_{dpi}_eng.txt"
    if not cache.exists():
        import pytesseract

        from planparse.devtools import synth

        pages = synth.render(synth.SynthDoc(body=lines), dpi=dpi)
        text = "\n".join(pytesseract.image_to_string(p, lang="eng") for p in pages)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(text, encoding="utf-8")
    return [ln for ln in cache.read_text(encoding="utf-8").splitlines() if ln.strip()]


def ocr_figures(texts: dict[str, list[str]], show: bool, prefix: str = "",
                label: str = "plans as eng OCR of clean 300 dpi scans") -> None:
    """Plans as eng OCR of clean rendered scans: accuracy of the whole text (OCR and original break lines differently)."""
    accs, before = {}, {}
    for name, lines in texts.items():
        ocr = eng_ocr(prefix + name, lines)
        pred, _, _ = run(ocr)
        accs[name], errs = accuracy([" ".join(pred)], [" ".join(lines)])
        TITLE_ERRORS[name] = title_errors(errs)
        before[name] = accuracy([" ".join(ocr)], [" ".join(lines)])[0]
        if show:
            print(f"    {name}: {before[name]:.4f} -> {accs[name]:.4f}", *(f"\n      {e}" for e in errs[:25]))
    summary(label, accs, nsyl(texts))
    print(f"  (OCR input before repair: mean {statistics.mean(before.values()):.4f})")


def process(path: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of a whole `planparse restore` process on a file."""
    exe = Path(sys.executable).with_name("planparse")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(exe), "restore", str(path)], stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"planparse restore {path} failed ({status})")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024


RUNS = 5
"""Runs of each kind in the speed figure (three and two before: not enough to reach the floor on a busy VM)."""


def speed_figures() -> None:
    """Whole-process speed on the held-out decrees, stripped, minus the start-up of a one-line run (each the least CPU of
    RUNS runs, the two kinds alternating: on this shared 2-core VM one run swings by a third, even with the machine
    idle — text part 1.6 to 2.5 CPU s in six runs of the same code); memory; model."""
    lines = [strip_marks(ln) for ln in heldout_lines()]
    ntok = sum(len(ln.split()) for ln in lines)
    with tempfile.TemporaryDirectory() as d:
        big, one = Path(d) / "heldout.txt", Path(d) / "one.txt"
        big.write_text("\n".join(lines) + "\n", encoding="utf-8")
        one.write_text("Uy ban nhan dan xa ban hanh ke hoach\n", encoding="utf-8")
        pairs = [(process(one), process(big)) for _ in range(RUNS)]
        w1, c1, r1 = min((p[0] for p in pairs), key=lambda x: x[1])
        w, c, r = min((p[1] for p in pairs), key=lambda x: x[1])
    print(f"speed: {ntok} held-out stripped tokens, whole `planparse restore` {c:.2f} CPU s ({w:.2f} s wall) minus "
          f"start-up {c1:.2f} CPU s = {ntok / max(c - c1, 1e-9):,.0f} tok/s")
    print(f"start-up (one-line input): {w1:.2f} s wall, {c1:.2f} CPU s, peak RSS {r1:.0f} MB")
    print(f"peak RSS of `planparse restore` on the held-out text: {r:.0f} MB")
    t0 = time.perf_counter()
    lm = TrigramLM(lm_path())
    print(f"model: {lm_path().name} {lm_path().stat().st_size / 1e6:.1f} MB on disk, loads in "
          f"{time.perf_counter() - t0:.2f} s; {lm.stats.get('tokens', 0):,} training tokens, vocabulary {len(lm.vocab):,}, "
          f"{len(lm.bi_keys):,} bigrams, {len(lm.tri_keys):,} trigrams")


def seed_figures(names: tuple[str, ...], show: bool) -> None:
    """Accuracy on the real seeds (development samples), with the OCR input's own accuracy."""
    for n in names:
        try:
            seed, gold = seed_and_gold(n)
        except IndexError:
            print(f"seed {n}: no gold text")
            continue
        pred, _, _ = run(seed)
        acc, errs = accuracy(pred, gold)
        base, _ = accuracy(seed, gold)
        print(f"seed {n} (development sample): syllable accuracy {acc:.4f} (input {base:.4f})")
        if show:
            for e in errs:
                print("   ", e)


def tuning(show: bool) -> None:
    """The figures to tune on: the tuning plans (bench/tuning, never the measured ones) and the second tuning set
    (bench/tuning/more), stripped and as eng OCR; seed 000 (and 001 with `--seeds`)."""
    get_model()
    ps = plans("tuning")
    summary("tuning plans (bench/tuning), stripped", per_text(ps, show), nsyl(ps))
    more = plans("tuning/more")
    summary("second tuning set (bench/tuning/more), stripped", per_text(more, show), nsyl(more))
    ocr_figures(ps, show, prefix="tuning_")
    ocr_figures(more, show, prefix="tuning_more_", label="second tuning set as eng OCR of clean 300 dpi scans")
    seed_figures(("000", "001") if "--seeds" in sys.argv else ("000",), show)


def main() -> None:
    show = "-v" in sys.argv or "--show" in sys.argv
    if "--tuning" in sys.argv:
        tuning(show)
        return
    speed_figures()
    get_model()
    decrees = heldout_decrees()
    accs = per_text(decrees, show)
    summary("held-out decrees and laws, stripped", accs, nsyl(decrees))
    fixed = per_text(decrees, False, fix=True)
    summary(f"  same, references' own OCR errors corrected ({', '.join(REFERENCE_FIXES)})", fixed, nsyl(decrees))
    docs = heldout_documents()
    if docs:
        summary("held-out corpus/extra documents (news, legal articles), stripped", per_text(docs, show), nsyl(docs))
    ps = plans()
    summary("plans written for measuring (bench/plans), stripped", per_text(ps, show), nsyl(ps))
    ocr_figures(ps, show)
    seed_figures(("001", "000"), show)


def report(show: bool) -> None:
    """Held-out stripped text and seed 000 (used by bench_restore_ocr --compare)."""
    ok_lines = heldout_lines()
    pred, dt, ntok = run([strip_marks(ln) for ln in ok_lines])
    acc, errs = accuracy(pred, ok_lines)
    print(f"held-out stripped ({len(ok_lines)} lines): syllable accuracy {acc:.4f}; {ntok / dt:,.0f} tok/s in-process")
    if show:
        for e in errs[:60]:
            print("   ", e)
    seed, gold = seed_and_gold()
    pred, _, _ = run(seed)
    print(f"seed 000: syllable accuracy {accuracy(pred, gold)[0]:.4f}")


if __name__ == "__main__":
    main()
