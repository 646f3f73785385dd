"""What the web page keeps: uploaded files and people's corrections, in one SQLite file.

An upload is kept as its bytes (so every download re-reads it with the same code) and the
extraction is never overwritten: a correction is a row of its own beside it (document, task or
quantity, field, value, when), and ``apply`` lays the corrections over a freshly processed
``Document`` for the page, the downloads and the queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

from ..model import Deadline, Document, UnitClause

SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, data BLOB NOT NULL, ref_date TEXT, created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS corrections (
  n INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, item TEXT NOT NULL, field TEXT NOT NULL,
  value TEXT NOT NULL, created TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS corrections_doc ON corrections(doc_id);
"""

TASK_FIELDS = ("lead", "responsible", "support", "deadline")
QUANTITY_FIELDS = ("value", "unit")
_NAME_SPLIT = re.compile(r"[、,,;;/\s]+")


class WebStore:
    def __init__(self, path: str | Path) -> None:
        self.db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    def add_upload(self, name: str, data: bytes, ref_date: str | None) -> str:
        doc_id = hashlib.sha256(data + (ref_date or "").encode()).hexdigest()[:16]
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO uploads VALUES (?, ?, ?, ?, ?)",
                            (doc_id, name, data, ref_date, dt.datetime.now().isoformat(timespec="seconds")))
        return doc_id

    def upload(self, doc_id: str) -> tuple[str, bytes, str | None] | None:
        row = self.db.execute("SELECT name, data, ref_date FROM uploads WHERE id = ?", (doc_id,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def uploads(self) -> list[tuple[str, str, str]]:
        return self.db.execute("SELECT id, name, created FROM uploads ORDER BY created DESC").fetchall()

    def correct(self, doc_id: str, item: str, field: str, value: str) -> None:
        if item.startswith("t") and field not in TASK_FIELDS or item.startswith("q") and field not in QUANTITY_FIELDS:
            raise ValueError(f"cannot correct {field} of {item}")
        with self.db:
            self.db.execute("INSERT INTO corrections (doc_id, item, field, value, created) VALUES (?, ?, ?, ?, ?)",
                            (doc_id, item, field, value, dt.datetime.now().isoformat(timespec="seconds")))

    def corrections(self, doc_id: str) -> list[dict[str, str]]:
        rows = self.db.execute("SELECT item, field, value, created FROM corrections WHERE doc_id = ? ORDER BY n",
                               (doc_id,)).fetchall()
        return [{"item": r[0], "field": r[1], "value": r[2], "created": r[3]} for r in rows]


def _deadline(value: str, task_span: tuple[int, int]) -> Deadline:
    iso = value.strip()
    try:
        dt.date.fromisoformat(iso)
    except ValueError:
        iso = None
    return Deadline(text=value.strip(), date=iso, kind="by", span=task_span, rule="correction")


def apply(doc: Document, corrections: list[dict[str, str]]) -> Document:
    """The document with every correction laid over it, the latest winning (tasks t1…, quantities q0…)."""
    tasks = {t.id: t for t in doc.tasks}
    quantities = list(doc.quantities)
    for c in corrections:
        item, field, value = c["item"], c["field"], c["value"]
        if item in tasks:
            task = tasks[item]
            if field == "deadline":
                tasks[item] = replace(task, deadlines=(_deadline(value, task.span),) if value.strip() else ())
            else:
                units = task.units or UnitClause((), (), (), task.span, "correction")
                names = tuple(n for n in _NAME_SPLIT.split(value) if n)
                tasks[item] = replace(task, units=replace(units, **{field: names}, rule="correction"))
        elif item.startswith("q") and item[1:].isdigit() and int(item[1:]) < len(quantities):
            i = int(item[1:])
            if field == "value":
                try:
                    quantities[i] = replace(quantities[i], value=float(value), rule="correction")
                except ValueError:
                    continue
            else:
                quantities[i] = replace(quantities[i], unit=value.strip(), rule="correction")
    doc.tasks = [tasks[t.id] for t in doc.tasks]
    doc.quantities = quantities
    return doc
