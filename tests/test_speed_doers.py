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


PLAN = """关于2026年城乡建设的实施方案
一、重点任务
加快市区道路改造,新建公交站台40个。提升县城供水能力,新增供水管网25公里。市水务局负责管网建设。
"""


def test_a_sentence_opening_on_a_verb_is_not_segmented(segmented: list) -> None:
    """加快…, 提升…: every word the sentence may open with is a verb, so no list of names opens it; the
    dictionary says so without segmenting the window (two windows were segmented before)."""
    assert _prose(PLAN) == [("市水务局",)]
    assert segmented == []


def test_the_first_token_is_one_of_the_opening_words() -> None:
    """``opening_words`` names the first token of every window it answers for: those opening on a Chinese
    character (not on a stop or a digit)."""
    from docproc.segment import opening_words, tokens_at

    text = "加快市区道路改造和县城供水管网建设,市水务局、区住建局牵头负责2026年新建管网25公里。"
    answered = 0
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            firsts = opening_words(text, (start, end))
            if text[start] in ",、。" or text[start].isdigit():
                assert firsts is None
            else:
                assert tokens_at(text, (start, end))[0][0] in firsts
                answered += 1
    assert answered > 900


class _CountingDict(dict):
    """A dictionary that counts the lookups made with ``get``."""

    gets = 0

    def get(self, key, default=None):  # noqa: ANN001, ANN201 - dict's own signature
        _CountingDict.gets += 1
        return super().get(key, default)


def test_a_fragment_is_looked_up_in_the_dictionary_once() -> None:
    """The route remembers the fragments no word starts with (the last step of every walk), not only
    the words: a sentence segmented again asks jieba's dictionary nothing, and the words are the same."""
    import jieba

    from docproc import resources
    from docproc.jieba_route import make_tokenizer

    tok = make_tokenizer(jieba, resources.domain_words(), resources._cache_dir())
    tok.load_all()
    tok.FREQ = _CountingDict(tok.FREQ)
    text = "市水务局会同区住建局新建供水管网25公里,改造老旧小区二次供水设施40处。"
    first = list(tok.tokenize(text, HMM=False))
    assert _CountingDict.gets > len(text)
    _CountingDict.gets = 0
    assert list(tok.tokenize(text, HMM=False)) == first
    assert _CountingDict.gets == 0


class _CountingPattern:
    """A compiled pattern whose ``fullmatch`` calls are counted."""

    def __init__(self, pattern) -> None:  # noqa: ANN001 - a re.Pattern
        self.pattern, self.calls = pattern, 0

    def fullmatch(self, *args):  # noqa: ANN002, ANN201 - re.Pattern's own signature
        self.calls += 1
        return self.pattern.fullmatch(*args)


def test_a_clause_after_a_comma_is_tested_for_a_time_only_after_a_time_word(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """2026年6月底前,X完成…: the names after a time and its comma open a sentence. Whether the text before
    a comma is a time was matched for every clause; now only when a time's last word stands before it."""
    counting = _CountingPattern(doers._TIME_CLAUSE)
    monkeypatch.setattr(doers, "_TIME_CLAUSE", counting)
    text = ("关于2026年排水设施建设的实施方案\n一、重点任务\n"
            "雨污分流改造覆盖全区,市水务局统筹建设资金,区城管局开展管网巡查,街道办事处组织居民议事。"
            "2026年6月底前,区住建局改造老旧小区30个。\n")
    assert ("区住建局",) in _prose(text)
    assert counting.calls == 1


def test_each_word_of_a_window_is_tagged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names before a word jieba tags a verb: each token's tag is looked up once per window, not again for
    every later token the names might end at."""
    from docproc import resources

    tok = resources.tokenizer()
    monkeypatch.setattr(tok, "_tags", _CountingDict(tok._tags))
    _CountingDict.gets = 0
    text = "市园林局、区城管局、区水务局、区住建局、区交通局、街道办事处建设口袋公园12个。"
    found = doers._doer_before_any_verb(text, 0, len(text) - 1)
    assert found is not None and found[2][-1] == "街道办事处"
    window = doers.tokens_at(text, (0, found[1] + 8))
    assert _CountingDict.gets <= len(window) + 4  # the window's tags, and the opening words' (a few)


def test_a_window_routes_only_the_block_its_sentence_did_not_end_with(monkeypatch: pytest.MonkeyPatch) -> None:
    """jieba routes each run of Chinese characters (a block) alone, so a block's words are kept: a window
    that opens a sentence already segmented routes only its last, cut, block."""
    from docproc import resources
    from docproc.segment import clear_caches, tokens_at

    tok = resources.tokenizer()
    routed: list[str] = []
    real = type(tok)._route

    def counting(self, sentence: str) -> list[int]:  # noqa: ANN001 - the tokenizer
        routed.append(sentence)
        return real(self, sentence)

    monkeypatch.setattr(type(tok), "_route", counting)
    clear_caches()
    text = "市水务局会同区住建局新建供水管网,改造老旧小区二次供水设施40处,更新消火栓120个。"
    sentence = tokens_at(text, (0, len(text)))
    assert routed == ["市水务局会同区住建局新建供水管网", "改造老旧小区二次供水设施40处", "更新消火栓120个"]
    routed.clear()
    window = tokens_at(text, (0, 25))
    assert routed == [text[17:25]]  # 改造老旧小区二次: the first block was routed with the sentence
    assert window[:8] == sentence[:8]
    clear_caches()
    routed.clear()
    tokens_at(text, (0, 25))
    assert len(routed) == 2  # forgotten with the other caches: benchmarks get no credit for a text seen before


def test_a_text_that_ends_on_no_name_is_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Most texts tried as a list of names (everything before each verb of a clause) end on no organisation
    ending: one endswith tells, and the text is neither split into parts nor each part tested."""
    calls: list[str] = []
    real = doers._split
    monkeypatch.setattr(doers, "_split", lambda raw: (calls.append(raw), real(raw))[1])
    for raw in ("加快推进城乡供水一体化", "新建供水管网25公里", "统筹城乡发展"):
        assert not doers.split_names(raw)
    assert calls == []
    assert doers.split_names("市水务局、区住建局和 ") == ["市水务局", "区住建局"]  # a list ends on them
    assert doers.split_names("市场监管、统计等部门") == ["市场监管部门", "统计部门"]
    assert doers.split_names("再担保基金(机构)") == ["再担保基金(机构)"]
    assert len(calls) == 3


def test_only_a_sentence_whose_names_may_meet_a_verb_is_segmented(segmented: list) -> None:
    """城区学校数量…: the names a sentence may open with (城区学校) are followed by no word the dictionary
    tags a verb, so its window is not segmented; 区教育局开展… is, and its doer found."""
    text = ("关于2026年教育工作的实施方案\n一、重点任务\n"
            "城区学校数量增加到45所。区教育局开展教师培训120场。\n")
    assert _prose(text) == [("区教育局",)]
    assert len(segmented) == 1


def test_a_clause_with_no_organisation_ending_is_read_by_no_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """道路、管网、绿地…: a clause with no organisation ending (and no 会同 opening it) names no one, so
    no rule reads it (each was tried in turn before: X建立A、B参加的…, the time before the names, …)."""
    tried: list[int] = []
    real = doers._setup_with_others
    monkeypatch.setattr(doers, "_setup_with_others", lambda text, start: (tried.append(start), real(text, start))[1])
    text = ("关于2026年道路建设的实施方案\n一、重点任务\n"
            "新建道路12公里,改造管网8公里,新增绿地30公顷,建成停车泊位500个,区城管局负责停车管理。\n")
    assert _prose(text) == [("区城管局",)]
    assert len(tried) == 1


def test_a_window_passed_over_unsegmented_holds_no_names_before_a_tagged_verb() -> None:
    """The prechecks only skip work: on random sentences made of names, separators, verbs and other words,
    a window they pass over, once segmented, yields no names before a tagged verb either."""
    import random

    from docproc.segment import tokens_at

    rng = random.Random(11)
    pieces = ["市水务局", "区住建局", "街道办事处", "各乡镇", "有关部门", "城区学校", "市场监管", "统计等部门",
              "(机构)", "、", "和", "及", " ", "开展", "建设", "组织", "推进", "新建", "道路", "管网", "改造",
              "数量", "全市", "也", "今年", "2026年", "12个", "依法", "办理"]
    passed_over = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(2, 9))) + "。"
        by = rng.random() < 0.2
        last_end = max((m.end() for m in doers._name_ending().finditer(text, 1, len(text) - 1)), default=0)
        if not last_end:
            continue
        end = min(len(text), last_end + 8)
        if doers._opens_on_no_name(text, (0, end)) or not doers._names_may_meet_a_verb(text, 0, last_end, end, by):
            passed_over += 1
            assert doers._names_before_tagged_verb(text, 0, last_end, tokens_at(text, (0, end)), by) is None, text
    assert passed_over > 1000
