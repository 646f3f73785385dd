"""A quantity's role: target, actual, baseline or other.

Cue words (``lexicons/roles.yaml``) are matched as jieba tokens in the clause
and in the sentence before the number, so that 要 does not fire inside 重要
or 主要. Without a cue the document's kind decides: a plan's numbers are
targets, a report's are results.
"""

from __future__ import annotations

import re
from functools import cache

from .. import resources
from ..model import Document, Span
from ..segment import tokens

_YEAR_BEFORE = re.compile(r"((?:19|20)\d{2})年(?:底|末)?$")


@cache
def _cues() -> dict[str, frozenset[str]]:
    data = resources.data("roles.yaml")
    return {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}


def _words(text: str) -> set[str]:
    return {w for w, _, _ in tokens(text)}


def role_for(doc: Document, span: Span, clause: Span, sentence: Span, unit: str, after_op) -> str:
    text = doc.text
    cues = _cues()
    clause_text = text[clause[0]: clause[1]]
    before_in_clause = text[clause[0]: span[0]]
    after_in_clause = text[span[1]: clause[1]]
    # a standard or threshold that defines a group: 6700元的监测标准, 年收入5万元以上村
    if any(after_in_clause.lstrip("的").startswith(w) or w in after_in_clause[:6] for w in cues["other"]):
        return "other"
    if after_op and after_op[0] in (">=", "<=") and re.match(r"[\u4e00-\u9fff]", text[after_op[1]: after_op[1] + 1]) \
            and text[after_op[1]: after_op[1] + 1] != "的":
        return "other"
    # a count right after an enumeration (识别、帮扶、退出三个环节) describes the list
    if re.search(r"[\u4e00-\u9fff]{2,}、[\u4e00-\u9fff、]{2,}$", before_in_clause) and re.match(
        r"[一二两三四五六七八九十]", text[span[0]: span[0] + 1]
    ):
        return "other"
    # a value for an earlier year is a baseline: 2021年80个示范村
    year = _YEAR_BEFORE.search(before_in_clause[-8:])
    if year and doc.meta.year and int(year.group(1)) < doc.meta.year:
        return "baseline"
    words = _words(clause_text)
    sent_before = _words(text[sentence[0]: span[0]]) if sentence[1] > sentence[0] else set()
    has_target = bool(words & cues["target"]) or bool(sent_before & (cues["target"] - {"推进", "实施", "达到", "以上", "任务"}))
    has_actual = bool(words & cues["actual"]) or bool(sent_before & {"已", "已经", "累计", "截至", "截止"})
    has_actual = has_actual or bool(re.search(r"(完成|实现|达到|建成|开展)了", clause_text))
    strong_target = bool((words | sent_before) & {"要", "力争", "争取", "确保", "计划", "拟", "目标", "预计", "谋划", "力求"})
    if doc.meta.kind == "plan":
        if has_actual and not strong_target:
            return "actual"
        return "target"
    if strong_target:
        return "target"
    if doc.meta.kind == "mixed" and has_target and not has_actual:
        return "target"
    return "actual"
