"""Internal arithmetic: do the figures of one document agree with each other?

- ``sum``: a total and its parts (其中 A、B、C; … 合计 X). Two or more parts
  are read as a breakdown of the total; a single part only has to fit inside
  it. Nested parts in brackets are not siblings. A total may also be the sum
  of the list just before 其中 (低保30588人、特困1293人,其中兜底19327人).
- ``share``: 占X% against every numerator/denominator pair in reach with the
  same unit (households and persons are both tried); flagged only when none fits.
- ``growth``: 同比增长X% after a whole count: the base it implies must be a
  whole number too (14 after +350% implies 3.11: impossible) — the GRIM idea.
- ``unit``: a sum that is off by exactly 10^4 or 10^8 is a 万/亿 slip.

Every figure is an interval (see ``tolerance``); precision matters more than
recall, so anything ambiguous is counted as unchecked rather than flagged.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .. import resources
from ..messages import Message, Word, msg
from ..model import Document, Finding, Quantity, Span
from ..patterns import YEAR, unit_set
from ..spans import starts_of, within
from .tolerance import Interval, fmt, interval, percent_interval, same_unit, show

_SHARE = re.compile(r"占(?:比|比为|比达|总数的|总量的|全部的)?([\u4e00-\u9fff]{0,12}?)(?:的|比例为|比重为|比重)?$")
_GROWTH = re.compile(r"(同比|比上年|较上年|较去年|比去年|与上年相比|较上一年度?)?(增长|增加|提高|上升|下降|减少)了?$")
_REACH = 400  # how far a check looks for a total or a denominator: two sentences of a real report


@dataclass
class Stats:
    relations_checked: int = 0
    unchecked: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"relations_checked": self.relations_checked, "unchecked_statements": len(self.unchecked),
                "unchecked": self.unchecked[:50]}


class _Index:
    """Sentences and quantities of a document, for looking things up by position."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.sents = doc.sentences
        self.sent_starts = [s.span[0] for s in self.sents]
        # figures read from table cells are checked as tables (check/tables.py), not as sentences
        self.qs = sorted((q for q in doc.quantities if not q.rule.startswith("table.")), key=lambda q: q.span)
        self.q_starts = starts_of(self.qs)

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def sentence_span(self, pos: int) -> Span:
        if not self.sents:
            return (0, len(self.text))
        return self.sents[self.sentence_index(pos)].span

    def quantities_in(self, start: int, end: int) -> list[Quantity]:
        return [q for q in within(self.qs, self.q_starts, start, end + 1) if q.span[1] <= end]


def _statement_span(idx: _Index, pos: int) -> Span:
    """The sentence at pos, joined with those before it that a line break (not a full stop) cut off."""
    i = idx.sentence_index(pos)
    span = idx.sentence_span(pos)
    start = span[0]
    for _ in range(3):
        if i <= 0 or idx.text[:start].rstrip()[-1:] in ("。", "!", "?", ";", "!", "?", ";", ""):
            break
        i -= 1
        start = idx.sents[i].span[0]
    return start, span[1]


def _bracket_ranges(text: str, start: int, end: int) -> list[Span]:
    out, depth, open_at = [], 0, 0
    for i in range(start, end):
        c = text[i]
        if c in "((〔[【":
            if depth == 0:
                open_at = i
            depth += 1
        elif c in "))〕]】" and depth:
            depth -= 1
            if depth == 0:
                out.append((open_at, i + 1))
    return out


def _finding(idx: _Index, check: str, severity: str, message: Message, spans: list[Span], expected, reported,
             formula: str) -> Finding:
    spans = sorted(set(spans))
    evidence = "".join(idx.text[s:e] for s, e in spans)
    return Finding(check=check, severity=severity, message=message.text("en"), evidence=evidence, spans=tuple(spans),
                   expected=expected, reported=reported, formula=formula, code=message.code, params=message.params)


def _is_count(q: Quantity) -> bool:
    """A count of whole things (86个, 41人): units tagged whole in units.tsv."""
    return q.unit in unit_set("whole")


def _lex() -> dict[str, Any]:
    return resources.data("checks.yaml")


@cache
def _words_re(key: str, template: str = "{}") -> re.Pattern[str]:
    """A list of ``checks.yaml`` as an alternation, placed in ``template``."""
    return re.compile(template.format(resources.alternation(_lex()[key])))


def _residual() -> re.Pattern[str]:
    """其他 / 其余: a part that claims the rest of the total."""
    return _words_re("residual_parts")


def _total_words() -> re.Pattern[str]:
    """合计 / 共计 right before a figure: the total of the figures listed before it."""
    return _words_re("total_words", "(?:{})为?$")


def _change_word_at_end() -> re.Pattern[str]:
    """增加 / 减少了 closing a clause: the figure after it is a change, not a level."""
    return _words_re("change_words", "(?:{})了?$")


def _up_words() -> tuple[str, ...]:
    return tuple(_lex()["up_words"])


_CLAUSE_BREAK = re.compile(r"[,,;;。::()()、\n]")


def _clause_before(text: str, q: Quantity, reach: int = 16) -> str:
    """The words of the figure's own clause, up to the figure (whitespace dropped)."""
    left = "".join(text[max(0, q.span[0] - reach): q.span[0]].split())
    return _CLAUSE_BREAK.split(left)[-1]


def _kind(text: str, q: Quantity) -> str:
    """change (比年初增加586亿元), budget (年初预算为0万元) or level: only figures of one kind are compared."""
    lex = _lex()
    clause = _clause_before(text, q)
    if _change_word_at_end().search(clause):
        return "change"
    if any(w in clause for w in lex["budget_words"]):
        return "budget"
    return "level"


def _is_per(text: str, q: Quantity) -> bool:
    """An average or a rate per unit (人均4200元, 每千人6.5批次): never a part, total, denominator or base."""
    per = _words_re("per_words", "(?:{})[\u4e00-\u9fff]{{0,6}}$")
    return per.search(text[max(0, q.span[0] - 10): q.span[0]]) is not None


def _counted_noun(text: str, q: Quantity) -> str:
    """What a count written as 35个子项目 counts (the noun after its measure word); empty when none follows."""
    if not _is_count(q):
        return ""
    after = re.sub(r"^(?:左右|以上|多|余)", "", text[q.span[1]: q.span[1] + 8])
    m = re.match(r"[\u4e00-\u9fff]+", after)
    return m.group()[:2] if m else ""


def _label(text: str, q: Quantity) -> str:
    """The last two characters naming the figure in its clause (毕业生2.49万人 -> 业生), change words removed."""
    clause = _clause_before(text, q)
    clause = _change_word_at_end().sub("", clause)
    clause = re.sub(r"(?:为|达到?|是|共|有|计|约|近|超过)+$", "", clause)
    return clause[-2:]


# --- sum -----------------------------------------------------------------------------------------


def _parts_region(idx: _Index, at: int, start: int) -> tuple[int, int]:
    """Where the parts after 其中 end: the closing bracket if 其中 opens a bracket, else the sentence end,
    a semicolon or the next 其中 of the same level (a bracketed 其中 inside the list is nested, not the end)."""
    text = idx.text
    if text[max(0, start - 1): start] in ("(", "("):
        close = text.find(")", at)
        if close > 0:
            return at, close
    s_end = min(idx.sentence_span(at)[1], at + _REACH)
    ends = [s_end]
    for m in re.finditer(r"其中|;", text[at:s_end]):
        if m.group() == "其中" and text[at + m.start() - 1: at + m.start()] in ("(", "("):
            continue
        ends.append(at + m.start())
    return at, min(ends)


def _part_labels(text: str, start: int, group: list[Quantity]) -> list[str]:
    """The clause around each part: from the delimiter before it to the one after it."""
    labels = []
    for q in group:
        left = max((m.end() for m in re.finditer(r"[,、;:(]", text[start: q.span[0]])), default=0) + start
        right = re.search(r"[,、;。)]", text[q.span[1]:])
        labels.append(text[left: q.span[1] + (right.start() if right else 0)])
    return labels


def _separate_facts(text: str, start: int, group: list[Quantity]) -> bool:
    """Parts that each state an action (已收回…, 已归还…) are separate facts, not a breakdown."""
    return any(re.search(r"已|了|被", label) for label in _part_labels(text, start, group))


def _part_body(label: str) -> str:
    return re.sub(r"^[,、;:(\s]*(?:其中|内)?[::,]?", "", label)


def _subset_parts(labels: list[str]) -> bool:
    """Parts that open with a year (其中2024年…, 其中今年…) or an area word (其中城区…, 农村…) select, they do
    not break down — unless they name both sides of a whole (其中省内…、省外…)."""
    lex = _lex()
    bodies = [_part_body(label) for label in labels]
    for left, right in lex["complementary_scopes"]:
        if any(b.startswith(left) for b in bodies) and any(b.startswith(right) for b in bodies):
            return False
    scope = tuple(lex["scope_parts"])
    periods = tuple(lex["period_parts"])
    return any(re.match(rf"{YEAR}年|[上下]半年|[一二三四]季度|\d{{1,2}}月", b) or b.startswith(scope + periods)
               for b in bodies)


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def _nested_names(text: str, group: list[Quantity]) -> bool:
    """Parts whose names nest (执业医师 within 执业助理医师) may count the same people twice: no breakdown."""
    names = [re.sub(r"^(?:其中|内)", "", _clause_before(text, q)) for q in group]
    return any(len(re.sub(r"[^\u4e00-\u9fff]", "", a)) >= 3 and len(b) > len(a) and _is_subsequence(a, b)
               for a in names for b in names)


def _fragment(text: str, q: Quantity) -> bool:
    """The tail of a number read in pieces (2万6,939件 read as 6,939件): not a figure to check."""
    return re.search(r"\d[万亿]$", text[max(0, q.span[0] - 2): q.span[0]]) is not None


def _usable(text: str, q: Quantity) -> bool:
    """A figure that may be a part or a total: a plain amount, not a share, a multiple, an average or a piece."""
    return q.unit not in ("%", "倍", "百分点", "‰") and not _is_per(text, q) and not _fragment(text, q)


def _parallel_totals(text: str, group: list[Quantity], candidates: list[Quantity]) -> dict[int, Quantity]:
    """其中,高校毕业生2.49万人,在校生10.64万人 after 毕业生55.6万人,在校生211.74万人: each part has its own
    total, named the same way. Returns part index -> total when at least two parts name two totals."""
    matched: dict[int, Quantity] = {}
    for i, q in enumerate(group):
        name = _label(text, q)
        if len(name) < 2:
            continue
        same = [c for c in candidates if _label(text, c) == name]
        if same:
            matched[i] = same[-1]
    return matched if len({id(t) for t in matched.values()}) >= 2 else {}


def _kinds_of_total(text: str, group: list[Quantity], total: Quantity) -> bool:
    """Parts named as kinds of the total (C级危房…、D级危房… of 危房改造…): a classification, meant to be whole."""
    heads = {re.sub(r"[^\u4e00-\u9fff]", "", _clause_before(text, q))[-2:] for q in group}
    if len(heads) != 1:
        return False
    head = heads.pop()
    return len(head) == 2 and head in _clause_before(text, total, 24)


def _slipped_part(group: list[Quantity], totals: list[Interval]) -> bool:
    """One part written with 亿 for 万 (or the reverse): scaled back, the parts add up to the total."""
    whole = sum((interval(q) for q in group), Interval(0.0, 0.0))
    for q in group:
        iv = interval(q)
        for k in (1e4, 1e8, 1e-4, 1e-8):
            fixed = Interval(whole.lo - iv.lo + iv.lo / k, whole.hi - iv.hi + iv.hi / k)
            if any(fixed.overlaps(t) for t in totals):
                return True
    return False


def _without_sub_breakdowns(group: list[Quantity]) -> list[Quantity]:
    """其中企业职工105.55万人,在职职工81.33万人,离退休人员24.22万人: parts right after a part that add up to
    it break that part down; they are no further parts of the total."""
    for i in range(len(group) - 2):
        head = interval(group[i])
        for j in range(i + 3, len(group) + 1):
            sub = sum((interval(q) for q in group[i + 1: j]), Interval(0.0, 0.0))
            if sub.overlaps(head):
                return group[: i + 1] + group[j:]
    return group


@dataclass(frozen=True)
class _Parts:
    """The figures after one 其中 that may break a total down, where they stand, and the figures before it
    that may hold their total."""

    start: int
    end: int
    parts: list[Quantity]
    before: list[Quantity]

    def snippet(self, text: str) -> str:
        return text[self.start:self.end][:40]


def _check_sums(idx: _Index, stats: Stats) -> list[Finding]:
    """Each 其中: its parts (step 1), grouped by unit and kind (2), each group against its total (3)."""
    findings: list[Finding] = []
    for m in re.finditer(r"其中", idx.text):
        region = _parts_after(idx, m, stats)
        if region is None:
            continue
        # parts counted with different measure words (医院116个, 卫生监督所17所) are each a partial list
        mixed_units = len({q.unit for q in region.parts if _is_count(q)}) > 1
        for (unit, kind), group in _by_unit_and_kind(idx.text, region.parts).items():
            findings += _check_group(idx, stats, region, unit, kind, group, mixed_units)
    return findings + _check_listed_totals(idx, stats)


def _parts_after(idx: _Index, m: re.Match[str], stats: Stats) -> _Parts | None:
    """Step 1: the plain figures after 其中 (not nested in brackets), or None when there are none or they are
    shares or thresholds."""
    text = idx.text
    r_start, r_end = _parts_region(idx, m.end(), m.start())
    nested = _bracket_ranges(text, r_start, r_end)
    inside = idx.quantities_in(r_start, r_end)
    if any(q.unit == "%" for q in inside[:1]) or any(q.op not in ("=", "~") for q in inside):
        # 其中20%达到20万元以上: a share of the group meeting a threshold, not parts of a sum
        stats.unchecked.append(f"其中 with shares or thresholds: {text[r_start:r_end][:40]}")
        return None
    parts = [q for q in inside if _usable(text, q) and not any(s < q.span[0] < e for s, e in nested)]
    if not parts:
        return None
    return _Parts(r_start, r_end, parts, _totals_before(idx, m.start()))


def _totals_before(idx: _Index, pos: int) -> list[Quantity]:
    """The figures that may be the total: the sentence's before 其中 (or the one before, when 其中 opens a
    sentence), within reach."""
    text = idx.text
    s_start = max(idx.sentence_span(pos)[0], pos - _REACH)
    before_start = s_start
    if text[s_start: pos].strip("(: ") == "":
        prev = idx.sentence_index(pos) - 1
        before_start = idx.sents[prev].span[0] if prev >= 0 else 0
    before_start = max(before_start, pos - _REACH)
    return [q for q in idx.quantities_in(before_start, pos) if _usable(text, q) and q.op in ("=", "~")]


def _by_unit_and_kind(text: str, parts: list[Quantity]) -> dict[tuple[str, str], list[Quantity]]:
    """Step 2: parts of one unit and one kind (level, change, budget) add up; others do not."""
    by_unit: dict[tuple[str, str], list[Quantity]] = {}
    for q in parts:
        by_unit.setdefault((q.unit, _kind(text, q)), []).append(q)
    return by_unit


def _check_group(idx: _Index, stats: Stats, region: _Parts, unit: str, kind: str, group: list[Quantity],
                 mixed_units: bool) -> list[Finding]:
    """Step 3: the group against the totals before it that count the same thing (same unit, kind and noun)."""
    text = idx.text
    nouns = {_counted_noun(text, q) for q in group} - {""}
    candidates = [q for q in region.before if same_unit(q.unit, unit) and _kind(text, q) == kind
                  and not (_counted_noun(text, q) and nouns and _counted_noun(text, q) not in nouns)]
    if not candidates:
        stats.unchecked.append(f"其中 without a total: {region.snippet(text)}")
        return []
    parallel = _parallel_totals(text, group, candidates) if len(group) > 1 else {}
    if parallel:
        return _check_parallel(idx, stats, group, parallel)
    found = _check_breakdown(idx, stats, region, unit, group, candidates, mixed_units)
    return [found] if found else []


def _check_parallel(idx: _Index, stats: Stats, group: list[Quantity], parallel: dict[int, Quantity]) -> list[Finding]:
    """Each part against the total it names: it only has to fit inside it."""
    stats.relations_checked += 1
    findings = []
    for i, total in parallel.items():
        part = group[i]
        if interval(part).lo <= interval(total).hi + 1e-9:
            continue
        findings.append(_finding(idx, "sum", "error", msg("sum.part_larger", part=part.text, stated=total.text),
                                 [idx.sentence_span(total.span[0]), idx.sentence_span(part.span[0])],
                                 total.value, part.value, f"{part.text} <= {total.text}"))
    return findings


def _total_run(text: str, candidates: list[Quantity]) -> list[Quantity]:
    """The last candidate with the same-unit figures just before it: 低保…、特困…,其中… may be the total together."""
    run = [candidates[-1]]
    for q in reversed(candidates[:-1]):
        gap = text[q.span[1]: run[0].span[0]]
        if len(gap) > 12 or re.search(r"[。;]", gap):
            break
        run.insert(0, q)
    return run


def _is_slip(part_sum: Interval, total: Quantity) -> bool:
    """Parts that add up to the total times 10^4 or 10^8 (or divided by it): a 万/亿 slip."""
    ratio = part_sum.lo / total.value if total.value else 0
    return bool(total.value) and any(abs(math.log10(max(ratio, 1e-12)) - k) < 0.02 for k in (4, -4, 8, -8))


def _check_breakdown(idx: _Index, stats: Stats, region: _Parts, unit: str, group: list[Quantity],
                     candidates: list[Quantity], mixed_units: bool) -> Finding | None:
    """The parts against the last figure before 其中 (or the run of figures it ends): a single part must fit
    inside it, several must add up to it."""
    text = idx.text
    total = candidates[-1]
    run = _total_run(text, candidates)
    group = _without_sub_breakdowns(group)
    part_sum = sum((interval(q) for q in group), Interval(0.0, 0.0))
    totals = [interval(total, round_total=True)]
    if len(run) > 1:
        totals.append(sum((interval(q) for q in run), Interval(0.0, 0.0)))
    top = max(t.hi for t in totals)
    slip = _is_slip(part_sum, total)
    if not slip and not _slipped_part(group, totals) and any(
            interval(q).lo > _lex()["part_ratio_limit"] * top for q in group):
        # 2300多人、其中…41人,新增…39万人: a figure far beyond the total is about something else
        stats.unchecked.append(f"其中 with a part far beyond the total: {region.snippet(text)}")
        return None
    stats.relations_checked += 1
    sentence_spans = [idx.sentence_span(total.span[0]), idx.sentence_span(group[-1].span[0])]
    if len(group) == 1:
        if part_sum.lo <= top + 1e-9:
            return None
        formula = f"{group[0].text} <= {total.text}"
        return _finding(idx, "sum", "error", msg("sum.part_larger", part=group[0].text, stated=total.text),
                        sentence_spans, total.value, group[0].value, formula)
    if any(part_sum.overlaps(t) for t in totals):
        return None
    return _sum_finding(idx, stats, region, unit, group, total, totals, slip, mixed_units, sentence_spans)


def _sum_finding(idx: _Index, stats: Stats, region: _Parts, unit: str, group: list[Quantity], total: Quantity,
                 totals: list[Interval], slip: bool, mixed_units: bool, sentence_spans: list[Span]) -> Finding | None:
    """Parts that do not add up to their total: a finding, unless the list may be partial or pick out a subset."""
    text = idx.text
    lex = _lex()
    part_sum = sum((interval(q) for q in group), Interval(0.0, 0.0))
    top = max(t.hi for t in totals)
    each_fits = all(interval(q).lo <= top + 1e-9 for q in group)
    # 其中26县已收回…,27县已归还…: each part is its own fact; it only has to fit in the total
    if _separate_facts(text, region.start, group) and each_fits:
        return None
    # 执业医师…、执业助理医师…: names that nest may overlap; each only has to fit
    if _nested_names(text, group) and each_fits:
        stats.unchecked.append(f"其中 with nested names: {region.snippet(text)}")
        return None
    residual = any(_residual().search(text[idx.sentence_span(q.span[0])[0]: q.span[0]][-12:]) for q in group)
    formula = " + ".join(q.text for q in group) + f" = {fmt(sum(q.value for q in group))}, stated {total.text}"
    if slip:
        return _finding(idx, "unit", "error",
                        msg("unit.slip", computed=f"{fmt(sum(q.value for q in group))}{unit}", stated=total.text),
                        sentence_spans, total.value, sum(q.value for q in group), formula)
    exceeds = part_sum.lo > totals[0].hi
    if not residual and _subset_parts(_part_labels(text, region.start, group)):
        # 其中2024年…, 其中城区…: parts by year or by area pick out a subset, not a breakdown
        stats.unchecked.append(f"其中 by year or area: {region.snippet(text)}")
        return None
    complete = lex["kinds_complete"] if _kinds_of_total(text, group, total) else lex["near_complete"]
    if not exceeds and (mixed_units or (not residual and part_sum.hi < complete * totals[0].lo)):
        # 其中小麦…、玉米… of 粮食: a list that names some parts only
        stats.unchecked.append(f"其中 naming some parts only: {region.snippet(text)}")
        return None
    severity = "error" if residual or exceeds else "warning"
    message = msg("sum.parts" if severity == "error" else "sum.parts_incomplete",
                  parts=[q.text for q in group], computed=show(sum(q.value for q in group), total),
                  stated=total.text)
    return _finding(idx, "sum", severity, message, sentence_spans, total.value, sum(q.value for q in group), formula)


def _check_listed_totals(idx: _Index, stats: Stats) -> list[Finding]:
    """… 合计X: the figures listed before a total word. A total with its own subject (…,计划实施项目共计100个)
    adds up only parts that name that subject."""
    text = idx.text
    findings: list[Finding] = []
    for total in idx.qs:
        left = text[max(0, total.span[0] - 4): total.span[0]]
        if not _total_words().search(left) or total.unit in ("%", "倍"):
            continue
        s_start = idx.sentence_span(total.span[0])[0]
        if not _usable(text, total):
            continue
        nested = _bracket_ranges(text, s_start, total.span[0])
        group = [q for q in idx.quantities_in(s_start, total.span[0])
                 if same_unit(q.unit, total.unit) and _usable(text, q) and _kind(text, q) == _kind(text, total)
                 and not any(s < q.span[0] < e for s, e in nested)]
        if len(group) < 2 or "其中" in text[s_start: total.span[0]]:
            continue
        partial = "等" in text[group[-1].span[1]: total.span[0]]  # 公务人员13人等,共135人: the list is not whole
        subject = re.sub(r"[^\u4e00-\u9fff]", "", text[group[-1].span[1]: total.span[0]])
        subject = _total_words().sub("", subject)
        noun = _counted_noun(text, group[-1])
        subject = subject[len(noun):] if noun and subject.startswith(noun) else subject
        if subject:
            head = subject[-2:]
            if not all(head in label for label in _part_labels(text, s_start, group)):
                stats.unchecked.append(f"total with its own subject: {text[s_start: total.span[1]][:40]}")
                continue
        part_sum = sum((interval(q) for q in group), Interval(0.0, 0.0))
        stats.relations_checked += 1
        stated = interval(total, round_total=True)
        if part_sum.overlaps(stated) or (partial and part_sum.lo <= stated.hi):
            continue
        formula = " + ".join(q.text for q in group) + f" = {fmt(sum(q.value for q in group))}, stated {total.text}"
        findings.append(_finding(idx, "sum", "error", msg("sum.listed", parts=[q.text for q in group], stated=total.text,
                                                          computed=show(sum(q.value for q in group), total)),
                                 [idx.sentence_span(total.span[0])], total.value, sum(q.value for q in group), formula))
    return findings


# --- share ---------------------------------------------------------------------------------------


def _check_shares(idx: _Index, stats: Stats) -> list[Finding]:
    """占X%: the share must fit one numerator / denominator pair in reach (see ``_check_share``)."""
    findings: list[Finding] = []
    for share in idx.qs:
        found = _check_share(idx, stats, share) if share.unit == "%" else None
        if found is not None:
            findings.append(found)
    return findings


def _share_word(text: str, share: Quantity) -> tuple[int, str] | None:
    """(where 占 stands, the noun it names: 占全县…的) before a percentage, or None when no 占 comes before it."""
    left = text[max(0, share.span[0] - 16): share.span[0]]
    zhan = left.rfind("占")
    if zhan < 0:
        return None
    m = _SHARE.search(left[zhan:])
    if not m:
        return None
    return share.span[0] - len(left) + zhan, m.group(1) or ""


def _share_figures(idx: _Index, share: Quantity, zhan_pos: int) -> tuple[int, list[Quantity]]:
    """(where the look-back starts, the usable figures before 占): the share's sentence and the one before,
    bounded."""
    s_idx = idx.sentence_index(share.span[0])
    s_start = idx.sents[s_idx].span[0] if idx.sents else 0
    p_start = idx.sents[s_idx - 1].span[0] if s_idx > 0 else s_start
    p_start = max(p_start, zhan_pos - _REACH)  # a stop-less line: look back a bounded way
    return p_start, [q for q in idx.quantities_in(p_start, zhan_pos) if _usable(idx.text, q)]


def _numerators(text: str, before: list[Quantity]) -> list[Quantity]:
    """The figures of the clause right before 占."""
    floor = max(0, before[-1].span[0] - 500)  # bounded look-back: a line without stops stays linear
    last_clause_start = max((mm.end() + floor for mm in re.finditer(r"[,;。:]", text[floor:before[-1].span[0]])),
                            default=floor)
    return [q for q in before if q.span[0] >= last_clause_start]


def _denominator_fits(text: str, num: Quantity, den: Quantity, noun: str, p_start: int) -> bool:
    """A figure before the numerator that may be its whole: same unit and kind, larger, plain, no share of its
    own, and named by the noun 占 names (占全县耕地的…)."""
    if den.span[0] >= num.span[0] or not same_unit(den.unit, num.unit) or den.value <= num.value:
        return False
    if den.op not in ("=", "~") or _kind(text, den) != _kind(text, num):
        return False
    if re.match(r"\s*[,,]?\s*占", text[den.span[1]: den.span[1] + 4]):
        # a sibling with its own share (…326.72万元,占11.11%;…60.99万元,占2.07%) is no denominator
        return False
    if noun and noun not in _lex()["whole_nouns"]:
        clause_left = text[max(p_start, den.span[0] - 24): den.span[0]]
        return any(noun[i:i + 2] in clause_left for i in range(max(1, len(noun) - 1)))
    return True


def _pair_fits(num: Quantity, den: Quantity, reported: Interval) -> bool:
    n_iv, d_iv = interval(num), interval(den)
    ratio = Interval(n_iv.lo / d_iv.hi, n_iv.hi / d_iv.lo) if d_iv.lo > 0 else Interval(0, math.inf)
    return ratio.overlaps(reported)


def _check_share(idx: _Index, stats: Stats, share: Quantity) -> Finding | None:
    """One 占X%: the numerators (the clause before 占) against every larger figure before them that counts
    the same thing; flagged only when no pair gives the share."""
    text = idx.text
    found = _share_word(text, share)
    if found is None:
        return None
    zhan_pos, noun = found
    after = text[share.span[1]: share.span[1] + 3]
    if after.startswith(("、", "和")) and re.match(r"[、和]\d", after):
        stats.unchecked.append(f"list of shares: {text[zhan_pos: share.span[1] + 10]}")
        return None
    p_start, before = _share_figures(idx, share, zhan_pos)
    if not before:
        stats.unchecked.append(f"share without figures: {text[zhan_pos: share.span[1]]}")
        return None
    numerators = _numerators(text, before)
    if any(q.op not in ("=", "~") for q in numerators):
        # 收入50万元以上的行政村占比达68%: the share counts what passes a threshold, not the threshold
        stats.unchecked.append(f"share of a threshold: {text[zhan_pos: share.span[1]]}")
        return None
    pairs = [(num, den) for num in numerators for den in before if _denominator_fits(text, num, den, noun, p_start)]
    if not pairs:
        stats.unchecked.append(f"share without a denominator in reach: {text[zhan_pos: share.span[1]]}")
        return None
    stats.relations_checked += 1
    reported = percent_interval(share)
    if any(_pair_fits(num, den, reported) for num, den in pairs):
        return None
    tried = [{"part": n.text, "whole": d.text, "ratio": f"{n.value / d.value * 100:.2f}%"} for n, d in pairs]
    spans = [idx.sentence_span(share.span[0])] + [idx.sentence_span(d.span[0]) for _, d in pairs]
    return _finding(idx, "share", "error", msg("share.no_ratio", stated=share.text, tried=tried),
                    spans, [round(n.value / d.value * 100, 2) for n, d in pairs], share.value,
                    f"numerator / denominator x 100 vs {share.text}")


# --- growth (GRIM) -------------------------------------------------------------------------------


def _check_growth(idx: _Index, stats: Stats) -> list[Finding]:
    text = idx.text
    findings: list[Finding] = []
    for rate in idx.qs:
        if rate.unit != "%":
            continue
        left = text[max(0, rate.span[0] - 10): rate.span[0]]
        m = _GROWTH.search(left)
        if not m:
            continue
        s_start = idx.sentence_span(rate.span[0])[0]
        growth_start = rate.span[0] - len(left) + m.start()
        counts = [q for q in idx.quantities_in(s_start, growth_start) if q.unit != "%"]
        if not counts:
            stats.unchecked.append(f"growth without values: {text[growth_start: rate.span[1]]}")
            continue
        value = counts[-1]
        gap = text[value.span[1]: growth_start]
        if _kind(text, value) != "level" or _is_per(text, value):
            # 减少12起,下降15%: the figure is the change, not the level the rate was measured on
            stats.unchecked.append(f"growth after a change: {text[value.span[0]: rate.span[1]]}")
            continue
        if len(gap) > 3 or not _is_count(value) or value.value != int(value.value) or value.op != "=":
            stats.unchecked.append(f"growth of a non-count: {text[value.span[0]: rate.span[1]]}")
            continue
        stats.relations_checked += 1
        sign = -1 if m.group(2) in ("下降", "减少") else 1
        r = percent_interval(rate)
        lo_factor, hi_factor = 1 + sign * r.lo, 1 + sign * r.hi
        if min(lo_factor, hi_factor) <= 0:
            continue
        base_lo = value.value / max(lo_factor, hi_factor)
        base_hi = value.value / min(lo_factor, hi_factor)
        if math.floor(base_hi + 1e-9) >= math.ceil(base_lo - 1e-9):
            continue
        near = [b for b in (math.floor(base_lo), math.ceil(base_hi)) if b > 0]
        alternatives = [{"base": b, "rate": f"{(value.value / b - 1) * 100 * sign:+.1f}%"} for b in near]
        findings.append(_finding(
            idx, "growth", "warning",
            msg("growth.base", value=value.text, rate=f"{'+' if sign > 0 else '-'}{fmt(rate.value)}%",
                computed=f"{value.value / (1 + sign * rate.value / 100):.2f}", alternatives=alternatives),
            [idx.sentence_span(rate.span[0])], None, rate.value,
            f"base = {fmt(value.value)} / (1 {'+' if sign > 0 else '-'} {fmt(rate.value)}%)"))
    return findings


# --- growth between two stated values ------------------------------------------------------------

_FROM_TO = re.compile(r"(?:由|从)$")
_TO = re.compile(r"(?:增加|增长|提高|上升|下降|减少|降低)?(?:到|至)$")
# between B and the stated change: only punctuation and a change word (年均增长 is a yearly rate, not the change)
_STATED_CHANGE = re.compile(r"[,,、]?(?:同比|累计|共)?(?:增加|增长|提高|上升|下降|减少|降低|提升)了?")


def _check_two_value_growth(idx: _Index, stats: Stats) -> list[Finding]:
    """由A增加到B,增长X% / 增长X倍 (= x(1+X)) / 提高X个百分点 (a difference): the stated change must fit A and B."""
    text = idx.text
    findings: list[Finding] = []
    for i in range(len(idx.qs[:-2])):
        found = _from_to_rate(idx, i)
        if found is None:
            continue
        a, b, rate = found
        if interval(a).lo <= 0:
            continue
        stats.relations_checked += 1
        change, stated, formula = _implied_change(text, a, b, rate)
        lo, hi = sorted((change.lo, change.hi))
        if Interval(lo, hi).overlaps(stated):
            continue
        if rate.unit == "%":
            actual = (b.value / a.value - 1) * 100
        elif rate.unit == "百分点":
            actual = b.value - a.value
        else:
            actual = b.value / a.value - (1 if formula.endswith("- 1") else 0)
        findings.append(_finding(idx, "growth", "error",
                                 msg("growth.change", start=a.text, end=b.text, stated=rate.text,
                                     computed=f"{actual:.2f}{'%' if rate.unit == '%' else rate.unit}"),
                                 [idx.sentence_span(a.span[0])], round(actual, 2), rate.value, formula))
    return findings


def _from_to_rate(idx: _Index, i: int) -> tuple[Quantity, Quantity, Quantity] | None:
    """(A, B, the stated change) when the i-th figure opens 由A…到B and a rate follows B in its sentence with
    nothing but a change word between them."""
    text, qs = idx.text, idx.qs
    a = qs[i]
    if not _FROM_TO.search(text[max(0, a.span[0] - 1): a.span[0]]):
        return None
    b = qs[i + 1]
    if not same_unit(a.unit, b.unit) or not _TO.search(text[a.span[1]: b.span[0]]) or b.span[0] - a.span[1] > 6:
        return None
    s_end = idx.sentence_span(b.span[0])[1]
    rate = next((q for q in qs[i + 2:] if q.span[0] < s_end and q.unit in ("%", "倍", "百分点")), None)
    if rate is None or rate.span[0] - b.span[1] > 12:
        return None
    if not _STATED_CHANGE.fullmatch("".join(text[b.span[1]: rate.span[0]].split())):
        return None  # 比重从34.6%提升到49%,贡献率从17.1%…: the next figure starts another pair, it is no change
    return a, b, rate


def _implied_change(text: str, a: Quantity, b: Quantity, rate: Quantity) -> tuple[Interval, Interval, str]:
    """(the change A and B imply, the stated one, the formula) in the rate's terms: a difference for 百分点,
    a relative change for %, a ratio (less one after 增长) for 倍."""
    ia, ib = interval(a), interval(b)
    if rate.unit == "百分点":
        change = Interval(abs(ib.lo - ia.hi), abs(ib.hi - ia.lo)) if ib.lo >= ia.hi or ia.lo >= ib.hi else Interval(
            0.0, max(abs(ib.hi - ia.lo), abs(ia.hi - ib.lo)))
        return change, interval(rate), f"{b.text} - {a.text}"
    ratio = Interval(ib.lo / ia.hi, ib.hi / ia.lo)
    if rate.unit == "%":
        down = re.search(r"下降|减少|降低", text[a.span[0]: rate.span[0]])
        change = Interval(abs(ratio.lo - 1), abs(ratio.hi - 1)) if not down else Interval(1 - ratio.hi, 1 - ratio.lo)
        return change, percent_interval(rate), f"{b.text} / {a.text} - 1"
    # 增长X倍 = x(1+X); 是…的X倍 = xX
    grew = re.search(r"增长|增加|提高", text[b.span[1]: rate.span[0]])
    change = Interval(ratio.lo - 1, ratio.hi - 1) if grew else ratio
    return change, interval(rate), f"{b.text} / {a.text}" + (" - 1" if grew else "")


# --- a change stated as an amount and a rate --------------------------------------------------------

_COMPARED = re.compile(rf"(?:与|同|和)?(?:{YEAR}年度?|上年度?|去年|上年同期|同期|年初|上一年度?)(?:相比|比较)"
                       rf"|(?:比|较)(?:{YEAR}年度?|上年度?|去年|上年同期|同期|年初|上一年度?)")


def _change_sign(text: str, q: Quantity) -> int:
    clause = _clause_before(text, q)
    return 1 if clause.rstrip("了").endswith(_up_words()) else -1


def _level_for(idx: _Index, change: Quantity) -> Quantity | None:
    """The level a change belongs to: the nearest plain figure of the same unit before it (within two sentences),
    when the change names the same subject (收入支出总计…增加) or nothing but a comparison (比上年) lies between."""
    text = idx.text
    s_idx = idx.sentence_index(change.span[0])
    start = max(idx.sents[max(0, s_idx - 2)].span[0] if idx.sents else 0, change.span[0] - 160)
    levels = [q for q in idx.quantities_in(start, change.span[0]) if q is not change and _usable(text, q)]
    if not levels:
        return None
    level = levels[-1]
    if not same_unit(level.unit, change.unit) or level.op != "=" or _kind(text, level) != "level":
        return None
    words = _change_word_at_end()
    subject = re.sub(r"[^\u4e00-\u9fff]", "", words.sub("", _COMPARED.sub("", _clause_before(text, change, 30))))
    if subject:
        return level if subject in re.sub(r"[^\u4e00-\u9fff]", "", _clause_before(text, level, 40)) else None
    between = words.sub("", _COMPARED.sub("", "".join(text[level.span[1]: change.span[0]].split())))
    return level if not re.sub(r"[^\u4e00-\u9fff]", "", between) else None


def _check_change_rate(idx: _Index, stats: Stats) -> list[Finding]:
    """机关运行经费支出10.23万元,比上年增加10.23万元,增长100%: the rate must be the change over the prior level
    (level minus change); a change as large as the level leaves no prior, so no rate can be stated."""
    text = idx.text
    findings: list[Finding] = []
    qs = idx.qs
    for i, rate in enumerate(qs):
        if i == 0 or rate.unit != "%":
            continue
        word = re.search(r"(增长|增加|提高|上升|下降|减少|降低)了?$", "".join(text[max(0, rate.span[0] - 8): rate.span[0]].split()))
        change = qs[i - 1]
        if not word or not _usable(text, change) or _kind(text, change) != "change" or change.op != "=":
            continue
        if not re.fullmatch(r"[,,]?(?:同比)?(?:增长|增加|提高|上升|下降|减少|降低)了?",
                            "".join(text[change.span[1]: rate.span[0]].split())):
            continue
        sign = _change_sign(text, change)
        if sign != (1 if word.group(1) in _up_words() else -1):
            continue
        level = _level_for(idx, change)
        if level is None:
            stats.unchecked.append(f"change without its level: {text[change.span[0]: rate.span[1]]}")
            continue
        stats.relations_checked += 1
        lv, ch = interval(level), interval(change)
        prior = Interval(lv.lo - ch.hi, lv.hi - ch.lo) if sign > 0 else Interval(lv.lo + ch.lo, lv.hi + ch.hi)
        spans = [(idx.sentence_span(level.span[0])[0], idx.sentence_span(rate.span[0])[1])]
        formula = f"{change.text} / ({level.text} {'-' if sign > 0 else '+'} {change.text})"
        base = level.value - sign * change.value
        if prior.hi <= 1e-9 or abs(base) <= 1e-9 * max(1.0, abs(level.value)):
            findings.append(_finding(idx, "growth", "error",
                                     msg("growth.zero_base", level=level.text, change=change.text, stated=rate.text,
                                         direction=Word("direction", "up" if sign > 0 else "down")),
                                     spans, None, rate.value, formula))
            continue
        implied = Interval(ch.lo / prior.hi, ch.hi / prior.lo if prior.lo > 1e-9 else math.inf)
        if implied.overlaps(percent_interval(rate)):
            continue
        findings.append(_finding(idx, "growth", "error",
                                 msg("growth.level", level=level.text, change=change.text, base=show(base, level),
                                     direction=Word("direction", "up" if sign > 0 else "down"),
                                     computed=f"{change.value / base * 100:.2f}%", stated=rate.text),
                                 spans, round(change.value / base * 100, 2), rate.value, formula))
    return findings


# --- conflict ------------------------------------------------------------------------------------


_CONFLICT_BREAK = re.compile(r"[,;。:\n]")
_DIGIT = re.compile(r"\d")


def _check_conflicts(idx: _Index, stats: Stats) -> list[Finding]:
    """The same indicator, unit and role stated twice with values that cannot both be right.

    Conservative on purpose: the indicator must be the same words (at least 4 characters), both
    figures plain results outside any 其中 breakdown or bracket, and not in the same sentence.
    """
    text = idx.text
    groups: dict[tuple[str, str, str], list[Quantity]] = {}
    scope = _words_re("scope_openings", "^(?:{})")
    backwards, n = text[::-1], len(text)
    for q in idx.qs:
        if q.op != "=" or q.role not in ("actual", "target"):
            continue
        at = q.span[0]
        window = max(0, at - 300)
        # the clause opens after the last break before the figure: the first one reading backwards from it
        last = _CONFLICT_BREAK.search(backwards, n - at, n - window)
        clause_start = n - last.start() if last else window
        prefix = text[clause_start:at]
        # the whole statement up to the figure must be the same words, and name its scope (全县, 全年, 我市 …)
        if len(prefix) < 6 or not scope.search(prefix) or _DIGIT.search(prefix):
            continue
        # (a bracket closed before the figure never holds it: only 其中 in the sentence so far rules it out)
        s_start = max(idx.sentence_span(at)[0], at - 300)  # bounded: a stop-less line stays linear
        if "其中" in text[s_start:at]:
            continue
        groups.setdefault((prefix, q.unit, q.role), []).append(q)
    findings = []
    for (indicator, _unit, _role), qs in groups.items():
        if len(qs) < 2:
            continue
        first = qs[0]
        for other in qs[1:]:
            if idx.sentence_index(other.span[0]) == idx.sentence_index(first.span[0]):
                continue
            stats.relations_checked += 1
            if interval(first).overlaps(interval(other)):
                continue
            findings.append(_finding(idx, "conflict", "warning",
                                     msg("conflict.values", indicator=indicator, first=first.text, other=other.text),
                                     [idx.sentence_span(first.span[0]), idx.sentence_span(other.span[0])],
                                     first.value, other.value, f"{first.text} == {other.text}"))
    return findings


# --- 完成年度目标的X% within one sentence ----------------------------------------------------------


def _completion_rate() -> re.Pattern[str]:
    lex = _lex()
    quals, bases = resources.alternation(lex["completion_qualifiers"]), resources.alternation(lex["completion_bases"])
    return re.compile(f"(?:完成了?|为|占)(?P<q>{quals})?(?P<b>{bases})(?:任务|数)?的$|完成率(?:为|达到?)?$")


def _completion_target(idx: _Index, sent: Span, rate: Quantity, named: str,
                       before: list[Quantity]) -> tuple[Quantity, list[Quantity]] | None:
    """The base a completion rate names and the results after it. With a qualifier (完成年初预算的…) the base is
    the figure stated as 年初预算, whatever else the sentence budgets (全年预算为…); else the one target."""
    text = idx.text
    if named:
        targets = [q for q in before if named in _clause_before(text, q, 24)]
        if len(targets) == 1:
            target = targets[0]
            results = [q for q in before if q.span[0] > target.span[1] and same_unit(q.unit, target.unit)
                       and q.role != "target" and _kind(text, q) == "level"
                       and not _words_re("target_words").search(_clause_before(text, q, 24))]
            return target, results
    targets = [q for q in before if q.role == "target" and _words_re("target_words").search(text[max(sent[0], q.span[0] - 12): q.span[0]])]
    if len(targets) != 1:
        return None
    target = targets[0]
    return target, [q for q in before if q.span[0] > target.span[1] and same_unit(q.unit, target.unit) and q.role == "actual"]


def _check_completion(idx: _Index, stats: Stats) -> list[Finding]:
    """年度目标任务为3000人,实际新增3210人,完成年度目标的107%: the rate must fit actual / target when the
    sentence states the target (a figure marked 计划/目标/任务/预算) and the result in the target's unit. It is
    flagged only when no stated result gives the rate (其中… parts are results too); a base stated as zero
    (年初预算为0万元) gives no rate at all."""
    text = idx.text
    findings: list[Finding] = []
    pattern = _completion_rate()
    for rate in idx.qs:
        m = pattern.search("".join(text[max(0, rate.span[0] - 16): rate.span[0]].split())) if rate.unit == "%" else None
        if not m:
            continue
        sent = _statement_span(idx, rate.span[0])
        before = [q for q in idx.quantities_in(sent[0], rate.span[0]) if _usable(text, q)]
        named = (m.group("q") or "") + (m.group("b") or "")[:2] if m.group("q") else ""
        found = _completion_target(idx, sent, rate, named, before)
        if found is None:
            continue
        target, results = found
        t = interval(target)
        if not results or t.lo < 0:
            continue
        stats.relations_checked += 1
        if t.hi <= 1e-9:
            if all(interval(a).hi <= 1e-9 for a in results):
                continue
            findings.append(_finding(idx, "completion", "error",
                                     msg("completion.no_target", target_name=named or Word("misc", "target"),
                                         target=target.text, stated=rate.text),
                                     [sent], None, rate.value, f"{results[-1].text} / {target.text}"))
            continue
        wanted = percent_interval(rate)
        fits = [a for a in results if Interval(interval(a).lo / t.hi, interval(a).hi / max(t.lo, 1e-12)).overlaps(wanted)]
        if fits:
            continue
        actual = results[-1]
        findings.append(_finding(
            idx, "completion", "error",
            msg("completion.ratio", stated=rate.text, actual=actual.text, target=target.text,
                computed=f"{actual.value / target.value * 100:.1f}%"),
            [sent], round(actual.value / target.value * 100, 2), rate.value,
            f"{fmt(actual.value)} / {fmt(target.value)} x 100"))
    return findings


def run_checks(doc: Document) -> tuple[list[Finding], dict[str, Any]]:
    idx = _Index(doc)
    stats = Stats()
    findings = (_check_sums(idx, stats) + _check_shares(idx, stats) + _check_growth(idx, stats)
                + _check_two_value_growth(idx, stats) + _check_change_rate(idx, stats)
                + _check_completion(idx, stats) + _check_conflicts(idx, stats))
    from .tables import check_tables

    table_findings, table_checked = check_tables(doc)
    findings += table_findings
    stats.relations_checked += table_checked
    findings.sort(key=lambda f: f.spans[0] if f.spans else (0, 0))
    return findings, stats.as_dict()
