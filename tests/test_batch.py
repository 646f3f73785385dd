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
