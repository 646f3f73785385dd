"""One upload: its result page, corrections (validated per field) and its downloads."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from . import downloads
from .present import figure
from .state import DocumentFailed, web
from .validate import Refused, validate

router = APIRouter()


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
async def doc_page(request: Request, doc_id: str):
    from ..export.rows import task_rows

    ws = web(request)
    upload = ws.upload_of(request, doc_id)
    if upload.status != "failed" and not ws.ready(upload):
        return ws.page(request, "processing.html", status=202, name=upload.name)
    try:
        doc = await ws.document(upload)
    except DocumentFailed as e:
        return ws.page(request, "failed.html", status=422, name=upload.name, message=str(e))
    corrections = ws.store.corrections(doc_id)
    corrected = {(c["item"], c["field"]) for c in corrections}
    return ws.page(request, "doc.html", doc_id=doc_id, doc=doc, name=upload.name, corrections=corrections,
                   corrected=corrected, rows=list(zip(doc.tasks, task_rows(doc), strict=True)))


@router.post("/api/doc/{doc_id}/corrections")
async def correct(doc_id: str, request: Request):
    ws = web(request)
    upload = ws.upload_of(request, doc_id)
    try:
        body = await request.json()
        item, field, value = (body[k] for k in ("item", "field", "value"))
        if not all(isinstance(v, str) for v in (item, field, value)):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise HTTPException(400, "提交的内容不是一条修改(需要 item、field、value 三项文字)") from None
    try:
        doc = await ws.document(upload)
        stored = validate(doc, item, field, value)
    except DocumentFailed as e:
        raise HTTPException(422, str(e)) from None
    except Refused as e:
        return JSONResponse({"error": str(e)}, status_code=422)
    ws.store.correct(doc_id, item, field, stored)
    shown = figure(float(stored), doc.quantities[int(item[1:])].unit) if field == "value" else stored
    return {"ok": True, "value": stored, "shown": shown, "corrections": ws.store.corrections(doc_id)}


@router.get("/doc/{doc_id}/download/{fmt}")
async def download(request: Request, doc_id: str, fmt: str) -> Response:
    ws = web(request)
    upload = ws.upload_of(request, doc_id)
    entries = await downloads.entries(ws, [upload])
    if not entries:
        return ws.error(request, f"{upload.name}: 未能处理,没有可下载的内容", 422)
    return downloads.respond(entries, fmt, Path(upload.name).stem or "docproc")
