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

from ..cells import (
    MAG_NUMBER,
    RATE_LABEL,
    header_matches,
    is_empty_cell,
    is_number_cell,
    is_subset_label,
    lex,
    unit_in_cell,
)
from ..model import Cell, Column, Document, Quantity, Table, TableRef
from ..spans import starts_of, within
from .quantities import lex as quantity_lex


def _parse_cell(text: str) -> tuple[float, str | None] | None:
    """(value, unit written in the cell) of a bare figure; None when the cell is no figure."""
    t = text.strip().replace("−", "-").replace(" ", "")
    m = MAG_NUMBER.match(t)
    if m:
        return float(m.group(1).replace(",", "")) * quantity_lex().magnitudes[m.group(2)], None
    if not is_number_cell(t):
        return None
    unit = None
    if t.endswith(("%", "‰")):
        unit, t = t[-1], t[:-1]
    return float(t.replace(",", "")), unit


def resolve_unit(surface: str, known_only: bool = False) -> tuple[str, float] | None:
    """万元 -> (元, 1e4); 千瓦 -> (千瓦, 1); 亿元、% -> (元, 1e8); an unknown word -> (word, 1) unless
    ``known_only`` (a bracket in a row label may hold a code or a note, not a unit)."""
    L = quantity_lex()
    s = surface.strip().replace(" ", "")
    s = re.split(r"[、,,;;/]", s)[0]
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


def _unit_for(table: Table, row: tuple[Cell, ...], col: Column, cols: list[Column], label: str,
              cell_unit: str | None) -> tuple[str, float] | None:
    if cell_unit:
        return cell_unit, 1.0
    candidates: list[tuple[str | None, bool]] = [(col.unit, True), (unit_in_cell(label), True)]
    candidates += [(row[c.index].text, False) for c in cols if c.kind == "unit"]
    if col.percent:
        candidates.insert(1, ("%", False))
    if RATE_LABEL.search(label):
        candidates.append(("%", False))
    candidates.append((table.unit_note, False))
    for cand, known_only in candidates:
        if cand and not is_empty_cell(cand):
            found = resolve_unit(cand, known_only)
            if found:
                return found
    return None


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


def table_quantities(doc: Document, table: Table, found: list[Quantity]) -> tuple[list[Quantity], set[int]]:
    """New quantities for bare figures, plus the ``found`` ones inside this table enriched.

    Returns (quantities, indices into ``found`` that were replaced by an enriched copy).
    """
    cols = list(table.column_types)
    out: list[Quantity] = []
    replaced: set[int] = set()
    by_start = {q.span[0]: i for i, q in enumerate(found)}
    found_starts = starts_of(found)
    for r, row in enumerate(table.body, start=table.header_rows):
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
                whole = len(inside) == 1 and found[inside[0]].span == cell.span and col.kind != "label"
                for i in inside:
                    q = found[i]
                    replaced.add(i)
                    if _inside_a_name(cell, q):
                        continue
                    if whole:
                        q = replace(q, indicator=_indicator(label, col, cols) or q.indicator,
                                    role=_role(doc, col, cols))
                    out.append(replace(q, table=ref))
                continue
            if col.kind != "figure" or cell.span[0] in by_start:
                continue
            parsed = _parse_cell(cell.text)
            if parsed is None:
                continue
            value, cell_unit = parsed
            unit = _unit_for(table, row, col, cols, label, cell_unit)
            if unit is None:
                continue
            name, factor = unit
            out.append(Quantity(
                text=cell.text,
                value=float(f"{value * factor:.12g}"),
                unit=name,
                op="=",
                role=_role(doc, col, cols),
                indicator=_indicator(label, col, cols),
                span=cell.span,
                rule="table.cell" + (".subset" if is_subset_label(row[0].text) else ""),
                page=doc.page_of(cell.span[0]),
                table=ref,
            ))
    return out, replaced


def add_table_quantities(doc: Document, found: list[Quantity]) -> list[Quantity]:
    """The text rules' quantities with table cells read as tables, in text order."""
    if not doc.tables:
        return found
    extra: list[Quantity] = []
    replaced: set[int] = set()
    for table in doc.tables:
        new, rep = table_quantities(doc, table, found)
        extra.extend(new)
        replaced |= rep
    kept = [q for i, q in enumerate(found) if i not in replaced]
    return sorted(kept + extra, key=lambda q: q.span)

