"""Seals, stamps and handwriting on greyscale and black-and-white scans: garbage lines, real lines lost, marks found,
word accuracy.

The signer page of each plan (bench/realpages_docs.py: district/province = held-out set, commune/ministry = tuning set)
is rendered with a grey seal (red ink seen without colour) and black cursive handwriting over its signer block
(photosynth.stamp_gray), an oval "ĐÃ KÝ" stamp below it and a rectangular "SAO Y BẢN CHÍNH" stamp in the top margin
(photosynth.stamp_shapes), scanned at 300/200 dpi (skew, blur, noise; JPEG for greyscale, thresholded for black and
white), and read by planparse.ingest three ways: `clean` = the same scan without the marks (the reference), `before` =
marked page with shape detection off (what planparse did before), `after` = marked page as planparse reads it now.

Per class: garbage lines (output lines whose words are mostly not on the page) before -> after; real lines lost (page
lines the clean read has that the marked read lost, must be 0) before -> after; seals, signatures and stamps (oval and
rectangular) found of those present; stamp words (words of the stamps' text in the page text) before -> after; marks
reported on the clean pages (false marks); word accuracy of the page clean / before / after; CPU of the marked page's
read after/before (after also reads the lines it recovers) and CPU ms of the shape search alone.
Classes o* (ogrey300, ogrey200, obw300, obw200, ored300, ored200): stamps and seals PRINTED OVER TEXT
(photosynth.stamp_over_text): a round seal over the signer's name, a received stamp ("ĐẾN Số: … Ngày: … Chuyển: …")
across the last body lines and a "SAO Y BẢN CHÍNH" stamp over the recipients list, ovals or rectangles, overlapping
by amounts the seed draws, in grey, black and white (grey thresholded) or red ink. Per class: marks found of those
present; stamp words leaking into the text (words of the stamps' own text beyond the clean read's count) before ->
after; word accuracy of the printed lines the marks overlap (lines of the clean read whose box meets a mark's box,
matched to their gold lines) clean / before / after; lines lost before -> after; garbage lines; false marks (on
the clean page); page accuracy; CPU ms of the shape search. `before` here has no mark detection at all (colour
and shape).
Usage: python bench/bench_marks.py [--set heldout|tuning] [--seeds 2] [--classes grey300,bw200] [--before stamps] [-v].
Images are cached in /tmp/planparse_bench_marks.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ocr import accuracy, words  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402
from realpages_docs import HELDOUT, TUNING  # noqa: E402

from planparse.devtools import photosynth, synth  # noqa: E402

CACHE = Path("/tmp/planparse_bench_marks")
CLASSES = ["grey300", "grey200", "bw300", "bw200"]
OVER = ["ogrey300", "ogrey200", "obw300", "obw200", "ored300", "ored200"]
PUNCT = ".,;:()-–\"'"


def signer_pages(which: str):
    """(name, rendered 300-dpi signer page, its gold lines) of each plan of the set."""
    for name, doc in (TUNING if which == "tuning" else HELDOUT).items():
        texts: list[list[str]] = []
        rendered = synth.render(doc, dpi=300, texts=texts)
        k = len(rendered) - (2 if doc.table else 1)
        yield name, rendered[k], texts[k]


def _scan_once(images, files: tuple[Path, Path], dpi: int, seed: int, bw: bool) -> None:
    """The clean and the marked page scanned at `dpi` to their files (black and white PNG or JPEG), unless cached."""
    if all(f.exists() for f in files):
        return
    files[0].parent.mkdir(parents=True, exist_ok=True)
    for img, f in zip(images, files):
        out = photosynth.scan(img, dpi, seed)
        if bw:
            photosynth.bilevel(out).save(f, dpi=(dpi, dpi))
        else:
            out.save(f, "JPEG", quality=60, dpi=(dpi, dpi))


def pages(which: str, seeds: int, classes: list[str]):
    """(name, class, seed, clean file, marked file, dpi, gold lines, true boxes) of every signer page, rendered once."""
    for name, page, gold in signer_pages(which):
        for seed in range(seeds):
            marked, boxes = photosynth.stamp_gray(page, seed=101 + seed)
            marked, more = photosynth.stamp_shapes(marked, seed=101 + seed)
            boxes = {**boxes, **more}
            for cls in classes:
                dpi = int(cls[-3:])
                folder = CACHE / which / name / f"s{seed}"
                ext = "png" if cls.startswith("bw") else "jpg"
                files = (folder / f"{cls}_clean.{ext}", folder / f"{cls}_stamped.{ext}")
                _scan_once((page, marked), files, dpi, seed, cls.startswith("bw"))
                scaled = {kind: tuple(round(v * dpi / 300) for v in box) for kind, box in boxes.items()}
                yield name, cls, seed, files[0], files[1], dpi, gold, scaled


def over_pages(which: str, seeds: int, classes: list[str]):
    """(name, class, seed, clean file, marked file, dpi, gold lines, true boxes) of every signer page with stamps and a
    seal over its printed lines (photosynth.stamp_over_text), rendered once."""
    for name, page, gold in signer_pages(which):
        for seed in range(seeds):
            for cls in classes:
                dpi, ink = int(cls[-3:]), "red" if cls.startswith("ored") else "grey"
                marked, boxes = photosynth.stamp_over_text(page, seed=201 + seed, ink=ink)
                folder = CACHE / f"over-{which}" / name / f"s{seed}"
                ext = "png" if cls.startswith("obw") else "jpg"
                files = (folder / f"{cls}_clean.{ext}", folder / f"{cls}_stamped.{ext}")
                _scan_once((page.convert(marked.mode), marked), files, dpi, seed, cls.startswith("obw"))
                yield name, cls, seed, files[0], files[1], dpi, gold, boxes


def cpu() -> float:
    r, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


BEFORE = "shapes"
"""What the `before` read goes without: all shape detection ("shapes"), or only the stamp search ("stamps")."""


def read(path: Path, shapes: bool, colour: bool = True):
    """planparse.ingest of one page, with the shape detection of marks on or off (see BEFORE) and the colour one on
    or off; (page, text, CPU seconds)."""
    import planparse
    from planparse.ocr import marks, shapemarks

    off = {}
    if not shapes and BEFORE == "stamps":
        off[shapemarks, "stamp_outlines"] = lambda *a: []
    elif not shapes:
        off[marks, "shapes_out"] = lambda prep: prep
    if not colour:
        off[marks, "colour_marks"] = lambda *a: None
    real = {key: getattr(*key) for key in off}
    try:
        for (module, name), step in off.items():
            setattr(module, name, step)
        c0 = cpu()
        doc = planparse.ingest(str(path), jobs=1, tables=False)
        return doc.pages[0], doc.text, cpu() - c0
    finally:
        for (module, name), step in real.items():
            setattr(module, name, step)


def shape_cpu(*files: Path) -> float:
    """Mean CPU seconds of the shape search alone on the prepared pages (marked and clean)."""
    from PIL import Image

    from planparse.ocr import preprocess, shapemarks

    total = 0.0
    for f in files:
        with Image.open(f) as im:
            prep = preprocess.prepare(im, round(im.info["dpi"][0]) if "dpi" in im.info else None)
        t = time.process_time()
        shapemarks.shape_marks(prep.gray, prep.dpi)
        total += time.process_time() - t
    return total / len(files)


def _norm(w: str) -> str:
    return w.strip(PUNCT).lower()


def garbage(page, gold_words: set[str]) -> int:
    """Output lines most of whose words are not words of the page."""
    n = 0
    for ln in page.lines:
        ws = [_norm(w) for w in ln.text.split() if _norm(w)]
        if ws and sum(w in gold_words for w in ws) / len(ws) < 0.5:
            n += 1
    return n


def present(line: str, text: str, at: float) -> bool:
    return fuzz.partial_ratio(line, text) >= at


def found(marks, kind: str, box) -> bool:
    """Whether a mark of `kind` and the true box overlap by half the smaller of the two (a seal whitened over part of
    a signature leaves the rest of it to be found; the scan's skew moves boxes a little)."""
    x0, y0, x1, y1 = box
    area = max(1, (x1 - x0) * (y1 - y0))
    for m in marks:
        if m.kind != kind:
            continue
        a0, b0, a1, b1 = m.bbox
        own = max(1, (a1 - a0) * (b1 - b0))
        inter = max(0, min(x1, a1) - max(x0, a0)) * max(0, min(y1, b1) - max(y0, b0))
        if inter >= 0.5 * min(area, own) and own <= 3 * area:
            return True
    return False


STAMP_WORDS = {"đã", "ký", "sao", "y", "chính"}
"""Words of the generated stamps' text that the plans' own text does not hold as often (their count in the page
text, minus the clean read's, is stamp text that got into the page text)."""


def stamp_words(text: str) -> int:
    return sum(_norm(w) in STAMP_WORDS for w in text.split())


def run(which: str, seeds: int, classes: list[str], verbose: bool) -> None:
    print(f"{which} set, {seeds} seed(s) per plan: a grey seal and black handwriting over the signer block")
    print(f"{'class':8} {'pages':>5} {'garbage':>9} {'lost':>7} {'seals':>7} {'signs':>7} {'stamps':>7} {'st.words':>8} "
          f"{'false':>5} "
          f"{'acc clean':>9} {'before':>7} {'after':>7} {'cpu a/b':>7} {'shape ms':>8}")
    rows: dict[str, dict[str, float]] = {}
    for name, cls, seed, clean_f, marked_f, _, gold_lines, boxes in pages(which, seeds, classes):
        gold = "\n".join(gold_lines)
        gold_words = {_norm(w) for w in words(gold)}
        p_clean, t_clean, _ = read(clean_f, True)
        p_before, t_before, c_b = read(marked_f, False)
        p_after, t_after, c_a = read(marked_f, True)
        r_shape = shape_cpu(marked_f, clean_f)
        ref = [ln for ln in gold_lines if present(ln, t_clean, 90)]
        r = rows.setdefault(cls, dict.fromkeys(["pages", "gb", "ga", "lb", "la", "seals", "signs", "false",
                                                 "ac", "ab", "aa", "cb", "ca", "shape", "stamps", "swb", "swa"], 0.0))
        lost_b = [ln for ln in ref if not present(ln, t_before, 80)]
        lost_a = [ln for ln in ref if not present(ln, t_after, 80)]
        acc = accuracy(t_clean, gold), accuracy(t_before, gold), accuracy(t_after, gold)
        r["pages"] += 1
        r["gb"] += garbage(p_before, gold_words)
        r["ga"] += garbage(p_after, gold_words)
        r["lb"] += len(lost_b)
        r["la"] += len(lost_a)
        r["seals"] += found(p_after.marks, "seal", boxes["seal"])
        r["signs"] += found(p_after.marks, "signature", boxes["signature"])
        r["stamps"] += found(p_after.marks, "stamp", boxes["oval"]) + found(p_after.marks, "stamp", boxes["rect"])
        r["swb"] += max(0, stamp_words(t_before) - stamp_words(t_clean))
        r["swa"] += max(0, stamp_words(t_after) - stamp_words(t_clean))
        r["false"] += len(p_clean.marks)
        r["ac"], r["ab"], r["aa"] = r["ac"] + acc[0], r["ab"] + acc[1], r["aa"] + acc[2]
        r["cb"], r["ca"] = r["cb"] + c_b, r["ca"] + c_a
        r["shape"] += r_shape
        if verbose:
            print(f"   {name:9} s{seed} {cls:8} garbage {garbage(p_before, gold_words)}->{garbage(p_after, gold_words)} "
                  f"lost {lost_b}->{lost_a} marks {[(m.kind, m.found_by) for m in p_after.marks]} "
                  f"false {[(m.kind, m.bbox) for m in p_clean.marks]} acc {acc[0]:.2%}/{acc[1]:.2%}/{acc[2]:.2%}")
            sys.stdout.flush()
    for cls, r in rows.items():
        n = r["pages"]
        print(f"{cls:8} {n:5.0f} {r['gb']:4.0f}->{r['ga']:<3.0f} {r['lb']:3.0f}->{r['la']:<2.0f} {r['seals']:3.0f}/{n:<3.0f} "
              f"{r['signs']:3.0f}/{n:<3.0f} {r['stamps']:3.0f}/{2 * n:<3.0f} {r['swb']:3.0f}->{r['swa']:<4.0f} {r['false']:5.0f} "
              f"{r['ac'] / n:9.2%} {r['ab'] / n:7.2%} {r['aa'] / n:7.2%} "
              f"{r['ca'] / max(r['cb'], 1e-9):7.2f} {r['shape'] * 1000 / n:8.0f}")


def _meets(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def overlapped(page, gold_lines: list[str], boxes: dict) -> list[str]:
    """Gold lines of the printed lines a mark overlaps: lines of the (clean) page read whose box meets a mark's box
    (300-dpi page pixels scaled to the page's), each matched to the gold line it reads best as."""
    from rapidfuzz import process

    f = page.dpi / 300
    marks = [tuple(v * f for v in b) for b in boxes.values()]
    out: list[str] = []
    for ln in page.lines:
        if ln.bbox and any(_meets(ln.bbox, m) for m in marks):
            best = process.extractOne(ln.text, gold_lines, scorer=fuzz.ratio)
            if best and best[1] >= 60 and best[0] not in out:
                out.append(best[0])
    return out


def lines_accuracy(lines: list[str], text: str) -> float:
    """Word accuracy of `lines` in `text`: each against the stretch of text it aligns with best (whole words)."""
    right = total = 0.0
    for g in lines:
        n = len(words(g))
        total += n
        al = fuzz.partial_ratio_alignment(g, text)
        if al is None or al.score < 50:
            continue
        a, b = al.dest_start, al.dest_end
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        while b < len(text) and not text[b].isspace():
            b += 1
        right += accuracy(text[a:b], g) * n
    return right / max(total, 1)


OVER_WORDS = {_norm(w) for w in photosynth.STAMP_TEXT}


def over_words(text: str) -> dict[str, int]:
    from collections import Counter

    return Counter(w for w in map(_norm, text.split()) if w in OVER_WORDS)


def leaked(text: str, clean: str) -> int:
    """Words of the stamps' and seal's own text beyond the clean read's count of them."""
    a, c = over_words(text), over_words(clean)
    return sum(max(0, n - c.get(w, 0)) for w, n in a.items())


def run_over(which: str, seeds: int, classes: list[str], verbose: bool) -> None:
    print(f"{which} set, {seeds} seed(s) per plan: a seal over the signer's name, a received stamp over the last body "
          "lines and a SAO Y stamp over the recipients")
    print(f"{'class':8} {'pages':>5} {'found':>7} {'leak':>7} {'ov.lines':>8} {'ov clean':>8} {'before':>7} {'after':>7} "
          f"{'lost':>6} {'garbage':>7} {'false':>5} {'acc clean':>9} {'before':>7} {'after':>7} {'shape ms':>8}")
    rows: dict[str, dict[str, float]] = {}
    for name, cls, seed, clean_f, marked_f, _, gold_lines, boxes in over_pages(which, seeds, classes):
        gold = "\n".join(gold_lines)
        gold_words = {_norm(w) for w in words(gold)}
        p_clean, t_clean, _ = read(clean_f, True)
        p_before, t_before, _ = read(marked_f, False, colour=False)
        p_after, t_after, _ = read(marked_f, True)
        ov = overlapped(p_clean, gold_lines, boxes)
        ref = [ln for ln in gold_lines if present(ln, t_clean, 90)]
        f = p_after.dpi / 300
        kinds = {"seal": "seal", "received": "stamp", "copy": "stamp"}
        hit = sum(found(p_after.marks, kinds[k], tuple(v * f for v in b)) for k, b in boxes.items())
        r = rows.setdefault(cls, dict.fromkeys(["pages", "marks", "found", "lb", "la", "ov", "oc", "ob", "oa", "gb", "ga",
                                                 "false", "ac", "ab", "aa", "shape", "swb", "swa"], 0.0))
        n_ov = len(ov)
        oacc = [lines_accuracy(ov, t) * n_ov for t in (t_clean, t_before, t_after)]
        acc = accuracy(t_clean, gold), accuracy(t_before, gold), accuracy(t_after, gold)
        lost_b = [ln for ln in ref if not present(ln, t_before, 80)]
        lost_a = [ln for ln in ref if not present(ln, t_after, 80)]
        r["pages"] += 1
        r["marks"] += len(boxes)
        r["found"] += hit
        r["swb"] += leaked(t_before, t_clean)
        r["swa"] += leaked(t_after, t_clean)
        r["ov"] += n_ov
        r["oc"], r["ob"], r["oa"] = r["oc"] + oacc[0], r["ob"] + oacc[1], r["oa"] + oacc[2]
        r["lb"] += len(lost_b)
        r["la"] += len(lost_a)
        r["gb"] += garbage(p_before, gold_words)
        r["ga"] += garbage(p_after, gold_words)
        r["false"] += len(p_clean.marks)
        r["ac"], r["ab"], r["aa"] = r["ac"] + acc[0], r["ab"] + acc[1], r["aa"] + acc[2]
        r["shape"] += shape_cpu(marked_f, clean_f)
        if verbose:
            print(f"   {name:9} s{seed} {cls:8} found {hit}/{len(boxes)} {[(m.kind, m.found_by) for m in p_after.marks]} "
                  f"leak {leaked(t_before, t_clean)}->{leaked(t_after, t_clean)} overlapped {n_ov} acc "
                  f"{oacc[0] / max(n_ov, 1):.2%}/{oacc[1] / max(n_ov, 1):.2%}/{oacc[2] / max(n_ov, 1):.2%} "
                  f"lost {lost_b}->{lost_a} false {[(m.kind, m.bbox) for m in p_clean.marks]}")
            if verbose and oacc[2] < oacc[0]:
                for g in ov:
                    print(f"      {lines_accuracy([g], t_clean):.0%} {lines_accuracy([g], t_after):.0%} {g!r}")
            sys.stdout.flush()
    for cls, r in rows.items():
        n, ov = r["pages"], max(r["ov"], 1)
        print(f"{cls:8} {n:5.0f} {r['found']:3.0f}/{r['marks']:<3.0f} {r['swb']:3.0f}->{r['swa']:<3.0f} {r['ov']:8.0f} "
              f"{r['oc'] / ov:8.2%} {r['ob'] / ov:7.2%} {r['oa'] / ov:7.2%} {r['lb']:2.0f}->{r['la']:<2.0f} "
              f"{r['gb']:3.0f}->{r['ga']:<2.0f} {r['false']:5.0f} {r['ac'] / n:9.2%} {r['ab'] / n:7.2%} {r['aa'] / n:7.2%} "
              f"{r['shape'] * 1000 / n:8.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", default="heldout", choices=["heldout", "tuning"])
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--classes", default=",".join(CLASSES + OVER))
    ap.add_argument("-v", action="store_true", help="per page figures")
    ap.add_argument("--before", default="shapes", choices=["shapes", "stamps"],
                    help="what the before read goes without: all shape detection, or only the stamp search")
    args = ap.parse_args()
    global BEFORE
    BEFORE = args.before
    import planparse

    planparse.restore("khởi động")  # load the LM before timing
    classes = args.classes.split(",")
    if [c for c in classes if c not in OVER]:
        run(args.set, args.seeds, [c for c in classes if c not in OVER], args.v)
    if [c for c in classes if c in OVER]:
        run_over(args.set, args.seeds, [c for c in classes if c in OVER], args.v)


if __name__ == "__main__":
    t = time.time()
    main()
    print(f"({time.time() - t:.0f} s)")
