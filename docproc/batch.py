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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .archive import DEFAULT_LIMITS, Item, Limits, walk
from .store import Store


def tool_version() -> str:
    return __version__


def warm() -> None:
    """Worker initializer: build the tokenizer once per process."""
    from .resources import tokenizer

    tokenizer()


def process_item(source: str, data: bytes, ref_date: str | None = None) -> tuple[str, dict | None, str | None]:
    """The per-document function (runs in a worker): JSON of the document, or a one-line error."""
    from .ingest import InputError, read_bytes
    from .pipeline import document_from_raw, run_stages

    name = source.rsplit("!", 1)[-1]
    try:
        raw = read_bytes(data, name=Path(name).name)
        doc = run_stages(document_from_raw(raw, source, ref_date=ref_date))
        return source, doc.to_json(), None
    except InputError as e:
        return source, None, str(e).split(": ", 1)[-1] if ": " in str(e) else str(e)
    except Exception as e:  # one bad document must never stop the batch
        return source, None, f"internal error ({type(e).__name__}: {e})"[:300]


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**dict(self.counts), "failures": self.failures}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pending(items: Iterator[Item], store: Store, summary: Summary) -> Iterator[tuple[str, str, bytes]]:
    version = tool_version()
    seen: set[str] = set()
    for item in items:
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
            summary.counts["unchanged"] += 1
            continue
        yield item.source, digest, item.data


def run_batch(
    paths: list[str | Path],
    out: str | Path,
    workers: int = 1,
    formats: set[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    engine: str = "local",
    scheduler: str | None = None,
    ref_date: str | None = None,
    on_progress: Callable[[str, int], None] | None = None,
) -> Summary:
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

    pending = _pending(walk(paths, formats, limits), store, summary)
    try:
        if engine == "dask":
            _run_dask(pending, scheduler, ref_date, done)
        elif workers <= 1:
            warm()
            for source, digest, data in pending:
                done(*_unpack(digest, process_item(source, data, ref_date)))
        else:
            _run_pool(pending, workers, ref_date, done)
    finally:
        store.close()
    return summary


def _unpack(digest: str, result: tuple[str, dict | None, str | None]) -> tuple[str, str, dict | None, str | None]:
    source, doc, error = result
    return source, digest, doc, error


def _run_pool(pending, workers: int, ref_date, done) -> None:
    in_flight: dict[Future, str] = {}
    with ProcessPoolExecutor(max_workers=workers, initializer=warm) as pool:
        for source, digest, data in pending:
            in_flight[pool.submit(process_item, source, data, ref_date)] = digest
            if len(in_flight) >= workers * 2:  # bounded: memory does not grow with the archive
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for fut in finished:
                    done(*_unpack(in_flight.pop(fut), fut.result()))
        for fut in list(in_flight):
            done(*_unpack(in_flight.pop(fut), fut.result()))


def _run_dask(pending, scheduler: str | None, ref_date, done) -> None:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("the dask engine needs the extra: pip install 'docproc[dask]'") from None
    client = Client(scheduler) if scheduler else Client(processes=False)
    try:
        futures = {}
        for source, digest, data in pending:
            futures[client.submit(process_item, source, data, ref_date, pure=False)] = digest
        for fut in as_completed(list(futures)):
            done(*_unpack(futures[fut], fut.result()))
    finally:
        client.close()
