"""Plan versus report: targets matched to results, goal and completion findings, the check command.

The rules (scope, same measure, directions and tolerances) are shown by invented plan/report pairs in
corpora/goals.yaml, each with the status every target must get.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from docproc.check.goals import check_against, review_scope
from docproc.cli import app
from docproc.pipeline import process_text

CASES = yaml.safe_load((Path(__file__).resolve().parent.parent / "corpora" / "goals.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:60] for c in CASES])
def test_goal_corpus(case):
    plan = process_text(case["plan"], source="plan.txt", ref_date=str(case["plan_ref"]))
    report = process_text(case["report"], source="report.txt", ref_date=str(case["report_ref"]))
    before = len(report.findings)
    goals = check_against(report, [plan])
    table = {g.indicator: g.status for g in goals}
    for label, status in case["goals"].items():
        assert table.get(label) == status, f"{label}: {table}"
    assert sum(1 for f in report.findings[before:] if f.check == "goal") == case["findings"], table
    for label in case.get("absent_goals", []):
        assert label not in table


def test_goal_table_lists_missed_first_with_labels():
    case = next(c for c in CASES if c["name"].startswith("左右 — "))
    plan = process_text(case["plan"], ref_date=str(case["plan_ref"]))
    report = process_text(case["report"], ref_date=str(case["report_ref"]))
    goals = check_against(report, [plan])
    assert goals[0].status == "missed" and goals[0].label == "未完成"
    assert {g.label for g in goals} == {"未完成", "已完成"}
    finding = next(f for f in report.findings if f.check == "goal")
    # the band of 左右 is stated in the finding, in Chinese
    assert "6%左右" in finding.message and "±0.3个百分点" in finding.message and "5.7%" in finding.message
    assert finding.evidence.startswith("过去一年")


def test_review_scope_modes():
    report = process_text("2032年青川市政府工作报告\n一、2031年工作回顾\n过去一年,地区生产总值增长6.2%。\n"
                          "五年来,地区生产总值年均增长4.1%。\n刚刚过去的2031年,粮食产量120万吨。\n"
                          "二、“十五五”时期主要目标\n地区生产总值年均增长5%左右。\n", ref_date="2032-01-20")
    scope = review_scope(report, 2031)
    at = report.text.find
    assert scope.mode_at(at("6.2%")) == "year"
    assert scope.mode_at(at("4.1%")) == "five"
    assert scope.mode_at(at("120万吨")) == "year"
    assert scope.mode_at(at("5%左右")) == "other"

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
    assert {g["label"] for g in out["goals"]} >= {"已完成", "未完成"}
    md = CliRunner().invoke(app, ["check", str(tmp_path / "report.txt"), "-a", str(tmp_path / "plan.txt"), "-f", "md"])
    assert "| 指标 | 目标 | 实际 | 状态 |" in md.stdout and "未完成" in md.stdout and "未达成计划目标" in md.stdout


def test_clean_seed_documents_raise_no_findings():
    from docproc.pipeline import process

    from conftest import seed_paths

    for path in seed_paths():
        doc = process(path)
        # the only finding on the seeds is the impossible growth base in 001 (14 after +350%)
        assert all(f.check == "growth" for f in doc.findings), [f.message for f in doc.findings]


def test_every_goals_lexicon_key_is_read():
    """Words kept in lexicons/goals.yaml that no rule reads would rot unnoticed."""
    root = Path(__file__).resolve().parent.parent
    source = (root / "docproc" / "check" / "goals.py").read_text(encoding="utf-8")
    keys = yaml.safe_load((root / "lexicons" / "goals.yaml").read_text(encoding="utf-8"))
    assert [k for k in keys if f'"{k}"' not in source and f"'{k}'" not in source] == []
