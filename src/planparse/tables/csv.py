"""Tasks as CSV text (one row per task) for `planparse ingest X --format csv`."""

from __future__ import annotations

import csv as _csv
import io

from ..models import Task

COLUMNS = ["table", "tt", "task", "lead", "partners", "deadline", "deadline_start", "deadline_end", "recurring", "product",
           "extra"]


def tasks_to_csv(tasks: list[Task]) -> str:
    """CSV text with a header row; partners joined by '; ', extra columns as 'header: value' pairs."""
    buf = io.StringIO()
    w = _csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for t in tasks:
        dl = t.deadline
        w.writerow([
            t.table, t.tt or "", t.task, t.lead or "", "; ".join(t.partners),
            dl.text if dl else "", dl.start.isoformat() if dl and dl.start else "",
            dl.end.isoformat() if dl and dl.end else "", "yes" if dl and dl.recurring else "",
            t.product or "", "; ".join(f"{k}: {v}" for k, v in t.extra.items()),
        ])
    return buf.getvalue()
