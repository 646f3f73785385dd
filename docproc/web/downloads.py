"""Downloads of what is on screen: corrections applied, corrected cells marked, and a 修改记录 of them.

The workbook is the project's own (``export.write_xlsx``); this module only marks the cells people
corrected (a fill and a note with the value before), writes the corrected deadline as the date that was
entered (not ``2023-05-31(2023-05-31)``) and adds a 修改记录 sheet. CSV gets an 已修改 column instead.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import Response

from ..model import Document
from .present import figure
from .state import DocumentFailed, WebState
from .store import Upload, printable
from .validate import FIELD_NAMES

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TASK_HEADERS = {"lead": "牵头单位", "responsible": "责任单位", "support": "配合单位", "deadline": "完成时限"}
QUANTITY_HEADERS = {"value": "数值", "unit": "单位"}
LOG_COLUMNS = ["文件", "条目", "位置", "字段", "原值", "修改为", "修改时间"]


@dataclass
class Entry:
    """One document of a download: as extracted, as corrected, and the corrections in between."""

    label: str
    original: Document
    doc: Document
    corrections: list[dict[str, str]]


async def entries(ws: WebState, uploads: list[Upload]) -> list[Entry]:
    """The documents of these uploads, each under a name of its own (two plan.txt become plan.txt (2))."""
    out: list[Entry] = []
    seen: dict[str, int] = {}
    for upload in uploads:
        try:
            original = await ws.document(upload, corrected=False)
            doc = await ws.document(upload)
        except DocumentFailed:
            continue
        seen[upload.name] = seen.get(upload.name, 0) + 1
        name = upload.name if seen[upload.name] == 1 else f"{upload.name} ({seen[upload.name]})"
        doc = copy.copy(doc)
        doc.source = name
        corrections = [{**c, "value": printable(c["value"])} for c in ws.store.corrections(upload.id)]
        out.append(Entry(name, original, doc, corrections))
    return out


def _latest(entry: Entry) -> dict[tuple[str, str], str]:
    """(item, field) → the value that stands (the latest correction wins)."""
    return {(c["item"], c["field"]): c["value"] for c in entry.corrections}


def _task_value(doc: Document, item: str, field: str) -> str:
    task = next((t for t in doc.tasks if t.id == item), None)
    if task is None:
        return ""
    if field == "deadline":
        return "、".join(d.date or d.text for d in task.deadlines)
    units = task.units
    return "、".join(getattr(units, field)) if units else ""


def _quantity_value(doc: Document, item: str, field: str) -> str:
    i = int(item[1:])
    if i >= len(doc.quantities):
        return ""
    q = doc.quantities[i]
    return figure(q.value, q.unit) if field == "value" else q.unit


def _place(doc: Document, item: str) -> str:
    if item.startswith("q"):
        return f"指标第 {int(item[1:]) + 1} 项"
    index = next((n for n, t in enumerate(doc.tasks, start=1) if t.id == item), None)
    return f"任务第 {index} 项" if index else item


def log_rows(entries_: list[Entry]) -> list[list[str]]:
    """修改记录: every correction in the order made, with the value before it."""
    rows = []
    for e in entries_:
        for c in e.corrections:
            item, field = c["item"], c["field"]
            read = _quantity_value if item.startswith("q") else _task_value
            after = _after(e.doc, item, field, c["value"])
            rows.append([e.label, item, _place(e.original, item), FIELD_NAMES.get(field, field),
                         read(e.original, item, field), after, c["created"]])
    return rows


def _after(doc: Document, item: str, field: str, value: str) -> str:
    """A corrected value as the page shows it (183.18万元 for a value)."""
    if field == "value" and _is_number(value) and int(item[1:]) < len(doc.quantities):
        return figure(float(value), doc.quantities[int(item[1:])].unit)
    return value


def _is_number(value: str) -> bool:
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


# --- xlsx ---------------------------------------------------------------------------------------------
def _header(ws) -> tuple[int, dict[str, int]]:
    """The header row (the first of the first rows that names 文件) and its columns by title."""
    for r in range(1, 4):
        titles = {str(c.value): c.column for c in ws[r] if c.value}
        if "文件" in titles:
            return r, titles
    return 0, {}


def _same_file(cell_value: object, label: str) -> bool:
    return cell_value in (label, Path(label).name, label.rsplit("!", 1)[-1])


def _mark(cell, before: str) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    cell.fill = PatternFill("solid", start_color="FFF2CC", end_color="FFF2CC")
    cell.comment = Comment(f"已修改,原为:{before or '(空)'}", "docproc")


def _mark_tasks(ws, entry: Entry, latest: dict[tuple[str, str], str]) -> None:
    head, cols = _header(ws)
    if not head or "序号" not in cols:
        return
    rows = {(r[cols["文件"] - 1].value, r[cols["序号"] - 1].value): r for r in ws.iter_rows(min_row=head + 1)}
    for n, task in enumerate(entry.doc.tasks, start=1):
        row = next((cells for (f, k), cells in rows.items() if k == n and _same_file(f, entry.label)), None)
        for (item, field), value in latest.items():
            if row is None or item != task.id or TASK_HEADERS[field] not in cols:
                continue
            cell = row[cols[TASK_HEADERS[field]] - 1]
            if field == "deadline":
                cell.value = value  # the date as entered, once
            _mark(cell, _task_value(entry.original, item, field))


def _mark_quantities(ws, entry: Entry, latest: dict[tuple[str, str], str]) -> None:
    head, cols = _header(ws)
    if not head:
        return
    rows = [r for r in ws.iter_rows(min_row=head + 1) if _same_file(r[cols["文件"] - 1].value, entry.label)]
    for (item, field), _value in latest.items():
        if not item.startswith("q") or int(item[1:]) >= len(rows) or QUANTITY_HEADERS.get(field) not in cols:
            continue
        _mark(rows[int(item[1:])][cols[QUANTITY_HEADERS[field]] - 1], _quantity_value(entry.original, item, field))


def workbook(entries_: list[Entry]) -> bytes:
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    from ..export import write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docproc.xlsx"
        write_xlsx([e.doc for e in entries_], path)
        wb = load_workbook(path)
        for e in entries_:
            latest = {k: v for k, v in _latest(e).items() if k[0].startswith(("t", "q"))}
            if "任务" in wb.sheetnames:
                _mark_tasks(wb["任务"], e, {k: v for k, v in latest.items() if k[0].startswith("t")})
            if "指标" in wb.sheetnames:
                _mark_quantities(wb["指标"], e, {k: v for k, v in latest.items() if k[0].startswith("q")})
        log = wb.create_sheet("修改记录")
        log.append(LOG_COLUMNS)
        for cell in log[1]:
            cell.font = Font(bold=True)
        for row in log_rows(entries_):
            log.append(row)
            for cell in log[log.max_row]:
                cell.data_type = "s"
        for letter, width in zip("ABCDEFG", (24, 8, 14, 12, 30, 30, 20), strict=True):
            log.column_dimensions[letter].width = width
        buf = io.BytesIO()
        wb.save(buf)
    return buf.getvalue()


# --- csv / json / md ------------------------------------------------------------------------------------
def tasks_csv(entries_: list[Entry]) -> str:
    from ..export.rows import TASK_COLUMNS, safe_cell, task_rows

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["文件", *TASK_COLUMNS, "已修改"])
    for e in entries_:
        latest = _latest(e)
        for task, row in zip(e.doc.tasks, task_rows(e.doc), strict=True):
            changed = [f for (item, f) in latest if item == task.id]
            if "deadline" in changed:
                row["完成时限"] = latest[(task.id, "deadline")]
            writer.writerow([safe_cell(e.label), *(safe_cell(row[c]) for c in TASK_COLUMNS),
                             "、".join(TASK_HEADERS[f] for f in changed)])
    return "\ufeff" + buf.getvalue()


def log_csv(entries_: list[Entry]) -> str:
    from ..export.rows import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(LOG_COLUMNS)
    for row in log_rows(entries_):
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + buf.getvalue()


def _md_cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def log_markdown(entries_: list[Entry]) -> str:
    """修改记录 as a Markdown table after the document (nothing when no cell was corrected)."""
    rows = log_rows(entries_)
    if not rows:
        return ""
    lines = ["", "## 修改记录", "", "| " + " | ".join(LOG_COLUMNS) + " |", "|" + " --- |" * len(LOG_COLUMNS)]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _finite(obj):
    """JSON has no NaN or Infinity: such numbers become null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    return obj


def as_json(entries_: list[Entry]) -> bytes:
    docs = []
    for e in entries_:
        obj = e.doc.to_json(explain=False)
        obj["corrections"] = e.corrections
        docs.append(obj)
    body = docs[0] if len(docs) == 1 else docs
    return json.dumps(_finite(body), ensure_ascii=False, indent=1, allow_nan=False).encode()


def docbin(entries_: list[Entry]) -> bytes:
    """The corrected documents as a spaCy ``DocBin`` with what people changed, for annotation and training
    tools (the role model and others learn from such corrections)."""
    from ..export.spacy_doc import write_docbin

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "docs.spacy"
        write_docbin([e.doc for e in entries_], path, [e.corrections for e in entries_])
        return path.read_bytes()


def respond(entries_: list[Entry], fmt: str, stem: str) -> Response:
    from ..export import render_text

    suffix = fmt
    if fmt == "xlsx":
        data, media = workbook(entries_), XLSX
    elif fmt == "csv":
        data, media = tasks_csv(entries_).encode("utf-8"), "text/csv; charset=utf-8"
    elif fmt == "corrections.csv":
        data, media, stem, suffix = log_csv(entries_).encode("utf-8"), "text/csv; charset=utf-8", f"{stem}-修改记录", "csv"
    elif fmt == "json":
        data, media = as_json(entries_), "application/json"
    elif fmt == "spacy":
        data, media = docbin(entries_), "application/octet-stream"
    elif fmt == "md":
        text = render_text([e.doc for e in entries_], "md") + log_markdown(entries_)
        data, media = text.encode(), "text/markdown; charset=utf-8"
    else:
        raise HTTPException(404, f"不能下载为 {fmt}")
    disposition = f"attachment; filename*=UTF-8''{quote(stem)}.{suffix}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})
