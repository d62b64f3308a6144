"""The restore stage proper: lines -> lattice -> Viterbi -> repaired lines and Restoration records."""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import regex

from ..errors import ModelError
from ..models import Line, Restoration
from ..resources import context_path, data_file, lm_path, topics_path
from ..symbols import LOOKALIKES, roman_value
from .channel import Channel, MarkChannel, conf_bin, load_mark_channel, rules_version
from .context import Context
from .decoder import PAD_COST, Bonus, Lattice, PairSet, Slot, compiled, prune, trigram_scores, viterbi
from .lm import TrigramLM
from .orthography import VOWELS, has_marks, is_valid_syllable, nfc, place_tone, skeleton, split_tone
from .places import (
    HAMLET_WORDS,
    NUMBERED_HINT,
    NUMBERED_RE,
    PLACE_BONUS,
    TWO_TITLE_UNITS,
    UNIT_WORDS,
    capital_i_names,
    ethnic_names,
    ethnic_pairs,
    local_names,
    names_after_units,
    numbered_units,
    place_bigram_keys,
    place_names,
    places_after_units,
    title_words,
    unit_name_pairs,
    unit_names_upper,
    unit_words_before_names,
)
from .priors import ARCHIVE, ARCHIVE_REASON, archive_item, archive_separators
from .segment import (
    GLUED_MARKS,
    GLYPH_LETTER_RE,
    Piece,
    apply_case,
    case_of,
    fix_heading,
    fix_symbol,
    garbled_case,
    garbled_codes,
    garbled_glyphs,
    glue_marks,
    segment,
)
from .tokens import BOS, EOS, NUM, PUNCT, SYM, TOKEN_RE
from .topics import Topics
from .words import WORD_BONUS, word_pair_keys

_LOCK = threading.Lock()
_DECODING = threading.Lock()
"""One decode at a time per process: sections number their slots in the model's shared SlotTable (the GIL
serialises the Python work anyway)."""
_MODEL: Model | None = None
DEGRADED_RATIO = 0.45


@dataclass
class Model:
    lm: TrigramLM
    channel: Channel
    title_rate: dict[str, float]
    bonus: Bonus
    skeleton_of: np.ndarray
    marks: MarkChannel
    slots: SlotTable = field(default_factory=lambda: SlotTable())
    rules_version: int = 0
    topics: Topics | None = None
    name_syllables: frozenset[str] = frozenset()
    _context: Context | None = None

    @property
    def context(self) -> Context:
        """The context tables, loaded at their first use (degraded text only)."""
        if self._context is None:
            self._context = Context(context_path(), self.lm)
        return self._context


class SlotTable:
    """The distinct lattice slots met so far, numbered: a position refers to its slot's number, so building a
    section's lattice is one gather instead of a loop over its tokens. A memo of `_make_slot`: clearing it
    (between sections, when it grows past SLOT_CACHE, or when the confusion rules change) changes no output."""

    def __init__(self) -> None:
        self.number: dict[tuple, int] = {}
        self.units: list[list[str]] = []
        self.costs: list[list[float]] = []
        self.ids: list[np.ndarray] = []

    def __len__(self) -> int:
        return len(self.units)

    def clear(self) -> None:
        self.number.clear()
        self.units, self.costs, self.ids = [], [], []

    def add(self, key: tuple, units: list[str], costs: list[float], lm: TrigramLM) -> int:
        n = self.number[key] = len(self.units)
        self.units.append(units)
        self.costs.append(costs)
        self.ids.append(lm.ids(units))
        return n

    def fixed(self, unit: str, lm: TrigramLM) -> int:
        """The slot of one settled unit (sentence marks, place names, list labels)."""
        key = (FIXED_KEY, unit)
        n = self.number.get(key)
        return self.add(key, [unit], [0.0], lm) if n is None else n

    def lattice(self, slot: np.ndarray, title: np.ndarray) -> Lattice:
        """The lattice of a sequence of slot numbers, as decoder.lattice builds it from Slot objects."""
        used, inv = np.unique(slot, return_inverse=True)
        size = np.fromiter((len(self.units[u]) for u in used.tolist()), dtype=np.int64, count=len(used))
        K = int(size.max())
        kernel = compiled() if COMPILED_LATTICE else None
        if kernel is not None:
            n = len(slot)
            out_ids, out_cost, out_size = np.empty((n, K), dtype=np.int64), np.empty((n, K)), np.empty(n, dtype=np.int64)
            kernel.lattice_fill(used, np.ascontiguousarray(inv.reshape(-1), dtype=np.int64), self.units, self.ids, self.costs,
                                PAD_COST, out_ids, out_cost, out_size)
            return Lattice(out_ids, out_cost, out_size, title)
        ids = np.empty((len(used), K), dtype=np.int64)
        cost = np.full((len(used), K), PAD_COST)
        for r, u in enumerate(used.tolist()):
            k = len(self.units[u])
            ids[r, :k] = self.ids[u]
            ids[r, k:] = self.ids[u][0]
            cost[r, :k] = self.costs[u]
        return Lattice(ids[inv], cost[inv], size[inv], title)


FIXED_KEY = "\0fixed"
COMPILED_LATTICE = True
"""Let SlotTable.lattice fill its rows compiled (_kernels.lattice_fill) when the kernels are built; False: NumPy's
assignments and gathers (tests compare)."""


def _read_rates(path) -> dict[str, float]:
    """word -> share of its mid-sentence occurrences written Title-case (dictionaries/capitalised.txt)."""
    rates: dict[str, float] = {}
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            w, _, r = line.partition("\t")
            rates[w] = float(r)
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable {path}: {exc}") from exc
    return rates


def _syllable_counts() -> dict[str, int]:
    """Corpus count of every valid syllable seen twice or more (dictionaries/syllables.txt)."""
    out: dict[str, int] = {}
    for line in data_file("syllables.txt").read_text(encoding="utf-8").splitlines():
        w, _, n = line.partition("\t")
        if n:
            out[w] = int(n)
    return out


def get_model() -> Model:
    """Load the LM and syllable inventory once per process."""
    global _MODEL
    with _LOCK:
        if _MODEL is None:
            path = lm_path()
            try:
                lm = TrigramLM(path)
            except (OSError, ValueError, KeyError, EOFError) as exc:
                raise ModelError(f"unreadable language model {path}: {type(exc).__name__}: {exc}") from exc
            syl = {w: float(lm.uni_lp[i]) for i, w in enumerate(lm.vocab) if is_valid_syllable(w)}
            channel = Channel(syl)
            channel.names = frozenset(w for n in place_names() for w in n.split())
            name_syllables = frozenset([w for n in place_names() + local_names() + ethnic_names() for w in n.split()]
                                       + [p.split()[1] for p in unit_name_pairs()])
            channel.set_rare(_syllable_counts(), name_syllables, lm.stats.get("tokens", 0) * 10.0 ** float(lm.uni_lp[lm.unk]))
            bonus = Bonus(PairSet(word_pair_keys(lm)), WORD_BONUS, PairSet(place_bigram_keys(lm)), PLACE_BONUS)
            rates = _read_rates(data_file("capitalised.txt"))
            if NAME_TITLE_RATE:
                rates.update((w, NAME_TITLE_RATE) for w in name_syllables if w not in rates and w in lm.index)
            _MODEL = Model(lm, channel, rates, bonus, _skeleton_ids(lm), load_mark_channel(),
                           topics=Topics(topics_path(), lm), name_syllables=name_syllables)
        return _MODEL


def _confidences(marg: np.ndarray, path: np.ndarray, sel: np.ndarray,
                 positions: list[int]) -> dict[int, tuple[float, list[int]]]:
    """Per changed position: belief in the chosen candidate and the original indices of up to 3 others, best first.

    Beliefs are the bigram max-marginals of all candidates, normalised: cheap (pruning computed
    them) and they cover the candidates pruning dropped, so alternatives stay informative.
    """
    if not positions:
        return {}
    P = np.asarray(positions, dtype=np.int64)
    kernel = compiled() if COMPILED_CONFIDENCES and MIN_ALTERNATIVE > 0 and 0 < marg.shape[1] <= 128 else None
    if kernel is not None:
        marg = np.ascontiguousarray(marg, dtype=np.float64)
        x = np.empty((len(P), marg.shape[1]))
        if not kernel.belief_exponents(marg, P, np.log(10.0), x):
            kernel = None
    if kernel is not None:
        p = np.exp(x)
        chosen = np.ascontiguousarray(sel[P, path[P]], dtype=np.int64)
        out, ties = kernel.confidences(p, chosen, list(positions), MIN_ALTERNATIVE, True)
        if ties:
            q = p[ties]
            order = np.argsort(-q, axis=1)[:, :3]
            alt = np.where(np.take_along_axis(q, order, axis=1) >= MIN_ALTERNATIVE, order, -1)
            for r, a in zip(ties, alt.tolist()):
                out[positions[r]] = (out[positions[r]][0], a)
        return out
    m = marg[P]
    p = np.exp((m - m.max(axis=1, keepdims=True)) * np.log(10.0))
    p /= p.sum(axis=1, keepdims=True)
    rows = np.arange(len(P))
    chosen = sel[P, path[P]]
    conf = np.round(p[rows, chosen], 3)
    p[rows, chosen] = -1.0
    order = np.argsort(-p, axis=1)[:, :3]
    alt = np.where(np.take_along_axis(p, order, axis=1) >= MIN_ALTERNATIVE, order, -1)
    return dict(zip(positions, zip(conf.tolist(), alt.tolist())))


MIN_ALTERNATIVE = 1e-4
COMPILED_CONFIDENCES = True
"""Let _confidences round the chosen beliefs and pick the alternatives compiled (_kernels.confidences: a partial
insertion sort, the rows where equal beliefs decide the order left to NumPy's argsort) when the kernels are built;
False: NumPy's argsort of every row (tests compare)."""


def _skeleton_ids(lm: TrigramLM) -> np.ndarray:
    """Per vocabulary id, an index of its skeleton (-1 for special units): for the document cache."""
    index: dict[str, int] = {}
    return np.array([-1 if w.startswith("<") else index.setdefault(skeleton(w), len(index)) for w in lm.vocab], dtype=np.int64)


def _pieces(lines: Sequence[Line]) -> list[list[Piece]]:
    return [segment(nfc(ln.text)) for ln in lines]


def _mark_counts(segs, counts: Counter[str] | None = None) -> tuple[int, int]:
    """(letter words, those that are valid marked syllables): what _mode_of weighs. `counts`: _word_counts(segs)."""
    total = good = 0
    for word, n in (_word_counts(segs) if counts is None else counts).items():
        counted, marked = _mode_vote(word)
        total += counted * n
        good += marked * n
    return total, good


def _word_counts(segs) -> Counter[str]:
    """How often each word piece occurs: the counts below weigh each distinct word once, not each token (counted from a
    list, which Counter takes faster than a generator: 19 -> 15 ms on the held-out decrees' 104 k pieces)."""
    return Counter([p[2] for pieces in segs for p in pieces if p[3] == "word"])


def _mode_of(total: int, good: int) -> str:
    """'degraded' when few word tokens are valid marked syllables (diacritics lost), else 'ocr'."""
    if total == 0:
        return "ocr"
    return "degraded" if good / total < DEGRADED_RATIO else "ocr"


@lru_cache(maxsize=200_000)
def _mode_vote(word: str) -> tuple[int, int]:
    """(counts, is a valid marked syllable) of one word piece for _mark_counts."""
    if len(word) > 1 and word.isalpha():
        return 1, int(is_valid_syllable(word) and has_marks(word))
    return 0, 0


CLEAN_SHARE = 0.03
CLEAN_SHARE_DEGRADED = 0.08
"""The same bound for text without marks: stripped prose holds foreign words, names and abbreviations (`tr 134`) that
are no syllable, English-model OCR garble. Measured: stripped tuning plans and the 14 unmeasured extra/ documents
0-5.7 % (a history article citing sources), eng OCR of the tuning plans 15-19 %, seeds 000/001 15-19 %. At 0.03 the
article was decoded as garble (`tr` -> `từ`, `Đắc` -> `Đức`: 65 errors -> 17)."""
CLEAN_RULE_SCALE = 3.0
ENG_RULE_SCALE = 1.2
"""Scale of the confusion rules' costs in garbled text without marks (English-model OCR; garbled Vietnamese OCR keeps
1.0): the rules' -log10 P(observed | intended) is learned at half weight (devtools/confusions.py, x0.5), which let the
LM overrule well-read words. Errors, 1.0 -> 1.2 (1.35, 1.5), eng OCR at 300 dpi: tuning plans 62 -> 58 (59, 61), the
same plans set in 12 and 14 pt 142 -> 131 (135, 134), 14 left-out extra/ documents 237 -> 229 (224, 222), tuning plans
at 150/200 dpi 173 -> 168; seeds 000 73 -> 77 (77, 85) and 001 59 -> 57 (56, 55); 0.8: more errors everywhere. With
ENG_KEEP_COST, the left-out documents at 200 dpi 240 -> 226 (1.1: 235), but 60 pages of the training laws at 150-200 dpi
830 -> 862 (1.1: 854): on text the LM was trained on, trusting it more pays."""


def _garble_counts(model: Model, segs, counts: Counter[str] | None = None) -> tuple[int, int]:
    """(word tokens, those whose skeleton is no known syllable): their share is ~0 for clean or merely stripped
    text, high for OCR garble (below CLEAN_SHARE, OCR-confusion edits cost CLEAN_RULE_SCALE times more)."""
    known = model.channel.by_skel
    if counts is None:
        counts = _word_counts(segs)
    return sum(counts.values()), sum(n for word, n in counts.items() if skeleton(word) not in known)


def _word_confidences(line: Line) -> list[float] | None:
    """Confidence per whitespace chunk, when OCR words line up with the text."""
    if not line.words:
        return None  # text inputs: no split of the line
    chunks = line.text.split()
    if len(line.words) != len(chunks):
        return None
    return [w.confidence for w in line.words]


def _chunk_index(line: str) -> list[int]:
    """Map each character offset to its whitespace-chunk number."""
    idx, n, inside = [], -1, False
    for ch in line:
        if ch.isspace():
            inside = False
        elif not inside:
            inside, n = True, n + 1
        idx.append(max(n, 0))
    return idx


def _fixed_unit(lm: TrigramLM, p: Piece) -> str:
    if p.kind == "punct":
        return PUNCT
    t = p.text
    if t[0].isdigit():
        return NUM
    low = t.lower()
    if low in lm.index:
        return low
    first = TOKEN_RE.match(t) if p.kind == "symbol" and NUMERAL_FIRST_UNIT else None
    if first and roman_value(first.group(0)) and (unit := first.group(0).lower()) in lm.index:
        return unit
    return SYM


NUMERAL_FIRST_UNIT = True
"""A symbol piece that begins with a Roman numeral (`IV/2026`) is that numeral's unit for the LM, as the corpus was
counted (`quý IV/2026` as `quý iv <p> <num>`), not <sym>: after `Quý` a <sym> is rare, and right, confident
`Quý IV/2026` table cells became `Quỹ`, `Quy` (tuning bench_broke --extra scan300: 2 words; misread `Quy IV/2026` is
now repaired). Other symbols keep <sym>: their first letters' unit was not measured on the restore benches."""


KEEP_UNIT = "<keep>"
UNIGRAM_BOOST = 0.2
"""Unigram prior on candidates of garbled text, where it ranks the confusion rules' guesses. Also given to the words of
a name after a unit word (`in_name`); 0 or -0.2 there instead measured within noise and not adopted (errors, stripped
bench/tuning / d1-e3 / f1-f2 / g1-g3 / the 14 unmeasured extra/ documents, eng OCR of the first four: 20 / 70 / 57 /
41 / 221, 43 / 114 / 89 / 65 -> 0: the same stripped, 43 / 113 / 88 / 65; -0.2: 20 / 68 / 58 / 40 / 220, 43 / 112 /
88 / 65, seed 000 -0.03 points)."""
CLEAN_UNIGRAM_BOOST = 0.0
"""None on text whose skeletons are intact (only marks lost): the LM already holds the unigram."""
KEEP_COST = {"ocr": 1.0, "degraded": 3.0}
ENG_KEEP_COST = 3.5
"""Cost of keeping a token as printed in English-model OCR (ENG_RULE_SCALE; stripped text keeps KEEP_COST's 3.0): with
rules 1.2 times dearer, 3.0 kept garble a reading would repair. Errors with ENG_RULE_SCALE 1.2, 3.0 -> 3.5 (4.0): tuning
plans 58 -> 58 (58), in 12/14 pt 131 -> 131 (130), extra/ documents 229 -> 227 (228), 150/200 dpi 168 -> 167,
seed 000 77 -> 73 (72), seed 001 57 -> 56 (55)."""
ENG_GARBLE_KEEP_COST = 5.0
"""Cost of keeping as printed an English-model OCR word with a character eng OCR prints only for a damaged Vietnamese
letter (segment.garbled_glyphs: a glued mark, a symbol glyph, a digit, a non-ASCII letter): such a token is no word as
printed, and its exact reading, when valid, is a candidate of its own. ENG_KEEP_COST 3.5 let a glued-mark garble of
nước (a tuning plan's) stay as printed. Errors of eng OCR, 3.5 -> 4.25 / 5.0 / 8.0: bench/tuning 56 -> 56,
bench/tuning/more 44 -> 43, the 14 left-out unmeasured extra/ documents at 300 dpi 224 -> 224, at 200 dpi 357 -> 356 /
355 / 354, in TeX Gyre Termes 14 pt 401 -> 398 / 394 / 394, in Tinos 12 pt 324 -> 324; seed 001 98.04 -> 98.08 %, seed
000 unchanged. Only glued marks, glyphs and digits: bench/tuning/more 43, Termes 397, 200 dpi 357."""
LETTER_COST = 0.5
LETTER_MARKED = {"d": ["đ"]}
"""A lone letter whose marks were stripped: `điểm d` or `điểm đ` is the LM's to decide."""


DIGIT_SYLLABLES = frozenset({"6", "16"})
"""Lone numbers an English OCR model prints for a syllable in garbled text, between two words (a 6 beside numbers or
symbols stays a number: hypothesis found `0 6 :L AA` -> `0 o :L AA`): the number stays one of the readings
and the LM weighs it against the syllables (`định kỳ 6 tháng`, `ở từng ấp`, `sạt lở`). In 250 rendered pages OCR'd
with `eng` (devtools/confusions.py), a lone 6 stood for a syllable 70 times in 175 (ở 49, ô 15), 16 for lộ/lỗ/lở
9 in 52; 14 (là, 11 in 79), 10 (3 in 106) and the other digits seldom enough that the number should win."""
DIGIT_SYLLABLE_COST = 0.4
"""Extra cost of reading a lone 6 or 16 as a syllable rather than the number. 1.0 left `tâm bão 6 cách`, `con 6 đây`
as numbers; errors of eng OCR at 300 dpi, 1.0 -> 0.7 / 0.4 / 0.1: tuning plans 59 -> 59 / 57 / 57, bench/tuning/more
47 -> 46 / 46 / 46, the 14 left-out unmeasured extra/ documents 236 -> 236 / 236 / 235; seeds 000/001 unchanged."""
GLYPH_KEEP_COST = 4.0
"""Cost of keeping a lone symbol glyph (segment.GLYPH_LETTER_RE: `bão & cách`) as printed instead of a vowel the
channel reads in it: eng OCR prints one for a one-vowel syllable with stacked marks (ở). 2.0 -> 3.0 / 4.0 / 6.0 (with
DIGIT_SYLLABLE_COST 0.4), errors: extra/ documents 235 -> 233 / 232 / 232, tuning plans and bench/tuning/more
unchanged (57, 46), seeds unchanged."""
CAPITAL_I_RE = regex.compile(r"^I\p{Ll}[\p{Ll}\p{M}]*$")
CAPITAL_I_COST = 0.2
"""English OCR reads a word-initial l as a capital I (`Ia` lúa, `Ién` lên, `Ign` lợn): in 460 rendered pages OCR'd
with `eng` (devtools/confusions.py), a token of I and lowercase letters stood for a word of lowercase l 28 times in
46 (English words, II and Ích the rest): -log10(28/46) = 0.2 on the readings with l, which are written lowercase."""


NAME_TITLE_RATE = 0.0
"""Title rate given to syllables of place, hamlet and ethnic-group names that capitalised.txt lacks (`nậm`, `lùng`,
`chải`; 0: the floor as for any missing syllable). Measured and not adopted (stripped errors on bench/tuning /
bench/tuning/more d1-d6 / e1-e3 / the 14 unmeasured extra/ documents; eng OCR bench/tuning / d1-d6 / e1-e3; against
31, 24, 54, 211; 55, 42, 82): 0.1: 30, 24, 54, 216; 55, 42, 80; 0.2: 29, 24, 52, 218; 55, 42, 80 (seeds 000/001
unchanged); 0.5: 29, 25, 51 (with an older cost of the rare name syllables). Plans gain names (`Nậm`, `Chải`, `Ba Na`)
but news loses personal names (`Thắng Tam` for Tháng Tám, `Vạn`, `Phùng Hiệu`) and a plan `Cóc`."""
TITLE_WEIGHT = 1.0
"""Full Bayes weight, P(word | Title) ∝ P(word) P(Title | word), now that the rates count word heads only."""
TITLE_FLOOR = 0.05
"""Rates below this are noise of a count ≥ 20: a word never seen capitalised is not ruled out. A syllable missing from
capitalised.txt (too rare in laws/ + admin/) takes the rate 0.01, hence the floor; giving it a neutral 0.1 or 0.3 instead
(so rare name syllables such as `Nậm`, `Chư` win a capitalised token) measured worse, stripped text: the 14 unmeasured
extra/ documents 228 -> 240, 249, bench/tuning 35 -> 36, 35, bench/tuning/more 27 -> 27, 28. Also measured and not
adopted (errors on bench/tuning, bench/tuning/more, the 14 unmeasured extra/ documents, six training decrees; seeds
000/001 eng OCR; against 36, 25, 223, 108; 64, 47): a second table, the title rates of syllables right before a
Title-case word (`trường` heads `trường hợp` far more often than `Trường Tiểu học`, so its plain rate 0.06 lets a
capitalised `Truong` before a name become `Trưởng`), used there instead of the plain rate where a syllable has one
(>= 20 such occurrences): counted from laws/ + admin/ (162 syllables) 36, 25, 226, 108; 63, 50; from the whole corpus
minus lm/heldout.txt (2,274 syllables) 35, 25, 222, 108; 64, 50 (`Cổng Thông tin` -> `Công`: `Công an`, `Công ty`
rate 0.97); the geometric mean of both rates 35, 25, 223, 108; 64, 48."""


def _title_costs(model: Model, units: list[str], costs: list[float], in_name: bool = False) -> list[float]:
    """Add -log10 P(Title | word) so a capitalised token mid-sentence prefers names (Sở, Đảng) to common words.
    `in_name`: the token is part of a name after a unit word (places.names_after_units), where a syllable of place, hamlet
    and ethnic-group names that capitalised.txt lacks takes UNIT_NAME_RATE. Units the LM lacks (name syllables of
    Channel.set_rare, `<keep>`) take none."""
    if not model.title_rate:
        return costs
    index, rate = model.lm.index, model.title_rate
    names = model.name_syllables if in_name and UNIT_NAME_RATE else frozenset()
    return [c - TITLE_WEIGHT * float(np.log10(max(rate.get(u, UNIT_NAME_RATE if u in names else 0.01), TITLE_FLOOR)))
            if u in index and u[0] != "<" else c for u, c in zip(units, costs)]


UNIT_NAME_RATE = 0.2
"""NAME_TITLE_RATE for the words of a name right after a unit word only (`bản Lùng Thàng`, `suối Nậm Khánh`), where a
capitalised word is a name whatever else it may be: the plans' gains of NAME_TITLE_RATE without the news' personal
names. Errors, 0 -> 0.2 (0.3): stripped bench/tuning 31 -> 29 (29; `Nậm`, `Chải`), bench/tuning/more d1-d6 24 -> 24,
e1-e3 54 -> 54 (55; `Lùng Thàng`, `Bưng` gained, `Cóc` lost as `Cốc`, a name syllable), the 14 unmeasured extra/
documents 211 -> 211; eng OCR 55, 42, 82 -> 55, 42, 82 (81); seeds 000/001 unchanged. Also measured there and not
adopted (session of 2026-12-03; errors, stripped bench/tuning / bench/tuning/more with h1-h2 / the 14 unmeasured extra/
documents / six training decrees, eng OCR of the first two: 18 / 212 / 221 / 103, 41 / 351): a name-syllable prior,
-w x log10 of a syllable's frequency in the place, hamlet and ethnic-group names (add-0.5) over its LM unigram, clipped
to +-2 (`nậm` +1.9, `nằm` -1.6): w 0.2 18 / 213 / 222 / 103, 41 / 349; 0.4 17 / 212 / 224 / 103, 41 / 351."""


SLOT_CACHE = 200_000


def _among_words(pieces: Sequence[Piece], k: int) -> bool:
    """Whether piece k has a word piece on one side and no number on either: a lone 6 beside a number or among symbols
    is a number (numbers are never repaired), one in running words may be a syllable eng OCR misread
    (DIGIT_SYLLABLES). Both sides words: eng OCR errors of bench/tuning 56 -> 60; this rule 56 -> 57. A neighbour
    that starts with a digit counts as a number (hypothesis found `Gt 6 0a` -> `Gu ở 0a`); one with a digit inside is
    an eng OCR word (`vac xin 16 m6m`: lở mồm)."""
    sides = [pieces[i] for i in (k - 1, k + 1) if 0 <= i < len(pieces)]
    if any(p.kind == "fixed" or p.text[:1].isdigit() for p in sides):
        return False
    return any(p.kind == "word" for p in sides)


DOUBLED_COST = 0.5
"""Cost of reading a word with one vowel letter read twice as the syllable without the copy (`Pằăng` -> `Pằng`, `cầầm`
-> `cầm`): under keeping it (KEEP_COST), so a name the LM does not know is mended too (bench_broke --extra scan300:
`bản Lủng Pằng` read `Pằăng` on a deskewed page, which the channel has no rule for)."""


def _undoubled(word: str) -> list[str]:
    """Valid syllables `word` (lowercase, not one) makes without one of two neighbouring copies of a vowel letter
    (tone marks aside: `ă` and `ằ` are copies); of the two the one without a tone mark goes when one has it."""
    base = [split_tone(ch)[0] for ch in word]
    out = []
    for i in range(len(word) - 1):
        if base[i] not in VOWELS or base[i] != base[i + 1]:
            continue
        drop = i if base[i] == word[i] else i + 1
        cand = word[:drop] + word[drop + 1:]
        if cand not in out and is_valid_syllable(cand):
            out.append(cand)
    return out


def _make_slot(model: Model, p: Piece, mode: str, conf: float | None, mid_title: bool = False,
               rule_scale: float = 1.0, question: bool = False, among_words: bool = False, in_name: bool = False) -> Slot:
    """Lattice slot for one piece: fixed unit, or candidate syllables plus 'keep as is'. `question`: the piece ends
    in a glued `?` where a sentence may end (channel.candidates); `among_words`: see _among_words (a lone 6 may be a
    syllable only there)."""
    if p.kind == "letter" and mode == "degraded":
        own = p.text.lower()
        units = [own if own in model.lm.index else KEEP_UNIT] + LETTER_MARKED.get(own, [])
        costs = [GLYPH_KEEP_COST if GLYPH_LETTER_RE.match(p.text) else 0.0] + [0.0] * (len(units) - 1)
        if rule_scale != CLEAN_RULE_SCALE:
            cands = [c for c in model.channel.candidates(own, rule_scale=rule_scale) if c[0] not in units and c[0] != own]
            units += [s for s, _ in cands]
            costs += [c + LETTER_COST for _, c in cands]
        return Slot(units, costs)
    if (p.kind == "fixed" and p.text in DIGIT_SYLLABLES and among_words and mode == "degraded"
            and rule_scale != CLEAN_RULE_SCALE):
        readings = model.channel.candidates(p.text, rule_scale=rule_scale)
        return Slot([NUM] + [s for s, _ in readings], [0.0] + [c + DIGIT_SYLLABLE_COST for _, c in readings])
    if p.kind != "word":
        return Slot([_fixed_unit(model.lm, p)], [0.0])
    low = nfc(p.text.lower()).translate(LOOKALIKES)
    valid = is_valid_syllable(low)
    if mode == "ocr" and valid:
        return _read_slot(model, p.text, low, conf)
    cands = list(model.channel.candidates(low, name=case_of(p.text) in ("title", "upper"), rule_scale=rule_scale,
                                          question=question, rare=mid_title))
    if mode == "degraded" and rule_scale != CLEAN_RULE_SCALE and CAPITAL_I_RE.match(p.text):
        seen = {s for s, _ in cands}
        cands = sorted(cands + [(s, c + CAPITAL_I_COST) for s, c in model.channel.candidates("l" + low[1:], rule_scale=rule_scale)
                                if s not in seen], key=lambda sc: sc[1])
    if not valid and mode == "ocr":
        seen = {s for s, _ in cands}
        cands += [(s, DOUBLED_COST) for s in _undoubled(low) if s not in seen]
    exact_fit = bool(cands) and cands[0][1] <= 0.3
    if mode == "ocr" and (not valid or p.text[:1].isupper()) or mode != "ocr" and not exact_fit:
        keep = KEEP_COST.get(mode, 1.0)
        if rule_scale == ENG_RULE_SCALE:
            keep = ENG_GARBLE_KEEP_COST if garbled_glyphs(p.text) else ENG_KEEP_COST
        cands.append((KEEP_UNIT, keep))
    if not cands:
        return Slot([KEEP_UNIT], [0.0])
    lp = model.channel.logp
    units = [s for s, _ in cands]
    boost = CLEAN_UNIGRAM_BOOST if rule_scale == CLEAN_RULE_SCALE else UNIGRAM_BOOST
    costs = [c - boost * (lp.get(s, -6.0) + 3.0) for s, c in cands]
    if mid_title:
        costs = _title_costs(model, units, costs, in_name)
    return Slot(units, costs)


CHANNEL_WEIGHT = 1.0
"""Scale of the learned vie channel's costs against the LM."""
MAX_CHANNEL_COST = 4.0
"""Readings the channel finds this much less likely than the word as read (log10) are not offered."""
MAX_READINGS = 10
"""Spellings of a read word's skeleton offered at most (the channel's likeliest). bench_vie_channel --set tuning, 120
images: 6 -> 10 readings 80.81 -> 80.89 % after repair, right words changed 0.312 -> 0.298 %; 14 as 10 on 60 images."""
OOV_READ_COST = 2.0
"""Cost of keeping a lowercase valid syllable the LM does not know when the channel offers spellings of its skeleton
that it knows: the LM's <unk> (log10 unigram -1.98, the mass of every rare unit) made `tổ chức điệt chuột` far
cheaper than `diệt` (tuning bench_realpages photo-blur). bench_vie_channel --set tuning: 80.32 -> 80.34 % (1.0 and
3.0 the same), right words changed unchanged."""


def _read_slot(model: Model, text: str, low: str, conf: float | None) -> Slot:
    """A valid syllable read by a Vietnamese model: itself, plus the spellings of its skeleton the learned channel
    finds plausible at this confidence (khân may be khẩn), each at -log10 P(read | spelling) over keeping it.

    A capitalised syllable the LM does not know is a name and stays as read.
    """
    read = place_tone(low)
    if read not in model.lm.index and text[:1].isupper():
        return Slot([read], [0.0])
    marks = model.marks
    keep = marks.cost(read, read, conf)
    alts = sorted((CHANNEL_WEIGHT * (marks.cost(read, s, conf) - keep), s)
                  for s in model.channel.by_skel.get(skeleton(low), ()) if s != read)
    alts = [(c, s) for c, s in alts if c <= MAX_CHANNEL_COST][:MAX_READINGS]
    own = OOV_READ_COST if alts and read not in model.lm.index else 0.0
    return Slot([read] + [s for _, s in alts], [own] + [c for c, _ in alts])


LABEL_NEXT = {"d": "đ"}
"""A list label that repeats the one before it is the letter after it: OCR without marks reads `đ)` as `d)`."""
LABEL_LEAD = frozenset("-+–•(")


def list_label(pieces: list[Piece], text: str) -> Piece | None:
    """The list label of a line (`a)`, `- d)`, `đ.`): one letter at the start, after bullets only, before `)` or `.`."""
    for p in pieces:
        if p.kind == "punct" and p.text.strip() and set(p.text.strip()) <= LABEL_LEAD:
            continue
        if len(p.text) == 1 and p.text.isalpha() and text[p.end:p.end + 1] in (")", "."):
            return p
        return None
    return None


@lru_cache(maxsize=100_000)
def _surface(unit: str, style: str, case: str) -> str:
    """An LM unit written in the output style with the case pattern of the token it replaces."""
    return apply_case(place_tone(unit, style), case)


@lru_cache(maxsize=50_000)
def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


@lru_cache(maxsize=100_000)
def _reason(orig: str, new: str) -> str:
    if skeleton(orig) == skeleton(new):
        if is_valid_syllable(orig) and split_equal(orig, new):
            return "style"
        return "diacritics"
    return "ocr-confusion"


def split_equal(a: str, b: str) -> bool:
    """Same letters and tone, only the tone mark sits elsewhere."""
    from .orthography import split_tone

    return split_tone(nfc(a.lower())) == split_tone(nfc(b.lower()))


PRUNE_KEEP = 6
"""Candidates kept per slot for the trigram pass (within PRUNE_MARGIN of the best). 6 was measured better than 4 (stripped
text, errors): bench/tuning 38 -> 36, the 14 unmeasured extra/ documents 242 -> 234, six training decrees (first 300
lines) 263 -> 254, seed 001 unchanged, seed 000 -1 syllable; 8 no better. It was first kept at 4 for speed (6 / 3.0
restored 19 % slower in process, 49.5 k -> 40.1 k tok/s on the held-out decrees); with the score tables filled by
compiled lookups (decoder.scorer) it costs 2-10 %. `bench_restore --tuning` errors, tuning plans stripped / second
tuning set stripped / tuning plans as eng OCR: 4 / 2.5: 38 / 27 / 59, 5 / 2.75: 36 / 27 / 60, 6 / 3.0: 35 / 27 / 60
(seed 000 97.47 % in all three). Speed, whole `planparse restore` minus a one-line run's start-up, 111 k stripped tokens
of tuning and training text (bench/tuning plans twice, six training laws, 20 training tvpl articles), least CPU of four
back-to-back runs on the loaded 2-core VM: before the compiled lookups 4 / 2.5 41.5 k tok/s, 6 / 3.0 37.2 k; after
4 / 2.5 50.2 k, 6 / 3.0 49.0 k. One final held-out run (`bench_restore`, 4 / 2.5 before -> 6 / 3.0 with the compiled
lookups): errors restoring stripped held-out decrees 885 -> 875, held-out extra/ documents 732 -> 721, bench/plans
stripped 66 -> 62 and as eng OCR 112 -> 111, seed 001 97.97 -> 98.01 %, seed 000 unchanged; its speed text (92 k
tokens), least CPU of four alternating runs: 53.7 k tok/s before, 68.0 k at 4 / 2.5 and 61.1 k at 6 / 3.0 after (on
decree text the wider beam costs ~10 %, on the tuning and training text ~2 %)."""
PRUNE_MARGIN = 3.0
"""Candidates more than this (log10) below a slot's best bigram max-marginal are pruned before the trigram pass.
1.5 dropped words only a trigram context makes right: on the left-out, unmeasured extra documents (stripped) 2.5 cut
the errors 241 -> 227 (3: 223, 6: 219) with bench/tuning and seed 000 unchanged. With 6 candidates kept, 2.5 -> 3.0:
bench/tuning 36 -> 35, unmeasured extra/ documents 234 -> 228, the plans of bench/tuning/more (1,777 syllables)
27 -> 27, six training decrees 253 -> 254, seed 001 +1 syllable; ~3 % slower (3.5: 226 errors but ~30 % slower)."""
CACHE_WEIGHT = 0.5
CACHE_MIN = 3
"""Document cache (_cache_costs). Measured again with PRUNE_KEEP 6 (stripped text, errors on bench/tuning, the 14
unmeasured extra/ documents, bench/tuning/more, six training decrees; now 35, 228, 27, 254) and not changed:
weight 0.7: 37, 228, 29, 256; 0.8 (margin 2.5): 36, 231, 29, 256 against 36, 234, 27, 253; CACHE_MIN 2: 34, 234, 29,
254; 5: 36, 228, 28, 255. Counting also the slots settled before decoding (place names, hamlet units): no change;
counting every slot pruning left with one candidate: 38 -> 37, 242 -> 239, training decrees 263 -> 269. Leaving out of
the census (both passes) the syllables a dictionary word explains, so `Ủy ban` stops voting against `các bản` (errors,
stripped bench/tuning / d1-e3 / f1-f2 / g1-g3 / the 14 unmeasured extra/ documents, eng OCR of the first four; 20 / 70
/ 57 / 41 / 221, 43 / 114 / 89 / 65): a word's second syllable 24 / 69 / 56 / 37 / 217, 42 / 114 / 91 / 63, seeds
000/001 -0.07/-0.11 points (`bản` gained, `xã` lost: `xã hội` no longer counts); both syllables 25 / 71 / 56 / 38 /
219, 46 / 117 / 89 / 59; not adopted."""
CONTEXT_WEIGHT = 0.3
"""Weight of the context tables' naive-Bayes evidence (repair.context: the words within +-8 syllables of the first
trigram path) in the second pass of degraded text; 0 turns it off (and the tables are never loaded). Errors, stripped
bench/tuning, bench/tuning/more, the same as eng OCR: 33, 24, 57, 42 -> 23, 24, 45, 40; the 14 unmeasured extra/
documents (stripped) 209 -> 218 (see repair/context.py for the settings measured). Costs 0.09 CPU s of the 2.0 s that
decoding the 92 k held-out stripped tokens takes (in-process, least of five alternating runs: 69.8 k -> 64.1 k tok/s);
the dense table adds 24 MB of memory (peak RSS of `planparse restore` on that text 242 -> 278 MB on the loaded VM).
Measured again on the larger tuning set (errors as UNIGRAM_BOOST's; 0.3: 20 / 70 / 57 / 41 / 221, 43 / 114 / 89 / 65):
0.2: 22 / 74 / 57 / 44 / 227, 48 / 115 / 92 / 62; 0.4: 24 / 68 / 55 / 40 / 232, 42 / 118 / 87 / 66; the frequent-word
gate of the unmerged branch hgate (no evidence where the first path chose a unit of log10 unigram > -2.8): 20 / 69 /
57 / 42 / 215, 43 / 114 / 89 / 65 (it drops `đá hộc` for `đã học`: `đã` is frequent)."""
CACHE_PASS_WEIGHT = 1.0
"""Weight of the second pass's document cache, counted from the first trigram path instead of the bigram choices (0:
no second pass). The bigram choice is a poor census of a plan's words: in a plan about boats it chose `xa` for most
`xa` the trigram path reads `xã`, so the cache pushed the weak places toward `xa`. Stripped text, errors on
bench/tuning, bench/tuning/more, the 14 unmeasured extra/ documents, six training decrees (first 300 lines of admin/
234, 291, 284 ND-CP, 97 TT-BTC, 159 NQ-CP, 61 TT-BGDĐT), against 38, 27, 242, 108 with one pass: 0.5: 38, 27, 237;
0.8: 36, 25, 234; 1.0: 36, 25, 231, 108; 1.3: 35, 25, 232; 1.0 without the first pass's cache: 38, 25, 232; seeds
000/001 (eng OCR) 62 -> 64 and 47 -> 47 errors. The trigram scores are looked up once for both passes: the second
costs only the compiled dynamic programme. Also measured with the second pass (errors as above, 36, 25, 231 with it)
and not adopted: first-pass CACHE_WEIGHT 0.3 or 0.8 (the same 36, 25, 231), CACHE_MIN 2 (35, 27, 233) or 4 (37, 27,
232), a third pass (36, 25, 233), the second pass's census counting the settled one-candidate slots too (36, 25, 235,
decrees 109), topics.UNIT_WEIGHT 1.25 (33, 31, 239); after GDĐT joined issuer_abbreviations.txt (36, 25, 223), the
first pass's cache kept in the second beside the new one (x0.5: 36, 25, 232; x1.0: 35, 26, 233). Measured again
(session of 2026-12-03; errors, stripped bench/tuning / bench/tuning/more with h1-h2 / the 14 unmeasured extra/
documents, eng OCR of the first two, seeds 000/001: 20 / 220 / 221, 43 / 360, 97.43 / 98.26 %; before h1-h2 the second
set was 168 and 268) and not adopted: the cache left off a slot whose local evidence (its best candidate's lead over the
second, with the first path's neighbours fixed: the three trigrams it is in plus its own cost) exceeds a gate, so the
cache cannot outvote a clear local reading (gate 1: 20 / 169 / 224, 45 / 267; 2: 20 / 170 / 221, 45 / 270; 3: 20 /
168 / 219, 43 / 268, before h1-h2: `ban`/`bản` is not locally clear, the LM prefers `trưởng ban`, `<num> bạn`); only the
slots with such a lead > 0.3 / 1 / 2 voting in the census (21 / 165 / 223, 44 / 267; 22 / 165 / 219, 44 / 274; 23 / 167
/ 221, 44 / 268, before h1-h2); the slots pruning left with one candidate voting too (25 / 169 / 223, 45 / 268, before
h1-h2) or every slot of the path (23 / 220 / 223, 45 / 358); a cache linearly interpolated into the trigram
probabilities, P = (1 - s) P_LM + s P_doc(word) over the first path's words, beside this cache (s 0.01: 23 / 231 / 225,
46 / 351; 0.05: 29 / 237 / 234, 51 / 352, seed 000 97.68 %; 0.1: 30 / 242 / 240) or instead of it (0.02: 26 / 250 /
233, 46 / 373; 0.05: 29 / 257 / 230, 48 / 371). Measured with devtools.blame (errors, stripped bench/tuning /
bench/tuning/more / the 14 unmeasured documents: 18 / 212 / 221; the cache is decisive in 6 of 85 outscored
common-word errors, `bản xa` -> `xã`, `tổng đàn` -> `dân`) and not adopted: each slot's own vote left out of the census
that scores it (23 / 206 / 227; with CACHE_PASS_WEIGHT 0.7: 22 / 210 / 234); the document's share measured against the
reading's corpus share of its skeleton (syllables.txt), -w log10(doc share / corpus share ** p), so a reading the
document merely shares with the corpus is not pushed (p 0.5: 18 / 223 / 233; 1: 21 / 282 / 301). 1.18, the one move
devtools.tune's coordinate ascent over the weights jointly kept (see its docstring), not adopted: errors, stripped
bench/tuning / bench/tuning/more, eng OCR of both / the 14 unmeasured documents / six training decrees (first 300
lines) / seeds 000 / 001, 18 / 316, 45 / 497 / 221 / 101 / 73 / 49 -> 18 / 311, 43 / 492 / 221 / 101 / 72 / 48 — the
validation documents do not move, and a gain of 10 tuning errors is what picking the best of many moves gives by
chance (held-out decrees, reported only: 829 -> 843) (0.5: 21 / 318, 45 / 500 / 227 / 103 / 75 / 50; 2.0: 20 / 312, 47
/ 501 / 230 / 103 / 74 / 50; 1.4: 20 / 307, 43 / 490 / 223 / 98 / 72 / 48, not adopted: the unmeasured documents
lose)."""


COMPILED_CACHE = True
"""Let _cache_costs count the votes and work out the shares compiled (_kernels.cache_shares; the logarithm stays
NumPy's) when the kernels are built; False: the NumPy way (tests compare)."""


CACHE_PASS_MODES = ("degraded",)
"""Modes that get the second pass. Also in `ocr` mode (good Vietnamese OCR), bench_vie_channel --set tuning: 60 images
84.79 -> 84.79 %, 150 images (11,078 words) 80.19 -> 80.19 %, right words changed unchanged: no change, not adopted."""


def _cache_costs(model: Model, lat: Lattice, choice: np.ndarray | None = None, weight: float = CACHE_WEIGHT,
                 settled: np.ndarray | None = None) -> np.ndarray:
    """Document cache: extra cost per candidate, lower for readings a pass chose often for their skeleton.

    Plans repeat their terms; a word decoded with strong context in one place settles the weak ones.
    `choice`: the unit chosen per row; by default column 0 of the pruned lattice, the first pass (bigram) choice.
    `settled`: more votes (LM ids) counted with the choices of the ambiguous rows.
    """
    skel = model.skeleton_of
    amb = lat.size > 1
    best = (lat.ids[:, 0] if choice is None else choice)[amb]
    if settled is not None and len(settled):
        best = np.concatenate([best, settled])
    kernel = compiled() if COMPILED_CACHE else None
    if kernel is not None:
        ids = np.ascontiguousarray(lat.ids)
        cells, shares = np.empty(ids.size, dtype=np.int64), np.empty(ids.size)
        m = kernel.cache_shares(ids, np.ascontiguousarray(lat.size), skel, np.ascontiguousarray(best, dtype=np.int64),
                                CACHE_MIN, cells, shares)
        out = np.zeros(ids.shape)
        out.reshape(-1)[cells[:m]] = -weight * np.log10(shares[:m])
        return out
    best = best[skel[best] >= 0]
    per_id = np.bincount(best, minlength=len(skel))
    per_skel = np.bincount(skel[best], minlength=int(skel.max()) + 1)
    s = skel[lat.ids]
    total = np.where(s >= 0, per_skel[np.maximum(s, 0)], 0)
    share = (per_id[lat.ids] + 0.5) / (total + 1.0)
    use = (total >= CACHE_MIN) & amb[:, None]
    return np.where(use, -weight * np.log10(share), 0.0)


def _is_upper_line(text: str) -> bool:
    """Mostly capitals: a heading, where a one-letter token is upper-case too."""
    letters = list(filter(str.isalpha, text))
    return bool(letters) and sum(map(str.isupper, letters)) > 0.6 * len(letters)


SECTION_TOKENS = 25_000


def sections(lines: Sequence[Line], size: int = SECTION_TOKENS) -> list[tuple[int, int]]:
    """Cut a long document into runs of whole lines of about `size` tokens, so memory stays bounded."""
    out, start, count = [], 0, 0
    for i, ln in enumerate(lines):
        count += len(ln.text.split())
        if count >= size:
            out.append((start, i + 1))
            start, count = i + 1, 0
    if start < len(lines):
        out.append((start, len(lines)))
    return out


@contextmanager
def _no_cycle_collection():
    """Pause the cyclic garbage collector: decoding allocates ~10 container objects per token and no
    reference cycles, and collections triggered by those allocations took a third of the run time. On resuming, what
    decoding left alive (records, memos) moves to the oldest generation untraversed (freeze, unfreeze): else the next
    allocation walks all of it (~5 % of a stripped text's decoding time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def restore(lines: list[Line], mode: str = "auto", style: str = "new") -> tuple[list[Line], list[Restoration]]:
    """Decode the lines (long documents section by section); return new lines and change records."""
    out_lines: list[Line] = []
    records: list[Restoration] = []
    for _, _, new, recs in restore_sections(lines, mode, style):
        out_lines += new
        records += recs
    return out_lines, records


def restore_sections(lines: Sequence[Line], mode: str = "auto", style: str = "new") -> Iterator[RepairedSection]:
    """Decode the lines one section at a time, yielding (start, end, new lines, records) per section.

    The mode is decided on the whole document first, in one pass that keeps the pieces of the first
    KEPT_SECTIONS sections only, so memory stays bounded (plus what the caller keeps) whatever the length.
    """
    if mode == "off" or not lines:
        yield 0, len(lines), list(lines), []
        return
    with _no_cycle_collection():
        model = get_model()
        with _DECODING:
            if model.rules_version != rules_version():
                model.slots.clear()
                model.rules_version = rules_version()
        cuts = sections(lines)
        words = marked = tokens = unknown = 0
        kept: dict[int, list[list[Piece]]] = {}
        for a, b in cuts:
            segs = _pieces(lines[a:b])
            counts = _word_counts(segs)
            n, k = _mark_counts(segs, counts)
            words, marked = words + n, marked + k
            n, k = _garble_counts(model, segs, counts)
            tokens, unknown = tokens + n, unknown + k
            if len(kept) < KEPT_SECTIONS:
                kept[a] = segs
        if mode == "auto":
            mode = _mode_of(words, marked)
        bound = CLEAN_SHARE_DEGRADED if mode == "degraded" else CLEAN_SHARE
        garbled = ENG_RULE_SCALE if mode == "degraded" else 1.0
        rule_scale = CLEAN_RULE_SCALE if (unknown / tokens if tokens else 0.0) < bound else garbled
        for a, b in cuts:
            segs = kept.pop(a) if a in kept else _pieces(lines[a:b])
            with _DECODING:
                if len(model.slots) > SLOT_CACHE:
                    model.slots.clear()
                repaired = _restore_section(model, lines[a:b], segs, mode, rule_scale, style, a)
            yield a, b, *repaired


def release_memos() -> None:
    """Empty what decoding memoises (the slot table, per-token caches): a long text fills them with ~70 MB that
    change no output, memory the stages after repair can use instead; the next decode fills them again."""
    from .segment import _CHUNKS, _chunk_pieces, _segment

    with _DECODING:
        if _MODEL is not None:
            _MODEL.slots.clear()
            _MODEL.channel.candidates.cache_clear()
            _MODEL.channel._found.cache_clear()
            _MODEL.channel._variants.clear()
    for memo in (_mode_vote, _surface, _letters, _reason, _respelt, _segment, _chunk_pieces):
        memo.cache_clear()
    _CHUNKS.clear()


KEPT_SECTIONS = 8
"""Sections whose pieces the mode pass keeps for decoding (~40 MB at most); later ones are cut up again,
so a long document costs one more segmentation, not memory that grows with its length."""


RepairedSection = tuple[int, int, list[Line], list[Restoration]]
"""(first line, end line, repaired lines, their change records): what restore_sections yields per section."""


SHORT_CAPS_LINE = 6
"""A line of capitals with at most this many words, followed by another line of capitals, ends a sentence for the LM:
stacked short caps lines (signature block, header halves: `ỦY BAN NHÂN DÂN` / `CHỦ TICH`) are separate phrases, and
reading across them (`dân chủ`) outweighed the repair. A longer caps line may be a heading wrapped mid-phrase."""
HEADING_ENDS = True
"""A line of capitals followed by one that is not ends a sentence too: a heading (`III. TỔ CHỨC THỰC HIỆN`) is no
phrase with the body line below it, and reading across made `Trưởng các thôn` `thực hiện Trương các`."""


ITEM_STARTS = True
"""A line opening a list item (ITEM_RE) after a line that closed a sentence or a clause (CLOSING) starts a new sentence
for the LM, as each item starts a corpus line it was trained on: read across, `lúa đang làm đòng.` + `4. Hướng dẫn`
gave the LM `đòng <p> <num>`, far likelier as `đồng <p> <num>` (a sum of money and the next number), and a confident,
right `đòng` became `đồng` (tuning bench_realpages scan300, scan200). In text a Vietnamese model read only: in stripped
and English-model OCR text (bench_restore --tuning) it cost errors, stripped bench/tuning 33 -> 34, bench/tuning/more
24 -> 26, eng OCR of bench/tuning/more 42 -> 44. Also measured and not adopted: a line standing beside the line before
it (to its right on the same row: a table's next cell) starting a sentence too: bench_broke --extra scan300 repair
breaks 12 -> 12 (`khỏe, tẩy` + the next cell `Năm 2026` no longer `tây`, but `cống Vàm Lẻo` + `Năm 2026` became
`Leo`), bench_vie_channel --set tuning 150 images 80.19 -> 80.18 %, right words changed 0.280 -> 0.291 % (a Tesseract
line cut at a wide gap inside running text: `gian lận, cưỡng` + `Tin` -> `cường`)."""
ITEM_RE = regex.compile(r"^\s*(?:[-+•–]|(?:\d{1,2}|[IVX]{1,4}|\p{L})[.)]\s)")
"""A list item's opening: a bullet, or a number, Roman numeral or letter followed by `.` or `)` and a space."""
CLOSING = frozenset(".;:!?")


UPPER_UNIT_NAMES = True
"""In a line of capitals a Vietnamese model read, the words after an administrative unit word (places.unit_names_upper:
`ỦY BAN NHÂN DÂN XÃ SÌ LỞ LẦU`) count as capitalised for the place-name pair bonus, as a Title-case name after a unit
does in other lines: a header's commune read right was respelt `LỜ` (the LM's `lờ lầu` over the known name's `lở
lầu`). bench_broke --extra repair breaks scan300 11 -> 10, scan200 10 -> 9; bench_vie_channel --set tuning
unchanged."""


@dataclass
class _Sequence:
    """The lattice input of a section: one slot (a number in the model's SlotTable) per piece, plus sentence marks,
    and where each came from."""

    slot: list[int]
    title: list[bool]
    where: list[tuple[int, Piece] | None]
    upper_lines: list[bool]
    forced: dict[int, tuple[str, str]]
    """Slot position -> (unit, reason) for pieces settled before decoding (place names after unit words, list labels)."""
    titled: set[int] = field(default_factory=set)
    """Positions of forced units written Title-case whatever the case read (`la Dom` -> `Ia Dom`)."""
    names: list[int] = field(default_factory=list)
    """Slot positions of mid-sentence capitalised valid syllables a Vietnamese model read (_read_slot: the read is their
    first unit)."""
    sure_names: list[int] = field(default_factory=list)
    """Those of `names` read with confidence NAME_SURE_CONF or more."""
    sure_reads: list[int] = field(default_factory=list)
    """Slot positions of valid syllables a Vietnamese model read with confidence SURE_READ_CONF or more."""
    run_names: set[int] = field(default_factory=set)
    """Those of `sure_names` that follow a capitalised word (NAME_RUNS)."""
    commas: set[tuple[int, int]] = field(default_factory=set)
    """(line, piece start) of `;` pieces that part two `Lưu:` items, written `,` (priors.archive_separators)."""


def _restore_section(model: Model, lines: Sequence[Line], line_pieces: list[list[Piece]], mode: str, rule_scale: float,
                     style: str, offset: int) -> tuple[list[Line], list[Restoration]]:
    """Decode consecutive lines as one sequence; record line numbers count from `offset`."""
    seq = _sequence(model, lines, line_pieces, mode, rule_scale)
    lat = model.slots.lattice(np.asarray(seq.slot, dtype=np.int64), np.asarray(seq.title, dtype=bool))
    return _decode_section(model, lines, seq, lat, mode, rule_scale, style, offset)


def _decode_section(model: Model, lines: Sequence[Line], seq: _Sequence, lat: Lattice, mode: str, rule_scale: float,
                    style: str, offset: int) -> tuple[list[Line], list[Restoration]]:
    """The lines and records of a section from its sequence and unpruned lattice: topics, pruning, both trigram passes,
    the name guards, the rewrite (devtools.tune runs it on lattices it keeps across weight settings)."""
    if mode == "degraded" and model.topics is not None:
        lat.cost -= model.topics.unit_bonus(model.topics.posterior(lat.ids[:, 0]))[lat.ids]
    lat, sel, marg = prune(model.lm, lat, PRUNE_KEEP, PRUNE_MARGIN, model.bonus)
    path = _decode(model, lat, mode, _settled_votes(model, seq) if CACHE_PASS_WEIGHT and mode in CACHE_PASS_MODES else None)
    chosen = sel[np.arange(len(sel)), path].tolist()
    if seq.names:
        chosen = _unsure_names_kept(marg, chosen, seq.names)
    if seq.sure_reads and SURE_READ_BELIEF:
        chosen = _unsure_names_kept(marg, chosen, seq.sure_reads, SURE_READ_BELIEF)
    if seq.sure_names:
        chosen = _rare_names_kept(model, seq, chosen)
    question = lambda t, u: model.channel.question_mark(t, u, rule_scale)  # noqa: E731 - one call's closure
    replace, changed_pos = _replacements(seq, model.slots.units, chosen, style, question)
    post = _confidences(marg, path, sel, changed_pos)
    return _rewrite(lines, replace, post, seq.slot, model.slots.units, style, offset)


LM_WEIGHT = {"ocr": 1.0, "degraded": 1.0}
"""The trigram LM's weight in the Viterbi (decoder.trigram_scores), per mode: its log10 scores times this beside the
channel costs, the word and place bonuses, the topic, cache and context costs, whose weights devtools.tune had moved
with the LM's fixed at 1. Errors (devtools.tune; stripped bench/tuning / bench/tuning/more, eng OCR of both | the 14
unmeasured documents / six training decrees / seeds 000 / 001), 1.0 -> 0.9: 18 / 308 / 45 / 490 | 219 / 101 / 73 / 49
-> 19 / 298 / 43 / 486 | 218 / 101 / 72 / 49, tuning 861 -> 846, every step down gaining on tuning and the unmeasured
documents losing below 0.9 (0.95: 857 | 219 / 101 / 72 / 49; 0.92: 852 | 221; 0.88: 844 | 220 / 103 / 71 / 47; 0.85:
844 | 223 / 103 / 70 / 47; 0.8: 834 | 228 / 103 / 68 / 47). The pruning's bigram max-marginals keep the LM at 1 (and so
the records' beliefs and the name guards'): scaled alone, 0.9: 862 | 218 / 101 / 73 / 49, 0.8: 864; both at 0.9: 840 |
219 (bench/tuning 21), at 0.8: 832 | 230; the Viterbi at 0.9 with the pruning at 0.8: 835 | 221, 0.5: 837 | 257. At 0.9
no other weight's move wins on tuning without losing on validation beyond noise (sensitivity at x0.8, x1.25, x0.5, x2:
CACHE_WEIGHT 0.625 -14 | dev +6, dec +3; CACHE_PASS_WEIGHT 1.25 -13 | dev +3; CONTEXT_WEIGHT 0.24 -5 | dev +3;
topics.UNIT_WEIGHT 0.8 -7 | dev +3; TITLE_WEIGHT 1.25 -12, all of it eng OCR of bench/tuning/more, validation unchanged,
and UNIGRAM_BOOST 0.16 -7 (the same set) | seed 001 -2: the ~10 errors the best of many moves gains by chance, not
taken). `ocr` (text a Vietnamese model read) keeps 1: CHANNEL_WEIGHT sets its balance, tuned on bench_vie_channel.
The tuning gain is spread thin (1-4 errors in each of 20 tuning texts). Held-out (bench_restore, measured once after the
choice, not tuned on) did not follow it: decrees stripped 829 -> 837 wrong, held-out extra/ documents 665 -> 680, plans
stripped 48 -> 48 (mean 97.76 -> 97.74 %), as eng OCR 88 -> 91; 1.0 gives main's output byte for byte. Kept at 1.0:
the tuning gain was no larger than the best of many moves gains by chance (see above) and the validation sets were flat,
so the evidence for 0.9 was weak before the held-out run showed that it did not carry over."""


SETTLED_VOTES = 20
"""Votes in the second pass's document cache (CACHE_PASS_WEIGHT) of each unit word settled before decoding (`bản` of
`ban Huoi Lech`, `xã` of `xa Tan Thuan`: places.places_after_units): a sure reading of its skeleton in this document,
where the path's own choices are guesses, so a plan of bản no longer reads its `trưởng bản`, `các bản`, `4 bản` as
`ban`, `bạn` (the LM prefers those by 0.1-0.7 in log10). Errors, stripped bench/tuning / bench/tuning/more (with
h1-h2) / the 14 unmeasured extra/ documents / six training decrees (first 300 lines), eng OCR of the first two, seeds
000/001: 0 (none): 20 / 220 / 221 / 103, 43 / 360, 97.43 / 98.26 %; 1: 20 / 219 / 221, 43 / 358; 3: 19 / 216 / 221, 42
/ 356; 10: 18 / 215 / 221 / 103, 42 / 352; 20: 18 / 212 / 221 / 103, 41 / 351 (seeds unchanged); 50: 18 / 209 / 221 /
103, 41 / 350 (more `trưởng ban` turned, which a document of bản may also mean). Not adopted: the votes in the first
pass's cache too (20: 18 / 211 / 221 / 103, 41 / 351), every settled place-name syllable voting, not only unit words
(18 / 213 / 222 / 103, 41 / 352)."""
NUMBERED = True
"""Hamlet unit words printed without marks before a number are spelt as the unit (places.numbered_units: `soc 3` ->
`sóc 3`, which the LM wrote `sốc 3`), in degraded text only (a Vietnamese model's read word is decoded as read)."""
SETTLED_UNITS = frozenset({u for spelt in (*HAMLET_WORDS.values(), *UNIT_WORDS.values()) for u in spelt}
                          | {pair[0] for pair in TWO_TITLE_UNITS.values()})
"""The unit words places.places_after_units settles: hamlet and commune units and the two-way `bản`, `làng`."""


def _settled_votes(model: Model, seq: _Sequence) -> np.ndarray:
    """LM ids of the unit words settled before decoding, each SETTLED_VOTES times (see there)."""
    index = model.lm.index
    ids = [index[u] for u, _ in seq.forced.values() if u in SETTLED_UNITS and u in index]
    return np.repeat(np.array(ids, dtype=np.int64), SETTLED_VOTES)


def _decode(model: Model, lat: Lattice, mode: str, settled: np.ndarray | None = None) -> np.ndarray:
    """The trigram path of a pruned lattice under the document cache: first with the cache of the first pass's choices,
    then, in degraded text (CACHE_PASS_WEIGHT), again with the cache of that path's choices and the `settled` unit
    votes (SETTLED_VOTES), reusing its LM scores."""
    base = lat.cost
    scores = trigram_scores(model.lm, lat, model.bonus, LM_WEIGHT.get(mode, 1.0)) if len(base) >= 3 else None
    if CACHE_WEIGHT:
        lat.cost = base + _cache_costs(model, lat)
    path = viterbi(model.lm, lat, model.bonus, scores=scores)
    if CACHE_PASS_WEIGHT and mode in CACHE_PASS_MODES:
        chosen = lat.ids[np.arange(len(path)), path]
        lat.cost = base + _cache_costs(model, lat, chosen, CACHE_PASS_WEIGHT, settled)
        if CONTEXT_WEIGHT:
            lat.cost += model.context.costs(lat.ids, lat.size, chosen, CONTEXT_WEIGHT)
        path = viterbi(model.lm, lat, model.bonus, scores=scores)
    return path


PLACES_READ_KEPT = True
"""In text a Vietnamese model read, a valid syllable of a place name after a unit word is decoded as any read word (the
vie channel and the LM with its place-name bonus), not respelt to the gazetteer's spelling of its skeleton: the
gazetteer holds short names only, and a real name missing from it (`Xã Đại Ân`, tuning bench_realpages, every class)
was respelt to one it holds (`Đại An`). A misread name the context settles is still repaired (`TỈNH TUYỂN QUANG`,
belief 0.996). bench_vie_channel --set tuning: no change."""
NAME_BELIEF = 0.5
"""A mid-sentence capitalised syllable (a name) read by a Vietnamese model changes only when the decoder's belief in
the change (its normalised bigram max-marginal, as in the change records) reaches this: the LM knows few of a plan's
names, and the trigram path respelt `bản Lủng Pằng` to `Lũng` at belief 0.16 (tuning bench_realpages, five classes).
bench_vie_channel --set tuning (60 images, 4,701 words): 80.37 -> 80.32 % after repair (`ký bởi Công` -> `Cổng` at
0.09 is no longer made). The same guard on every vie-read word cut right words changed there 0.165 -> 0.055 % but
lost 26 repairs (79.81 %; at 0.1: 80.09 %, 0.137 %; taking the marginals' best instead of the read: 79.83 %), so it
holds for names only."""


def _unsure_names_kept(marg: np.ndarray, chosen: list[int], names: list[int], belief: float = NAME_BELIEF) -> list[int]:
    """`chosen` with the read (unit 0) kept at the name positions whose change the decoder does not believe in."""
    out = list(chosen)
    moved = [pos for pos in names if out[pos] > 0]
    if not moved:
        return out
    m = marg[moved]
    p = np.exp((m - m.max(axis=1, keepdims=True)) * np.log(10.0))
    p /= p.sum(axis=1, keepdims=True)
    for k, pos in enumerate(moved):
        if p[k, out[pos]] < belief:
            out[pos] = 0
    return out


SURE_READ_CONF = 95.0
SURE_READ_BELIEF = 0.1
"""A valid syllable a Vietnamese model read with confidence SURE_READ_CONF or more changes only when the decoder's
belief in the change (as NAME_BELIEF's) reaches SURE_READ_BELIEF: the trigram path alone respelt `Đường biên dài` to
`biển` at belief 0.02 (bench_broke --extra scan300, scan200). 0.3 measured best on bench_vie_channel but kept a blurred
photo's `Cơ quan đại điện` read at 96, which the trigram path mends at belief 0.16 (test_realpages); 0.1 and 0.15:
80.20 % / 0.221 %, the same bench_broke figures as 0.3. bench_vie_channel --set tuning, 150 images (11,078
words), accuracy after repair / right words changed, against 80.19 % / 0.280 %: 95 / 0.3 80.21 % / 0.210 %; 95 / 0.2
80.20 / 0.221; 95 / 0.05 80.19 / 0.245; 95 / 0.5 80.19 / 0.198; 96 / 0.3 80.19 / 0.245; 93 / 0.3 80.17 / 0.198;
90 / 0.2 80.15 / 0.210; every read (0) / 0.1 79.98 / 0.210. bench_broke --extra repair breaks (with NAME_RUNS and
UPPER_UNIT_NAMES): scan300 10 -> 7, scan200 9 -> 6, no repair lost. Not adopted: trusting confidence less on blurred
photos (the sharpened pages' confident first-read errors, `YÊU CÂU`@95, `25 hãng tháng`@96): every word of the
photo-blur pages capped at 92 (under SURE_READ_CONF, channel bin 85) cost bench_realpages --set tuning photo-blur 99.59
-> 99.56 %, broke 0.12 -> 0.16 %, and bench_broke --extra photo-blur repair breaks 4 -> 22 (at 80: 55)."""


NAME_SURE_CONF = 85.0
"""Confidence from which a name's read is kept against a rare spelling no known name backs (_rare_names_kept)."""
NAME_RARE = -4.0
"""log10 unigram under which a syllable is rare: most such syllables are name syllables (`pù`, `lủng`, `mú`)."""


SURE_KNOWN_NAMES = "ethnic"
"""Which known names (the decoder's place pairs) let _rare_names_kept respell a name read with confidence SURE_READ_CONF
or more: "ethnic" the ethnic groups' names only (places.ethnic_pairs: a closed list, `Khơ Mù` -> `Khơ Mú`), "all"
place and hamlet names too (as before), "none" no name. The gazetteer and hamlet lists are open: the pair bonus
(PLACE_BONUS) made a confident read of a hamlet or a person missing from them the listed name at belief 0.87-1.0,
past SURE_READ_BELIEF (`bản Phiêng Cải`@96 -> `Cài`, `Lâm Văn Nhỏ`@96 -> `Nho`: `Văn Nho` is a place). bench_broke
--extra repair breaks photo-blur 9 -> 6 (0.51 -> 0.48 % broke), photo-dark 9 -> 6 (0.24 -> 0.22 %), no other word
changed; bench_vie_channel --set tuning 150 images, bench_realpages --set tuning (8 classes) and bench_restore --tuning
--seeds unchanged (80.20 %, 0.221 %); "none" measured the same (no `Khơ Mù` read at 95 or more there), kept out for the
closed list's sake. Left alone: lowercase confident reads the trigram path alone respells past SURE_READ_BELIEF
(`họp bản`@96 -> `bàn` at belief 0.46, `lần đo`@96 -> `do` at 0.35, `mương, hố`@97 -> `hồ`); SURE_READ_BELIEF 0.5
keeps two of them but loses 17 repairs of bench_broke --extra photo-blur (`thể` -> `thế`, `tổ`, `phổ`, `sổ`; broke
0.46 -> 0.45 %)."""


LINE_START_NAMES = True
"""A capitalised valid first word of a line the previous line's sentence runs on into (that line ends with no closing
mark; neither is a line of capitals; _runs_on) is a name to the name guards (NAME_BELIEF, _rare_names_kept,
NAME_RUNS) as one mid-line is, and its slot is made as before: a hamlet `Huổi Lóng` broken over two lines lost its
`Lóng`@92 to `Lỏng` at belief 0.63 (bench_broke --extra photo-blur repair breaks 6 -> 4, 0.48 -> 0.46 % broke, no other
word changed; photo-dark, bench_vie_channel --set tuning, bench_realpages --set tuning and bench_restore --tuning
unchanged)."""


NAME_RUNS = True
"""A name read with confidence NAME_SURE_CONF or more right after another capitalised word (inside a run of capitalised
syllables: `Ông Cộ`, `Lâm Văn Nhỏ`, `Vàm Lẻo`) keeps its read against any spelling no known name backs, rare or not:
the LM knows a person's or a canal's name no better than a common word's (`Văn Nhỏ` -> `Nho`, `Ông Cộ` -> `Cô`,
bench_broke --extra scan300, scan200). bench_vie_channel --set tuning 150 images: unchanged (80.19 %, 0.280 %); bench_broke
--extra repair breaks scan300 12 -> 11, scan200 unchanged (`Lâm Văn Nhỏ` still becomes `Nho`: `Văn Nho` is a known place)."""


def _rare_names_kept(model: Model, seq: _Sequence, chosen: list[int]) -> list[int]:
    """`chosen` with the read kept at the names read with confidence NAME_SURE_CONF or more that the decoder respelt to
    a rare syllable (NAME_RARE) forming no known name (place, hamlet, ethnic group: the decoder's place pairs) with
    the syllable chosen beside it. The LM's preference for one rare name syllable over another comes from the few
    names it saw, not from the text read: a confidently read `đồi Pú Sang` became `Pù` (LM `đồi pù` 2.2 more likely
    than `đồi pú`; belief 0.71, over NAME_BELIEF) on every scan class of bench_broke's tuning plans; `dân tộc Khơ Mù`
    still becomes `Khơ Mú` (an ethnic group's name)."""
    out = list(chosen)
    units = model.slots.units

    def unit(pos: int) -> str | None:
        return units[seq.slot[pos]][out[pos]] if 0 <= pos < len(out) else None

    places = model.bonus.places
    sure = set(seq.sure_reads) if SURE_KNOWN_NAMES != "all" else set()
    for pos in seq.sure_names:
        u = unit(pos)
        if out[pos] == 0 or u is None or (model.channel.logp.get(u, -99.0) >= NAME_RARE and pos not in seq.run_names):
            continue
        pairs = [(a, b) for a, b in ((unit(pos - 1), u), (u, unit(pos + 1))) if a and b]
        if pos in sure:
            if SURE_KNOWN_NAMES == "ethnic" and not set(pairs).isdisjoint(ethnic_pairs()):
                continue
        elif not places.empty and pairs:
            ids = model.lm.ids([x for ab in pairs for x in ab])
            if places.contains(ids[0::2], ids[1::2]).any():
                continue
        out[pos] = 0
    return out


def _runs_on(above: Line, line: Line, upper: list[bool]) -> bool:
    """Whether `line` continues the sentence of the line before it (LINE_START_NAMES): that line ends with no closing
    mark, neither is a line of capitals, and it lies above this one on the same page and block, overlapping it
    across (no table cell beside, no text input without boxes)."""
    if any(upper) or above.bbox is None or line.bbox is None or above.page != line.page or above.block != line.block:
        return False
    a, b = above.bbox, line.bbox
    return a[3] <= (b[1] + b[3]) / 2 and a[0] < b[2] and b[0] < a[2] and nfc(above.text).rstrip()[-1:] not in CLOSING


def _sequence(model: Model, lines: Sequence[Line], line_pieces: list[list[Piece]], mode: str, rule_scale: float) -> _Sequence:
    """The slots of every piece of the lines, in order, between sentence marks.

    Per distinct (text, kind), `plain` memoises what a piece's slot depends on that the piece alone settles (its case,
    whether it is a name, a glued `?` or a lone 6 that its neighbours may change) and its slot when nothing around it
    does: most tokens then cost one lookup (the held-out decrees' 92 k tokens repeat ~8 k distinct pieces)."""
    table, lm = model.slots, model.lm
    bos = table.fixed(BOS, lm)
    seq = _Sequence([bos, bos], [False, False], [None, None], [], {})
    slot, title, where, number = seq.slot, seq.title, seq.where, table.number
    add_slot, add_title, add_where = slot.append, title.append, where.append
    plain: dict[tuple[str, str], tuple[str, bool, int, bool]] = {}
    kernel = compiled() if COMPILED_SEQUENCE and PIECE_MEMO else None
    keyed = (number, mode, rule_scale) if KEYED_NAMES and mode != "ocr" else (None, None, None)

    def fixed_slot(unit: str) -> int:
        return table.fixed(unit, lm)

    def new_hit(text_p: str, kind: str) -> tuple[str, bool, int, bool]:
        """What a piece's slot depends on that the piece alone settles, its slot not known yet (-1)."""
        case = case_of(text_p)
        # may a neighbour or the line change the slot? (mid-sentence title, glued `?`, lone 6)
        varies = (case == "title" or text_p[-1:] == "?" and kind == "word"
                  or kind == "fixed" and text_p in DIGIT_SYLLABLES)
        titlecase = kind == "word" and (case == "title" or case == "upper")
        hit = (case, varies, -1, titlecase)
        if PIECE_MEMO:
            plain[text_p, kind] = hit
        return hit

    def slow(k: int, p: Piece, prev: Piece | None, hit: tuple[str, bool, int, bool], conf: float | None,
             conf_key: int) -> int:
        """The slot of piece k of the current line when its neighbours, the line or its confidence may change it (or
        it is not known yet); notes the names and sure reads among the pieces."""
        start, _, text_p, kind = p
        case, varies, n, titlecase = hit
        mid_title = (case == "title" and not upper_line and prev is not None and not CAPITAL_I_RE.match(text_p)
                     and not (prev[3] == "punct" and prev[2].strip()[-1:] in ".:-+;!?"))
        # what the slot depends on, so equal pieces share one slot
        question = text_p[-1:] == "?" and kind == "word" and _sentence_may_end(pieces, k)
        among = kind == "fixed" and text_p in DIGIT_SYLLABLES and _among_words(pieces, k)
        in_name = mid_title and start in name_starts
        key = (text_p, kind, mode, conf_key, mid_title, rule_scale, question, among, in_name)
        known = number.get(key)
        if known is None:
            made = _make_slot(model, p, mode, conf, mid_title, rule_scale, question, among, in_name)
            n = table.add(key, made.units, made.costs, lm)
        else:
            n = known
        if not varies and conf_key == -1 and PIECE_MEMO:
            plain[text_p, kind] = (case, varies, n, titlecase)
        if (SURE_READ_BELIEF and mode == "ocr" and kind == "word" and conf is not None
                and conf >= SURE_READ_CONF and is_valid_syllable(nfc(text_p.lower()).translate(LOOKALIKES))):
            seq.sure_reads.append(len(slot))
        before = prev if prev is not None else carry
        if (mid_title or prev is None and carry is not None and case == "title"
                and not CAPITAL_I_RE.match(text_p)) and mode == "ocr" and kind == "word" and is_valid_syllable(
                nfc(text_p.lower()).translate(LOOKALIKES)):
            seq.names.append(len(slot))
            if conf is not None and conf >= NAME_SURE_CONF:
                seq.sure_names.append(len(slot))
                if NAME_RUNS and before is not None and before[3] == "word" and case_of(before[2]) == "title":
                    seq.run_names.add(len(slot))
        return n

    prev_label = ""
    short_prev = False
    last_word: Piece | None = None
    for li, ln in enumerate(lines):
        text = nfc(ln.text)
        pieces = line_pieces[li]
        if mode == "degraded" and rule_scale != CLEAN_RULE_SCALE:
            if any(m in text for m in GLUED_MARKS):
                pieces = glue_marks(pieces, model.channel.reads)
            pieces = garbled_codes(pieces, model.lm.index.__contains__)
        confs = _word_confidences(ln)
        cidx = _chunk_index(text) if confs else None
        if kernel is not None:
            upper_line = kernel.is_upper_line(text)
            words, capitalised = kernel.line_words(pieces)
        else:
            upper_line = _is_upper_line(text)
            words = [p for p in pieces if (p[3] == "word" or p[3] == "fixed") and p[2].isalpha()]
            capitalised = any(w[2][:1].isupper() for w in words[1:])
        word_texts = [w[2] for w in words]
        if li and (seq.upper_lines[-1] and (short_prev and upper_line or HEADING_ENDS and not upper_line)
                   or ITEM_STARTS and mode == "ocr" and ITEM_RE.match(text)
                   and nfc(lines[li - 1].text).rstrip()[-1:] in CLOSING):
            slot.extend([table.fixed(EOS, lm), bos, bos])
            title.extend([False, False, False])
            where.extend([None, None, None])
        seq.upper_lines.append(upper_line)
        short_prev = len(words) <= SHORT_CAPS_LINE
        # the name finders below find nothing in a line with no capitalised word after its first (`capitalised`)
        titles = (kernel.title_words(word_texts) if kernel is not None else title_words(word_texts)) if capitalised else []
        fixed_units = {words[k].start: (syl, "place-name") for k, syl in places_after_units(word_texts, titles).items()
                       if not (mode == "ocr" and PLACES_READ_KEPT and is_valid_syllable(nfc(words[k].text.lower())))
                       } if capitalised else {}
        titled = {words[k].start: words[k].text for k in capital_i_names(word_texts, titles)} if capitalised else {}
        name_starts = ({words[k].start for k in names_after_units(word_texts, titles)} if UNIT_NAME_RATE and capitalised
                       else set())
        unit_starts = {words[k].start for k in unit_words_before_names(word_texts, titles)} if capitalised else set()
        first_slot = len(slot)
        fixed_units.update((start, ("i" + text_w[1:], "place-name")) for start, text_w in titled.items())
        upper_named = ({words[k].start for k in unit_names_upper(word_texts)}
                       if upper_line and UPPER_UNIT_NAMES and mode == "ocr" else set())
        label = list_label(pieces, text)
        if label is not None:
            letter = label.text.lower()
            if letter == prev_label:
                letter = LABEL_NEXT.get(letter, letter)
            fixed_units[label.start] = (letter, "label")
            prev_label = letter
        if NUMBERED and mode != "ocr" and NUMBERED_HINT.search(text) and NUMBERED_RE.search(text):
            for start, syl in numbered_units(pieces).items():
                fixed_units.setdefault(start, (syl, "place-name"))
        archive = archive_item(pieces) if ":" in text else None
        if archive is not None:
            fixed_units[archive.start] = (ARCHIVE.lower(), ARCHIVE_REASON)
        if ":" in text and ";" in text:
            seq.commas.update((li, q.start) for q in archive_separators(pieces))
        # the last piece of the line above whose sentence runs on into this one (LINE_START_NAMES)
        carry = last_word if LINE_START_NAMES and li and _runs_on(lines[li - 1], ln, seq.upper_lines[-2:]) else None
        if kernel is not None:
            kernel.sequence_line(pieces if type(pieces) is list else list(pieces), li, plain, fixed_units, titled,
                                 upper_named, upper_line, confs, cidx, slot, title, where, seq.forced, seq.titled,
                                 fixed_slot, new_hit, slow, conf_bin, *keyed, name_starts, CAPITAL_I_RE.match,
                                 DIGIT_SYLLABLES)
        else:
            prev = None
            conf = None
            conf_key = -1
            for k, p in enumerate(pieces):
                start, _, text_p, kind = p
                if fixed_units and start in fixed_units:
                    seq.forced[len(slot)] = fixed_units[start]
                    if start in titled:
                        seq.titled.add(len(slot))
                    add_slot(table.fixed(fixed_units[start][0], lm))
                    add_title(False)
                else:
                    if confs and cidx:
                        conf = confs[cidx[start]]
                        conf_key = -1 if conf is None else conf_bin(conf)
                    hit = plain.get((text_p, kind)) if PIECE_MEMO else None
                    if hit is None:
                        hit = new_hit(text_p, kind)
                    case, varies, n, titlecase = hit
                    if varies or conf_key != -1 or n < 0:
                        n = slow(k, p, prev, hit, conf, conf_key)
                    add_slot(n)
                    # in a line of capitals, case says nothing about names: no place-name pair bonus there, but after
                    # a unit word (`XÃ SÌ LỞ LẦU`)
                    add_title(titlecase and (not upper_line or start in upper_named))
                prev = p
                add_where((li, p))
        if unit_starts:  # a unit word before a one-syllable name takes part in the name's pair bonus (UNIT_PAIRS)
            for j in range(first_slot, len(slot)):
                at = where[j]
                if at is not None and at[1][0] in unit_starts:
                    title[j] = True
        last_word = pieces[-1] if pieces else None
    slot.append(table.fixed(EOS, lm))
    title.append(False)
    where.append(None)
    return seq


COMPILED_SEQUENCE = True
"""Let _sequence run its per-line word scan and per-piece loop compiled (_kernels.line_words, is_upper_line,
sequence_line) when the kernels are built; False: the Python loops (tests compare)."""
KEYED_NAMES = True
"""Let the compiled piece loop key a Title-case piece's slot itself (as `slow` does) and call `slow` only when that key
has no slot yet, in text without OCR confidences outside `ocr` mode (False: `slow` for every such piece; tests
compare)."""
PIECE_MEMO = True
"""Let _sequence take a piece's slot from its memo of the distinct pieces (False: work every piece's key out afresh, as
before; tests compare). Instructions of _sequence on 12 k held-out stripped tokens (callgrind, warm slot table):
207 M -> 170 M."""


def _sentence_may_end(pieces: list[Piece], k: int) -> bool:
    """Whether a sentence may end after piece k: no word follows on its line, or the next word is capitalised (a
    question mark before a lowercase word is rare; the hook of ữ, ử is not: `tri? nuoc` is trữ nước)."""
    nxt = next((q for q in pieces[k + 1:] if q.kind in ("word", "letter", "fixed", "symbol")), None)
    return nxt is None or nxt.text[:1].isupper()


def _replacements(seq: _Sequence, slot_units: list[list[str]], chosen: list[int], style: str,
                  question=None) -> tuple[dict[int, list[tuple[Piece, str, str, int]]], list[int]]:
    """Per line, (piece, new text, reason, slot position) for every piece that changes, in order, and the decoded
    positions among them (the ones that get confidences and alternatives). `question(token, unit)`: whether the
    decoded unit reads a token's trailing glued `?` as a question mark, which then stays after the word.

    Runs compiled (_kernels.replacements, COMPILED_REPLACEMENTS) when the kernels are built. An earlier compiled
    version (typed, the same calls) measured 0.159 -> 0.164 CPU s on the held-out decrees' sections: it indexed the
    Piece tuples as objects, which for a tuple subclass goes through a slow __getitem__ slot; read as tuples, see the
    commit's figures."""
    kernel = compiled() if COMPILED_REPLACEMENTS else None
    if kernel is not None:
        return kernel.replacements(seq.where, seq.forced, seq.slot, seq.titled, seq.upper_lines, seq.commas, slot_units,
                                   chosen, style, _respelt, question, DIGIT_SYLLABLES, fix_symbol, fix_heading,
                                   ARCHIVE_REASON, KEEP_UNIT)
    replace: dict[int, list[tuple[Piece, str, str, int]]] = {}
    changed_pos: list[int] = []
    forced, slot, titled, upper_lines, commas = seq.forced, seq.slot, seq.titled, seq.upper_lines, seq.commas
    respelt, keep = _respelt, KEEP_UNIT
    last_li, line_out = -1, []
    for pos, w in enumerate(seq.where):
        if w is None:
            continue
        li, p = w
        text, kind = p[2], p[3]
        new = text
        reason = ""
        if pos in forced:
            unit, reason = forced[pos]
            if unit != keep and unit[:1] != "<":
                new = respelt(unit, text, style, upper_lines[li])[0]
                new = new[:1].upper() + new[1:] if pos in titled else new
            else:
                reason = ""
        elif kind == "word" or kind == "letter" or kind == "fixed" and text in DIGIT_SYLLABLES:
            unit = slot_units[slot[pos]][chosen[pos]]
            if unit != keep and unit[:1] != "<":
                new, reason = respelt(unit, text, style, upper_lines[li])
                if question is not None and text[-1:] == "?" and question(text, unit):
                    new += "?"
        elif kind == "symbol" or kind == "fixed" and text.isupper():
            new, reason = fix_symbol(text), "symbol"
        elif kind == "heading":
            new, reason = fix_heading(text), "numeral"
        elif commas and (li, p[0]) in commas:
            new, reason = ",", ARCHIVE_REASON
        if new != text:
            if li != last_li:
                line_out = replace.setdefault(li, [])
                last_li = li
            line_out.append((p, new, reason, pos))
            if (kind == "word" or kind == "letter") and pos not in forced:
                changed_pos.append(pos)
    return replace, changed_pos


COMPILED_REPLACEMENTS = True
"""Let _replacements run compiled (_kernels.replacements) when the kernels are built; False: the Python loop (tests
compare)."""


@lru_cache(maxsize=200_000)
def _respelt(unit: str, text: str, style: str, upper_line: bool) -> tuple[str, str]:
    """The LM unit written in `style` with the case of the token it replaces, and the reason of the change."""
    word = place_tone(unit, style)
    case = "lower" if unit[:1] == "l" and CAPITAL_I_RE.match(text) else garbled_case(text)
    new = apply_case(word, case, upper_line, single=_letters(text) == 1)
    return new, _reason(text, new)


def _rewrite(lines: Sequence[Line], replace: dict[int, list[tuple[Piece, str, str, int]]],
             post: dict[int, tuple[float, list[int]]], slot: list[int], slot_units: list[list[str]], style: str,
             offset: int) -> tuple[list[Line], list[Restoration]]:
    """The lines with their replacements applied, and a record of each (offsets in the new text).

    Runs compiled (_kernels.rewrite: the same loop, each record made without the dataclass __init__'s keyword parsing)
    when the kernels are built: the compiled loop with the records made by __init__ took 0.13 -> 0.10 CPU s on the
    first 25 k-token section of the held-out decrees (most of the time was the records themselves, 1.3-1.8 us each);
    with the fields set on a bare record, the whole held-out decrees' sections (75 k records) 0.243 -> 0.158 CPU s (least
    of five runs of this function on the same input)."""
    kernel = compiled()
    if kernel is not None:
        return kernel.rewrite(list(lines), replace, post, slot, slot_units, style, offset, nfc, case_of, _surface,
                              Restoration)
    out_lines: list[Line] = []
    records: list[Restoration] = []
    add = records.append
    surfaces: dict[tuple[int, str], list[str | None]] = {}
    get_post = post.get
    for li, ln in enumerate(lines):
        text = nfc(ln.text)
        page, line_no = ln.page, offset + li
        parts, cursor, shift = [], 0, 0
        for (p_start, p_end, p_text, _), new, reason, pos in replace.get(li, ()):
            parts.append(text[cursor:p_start])
            start = p_start + shift
            parts.append(new)
            cursor = p_end
            shift += len(new) - len(p_text)
            hit = get_post(pos)
            alts: list[str] = []
            if hit is None:
                conf = 0.9
            else:
                conf, alt_idx = hit
                key = (slot[pos], case_of(p_text))
                surface = surfaces.get(key)
                if surface is None:
                    surface = surfaces[key] = [None if u.startswith("<") else _surface(u, style, key[1])
                                               for u in slot_units[key[0]]]
                for k in alt_idx:
                    if k >= 0 and (a := surface[k]) is not None:
                        alts.append(a)
            add(Restoration(page=page, line=line_no, start=start, end=start + len(new), original=p_text, restored=new,
                            confidence=conf, alternatives=alts, reason=reason))
        parts.append(text[cursor:])
        new_text = "".join(parts)
        if new_text != ln.text:
            out_lines.append(ln.model_copy(update={"text": new_text, "raw": ln.raw if ln.raw is not None else ln.text}))
        else:
            out_lines.append(ln.model_copy())
    return out_lines, records
