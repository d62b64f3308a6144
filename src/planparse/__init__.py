"""planparse: scanned Vietnamese administrative documents to correct text and structured JSON.

    import planparse
    doc = planparse.ingest("scan.pdf")          # -> planparse.Document
    planparse.ingest_to("big.txt", "big.json")  # the same JSON, written in bounded memory
    print(doc.header.number, len(doc.tasks))

Heavy modules load on first use, so importing planparse (and `planparse --help`) stays fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

_LAZY = {
    "ingest": ("planparse.api", "ingest"),
    "ingest_to": ("planparse.api", "ingest_to"),
    "restore": ("planparse.api", "restore"),
    "batch": ("planparse.api", "batch"),
    "schema": ("planparse.api", "schema"),
    "Options": ("planparse.options", "Options"),
    "Document": ("planparse.models", "Document"),
    "Restoration": ("planparse.models", "Restoration"),
    "PlanparseError": ("planparse.errors", "PlanparseError"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'planparse' has no attribute {name!r}")


__all__ = sorted(_LAZY) + ["__version__"]
