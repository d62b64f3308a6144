"""Place of issue checked against vietnamadminunits: restores a province's spelling, flags unknown names."""

from __future__ import annotations

import re

from ..text import fold

_PREFIX = re.compile(r"^(Tỉnh|Thành phố)\s+")


def check_place(place: str | None) -> tuple[str | None, str | None]:
    """(place, warning): the province's proper spelling when the printed one folds to it."""
    if not place:
        return place, None
    try:
        from vietnamadminunits import parse_address

        unit = parse_address(place, level=1)
        province = getattr(unit, "province", None) if unit else None
    except Exception as exc:  # noqa: BLE001 - a failing gazetteer leaves the place as printed, said in the warning
        return place, f"place of issue '{place}' not checked ({type(exc).__name__}: {exc})"
    if not province:
        return place, f"place of issue '{place}' is not a province or city name (may be a lower-level unit)"
    short = _PREFIX.sub("", province)
    if fold(short).lower() == fold(place).lower() and short != place:
        return short, None
    return place, None
