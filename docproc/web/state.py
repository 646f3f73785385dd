"""What every route shares: the settings, the upload store, the worker runner, the jobs and the page renderer.

One ``WebState`` lives on ``app.state.web``; a route reaches it with ``web(request)``.
"""

from __future__ import annotations

import asyncio
import copy
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ..ingest import InputError
from . import present
from .runner import Runner, Work
from .security import Guard
from .store import Upload, WebStore, apply

HERE = Path(__file__).resolve().parent
_CACHE_SIZE = 32
_JOBS_KEPT = 200


@dataclass
class Settings:
    db: Path
    store: Path | None = None  # a batch store (docproc batch --out) to browse
    max_upload_mb: int = 50
    workers: int = 2
    executor: str = "process"  # process | thread (tests)
    host: str = "127.0.0.1"  # the address bound to: the Host header must name it
    port: int = 8000
    allowed_hosts: tuple[str, ...] = ()
    token: str | None = None  # required when host is not loopback
    shared: bool = False  # every session sees every upload
    timeout_s: float | None = None  # per upload; None: the time cap of ingest.caps (--cap seconds)
    max_files: int = 200  # per request, archive members included


@dataclass
class Job:
    owner: str
    items: list[Work] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return all(w.status in ("done", "failed") for w in self.items)


class DocumentFailed(Exception):
    """The upload exists but could not be processed: its page says why (4xx), never a 500."""


class WebState:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.limit = settings.max_upload_mb * 1024 * 1024
        self.store = WebStore(settings.db, shared=settings.shared)
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.filters.update(figure=present.figure, finding=present.finding,
                                          status=lambda s: present.STATUS.get(s, s))
        self.templates.env.globals.update(word=present.word, has_store=settings.store is not None,
                                          file_name=present.file_name)
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.cache: OrderedDict[str, Any] = OrderedDict()
        self.active: dict[str, Work] = {}  # upload id → its work while queued or running
        self.lock = threading.Lock()
        self.guard = Guard(settings.host, settings.port, settings.allowed_hosts, settings.token)
        self.runner = Runner(settings.workers, settings.executor, settings.timeout_s, on_finish=self._finished)

    def close(self) -> None:
        self.runner.close()
        self.store.close()

    # --- pages ------------------------------------------------------------------------------------
    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        base = {"max_mb": self.settings.max_upload_mb, "csrf": getattr(request.state, "csrf", "")}
        return self.templates.TemplateResponse(request, template, {**base, **context}, status_code=status)

    def error(self, request: Request, message: str, status: int) -> HTMLResponse:
        return self.page(request, "error.html", status=status, message=message)

    # --- uploads and their documents --------------------------------------------------------------
    def upload_of(self, request: Request, doc_id: str) -> Upload:
        found = self.store.upload(doc_id, session(request))
        if found is None:
            raise HTTPException(404, "没有这个文件(或它属于另一个浏览器会话)")
        return found

    def start(self, upload: Upload, job: str) -> Work:
        """Queue an upload (a result already in the cache finishes at once)."""
        work = Work(key=upload.id, job=job, name=upload.name, args=(), digest=upload.digest)
        with self.lock:
            cached = self.cache.get(upload.digest)
        if cached is not None:
            work.status = "done"
            work.result.set_result(cached)
            self.store.set_status(upload.id, "done")
            return work
        work.args = (self.store.data(upload.id), upload.name, upload.ref_date)
        self.store.set_status(upload.id, "queued")
        self.active[upload.id] = work
        return self.runner.submit(work)

    def ready(self, upload: Upload) -> bool:
        """Processed and at hand; otherwise make sure it is on its way (after a restart it may not be)."""
        with self.lock:
            if upload.digest in self.cache:
                return True
        if upload.status != "failed" and upload.id not in self.active:
            self.start(upload, job=f"view-{upload.id}")
        return False

    def _finished(self, work: Work) -> None:
        """Runs on the dispatcher thread: remember the status, keep the document for the pages."""
        if work.status == "done" and work.result.done() and work.result.exception() is None:
            self._remember(work.digest, work.result.result())
        if work.key:
            self.store.set_status(work.key, work.status, work.error)
            self.active.pop(work.key, None)

    def _remember(self, digest: str, doc: Any) -> None:
        with self.lock:
            self.cache[digest] = doc
            self.cache.move_to_end(digest)
            while len(self.cache) > _CACHE_SIZE:
                self.cache.popitem(last=False)

    async def document(self, upload: Upload, corrected: bool = True):
        """The processed document (with its corrections applied); ``DocumentFailed`` if it cannot be read."""
        if upload.status == "failed":
            raise DocumentFailed(upload.error or f"{upload.name}: 无法处理")
        with self.lock:
            doc = self.cache.get(upload.digest)
        if doc is None:
            work = self.active.get(upload.id) or self.start(upload, job=f"view-{upload.id}")
            try:
                doc = await asyncio.wrap_future(work.result)
            except InputError as e:
                raise DocumentFailed(str(e)) from None
        doc = copy.copy(doc)
        return apply(doc, self.store.corrections(upload.id)) if corrected else doc

    def add_job(self, owner: str, items: list[Work]) -> str:
        job_id = secrets.token_hex(8)
        self.jobs[job_id] = Job(owner, items)
        while len(self.jobs) > _JOBS_KEPT:
            self.jobs.popitem(last=False)
        return job_id

    def job_of(self, request: Request, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None or not (self.settings.shared or job.owner == session(request)):
            raise HTTPException(404, "没有这次上传(服务重启后,请从首页的“最近上传”打开)")
        return job


def web(request: Request) -> WebState:
    return request.app.state.web


def session(request: Request) -> str:
    return getattr(request.state, "session", "")
