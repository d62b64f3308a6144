"""Multi-syllable Vietnamese place names (from the vietnamadminunits library) as LM bigram boosts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..gazetteer import TABLES
from ..gazetteer import source_id as gazetteer_source
from ..gazetteer import units as _units
from ..resources import data_file
from . import prebuilt
from .lm import TrigramLM
from .orthography import nfc, place_tone, skeleton

PLACE_BONUS = 3.5
"""log10 bonus of a place-name syllable pair between two capitalised slots (decoder.Bonus). Measured with devtools.tune
(session of 2026-12-03; errors, stripped bench/tuning / bench/tuning/more, eng OCR of both / the 14 unmeasured extra/
documents / six training decrees (first 300 lines) / seeds 000 / 001, with 3.5: 18 / 316, 45 / 497 / 221 / 101 / 73 /
49): 2.45 18 / 315, 45 / 494 / 213 / 101 / 73 / 48 (news' personal names no longer taken for places), with
engine.CACHE_PASS_WEIGHT 1.18 (not adopted) 18 / 310, 43 / 489 / 212 / 101 / 72 / 47; x0.5 (1.75) 18 / 315, 45 / 496 /
210; x2 (7.0) 18 / 316, 51 / 510 / 253. Not adopted: the bonus acts in text a Vietnamese model read too, where 2.45 lets the LM's
`lờ lầu` respell a header's right `XÃ SÌ LỞ LẦU` (test_realpages; bench_vie_channel --set tuning unchanged, 80.20 %),
and the plans barely gain; a bonus of degraded text only (the dev documents' -8) is untried."""


@lru_cache(maxsize=20_000)
def _norm(name: str) -> str:
    return " ".join(place_tone(w) for w in nfc(name).lower().split())


@lru_cache(maxsize=1)
def _hierarchies() -> tuple[tuple[str, ...], ...]:
    """Each unit as its chain of multi-syllable names (province, district, ward), lowercase, new tone style: from the
    prebuilt table when it was made from this gazetteer (repair.prebuilt), else read and worked out."""
    digest = hierarchies_fingerprint()
    rows = prebuilt.text_table("hierarchies", digest) if digest is not None else None
    if rows is not None:
        return tuple(tuple(r) for r in rows)
    return _read_hierarchies()


def hierarchies_fingerprint() -> str | None:
    """The fingerprint of the gazetteer and fields _hierarchies reads (None: the gazetteer is not read from its file)."""
    source = gazetteer_source()
    return None if source is None else prebuilt.fingerprint("hierarchies 1", source, repr(TABLES))


def _read_hierarchies() -> tuple[tuple[str, ...], ...]:
    """_hierarchies worked out from the gazetteer's rows."""
    out = set()
    names: dict[str, str | None] = {}
    """Per distinct field value (rows repeat their province and district): its multi-syllable name, or None."""
    for table, fields in TABLES:
        for r in _units(table, list(fields)):
            chain: list[str] = []
            for f in fields:
                v = r.get(f)
                if not v:
                    continue
                if v not in names:
                    n = None if any(ch.isdigit() for ch in v) else _norm(v)
                    names[v] = n if n is not None and " " in n else None
                name = names[v]
                if name is not None:
                    chain.append(name)
            out.add(tuple(chain))
    return tuple(sorted(c for c in out if c))


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Short names of provinces, districts and wards (current and pre-2025) of two syllables or more."""
    return tuple(sorted({n for chain in _hierarchies() for n in chain}))


def _rows(name: str) -> list[list[str]]:
    """The tab-separated rows of a dictionaries/ file (a missing one is a broken install: data_file raises)."""
    text = data_file(name).read_text(encoding="utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip()]


@lru_cache(maxsize=1)
def local_names() -> tuple[str, ...]:
    """Names of hamlets, villages and urban quarters (ấp, thôn, bản, buôn, sóc ...) counted in the corpus
    (dictionaries/hamlets.txt): below the gazetteer's lowest level, yet what commune plans name most; and names of
    streams, hills, canals, pagodas ... (dictionaries/features.txt: `sông Nậm Mộ`, `chùa Một Cột`)."""
    return tuple(r[0] for r in _rows("hamlets.txt") + _rows("features.txt"))


@lru_cache(maxsize=1)
def unit_name_pairs() -> tuple[str, ...]:
    """`unit name` of the one-syllable names counted after a unit word (dictionaries/unit_names.txt: `ấp mới`, `sông
    đà`; the unit's last syllable, `phố mới` of `tổ dân phố Mới`): the decoder gives the pair the place-name bonus
    between a lowercase unit word and a Title-case name (unit_words_before_names), so `ấp Mới` is helped and `ấp mới`
    (a new hamlet) is not touched."""
    return tuple(f"{r[0].split()[-1]} {r[1]}" for r in _rows("unit_names.txt") if len(r) >= 2)


@lru_cache(maxsize=1)
def _pair_units() -> frozenset[str]:
    """Skeletons of the unit words of unit_name_pairs."""
    return frozenset(skeleton(p.split()[0]) for p in unit_name_pairs())


def unit_words_before_names(words: list[str], titles: list[int] | None = None) -> list[int]:
    """Indices of lowercase words right before a Title-case word whose skeleton is a unit word of unit_name_pairs
    (`ap` of `ap Moi`, `thon` of `thon Long`): their slots take part in the place-name pair bonus with the name.

    Measured and not adopted (errors t / to / m / mo | dev / dec, against 18 / 45 / 308 / 490 | 219 / 101): only before a
    one-syllable name (no Title-case word after it) 18 / 45 / 310 / 494 | 219 / 101; the pairs of a hamlet unit and the
    first syllable of its multi-syllable names (`thôn tân`, `bản nậm`; counted from the same corpus, first syllables
    beginning >= 3 or >= 5 distinct names) 308 / 490 and 306 / 488 | 219 / 101 (partial respellings inside the same
    names: noise); one-syllable names after `suối`, `núi`, `kênh`, `rạch` too 311 / 492 (`kênh Bắc` made `Ba Kẹo`
    `Bắc Kẹo`); the syllables of hamlet, feature and one-syllable names offered as name candidates of a capitalised
    token (Channel.names, the gazetteer's only) 308 / 489 | 219 / 101."""
    units = _pair_units()
    if not units:
        return []
    out = []
    for i in (range(1, len(words)) if titles is None else titles):
        w = words[i]
        if not (w[:1].isupper() and w[1:].islower()):
            continue
        prev = words[i - 1]
        if prev.islower() and skeleton(prev) in units:
            out.append(i - 1)
    return out


@lru_cache(maxsize=1)
def ethnic_names() -> tuple[str, ...]:
    """Names of ethnic groups of two syllables or more (dictionaries/ethnic_groups.txt): commune plans name them."""
    text = data_file("ethnic_groups.txt").read_text(encoding="utf-8")
    return tuple(ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))


@lru_cache(maxsize=1)
def ethnic_pairs() -> frozenset[tuple[str, str]]:
    """Consecutive syllable pairs of the ethnic groups' names (ethnic_names)."""
    return frozenset(p for n in ethnic_names() for p in zip(n.split(), n.split()[1:]))


def place_bigram_keys(lm: TrigramLM) -> np.ndarray:
    """Sorted packed (b, c) id pairs of consecutive syllables inside place, hamlet, feature and ethnic-group names and
    of the unit words and one-syllable names of unit_name_pairs, both in the LM vocabulary."""
    return lm.pair_keys(place_names() + local_names() + ethnic_names() + unit_name_pairs())


UNIT_WORDS = {("tinh",): ("tỉnh",), ("huyen",): ("huyện",), ("quan",): ("quận",), ("xa",): ("xã",),
              ("phuong",): ("phường",), ("thi", "xa"): ("thị", "xã"), ("thi", "tran"): ("thị", "trấn"),
              ("thanh", "pho"): ("thành", "phố")}
"""Skeletons of the unit words that introduce a place name, and their spelling."""
UNITS_LONGEST_FIRST = sorted(UNIT_WORDS, key=len, reverse=True)
"""`thi xa` must win over `xa`."""
HAMLET_WORDS = {("ap",): ("ấp",), ("khom",): ("khóm",), ("thon",): ("thôn",), ("xom",): ("xóm",), ("buon",): ("buôn",),
                ("soc",): ("sóc",), ("to", "dan", "pho"): ("tổ", "dân", "phố")}
"""Hamlet units printed without marks whose only reading before a name is the unit (`ap Kinh Xang` is never `áp`).
`bản` is left to the LM: `ban` before a capitalised word is as often the board (`ban Chỉ đạo`)."""
HAMLET_BY_LAST: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
for _unit, _spelt in HAMLET_WORDS.items():
    HAMLET_BY_LAST.setdefault(_unit[-1], []).append((_unit, _spelt))
UNIT_LAST = frozenset(u[-1] for u in UNIT_WORDS)
"""Last skeletons of the unit words: most capitalised words follow none, and are done with in one look-up."""


def name_tables_fingerprint() -> str | None:
    """The fingerprint of names_by_skeleton and relatives: that of the gazetteer chains they are worked out from."""
    digest = hierarchies_fingerprint()
    return None if digest is None else prebuilt.fingerprint("name tables 1", digest)


@lru_cache(maxsize=1)
def names_by_skeleton() -> dict[tuple[str, ...], tuple[str, ...] | None]:
    """Place names keyed by their syllable skeletons; None where two names share a skeleton (ambiguous). From the
    prebuilt table when it was made from this gazetteer (its first use took ~20 ms of a text's restoring)."""
    digest = name_tables_fingerprint()
    rows = prebuilt.text_table("names_by_skeleton", digest) if digest is not None else None
    if rows is not None:
        return {tuple(key.split(" ")): tuple(name.split(" ")) if name else None for key, name in rows}
    return _names_by_skeleton()


def _names_by_skeleton() -> dict[tuple[str, ...], tuple[str, ...] | None]:
    """names_by_skeleton worked out from the place names."""
    out: dict[tuple[str, ...], tuple[str, ...] | None] = {}
    for name, key in _name_keys().items():
        syl = tuple(name.split())
        out[key] = None if key in out and out[key] != syl else syl
    return out


@lru_cache(maxsize=1)
def _name_keys() -> dict[str, tuple[str, ...]]:
    """Each place name (in place_names' order) and its syllables' skeletons."""
    return {name: tuple(map(skeleton, name.split())) for name in place_names()}


@lru_cache(maxsize=1)
def relatives() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """For each name whose skeleton it shares with another name: the skeletons of the units above and below it.

    `xã Trà Lĩnh, tỉnh Cao Bằng`: the province on the line tells Trà Lĩnh (Cao Bằng) from Trà Linh (Quảng Nam).
    Only the chains that hold such a name add to it. From the prebuilt table when it was made from this gazetteer.
    """
    digest = name_tables_fingerprint()
    rows = prebuilt.text_table("relatives", digest) if digest is not None else None
    if rows is not None:
        return {tuple(row[0].split(" ")): frozenset(tuple(k.split(" ")) for k in row[1:]) for row in rows}
    return _relatives()


def _relatives() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """relatives worked out from the gazetteer chains."""
    table = names_by_skeleton()
    key_of = _name_keys()
    ambiguous = frozenset(n for n, key in key_of.items() if table.get(key, ()) is None)
    rel: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    syllables: dict[str, tuple[str, ...]] = {}
    for chain in _hierarchies():
        if ambiguous.isdisjoint(chain):
            continue
        keys = list(map(key_of.__getitem__, chain))
        for n, key in zip(chain, keys):
            if n in ambiguous:
                syl = syllables.get(n)
                if syl is None:
                    syl = syllables[n] = tuple(n.split())
                got = rel.get(syl)
                if got is None:
                    got = rel[syl] = set()
                # the chain's keys but the name's own: a name's set never holds its own key, so adding all and
                # dropping it is the same set (1.5 x faster than a filter per name on the first capitalised lines)
                got.update(keys)
                got.discard(key)
    return {n: frozenset(v) for n, v in rel.items()}


@lru_cache(maxsize=1)
def names_sharing_skeleton() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Skeleton -> the names that spell it, for the skeletons two or more names share."""
    out: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for n in relatives():
        out.setdefault(tuple(skeleton(s) for s in n), []).append(n)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _by_context(key: tuple[str, ...], context: set[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The one name of an ambiguous skeleton whose province, district or ward is also named on the line."""
    fits = [n for n in names_sharing_skeleton().get(key, ()) if relatives()[n] & context]
    return fits[0] if len(fits) == 1 else None


@lru_cache(maxsize=1)
def name_prefixes() -> frozenset[tuple[str, ...]]:
    """Leading syllables of longer names ('hoàng văn' of 'hoàng văn thụ'): such a pair may continue on the next line."""
    return frozenset(tuple(n.split()[:k]) for n in place_names() for k in range(2, len(n.split())))


def hamlet_units(words: list[str], titles: list[int] | None = None) -> dict[int, str]:
    """Index → syllable for a hamlet unit word printed without marks (lowercase or Title-case, not in a line of
    capitals) right before a Title-case name: `ap Kinh Xang` → `ấp`, `to dan pho Tan Lap` → `tổ dân phố`. `titles`:
    title_words(words), when the caller has it."""
    fixes: dict[int, str] = {}
    for i in (range(1, len(words)) if titles is None else titles):
        word = words[i]
        if not (word[:1].isupper() and word[1:].islower()):
            continue
        before = words[i - 1]
        low = before.lower()
        for unit, spelt in HAMLET_BY_LAST.get(low if low.isascii() else nfc(low), ()):
            n = len(unit)
            printed = words[i - n:i] if i >= n else []
            if i >= n and tuple(nfc(w.lower()) for w in printed) == unit and all(w[1:].islower() for w in printed):
                fixes.update({i - n + k: syl for k, syl in enumerate(spelt)})
        pair = TWO_TITLE_UNITS.get(before)
        if pair is not None and i + 1 < len(words) and _title(words[i + 1]):
            first = skeleton(words[i])
            if first not in _terms_after(pair[1]) and first not in SURNAMES:
                fixes[i - 1] = pair[0]
    return fixes


NUMBERED_UNITS = {"soc": "sóc", "xom": "xóm", "thon": "thôn", "khom": "khóm", "buon": "buôn"}
"""Hamlet units printed without marks whose other readings do not come before a number: `soc 3` is `sóc 3`, where the
LM, which saw neither often, wrote `sốc 3`. Not `ap` (`điện áp 220`: laws and admin/ write `áp` before a number as
often as `ấp`) nor `ban` (`bán 4 con`: news 103 `bán` to 406 `bản`)."""
NUMBERED_RE = re.compile(r"(?<![^\W\d_])(?:soc|xom|thon|khom|buon|Soc|Xom|Thon|Khom|Buon) (?:so )?\d")
"""Lines where numbered_units may find something: one search per line, the pieces are looked at only there."""
NUMBERED_HINT = re.compile(r"o[cmn] (?:so )?\d")
"""What every match of NUMBERED_RE contains (its units end in oc, om, on): searched first, it answers most lines, where
NUMBERED_RE's look-behind is tried at every position (held-out decrees' 4 k lines: 29 -> 3 ms, the same lines found)."""


def numbered_units(pieces: Sequence[tuple[int, int, str, str]]) -> dict[int, str]:
    """Start → spelling of the hamlet unit words (NUMBERED_UNITS) printed without marks, lowercase or Title-case, right
    before a number or `so` and a number (`soc 3`, `xom so 2`): the unit, whatever else its skeleton spells."""
    out: dict[int, str] = {}
    for k in range(len(pieces) - 1):
        p = pieces[k]
        spelt = NUMBERED_UNITS.get(p[2].lower()) if p[3] == "word" and p[2][1:].islower() else None
        if spelt is None:
            continue
        nxt = pieces[k + 1]
        if nxt[2] == "so" and k + 2 < len(pieces):
            nxt = pieces[k + 2]
        if nxt[2][:1].isdigit():
            out[p[0]] = spelt
    return out


def _title(word: str) -> bool:
    return word[:1].isupper() and word[1:].islower()


TWO_TITLE_UNITS = {"ban": ("bản", "ban"), "lang": ("làng", "lăng")}
"""Hamlet units printed without marks, in lowercase, whose other reading may also come before a capitalised word
(`ban Chỉ huy` the board, `lăng Chủ tịch`): the unit before two Title-case words (`ban Pa Khoang`, `lang Plei Bong`),
unless the first begins a dictionary word or term of the other reading (words.txt, admin_terms.txt: `ban Chấp hành`,
`ban Quản lý`) or is a common surname (`Trưởng ban Nguyễn Văn A`). Boards capitalise their first word only (`ban Chỉ
huy`, `ban Dân vận`); hamlet names every syllable. Errors of stripped text, `ban` alone: bench/tuning 32 -> 31, e1-e3
57 -> 54, the 14 unmeasured extra/ documents unchanged, eng OCR 57 -> 55 and 86 -> 82 (with the rare name
syllables); `lang` too: e1-e3 54 -> 53, eng OCR 82 -> 81, the rest unchanged. Blocking the terms of every reading of
the skeleton (`bán sỉ`, `bàn giao`): e1-e3 +1 (`ban Si Choang` stayed `bán Sỉ`)."""
SURNAMES = frozenset({"nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ngo",
                      "duong", "ly", "dinh", "truong", "trinh", "mai", "cao", "lam", "ha", "luong", "to"})


@lru_cache(maxsize=4)
def _terms_after(first: str) -> frozenset[str]:
    """Skeletons of the syllables that follow `first` in dictionary words and terms."""
    firsts = TERM_FIRSTS if first in TERM_FIRSTS else (first,)
    return _terms_scan(firsts)[first]


TERM_FIRSTS = tuple(sorted({pair[1] for pair in TWO_TITLE_UNITS.values()}))
"""The syllables hamlet_units asks _terms_after about: one pass over the files answers them all."""


@lru_cache(maxsize=4)
def _terms_scan(firsts: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """_terms_after of each of `firsts`, in one pass over the two files: only the lines that begin with one of them are
    split (a regex finds them; the test per line is the one every line took before), where reading every line in Python
    for each took ~28 ms twice on the first stripped line with a capitalised `ban`."""
    starts = re.compile(r"^[^\S\n]*(?:" + "|".join(map(re.escape, firsts)) + r")\s", re.M)
    out: dict[str, set[str]] = {f: set() for f in firsts}
    for name in ("words.txt", "admin_terms.txt"):
        text = data_file(name).read_text(encoding="utf-8")
        for m in starts.finditer(text):
            end = text.find("\n", m.start())
            syl = text[m.start():end if end >= 0 else len(text)].split("\t")[0].split()
            if len(syl) >= 2 and syl[0] in out:
                out[syl[0]].add(skeleton(syl[1]))
    return {f: frozenset(v) for f, v in out.items()}


def title_words(words: list[str]) -> list[int]:
    """Indices from 1 of the Title-case words (first letter a capital, the rest lowercase): where hamlet_units,
    names_after_units and capital_i_names look (engine._sequence passes them the compiled scan's)."""
    return [i for i in range(1, len(words)) if words[i][:1].isupper() and words[i][1:].islower()]


def places_after_units(words: list[str], titles: list[int] | None = None) -> dict[int, str]:
    """Index → syllable for words that spell a known place name (up to diacritics) right after a unit word.

    Only capitalised words count, only a name whose skeleton is unambiguous (or made so by a unit above or
    below it named on the same line), and not when another capitalised word follows or the printed words
    begin a longer name (it may go on past the line end):
    'tỉnh TUYỂN QUANG' → 'TUYÊN QUANG'. A unit word printed without marks takes its own spelling there
    ('phuong Tan Thanh' → 'phường'), which the LM alone may miss (phương is far more common). Hamlet unit
    words before a name are spelt too (hamlet_units).
    """
    fixes = hamlet_units(words, titles)
    # (no capitalised word after the first: both scans find nothing; engine._sequence calls only when there is one)
    after_unit = [i for i in range(1, len(words)) if words[i][:1].isupper() and skeleton(words[i - 1]) in UNIT_LAST]
    if not after_unit:
        return fixes
    caps = [w[:1].isupper() for w in words]
    table = names_by_skeleton()
    skel = [skeleton(w) for w in words]
    context: set[tuple[str, ...]] | None = None
    for i in after_unit:
        unit_skel = next((u for u in UNITS_LONGEST_FIRST if i >= len(u) and tuple(skel[i - len(u):i]) == u), None)
        if unit_skel is None:
            continue
        unit = len(unit_skel)
        for n in (3, 2):
            key = tuple(skel[i:i + n])
            name = table.get(key) if len(key) == n else None
            if name is None and key in table:
                if context is None:
                    context = {tuple(skel[j:j + n]) for n in (2, 3) for j in range(len(words) - n + 1) if all(caps[j:j + n])}
                name = _by_context(key, context - {key})
            printed = tuple(place_tone(nfc(w.lower())) for w in words[i:i + n])
            longer = (i + n < len(words) and caps[i + n]) or printed in name_prefixes()
            if name and not longer and all(caps[i:i + n]):
                for k, syl in enumerate(name):
                    fixes[i + k] = syl
                if all(nfc(w.lower()) == sk for w, sk in zip(words[i - unit:i], unit_skel)):
                    for k, syl in enumerate(UNIT_WORDS[unit_skel]):
                        fixes[i - unit + k] = syl
                break
    return fixes


def unit_names_upper(words: list[str]) -> list[int]:
    """Indices of the words after the first administrative unit word (UNIT_WORDS) of a line of capitals, to its end:
    the unit's name (`XÃ SÌ LỞ LẦU`, `UBND HUYỆN MƯỜNG TÈ`). Not after `XÃ` of `XÃ HỘI`."""
    skel = [skeleton(w) for w in words]
    for i in range(len(words) - 1):
        for unit in UNITS_LONGEST_FIRST:
            n = len(unit)
            if tuple(skel[i:i + n]) == unit and i + n < len(words) and skel[i + n] != "hoi":
                return list(range(i + n, len(words)))
    return []


@lru_cache(maxsize=1)
def _name_pairs() -> frozenset[tuple[str, str]]:
    """The first two syllables of every place and hamlet name, as printed in lowercase."""
    return frozenset((s[0], s[1]) for n in place_names() + local_names() if len(s := n.split()) >= 2)


def capital_i_names(words: list[str], titles: list[int] | None = None) -> list[int]:
    """Indices of lowercase words read with an `l` for the capital `I` that begins a place name before a Title-case
    word (`la Dom` for `Ia Dom`: the Jarai names of Gia Lai and Đắk Lắk begin with Ia), when the word as read begins
    no name there. `titles`: title_words(words), when the caller has it."""
    pairs = _name_pairs()
    out = []
    for i in (range(len(words) - 1) if titles is None else [t - 1 for t in titles]):
        w, nxt = words[i], words[i + 1]
        if w[:1] == "l" and w.islower() and nxt[:1].isupper() and nxt[1:].islower():
            after = place_tone(nfc(nxt.lower()))
            if ("i" + w[1:], after) in pairs and (place_tone(nfc(w)), after) not in pairs:
                out.append(i)
    return out


NAME_UNITS = frozenset({"ap", "khom", "thon", "ban", "xom", "buon", "phum", "soc", "lang", "plei", "pho", "tinh", "huyen",
                        "quan", "xa", "phuong", "tran", "suoi", "khe", "song", "doi", "nui", "deo", "kenh", "rach", "chua",
                        "don"})
"""Skeletons of words a name follows: hamlet and commune units (`phố` of `tổ dân phố`, `khu phố`; `plei`, the Jarai
village), streams (`suối`, `khe`), hills, canals, pagodas and border posts (`đồn`). `khe` and `plei` added with the name
model (repair.names): stripped errors of bench/tuning/more 310 -> 307 (`khe Nậm Sì Lường`; `plei` alone changes
nothing there), eng OCR 506 -> 504, bench/tuning, the 14 unmeasured extra/ documents, six training decrees and seeds
unchanged; `mương`, `cống`, `đập` as well: no change, not added."""


def names_after_units(words: list[str], titles: list[int] | None = None) -> list[int]:
    """Indices of the Title-case words of a run right after a lowercase word of NAME_UNITS (`ban Lung Thang`, `suoi Nam
    Khanh`): the words of a name, whatever else they may spell. `titles`: title_words(words), when the caller has it."""
    out: list[int] = []
    for i in (range(1, len(words)) if titles is None else titles):
        w = words[i]
        if not (w[:1].isupper() and w[1:].islower()):  # _title, inline: every word of a line with a capital comes here
            continue
        prev = words[i - 1]
        if (out and out[-1] == i - 1) or (prev.islower() and skeleton(prev) in NAME_UNITS):
            out.append(i)
    return out
