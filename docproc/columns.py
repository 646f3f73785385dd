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
from functools import cache, lru_cache

from . import resources
from .cells import (
    MAG_NUMBER,
    header_like,
    is_empty_cell,
    is_number_cell,
    is_row_line,
    is_year_cell,
    lex,
    unit_in_cell,
)
from .chrome import is_page_mark
from .labels import header_unit_roles

GAP = re.compile(r"\t+|[ \u00a0]{2,}|\u3000{2,}|[ \u3000]*\t[ \u3000\t]*")
_SHORT_CELL = 40  # a cell of a figure table, or a header cell
_LONG_CELL = 300  # a cell of a task division (the task itself) may be a long sentence
_MARKER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|\d{1,2}[、.](?!\d))")
_UNIT_WRAP = re.compile(r"^[((][^()()]{1,12}[))]$")  # (万亩) on a line of its own: the end of the header cell above


@dataclass(frozen=True)
class JoinedRow:
    """One table row written one cell per line: the line indices of each cell (a header cell may
    wrap onto a second line; an empty tuple is an empty cell, merged with the one above), and how
    many cells the row must have (a group label row is padded)."""

    @property
    def first_line(self) -> int:
        return next(c[0] for c in self.cells if c)

    @property
    def last_line(self) -> int:
        return next(c[-1] for c in reversed(self.cells) if c)

    cells: tuple[tuple[int, ...], ...]
    width: int


@dataclass
class ColumnPlan:
    split: set[int] = field(default_factory=set)  # line indices whose inner gaps become |
    joins: list[JoinedRow] = field(default_factory=list)  # one-cell-per-line rows, in order
    keep: set[int] = field(default_factory=set)  # lines that form a table: chrome never removes them


@cache
def _caption_words() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """The caption lexicon, compiled once: one pattern for the starts (表3), the ends as they are."""
    words = resources.data("chrome.yaml")["table_captions"]
    starts = re.compile(r"(?:" + resources.alternation(words["starts"]) + r")\d")
    return starts, tuple(words["ends"])


def _caption_like(text: str) -> bool:
    """表3 … / …情况 / …一览表: the caption above a table, which is no header cell."""
    starts, ends = _caption_words()
    t = text.replace(" ", "")
    return bool(starts.match(t)) or any(t.endswith(w) and len(t) > len(w) + 1 for w in ends)


@cache
def _task_header_words() -> tuple[str, ...]:
    """Task and deadline column words, longest first, sorted once (not at every header tested)."""
    L = lex()
    return tuple(sorted(L.task_columns + L.deadline_columns, key=len, reverse=True))


@cache
def _header_words() -> tuple[str, ...]:
    """Every header word a group label must not hold, longest first, sorted once."""
    L = lex()
    words = L.task_columns + L.deadline_columns + L.growth_headers + L.share_headers + L.completion_headers
    return tuple(sorted(words, key=len, reverse=True))


def _holds_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` (spaces ignored) holds one of ``words`` (``header_matches`` without its sort)."""
    t = text.replace(" ", "")
    return any(w in t for w in words)


def _cells_by_gap(line: str) -> list[str]:
    """The cells of a line cut at its gaps. Every gap holds a tab, two spaces, a no-break space or two
    ideographic spaces: a line with none of them is one cell, found without running ``GAP``."""
    s = line.strip()
    if "\t" not in s and "  " not in s and "\u00a0" not in s and "\u3000\u3000" not in s:
        return [s] if s else []
    return [c for c in GAP.split(s) if c.strip()]


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
    """``empty``, ``num`` (a bare figure, or one with its magnitude: 1.2万) or ``text``."""
    if is_empty_cell(cell):
        return "empty"
    return "num" if is_number_cell(cell) or MAG_NUMBER.match(cell.strip()) else "text"


def _task_header(head: list[str]) -> bool:
    if not head or head[0] not in ("序号", "编号"):
        return False
    named = sum(1 for h in head if _holds_any(h, _task_header_words()))
    return bool(header_unit_roles(head)) and named >= 1


def _cell_runs(lines: list[str], plan: ColumnPlan) -> list[list[int]]:
    """Runs of lines that can be cells. A blank line between cells or a page mark (- 2 -) between
    rows does not end a run: web pages leave the one, a page break inside a table the other."""
    runs, cur = [], []
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or is_page_mark(s):
            continue
        if len(s) <= _LONG_CELL and not is_row_line(s) and i not in plan.split:
            cur.append(i)
            continue
        if len(cur) >= 6:
            runs.append(cur)
        cur = []
    if len(cur) >= 6:
        runs.append(cur)
    return runs


class _Run:
    """One run of cell lines, with each line's text and kind computed once."""

    def __init__(self, lines: list[str], run: list[int]) -> None:
        self.idx = run
        self.text = [lines[i].strip() for i in run]
        self.kind = [_kind(t) for t in self.text]
        self.short = [len(t) <= _SHORT_CELL and not re.search(r"[。;!?]$", t) for t in self.text]
        # how many lines from each position could be header cells: no header of more columns starts there
        ok = [s and header_like(t) and not is_number_cell(t) and (is_year_cell(t) or len(t) <= 12)
              and not _MARKER.match(t) and not _caption_like(t) for s, t in zip(self.short, self.text, strict=True)]
        self.head_run = [0] * (len(ok) + 1)
        # where the next bare figure is: a figure table has one in its first row
        self.next_num = [len(ok) + 10**6] * (len(ok) + 1)
        for q in range(len(ok) - 1, -1, -1):
            self.head_run[q] = self.head_run[q + 1] + 1 if ok[q] else 0
            self.next_num[q] = q if self.kind[q] == "num" else self.next_num[q + 1]

    def may_start(self, p: int, k: int) -> bool:
        """A cheap test before reading a table of ``k`` columns at ``p``: its header cells are there, and
        a figure (a body figure, or a task row's number) comes within its first rows."""
        if self.head_run[p] < k:
            return False
        limit = p + 3 * k + 2  # k header cells (some wrapped on two lines), a group label, a row
        return self.next_num[min(p + k, len(self.text))] <= limit

    def __len__(self) -> int:
        return len(self.idx)

    def header(self, p: int, k: int) -> tuple[list[list[int]], int] | None:
        """``k`` header cells from position ``p`` (a unit wrapped onto its own line, ``(万亩)``, joins the
        cell above it) and the position after them; None when these lines cannot be a header."""
        cells: list[list[int]] = []
        q = p
        while q < len(self) and (len(cells) < k or _UNIT_WRAP.match(self.text[q])):
            t = self.text[q]
            if cells and _UNIT_WRAP.match(t) and not _UNIT_WRAP.search(self.text[cells[-1][-1]]):
                cells[-1].append(q)
            elif len(cells) < k:
                if not self.head_run[q]:
                    return None
                cells.append([q])
            else:
                break
            q += 1
        if len(cells) < k:
            return None
        return cells, q

    def cell_text(self, cell: list[int]) -> str:
        return "".join(self.text[q] for q in cell)


def _fits(kinds: list[str | None], row: list[str]) -> bool:
    """A row fits the columns when no column gets a figure where it held words, or words where it held figures."""
    return all(k == "empty" or have is None or have == k for have, k in zip(kinds, row, strict=True))


def _group_label(r: _Run, q: int) -> bool:
    """A line that can label a group of rows (东部地区): short words, and no header's words (a unit in
    brackets, a year, 完成时限, 牵头单位, 增长 …): a header cell read as a group label shifts the header."""
    return r.kind[q] == "text" and r.short[q] and _label_words(r.text[q])


@lru_cache(maxsize=8192)
def _label_words(t: str) -> bool:
    """Whether words can be a group label rather than a header cell (asked many times per line)."""
    if unit_in_cell(t) is not None or is_year_cell(t):
        return False
    return (not _holds_any(t, _header_words()) and not header_unit_roles([t])
            and not any(w == t for w, _ in lex().role_words))


def _data_rows(r: _Run, q: int, head: list[str], lead: int) -> tuple[list[list[list[int]]], int, int]:
    """Body rows of a figure table whose header ends at ``q``: (rows, end position, regular rows).

    A row one cell short, in a table with two label columns, has its first cell merged with the row
    above (片区 | 水库 | … with 片区 written once per group): it gets an empty first cell.
    ``lead`` = 1 reads the first line as a group label (东部地区) above the first row. Past the first
    rows, a line of words where a row should start, followed by a row that fits, is a group label too;
    the header written again (a page break) is a row of its own."""
    k = len(head)
    kinds: list[str | None] = [None] * k
    rows: list[list[list[int]]] = []
    regular = 0
    pos = q
    if lead:
        if q >= len(r) or not _group_label(r, q):
            return [], q, 0
        rows.append([[q]])
        pos = q + 1
    while pos < len(r):
        again = r.header(pos, k) if r.text[pos] == head[0] else None
        if again and [r.cell_text(c) for c in again[0]] == head:
            rows.append(again[0])
            pos = again[1]
            continue
        if pos + k <= len(r) and all(r.short[pos: pos + k]) and _fits(kinds, r.kind[pos: pos + k]):
            row = r.kind[pos: pos + k]
            if k == 2 and row[0] == "num":
                break  # a figure as the row label of a two-column table: a list of numbers, not a table
            kinds = [have or (k_ if k_ != "empty" else None) for have, k_ in zip(kinds, row, strict=True)]
            if all(kd == "text" for kd in kinds) or regular >= 3 and "num" not in kinds:
                break  # words in every column: no column of figures, so no figure table
            rows.append([[pos + c] for c in range(k)])
            regular += 1
            pos += k
            continue
        if (regular and k >= 3 and kinds[0] == "text" and kinds[1] == "text" and pos + k - 1 <= len(r)
                and all(r.short[pos: pos + k - 1]) and _fits(kinds[1:], r.kind[pos: pos + k - 1])):
            rows.append([[], *[[pos + c] for c in range(k - 1)]])  # the first cell spans from the row above
            pos += k - 1
            continue
        if (regular and kinds[0] == "text" and _group_label(r, pos) and pos + 1 + k <= len(r)
                and all(r.short[pos + 1: pos + 1 + k]) and _fits(kinds, r.kind[pos + 1: pos + 1 + k])):
            rows.append([[pos]])  # a group label row: 西部地区
            pos += 1
            continue
        break
    if "num" not in kinds or any(kinds[c] == "text" and unit_in_cell(h) for c, h in enumerate(head)):
        return [], q, 0  # no column of figures; or a header with a unit, 面积(万亩), over words: a shifted header
    while rows and len(rows[-1]) == 1:
        rows.pop()  # a label after the last row belongs to what follows
    end = q
    for row in rows:
        end = max(end, row[-1][-1] + 1)
    return rows, end, regular


def _task_rows(r: _Run, q: int, k: int) -> tuple[list[list[list[int]]], int, int]:
    """Body rows of a task division: each row starts with its number (1, 2, 3 …) and runs to the next
    number (a row with fewer cells has empty, merged cells); a line of words before a number is a
    group row (一、…方面)."""
    rows: list[list[list[int]]] = []
    regular = 0
    pos = q
    expect = None
    while pos < len(r):
        t = r.text[pos]
        if re.fullmatch(r"\d{1,3}", t) and (expect is None or int(t) in (expect, 1)):
            nxt = str(int(t) + 1)
            end = pos + 1
            while end < len(r) and end - pos < k and r.text[end] != nxt:
                end += 1
            rows.append([[j] for j in range(pos, end)])
            regular += 1
            expect = int(t) + 1
            pos = end
            continue
        if pos + 1 < len(r) and r.short[pos] and r.text[pos + 1] in (str(expect), "1"):
            rows.append([[pos]])
            pos += 1
            continue
        break
    end = rows[-1][-1][-1] + 1 if rows else q
    return rows, end, regular


def _table_at(r: _Run, p: int, k: int) -> tuple[list[list[list[int]]], int, int] | None:
    """The rows (header first) of a one-cell-per-line table of ``k`` columns whose header starts at
    ``p``, where it ends, and how many of its rows are not whole (group labels, merged first cells):
    the less likely reading, for a header read one line too early or too late gives such rows."""
    found = r.header(p, k)
    if not found:
        return None
    head_cells, q = found
    head = [r.cell_text(c) for c in head_cells]
    if _task_header(head):
        body, end, regular = _task_rows(r, q, k)
    else:
        body, end, regular = _data_rows(r, q, head, 0)
        shifted = _data_rows(r, q, head, 1)
        if shifted[1] > end:
            body, end, regular = shifted
    if regular < 2:
        return None
    partial = sum(1 for row in body if len(row) < k or not row[0])
    return [head_cells, *body], end, partial


_CELL_MAX = 18  # header_like's limit: a longer line is no header cell, and a figure that long is rare


def _may_hold_cells(lines: list[str], run: list[int]) -> bool:
    """Whether a run has a line that can be a header cell or a figure: a run of prose lines (a PDF's text
    layer wraps paragraphs into lines of 30-40 characters) has none, and is passed over at once."""
    return any(len(s) <= _CELL_MAX or is_number_cell(s) for s in (lines[i].strip() for i in run))


def _plan_joins(lines: list[str], plan: ColumnPlan) -> None:
    for run in _cell_runs(lines, plan):
        if not _may_hold_cells(lines, run):
            continue
        r = _Run(lines, run)
        tried: dict[tuple[int, int], tuple[list[list[list[int]]], int, int] | None] = {}
        pos = 0
        while pos < len(r) - 5:
            if r.head_run[pos] < 2:
                pos += 1  # no header of two cells starts here
                continue
            best = None  # (score, rows, end): most lines covered, fewest left over in the run
            for start in range(pos, min(pos + 3, len(r) - 5)):
                for k in range(2, min(10, r.head_run[start]) + 1):
                    if not r.may_start(start, k):
                        continue
                    if (start, k) not in tried:  # each start is looked at from up to three positions
                        tried[start, k] = _table_at(r, start, k)
                    got = tried[start, k]
                    if got is None:
                        continue
                    rows, end, partial = got
                    score = (end - start) * 10 - 2 * (len(r) - end) - (start - pos) - 6 * partial
                    if best is None or score > best[0]:
                        best = (score, rows, end, k)
            if best is None:
                pos += 1
                continue
            _, rows, end, k = best
            for row in rows:
                plan.joins.append(JoinedRow(tuple(tuple(run[q] for q in cell) for cell in row), k))
            plan.keep.update(run[q] for q in range(pos, end))
            pos = end
        _keep_figure_runs(r, plan)


def _keep_figure_runs(r: _Run, plan: ColumnPlan) -> None:
    """Lines of a run that is mostly short cells and a third figures are a table even where no row
    could be rebuilt: they are kept as they are, never taken for page clutter."""
    start = 0
    for i in range(len(r) + 1):
        if i < len(r) and r.short[i]:
            continue
        part = range(start, i)
        if len(part) >= 6 and sum(1 for q in part if r.kind[q] == "num") * 3 >= len(part):
            plan.keep.update(r.idx[q] for q in part)
        start = i + 1


def plan(lines: list[str]) -> ColumnPlan:
    """Which lines hold gap-separated cells, and which runs of lines are one-cell-per-line rows."""
    out = ColumnPlan()
    if not any("\t" in ln or "  " in ln or "\u3000\u3000" in ln for ln in lines) and len(lines) < 6:
        return out
    _plan_gaps(lines, out)
    _plan_joins(lines, out)
    return out
