"""Column typing: what each column of a table holds, decided once when the table is built.

Extraction and checks read ``Table.column_types`` instead of re-deriving it: table cells take their
unit and role from it, unit clauses their lead/responsible/support columns, tasks their content and
time-limit columns, the checks their current/prior/target/actual columns.
"""

from __future__ import annotations

import re
from functools import cache

from .cells import (
    MAG_NUMBER,
    RATE_LABEL,
    header_matches,
    is_empty_cell,
    is_number_cell,
    is_year_cell,
    lex,
    unit_in_cell,
)
from .labels import header_unit_role
from .model import Cell, Column
from .patterns import YEAR

_GENERIC_MEASURE = {"金额", "数值", "数量", "数据", "值", "数", "合计", "总计", "小计", "指标值", "绝对值", "绝对数", "总量"}
_YEAR_IN_HEADER = re.compile(rf"({YEAR})")


def header_role(header: str) -> str | None:
    """target / actual / baseline from the header's words (目标值, 完成数, 上年同期), longest first."""
    h = header.replace(" ", "")
    for word, role in lex().role_words:
        if word in h:
            return role
    return None


def _percent_header(header: str) -> bool:
    L = lex()
    words = L.growth_headers + L.share_headers + L.completion_headers
    return bool(header_matches(header, words)) or bool(RATE_LABEL.search(header))


def _measure(header: str) -> str:
    h = re.sub(r"[((][^()()]*[))]", "", header).replace(" ", "")
    h = re.sub(rf"{YEAR}(?:[-/—–]\d{{2,4}})?年?度?|\d{{2,3}}年度?", "", h)
    for word, _ in lex().role_words:
        h = h.replace(word, "")
    for w in lex().period_words:
        if h == w:
            h = ""
    if h in ("年", "度", "年度"):
        h = ""
    return "" if h in _GENERIC_MEASURE else h


def _body_kinds(body: list[tuple[Cell, ...]], col: int) -> tuple[int, int, int]:
    """How many body cells of a column are figures, text and years."""
    nums = texts = years = 0
    for row in body:
        t = row[col].text
        if is_empty_cell(t):
            continue
        if re.fullmatch(rf"{YEAR}", t.strip()):
            years += 1  # a bare 2023 may be a year or a figure: the column decides
        elif is_number_cell(t) or MAG_NUMBER.match(t):
            nums += 1
        elif is_year_cell(t):
            years += 1
        else:
            texts += 1
    return nums, texts, years


def _is_sequence(body: list[tuple[Cell, ...]], col: int) -> bool:
    vals = [row[col].text.strip() for row in body if row[col].text.strip()]
    return len(vals) >= 2 and all(re.fullmatch(r"\d{1,4}", v) for v in vals) and [int(v) for v in vals] == list(
        range(int(vals[0]), int(vals[0]) + len(vals))
    )


def _is_code_column(header: str, body: list[tuple[Cell, ...]], col: int) -> bool:
    """Classification codes, not figures: a header naming a code (科目编码), whole numbers that extend
    one another (205, 20502, 2050205: a budget subject and its sub-subjects), or whole numbers that
    repeat down the column (a figure column seldom holds one value on half its rows)."""
    levels = lex().code_level_cells
    if any(w in header for w in lex().id_header_words) or header in levels or (
            header.startswith("项目") and header[2:] in levels):
        return True  # 科目编码; 类 | 款 | 项 under a 项目 header spanning them
    cells = [row[col].text.strip() for row in body if row[col].text.strip()]
    if any(v in levels for v in cells[:2]):
        return True
    codes = [v for v in cells if re.fullmatch(r"\d{2,9}", v)]
    if len(codes) >= 2 and len(cells) - len(codes) <= 2 and any(v.startswith("0") for v in codes):
        return True  # 06, 01, 11: the 款 and 项 of a code, with their leading zeros
    vals = [v for v in cells if re.fullmatch(r"\d{3,9}", v)]
    if len(vals) < 3 or len(cells) - len(vals) > 2:  # two header leftovers (科目编码, 类) at the most
        return False
    seen = set(vals)
    if len(seen) * 2 <= len(vals):
        return True  # 201, 201, 201, 208 …: the 类 of each row of a 类 | 款 | 项 code, repeated
    extended = sum(1 for v in vals if any(v[:n] in seen for n in range(3, len(v))))
    return extended * 3 >= len(vals)


def _duty(header: str) -> str | None:
    """What a column says about a task row, from its header alone."""
    h = header.replace(" ", "")
    if not h:
        return None
    role = header_unit_role(h)
    if role:
        return role
    L = lex()
    if header_matches(h, L.deadline_columns):
        return "deadline"
    if header_matches(h, L.weight_columns):
        return "weight"
    if header_matches(h, L.task_columns):
        return "task"
    return None


@cache
def _id_header(words: tuple[str, ...]) -> re.Pattern[str]:
    """An id column's header: one of the words, perhaps with a bracketed note (序号, 编号(代码)); one
    pattern compiled once, not one per word and cell."""
    if not words:
        return re.compile(r"(?!)")  # no id words: no header is one
    return re.compile("(?:" + "|".join(map(re.escape, words)) + r")(?:\(.*\))?")


def type_columns(columns: tuple[str, ...], body: list[tuple[Cell, ...]]) -> tuple[Column, ...]:
    """One ``Column`` per header label, from the header and what the body cells hold."""
    L = lex()
    out: list[Column] = []
    label_taken = False
    for i, header in enumerate(columns):
        h = header.replace(" ", "")
        nums, texts, years = _body_kinds(body, i)
        if h in L.unit_columns or (h.startswith("计量单位")):
            kind = "unit"
        elif (_id_header(L.id_columns).fullmatch(h) or _is_sequence(body, i)
              or _is_code_column(h, body, i)
              or (years and not nums and not texts and (not h or "年" in h or is_year_cell(h)))):
            kind = "id"
        elif years and not texts and not nums:
            kind = "figure"  # 2000, 3000 … under a measure's header are figures
        elif nums + years and nums + years >= texts and years and nums or nums and nums >= texts:
            kind = "figure"
        elif not label_taken and texts:
            kind = "label"
            label_taken = True
        else:
            kind = "text"
        ym = _YEAR_IN_HEADER.search(h)
        out.append(Column(
            index=i, header=header, kind=kind, duty=_duty(header), role=header_role(h), unit=unit_in_cell(header),
            measure=_measure(header), year=int(ym.group(1)) if ym else None, percent=_percent_header(h),
        ))
    return tuple(out)


def is_task_table(types: tuple[Column, ...]) -> bool:
    """A division-of-work table: a unit column, or a task column beside a time-limit column; or a KPI table,
    whose rows each set a target (目标值) with a time limit or a weight (指标 | 权重 | 目标值 | 完成时限)."""
    duties = {c.duty for c in types}
    if duties & {"lead", "responsible", "support"} or {"task", "deadline"} <= duties:
        return True
    sets_targets = any(c.role == "target" and c.duty is None for c in types)
    return sets_targets and bool(duties & {"deadline", "weight"})
