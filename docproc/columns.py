"""Column layouts of plain text, found before spaces are collapsed, so they can become ``a|b|c`` rows.

Three layouts occur in text files and web pages saved as text:

- cells separated by tabs;
- cells aligned with runs of two or more spaces (text dumps of PDFs and Word tables);
- one cell per line after a header row (web pages saved as text put each ``<td>`` on its own line).

``plan`` only decides; ``normalize`` rewrites (a tab or space run becomes ``|``, the line
breaks inside one row become ``|``) and keeps its offset map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cells import header_like, header_matches, is_empty_cell, is_number_cell, is_row_line, is_year_cell, lex
from .labels import header_unit_roles

GAP = re.compile(r"\t+|[ \u00a0]{2,}|\u3000{2,}|[ \u3000]*\t[ \u3000\t]*")
_SHORT_CELL = 40
_MARKER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|\d{1,2}[、.](?!\d))")


@dataclass
class ColumnPlan:
    split: set[int] = field(default_factory=set)  # line indices whose inner gaps become |
    joins: list[list[int]] = field(default_factory=list)  # the line indices that make one row, in order


def _cells_by_gap(line: str) -> list[str]:
    return [c for c in GAP.split(line.strip()) if c.strip()]


def _figure_share(cells: list[str]) -> float:
    if not cells:
        return 0.0
    return sum(1 for c in cells if is_number_cell(c) or re.search(r"\d", c)) / len(cells)


def _gap_blocks(lines: list[str]) -> list[list[int]]:
    """Runs of lines with inner gaps (one blank line may sit between rows)."""
    blocks, cur, blank = [], [], 0
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            blank += 1
            if blank > 1 and cur:
                blocks.append(cur)
                cur = []
            continue
        blank = 0
        if not is_row_line(s) and len(_cells_by_gap(s)) >= 2:
            cur.append(i)
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    return blocks


def _plan_gaps(lines: list[str], plan: ColumnPlan) -> None:
    for block in _gap_blocks(lines):
        if len(block) < 2:
            continue
        counts = [len(_cells_by_gap(lines[i])) for i in block]
        mode = max(set(counts), key=counts.count)
        near = sum(1 for c in counts if abs(c - mode) <= 1)
        if mode < 2 or near < 0.6 * len(block):
            continue
        figures = sum(1 for i in block if _figure_share(_cells_by_gap(lines[i])[1:]) >= 0.5)
        first = _cells_by_gap(lines[block[0]])
        if figures < max(1, len(block) // 2) and not all(header_like(c) for c in first):
            continue
        # prose with a double space somewhere is not a table: cells are short
        if sum(len(c) for i in block for c in _cells_by_gap(lines[i])) / max(1, sum(counts)) > 30:
            continue
        plan.split.update(block)


def _kind(cell: str) -> str:
    if is_empty_cell(cell):
        return "empty"
    return "num" if is_number_cell(cell) else "text"


def _try_join(lines: list[str], run: list[int], start: int, k: int) -> int:
    """How many body rows of ``k`` cells follow a header of ``k`` lines at run[start]; 0 if it is no table."""
    head = [lines[i].strip() for i in run[start: start + k]]
    if not all(header_like(h) and not is_number_cell(h) for h in head):
        return 0
    if sum(1 for h in head if is_year_cell(h) or len(h) <= 12) < k:
        return 0
    body = run[start + k:]
    rows = len(body) // k
    best = 0
    if _task_header(head):
        # a task division: words in every column; each row starts with its number (1, 2, 3 …)
        n = 0
        while n < rows and re.fullmatch(r"\d{1,3}", lines[body[n * k]].strip()):
            n += 1
        return n if n >= 2 else 0
    # grow the body row by row (one pass): a column must hold only figures or only words
    nums, texts = [0] * k, [0] * k
    first_col_ok = True
    for m in range(1, rows + 1):
        row = [_kind(lines[body[(m - 1) * k + c]].strip()) for c in range(k)]
        for c, kind in enumerate(row):
            if kind == "num":
                nums[c] += 1
            elif kind == "text":
                texts[c] += 1
        if any(nums[c] and texts[c] for c in range(k)):
            break  # mixed from here on: no longer prefix can be a table either
        first_col_ok = first_col_ok and (row[0] != "num" or k > 2)
        if m >= 2 and first_col_ok and any(nums[c] and not texts[c] for c in range(k)):
            best = m
    return best


def _task_header(head: list[str]) -> bool:
    L = lex()
    named = sum(1 for h in head if header_matches(h, L.task_columns + L.deadline_columns))
    return bool(header_unit_roles(head)) and named >= 1 and any(h in ("序号", "编号") for h in head[:1])


def _plan_joins(lines: list[str], plan: ColumnPlan) -> None:
    runs, cur = [], []
    for i, line in enumerate(lines):
        s = line.strip()
        if not s and cur:
            continue  # web pages saved as text often leave a blank line between cells
        short = s and len(s) <= _SHORT_CELL and not is_row_line(s) and not _MARKER.match(s) and i not in plan.split
        if short and not re.search(r"[。;!?]$", s):
            cur.append(i)
        else:
            if len(cur) >= 6:
                runs.append(cur)
            cur = []
    if len(cur) >= 6:
        runs.append(cur)
    for run in runs:
        pos = 0
        while pos < len(run) - 5:
            best = None  # (score, start, rows, k): most lines covered, fewest left over in the run
            for start in range(pos, min(pos + 3, len(run) - 5)):
                for k in range(2, 11):
                    m = _try_join(lines, run, start, k)
                    if m < 2:
                        continue
                    covered = (m + 1) * k
                    leftover = len(run) - start - covered
                    score = covered * 10 - 2 * leftover - (start - pos)
                    if best is None or score > best[0]:
                        best = (score, start, m, k)
            if best is None:
                pos += 1
                continue
            _, start, m, k = best
            for r in range(m + 1):  # the header row and m body rows
                plan.joins.append(run[start + r * k: start + r * k + k])
            pos = start + (m + 1) * k


def plan(lines: list[str]) -> ColumnPlan:
    """Which lines hold gap-separated cells, and which runs of lines are one-cell-per-line rows."""
    out = ColumnPlan()
    if not any("\t" in ln or "  " in ln or "\u3000\u3000" in ln for ln in lines) and len(lines) < 6:
        return out
    _plan_gaps(lines, out)
    _plan_joins(lines, out)
    return out
