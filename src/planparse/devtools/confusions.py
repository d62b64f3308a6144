"""OCR confusion rules learned from data: render correct text, OCR it, align, count substring substitutions.

The channel (restore/channel.py) rewrites an observed skeleton into intended skeletons with these
rules; a rule's cost is -log10 P(observed substring | intended substring), scaled and clipped.
Skeletons are padded with `^` and `$` so a rule can be tied to the start or end of a syllable.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import random
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import regex
from rapidfuzz.distance import Levenshtein

from ..repair.channel import garble_skeleton
from ..repair.orthography import is_valid_syllable, nfc, skeleton

TOKEN_RE = regex.compile(r"(?:[\p{L}\p{M}\d¢&@€§£]|(?<=[\p{L}\p{M}])[?'’])+")
"""Tokens as the restore stage's pieces see them in garbled text: a `?` or apostrophe right after a letter is part of
the word (English OCR prints the hook of ữ, ử as `?`: `tri?`, `st?c`; the horn of ư, ơ as `'`: `tru’dng`, `tt’`;
segment.glue_marks)."""
MAX_SIDE = 3
CONTEXT = 2
ANCHORS = "^$"
SYMBOL_GLYPHS = "¢€&§£@"
"""Glyphs English-model OCR prints for a Vietnamese vowel whose stacked marks it cannot read (`nghi¢p` nghiệp,
`N§i` Nội, `K&` Kế, `ti€p` tiếp, `nu@c` nước). Which glyph comes out depends on font and scan; the vowel behind it
does not, so `pool_symbols` counts them as one (in 240 pages rendered at 150-200 dpi they stood for o 154 times, a 32,
e 16: the `e` of `nghi¢p` is too rare under any one glyph to reach a rule)."""
POOLED = SYMBOL_GLYPHS[0]
DPIS = (200, 220, 240, 260, 300)
"""Scan resolutions a page is rendered at by default."""
SIZES = (12.0, 13.0, 13.0, 14.0)
"""Body font sizes (pt) a page is set in by default."""
BLUR_MAX = 1.2
"""Upper end of the scan blur (Gaussian radius in px, from 0.3) by default."""


@dataclass
class Settings:
    """How counts become a table: kept rules, their cost scale and clipping."""

    min_count: int = 3
    smoothing: float = 2.0
    scale: float = 0.5
    floor: float = 0.2
    ceiling: float = 2.0
    margin: float = 0.2
    max_rules: int = 450


def _core(s: str) -> str:
    return s.strip(ANCHORS)


def pair_rules(obs: str, intended: str) -> list[tuple[str, str]]:
    """Substring substitutions (with up to CONTEXT chars of shared context) that turn `obs` into `intended` skeletons."""
    o, t = f"^{obs}$", f"^{intended}$"
    ops = [op for op in Levenshtein.opcodes(o, t)]
    blocks: list[list[int]] = []
    for op in ops:
        if op.tag == "equal":
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1][1], blocks[-1][3] = op.src_end, op.dest_end
        else:
            blocks.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    out = []
    for i1, i2, j1, j2 in blocks:
        if i2 - i1 > MAX_SIDE or j2 - j1 > MAX_SIDE:
            continue
        for left in range(CONTEXT + 1):
            for right in range(CONTEXT + 1):
                a1, a2, b1, b2 = i1 - left, i2 + right, j1 - left, j2 + right
                if a1 < 0 or b1 < 0 or a2 > len(o) or b2 > len(t):
                    continue
                src, dst = o[a1:a2], t[b1:b2]
                if o[a1:i1] != t[b1:j1] or o[i2:a2] != t[j2:b2]:
                    continue
                if len(_core(src)) > MAX_SIDE or len(_core(dst)) > MAX_SIDE or not _core(src) and not _core(dst):
                    continue
                if (i1 == i2 or j1 == j2) and left + right == 0:
                    continue
                out.append((src, dst))
    return out


def substrings(intended: str) -> set[tuple[int, str]]:
    """Every (position, substring) of the padded skeleton a rule could target: the denominators."""
    t = f"^{intended}$"
    return {(i, t[i:j]) for i in range(len(t)) for j in range(i + 1, min(len(t), i + MAX_SIDE + 2) + 1)
            if len(_core(t[i:j])) <= MAX_SIDE}


def align_tokens(original: str, ocr: str) -> list[tuple[str, str]]:
    """(observed token, intended token) pairs: token sequences aligned on skeletons, unequal spans paired by similarity."""
    a = TOKEN_RE.findall(nfc(ocr))
    b = TOKEN_RE.findall(nfc(original))
    sa, sb = [skeleton(x) for x in a], [skeleton(x) for x in b]
    pairs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=sa, b=sb, autojunk=False).get_opcodes():
        if tag == "equal":
            pairs += list(zip(a[i1:i2], b[j1:j2]))
        elif tag == "replace" and i2 - i1 <= 8 and j2 - j1 <= 8:
            pairs += _pair_span(a[i1:i2], b[j1:j2])
    return [(x, y) for x, y in pairs if Levenshtein.normalized_distance(skeleton(x), skeleton(y)) <= 0.6]


def _pair_span(a: list[str], b: list[str]) -> list[tuple[str, str]]:
    """Monotone one-to-one pairing of two short token lists, skipping tokens (split/merged words) at a fixed cost."""
    skip = 0.7
    n, m = len(a), len(b)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == j == 0:
                continue
            best, how = math.inf, 0
            if i and j:
                c = cost[i - 1][j - 1] + Levenshtein.normalized_distance(skeleton(a[i - 1]), skeleton(b[j - 1]))
                best, how = c, 1
            if i and cost[i - 1][j] + skip < best:
                best, how = cost[i - 1][j] + skip, 2
            if j and cost[i][j - 1] + skip < best:
                best, how = cost[i][j - 1] + skip, 3
            cost[i][j], back[i][j] = best, how
    out = []
    i, j = n, m
    while i or j:
        how = back[i][j]
        if how == 1:
            out.append((a[i - 1], b[j - 1]))
            i, j = i - 1, j - 1
        elif how == 2:
            i -= 1
        else:
            j -= 1
    return out[::-1]


def count(samples: list[tuple[str, str, str]]) -> dict[str, tuple[Counter, Counter]]:
    """Per OCR language: (rule counts (obs, intended), intended-substring counts) from (lang, original, ocr) samples."""
    out: dict[str, tuple[Counter, Counter]] = {}
    for lang, original, ocr in samples:
        rules, occ = out.setdefault(lang, (Counter(), Counter()))
        for x, y in align_tokens(original, ocr):
            if not is_valid_syllable(y.lower()):
                continue
            so, si = garble_skeleton(x), skeleton(y)
            for _, sub in substrings(si):
                occ[sub] += 1
            if so != si:
                rules.update(set(pair_rules(so, si)))
    return out


def pool_symbols(samples: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The samples with every SYMBOL_GLYPHS glyph of the OCR text written as one (POOLED), so their rules are counted
    together."""
    pooled = str.maketrans({g: POOLED for g in SYMBOL_GLYPHS})
    return [(lang, original, ocr.translate(pooled)) for lang, original, ocr in samples]


def symbol_rules(counts: dict[str, tuple[Counter, Counter]]) -> dict[str, tuple[Counter, Counter]]:
    """Counts of pooled samples with only the rules that read POOLED: what low-resolution pages teach beyond the table
    learned at 200-300 dpi, without the rest of their noise."""
    return {lang: (Counter({k: v for k, v in rules.items() if POOLED in k[0]}), occ) for lang, (rules, occ) in counts.items()}


def expand_symbols(rows: list[tuple[str, str, float, int]]) -> list[tuple[str, str, float, int]]:
    """A table counted on pooled samples with each rule that reads POOLED repeated for every SYMBOL_GLYPHS glyph, at
    the pooled cost: P(some glyph | vowel), as the glyph a font yields is the one it always yields."""
    out = []
    for src, dst, cost, c in rows:
        out += [(src.replace(POOLED, g), dst, cost, c) for g in SYMBOL_GLYPHS] if POOLED in src else [(src, dst, cost, c)]
    return out


def _reductions(src: str, dst: str) -> list[tuple[str, str]]:
    """The rule with one shared context character dropped from the left or from the right."""
    out = []
    if len(src) > 1 and len(dst) > 1 and src[0] == dst[0]:
        out.append((src[1:], dst[1:]))
    if len(src) > 1 and len(dst) > 1 and src[-1] == dst[-1]:
        out.append((src[:-1], dst[:-1]))
    return [r for r in out if _core(r[0]) or _core(r[1])]


def table(counts: dict[str, tuple[Counter, Counter]], settings: Settings = Settings()) -> list[tuple[str, str, float, int]]:
    """Rules (observed, intended, cost, count): cheapest over languages; a rule with context is kept only when it
    is cheaper by `margin` than the shorter rules it extends, so the table stays small."""
    best: dict[tuple[str, str], tuple[float, int]] = {}
    for rules, occ in counts.values():
        for (src, dst), c in rules.items():
            if c < settings.min_count:
                continue
            p = c / (occ.get(dst, 0) + settings.smoothing)
            cost = min(settings.ceiling, max(settings.floor, -settings.scale * math.log10(min(p, 1.0))))
            old = best.get((src, dst))
            best[(src, dst)] = (min(cost, old[0]), c + old[1]) if old else (cost, c)
    effective: dict[tuple[str, str], float] = {}
    kept: dict[tuple[str, str], tuple[float, int]] = {}
    for rule, (cost, c) in sorted(best.items(), key=lambda kv: (len(kv[0][0]) + len(kv[0][1]), -kv[1][1])):
        inherited = min((effective[r] for r in _reductions(*rule) if r in effective), default=math.inf)
        if cost >= settings.ceiling or cost > inherited - settings.margin:
            if inherited < math.inf:
                effective[rule] = inherited
            continue
        effective[rule] = cost
        kept[rule] = (cost, c)
    ranked = sorted(kept.items(), key=lambda kv: -kv[1][1])[:settings.max_rules]
    return sorted(((s, d, round(cost, 2), c) for (s, d), (cost, c) in ranked), key=lambda r: (r[2], r[0]))


def read(path: str | Path) -> tuple[list[tuple[str, str, float, int]], list[str]]:
    """The rows and the header lines (without `# `) of a table written by `write`."""
    rows, header = [], []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if not line.startswith("# observed\t"):
                header.append(line[2:])
        elif line.strip():
            src, dst, cost, c = line.split("\t")[:4]
            rows.append((src, dst, float(cost), int(c)))
    return rows, header


def merge(tables: list[list[tuple[str, str, float, int]]]) -> list[tuple[str, str, float, int]]:
    """One table from tables learned on different renderings: each rule at its cheapest cost, counts summed, as
    `table` does over OCR languages (a garble frequent under one font or scan is likely wherever it occurs)."""
    best: dict[tuple[str, str], tuple[float, int]] = {}
    for rows in tables:
        for src, dst, cost, c in rows:
            old = best.get((src, dst))
            best[(src, dst)] = (min(cost, old[0]), c + old[1]) if old else (cost, c)
    return sorted(((s, d, cost, c) for (s, d), (cost, c) in best.items()), key=lambda r: (r[2], r[0]))


def write(rows: list[tuple[str, str, float, int]], out_path: str | Path, header: list[str]) -> Path:
    """observed<TAB>intended<TAB>cost<TAB>count, after `#` header lines."""
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {h}" for h in header] + ["# observed\tintended\tcost\tcount"]
    lines += [f"{s}\t{d}\t{cost:.2f}\t{c}" for s, d, cost, c in rows]
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(out)
    return out


FAMILIES: tuple[tuple[str, float, dict[str, str]], ...] = (
    ("Liberation Serif", 0.3, {"regular": "liberation2/LiberationSerif-Regular.ttf",
                               "bold": "liberation2/LiberationSerif-Bold.ttf",
                               "italic": "liberation2/LiberationSerif-Italic.ttf"}),
    ("Tinos", 0.25, {"regular": "croscore/Tinos-Regular.ttf", "bold": "croscore/Tinos-Bold.ttf",
                     "italic": "croscore/Tinos-Italic.ttf"}),
    ("TeX Gyre Termes", 0.25, {"regular": "tex-gyre/texgyretermes-regular.otf",
                               "bold": "tex-gyre/texgyretermes-bold.otf",
                               "italic": "tex-gyre/texgyretermes-italic.otf"}),
    ("DejaVu Serif", 0.2, {"regular": "dejavu/DejaVuSerif.ttf", "bold": "dejavu/DejaVuSerif-Bold.ttf",
                           "italic": "dejavu/DejaVuSerif-Italic.ttf"}),
)
"""Serif families a page is set in, with their shares: three Times-like ones (the face plans are printed in:
Liberation Serif, Tinos from fonts-croscore, TeX Gyre Termes from fonts-texgyre) and DejaVu Serif. Each garbles
Vietnamese marks its own way under an English OCR model."""
FONT_ROOTS = ("/usr/share/fonts/truetype", "/usr/share/fonts/opentype", "/usr/share/texmf/fonts/opentype/public")
FACES = (("regular", 0.75), ("bold", 0.15), ("italic", 0.10))
"""The face a page's body is set in: plans print parts in bold or italic."""


def _family(k: int, face: str = "regular"):
    """A font_path for synth that sets body text of family k in `face` (bold and italic keep their face); falls
    back to synth's own font when the family is not installed."""
    from . import synth

    default = synth.font_path
    files = FAMILIES[k][2]

    def pick(style: str = "regular") -> str:
        name = files[face if style == "regular" else style]
        for root in FONT_ROOTS:
            path = Path(root) / name
            if path.exists():
                return str(path)
        return default(style)

    return pick


def _title_some(text: str, rng: random.Random, share: float) -> str:
    """Capitalise a share of the words, as names of bodies (Sở, Đảng, Đài) are in plans, so capitals get read too."""
    return " ".join(w[:1].upper() + w[1:] if rng.random() < share else w for w in text.split(" "))


def sample_pages(text_files: list[Path], pages: int, seed: int, dpis: Sequence[int] = DPIS,
                 sizes: Sequence[float] = SIZES, blur_max: float = BLUR_MAX) -> list[dict]:
    """Page jobs: a page's worth of consecutive paragraphs from a random file, a title line, font, face and scan
    settings (FAMILIES, FACES, a resolution of `dpis`, a size of `sizes`, blur up to `blur_max`)."""
    rng = random.Random(seed)
    paras_by_file = []
    for f in text_files:
        paras = [nfc(p.strip()) for p in Path(f).read_text(encoding="utf-8", errors="replace").splitlines()]
        paras = [p for p in paras if len(p) >= 20]
        if len(paras) >= 10:
            paras_by_file.append(paras)
    if not paras_by_file:
        raise ValueError("no usable text in the corpus files")
    jobs = []
    for k in range(pages):
        paras = rng.choice(paras_by_file)
        i = rng.randrange(len(paras))
        body, words = [], 0
        while words < 330 and i < len(paras):
            body.append(paras[i][:1500])
            words += len(paras[i].split())
            i += 1
        if rng.random() < 0.6:
            body = [_title_some(p, rng, 0.15) for p in body]
        titles = [p for p in paras if len(p) <= 70]
        title = [rng.choice(titles).upper()] if titles and rng.random() < 0.7 else []
        jobs.append({"title": title, "body": body, "dpi": rng.choice(list(dpis)),
                     "font": rng.choices(range(len(FAMILIES)), [f[1] for f in FAMILIES])[0],
                     "face": rng.choices([f for f, _ in FACES], [w for _, w in FACES])[0],
                     "size_pt": rng.choice(list(sizes)), "noise": rng.uniform(3.0, 9.0),
                     "blur": rng.uniform(0.3, blur_max), "skew": rng.uniform(-0.5, 0.5),
                     "jpeg": rng.choice([0, 0, 40, 60, 80]), "seed": seed * 1000 + k})
    return jobs


def _jpeg(img, quality: int):
    """The image after a JPEG round trip, as scanners store pages."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    return Image.open(buf).convert("L")


def ocr_page(job: dict, langs: tuple[str, ...], cache_dir: str | None = None) -> list[tuple[str, str, str]]:
    """Render one page job, degrade it like a scan, OCR it once per language: [(lang, original, ocr)]."""
    original = "\n".join(job["title"] + job["body"])
    key = hashlib.sha1(json.dumps([job, list(langs)], sort_keys=True).encode()).hexdigest()[:16]
    cached = Path(cache_dir) / f"{key}.json" if cache_dir else None
    if cached and cached.exists():
        return [tuple(x) for x in json.loads(cached.read_text(encoding="utf-8"))]
    import numpy as np

    from ..ocr import tesseract
    from . import synth

    default = synth.font_path
    synth.font_path = _family(job.get("font", 0), job.get("face", "regular"))
    try:
        imgs = synth.render(synth.SynthDoc(title=job["title"], body=job["body"]), dpi=job["dpi"], size_pt=job["size_pt"])
    finally:
        synth.font_path = default
    out = []
    for lang in langs:
        texts = []
        for n, img in enumerate(imgs[:2]):
            page = synth.degrade(img, seed=job["seed"] + n, skew=job["skew"], noise=job["noise"], blur=job["blur"])
            if job.get("jpeg"):
                page = _jpeg(page, job["jpeg"])
            texts.append(tesseract.image_to_text(np.asarray(page.convert("L")), lang=lang, psm=6))
        out.append((lang, original, "\n".join(texts)))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def collect(text_files: list[Path], langs: tuple[str, ...] = ("eng",), pages: int = 60, seed: int = 0,
            jobs: int = 2, cache_dir: str | None = None, progress: bool = True,
            dpis: Sequence[int] = DPIS, sizes: Sequence[float] = SIZES,
            blur_max: float = BLUR_MAX) -> list[tuple[str, str, str]]:
    """OCR `pages` sampled pages with each language, `jobs` single-threaded Tesseracts at a time."""
    todo = sample_pages(text_files, pages, seed, dpis, sizes, blur_max)
    samples: list[tuple[str, str, str]] = []
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, 2))) as pool:
        for k, got in enumerate(pool.map(ocr_page, todo, [tuple(langs)] * len(todo), [cache_dir] * len(todo)), 1):
            samples += got
            if progress:
                print(f"\rOCR {k}/{len(todo)} pages", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    return samples


def learn(text_files: Sequence[str | Path], out_path: str | Path, langs: tuple[str, ...] = ("eng",), pages: int = 60,
          seed: int = 0, jobs: int = 2, settings: Settings = Settings(), cache_dir: str | None = None,
          progress: bool = True, merge_with: Sequence[str | Path] = (), dpis: Sequence[int] = DPIS,
          sizes: Sequence[float] = SIZES, blur_max: float = BLUR_MAX, pooled: bool = False,
          symbols_only: bool = False) -> dict:
    """Render corpus paragraphs as scans, OCR them, align, count and write the confusion table; returns stats.

    `merge_with`: tables learned before on other renderings, merged in rule by rule (`merge`); their headers are kept.
    `dpis`, `sizes`, `blur_max`: the resolutions, font sizes and strongest blur pages are drawn with;
    `pooled`: count SYMBOL_GLYPHS as one glyph (`pool_symbols`); `symbols_only`: keep only the rules that read one.
    """
    files = [Path(f) for f in text_files]
    earlier = [read(t) for t in merge_with]
    samples = collect(files, tuple(langs), pages, seed, jobs, cache_dir, progress, dpis, sizes, blur_max)
    counts = count(pool_symbols(samples) if pooled or symbols_only else samples)
    if symbols_only:
        counts = symbol_rules(counts)
    rows = table(counts, settings)
    if pooled or symbols_only:
        rows = expand_symbols(rows)
    if earlier:
        rows = merge([rows] + [r for r, _ in earlier])
    names = sorted({f.parent.name for f in files})
    header = [f"OCR confusion rules learned by `planparse lm confusions` on {_dt.date.today().isoformat()}:",
              f"{pages} synthetic scan pages ({', '.join(f[0] for f in FAMILIES)}; regular, bold, italic; "
              f"{min(dpis)}-{max(dpis)} dpi, {min(sizes):g}-{max(sizes):g} pt, blur 0.3-{blur_max:g}, noise, some JPEG) "
              f"of {len(files)} corpus files "
              f"({', '.join(names)}), OCR langs {'+'.join(langs)}, seed {seed}.",
              "cost = -log10 P(observed | intended) over syllable skeletons (^ start, $ end), "
              f"x{settings.scale}, clipped to [{settings.floor}, {settings.ceiling}], min count {settings.min_count}, "
              f"at most {settings.max_rules} rules."
              + (f" Glyphs {SYMBOL_GLYPHS} counted as one, each given the pooled rules." if pooled or symbols_only else "")
              + (" Only rules that read one of these glyphs kept." if symbols_only else "")]
    for _, h in earlier:
        header += ["Merged rule by rule (cheapest cost, counts summed) with a table learned before:"] + [f"  {x}" for x in h]
    write(rows, out_path, header)
    pairs = sum(sum(occ[s] for s in "^") for _, occ in counts.values())
    return {"pages": pages, "langs": "+".join(langs), "aligned syllables": pairs, "rules": len(rows), "output": str(out_path)}
