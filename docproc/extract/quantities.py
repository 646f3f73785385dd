"""Quantities: a number with its magnitude, unit, comparator, role and indicator.

Find: every number from ``numbers.scan``. Resolve, in order:
1. reject identifiers and names (years, dates, 第N, hotlines, numbers inside
   “…” or 《…》, named sets such as 十大任务, 一 used as an article);
2. magnitude (万/亿 …) and approximate markers (余, 多);
3. unit from ``lexicons/units.tsv`` (longest match), else a noun that implies
   one (``implicit_units.tsv``: 10万贫困人口 -> 人); no unit, no quantity;
4. ``op`` from ``comparators.tsv`` before and after;
5. ``role`` (see ``roles``) and ``indicator`` (see ``indicators``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from functools import cache

from .. import resources
from ..model import Document, Quantity
from ..numerals import Number, scan
from ..patterns import CLAUSE_BREAKS, RANGE, RANGE_MARKS, YEAR
from .indicators import indicator_for
from .role_model import sentence_words
from .roles import role_for

_CLAUSE_BREAK = re.compile(f"[{re.escape(CLAUSE_BREAKS + '|')}]")  # found once per text (_breaks)
_WINDOW = 160  # characters either side of a figure that its role and words are read from


@dataclass(frozen=True)
class _Lex:
    units: dict[str, str]
    unit_re: re.Pattern[str]
    count_units: frozenset[str]
    unit_factors: dict[str, float]  # 千公顷 -> 1000: a surface with a magnitude of its own
    magnitudes: dict[str, float]
    mag_re: re.Pattern[str]
    implicit: dict[str, str]
    implicit_re: re.Pattern[str]
    before_ops: list[tuple[str, str]]
    after_ops: list[tuple[str, str]]
    before_words: tuple[str, ...]  # the words of before_ops: one endswith tells whether any is there
    ops_after_unit: list[tuple[str, str]]  # after_ops but 余 and 多 (read as approximate before the unit)
    ops_after_words: tuple[str, ...]  # their words: one startswith tells whether any is there
    id_before: tuple[str, ...]
    named_after: tuple[str, ...]
    ordinal_after: tuple[str, ...]
    quotes: tuple[str, ...]
    cn_kind_after: tuple[str, ...]
    date_after: tuple[str, ...]  # 年, 月, 分钟 …: after an arabic number, a date, a time or an age
    currencies: tuple[tuple[str, str], ...]  # (surface, unit) of money words other than 元, longest first
    per_re: re.Pattern[str]  # "/" and a denominator after a unit: 元/人·月, 吨/年 (kind per in units.tsv)


@cache
def lex() -> _Lex:
    units = {}
    kinds = {}
    factors = {}
    per = []
    for row in resources.table("units.tsv"):
        if len(row) > 2 and row[2] == "per":
            per.append(row[0])  # a denominator only, never a unit of its own
            continue
        units[row[0]] = row[1]
        kinds[row[0]] = row[2] if len(row) > 2 else "count"
        if len(row) > 3 and row[3]:
            factors[row[0]] = float(row[3])
    mags = {row[0]: float(row[1]) for row in resources.table("magnitudes.tsv")}
    implicit = {row[0]: row[1] for row in resources.table("implicit_units.tsv")}
    before, after = [], []
    for row in resources.table("comparators.tsv"):
        (before if row[2] == "before" else after).append((row[0], row[1]))
    before.sort(key=lambda r: -len(r[0]))
    after.sort(key=lambda r: -len(r[0]))
    after_unit = [(w, op) for w, op in after if w not in ("余", "多")]
    nq = resources.data("not_quantity.yaml")
    return _Lex(
        units=units,
        unit_re=re.compile(resources.alternation(list(units))),
        count_units=frozenset(u for u, k in kinds.items() if k == "count"),
        unit_factors=factors,
        magnitudes=mags,
        mag_re=re.compile(resources.alternation(list(mags))),
        implicit=implicit,
        implicit_re=re.compile(resources.alternation(list(implicit))),
        before_ops=before,
        after_ops=after,
        before_words=tuple(w for w, _ in before),
        ops_after_unit=after_unit,
        ops_after_words=tuple(w for w, _ in after_unit),
        id_before=tuple(nq["id_before"]),
        named_after=tuple(nq["named_set_after"]),
        ordinal_after=tuple(nq.get("ordinal_after", [])),
        quotes=tuple(nq["name_quotes"]),
        cn_kind_after=tuple(nq.get("cn_kind_after", [])),
        date_after=tuple(nq["date_after"]),
        currencies=tuple(sorted(((w, u) for w, u in units.items() if kinds[w] == "money" and u != "元"),
                                key=lambda wu: -len(wu[0]))),
        per_re=re.compile(r"(?:/(?:" + resources.alternation(per) + r"))+(?![底初末])" if per else r"(?!)"),
    )


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Spans inside name quotes (“…”, 《…》) on one line, where numbers are names, not measures."""
    out = []
    for pattern in _quote_patterns():
        out.extend(m.span() for m in pattern.finditer(text))
    # a bracketed year range (2022—2025年) is a title part, not a quantity
    out.extend(m.span() for m in _YEAR_RANGE_TITLE.finditer(text))
    return out


_YEAR_RANGE_TITLE = re.compile(rf"\({YEAR}{RANGE}+(?:19|20)?\d{{2}}年?\)")


@cache
def _quote_patterns() -> tuple[re.Pattern[str], ...]:
    """One pattern per pair of name quotes in the lexicon, compiled once per process, not per document."""
    out = []
    for pair in lex().quotes:
        if len(pair) != 2:
            continue
        open_, close = pair
        pattern = re.compile(re.escape(open_) + r"[^\n" + re.escape(close) + r"]{0,40}" + re.escape(close))
        if open_ == close:
            pattern = re.compile(re.escape(open_) + r"[^\n" + re.escape(open_) + r"]{0,40}" + re.escape(open_))
        out.append(pattern)
    return tuple(out)


_MAX_QUOTE = 48  # a name quote spans at most 40 characters plus its marks (see quoted_ranges)


def _inside(pos: int, ranges: list[tuple[int, int]]) -> bool:
    """ranges are sorted by start; only those starting shortly before pos can hold it."""
    lo = bisect.bisect_left(ranges, (pos - _MAX_QUOTE, -1))
    hi = bisect.bisect_left(ranges, (pos, -1))
    return lo < hi and any(s < pos < e for s, e in ranges[lo:hi])


def _is_identifier(text: str, n: Number) -> bool:
    """Years, dates, ordinals, codes, ranges of years: numbers that do not measure anything."""
    L = lex()
    before = text[max(0, n.start - 8): n.start]
    if before.endswith("第") or before.endswith(L.id_before):
        return True
    if n.kind == "arabic":
        after = text[n.end: n.end + 3]
        if after.startswith(L.date_after):
            return True  # 2023年, 5月, 30分钟, 18周岁
        return _is_arabic_code(before, text[n.start: n.end], after)
    return False


def _is_arabic_code(before: str, raw: str, after: str) -> bool:
    """An arabic number that is a year range, a date or code written with dashes, a phone or document
    number, or a numbered item."""
    if _RANGE_ON.match(after) and _YEAR_ONLY.fullmatch(raw):
        return True  # 2020-2022年, 2023/12/13
    if _YEAR_RANGE_END.search(before) and _SHORT_YEAR.fullmatch(raw):
        return True
    if _DASH_END.search(before) or _DASH_ON.match(after):
        return True  # dates and codes written with dashes: 2022-05-24, 15120200009-1
    if len(raw) >= 7 and "," not in raw and len(raw.split(".")[0]) >= 7 and not lex().mag_re.match(after):
        return True  # phone, licence and document numbers
    return before.endswith(("#", "No.", "NO."))


_COMPOUND = re.compile(r"\d[\d,]*(?:\.\d+)?")
# compiled once: these run for every number of a document (re's cache lookup per call cost more than the match)
_RANGE_ON = re.compile(r"[-—–/~至到]\s*\d")
_YEAR_ONLY = re.compile(rf"{YEAR}")
_YEAR_RANGE_END = re.compile(rf"{YEAR}[-—–/~至到]$")
_SHORT_YEAR = re.compile(r"\d{2,4}")
_DASH_END = re.compile(r"\d[-/]$")
_DASH_ON = re.compile(r"[-/]\d")
_LINK_END = re.compile(r"[了为到在]$")


def _magnitude_at(text: str, pos: int) -> re.Match[str] | None:
    """The magnitude word at pos, unless a longer unit starts there (兆瓦 is a unit, 兆 a trillion)."""
    L = lex()
    mag = L.mag_re.match(text, pos)
    if mag:
        unit = L.unit_re.match(text, pos)
        if unit and len(unit.group()) > len(mag.group()):
            return None
    return mag


def _unit_at(text: str, pos: int) -> tuple[str, str, int] | None:
    """(surface, unit, end) of the unit starting at pos, longest match; a per-unit unit is kept whole
    (元/人·月, 吨/年): the denominator is part of what is measured."""
    m = lex().unit_re.match(text, pos)
    if not m:
        return None
    per = per_suffix(text, m.end())
    return m.group(), lex().units[m.group()] + per, m.end() + len(per)


def per_suffix(text: str, pos: int) -> str:
    """The ``/人·月`` written at pos after a unit, or ""."""
    m = lex().per_re.match(text, pos)
    return m.group() if m else ""


def _op_before(text: str, start: int) -> str | None:
    L = lex()
    left = text[max(0, start - 6): start]
    left = _LINK_END.sub("", left) if not left.endswith(("达到", "控制在", "稳定在")) else left
    if not left.endswith(L.before_words):
        return None  # most figures have no comparator before them: one test instead of one per word
    for word, op in L.before_ops:
        if left.endswith(word):
            return op
    return None


def _op_after(text: str, end: int) -> tuple[str, int] | None:
    L = lex()
    if not text.startswith(L.ops_after_words, end):
        return None
    for word, op in L.ops_after_unit:
        if text.startswith(word, end):
            return op, end + len(word)
    return None


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``[start, end)``: after the last break before it (looking back at most 300
    characters), up to the next break after it."""
    window = max(0, start - 300)
    breaks = _breaks(text)
    i = bisect.bisect_left(breaks, start)
    left = breaks[i - 1] + 1 if i and breaks[i - 1] >= window else window
    j = bisect.bisect_left(breaks, end, i)
    return left, (breaks[j] if j < len(breaks) else len(text))


def _breaks(text: str) -> list[int]:
    """Where the text's clause breaks are, found in one pass per text instead of a look back per break
    character and figure (the last text's are kept: its figures ask one after another)."""
    last = _last_breaks[0]
    if last[0] is not text:
        last = (text, [m.start() for m in _CLAUSE_BREAK.finditer(text)])
        _last_breaks[0] = last
    return last[1]


_last_breaks: list[tuple[str | None, list[int]]] = [(None, [])]


_RANGE = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)\s*(?P<sep>{RANGE}|和|与|及|、)\s*(\d+(?:\.\d+)?)(?![\d.])")


def _ranges(text: str) -> dict[int, tuple]:
    """Lower ends of ranges (3—12个月, 5-10万元) and first figures of pairs that share a unit (2.16和1.66个百分点):
    start -> (surface unit, unit, end, magnitude[, op]) of the figure after it; upper ends -> ("upper",)."""
    L = lex()
    out: dict[int, tuple] = {}
    for m in _RANGE.finditer(text):
        pos = m.end()
        mag = _magnitude_at(text, pos)
        factor = 1.0
        if mag:
            factor, pos = L.magnitudes[mag.group()], mag.end()
        found = _unit_at(text, pos)
        if found and found[0] not in ("年", "月", "日", "号") and not text.startswith(L.ordinal_after, found[2]):
            out[m.start(1)] = (*found, factor)
            if m.group("sep") in RANGE_MARKS:
                out[m.start(3)] = ("upper",)
            else:
                out[m.start(1)] = (*found, factor, "=")  # 分别回落2.16和1.66个百分点: the unit is shared
    return out


def _inside_word(text: str, start: int, end: int, sentence: tuple[int, int]) -> bool:
    """Whether a jieba word runs across the numeral and its unit into more text (三门峡市, 二次污染).
    The tokens are the sentence's own, read once for all its figures and their roles
    (``sentence_words``); a sentence too long for that is replaced by a few characters either side."""
    s, e = sentence
    if not (s <= start and end <= e) or e - s > 3 * _WINDOW:
        s, e = max(0, start - 12), end + 12
    word = sentence_words(text, (s, e)).word_at(start)
    return word is not None and (word[1] > end or word[0] < start)


@dataclass
class _Reading:
    """A figure as the steps of ``_resolve`` read it: its value so far, where reading stands (after the
    magnitude, after the unit), its comparator and its unit."""

    value: float
    pos: int
    unit: str | None
    op: str | None = None
    surface_unit: str | None = None


def _resolve(doc: Document, n: Number, quotes: list[tuple[int, int]], sentence_at,
             ranges: dict | None = None) -> Quantity | None:
    """A number to a quantity, in steps: reject → magnitude → unit → comparator → role and indicator."""
    ranges = ranges or {}
    text = doc.text
    if _rejected(text, n, quotes, ranges):
        return None
    r = _Reading(value=n.value, pos=n.end, unit=n.unit)
    if n.unit is None:
        mag = _read_magnitude(text, n, r)
        _read_approximate(text, r)
        if not _read_unit(text, n, r, mag, ranges, sentence_at):
            return None
    r.unit = _currency(text, n, r.unit)
    end, after = _read_comparator(text, n, r, ranges)
    return _quantity(doc, n, r, end, after, ranges, sentence_at)


def _rejected(text: str, n: Number, quotes: list[tuple[int, int]], ranges: dict) -> bool:
    """Reject: a number inside a name quote, an identifier (year, date, code) that starts no range, or a
    Chinese numeral that names rather than counts."""
    if _inside(n.start, quotes):
        return True
    if _is_identifier(text, n) and n.start not in ranges:
        return True
    return n.unit is None and n.kind == "chinese" and _names_not_counts(text, n)


def _names_not_counts(text: str, n: Number) -> bool:
    """一 alone is an article (一批, 一个旅游项目); named sets (十大任务, 三保障); a numeral glued to a figure."""
    if text[n.start:n.end] == "一":
        return True
    if text.startswith(lex().named_after, n.end) and not text.startswith("大类", n.end):
        return True
    prev = text[n.start - 1: n.start]
    return bool(prev) and (prev in "0123456789" or prev in "一二三四五六七八九十")


def _read_magnitude(text: str, n: Number, r: _Reading) -> re.Match[str] | None:
    """Magnitude: 万/亿 scale the value; 1亿5000万元, 新臺幣2兆8,818億元 add a smaller magnitude on."""
    L = lex()
    mag = _magnitude_at(text, r.pos)
    if mag:
        factor = L.magnitudes[mag.group()]
        r.value *= factor
        r.pos = mag.end()
        if n.kind == "arabic":
            more = _COMPOUND.match(text, r.pos)
            small = _magnitude_at(text, more.end()) if more else None
            if more and small and L.magnitudes[small.group()] < factor:
                r.value += float(more.group().replace(",", "")) * L.magnitudes[small.group()]
                r.pos = small.end()
    return mag


def _read_approximate(text: str, r: _Reading) -> None:
    """余 / 多 after the magnitude: approximately (多方 is a word of its own)."""
    if text.startswith(("余", "多"), r.pos) and not text.startswith("多方", r.pos):
        r.op = "~"
        r.pos += 1


def _read_unit(text: str, n: Number, r: _Reading, mag: re.Match[str] | None, ranges: dict,
               sentence_at) -> bool:
    """Unit: the measure word written after the figure, the upper end's for the lower end of a range
    (3—12个月), else a noun that implies one (10万贫困人口 -> 人); False when the figure has none."""
    L = lex()
    found = _unit_at(text, r.pos)
    if found is None and len(ranges.get(n.start, ())) >= 4:
        shared = ranges[n.start]  # 3—12个月: the lower end takes the upper end's unit and magnitude
        r.value *= shared[3]
        found = shared[:3]
        r.op = shared[4] if len(shared) > 4 else ">="
    if found:
        r.surface_unit, r.unit, r.pos = found
        r.value *= L.unit_factors.get(r.surface_unit, 1.0)
        return not _unit_rejects(text, n, r, sentence_at)
    imp = L.implicit_re.match(text, r.pos)
    if imp and (mag or n.kind == "arabic"):
        r.unit = L.implicit[imp.group()]
        return True
    return False


def _unit_rejects(text: str, n: Number, r: _Reading, sentence_at) -> bool:
    """A Chinese numeral before a unit that counts no things, or inside a word (三门峡, 二次污染); 一倍;
    an ordinal of a meeting (八届五次全会)."""
    L = lex()
    if n.kind == "chinese" and (r.surface_unit not in L.count_units or r.surface_unit in L.cn_kind_after):
        return True
    if n.kind == "chinese" and _inside_word(text, n.start, r.pos, sentence_at(n.start)):
        return True  # 三门峡, 二次污染: the numeral is part of a word
    if r.surface_unit in ("倍",) and n.kind == "chinese" and n.value <= 1:
        return True
    return text.startswith(L.ordinal_after, r.pos)


def _currency(text: str, n: Number, unit: str | None) -> str | None:
    """新台币 2,500 百万元 / 港币3亿元: the currency written before the figure names the unit."""
    if unit != "元":
        return unit
    left = text[max(0, n.start - 5): n.start].rstrip(" 约近逾为达")
    return next((name for word, name in lex().currencies if left.endswith(word)), unit)


def _read_comparator(text: str, n: Number, r: _Reading, ranges: dict) -> tuple[int, tuple[str, int] | None]:
    """Comparator: a word after the unit (以上) wins over one before the figure (不低于); the upper end of a
    range is at most. Returns where the quantity's words end and the word after, if any."""
    after = _op_after(text, r.pos)
    before = _op_before(text, n.start)
    if after:
        r.op = after[0]
        end = after[1]
    else:
        end = r.pos
    if r.op is None:
        r.op = before or ("<=" if ranges.get(n.start) == ("upper",) else "=")
    return end, after


def _context(text: str, span: tuple[int, int], end: int, sentence_at) -> tuple[tuple[int, int], tuple[int, int]]:
    """The figure's clause and sentence, each cut to a window around it when longer than three windows:
    a sentence without stops (a table dump, a 20 MB line) must not be segmented whole once per figure;
    ordinary sentences stay whole, so their tokens are cached."""
    clause = _clause_bounds(text, span[0], end)
    sentence = sentence_at(span[0])
    if sentence[1] - sentence[0] > 3 * _WINDOW:
        sentence = (max(sentence[0], span[0] - _WINDOW), min(sentence[1], span[1] + _WINDOW))
    if clause[1] - clause[0] > 3 * _WINDOW:
        clause = (max(clause[0], span[0] - _WINDOW), min(clause[1], span[1] + _WINDOW))
    return clause, sentence


def _quantity(doc: Document, n: Number, r: _Reading, end: int, after: tuple[str, int] | None, ranges: dict,
              sentence_at) -> Quantity | None:
    """The quantity with its span (the lower end of a range is its figure alone), role and indicator."""
    text = doc.text
    L = lex()
    span_end = n.end if len(ranges.get(n.start, ())) >= 4 and r.surface_unit \
        and not text.startswith(r.surface_unit, n.end) else r.pos
    span = (n.start, span_end)
    if span_end <= n.start:
        return None
    clause, sentence = _context(text, span, end, sentence_at)
    unit = r.unit or ""
    role = role_for(doc, span, clause, sentence, unit, after)
    indicator = indicator_for(text, span, clause, unit, counted=r.surface_unit in L.count_units)
    return Quantity(
        text=text[span[0]: span[1]],
        value=round(r.value, 6),
        unit=unit,
        op=r.op or "=",
        role=role,
        indicator=indicator,
        span=span,
        rule=f"quantity.{n.kind}" + (".implicit" if r.surface_unit is None and n.unit is None else ""),
        page=doc.page_of(n.start),
    )


@cache
def _changes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(an indicator that is a bare comparison or nothing, a change verb) from ``lexicons/changes.yaml``."""
    words = resources.data("changes.yaml")
    return (re.compile(rf"^(?:{resources.alternation(words['bare_comparisons'])})?$"),
            re.compile(f"({resources.alternation(words['change_verbs'])})"))


def _growth_indicators(text: str, qs: list[Quantity], sentence_at) -> list[Quantity]:
    """产值62857万元,同比增长6.3%: a bare change names the figure before it in the sentence (产值增长)."""
    bare_change, change_word = _changes()
    out: list[Quantity] = []
    for q in qs:
        if q.unit in ("%", "百分点") and bare_change.match(q.indicator) and out:
            prev = out[-1]
            sent = sentence_at(q.span[0])
            if prev.unit not in ("%", "百分点") and sent[0] <= prev.span[0] and prev.indicator:
                change = change_word.search(text[prev.span[1]: q.span[0]])
                q = replace(q, indicator=prev.indicator + (change.group(1) if change else ""))
        out.append(q)
    return out


_RESPECTIVELY = re.compile(r"分别")
_SENTENCE_END = re.compile(r"[。;\n]")
_SCOPE_START = re.compile(r"^(?:全[市县区镇乡]|我[市县区镇乡]|其中)")
_AND = re.compile(r"和|、|及|与")


def _respectively(text: str, qs: list[Quantity]) -> list[Quantity]:
    """甲乡和乙乡的粮食产量分别为3,000吨和2,400吨: the n-th figure after 分别 belongs to the n-th subject."""
    out = list(qs)
    starts = [q.span[0] for q in out]
    for m in _RESPECTIVELY.finditer(text):
        start, end = _clause_bounds(text, m.start(), m.end())
        sentence_end = _SENTENCE_END.search(text, m.end(), m.end() + 200)
        stop = sentence_end.start() if sentence_end else min(len(text), m.end() + 200)
        idx = list(range(bisect.bisect_left(starts, m.end()), bisect.bisect_left(starts, stop)))
        subject = _SCOPE_START.sub("", text[start: m.start()])
        parts = [p for p in _AND.split(subject) if p]
        if len(parts) < 2 or len(parts) != len(idx):
            continue
        # 城镇和农村居民人均可支配收入: the words after the last subject are shared by all
        head = len(parts[0])
        shared = parts[-1][head:] if head <= 4 and len(parts[-1]) > head + 1 and all(
            len(p) == head for p in parts[:-1]) else ""
        for n, i in enumerate(idx):
            name = parts[n] if n == len(parts) - 1 or not shared else parts[n] + shared
            out[i] = replace(out[i], indicator=name[:16])
    return out


def extract_quantities(doc: Document) -> list[Quantity]:
    text = doc.text
    quotes = sorted(quoted_ranges(text))
    sentences = doc.sentences
    starts = [s.span[0] for s in sentences]

    def sentence_at(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and sentences[i].span[0] <= pos < sentences[i].span[1]:
            return sentences[i].span
        return (pos, pos)

    out = []
    ranges = _ranges(text)
    for n in scan(text):
        if out and n.start < out[-1].span[1]:
            continue  # the 5000 of 1亿5000万元: read with the figure before it
        q = _resolve(doc, n, quotes, sentence_at, ranges)
        if q is not None:
            out.append(q)
    out = _growth_indicators(text, out, sentence_at)
    return _respectively(text, out)
