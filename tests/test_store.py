"""The batch store: the work of a write does not grow with the store (statements counted, query plans read)."""

from __future__ import annotations

import sqlite3
from functools import cache

import pytest

from docproc import query
from docproc.pipeline import process_text
from docproc.store import DATA_TABLES, SCHEMA, Store, StoreError

PLAN_TEXT = """关于推进2026年城乡基础设施建设的实施方案
一、全年新建农村公路120公里,6月底前完成招标。(牵头单位:县交通运输局;配合单位:县财政局)
二、改造老旧小区35个,惠及居民1.2万户,年底前全部完工。(责任单位:县住建局)
三、新增城镇就业岗位3000个,城镇调查失业率控制在5.5%以内。(牵头单位:县人社局)
"""


@cache
def _doc() -> dict:
    doc = process_text(PLAN_TEXT).to_json()
    assert doc["tasks"] and doc["quantities"] and doc["deadlines"]  # every table gets rows
    return doc


def _digest(i: int) -> str:
    return f"{i:064x}"


def _statements(store: Store) -> list[str]:
    seen: list[str] = []
    store.db.set_trace_callback(seen.append)
    return seen


def _plan(db: sqlite3.Connection, sql: str, args: tuple = ()) -> list[str]:
    return [row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql, args)]


def test_every_lookup_by_hash_uses_an_index(tmp_path):
    store = Store(tmp_path / "s.db")
    for table in ("documents", "sources", *DATA_TABLES):
        steps = _plan(store.db, f"DELETE FROM {table} WHERE hash = ?", ("x",))  # noqa: S608
        assert steps and all("USING" in s and "INDEX" in s for s in steps), (table, steps)
    store.close()


def test_a_new_document_is_written_without_deletes_and_the_same_work_at_any_size(tmp_path):
    store = Store(tmp_path / "s.db")
    counts = []
    for i in range(120):
        seen = _statements(store)
        store.write(f"d{i}.txt", _digest(i), "v1", _doc())
        store.db.set_trace_callback(None)
        assert not [s for s in seen if s.lstrip().upper().startswith("DELETE")]
        counts.append(len([s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))]))
    assert counts[0] == counts[-1] == counts[60]
    # written again (a new tool version): its old rows go, one delete per table
    seen = _statements(store)
    store.write("d0.txt", _digest(0), "v2", _doc())
    assert len([s for s in seen if s.upper().startswith("DELETE")]) == 1 + len(DATA_TABLES)
    store.close()
    again = Store(tmp_path / "s.db")
    n = again.db.execute("SELECT COUNT(*) FROM tasks WHERE hash = ?", (_digest(0),)).fetchone()[0]
    assert n == len(_doc()["tasks"])
    assert again.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 120
    again.close()


def test_query_filters_search_by_index(tmp_path, monkeypatch):
    store = Store(tmp_path / "s.db")
    for i in range(5):
        store.write(f"d{i}.txt", _digest(i), "v1", _doc())
    store.close()
    issued: list[tuple[str, list]] = []
    connect = sqlite3.connect

    class Traced(sqlite3.Connection):
        def execute(self, sql, args=()):  # type: ignore[override]
            issued.append((sql, list(args)))
            return super().execute(sql, args)

    monkeypatch.setattr(query.sqlite3, "connect", lambda path: connect(path, factory=Traced))
    rows = query.run_query(tmp_path / "s.db", unit="交通", due_before="2026-12-31", finding="share", kind="plan")
    assert rows == []  # no finding named share in these documents
    rows = query.run_query(tmp_path / "s.db", unit="交通", due_before="2026-12-31", kind="plan")
    assert len(rows) == 5
    monkeypatch.undo()
    db = sqlite3.connect(tmp_path / "s.db")
    for sql, args in issued:
        steps = _plan(db, sql, tuple(args))
        inner = [s for s in steps if " u " in f" {s} " or " x " in f" {s} " or " f " in f" {s} "]
        assert inner and all("INDEX" in s for s in inner), steps  # each EXISTS is an index probe, not a scan
    db.close()


OLD_SCHEMA = SCHEMA.replace(",\n  message_zh TEXT", "")  # no indexes, findings in English only


def _old_store_written_again(path) -> sqlite3.Connection:
    """A store made by an older version, opened and written by this one; a connection to read it back."""
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.commit()
    db.close()
    store = Store(path)
    store.write("d.txt", _digest(1), "v1", _doc())
    store.close()
    return sqlite3.connect(path)


def test_an_old_store_gains_the_indexes_when_opened(tmp_path):
    db = _old_store_written_again(tmp_path / "old.db")
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    db.close()
    assert {"units_hash", "quantities_hash", "deadlines_hash", "findings_hash", "sources_hash"} <= names


def test_an_old_store_gains_the_chinese_finding_column(tmp_path):
    db = _old_store_written_again(tmp_path / "old.db")
    columns = [r[1] for r in db.execute("PRAGMA table_info(findings)")]
    db.close()
    assert columns[-1] == "message_zh"


def test_findings_of_an_old_store_are_read_without_opening_it_for_writing(tmp_path):
    from docproc.query import run_findings

    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA)
    db.execute("INSERT INTO documents (hash, source, version, status) VALUES ('h', 'a.txt', 'v1', 'done')")
    db.execute("INSERT INTO findings VALUES ('h', 'sum', 'warning', 'parts do not add up', '', 0, 5)")
    db.commit()
    db.close()
    assert [r["message"] for r in run_findings(path)] == ["parts do not add up"]


def test_documents_are_committed_in_groups_and_a_failed_one_leaves_no_rows(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path, commit_every=4)
    reader = sqlite3.connect(path)

    def committed() -> int:
        return reader.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    for i in range(3):
        store.write(f"d{i}.txt", _digest(i), "v1", _doc())
    assert committed() == 0 and store.has(_digest(2), "v1")  # the writer sees its own group
    bad = dict(_doc())
    bad["tasks"] = [*_doc()["tasks"], _doc()["tasks"][0]]  # the same task id twice: the task table refuses it
    with pytest.raises(StoreError):
        store.write("bad.txt", _digest(99), "v1", bad)
    store.write("d3.txt", _digest(3), "v1", _doc())
    assert committed() == 4  # the group of four is durable; the refused document is not in it
    for table in ("documents", *DATA_TABLES):
        n = reader.execute(f"SELECT COUNT(*) FROM {table} WHERE hash = ?", (_digest(99),)).fetchone()[0]  # noqa: S608
        assert n == 0, table
    store.write("d4.txt", _digest(4), "v1", _doc())
    store.close()
    assert committed() == 5
    reader.close()
