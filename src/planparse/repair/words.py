"""Dictionary words (dictionaries/words.txt, admin_terms.txt) as bonuses for consecutive syllables that form a word.

The corpus LM knows the words of laws; the general word list covers words it has seen rarely or never
(`va chạm`, `hỏng hóc`, `dẫn độ`), which a trigram alone would decode as more frequent look-alikes.
"""

from __future__ import annotations

import numpy as np

from ..resources import data_file
from . import prebuilt
from .lm import TrigramLM

WORD_BONUS = 0.3
"""log10 bonus of a dictionary word's syllable pair: 0.3 beat 0, 0.2, 0.4 and the earlier 0.5 on bench/tuning. Measured
again with the decoder's PRUNE_KEEP 6 (stripped text, errors on bench/tuning, the 14 unmeasured extra/ documents,
bench/tuning/more, six training decrees: 36, 234, 27, 253) and not adopted: pairs of words.txt only, without
admin_terms.txt (36, 232, 28, 250; with 0.4: 36, 234, -, 250, seeds 000/001 -0.04/-0.07 points); admin_terms.txt only
(37, 235, -, 247); an extra bonus for the 18,328 of 62,115 word pairs the LM never saw as a bigram (+0.3, +0.7: no
output changed on any of the sets). With the decoder's second cache pass (36, 25, 231 errors on the first three
sets), a bonus per word length, 2-syllable words' pairs / 3-4-syllable words' pairs: 0.3 / 0 36, 25, 235; 0 / 0.3 37,
27, 230; 0.3 / 0.6 36, 26, 234; 0.2 / 0.5 37, 26, 235; none at all 37, 27, 241 (one pass). Later (errors, stripped
bench/tuning / d1-e3 / f1-f2 / g1-g3 / the 14 unmeasured extra/ documents, eng OCR of the first four: 20 / 70 / 57 / 41 /
221, 43 / 114 / 89 / 65), a third file of corpus collocations (syllable bigrams of laws/ + admin/ + extra/ minus
lm/heldout.txt with log10 PMI >= 2 seen >= 30 times, 10,548 pairs: 20 / 70 / 57 / 40 / 221, 43 / 114 / 91 / 63; PMI >=
2.5 seen >= 50 times, 4,450 pairs: no change): the LM holds those pairs already; not adopted. devtools.blame: the bonus
votes for the wrong reading in 23 of 85 outscored common-word errors of the tuning sets, decisive in 5 (`thú y viện` by
`y viện`, `đáy ao tù`, `nhà tắm`, `bão cát`: overlapping or literary entries); errors, stripped bench/tuning /
bench/tuning/more / the 14 unmeasured documents, 18 / 212 / 221 with it: only the pairs the LM holds as bigrams 18 / 211
/ 221, only those it lacks 24 / 211 / 223, none 24 / 211 / 224; not changed."""
WORD_FILES = ("words.txt", "admin_terms.txt")


def word_pair_keys(lm: TrigramLM) -> np.ndarray:
    """Sorted packed (b, c) id pairs of consecutive syllables inside dictionary words, both in the LM vocabulary: from
    the prebuilt table when it was made from these word lists and this vocabulary (repair.prebuilt), else worked out."""
    texts = [data_file(name).read_bytes() for name in WORD_FILES]
    hit = prebuilt.table("word_pairs", word_pairs_fingerprint(lm, texts))
    return hit if hit is not None else computed_word_pair_keys(lm, texts)


def word_pairs_fingerprint(lm: TrigramLM, texts: list[bytes]) -> str:
    return prebuilt.fingerprint("word_pairs 1", "\n".join(lm.vocab), *texts)


def computed_word_pair_keys(lm: TrigramLM, texts: list[bytes]) -> np.ndarray:
    """word_pair_keys worked out from the word lists' text."""
    lines: list[str] = []
    for text in texts:
        lines += text.decode("utf-8").splitlines()
    return lm.pair_keys(lines)
