"""The batch store given to ``docproc serve --store``: tasks with the filters of ``docproc query``, page by page,
a page per document, every finding across the store, and the filtered tasks as CSV or Excel.

The store is opened read-only for each request; nothing the client sends is used as a path.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from ..store import finding_message
from .state import web

router = APIRouter()
PER_PAGE = 100
TASK_HEADERS = {"source": "文件", "kind": "类型", "task_id": "任务编号", "section": "章节", "text": "任务内容",
                "lead": "牵头单位", "responsible": "责任单位", "support": "配合单位", "deadlines": "完成时限",
                "page": "页码"}
FILTERS = ("unit", "due_before", "kind", "finding", "text")


def _store(request: Request) -> Path:
    store = web(request).settings.store
    if store is None:
        raise HTTPException(404, "没有指定批量结果库:请用 docproc serve --store results.db 启动")
    return store


def _connect(store: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(store.resolve()))}?mode=ro", uri=True)


def _page_number(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 10**6 else 1


def _paging(total: int, page: int, params: dict[str, str]) -> dict[str, Any]:
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    link = {n: "?" + urlencode({**params, "page": n}) for n in (page - 1, page + 1) if 1 <= n <= pages}
    return {"page": page, "pages": pages, "total": total, "prev": link.get(page - 1), "next": link.get(page + 1),
            "start": (page - 1) * PER_PAGE}


def _tasks(request: Request, filters: dict[str, str]) -> list[dict]:
    from ..query import run_query
    from ..store import StoreError

    store = _store(request)
    try:
        rows = run_query(store, **{k: (v or None) for k, v in filters.items()})
    except StoreError as e:
        raise HTTPException(422, str(e)) from None
    with _connect(store) as db:
        hashes = dict(db.execute("SELECT source, hash FROM documents"))
    for r in rows:
        r["hash"] = hashes.get(r["source"])
    return rows


def _filters(request: Request) -> dict[str, str]:
    return {k: request.query_params.get(k, "").strip()[:200] for k in FILTERS}


@router.get("/archive", response_class=HTMLResponse)
async def archive(request: Request):
    filters = _filters(request)
    rows = _tasks(request, filters)
    paging = _paging(len(rows), _page_number(request.query_params.get("page", "")), filters)
    query = urlencode({k: v for k, v in filters.items() if v})
    return web(request).page(request, "archive.html", rows=rows[paging["start"]:paging["start"] + PER_PAGE],
                             paging=paging, filters=filters, query=query)


@router.get("/archive/download/{fmt}")
async def archive_download(request: Request, fmt: str) -> Response:
    """The filtered tasks (all pages) with Chinese headers."""
    from ..export.rows import safe_cell

    rows = _tasks(request, _filters(request))
    header = list(TASK_HEADERS.values())
    table = [[safe_cell(r[k]) for k in TASK_HEADERS] for r in rows]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(table)
        data, media = ("\ufeff" + buf.getvalue()).encode(), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        data, media = _xlsx(header, table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise HTTPException(404, f"不能下载为 {fmt}")
    name = quote("批量结果-任务")
    return Response(data, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}.{fmt}"})


def _xlsx(header: list[str], table: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "任务"
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table:
        ws.append(row)
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for letter, width in zip("ABCDEFGHIJ", (28, 8, 8, 24, 60, 20, 30, 20, 16, 6), strict=True):
        ws.column_dimensions[letter].width = width
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@router.get("/archive/findings", response_class=HTMLResponse)
async def findings(request: Request):
    check = request.query_params.get("check", "").strip()[:50]
    with _connect(_store(request)) as db:
        where, args = ("WHERE f.check_name = ?", [check]) if check else ("", [])
        total = db.execute(f"SELECT COUNT(*) FROM findings f {where}", args).fetchone()[0]  # noqa: S608
        paging = _paging(total, _page_number(request.query_params.get("page", "")), {"check": check})
        rows = db.execute(
            f"SELECT d.source, d.hash, f.check_name, f.severity, {finding_message(db, 'f.')}, f.evidence FROM findings f"
            f" JOIN documents d ON d.hash = f.hash {where} ORDER BY d.source, f.start LIMIT ? OFFSET ?",  # noqa: S608
            [*args, PER_PAGE, paging["start"]]).fetchall()
        checks = [r[0] for r in db.execute("SELECT DISTINCT check_name FROM findings ORDER BY 1")]
    return web(request).page(request, "archive_findings.html", rows=rows, paging=paging, check=check, checks=checks)


@router.get("/archive/doc/{digest}", response_class=HTMLResponse)
async def archive_doc(request: Request, digest: str):
    with _connect(_store(request)) as db:
        meta = db.execute("SELECT source, status, error, title, date, year, kind, pages FROM documents"
                          " WHERE hash = ?", (digest,)).fetchone()
        if meta is None:
            raise HTTPException(404, "批量结果库中没有这个文件")
        tasks = db.execute("SELECT task_id, section, text, lead, responsible, support, deadlines, page FROM tasks"
                           " WHERE hash = ? ORDER BY start", (digest,)).fetchall()
        quantities = db.execute("SELECT text, value, unit, role, indicator, page FROM quantities WHERE hash = ?"
                                " ORDER BY start", (digest,)).fetchall()
        found = db.execute(f"SELECT check_name, severity, {finding_message(db)} FROM findings WHERE hash = ? ORDER BY start",
                           (digest,)).fetchall()
    tasks = [(*t[:6], ", ".join(d for d in json.loads(t[6] or "[]") if d), t[7]) for t in tasks]
    return web(request).page(request, "archive_doc.html", meta=meta, tasks=tasks, quantities=quantities,
                             findings=found)
