"""Candidate generation: real syllables an observed (possibly OCR-damaged) token may stand for, with costs.

Costs are in log10 units so they add to LM log-probabilities. Sources: same skeleton (lost
diacritics), character-level OCR confusion rules (learned from rendered and OCR'd text:
dictionaries/confusions.tsv, see restore/confusions.py), and fuzzy matches against the inventory.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ..errors import ModelError
from ..resources import data_file
from .orthography import has_marks, is_valid_syllable, nfc, place_tone, skeleton

# observed substring -> intended skeleton substring, cost (log10), set by hand from diacritic-less OCR
# of Vietnamese; the fallback when no learned table is found. `^` marks the start of a syllable.
HAND_CONFUSIONS: list[tuple[str, str, float]] = [
    ("ir", "u", 0.6), ("ur", "u", 0.6), ("ure", "uc", 0.8), ("ii", "u", 0.8), ("ii", "a", 0.9),
    ("li", "u", 1.2), ("i", "a", 1.2), ("d", "o", 1.0), ("d", "a", 1.2), ("e", "o", 0.9),
    ("e", "a", 1.0), ("g", "o", 1.2), ("q", "o", 0.8), ("6", "o", 0.3), ("0", "o", 0.5),
    ("1", "i", 0.6), ("1", "l", 0.6), ("l", "i", 1.4), ("y", "u", 1.0), ("t", "u", 1.5),
    ("¢", "o", 0.3), ("¢", "e", 0.6), ("&", "o", 0.3), ("@", "a", 0.5),
    ("a", "u", 1.5), ("u", "a", 1.5), ("o", "a", 1.4), ("o", "u", 1.5), ("c", "e", 1.5),
    ("w", "u", 0.9), ("w", "uo", 0.9), ("tr", "u", 1.5), ("rn", "m", 1.0), ("m", "n", 1.8),
    ("e", "", 1.3), ("i", "", 1.4), ("y", "", 1.3), ("r", "", 1.3), ("u", "", 1.8),
    ("", "u", 1.8), ("", "o", 1.8), ("a", "o", 1.5), ("s", "o", 1.6), ("^p", "^d", 0.8),
    ("€", "e", 0.2), ("§", "o", 0.4), ("£", "e", 0.6), ("i", "u", 1.2), ("ti", "u", 0.8),
    ("ire", "uc", 0.8), ("itc", "uc", 0.9), ("e", "c", 1.3), ("4", "a", 0.6), ("b", "o", 0.9),
    ("w", "", 0.9), ("tt", "u", 1.2), ("&", "e", 0.5), ("¢", "", 0.5), ("&", "", 0.6),
    ("d", "", 1.3), ("it", "u", 0.9), ("j", "i", 0.3), ("f", "a", 1.4), ("fm", "an", 1.0), ("h", "o", 1.6),
]


class _Index:
    """Rules grouped by observed substring, for lookup at every position of a skeleton."""

    def __init__(self, rules: list[tuple[str, str, float]]):
        self.by_src: dict[str, list[tuple[str, float]]] = {}
        for src, dst, w in rules:
            self.by_src.setdefault(src, []).append((dst, w))
        self.longest = max((len(k) for k in self.by_src), default=0)


def merged(learned: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Learned rules with their data weights, plus hand rules for damage the synthetic scans never show (P read for Đ,
    ¢ for ơ): measured on seed 000, the learned table alone loses those and the union does best."""
    have = {(a, b) for a, b, _ in learned}
    return list(learned) + [r for r in HAND_CONFUSIONS if (r[0], r[1]) not in have]


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
    """The learned table (dictionaries/confusions.tsv; $PLANPARSE_CONFUSIONS overrides, `hand` forces the hand list)."""
    import os

    env = os.environ.get("PLANPARSE_CONFUSIONS")
    if env == "hand":
        return list(HAND_CONFUSIONS)
    path = env or data_file("confusions.tsv")
    try:
        learned = load(path)
    except (OSError, ValueError) as exc:
        raise ModelError(f"unreadable confusion table {path}: {exc}") from exc
    return merged(learned) if learned else list(HAND_CONFUSIONS)


def set_rules(rules: list[tuple[str, str, float]]) -> None:
    """Replace the confusion rules in use (benchmarks compare tables in one process); caches built on the old ones lapse."""
    global CONFUSIONS, _RULES, RULES_VERSION
    CONFUSIONS = list(rules)
    _RULES = _Index(CONFUSIONS)
    RULES_VERSION += 1
    Channel.candidates.cache_clear()


CONFUSIONS: list[tuple[str, str, float]] = _load_rules()
_RULES = _Index(CONFUSIONS)
RULES_VERSION = 0


def rules_version() -> int:
    """Bumped by set_rules: whoever caches candidates compares it to drop what the old rules made."""
    return RULES_VERSION

MAX_EDITS = 2
MAX_VARIANT_COST = 3.0
"""Rule paths dearer than this are not explored: they never beat 'keep as printed' (measured: no accuracy change)."""
KEEP = 10
SAME_SKELETON_EXTRA = 6
"""Readings of the token's own skeleton kept beyond the KEEP best: `doi` has 22 syllables and `dõi`
(theo dõi) ranks 14th by unigram, so a plain cut made it unreachable whatever the context."""
SAME_SKELETON_COST = 0.0
VARIANT_CACHE = 200_000
NAMES = 4
FUZZ_COST = 2.6
MARKED_RULE_PENALTY = 0.4
EXACT_BONUS = 0.8


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
        self._variants: dict[tuple[str, float], dict[str, float]] = {}
        self._variants_version = RULES_VERSION

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
        known = self.by_skel
        start = f"^{obs}$"
        best = {start: 0.0}
        frontier = {start: 0.0}
        for edit in range(MAX_EDITS):
            last = edit == MAX_EDITS - 1
            nxt: dict[str, float] = {}
            for s, c in frontier.items():
                for i in range(len(s)):
                    for n in range(1, min(_RULES.longest, len(s) - i) + 1):
                        for dst, w in _RULES.by_src.get(s[i:i + n], ()):
                            v = s[:i] + dst + s[i + n:]
                            cost = c + w
                            if cost < best.get(v, budget) and v[:1] == "^" and v[-1:] == "$" and len(v) > 2:
                                if last and v[1:-1] not in known:
                                    continue
                                best[v] = cost
                                nxt[v] = cost
                    if 2 <= i < len(s):
                        for dst, w in _RULES.by_src.get("", ()):
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
                   rule_scale: float = 1.0) -> tuple[tuple[str, float], ...]:
        """(syllable, cost) pairs for one token's lowercase core, cheapest first; empty if none fit."""
        low = nfc(token.lower())
        exact = place_tone(low) if is_valid_syllable(low) else None
        if keep_exact and exact in self.logp:
            return ((exact, 0.0),)
        marked = has_marks(low)
        obs = skeleton(low)
        found: dict[str, float] = {}
        for v, c in self.variants(obs, MAX_VARIANT_COST / rule_scale).items():
            c *= rule_scale
            for s in self.by_skel.get(v, ()) if v == obs else self.by_skel.get(v, ())[:KEEP]:
                cost = c + (0.0 if s == exact or not marked else (0.1 if has_marks(s) else 0.7))
                if marked and c > 0:
                    cost += MARKED_RULE_PENALTY
                if s == exact and marked:
                    cost -= EXACT_BONUS
                if cost < found.get(s, 99.0):
                    found[s] = cost
        if not found and len(obs) >= 3 and obs.isalpha():
            for sk, score, _ in process.extract(obs, self.skeletons, scorer=Levenshtein.distance, limit=4, score_cutoff=1):
                for s in self.by_skel[sk][:3]:
                    found.setdefault(s, FUZZ_COST * score)
        ranked = sorted(found.items(), key=lambda kv: kv[1] - 0.5 * self.logp.get(kv[0], -7.0))
        same = [kv for kv in ranked[KEEP:] if kv[1] <= SAME_SKELETON_COST and skeleton(kv[0]) == obs][:SAME_SKELETON_EXTRA]
        if not name:
            return tuple(ranked[:KEEP] + same)
        names = [kv for kv in ranked[KEEP:] if kv[0] in self.names and kv[1] <= 1.6][:NAMES]
        return tuple(ranked[:KEEP - len(names)] + names + [kv for kv in same if kv not in names])
