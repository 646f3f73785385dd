"""Plan versus report: does each headline target of the plan's year meet its result in the report?

Three decisions, each from the documents' own structure and the lexicons (``indicators.tsv``,
``goals.yaml``), because pairing figures by name across whole texts took last year's estimates as
targets and next year's targets as results:

1. **Scope.** A plan's targets are the list that opens with 主要预期目标是 (the targets of its year),
   not the figures of its review of the past year; a plan without such a list gives every target
   figure of its plan text that is due in the report's year. A report's results come only from its
   review of the plan's year: not from parts that set later targets (a plan heading, 十五五, a later
   year), not from its five-year review (这五年, 五年来), not from 年均/累计 clauses, and never the
   start value of 从A提高到B.
2. **Measure.** A target and a result pair only when they measure the same thing: the same indicator
   of ``indicators.tsv`` (GDP = 地区生产总值 ...), the same qualifier (城镇/农村/全体, 一产/二产/三产)
   and the same basis (增速, 水平, 占比, 总量, 新增). The same indicator on another basis or a related
   one (出口 vs 进出口) is 口径不同, never a pair. For indicators the lexicon does not know, TF-IDF
   similarity ranks candidates of the same unit and basis and a pair needs a similarity floor.
3. **Direction and tolerance.** 以上/不低于 are floors, 以内/不超过 ceilings; a plain or 左右 figure is
   a floor unless the indicator is a ceiling by nature (失业率, 居民消费价格涨幅, 能耗); a decrease
   (降低3%) bounds the signed change from above; a range is met from its lower end; 左右 is a band
   (``goals.yaml: about_band``) on the side that matters, so a result beyond an "about" target on the
   good side is met. 持平 is a change of 0, 超额完成 and 控制在目标以内 are met.

``completion`` checks 完成年度任务的X% against actual / target when both are known.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..messages import Message, msg
from ..messages import word as code_word
from ..model import Document, Finding, Quantity, Sentence, Span
from ..patterns import YEAR
from .tolerance import Interval, fmt, interval, percent_interval, same_unit

MIN_SIMILARITY = 0.35
_COMPLETION = re.compile(r"完成(?:了)?(?:年度|全年|计划|目标)?(?:目标|任务|计划)?(?:任务)?的$|完成率(?:为|达)?$")
_BREAK = re.compile(r"[,;。:!?\n]|其中")
_YEAR = re.compile(rf"({YEAR})\s*年")
_RANGE_GAP = re.compile(r"^\s*[—\-~～至到]{1,2}\s*$")
_FROM = re.compile(r"(?:从|由)(?:\d{4}年(?:的|底)?)?$")


# --- lexicons ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One row of indicators.tsv."""

    name: str
    surfaces: tuple[str, ...]
    nature: str
    basis: str
    family: str
    related: tuple[str, ...]


@dataclass(frozen=True)
class _Lex:
    indicators: dict[str, Indicator]
    surfaces: tuple[tuple[str, Indicator], ...]  # longest first
    d: dict[str, Any]
    headline: re.Pattern[str]
    start_value: re.Pattern[str]
    qualifiers: dict[str, tuple[re.Pattern[str], dict[str, list[str]], str]]


@cache
def _lex() -> _Lex:
    from .. import resources

    rows = {}
    for r in resources.table("indicators.tsv"):
        name, surfaces, nature, basis, family, related = (list(r) + ["-"] * 6)[:6]
        rows[name] = Indicator(name, tuple(s for s in surfaces.split("|") if s), nature,
                               "" if basis == "-" else basis, "" if family == "-" else family,
                               tuple(x for x in related.split("|") if x and x != "-"))
    surfaces = sorted(((s, ind) for ind in rows.values() for s in ind.surfaces), key=lambda p: -len(p[0]))
    d = resources.data("goals.yaml")
    quals = {fam: (re.compile(v["pattern"]), {k: list(x) for k, x in (v.get("expand") or {}).items()}, v.get("default", ""))
             for fam, v in d["qualifiers"].items()}
    return _Lex(rows, tuple(surfaces), d, re.compile(d["headline"]), re.compile(d["start_value"]), quals)


def status_label(status: str) -> str:
    """The Chinese label of a goal status (已完成, 未完成, 未报告, 口径不同, 无量化目标), from messages.yaml."""
    return code_word("status", status)


def _status_rank(status: str) -> int:
    order = list(_lex().d["status"])
    return order.index(status) if status in order else len(order)


# --- measures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """What a figure measures: the indicator, its qualifier (城镇, 二产 ...) and basis (增速, 水平 ...)."""

    name: str
    qualifier: str = ""
    basis: str = ""
    indicator: Indicator | None = None

    @property
    def known(self) -> bool:
        return self.indicator is not None

    @property
    def nature(self) -> str:
        return self.indicator.nature if self.indicator else "floor"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.name, self.qualifier, self.basis)

    @property
    def label(self) -> str:
        """地区生产总值增速, 城镇居民人均可支配收入增速, 二产增加值增速 ..."""
        if not self.known:
            return self.name
        name = self.name
        if self.qualifier:
            name = (self.qualifier + self.name[2:]) if self.name.startswith("产业") else self.qualifier + name
        if self.basis == "增速" and self.indicator is not None and self.indicator.basis != "增速":
            return name + ("降幅" if self.nature == "ceiling" else "增速")
        if self.basis in ("占比", "新增") and self.basis not in name:
            return f"{name}({self.basis})"
        return name


def _clause_start(text: str, pos: int) -> int:
    start = max(0, pos - 80)
    last = None
    for m in _BREAK.finditer(text, start, pos):
        last = m.end()
    return last if last is not None else start


def _lexicon_match(head: str) -> tuple[Indicator, int, int] | None:
    """The lexicon indicator named last in ``head`` (longest surface at the same end)."""
    best = None
    for surface, ind in _lex().surfaces:
        i = head.rfind(surface)
        if i < 0:
            continue
        end = i + len(surface)
        if best is None or end > best[2] or (end == best[2] and i < best[1]):
            best = (ind, i, end)
    return best


def _verb_sign(predicate: str) -> tuple[str, int]:
    """增速 (+1 / -1 for a decrease), 占比, or '' from the words between the indicator and its figure."""
    d = _lex().d
    if any(w in predicate for w in d["share_words"]):
        return "占比", 1
    dec = max((predicate.rfind(w) for w in d["decrease_verbs"]), default=-1)
    inc = max((predicate.rfind(w) for w in d["growth_verbs"]), default=-1)
    if dec > inc:
        return "增速", -1
    if inc >= 0:
        return "增速", 1
    return "", 1


def _qualifier(ind: Indicator, subject: str, list_index: int | None) -> str:
    if not ind.family or ind.family not in _lex().qualifiers:
        return ""
    pattern, expand, default = _lex().qualifiers[ind.family]
    found: list[str] = []
    for m in pattern.finditer(subject):
        found.extend(expand.get(m.group(), [m.group()]))
    if not found:
        return default
    if len(found) == 1:
        return found[0]
    if list_index is not None and list_index < len(found):
        return found[list_index]
    return "+".join(found)


def measure_of(doc: Document, q: Quantity) -> tuple[Measure, int]:
    """The measure of figure ``q`` and the sign of its change (-1 for 下降/降低), read from its clause."""
    text = doc.text
    d = _lex().d
    start = _clause_start(text, q.span[0])
    if text[start: q.span[0]].lstrip().startswith(tuple(d["continues"])) and start > 0:
        start = _clause_start(text, start - 1)  # 5696亿元,增长5.3%: the clause before names the indicator
    head = text[start: q.span[0]]
    # a 、 after an earlier figure starts a new subject unless it goes on with a verb or a list
    figures = [x for x in doc.quantities if start <= x.span[0] and x.span[1] <= q.span[0]]
    if figures:
        cut = head.rfind("、")
        if cut >= 0 and cut + start >= figures[-1].span[1] - 1:
            rest = head[cut + 1:]
            verbs = d["growth_verbs"] + d["decrease_verbs"] + ["达到", "达", "为", "比"]
            if rest and not any(rest.startswith(v) for v in verbs):
                head, start = rest, start + cut + 1
                figures = [x for x in figures if x.span[0] >= start]
    found = _lexicon_match(head)
    if found is None:
        basis, sign = _verb_sign(head[-12:])
        if not basis:
            basis = "水平" if q.unit == "%" else "总量"
        name = re.sub(r"^(?:全年|全省|全市|全区|全县|实现|完成|力争|确保)+", "", q.indicator or head.strip()) or head.strip()
        return Measure(name, "", basis, None), sign
    ind, i, end = found
    predicate = head[end:]
    list_index = None
    at = predicate.find("分别")
    if at >= 0:
        list_index = sum(1 for x in figures if x.span[0] >= start + end + at)
    qualifier = _qualifier(ind, head[:end], list_index)
    part = [w for w in d["part_of"] if w in head[:i]]
    if part:
        # 对非洲市场出口: a part of the indicator, kept apart by its qualifier
        qualifier = (qualifier + " " if qualifier else "") + head[head.find(part[0]): i]
    basis, sign = _verb_sign(predicate)
    if ind.basis:
        if ind.basis == "水平" or basis == "占比":
            basis, sign = (ind.basis, 1) if basis != "占比" or ind.basis == "水平" else (basis, sign)
        else:
            basis = ind.basis
    elif not basis and q.unit == "%":
        basis = "水平"
    elif not basis:
        basis = "新增" if re.search("新增|增加(?!值)", head[i:]) else "总量"
    return Measure(ind.name, qualifier, basis, ind), sign


# --- scope ------------------------------------------------------------------------------------


def _cues(words: list[str], year: int) -> list[str]:
    return [w.replace("{year}", str(year)) for w in words]


def _heading_mode(title: str, year: int, mode: str) -> str:
    """The mode a first-level heading starts: its year's review, another period, or unchanged."""
    from ..structure import heading_kind

    d = _lex().d
    if any(w in title for w in d["other_period"]):
        return "other"
    years = [int(y) for y in _YEAR.findall(title)]
    if years and max(years) > year:
        return "other"
    if year in years:
        return "year"
    kind = heading_kind(title, year)
    if kind == "plan":
        return "other"
    if kind == "report":
        return "year"
    return mode


@dataclass
class Scope:
    """Which parts of a report review the plan's year: mode changes (offset, year|five|other)."""

    changes: list[tuple[int, str]] = field(default_factory=list)
    plan_paragraphs: set[int] = field(default_factory=set)

    def mode_at(self, offset: int) -> str:
        i = bisect.bisect_right([c[0] for c in self.changes], offset) - 1
        return self.changes[i][1] if i >= 0 else "year"


def review_scope(doc: Document, year: int) -> Scope:
    """Walk the report: first-level headings, then five-year / year / other-period cues in each sentence."""
    d = _lex().d
    cues = ([(w, "other") for w in d["other_period"]] + [(w, "five") for w in d["five_year"]]
            + [(w, "year") for w in _cues(d["year"], year)])
    scope = Scope(changes=[(0, "year")])
    mode = "year"
    for s in doc.sentences:
        para = doc.paragraphs[s.paragraph]
        if para.kind == "plan":
            scope.plan_paragraphs.add(s.paragraph)
        if para.level == 1 and s.span[0] == para.span[0]:
            title = next((sec.title for sec in doc.sections if sec.span[0] == para.span[0]), s.text)
            mode = _heading_mode(title, year, mode)
            scope.changes.append((s.span[0], mode))
            continue
        hits = sorted((s.text.find(w), m) for w, m in cues if w in s.text)
        opens = s.span[0] == para.span[0] or (para.level is not None and s.span[0] <= para.span[0] + 12)
        for pos, m in hits:
            if m == "other" and not opens and mode != "other":
                # 为“十五五”开局打下基础 inside the year's review: only this sentence looks ahead
                scope.changes += [(s.span[0] + pos, "other"), (s.span[1], mode)]
                break
            mode = m
            scope.changes.append((s.span[0] + pos, m))
    scope.changes.sort(key=lambda c: c[0])
    return scope


def _sentence_of(doc: Document, offset: int) -> Sentence | None:
    starts = [s.span[0] for s in doc.sentences]
    i = bisect.bisect_right(starts, offset) - 1
    if i >= 0 and doc.sentences[i].span[0] <= offset < doc.sentences[i].span[1]:
        return doc.sentences[i]
    return None


def _sentence(doc: Document, q: Quantity) -> tuple[int, int]:
    s = _sentence_of(doc, q.span[0])
    return s.span if s else q.span


def _clause(doc: Document, pos: int) -> str:
    start = _clause_start(doc.text, pos)
    m = _BREAK.search(doc.text, pos)
    return doc.text[start: m.start() if m else len(doc.text)]


# --- targets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One target of the plan: its figure (or none), its measure, and the bound a result must keep."""

    measure: Measure
    quantity: Quantity | None
    upper: Quantity | None = None  # the upper end of a range (5%—5.5%)
    direction: str = "floor"  # floor | ceiling
    threshold: float | None = None  # signed: a decrease is negative
    expected: str = ""
    clause: str = ""
    sentence: Span = (0, 0)

    said: str = ""  # the figure with its comparator words as the plan writes it (6%左右, 控制在5.5%以内)

    @property
    def text(self) -> str:
        if self.quantity is None:
            return self.clause
        if self.said:
            return self.said
        if self.upper is not None:
            return f"{self.quantity.text}—{self.upper.text}"
        return self.quantity.text


def _about(q: Quantity) -> float:
    band = _lex().d["about_band"]
    return float(band["percent_points"]) if q.unit in ("%", "百分点") else float(band["relative"]) * abs(q.value)


def _bound(q: Quantity, upper: Quantity | None, measure: Measure, sign: int) -> tuple[str, float, str]:
    """Direction, signed threshold and the Chinese wording of the bound."""
    if q.op in (">=", ">"):
        direction = "floor" if sign > 0 else "ceiling"
    elif q.op in ("<=", "<"):
        direction = "ceiling" if sign > 0 else "floor"
    else:
        direction = "ceiling" if sign < 0 else measure.nature
    lo, hi = sign * q.value, sign * (upper.value if upper is not None else q.value)
    lo, hi = min(lo, hi), max(lo, hi)
    threshold = lo if direction == "floor" else hi
    note = ""
    if q.op == "~" and upper is None:
        band = _about(q)
        threshold = threshold - band if direction == "floor" else threshold + band
        width = f"{fmt(band)}个百分点" if q.unit in ("%", "百分点") else f"{fmt(float(_lex().d['about_band']['relative']) * 100)}%"
        note = f"(左右按±{width}计)"
    unit = q.unit
    if sign < 0:
        words = "降幅不低于" if direction == "ceiling" else "降幅不高于"
        return direction, threshold, f"{words}{fmt(-threshold)}{unit}{note}"
    words = "不低于" if direction == "floor" else "不高于"
    shown = fmt(threshold / _magnitude(q)) + _magnitude_word(q) if unit != "%" else fmt(threshold)
    return direction, threshold, f"{words}{shown}{unit}{note}"


def _magnitude(q: Quantity) -> float:
    m = re.match(r"[\d,.]+", q.text)
    try:
        printed = float(m.group().replace(",", "")) if m else 0.0
    except ValueError:
        return 1.0
    factor = q.value / printed if printed else 1.0
    return factor if factor in (1e4, 1e8, 1e12) else 1.0


def _magnitude_word(q: Quantity) -> str:
    return {1e4: "万", 1e8: "亿", 1e12: "万亿"}.get(_magnitude(q), "")


_BEFORE = re.compile(r"(?:不低于|不少于|不超过|不高于|控制在|保持在|稳定在|超过|突破|达到)$")
_AFTER = re.compile(r"^(?:左右|以上|以内|以下|及以上)")


def _as_written(doc: Document, q: Quantity, upper: Quantity | None) -> str:
    end = (upper or q).span[1]
    before = _BEFORE.search(doc.text[max(0, q.span[0] - 3): q.span[0]])
    after = _AFTER.match(doc.text[end: end + 3])
    return (before.group() if before else "") + doc.text[q.span[0]: end] + (after.group() if after else "")


def _headline_spans(plan: Document, year: int) -> list[Span]:
    """Where the plan lists its year's targets: from 主要预期目标是 to the end of its paragraph."""
    L = _lex()
    spans = []
    for s in plan.sentences:
        m = L.headline.search(s.text)
        if not m or any(w in s.text for w in L.d["other_period"]):
            continue
        years = [int(y) for y in _YEAR.findall(s.text[: m.start()])]
        if years and max(years) < year:
            continue  # 2024年主要预期目标是…: last year's targets, quoted in a review
        para = plan.paragraphs[s.paragraph]
        start = s.span[0] + m.end()
        end = para.span[1]
        for later in plan.sentences:
            if later.paragraph == s.paragraph and later.span[0] > s.span[0] and later.text.startswith(
                    tuple(L.d["headline_stop"])):
                end = later.span[0]
                break
        spans.append((start, end))
    return spans


def _targets_in(plan: Document, span: Span) -> list[Target]:
    qs = [q for q in plan.quantities if span[0] <= q.span[0] < span[1] and q.role != "baseline"]
    out: list[Target] = []
    skip = set()
    for k, q in enumerate(qs):
        if k in skip:
            continue
        upper = None
        if k + 1 < len(qs) and same_unit(q.unit, qs[k + 1].unit) and _RANGE_GAP.match(
                plan.text[q.span[1]: qs[k + 1].span[0]]):
            upper = qs[k + 1]
            skip.add(k + 1)
        measure, sign = measure_of(plan, q)
        direction, threshold, expected = _bound(q, upper, measure, sign)
        sent = _sentence(plan, q)
        out.append(Target(measure, q, upper, direction, threshold, expected, _clause(plan, q.span[0]), sent,
                          _as_written(plan, q, upper)))
    return out


def _unquantified_in(plan: Document, span: Span) -> list[Target]:
    """Clauses of the target list without a figure (与经济增长同步, 完成国家下达目标)."""
    L = _lex()
    out = []
    text = plan.text
    pos = span[0]
    for m in list(_BREAK.finditer(text, span[0], span[1])) + [None]:
        end = m.start() if m else span[1]
        clause = text[pos:end].strip()
        if clause and not any(pos <= q.span[0] < end for q in plan.quantities) and not any(
                w in clause for w in L.d["filler"]) and len(clause) >= 4:
            found = _lexicon_match(clause)
            name = found[0].name if found else clause
            s = _sentence_of(plan, pos)
            out.append(Target(Measure(name, "", "", found[0] if found else None), None, clause=clause,
                              sentence=s.span if s else (pos, end)))
        pos = m.end() if m else end
    return out


def _due_later(doc: Document, q: Quantity, year: int | None) -> bool:
    """A target whose own deadline (in its sentence) is after the report's year."""
    if year is None:
        return False
    sent = _sentence_of(doc, q.span[0])
    if sent is None:
        return False
    for d in doc.deadlines:
        if d.date and sent.span[0] <= d.span[0] < sent.span[1] and int(d.date[:4]) > year:
            return True
    return False


def _sets_no_goal(plan: Document, q: Quantity) -> bool:
    """A target figure of a plan without a target list that is no goal to report on (goals.yaml ``not_goal``):
    a milestone after a deadline, a part after 其中, a scope (全县12个乡镇), the people served, a count of kinds."""
    words = _lex().d["not_goal"]
    text = plan.text
    if q.unit in words["kinds"] or any(d.span[1] <= q.span[0] <= d.span[1] + 1 for d in plan.deadlines):
        return True
    before = text[_sentence(plan, q)[0]: q.span[0]]
    k = before.rfind("其中")
    if k >= 0 and not re.search(r"[))〕】。;;]", before[k:]):  # a list of parts that goes on after 其中
        return True
    if re.search(words["scope"], text[max(0, q.span[0] - 3): q.span[0]]):
        return True
    phrase = re.split(r"[,,、;;。()()和及与]", text[q.span[1]: q.span[1] + 12])[0]
    return q.unit in ("人", "名", "户", "个") and (phrase.startswith("的") or any(w in phrase for w in words["served"]))


def plan_targets(plan: Document, year: int | None) -> list[Target]:
    """The plan's targets for ``year``: its headline list if it has one, else its target figures."""
    spans = _headline_spans(plan, year) if year else []
    if spans:
        out: list[Target] = []
        for span in spans:
            out += _targets_in(plan, span) + _unquantified_in(plan, span)
        return sorted(out, key=lambda t: t.sentence[0] if t.quantity is None else t.quantity.span[0])
    out = []
    for q in plan.quantities:
        if q.role != "target" or _due_later(plan, q, year) or _sets_no_goal(plan, q):
            continue
        measure, sign = measure_of(plan, q)
        direction, threshold, expected = _bound(q, None, measure, sign)
        out.append(Target(measure, q, None, direction, threshold, expected, _clause(plan, q.span[0]), _sentence(plan, q),
                          _as_written(plan, q, None)))
    return out


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """A figure (or a 持平 / 超额完成 wording) the report gives for the plan's year."""

    measure: Measure
    quantity: Quantity | None
    sign: int = 1
    met_phrase: str = ""
    span: Span = (0, 0)

    def signed(self) -> Interval:
        q = self.quantity
        assert q is not None
        iv = interval(q)
        return iv if self.sign > 0 else Interval(-iv.hi, -iv.lo)


def _is_result(doc: Document, q: Quantity, scope: Scope) -> bool:
    L = _lex()
    if q.role in ("target", "baseline") or scope.mode_at(q.span[0]) != "year":
        return False
    sent = _sentence_of(doc, q.span[0])
    if sent is not None and sent.paragraph in scope.plan_paragraphs:
        return False
    clause = _clause(doc, q.span[0])
    if any(w in clause for w in L.d["not_result"]):
        return False
    starts_pair = L.start_value.match(doc.text[q.span[1]: q.span[1] + 6])
    return not (starts_pair or _FROM.search(doc.text[max(0, q.span[0] - 9): q.span[0]]))


def report_results(report: Document, year: int) -> list[Result]:
    """Every result the report states for the plan's year, in text order."""
    L = _lex()
    scope = review_scope(report, year)
    out = []
    for q in report.quantities:
        if _is_result(report, q, scope):
            measure, sign = measure_of(report, q)
            out.append(Result(measure, q, sign, span=q.span))
    # results in words: 居民消费价格指数持平 (a change of 0), 超额完成 / 控制在目标以内 (met)
    for s in report.sentences:
        if scope.mode_at(s.span[0]) != "year" or s.paragraph in scope.plan_paragraphs:
            continue
        for word, kind in [(w, "zero") for w in L.d["zero_change"]] + [(w, "met") for w in L.d["met_phrases"]]:
            at = s.text.find(word)
            if at < 0:
                continue
            pos = s.span[0] + at
            found = _lexicon_match(report.text[_clause_start(report.text, pos): pos])
            if found is None:
                continue
            ind = found[0]
            span = (pos, pos + len(word))
            if kind == "zero":
                q = Quantity(text=word, value=0.0, unit="%", op="=", role="actual", indicator=ind.name, span=span)
                basis = ind.basis or "增速"
                out.append(Result(Measure(ind.name, _qualifier(ind, "", None), basis, ind), q, 1, span=span))
            else:
                out.append(Result(Measure(ind.name, _qualifier(ind, "", None), "", ind), None, 1, word, span))
    return sorted(out, key=lambda r: r.span[0])


# --- the goal table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """One row of the goal table: a target, the result it was paired with, and the status."""

    indicator: str
    target: Quantity | None
    actual: Quantity | None
    status: str  # met | missed | not reported | different measure | no figure
    similarity: float = 0.0
    expected: str = ""
    target_text: str = ""
    target_sentence: str = ""
    actual_sentence: str = ""
    note: str = ""
    actual_text: str = ""  # the result as the report states it (下降3.3%, 持平)

    @property
    def label(self) -> str:
        return status_label(self.status)

    def to_json(self) -> dict[str, Any]:
        def q(x: Quantity | None) -> dict[str, Any] | None:
            if x is None:
                return None
            return {"text": x.text, "value": x.value, "unit": x.unit, "op": x.op, "span": list(x.span)}

        return {
            "indicator": self.indicator, "target": q(self.target), "target_text": self.target_text,
            "expected": self.expected, "actual": q(self.actual), "actual_text": self.actual_text, "status": self.status, "label": self.label,
            "target_sentence": self.target_sentence, "actual_sentence": self.actual_sentence,
            "note": self.note, "similarity": round(self.similarity, 3),
        }


def _compatible(t: Target, r: Result) -> bool:
    if r.quantity is None:
        return True
    assert t.quantity is not None
    return same_unit(t.quantity.unit, r.quantity.unit) and t.quantity.unit not in ("倍",)


def _met(t: Target, r: Result) -> bool:
    if r.quantity is None:
        return True  # 超额完成, 控制在目标以内
    a = r.signed()
    assert t.threshold is not None
    if t.direction == "ceiling":
        return a.lo <= t.threshold + 1e-9
    return a.hi >= t.threshold - 1e-9


def _pair_known(t: Target, results: list[Result], used: set[int]) -> tuple[str, Result | None]:
    same = [k for k, r in enumerate(results) if k not in used and r.measure.key == t.measure.key and _compatible(t, r)]
    if not same and t.measure.basis:
        # 超额完成 names the indicator without its basis
        same = [k for k, r in enumerate(results) if k not in used and r.quantity is None
                and (r.measure.name, r.measure.qualifier) == t.measure.key[:2]]
    if same:
        used.add(same[0])
        return "paired", results[same[0]]
    # the same basis, but another qualifier (对东盟出口) or a related indicator (进出口 for 出口)
    related = t.measure.indicator.related if t.measure.indicator else ()
    near = [r for r in results if r.quantity is not None and r.measure.basis == t.measure.basis and _compatible(t, r)
            and ((r.measure.name == t.measure.name and r.measure.key != t.measure.key) or r.measure.name in related)]
    if near:
        return "different measure", near[0]
    return "not reported", None


def _pair_unknown(targets: list[tuple[int, Target]], results: list[Result], used: set[int],
                  plan_of: dict[int, Document], report: Document) -> dict[int, tuple[int, float]]:
    """TF-IDF over the wording ranks candidates of the same unit and basis; best pairs first."""
    cands = [k for k, r in enumerate(results) if k not in used and not r.measure.known and r.quantity is not None]
    if not targets or not cands:
        return {}
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    def context(doc: Document, q: Quantity) -> str:
        start = max(0, q.span[0] - 18)
        left = re.split(r"[,。;\n]", doc.text[start: q.span[0]])[-1]
        right = re.split(r"[,。;\n]", doc.text[q.span[1]: q.span[1] + 10])[0]
        return f"{q.indicator} {q.indicator} {left} {right}"

    texts = [context(plan_of[i], t.quantity) for i, t in targets if t.quantity is not None]
    texts += [context(report, results[k].quantity) for k in cands if results[k].quantity is not None]
    # the vocabulary and weights come from every figure of both sides, so they do not depend on the scope
    every = [context(p, q) for p in {id(p): p for p in plan_of.values()}.values() for q in p.quantities
             if q.role == "target"] + [context(report, q) for q in report.quantities if q.role == "actual"]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).fit(every + texts)
    sims = cosine_similarity(vec.transform(texts[: len(targets)]), vec.transform(texts[len(targets):]))
    pairs = []
    for a, (_, t) in enumerate(targets):
        for b, k in enumerate(cands):
            r = results[k]
            if _compatible(t, r) and _level(r.measure.basis) == _level(t.measure.basis) and sims[a, b] >= MIN_SIMILARITY:
                pairs.append((float(sims[a, b]), a, b))
    pairs.sort(reverse=True)
    out: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for sim, a, b in pairs:
        i, k = targets[a][0], cands[b]
        if i in out or k in taken:
            continue
        out[i] = (k, sim)
        taken.add(k)
        used.add(k)
    return out


def _level(basis: str) -> str:
    """Without a lexicon entry, a share and a level are told apart by wording alone: both are levels."""
    return "水平" if basis == "占比" else basis


def match_goals(report: Document, plans: list[Document]) -> list[Goal]:
    """The goal table: every target of the plans with its status, 未完成 first."""
    year = next((p.meta.year for p in plans if p.meta.year), None) or report.meta.year
    targets: list[tuple[Document, Target]] = [(p, t) for p in plans for t in plan_targets(p, year)]
    if not targets:
        return []
    results = report_results(report, year) if year else []
    used: set[int] = set()
    decided: dict[int, tuple[str, Result | None, float]] = {}
    unknown: list[tuple[int, Target]] = []
    for i, (_, t) in enumerate(targets):
        if t.quantity is None:
            decided[i] = ("no figure", None, 0.0)
        elif t.measure.known:
            how, r = _pair_known(t, results, used)
            decided[i] = (how, r, 1.0)
        else:
            unknown.append((i, t))
    plan_of = {i: p for i, (p, _) in enumerate(targets)}
    for i, (k, sim) in _pair_unknown(unknown, results, used, plan_of, report).items():
        decided[i] = ("paired", results[k], sim)
    goals = []
    for i, (plan, t) in enumerate(targets):
        how, r, sim = decided.get(i, ("not reported", None, 0.0))
        status = ("met" if _met(t, r) else "missed") if how == "paired" and r is not None else how
        actual_sentence = ""
        note = ""
        if r is not None:
            s = _sentence_of(report, r.span[0])
            actual_sentence = s.text if s else ""
            if r.met_phrase:
                note = f"报告写明“{r.met_phrase}”"
            elif how == "different measure":
                note = f"报告给出的是{r.measure.label},与目标{t.measure.label}口径不同"
        ts = plan.text[t.sentence[0]: t.sentence[1]]
        actual = r.quantity if r is not None else None
        goals.append(Goal(t.measure.label, t.quantity, actual, status, sim, t.expected, t.text, ts, actual_sentence,
                          note, _said(actual, report) if actual is not None else (r.met_phrase if r else "")))
    return sorted(goals, key=lambda g: _status_rank(g.status))


# --- findings ---------------------------------------------------------------------------------


def _said(q: Quantity, report: Document | None = None) -> str:
    """4.9%, 下降3.3%: a figure as the report states it."""
    if report is not None:
        before = report.text[max(0, q.span[0] - 2): q.span[0]]
        for w in _lex().d["decrease_verbs"]:
            if before.endswith(w):
                return w + q.text
    return q.text


def _message(m: Message) -> dict[str, Any]:
    """The message fields of a Finding: English text (the JSON contract's ``message``), code and parameters."""
    return {"message": m.text("en"), "code": m.code, "params": m.params}


def goal_findings(report: Document, goals: list[Goal]) -> list[Finding]:
    out = []
    for g in goals:
        if g.status != "missed" or g.actual is None or g.target is None:
            continue
        span = _sentence(report, g.actual)
        out.append(Finding(
            check="goal", severity="warning",
            **_message(msg("goal.missed", indicator=g.indicator, actual=g.actual_text, target=g.target_text,
                           expected=g.expected)),
            evidence=report.text[span[0]: span[1]], spans=(span,), expected=g.target.value, reported=g.actual.value,
            formula=f"实际 {g.actual.text} 对 目标 {g.expected}"))
    return out


def completion_findings(report: Document, goals: list[Goal]) -> tuple[list[Finding], int]:
    """完成年度任务的X%: X must equal actual / target for the target matched to that actual."""
    by_actual = {g.actual.span: g for g in goals if g.actual is not None and g.target is not None}
    out, checked = [], 0
    qs = sorted(report.quantities, key=lambda q: q.span)
    for k, rate in enumerate(qs):
        if rate.unit != "%" or not _COMPLETION.search(report.text[max(0, rate.span[0] - 12): rate.span[0]]):
            continue
        previous = [q for q in qs[:k] if q.unit != "%" and q.span[0] >= _sentence(report, rate)[0]]
        if not previous or previous[-1].span not in by_actual:
            continue
        g = by_actual[previous[-1].span]
        assert g.actual is not None and g.target is not None
        checked += 1
        a, t = interval(g.actual), interval(g.target)
        ratio = Interval(a.lo / t.hi, a.hi / t.lo) if t.lo > 0 else None
        if ratio is None or ratio.overlaps(percent_interval(rate)):
            continue
        span = _sentence(report, rate)
        out.append(Finding(
            check="completion", severity="error",
            **_message(msg("completion.ratio", stated=rate.text, actual=g.actual.text, target=g.target.text,
                           computed=f"{g.actual.value / g.target.value * 100:.1f}%")),
            evidence=report.text[span[0]: span[1]], spans=(span,),
            expected=round(g.actual.value / g.target.value * 100, 2), reported=rate.value,
            formula=f"{fmt(g.actual.value)} / {fmt(g.target.value)} x 100"))
    return out, checked


def check_against(report: Document, plans: list[Document]) -> list[Goal]:
    """Add goal and completion findings to ``report`` and return the goal table."""
    goals = match_goals(report, plans)
    report.findings.extend(goal_findings(report, goals))
    completion, checked = completion_findings(report, goals)
    report.findings.extend(completion)
    stats = report.check_stats or {}
    stats["goals_matched"] = sum(1 for g in goals if g.status in ("met", "missed"))
    stats["goals_not_reported"] = sum(1 for g in goals if g.status == "not reported")
    stats["goals_other_measure"] = sum(1 for g in goals if g.status == "different measure")
    stats["goals_without_figure"] = sum(1 for g in goals if g.status == "no figure")
    stats["relations_checked"] = stats.get("relations_checked", 0) + stats["goals_matched"] + checked
    report.check_stats = stats
    return goals
