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
