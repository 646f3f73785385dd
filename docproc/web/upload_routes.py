"""The front page, uploads (files, folders, zip archives) and the job page that follows them to the end."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path, PurePosixPath
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..archive import ARCHIVE_SUFFIXES, Limits, walk
from ..ingest import InputError
from . import downloads
from .runner import Work
from .state import Job, WebState, session, web
from .validate import Refused, parse_date

router = APIRouter()


def label(filename: str | None) -> str:
    """The name an upload is shown under: a folder upload keeps its relative path, never '..' or a root."""
    parts = [p for p in PurePosixPath((filename or "").replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    return "/".join(parts)[-200:] or "未命名文件"


_ARCHIVE_REASONS = (("corrupt", "压缩包损坏"), ("larger than", "超过大小上限"), ("expands past", "解压后超过大小上限"),
                    ("compression ratio", "压缩比异常(疑似压缩炸弹)"), ("link", "是链接,未跟随"),
                    ("encrypted", "已加密"), ("nested deeper", "嵌套层数过多"), ("device", "是设备或管道"))


def archive_reason(reason: str) -> str:
    """archive.walk's reason in Chinese first (the original after it, for whoever maintains the server)."""
    chinese = next((zh for en, zh in _ARCHIVE_REASONS if en in reason), "无法读取")
    return f"{chinese}({reason})"


def failed(name: str, line: str, error: str) -> Work:
    """A file refused before it reached the queue (too large, empty, unreadable in its archive)."""
    work = Work(key="", job=line, name=name, args=(), status="failed", error=error)
    work.result.set_exception(InputError(error))
    return work


async def _read(ws: WebState, upload: UploadFile, name: str) -> tuple[bytes | None, str | None]:
    data = await upload.read(ws.limit + 1)
    if len(data) > ws.limit:
        return None, f"{name}: 超过单个文件 {ws.settings.max_upload_mb} MB 的上传上限,未处理"
    if not data:
        return None, f"{name}: 空文件,未处理"
    return data, None


def _accept(ws: WebState, request: Request, line: str, name: str, data: bytes, ref: str | None) -> Work:
    upload_id = ws.store.add_upload(name, data, ref, session(request))
    return ws.start(ws.store.upload(upload_id, session(request)), line)


def _unpack(ws: WebState, request: Request, line: str, name: str, data: bytes, ref: str | None) -> list[Work]:
    """Each document inside a zip or tar archive, read by ``archive.walk`` (its size and bomb limits)."""
    limits = Limits(member_bytes=ws.limit, archive_bytes=ws.limit * 10)
    items: list[Work] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(data)
        for item in walk([path], limits=limits):
            member = name + item.source[len(str(path)):]
            if len(items) >= ws.settings.max_files:
                items.append(failed(member, line, f"{name}: 压缩包内文件超过 {ws.settings.max_files} 个,其余未处理"))
                break
            skipped = getattr(item, "skipped", None)  # a type docproc does not read
            if skipped:
                items.append(failed(member, line, f"{member}: 不是可处理的文件类型,已跳过({skipped})"))
            elif item.error:
                items.append(failed(member, line, f"{member}: {archive_reason(item.error)}"))
            else:
                items.append(_accept(ws, request, line, member, item.data or b"", ref))
    if not items:
        items.append(failed(name, line, f"{name}: 压缩包中没有可处理的文件"))
    return items


@router.get("/", response_class=HTMLResponse)
async def index(request: Request):
    ws = web(request)
    return ws.page(request, "index.html", uploads=ws.store.uploads(session(request)),
                   archive=ws.settings.store is not None)


@router.post("/upload")
async def upload(request: Request, files: Annotated[list[UploadFile], File()],
                 ref_date: Annotated[str, Form()] = ""):
    ws = web(request)
    try:
        ref = parse_date(ref_date.strip()) if ref_date.strip() else None
    except Refused as e:
        return ws.error(request, f"参照日期:{e}", 400)
    job = secrets.token_hex(8)
    items: list[Work] = []
    files = [f for f in files if f.filename or f.size]  # an empty file input sends a nameless empty part
    if not files:
        return ws.error(request, "没有选择文件", 400)
    line = f"session-{session(request)}"  # the queue takes turns between people, not between their jobs
    for f in files[: ws.settings.max_files]:
        name = label(f.filename)
        data, problem = await _read(ws, f, name)
        if data is None:
            items.append(failed(name, job, problem or name))
        elif name.lower().endswith(ARCHIVE_SUFFIXES):
            items.extend(_unpack(ws, request, line, name, data, ref))
        else:
            items.append(_accept(ws, request, line, name, data, ref))
    if len(files) > ws.settings.max_files:
        items.append(failed("…", job, f"一次最多上传 {ws.settings.max_files} 个文件,其余未处理"))
    if all(w.key == "" for w in items):  # nothing was accepted: say why on this page
        status = 413 if any("上传上限" in (w.error or "") for w in items) else 400
        return ws.error(request, ";".join(w.error or w.name for w in items), status)
    ws.jobs[job] = Job(session(request), items)
    return RedirectResponse(f"/jobs/{job}", status_code=303)


def job_summary(job: Job) -> dict:
    items = [{"id": w.key or None, "name": w.name, "status": w.status if w.status != "timeout" else "working",
              "error": w.error} for w in job.items]
    done = sum(1 for i in items if i["status"] in ("done", "failed"))
    ok = sum(1 for i in items if i["status"] == "done")
    return {"done": done, "total": len(items), "ok": ok, "failed": done - ok, "finished": job.finished,
            "items": items}


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
async def job_page(request: Request, job_id: str):
    ws = web(request)
    return ws.page(request, "job.html", job_id=job_id, job=job_summary(ws.job_of(request, job_id)))


@router.get("/api/jobs/{job_id}")
async def job_status(request: Request, job_id: str):
    return job_summary(web(request).job_of(request, job_id))


@router.get("/jobs/{job_id}/download/{fmt}")
async def job_download(request: Request, job_id: str, fmt: str) -> Response:
    """One workbook (or CSV) for every file of the upload that was processed, corrections marked."""
    ws = web(request)
    job = ws.job_of(request, job_id)
    uploads = [ws.store.upload(w.key, session(request)) for w in job.items if w.key and w.status == "done"]
    entries = await downloads.entries(ws, [u for u in uploads if u is not None])
    if not entries:
        return ws.error(request, "这次上传没有处理成功的文件,没有可下载的内容", 404)
    return downloads.respond(entries, fmt, "docproc-合并")
