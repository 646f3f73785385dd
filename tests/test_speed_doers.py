"""Doers in running text do less work for the same clauses (issue 27): counted, never timed.

Each test counts a piece of work ``prose_doers`` no longer does (segmentations of a window, checks of a
clause) on a text of our own, and checks that the doers it finds are still found.
"""

from __future__ import annotations

import pytest

from docproc.extract import doers
from docproc.pipeline import process_text

REPORT = """关于2026年全市重点工作的报告
一、2025年工作回顾
市财政局安排预算资金3亿元。市统计局开展经济普查。市住建局改造老旧小区18个。市教育局将改造校舍12所。
二、2026年工作安排
市交通局要新建公交站台40个。
"""


@pytest.fixture
def segmented(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """The windows doers.py asks the segmenter for, in order."""
    spans: list[tuple[int, int]] = []
    real = doers.tokens_at

    def counting(text: str, span: tuple[int, int]) -> list[tuple[str, int, int]]:
        spans.append(span)
        return real(text, span)

    monkeypatch.setattr(doers, "tokens_at", counting)
    return spans


def _prose(text: str) -> list[tuple[str, ...]]:
    doc = process_text(text, source="speed.txt", ref_date="2026-03-01")
    return [u.lead + u.responsible + u.support for u in doc.unit_clauses if u.rule == "units.prose"]


def test_a_report_clause_that_does_not_look_ahead_is_not_segmented(segmented: list) -> None:
    """In a report only X将… hands X work; a clause with 将 nowhere in reach was segmented to look for names
    before any verb jieba knows, which can never look ahead. Now no report clause is segmented."""
    assert _prose(REPORT) == [("市教育局",), ("市交通局",)]
    assert segmented == []
