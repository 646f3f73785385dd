"""Checks on tables: total rows and columns against their parts, growth, share and completion columns.

A table states the same relation on every row, so a relation is first confirmed
on the table itself: only when most rows fit it (growth of current over prior,
share of the total, 合计 of the parts) is a row that does not fit flagged.
When most rows miss, the relation is not what the table means (growth at
comparable prices, overlapping categories) and nothing is said. Printed
precision is honoured through ``tolerance``'s intervals, as in the text checks.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from .. import resources
from ..cells import header_matches, is_rule_row, is_subset_label, is_total_label, lex
from ..extract.table_cells import covers_cell
from ..messages import Message, Word, msg
from ..model import Column, Document, Finding, Quantity, Span, Table
from ..table_columns import header_role
from .tolerance import Interval, fmt, interval, percent_interval, same_unit


@dataclass
class _Grid:
    table: Table
    cols: list[Column]
    values: dict[tuple[int, int], Quantity]  # (row, col) -> the figure in that cell
    labels: dict[int, str]  # row -> label

    @property
    def body(self) -> list[int]:
        """Body rows, without the ____ rules drawn before a subtotal (they are no parts)."""
        return [r for r in range(self.table.header_rows, len(self.table.rows))
                if not is_rule_row([c.text for c in self.table.rows[r]])]

    def row_span(self, r: int) -> Span:
        row = self.table.rows[r]
        return (min(c.span[0] for c in row), max(c.span[1] for c in row))


def _grid(doc: Document, table: Table) -> _Grid:
    cols = list(table.column_types)
    qs = [q for q in doc.quantities if q.table is not None and q.table.table == table.index]
    starts = [q.span[0] for q in qs]
    values: dict[tuple[int, int], Quantity] = {}
    labels: dict[int, str] = {}
    for r in range(table.header_rows, len(table.rows)):
        row = table.rows[r]
        labels[r] = next((row[c.index].text for c in cols if c.kind == "label" and row[c.index].text), "") or next(
            (c.text for c in row if c.text and not re.fullmatch(r"[\d.]+", c.text)), "")
        for c in cols:
            s, e = row[c.index].span
            # the cell's one figure (5.5%以内 holds 5.5% and its comparator); a cell with two is no value
            inside = [q for q in qs[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)] if q.span[1] <= e]
            if len(inside) == 1 and covers_cell(row[c.index], inside[0]):
                values[(r, c.index)] = inside[0]
    return _Grid(table, cols, values, labels)


def _severity(fits: int) -> str:
    return "error" if fits >= 3 else "warning"


def _finding(doc: Document, grid: _Grid, check: str, severity: str, message: Message, rows: list[int],
             cells: list[Span], expected, reported, formula: str) -> Finding:
    spans = sorted({grid.row_span(r) for r in rows} | set(cells))
    evidence = "\n".join(doc.text[slice(*grid.row_span(r))] for r in sorted(set(rows)))
    if grid.table.caption:
        message = msg(message.code, **message.params, caption=grid.table.caption)
    return Finding(check=check, severity=severity, message=message.text("en"), evidence=evidence, spans=tuple(spans),
                   expected=expected, reported=reported, formula=formula, code=message.code, params=message.params)


def _figure_cols(grid: _Grid) -> list[Column]:
    return [c for c in grid.cols if c.kind == "figure" and not c.percent]


def _sum(qs: list[Quantity]) -> Interval:
    total = Interval(0.0, 0.0)
    for q in qs:
        total = total + interval(q)
    return total


def _decide(results: list[tuple[bool, object]]) -> tuple[int, list[object]]:
    """(rows that fit, the misses to report) — misses only when most checkable rows fit."""
    fits = sum(1 for ok, _ in results if ok)
    misses = [m for ok, m in results if not ok]
    if not misses or fits < 1 or fits * 2 < len(results):
        return fits, []
    return fits, misses


def _top_level(grid: _Grid, rows: list[int]) -> list[int]:
    """The rows a 合计 adds up when the table nests its rows by a budget code: only the top level. A code
    split over 类 | 款 | 项 columns: the rows with the 类 alone; one code column (201, 20139, 2013901): the
    rows whose code extends no other code of the table. A 序号 column (1, 2, 10) nests nothing."""
    code_cols = [c.index for c in grid.cols if c.kind == "id"]
    if not code_cols:
        return rows
    rows_text = grid.table.rows
    codes = {r: [rows_text[r][i].text.strip() for i in code_cols] for r in rows}
    if len(code_cols) >= 2 and any(any(v[1:]) for v in codes.values()):
        top = [r for r in rows if codes[r][0] and not any(codes[r][1:])]
        return top or rows
    first = {r: v[0] for r, v in codes.items() if re.fullmatch(r"\d{3,9}", v[0])}
    if len(first) < 2:
        return rows
    values = set(first.values())
    return [r for r in rows if r not in first or not any(
        first[r] != v and first[r].startswith(v) for v in values)]


def _total_rows(doc: Document, grid: _Grid) -> tuple[list[Finding], int]:
    table = grid.table
    body = grid.body
    totals = [r for r in body if is_total_label(grid.labels.get(r, ""))]
    if not totals:
        return [], 0
    subset_rows = any(is_subset_label(grid.labels.get(r, "")) for r in body)
    findings: list[Finding] = []
    checked = 0
    for t in totals:
        # the parts: the rows between the previous total and this one (or after it, for a total on top)
        before = [r for r in body if r < t and r > max([x for x in totals if x < t], default=-1)]
        after = [r for r in body if r > t and r < min([x for x in totals if x > t], default=len(table.rows))]
        parts = before if before else after
        parts = _top_level(grid, [r for r in parts if not is_subset_label(grid.labels.get(r, ""))])
        if len(parts) < 2:
            continue
        results = []
        for col in _figure_cols(grid):
            total = grid.values.get((t, col.index))
            qs = [grid.values.get((r, col.index)) for r in parts]
            if total is None or any(q is None for q in qs) or not all(same_unit(q.unit, total.unit) for q in qs):
                continue
            fits = _sum(qs).overlaps(interval(total))
            results.append((fits, (col, total, qs)))
        checked += len(results)
        fits, misses = _decide(results)
        if not misses and results and len(results) == 1 and not results[0][0] and not subset_rows:
            misses, fits = [results[0][1]], 0  # one column only: report it, as a warning
        for col, total, qs in misses:
            s = _sum(qs)
            mid = (s.lo + s.hi) / 2
            findings.append(_finding(
                doc, grid, "sum", "error" if fits >= 1 and not subset_rows else "warning",
                msg("table.sum_rows", label=grid.labels[t], stated=total.text, count=len(qs),
                    computed=fmt(mid / (total.value / _printed(total))), column=col.header),
                [t] + parts, [total.span] + [q.span for q in qs], mid, total.value,
                f"{' + '.join(q.text for q in qs)} = {total.text}"))
    return findings, checked


def _printed(q: Quantity) -> float:
    try:
        return float(q.text.replace(",", "").rstrip("%‰")) or 1.0
    except ValueError:
        return q.value or 1.0


def _total_columns(doc: Document, grid: _Grid) -> tuple[list[Finding], int]:
    findings: list[Finding] = []
    checked = 0
    figure = _figure_cols(grid)
    for tcol in figure:
        if not header_matches(tcol.header, lex().total_labels):
            continue
        parts = [c for c in figure if c is not tcol and not is_subset_label(c.header)
                 and not header_matches(c.header, lex().total_labels)]
        if len(parts) < 2:
            continue
        results = []
        for r in grid.body:
            total = grid.values.get((r, tcol.index))
            qs = [grid.values.get((r, c.index)) for c in parts]
            if total is None or any(q is None for q in qs) or not all(same_unit(q.unit, total.unit) for q in qs):
                continue
            results.append((_sum(qs).overlaps(interval(total)), (r, total, qs)))
        checked += len(results)
        fits, misses = _decide(results)
        for r, total, qs in misses:
            s = _sum(qs)
            mid = (s.lo + s.hi) / 2
            findings.append(_finding(
                doc, grid, "sum", _severity(fits),
                msg("table.sum_columns", label=grid.labels.get(r, ""), column=tcol.header, stated=total.text,
                    parts=[q.text for q in qs]),
                [r], [total.span] + [q.span for q in qs], mid, total.value,
                f"{' + '.join(c.header for c in parts)} = {tcol.header}"))
    return findings, checked


def _current_prior(grid: _Grid) -> tuple[Column, Column] | None:
    figure = _figure_cols(grid)
    years = sorted((c for c in figure if c.year), key=lambda c: c.year or 0)
    L = lex()
    if len(years) >= 2 and years[-1].year == (years[-2].year or 0) + 1:
        return years[-1], years[-2]
    cur = next((c for c in figure if header_matches(c.header, L.current_headers)
                and not header_matches(c.header, L.prior_headers)), None)
    prior = next((c for c in figure if header_matches(c.header, L.prior_headers)), None)
    if cur and prior and cur is not prior:
        return cur, prior
    return None


def _growth_columns(doc: Document, grid: _Grid) -> tuple[list[Finding], int]:
    pair = _current_prior(grid)
    growth = [c for c in grid.cols if c.kind == "figure" and header_matches(c.header, lex().growth_headers)]
    if not pair or not growth:
        return [], 0
    cur_col, prior_col = pair
    gcol = growth[0]
    results = []
    for r in grid.body:
        cur, prior, g = (grid.values.get((r, c.index)) for c in (cur_col, prior_col, gcol))
        if cur is None or prior is None or g is None or g.unit != "%" or prior.value <= 0 or cur.unit != prior.unit:
            continue
        ci, pi = interval(cur), interval(prior)
        if pi.lo <= 0:
            continue
        implied = Interval((ci.lo / pi.hi - 1) * 100, (ci.hi / pi.lo - 1) * 100)
        gi = percent_interval(g)
        results.append((implied.overlaps(Interval(gi.lo * 100, gi.hi * 100)), (r, cur, prior, g)))
    fits, misses = _decide(results)
    findings = []
    for r, cur, prior, g in misses:
        implied = (cur.value / prior.value - 1) * 100
        findings.append(_finding(
            doc, grid, "growth", _severity(fits),
            msg("table.growth", label=grid.labels.get(r, ""), current_column=cur_col.header, current=cur.text,
                prior_column=prior_col.header, prior=prior.text, computed=f"{implied:+.1f}%", stated=g.text),
            [r], [cur.span, prior.span, g.span], round(implied, 2), g.value,
            f"({cur.text} / {prior.text} - 1) x 100"))
    return findings, len(results)


def _share_columns(doc: Document, grid: _Grid) -> tuple[list[Finding], int]:
    shares = [c for c in grid.cols if c.kind == "figure" and header_matches(c.header, lex().share_headers)]
    figure = _figure_cols(grid)
    if not shares or not figure:
        return [], 0
    findings: list[Finding] = []
    checked = 0
    body = grid.body
    totals = [r for r in body if is_total_label(grid.labels.get(r, ""))]
    for scol in shares:
        base = max((c for c in figure if c.index < scol.index), key=lambda c: c.index, default=figure[0])
        if totals:
            total_q = grid.values.get((totals[-1], base.index))
            if total_q is None:
                continue
            total_iv = interval(total_q)
        else:
            parts = [grid.values.get((r, base.index)) for r in body if not is_subset_label(grid.labels.get(r, ""))]
            if any(q is None for q in parts) or len(parts) < 2:
                continue
            total_iv = _sum([q for q in parts if q is not None])
        if total_iv.lo <= 0:
            continue
        results = []
        for r in body:
            q, s = grid.values.get((r, base.index)), grid.values.get((r, scol.index))
            if q is None or s is None or s.unit != "%" or r in totals:
                continue
            qi = interval(q)
            implied = Interval(qi.lo / total_iv.hi * 100, qi.hi / total_iv.lo * 100)
            si = percent_interval(s)
            results.append((implied.overlaps(Interval(si.lo * 100, si.hi * 100)), (r, q, s, implied)))
        checked += len(results)
        fits, misses = _decide(results)
        for r, q, s, implied in misses:
            mid = (implied.lo + implied.hi) / 2
            findings.append(_finding(
                doc, grid, "share", _severity(fits),
                msg("table.share", label=grid.labels.get(r, ""), part=q.text, computed=f"{mid:.2f}%", stated=s.text,
                    column=scol.header),
                [r] + totals[-1:], [q.span, s.span], round(mid, 2), s.value, f"{q.text} / total x 100"))
    return findings, checked


def _completion_columns(doc: Document, grid: _Grid) -> tuple[list[Finding], int]:
    rates = [c for c in grid.cols if c.kind == "figure" and header_matches(c.header, lex().completion_headers)]
    figure = _figure_cols(grid)
    target = next((c for c in figure if header_role(c.header) == "target"), None)
    actual = next((c for c in figure if header_role(c.header) == "actual"), None)
    if not rates or target is None or actual is None:
        return [], 0
    rcol = rates[0]
    results = []
    for r in grid.body:
        t, a, p = (grid.values.get((r, c.index)) for c in (target, actual, rcol))
        if t is None or a is None or p is None or p.unit != "%" or t.value <= 0 or not same_unit(t.unit, a.unit):
            continue
        ti, ai = interval(t), interval(a)
        if ti.lo <= 0:
            continue
        implied = Interval(ai.lo / ti.hi * 100, ai.hi / ti.lo * 100)
        pi = percent_interval(p)
        results.append((implied.overlaps(Interval(pi.lo * 100, pi.hi * 100)), (r, t, a, p)))
    fits, misses = _decide(results)
    findings = []
    for r, t, a, p in misses:
        implied = a.value / t.value * 100
        findings.append(_finding(
            doc, grid, "completion", _severity(fits),
            msg("table.completion", label=grid.labels.get(r, ""), actual=a.text, target=t.text,
                computed=f"{implied:.1f}%", stated=p.text),
            [r], [t.span, a.span, p.span], round(implied, 2), p.value, f"{a.text} / {t.text} x 100"))
    return findings, len(results)


@dataclass(frozen=True)
class _GoalLex:
    target_headers: tuple[str, ...]
    actual_headers: tuple[str, ...]
    partial_period: re.Pattern[str]
    lower_is_better: tuple[str, ...]
    reduction_words: tuple[str, ...]


@cache
def _goal_lex() -> _GoalLex:
    d = resources.data("tables.yaml")
    return _GoalLex(tuple(d["goal_target_headers"]), tuple(d["goal_actual_headers"]), re.compile(d["partial_period"]),
                    tuple(d["lower_is_better"]), tuple(d["reduction_words"]))


def _goal_columns(grid: _Grid) -> tuple[Column, Column] | None:
    """The target and the actual column of a 目标 | 完成 table, when both cover the same period."""
    L = _goal_lex()
    # 1300人 | 700: a column whose cells carry their units is typed text, and still holds the row's figures
    figure = [c for c in grid.cols if c.kind in ("figure", "text") and not c.percent]
    target = next((c for c in figure if header_role(c.header) == "target"
                   and header_matches(c.header, L.target_headers)), None)
    actual = next((c for c in figure if header_role(c.header) == "actual" and c is not target
                   and header_matches(c.header, L.actual_headers)), None)
    if target is None or actual is None:
        return None
    if target.year and actual.year and target.year != actual.year:
        return None  # 2022年完成 | 2023年目标: last year's result under this year's goal
    if L.partial_period.search(actual.header) and not L.partial_period.search(target.header):
        return None  # 1-6月完成 against the year's target: not due yet
    return target, actual


def _is_ceiling(label: str, target: Quantity) -> bool:
    """以内/不超过 on the target, or an indicator where lower is better (失业率, 能耗 — but not 能耗下降)."""
    if target.op in ("<=", "<"):
        return True
    L = _goal_lex()
    return any(w in label for w in L.lower_is_better) and not any(w in label for w in L.reduction_words)


def _goal_rows(doc: Document, grid: _Grid) -> tuple[list[Finding], int]:
    """目标 vs 完成: a row whose result falls short of its target (is above it, for a ceiling) is a warning.
    Not when the row's completion column says 100% or more, nor for a 合计 row whose parts are flagged."""
    pair = _goal_columns(grid)
    if pair is None:
        return [], 0
    tcol, acol = pair
    rate = next((c for c in grid.cols if c.kind == "figure" and header_matches(c.header, lex().completion_headers)),
                None)
    short: list[tuple[int, Quantity, Quantity, bool]] = []
    checked = 0
    for r in grid.body:
        t, a = grid.values.get((r, tcol.index)), grid.values.get((r, acol.index))
        if t is None or a is None or not same_unit(t.unit, a.unit) or t.unit == "倍":
            continue
        checked += 1
        p = grid.values.get((r, rate.index)) if rate else None
        if p is not None and p.unit == "%" and p.value >= 100:
            continue
        label = grid.labels.get(r, "")
        ceiling = _is_ceiling(label, t)
        ti, ai = interval(t), interval(a)
        lo = ti.lo * 0.9 if t.op == "~" else ti.lo
        hi = ti.hi * 1.1 if t.op == "~" else ti.hi
        if (ai.lo > hi + 1e-9) if ceiling else (ai.hi < lo - 1e-9):
            short.append((r, t, a, ceiling))
    if any(not is_total_label(grid.labels.get(r, "")) for r, *_ in short):
        short = [s for s in short if not is_total_label(grid.labels.get(s[0], ""))]
    findings = []
    for r, t, a, ceiling in short:
        label = grid.labels.get(r, "")
        side = Word("side", "above" if ceiling else "below")
        findings.append(_finding(
            doc, grid, "goal", "warning", msg("table.goal", label=label, actual=a.text, side=side, target=t.text),
            [r], [t.span, a.span], t.value, a.value, f"{a.text} {'>' if ceiling else '<'} {t.text}"))
    return findings, checked


def check_tables(doc: Document) -> tuple[list[Finding], int]:
    """Findings on every table of the document, and how many relations were checked."""
    findings: list[Finding] = []
    checked = 0
    for table in doc.tables:
        if table.kind != "data":
            continue
        grid = _grid(doc, table)
        if not grid.values:
            continue
        for check in (_total_rows, _total_columns, _growth_columns, _share_columns, _completion_columns,
                      _goal_rows):
            found, n = check(doc, grid)
            findings.extend(found)
            checked += n
    return findings, checked
