"""Structure: heading levels, section paths, paragraphs and sentences with exact spans."""

from __future__ import annotations

import pytest

from docproc.pipeline import load, process_text
from docproc.structure import marker_of

from conftest import seed_paths

PLAN = """关于推进乡村建设的实施方案
一、总体要求
坚持规划先行。
二、重点任务
(一)加强基础设施建设
1.推进农村公路建设。新改建农村公路50公里。
(1)做好规划。
①完成选线。
一是加快进度。二是保证质量。
第一,压实责任。
——强化督查,确保实效。
(二)提升公共服务
2.完善医疗服务。"""


@pytest.mark.parametrize(
    ("line", "level"),
    [("一、总体要求", 1), ("(一)加强", 2), ("1.推进", 3), ("12、推进", 3), ("(1)做好", 4), ("①完成", 5),
     ("一是加快", 6), ("第一,压实", 6), ("——强化", 6), ("9.9月底前完成", 3)],
)
def test_marker_levels(line, level):
    found = marker_of(line)
    assert found is not None and found[1] == level


@pytest.mark.parametrize("line", ["2023年是开局之年。", "3.5万元资金到位。", "今年以来,全县……", "12.6%的增幅"])
def test_not_markers(line):
    assert marker_of(line) is None


def test_section_paths():
    doc = process_text(PLAN, checks=False)
    by_text = {p.text: p for p in doc.paragraphs}
    assert by_text["1.推进农村公路建设。新改建农村公路50公里。"].section == ("二、重点任务", "(一)加强基础设施建设")
    assert by_text["①完成选线。"].section == ("二、重点任务", "(一)加强基础设施建设", "1.推进农村公路建设", "(1)做好规划")
    assert by_text["2.完善医疗服务。"].section == ("二、重点任务", "(二)提升公共服务")


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_every_span_is_exact(path):
    doc = load(path)
    for p in doc.paragraphs:
        assert doc.text[p.span[0]:p.span[1]] == p.text
    for s in doc.sections:
        assert doc.text[s.span[0]:s.span[1]] == s.title
    for s in doc.sentences:
        assert doc.text[s.span[0]:s.span[1]] == s.text
        assert s.text[-1] in "。!?;”)" or doc.text[s.span[1]:s.span[1] + 1] in ("\n", "")


@pytest.mark.parametrize(("title", "year", "kind"), [
    ("二、2024年主要预期目标", 2024, "plan"),
    ("一、2023年工作回顾", 2024, "report"),
    ("(三)下一步工作打算", 2024, "plan"),
    ("二、主要成效", 2024, "report"),
    ("三、加强组织领导", 2024, None),
])
def test_heading_kind(title, year, kind):
    from docproc.structure import heading_kind

    assert heading_kind(title, year) == kind


def test_report_tasks_come_from_its_plan_sections():
    from docproc.pipeline import process_text

    text = ("一、2023年工作回顾\n全年新建学校5所,完成投资12亿元。\n二、2024年工作安排\n"
            "新建学校3所,改造老旧小区20个。\n推进城乡供水一体化。\n")
    doc = process_text(text, ref_date="2024-01-20", kind="report")
    assert [t.text for t in doc.tasks] == ["新建学校3所,改造老旧小区20个。", "推进城乡供水一体化。"]


def test_marked_items_under_a_review_heading_are_not_tasks():
    from docproc.pipeline import process_text

    text = ("一、2023年工作回顾\n(一)加强基础设施建设。全年新建农村公路120公里。\n(二)推进产业发展。新增规上企业12家。\n"
            "二、2024年重点工作\n(一)加强基础设施建设。年底前新建农村公路150公里。\n(二)推进产业发展。(责任单位:县工信局)\n")
    doc = process_text(text, ref_date="2024-01-20", kind="report")
    assert [t.text for t in doc.tasks] == ["(一)加强基础设施建设。年底前新建农村公路150公里。", "(二)推进产业发展。(责任单位:县工信局)"]


def test_section_kind_from_its_clauses_when_the_heading_names_none():
    """A work report's sections under headings with no plan or report word take the kind their clauses show."""
    from docproc.pipeline import process_text

    text = ("2025年某县政府工作报告\n一、砥砺奋进,各项事业取得新成效\n"
            "过去一年,全县地区生产总值增长5.6%,完成固定资产投资120亿元。新增城镇就业3200人,比上年增长4%。\n"
            "建成乡村公路86公里,改造农村危房420户。城乡居民收入分别增长5.1%和6.8%,实现了稳中有进。\n"
            "二、锚定目标,奋力开创发展新局面\n"
            "扩大有效投资。加快推进重点项目建设,确保新开工项目40个。\n"
            "提振消费活力。支持商贸企业开展促销活动,培育夜间经济,推动消费升级。\n"
            "稳定粮食生产。落实耕地保护责任,推进高标准农田建设,强化农业科技支撑。\n")
    doc = process_text(text, kind="report", checks=False)
    kinds = {p.text[:4]: doc.kind_at(p.span[0]) for p in doc.paragraphs}
    assert kinds["过去一年"] == "report" and kinds["扩大有效"] == "plan"
    assert {q.role for q in doc.quantities if q.text == "40个"} == {"target"}
