"""Processing uploads off the request path: a worker pool that survives its workers, with a fair queue.

- At most ``workers`` uploads run at once and the queue takes turns between jobs (round robin), so a
  folder of forty files or one slow scan does not hold back the next person's small text.
- A worker that dies (the kernel's OOM killer, a crash in a C library) breaks a process pool for good;
  here the pool is rebuilt. The uploads that were running are run again, each alone: one that kills
  its worker a second time is failed ("处理进程意外退出"), never retried in a loop, and the others go on.
- Workers are batch workers (``batch.worker_init``: they die with the server, run under the memory cap,
  build jieba once) and run each upload under ``ingest.caps.guard``, the server's ``--timeout`` being
  their time cap; an upload stuck past it in native code is failed and its worker killed by a backstop
  here (the pool is rebuilt the same way).
- Every upload ends ``done`` or ``failed``: a job page never waits for ever.

One dispatcher thread owns the pool and the queue; request handlers and pool callbacks only post
events to it.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from ..ingest import InputError

CRASHED = "处理进程意外退出(可能内存不足或文件有问题),该文件未能处理"


def process_upload(data: bytes, name: str, ref_date: str | None):
    """Runs in a worker: one upload through the whole pipeline under the time and memory caps of
    ``ingest.caps`` (a document over a cap fails with one line naming it)."""
    from ..batch import _test_kill
    from ..ingest import caps, read_bytes
    from ..pipeline import document_from_raw, hard_exit, run_stages

    base = name.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    _test_kill(base)  # the batch's OOM-killer stand-in for tests (DOCPROC_TEST_KILL_ON): never set in use
    try:
        with caps.guard(base, hard_exit=hard_exit()):
            raw = read_bytes(data, name=base)
            return run_stages(document_from_raw(raw, name, ref_date=ref_date))
    except InputError as e:  # a subclass with its own constructor (CapExceeded) would not unpickle
        raise InputError(str(e)) from None
    except Exception as e:
        raise WorkerError(type(e).__name__) from None


class WorkerError(Exception):
    """An unexpected error in a worker, by its type name only (any exception must cross the process
    boundary: one that fails to unpickle breaks the whole pool)."""


def _worker_init(seconds: float | None) -> None:
    """A web worker is a batch worker (dies with the server, memory cap, jieba built once), with the
    server's time limit as its time cap."""
    from ..batch import worker_init
    from ..ingest import caps

    if seconds is not None:
        caps.export_to_env({"seconds": seconds})
    worker_init()


@dataclass(eq=False)
class Work:
    """One upload on its way through the pool; ``result`` resolves to the Document or an error line."""

    key: str  # the upload id (or a label for work that is not an upload)
    job: str  # the queue line it waits in (a browser session; its own line for a page view or a check)
    name: str
    args: tuple
    fn: Callable[..., Any] = process_upload
    digest: str = ""  # the processing cache's key
    status: str = "queued"  # queued | working | done | failed
    error: str | None = None
    crashes: int = 0
    started: float = 0.0
    result: Future = field(default_factory=Future)


def _message(work: Work, exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return str(exc)
    kind = str(exc) if isinstance(exc, WorkerError) else type(exc).__name__
    return f"{work.name}: 处理时出错({kind}),请检查文件或联系管理员"


class FairQueue:
    """Work waiting to run, one line per browser session (``Work.job``), served in turns: the line served
    last goes to the back, so one person's folder of forty files does not hold back another's one file."""

    def __init__(self) -> None:
        self.lines: OrderedDict[str, deque[Work]] = OrderedDict()

    def __len__(self) -> int:
        return sum(len(line) for line in self.lines.values())

    def push(self, work: Work, front: bool = False) -> None:
        line = self.lines.setdefault(work.job, deque())
        line.appendleft(work) if front else line.append(work)
        if front:
            self.lines.move_to_end(work.job, last=False)

    def peek(self) -> Work | None:
        return next((line[0] for line in self.lines.values() if line), None)

    def pop(self) -> Work | None:
        for job, line in self.lines.items():
            work = line.popleft()
            del self.lines[job]
            if line:
                self.lines[job] = line  # back of the turn order
            return work
        return None


class Runner:
    def __init__(self, workers: int = 2, executor: str = "process", timeout_s: float | None = None,
                 on_finish: Callable[[Work], None] | None = None) -> None:
        from ..ingest import caps

        self.workers = max(1, workers)
        self.kind = executor
        self.cap_s = timeout_s  # the workers' time cap (None: the caps' own default)
        self.timeout_s = float(timeout_s if timeout_s is not None else caps.current().seconds)
        # the worker's own timer reports a document over the cap; this backstop kills one stuck in native code
        self.backstop_s = self.timeout_s + max(10.0, self.timeout_s * 0.25)
        self.on_finish = on_finish
        self.waiting = FairQueue()
        self.running: set[Work] = set()
        self.restarts = 0
        self._events: queue.Queue = queue.Queue()
        self._pool = self._new_pool()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="docproc-web-runner", daemon=True)
        self._thread.start()

    # --- called from anywhere ---------------------------------------------------------------------
    def submit(self, work: Work) -> Work:
        self._events.put(("new", work, None))
        return work

    def close(self) -> None:
        self._stop.set()
        self._events.put(("stop", None, None))
        self._thread.join(timeout=5)
        for pid in self.worker_pids():  # an upload still running would hold a core long after the server
            _kill(pid)
        self._pool.shutdown(wait=False, cancel_futures=True)

    def worker_pids(self) -> list[int]:
        """The live worker processes (empty for a thread pool): what an operator would see in ``ps``."""
        procs = getattr(self._pool, "_processes", None) or {}
        return [p.pid for p in list(procs.values()) if p.is_alive()]

    # --- the dispatcher thread --------------------------------------------------------------------
    def _new_pool(self) -> Executor:
        if self.kind == "process":
            return ProcessPoolExecutor(self.workers, initializer=_worker_init, initargs=(self.cap_s,))
        return ThreadPoolExecutor(self.workers)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                kind, work, future = self._events.get(timeout=0.5)
            except queue.Empty:
                kind, work, future = "tick", None, None
            if kind == "new":
                self.waiting.push(work)
            elif kind == "done" and work in self.running:
                self._done(work, future)
            self._check_time()
            self._pump()

    def _alone_needed(self) -> bool:
        """Work that was running when a worker died runs alone, so the one that kills it is known."""
        return any(w.crashes for w in self.running)

    def _pump(self) -> None:
        while len(self.running) < self.workers and len(self.waiting) and not self._alone_needed():
            nxt = self.waiting.peek()
            if nxt is not None and nxt.crashes and self.running:
                return  # wait until the pool is empty, then run the suspect alone
            work = self.waiting.pop()
            if work is None:
                return
            self._start(work)

    def _start(self, work: Work) -> None:
        for _ in range(2):
            try:
                future = self._pool.submit(work.fn, *work.args)
                break
            except (BrokenProcessPool, RuntimeError):  # a worker died while the pool was idle
                self._restart()
        else:
            self._finish(work, "failed", error="处理进程无法启动,请稍后再试")
            return
        work.status, work.started = "working", time.monotonic()
        self.running.add(work)
        future.add_done_callback(lambda f, w=work: self._events.put(("done", w, f)))

    def _done(self, work: Work, future: Future) -> None:
        self.running.discard(work)
        exc = future.exception()
        if isinstance(exc, BrokenProcessPool):
            self._crashed(work)
        elif exc is not None:
            self._finish(work, "failed", error=_message(work, exc))
        else:
            self._finish(work, "done", value=future.result())

    def _crashed(self, work: Work) -> None:
        """The pool broke under this work: rebuild it once, and run the work again alone (only once)."""
        if self._pool_broken():
            self._restart()
        work.crashes += 1
        if work.crashes >= 2 or work.status == "timeout":
            error = f"{work.name}: 处理超过 {self.timeout_s:g} 秒,已停止" if work.status == "timeout" else \
                f"{work.name}: {CRASHED}"
            self._finish(work, "failed", error=error)
        else:
            work.status = "queued"
            self.waiting.push(work, front=True)

    def _pool_broken(self) -> bool:
        return bool(getattr(self._pool, "_broken", False))

    def _restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()
        self.restarts += 1

    def _check_time(self) -> None:
        now = time.monotonic()
        for work in list(self.running):
            if work.status == "working" and now - work.started > self.backstop_s:
                work.status, work.crashes = "timeout", 1
                if self.kind != "process":  # a thread cannot be stopped: give up on its result
                    self.running.discard(work)
                    self._finish(work, "failed", error=f"{work.name}: 处理超过 {self.timeout_s:g} 秒,已停止")
                    continue
                for pid in self.worker_pids():  # the pool breaks; the others in it run again
                    _kill(pid)

    def _finish(self, work: Work, status: str, value: Any = None, error: str | None = None) -> None:
        work.status, work.error, work.args = status, error, ()  # the bytes are in the store, not kept twice
        if not work.result.done():
            if status == "done":
                work.result.set_result(value)
            else:
                work.result.set_exception(InputError(error or "failed"))
        if self.on_finish is not None:
            with contextlib.suppress(Exception):  # recording a status must never stop the dispatcher
                self.on_finish(work)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
