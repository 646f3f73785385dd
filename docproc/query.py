"""Queries over a batch store: tasks filtered by unit, deadline, document kind, finding or text."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from pathlib import Path

COLUMNS = ["source", "kind", "task_id", "section", "text", "lead", "responsible", "support", "deadlines", "page"]


def run_query(store: str | Path, unit: str | None = None, due_before: str | None = None, kind: str | None = None,
              finding: str | None = None, text: str | None = None) -> list[dict]:
    from .store import StoreError, check_store_file

    check_store_file(Path(store))
    if not Path(store).is_file():
        raise StoreError(f"{store}: no such store")
    db = sqlite3.connect(str(store))
    sql = ["SELECT d.source, d.kind, t.task_id, t.section, t.text, t.lead, t.responsible, t.support, t.deadlines,",
           "t.page FROM tasks t JOIN documents d ON d.hash = t.hash WHERE d.status = 'done'"]
    args: list[object] = []
    if unit:
        sql.append("AND EXISTS (SELECT 1 FROM units u WHERE u.hash = t.hash AND u.task_id = t.task_id AND u.name LIKE ?)")
        args.append(f"%{unit}%")
    if due_before:
        sql.append("AND EXISTS (SELECT 1 FROM deadlines x WHERE x.hash = t.hash AND x.task_id = t.task_id"
                   " AND x.date IS NOT NULL AND x.date <= ?)")
        args.append(due_before)
    if kind:
        sql.append("AND d.kind = ?")
        args.append(kind)
    if finding:
        sql.append("AND EXISTS (SELECT 1 FROM findings f WHERE f.hash = t.hash AND f.check_name = ?)")
        args.append(finding)
    if text:
        sql.append("AND t.text LIKE ?")
        args.append(f"%{text}%")
    sql.append("ORDER BY d.source, t.start")
    try:
        rows = [dict(zip(COLUMNS, r, strict=True)) for r in db.execute(" ".join(sql), args)]
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{store}: cannot read the store ({e})") from None
    finally:
        db.close()
    for r in rows:
        r["deadlines"] = ", ".join(d for d in json.loads(r["deadlines"] or "[]") if d)
    return rows


def write_rows(rows: list[dict], fmt: str, out: Path | None) -> None:
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        if out is None:
            raise SystemExit("docproc: --format xlsx needs --out FILE.xlsx")
        wb = Workbook()
        ws = wb.active
        ws.title = "任务"
        ws.append(COLUMNS)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        from .export.rows import safe_cell

        for r in rows:
            ws.append([safe_cell(r[c]) for c in COLUMNS])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        wb.save(str(out))
        return
    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        from .export.rows import safe_cell

        writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in rows)
        text = "\ufeff" + buf.getvalue()
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(show_lines=False)
        for c in ("source", "text", "responsible", "deadlines"):
            table.add_column(c)
        for r in rows:
            table.add_row(Path(r["source"]).name[-30:], (r["text"] or "")[:50], r["responsible"] or r["lead"] or "",
                          r["deadlines"])
        if out is None:
            Console(file=sys.stdout, width=160).print(table)
        else:
            with open(out, "w", encoding="utf-8") as fh:
                Console(file=fh, width=160).print(table)
        return
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
