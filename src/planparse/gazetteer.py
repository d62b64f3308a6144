"""The gazetteer: rows of the vietnamadminunits database (provinces, districts, wards), read without importing it.

Shared by the repair stage (place-name boosts) and the structure stage (issuer names that wrap).
"""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

from .errors import ModelError

TABLES = (("admin_units", ("provinceShort", "wardShort")),
          ("admin_units_legacy", ("provinceShort", "districtShort", "wardShort")))
"""The units after (3,321) and before (10,040) the July 2025 reorganisation: plans cite both."""


def _database() -> Path | None:
    """Where the vietnamadminunits package keeps its database (None when the package is not found)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    where = spec.submodule_search_locations if spec else None
    return Path(next(iter(where))) / "data" / "dataset.db" if where else None


def source_id() -> str | None:
    """What tells one gazetteer from another without reading it: the vietnamadminunits release, the database file's
    size and its SQLite header (which counts every change); None when units() would not read the file itself."""
    db = _database()
    if db is None or not db.is_file():
        return None
    releases = sorted(p.name for p in db.parent.parent.parent.glob("vietnamadminunits-*.dist-info"))
    with open(db, "rb") as f:
        head = f.read(100)
    return f"{releases}|{db.stat().st_size}|{head.hex()}"


def units(table: str, fields: list[str]) -> list[dict]:
    """Rows of the vietnamadminunits database.

    Read with sqlite straight from the package's data file when it is where the library keeps it:
    importing the package would also parse its address-parser JSON (tens of MB) that restore never uses.
    """
    db = _database()
    sql = f"SELECT DISTINCT {','.join(fields)} FROM [{table}]"
    try:
        if db is not None and db.is_file():
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
                conn.row_factory = sqlite3.Row
                return [dict(r) for r in conn.execute(sql)]
        from vietnamadminunits.database.main import get_data

        return get_data(fields=fields, table=table)
    except (ImportError, OSError, sqlite3.Error, KeyError, ValueError) as exc:
        raise ModelError(f"place names unreadable from vietnamadminunits ({type(exc).__name__}: {exc}); "
                         "reinstall planparse") from exc
