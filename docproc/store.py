"""The SQLite results store: one row per document, rows for its tasks, units, quantities, deadlines, findings.

Each document is written in one transaction, so a crash never leaves half a
document; a document already stored with the same content hash and tool
version is skipped, which makes a re-run resume where the last one stopped.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
  hash TEXT PRIMARY KEY, source TEXT NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, error TEXT,
  title TEXT, date TEXT, year INTEGER, kind TEXT, script TEXT, pages INTEGER, text TEXT
);
CREATE TABLE IF NOT EXISTS tasks (
  hash TEXT NOT NULL, task_id TEXT NOT NULL, section TEXT, text TEXT, start INTEGER, end INTEGER, page INTEGER,
  lead TEXT, responsible TEXT, support TEXT, deadlines TEXT, PRIMARY KEY (hash, task_id)
);
CREATE TABLE IF NOT EXISTS units (hash TEXT NOT NULL, task_id TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quantities (
  hash TEXT NOT NULL, text TEXT, value REAL, unit TEXT, op TEXT, role TEXT, indicator TEXT,
  start INTEGER, end INTEGER, page INTEGER
);
CREATE TABLE IF NOT EXISTS deadlines (
  hash TEXT NOT NULL, task_id TEXT, text TEXT, date TEXT, kind TEXT, start INTEGER, end INTEGER, page INTEGER
);
CREATE TABLE IF NOT EXISTS findings (
  hash TEXT NOT NULL, check_name TEXT, severity TEXT, message TEXT, evidence TEXT, start INTEGER, end INTEGER
);
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, hash TEXT);
CREATE INDEX IF NOT EXISTS units_name ON units(name);
CREATE INDEX IF NOT EXISTS deadlines_date ON deadlines(date);
"""

DATA_TABLES = ("tasks", "units", "quantities", "deadlines", "findings")


_OPEN_TRIES = 60  # about 50 s of retries (0.05 s growing to 1 s) before a store another process holds is busy


class StoreError(RuntimeError):
    """The store cannot be opened or written: one line that says why (the CLI prints it and exits 2)."""


def check_store_file(path: Path) -> None:
    """Refuse a file that is not an SQLite store of ours before SQLite touches it."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file")
    if path.exists() and path.stat().st_size:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{path}: not a docproc store (not an SQLite file); refused")


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        check_store_file(self.path)
        self.db: sqlite3.Connection | None = None
        # two batches may create the same store at once: switching a new file to WAL takes a lock that
        # SQLite's busy timeout does not wait for, so the opening is retried for a while
        for attempt in range(_OPEN_TRIES):
            try:
                self._open()
                return
            except sqlite3.DatabaseError as e:
                self._close_quietly()
                locked = isinstance(e, sqlite3.OperationalError) and ("locked" in str(e) or "busy" in str(e))
                if not locked:
                    raise StoreError(f"{self.path}: cannot open the store ({e})") from None
                time.sleep(min(0.05 * (attempt + 1), 1.0))
        raise StoreError(f"{self.path}: the store is busy (another docproc is writing it); try again later")

    def _open(self) -> None:
        self.db = sqlite3.connect(str(self.path), timeout=60)
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "documents" not in tables:
            self._close_quietly()
            raise StoreError(f"{self.path}: an SQLite file of another program (no documents table); refused")
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.commit()

    def _close_quietly(self) -> None:
        """Close a connection that failed while opening (a refused or corrupt file keeps no handle)."""
        if self.db is not None:
            self.db.close()
            self.db = None

    def close(self) -> None:
        self.db.close()

    def has(self, digest: str, version: str) -> bool:
        row = self.db.execute("SELECT version FROM documents WHERE hash = ?", (digest,)).fetchone()
        return row is not None and row[0] == version

    def add_source(self, source: str, digest: str) -> None:
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?)", (source, digest))

    def record_failure(self, source: str, digest: str, version: str, error: str) -> None:
        try:
            self._record_failure(source, digest, version, error)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot write the store ({e}); what was stored before is intact") from None

    def _record_failure(self, source: str, digest: str, version: str, error: str) -> None:
        with self.db:
            self._clear(digest)
            self.db.execute(
                "INSERT INTO documents (hash, source, version, status, error) VALUES (?, ?, ?, 'failed', ?)",
                (digest, source, version, error))
            self.db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?)", (source, digest))

    def _clear(self, digest: str) -> None:
        self.db.execute("DELETE FROM documents WHERE hash = ?", (digest,))
        for table in DATA_TABLES:
            self.db.execute(f"DELETE FROM {table} WHERE hash = ?", (digest,))  # noqa: S608 (fixed names)

    def write(self, source: str, digest: str, version: str, doc: dict[str, Any]) -> None:
        """One document in one transaction (a failed write leaves the store as it was)."""
        try:
            self._write(source, digest, version, doc)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot write the store ({e}); what was stored before is intact") from None

    def _write(self, source: str, digest: str, version: str, doc: dict[str, Any]) -> None:
        m = doc["doc"]
        with self.db:
            self._clear(digest)
            self.db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, 'done', NULL, ?, ?, ?, ?, ?, ?, ?)",
                (digest, source, version, m["title"], m["date"], m["year"], m["kind"], m["script"], m["pages"],
                 doc["text"]))
            for t in doc["tasks"]:
                u = t["units"]
                self.db.execute(
                    "INSERT INTO tasks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (digest, t["id"], " / ".join(t["section"]), t["text"], t["span"][0], t["span"][1], t["page"],
                     "、".join(u["lead"]), "、".join(u["responsible"]), "、".join(u["support"]),
                     json.dumps([d["date"] for d in t["deadlines"]])))
                for role in ("lead", "responsible", "support"):
                    for name in u[role]:
                        self.db.execute("INSERT INTO units VALUES (?, ?, ?, ?)", (digest, t["id"], role, name))
                for d in t["deadlines"]:
                    self.db.execute("INSERT INTO deadlines VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                    (digest, t["id"], d["text"], d["date"], d["kind"], d["span"][0], d["span"][1],
                                     d.get("page")))
            in_task = {tuple(d["span"]) for t in doc["tasks"] for d in t["deadlines"]}
            for d in doc["deadlines"]:
                if tuple(d["span"]) not in in_task:
                    self.db.execute("INSERT INTO deadlines VALUES (?, NULL, ?, ?, ?, ?, ?, ?)",
                                    (digest, d["text"], d["date"], d["kind"], d["span"][0], d["span"][1],
                                     d.get("page")))
            for q in doc["quantities"]:
                self.db.execute("INSERT INTO quantities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                (digest, q["text"], q["value"], q["unit"], q["op"], q["role"], q["indicator"],
                                 q["span"][0], q["span"][1], q.get("page")))
            for f in doc["findings"]:
                span = f["spans"][0] if f["spans"] else [None, None]
                self.db.execute("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (digest, f["check"], f["severity"], f["message"], f["evidence"], span[0], span[1]))
            self.db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?)", (source, digest))

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, sorted: two stores with the same content compare equal."""
        out = {}
        for table in ("documents", "sources", *DATA_TABLES):
            out[table] = sorted(self.db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)  # noqa: S608
        return out
