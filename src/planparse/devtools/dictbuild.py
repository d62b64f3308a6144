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
HAMLET = regex.compile(r"(?<!\p{L})(?<!(?:văn|phiên|Văn|Phiên) )(" + "|".join(HAMLET_UNITS)
                       + r") ((?:\p{Lu}\p{Ll}* ){0,2}\p{Lu}\p{Ll}*)(?!\p{L})")


def hamlet_names(line: str) -> list[tuple[str, str]]:
    """(unit, name) pairs of a line: two or three Title-case syllables after a hamlet unit word (`ấp Kinh Xáng`)."""
    out = []
    for m in HAMLET.finditer(line):
        ws = m.group(2).split()
        if 2 <= len(ws) <= 3 and all(is_valid_syllable(w.lower()) for w in ws):
            out.append((m.group(1), " ".join(place_tone(w.lower()) for w in ws)))
    return out


def count_corpus(paths: list[str], exclude: frozenset[str] = frozenset(),
                 word_pairs: frozenset[tuple[str, str]] = frozenset(),
                 terms_from: list[str] | None = None) -> tuple[Counter, Counter, Counter, Counter, Counter]:
    """Syllable counts, word-head and mid-line Title-case counts (capitalised.txt, see build_dictionaries), and 2-4
    syllable n-gram counts (within punctuation-free runs) of the documents under `terms_from` (default: all), and
    hamlet names (hamlet_names)."""
    syl: Counter = Counter()
    heads: Counter = Counter()
    title: Counter = Counter()
    grams: Counter = Counter()
    hamlets: Counter = Counter()
    roots = [Path(t).as_posix() for t in terms_from] if terms_from is not None else None
    low_of: dict[str, str] = {}
    for name, doc in corpus_documents(paths, exclude):
        count_terms = roots is None or any(name.startswith(r) for r in roots)
        for line in doc:
            line = nfc(line)
            hamlets.update(name for _, name in hamlet_names(line))
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
    return syl, heads, title, grams, hamlets


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
                       word_list: str | Path | None = None, terms_from: list[str] | None = None,
                       min_hamlet: int = 3) -> dict:
    """Write syllables.txt, capitalised.txt, admin_terms.txt, hamlets.txt (and abbreviations.txt) into out_dir.

    hamlets.txt: names of 2-3 syllables seen at least `min_hamlet` times after a hamlet unit word (`ấp Kinh Xáng`),
    minus ordinary words and terms; repair.places turns them into name bonuses beside the gazetteer's.

    capitalised.txt: per syllable, the share of its occurrences as a word's head (not the lowercase
    continuation of a word in `word_list`: `sở` in `cơ sở`) written Title-case mid-sentence. Counting
    every occurrence let compounds drown names: `Sở` (the department) looked as rare as `Số`.
    admin_terms.txt counts only the documents under `terms_from` (default: all), e.g. the legal folders.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    syl, heads, title, grams, hamlets = count_corpus(corpus_paths, exclude, read_word_pairs(word_list), terms_from)
    valid = [(w, c) for w, c in syl.most_common() if c >= 2 and is_valid_syllable(w)]
    (out / "syllables.txt").write_text("".join(f"{w}\t{c}\n" for w, c in valid), encoding="utf-8")
    caps = sorted(((w, title[w] / heads[w]) for w, c in heads.items() if c >= 20 and is_valid_syllable(w)), key=lambda x: -x[1])
    (out / "capitalised.txt").write_text("".join(f"{w}\t{r:.4f}\n" for w, r in caps), encoding="utf-8")
    terms = [g for g, c in grams.most_common(n_terms * 3) if c >= 20][:n_terms]
    (out / "admin_terms.txt").write_text("".join(t + "\n" for t in terms), encoding="utf-8")
    common = set(terms) | (set(Path(word_list).read_text(encoding="utf-8").splitlines()) if word_list else set())
    names = sorted((n, c) for n, c in hamlets.items() if c >= min_hamlet and n not in common)
    (out / "hamlets.txt").write_text("".join(f"{n}\t{c}\n" for n, c in names), encoding="utf-8")
    stats = {"syllables": len(valid), "capitalised": len(caps), "admin_terms": len(terms), "hamlets": len(names)}
    if appendix_md:
        ab = abbreviations(appendix_md)
        (out / "abbreviations.txt").write_text("".join(f"{a}\t{t}\n" for t, a in ab), encoding="utf-8")
        stats["abbreviations"] = len(ab)
    return stats
