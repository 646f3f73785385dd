"""Deadlines and checks do less work for the same output (issue 27): counted, never timed.

The deadline rules used to scan the whole text each (some thirty scans of every document); now each runs only
in the short runs of characters around what it needs (月 for a month, 季 for a quarter). The tests count the
characters offered to the rules' regexes and check that the matches are those of a scan of the whole text.
"""

from __future__ import annotations

import dataclasses
import random
import re
import sys

import pytest

from docproc import resources
from docproc.check import arithmetic, check_document
from docproc.extract import deadlines, table_cells, tasks, units
from docproc.pipeline import process_text

PLAN = """关于做好2026年农村公路建设工作的通知
各县(市、区)交通运输局:
一、工作目标
2026年底前,全市新建改建农村公路300公里。力争到2027年,通硬化路的自然村比例达到95%。
二、重点任务
(一)3月底前完成项目库更新,4月份开展前期工作。
(二)各县要在6月30日前完成招标,第三季度完成路基工程,10月前完成路面铺设,9月中旬前组织检查。
(三)收到补助资金后15日内拨付到项目单位。每季度报送一次进度,于7月15日召开推进会。
(四)上半年完成投资40%,年内全面完成建设任务。到“十五五”末,农村公路优良中等路率达到85%以上。
三、工作要求
截至2025年12月31日,全市农村公路里程达到1.2万公里。今明两年要继续加大投入,三年内基本消除危桥。
"""


class _Counting:
    """A compiled pattern that adds up how many characters each scan is given to look at."""

    def __init__(self, pattern: re.Pattern[str], looked: list[int]) -> None:
        self._real, self._looked = pattern, looked
        self.pattern, self.flags = pattern.pattern, pattern.flags

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        self._looked.append(min(endpos, len(text)) - pos)
        return self._real.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize):
        self._looked.append(min(endpos, len(text)) - pos)
        return self._real.search(text, pos, endpos)


@pytest.fixture
def looked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Characters handed to the deadline rules' regexes, one entry per scan."""
    seen: list[int] = []
    counting = tuple(dataclasses.replace(r, pattern=_Counting(r.pattern, seen)) for r in deadlines.rules())
    monkeypatch.setattr(deadlines, "rules", lambda: counting)
    return seen


def _whole_text_scan(text: str):
    return [(rule, list(rule.pattern.finditer(text))) for rule in deadlines.rules()]


def _spans(found) -> list[tuple[str, list]]:
    return [(rule.name, [(m.span(), m.groupdict()) for m in matches]) for rule, matches in found]


def test_the_rules_look_at_a_fraction_of_the_text(looked: list[int]) -> None:
    """Thirty rules each scanned the whole text: thirty times its length. Now, in a plan full of time limits,
    they look at less than a fifth of that, and every deadline of the plan is still read."""
    doc = process_text(PLAN, source="plan.txt", ref_date="2026-02-10")
    assert len(looked) > 0 and sum(looked) < len(deadlines.rules()) * len(doc.text) / 5
    assert [d.text for d in doc.deadlines] == [
        "2026年底前", "到2027年", "3月底前", "4月份", "6月30日前", "第三季度", "10月前", "9月中旬前",
        "收到补助资金后15日内", "每季度", "7月15日", "上半年", "年内", "到“十五五”末", "截至2025年12月31日",
        "今明两年", "三年内"]


def test_prose_with_no_time_words_is_scanned_once(looked: list[int]) -> None:
    """Only the rule for 收到…后30日内 (which reads any character but a clause break) still scans it all."""
    text = "全市共有农村公路养护站12个,养护工人860名,配备养护机械230台套,养护资金由市县两级共同承担。\n" * 5
    process_text(text, source="report.txt", ref_date="2026-02-10")
    assert sum(looked) == len(text.strip())


def test_the_windowed_rules_match_what_a_whole_text_scan_matches() -> None:
    text = PLAN * 3
    assert _spans(deadlines._rule_matches(text)) == _spans(_whole_text_scan(text))


def test_the_same_matches_on_made_up_strings_of_the_rules_own_characters() -> None:
    """Random strings of digits, spaces, punctuation and every character the rules name, with long runs of
    spaces between them: the windows must never cut a match short or lose one."""
    words = [w for value in deadlines._words().values() if isinstance(value, (list, dict)) for w in value]
    pieces = words + list("0123456789年月日底末前至到—-()“”") + ["  ", "\n", " " * 40, ",", "。", "的", "工作"]
    rng = random.Random(27)
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(5, 60)))
        assert _spans(deadlines._rule_matches(text)) == _spans(_whole_text_scan(text)), text



@pytest.mark.parametrize("pattern", [
    r"年",  # a needed character alone: the run is empty, the character itself in view
    r"\d+\s*月(?!\s*开始)",  # a lookahead that reads 开 and goes on past it to 始
    r"(?<=[于在])\s*\d+\s*日(?=[,。])",  # a lookbehind before the run, a last character outside it
    r"(?i:q)\s*\d季度",  # case folding: matches more than it names, so the whole text is scanned
    r"由[^,。]{0,6}负责",  # an open class: the whole text is scanned
])
def test_made_up_rules_match_as_over_the_whole_text(monkeypatch: pytest.MonkeyPatch, pattern: str) -> None:
    rule = deadlines.Rule("test", re.compile(pattern), lambda m, doc, s, e: None)
    monkeypatch.setattr(deadlines, "rules", lambda: (rule,))
    deadlines._windows.cache_clear()
    try:
        rng = random.Random(pattern)
        pieces = ["年", "月", "日", "季度", "Q", "q", "3", "12", " ", " " * 9, "于", "在", "开始", "开", "由", "负责",
                  "市局", ",", "。", "的"]
        for _ in range(300):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
            assert _spans(deadlines._rule_matches(text)) == _spans(_whole_text_scan(text)), text
    finally:
        deadlines._windows.cache_clear()

# --- checks --------------------------------------------------------------------------------------------

CONFLICT = """关于2025年全县交通工作的报告
一、主要成绩
全年,全县农村公路总里程为1200公里,比上年增加60公里。全县客运站点数量为48个,公交线路为17条。
二、存在问题
全年,全县农村公路总里程为1350公里,养护资金仍然不足。
"""

REPORT = """关于2025年全县交通工作的报告
一、主要成绩
全年,全县农村公路总里程为1200公里,比上年增加60公里。全县客运站点为48个,其中乡镇站点30个、村级站点18个。
公路养护资金为3200万元,比上年增加400万元,增长14.3%。人均养护里程为12公里,占全市的8%。
"""


def _count_calls(monkeypatch: pytest.MonkeyPatch, owner, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counting)
    return calls


def test_a_conflict_is_found_without_walking_brackets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The conflict check walked the sentence before every figure for brackets that (closed before the
    figure) could never hold it; now it walks none and finds the same conflict."""
    walks = _count_calls(monkeypatch, arithmetic, "_bracket_ranges")
    doc = process_text(CONFLICT, source="report.txt", ref_date="2026-01-20")
    assert [(f.check, f.evidence.count("公里")) for f in doc.findings] == [("conflict", 3)]
    assert walks == []


def test_the_checks_build_their_word_patterns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """增加/减少 at a clause's end and 人均/每 before a figure were rebuilt into a regex for every figure; now
    the checks of a report with four times the figures build no more patterns than those of a short one."""
    short = process_text(REPORT, source="report.txt", ref_date="2026-01-20")  # lexicons and patterns load
    long = process_text(REPORT * 4, source="report.txt", ref_date="2026-01-20")
    built = _count_calls(monkeypatch, resources, "alternation")
    check_document(short)
    per_short = len(built)
    built.clear()
    check_document(long)
    assert len(long.quantities) == 4 * len(short.quantities)
    assert long.check_stats["relations_checked"] >= 4 * short.check_stats["relations_checked"] > 0
    assert len(built) == per_short


# --- unit clauses and tasks --------------------------------------------------------------------------

ITEMS = """关于2026年农村公路养护工作的安排
一、重点任务
(一)3月底前完成全市农村公路路况检测。责任单位:市交通运输局
(二)6月底前完成危桥改造12座,加强桥梁日常巡查。
{filler}表1 各县养护任务
单位:公里
县名 | 养护里程 | 完成时限
东城县 | 300 | 2026年9月
西城县 | 500 | 2026年10月
(三)年内完成全部养护任务。
"""


def _items(extra: int) -> str:
    return ITEMS.format(filler="".join(f"({n})完成第{n}批村道的路面修补。\n" for n in range(4, 4 + extra)))


class _CountingSearch:
    def __init__(self, pattern: re.Pattern[str], calls: list[int]) -> None:
        self._real, self._calls = pattern, calls

    def search(self, text: str, *args):
        self._calls.append(1)
        return self._real.search(text, *args)


def test_an_inline_label_is_looked_for_only_in_lines_with_a_colon(monkeypatch: pytest.MonkeyPatch) -> None:
    """…改造。责任单位:A needs its colon: the lines without one are no longer searched for it."""
    calls: list[int] = []
    real = units._inline_label()
    monkeypatch.setattr(units, "_inline_label", lambda: _CountingSearch(real, calls))
    doc = process_text(_items(20), source="plan.txt", ref_date="2026-02-10")
    assert [(c.responsible, c.rule) for c in doc.unit_clauses] == [(("市交通运输局",), "units.inline_label")]
    with_colon = [p for p in doc.paragraphs if ":" in p.text and not units.is_label_line(p.text)]
    assert len(calls) == len(with_colon) < 5


def test_only_the_lines_just_above_a_table_are_asked_whether_they_state_its_unit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line was asked once per table below it whether it is a 单位 line; now only the lines within two
    lines of a table are, however many task lines stand above it."""
    asked = _count_calls(monkeypatch, tasks, "unit_from_line")
    short = process_text(_items(0), source="plan.txt", ref_date="2026-02-10")
    per_short = len(asked)
    asked.clear()
    long = process_text(_items(20), source="plan.txt", ref_date="2026-02-10")
    assert len(long.paragraphs) == len(short.paragraphs) + 20 and len(long.tasks) > len(short.tasks) + 10
    assert short.tables
    assert len(asked) == per_short


def test_the_text_figures_are_indexed_once_for_all_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table indexed the text's figures anew; now a document's tables share one index."""
    indexed = _count_calls(monkeypatch, table_cells, "starts_of")
    table = "表{n} 各县养护资金\n单位:万元\n县名 | 资金\n东城县 | {a}\n西城县 | {b}\n"
    text = "关于2026年农村公路养护资金的安排\n" + "".join(
        table.format(n=n, a=1000 + n, b=2000 + n) + f"第{n}批资金于{n + 2}月拨付。\n" for n in range(1, 5))
    doc = process_text(text, source="plan.txt", ref_date="2026-02-10")
    assert len(doc.tables) == 4 and len([q for q in doc.quantities if q.table is not None]) == 8
    assert len(indexed) == 1
