"""A report checked against its plan: the goal table, processed in the same worker pool as uploads."""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse

from ..ingest import InputError
from .runner import Work, process_upload
from .state import web
from .upload_routes import label

router = APIRouter()


def check_pair(report: tuple[bytes, str], plan: tuple[bytes, str]):
    """Runs in a worker: both documents, then the plan's goals against the report."""
    from ..check.goals import check_against

    doc = process_upload(report[0], report[1], None)
    return doc, check_against(doc, [process_upload(plan[0], plan[1], None)])


@router.post("/check", response_class=HTMLResponse)
async def check(request: Request, report: Annotated[UploadFile, File()], plan: Annotated[UploadFile, File()]):
    ws = web(request)
    names = label(report.filename), label(plan.filename)
    data = []
    for f, name in zip((report, plan), names, strict=True):
        content = await f.read(ws.limit + 1)
        if len(content) > ws.limit:
            return ws.error(request, f"{name}: 超过单个文件 {ws.settings.max_upload_mb} MB 的上传上限", 413)
        if not content:
            return ws.error(request, f"{name}: 空文件", 400)
        data.append((content, name))
    work = ws.runner.submit(Work(key="", job=f"check-{secrets.token_hex(4)}", name=" / ".join(names),
                                 args=tuple(data), fn=check_pair))
    try:
        doc, goals = await asyncio.wrap_future(work.result)
    except InputError as e:
        return ws.error(request, str(e), 422)
    return ws.page(request, "check.html", doc=doc, goals=goals, report_name=names[0], plan_name=names[1])
