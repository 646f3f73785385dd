"""Batch: a generated archive of 500+ documents with hostile members, resume after kill -9, the Dask path."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from docproc.archive import Limits, walk
from docproc.batch import run_batch
from docproc.store import Store

from conftest import PDFS, seed_paths
from fixtures import text_pdf


def _variants(n: int) -> list[tuple[str, bytes]]:
    """n distinct documents: seed texts with a numbered closing line, in several encodings."""
    seeds = [p.read_text(encoding="utf-8") for p in seed_paths()]
    out = []
    for i in range(n):
        text = seeds[i % len(seeds)] + f"\n第{i}号文件附注:全年新建道路{i + 1}公里。\n"
        enc = ("utf-8", "gb18030", "utf-16", "utf-8-sig")[i % 4]
        try:
            out.append((f"doc{i:04d}.txt", text.encode(enc)))
        except UnicodeEncodeError:
            out.append((f"doc{i:04d}.txt", text.encode("utf-8")))
    return out


def _hostile_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("../../etc/passwd.txt", "全年新建道路5公里。这是一个路径穿越的成员名。")
        zf.writestr("/abs/path.txt", "全年新建桥梁2座。绝对路径成员名。")
        zf.writestr("bomb.txt", "0" * 5_000_000)  # ratio far over the limit
        zf.writestr("empty.txt", "")
        zf.writestr("garbage.pdf", b"%PDF-1.7 not really a pdf")
        zf.writestr("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def build_archive(root: Path, n: int = 520) -> Path:
    docs = _variants(n)
    folder = root / "archive"
    (folder / "plain").mkdir(parents=True)
    for name, data in docs[: n // 2]:
        (folder / "plain" / name).write_bytes(data)
    with zipfile.ZipFile(folder / "batch.zip", "w") as zf:
        for name, data in docs[n // 2: 3 * n // 4]:
            zf.writestr(f"inner/{name}", data)
        nested = io.BytesIO()
        with zipfile.ZipFile(nested, "w") as inner:
            for name, data in docs[3 * n // 4: 7 * n // 8]:
                inner.writestr(name, data)
        zf.writestr("nested/more.zip", nested.getvalue())
    with tarfile.open(folder / "batch.tar.gz", "w:gz") as tf:
        for name, data in docs[7 * n // 8:]:
            info = tarfile.TarInfo(f"t/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    _hostile_zip(folder / "hostile.zip")
    (folder / "corrupt.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    text_pdf(folder / "made.pdf", ["第一页正文,全年新建农村公路120公里。", "第二页正文。"])
    if PDFS.is_dir():
        (folder / "prospectus.pdf").write_bytes((PDFS / "pymupdf_chinese-tables_bond-prospectus-p251.pdf").read_bytes())
    (folder / "dup.txt").write_bytes(docs[0][1])  # same content as plain/doc0000.txt
    os.symlink("/etc/hostname", folder / "outside.txt")
    return folder


def test_walk_never_uses_member_names_as_paths(tmp_path):
    _hostile_zip(tmp_path / "h.zip")
    items = {it.source.split("!", 1)[1]: it for it in walk([tmp_path / "h.zip"])}
    assert items["../../etc/passwd.txt"].data is not None  # read in memory, only a label
    assert "ratio" in items["bomb.txt"].error
    assert not (tmp_path.parent.parent / "etc" / "passwd.txt").exists()


@pytest.mark.slow
def test_big_batch_stores_every_good_document_and_every_reason(tmp_path):
    folder = build_archive(tmp_path)
    db = tmp_path / "r.db"
    summary = run_batch([folder], db, workers=2)
    c = summary.counts
    assert c["done"] >= 520 + 1
    assert c["duplicate"] == 1
    reasons = dict(summary.failures)
    joined = "\n".join(f"{k}: {v}" for k, v in reasons.items())
    assert any("ratio" in v for v in reasons.values()), joined
    assert any("empty file" in v for v in reasons.values()), joined
    assert any("broken PDF" in v for v in reasons.values()), joined
    assert any("LibreOffice" in v for v in reasons.values()), joined
    assert any("corrupt" in v for v in reasons.values()), joined
    assert any("symlink" in v for v in reasons.values()), joined
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM documents WHERE status='done'").fetchone()[0] == c["done"]
    assert con.execute("SELECT COUNT(*) FROM documents WHERE status='failed'").fetchone()[0] == c["failed"]
    assert con.execute("SELECT COUNT(*) FROM tasks").fetchone()[0] > 0
    assert con.execute("SELECT COUNT(*) FROM sources WHERE source LIKE '%nested/more.zip!%'").fetchone()[0] > 0
    # a second run finds everything unchanged
    again = run_batch([folder], db, workers=1)
    assert again.counts["done"] == 0
    assert again.counts["unchanged"] + again.counts["failed"] == c["done"] + c["failed"]


@pytest.mark.slow
def test_kill_9_and_rerun_gives_the_same_store(tmp_path):
    docs = _variants(40)
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in docs:
        (folder / name).write_bytes(data)
    reference = tmp_path / "ref.db"
    run_batch([folder], reference, workers=1)
    killed = tmp_path / "killed.db"
    proc = subprocess.Popen([sys.executable, "-m", "docproc.cli", "batch", str(folder), "--out", str(killed)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.2)
        try:
            n = sqlite3.connect(killed).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        except sqlite3.Error:
            n = 0
        if n >= 8:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = sqlite3.connect(killed).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert 0 < partial < 40
    run_batch([folder], killed, workers=1)
    a, b = Store(reference), Store(killed)
    assert a.dump() == b.dump()


@pytest.mark.slow
def test_dask_engine_gives_the_same_store(tmp_path):
    pytest.importorskip("dask.distributed")
    from dask.distributed import LocalCluster

    docs = _variants(12)
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in docs:
        (folder / name).write_bytes(data)
    local = tmp_path / "local.db"
    run_batch([folder], local, workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        distributed = tmp_path / "dask.db"
        run_batch([folder], distributed, engine="dask", scheduler=cluster.scheduler_address)
    assert Store(local).dump() == Store(distributed).dump()


def test_query_and_export_commands(tmp_path):
    from typer.testing import CliRunner

    from docproc.cli import app

    folder = tmp_path / "in"
    folder.mkdir()
    for p in seed_paths():
        (folder / p.name).write_bytes(p.read_bytes())
    db = tmp_path / "r.db"
    run_batch([folder], db)
    runner = CliRunner()
    import json

    rows = json.loads(runner.invoke(app, ["query", str(db), "--unit", "乡村振兴局", "--due-before", "2023-06-30",
                                          "--format", "json"]).stdout)
    assert rows and all("乡村振兴局" in (r["responsible"] + r["lead"]) for r in rows)
    assert all(min(r["deadlines"].split(", ")) <= "2023-06-30" for r in rows)
    plan_rows = json.loads(runner.invoke(app, ["query", str(db), "--kind", "plan", "-f", "json"]).stdout)
    assert {Path(r["source"]).name[:3] for r in plan_rows} == {"003", "004"}
    growth = json.loads(runner.invoke(app, ["query", str(db), "--finding", "growth", "-f", "json"]).stdout)
    assert {Path(r["source"]).name[:3] for r in growth} <= {"001"}
    out = tmp_path / "all.xlsx"
    result = runner.invoke(app, ["export", str(db), "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0 and out.exists()


def test_limits_stop_oversized_members(tmp_path):
    with zipfile.ZipFile(tmp_path / "z.zip", "w") as zf:
        zf.writestr("big.txt", "全" * 3000)
    items = list(walk([tmp_path / "z.zip"], limits=Limits(member_bytes=1000)))
    assert items[0].error and "larger than" in items[0].error


# ---- crash isolation (issue 24) ---------------------------------------------------------------------

def _folder_with_a_victim(tmp_path: Path, n: int = 8) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in _variants(n):
        (folder / name).write_bytes(data)
    (folder / "victim.txt").write_text("2024年工作要点\n一、全年新建桥梁3座。\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_killed_mid_batch_costs_one_document(tmp_path, monkeypatch, workers):
    """The worker that reads victim.txt is killed with SIGKILL (as the OOM killer would): the batch records
    that document as failed, goes on with a fresh pool, and a rerun says so again without running it."""
    folder = _folder_with_a_victim(tmp_path)
    monkeypatch.setenv("DOCPROC_TEST_KILL_ON", "victim.txt")
    db = tmp_path / "r.db"
    summary = run_batch([folder], db, workers=workers, isolate=True)
    assert summary.counts["done"] == 8 and summary.counts["failed"] == 1, summary.as_dict()
    (source, reason), = summary.failures
    assert source.endswith("victim.txt") and "worker died" in reason and "SIGKILL" in reason
    again = run_batch([folder], db, workers=workers, isolate=True)
    assert again.counts["done"] == 0 and again.counts["unchanged"] == 8
    assert again.failures == summary.failures  # said again, not run again
    monkeypatch.delenv("DOCPROC_TEST_KILL_ON")
    assert run_batch([folder], db).failures == summary.failures  # stays failed until the tool changes


@pytest.mark.slow
def test_a_document_over_the_time_cap_fails_and_the_batch_goes_on(tmp_path, monkeypatch):
    folder = _folder_with_a_victim(tmp_path, n=2)
    (folder / "long.txt").write_text("2024年工作要点\n" + "一、全年新建农村公路120公里,4月底前完成招标。\n" * 40000,
                                     encoding="utf-8")
    monkeypatch.setenv("DOCPROC_CAP_SECONDS", "5")
    summary = run_batch([folder], tmp_path / "r.db", isolate=True)
    assert summary.counts["done"] == 3, summary.as_dict()
    (source, reason), = summary.failures
    assert source.endswith("long.txt") and "单个文档的处理时间(秒)已超过 5 秒" in reason


@pytest.mark.slow
def test_cli_batch_survives_a_killed_worker(tmp_path):
    folder = _folder_with_a_victim(tmp_path, n=3)
    db = tmp_path / "r.db"
    result = subprocess.run([sys.executable, "-m", "docproc.cli", "batch", str(folder), "--out", str(db)],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "DOCPROC_TEST_KILL_ON": "victim.txt"})
    assert result.returncode == 2, result.stderr
    assert "done 3" in result.stderr and "failed 1" in result.stderr
    assert "victim.txt" in result.stderr and "worker died" in result.stderr and "Traceback" not in result.stderr


def _children(pid: int) -> set[int]:
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_die_with_their_parent(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in _variants(60):
        (folder / name).write_bytes(data)
    proc = subprocess.Popen([sys.executable, "-m", "docproc.cli", "batch", str(folder), "--out", str(tmp_path / "r.db"),
                             "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    for _ in range(600):  # until both workers run
        time.sleep(0.1)
        workers = _children(proc.pid)
        if len(workers) >= 2:
            break
    assert len(workers) >= 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for _ in range(100):
        if not any(_alive(p) for p in workers):
            break
        time.sleep(0.1)
    assert not any(_alive(p) for p in workers), workers


def test_unknown_suffixes_are_listed_as_skipped_with_the_reason(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    good = "2024年工作要点\n一、全年新建农村公路{}公里。\n"
    (folder / "page.shtml").write_text(f"<html><body><p>{good.format(7)}</p></body></html>", encoding="utf-8")
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:bz2") as tf:
        data = good.format(9).encode()
        info = tarfile.TarInfo("inner.txt")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        info = tarfile.TarInfo("inner.bin")
        info.size = 3
        tf.addfile(info, io.BytesIO(b"abc"))
    (folder / "bundle.tar.bz2").write_bytes(buf.getvalue())
    (folder / "README").write_text(good.format(1), encoding="utf-8")
    (folder / "notes.dat").write_bytes(b"\x00\x01")
    db = tmp_path / "r.db"
    summary = run_batch([folder], db)
    assert summary.counts["done"] == 2 and summary.counts["skipped"] == 3, summary.as_dict()
    skipped = dict(summary.skipped)
    assert "没有扩展名" in skipped[str(folder / "README")]
    assert "不支持的文件类型(.dat)" in skipped[str(folder / "notes.dat")]
    assert "不支持的文件类型(.bin)" in skipped[f"{folder / 'bundle.tar.bz2'}!inner.bin"]
    con = sqlite3.connect(db)
    assert dict(con.execute("SELECT source, reason FROM skipped")) == skipped
    result = subprocess.run([sys.executable, "-m", "docproc.cli", "batch", str(folder), "--out", str(db)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and "skipped 3" in result.stderr and "notes.dat: 不支持的文件类型" in result.stderr
