"""Where correct text goes wrong: of the words bare `tesseract -l vie` reads right, which ones planparse has wrong,
and at which step (tuning material only).

More tuning material than bench_realpages' tuning set (about one broken word in 350 there): the second restore
tuning set (bench/tuning/more, six plans laid out as signed, stamped plans) and the opening of corpus files the LM was
trained on (admin/, never a file of dictionaries/lm/heldout.txt), rendered through the bench's scan and photo damage
with seeds of their own. Per broken word it tells the step that lost it:
  first   planparse's first page read (clean-up, resampling, ink box) already has it wrong,
  second  the second read of unsure lines (ocr.second_read) made it wrong,
  later   a later OCR step (unread-ink lines, heading numerals, table cells) did,
  repair  the raw OCR text had it right and the repair stage changed it.
The corpus text is not all clean: two openings (tai-san-cong-no-cong-du-..., giao-thong-van-tai__241-...) hold typos
of their own source (`tô chức`, `Chính phú`, `Căn cử`, `sửa đối, bổ sưng`), which repair rightly corrects; those
corrections count as broken words here (13 of scan300's 4,696 bare-right words, 12 of scan200's: a floor of 0.26-0.28 %).
--extra reads other material instead: every restore tuning plan (bench/tuning/t*, bench/tuning/more/*) laid out with
longer recipient lists (`Lưu: VT, VP.`: every first layout ends `Lưu: VT.`) and a numbered annex table of the plan's own
items on the stamped last page, with seeds of their own: the recipient punctuation, table row numbers and table cells
under a seal that the held-out plans have and the first material rarely shows. scan300 there: 0.33 % broke on 11d2a92
(22 of 6,572 bare-right words), 0.23 % after a whole-line second read, flat specks, glued words and doubled vowels
(first read 12 -> 6, later 3 -> 2); scan200 0.20 % both (13 of 6,564: Roman quarters `Quý III/2026` read `II1⁄2026`,
`I/2026` -> `1/2026`, place names respelt). The first material is at its typo floor on both (0 other broken words).
On 4cd539f (its plans now laid out with the seal's page holding the annex) --extra measured scan300 0.32 % (31 of 9,807:
first read 16, second 1, later 2, repair 12), scan200 0.20 % (20 of 9,799: first 10, repair 10); after confident reads
and names kept by repair, quarter numerals read back (layout.quarters), `Ÿ` mapped back and a heading's separator
re-read: scan300 0.20 % (20: first 14, later 1, repair 5), scan200 0.11 % (11: first 5, repair 6). Since h1-h2 joined
bench/tuning/more (23 plans, 12,775 words a class), b911719 measures scan300 0.29 % (35 of 12,250: first 24, later 1,
repair 10), scan200 0.18 % (22 of 12,253: first 8, second 1, later 1, repair 12). i1-i2 joined after that (25 plans):
figures of later commits are not comparable with these.
On 6bbf9c2 --extra measured scan300 0.29 % (41 of 14,249: first 29, later 2, repair 10), scan200 0.18 % (26 of
14,265: first 11, second 1, later 1, repair 13); the read checked against its ink (layout.unglued, punctuated, cased),
the recipients' `;` and the page's quarter style: scan300 0.20 % (29: first 17, later 2, repair 10), scan200 0.18 % (26);
punctuated (2 of scan300's fixed words) was then taken out again (blurred photos), GLUED_* tightened (scan200 `HĐND`).
On ee92228 --extra measured scan300 0.20 % (28 of 14,249: first 19, later 2, repair 7), scan200 0.15 % (22 of 14,265:
first 10, second 1, later 1, repair 10); with very unsure valid syllables read again on the plain page
(plaincheck.VALID_UNSURE), `ø` read as `g`, the second read's `Quý 1/2026` at 82 taken as Roman (ONE_UNSURE 90) and an
unsure lone word between row numbers n and n+2 read n+1 (b07a0a0): scan300 0.14 % (20: first 11, later 2, repair 7),
scan200 0.15 % (21: first 9, second 1, later 1, repair 10); with ROW_UNSURE 90 and the guards of d16ad65 scan200
0.14 % (20: first 8, second 1, later 1, repair 10).
Usage: python bench/bench_broke.py [--classes scan300,photo-blur] [--docs 8] [--extra] [-v]
Reads ../shared (benchmarks may; tests never do). Images and bare reads are cached in /tmp/planparse_bench_broke (or
$PLANPARSE_BENCH_BROKE).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

from benchlib import CLASSES, REPO, SHARED, bare, corpus_doc, right_positions, save_damaged, words
from realpages_docs import _laid_out

from planparse.devtools import synth

CACHE = Path(os.environ.get("PLANPARSE_BENCH_BROKE", "/tmp/planparse_bench_broke"))
SEED = 500
"""Seeds of this material's damage start here (bench_realpages' start at 0)."""


def documents(n_corpus: int) -> dict[str, tuple[synth.SynthDoc, bool]]:
    """name -> (document, stamped?): the six plans of bench/tuning/more and `n_corpus` admin/ corpus openings."""
    more = REPO / "bench" / "tuning" / "more"
    docs: dict[str, tuple[synth.SynthDoc, bool]] = {}
    for k, path in enumerate(sorted(more.glob("d*.txt"))):
        docs[path.stem[:12]] = (_laid_out(path, f"{40 + k}/KH-UBND", f"Tân Phú, ngày {k + 3:02d} tháng {k + 4} năm 2026",
                                          ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"], [], []), True)
    listed = (REPO / "dictionaries" / "lm" / "heldout.txt").read_text(encoding="utf-8").splitlines()
    held = {ln.split("#")[0].strip() for ln in listed}
    admin = sorted(p for p in (SHARED / "corpus" / "admin").glob("*.txt") if f"admin/{p.name}" not in held)
    step = max(1, len(admin) // max(1, n_corpus))
    for p in admin[::step][:n_corpus]:
        docs[p.stem[:24]] = (corpus_doc(p), False)
    return docs


RECIPIENTS = [
    ["Nơi nhận:", "- Như trên;", "- TT Đảng ủy, HĐND xã;", "- Chủ tịch, các PCT UBND xã;", "- Lưu: VT, VP."],
    ["Nơi nhận:", "- UBND huyện (để b/c);", "- Các ban, ngành, đoàn thể xã;", "- Các thôn, bản;", "- Lưu: VT, VHXH."],
    ["Nơi nhận:", "- Sở Y tế;", "- Phòng Tài chính - Kế hoạch;", "- Lưu: VT, YT, TH."],
    ["Nơi nhận:", "- Như mục III;", "- Đài Truyền thanh xã;", "- Lưu: VT, ĐCXD."],
]
"""Recipient lists of the --extra layouts: several recipients and archives after `Lưu: VT,` (the first layouts all
end in `Lưu: VT.`, so a comma there was never tuned on)."""
WHEN = ["Quý I/2026", "Tháng 5/2026", "Thường xuyên", "Quý III/2026", "Năm 2026", "Tháng 10/2026", "Quý IV/2026"]


def extra_documents() -> dict[str, tuple[synth.SynthDoc, bool]]:
    """--extra: every restore tuning plan (bench/tuning/t*, bench/tuning/more/*) laid out again with longer
    recipient lists (RECIPIENTS) and an annex table numbering the plan's own numbered items (TT 1, 2, 3 ...)."""
    from realpages_docs import RIGHT

    docs: dict[str, tuple[synth.SynthDoc, bool]] = {}
    tuning = REPO / "bench" / "tuning"
    paths = sorted(tuning.glob("t*.txt")) + sorted((tuning / "more").glob("*_*.txt"))
    for k, path in enumerate(paths):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        i = lines.index("KẾ HOẠCH")
        items = [ln.split(". ", 1)[1] for ln in lines if ln[:1].isdigit() and ". " in ln[:4]]
        table = [["TT", "Nội dung", "Thời gian"]] + [
            [str(n + 1), " ".join(t.split()[:7]).rstrip(",;:"), WHEN[(n + k) % len(WHEN)]] for n, t in enumerate(items)]
        doc = synth.SynthDoc(header_left=lines[:i] + [f"Số: {70 + 3 * k}/KH-UBND"],
                             header_right=RIGHT + [f"Phú Lộc, ngày {k + 5:02d} tháng {k % 12 + 1} năm 2026"],
                             title=lines[i:i + 2], body=lines[i + 2:], recipients=RECIPIENTS[k % len(RECIPIENTS)],
                             signer=["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Minh Đức"] if k % 2 else
                             ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Thị Hồng"],
                             table=table, table_widths=[0.6, 5.0, 2.2])
        docs["x-" + path.stem[:10]] = (doc, True)
    return docs


def make_images(cls: str, n_corpus: int, extra: bool = False) -> list[tuple[str, list[Path], str]]:
    """(document name, page image files, gold text) of one class, rendered once and cached; with `extra`, only the
    --extra layouts."""
    out = []
    for name, (doc, stamped) in (extra_documents() if extra else documents(n_corpus)).items():
        folder = CACHE / cls / name
        files = sorted(folder.glob("p*.jpg"))
        if not files:
            folder.mkdir(parents=True, exist_ok=True)
            key = len(name) + (sum(map(ord, name)) if extra else 0)  # the extra names are all 12 characters long
            pages = synth.render(doc, dpi=300, size_pt=12.0 + (key % 3) * 0.5)
            files = save_damaged(pages, cls, folder, SEED + key * 7 + CLASSES.index(cls),
                                 len(pages) - 1 if stamped else None)
        out.append((name, files, synth.plain_text(doc)))
    return out


def cached_bare(img: Path) -> str:
    """Bare Tesseract's text of an image, cached beside it (no timing here)."""
    f = img.with_suffix(".bare.txt")
    if not f.exists():
        f.write_text(bare(img)[0], encoding="utf-8")
    return f.read_text(encoding="utf-8")


SNAPS: dict[str, str] = {}
"""Text of the page's lines after the first read and after the second read (filled by the patched steps)."""


def _instrument() -> None:
    """Record the lines' text after planparse's first page read and after its second read of unsure lines."""
    import planparse.pages as pages

    read_page, second_read = pages.read_page, pages.second_read

    def rp(*a, **k):
        r = read_page(*a, **k)
        SNAPS["first"] = "\n".join(ln.text for ln in r.lines)
        SNAPS["plain"] = "yes" if r.plain is not None else ""
        return r

    def sr(gray, lines, *a, **k):
        out = second_read(gray, lines, *a, **k)
        SNAPS["second"] = "\n".join(ln.text for ln in out)
        return out

    pages.read_page, pages.second_read = rp, sr


def run(classes: list[str], n_corpus: int, verbose: bool, out_json: Path | None, extra: bool = False) -> None:
    import planparse

    _instrument()
    records = []
    print(f"{'class':14} {'pages':>5} {'words':>6} {'bare ok':>7} {'broke':>6} {'first':>5} {'second':>6} {'later':>5} "
          f"{'repair':>6}")
    for cls in classes:
        steps: Counter = Counter()
        pages = n = bare_right = 0
        for name, files, gold_text in make_images(cls, n_corpus, extra):
            t_b, t_1, t_2, t_raw, t_fin = [], [], [], [], []
            for f in files:
                t_b.append(cached_bare(f))
                SNAPS.clear()
                doc = planparse.ingest(str(f), jobs=1)
                t_1.append(SNAPS.get("first", ""))
                t_2.append(SNAPS.get("second", SNAPS.get("first", "")))
                t_raw.append("\n".join(ln.raw if ln.raw is not None else ln.text for p in doc.pages for ln in p.lines))
                t_fin.append(doc.text)
                pages += 1
            gold = words(gold_text)
            rb = right_positions("\n".join(t_b), gold)
            r1, r2, rr, rf = (right_positions("\n".join(t), gold) for t in (t_1, t_2, t_raw, t_fin))
            n += len(gold)
            bare_right += len(rb)
            for i in sorted(rb - rf):
                step = "first" if i not in r1 else "second" if i not in r2 else "later" if i not in rr else "repair"
                steps[step] += 1
                ctx = " ".join(gold[max(0, i - 2):i + 3])
                records.append({"class": cls, "doc": name, "step": step, "gold": gold[i], "context": ctx,
                                "first": _near(t_1, gold, i), "final": _near(t_fin, gold, i), "raw": _near(t_raw, gold, i)})
                if verbose:
                    r = records[-1]
                    print(f"   {cls:12} {name:24} {step:6} {r['gold']!r:14} raw {r['raw']!r:14} final {r['final']!r:14}"
                          f"  [{ctx}]")
        broke = sum(steps.values())
        print(f"{cls:14} {pages:5d} {n:6d} {bare_right:7d} {broke / max(1, bare_right):6.2%} {steps['first']:5d} "
              f"{steps['second']:6d} {steps['later']:5d} {steps['repair']:6d}")
        sys.stdout.flush()
    if out_json:
        out_json.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")


def _near(texts: list[str], gold: list[str], i: int) -> str:
    """What a read has where gold word `i` is (its aligned words, `∅` for none)."""
    from rapidfuzz.distance import Levenshtein

    got = words("\n".join(texts))
    for o in Levenshtein.opcodes(gold, got):
        if o.src_start <= i < o.src_end or (o.src_start == o.src_end == i):
            if o.tag == "equal":
                return got[o.dest_start + i - o.src_start]
            return " ".join(got[o.dest_start:o.dest_end]) or "∅"
    return "∅"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--classes", default=",".join(CLASSES))
    ap.add_argument("--docs", type=int, default=8, help="corpus openings besides the six plans")
    ap.add_argument("--json", type=Path, help="write every broken word (class, doc, step, gold, reads) here")
    ap.add_argument("--extra", action="store_true",
                    help="instead: the 16 restore tuning plans laid out with longer recipient lists and numbered tables")
    ap.add_argument("-v", action="store_true", help="print every broken word")
    args = ap.parse_args()
    run(args.classes.split(","), args.docs, args.v, args.json, args.extra)


if __name__ == "__main__":
    main()
