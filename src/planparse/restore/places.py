"""Multi-syllable Vietnamese place names (from the vietnamadminunits library) as LM bigram boosts."""

from __future__ import annotations

import importlib.util
import sqlite3
from functools import lru_cache
from pathlib import Path

import numpy as np

from .lm import TrigramLM
from .orthography import nfc, place_tone

PLACE_BONUS = 3.5


@lru_cache(maxsize=1)
def place_names() -> tuple[str, ...]:
    """Short names of provinces, districts and wards (current and pre-2025), lowercase, new tone style."""
    names: set[str] = set()
    for table, fields in (("admin_units", ["provinceShort", "wardShort"]),
                          ("admin_units_legacy", ["provinceShort", "districtShort", "wardShort"])):
        rows = _units(table, fields)
        for r in rows:
            for f in fields:
                v = r.get(f)
                if v and not any(ch.isdigit() for ch in v):
                    names.add(" ".join(place_tone(w) for w in nfc(v).lower().split()))
    return tuple(sorted(n for n in names if " " in n))


def _units(table: str, fields: list[str]) -> list[dict]:
    """Rows of the vietnamadminunits database.

    Read with sqlite straight from the package's data file when it is where the library keeps it:
    importing the package would also parse its address-parser JSON (tens of MB) that restore never uses.
    """
    spec = importlib.util.find_spec("vietnamadminunits")
    db = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db" if spec and spec.submodule_search_locations else None
    sql = f"SELECT DISTINCT {','.join(fields)} FROM [{table}]"
    try:
        if db is not None and db.is_file():
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                conn.row_factory = sqlite3.Row
                return [dict(r) for r in conn.execute(sql)]
        from vietnamadminunits.database.main import get_data

        return get_data(fields=fields, table=table)
    except Exception:  # noqa: BLE001 - the library is optional at run time
        return []


def place_bigram_keys(lm: TrigramLM) -> np.ndarray:
    """Sorted packed (b, c) id pairs of consecutive syllables inside place names, both in the LM vocabulary."""
    return lm.pair_keys(place_names())


UNIT_WORDS = {("tinh",), ("huyen",), ("quan",), ("xa",), ("phuong",), ("thi", "xa"), ("thi", "tran"), ("thanh", "pho")}
"""Skeletons of the unit words that introduce a place name: tỉnh, huyện, quận, xã, phường, thị xã, thị trấn, thành phố."""


@lru_cache(maxsize=1)
def names_by_skeleton() -> dict[tuple[str, ...], tuple[str, ...] | None]:
    """Place names keyed by their syllable skeletons; None where two names share a skeleton (ambiguous)."""
    from .orthography import skeleton

    out: dict[tuple[str, ...], tuple[str, ...] | None] = {}
    for name in place_names():
        syl = tuple(name.split())
        key = tuple(skeleton(s) for s in syl)
        out[key] = None if key in out and out[key] != syl else syl
    return out


@lru_cache(maxsize=1)
def name_prefixes() -> frozenset[tuple[str, ...]]:
    """Leading syllables of longer names ('hoàng văn' of 'hoàng văn thụ'): such a pair may continue on the next line."""
    return frozenset(tuple(n.split()[:k]) for n in place_names() for k in range(2, len(n.split())))


def places_after_units(words: list[str]) -> dict[int, str]:
    """Index → syllable for words that spell a known place name (up to diacritics) right after a unit word.

    Only capitalised words count, only a name whose skeleton is unambiguous, and not when another
    capitalised word follows or the printed words begin a longer name (it may go on past the line end):
    'tỉnh TUYỂN QUANG' → 'TUYÊN QUANG'.
    """
    from .orthography import skeleton

    if not any(w[:1].isupper() for w in words[1:]):
        return {}
    table = names_by_skeleton()
    skel = [skeleton(w) for w in words]
    fixes: dict[int, str] = {}
    for i in range(1, len(words)):
        if not words[i][:1].isupper():
            continue
        unit = next((len(u) for u in UNIT_WORDS if tuple(skel[max(0, i - len(u)):i]) == u and i >= len(u)), 0)
        if not unit:
            continue
        for n in (3, 2):
            key = tuple(skel[i:i + n])
            name = table.get(key) if len(key) == n else None
            printed = tuple(place_tone(nfc(w.lower())) for w in words[i:i + n])
            longer = (i + n < len(words) and words[i + n][:1].isupper()) or printed in name_prefixes()
            if name and not longer and all(w[:1].isupper() for w in words[i:i + n]):
                for k, syl in enumerate(name):
                    fixes[i + k] = syl
                break
    return fixes
