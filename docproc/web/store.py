"""What the web page keeps: uploaded files and people's corrections, in one SQLite file.

An upload is kept as its bytes (so every download re-reads it with the same code) and the
extraction is never overwritten: a correction is a row of its own beside it (document, task or
quantity, field, value, when), and ``apply`` lays the corrections over a freshly processed
``Document`` for the page, the downloads and the queries.

Upload ids are random (never derived from the content, so knowing a file does not open someone
else's upload), and each upload remembers the browser session that made it: another session sees
it only when the server runs with ``--shared``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass, replace
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
# columns added after the first release: an older file gains them when opened
_ADDED = {"owner": "TEXT", "status": "TEXT NOT NULL DEFAULT 'queued'", "error": "TEXT", "digest": "TEXT"}

TASK_FIELDS = ("lead", "responsible", "support", "deadline")
QUANTITY_FIELDS = ("value", "unit")
_NAME_SPLIT = re.compile(r"[、,,;;/\s]+")


@dataclass(frozen=True)
class Upload:
    id: str
    name: str
    ref_date: str | None
    status: str  # queued | working | done | failed
    error: str | None
    digest: str  # content + reference date: the key of the processing cache, never shown


def content_digest(data: bytes, ref_date: str | None) -> str:
    return hashlib.sha256(data + b"\0" + (ref_date or "").encode()).hexdigest()


class WebStore:
    """One SQLite connection shared by the request threads and the worker dispatcher (a lock orders them)."""

    def __init__(self, path: str | Path, shared: bool = False) -> None:
        self.shared = shared
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        have = {r[1] for r in self.db.execute("PRAGMA table_info(uploads)")}
        for column, decl in _ADDED.items():
            if column not in have:
                self.db.execute(f"ALTER TABLE uploads ADD COLUMN {column} {decl}")  # fixed names above
        self.db.commit()

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def _visible(self, owner: str | None) -> tuple[str, tuple]:
        return ("", ()) if self.shared else (" AND owner = ?", (owner,))

    def add_upload(self, name: str, data: bytes, ref_date: str | None, owner: str | None) -> str:
        doc_id = secrets.token_hex(12)
        now = dt.datetime.now().isoformat(timespec="seconds")
        with self._lock, self.db:
            self.db.execute("INSERT INTO uploads (id, name, data, ref_date, created, owner, status, digest)"
                            " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)",
                            (doc_id, name, data, ref_date, now, owner, content_digest(data, ref_date)))
        return doc_id

    def upload(self, doc_id: str, owner: str | None) -> Upload | None:
        """The upload if this session may see it (all of them with ``--shared``), else None."""
        where, args = self._visible(owner)
        with self._lock:
            row = self.db.execute("SELECT id, name, ref_date, status, error, digest FROM uploads"
                                  " WHERE id = ?" + where, (doc_id, *args)).fetchone()
        if row is None:
            return None
        return Upload(*row[:5], row[5] or self._digest(doc_id))

    def _digest(self, doc_id: str) -> str:
        """An upload kept before digests were stored: computed from its bytes once, then kept."""
        with self._lock, self.db:
            row = self.db.execute("SELECT data, ref_date FROM uploads WHERE id = ?", (doc_id,)).fetchone()
            digest = content_digest(row[0], row[1])
            self.db.execute("UPDATE uploads SET digest = ? WHERE id = ?", (digest, doc_id))
        return digest

    def data(self, doc_id: str) -> bytes:
        """The uploaded bytes (read only when they are processed, not for every page)."""
        with self._lock:
            row = self.db.execute("SELECT data FROM uploads WHERE id = ?", (doc_id,)).fetchone()
        return row[0] if row else b""

    def set_status(self, doc_id: str, status: str, error: str | None = None) -> None:
        with self._lock, self.db:
            self.db.execute("UPDATE uploads SET status = ?, error = ? WHERE id = ?", (status, error, doc_id))

    def uploads(self, owner: str | None, limit: int = 20) -> list[tuple[str, str, str, str]]:
        where, args = self._visible(owner)
        with self._lock:
            return self.db.execute("SELECT id, name, created, status FROM uploads WHERE 1 = 1" + where +
                                   " ORDER BY created DESC LIMIT ?", (*args, limit)).fetchall()

    def correct(self, doc_id: str, item: str, field: str, value: str) -> None:
        with self._lock, self.db:
            self.db.execute("INSERT INTO corrections (doc_id, item, field, value, created) VALUES (?, ?, ?, ?, ?)",
                            (doc_id, item, field, value, dt.datetime.now().isoformat(timespec="seconds")))

    def corrections(self, doc_id: str) -> list[dict[str, str]]:
        with self._lock:
            rows = self.db.execute("SELECT item, field, value, created FROM corrections WHERE doc_id = ?"
                                   " ORDER BY n", (doc_id,)).fetchall()
        return [{"item": r[0], "field": r[1], "value": r[2], "created": r[3]} for r in rows]


def _deadline(value: str, task_span: tuple[int, int]) -> Deadline:
    """A corrected deadline: validated to an ISO date before it is stored, or empty (no deadline)."""
    return Deadline(text=value, date=value, kind="by", span=task_span, rule="correction")


def _apply_task(task, field: str, value: str):
    if field == "deadline":
        return replace(task, deadlines=(_deadline(value, task.span),) if value else ())
    units = task.units or UnitClause((), (), (), task.span, "correction")
    names = tuple(n for n in _NAME_SPLIT.split(value) if n)
    return replace(task, units=replace(units, **{field: names}, rule="correction"))


def _apply_quantity(q, field: str, value: str):
    if field == "value":
        try:
            number = float(value)
        except ValueError:
            return q  # stored before values were validated: the extraction stands
        return replace(q, value=number, rule="correction") if number == number else q
    return replace(q, unit=value, rule="correction")


def printable(value: str) -> str:
    """Without control characters: a correction kept before they were refused must not break a download."""
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))


def apply(doc: Document, corrections: list[dict[str, str]]) -> Document:
    """The document with every correction laid over it, the latest winning (tasks t1…, quantities q0…)."""
    tasks = {t.id: t for t in doc.tasks}
    quantities = list(doc.quantities)
    for c in corrections:
        item, field, value = c["item"], c["field"], printable(c["value"]).strip()
        if item in tasks and field in TASK_FIELDS:
            tasks[item] = _apply_task(tasks[item], field, value)
        elif item.startswith("q") and item[1:].isdigit() and int(item[1:]) < len(quantities) \
                and field in QUANTITY_FIELDS:
            quantities[int(item[1:])] = _apply_quantity(quantities[int(item[1:])], field, value)
    doc.tasks = [tasks[t.id] for t in doc.tasks]
    doc.quantities = quantities
    return doc
