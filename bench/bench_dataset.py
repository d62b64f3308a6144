"""Dataset figures: 1,000 documents' JSON -> Parquet dataset (seconds), a no-op re-run, a join's query time.

Usage: python bench/bench_dataset.py [--docs 1000] [--jobs 0]
The JSON outputs are model_copy variations of real Documents: the two OCR'd seed plans in samples/
ingested once (a few seconds), then copied with new ids, numbers, dates, issuers, leads and deadlines.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "samples").glob("seed_*_plan_ocr.txt"))
ISSUERS = ["SỞ Y TẾ", "SỞ NGOẠI VỤ", "UBND XÃ TÂN LẬP", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "UBND PHƯỜNG HÙNG VƯƠNG"]
LEADS = ["Sở Y tế", "Văn phòng Sở", "Phòng Kế hoạch", "UBND các xã", "Trung tâm Thông tin"]
TARGET_S = 30.0
JOIN = ("SELECT d.issuer, count(*) AS tasks, min(t.deadline_start) AS first FROM tasks t "
        "JOIN documents d USING (document_id) WHERE t.deadline_end >= DATE '2025-07-01' "
        "AND t.deadline_start <= DATE '2025-09-30' GROUP BY d.issuer ORDER BY tasks DESC")


def cpu_seconds() -> float:
    """CPU seconds of this process and its reaped children (the JSON readers): a figure the machine's load does not inflate."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def variant(doc, i: int):
    """A plausible other document: new content hash, number, date, issuer, task leads and deadlines."""
    from planparse.models import Deadline

    day = date(2025, 1, 1) + timedelta(days=(i * 7) % 365)
    shift = timedelta(days=(i * 11) % 200)
    tasks = [t.model_copy(update={
        "lead": LEADS[(i + k) % len(LEADS)],
        "deadline": Deadline(text=f"Trước {day + shift:%d/%m/%Y}", start=day, end=day + shift)}) for k, t in enumerate(doc.tasks)]
    return doc.model_copy(update={
        "source": doc.source.model_copy(update={"sha256": hashlib.sha256(f"{doc.source.sha256}-{i}".encode()).hexdigest(),
                                               "path": f"/archive/{i:04d}.pdf"}),
        "header": doc.header.model_copy(update={"number": f"{i}/KH-UBND", "date": day, "issuer": ISSUERS[i % len(ISSUERS)]}),
        "tasks": tasks,
    })


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=0, help="processes reading JSON (0 = usable cores)")
    args = ap.parse_args()
    from planparse.api import ingest
    from planparse.batching import manifest as mf
    from planparse.dataset import build_dataset, query
    from planparse.export import to_json

    bases = [ingest(p) for p in SEEDS]
    with tempfile.TemporaryDirectory(prefix="bench_dataset_") as tmp:
        out = Path(tmp)
        records = []
        for i in range(args.docs):
            doc = variant(bases[i % len(bases)], i)
            rel = f"{i:04d}.json"
            (out / rel).write_text(to_json(doc), encoding="utf-8")
            records.append(mf.record(input=f"{i:04d}.pdf", output=rel, outputs=[rel], sha256=doc.source.sha256,
                                     status="ok", pages=1, seconds=1.0, warnings=[], error=None, fingerprint="bench"))
        mf.write_manifest(out, records)
        megabytes = sum(p.stat().st_size for p in out.glob("*.json")) / 1e6

        cpu0 = cpu_seconds()
        built = build_dataset(out, jobs=args.jobs or None)
        cpu = cpu_seconds() - cpu0
        again = build_dataset(out, jobs=args.jobs or None)
        rows = ", ".join(f"{n} {t}" for t, n in built.rows.items())
        print(f"{args.docs} documents' JSON ({megabytes:.0f} MB) -> dataset: {built.seconds:.1f} s wall "
              f"({args.docs / built.seconds:.0f} documents/s), {cpu:.1f} CPU-s ({cpu / args.docs * 1000:.0f} ms per "
              f"document); load average {os.getloadavg()[0]:.1f} on {len(os.sched_getaffinity(0))} cores; {rows}")
        print(f"re-run with everything up to date: {again.seconds:.2f} s")

        times, result = [], None
        for _ in range(5):
            t0 = time.perf_counter()
            result = query(out / "dataset", JOIN)
            times.append(time.perf_counter() - t0)
        print(f"join tasks x documents (Q3 deadlines per issuer, {result.num_rows} groups): "
              f"median {statistics.median(times) * 1000:.0f} ms (connect + query), best {min(times) * 1000:.0f} ms")
        from planparse.dataset.batch import stage_document

        t0 = time.perf_counter()
        for i in range(20):
            stage_document(variant(bases[i % len(bases)], i), {"staging": str(out / "stage"), "input": f"{i}.pdf",
                                                               "output": f"{i}.json"})
        print(f"a batch worker's extra work per document (rows + staged Parquet): "
              f"{(time.perf_counter() - t0) / 20 * 1000:.0f} ms")
        print(f"target: build < {TARGET_S:.0f} CPU-s -> {'met' if cpu < TARGET_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
