"""The supervision ledger (issue 26): a county plan with a task-division table and a later progress report
in one batch store; statuses on an as-of date, counts per unit (aliases merged), target against the
reported figure, completion stated by the report, the 督办台账 workbook and the deadline calendar."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from docproc.batch import run_batch
from docproc.cli import app
from docproc.ledger import build_ledger, render
from docproc.ledger.names import unit_key

runner = CliRunner()

# Our own county plan: six table rows, deadlines before and after the as-of date (2026-06-15), one
# recurring, one without a time limit; the transport bureau written two ways (交通运输局 / 交通局).
PLAN = """青禾县2026年城乡建设重点任务分工方案

青禾县人民政府办公室
2026年2月10日

为抓好全县城乡建设重点工作，现将2026年重点任务分工如下。

序号 | 工作任务 | 牵头单位 | 责任单位 | 完成时限
1 | 在城区新建公共充电桩12个 | 县交通运输局 | 各乡镇人民政府 | 2026年4月底前
2 | 完成农村公路危桥改造8座 | 县交通局 | 县财政局 | 2026年6月30日前
3 | 启动老旧小区改造项目3个 | 县住房和城乡建设局 | 城关镇人民政府 | 2026年10月底前
4 | 开展安全生产隐患排查 | 县应急管理局 | 各乡镇人民政府 | 每季度
5 | 完成城东农贸市场升级改造 | 县市场监督管理局 | 县商务局 | 2026年5月底前
6 | 建立城乡建设项目储备库 | 县发展和改革委员会 | 县自然资源局 | 长期坚持

各责任单位要对照时限抓好落实，每月5日前报送工作进展。
"""

# Our own progress report on that plan, later than it: 9 of 12 charging posts, the market finished, the
# old-housing project only at its design step.
REPORT = """青禾县2026年城乡建设重点任务推进情况的报告

青禾县人民政府办公室
2026年6月8日

今年以来，全县城乡建设重点任务总体推进有序，现将进展情况报告如下。

一、工作进展
（一）交通设施。截至5月底，城区已建成公共充电桩9个，农村公路危桥改造已完成5座。
（二）市场建设。城东农贸市场升级改造已全面完成，6月1日起投入使用。
（三）城镇更新。老旧小区改造项目已完成前期设计。

二、下一步工作
加快推进充电桩建设，确保年内全部建成。
"""

# A report of another city on other work: it must not be read against the plan above.
OTHER = """白石市2026年教育工作情况报告

2026年6月10日

一、工作进展
今年以来，全市新建公共充电桩20个，城东农贸市场升级改造已全面完成。
"""

AS_OF = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ledger")
    for name, text in (("plan.txt", PLAN), ("report.txt", REPORT), ("other.txt", OTHER)):
        (folder / name).write_text(text, encoding="utf-8")
    out = folder / "store.db"
    summary = run_batch([folder / "plan.txt", folder / "report.txt", folder / "other.txt"], out)
    assert summary.counts["done"] == 3
    return out


@pytest.fixture(scope="module")
def ledger(store: Path):
    return build_ledger(store, AS_OF)


def _entry(ledger, words: str):
    found = [e for e in ledger.entries if words in e.content]
    assert len(found) == 1, [e.content for e in ledger.entries]
    return found[0]


def test_statuses_on_the_as_of_date(ledger) -> None:
    assert _entry(ledger, "充电桩").status == "overdue"  # 4月底, 9 of 12 reported
    assert _entry(ledger, "充电桩").days_left == -46
    assert _entry(ledger, "危桥").status == "due_soon"  # 6月30日, 15 days left
    assert _entry(ledger, "老旧小区").status == "open"  # 10月底; 已完成前期设计 is a step, not the task
    assert _entry(ledger, "农贸市场").status == "done"
    assert _entry(ledger, "储备库").status == "no_deadline"  # 长期坚持


def test_done_is_the_report_sentence_that_states_it(ledger) -> None:
    done = _entry(ledger, "农贸市场").done_by
    assert done["source"].endswith("report.txt")
    assert "已全面完成" in done["sentence"]
    assert _entry(ledger, "老旧小区").done_by is None


def test_recurring_deadlines_fall_on_their_next_occurrence(ledger, store: Path) -> None:
    quarterly = _entry(ledger, "隐患排查")
    assert (quarterly.due.kind, quarterly.due.date) == ("recurring", dt.date(2026, 6, 30))
    assert quarterly.status == "due_soon"
    monthly = _entry(ledger, "每月5日前")
    assert monthly.due.date == dt.date(2026, 7, 5)
    later = build_ledger(store, dt.date(2026, 7, 6))
    assert _entry(later, "隐患排查").due.date == dt.date(2026, 9, 30)
    assert _entry(later, "每月5日前").due.date == dt.date(2026, 8, 5)


def test_target_against_the_latest_reported_figure(ledger) -> None:
    (p,) = _entry(ledger, "充电桩").progress
    assert (p.target, p.reported, p.met) == (12, 9, False)
    assert p.report_source.endswith("report.txt") and p.report_date == "2026-06-08"
    js = p.to_json()
    assert {"indicator", "target", "reported", "report_source", "report_date"} <= set(js)
    assert js["target"] == 12 and js["reported"] == 9


def test_an_unrelated_report_is_not_read_against_the_plan(ledger) -> None:
    assert [Path(p["report"]).name for p in ledger.pairs] == ["report.txt"]
    assert all(not p.report_source.endswith("other.txt") for e in ledger.entries for p in e.progress)


def test_a_report_after_the_as_of_date_is_not_yet_known(store: Path) -> None:
    early = build_ledger(store, dt.date(2026, 6, 1))
    assert early.pairs == []
    assert _entry(early, "农贸市场").status == "overdue"  # 5月底 passed, completion not reported yet
    assert _entry(early, "充电桩").progress == []


def test_counts_per_unit_merge_two_names_of_one_bureau(ledger) -> None:
    transport = [name for name in ledger.by_unit if unit_key(name) == unit_key("县交通局")]
    assert len(transport) == 1
    row = ledger.by_unit[transport[0]]
    assert (row["overdue"], row["due_soon"], row["open"], row["done"]) == (1, 1, 0, 0)
    assert ledger.by_unit["县市场监督管理局"]["done"] == 1
    assert ledger.by_unit["各乡镇人民政府"]["overdue"] == 1 and ledger.by_unit["各乡镇人民政府"]["due_soon"] == 1
    assert ledger.counts() == {"overdue": 1, "due_soon": 3, "open": 1, "done": 1, "no_deadline": 1}


@pytest.mark.parametrize(("a", "b"), [
    ("县交通运输局", "县交通局"), ("县发展和改革委员会", "县发改委"), ("县市场监督管理局", "县市场监管局"),
    ("县应急管理局", "县应急局"), ("县人民政府", "县政府"), ("市住房和城乡建设局", "市住建局"),
    ("县卫生健康委员会", "县卫健委"), ("县住建委", "县住房和城乡建设局"),
])
def test_unit_aliases(a: str, b: str) -> None:
    assert unit_key(a) == unit_key(b)


def test_different_units_stay_apart() -> None:
    assert unit_key("县交通局") != unit_key("县财政局")
    assert unit_key("市场监管局") != unit_key("县市场监管局")


def test_unit_filter_and_days(store: Path) -> None:
    mine = build_ledger(store, AS_OF, unit="交通局")
    assert sorted(e.status for e in mine.entries) == ["due_soon", "overdue"]
    assert list(mine.by_unit) == ["县交通运输局"]  # one count under the longer name (each written once)
    narrow = build_ledger(store, AS_OF, days=10)
    assert _entry(narrow, "危桥").status == "open"


def test_json_shape(ledger) -> None:
    obj = json.loads(render(ledger, "json"))
    assert obj["schema"] == "docproc-ledger/1" and obj["as_of"] == "2026-06-15"
    task = next(t for t in obj["tasks"] if "充电桩" in t["content"])
    assert task["status"] == "overdue" and task["label"] == "逾期"
    assert task["deadline"]["date"] == "2026-04-30"
    assert task["units"]["lead"] == ["县交通运输局"]
    assert task["progress"][0]["reported"] == 9
    assert set(obj["by_unit"]["县商务局"]) == {"overdue", "due_soon", "open", "done", "no_deadline"}


def test_markdown_and_csv_are_in_chinese(ledger) -> None:
    md = render(ledger, "md")
    assert "## 按单位汇总" in md and "| 逾期 | 在城区新建公共充电桩12个 |" in md and "| 12个 | 9个 | 否 |" in md
    assert "overdue" not in md
    csv = render(ledger, "csv")
    assert csv.startswith("\ufeff序号,状态,任务内容")
    assert "已完成" in csv and "无时限" in csv


def test_xlsx_workbook_is_print_ready(store: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "台账.xlsx"
    res = runner.invoke(app, ["ledger", str(store), "--as-of", "2026-06-15", "--out", str(out)])
    assert res.exit_code == 0, res.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["单位汇总", "逾期及即将到期", "目标与报告", "全部任务"]
    for ws in wb:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    urgent = [[c.value for c in row] for row in wb["逾期及即将到期"].iter_rows(min_row=2)]
    assert [r[0] for r in urgent] == ["逾期", "即将到期", "即将到期", "即将到期"]
    goals = [[c.value for c in row] for row in wb["目标与报告"].iter_rows()]
    assert goals[0][:4] == ["任务内容", "指标", "目标", "报告值"]
    assert ["12个", "9个"] in [r[2:4] for r in goals]


def test_ledger_calendar_has_one_event_per_dated_deadline(ledger) -> None:
    from icalendar import Calendar

    cal = Calendar.from_ical(render(ledger, "ics"))
    events = list(cal.walk("VEVENT"))
    dated = [e for e in ledger.entries if e.due is not None and e.due.date is not None]
    assert len(events) == len(dated) == 6
    days = sorted(ev.decoded("dtstart") for ev in events)
    assert days == sorted(e.due.date for e in dated)
    charging = next(ev for ev in events if "充电桩" in str(ev["summary"]))
    assert "县交通运输局" in str(charging["summary"]) and "逾期" in str(charging["description"])
    assert len({str(ev["uid"]) for ev in events}) == 6


def test_extract_ics_parses_back(tmp_path: Path) -> None:
    from icalendar import Calendar

    plan = tmp_path / "plan.txt"
    plan.write_text(PLAN, encoding="utf-8")
    out = tmp_path / "plan.ics"
    res = runner.invoke(app, ["extract", str(plan), "--out", str(out)])
    assert res.exit_code == 0, res.output
    events = list(Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    got = sorted(ev.decoded("dtstart").isoformat() for ev in events)
    assert got == ["2026-04-30", "2026-05-31", "2026-06-30", "2026-10-31"]
    market = next(ev for ev in events if "农贸市场" in str(ev["summary"]))
    assert "县市场监督管理局" in str(market["summary"])
    assert "青禾县2026年城乡建设重点任务分工方案" in str(market["description"])


def test_cli_errors_are_one_line(store: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["ledger", str(tmp_path / "none.db"), "--as-of", "2026-06-15"])
    assert res.exit_code == 2 and "no such store" in res.output
    res = runner.invoke(app, ["ledger", str(store), "--as-of", "15/06/2026"])
    assert res.exit_code == 2
    foreign = tmp_path / "notes.db"
    foreign.write_text("just text", encoding="utf-8")
    res = runner.invoke(app, ["ledger", str(foreign), "--as-of", "2026-06-15"])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_issuer_and_region_of_titles() -> None:
    from docproc.ledger.pairing import issuer, region, title_overlap

    assert issuer("上海市普陀区财政局2024年度部门决算") == "上海市普陀区财政局"  # 部门 is no ending
    assert region("上海市普陀区财政局2024年度部门决算") == "上海市"
    assert issuer("关于印发青禾县城乡建设重点任务分工方案的通知") == "青禾县"
    assert issuer("政府工作报告") == ""
    plan = "青禾县2026年城乡建设重点任务分工方案"
    assert title_overlap(plan, "青禾县2026年城乡建设重点任务推进情况的报告") >= 0.5
    assert title_overlap(plan, "青禾县2026年教育工作情况报告") < 0.5


def test_titles_alike_from_two_bodies_are_not_paired() -> None:
    """部门决算 of two bureaus share every topic word; their issuers differ, so neither is read against the other."""
    from docproc.ledger.load import StoredDoc
    from docproc.ledger.pairing import pair_documents, title_overlap
    from docproc.pipeline import process_text

    a, b = "临川市东湖区财政局2026年部门预算", "临川市东湖区规划局2026年部门预算"
    assert title_overlap(a, b) >= 0.5
    plan = process_text(a + "\n2026年2月1日\n一、全年完成项目支出审核120项。\n", kind="plan")
    report = process_text(b + "\n2026年5月6日\n一、截至4月底已完成项目支出审核60项。\n", kind="report")
    same = process_text(a + "\n2026年5月6日\n一、截至4月底已完成项目支出审核60项。\n", kind="report")
    assert plan.meta.title == a and report.meta.title == b
    pairs = pair_documents([StoredDoc("p", plan)], [StoredDoc("r", report), StoredDoc("s", same)],
                           dt.date(2026, 6, 1))
    assert [p.report.hash for p in pairs] == ["s"]


def test_web_ledger_page_filters_and_downloads(store: Path, tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from openpyxl import load_workbook

    from docproc.web.app import Settings, create_app

    app = create_app(Settings(db=tmp_path / "web.db", store=store, executor="thread", allowed_hosts=("testserver",)))
    with TestClient(app) as c:
        page = c.get("/ledger", params={"as_of": "2026-06-15"})
        assert page.status_code == 200
        assert "共7项任务:逾期1项,即将到期3项,进行中1项,已完成1项,无时限1项" in page.text
        assert "在城区新建公共充电桩12个" in page.text and "督办台账" in page.text
        overdue = c.get("/ledger", params={"as_of": "2026-06-15", "status": "overdue", "unit": "县交通局"})
        assert overdue.text.count('class="status-overdue"') == 2  # in the urgent table and the task table
        assert 'class="status-due_soon"' not in overdue.text
        today = c.get("/ledger")
        assert f"截至{dt.date.today().isoformat()}" in today.text
        assert c.get("/ledger", params={"as_of": "15/06/2026"}).status_code == 400
        assert c.get("/ledger", params={"status": "late"}).status_code == 400
        xlsx = c.get("/ledger/download/xlsx", params={"as_of": "2026-06-15", "unit": "交通局"})
        assert xlsx.status_code == 200 and "attachment" in xlsx.headers["content-disposition"]
        out = tmp_path / "web.xlsx"
        out.write_bytes(xlsx.content)
        urgent = [[c.value for c in row] for row in load_workbook(out)["逾期及即将到期"].iter_rows(min_row=2)]
        assert [r[0] for r in urgent] == ["逾期", "即将到期"]
        ics = c.get("/ledger/download/ics", params={"as_of": "2026-06-15"})
        assert ics.headers["content-type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
        assert c.get("/ledger/download/pdf").status_code == 404


def test_web_ledger_without_a_store(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from docproc.web.app import Settings, create_app

    app = create_app(Settings(db=tmp_path / "web.db", executor="thread", allowed_hosts=("testserver",)))
    with TestClient(app) as c:
        assert c.get("/ledger").status_code == 404


def test_every_ledger_lexicon_key_is_read() -> None:
    """Words kept in lexicons/ledger.yaml that no rule reads would rot unnoticed."""
    import yaml

    root = Path(__file__).resolve().parents[1]
    keys = yaml.safe_load((root / "lexicons" / "ledger.yaml").read_text(encoding="utf-8"))
    source = "".join(p.read_text(encoding="utf-8") for p in (root / "docproc" / "ledger").glob("*.py"))
    assert [k for k in keys if f'"{k}"' not in source] == []


def test_report_status_dates_are_no_calendar_events(tmp_path: Path) -> None:
    """截至5月底 in a report is the date of a figure, not a time limit: the report's calendar holds only 年内."""
    from icalendar import Calendar

    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    res = runner.invoke(app, ["extract", str(report), "--format", "ics"])
    assert res.exit_code == 0, res.output
    events = list(Calendar.from_ical(res.stdout_bytes).walk("VEVENT"))
    assert [ev.decoded("dtstart").isoformat() for ev in events] == ["2026-12-31"]


def test_a_figure_at_its_target_makes_the_task_done(tmp_path: Path) -> None:
    """危桥改造 8 of 8 reported: done without a completion word; 充电桩 12 of 12 too, 老旧小区 untouched."""
    later = REPORT.replace("已建成公共充电桩9个", "已建成公共充电桩12个").replace("已完成5座", "已完成8座")
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "report.txt").write_text(later, encoding="utf-8")
    run_batch([tmp_path / "plan.txt", tmp_path / "report.txt"], tmp_path / "s.db")
    result = build_ledger(tmp_path / "s.db", AS_OF)
    bridges = _entry(result, "危桥")
    assert bridges.status == "done" and (bridges.progress[0].target, bridges.progress[0].reported) == (8, 8)
    assert "8座" in bridges.done_by["sentence"]
    assert _entry(result, "充电桩").status == "done"
    assert _entry(result, "老旧小区").status == "open"
