"""Build dictionaries/lm/prebuilt.npz, the start-up tables of the restore stage (repair.prebuilt):

    python -m planparse.devtools.prebuilt -o dictionaries/lm/prebuilt.npz

Rebuild it when the LM's vocabulary, words.txt, admin_terms.txt or the vietnamadminunits release change (or the
code that works a table out: tests/test_repair_speed.py compares them):
tests/test_repair_speed.py fails while a table differs from what the stage derives (a table made from other inputs is
never used at run time: its fingerprint no longer matches, and the stage derives it as before).
"""

from __future__ import annotations

import argparse

import numpy as np

from ..repair import places, prebuilt, words
from ..repair.lm import TrigramLM
from ..resources import data_file, lm_path


def tables(lm: TrigramLM) -> dict[str, np.ndarray]:
    """Every prebuilt table and its fingerprint, worked out (never read from a prebuilt file)."""
    texts = [data_file(name).read_bytes() for name in words.WORD_FILES]
    out = {"word_pairs": words.computed_word_pair_keys(lm, texts),
           "word_pairs_fingerprint": np.array(words.word_pairs_fingerprint(lm, texts))}
    digest = places.hierarchies_fingerprint()
    if digest is not None:
        out["hierarchies"] = prebuilt.encode_rows(places._read_hierarchies())
        out["hierarchies_fingerprint"] = np.array(digest)
        names = places.name_tables_fingerprint()  # rows in the order the stage makes them (its dicts' order)
        out["names_by_skeleton"] = prebuilt.encode_rows(
            (" ".join(k), " ".join(v) if v is not None else "") for k, v in places._names_by_skeleton().items())
        out["names_by_skeleton_fingerprint"] = np.array(names)
        out["relatives"] = prebuilt.encode_rows(
            (" ".join(n), *sorted(" ".join(k) for k in ks)) for n, ks in places._relatives().items())
        out["relatives_fingerprint"] = np.array(names)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    args = ap.parse_args(argv)
    out = tables(TrigramLM(lm_path()))
    save: dict = dict(out)
    np.savez_compressed(args.output, **save)
    print(f"{args.output}: " + ", ".join(f"{k} {v.size}" for k, v in out.items() if not k.endswith("_fingerprint")))


if __name__ == "__main__":
    main()
