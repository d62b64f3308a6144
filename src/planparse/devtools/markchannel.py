"""Learn the channel of Tesseract `vie` errors: P(read | true) for tone marks, letter shapes and letters,
conditioned on Tesseract's word confidence.

Corpus paragraphs are rendered in several fonts (Liberation Serif/Sans, DejaVu Serif/Sans; regular, bold,
italic; 10-14 pt; some lines in capitals, some as narrow table-cell snippets), degraded (120-300 dpi, blur,
noise, uneven light, JPEG), cleaned up and OCR'd through the pipeline's own modules (ocr.preprocess,
ocr.tesseract), aligned word by word with the original, and counted. The table goes to
dictionaries/vie_channel.tsv, read by repair/channel.py (MarkChannel).

Rebuild (a few minutes on one core):
    python -m planparse.devtools.markchannel CORPUS/laws CORPUS/admin --exclude dictionaries/lm/heldout.txt \
        --images 120 -o dictionaries/vie_channel.tsv
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import os
import random
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import regex

from ..repair.channel import CONF_BINS, conf_bin, letter_forms
from ..repair.orthography import is_valid_syllable, nfc, place_tone, skeleton, split_tone

WORD_RE = regex.compile(r"\p{L}+")
FONTS = ["LiberationSerif-{}.ttf", "LiberationSans-{}.ttf", "DejaVuSerif{}.ttf", "DejaVuSans{}.ttf"]
STYLES = {"LiberationSerif-{}.ttf": ["Regular", "Bold", "Italic"], "LiberationSans-{}.ttf": ["Regular", "Bold", "Italic"],
          "DejaVuSerif{}.ttf": ["", "-Bold", "-Italic"], "DejaVuSans{}.ttf": ["", "-Bold", "-Oblique"]}
FONT_DIRS = ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/dejavu"]


def fonts() -> list[str]:
    """Installed font files of the families above."""
    out = []
    for pattern, styles in STYLES.items():
        for st in styles:
            for d in FONT_DIRS:
                p = Path(d) / pattern.format(st)
                if p.exists():
                    out.append(str(p))
                    break
    if not out:
        raise FileNotFoundError("no Liberation or DejaVu fonts installed (fonts-liberation2, fonts-dejavu-core)")
    return out


def read_paragraphs(files: list[Path], exclude: set[str]) -> list[list[str]]:
    """Paragraphs (NFC, ≥ 30 chars) per corpus file, skipping excluded ones (matched on the file name)."""
    import lzma

    out = []
    for f in files:
        if f.name in exclude or f.name.removesuffix(".xz") in exclude:
            continue
        opener = lzma.open if f.suffix == ".xz" else open
        with opener(f, "rt", encoding="utf-8", errors="replace") as fh:
            paras = [nfc(" ".join(ln.split())) for ln in fh if len(ln.strip()) >= 30]
        if len(paras) >= 5:
            out.append(paras)
    return out


def sample_jobs(paragraphs: list[list[str]], images: int, seed: int, fontlist: list[str]) -> list[dict]:
    """One job per image: its text lines and how it is drawn and damaged."""
    rng = random.Random(seed)
    jobs = []
    for k in range(images):
        paras = rng.choice(paragraphs)
        i = rng.randrange(len(paras))
        text = " ".join(paras[i:i + 3]).split()[:rng.randint(90, 150)]
        cells = rng.random() < 0.25
        words_per_line = rng.randint(2, 5) if cells else rng.randint(9, 14)
        lines = [" ".join(text[j:j + words_per_line]) for j in range(0, len(text), words_per_line)]
        lines = [ln.upper() if rng.random() < 0.12 else ln for ln in lines]
        jobs.append({"lines": lines, "font": rng.choice(fontlist), "size_pt": rng.choice([10, 11, 12, 13, 13, 14]),
                     "dpi": rng.choice([120, 150, 150, 200, 200, 250, 300]), "cells": cells,
                     "blur": rng.choices([rng.uniform(0.2, 1.5), rng.uniform(1.5, 3.5), rng.uniform(3.5, 5.5)], [4, 3.5, 2.5])[0],
                     "noise": rng.uniform(2, 16), "light": rng.uniform(0, 0.6), "jpeg": rng.choice([0, 30, 45, 60, 80]),
                     "seed": seed * 10_000 + k})
    return jobs


def render_job(job: dict):
    """The job's lines drawn on white at job['dpi'], then damaged like a scan or a photo: PIL 'L'."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    dpi = job["dpi"]
    font = ImageFont.truetype(job["font"], round(job["size_pt"] * dpi / 72))
    line_h = round(job["size_pt"] * 1.5 * dpi / 72)
    margin = round(0.6 * dpi)
    col_w = round((2.2 if job["cells"] else 6.5) * dpi)
    probe = ImageDraw.Draw(Image.new("L", (10, 10)))
    width = max(col_w, max(round(probe.textlength(ln, font=font)) for ln in job["lines"])) + 2 * margin
    img = Image.new("L", (width, 2 * margin + line_h * len(job["lines"])), 255)
    draw = ImageDraw.Draw(img)
    for k, ln in enumerate(job["lines"]):
        draw.text((margin, margin + k * line_h), ln, font=font, fill=0)
        if job["cells"]:
            y = margin + k * line_h - line_h // 6
            draw.line([(margin // 2, y), (width - margin // 2, y)], fill=0, width=max(1, dpi // 100))
    img = img.filter(ImageFilter.GaussianBlur(job["blur"] * dpi / 300))
    rng = np.random.default_rng(job["seed"])
    arr = np.asarray(img, dtype=np.float32)
    h, w = arr.shape
    arr = arr * (1 - job["light"] * np.linspace(0, 1, w)[None, :]) + rng.normal(0, job["noise"], arr.shape)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    if job["jpeg"]:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=job["jpeg"])
        buf.seek(0)
        img = Image.open(buf)
        img.load()
    return img


def read_job(job: dict) -> list[tuple[str, str, float]]:
    """(true word, read word, confidence) for each aligned word of one rendered and OCR'd job."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    from ..ocr import layout, preprocess, tesseract

    prep = preprocess.prepare(render_job(job), job["dpi"])
    data = tesseract.image_to_data(prep.gray, lang="vie", dpi=prep.dpi)
    read = [(m, w.confidence) for _, w in layout.words_from_data(data) for m in WORD_RE.findall(w.text)[:1]]
    true = [m for ln in job["lines"] for m in WORD_RE.findall(nfc(ln))]
    return align(true, read)


def align(true: list[str], read: list[tuple[str, float]]) -> list[tuple[str, str, float]]:
    """Pairs of true and read words: equal skeletons in order, plus one-to-one spans of equal length."""
    st = [skeleton(w) for w in true]
    sr = [skeleton(w) for w, _ in read]
    out = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=st, b=sr, autojunk=False).get_opcodes():
        if tag == "equal" or tag == "replace" and i2 - i1 == j2 - j1:
            out += [(true[i], read[j][0], read[j][1]) for i, j in zip(range(i1, i2), range(j1, j2))]
    return out


def count(pairs: list[tuple[str, str, float]]) -> dict[str, Counter]:
    """Counts per kind: tone and form (letter shape) on same-skeleton pairs, skeleton intact vs changed, per bin."""
    c: dict[str, Counter] = {"tone": Counter(), "form": Counter(), "skeleton": Counter()}
    for t, r, conf in pairs:
        t, r = nfc(t.lower()), nfc(r.lower())
        if not is_valid_syllable(t):
            continue
        b = conf_bin(conf)
        same = skeleton(t) == skeleton(r)
        c["skeleton"][(b, "same", "same" if same else "changed")] += 1
        if not same:
            continue
        (tb, tt), (rb, rt) = split_tone(place_tone(t)), split_tone(place_tone(r))
        c["tone"][(b, tt or "-", rt or "-")] += 1
        for x, y in zip(letter_forms(tb), letter_forms(rb)):
            if x is not None:
                c["form"][(b, x, y)] += 1
    return c


def write(counts: dict[str, Counter], out_path: str | Path, header: list[str]) -> Path:
    """kind<TAB>bin<TAB>true<TAB>read<TAB>count rows after `#` header lines (probabilities are made at load)."""
    out = Path(out_path)
    rows = [f"{kind}\t{b}\t{t}\t{r}\t{n}" for kind, cnt in counts.items() for (b, t, r), n in sorted(cnt.items())]
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text("\n".join([f"# {h}" for h in header] + ["# kind\tbin\ttrue\tread\tcount"] + rows) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out


def learn(files: list[str | Path], out_path: str | Path, *, exclude: frozenset[str] | set[str] = frozenset(), images: int = 120,
          seed: int = 0, jobs: int = 1, progress: bool = True) -> dict:
    """Render, damage, OCR, align and count; write the table. Returns a summary."""
    paras = read_paragraphs([Path(f) for f in files], set(exclude))
    if not paras:
        raise ValueError("no usable text in the corpus files")
    todo = sample_jobs(paras, images, seed, fonts())
    pairs: list[tuple[str, str, float]] = []
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, 2))) as pool:
        for k, got in enumerate(pool.map(read_job, todo), 1):
            pairs += got
            if progress:
                print(f"\rOCR {k}/{len(todo)} images, {len(pairs)} words", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    counts = count(pairs)
    header = [f"Tesseract `vie` error channel learned by planparse.devtools.markchannel on {_dt.date.today().isoformat()}:",
              f"{images} rendered images ({len(fonts())} font files, 10-14 pt, 120-300 dpi, blur, noise, uneven light, JPEG) "
              f"of {len(paras)} corpus files, seed {seed}; {len(pairs)} aligned words.",
              f"Confidence bins (lower edges): {' '.join(str(b) for b in CONF_BINS)}."]
    write(counts, out_path, header)
    return {"images": images, "words": len(pairs), "output": str(out_path)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Learn the vie OCR error channel (dictionaries/vie_channel.tsv).")
    ap.add_argument("corpus", nargs="+", type=Path, help="corpus folders or files (.txt, .txt.xz)")
    ap.add_argument("--exclude", type=Path, help="a list of corpus files to leave out (dictionaries/lm/heldout.txt)")
    ap.add_argument("--images", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("-o", "--output", type=Path, default=Path("dictionaries/vie_channel.tsv"))
    args = ap.parse_args(argv)
    files = sorted(f for p in args.corpus for f in ([p] if p.is_file() else p.rglob("*.txt*")))
    exclude = set()
    if args.exclude:
        exclude = {Path(ln.split("#")[0].strip()).name for ln in args.exclude.read_text(encoding="utf-8").splitlines()
                   if ln.split("#")[0].strip()}
    print(learn(files, args.output, exclude=exclude, images=args.images, seed=args.seed, jobs=args.jobs))


if __name__ == "__main__":
    main()
