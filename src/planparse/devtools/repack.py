"""Rewrite model files in the layout repair.npz reads without inflating (`python -m planparse.devtools.repack FILE...`):
every array stored uncompressed, and an LM's keys as low-word deltas (lmbuild.low_key_deltas) instead of byte planes.
The arrays the restore stage loads stay the same (repack checks it), so its output does not change."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..repair import npz
from ..repair.lm import read_low_keys
from .lmbuild import low_deltas


def repack(path: Path) -> None:
    z = npz.load(path)
    arrays = dict(z)
    for name in ("bi", "tri"):
        if f"{name}_l0" in z:
            keys = read_low_keys(z, name)
            for b in range(4):
                del arrays[f"{name}_l{b}"]
            arrays |= low_deltas(keys, name)
    tmp = path.with_suffix(".tmp.npz")
    npz.save(tmp, arrays)
    again = npz.load(tmp)
    for name in ("bi", "tri"):
        if f"{name}_l0" in z and not np.array_equal(read_low_keys(again, name).low, read_low_keys(z, name).low):
            raise SystemExit(f"{path}: the {name} keys would change")
    for k in again:
        if not k.startswith(("bi_", "tri_")) or k.endswith(("_q", "_book", "_start")):
            if not np.array_equal(again[k], z[k]) or again[k].dtype != z[k].dtype:
                raise SystemExit(f"{path}: {k} would change")
    tmp.replace(path)
    print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    for f in ap.parse_args(argv).files:
        repack(f)


if __name__ == "__main__":
    main()
