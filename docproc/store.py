"""The SQLite results store: one row per document, rows for its tasks, units, quantities, deadlines, findings.

Each document is written inside its own savepoint, and documents are committed
in small groups, so a crash never leaves half a document (at most the last group
is lost); a document already stored with the same content hash and tool version
is skipped, which makes a re-run resume where the last one stopped. Every table
is indexed on ``hash``, so the cost of writing a document does not grow with
the store (``tests/test_store.py`` counts the statements and reads the query plans).
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
  hash TEXT NOT NULL, check_name TEXT, severity TEXT, message TEXT, evidence TEXT, start INTEGER, end INTEGER,
  message_zh TEXT
);
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, hash TEXT);
CREATE TABLE IF NOT EXISTS skipped (source TEXT PRIMARY KEY, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS units_name ON units(name);
CREATE INDEX IF NOT EXISTS deadlines_date ON deadlines(date);
"""

# Every table a document's rows live in is searched by hash (the delete of a re-processed document, the
# query's EXISTS joins): without these, each delete scans the whole table and a batch grows with the square
# of its size. Created at every open, so a store written by an older version gains them (IF NOT EXISTS).
INDEXES = """
CREATE INDEX IF NOT EXISTS units_hash ON units(hash, task_id);
CREATE INDEX IF NOT EXISTS quantities_hash ON quantities(hash);
CREATE INDEX IF NOT EXISTS deadlines_hash ON deadlines(hash, task_id);
CREATE INDEX IF NOT EXISTS findings_hash ON findings(hash, check_name);
CREATE INDEX IF NOT EXISTS sources_hash ON sources(hash);
CREATE INDEX IF NOT EXISTS documents_kind ON documents(kind);
"""

DATA_TABLES = ("tasks", "units", "quantities", "deadlines", "findings")


_OPEN_TRIES = 60  # about 50 s of retries (0.05 s growing to 1 s) before a store another process holds is busy


_COMMIT_AFTER = 1.0  # seconds: a slow batch still shows its progress to readers of the store about once a second


class StoreError(RuntimeError):
    """The store cannot be opened or written: one line that says why (the CLI prints it and exits 2)."""


def check_store_file(path: Path) -> None:
    """Refuse a file that is not an SQLite store of ours before SQLite touches it."""
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file")
    if path.exists() and not path.is_file():  # a FIFO or a device: opening it would block or never end
        raise StoreError(f"{path}: 不是普通文件(管道或设备),不能作为结果库")
    if path.exists() and path.stat().st_size:
        with open(path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise StoreError(f"{path}: not a docproc store (not an SQLite file); refused")


class Store:
    """One store file. Documents are written in groups of up to ``commit_every`` (each inside its own
    savepoint, so a failed write takes back that document alone): a crash loses at most the last group,
    never part of a document, and the next run redoes what is missing. ``close`` commits the rest."""

    def __init__(self, path: str | Path, commit_every: int = 16) -> None:
        self.path = Path(path)
        self.commit_every = max(1, commit_every)
        self._uncommitted = 0
        self._began = 0.0
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
        self.db.executescript(SCHEMA + INDEXES)
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(findings)")}
        if "message_zh" not in columns:  # a store written before findings were kept in Chinese too
            self.db.execute("ALTER TABLE findings ADD COLUMN message_zh TEXT")
        self.db.commit()

    def _close_quietly(self) -> None:
        """Close a connection that failed while opening (a refused or corrupt file keeps no handle)."""
        if self.db is not None:
            self.db.close()
            self.db = None

    def close(self) -> None:
        self.commit()
        self.db.close()

    def commit(self) -> None:
        """Make the documents written so far durable (and visible to other connections)."""
        if self.db.in_transaction:
            self.db.commit()
        self._uncommitted = 0

    def has(self, digest: str, version: str) -> bool:
        row = self.db.execute("SELECT version FROM documents WHERE hash = ?", (digest,)).fetchone()
        return row is not None and row[0] == version

    def failure(self, digest: str) -> str | None:
        """The reason a stored document failed, or None (a resumed batch says it again)."""
        row = self.db.execute("SELECT error FROM documents WHERE hash = ? AND status = 'failed'", (digest,)).fetchone()
        return row[0] if row else None

    def record_skipped(self, rows: list[tuple[str, str]]) -> None:
        """Files not read (unknown suffixes), with the reason: every input is accounted for."""
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO skipped VALUES (?, ?)", rows)
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: cannot write the store ({e}); what was stored before is intact") from None

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
        """Remove a document's rows before it is written again; a document never stored has none, and its
        delete (one index probe per table) is skipped."""
        if self.db.execute("SELECT 1 FROM documents WHERE hash = ?", (digest,)).fetchone() is None:
            return
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
        rows = _rows(digest, doc)
        if not self.db.in_transaction:
            # IMMEDIATE: the write lock is taken now, waiting (busy timeout) while another batch holds it; a
            # deferred BEGIN reads first and then fails at once with "database is locked" when the other
            # batch committed in between (a stale snapshot cannot be upgraded, and SQLite does not wait)
            self.db.execute("BEGIN IMMEDIATE")
            self._began = time.monotonic()
        self.db.execute("SAVEPOINT document")
        try:
            self._clear(digest)
            self.db.execute(
                "INSERT INTO documents VALUES (?, ?, ?, 'done', NULL, ?, ?, ?, ?, ?, ?, ?)",
                (digest, source, version, m["title"], m["date"], m["year"], m["kind"], m["script"], m["pages"],
                 doc["text"]))
            for table, values in rows.items():
                if values:
                    marks = ", ".join("?" * len(values[0]))
                    self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", values)  # noqa: S608 (fixed names)
            self.db.execute("INSERT OR IGNORE INTO sources VALUES (?, ?)", (source, digest))
        except BaseException:
            self.db.execute("ROLLBACK TO document")
            self.db.execute("RELEASE document")
            raise
        self.db.execute("RELEASE document")
        self._uncommitted += 1
        if self._uncommitted >= self.commit_every or time.monotonic() - self._began > _COMMIT_AFTER:
            self.commit()

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, sorted: two stores with the same content compare equal."""
        out = {}
        for table in ("documents", "sources", *DATA_TABLES):
            out[table] = sorted(self.db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)  # noqa: S608
        return out


def finding_message(db: sqlite3.Connection, alias: str = "") -> str:
    """The SQL for a finding's message as people read it: the Chinese one, where the store keeps it (a store
    written by an older version, opened read-only, has only the English one)."""
    columns = {r[1] for r in db.execute("PRAGMA table_info(findings)")}
    return f"COALESCE({alias}message_zh, {alias}message)" if "message_zh" in columns else f"{alias}message"


def _rows(digest: str, doc: dict[str, Any]) -> dict[str, list[tuple]]:
    """The rows of each data table for one document (one ``executemany`` per table, not a statement per row)."""
    tasks, units, deadlines = [], [], []
    for t in doc["tasks"]:
        u = t["units"]
        tasks.append((digest, t["id"], " / ".join(t["section"]), t["text"], t["span"][0], t["span"][1], t["page"],
                      "、".join(u["lead"]), "、".join(u["responsible"]), "、".join(u["support"]),
                      json.dumps([d["date"] for d in t["deadlines"]])))
        units.extend((digest, t["id"], role, name) for role in ("lead", "responsible", "support") for name in u[role])
        deadlines.extend((digest, t["id"], d["text"], d["date"], d["kind"], d["span"][0], d["span"][1], d.get("page"))
                         for d in t["deadlines"])
    in_task = {tuple(d["span"]) for t in doc["tasks"] for d in t["deadlines"]}
    deadlines.extend((digest, None, d["text"], d["date"], d["kind"], d["span"][0], d["span"][1], d.get("page"))
                     for d in doc["deadlines"] if tuple(d["span"]) not in in_task)
    quantities = [(digest, q["text"], q["value"], q["unit"], q["op"], q["role"], q["indicator"], q["span"][0],
                   q["span"][1], q.get("page")) for q in doc["quantities"]]
    findings = []
    for f in doc["findings"]:
        span = f["spans"][0] if f["spans"] else [None, None]
        findings.append((digest, f["check"], f["severity"], f["message"], f["evidence"], span[0], span[1],
                         f.get("message_zh")))
    return {"tasks": tasks, "units": units, "deadlines": deadlines, "quantities": quantities, "findings": findings}
