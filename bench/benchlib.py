"""What the page benches (bench_realpages, bench_broke) share: their setup, the page classes and their damage, bare
Tesseract, and word alignment against a gold text.

Import it before anything that may load Tesseract: importing it forces OMP_THREAD_LIMIT=1 (Tesseract single-threaded
in planparse's reads and in the bare program alike, whatever the caller's environment says).
"""

from __future__ import annotations

import os

os.environ["OMP_THREAD_LIMIT"] = "1"

import resource  # noqa: E402
import subprocess  # noqa: E402
from pathlib import Path  # noqa: E402

from bench_ocr import accuracy, words  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from planparse.devtools import synth  # noqa: E402
from planparse.devtools.photosynth import photo, scan, stamp  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CLASSES = ["clean300", "scan300", "scan200", "scan150", "photo-clean", "photo-shadow", "photo-blur", "photo-dark"]
CORPUS_WORDS = 330


def corpus_doc(path: Path) -> synth.SynthDoc:
    """About one page of a corpus file's opening paragraphs as body text."""
    import lzma

    raw = lzma.open(path, "rt", encoding="utf-8").read() if path.suffix == ".xz" else path.read_text(encoding="utf-8")
    body, n = [], 0
    for ln in raw.splitlines():
        if ln.strip() and n < CORPUS_WORDS:
            body.append(" ".join(ln.split()[:120]))
            n += len(body[-1].split())
    return synth.SynthDoc(body=body)


def save_damaged(pages: list, cls: str, folder: Path, seed: int, stamped: int | None) -> list[Path]:
    """Rendered pages through one class's damage, saved as `folder`/p{k}.jpg: page k gets seed `seed` + 1000 k, page
    `stamped` (None: none) a seal and signature over its signer block first; scans are saved with their dpi."""
    for k, page in enumerate(pages):
        s = seed + 1000 * k
        img = stamp(page, s) if k == stamped else page
        if cls == "clean300":
            dpi: int | None = 300
        elif cls.startswith("scan"):
            dpi = int(cls[4:])
            img = scan(img, dpi, s)
        else:
            img, dpi = photo(img, cls, s), None
        img.save(folder / f"p{k}.jpg", "JPEG", quality=90 if cls == "clean300" else (60 if cls.startswith("scan") else 85),
                 **({"dpi": (dpi, dpi)} if dpi else {}))
    return sorted(folder.glob("p*.jpg"))


def child_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def self_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def bare(img: Path) -> tuple[str, float]:
    """`tesseract IMG - -l vie` as a user would run it, and its CPU seconds."""
    c0 = child_cpu()
    r = subprocess.run(["tesseract", str(img), "-", "-l", "vie"], capture_output=True, text=True,
                       env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    return r.stdout, child_cpu() - c0


def right_positions(read: str, gold: list[str]) -> set[int]:
    """Indices of the gold words a read has right (aligned word by word)."""
    out: set[int] = set()
    for op in Levenshtein.opcodes(gold, words(read)):
        if op.tag == "equal":
            out.update(range(op.src_start, op.src_end))
    return out


def word_errors(read: str, gold: list[str], touching: set[int] | None = None) -> list[str]:
    """The read's word errors as `gold -> read` (`∅` for a missed or extra word); given `touching`, only those that
    touch these gold words."""
    got = words(read)
    return [f"{' '.join(gold[o.src_start:o.src_end]) or '∅'} -> {' '.join(got[o.dest_start:o.dest_end]) or '∅'}"
            for o in Levenshtein.opcodes(gold, got)
            if o.tag != "equal" and (touching is None or touching & set(range(o.src_start, o.src_end)))]


__all__ = ["CLASSES", "REPO", "SHARED", "accuracy", "bare", "child_cpu", "corpus_doc", "right_positions", "save_damaged",
           "self_cpu", "word_errors", "words"]
