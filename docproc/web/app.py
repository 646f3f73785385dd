"""``docproc serve``: a local web page to upload files, see and correct the task table, and download it.

Routes (all pages HTML-escaped by Jinja2's autoescape, all assets served from the package):

- ``GET /`` upload form, check form, recent uploads; ``POST /upload`` → ``/jobs/{id}`` (processing runs
  in a worker process, the page polls ``/api/jobs/{id}``);
- ``GET /doc/{id}`` the result: kind, year, task table, figures, findings and the text with every span;
  ``POST /api/doc/{id}/corrections`` keeps a correction beside the extraction;
  ``GET /doc/{id}/download/{xlsx|csv|md|json}`` what is on screen, corrections applied;
- ``POST /check`` a report against its plan: the goal table;
- ``GET /archive`` the batch store given to ``docproc serve --store`` with the filters of ``docproc query``.

No path from the client is used as a file path: uploads are bytes in SQLite, the store is the one
configured on the command line.
"""

from __future__ import annotations

import asyncio
import copy
import json
import tempfile
import threading
import uuid
from collections import OrderedDict
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ..ingest import InputError
from .store import WebStore, apply

HERE = Path(__file__).resolve().parent


@dataclass
class Settings:
    db: Path
    store: Path | None = None  # a batch store (docproc batch --out) to browse
    max_upload_mb: int = 50
    workers: int = 1
    executor: str = "process"  # process | thread (tests)


@dataclass
class Job:
    items: list[dict[str, Any]] = field(default_factory=list)  # {id, name, status, error}


def _process_bytes(data: bytes, name: str, ref_date: str | None):
    """Runs in a worker: one upload through the whole pipeline (the worker builds jieba once)."""
    from ..ingest import read_bytes
    from ..pipeline import document_from_raw, run_stages

    raw = read_bytes(data, name=name)
    return run_stages(document_from_raw(raw, name, ref_date=ref_date))


def _check_pair(report: tuple[bytes, str], plan: tuple[bytes, str]):
    from ..check.goals import check_against

    doc = _process_bytes(report[0], report[1], None)
    plan_doc = _process_bytes(plan[0], plan[1], None)
    return doc, check_against(doc, [plan_doc])


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="docproc", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    store = WebStore(settings.db)
    pool: Executor = (ProcessPoolExecutor(settings.workers) if settings.executor == "process"
                      else ThreadPoolExecutor(settings.workers))
    jobs: dict[str, Job] = {}
    cache: OrderedDict[str, Any] = OrderedDict()
    lock = threading.Lock()
    limit = settings.max_upload_mb * 1024 * 1024

    @app.on_event("shutdown")
    def _shutdown() -> None:
        pool.shutdown(wait=False, cancel_futures=True)
        store.close()

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {"max_mb": settings.max_upload_mb, **context},
                                          status_code=status)

    def error(request: Request, message: str, status: int) -> HTMLResponse:
        return page(request, "error.html", status=status, message=message)

    async def read_limited(upload: UploadFile) -> bytes:
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{upload.filename}: larger than the upload limit of {settings.max_upload_mb} MB")
        return data

    async def document(doc_id: str):
        """The processed document (cached), with its corrections applied, or None."""
        with lock:
            doc = cache.get(doc_id)
        if doc is None:
            found = store.upload(doc_id)
            if found is None:
                return None
            name, data, ref_date = found
            doc = await asyncio.get_running_loop().run_in_executor(pool, _process_bytes, data, name, ref_date)
            with lock:
                cache[doc_id] = doc
                while len(cache) > 32:
                    cache.popitem(last=False)
        return apply(copy.copy(doc), store.corrections(doc_id))

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return error(request, str(exc.detail), exc.status_code)

    @app.get("/", response_class=HTMLResponse)
    async def index(request: Request):
        return page(request, "index.html", uploads=store.uploads()[:20], archive=settings.store is not None)

    @app.post("/upload")
    async def upload(request: Request, files: Annotated[list[UploadFile], File()],
                     ref_date: Annotated[str, Form()] = ""):
        ref = ref_date.strip() or None
        items = []
        for f in files:
            data = await read_limited(f)
            name = Path(f.filename or "upload").name  # a label only, never a path
            if not data:
                items.append({"id": None, "name": name, "status": "failed", "error": f"{name}: empty file"})
                continue
            items.append({"id": store.add_upload(name, data, ref), "name": name, "status": "queued", "error": None})
        if not items:
            raise HTTPException(400, "no file was chosen")
        job_id = uuid.uuid4().hex[:12]
        jobs[job_id] = Job(items)
        for item in items:
            if item["id"]:
                _start(item)
        return RedirectResponse(f"/jobs/{job_id}", status_code=303)

    def _start(item: dict[str, Any]) -> None:
        """Process an upload in the worker pool; the page polls its status (the server stays responsive)."""
        if item["id"] in cache:
            item["status"] = "done"
            return
        name, data, ref_date = store.upload(item["id"])
        item["status"] = "working"

        def finish(future) -> None:
            try:
                doc = future.result()
            except InputError as e:
                item["status"], item["error"] = "failed", str(e)
                return
            except Exception as e:  # a bug must not take the page down: say it in one line
                item["status"], item["error"] = "failed", f"{item['name']}: could not be processed ({type(e).__name__})"
                return
            with lock:
                cache[item["id"]] = doc
                while len(cache) > 32:
                    cache.popitem(last=False)
            item["status"] = "done"

        pool.submit(_process_bytes, data, name, ref_date).add_done_callback(finish)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    async def job_page(request: Request, job_id: str):
        if job_id not in jobs:
            raise HTTPException(404, "no such upload")
        return page(request, "job.html", job_id=job_id, items=jobs[job_id].items)

    @app.get("/api/jobs/{job_id}")
    async def job_status(job_id: str):
        if job_id not in jobs:
            raise HTTPException(404, "no such upload")
        items = jobs[job_id].items
        return {"done": sum(1 for i in items if i["status"] in ("done", "failed")), "total": len(items),
                "items": items}

    @app.get("/doc/{doc_id}", response_class=HTMLResponse)
    async def doc_page(request: Request, doc_id: str):
        doc = await document(doc_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        from ..export.rows import task_rows

        return page(request, "doc.html", doc_id=doc_id, doc=doc, rows=list(zip(doc.tasks, task_rows(doc), strict=True)),
                    corrections=store.corrections(doc_id), name=store.upload(doc_id)[0])

    @app.post("/api/doc/{doc_id}/corrections")
    async def correct(doc_id: str, request: Request):
        if store.upload(doc_id) is None:
            raise HTTPException(404, "no such document")
        try:
            body = await request.json()
            store.correct(doc_id, str(body["item"]), str(body["field"]), str(body["value"]))
        except (ValueError, KeyError, TypeError) as e:
            raise HTTPException(400, f"not a correction: {e}") from None
        return {"ok": True, "corrections": store.corrections(doc_id)}

    @app.get("/doc/{doc_id}/download/{fmt}")
    async def download(doc_id: str, fmt: str):
        from ..export import render_text, write_xlsx

        doc = await document(doc_id)
        if doc is None:
            raise HTTPException(404, "no such document")
        stem = Path(store.upload(doc_id)[0]).stem or "docproc"
        if fmt == "xlsx":
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "tasks.xlsx"
                write_xlsx([doc], out)
                data = out.read_bytes()
            media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        elif fmt == "json":
            obj = doc.to_json(explain=False)
            obj["corrections"] = store.corrections(doc_id)
            data, media = json.dumps(obj, ensure_ascii=False, indent=1).encode(), "application/json"
        elif fmt in ("csv", "md"):
            text = render_text([doc], fmt)
            data = (text.encode("utf-8-sig") if fmt == "csv" else text.encode())
            media = "text/csv; charset=utf-8" if fmt == "csv" else "text/markdown; charset=utf-8"
        else:
            raise HTTPException(404, f"no download as {fmt}")
        from urllib.parse import quote

        disposition = f"attachment; filename*=UTF-8''{quote(stem)}.{fmt}"
        return Response(data, media_type=media, headers={"Content-Disposition": disposition})

    @app.post("/check", response_class=HTMLResponse)
    async def check(request: Request, report: Annotated[UploadFile, File()], plan: Annotated[UploadFile, File()]):
        r, p = await read_limited(report), await read_limited(plan)
        names = Path(report.filename or "report").name, Path(plan.filename or "plan").name
        try:
            doc, goals = await asyncio.get_running_loop().run_in_executor(
                pool, _check_pair, (r, names[0]), (p, names[1]))
        except InputError as e:
            return error(request, str(e), 422)
        return page(request, "check.html", doc=doc, goals=goals, report_name=names[0], plan_name=names[1])

    @app.get("/archive", response_class=HTMLResponse)
    async def archive(request: Request, unit: str = "", due_before: str = "", kind: str = "", finding: str = "",
                      text: str = ""):
        if settings.store is None:
            raise HTTPException(404, "no batch store was given: start with docproc serve --store results.db")
        from ..query import run_query

        rows = run_query(settings.store, unit=unit or None, due_before=due_before or None, kind=kind or None,
                         finding=finding or None, text=text or None)
        return page(request, "archive.html", rows=rows[:2000], total=len(rows),
                    filters={"unit": unit, "due_before": due_before, "kind": kind, "finding": finding, "text": text})

    app.state.store = store
    app.state.jobs = jobs
    return app


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


__all__ = ["Settings", "create_app", "serve"]
