"""``--engine dask``: the per-document function on a Dask cluster; results come back and the caller stores them.

Without a scheduler address, a ``LocalCluster`` of worker processes, one single-threaded worker per core
(threads in one process would run one document at a time under the GIL), and no dashboard unless one is
asked for. Every worker, local or remote, is warmed once by a worker plugin (the tokenizer with its whole
dictionary read), as the built-in pool's initializer does. At most a few documents per worker thread are
in flight, so memory does not grow with the archive. The store is the caller's: the same as the pool's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

Job = tuple[str, str, bytes]  # source, digest, data
_PER_THREAD = 4  # documents in flight per worker thread


def _warm_plugin() -> Any:
    from distributed.diagnostics.plugin import WorkerPlugin

    class Warm(WorkerPlugin):
        """Build docproc's resources once in each worker (and in each worker that joins later)."""

        name = "docproc-warm"

        def setup(self, worker: Any) -> None:
            from .resources import warm

            warm()

    return Warm()


def local_cluster(workers: int | None = None, dashboard_address: str | None = None) -> Any:
    """Worker processes sized to the cores (or ``workers``), one thread each; a dashboard only when asked."""
    from dask.distributed import LocalCluster

    n = workers if workers and workers > 1 else (os.cpu_count() or 1)
    # the scheduler always serves /health and /metrics; without a dashboard it does so on a free loopback
    # port, not on 8787 (which a dashboard, or another cluster, may hold)
    quiet = {"dashboard": False, "dashboard_address": "127.0.0.1:0"} if dashboard_address is None else {}
    return LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=dashboard_address,
                        scheduler_kwargs=quiet)


def run_dask(pending: Iterator[Job], scheduler: str | None, work: Callable[..., Any], done: Callable[..., None],
             workers: int | None = None, dashboard_address: str | None = None) -> None:
    """``work(source, data)`` (the batch's per-document function, ``(source, doc, error)``) for every pending
    document on the cluster; ``done(source, digest, doc, error)`` as each returns."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise RuntimeError("the dask engine needs the extra: pip install 'docproc[dask]'") from None
    cluster = None if scheduler else local_cluster(workers, dashboard_address)
    client = Client(scheduler or cluster)
    try:
        client.register_plugin(_warm_plugin())
        _submit_all(client, pending, work, done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _submit_all(client: Any, pending: Iterator[Job], work: Callable[..., Any], done: Callable[..., None]) -> None:
    from dask.distributed import as_completed

    limit = _PER_THREAD * max(1, sum(client.nthreads().values()))
    digests: dict[str, str] = {}
    running = as_completed()
    for source, digest, data in pending:
        fut = client.submit(work, source, data, pure=False)
        digests[fut.key] = digest
        running.add(fut)
        if running.count() >= limit:
            _finish(next(running), digests, done)
    for fut in running:
        _finish(fut, digests, done)


def _finish(fut: Any, digests: dict[str, str], done: Callable[..., None]) -> None:
    source, doc, error = fut.result()
    done(source, digests.pop(fut.key), doc, error)
    fut.release()
