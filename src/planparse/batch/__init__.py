"""Batch conversion of folders of scans: parallel, resumable, with a manifest of every input."""

import sys
import types

from .report import summary_text
from .run import BatchInterrupted, BatchSummary, BatchUsageError, Failure, run_batch

__all__ = ["BatchInterrupted", "BatchSummary", "BatchUsageError", "Failure", "run_batch", "summary_text"]


class _CallableModule(types.ModuleType):
    """`planparse.batch(in_dir, out_dir, ...)` is the public call, but importing this subpackage rebinds
    the name `planparse.batch` to the module; making the module callable keeps both spellings working."""

    def __call__(self, in_dir, out_dir, **options) -> BatchSummary:
        return run_batch(in_dir, out_dir, **options)


sys.modules[__name__].__class__ = _CallableModule
