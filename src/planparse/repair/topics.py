"""Topic adaptation of the LM: a section's topic mixture, guessed from its skeletons, favours the topic's own words.

The general LM ranks `bổn phận` above `bón phân` and `bộ` above `bò`; in a plan about crops and livestock the reverse
holds. dictionaries/lm/topics.npz (devtools/topics.py) holds K clusters of the corpus: each one's tf-idf centroid over
skeletons (what stripped text still shows) and the log10 ratio of each unit's frequency in it to that in the whole
corpus. A section's topic posterior is a softmax of its cosine to the centroids; each candidate then gets
UNIT_WEIGHT x log10 of the mixture's ratio as a bonus: unigram rescaling of the LM (minimum discrimination
information adaptation, without renormalising).
"""

from __future__ import annotations

import numpy as np

from ..errors import ModelError
from .lm import TrigramLM
from .orthography import skeleton

TEMPERATURE = 0.02
"""Softmax temperature over the cosines to the centroids: bench/tuning preferred 0.02 to 0.05 and 0.01."""
UNIT_WEIGHT = 1.0
"""Exponent of the rescaling. Errors on bench/tuning (stripped + eng OCR, 4,040 syllables) and on a development set
of long texts that are neither tuning nor measured (six admin/ decrees of the training text, first 500 lines, and the
14 unmeasured documents of lm/heldout.txt; 40 k syllables), against 131 + 660 without it: 0.75: 121 + 637,
1.0: 112 + 637, 1.25: 105 + 651, 1.5: 107 + 656 (short plans want more, long texts less). With the decoder's
PRUNE_KEEP 6, 1.25 no longer helps the short plans either (stripped errors on bench/tuning, bench/tuning/more, the 14
unmeasured documents, six training decrees: 36, 31, 239, 260 against 36, 27, 234, 253)."""
MAX_BONUS = 2.0
"""Clip of the bonus either way. Measured again with the temperature and the weight (session of 2026-12-03; errors,
stripped bench/tuning / bench/tuning/more with h1-h2 / the 14 unmeasured extra/ documents, eng OCR of the first two:
20 / 220 / 221, 43 / 360) and not adopted: MAX_BONUS 1.0 20 / 220 / 221, 44 / 355; TEMPERATURE 0.03 21 / 219 / 224, 46
/ 361; 0.05 20 / 217 / 222, 49 / 355; UNIT_WEIGHT 0.75 21 / 216 / 220, 52 / 349. Nor the bigram-context normaliser of
the rescaled LM (minimum discrimination information with its normaliser, conditioned on the previous unit only: the
bonus of u minus log10 sum_w P(w | u) 10**bonus(w) / sum_w P(w | u), a cost on u as every path leaves u once), which
should spare a strong pair such as `sửa chữa` whose syllables the topic disfavours (a plan about shrimp ponds read
`sữa chua cống`; `mưa lớn` became `mua lợn`, lợn +1.52): it moves the bonuses by 0.1-0.4 only (weight 0.5: 20 / 223 /
225, 46 / 356; 1: 22 / 219 / 227, 48 / 355; 2: 25 / 219 / 222, 50 / 359)."""
EVIDENCE = 30
"""Feature tokens at which a text's topic guess gets half the weight (see Topics.posterior)."""
MIN_SHARE = 0.02
"""Topics with a smaller posterior are left out of the mixture."""


class Topics:
    """The topic tables mapped onto an LM's ids."""

    def __init__(self, path, lm: TrigramLM):
        try:
            z = np.load(path)
            units = _strings(z, "units")
            ratio = z["unit_ratio"].astype(np.float32) * float(z["step"])
            self.centroids = z["centroids"].astype(np.float32)
            self.idf = z["idf"].astype(np.float32)
            features = _strings(z, "features")
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise ModelError(f"unreadable topic tables {path}: {type(exc).__name__}: {exc}") from exc
        ids = np.array([lm.index.get(u, -1) for u in units])
        self.ratio = np.ones((len(self.centroids), len(lm.vocab)), dtype=np.float32)
        self.ratio[:, ids[ids >= 0]] = 10.0 ** ratio[:, ids >= 0]
        feature_no = {f: i for i, f in enumerate(features)}
        self.feature_of = np.array([-1 if w.startswith("<") else feature_no.get(skeleton(w), -1) for w in lm.vocab],
                                   dtype=np.int64)

    def posterior(self, ids: np.ndarray) -> np.ndarray:
        """The topic mixture of a text from its units' skeletons (any spelling of a skeleton counts the same). It sums
        to n / (n + EVIDENCE) for n feature tokens; the rest is the whole corpus (no adaptation), so a short text, whose
        nearest centroid is a guess (`lua` is as much lửa as lúa), is barely adapted."""
        f = self.feature_of[ids]
        f = f[f >= 0]
        x = np.log1p(np.bincount(f, minlength=len(self.idf)).astype(np.float32)) * self.idf
        norm = float(np.linalg.norm(x))
        if norm == 0.0:
            return np.zeros(len(self.centroids), dtype=np.float32)
        cos = self.centroids @ (x / norm)
        p = np.exp((cos - cos.max()) / TEMPERATURE)
        return (p / p.sum() * len(f) / (len(f) + EVIDENCE)).astype(np.float32)

    def unit_bonus(self, post: np.ndarray) -> np.ndarray:
        """Per LM id, the log10 bonus of a topic mixture: UNIT_WEIGHT x log10 of its mixed frequency ratio, clipped."""
        use = np.flatnonzero(post >= MIN_SHARE)
        if not len(use) or not UNIT_WEIGHT:
            return np.zeros(self.ratio.shape[1], dtype=np.float32)
        share = post[use] * (post.sum() / post[use].sum())
        mixed = share @ self.ratio[use] + (1.0 - share.sum())
        return np.clip(UNIT_WEIGHT * np.log10(np.maximum(mixed, 1e-6)), -MAX_BONUS, MAX_BONUS).astype(np.float32)


def _strings(z, name: str) -> list[str]:
    return bytes(z[name]).decode("utf-8").split("\n")
