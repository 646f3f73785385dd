"""Queries over a batch store: tasks filtered by unit, deadline, document kind or text; findings by check;
and the store's documents rebuilt for the same workbook ``extract --out x.xlsx`` writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import sys
from pathlib import Path

from .messages import header, word

COLUMNS = ["source", "kind", "task_id", "section", "text", "lead", "responsible", "support", "deadlines", "page"]
HEADERS = {"source": "文件", "kind": "文件类型", "task_id": "任务号", "section": "章节", "text": "任务内容",
           "lead": "牵头单位", "responsible": "责任单位", "support": "配合单位", "deadlines": "完成时限", "page": "页码"}
FINDING_COLUMNS = ["source", "check", "severity", "message", "evidence"]
FINDING_HEADERS = {"source": "文件", "check": "类型", "severity": "级别", "message": "说明", "evidence": "依据"}
KINDS = ("plan", "report", "mixed")
CHECKS = ("sum", "share", "completion", "growth", "goal", "conflict", "unit")


class QueryError(ValueError):
    """A filter docproc cannot use: one line saying which and what it accepts."""


def parse_date(value: str, option: str = "--due-before") -> str:
    """An ISO date (2024-06-30), checked to be a real day; anything else is refused."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
        raise QueryError(f"{option} 需要 YYYY-MM-DD 形式的日期,不是 {value!r}")
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise QueryError(f"{option} {value}: 不是有效日期") from None


def _code(value: str, codes: tuple[str, ...], group: str, option: str) -> str:
    """A code given as a code (plan) or as its Chinese word (计划)."""
    for c in codes:
        if value in (c, word(group, c, "zh"), word(group, c, "en")):
            return c
    accepted = "、".join(f"{c}({word(group, c, 'zh')})" for c in codes)
    raise QueryError(f"{option} {value!r}: 只能是 {accepted}")


def check_code(value: str) -> str:
    return _code(value, CHECKS, "check", "--finding")


def kind_code(value: str) -> str:
    return _code(value, KINDS, "kind", "--kind")


def _open(store: str | Path) -> sqlite3.Connection:
    from .store import StoreError, check_store_file

    check_store_file(Path(store))
    if not Path(store).is_file():
        raise StoreError(f"{store}: no such store")
    return sqlite3.connect(str(store))


def run_query(store: str | Path, unit: str | None = None, due_before: str | None = None, kind: str | None = None,
              finding: str | None = None, text: str | None = None) -> list[dict]:
    """Tasks of done documents matching every filter given (``finding``: documents with such a finding)."""
    from .store import StoreError

    if due_before:
        due_before = parse_date(due_before)
    kind = kind_code(kind) if kind else None
    finding = check_code(finding) if finding else None
    db = _open(store)
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


def run_findings(store: str | Path, check: str | None = None, kind: str | None = None) -> list[dict]:
    """The findings of a store (of one check when given), one row each."""
    from .store import StoreError, finding_message

    check = check_code(check) if check else None
    kind = kind_code(kind) if kind else None
    db = _open(store)
    try:
        sql = (f"SELECT d.source, f.check_name, f.severity, {finding_message(db, 'f.')}, f.evidence"  # noqa: S608
               " FROM findings f JOIN documents d"
               " ON d.hash = f.hash WHERE d.status = 'done'" + (" AND f.check_name = ?" if check else "")
               + (" AND d.kind = ?" if kind else "") + " ORDER BY d.source, f.start")
        return [dict(zip(FINDING_COLUMNS, r, strict=True))
                for r in db.execute(sql, [a for a in (check, kind) if a])]
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{store}: cannot read the store ({e})") from None
    finally:
        db.close()


def _as_words(rows: list[dict], lang: str) -> list[dict]:
    """Codes in cells as words (plan -> 计划, sum -> 合计核对); file names instead of paths."""
    out = []
    for r in rows:
        r = dict(r)
        if "source" in r:
            r["source"] = Path(r["source"]).name or r["source"]
        for col, group in (("kind", "kind"), ("check", "check"), ("severity", "severity")):
            if col in r:
                r[col] = word(group, r[col], lang)
        out.append(r)
    return out


def write_rows(rows: list[dict], fmt: str, out: Path | None, lang: str = "zh", findings: bool = False) -> None:
    """Tasks (or findings) as table, csv, xlsx or json; JSON keeps the codes, the others show words."""
    columns = FINDING_COLUMNS if findings else COLUMNS
    names = FINDING_HEADERS if findings else HEADERS
    if fmt == "json":
        text = json.dumps(rows, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
        _write_text(text, out)
        return
    rows = _as_words(rows, lang)
    heads = [header(names[c], lang) for c in columns]
    if fmt == "xlsx":
        _write_xlsx(rows, columns, heads, out, lang, "核查" if findings else "任务")
    elif fmt == "csv":
        from .export.rows import csv_cell, split_long

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(heads)
        for r in rows:
            for piece in split_long([r[c] for c in columns]):
                writer.writerow(["" if v is None else csv_cell(v) for v in piece])
        _write_text("\ufeff" + buf.getvalue(), out)
    else:
        _write_table(rows, columns, heads, out)


def _write_text(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _write_xlsx(rows: list[dict], columns: list[str], heads: list[str], out: Path | None, lang: str,
                sheet: str) -> None:
    from openpyxl import Workbook

    from .export.xlsx import _sheet

    if out is None:
        raise QueryError("--format xlsx 需要 --out 文件名.xlsx")
    wb = Workbook()
    wb.remove(wb.active)
    ws = _sheet(wb, sheet, columns, rows, lang)
    for col, h in enumerate(heads, start=1):
        ws.cell(1, col).value = h
    wb.save(str(out))


def _write_table(rows: list[dict], columns: list[str], heads: list[str], out: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    shown = [c for c in columns if c in ("source", "text", "responsible", "deadlines", "check", "message")]
    table = Table(show_lines=False)
    for c in shown:
        table.add_column(heads[columns.index(c)])
    for r in rows:
        if "message" in r:
            table.add_row(str(r["source"])[-30:], str(r["check"]), (r["message"] or "")[:80])
        else:
            table.add_row(str(r["source"])[-30:], (r["text"] or "")[:50], r["responsible"] or r["lead"] or "",
                          r["deadlines"])
    if out is None:
        Console(file=sys.stdout, width=160).print(table)
    else:
        with open(out, "w", encoding="utf-8") as fh:
            Console(file=fh, width=160).print(table)


# --- the store's documents, for the same workbook extract writes ---------------------------------------


def documents_from_store(store: str | Path) -> list:
    """Every done document of a store rebuilt as a Document (text, meta, tasks with units and deadlines,
    figures, deadlines, findings), so that ``export --format xlsx`` writes the workbook of ``extract``."""
    from .store import StoreError

    db = _open(store)
    try:
        hashes = db.execute("SELECT hash, source, title, date, year, kind, script, pages, text FROM documents"
                            " WHERE status = 'done' ORDER BY source").fetchall()
        return [_document(db, *row) for row in hashes]
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{store}: cannot read the store ({e})") from None
    finally:
        db.close()


def _document(db: sqlite3.Connection, digest, source, title, date, year, kind, script, pages, text):
    from .model import Deadline, DocMeta, Document, Finding, Quantity, Task, UnitClause
    from .store import finding_message

    doc = Document(source=source, text=text or "", meta=DocMeta(title or "", date, year, script or "simplified",
                                                                   kind or "report", pages or 1))
    doc.quantities = [Quantity(t, v, u, op, role, ind or "", (s, e), page=p) for t, v, u, op, role, ind, s, e, p in
                      db.execute("SELECT text, value, unit, op, role, indicator, start, end, page FROM quantities"
                                 " WHERE hash = ? ORDER BY start", (digest,))]
    by_task: dict[str | None, list] = {}
    for tid, t, d, k, s, e, p in db.execute("SELECT task_id, text, date, kind, start, end, page FROM deadlines"
                                            " WHERE hash = ? ORDER BY start", (digest,)):
        by_task.setdefault(tid, []).append(Deadline(t, d, k, (s, e), page=p))
    doc.deadlines = sorted((d for ds in by_task.values() for d in ds), key=lambda d: d.span)
    units: dict[str, dict[str, list[str]]] = {}
    for tid, role, name in db.execute("SELECT task_id, role, name FROM units WHERE hash = ? ORDER BY rowid",
                                      (digest,)):
        units.setdefault(tid, {}).setdefault(role, []).append(name)
    for tid, section, ttext, s, e, p in db.execute("SELECT task_id, section, text, start, end, page FROM tasks"
                                                   " WHERE hash = ? ORDER BY start", (digest,)):
        u = units.get(tid, {})
        clause = UnitClause(tuple(u.get("lead", ())), tuple(u.get("responsible", ())), tuple(u.get("support", ())),
                            (s, e)) if u else None
        qs = tuple(q for q in doc.quantities if s <= q.span[0] and q.span[1] <= e)
        doc.tasks.append(Task(tid, tuple(x for x in (section or "").split(" / ") if x), ttext or "", (s, e), p,
                              clause, tuple(by_task.get(tid, ())), qs))
    doc.findings = [Finding(c, sev, m or "", ev or "", ((s, e),) if s is not None else ())
                    for c, sev, m, ev, s, e in db.execute(
                        f"SELECT check_name, severity, {finding_message(db)}, evidence, start, end"  # noqa: S608
                        " FROM findings WHERE hash = ?"
                        " ORDER BY start", (digest,))]
    return doc
