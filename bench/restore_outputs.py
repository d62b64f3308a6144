"""Fingerprint the restore stage's outputs (text and records) on fixed inputs, to prove a speed change alters nothing.

    python bench/restore_outputs.py save DIR    # write the inputs and their outputs to DIR (one JSON file per case)
    python bench/restore_outputs.py check DIR   # recompute, compare byte for byte, list the cases that differ

Cases: the held-out decrees stripped (the speed bench's text), the measuring plans stripped and as eng OCR (when
bench_restore's OCR cache exists), seeds 000/001 as OCR'd, the plans with marks as `ocr` mode with synthetic word
confidences, and both tone styles and the `degraded` mode on a part of them. Reads ../shared like the benches.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_restore import heldout_lines, plans, seed_and_gold, strip_marks  # noqa: E402

from planparse.models import RESTORATIONS, Line, Word  # noqa: E402
from planparse.repair import restore_lines  # noqa: E402


def _with_confidences(text: str, rng: random.Random) -> Line:
    """A line as a Vietnamese-model OCR would give it: one word per whitespace chunk, each with a confidence."""
    words = [Word(text=w, bbox=(0, 0, 1, 1), confidence=float(rng.choice((20, 45, 70, 80, 90, 96))))
             for w in text.split()]
    return Line(text=text, origin="ocr", words=words)


def cases() -> dict[str, tuple[list[Line], str, str]]:
    """name -> (lines, mode, style)."""
    out: dict[str, tuple[list[Line], str, str]] = {}
    held = [strip_marks(ln) for ln in heldout_lines()]
    out["heldout_stripped"] = ([Line(text=t, origin="text") for t in held], "auto", "new")
    out["heldout_stripped_old_part"] = ([Line(text=t, origin="text") for t in held[:800]], "auto", "old")
    ps = plans()
    for name, lines in ps.items():
        out[f"plan_{name}_stripped"] = ([Line(text=strip_marks(t), origin="text") for t in lines], "auto", "new")
        rng = random.Random(name)
        out[f"plan_{name}_ocr_conf"] = ([_with_confidences(t, rng) for t in lines], "ocr", "new")
        cache = Path(tempfile.gettempdir()) / "planparse_bench_plans" / f"{name}_300_eng.txt"
        if cache.exists():
            ocr = [ln for ln in cache.read_text(encoding="utf-8").splitlines() if ln.strip()]
            out[f"plan_{name}_eng_ocr"] = ([Line(text=t, origin="text") for t in ocr], "auto", "new")
            if name.startswith("01"):
                out[f"plan_{name}_eng_ocr_degraded"] = ([Line(text=t, origin="text") for t in ocr], "degraded", "old")
    for n in ("000", "001"):
        try:
            seed, _ = seed_and_gold(n)
        except IndexError:
            continue
        out[f"seed_{n}"] = ([Line(text=t, origin="text") for t in seed], "auto", "new")
    return out


def outputs(lines: list[Line], mode: str, style: str) -> str:
    new, records = restore_lines(lines, mode=mode, style=style)
    body = {"lines": [ln.model_dump(mode="json") for ln in new],
            "records": json.loads(RESTORATIONS.dump_json(records).decode("utf-8"))}
    return json.dumps(body, ensure_ascii=False, indent=0)


def _inputs(cmd: str, folder: Path) -> dict[str, tuple[list[Line], str, str]]:
    """The cases, built and stored with the outputs on `save`, read back on `check` (so inputs never drift)."""
    path = folder / "inputs.json"
    if cmd == "save":
        got = cases()
        path.write_text(json.dumps({k: [[ln.model_dump(mode="json") for ln in v[0]], v[1], v[2]] for k, v in got.items()},
                                   ensure_ascii=False), encoding="utf-8")
        return got
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k: ([Line.model_validate(d) for d in v[0]], v[1], v[2]) for k, v in raw.items()}


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "check"):
        raise SystemExit(__doc__)
    cmd, folder = sys.argv[1], Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    bad = 0
    for name, (lines, mode, style) in _inputs(cmd, folder).items():
        t0 = time.process_time()
        got = outputs(lines, mode, style)
        dt = time.process_time() - t0
        path = folder / f"{name}.json"
        if cmd == "save":
            path.write_text(got, encoding="utf-8")
            print(f"saved {name} ({dt:.2f} s)")
        elif not path.exists():
            print(f"MISSING {name}")
            bad += 1
        elif path.read_text(encoding="utf-8") != got:
            (folder / f"{name}.new.json").write_text(got, encoding="utf-8")
            print(f"DIFFERS {name} (new output in {name}.new.json)")
            bad += 1
        else:
            print(f"same {name} ({dt:.2f} s)")
    if bad:
        raise SystemExit(f"{bad} case(s) differ")


if __name__ == "__main__":
    main()
