"""Large text inputs: `planparse ingest big.txt -o big.json` at several sizes — seconds, MB/s, peak RSS, JSON size.

Usage: python bench/bench_large.py [--sizes 5 20 50] [--kinds marked stripped] [--restore off] [--keep DIR]
                                   [--versus-restore]
Each input is plan text generated from the bench plans (bench/plans/*.txt): their lines cut in half and
recombined (so lines do not repeat), a citation every 40 lines; `stripped` is the same text without its
marks (a record per word, the worst case for the output size). Each run is a fresh `planparse ingest`
process (`ingest_to`: line texts, page lines, records and sections spooled, JSON assembled from the spools); its
peak RSS comes from wait4, so it includes the interpreter and model (~190 MB); so do its CPU seconds (user +
system), the fair speed figure on a shared machine, where wall seconds depend on the load. --versus-restore also
times `planparse restore` on the same text (repair alone, text out), the speed ingest should come close to.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from planparse.text import fold

REPO = Path(__file__).resolve().parents[1]
PLANS = REPO / "bench" / "plans"
BIN = Path(sys.executable).parent
PLANPARSE = [str(BIN / "planparse")] if (BIN / "planparse").exists() else [sys.executable, "-m", "planparse"]
TARGET_RSS_RATIO = 10.0
"""Peak RSS over input size the brief asks to stay well below."""
TARGET_PEAK_MB_50 = 600
"""Peak RSS a 50 MB text without marks, repair on, should stay under."""
TARGET_GROWTH_MB = 100
"""How much more the peak RSS may be at the largest size than at the smallest (5 and 50 MB): memory flat in the input."""


def generate(path: Path, megabytes: float, kind: str, seed: int = 7) -> Path:
    """`megabytes` of plan text from the bench plans' lines, recombined; without marks when kind is 'stripped'."""
    lines = [ln for p in sorted(PLANS.glob("*.txt")) for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        i = 0
        while fh.tell() < megabytes * 1e6:
            words = lines[i % len(lines)].split()
            if len(words) > 8 and rng.random() < 0.7:
                other = rng.choice(lines).split()
                words = words[: len(words) // 2] + other[len(other) // 2:]
            line = " ".join(words)
            if i % 40 == 39:
                line = (f"Căn cứ Nghị quyết số {rng.randint(1, 300)}/NQ-HĐND ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/"
                        f"20{rng.randint(10, 25)} của Hội đồng nhân dân tỉnh về {line[:60].lower()}.")
            fh.write((fold(line) if kind == "stripped" else line) + "\n")
            i += 1
    return path


def run(path: Path, out: Path, restore: str = "auto") -> dict:
    """One `planparse ingest` process: wall seconds, peak RSS (MB), exit code."""
    return _timed([*PLANPARSE, "ingest", str(path), "-o", str(out), "--restore", restore])


def run_restore(path: Path) -> dict:
    """One `planparse restore` process on the same text, its output thrown away."""
    return _timed([*PLANPARSE, "restore", str(path)])


def _timed(cmd: list[str]) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "code": os.waitstatus_to_exitcode(status), "stderr": err}


def timings(out: Path) -> dict:
    """The `timings` of a JSON output, read from its end (the whole file may be gigabytes)."""
    with out.open("rb") as fh:
        fh.seek(max(0, out.stat().st_size - 4096))
        tail = fh.read().decode("utf-8", "replace")
    m = re.search(r'"timings": (\{[^}]*\})', tail)
    return json.loads(m.group(1)) if m else {}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[5, 20, 50])
    ap.add_argument("--kinds", nargs="+", default=["marked", "stripped"], choices=["marked", "stripped"])
    ap.add_argument("--restore", default="auto", help="Restore mode passed to ingest ('off': reading, structure, "
                    "tables and JSON alone).")
    ap.add_argument("--keep", type=Path, help="Folder for the generated inputs and outputs (default: a temp folder).")
    ap.add_argument("--versus-restore", action="store_true", help="Also time `planparse restore` on each input.")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-large-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = run(generate(folder / "tiny.txt", 0.01, "marked"), folder / "tiny.json", args.restore)["rss_mb"]
    print(f"peak RSS of a 10 kB text (interpreter + model): {base:.0f} MB")
    print(f"{'kind':8} {'MB':>5} {'sec':>8} {'cpu s':>7} {'MB/cpu-s':>8} {'peak MB':>8} {'x input':>7} {'-base x':>7} "
          f"{'JSON MB':>8} {'records':>9}  stages (s)")
    for kind in args.kinds:
        peaks: dict[float, float] = {}
        for mb in args.sizes:
            src = generate(folder / f"{kind}{mb:g}.txt", mb, kind)
            out = folder / f"{kind}{mb:g}.json"
            got = run(src, out, args.restore)
            size = src.stat().st_size / 1e6
            if got["code"] != 0:
                print(f"{kind:8} {size:5.0f} failed (exit {got['code']}): {got['stderr'].strip()[-300:]}")
                continue
            peaks[size] = got["rss_mb"]
            found = re.search(r"(\d+) repaired", got["stderr"])
            repaired = found.group(1) if found else "?"
            print(f"{kind:8} {size:5.1f} {got['seconds']:8.1f} {got['cpu']:7.1f} {size / got['cpu']:8.3f} {got['rss_mb']:8.0f} "
                  f"{got['rss_mb'] / size:7.1f} {(got['rss_mb'] - base) / size:7.1f} {out.stat().st_size / 1e6:8.0f} "
                  f"{repaired:>9}  {timings(out)}", flush=True)
            if args.versus_restore:
                alone = run_restore(src)
                print(f"{'':8} {'':5} {alone['seconds']:8.1f} {alone['cpu']:7.1f} {size / alone['cpu']:8.3f} "
                      f"{alone['rss_mb']:8.0f}  planparse restore on the same text (exit {alone['code']})", flush=True)
            if not args.keep:
                src.unlink()
                out.unlink()
        if len(peaks) > 1:
            low, high = min(peaks), max(peaks)
            print(f"{kind}: peak RSS {peaks[high] - peaks[low]:+.0f} MB from {low:.0f} to {high:.0f} MB of text "
                  f"(target: within {TARGET_GROWTH_MB} MB)", flush=True)
    print(f"target: peak RSS well below {TARGET_RSS_RATIO:.0f}x the input, <= {TARGET_PEAK_MB_50} MB at 50 MB stripped, "
          f"within {TARGET_GROWTH_MB} MB of the smallest size's; "
          "time linear (MB/s flat across sizes) and close to planparse restore's")


if __name__ == "__main__":
    main()
