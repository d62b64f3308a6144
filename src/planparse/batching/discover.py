"""Find the inputs of a batch and give each one its own output name, mirroring the folder tree."""

from __future__ import annotations

import fnmatch
import os
from collections import defaultdict
from pathlib import Path, PurePosixPath

from ..errors import InputError

SUPPORTED = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt")


def find_inputs(in_dir: Path, out_dir: Path, *, recursive: bool = False, glob: str | None = None,
                follow_symlinks: bool = False, skipped_links: list[str] | None = None) -> list[str]:
    """Relative POSIX paths of the files to convert, sorted; hidden entries and out_dir are left out.

    Symbolic links, to files and to folders alike, are left out unless `follow_symlinks` (then each
    real folder is walked once, so link loops end); the links left out are added to `skipped_links`.
    """
    if not in_dir.exists():
        raise InputError("no such folder", str(in_dir))
    if not in_dir.is_dir():
        raise InputError("is a file, not a folder (use `planparse parse` for one document)", str(in_dir))
    root = in_dir.resolve()
    out = out_dir.resolve()
    if out == root:
        raise InputError("output folder must differ from the input folder", str(out_dir))
    found: list[str] = []
    seen: set[Path] = {root}
    skipped = skipped_links if skipped_links is not None else []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_symlinks):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            if d.startswith(".") or sub.resolve() == out:
                continue
            if sub.is_symlink() and not follow_symlinks:
                if recursive:
                    skipped.append(sub.relative_to(root).as_posix())
                continue
            if sub.resolve() in seen:
                continue
            seen.add(sub.resolve())
            keep.append(d)
        dirnames[:] = keep if recursive else []
        for name in filenames:
            if name.startswith("."):
                continue
            rel = (here / name).relative_to(root).as_posix()
            if not _wanted(rel, name, glob):
                continue
            if (here / name).is_symlink() and not follow_symlinks:
                skipped.append(rel)
            elif (here / name).is_file():
                found.append(rel)
    return sorted(found)


def _wanted(rel: str, name: str, glob: str | None) -> bool:
    if glob is None:
        return name.lower().endswith(SUPPORTED)
    if "/" in glob:
        return PurePosixPath(rel).match(glob)
    return fnmatch.fnmatch(name, glob)


def plan_outputs(inputs: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Output base path (relative, no format extension) for each input, and a warning per clashing input.

    `a/scan.pdf` -> `a/scan`; inputs of one folder sharing a stem keep their whole name
    (`x.pdf` -> `x.pdf`, `x.txt` -> `x.txt`) so none overwrites another.
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel in inputs:
        p = PurePosixPath(rel)
        groups[(str(p.parent), p.stem.casefold())].append(rel)
    bases: dict[str, str] = {}
    warnings: dict[str, str] = {}
    for (_, _), members in sorted(groups.items()):
        if len(members) == 1:
            bases[members[0]] = _strip_suffix(members[0])
        else:
            for rel in members:
                bases[rel] = rel
            msg = f"same name stem: {', '.join(members)}; outputs keep the full file names"
            warnings.update(dict.fromkeys(members, msg))
    taken: dict[str, str] = {}
    for rel in inputs:
        base, n = bases[rel], 1
        while base.casefold() in taken:
            n += 1
            base = f"{bases[rel]}~{n}"
        if n > 1:
            warnings[rel] = f"output name of {rel} clashes with {taken[bases[rel].casefold()]}; written as {base}"
        taken[base.casefold()] = rel
        bases[rel] = base
    return bases, warnings


def _strip_suffix(rel: str) -> str:
    p = PurePosixPath(rel)
    return str(p.with_suffix("")) if p.suffix else rel
