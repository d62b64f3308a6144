"""Candidate generation: real syllables an observed (possibly OCR-damaged) token may stand for, with costs.

Costs are in log10 units so they add to LM log-probabilities. Sources: same skeleton (lost
diacritics), character-level OCR confusion rules (learned from rendered and OCR'd text:
dictionaries/confusions.tsv, see devtools/confusions.py), and fuzzy matches against the inventory.
For good Vietnamese OCR, MarkChannel gives P(read | true) of tone marks and letter shapes per word
confidence (dictionaries/vie_channel.tsv, learned by devtools/markchannel.py).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..errors import ModelError
from ..resources import data_file
from .orthography import has_marks, is_valid_syllable, nfc, place_tone, skeleton, split_tone


class _Index:
    """Rules grouped by observed substring, for lookup at every position of a skeleton."""

    def __init__(self, rules: list[tuple[str, str, float]]):
        self.by_src: dict[str, list[tuple[str, float]]] = {}
        for src, dst, w in rules:
            self.by_src.setdefault(src, []).append((dst, w))
        self.longest = max((len(k) for k in self.by_src), default=0)
        self.prefixes = frozenset(k[:n] for k in self.by_src for n in range(1, len(k) + 1))
        """Every leading part of an observed substring: a longer substring than one of these matches no rule."""
        self.cheapest = {k: min(w for _, w in v) for k, v in self.by_src.items()}
        """Per observed substring, its cheapest rule's cost: substrings whose rules all overrun the budget are skipped."""


def load(path: str | Path) -> list[tuple[str, str, float]]:
    """(observed, intended, cost) rules of a table written by `learn`."""
    rules = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        src, dst, cost = line.split("\t")[:3]
        rules.append((src, dst, float(cost)))
    return rules


def _load_rules() -> list[tuple[str, str, float]]:
    """The learned table (dictionaries/confusions.tsv; $PLANPARSE_CONFUSIONS overrides). No hand-set rules."""
    import os

    path = os.environ.get("PLANPARSE_CONFUSIONS") or data_file("confusions.tsv")
    try:
        learned = load(path)
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable confusion table {path}: {exc}") from exc
    if not learned:
        raise ModelError(f"empty confusion table {path}")
    return learned


def set_rules(rules: list[tuple[str, str, float]]) -> None:
    """Replace the confusion rules in use (benchmarks compare tables in one process); caches built on the old ones lapse."""
    global CONFUSIONS, _RULES, RULES_VERSION
    CONFUSIONS = list(rules)
    _RULES = _Index(CONFUSIONS)
    RULES_VERSION += 1
    Channel.candidates.cache_clear()
    Channel._found.cache_clear()


CONFUSIONS: list[tuple[str, str, float]] = _load_rules()
_RULES = _Index(CONFUSIONS)
RULES_VERSION = 0


def rules_version() -> int:
    """Bumped by set_rules: whoever caches candidates compares it to drop what the old rules made."""
    return RULES_VERSION


ONE_APOSTROPHE = str.maketrans("’", "'")


def _trailing_question(low: str) -> bool:
    """A glued `?` at a token's end after a letter: the hook of ữ, ử or a question mark."""
    return len(low) > 1 and low[-1] == "?" and low[-2].isalpha()


def own_reading(token: str) -> tuple[str, str | None]:
    """A token's lowercase NFC core and its exact reading (the core as a valid syllable, tone placed in the new style;
    None if it is no syllable): what `Channel.candidates` and `Channel.question_mark` both read a token as."""
    low = nfc(token.lower())
    return low, (place_tone(low) if is_valid_syllable(low) else None)


def garble_skeleton(token: str) -> str:
    """A garbled token's skeleton as the confusion rules spell it: both apostrophes (the horn of ư, ơ) as `'`."""
    return skeleton(token).translate(ONE_APOSTROPHE)


MAX_EDITS = 2
MAX_VARIANT_COST = 3.0
"""Rule paths dearer than this are not explored: they never beat 'keep as printed' (measured: no accuracy change)."""
KEEP = 10
KEEP_GARBLED = 16
"""Candidates kept in garbled text (rule_scale below GARBLED_SCALES): there the confusion rules' guesses, not the
skeleton's own readings, carry the repair, and the right one often ranks 11th-16th by cost and unigram (tuning plans
as eng OCR 95.05 -> 95.59 %, seed 000 95.08 -> 95.29 %; flat from 16 to 24)."""
GARBLED_SCALES = 2.0
"""Rule scales below this are garbled text's (engine.ENG_RULE_SCALE for English-model OCR, 1.0 for garbled Vietnamese
OCR); clean text's is engine.CLEAN_RULE_SCALE (3)."""
SAME_SKELETON_EXTRA = 6
"""Readings of the token's own skeleton kept beyond the KEEP best: `doi` has 22 syllables and `dõi`
(theo dõi) ranks 14th by unigram, so a plain cut made it unreachable whatever the context."""
SAME_SKELETON_COST = 0.0
VARIANT_CACHE = 200_000
NAMES = 4
"""Place-name syllables offered for a capitalised token beyond its KEEP best readings."""
NAME_COST = 1.6
"""Dearest place-name syllable (a confusion rule's reading, rules scaled) offered beyond the KEEP best for a capitalised
token in garbled text."""
CLEAN_NAME_COST = 0.0
"""The same for a token of a known skeleton in text whose skeletons are intact (rule scale engine.CLEAN_RULE_SCALE:
stripped text; a Vietnamese model's unknown garble keeps NAME_COST): only its own skeleton's name syllables. 1.6 (as in
garbled text) let the flat place-name pair bonus respell a name to a listed hamlet of another skeleton (`Huổi Lóng` ->
`Huổi Luông`, five times in one plan). Stripped errors, 1.6 -> 0: f1-f2 57 -> 52, the rest of bench/tuning and
bench/tuning/more, the 14 unmeasured extra/ documents and six training decrees unchanged (18 / 155 / 221 / 103), eng OCR
and seeds unchanged (garbled text keeps NAME_COST)."""
RARE_NAMES = 3
"""Name syllables the LM lacks (Channel.set_rare) offered at most for a capitalised token mid-sentence. Errors of
stripped text, bench/tuning / bench/tuning/more d1-d6 / e1-e3 / the 14 unmeasured extra/ documents, without -> with
them: 32 -> 31 (`Sín Chải`) / 24 -> 24 / 54 -> 54 / 209 -> 211 (`Khơng`, `Mế` for news' Không, Mê); eng OCR unchanged
(55, 42, 82). A wash on these figures; kept because without it such a name can never be restored."""
RARE_EXTRA = 0.0
"""Added to -log10 P(syllable | <unk>). -1.0: 32, 25, 54, 217 (the unk's context probability is already generous)."""
RARE_NAME_COUNT = 2
"""Count of a name syllable seen less than twice in the corpus (syllables.txt keeps counts >= 2)."""
RARE_ALL = False
"""Offer every valid syllable of syllables.txt the LM lacks, not only name syllables: 32, 24, 55, 221; eng OCR 55, 42,
85 (rare typos and foreign spellings win capitalised words)."""
FUZZ_COST = 2.6
MARKED_RULE_PENALTY = 0.4
EXACT_BONUS = 0.8
QUESTION_COST = 0.35
"""-log10 P(question mark | a `?` English-model OCR glued to a word's end): of 48 such tokens in rendered eng OCR
(the tuning plans, 14 left-out news and article documents, 240 law pages at 150-200 dpi), 22 ended a question
(`nao?` nào?, `gi?` gì?), 26 were the hook of ữ, ử (`tri?` trữ, `tt?` từ)."""


class Channel:
    """Syllable inventory with skeleton index; turns observed tokens into weighted candidates."""

    def __init__(self, syllables: dict[str, float]):
        """`syllables`: valid syllable (lowercase, new style) -> log10 unigram probability."""
        self.logp = syllables
        by_skel: dict[str, list[str]] = {}
        for s, _ in sorted(syllables.items(), key=lambda kv: -kv[1]):
            by_skel.setdefault(skeleton(s), []).append(s)
        self.by_skel = by_skel
        self.skeletons = list(by_skel)
        self.names: frozenset[str] = frozenset()
        self.rare: dict[str, tuple[tuple[str, float], ...]] = {}
        """Skeleton -> (syllable, cost) of name syllables the LM does not know (set_rare), cheapest first."""
        self._variants: dict[tuple[str, float], dict[str, float]] = {}
        self._variants_version = RULES_VERSION
        self._table: dict[tuple[str, float], str] = {}
        self._table_for: _Index | None = None

    def variants(self, obs: str, budget: float = MAX_VARIANT_COST) -> dict[str, float]:
        """Known skeletons reachable from the observed skeleton by at most MAX_EDITS confusion rules costing
        less than `budget` in all, with least cost.

        Unknown strings are kept only as steps to the next edit: most of what the rules spell is no syllable.
        """
        if self._variants_version != RULES_VERSION:
            self._variants.clear()
            self._variants_version = RULES_VERSION
        hit = self._variants.get((obs, budget))
        if hit is not None:
            return hit
        if self._table_for is not _RULES:
            self._table_for, self._table = _RULES, (read_variant_table(variant_fingerprint(_RULES, self.by_skel))
                                                    if USE_VARIANT_TABLE else {})
        row = self._table.get((obs, budget))
        if row is not None:
            out = dict(_parse_variants(row))
            if len(self._variants) >= VARIANT_CACHE:
                self._variants.clear()
            self._variants[(obs, budget)] = out
            return out
        return self._search(obs, budget)

    def _search(self, obs: str, budget: float) -> dict[str, float]:
        """variants() worked out: the rule search itself."""
        known = self.by_skel
        start = f"^{obs}$"
        best = {start: 0.0}
        frontier = {start: 0.0}
        by_src, prefixes, cheapest, longest = _RULES.by_src, _RULES.prefixes, _RULES.cheapest, _RULES.longest
        inserts = by_src.get("", ())
        for edit in range(MAX_EDITS):
            last = edit == MAX_EDITS - 1
            nxt: dict[str, float] = {}
            for s, c in frontier.items():
                size = len(s)
                for i in range(size):
                    for n in range(1, min(longest, size - i) + 1):
                        src = s[i:i + n]
                        if src not in prefixes:
                            break  # no rule's observed substring starts so: none longer matches either
                        low = cheapest.get(src)
                        if low is None or c + low >= budget:
                            continue  # no rule for it, or every one overruns the budget (a cost must be < best <= budget)
                        for dst, w in by_src[src]:
                            v = s[:i] + dst + s[i + n:]
                            cost = c + w
                            if cost < best.get(v, budget) and v[:1] == "^" and v[-1:] == "$" and len(v) > 2:
                                if last and v[1:-1] not in known:
                                    continue
                                best[v] = cost
                                nxt[v] = cost
                    if inserts and 2 <= i < size:
                        for dst, w in inserts:
                            v = s[:i] + dst + s[i:]
                            if c + w < best.get(v, budget) and not (last and v[1:-1] not in known):
                                best[v] = nxt[v] = c + w
            frontier = nxt
        out = {v[1:-1]: c for v, c in best.items() if v[1:-1] in known}
        if len(self._variants) >= VARIANT_CACHE:
            self._variants.clear()
        self._variants[(obs, budget)] = out
        return out

    @lru_cache(maxsize=100_000)  # noqa: B019 - one Channel per process, kept for its lifetime; cleared by set_rules
    def candidates(self, token: str, keep_exact: bool = False, name: bool = False,
                   rule_scale: float = 1.0, question: bool = False, rare: bool = False) -> tuple[tuple[str, float], ...]:
        """(syllable, cost) pairs for one token's lowercase core, cheapest first; empty if none fit.

        `question`: a token that ends in a glued `?` (segment.glue_marks) where a sentence may end is read both ways:
        the mark as the hook of ữ, ử, and as a question mark after the word (at QUESTION_COST; `question_mark` tells
        which reading a syllable is). `rare`: a capitalised token mid-sentence, which may also be a name syllable the LM
        does not know (set_rare)."""
        low, exact = own_reading(token)
        if keep_exact and exact in self.logp:
            return ((exact, 0.0),)
        obs = garble_skeleton(low)
        keep = KEEP_GARBLED if rule_scale < GARBLED_SCALES else KEEP
        found = dict(self._found(low, exact, rule_scale))
        if question and _trailing_question(low):
            for s, c in self._found(low[:-1], None, rule_scale):
                if c + QUESTION_COST < found.get(s, 99.0):
                    found[s] = c + QUESTION_COST
        if not found and len(obs) >= 3 and obs.isalpha():
            for sk, score, _ in process.extract(obs, self.skeletons, scorer=Levenshtein.distance, limit=4, score_cutoff=1):
                for s in self.by_skel[sk][:3]:
                    found.setdefault(s, FUZZ_COST * score)
        ranked = sorted(found.items(), key=lambda kv: kv[1] - 0.5 * self.logp.get(kv[0], -7.0))
        same = [kv for kv in ranked[keep:] if kv[1] <= SAME_SKELETON_COST and skeleton(kv[0]) == obs][:SAME_SKELETON_EXTRA]
        if not name:
            return tuple(ranked[:keep] + same)
        limit = CLEAN_NAME_COST if rule_scale >= GARBLED_SCALES and obs in self.by_skel else NAME_COST
        names = [kv for kv in ranked[keep:] if kv[0] in self.names and kv[1] <= limit][:NAMES]
        unknown = [kv for kv in self.rare.get(obs, ()) if kv[0] not in found][:RARE_NAMES] if rare else []
        # the unknown names take places of the rules' guesses too: a wider slot widens the whole section's lattice
        head = _make_room(ranked[:keep], len(names) + len(unknown), obs)
        return tuple(head + names + [kv for kv in same if kv not in names] + unknown)

    def set_rare(self, counts: dict[str, int], names: frozenset[str], unk_count: float) -> None:
        """Name syllables missing from the LM vocabulary (seen < 30 times: `sín` of Sín Chải), offered for a capitalised
        token mid-sentence at -log10 P(syllable | <unk>): the LM scores them as its <unk>, which stands for every unit
        outside the vocabulary (`unk_count` tokens of the corpus), so this splits its mass by their counts
        (`counts`: syllables.txt; a name syllable seen less than twice counts RARE_NAME_COUNT). `names`: the syllables
        of place, hamlet and ethnic-group names; RARE_ALL offers every rare syllable."""
        by_skel: dict[str, list[tuple[str, float]]] = {}
        pool = set(names) | (set(counts) if RARE_ALL else set())
        for syl in pool:
            if syl in self.logp or not syl.isalpha():
                continue
            n = max(counts.get(syl, 0), RARE_NAME_COUNT if syl in names else 0)
            if n > 0:
                cost = RARE_EXTRA + float(np.log10(unk_count / n))
                by_skel.setdefault(skeleton(syl), []).append((syl, cost))
        self.rare = {k: tuple(sorted(v, key=lambda sc: sc[1])) for k, v in by_skel.items()}
        Channel.candidates.cache_clear()

    @lru_cache(maxsize=100_000)  # noqa: B019 - as candidates
    def _found(self, low: str, exact: str | None, rule_scale: float) -> tuple[tuple[str, float], ...]:
        """Every syllable the confusion rules and marks make of a lowercase token, with its cost (unranked)."""
        marked = has_marks(low)
        obs = garble_skeleton(low)
        found: dict[str, float] = {}
        keep = KEEP_GARBLED if rule_scale < GARBLED_SCALES else KEEP
        for v, c in self.variants(obs, MAX_VARIANT_COST / rule_scale).items():
            c *= rule_scale
            for s in self.by_skel.get(v, ()) if v == obs else self.by_skel.get(v, ())[:keep]:
                cost = c + (0.0 if s == exact or not marked else (0.1 if has_marks(s) else 0.7))
                if marked and c > 0:
                    cost += MARKED_RULE_PENALTY
                if s == exact and marked:
                    cost -= EXACT_BONUS
                if cost < found.get(s, 99.0):
                    found[s] = cost
        return tuple(found.items())

    def question_mark(self, token: str, syllable: str, rule_scale: float = 1.0) -> bool:
        """Whether `syllable`, a reading of a token with a trailing glued `?` (candidates with `question`), takes the
        mark as a question mark: only the word without the mark gives it (where the hook reading gives it too, the
        mark is the hook: `tri?` is trữ, not trữ?)."""
        low, exact = own_reading(token)
        return _trailing_question(low) and syllable not in dict(self._found(low, exact, rule_scale))

    def reads(self, token: str) -> bool:
        """Whether some syllable fits a garbled token (glue_marks asks before gluing an apostrophe)."""
        return bool(self.candidates(token.lower()))


# ---- the shipped table of Channel.variants for every known skeleton -----------------------------------

VARIANT_TABLE = "variants.tsv"
"""dictionaries/variants.tsv: Channel.variants of every skeleton of a known syllable at the budgets of the three rule
scales (clean, English-model and Vietnamese OCR), worked out at build time (devtools/variants.py): the first use of
each skeleton searched the rules, ~0.25 CPU s over the held-out decrees. Used only while its fingerprint (the rules in
use, MAX_EDITS, the known skeletons) matches; otherwise, and for other skeletons, the search runs as before."""
USE_VARIANT_TABLE = True
"""False: always search (tests compare both paths)."""


def variant_fingerprint(rules: _Index, known) -> str:
    """What Channel.variants' results depend on besides the search itself: the rules in their order, MAX_EDITS and the
    set of known skeletons."""
    h = hashlib.sha256(f"{MAX_EDITS}\n".encode())
    for src, dsts in rules.by_src.items():
        h.update("".join(f"{src}\t{dst}\t{w!r}\n" for dst, w in dsts).encode())
    h.update("\n".join(sorted(known)).encode())
    return h.hexdigest()[:20]


def read_variant_table(fingerprint: str, path: str | Path | None = None) -> dict[tuple[str, float], str]:
    """(skeleton, budget) -> its row of the shipped table, unparsed; empty when the table was made for other rules or
    skeletons (or is missing: a table is a speed-up, never needed for the same output)."""
    try:
        text = Path(path or data_file(VARIANT_TABLE)).read_text(encoding="utf-8")
    except (OSError, ModelError):
        return {}
    head, _, body = text.partition("\n")
    if head.split()[-1:] != [fingerprint]:
        return {}
    out = {}
    for line in body.splitlines():
        if line and line[0] != "#":
            budget, obs, row = line.split("\t", 2) if line.count("\t") >= 2 else (*line.split("\t"), "")
            out[(obs, float(budget))] = row
    return out


def _parse_variants(row: str):
    for item in row.split("\t") if row else ():
        v, _, c = item.partition(" ")
        yield v, float(c)


def write_variant_table(ch: Channel, budgets, path: str | Path) -> int:
    """Write the table of `ch.variants` for every known skeleton at each budget (searched, never read from a table);
    returns its number of rows."""
    rows = []
    for budget in budgets:
        for obs in sorted(ch.by_skel):
            found = ch._search(obs, budget)
            rows.append("\t".join([repr(float(budget)), obs] + [f"{v} {c!r}" for v, c in found.items()]))
    digest = variant_fingerprint(_RULES, ch.by_skel)
    head = f"# Channel.variants of every known skeleton (planparse.devtools.variants); fingerprint {digest}"
    Path(path).write_text("\n".join([head] + rows) + "\n", encoding="utf-8")
    return len(rows)


# ---- the channel of good Vietnamese OCR: marks per word confidence ------------------------------------

CONF_BINS = (0, 40, 60, 75, 85, 93)
"""Lower edges of Tesseract word-confidence bins; a word without a confidence uses the pooled table."""
FORM_LETTERS = frozenset("adeou")
"""Skeleton letters with several shapes: a ă â, d đ, e ê, o ô ơ, u ư."""
BIN_PRIOR = 20.0
"""Pseudo-count pulling a bin's estimate toward the pooled one, so sparse bins stay sane."""
MIN_P = 1e-5


def conf_bin(conf: float | None) -> int:
    """Index of a confidence's bin (-1: no confidence)."""
    if conf is None:
        return -1
    return max(i for i, edge in enumerate(CONF_BINS) if conf >= edge or i == 0)


def letter_forms(base: str) -> list[str | None]:
    """Per letter of a toneless syllable: its shape when the skeleton letter has several (â, đ, ơ …), else None."""
    return [ch if skeleton(ch) in FORM_LETTERS else None for ch in base]


class MarkChannel:
    """-log10 P(read | true) for two spellings of one skeleton: tone mark times letter shapes, per confidence bin."""

    def __init__(self, counts: dict[str, dict[tuple[int, str, str], int]]):
        self.tone = self._estimate(counts.get("tone", {}))
        self.form = self._estimate(counts.get("form", {}))
        self._cache: dict[tuple[str, str, int], float] = {}

    @staticmethod
    def _estimate(cnt: dict[tuple[int, str, str], int]) -> dict[int, dict[tuple[str, str], float]]:
        """Per bin (and -1 = pooled): P(read | true), the bin's counts smoothed toward the pooled estimate."""
        pooled: dict[tuple[str, str], float] = {}
        by_true: dict[str, float] = {}
        reads: dict[str, set[str]] = {}
        for (_, t, r), n in cnt.items():
            pooled[(t, r)] = pooled.get((t, r), 0.0) + n
            by_true[t] = by_true.get(t, 0.0) + n
            reads.setdefault(skeleton(t), set()).update((t, r))
        p_pool = {}
        for t, total in by_true.items():
            options = reads[skeleton(t)]
            for r in options:
                p_pool[(t, r)] = (pooled.get((t, r), 0.0) + (1.0 if r == t else 0.02)) / (total + 1.0 + 0.02 * (len(options) - 1))
        out: dict[int, dict[tuple[str, str], float]] = {-1: p_pool}
        for b in range(len(CONF_BINS)):
            tot: dict[str, float] = {}
            for (bb, t, _), n in cnt.items():
                if bb == b:
                    tot[t] = tot.get(t, 0.0) + n
            out[b] = {(t, r): (cnt.get((b, t, r), 0) + BIN_PRIOR * p) / (tot.get(t, 0.0) + BIN_PRIOR)
                      for (t, r), p in p_pool.items()}
        return out

    def _p(self, table: dict[int, dict[tuple[str, str], float]], t: str, r: str, b: int) -> float:
        p = table[b].get((t, r))
        if p is None:
            return 1.0 if t == r else MIN_P
        return max(p, MIN_P)

    def cost(self, read: str, true: str, conf: float | None) -> float:
        """-log10 P(read | true, confidence) for lowercase syllables of the same skeleton."""
        b = conf_bin(conf)
        key = (read, true, b)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        import math

        (tb, tt), (rb, rt) = split_tone(place_tone(true)), split_tone(place_tone(read))
        lp = math.log10(self._p(self.tone, tt or "-", rt or "-", b))
        for x, y in zip(letter_forms(tb), letter_forms(rb)):
            if x is not None:
                lp += math.log10(self._p(self.form, x, y or "-", b))
        if len(self._cache) > VARIANT_CACHE:
            self._cache.clear()
        self._cache[key] = -lp
        return -lp


def load_mark_channel(path: str | Path | None = None) -> MarkChannel:
    """The learned vie channel (dictionaries/vie_channel.tsv; $PLANPARSE_VIE_CHANNEL overrides)."""
    import os

    path = path or os.environ.get("PLANPARSE_VIE_CHANNEL") or data_file("vie_channel.tsv")
    counts: dict[str, dict[tuple[int, str, str], int]] = {}
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            kind, b, t, r, n = line.split("\t")
            counts.setdefault(kind, {})[(int(b), t, r)] = int(n)
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable vie channel table {path}: {exc}") from exc
    if not counts.get("tone"):
        raise ModelError(f"vie channel table {path} has no tone counts")
    return MarkChannel(counts)


def _make_room(head: list[tuple[str, float]], n: int, obs: str) -> list[tuple[str, float]]:
    """`head` less its `n` last readings that are not the token's own skeleton at no cost, for `n` name syllables:
    the names take the places of the confusion rules' guesses, never of the skeleton's own readings (taking the last
    places outright dropped `đê` of `Ê De`, ranked 7th of the 17 readings of `de`; bench/tuning stripped 39 -> 38
    errors, the 14 unmeasured extra/ documents 243 -> 242, garbled text as before)."""
    out = list(head)
    for i in range(len(out) - 1, -1, -1):
        if n == 0:
            break
        if not (out[i][1] <= SAME_SKELETON_COST and skeleton(out[i][0]) == obs):
            del out[i]
            n -= 1
    return out
