"""The supervision ledger (督办台账) of the batch store given to ``docproc serve --store`` (issue 26).

``GET /ledger`` shows the ledger on a date (today unless ``as_of`` is given), filtered by unit and status:
counts by unit, the overdue and due-soon tasks, targets against what later reports give, every task.
``GET /ledger/download/{xlsx|csv|md|json|ics}`` the same ledger as a file. The store is read-only and
named on the command line; nothing the client sends is used as a path.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from .state import web

router = APIRouter()
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8",
         "json": "application/json", "ics": "text/calendar; charset=utf-8"}


def _store(request: Request) -> Path:
    store = web(request).settings.store
    if store is None:
        raise HTTPException(404, "没有指定批量结果库:请用 docproc serve --store results.db 启动")
    return store


def _params(request: Request) -> dict[str, Any]:
    """as_of (default today), unit, status and days from the query, checked; a bad value is a 400."""
    from ..ledger import STATUSES

    q = request.query_params
    raw = q.get("as_of", "").strip()
    try:
        as_of = dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError:
        raise HTTPException(400, f"日期格式应为 YYYY-MM-DD:{raw[:20]}") from None
    status = q.get("status", "").strip()
    if status and status not in STATUSES:
        raise HTTPException(400, f"没有这种状态:{status[:20]}")
    days_raw = q.get("days", "").strip() or "30"
    if not days_raw.isdigit() or int(days_raw) > 3660:
        raise HTTPException(400, "即将到期的天数应为0到3660之间的整数")
    return {"as_of": as_of, "unit": q.get("unit", "").strip()[:100], "status": status, "days": int(days_raw)}


_docs_lock = threading.Lock()
_docs_cache: dict[str, tuple[tuple[int, int], list]] = {}


def _documents(store: Path) -> list:
    """The store's documents, read again only when the store file changed (a batch may still be adding)."""
    from ..ledger.load import load_documents

    st = store.stat()
    stamp = (st.st_mtime_ns, st.st_size)
    with _docs_lock:
        hit = _docs_cache.get(str(store))
        if hit is not None and hit[0] == stamp:
            return hit[1]
        docs = load_documents(store)
        _docs_cache.clear()
        _docs_cache[str(store)] = (stamp, docs)
        return docs


def _ledger(request: Request, p: dict[str, Any]):
    from ..ledger import ledger_of
    from ..store import StoreError

    try:
        return ledger_of(_documents(_store(request)), p["as_of"], unit=p["unit"] or None, days=p["days"],
                         status=p["status"] or None)
    except (StoreError, OSError) as e:
        raise HTTPException(422, str(e).splitlines()[0] if str(e) else "批量结果库无法读取") from None


def _query(p: dict[str, Any]) -> str:
    return urlencode({"as_of": p["as_of"].isoformat(), "unit": p["unit"], "status": p["status"], "days": p["days"]})


@router.get("/ledger", response_class=HTMLResponse)
def ledger_page(request: Request):
    from ..ledger import STATUSES, status_label
    from ..ledger.views import headline, urgent

    p = _params(request)
    result = _ledger(request, p)
    return web(request).page(
        request, "ledger.html", ledger=result, headline=headline(result), urgent=urgent(result), params=p,
        statuses=[(s, status_label(s)) for s in STATUSES], query=_query(p))


@router.get("/ledger/download/{fmt}")
def ledger_download(request: Request, fmt: str) -> Response:
    from ..ledger import render

    if fmt not in MEDIA:
        raise HTTPException(404, f"不能下载为 {fmt[:10]}")
    p = _params(request)
    result = _ledger(request, p)
    if fmt == "xlsx":
        data = _xlsx(result)
    else:
        out = render(result, fmt)
        data = out if isinstance(out, bytes) else (("\ufeff" + out.lstrip("\ufeff")) if fmt == "csv" else out).encode()
    name = quote(f"督办台账-{p['as_of'].isoformat()}")
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}.{fmt}"})


def _xlsx(result) -> bytes:
    import tempfile

    from ..ledger.xlsx import write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ledger.xlsx"
        write_xlsx(result, out)
        return out.read_bytes()
