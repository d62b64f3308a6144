"""Build the plain-text dictionaries in dictionaries/ from a corpus (run by hand, not at run time)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import regex

from ..repair.lm import syllable_pairs
from ..repair.orthography import is_valid_syllable, nfc, place_tone
from .lmbuild import corpus_documents

WORD = regex.compile(r"\p{L}+")
HAMLET_UNITS = ("ấp", "khóm", "thôn", "bản", "xóm", "tổ dân phố", "buôn", "phum", "sóc", "làng", "khu phố")
"""Units below the commune (and the older `làng`, `khu phố`), written lowercase before their names in running text."""
FEATURE_WORDS = ("sông", "suối", "núi", "đèo", "đồi", "hồ", "kênh", "rạch", "cồn", "đảo", "bến", "chùa", "đình", "đền",
                 "cầu", "cánh đồng", "bãi", "thác", "khe", "đầm", "vịnh", "hòn", "ngòi", "gò", "dốc", "đập", "cống",
                 "hang", "chợ", "đồn", "cửa khẩu")
"""Natural features and landmarks written lowercase before a Title-case name (`sông Nậm Mộ`, `chùa Hương`, `đồn Biên
phòng` aside: every syllable of a name is Title-case). Chosen from the corpus's counts of each word before a Title-case
syllable: left out where that is mostly something else (`đồng` of `hội đồng`, `động` of `lao động`, `đội` of `quân
đội`, `xứ` of `giáo xứ`, `đường` before streets named after persons, `bờ`, `rừng`, `trạm`: under 6 %)."""
NOT_AFTER = {"bản": ("văn", "phiên", "xuất"), "cầu": ("yêu", "nhu", "toàn", "khẩn", "địa", "hình", "bán"),
             "thác": ("khai",), "đình": ("gia", "triều"), "hồ": ("mơ", "cơ"), "sóc": ("chăm", "coi"),
             "buôn": ("tàu", "nhà", "thuyền", "lái", "hiệu", "đi"), "đảo": ("lộn", "đảo"), "chợ": ("giúp", "hỗ"),
             "bãi": ("miễn", "bổ"), "gò": ("lò",), "cống": ("tiến", "triều"), "đền": ("bồi",)}
"""A unit word after these is part of another word (`văn bản`, `xuất bản` before a publisher's name, `yêu cầu Bộ`,
`khai thác`, `triều đình`, `chăm sóc`, `tàu buôn`): no name follows."""
_UNIT_ALT = "|".join(map(re.escape, sorted(HAMLET_UNITS + FEATURE_WORDS, key=len, reverse=True)))
UNIT_NAME = regex.compile(r"(?<!\p{L})(" + _UNIT_ALT + r") ((?:\p{Lu}\p{Ll}* ){0,2}\p{Lu}\p{Ll}*)(?!\p{L})(?= (\p{Ll}+))?")
_BEFORE = regex.compile(r"(\p{L}+) $")


def unit_names(line: str) -> list[tuple[str, str, str | None]]:
    """(unit, name, next) of a line: one to three Title-case syllables after a hamlet unit or feature word (`ấp Kinh
    Xáng`, `sông Đà`), the name lowercase in the new tone style, `next` the lowercase word right after it (or None), so a
    one-syllable name that begins a word (`xuất bản Văn hóa`) can be told from a name (`ấp Mới`)."""
    out = []
    for m in UNIT_NAME.finditer(line):
        unit = m.group(1)
        not_after = NOT_AFTER.get(unit)
        if not_after and (b := _BEFORE.search(line, max(0, m.start() - 12), m.start())) and b.group(1).lower() in not_after:
            continue
        ws = m.group(2).split()
        if all(is_valid_syllable(w.lower()) for w in ws):
            nxt = m.group(3)
            out.append((unit, " ".join(place_tone(w.lower()) for w in ws), place_tone(nxt) if nxt else None))
    return out


def count_corpus(paths: list[str], exclude: frozenset[str] = frozenset(),
                 word_pairs: frozenset[tuple[str, str]] = frozenset(),
                 terms_from: list[str] | None = None) -> tuple[Counter, Counter, Counter, Counter]:
    """Syllable counts, word-head and mid-line Title-case counts (capitalised.txt, see build_dictionaries), and 2-4
    syllable n-gram counts (within punctuation-free runs) of the documents under `terms_from` (default: all)."""
    syl: Counter = Counter()
    heads: Counter = Counter()
    title: Counter = Counter()
    grams: Counter = Counter()
    roots = [Path(t).as_posix() for t in terms_from] if terms_from is not None else None
    low_of: dict[str, str] = {}
    for name, doc in corpus_documents(paths, exclude):
        count_terms = roots is None or any(name.startswith(r) for r in roots)
        for line in doc:
            line = nfc(line)
            prev = None
            for k, m in enumerate(WORD.finditer(line)):
                w = m.group(0)
                low = low_of.get(w)
                if low is None:
                    low = low_of[w] = place_tone(w.lower())
                syl[low] += 1
                if not (w[0].islower() and (prev, low) in word_pairs):
                    heads[low] += 1
                    before = line[max(0, m.start() - 2):m.start()].strip()
                    if k > 0 and w[0].isupper() and w[1:].islower() and before not in (".", "-", "+", ":"):
                        title[low] += 1
                prev = low
            if not count_terms:
                continue
            for run in regex.split(r"[^\p{L}\s]+", line):
                ws = [place_tone(w.lower()) for w in WORD.findall(run)]
                if not all(is_valid_syllable(w) for w in ws):
                    continue
                for n in (2, 3, 4):
                    for i in range(len(ws) - n + 1):
                        grams[" ".join(ws[i:i + n])] += 1
    return syl, heads, title, grams


def abbreviations(appendix_md: str) -> list[tuple[str, str]]:
    """(document type, abbreviation) rows of Decree 30 Appendix III, section I."""
    rows = []
    for line in Path(appendix_md).read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if (len(cells) == 3 and cells[2] and re.fullmatch(r"[A-ZĐa-zy]{2,4}", cells[2])
                and cells[1] not in ("Tên loại văn bản hành chính",)):
            rows.append((nfc(cells[1]), cells[2]))
    return rows


def build_word_list(word_list: str | Path, out_path: str | Path) -> int:
    """Multi-syllable words (2-4 valid syllables, lowercase, new tone style) of a general word list such as Viet74K."""
    words = set()
    for line in Path(word_list).read_text(encoding="utf-8").splitlines():
        ws = nfc(line.strip()).lower().split()
        if 2 <= len(ws) <= 4 and all(is_valid_syllable(w) for w in ws):
            words.add(" ".join(place_tone(w) for w in ws))
    Path(out_path).write_text("".join(w + "\n" for w in sorted(words)), encoding="utf-8")
    return len(words)


def read_word_pairs(word_list: str | Path | None) -> frozenset[tuple[str, str]]:
    """Consecutive syllable pairs inside the words of a word list (one word a line), e.g. dictionaries/words.txt."""
    if word_list is None or not Path(word_list).is_file():
        return frozenset()
    return frozenset(syllable_pairs(Path(word_list).read_text(encoding="utf-8").splitlines()))


def build_dictionaries(corpus_paths: list[str], out_dir: str | Path, appendix_md: str | None = None,
                       n_terms: int = 6000, exclude: frozenset[str] = frozenset(),
                       word_list: str | Path | None = None, terms_from: list[str] | None = None) -> dict:
    """Write syllables.txt, capitalised.txt, admin_terms.txt (and abbreviations.txt) into out_dir; the name lists
    (hamlets.txt and the others) are build_names' work.

    capitalised.txt: per syllable, the share of its occurrences as a word's head (not the lowercase
    continuation of a word in `word_list`: `sở` in `cơ sở`) written Title-case mid-sentence. Counting
    every occurrence let compounds drown names: `Sở` (the department) looked as rare as `Số`.
    admin_terms.txt counts only the documents under `terms_from` (default: all), e.g. the legal folders.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    syl, heads, title, grams = count_corpus(corpus_paths, exclude, read_word_pairs(word_list), terms_from)
    valid = [(w, c) for w, c in syl.most_common() if c >= 2 and is_valid_syllable(w)]
    (out / "syllables.txt").write_text("".join(f"{w}\t{c}\n" for w, c in valid), encoding="utf-8")
    caps = sorted(((w, title[w] / heads[w]) for w, c in heads.items() if c >= 20 and is_valid_syllable(w)), key=lambda x: -x[1])
    (out / "capitalised.txt").write_text("".join(f"{w}\t{r:.4f}\n" for w, r in caps), encoding="utf-8")
    terms = [g for g, c in grams.most_common(n_terms * 3) if c >= 20][:n_terms]
    (out / "admin_terms.txt").write_text("".join(t + "\n" for t in terms), encoding="utf-8")
    stats = {"syllables": len(valid), "capitalised": len(caps), "admin_terms": len(terms)}
    if appendix_md:
        ab = abbreviations(appendix_md)
        (out / "abbreviations.txt").write_text("".join(f"{a}\t{t}\n" for t, a in ab), encoding="utf-8")
        stats["abbreviations"] = len(ab)
    return stats


def count_names(paths: list[str], exclude: frozenset[str] = frozenset(),
                common: frozenset[str] = frozenset()) -> tuple[Counter, Counter, Counter]:
    """Names after unit words in the documents under `paths`: hamlet names of 2-3 syllables (after HAMLET_UNITS), feature
    names of 2-3 syllables (after FEATURE_WORDS), and (unit, name) pairs of one-syllable names (`ấp Mới`, `sông Đà`)
    that do not begin a word of `common` with the lowercase word after them (`cầu Tòa án`)."""
    hamlets: Counter = Counter()
    features: Counter = Counter()
    singles: Counter = Counter()
    for _, doc in corpus_documents(paths, exclude):
        for line in doc:
            line = nfc(line)
            for unit, name, nxt in unit_names(line):
                if " " in name:
                    (hamlets if unit in HAMLET_UNITS else features)[name] += 1
                elif nxt is None or f"{name} {nxt}" not in common:
                    singles[(unit, name)] += 1
    return hamlets, features, singles


def write_names(out_dir: str | Path, counts: tuple[Counter, Counter, Counter], common: frozenset[str],
                min_hamlet: int = 3, min_feature: int = 3, min_single: int = 3,
                single_units: tuple[str, ...] = HAMLET_UNITS) -> dict:
    """hamlets.txt, features.txt (name, count) and unit_names.txt (unit, name, count) from count_names' counters:
    the names seen at least as often as their minimum, minus ordinary words and terms (`common`; for a one-syllable
    name, also the unit and name together: `bản vẽ`); one-syllable names after `single_units` only.

    Measured (session of 2026-12-03; errors, stripped bench/tuning / eng OCR of it / stripped bench/tuning/more / eng
    OCR of it | the 14 unmeasured extra/ documents / six training decrees / seeds 000 / 001; the lists of before,
    hamlets >= 3 without features and one-syllable names: 18 / 45 / 316 / 497 | 221 / 101 / 73 / 49): features >= 3
    18 / 45 / 312 / 494 | 219 / 101 / 73 / 49 (>= 2: 315 / 499, >= 5: 314 / 494, dev 219 both); one-syllable names >= 3
    after hamlet units 18 / 45 / 312 / 491 | 221 (>= 2: 17 / 44 / 315 / 491 | 222; >= 5: 314 / 490 | 221), after
    feature words too 18 / 47 / 318 / 495 | 224 / 103 (`cho` -> `chợ`, `đồng` -> `đông` in decrees: the unit word's
    slot is a common word's too); both (shipped) 18 / 45 / 308 / 490 | 219 / 101 / 73 / 49. Hamlets seen >= 2 times
    18 / 45 / 319 / 502 | 216, >= 1 18 / 45 / 319 / 492 | 213, >= 1 with both 18 / 45 / 315 / 486 | 211 / 101 / 73 / 49:
    the unmeasured documents gain, the tuning plans do not (a listed `Diệp` respells a plan's `Điệp` three times), so
    hamlets stay at >= 3."""
    out = Path(out_dir)
    hamlets, features, singles = counts
    stats = {}
    for file, counter, least in (("hamlets.txt", hamlets, min_hamlet), ("features.txt", features, min_feature)):
        names = sorted((n, c) for n, c in counter.items() if c >= least and n not in common)
        (out / file).write_text("".join(f"{n}\t{c}\n" for n, c in names), encoding="utf-8")
        stats[file] = len(names)
    pairs = sorted((u, n, c) for (u, n), c in singles.items()
                   if c >= min_single and u in single_units and f"{u.split()[-1]} {n}" not in common)
    (out / "unit_names.txt").write_text("".join(f"{u}\t{n}\t{c}\n" for u, n, c in pairs), encoding="utf-8")
    stats["unit_names.txt"] = len(pairs)
    return stats


def common_words(word_list: str | Path | None, terms: str | Path | None) -> frozenset[str]:
    """The ordinary words (a word list, e.g. dictionaries/words.txt) and terms (admin_terms.txt) no name may be."""
    out: set[str] = set()
    for f in (word_list, terms):
        if f is not None and Path(f).is_file():
            out.update(ln.strip() for ln in Path(f).read_text(encoding="utf-8").splitlines() if ln.strip())
    return frozenset(out)


def build_names(corpus_paths: list[str], out_dir: str | Path, exclude: frozenset[str] = frozenset(),
                word_list: str | Path | None = None, terms: str | Path | None = None,
                min_hamlet: int = 3, min_feature: int = 3, min_single: int = 3) -> dict:
    """count_names over the corpus, then write_names into out_dir (see both)."""
    common = common_words(word_list, terms)
    return write_names(out_dir, count_names(corpus_paths, exclude, common), common, min_hamlet, min_feature, min_single)
