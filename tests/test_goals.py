"""Plan versus report: targets matched to results, goal and completion findings, the check command."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from docproc.check.goals import check_against
from docproc.cli import app
from docproc.pipeline import process_text

PLAN = """某县2024年农村工作行动方案
1.加快农村公路建设。到2024年底,新改建农村公路120公里。(责任单位:县交通运输局)
2.推进农村供水保障。农村自来水普及率达到92%以上。(责任单位:县水利局)
3.稳岗就业。高质量完成400人务工就业任务。(责任单位:县人社局)
4.改善住房条件。完成危房改造50户。(责任单位:县住建局)
5.控制成本。单位工程造价控制在3000元以内。(责任单位:县财政局)
6.远期目标。到2026年底,建成示范村30个。(责任单位:县农业农村局)"""

REPORT = """某县2024年农村工作总结
全年新改建农村公路112.5公里。全县农村自来水普及率达到93.1%。
全年完成务工就业380人,完成年度任务的95%。完成危房改造50户。单位工程造价为3200元。
建成示范村12个。"""


def _goals():
    plan = process_text(PLAN, source="plan.txt")
    report = process_text(REPORT, source="report.txt")
    assert plan.meta.kind == "plan" and report.meta.kind == "report"
    goals = check_against(report, [plan])
    return report, {g.target.text: g for g in goals}


def test_goal_table_statuses():
    _, goals = _goals()
    assert goals["120公里"].status == "missed" and goals["120公里"].actual.text == "112.5公里"
    assert goals["92%"].status == "met"
    assert goals["400人"].status == "missed"
    assert goals["50户"].status == "met"
    assert goals["3000元"].status == "missed"  # a ceiling exceeded
    assert "30个" not in goals  # due in 2026, not a 2024 target


def test_goal_and_completion_findings():
    report, _ = _goals()
    checks = sorted((f.check, f.evidence[:8]) for f in report.findings)
    assert [c for c, _ in checks].count("goal") == 3
    # 380 / 400 = 95%: the completion rate is consistent, so no completion finding
    assert "completion" not in [c for c, _ in checks]


def test_completion_rate_that_does_not_fit():
    plan = process_text(PLAN)
    report = process_text(REPORT.replace("完成年度任务的95%", "完成年度任务的105%"))
    check_against(report, [plan])
    assert [f.check for f in report.findings if f.check == "completion"] == ["completion"]


def test_check_command(tmp_path):
    (tmp_path / "plan.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "report.txt").write_text(REPORT, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "report.txt"), "--against", str(tmp_path / "plan.txt")])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["schema"] == "docproc/1"
    assert {g["status"] for g in out["goals"]} >= {"met", "missed"}
    md = CliRunner().invoke(app, ["check", str(tmp_path / "report.txt"), "-a", str(tmp_path / "plan.txt"), "-f", "md"])
    assert "| 指标 | 目标 | 实际 | 状态 |" in md.stdout and "未达成" in md.stdout


def test_clean_seed_documents_raise_no_findings():
    from docproc.pipeline import process

    from conftest import seed_paths

    for path in seed_paths():
        doc = process(path)
        # the only finding on the seeds is the impossible growth base in 001 (14 after +350%)
        assert all(f.check == "growth" for f in doc.findings), [f.message for f in doc.findings]
