"""Batch conversion of folders of scans: parallel, resumable, with a manifest of every input."""

from .report import summary_text
from .run import BatchInterrupted, BatchSummary, BatchUsageError, Failure, run_batch

__all__ = ["BatchInterrupted", "BatchSummary", "BatchUsageError", "Failure", "run_batch", "summary_text"]
