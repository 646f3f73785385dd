"""The lookahead put in front of a rule must never change what it matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docproc.extract.deadlines import rules
from docproc.prefilter import first_class, guarded


@pytest.mark.parametrize(
    ("pattern", "starts", "never"),
    [
        (r"(?:(?P<y>20\d{2})年)?\s*(?P<m>1[0-2]|[1-9])\s*月", "2 15", "年月a"),  # optional year, spaces, the month
        (r"(?:到|至)\s*\d+", "到至", "2 "),
        (r"[一二三]季度", "一二三", "四季"),
        (r"(?<!\d)1[0-4]\d年", "1", "2年"),  # a lookbehind takes no character
    ],
)
def test_first_class(pattern, starts, never):
    cls = re.compile(f"[{first_class(pattern)}]")
    assert all(cls.fullmatch(c) for c in starts)
    assert not any(cls.fullmatch(c) for c in never)


@pytest.mark.parametrize("pattern", [r"a?", r".x", r"[^a]b", r"(?i)ab", r"\Dx", r"(a?)\1b"])
def test_open_first_sets_get_no_guard(pattern):
    assert first_class(pattern) is None
    assert guarded(pattern).pattern == pattern


def test_guard_keeps_literal_starts_plain():
    """``re`` skips ahead by itself when a pattern starts with a literal or a class; no lookahead then."""
    assert guarded("截至\\d+").pattern == "截至\\d+"
    assert guarded("(?:今年|明年)底").pattern == "(?:今年|明年)底"
    assert guarded(r"(?:20\d{2}年)?\s*\d+月").pattern.startswith("(?=[")


_PIECES = st.sampled_from([
    "2023年", "2025年底前", "6月底", "十二月", "4月30日前", "一季度", "上半年", "年中", "112年", "民国112年",
    "到2025年", "截至", "前三季度", "1-6月", " ", "\n", "完成", "印发后", "3个月内", "每年", "年度", "今年", "明年底",
    "12", "5", "。", ",", "|", "亿元", "至", "—", "2020-2022年", "2023-24年度", "第", "份",
])


def _bare(pattern: str) -> str:
    return pattern[pattern.index("])(?:") + len("])(?:"): -1] if pattern.startswith("(?=[") else pattern


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=30))
def test_deadline_rules_match_as_without_the_guard(pieces):
    text = "".join(pieces)
    guarded_rules = [r for r in rules() if r.pattern.pattern.startswith("(?=[")]
    assert len(guarded_rules) >= 10  # the month and year rules carry a guard
    for rule in rules():
        bare = re.compile(_bare(rule.pattern.pattern))
        assert [m.span() for m in rule.pattern.finditer(text)] == [m.span() for m in bare.finditer(text)], rule.name
