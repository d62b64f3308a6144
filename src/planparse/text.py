"""Text helpers every stage shares: NFC cleanup and diacritic folding that keeps offsets."""

from __future__ import annotations

import unicodedata


def clean(text: str | None) -> str:
    """NFC text with runs of whitespace collapsed to one space and the ends trimmed (the same object when it
    already is, so lists of cleaned lines share the strings of a long text instead of copying them)."""
    nfc = unicodedata.normalize("NFC", text or "")
    out = " ".join(nfc.split())
    return nfc if out == nfc else out


def _fold_char(ch: str) -> str:
    if ch == "đ":
        return "d"
    if ch == "Đ":
        return "D"
    base = unicodedata.normalize("NFD", ch)[:1]
    return base if base and not unicodedata.combining(base) else ch


class CharTable(dict):
    """A `str.translate` table filled on first sight of each character by `one(ch)`: per-character maps at C speed
    (a long text has millions of characters but few distinct ones)."""

    def __init__(self, one) -> None:
        super().__init__()
        self.one = one

    def __missing__(self, code: int) -> str:
        got = self[code] = self.one(chr(code))
        return got


_FOLD = CharTable(_fold_char)


def fold(text: str) -> str:
    """Diacritics stripped one character for one (đ→d, ế→e), case kept, so offsets match the original."""
    return (text or "").translate(_FOLD)


def fold_lower(text: str) -> str:
    """fold() then lower-case: the key under which spellings with and without marks compare equal."""
    return fold(text).lower()


def ocr_distance(seen: str, meant: str) -> int:
    """Edit distance in which one glyph read as two (or two as one) costs 1, like a substitution.

    OCR splits and merges glyphs (`u` → two strokes, `rn` → `m`), so plain Levenshtein overcharges them."""
    n, m = len(seen), len(meant)
    inf = n + m + 1
    d = [[inf] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (seen[i - 1] != meant[j - 1]))
            if i >= 2:
                best = min(best, d[i - 2][j - 1] + 1)
            if j >= 2:
                best = min(best, d[i - 1][j - 2] + 1)
            d[i][j] = best
    return d[n][m]


def near_word(seen: str, meant: str, budget: int | None = None) -> bool:
    """True when a folded word is the intended folded word within a bounded OCR distance
    (1 for words up to 5 letters, then 1 more per 5 letters)."""
    a, b = fold_lower(seen), fold_lower(meant)
    if a == b:
        return True
    limit = budget if budget is not None else 1 + max(0, len(b) - 1) // 5
    return abs(len(a) - len(b)) <= limit + 1 and ocr_distance(a, b) <= limit


def starts_with_phrase(text: str, phrases: tuple[str, ...], real_word=None) -> str | None:
    """The phrase (folded words) a line opens with, read within a bounded OCR distance per word; else None.

    `real_word(word)` tells a correctly spelt other word (`cần` is not a garbled `căn`) from OCR damage."""
    words = [w.strip(",.:;") for w in text.split()]
    for phrase in phrases:
        want = phrase.split()
        if len(words) >= len(want) and all(_garbled_or_same(w, p, real_word) for w, p in zip(words, want)):
            return phrase
    return None


def _garbled_or_same(word: str, want: str, real_word) -> bool:
    if fold_lower(word) == want:
        return True
    return near_word(word, want) and not (real_word and real_word(word.lower()))


def is_upper(text: str, min_letters: int = 2) -> bool:
    """Mostly capitals (80 % of at least `min_letters` letters): a heading, a header line, a unit name."""
    letters = list(filter(str.isalpha, text))
    return len(letters) >= min_letters and sum(map(str.isupper, letters)) >= 0.8 * len(letters)
