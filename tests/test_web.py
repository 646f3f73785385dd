"""The local web page: every route through the framework's test client, then a real browser."""

from __future__ import annotations

import io
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SEEDS

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from docproc.web.app import Settings, create_app  # noqa: E402

PLAN = SEEDS / "003_9882b4f48095540a.txt"
REPORT_TEXT = "2024年工作总结\n全年新改建农村公路80公里,完成投资2.5亿元。\n"
PLAN_TEXT = "2024年工作要点\n一、全年新改建农村公路100公里。(责任单位:县交通运输局)\n二、完成投资3亿元。\n"


@pytest.fixture()
def client(tmp_path):
    app = create_app(Settings(db=tmp_path / "web.db", executor="thread", max_upload_mb=1))
    with TestClient(app) as c:
        yield c


def _upload(client, name: str, data: bytes) -> str:
    r = client.post("/upload", files=[("files", (name, data, "application/octet-stream"))], follow_redirects=False)
    assert r.status_code == 303
    job = r.headers["location"].rsplit("/", 1)[1]
    for _ in range(200):
        status = client.get(f"/api/jobs/{job}").json()
        if status["done"] == status["total"]:
            return status["items"][0]
        time.sleep(0.05)
    raise AssertionError("upload did not finish")


def test_index_and_static_assets(client):
    r = client.get("/")
    assert r.status_code == 200 and "上传文件" in r.text
    assert client.get("/static/app.js").status_code == 200
    assert "cdn" not in r.text.lower() and "https://" not in r.text


def test_upload_shows_the_task_table(client):
    item = _upload(client, "plan.txt", PLAN.read_bytes())
    assert item["status"] == "done"
    r = client.get(f"/doc/{item['id']}")
    assert r.status_code == 200
    assert "乡村振兴局" in r.text and 'data-field="deadline"' in r.text and "2023-04-30" in r.text


def test_bad_upload_gives_a_readable_message(client):
    item = _upload(client, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert item["status"] == "failed" and "LibreOffice" in item["error"]
    item = _upload(client, "empty.txt", b"")
    assert item["status"] == "failed" and "empty" in item["error"]
    r = client.post("/upload", files=[("files", ("big.txt", b"x" * (2 * 1024 * 1024), "text/plain"))])
    assert r.status_code == 413 and "upload limit" in r.text


def test_edit_is_kept_beside_the_extraction_and_used_by_downloads(client):
    import openpyxl

    item = _upload(client, "plan.txt", PLAN_TEXT.encode())
    doc_id = item["id"]
    r = client.post(f"/api/doc/{doc_id}/corrections", json={"item": "t1", "field": "deadline", "value": "2024-06-30"})
    assert r.status_code == 200 and r.json()["corrections"][0]["value"] == "2024-06-30"
    assert client.post(f"/api/doc/{doc_id}/corrections", json={"item": "t1", "field": "text", "value": "x"}).status_code == 400
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/doc/{doc_id}/download/xlsx").content))
    row = [c.value for c in wb["任务"][2]]
    assert "2024-06-30" in " ".join(str(v) for v in row)
    data = json.loads(client.get(f"/doc/{doc_id}/download/json").content)
    assert data["tasks"][0]["deadlines"][0]["date"] == "2024-06-30"
    assert data["corrections"][0]["field"] == "deadline"
    assert "2024-06-30" in client.get(f"/doc/{doc_id}/download/csv").content.decode("utf-8-sig")
    assert "2024-06-30" in client.get(f"/doc/{doc_id}/download/md").text
    assert client.get(f"/doc/{doc_id}/download/exe").status_code == 404


def test_check_a_report_against_its_plan(client):
    r = client.post("/check", files={"report": ("report.txt", REPORT_TEXT.encode(), "text/plain"),
                                     "plan": ("plan.txt", PLAN_TEXT.encode(), "text/plain")})
    assert r.status_code == 200
    assert "80公里" in r.text and "100公里" in r.text and "未完成" in r.text


def test_documents_text_is_escaped(client):
    item = _upload(client, "x.txt", "2024年工作要点\n一、<script>alert(1)</script>新建学校3所。\n".encode())
    r = client.get(f"/doc/{item['id']}")
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


def test_archive_filters_a_batch_store(tmp_path):
    from docproc.batch import run_batch

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(PLAN, folder / "plan.txt")
    store = tmp_path / "results.db"
    run_batch([folder], store, workers=1)
    app = create_app(Settings(db=tmp_path / "web.db", store=store, executor="thread"))
    with TestClient(app) as c:
        r = c.get("/archive", params={"unit": "乡村振兴局", "due_before": "2023-06-30"})
        assert r.status_code == 200 and "plan.txt" in r.text and "4月底前" in r.text
        assert "0 项任务" in c.get("/archive", params={"unit": "不存在的单位"}).text
    app = create_app(Settings(db=tmp_path / "web2.db", executor="thread"))
    with TestClient(app) as c:
        assert c.get("/archive").status_code == 404


# ---- a real browser ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (.ci/run installs it with apt-get)")
def test_browser_upload_highlight_edit_download(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    import openpyxl

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "docproc.cli", "serve", "--port", str(port),
                               "--db", str(tmp_path / "web.db")], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
            page.goto(f"http://127.0.0.1:{port}/")
            page.set_input_files("#upload input[type=file]", str(PLAN))
            page.click("#upload button")
            page.wait_for_selector("#tasks tbody tr", timeout=60000)
            row = page.locator("#tasks tbody tr", has_text="二是加强政策宣传")
            row.locator("td.text").click()
            mark = page.locator("#source mark.hl")
            assert "4月底前" in mark.inner_text()
            cell = row.locator('td[data-field="deadline"]')
            cell.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("2023-05-31")
            page.keyboard.press("Enter")
            page.wait_for_selector("td.edit.saved")
            shot = tmp_path / "result.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10000
            with page.expect_download() as info:
                page.click("text=Excel")
            xlsx = tmp_path / "tasks.xlsx"
            info.value.save_as(str(xlsx))
            browser.close()
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(xlsx)["任务"].iter_rows(min_row=2)]
        edited = [r for r in rows if "二是加强政策宣传" in str(r[3])]
        assert edited and "2023-05-31" in " ".join(str(v) for v in edited[0])
        if os.environ.get("DOCPROC_UPDATE_SCREENSHOT"):
            shutil.copy(shot, ROOT / "docs" / "web-result.png")  # the README shows what this test saw
    finally:
        server.terminate()
        server.wait(timeout=10)
