"""Multi-syllable Vietnamese place names (from the vietnamadminunits library) as LM bigram boosts."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .lm import TrigramLM, pack
from .orthography import nfc, place_tone

PLACE_BONUS = 3.5


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Short names of provinces, districts and wards (current and pre-2025), lowercase, new tone style."""
    try:
        from vietnamadminunits.database.main import get_data
    except Exception:  # noqa: BLE001 - the library is optional at run time
        return ()
    names: set[str] = set()
    for table, fields in (("admin_units", ["provinceShort", "wardShort"]),
                          ("admin_units_legacy", ["provinceShort", "districtShort", "wardShort"])):
        try:
            rows = get_data(fields=fields, table=table)
        except Exception:  # noqa: BLE001
            continue
        for r in rows:
            for f in fields:
                v = r.get(f)
                if v and not any(ch.isdigit() for ch in v):
                    names.add(" ".join(place_tone(w) for w in nfc(v).lower().split()))
    return tuple(sorted(n for n in names if " " in n))


def place_bigram_keys(lm: TrigramLM) -> np.ndarray:
    """Sorted packed (b, c) id pairs of consecutive syllables inside place names, both in the LM vocabulary."""
    a, b = [], []
    for name in place_names():
        ws = name.split()
        for x, y in zip(ws, ws[1:]):
            if x in lm.index and y in lm.index:
                a.append(lm.index[x])
                b.append(lm.index[y])
    if not a:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(pack(a, b))
