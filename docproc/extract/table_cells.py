"""Quantities from table cells.

A bare figure in a cell (``1250.6``, ``330,435.30``, ``6.5%``) takes its unit and
magnitude from, in order: the cell itself, its column header (``金额(万元)``), its
row label (``地区生产总值(亿元)``), the row's cell in a ``单位`` column, the
table's unit line (``单位:万元``); growth, share and rate columns are ``%``.
``indicator`` is the row label, plus the column header when the header names
the measure (``授信总额``, ``增长``); ``role`` comes from the column header
(目标 → target, 完成 → actual, 上年 → baseline) or the year it names against
the document's year. Figures that the text rules already found inside a cell
get the table's indicator, role and position too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import cache

from .. import resources
from ..cells import (
    MAG_NUMBER,
    RATE_LABEL,
    header_matches,
    is_empty_cell,
    is_formula_cell,
    is_number_cell,
    is_rule_row,
    is_subset_label,
    is_unit_line,
    lex,
    unit_from_line,
    unit_in_cell,
    weight_in_cell,
)
from ..model import Cell, Column, Document, Quantity, Table, TableRef
from ..spans import starts_of, within
from .quantities import lex as quantity_lex


@cache
def _cell_ops() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """Comparator words before and after a figure in a cell (不超过5%, 95%以上, ≤5%), from comparators.tsv and the
    table lexicon's signs: (prefix regex, suffix regex, word -> op)."""
    L = quantity_lex()
    signs = resources.data("tables.yaml").get("cell_comparators", {})
    before = dict(L.before_ops) | signs
    after = {w: op for w, op in L.after_ops if w not in ("余", "多")}
    return (re.compile("^(?:" + resources.alternation(list(before)) + ")"),
            re.compile("(?:" + resources.alternation(list(after)) + ")$"), before | after)


def _split_ops(text: str) -> tuple[str, str | None]:
    """(the figure without its comparator words, their op): 5.5%以内 -> (5.5%, <=)."""
    pre, post, ops = _cell_ops()
    op = None
    m = pre.match(text)
    if m:
        op, text = ops[m.group()], text[m.end():]
    m = post.search(text)
    if m and m.start() > 0:
        op, text = ops[m.group()], text[:m.start()]
    return text, op


def _parse_cell(text: str) -> tuple[float, str | None, str] | None:
    """(value, unit written in the cell, op) of a bare figure; None when the cell is no figure."""
    t, op = _split_ops(text.strip().replace("−", "-").replace(" ", ""))
    m = MAG_NUMBER.match(t)
    if m:
        return float(m.group(1).replace(",", "")) * quantity_lex().magnitudes[m.group(2)], None, op or "="
    if not is_number_cell(t):
        return None
    unit = None
    if t.endswith(("%", "‰")):
        unit, t = t[-1], t[:-1]
    return float(t.replace(",", "")), unit, op or "="


def covers_cell(cell: Cell, q: Quantity) -> bool:
    """The quantity is the cell's one figure: the cell holds nothing else but its comparator words (5.5%以内)."""
    if q.span == cell.span:
        return True
    rest = (cell.text[:q.span[0] - cell.span[0]] + "\x00" + cell.text[q.span[1] - cell.span[0]:]).replace(" ", "")
    head, _, tail = rest.partition("\x00")
    pre, post, _ = _cell_ops()
    return (not head or bool(pre.fullmatch(head))) and (not tail or bool(post.fullmatch(tail)))


def resolve_unit(surface: str, known_only: bool = False) -> tuple[str, float] | None:
    """万元 -> (元, 1e4); 千瓦 -> (千瓦, 1); 亿元、% -> (元, 1e8); an unknown word -> (word, 1) unless
    ``known_only`` (a bracket in a row label may hold a code or a note, not a unit)."""
    L = quantity_lex()
    s = re.split(r"[、,,;;]", surface.strip().replace(" ", ""))[0]
    base, slash, per = s.partition("/")
    if slash and L.per_re.fullmatch(slash + per):
        # 元/人·月, 万吨/年: the denominator stays with the unit, the magnitude scales the value
        inner = resolve_unit(base, known_only=True)
        return (inner[0] + slash + per, inner[1]) if inner else None
    s = base
    if not s:
        return None
    if s in L.units:
        return L.units[s], L.unit_factors.get(s, 1.0)  # 千公顷 -> (公顷, 1000)
    # a currency before the magnitude: 新台币千元 -> (新台币, 1000), 港币百万元 -> (港元, 1e6)
    for n in (3, 2):
        head, rest = s[:n], s[n:]
        if head in L.units and rest.endswith("元") and rest != "元":
            inner = resolve_unit(rest, known_only)
            if inner and inner[0] == "元":
                return L.units[head], inner[1]
    for word, factor in lex().header_magnitudes:
        if s.startswith(word) and s[len(word):] in L.units:
            return L.units[s[len(word):]], factor
    m = L.mag_re.match(s)
    if m:
        rest = s[m.end():]
        if rest in L.units:
            return L.units[rest], L.magnitudes[m.group()] * L.unit_factors.get(rest, 1.0)
        if rest and not known_only and re.fullmatch(r"[\u4e00-\u9fff]{1,3}", rest):
            return rest, L.magnitudes[m.group()]
        return None
    if not known_only and re.fullmatch(r"[\u4e00-\u9fffA-Za-z²³/]{1,6}", s):
        return s, 1.0
    return None


def _row_label(table: Table, row: tuple[Cell, ...], cols: list[Column]) -> str:
    labels = [row[c.index].text for c in cols if c.kind == "label" and row[c.index].text]
    if not labels:
        labels = [row[c.index].text for c in cols if c.kind == "text" and row[c.index].text][:1]
    label = labels[0] if labels else ""
    return re.sub(r"^(?:其中|内)[::]?", "", label).strip()


def _role(doc: Document, col: Column, cols: list[Column]) -> str:
    if col.duty == "weight":
        return "other"  # 权重 / 分值: how much a row counts, not a result or a goal
    if col.role:
        return col.role
    year = doc.meta.year
    if col.year and year:
        if col.year < year:
            return "baseline" if any(c.year == year for c in cols) else "actual"
        if col.year > year:
            return "target"
    if col.percent:
        # a growth column shares the role of the figures it compares
        others = [c.role for c in cols if c.kind == "figure" and c.role and not c.percent]
        if others:
            return others[0]
    return "target" if doc.meta.kind == "plan" else "actual"


# a figure written with its unit in one cell (1300人, 不低于10万元, 65%以上): the unit the row's bare figures share
_FIGURE_WITH_UNIT = re.compile(r"^([-+]?\d[\d,]*(?:\.\d+)?)(\D{1,10})$")


def _comparable(col: Column) -> bool:
    """A column of the row's values for one period or role (目标, 完成, 2023年), not a growth, share or weight."""
    return bool(col.role or col.year) and not col.percent and col.duty != "weight"


def _row_unit(row: tuple[Cell, ...], col: Column, cols: list[Column]) -> tuple[str, float, float] | None:
    """(unit, factor, value as written) of the first figure in the row that carries its unit, from a column
    comparable with ``col`` (the same measure: 目标 | 完成, not 建设规模 | 总投资)."""
    if not _comparable(col):
        return None
    for c in cols:
        if c.kind not in ("figure", "text") or not _comparable(c) or c.measure != col.measure:
            continue
        m = _FIGURE_WITH_UNIT.match(_split_ops(row[c.index].text.strip().replace(" ", ""))[0])
        found = resolve_unit(m.group(2), known_only=True) if m else None
        if found:
            return found[0], found[1], float(m.group(1).replace(",", ""))
    return None


def _unit_for(table: Table, row: tuple[Cell, ...], col: Column, cols: list[Column], label: str,
              cell_unit: str | None, value: float) -> tuple[str, float] | None:
    if cell_unit:
        return cell_unit, 1.0
    if col.duty == "weight":
        # a weight takes no unit from the row or the table: 25 under 权重 is 25%, under 分值 25分
        return resolve_unit(col.unit, True) if col.unit else ("分" if "分" in col.header else "%", 1.0)
    candidates: list[tuple[str | None, bool]] = [(col.unit, True), (unit_in_cell(label), True)]
    candidates += [(row[c.index].text, False) for c in cols if c.kind == "unit"]
    if col.percent:
        candidates.insert(1, ("%", False))
    if RATE_LABEL.search(label):
        candidates.append(("%", False))
    for cand, known_only in candidates:
        if cand and not is_empty_cell(cand):
            found = resolve_unit(cand, known_only)
            if found:
                return found
    carried = _row_unit(row, col, cols)
    if carried:
        name, factor, written = carried
        # 1.2万人 | 8000: the magnitude belongs to its own cell when it would put the two figures 10³ apart
        if (factor > 1 and written and value and not 1e-3 <= value / written <= 1e3
                and 1e-3 <= value / (written * factor) <= 1e3):
            factor = 1.0
        return name, factor
    # 项目(单位:万元) | 2023年 | 2022年: the label column's header states the unit of the whole table
    label_unit = next((c.unit for c in cols if c.kind == "label" and c.unit), None)
    found = resolve_unit(label_unit, known_only=True) if label_unit else None
    if found:
        return found
    note = table.unit_note or _unit_row(table)
    return resolve_unit(note) if note else None


def _unit_row(table: Table) -> str | None:
    """单位:万元 | | : a unit line written as the table's first row (a merged cell over the header)."""
    filled = [c.text for c in table.rows[0] if c.text] if table.rows else []
    return unit_from_line(filled[0]) if len(filled) == 1 and is_unit_line(filled[0]) else None


def _indicator(label: str, col: Column, cols: list[Column]) -> str:
    base = re.sub(r"[((][^()()]*[))]\s*$", "", label).strip()
    measure = col.measure
    if not measure or measure in base:
        return base or measure
    label_col = next((c for c in cols if c.kind == "label"), None)
    measures = {c.measure for c in cols if c.kind == "figure" and c.measure and not c.percent}
    names_measure = (label_col is not None and header_matches(label_col.header, lex().measure_label_columns)
                     and len(measures) <= 1)
    if names_measure and not col.percent:
        return base
    return (base + measure)[:24] if base else measure


def _inside_a_name(cell: Cell, q: Quantity) -> bool:
    """七匹狼, 三棵树: a Chinese numeral and measure word inside a short name cell, with more name after it."""
    rest = cell.text[q.span[1] - cell.span[0]:]
    return (q.rule.startswith("quantity.chinese") and len(cell.text) <= 8
            and bool(re.match(r"[\u4e00-\u9fff]", rest)) and not re.match(r"(?:以上|以下|以内|左右)", rest))


def table_quantities(doc: Document, table: Table, found: list[Quantity],
                     index: tuple[list[int], set[int]]) -> tuple[list[Quantity], set[int]]:
    """New quantities for bare figures, plus the ``found`` ones (sorted by span) inside this table enriched.
    ``index``: their starts as a list and as a set (``_starts_index``), worked out once for all the tables
    of a document.

    Returns (quantities, indices into ``found`` that were replaced by an enriched copy).
    """
    cols = list(table.column_types)
    out: list[Quantity] = []
    replaced: set[int] = set()
    found_starts, starts_set = index
    for r, row in enumerate(table.body, start=table.header_rows):
        if is_rule_row([c.text for c in row]):
            continue  # ____ under the parts of a subtotal
        label = _row_label(table, row, cols)
        for col in cols:
            cell = row[col.index]
            if col.kind in ("id", "unit") or not cell.text:
                continue
            ref = TableRef(table=table.index, row=r, row_label=label, column=col.header)
            first = bisect.bisect_left(found_starts, cell.span[0])
            inside = [first + k for k, q in enumerate(within(found, found_starts, cell.span[0], cell.span[1]))
                      if q.span[1] <= cell.span[1]]
            if inside:
                whole = len(inside) == 1 and covers_cell(cell, found[inside[0]]) and col.kind != "label"
                weight = weight_in_cell(cell.text) if col.kind in ("label", "text") else None
                for i in inside:
                    q = found[i]
                    replaced.add(i)
                    if _inside_a_name(cell, q) or is_formula_cell(cell.text):
                        continue  # 计划数*100%: how the column is computed, not a figure
                    if weight and weight.start() <= q.span[0] - cell.span[0] < weight.end():
                        # 经济发展(25%): the row's weight in a KPI table
                        q = replace(q, role="other", indicator=_indicator(label, col, cols) or q.indicator)
                    if whole:
                        op = _split_ops(cell.text.replace(" ", ""))[1] if q.op == "=" else None
                        q = replace(q, indicator=_indicator(label, col, cols) or q.indicator,
                                    role=_role(doc, col, cols), op=op or q.op)
                    out.append(replace(q, table=ref))
                continue
            if col.kind != "figure" or cell.span[0] in starts_set:
                continue
            parsed = _parse_cell(cell.text)
            if parsed is None:
                continue
            value, cell_unit, op = parsed
            unit = _unit_for(table, row, col, cols, label, cell_unit, value)
            if unit is None:
                continue
            name, factor = unit
            out.append(Quantity(
                text=cell.text,
                value=float(f"{value * factor:.12g}"),
                unit=name,
                op=op,
                role=_role(doc, col, cols),
                indicator=_indicator(label, col, cols),
                span=cell.span,
                rule="table.cell" + (".subset" if is_subset_label(row[0].text) else ""),
                page=doc.page_of(cell.span[0]),
                table=ref,
            ))
    return out, replaced


def _starts_index(found: list[Quantity]) -> tuple[list[int], set[int]]:
    return starts_of(found), {q.span[0] for q in found}


def add_table_quantities(doc: Document, found: list[Quantity]) -> list[Quantity]:
    """The text rules' quantities with table cells read as tables, in text order."""
    if not doc.tables:
        return found
    extra: list[Quantity] = []
    replaced: set[int] = set()
    index = _starts_index(found)
    for table in doc.tables:
        new, rep = table_quantities(doc, table, found, index)
        extra.extend(new)
        replaced |= rep
    kept = [q for i, q in enumerate(found) if i not in replaced]
    return sorted(kept + extra, key=lambda q: q.span)

