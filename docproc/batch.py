"""Batch runs over folders and archives into a SQLite store: parallel, resumable, safe.

The main process walks the inputs (``archive.walk``), hashes each document,
skips those already stored with the same hash and tool version, and hands the
rest to a pool of worker processes (each builds its jieba resources once, in
the initializer). Results come back as JSON and are written by the main
process, one transaction per document. With ``engine="dask"`` the same
per-document function runs on a Dask cluster and results still land here.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .archive import DEFAULT_LIMITS, Item, Limits, walk
from .ingest import caps
from .store import Store


def tool_version() -> str:
    return __version__


def warm() -> None:
    """Build the tokenizer, its whole dictionary read, once per process (the in-process path, and each worker
    through ``worker_init``)."""
    from .resources import warm as warm_resources

    warm_resources()


WORKER_STUCK = 70  # a worker's exit code when native code held a document past the time cap


def worker_init() -> None:
    """Worker initializer: die with the parent, run under the memory cap, end itself when stuck past the
    time cap (the parent then records the document), and build the tokenizer once."""
    from .pipeline import set_hard_exit

    caps.die_with_parent()
    caps.limit_memory()
    set_hard_exit(WORKER_STUCK)
    warm()


def _test_kill(name: str) -> None:
    """Test hook: a worker (never the parent) kills itself with SIGKILL on the document named in
    DOCPROC_TEST_KILL_ON, as the kernel's OOM killer would."""
    import multiprocessing
    import os
    import signal

    if os.environ.get("DOCPROC_TEST_KILL_ON") == name and multiprocessing.parent_process() is not None:
        os.kill(os.getpid(), signal.SIGKILL)


def process_item(source: str, data: bytes, ref_date: str | None = None) -> tuple[str, dict | None, str | None]:
    """The per-document function (runs in a worker): JSON of the document, or a one-line error."""
    from .ingest import InputError, read_bytes
    from .pipeline import document_from_raw, hard_exit, run_stages

    name = Path(source.rsplit("!", 1)[-1]).name
    _test_kill(name)
    try:
        with caps.guard(name, hard_exit=hard_exit()):
            raw = read_bytes(data, name=name)
            doc = run_stages(document_from_raw(raw, source, ref_date=ref_date))
        return source, doc.to_json(), None
    except InputError as e:
        return source, None, str(e).split(": ", 1)[-1] if ": " in str(e) else str(e)
    except Exception as e:  # one bad document must never stop the batch
        return source, None, f"内部错误({type(e).__name__}: {e})"[:300]


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**dict(self.counts), "failures": self.failures, "skipped": self.skipped}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pending(items: Iterator[Item], store: Store, summary: Summary) -> Iterator[tuple[str, str, bytes]]:
    version = tool_version()
    seen: set[str] = set()
    skipped: list[tuple[str, str]] = []
    for item in items:
        if item.skipped is not None:
            skipped.append((item.source, item.skipped))
            if len(skipped) >= 1000:
                _skip(store, summary, skipped)
            continue
        if item.error is not None:
            digest = _digest(("error:" + item.source).encode())
            if not store.has(digest, version):
                store.record_failure(item.source, digest, version, item.error)
            summary.counts["failed"] += 1
            summary.failures.append((item.source, item.error))
            continue
        assert item.data is not None
        digest = _digest(item.data)
        if digest in seen:
            store.add_source(item.source, digest)
            summary.counts["duplicate"] += 1
            continue
        seen.add(digest)
        if store.has(digest, version):
            store.add_source(item.source, digest)
            earlier = store.failure(digest)
            if earlier is not None:  # failed in an earlier run: said again, not retried
                summary.counts["failed"] += 1
                summary.failures.append((item.source, earlier))
            else:
                summary.counts["unchanged"] += 1
            continue
        yield item.source, digest, item.data
    _skip(store, summary, skipped)


def _skip(store: Store, summary: Summary, skipped: list[tuple[str, str]]) -> None:
    """Files not read (unknown suffixes): counted, listed and stored with their reason, a thousand at a time."""
    if skipped:
        store.record_skipped(skipped)
        summary.counts["skipped"] += len(skipped)
        summary.skipped.extend(skipped)
        skipped.clear()


def run_batch(
    paths: list[str | Path],
    out: str | Path,
    workers: int = 1,
    formats: set[str] | None = None,
    limits: Limits | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    ref_date: str | None = None,
    on_progress: Callable[[str, int], None] | None = None,
    isolate: bool = False,
    dashboard: str | None = None,
) -> Summary:
    """Process every document under ``paths`` into the store ``out``. With ``workers`` > 1, or ``isolate``,
    documents run in worker processes (a worker that dies costs one document, recorded as failed)."""
    store = Store(out)
    summary = Summary()
    version = tool_version()

    def done(source: str, digest: str, result: dict | None, error: str | None) -> None:
        if result is not None:
            store.write(source, digest, version, result)
            summary.counts["done"] += 1
        else:
            store.record_failure(source, digest, version, error or "unknown error")
            summary.counts["failed"] += 1
            summary.failures.append((source, error or "unknown error"))
        if on_progress:
            on_progress(source, 1)

    if limits is None:  # folder files and archive members under the file-size cap
        limits = replace(DEFAULT_LIMITS, member_bytes=int(caps.current().file_mb * 2**20))
    pending = _pending(walk(paths, formats, limits), store, summary)
    try:
        if engine == "dask":
            _run_dask(pending, scheduler, ref_date, done, workers, dashboard)
        elif workers <= 1 and not isolate:
            warm()
            for source, digest, data in pending:
                done(*_unpack(digest, process_item(source, data, ref_date)))
        else:
            _run_pool(pending, max(workers, 1), ref_date, done)
    finally:
        store.close()
    return summary


def _unpack(digest: str, result: tuple[str, dict | None, str | None]) -> tuple[str, str, dict | None, str | None]:
    source, doc, error = result
    return source, digest, doc, error


Job = tuple[str, str, bytes]  # source, digest, data


def _run_pool(pending: Iterator[Job], workers: int, ref_date: str | None, done: Callable[..., None]) -> None:
    """A pool of workers; when one dies (killed, out of memory, stuck past the time cap) the pool is broken
    and every document in flight is a suspect: each is run again alone, once, and the one that kills its
    worker again is recorded as failed. Then a fresh pool goes on with the rest."""
    while True:
        suspects = _pool_until_broken(pending, workers, ref_date, done)
        if suspects is None:
            return
        for job in suspects:
            _run_alone(job, ref_date, done)


def _pool_until_broken(pending: Iterator[Job], workers: int, ref_date: str | None,
                       done: Callable[..., None]) -> list[Job] | None:
    """Run documents in a pool until they run out (None) or a worker dies (the documents in flight)."""
    in_flight: dict[Future, Job] = {}
    broken = False
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_init)
    try:
        while not broken:
            broken = _fill(pool, pending, in_flight, workers * 2, ref_date)  # bounded: memory stays flat
            if not in_flight:
                break
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for fut in finished:
                if isinstance(fut.exception(), BrokenProcessPool):
                    broken = True
                    continue
                job = in_flight.pop(fut)
                done(*_unpack(job[1], _result(fut, job)))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if not broken:
        return None
    suspects = []
    for fut, job in in_flight.items():  # finished before the break: their results stand
        if fut.done() and not fut.cancelled() and fut.exception() is None:
            done(*_unpack(job[1], fut.result()))
        else:
            suspects.append(job)
    return suspects


def _fill(pool: ProcessPoolExecutor, pending: Iterator[Job], in_flight: dict[Future, Job], most: int,
          ref_date: str | None) -> bool:
    """Submit documents until ``most`` are in flight; True when the pool turns out broken."""
    while len(in_flight) < most:
        job = next(pending, None)
        if job is None:
            return False
        try:
            in_flight[pool.submit(process_item, job[0], job[2], ref_date)] = job
        except BrokenProcessPool:
            in_flight[_failed_future()] = job
            return True
    return False


def _failed_future() -> Future:
    fut: Future = Future()
    fut.set_exception(BrokenProcessPool("the pool broke before the document was sent"))
    return fut


def _result(fut: Future, job: Job) -> tuple[str, dict | None, str | None]:
    error = fut.exception()
    if error is None:
        return fut.result()
    return job[0], None, f"内部错误({type(error).__name__}: {error})"[:300]


def _alone(conn, source: str, data: bytes, ref_date: str | None) -> None:
    worker_init()
    conn.send(process_item(source, data, ref_date))
    conn.close()


def _run_alone(job: Job, ref_date: str | None, done: Callable[..., None]) -> None:
    """One suspect in its own worker, once: its result, or why the worker died."""
    import multiprocessing

    ctx = multiprocessing.get_context()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_alone, args=(send, job[0], job[2], ref_date), daemon=True)
    proc.start()
    send.close()
    seconds = float(caps.current().seconds)
    result, stuck = None, False
    try:
        if receive.poll(seconds + max(30.0, seconds * 0.5)):
            result = receive.recv()
        else:
            stuck = proc.is_alive()
    except (EOFError, OSError):
        result = None
    finally:
        receive.close()
        if proc.is_alive() and result is None:
            proc.kill()
        proc.join()
    if result is not None:
        done(*_unpack(job[1], result))
    else:
        done(job[0], job[1], None, died(WORKER_STUCK if stuck else proc.exitcode, seconds))


def died(exitcode: int | None, seconds: float) -> str:
    """The one line for a document whose worker died on it twice (it is not tried again)."""
    import signal

    if exitcode == WORKER_STUCK:
        return str(caps.CapExceeded("", "seconds", f"已超过 {seconds:g} 秒", seconds)).lstrip(": ")
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        why = f"被信号 {name} 终止" + ("(常见于内存耗尽时被系统终止)" if -exitcode == signal.SIGKILL else "")
    else:
        why = f"退出码 {exitcode}"
    return f"工作进程处理此文档时退出(worker died: {why});已记为失败,不再重试"


def _run_dask(pending, scheduler: str | None, ref_date, done, workers: int = 1, dashboard: str | None = None) -> None:
    """The Dask engine (``dask_engine``): the same per-document function on a cluster, stored here; a local
    cluster opens a dashboard only at the address asked for."""
    from functools import partial

    from .dask_engine import run_dask

    run_dask(pending, scheduler, partial(process_item, ref_date=ref_date), done, workers, dashboard)
