"""The per-construction example corpora in corpora/*.yaml, as parametrized tests."""

from __future__ import annotations

import pytest

from conftest import corpus, run_text


def _assert_spans(doc, items):
    for item in items:
        s, e = item.span
        assert doc.text[s:e] == item.text


@pytest.mark.parametrize("entry", corpus("deadlines"))
def test_deadlines(entry):
    doc = run_text(entry)
    _assert_spans(doc, doc.deadlines)
    got = [[d.text, d.date, d.kind] for d in doc.deadlines]
    assert got == entry["expected"]


@pytest.mark.parametrize("entry", corpus("quantities"))
def test_quantities(entry):
    doc = run_text(entry)
    _assert_spans(doc, doc.quantities)
    got = []
    for q, exp in zip(doc.quantities, entry["expected"] + [None] * len(doc.quantities), strict=False):
        row = [q.text, q.value, q.unit, q.op]
        if exp is not None and len(exp) > 4:
            row.append(q.role)
        got.append(row)
    expected = [[e[0], pytest.approx(e[1], rel=1e-3), *e[2:]] for e in entry["expected"]]
    assert got == expected
    if "indicators" in entry:
        assert [q.indicator for q in doc.quantities] == entry["indicators"]


@pytest.mark.parametrize("entry", corpus("units"))
def test_unit_clauses(entry):
    doc = run_text(entry)
    got = [{"lead": list(c.lead), "responsible": list(c.responsible), "support": list(c.support)} for c in doc.unit_clauses]
    assert got == entry["expected"]


@pytest.mark.parametrize("entry", corpus("tasks"))
def test_tasks(entry):
    doc = run_text(entry)
    _assert_spans(doc, doc.tasks)
    for exp in entry["expected"]:
        found = [t for t in doc.tasks if exp["anchor"] in t.text]
        assert found, f"no task holds {exp['anchor']!r}: {[t.text for t in doc.tasks]}"
        task = min(found, key=lambda t: len(t.text))
        units = []
        if task.units:
            units = list(task.units.lead) + list(task.units.responsible) + list(task.units.support)
        assert units == exp["units"]
        assert sorted(d.date for d in task.deadlines if d.date) == exp["deadlines"]


@pytest.mark.parametrize("entry", corpus("checks"))
def test_checks(entry):
    doc = run_text(entry, checks=True)
    assert [[f.check, f.severity] for f in doc.findings] == entry["expected"]


def test_a_bare_growth_names_the_figure_before_it():
    doc = run_text({"text": "第一产业增加值62857万元,同比增长6.3%;夏粮产量7327吨,增长2.1%。",
                    "context": {"year": 2023, "kind": "report"}})
    assert [(q.text, q.indicator) for q in doc.quantities] == [
        ("62857万元", "第一产业增加值"), ("6.3%", "第一产业增加值增长"), ("7327吨", "夏粮产量"), ("2.1%", "夏粮产量增长")]


def test_results_in_a_mixed_document_are_not_tasks():
    text = ("一、总体情况\n全年地区生产总值增长5.2%,完成投资120亿元。\n"
            "加快推进园区基础设施建设,年底前建成标准厂房10万平方米。\n图1:2019-2023年地区生产总值\n")
    doc = run_text({"text": text, "context": {"year": 2023, "kind": "mixed"}})
    assert [t.text for t in doc.tasks] == ["加快推进园区基础设施建设,年底前建成标准厂房10万平方米。"]


@pytest.mark.parametrize(("text", "expected"), [
    ("东区和西区年末常住人口分别为45000人和22000人。",
     [("45000人", "东区年末常住人口"), ("22000人", "西区年末常住人口")]),
    ("第二、第三产业比重分别回落2.16和1.66个百分点。", [("2.16", "第二产业比重"), ("1.66个百分点", "第三产业比重")]),
    ("城镇居民人均可支配收入和农村居民人均纯收入分别增长5.1%、6.2%。",
     [("5.1%", "城镇居民人均可支配收入"), ("6.2%", "农村居民人均纯收入")]),
])
def test_respectively_gives_each_figure_its_subject(text, expected):
    doc = run_text({"text": text, "context": {"year": 2023, "kind": "report"}})
    assert [(q.text, q.indicator) for q in doc.quantities] == expected
