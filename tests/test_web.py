"""The local web page: every route through the framework's test client, then a real browser."""

from __future__ import annotations

import csv
import io
import json
import os
import re
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


SAME_ORIGIN = {"Origin": "http://testserver"}


def _app(tmp_path, **kw):
    """The app as a browser on this machine reaches it (the test client's host name is allowed)."""
    kw = {"db": tmp_path / "web.db", "executor": "thread", "max_upload_mb": 1, "allowed_hosts": ("testserver",), **kw}
    return create_app(Settings(**kw))


@pytest.fixture()
def client(tmp_path):
    with TestClient(_app(tmp_path), headers=SAME_ORIGIN) as c:
        yield c


def _finish(client, job: str) -> dict:
    """The job's status once every file is done or failed (a bounded wait, not a timing assertion)."""
    for _ in range(1200):
        status = client.get(f"/api/jobs/{job}").json()
        if status["finished"]:
            return status
        time.sleep(0.1)
    raise AssertionError("upload did not finish")


def _post_files(client, files: list[tuple[str, bytes]], **kw) -> str:
    r = client.post("/upload", files=[("files", (n, d, "application/octet-stream")) for n, d in files],
                    follow_redirects=False, **kw)
    assert r.status_code == 303, r.text
    return r.headers["location"].rsplit("/", 1)[1]


def _open(client, url: str):
    """A document's page once it is processed (202 with a refreshing page until then)."""
    for _ in range(1200):
        r = client.get(url)
        if r.status_code != 202:
            return r
        assert "正在处理" in r.text
        time.sleep(0.1)
    raise AssertionError("document was not processed")


def _upload(client, name: str, data: bytes) -> dict:
    return _finish(client, _post_files(client, [(name, data)]))["items"][0]


def test_index_and_static_assets(client):
    r = client.get("/")
    assert r.status_code == 200 and "上传文件" in r.text
    assert client.get("/static/app.js").status_code == 200
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "没有这个页面" in missing.text
    assert client.put("/upload").status_code == 405
    assert "cdn" not in r.text.lower() and "https://" not in r.text


def test_upload_shows_the_task_table(client):
    item = _upload(client, "plan.txt", PLAN.read_bytes())
    assert item["status"] == "done"
    r = client.get(f"/doc/{item['id']}")
    assert r.status_code == 200
    assert "乡村振兴局" in r.text and 'data-field="deadline"' in r.text and "2023-04-30" in r.text


@pytest.mark.slow
def test_bad_upload_gives_a_readable_message(client):
    item = _upload(client, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert item["status"] == "failed" and "LibreOffice" in item["error"]
    r = client.get(f"/doc/{item['id']}")  # a failed upload's page opens and says why
    assert r.status_code == 422 and "LibreOffice" in r.text and "未能处理" in r.text
    r = client.post("/upload", files=[("files", ("empty.txt", b"", "text/plain"))])
    assert r.status_code == 400 and "空文件" in r.text
    r = client.post("/upload", files=[("files", ("big.txt", b"x" * (2 * 1024 * 1024), "text/plain"))])
    assert r.status_code == 413 and "上传上限" in r.text


def test_edit_is_kept_beside_the_extraction_marked_in_downloads_and_logged(client):
    import openpyxl

    item = _upload(client, "plan.txt", PLAN_TEXT.encode())
    doc_id = item["id"]
    r = client.post(f"/api/doc/{doc_id}/corrections", json={"item": "t1", "field": "deadline", "value": "2024年6月30日"})
    assert r.status_code == 200 and r.json()["corrections"][0]["value"] == "2024-06-30"
    r = client.post(f"/api/doc/{doc_id}/corrections", json={"item": "t1", "field": "text", "value": "x"})
    assert r.status_code == 422 and "不能修改" in r.json()["error"]
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/doc/{doc_id}/download/xlsx").content))
    header = [c.value for c in wb["任务"][1]]
    cell = wb["任务"].cell(2, header.index("完成时限") + 1)
    assert cell.value == "2024-06-30"  # once, not 2024-06-30(2024-06-30)
    assert cell.fill.start_color.rgb.endswith("FFF2CC") and "已修改" in cell.comment.text
    untouched = wb["任务"].cell(2, header.index("牵头单位") + 1)
    assert untouched.comment is None
    log = [[c.value for c in row] for row in wb["修改记录"].iter_rows()]
    assert log[0][:6] == ["文件", "条目", "位置", "字段", "原值", "修改为"]
    assert log[1][3] == "完成时限" and log[1][5] == "2024-06-30" and log[1][2] == "任务第 1 项"
    data = json.loads(client.get(f"/doc/{doc_id}/download/json").content)
    assert data["tasks"][0]["deadlines"][0]["date"] == "2024-06-30"
    assert data["corrections"][0]["field"] == "deadline"
    rows = list(csv.reader(io.StringIO(client.get(f"/doc/{doc_id}/download/csv").content.decode("utf-8-sig"))))
    assert rows[0][-1] == "已修改" and rows[1][-1] == "完成时限" and "2024-06-30" in rows[1]
    log_csv = client.get(f"/doc/{doc_id}/download/corrections.csv").content.decode("utf-8-sig")
    assert "完成时限" in log_csv and "2024-06-30" in log_csv


def test_corrections_download_as_training_data(client):
    """The corrected document as a spaCy DocBin: its spans, and what people changed, for training tools."""
    import spacy
    from spacy.tokens import DocBin

    doc_id = _upload(client, "plan.txt", PLAN_TEXT.encode())["id"]
    client.post(f"/api/doc/{doc_id}/corrections", json={"item": "t1", "field": "deadline", "value": "2024年6月30日"})
    r = client.get(f"/doc/{doc_id}/download/spacy")
    assert r.status_code == 200
    (doc,) = DocBin().from_bytes(r.content).get_docs(spacy.blank("zh").vocab)
    facts = doc.user_data["docproc"]
    assert facts["corrections"][0]["field"] == "deadline" and facts["corrections"][0]["value"] == "2024-06-30"
    assert "2024-06-30" in [d["date"] for d in facts["groups"]["deadlines"]]
    assert len(doc.spans["tasks"]) == len(facts["groups"]["tasks"]) >= 1
    markdown = client.get(f"/doc/{doc_id}/download/md").text
    assert "2024-06-30" in markdown and "## 修改记录" in markdown and "| 完成时限 |" in markdown
    assert client.get(f"/doc/{doc_id}/download/exe").status_code == 404
    page = client.get(f"/doc/{doc_id}").text
    assert 'class="edit corrected" data-field="deadline"' in page


@pytest.mark.parametrize(("item", "field", "value", "refusal"), [
    ("t1", "deadline", "下月底", "不是日期"),
    ("t1", "deadline", "2024-02-30", "不是存在的日期"),
    ("q0", "value", "abc", "不是数字"),
    ("q0", "value", "nan", "不是数字"),
    ("q0", "value", "12公斤", "不一致"),
    ("t1", "lead", "交通局\x07", "控制字符"),
    ("t1", "lead", "局" * 201, "最多 200 个字"),
    ("t9", "lead", "交通局", "没有编号为 t9"),
    ("q99", "unit", "公里", "没有编号为 q99"),
])
def test_bad_corrections_are_refused_in_chinese(client, item, field, value, refusal):
    doc_id = _upload(client, "plan.txt", PLAN_TEXT.encode())["id"]
    r = client.post(f"/api/doc/{doc_id}/corrections", json={"item": item, "field": field, "value": value})
    assert r.status_code == 422 and refusal in r.json()["error"]
    assert client.get(f"/doc/{doc_id}/download/xlsx").status_code == 200
    assert json.loads(client.get(f"/doc/{doc_id}/download/json").content)["corrections"] == []


def test_a_control_character_kept_before_validation_does_not_break_downloads(client):
    import openpyxl

    doc_id = _upload(client, "plan.txt", PLAN_TEXT.encode())["id"]
    client.app.state.web.store.correct(doc_id, "t1", "lead", "交通\x07局")  # as an older version stored it
    r = client.get(f"/doc/{doc_id}/download/xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content))["任务"]
    assert "交通局" in [str(c.value) for c in sheet[2]]
    assert client.get(f"/doc/{doc_id}/download/json").status_code == 200


def test_values_are_read_with_their_magnitude_and_shown_with_it(client):
    doc_id = _upload(client, "plan.txt", PLAN_TEXT.encode())["id"]
    page = client.get(f"/doc/{doc_id}").text
    assert "3亿元" in page and "300000000" not in page.replace('data-sort="300000000.0"', "")
    quantities = json.loads(client.get(f"/doc/{doc_id}/download/json").content)["quantities"]
    money = next(i for i, q in enumerate(quantities) if q["unit"] == "元")
    r = client.post(f"/api/doc/{doc_id}/corrections", json={"item": f"q{money}", "field": "value", "value": "183.18万元"})
    assert r.status_code == 200 and r.json()["value"] == "1831800" and r.json()["shown"] == "183.18万元"
    data = json.loads(client.get(f"/doc/{doc_id}/download/json").content)
    assert data["quantities"][money]["value"] == 1831800
    assert "183.18万元" in client.get(f"/doc/{doc_id}").text


def test_check_a_report_against_its_plan(client):
    r = client.post("/check", files={"report": ("report.txt", REPORT_TEXT.encode(), "text/plain"),
                                     "plan": ("plan.txt", PLAN_TEXT.encode(), "text/plain")})
    assert r.status_code == 200
    assert "80公里" in r.text and "100公里" in r.text and "未完成" in r.text


def test_documents_text_is_escaped(client):
    item = _upload(client, "x.txt", "2024年工作要点\n一、<script>alert(1)</script>新建学校3所。\n".encode())
    r = client.get(f"/doc/{item['id']}")
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


def test_archive_pages_links_findings_and_export(tmp_path):
    import openpyxl

    from docproc.batch import run_batch

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(PLAN, folder / "plan.txt")
    lines = "".join(f"{n}、县第{n}项工作由县交通运输局牵头,6月底前完成。\n" for n in range(1, 131))
    (folder / "many.txt").write_text("2024年工作要点\n" + lines, encoding="utf-8")
    (folder / "sums.txt").write_text("2024年工作总结\n全县共有学校12所,其中小学8所、中学6所。\n", encoding="utf-8")
    store = tmp_path / "results.db"
    run_batch([folder], store, workers=1)
    with TestClient(_app(tmp_path, store=store)) as c:
        r = c.get("/archive", params={"unit": "乡村振兴局", "due_before": "2023-06-30"})
        assert r.status_code == 200 and "plan.txt" in r.text and "4月底前" in r.text
        link = re.search(r'href="(/archive/doc/[0-9a-f]+)"', r.text).group(1)
        doc = c.get(link)
        assert doc.status_code == 200 and "任务表" in doc.text and "乡村振兴局" in doc.text
        assert "共 0 项" in c.get("/archive", params={"unit": "不存在的单位"}).text
        first = c.get("/archive")
        assert "第 1 / 2 页" in first.text and 'rel="next"' in first.text
        second = c.get("/archive", params={"page": 2})
        assert "第 2 / 2 页" in second.text and 'rel="prev"' in second.text
        wb = openpyxl.load_workbook(io.BytesIO(c.get("/archive/download/xlsx", params={"text": "县第"}).content))
        rows = list(wb["任务"].iter_rows(values_only=True))
        assert rows[0][:2] == ("文件", "类型") and len(rows) == 131
        findings = c.get("/archive/findings")
        assert findings.status_code == 200 and "sums.txt" in findings.text and "合计" in findings.text
        assert c.get("/archive/doc/0000").status_code == 404
    with TestClient(_app(tmp_path, db=tmp_path / "web2.db")) as c:
        assert c.get("/archive").status_code == 404


# ---- security: Host, token, same-origin writes, sessions ------------------------------------------------

def test_writes_from_another_site_or_without_json_are_refused(client):
    doc_id = _upload(client, "plan.txt", PLAN_TEXT.encode())["id"]
    url = f"/api/doc/{doc_id}/corrections"
    body = json.dumps({"item": "t1", "field": "deadline", "value": "2024-06-30"})
    evil = client.post(url, content=body, headers={"Origin": "http://evil.example", "Content-Type": "text/plain"})
    assert evil.status_code == 403 and "其他网站" in evil.json()["error"]
    evil_json = client.post(url, content=body, headers={"Origin": "http://evil.example",
                                                        "Content-Type": "application/json"})
    assert evil_json.status_code == 403
    referer = client.post(url, content=body, headers={"Origin": "", "Referer": "http://evil.example/x",
                                                      "Content-Type": "application/json"})
    assert referer.status_code == 403
    plain = client.post(url, content=body, headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415 and "JSON" in plain.json()["error"]
    assert client.get(f"/doc/{doc_id}/download/json").json()["corrections"] == []
    # no Origin and no Referer (a non-browser client): only with the session's CSRF token
    bare = {"Origin": "", "Content-Type": "application/json"}
    assert client.post(url, content=body, headers=bare).status_code == 403
    token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', client.get("/").text).group(1)
    assert client.post(url, content=body, headers={**bare, "X-CSRF-Token": token}).status_code == 200
    assert client.post(url, content=body, headers={**bare, "X-CSRF-Token": "0" * 32}).status_code == 403
    cross_upload = client.post("/upload", files=[("files", ("x.txt", b"abc", "text/plain"))],
                               headers={"Origin": "http://evil.example"})
    assert cross_upload.status_code == 403


def test_host_must_name_the_bound_address(tmp_path):
    app = create_app(Settings(db=tmp_path / "web.db", executor="thread", host="127.0.0.1", port=8123))
    with TestClient(app, base_url="http://127.0.0.1:8123") as c:
        assert c.get("/").status_code == 200
        assert c.get("/", headers={"Host": "localhost:8123"}).status_code == 200
        rebound = c.get("/", headers={"Host": "evil.example:8123"})
        assert rebound.status_code == 400 and "--allowed-host" in rebound.text
        assert c.get("/", headers={"Host": "127.0.0.1:9999"}).status_code == 400
    app = create_app(Settings(db=tmp_path / "web2.db", executor="thread", port=8123,
                              allowed_hosts=("docs.example.org",)))
    with TestClient(app, base_url="http://docs.example.org") as c:
        assert c.get("/").status_code == 200


def test_beyond_loopback_a_token_is_required(tmp_path):
    from docproc.web.app import TokenRequired

    with pytest.raises(TokenRequired):
        create_app(Settings(db=tmp_path / "web.db", executor="thread", host="0.0.0.0"))
    app = create_app(Settings(db=tmp_path / "web.db", executor="thread", host="0.0.0.0", port=8123, token="s3cret-t0ken"))
    with TestClient(app, base_url="http://192.0.2.7:8123") as c:
        refused = c.get("/")
        assert refused.status_code == 401 and "访问口令" in refused.text
        assert c.get("/", headers={"X-Docproc-Token": "wrong"}).status_code == 401
        assert c.get("/", headers={"X-Docproc-Token": "s3cret-t0ken"}).status_code == 200
        assert c.get("/", headers={"Authorization": "Bearer s3cret-t0ken"}).status_code == 200
        assert c.get("/api/jobs/x").status_code == 401
        login = c.get("/?token=s3cret-t0ken", follow_redirects=False)
        assert login.status_code == 303 and "docproc_token" in login.headers["set-cookie"]
        assert c.get("/").status_code == 200  # the cookie now carries it
        assert c.get("/", headers={"Host": "evil.example:8123"}).status_code == 400


def test_uploads_belong_to_the_session_that_made_them(tmp_path):
    app = _app(tmp_path)
    with TestClient(app, headers=SAME_ORIGIN) as alice, TestClient(app, headers=SAME_ORIGIN) as bob:
        job = _post_files(alice, [("plan.txt", PLAN_TEXT.encode())])
        item = _finish(alice, job)["items"][0]
        again = _finish(alice, _post_files(alice, [("plan.txt", PLAN_TEXT.encode())]))["items"][0]
        assert item["id"] != again["id"] and len(item["id"]) == 24  # random, not from the content
        assert alice.get(f"/doc/{item['id']}").status_code == 200
        assert "plan.txt" in alice.get("/").text
        assert bob.get(f"/doc/{item['id']}").status_code == 404
        assert bob.get(f"/doc/{item['id']}/download/xlsx").status_code == 404
        assert bob.get(f"/api/jobs/{job}").status_code == 404
        assert "plan.txt" not in bob.get("/").text
        r = bob.post(f"/api/doc/{item['id']}/corrections", json={"item": "t1", "field": "lead", "value": "某局"})
        assert r.status_code == 404
    shared = _app(tmp_path, shared=True)
    with TestClient(shared, headers=SAME_ORIGIN) as carol:  # a new server: processed again on first view
        assert _open(carol, f"/doc/{item['id']}").status_code == 200


def test_a_database_from_before_sessions_still_opens(tmp_path):
    import sqlite3

    db = sqlite3.connect(tmp_path / "web.db")
    db.executescript("CREATE TABLE uploads (id TEXT PRIMARY KEY, name TEXT NOT NULL, data BLOB NOT NULL,"
                     " ref_date TEXT, created TEXT NOT NULL);")
    db.execute("INSERT INTO uploads VALUES ('0123456789abcdef', 'old.txt', ?, NULL, '2024-01-01T00:00:00')",
               (PLAN_TEXT.encode(),))
    db.commit()
    db.close()
    with TestClient(_app(tmp_path), headers=SAME_ORIGIN) as c:  # no owner: nobody's upload
        assert c.get("/doc/0123456789abcdef").status_code == 404
    with TestClient(_app(tmp_path, shared=True), headers=SAME_ORIGIN) as c:
        assert "县交通运输局" in _open(c, "/doc/0123456789abcdef").text


# ---- jobs: every mix of files finishes ------------------------------------------------------------

BAD_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600


def test_a_job_of_good_failed_empty_and_oversize_files_finishes(client):
    import openpyxl

    job = _post_files(client, [("plan.txt", PLAN_TEXT.encode()), ("report.txt", REPORT_TEXT.encode()),
                               ("old.doc", BAD_DOC), ("empty.txt", b""), ("big.txt", b"x" * (2 * 1024 * 1024))])
    status = _finish(client, job)
    by_name = {i["name"]: i for i in status["items"]}
    assert status["ok"] == 2 and status["failed"] == 3
    assert by_name["big.txt"]["status"] == "failed" and "上传上限" in by_name["big.txt"]["error"]
    assert "空文件" in by_name["empty.txt"]["error"] and by_name["old.doc"]["status"] == "failed"
    page = client.get(f"/jobs/{job}").text
    assert "处理完成" in page and "正在处理" not in page and f"/jobs/{job}/download/xlsx" in page
    wb = openpyxl.load_workbook(io.BytesIO(client.get(f"/jobs/{job}/download/xlsx").content))
    files = {row[0] for row in wb["任务"].iter_rows(min_row=2, values_only=True)}
    assert "plan.txt" in files and "old.doc" not in files
    assert "修改记录" in wb.sheetnames


def test_a_zip_upload_gives_one_document_per_member_and_one_workbook(client):
    import zipfile

    import openpyxl

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("计划/plan.txt", PLAN_TEXT)
        zf.writestr("计划/plan2.txt", PLAN_TEXT.replace("100公里", "120公里"))
        zf.writestr("../escape.txt", "2024年工作要点\n一、完成投资2亿元。\n")
        zf.writestr("notes.bin", b"\x00\x01")
    status = _finish(client, _post_files(client, [("bundle.zip", buf.getvalue())]))
    names = {i["name"]: i for i in status["items"]}
    assert {"bundle.zip!计划/plan.txt", "bundle.zip!计划/plan2.txt"} <= set(names)
    assert all(i["status"] == "done" for n, i in names.items() if n.endswith(".txt"))
    job = client.get("/").text  # the members are this session's uploads
    assert "bundle.zip!计划/plan.txt" in job
    xlsx = client.get(f"/jobs/{_post_files(client, [('bundle.zip', buf.getvalue())])}/download/xlsx")
    assert xlsx.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content))["任务"].iter_rows(min_row=2, values_only=True))
    assert len({r[0] for r in rows}) >= 2
    broken = client.post("/upload", files=[("files", ("broken.zip", b"PK\x03\x04 not really a zip", "x"))])
    assert broken.status_code == 400 and "压缩包损坏" in broken.text


def test_a_folder_upload_keeps_relative_names_but_never_a_way_out(client):
    status = _finish(client, _post_files(client, [("资料/二季度/plan.txt", PLAN_TEXT.encode()),
                                                  ("../../etc/report.txt", REPORT_TEXT.encode())]))
    names = sorted(i["name"] for i in status["items"])
    assert names == ["etc/report.txt", "资料/二季度/plan.txt"] and status["ok"] == 2


def test_the_queue_takes_turns_between_jobs():
    from docproc.web.runner import FairQueue, Work

    q = FairQueue()
    for n in range(4):
        q.push(Work(key=f"a{n}", job="folder", name="", args=()))
    q.push(Work(key="b0", job="small", name="", args=()))
    order = [q.pop().key for _ in range(5)]
    assert order[:2] == ["a0", "b0"] and order[2:] == ["a1", "a2", "a3"] and q.pop() is None


@pytest.mark.slow
def test_a_killed_worker_does_not_break_later_uploads(tmp_path):
    app = _app(tmp_path, executor="process", workers=2)
    runner = app.state.web.runner
    with TestClient(app, headers=SAME_ORIGIN) as c:
        assert _upload(c, "plan.txt", PLAN_TEXT.encode())["status"] == "done"
        for pid in runner.worker_pids():  # what the OOM killer does
            os.kill(pid, 9)
        assert _upload(c, "report.txt", REPORT_TEXT.encode())["status"] == "done"
        slow = _post_files(c, [("old.doc", BAD_DOC)])
        for _ in range(100):  # kill the workers while the slow file is in one of them
            if c.get(f"/api/jobs/{slow}").json()["items"][0]["status"] == "working" and runner.worker_pids():
                break
            time.sleep(0.05)
        for pid in runner.worker_pids():
            os.kill(pid, 9)
        small = _upload(c, "plan2.txt", PLAN_TEXT.replace("3亿元", "4亿元").encode())
        assert small["status"] == "done"
        assert _finish(c, slow)["finished"]
        assert runner.restarts >= 1


@pytest.mark.slow
def test_a_document_that_kills_its_worker_fails_alone_and_the_rest_go_on(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCPROC_TEST_KILL_ON", "killer.txt")  # the batch's stand-in for the OOM killer
    app = _app(tmp_path, executor="process", workers=2)
    with TestClient(app, headers=SAME_ORIGIN) as c:
        files = [("killer.txt", PLAN_TEXT.encode()), ("plan.txt", PLAN_TEXT.encode()),
                 ("report.txt", REPORT_TEXT.encode())]
        by_name = {i["name"]: i for i in _finish(c, _post_files(c, files))["items"]}
        assert by_name["killer.txt"]["status"] == "failed" and "意外退出" in by_name["killer.txt"]["error"]
        assert by_name["plan.txt"]["status"] == by_name["report.txt"]["status"] == "done"
        assert _upload(c, "later.txt", REPORT_TEXT.encode())["status"] == "done"
        assert app.state.web.runner.restarts >= 2  # once with the others in flight, once alone


@pytest.mark.slow
def test_a_slow_upload_does_not_hold_back_the_next_small_text(tmp_path):
    app = _app(tmp_path, executor="process", workers=2, max_upload_mb=5, timeout_s=60)
    long_text = "2024年工作要点\n" + "一、县交通运输局负责新建农村公路120公里,年底前完成。\n" * 30000
    with TestClient(app, headers=SAME_ORIGIN) as c:
        slow = _post_files(c, [("long.txt", long_text.encode())])
        small = _upload(c, "plan.txt", PLAN_TEXT.encode())
        assert small["status"] == "done"
        assert c.get(f"/api/jobs/{slow}").json()["items"][0]["status"] == "working"  # still at it


@pytest.mark.slow
def test_an_upload_over_the_time_limit_is_stopped(tmp_path):
    app = _app(tmp_path, executor="process", workers=1, timeout_s=0.5)  # a fresh worker takes longer to start
    with TestClient(app, headers=SAME_ORIGIN) as c:
        long_text = "2024年工作要点\n" + "一、县交通运输局负责新建农村公路120公里,年底前完成。\n" * 8000
        item = _upload(c, "long.txt", long_text.encode())  # seconds of work: the worker's time cap stops it
        assert item["status"] == "failed" and "0.5 秒" in item["error"]
        assert _upload(c, "plan.txt", b"x" * 10)["status"] in ("done", "failed")  # the server goes on


# ---- a real browser ------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_refuses_a_bad_port_or_one_in_use_in_one_line(tmp_path):
    bad = subprocess.run([sys.executable, "-m", "docproc.cli", "serve", "--port", "99999", "--db", str(tmp_path / "w.db")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "not a port" in bad.stderr and "Traceback" not in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run([sys.executable, "-m", "docproc.cli", "serve", "--port", str(port), "--db",
                               str(tmp_path / "w.db")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert busy.returncode == 2 and "cannot listen" in busy.stderr and "Traceback" not in busy.stderr


@pytest.mark.slow
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
            page.set_input_files("#files", str(PLAN))
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
            value = page.locator("#quantities tbody tr").first.locator('td[data-field="value"]')
            value.click()
            page.keyboard.press("Control+A")
            page.keyboard.type("很多")
            page.keyboard.press("Enter")
            page.wait_for_selector("td.edit.refused")
            assert "不是数字" in page.locator("#corrections").inner_text()
            tasks = page.locator("#tasks tbody tr")
            first = tasks.first.get_attribute("data-item")
            page.click("#tasks thead th >> nth=0")
            page.click("#tasks thead th >> nth=0")  # descending
            assert tasks.first.get_attribute("data-item") != first
            page.fill('input.filter[data-table="tasks"]', "二是加强政策宣传")
            assert page.locator("#tasks tbody tr:visible").count() == 1
            shot = tmp_path / "result.png"
            page.screenshot(path=str(shot), full_page=False)
            assert shot.stat().st_size > 10000
            with page.expect_download() as info:
                page.click("text=Excel")
            xlsx = tmp_path / "tasks.xlsx"
            info.value.save_as(str(xlsx))
            page.goto(f"http://127.0.0.1:{port}/")  # two files and a failure: the job ends, one workbook
            page.set_input_files("#files", [
                {"name": "plan.txt", "mimeType": "text/plain", "buffer": PLAN.read_bytes()},
                {"name": "old.doc", "mimeType": "application/msword", "buffer": BAD_DOC}])
            page.click("#upload button")
            page.wait_for_selector("#job-title:has-text('处理完成')", timeout=120000)
            assert page.locator("#combined").is_visible() and "失败 1 个" in page.inner_text("#job-summary")
            page.screenshot(path=str(tmp_path / "job.png"))
            browser.close()
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(xlsx)["任务"].iter_rows(min_row=2)]
        edited = [r for r in rows if "二是加强政策宣传" in str(r[3])]
        assert edited and "2023-05-31" in " ".join(str(v) for v in edited[0])
        if os.environ.get("DOCPROC_UPDATE_SCREENSHOT"):
            shutil.copy(shot, ROOT / "docs" / "web-result.png")  # the README shows what this test saw
    finally:
        server.terminate()
        server.wait(timeout=10)
