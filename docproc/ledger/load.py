"""Documents of a batch store, rebuilt as ``Document`` objects so the goal matching can read them.

The store keeps each document's normalized text, metadata, tasks, units, deadlines and figures with
their spans. Sentences, sections and tables are rebuilt from the stored text by the same structure
stage that made them (no extraction runs again), so every stored span still points into the text.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..model import Deadline, DocMeta, Document, Quantity, TableRef, Task, UnitClause


@dataclass
class StoredDoc:
    """One stored document: its content hash and the rebuilt document."""

    hash: str
    doc: Document

    @property
    def kind(self) -> str:
        return self.doc.meta.kind


def open_store(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to a store; a missing or foreign file is a one-line StoreError."""
    from ..store import StoreError, check_store_file

    path = Path(path)
    check_store_file(path)
    if not path.is_file():
        raise StoreError(f"{path}: no such store")
    from urllib.parse import quote

    db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as e:
        db.close()
        raise StoreError(f"{path}: cannot read the store ({e})") from None
    if not {"documents", "tasks", "units", "deadlines", "quantities"} <= names:
        db.close()
        raise StoreError(f"{path}: not a docproc batch store")
    return db


def load_documents(path: str | Path, kinds: tuple[str, ...] = ("plan", "report", "mixed")) -> list[StoredDoc]:
    """Every processed document of these kinds, in source order."""
    from ..store import StoreError

    db = open_store(path)
    try:
        rows = db.execute(
            "SELECT hash, source, title, date, year, kind, script, pages, text FROM documents"
            " WHERE status = 'done' ORDER BY source").fetchall()
        out = []
        for digest, source, title, date, year, kind, script, pages, text in rows:
            if kind not in kinds or text is None:
                continue
            meta = DocMeta(title=title or "", date=date, year=year, script=script or "simplified", kind=kind,
                           pages=pages or 1)
            out.append(StoredDoc(digest, _rebuild(db, digest, Document(source=source, text=text, meta=meta))))
        return out
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path}: cannot read the store ({e})") from None
    finally:
        db.close()


def _rebuild(db: sqlite3.Connection, digest: str, doc: Document) -> Document:
    from .. import structure
    from ..tables import find_tables

    structure.build(doc)
    doc.tables = find_tables(doc)
    doc.quantities = sorted(
        (Quantity(text=t or "", value=v if v is not None else 0.0, unit=u or "", op=op or "=", role=role or "other",
                  indicator=ind or "", span=(s, e), page=page)
         for t, v, u, op, role, ind, s, e, page in db.execute(
            "SELECT text, value, unit, op, role, indicator, start, end, page FROM quantities WHERE hash = ?",
            (digest,))),
        key=lambda q: q.span)
    by_task: dict[str, list[Deadline]] = {}
    every: list[Deadline] = []
    for task_id, t, date, kind, s, e, page in db.execute(
            "SELECT task_id, text, date, kind, start, end, page FROM deadlines WHERE hash = ?", (digest,)):
        d = Deadline(text=t or "", date=date, kind=kind or "by", span=(s, e), page=page)
        every.append(d)
        if task_id is not None:
            by_task.setdefault(task_id, []).append(d)
    doc.deadlines = sorted(every, key=lambda d: d.span)
    units: dict[tuple[str, str], list[str]] = {}
    for task_id, role, name in db.execute("SELECT task_id, role, name FROM units WHERE hash = ? ORDER BY rowid",
                                          (digest,)):
        units.setdefault((task_id, role), []).append(name)
    tasks = []
    for task_id, section, text, s, e, page in db.execute(
            "SELECT task_id, section, text, start, end, page FROM tasks WHERE hash = ?", (digest,)):
        clause = UnitClause(tuple(units.get((task_id, "lead"), ())), tuple(units.get((task_id, "responsible"), ())),
                            tuple(units.get((task_id, "support"), ())), (s, s))
        qs = tuple(q for q in doc.quantities if s <= q.span[0] and q.span[1] <= e)
        tasks.append(Task(id=task_id, section=tuple(x for x in (section or "").split(" / ") if x), text=text or "",
                          span=(s, e), page=page, units=clause,
                          deadlines=tuple(sorted(by_task.get(task_id, []), key=lambda d: d.span)), quantities=qs,
                          table=_row_of(doc, (s, e))))
    doc.tasks = sorted(tasks, key=lambda t: t.span)
    return doc


def _row_of(doc: Document, span: tuple[int, int]) -> TableRef | None:
    """The task-table row a task's span covers (its words are then the row's content cells)."""
    for table in doc.tables:
        if not (table.span[0] <= span[0] < table.span[1]):
            continue
        for r, row in enumerate(table.rows):
            if r < table.header_rows:
                continue
            cells = [c for c in row if c.span[1] > c.span[0]]
            if cells and span[0] <= cells[0].span[0] and cells[-1].span[1] <= span[1]:
                return TableRef(table=table.index, row=r)
    return None
