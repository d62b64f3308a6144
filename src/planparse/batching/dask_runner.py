"""Run the same per-document function on a dask.distributed cluster (imported only when asked for)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from .worker import convert_one, warm_up


def run_dask(jobs: list[dict[str, Any]], workers: int, timeout: float | None,
             scheduler: str | None = None) -> Iterator[tuple[dict, dict]]:
    """Yield (job, result) as documents finish on the cluster at `scheduler`, or on a loopback LocalCluster."""
    try:
        from distributed import Client, LocalCluster, wait
    except ImportError:
        from ..errors import PlanparseError

        raise PlanparseError("the dask executor needs dask.distributed: pip install 'planparse[dask]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        if jobs:
            client.run(warm_up, dict(jobs[0].get("options", {})))  # model load is no document's --timeout
        futures = {client.submit(convert_one, job, pure=False, key=f"planparse-{i}-{job['id']}"): job
                   for i, job in enumerate(jobs)}
        started: dict[Any, float] = {}
        while futures:
            try:
                done, _ = wait(list(futures), timeout=0.5, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            now = time.monotonic()
            for fut in done:
                job = futures.pop(fut)
                yield job, _outcome(fut, now - started.get(fut, now))
            if timeout is not None:
                processing = _processing_keys(client)
                for fut in list(futures):
                    if fut.key in processing:
                        started.setdefault(fut, now)
                    if now - started.get(fut, now) > timeout:
                        fut.cancel()
                        yield futures.pop(fut), {"status": "failed", "sha256": None, "pages": 0, "warnings": [],
                                                 "error": f"timed out after {timeout:g} s; task cancelled",
                                                 "seconds": round(now - started[fut], 3)}
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _outcome(fut: Any, elapsed: float) -> dict[str, Any]:
    if fut.status == "finished":
        return fut.result()
    try:
        exc = fut.exception()
        reason = f"{type(exc).__name__}: {exc}"
    except Exception as err:  # noqa: BLE001 - a lost worker or cancelled task is one failed document
        reason = f"{type(err).__name__}: {err}"
    from .worker import one_line

    return {"status": "failed", "sha256": None, "pages": 0, "warnings": [],
            "error": one_line(f"cluster task failed: {reason}"), "seconds": round(elapsed, 3)}


def _processing_keys(client: Any) -> set:
    """Keys the scheduler currently runs on some worker (so queue time does not count toward the timeout)."""
    try:
        return {k for keys in client.processing().values() for k in keys}
    except Exception:  # noqa: BLE001 - best effort; fall back to timing from submission
        return set()
