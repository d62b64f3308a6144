"""Run the structure stage on the gold texts in ../shared and print what comes out, for eyeballing.

Usage: python bench/bench_structure.py [-v] [--corpus]   (-v: section trees; --corpus: laws hit rates)
"""

from __future__ import annotations

import sys
from pathlib import Path

from planparse.models import Line
from planparse.structure import parse_structure

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"


def _lines(path: Path) -> list[Line]:
    return [Line(text=t, origin="text") for t in path.read_text(encoding="utf-8").splitlines()]


def _tree(sections, depth=0, out=None):
    out = [] if out is None else out
    for s in sections:
        out.append("  " * depth + f"[{s.level} {s.kind}] {s.number or ''} {s.title or (s.text[:60] + '…')}")
        _tree(s.children, depth + 1, out)
    return out


def _count(sections) -> int:
    return sum(1 + _count(s.children) for s in sections)


def corpus_summary() -> None:
    """Header/signature hit rates over the public-domain laws (a robustness check, no gold)."""
    import time

    files = sorted((SHARED / "corpus" / "laws").glob("*.txt"))
    hits = {"number": 0, "date": 0, "doc_type": 0, "issuer": 0, "signature": 0, "sections": 0}
    failures = 0
    t0 = time.perf_counter()
    for f in files:
        res = parse_structure(_lines(f))
        h = res.header
        hits["number"] += h.number is not None
        hits["date"] += h.date is not None
        hits["doc_type"] += h.doc_type is not None
        hits["issuer"] += h.issuer is not None
        hits["signature"] += res.signature is not None and res.signature.name is not None
        hits["sections"] += bool(res.sections)
        failures += any("failed" in w.message for w in res.warnings)
    dt = time.perf_counter() - t0
    print(f"== corpus/laws: {len(files)} files in {dt:.1f}s; " + ", ".join(f"{k} {v}" for k, v in hits.items())
          + f"; internal failures {failures}")


def main(argv: list[str]) -> None:
    verbose = "-v" in argv
    if "--corpus" in argv:
        corpus_summary()
    files = sorted((SHARED / "gold").glob("*.gold.txt")) + sorted((SHARED / "scans").glob("*.gold.txt"))
    files += sorted((SHARED / "seeds").glob("*.txt"))
    for f in files:
        res = parse_structure(_lines(f))
        h = res.header.model_dump(exclude_none=True)
        print(f"== {f.name}: header fields {len(h)}/10, sections {_count(res.sections)}, "
              f"references {len(res.references)}, recipients {len(res.recipients)}, "
              f"signature {'yes' if res.signature else 'no'}, digital signatures {len(res.digital_signatures)}, "
              f"responsibilities {len(res.responsibilities)}, warnings {len(res.warnings)}")
        for k, v in h.items():
            print(f"   header.{k}: {v}")
        if verbose:
            print("\n".join("   " + x for x in _tree(res.sections)))
        for r in res.references:
            print(f"   ref {r.type} | {r.number} | {r.date} | {r.issuer} | {r.title} | in {','.join(r.cited_in)}")
        print(f"   signature: {res.signature}")
        for r in res.recipients:
            print(f"   recipient: {r}")
        for d in res.digital_signatures:
            print(f"   digital: {d}")
        for r in res.responsibilities:
            print(f"   resp: {r.unit} -> {r.duties[:70]}")
        for w in res.warnings:
            print(f"   warning: {w.message}")


if __name__ == "__main__":
    main(sys.argv[1:])
