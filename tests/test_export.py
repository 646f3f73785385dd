"""Outputs for people: the workbook staff receive (read back with openpyxl), CSV, Markdown and the HTML report,
all in Chinese by default and English with --lang en."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from typer.testing import CliRunner

from docproc.cli import app
from docproc.export import render_text, write_xlsx
from docproc.export.rows import CONTINUATION, CONTINUED, TASK_COLUMNS, split_long
from docproc.pipeline import process_text

from conftest import SEEDS, SHARED

runner = CliRunner()
PLAN = SEEDS / "003_9882b4f48095540a.txt"
SHEETS = ["说明", "任务", "指标", "时限", "按责任单位", "核查", "文档", "技术"]
# a division table whose money column carries its magnitude in the header
TABLE_PLAN = ("2024年重点项目推进表\n序号 | 重点任务 | 目标值(万元) | 责任单位 | 完成时限\n"
              "1 | 建设农产品加工园 | 12000 | 县发改局 | 6月底前\n2 | 改造老旧小区 | 3500 | 县住建局 | 3月底前\n")
REPORT = "某镇2024年工作总结\n全年完成危房改造29户,其中C级危房17户、D级危房13户。\n新建村道8.5公里。\n"


def _json(path=PLAN):
    return json.loads(runner.invoke(app, ["extract", str(path)]).stdout)


def _units(task):
    return ("、".join(task["units"]["lead"]), "、".join(task["units"]["responsible"]), "、".join(task["units"]["support"]))


def _rows(ws):
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def _workbook(tmp_path, docs, **kw):
    from openpyxl import load_workbook

    out = tmp_path / "out.xlsx"
    write_xlsx(docs, out, **kw)
    return load_workbook(out)


def test_xlsx_round_trip(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "plan.xlsx"
    result = runner.invoke(app, ["extract", str(PLAN), "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS and wb.active.title == "任务"
    ws = wb["任务"]
    assert [c.value for c in ws[1]] == ["文件", *TASK_COLUMNS]
    rows = _rows(ws)
    doc = _json()
    assert len(rows) == len(doc["tasks"])
    assert {r["文件"] for r in rows} == {PLAN.name}  # the file name, not the path
    for row, task in zip(rows, doc["tasks"], strict=True):
        assert task["text"].startswith(row["任务内容"].split("\n")[0])
        assert (row["牵头单位"] or "", row["责任单位"] or "", row["配合单位"] or "") == _units(task)
    dates = [r["日期"] for r in _rows(wb["时限"]) if r["日期"]]
    assert all(isinstance(d, dt.datetime | dt.date) for d in dates) and dates == sorted(dates)
    assert sorted(d.date().isoformat() for d in dates) == sorted(d["date"] for d in doc["deadlines"] if d["date"])
    figures = _rows(wb["指标"])
    assert len(figures) == len(doc["quantities"]) and all(isinstance(r["数值"], int | float) for r in figures)
    assert {r["角色"] for r in figures} <= {"目标", "实际", "基期", "其他"}


def test_every_sheet_prints_and_filters(tmp_path):
    wb = _workbook(tmp_path, [process_text(TABLE_PLAN, ref_date="2024-01-01", kind="plan")])
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2" and ws["A1"].font.bold, ws.title
        assert ws.auto_filter.ref, ws.title
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows and "1:" in ws.print_title_rows
    widths = {ws.cell(1, i + 1).value: ws.column_dimensions[ws.cell(1, i + 1).column_letter].width
              for ws in [wb["任务"]] for i in range(ws.max_column)}
    assert widths["任务内容"] > widths["序号"]
    for ws in (wb["任务"], wb["指标"], wb["时限"]):  # character offsets only on the technical sheet
        assert not {"起", "止"} & {c.value for c in ws[1]}
    assert {"起", "止"} <= {c.value for c in wb["技术"][1]}


def test_magnitude_of_a_table_header_reaches_the_task_sheet_and_markdown(tmp_path):
    doc = process_text(TABLE_PLAN, ref_date="2024-01-01", kind="plan")
    rows = _rows(_workbook(tmp_path, [doc])["任务"])
    first = next(r for r in rows if r["任务内容"] and "加工园" in r["任务内容"])
    assert (first["目标值"], first["数值"], first["单位"]) == ("12000万元", 120000000, "元")
    md = render_text([doc], "md")
    assert "12000万元" in md and "| 12000 |" not in md


def test_one_figure_per_row_in_figures_and_one_per_line_in_tasks(tmp_path):
    doc = process_text("2024年工作要点\n一、全年新建道路15公里,改造桥梁不少于3座,投资不低于2.6亿元。(责任单位:县交通运输局)\n",
                       ref_date="2024-01-01", kind="plan")
    wb = _workbook(tmp_path, [doc])
    task = _rows(wb["任务"])[0]
    assert task["目标值"].split("\n") == ["15公里", "不少于3座", "不低于2.6亿元"]
    assert task["数值"].split("\n") == ["15", "3", "260,000,000"]
    assert task["比较"].split("\n") == ["", "不低于", "不低于"]
    figures = _rows(wb["指标"])
    assert [r["数字"] for r in figures] == ["15公里", "不少于3座", "不低于2.6亿元"]
    assert [r["数值"] for r in figures] == [15, 3, 260000000] and [r["单位"] for r in figures] == ["公里", "座", "元"]
    assert all(r["任务号"] == 1 for r in figures)


def test_text_cells_are_text_without_a_visible_guard(tmp_path):
    doc = process_text("2024年工作要点\n=HYPERLINK(\"http://x\")全年新建道路5公里。\n+SUM(A1)开展排查。\n",
                       ref_date="2024-01-01", kind="plan")
    wb = _workbook(tmp_path, [doc])
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.value.startswith("=HYPERLINK") for c in cells)
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.value.startswith("'") for c in cells)
    assert "'=HYPERLINK" in render_text([doc], "csv")  # CSV has no cell types: there the quote stays


def test_control_characters_removed_and_long_cells_continued(tmp_path):
    body = "全年新建道路5公里。" * 3800  # 38,000 characters in one task
    doc = process_text(f"2024年工作要点\n一、{body}(责任单位:县交通\x07运输局)\n", ref_date="2024-01-01", kind="plan")
    wb = _workbook(tmp_path, [doc])
    ws = wb["任务"]
    cells = [r["任务内容"] for r in _rows(ws)]
    assert len(cells) == 2 and cells[0].endswith(CONTINUED) and cells[1].startswith(CONTINUATION)
    assert all(len(c) <= 32_767 for c in cells)
    whole = cells[0][: -len(CONTINUED)] + cells[1][len(CONTINUATION):]
    assert whole == next(t for t in doc.tasks).text.split("\n")[0] or body in whole
    text = "".join(str(c.value) for w in wb.worksheets for row in w.iter_rows() for c in row if c.value)
    assert "\x07" not in text
    csv_text = render_text([doc], "csv")
    assert "\x07" not in csv_text and CONTINUED in csv_text


def test_split_long_keeps_every_character():
    values = ["x" * 70_000, 3, "short"]
    rows = split_long(values, limit=32_767)
    assert len(rows) == 3 and rows[0][1:] == [3, "short"] and rows[1][1] is None
    pieces = [r[0] for r in rows]
    assert all(len(p) <= 32_767 for p in pieces)
    joined = pieces[0].removesuffix(CONTINUED) + "".join(
        p.removeprefix(CONTINUATION).removesuffix(CONTINUED) for p in pieces[1:])
    assert joined == values[0]


def test_about_sheet_says_why_a_report_has_no_tasks(tmp_path):
    doc = process_text(REPORT, ref_date="2024-12-31", kind="report")
    wb = _workbook(tmp_path, [doc])
    about = {r["工作表"]: r for r in _rows(wb["说明"])}
    assert set(SHEETS[1:]) <= set(about)
    assert about["任务"]["行数"] == 0 and "报告" in about["任务"]["内容"] and "为空" in about["任务"]["内容"]
    assert about["指标"]["行数"] == len(doc.quantities) > 0


def test_findings_say_stated_computed_and_where_in_chinese(tmp_path):
    doc = process_text(REPORT, ref_date="2024-12-31", kind="report")
    findings = _rows(_workbook(tmp_path, [doc])["核查"])
    assert len(findings) == 1
    f = findings[0]
    assert (f["类型"], f["级别"]) == ("合计核对", "错误") or f["类型"] == "合计核对"
    assert "17户 + 13户" in f["说明"] and "30户" in f["说明"] and "29户" in f["说明"] and "第1页第2段" in f["说明"]
    assert not any(w in f["说明"] for w in ("parts", "stated", "add up"))
    obj = doc.to_json()["findings"][0]
    assert obj["check"] == "sum" and "add up to" in obj["message"] and "不符" in obj["message_zh"]
    assert obj["code"].startswith("sum.")


def test_unit_and_deadline_sheets(tmp_path):
    doc = process_text(TABLE_PLAN, ref_date="2024-01-01", kind="plan")
    wb = _workbook(tmp_path, [doc])
    units = {r["单位名称"]: r for r in _rows(wb["按责任单位"])}
    assert units["县发改局"]["负责"] == 1 and units["县发改局"]["任务号"] == "1"
    assert units["县住建局"]["最早时限"].date() == dt.date(2024, 3, 31)
    deadlines = _rows(wb["时限"])
    assert [r["原文"] for r in deadlines] == ["3月底前", "6月底前"]  # sorted by date, not by place
    assert deadlines[0]["责任单位"] == "县住建局" and deadlines[0]["类型"] == "完成时限"


def test_english_with_lang_en(tmp_path):
    doc = process_text(TABLE_PLAN, ref_date="2024-01-01", kind="plan")
    wb = _workbook(tmp_path, [doc], lang="en")
    assert wb.sheetnames[:3] == ["about", "tasks", "figures"]
    assert [c.value for c in wb["tasks"][1]][:4] == ["file", "no.", "section", "task"]
    assert {r["role"] for r in _rows(wb["figures"])} == {"target"}


def test_several_documents_share_one_workbook(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "all.xlsx"
    files = sorted(SEEDS.glob("*.txt"))
    runner.invoke(app, ["extract", *map(str, files), "-o", str(out)])
    sources = {r["文件"] for r in _rows(load_workbook(out)["文档"])}
    assert sources == {p.name for p in files}


def test_csv_has_bom_and_columns():
    text = runner.invoke(app, ["extract", str(PLAN), "--format", "csv"]).stdout
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0].keys()) == TASK_COLUMNS
    doc = _json()
    assert len(rows) == len(doc["tasks"])
    assert [(r["牵头单位"], r["责任单位"], r["配合单位"]) for r in rows] == [_units(t) for t in doc["tasks"]]
    assert not any(r["比较"] in ("=", "'=") for r in rows)


def test_markdown_one_row_per_task_and_never_none():
    md = runner.invoke(app, ["extract", str(PLAN), "--format", "md"]).stdout
    table = [ln for ln in md.splitlines() if ln.startswith("| ") and not ln.startswith("| 序号")]
    assert len(table) == len(_json()["tasks"])
    no_year = process_text("工作要点\n一、新建道路5公里。(责任单位:县交通运输局)\n", kind="plan")
    no_year.meta.year = None
    text = render_text([no_year], "md")
    assert "None" not in text and "未知" in text


def _report_html(tmp_path):
    report = SHARED / "eval" / "pairs" / "report_2023_wltzq.txt"
    if not report.exists():
        pytest.skip("shared/eval not beside the checkout")
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["check", str(report), "--against", str(PLAN), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_html_is_self_contained_and_chinese(tmp_path):
    html = _report_html(tmp_path).read_text(encoding="utf-8")
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert html.count('class="finding') == 6
    assert "目标对照" in html and "未达成" in html and "合计核对" in html
    assert '<mark class="q"' in html and '<mark class="d"' in html
    assert "add up to" not in html and "target, " not in html


def test_goal_table_missed_first_filtered_and_downloadable(tmp_path):
    from openpyxl import load_workbook

    report = SHARED / "eval" / "pairs" / "report_2023_wltzq.txt"
    if not report.exists():
        pytest.skip("shared/eval not beside the checkout")
    out, goals_csv = tmp_path / "check.xlsx", tmp_path / "goals.csv"
    result = runner.invoke(app, ["check", str(report), "-a", str(PLAN), "--out", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.active.title == "目标"
    statuses = [r["状态"] for r in _rows(wb["目标"])]
    assert statuses and statuses[0] == "未完成" and statuses == sorted(statuses, key=lambda s: s != "未完成")
    result = runner.invoke(app, ["check", str(report), "-a", str(PLAN), "--status", "未完成", "--goals-out",
                                 str(goals_csv), "-f", "json"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(goals_csv.read_text(encoding="utf-8").lstrip("\ufeff"))))
    assert len(rows) == statuses.count("未完成") and {r["状态"] for r in rows} == {"未完成"}
    assert {g["status"] for g in json.loads(result.stdout)["goals"]} == {"missed"}
    goals_xlsx = tmp_path / "goals.xlsx"
    runner.invoke(app, ["check", str(report), "-a", str(PLAN), "--goals-out", str(goals_xlsx), "-f", "json"])
    assert load_workbook(goals_xlsx).sheetnames == ["目标"]


@pytest.mark.slow
def test_html_report_in_headless_chromium(tmp_path):
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        pytest.skip("chromium is not installed (.ci/run installs it with apt-get)")
    page = tmp_path / "plan.html"
    runner.invoke(app, ["extract", str(PLAN), "--out", str(page)])
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count('<mark class="u"') >= 40  # every responsible-unit clause is highlighted
    assert '<mark class="d"' in dom.stdout and "责任单位" in dom.stdout
    shot = tmp_path / "plan.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 20_000


def test_goal_table_holds_plan_targets_only(tmp_path):
    """A plan without a target list: milestones, parts after 其中, scopes, the people served and counts of kinds
    are no goals; the targets to reach are, and the one missed comes first."""
    from docproc.check.goals import check_against

    plan = process_text(
        "某县2024年乡村建设工作方案\n"
        "1.新建通村公路42公里。(责任单位:县交通运输局)\n"
        "2.资金拨付进度要求(5月底40%、8月底70%),按月调度。(责任单位:县财政局)\n"
        "3.确保全县130名困难家庭学生(其中:小学61人,初中45人,高中24人)应助尽助。(责任单位:县教育局)\n"
        "4.持续抓好全县8个安置点后续扶持,改善640人的饮水条件,推动两类资产良性运转。(责任单位:县水利局)\n"
        "5.改造农村户厕1500户。(责任单位:县农业农村局)\n", ref_date="2024-01-01", kind="plan")
    report = process_text("某县2024年乡村建设工作总结\n全年新建通村公路39公里,改造农村户厕1500户。\n",
                          ref_date="2024-12-31", kind="report")
    goals = check_against(report, [plan])
    assert [(g.status, g.target_text) for g in goals] == [("missed", "42公里"), ("met", "1500户")]
    out = tmp_path / "goals.xlsx"
    from docproc.export.xlsx import goals_xlsx

    goals_xlsx(goals, out)
    from openpyxl import load_workbook

    rows = _rows(load_workbook(out)["目标"])
    assert [(r["状态"], r["目标值"], r["实际值"]) for r in rows] == [("未完成", 42, 39), ("已完成", 1500, 1500)]


def test_where_counts_paragraphs_on_their_page():
    from docproc.messages import where

    doc = process_text("某镇2024年工作总结\n一段文字。\n第二段文字。\n第三段文字。\n", ref_date="2024-12-31", kind="report")
    third = doc.paragraphs[2].span[0]
    assert where(doc, third) == "(第1页第3段)"
    doc.page_starts = [doc.paragraphs[2].span[0]]  # the third paragraph opens page 2
    assert where(doc, third) == "(第2页第1段)" and where(doc, doc.paragraphs[3].span[0], "en") == " (page 2, paragraph 2)"


def test_check_without_a_plan_has_no_goal_sheet(tmp_path):
    from openpyxl import load_workbook

    report, out = tmp_path / "report.txt", tmp_path / "check.xlsx"
    report.write_text(REPORT, encoding="utf-8")
    assert runner.invoke(app, ["check", str(report), "--out", str(out)]).exit_code == 0
    wb = load_workbook(out)
    assert "目标" not in wb.sheetnames and len(_rows(wb["核查"])) == 1
