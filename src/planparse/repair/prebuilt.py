"""Start-up tables worked out at build time (dictionaries/lm/prebuilt.npz, `python -m planparse.devtools.prebuilt`):
the dictionary words' syllable pairs as LM ids and the gazetteer's place-name chains, which the restore stage otherwise
derives at every start (~0.2 + 0.2 CPU s), and the place names by skeleton and their relatives, which it derived at
their first use in a text (~0.05 CPU s). Each table carries the fingerprint of what it was made from (the LM's
vocabulary and the word lists; the vietnamadminunits release and database); one whose inputs differ is not used (the
stage derives it as before: same output) and tests/test_repair_speed.py fails until it is rebuilt."""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from ..errors import ModelError
from ..resources import data_file

PREBUILT = "lm/prebuilt.npz"
USE_PREBUILT = True
"""False: always derive the tables (tests compare both paths)."""


def fingerprint(*parts: str | bytes) -> str:
    """A short digest of the inputs a table is made from."""
    h = hashlib.sha256()
    for p in parts:
        b = p.encode("utf-8") if isinstance(p, str) else p
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()[:24]


@lru_cache(maxsize=1)
def _tables() -> dict[str, np.ndarray]:
    """Every table of the file (tests/test_repair_speed.py compares them with what the stage derives)."""
    try:
        path = data_file(PREBUILT)
    except ModelError:
        return {}
    try:
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError):
        return {}


@lru_cache(maxsize=1)
def _archive():
    """The file, opened once (None when missing or unreadable)."""
    try:
        return np.load(data_file(PREBUILT))
    except (ModelError, OSError, ValueError, EOFError):
        return None


@lru_cache(maxsize=32)
def _member(name: str) -> np.ndarray | None:
    """One table of the file, read at its first use (start-up reads only the tables it uses; the place-name tables
    are read when a text first needs them)."""
    z = _archive()
    if z is None or name not in z.files:
        return None
    try:
        return z[name]
    except (OSError, ValueError, EOFError):
        return None


def table(name: str, digest: str) -> np.ndarray | None:
    """The prebuilt table `name` if it was made from inputs of this fingerprint, else None."""
    if not USE_PREBUILT:
        return None
    made_from = _member(f"{name}_fingerprint")
    if made_from is not None and str(made_from) == digest:
        return _member(name)
    return None


def text_table(name: str, digest: str) -> list[list[str]] | None:
    """A prebuilt table of text rows (tab-separated fields, stored as UTF-8 bytes), or None as `table`."""
    raw = table(name, digest)
    if raw is None:
        return None
    body = raw.tobytes().decode("utf-8")
    return [row.split("\t") for row in body.split("\n")] if body else []


def encode_rows(rows) -> np.ndarray:
    """Rows of strings as one UTF-8 byte array (text_table reads it back)."""
    return np.frombuffer("\n".join("\t".join(r) for r in rows).encode("utf-8"), dtype=np.uint8)
