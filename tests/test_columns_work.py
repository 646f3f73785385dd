"""Column detection does work in proportion to the lines it reads: calls counted, never timed."""

from __future__ import annotations

from collections import Counter

import pytest

from docproc import columns

PLACES = ["城东片区", "城西片区", "南湖新区", "北山镇", "临江街道", "高新园区", "青石乡", "白沙镇"]


def _listing(rows: int) -> list[str]:
    """A figure table written one cell per line, as a PDF's text layer or a saved web page gives it,
    with a caption line every 40 rows (a new table starts there)."""
    lines: list[str] = []
    for i in range(rows):
        if i % 40 == 0:
            lines += [f"表{i // 40 + 1} 各片区建设进度", "片区", "新建道路(公里)", "改造小区(个)", "投资(万元)"]
        lines += [PLACES[i % len(PLACES)] + str(i // len(PLACES)), str(3 + i % 17), str(1 + i % 9), str(120 + 7 * i)]
    return lines


def _prose(lines: int) -> list[str]:
    """A report's paragraphs wrapped at 36 characters, as a PDF's text layer gives them."""
    text = ("今年以来全县上下围绕年度目标持续发力各项工作取得新的进展城乡面貌明显改善群众获得感不断增强"
            "下一步将继续加大投入力度完善工作机制确保各项任务按期完成") * (lines // 2 + 1)
    return [text[i:i + 36] for i in range(0, 36 * lines, 36)]


def _count(monkeypatch) -> Counter:
    """Count the units of work of the column search (each call still does its real work)."""
    seen: Counter = Counter()

    def counted(name, fn):
        def wrapper(*args, **kwargs):
            seen[name] += 1
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(columns._Run, "__init__", counted("run", columns._Run.__init__))
    monkeypatch.setattr(columns._Run, "header", counted("header", columns._Run.header))
    monkeypatch.setattr(columns, "_fits", counted("fits", columns._fits))
    monkeypatch.setattr(columns, "_table_at", counted("table", columns._table_at))
    return seen


def test_a_listing_costs_the_same_per_line_at_any_length(monkeypatch):
    seen = _count(monkeypatch)
    per_line = {}
    for rows in (170, 2720):
        seen.clear()
        lines = _listing(rows)
        plan = columns.plan(lines)
        body = [j for j in plan.joins if len(j.cells) == 4]
        assert len(body) >= rows * 0.9  # the rows are found: the count below is of real work
        per_line[rows] = {k: v / len(lines) for k, v in seen.items()}
    for name in ("header", "fits", "table"):
        assert per_line[2720][name] <= 1.1 * per_line[170][name], (name, per_line)


@pytest.mark.parametrize("lines", [200, 3200])
def test_prose_is_passed_over_without_building_a_run(monkeypatch, lines):
    seen = _count(monkeypatch)
    plan = columns.plan(_prose(lines))
    assert not plan.joins and not plan.split and not plan.keep
    assert seen["run"] == 0 and seen["header"] == 0


def test_header_words_are_sorted_once():
    columns._task_header_words.cache_clear()
    columns._header_words.cache_clear()
    columns.plan(_listing(200))
    columns.plan(["序号", "工作任务", "牵头单位", "完成时限", "1", "建成城东污水处理厂", "县水利局", "2026年6月底前",
                  "2", "新建城西公交枢纽", "县交通运输局", "2026年10月底前"])
    assert columns._task_header_words.cache_info().misses == 1 and columns._task_header_words.cache_info().hits >= 1
    assert columns._header_words.cache_info().misses == 1
