"""Table cells and headers: what a cell holds (a figure, a year, nothing, 同上) and what a header means.

The lowest layer of table knowledge, shared by the readers (a DOCX grid), the text-layout pass
(``columns.py`` rebuilds rows from one-cell-per-line dumps), the table finder (``tables.py``), column
typing (``table_columns.py``), extraction and checks. The words come from ``lexicons/tables.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import resources
from .patterns import YEAR

_NUMBER_CELL = re.compile(r"^[-+−]?\s*(?:0|[1-9][\d,]*|0(?=\.))(?:\.\d+)?\s*(?:%|‰)?$")  # 01, 000998 are codes
_YEARISH = re.compile(
    rf"(?:{YEAR}(?:[-/—–](?:\d{{2}}|{YEAR}))?\s*(?:年度?|年末|年底|财年)?"
    r"|(?:民国)?\d{2,3}\s*年度?)"
)

SENTENCE_END = re.compile(r"[。;!?]")
MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


@dataclass(frozen=True)
class _Lex:
    id_columns: tuple[str, ...]
    id_header_words: tuple[str, ...]
    code_level_cells: frozenset[str]
    unit_columns: tuple[str, ...]
    measure_label_columns: tuple[str, ...]
    total_labels: tuple[str, ...]
    subset_prefixes: tuple[str, ...]
    task_columns: tuple[str, ...]
    deadline_columns: tuple[str, ...]
    weight_columns: tuple[str, ...]
    role_words: tuple[tuple[str, str], ...]  # (header word, role), longest word first
    growth_headers: tuple[str, ...]
    share_headers: tuple[str, ...]
    completion_headers: tuple[str, ...]
    current_headers: tuple[str, ...]
    prior_headers: tuple[str, ...]
    header_magnitudes: tuple[tuple[str, float], ...]  # longest word first
    empty_cells: frozenset[str]
    ditto_cells: frozenset[str]
    unit_line: re.Pattern[str]
    unit_in_cell: re.Pattern[str]
    period_words: tuple[str, ...]


@cache
def lex() -> _Lex:
    d = resources.data("tables.yaml")
    roles = [(w, role) for role, words in d["role_headers"].items() for w in words]
    return _Lex(
        id_columns=tuple(d["id_columns"]),
        id_header_words=tuple(d["id_header_words"]),
        code_level_cells=frozenset(d["code_level_cells"]),
        unit_columns=tuple(d["unit_columns"]),
        measure_label_columns=tuple(d["measure_label_columns"]),
        total_labels=tuple(d["total_labels"]),
        subset_prefixes=tuple(d["subset_prefixes"]),
        task_columns=tuple(sorted(d["task_columns"], key=len, reverse=True)),
        deadline_columns=tuple(sorted(d["deadline_columns"], key=len, reverse=True)),
        weight_columns=tuple(d["weight_columns"]),
        role_words=tuple(sorted(roles, key=lambda p: -len(p[0]))),
        growth_headers=tuple(d["growth_headers"]),
        share_headers=tuple(d["share_headers"]),
        completion_headers=tuple(d["completion_headers"]),
        current_headers=tuple(d["current_headers"]),
        prior_headers=tuple(d["prior_headers"]),
        header_magnitudes=tuple(sorted(((w, float(f)) for w, f in d.get("header_magnitudes", {}).items()),
                                       key=lambda kv: -len(kv[0]))),
        empty_cells=frozenset(d["empty_cells"]),
        ditto_cells=frozenset(d["ditto_cells"]),
        unit_line=re.compile(d["unit_line"]),
        unit_in_cell=re.compile(d["unit_in_cell"]),
        period_words=tuple(d["period_words"]),
    )


# ---- cell classifiers (also used by columns.py on raw text) -------------------------------------

def is_number_cell(text: str) -> bool:
    """A bare figure: 1234.5, -2.3, 330,435.30, 6.5%."""
    return bool(_NUMBER_CELL.match(text.strip()))


def is_year_cell(text: str) -> bool:
    """2023年, 2022-23年度, 103年, 2023: a period header, not a figure."""
    return bool(_YEARISH.fullmatch(text.strip().replace(" ", "")))


def is_empty_cell(text: str) -> bool:
    t = text.strip()
    return not t or t in lex().empty_cells


def is_ditto_cell(text: str) -> bool:
    return text.strip() in lex().ditto_cells


def header_like(text: str) -> bool:
    """A cell that can be a column header: short, no sentence inside, not a bare figure."""
    t = text.strip()
    if not t:
        return True
    return len(t) <= 18 and not SENTENCE_END.search(t) and (not is_number_cell(t) or is_year_cell(t))


def unit_from_line(line: str) -> str | None:
    """``单位:万元`` / ``(单位:亿元、%)`` / ``所有数字单位为百万元`` -> ``万元`` / ``亿元`` / ``百万元``; None when the
    line states no unit. A per-unit unit stays whole (``单位:元/人``): which part is the unit is decided
    where the units lexicon is known."""
    t = line.strip()
    m = lex().unit_line.match(t)
    if not m:
        # a caption that ends with its unit: 表2 财政收支情况(单位:亿元)
        m = re.search(r"[((]\s*(?:金额)?单位\s*[::]\s*(?P<unit>[^))]{1,12})[))]\s*$", t)
    if not m and len(t) <= 60:
        m = _note_re().search(t)  # a note: 所有数字单位为百万元, 以下金额单位均为万元
    if not m:
        return None
    unit = _UNIT_LIST_SEP.split(m.group("unit"))[0].strip()
    return unit or None


_UNIT_LIST_SEP = re.compile(r"[、,,;;]|/(?=%|‰|[^\u4e00-\u9fff·])")  # 亿元、% / 万元,%: the first is the figures' unit


def unit_in_cell(text: str) -> str | None:
    """The unit written in brackets at the end of a header or label: 金额(万元) -> 万元, 标准(元/人·月) -> 元/人·月."""
    m = lex().unit_in_cell.search(text.strip()) or re.search(
        r"[((]\s*(?:金额|计量)?单位\s*[::]\s*(?P<unit>[^()()]{1,10})[))]\s*$", text.strip())
    if not m:
        return None
    unit = re.sub(r"^(?:金额|计量)?单位\s*[::]\s*", "", m.group("unit"))  # 项目(单位:万元)
    return _UNIT_LIST_SEP.split(unit)[0].strip() or None


def header_matches(header: str, words: tuple[str, ...]) -> str | None:
    """The first of ``words`` the header contains, longest first."""
    h = header.replace(" ", "")
    for w in sorted(words, key=len, reverse=True):
        if w in h:
            return w
    return None


def is_total_label(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return any(t == w or t.startswith(w) and len(t) <= len(w) + 4 for w in lex().total_labels)


def is_subset_label(text: str) -> bool:
    return text.strip().startswith(lex().subset_prefixes)



def is_row_line(line: str) -> bool:
    if "|" not in line or MD_RULE.match(line.strip()):
        return False
    cells = line.split("|")
    return len([c for c in cells if c.strip()]) >= 2 or (len(cells) >= 3 and bool(line.strip().strip("|").strip()))


# a figure with its magnitude in one cell: 1.2万, 35亿
MAG_NUMBER = re.compile(r"^([-+−]?\d[\d,]*(?:\.\d+)?)\s*(万亿|千亿|百亿|亿|千万|百万|万)$")
# a row label or header that names a rate, so its figures are percentages: 城镇化率, 占比(%)
RATE_LABEL = re.compile(r"(?:率|比重|占比|比例|增速|增幅)(?:\([^)]*\))?$")


# ---- notes, rules and formulas around and inside tables -----------------------------------------

@cache
def _note_re() -> re.Pattern[str]:
    return re.compile(resources.data("tables.yaml")["unit_note"])


@cache
def _cell_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    d = resources.data("tables.yaml")
    return (re.compile(d["rule_cell"]), re.compile(d["formula_cell"]), re.compile(d["weight_in_cell"]),
            re.compile(d["caption_unit"]))


def is_unit_line(line: str) -> bool:
    """A line that only states the table's unit (单位:万元, 所有数字单位为百万元, 注:单位为亿元), so it is no caption."""
    t = line.strip().rstrip("。.")
    if lex().unit_line.match(t):
        return True
    m = _note_re().search(t) if len(t) <= 40 else None
    return bool(m) and m.start() <= 1 and not re.sub(r"[\s))\]】]", "", t[m.end():])


def is_note_line(line: str) -> bool:
    """注:… / 说明:…: a note under a table, which may state its unit."""
    return line.strip().startswith(tuple(resources.data("tables.yaml")["note_prefixes"]))


def caption_unit(caption: str) -> str | None:
    """The unit a caption ends with, 表2 财政收支情况(亿元) -> 亿元, when the bracket holds a known unit
    (not 续, 草案 or 2023年)."""
    m = _cell_patterns()[3].search(caption.strip())
    if not m:
        return None
    unit = _UNIT_LIST_SEP.split(m.group("unit"))[0].strip()
    return unit if is_unit_word(unit) else None


@cache
def _unit_words() -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """(units, magnitude words, per-unit denominators) from units.tsv and magnitudes.tsv."""
    units, per = set(), set()
    for row in resources.table("units.tsv"):
        (per if len(row) > 2 and row[2] == "per" else units).add(row[0])
    mags = [row[0] for row in resources.table("magnitudes.tsv")] + [w for w, _ in lex().header_magnitudes]
    return frozenset(units), tuple(sorted(mags, key=len, reverse=True)), frozenset(per)


def is_unit_word(text: str) -> bool:
    """万元, 千元, 港币百万元, 元/人·月, %: a unit as a header or note writes it (magnitude and denominator allowed)."""
    units, mags, per = _unit_words()
    s = text.replace(" ", "")
    base, _, denominators = s.partition("/")
    if denominators and not all(d in per for d in denominators.split("/")):
        return False
    for n in (3, 2):  # a currency before the magnitude: 新台币千元, 港币百万元
        if base[:n] in units and base[n:].endswith("元"):
            base = base[n:]
            break
    mag = next((m for m in mags if base.startswith(m) and base != m), "")
    return base[len(mag):] in units


def is_rule_cell(text: str) -> bool:
    """____ / ---- : a rule drawn under the parts before a subtotal, not a figure and not a label."""
    return bool(_cell_patterns()[0].match(text.strip())) and len(text.strip()) >= 3


def is_rule_row(cells: list[str] | tuple[str, ...]) -> bool:
    """A row that only rules off a subtotal: every non-blank cell a rule."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(is_rule_cell(c) for c in filled)


def is_formula_cell(text: str) -> bool:
    """计划数*100%, =B2/C2, (实际-计划)/计划: how a column is computed, not a figure."""
    return bool(_cell_patterns()[1].search(text.strip()))


def weight_in_cell(text: str) -> re.Match[str] | None:
    """The bracketed weight of a KPI label: 经济发展(25%) -> the (25%) part."""
    return _cell_patterns()[2].search(text)
