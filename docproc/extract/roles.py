"""A quantity's role: target, actual, baseline or other.

Cue words (``lexicons/roles.yaml``, shared with ``docproc/context.py``, which
decides for roles and deadlines alike whether a sentence looks ahead) are
matched as jieba tokens in the clause and in the sentence before the number,
so that 要 does not fire inside 重要 or 主要. Without a cue the section's kind
decides: a plan's numbers are targets, a report's are results.
"""

from __future__ import annotations

import re
from functools import cache

from ..context import cues, forward_cue, looks_ahead, report_opening
from ..model import Document, Span
from ..patterns import YEAR, unit_set
from ..segment import tokens
from .role_model import model_role, sentence_words

_YEAR_IN_CLAUSE = re.compile(rf"(?<![\d\-—~至到])({YEAR})年(?:底|末)?(?![\d\-—~至到以]|来)")


@cache
def _strong(key: str) -> frozenset[str]:
    """strong_target / strong_actual cue tokens of ``lexicons/roles.yaml``."""
    return frozenset(cues()[key])


@cache
def _strong_target_no_estimate() -> frozenset[str]:
    """strong_target without 预计: outside a plan, 预计全年… estimates a result (see ``_ESTIMATE``)."""
    return _strong("strong_target") - {"预计"}


def _words(text: str) -> set[str]:
    return {w for w, _, _ in tokens(text)}


_PRIOR_VALUE = re.compile(r"(?:由|从|较|比)(?:去年|上年|上一年|前一年)(?:同期|年底|年末|底)?的\s*$")
_TIME_LIMIT = re.compile(r"(?:年底|年末|月底|月末|季度末?|[日月年]|年中)(?:前|之前|以前)|或之前")
_CHANGE_TO = re.compile(r"^(?:提高|提升|增加|增长|上升|下降|降低|减少|扩大|缩小|降|升)?(?:到|至|为)")
_SHARE_OF_GOAL = re.compile(r"(?:为|占|完成|达到|达)(?:了)?(?:年度?|全年|年初|总)?(?:计划|目标|目标任务|任务)(?:数)?的\s*$")
_STATED_GOAL = re.compile(r"(?:目标|计划)(?:任务|数|值)?(?:为|是|:)")
_CHANGE = re.compile(r"增加|增长|提高|提升|下降|降低|减少|达到|到|至|为|超过|突破|扩大|缩小|翻")
_STANDARD_AFTER = re.compile(r"^的?[\u4e00-\u9fff]{0,4}(?:标准|门槛|线)(?:[,;。]|$)")
# 预计 before the period it estimates (全年, 今年, 上半年, 1-9月, a colon): outside a plan, an estimated result
_ESTIMATE = re.compile(r"预计(?=\s*(?:全年|今年|本年|当年|上半年|前三季度|1\s*[-—~至]\s*\d{1,2}\s*月|到年底|年底|[::,]))")
# compiled once (rule_role runs for every figure; re's cache lookup per call cost more than these matches)
_PREPOSITION_END = re.compile(r"(?:对|为|向|给|按)$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_ENUMERATION_END = re.compile(r"[\u4e00-\u9fff]{2,}、[\u4e00-\u9fff、]{2,}$")
_CN_DIGIT = re.compile(r"[一二两三四五六七八九十]")
_COMPARED_END = re.compile(r"(?:由|从|较|比|与)\s*$")
_FROM_END = re.compile(r"(?:由|从)\s*$")
_DONE = re.compile(r"(?:完成|实现|达到|建成|开展|取得)了|已(?:完成|建成|实现|达到|消除|发放|下达)")


def role_for(doc: Document, span: Span, clause: Span, sentence: Span, unit: str, after_op) -> str:
    """The figure's role: the rules' when a cue decides it, else the learned model's (``role_model``) when
    it is confident, else the section's kind."""
    role, decided = rule_role(doc, span, clause, sentence, unit, after_op)
    if decided:
        return role
    return model_role(doc, span, clause, sentence, unit) or role


def rule_role(doc: Document, span: Span, clause: Span, sentence: Span, unit: str, after_op) -> tuple[str, bool]:
    """The role the rules give, and whether a cue decided it (False: only the section's kind did)."""
    text = doc.text
    before_in_clause = text[clause[0]: span[0]]
    after_in_clause = text[span[1]: clause[1]]
    # a standard or threshold that defines a group: 6700元的监测标准, 年收入5万元以上村
    if _STANDARD_AFTER.match(after_in_clause):
        return "other", True
    if after_op and after_op[0] in (">=", "<="):
        # 对3人以上家庭给予补助: a threshold after a preposition picks out a group
        if _PREPOSITION_END.search(before_in_clause):
            return "other", True
        # 5万元以上村: a value threshold before a noun; 联系1个以上行政村 is a count to reach
        nxt = text[after_op[1]: after_op[1] + 1]
        if _HAN.match(nxt) and nxt not in "的均" and unit not in unit_set("reach"):
            return "other", True
    # a count right after an enumeration (识别、帮扶、退出三个环节) describes the list
    if _CN_DIGIT.match(text, span[0], span[0] + 1) and _ENUMERATION_END.search(before_in_clause):
        return "other", True
    # a value for an earlier year is a baseline: 2021年80个示范村, 由2020年的42%提高到…, 较2020年的48万吨;
    # not when a change comes between the year and the figure (较2020年下降13.5%, 提高到45%)
    years = list(_YEAR_IN_CLAUSE.finditer(before_in_clause))
    if years and doc.meta.year and int(years[-1].group(1)) < doc.meta.year:
        between = before_in_clause[years[-1].end():]
        compared = _COMPARED_END.search(before_in_clause[:years[-1].start()])
        if not _CHANGE.search(between) and (compared or unit not in ("倍", "%", "百分点")):
            return "baseline", True
    # 由去年同期的3.4%下跌至2.9%, 较上年的48万吨, 从52.1%提高到55.3%: the value the change starts from
    if _PRIOR_VALUE.search(before_in_clause) or (
            _FROM_END.search(before_in_clause) and _CHANGE_TO.match(after_in_clause)):
        return "baseline", True
    # 为年计划的103%, 完成目标任务的105%: in a report, how much of the goal was done is a result
    if _SHARE_OF_GOAL.search(before_in_clause) and not looks_ahead(doc, span[0]):
        return "actual", True
    # 年度目标任务为新增就业3000人, 全年计划投资10亿元: a figure the clause names as the goal
    if _STATED_GOAL.search(before_in_clause):
        return "target", True
    sentence_left = text[sentence[0]: span[0]] if sentence[1] > sentence[0] else ""
    # the sentence is read once for all its figures (``sentence_words``); the clause's words and those
    # before the figure are slices of it, tested against the cue sets without building sets
    words = sentence_words(text, sentence)
    if sentence[0] <= clause[0] and clause[1] <= sentence[1]:
        clause_words = words.between(clause[0], clause[1])
    else:
        clause_words = _words(text[clause[0]: clause[1]])
    left_words = words.before(span[0]) if sentence_left else ()
    kind = doc.kind_at(span[0])
    strong_target, target_left = _strong("strong_target"), sentence_left
    if kind != "plan" and _ESTIMATE.search(text, sentence[0], span[0]):
        # 预计全年…实现165亿元 in a review: an estimate of the year's result, not a goal
        strong_target, target_left = _strong_target_no_estimate(), _ESTIMATE.sub("", sentence_left)
    clause_target = not strong_target.isdisjoint(clause_words)
    clause_actual = not _strong("strong_actual").isdisjoint(clause_words) or bool(
        _DONE.search(text, clause[0], clause[1])
    )
    # 于2023年底前消除至少75%: a time limit in the figure's clause looks ahead, in any section
    if "已" not in before_in_clause:  # 已于6月底前完成: done by then
        clause_target = clause_target or bool(_TIME_LIMIT.search(text, clause[0], clause[1]))
    target = clause_target or bool(forward_cue().search(target_left))
    actual = clause_actual or not _strong("strong_actual").isdisjoint(left_words)
    if clause_target and not clause_actual:
        actual = False  # 去年…, 约2 600个单位将于…落成: the figure's own clause looks ahead
    # a sentence that opens on the past year reports, whatever the section (过去一年,我们新建…)
    if sentence[1] > sentence[0] and report_opening().match(text[sentence[0]: sentence[1]]) and not target:
        return "actual", True
    cued = target or actual
    if kind == "plan":
        return "actual" if actual and not target else "target", cued
    if target and not actual:
        return "target", True
    if kind == "mixed" and not strong_target.isdisjoint(left_words) and not actual:
        return "target", True
    return "actual", cued
