"""Human summary of a batch for the end of a CLI run."""

from __future__ import annotations

from .run import BatchSummary


def summary_text(s: BatchSummary, *, max_failures: int = 20) -> str:
    """A few lines: counts, pages and speed, the manifest path, then the first failures with their reasons."""
    rate = f", {s.pages / s.seconds:.1f} pages/s" if s.seconds > 0 and s.pages else ""
    head = (f"{s.total} inputs: {s.ok} converted, {s.skipped} skipped, {s.failed} failed"
            f"{' (interrupted)' if s.interrupted else ''}; {s.pages} pages in {s.seconds:.1f} s{rate}")
    lines = [head, f"manifest: {s.manifest}"]
    lines += [f"warning: {w}" for w in s.warnings]
    lines += [f"failed: {f.input}: {f.error}" for f in s.failures[:max_failures]]
    if len(s.failures) > max_failures:
        lines.append(f"… and {len(s.failures) - max_failures} more failures (see the manifest)")
    return "\n".join(lines) + "\n"
