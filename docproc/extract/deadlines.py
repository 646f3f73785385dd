"""Deadlines: 4月底前, 到2025年底, 一季度, 年内, 今明两年, 10月前, 截至4月底, 收到…后30日内, 每季度.

Each rule is a named regular expression built from ``lexicons/deadlines.yaml``
plus a resolver that turns the match into an ISO date against the document's
reference years. Rules run in order; a later rule never takes characters an
earlier one matched.

Reference years: ``doc.year`` for expressions with no year; 今年/明年 count from
the year the text was written (``doc.date``'s year when known, else doc.year).

Bare years and 今年 are deadlines only in plan text, and only when they frame a
quantity (今年,全市265个贫困村退出), not when they modify a noun (今年退出的贫困村)
or name the year itself (2018年是…之年). Month mentions in report text are
event dates, not deadlines.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from .. import resources
from ..context import looks_ahead
from ..model import Deadline, Document
from ..numerals import chinese_value
from ..patterns import CLAUSE_BREAK as _CLAUSE_BREAK
from ..patterns import RANGE, RANGE_DASHES, YEAR
from ..prefilter import guarded, read_and_needed

_CN_DIGITS = str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9")
_Y = rf"(?:(?:(?P<year>{YEAR})|(?:民国)?(?<!\d)(?P<roc>1[0-4]\d))\s*年)"  # 2023年, 112年 (ROC)
_M = r"(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月"
_RANGE_START = re.compile(rf"\s*(?:至|到|[{RANGE_DASHES}])\s*(?:\d|今|[一二三四五六七八九十]+月)")


def _last_day(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _month(s: str) -> int:
    if s.isdigit():
        return int(s)
    return int(chinese_value(s) or 0)


Resolver = Callable[[re.Match[str], Document, int, int], "tuple[str | None, str] | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver


@cache
def _words() -> dict:
    return resources.data("deadlines.yaml")


def _alt(key: str) -> str:
    return resources.alternation(_words()[key])


def _year_of(m: re.Match[str], doc: Document) -> int:
    groups = m.groupdict()
    if groups.get("year"):
        return int(groups["year"])
    if groups.get("roc"):
        return int(groups["roc"]) + 1911  # Taiwan's ROC calendar: 112年 = 2023
    if groups.get("yw"):  # 明年3月底前, 次年1月底, 今年三季度
        return _written_year(doc) + 1 if groups["yw"] in _words()["next_year"] else (doc.meta.year or _written_year(doc))
    return doc.meta.year or 2000


def _written_year(doc: Document) -> int:
    if doc.meta.date:
        return int(doc.meta.date[:4])
    return doc.meta.year or 2000


def _is_plan_context(doc: Document, start: int) -> bool:
    """Plan text, or a forward-looking sentence inside a report: the one decision of ``context``."""
    return looks_ahead(doc, start)


def _closes_a_span(doc: Document, start: int) -> bool:
    """至2023年8月 right after a date (2020年1月至…, 2021年底至…): the end of a span; outside a plan that is
    the span of what happened, not a status date or a deadline."""
    return doc.text[max(0, start - 1): start] in ("年", "月", "日", "底", "末")


def _references(doc: Document, start: int) -> bool:
    left = doc.text[max(0, start - 6): start]
    return any(left.endswith(w) for w in _words()["reference_prefix"])


def _asof(doc: Document, start: int) -> bool:
    left = doc.text[max(0, start - 6): start]
    return any(left.endswith(w) for w in _words()["asof_prefix"])


# --- resolvers: each turns a rule's match into (date or None, kind), or None for no deadline ---------


def _financial_year(m, doc, s, e):
    """2023-24年度: a Hong Kong financial year ends on 31 March of its second year."""
    y2 = m.group("y2")
    end_year = int(m.group("y1")[:2] + y2[-2:]) if len(y2) <= 2 else int(y2)
    if doc.meta.year and end_year < doc.meta.year:
        return None  # 过去五年(2017-18至2021-22年度): a past financial year, no time limit
    return f"{end_year:04d}-03-31", "by"


def _span_of_years(m, doc, s, e):
    """2020-2022年: a span, not a deadline (the rule keeps it from later rules); in brackets after a target
    in a plan, (2024—2026年), due by the period's last day."""
    if m.group("open") is not None and m.group("close") is not None and _is_plan_context(doc, s):
        return f"{m.group('y2')}-12-31", "by"
    return None


def _as_of(m, doc, s, e):
    """截至4月底 / 截至2022年12月31日 / 截至112年第2季: a status date."""
    year = _year_of(m, doc)
    q = m.group("q")
    if q:  # 截至112年第2季: the quarter's last day
        return _last_day(year, 3 * (int(q) if q.isdigit() else int(chinese_value(q) or 4))), "asof"
    month = _month(m.group("month")) if m.group("month") else 12
    if m.group("day"):
        return f"{year:04d}-{month:02d}-{int(m.group('day')):02d}", "asof"
    return _last_day(year, month), "asof"


def _year_or_before(m, doc, s, e):
    """2024年或之前."""
    return f"{m.group('year')}-12-31", "by"


def _day_before(m, doc, s, e):
    """6月30日前 / 2023年6月30日之前."""
    return f"{_year_of(m, doc):04d}-{_month(m.group('month')):02d}-{int(m.group('day')):02d}", "by"


def _month_end(m, doc, s, e):
    """4月底前 / 9月底 / 2023年3月末."""
    has_before = bool(m.group("before"))
    if not has_before and _RANGE_START.match(doc.text, e):
        return None  # 2022年6月底至今: where a span starts
    if not has_before and not _is_plan_context(doc, s):
        return (_last_day(_year_of(m, doc), _month(m.group("month"))), "asof")
    return _last_day(_year_of(m, doc), _month(m.group("month"))), "by"


def _month_before(m, doc, s, e):
    """10月前 -> 09-30 (the day before the month starts)."""
    year, month = _year_of(m, doc), _month(m.group("month"))
    if month == 1:
        return f"{year - 1:04d}-12-31", "by"
    return _last_day(year, month - 1), "by"


def _ten_days(m, doc, s, e):
    """6月中旬前 / 7月上旬 / 9月下旬: the 10th, the 20th, the month's end."""
    year, month = _year_of(m, doc), _month(m.group("month"))
    day = min(_words()["ten_days"][m.group("xun")], calendar.monthrange(year, month)[1])
    kind = "by" if m.group("before") or _is_plan_context(doc, s) else "asof"
    return f"{year:04d}-{month:02d}-{day:02d}", kind


def _year_end(m, doc, s, e):
    """到2023年底 / 2018年底前 / 2025年末."""
    if not m.group("before") and _RANGE_START.match(doc.text, e):
        return None  # 2021年底至2023年: where a span starts
    # 至2024年底 in a report is where the count stands, not a deadline
    kind = "by" if m.group("before") or _is_plan_context(doc, s) else "asof"
    return f"{_year_of(m, doc):04d}-12-31", kind


def _year_before(m, doc, s, e):
    """2030年前碳达峰: before the year starts, in a plan (a past year before 前 is history, not a limit)."""
    year = _year_of(m, doc)
    if not _is_plan_context(doc, s) or year < (doc.meta.year or year) or doc.text.startswith("后", e):
        return None
    return f"{year - 1:04d}-12-31", "by"


def _cn_year(m, doc, s, e):
    """到二〇三五年: a year in Chinese numerals after 到/至, in a plan."""
    year = int(m.group("cy").translate(_CN_DIGITS))
    if not _is_plan_context(doc, s) or year < (doc.meta.year or year):
        return None
    return f"{year:04d}-12-31", "by"


def _relative_in_plan(m, doc, s, e):
    """三年内 / 10个工作日内: a time limit counted from whatever starts it (plans only)."""
    return (None, "relative") if _is_plan_context(doc, s) else None


def _word_year_end(m, doc, s, e):
    """明年底前 / 今年年底: a year word with its end."""
    base = _written_year(doc)
    year = base + 1 if m.group("w") in _words()["next_year"] else (doc.meta.year or base)
    return f"{year:04d}-12-31", ("by" if m.group("before") or _is_plan_context(doc, s) else "asof")


def _to_year(m, doc, s, e):
    """到2025年 / 力争到2025年 (至2023年 right after a date in a report closes a span)."""
    if _closes_a_span(doc, s) and not _is_plan_context(doc, s):
        return None
    return f"{_year_of(m, doc)}-12-31", "by"


def _five_year_plan(m, doc, s, e):
    """到“十四五”末 / “十四五”期间: the last day of a five-year plan period (plans only; a past period: none)."""
    end = _words()["five_year_plans"][m.group("fyp")]
    if _is_plan_context(doc, s) and end >= (doc.meta.year or 0):
        return f"{end}-12-31", "by"
    return None


def _roc_year(m, doc, s, e):
    """民国112年 / 112年 in Taiwan text: ROC years are +1911."""
    y = int(m.group("roc")) + 1911
    if not (m.group(0).startswith("民国") or doc.meta.script != "simplified"):
        return None
    tail = doc.text[e: e + 2]
    if tail.startswith(("底", "末")) or m.group("bound"):
        return f"{y:04d}-12-31", "by"
    if tail.startswith("度"):
        return None  # 107年度施政計畫: the year names a plan or a budget, it sets no deadline
    if tail.startswith("同期") or doc.text[max(0, s - 1): s] in ("较", "比", "与") \
            or (doc.meta.year and y < doc.meta.year):
        return None  # 較109年同期減少: a year compared with, not a time limit
    # a bare year frames a target only when its clause holds a figure, as for 2024年
    end = _CLAUSE_BREAK.search(doc.text, e)
    has_figure = _quantity_in(doc, e, end.start() if end else len(doc.text))
    return (f"{y:04d}-12-31", "by") if _is_plan_context(doc, s) and has_figure else None


def _period(m, doc, s, e):
    """1-6月 / 一至三季度 / 前三季度: a period from the start of the year; in a report, where figures stand."""
    month = _month(m.group("m2")) if m.group("m2") else 3 * int(chinese_value(m.group("q2")) or 0)
    if not 1 <= month <= 12:
        return None
    return _last_day(_year_of(m, doc), month), ("by" if _is_plan_context(doc, s) else "asof")


def _quarter(m, doc, s, e):
    """一季度 / 第二季度末."""
    if _references(doc, s):
        return None
    month = _words()["quarters"][m.group("q")]
    return _last_day(_year_of(m, doc), month), "by"


def _half_year(m, doc, s, e):
    """上半年 / 下半年."""
    month = _words()["half_years"][m.group("h")]
    return _last_day(_year_of(m, doc), month), "by" if _is_plan_context(doc, s) else "asof"


def _mid_year(m, doc, s, e):
    """年中 / 2023年年中 (plans only)."""
    return (_last_day(_year_of(m, doc), 6), "by") if _is_plan_context(doc, s) else None


def _this_and_next(m, doc, s, e):
    """今明两年 -> the end of next year (plans only)."""
    return (f"{_written_year(doc) + 1:04d}-12-31", "by") if _is_plan_context(doc, s) else None


def _within_year(m, doc, s, e):
    """年内 / 年底前 / 一年完成 (plans only; 当年完成的项目 is a noun phrase)."""
    if _is_plan_context(doc, s) and not doc.text.startswith("的", e):
        return f"{(doc.meta.year or 2000):04d}-12-31", "by"
    return None


def _on_day(m, doc, s, e):
    """于5月18日向社会公告: a step on a named day, in a plan."""
    if not _is_plan_context(doc, s) or _RANGE_START.match(doc.text, e):
        return None  # 5月24日至5月26日 is a span; its end is read by the rules for spans
    year, month, day = _year_of(m, doc), _month(m.group("month")), int(m.group("day"))
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}", "by"


def _tenure(m, doc, s, e):
    """任期内: relative to a term of office."""
    return None, "relative"


def _to_date(m, doc, s, e):
    """至2024年3月15日 / 到2024年6月: an end date; where a report stands, as of then."""
    plan = _is_plan_context(doc, s)
    if _closes_a_span(doc, s) and not plan:
        return None
    year, month = _year_of(m, doc), _month(m.group("month"))
    day = int(m.group("day")) if m.group("day") else calendar.monthrange(year, month)[1]
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}", ("by" if plan else "asof")


def _month_only(m, doc, s, e):
    """4月份开展 (plans only: a month mention in a report is an event date)."""
    if not _is_plan_context(doc, s) or _references(doc, s):
        return None
    if doc.text[e: e + 1] in ("的", "至", "到", "-", "—", "、") or doc.text[e: e + 1].isdigit():
        return None
    year = _year_of(m, doc)
    if year < (doc.meta.year or year):
        return None
    return _last_day(year, _month(m.group("month"))), "by"


def _relative(m, doc, s, e):
    """收到资金后30日内 stays relative; 印发后3个月内 counts from the issue date when the document states it."""
    if m.group("head") not in _words()["issue_heads"] or not doc.meta.date:
        return None, "relative"
    n = int(m.group("n")) if m.group("n").isdigit() else int(chinese_value(m.group("n")) or 0)
    issued = datetime.date.fromisoformat(doc.meta.date)
    tail = m.group("tail")
    if "月" in tail:
        month = issued.month - 1 + n
        year, month = issued.year + month // 12, month % 12 + 1
        day = min(issued.day, calendar.monthrange(year, month)[1])
        return datetime.date(year, month, day).isoformat(), "by"
    if tail in ("日内", "天内"):
        return (issued + datetime.timedelta(days=n)).isoformat(), "by"
    if tail == "周内":
        return (issued + datetime.timedelta(weeks=n)).isoformat(), "by"
    return None, "relative"  # working days depend on holidays: left relative


def _recurring(m, doc, s, e):
    word = m.group()
    left = doc.text[max(0, s - 1): s]
    if word == "季度" and left and (left in "一二三四1234第每上本下"):
        return None
    if word in ("季度", "月度", "定期") and not _is_plan_context(doc, s):
        return None
    if word == "季度" and doc.text[e: e + 1] in ("末", "底"):
        return None
    if doc.text[max(0, s - 2): s] in _words()["per_head"] or _paid_rate().match(doc.text, e, e + 14):
        return None  # 每人每月400元, 每月800元: a rate
    return None, "recurring"


@cache
def _paid_rate() -> re.Pattern[str]:
    """(发放)800元 right after 每月: a rate paid per period, not a recurring time limit."""
    return re.compile(rf"\s*(?:{_alt('rate_verbs')})?\s*\d+(?:\.\d+)?\s*(?:万|千)?元")


def _framing_year(m, doc, s, e):
    """A year word that frames a target: in plan text, its clause holds a quantity, and it modifies no noun."""
    if not _is_plan_context(doc, s) or _modifies_a_noun(doc.text, e):
        return None
    word = m.group("word")
    year = _framed_year(m, doc, s, word)
    if year is None or not _frames_a_figure(doc, s, e, word):
        return None
    return f"{year:04d}-12-31", "by"


def _modifies_a_noun(text: str, e: int) -> bool:
    """今年的…, 2018年是…, 2024年度工作计划, 今年退出的贫困村: the year names or modifies something."""
    after = text[e: e + 3]
    if after.startswith(tuple(_words()["not_framing_after"])):
        return True
    if after.startswith("度") and not _CLAUSE_BREAK.match(after[1:2] or ","):
        return True  # 2024年度工作计划 / 107年度施政計畫: the year names a plan, it frames no figure
    if re.match(r"[^,;。]{0,8}的", after + text[e + 3: e + 8]) and not re.match(r"[,;]", after):
        # 今年退出的贫困村: the year modifies a noun phrase
        window = text[e: e + 10]
        comma = re.search(r"[,;。]", window)
        de = window.find("的")
        if de >= 0 and (not comma or de < comma.start()):
            return True
    return False


def _framed_year(m, doc: Document, s: int, word: str | None) -> int | None:
    """The year a year word (今年, 明年, 年度 opening a clause) or a written year (not a past one) stands for."""
    if word:
        base = _written_year(doc)
        year = base + 1 if word in _words()["next_year"] else (doc.meta.year or base)
        left = doc.text[max(0, s - 1): s]
        if word == "年度" and left and not _CLAUSE_BREAK.match(left):
            return None
        return year
    year = _year_of(m, doc)
    return None if year < (doc.meta.year or year) else year


def _frames_a_figure(doc: Document, s: int, e: int, word: str | None) -> bool:
    """The year's clause (or the next one, when the year stands alone before a comma) holds a quantity, or a
    year word opening its clause is followed by 要/将 (今年要…): what the year is for."""
    text = doc.text
    clause_end = _CLAUSE_BREAK.search(text, e)
    end = clause_end.start() if clause_end else len(text)
    if end - e <= 1 and clause_end and clause_end.group() == ",":
        nxt = _CLAUSE_BREAK.search(text, end + 1)
        end = nxt.start() if nxt else len(text)
    left_break = max((mm.end() for mm in _CLAUSE_BREAK.finditer(text, max(0, s - 60), s)), default=max(0, s - 60))
    opens = s == 0 or _CLAUSE_BREAK.match(text[s - 1]) or text[s - 1] == "\n"  # 提出今年要… is reported speech
    return _quantity_in(doc, left_break, end) or bool(word and opens and _plan_modal().match(text, e))


@cache
def _plan_modal() -> re.Pattern[str]:
    """今年要…, 今年我们将…, 今年全省力争…: what follows a year word when the sentence says what the year is for."""
    return re.compile(rf"[,\s]?(?:{_alt('plan_subjects')})?(?:{_alt('plan_modals')})")


def _quantity_in(doc: Document, start: int, end: int) -> bool:
    """Whether a quantity starts in [start, end); the sorted starts are kept on the document for a pass."""
    cached = getattr(doc, "_quantity_starts", None)
    if cached is None or cached[0] is not doc.quantities:
        cached = (doc.quantities, sorted(q.span[0] for q in doc.quantities))
        doc._quantity_starts = cached  # type: ignore[attr-defined]
    starts = cached[1]
    return bisect.bisect_left(starts, start) != bisect.bisect_left(starts, end)


# --- the rule table: name, pattern, resolver, in the order the rules run ------------------------------
# A pattern is a template over ``_fragments()``: {Y} a year (2023年, 112年), {M} a month, {year} an optional
# year or year word before a month or a season, {YEAR} four digits of a year, {RANGE} a range mark, and every
# list (or mapping) of ``lexicons/deadlines.yaml`` by its key as an alternation; braces of the regex are
# doubled ({{1,2}}).

_RULES: tuple[tuple[str, str, Resolver], ...] = (
    ("deadline.hk_financial_year", r"(?P<y1>{YEAR})\s*[-/—–至]\s*(?P<y2>\d{{2}}|{YEAR})\s*年度", _financial_year),
    # ranges of years are spans, not deadlines: 2020-2022年 (kept out of later rules); but a plan's period in
    # brackets after a target, (2024—2026年), makes the target due by the period's end
    ("deadline.year_range", r"(?:(?<=[(\[])(?P<open>)|)\s*{YEAR}\s*年?\s*{RANGE}+\s*(?P<y2>{YEAR})\s*年"
                            r"(?:(?=\s*[)\]])(?P<close>))?", _span_of_years),
    ("deadline.asof", r"(?:{asof_prefix})\s*(?:{Y}?\s*(?:{M}\s*(?:(?P<day>\d{{1,2}})\s*日|底|末|份)?|年底|年末"
                      r"|第?(?P<q>[一二三四1-4])\s*季度?(?:末|底)?))", _as_of),
    ("deadline.year_or_before", r"{Y}\s*(?:{before_or_on})", _year_or_before),
    ("deadline.day_before", r"{year}?\s*{M}\s*(?P<day>\d{{1,2}})\s*日\s*(?:{before})", _day_before),
    ("deadline.month_end", r"{year}?\s*{M}\s*(?:{month_end})(?P<before>{before})?", _month_end),
    ("deadline.month_before", r"{year}?\s*{M}\s*份?\s*(?:{before})", _month_before),
    ("deadline.ten_days", r"{year}?\s*{M}\s*(?P<xun>{ten_days})(?P<before>{before})?", _ten_days),
    ("deadline.year_end", r"{Y}\s*年?(?:底|末)(?P<before>{before})?", _year_end),  # 2020年年底前 too
    ("deadline.year_before", r"(?<![\d-]){Y}\s*(?:{before})(?!后)", _year_before),
    ("deadline.cn_year", r"(?:到|至)\s*(?P<cy>[一二][〇零○一二三四五六七八九]{{3}})\s*年(?:底|末)?", _cn_year),
    # 三年内 / 力争三到五年时间内: a time limit counted from the plan's start
    ("deadline.within_years", r"(?<![\d.第])(?:\d{{1,2}}|[一二两三四五六七八九十]+)"
                              r"(?:\s*(?:到|至|—|-)\s*(?:\d{{1,2}}|[一二三四五六七八九十]+))?\s*(?:{within_years})",
     _relative_in_plan),
    ("deadline.word_year_end", r"(?P<w>{next_year}|{this_year_short})\s*年?(?:底|末)(?P<before>{before})?",
     _word_year_end),
    # 到2024年6月 is the month's (to_date), not the year's
    ("deadline.to_year", r"(?<!截)(?:到|至)\s*{Y}(?!度|{RANGE}|\s*(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月)",
     _to_year),
    ("deadline.five_year_plan", r"(?:到|至|在)?\s*[“\"]?(?P<fyp>{five_year_plans})[”\"]?\s*(?:规划)?\s*"
                                r"(?:{five_year_plan_end})", _five_year_plan),
    ("deadline.roc_year", r"(?:民国)?(?<!\d)(?P<roc>1[0-4]\d)\s*年(?P<bound>底前|底|末)?", _roc_year),
    ("deadline.period", r"{Y}?\s*(?:(?:1|一)\s*{RANGE}\s*(?P<m2>1[0-2]|[2-9]|十[一二]?|[二三四五六七八九])\s*月(?:份)?"
                        r"|(?:前|一至|1\s*[-—–~至]\s*)(?P<q2>[二三四234])\s*(?:个)?季度)", _period),
    ("deadline.quarter", r"{year}?\s*(?P<q>{quarters})(?:末|底)?(?:{before})?", _quarter),
    ("deadline.half_year", r"{year}?\s*(?P<h>{half_years})", _half_year),
    # 2023年年中, 2023年中完成
    ("deadline.mid_year", r"(?:{Y}\s*(?:{mid_year}|中(?=前|之前|[,。;、完开启推]))|{mid_year})", _mid_year),
    ("deadline.this_and_next", r"(?:{this_and_next})", _this_and_next),
    ("deadline.within_year", r"(?<![\d一二两三四五六七八九十几多数])(?:{within_year})", _within_year),  # 五年内 is no 年内
    ("deadline.on_day", r"(?<=[于在])\s*{year}?\s*{M}\s*(?P<day>\d{{1,2}})\s*日(?!\s*(?:前|之前|以前|起|开始|以来))",
     _on_day),
    # recurring: 每季度, 按月, 每年 (before bare 季度)
    ("deadline.recurring", r"(?:{recurring})", _recurring),
    # relative: 收到上级资金后30日内 ; 任期内
    ("deadline.relative", r"(?P<head>{relative_heads})[^,。;\n]{{0,16}}?后\s*(?P<n>\d+|[一二三四五六七八九十]+)\s*"
                          r"(?P<tail>{relative_tails})", _relative),
    ("deadline.tenure", r"(?:{tenure})", _tenure),
    # 10个工作日内 / 3个月内 with no event named (plans only)
    ("deadline.within", r"(?<![\d.])(?:\d+|[一二三四五六七八九十]+)\s*(?:{relative_tails})", _relative_in_plan),
    ("deadline.to_date", r"(?<!截)(?:到|至)\s*{year}?\s*{M}\s*(?:(?P<day>[0-3]?\d)\s*日|份)?(?![\d底末中上下])", _to_date),
    ("deadline.month", r"{year}?\s*(?P<month>1[0-2]|0?[1-9])\s*月份?", _month_only),
    # 今年 / 明年 / 2018年 / 年度 framing a target in a plan
    ("deadline.framing_year", r"(?P<word>{this_year}|{next_year})|{Y}(?!度?[-—–~至到以])", _framing_year),
)


def _fragments() -> dict[str, str]:
    """The pieces the rule templates are written in (see the table above)."""
    out = {key: resources.alternation(list(value)) for key, value in _words().items()
           if isinstance(value, (list, dict))}
    # an optional year before a month or season: 2023年, 112年, or a year word (明年3月底前, 今年三季度)
    year = rf"(?:{_Y}|(?P<yw>{out['next_year']}|{out['this_year_short']}))"
    return {**out, "Y": _Y, "M": _M, "year": year, "YEAR": YEAR, "RANGE": RANGE}


def _build_rules() -> list[Rule]:
    pieces = _fragments()
    return [Rule(name, guarded(template.format(**pieces)), resolve) for name, template, resolve in _RULES]


@cache
def rules() -> tuple[Rule, ...]:
    return tuple(_build_rules())


# --- where a rule can match: the rules run only inside short windows of the text --------------------
# Every rule needs one of a few characters in each match (a month rule needs 月, the quarter rule 季), and
# it reads only characters its pattern names. So a match lies inside a run of such characters that holds
# one of the needed ones; those runs are found with str.find, and each rule's regex runs only there, with
# the matches (spans and groups) of a scan over the whole text: a rule reads no character outside the run
# but the one that ends it, which the window still shows. The runs and needed characters are worked out
# from the patterns themselves, so a new lexicon word cannot slip past them.


@dataclass(frozen=True)
class _Windows:
    """How the rules are confined: ``run`` matches a run of characters any rule may read past; ``needs[i]``
    the choices of needed characters of rule i (None: it scans the whole text); ``counted`` finds them all."""

    run: re.Pattern[str]
    counted: re.Pattern[str]
    needs: tuple[tuple[frozenset[str], ...] | None, ...]


@cache
def _windows() -> _Windows:
    parts: set[str] = set()
    needs: list[tuple[frozenset[str], ...] | None] = []
    for rule in rules():
        read, choices = read_and_needed(rule.pattern)
        if choices:
            parts |= read
        needs.append(choices or None)
    chars = "".join(sorted({c for choices in needs if choices for o in choices for c in o}))
    run = f"[{''.join(sorted(parts))}]*" if parts else ""  # (no rule reads past a character: runs are empty)
    return _Windows(re.compile(run), re.compile(f"[{re.escape(chars)}]" if chars else "(?!)"), tuple(needs))


def _rule_matches(text: str) -> Iterator[tuple[Rule, Iterator[re.Match[str]] | list[re.Match[str]]]]:
    """Each rule with its matches over ``text``, the same as ``rule.pattern.finditer(text)``."""
    windows = _windows()
    counts = Counter(windows.counted.findall(text))
    runs = _Runs(text, windows.run)
    for rule, choices in zip(rules(), windows.needs, strict=True):
        if choices is None:
            yield rule, rule.pattern.finditer(text)
            continue
        needed = min(choices, key=lambda o: sum(counts[c] for c in o))  # the rarest in this text
        yield rule, _matches_in(rule.pattern, text, runs.around(needed))


class _Runs:
    """The runs of characters a rule may read past around each needed character of one text, found once."""

    def __init__(self, text: str, run: re.Pattern[str]) -> None:
        self.text, self.backwards, self.run = text, text[::-1], run
        self.by_char: dict[str, list[tuple[int, int]]] = {}

    def around(self, needed: frozenset[str]) -> list[tuple[int, int]]:
        if len(needed) == 1:
            return self._of(next(iter(needed)))
        return sorted({span for c in needed for span in self._of(c)})

    def _of(self, c: str) -> list[tuple[int, int]]:
        found = self.by_char.get(c)
        if found is None:
            found = self.by_char[c] = []
            text, n, run = self.text, len(self.text), self.run.match
            i = text.find(c)
            while i >= 0:  # a run: back to its start over the reversed text, on to its end, then the next one
                end = run(text, i).end()
                found.append((n - run(self.backwards, n - i).end(), end))
                i = text.find(c, max(end, i + 1))
        return found


def _matches_in(pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]) -> list[re.Match[str]]:
    """``pattern.finditer(text)``, searching only the runs: the run's end character stays in view."""
    out: list[re.Match[str]] = []
    pos, search = 0, pattern.search
    for start, end in spans:
        at = start if start >= pos else pos
        while at <= end:
            m = search(text, at, end + 1)  # (an end past the text is read as the text's end)
            if m is None:
                break
            out.append(m)
            at = pos = m.end()  # never empty: every match holds a needed character
    return out


_LABELLED = re.compile(r"[::]")  # 完成时限:8月底 is a label, never a title


def _naming_lines(doc: Document) -> list[tuple[int, int]]:
    """The title and the section headings that name a period (2024年上半年工作总结, 一、上半年工作开展情况,
    三、下半年工作计划): a period they are about, not a time limit."""
    from ..structure import heading_kind

    def is_title(i: int, line: str) -> bool:
        return (i == 0 and len(doc.paragraphs) > 1 and bool(doc.meta.title) and not _LABELLED.search(line)
                and line.replace(" ", "") == doc.meta.title.replace(" ", ""))

    def names_a_period(p, line: str) -> bool:
        return bool(p.marker) and len(line) <= 30 and not re.search(r"[。;,]", line) \
            and heading_kind(line, doc.meta.year) is not None

    return [p.span for i, p in enumerate(doc.paragraphs)
            if is_title(i, p.text.strip()) or names_a_period(p, p.text.strip())]


@cache
def _start_words() -> tuple[str, ...]:
    return tuple(_words()["starts"])


@cache
def _recurring_words() -> tuple[str, ...]:
    return tuple(w for w in _words()["recurring"] if w.startswith(("每", "按")))


def _after_recurring(text: str, start: int) -> bool:
    """Whether a recurring word (每年, 每季度) stands right before ``start``."""
    return text[max(0, start - 4): start].endswith(_recurring_words())


def extract_deadlines(doc: Document) -> list[Deadline]:
    """Every rule in order over the text; a rule never takes characters an earlier one (or a title or a
    heading naming a period) holds."""
    text = doc.text
    taken = [False] * (len(text) + 1)
    for s, e in _naming_lines(doc):
        taken[s:e] = [True] * (e - s)
    out: list[Deadline] = []
    for rule, matches in _rule_matches(text):
        for m in matches:
            found = _read_match(doc, rule, m, taken)
            if found is not None:
                out.append(found)
    out.sort(key=lambda d: d.span)
    return out


def _read_match(doc: Document, rule: Rule, m: re.Match[str], taken: list[bool]) -> Deadline | None:
    """One match of a rule: none when its characters are taken or it follows a recurring word; where
    something starts (…起) and a span of years take their characters without a deadline."""
    text = doc.text
    s, e = m.span()
    while s < e and text[s].isspace():
        s += 1
    if any(taken[s:e]):
        return None
    recurring = rule.name == "deadline.recurring"
    if not recurring and _after_recurring(text, s):
        return None  # 每年2月底前: the month recurs every year; the recurring rule has it
    if not recurring and text.startswith(_start_words(), e):
        taken[s:e] = [True] * (e - s)  # 从2024年第二季度起: where something starts, not a deadline
        return None
    result = rule.resolve(m, doc, s, e)
    if rule.name == "deadline.year_range" and result is None:
        taken[s:e] = [True] * (e - s)
        return None
    if result is None:
        return None
    date, kind = result
    if kind == "by" and _asof(doc, s):
        kind = "asof"
    taken[s:e] = [True] * (e - s)
    return Deadline(text=text[s:e], date=date, kind=kind, span=(s, e), rule=rule.name, page=doc.page_of(s))


_CELL_DATE = re.compile(
    rf"(?P<year>{YEAR})\s*(?:年|[-./])\s*(?:(?P<month>1[0-2]|0?[1-9])\s*(?:月|[-./])?\s*(?:(?P<day>[0-3]?\d)\s*日?)?)?"
)


def cell_deadlines(doc: Document, cells: list[tuple[int, int]], found: list[Deadline]) -> list[Deadline]:
    """Deadlines in the 时限 column of a task table, where a bare date is a deadline too.

    ``2023年12月`` -> 2023-12-31, ``2024年`` -> 2024-12-31, ``2023年6月30日`` -> 2023-06-30; for a
    range (``2023年3月—2023年12月``) the last date counts. Cells the text rules already read are kept.
    """
    out: list[Deadline] = []
    text = doc.text
    for s, e in cells:
        if s >= e or any(s <= d.span[0] < e for d in found):
            continue
        matches = list(_CELL_DATE.finditer(text, s, e))
        if not matches:
            continue
        m = matches[-1]
        year = int(m.group("year"))
        if m.group("day") and m.group("month"):
            try:
                date = datetime.date(year, int(m.group("month")), int(m.group("day"))).isoformat()
            except ValueError:
                continue
        elif m.group("month"):
            date = _last_day(year, int(m.group("month")))
        else:
            date = f"{year}-12-31"
        ds, de = m.span()
        out.append(Deadline(text=text[ds:de], date=date, kind="by", span=(ds, de), rule="deadline.table_cell",
                            page=doc.page_of(ds)))
    return out
