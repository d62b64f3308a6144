"""Build dictionaries/variants.tsv: Channel.variants of every known skeleton, worked out once at build time.

    python -m planparse.devtools.variants -o dictionaries/variants.tsv

Rebuild it when the confusion rules (dictionaries/confusions.tsv), the LM's vocabulary or the rule search change:
tests/test_repair_speed.py fails while the table differs from what the search gives (a stale table is never used at run
time: its fingerprint no longer matches, and the search runs as before).
"""

from __future__ import annotations

import argparse

from ..repair import channel, engine


def budgets() -> tuple[float, ...]:
    """The budgets the restore stage searches with: one per rule scale (clean text, English-model OCR, Vietnamese OCR)."""
    return tuple(channel.MAX_VARIANT_COST / s for s in (engine.CLEAN_RULE_SCALE, engine.ENG_RULE_SCALE, 1.0))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    n = channel.write_variant_table(engine.get_model().channel, budgets(), args.output)
    print(f"{args.output}: {n} rows")


if __name__ == "__main__":
    main()
