"""Dictionary words (dictionaries/words.txt, admin_terms.txt) as bonuses for consecutive syllables that form a word.

The corpus LM knows the words of laws; the general word list covers words it has seen rarely or never
(`va chạm`, `hỏng hóc`, `dẫn độ`), which a trigram alone would decode as more frequent look-alikes.
"""

from __future__ import annotations

import numpy as np

from ..resources import data_dir
from .lm import TrigramLM, pack

WORD_BONUS = 0.5
WORD_FILES = ("words.txt", "admin_terms.txt")


def word_pair_keys(lm: TrigramLM) -> np.ndarray:
    """Sorted packed (b, c) id pairs of consecutive syllables inside dictionary words, both in the LM vocabulary."""
    a, b = [], []
    for name in WORD_FILES:
        try:
            text = (data_dir() / name).read_text(encoding="utf-8")
        except OSError:
            continue
        for line in text.splitlines():
            ws = line.split()
            for x, y in zip(ws, ws[1:]):
                i, j = lm.index.get(x), lm.index.get(y)
                if i is not None and j is not None:
                    a.append(i)
                    b.append(j)
    if not a:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(pack(a, b))
