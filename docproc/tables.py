"""Tables in the normalized text: runs of ``a|b|c`` row lines become ``Table`` objects.

Every reader writes table rows as cells joined with ``|`` (PDF and DOCX grids,
HTML ``<td>``, XLSX/CSV sheets; ``columns.py`` does it for tab-, space- and
one-cell-per-line layouts of plain text), so one finder serves all formats.
For each run of row lines it decides the header rows (one or two; a header
repeated after a page break is dropped from the body), joins a two-row header
into one label per column, and reads the caption and ``单位:万元`` line around
the table. Each cell keeps its span into ``Document.text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from .cells import (
    MD_RULE,
    SENTENCE_END,
    header_like,
    is_ditto_cell,
    is_row_line,
    unit_from_line,
)
from .model import Cell, Document, Table
from .table_columns import is_task_table, type_columns

# ---- finding tables ------------------------------------------------------------------------------

def _split_row(line: str, start: int) -> list[tuple[str, int, int]]:
    """Cells of a ``a|b|c`` line as (text, start, end), trimmed (an empty cell keeps its place)."""
    cells: list[tuple[str, int, int]] = []
    pos = 0
    for part in line.split("|"):
        s = pos
        pos += len(part) + 1
        lead = len(part) - len(part.lstrip())
        text = part.strip()
        cs = start + s + lead
        cells.append((text, cs, cs + len(text)))
    return cells



def _header_rows(rows: list[list[tuple[str, int, int]]]) -> int:
    if not rows:
        return 0
    first = [c[0] for c in rows[0]]
    if not all(header_like(c) for c in first) or sum(1 for c in first if c) < 2:
        return 0
    if len(rows) < 3:
        return 1
    second = [c[0] for c in rows[1]]
    width = max(len(r) for r in rows)
    # a two-row header: the first row spans (empty cells, or fewer cells) and the second is header-like too
    spans_over = any(not c for c in first) or len(first) < width
    if (spans_over and all(header_like(c) for c in second) and any(second)
            and not (second and re.fullmatch(r"\d{1,3}", second[0]))):
        return 2
    return 1


def _columns(rows: list[list[tuple[str, int, int]]], header_rows: int, width: int) -> tuple[str, ...]:
    if header_rows == 0:
        return tuple("" for _ in range(width))
    top = [c[0] for c in rows[0]] + [""] * (width - len(rows[0]))
    if header_rows == 1:
        return tuple(top)
    # a spanning top cell carries right over its empty neighbours
    carried, last = [], ""
    for t in top:
        last = t or last
        carried.append(last)
    second = [c[0] for c in rows[1]]
    if len(second) < width:
        # the second header row covers only the spanned columns: align it to the right
        second = [""] * (width - len(second)) + second
    out = []
    for i in range(width):
        a, b = (top[i] or carried[i]), second[i]
        if a and b and a != b:
            out.append(a + b)
        else:
            out.append(b or a)
    return tuple(out)


def _context_lines(doc: Document, first_para: int, last_para: int) -> tuple[str, str]:
    """Caption and unit note from up to three lines above the table and two below. The unit comes from a
    unit line (单位:万元), a note (所有数字单位为百万元; also inside a short sentence), or a caption ending in
    its unit (表2 收支情况(亿元)); the nearest wins. Above, a caption stops the search except for a unit
    line over it; below, only a unit line or a 注/说明 note counts."""
    from .cells import caption_unit, is_note_line, is_unit_line

    caption, unit = "", ""
    paras = doc.paragraphs
    for j in range(first_para - 1, max(-1, first_para - 4), -1):
        line = paras[j].text.strip()
        if is_row_line(line) or MD_RULE.match(line):
            break
        u = unit_from_line(line)
        if u and not unit:
            unit = u
        if is_unit_line(line):
            continue
        if caption or len(line) > 60 or SENTENCE_END.search(line.rstrip("。")):
            break
        caption = line
        unit = unit or caption_unit(line) or ""
    for j in range(last_para + 1, min(len(paras), last_para + 3)):
        if unit:
            break
        line = paras[j].text.strip()
        if is_row_line(line):
            break
        u = unit_from_line(line)
        if u and (is_unit_line(line) or is_note_line(line)):
            unit = u
    return caption, unit


def _continues_row(line: str) -> bool:
    t = line.strip()
    return 0 < len(t) <= 30 and not SENTENCE_END.search(t) and unit_from_line(t) is None and not t[0].isdigit()


def continued_rows(doc: Document, table: Table) -> dict[int, int]:
    """Row index -> where the row ends when its words wrap onto following non-row lines."""
    out: dict[int, int] = {}
    for r, row in enumerate(table.rows):
        end = max(c.span[1] for c in row)
        nl = doc.text.find("\n", end)
        nxt_end = doc.text.find("\n", nl + 1) if nl >= 0 else -1
        nxt_end = len(doc.text) if nxt_end < 0 else nxt_end
        if nl >= 0 and nl + 1 < table.span[1] and not is_row_line(doc.text[nl + 1: nxt_end]):
            out[r] = nxt_end
    return out


def _split_at_new_header(block: list) -> list[list]:
    """Two tables written one under the other: a header-like row of another width starts the second."""
    parts: list[list] = [[]]
    width = None
    for p in block:
        cells = [c.strip() for c in p.text.split("|")]
        if (width is not None and len(cells) != width and len(parts[-1]) >= 2
                and sum(1 for c in cells if c) >= 2 and all(header_like(c) for c in cells)):
            parts.append([])
        parts[-1].append(p)
        width = len(cells)
    return parts


@dataclass(frozen=True)
class _GridRow:
    """A row of a grid a reader handed over: where its line sits in the reader's text, which cells are merged."""

    start: int
    end: int
    merged: frozenset[int]


def _grid_rows(doc: Document) -> list[_GridRow]:
    rows: list[_GridRow] = []
    for grid in doc.raw_tables:
        offsets = grid.get("row_offsets")
        if not offsets:
            continue
        merged: dict[int, set[int]] = {}
        for r, c in grid.get("merged", ()):
            merged.setdefault(r, set()).add(c)
        rows.extend(_GridRow(s, e, frozenset(merged.get(r, ()))) for r, (s, e) in enumerate(offsets))
    rows.sort(key=lambda g: g.start)
    return rows


def _grid_row_at(doc: Document, grid: list[_GridRow], starts: list[int], pos: int) -> _GridRow | None:
    """The reader's grid row whose line holds normalized offset ``pos``."""
    raw = doc.offsets[pos] if doc.offsets and pos < len(doc.offsets) else pos
    i = bisect.bisect_right(starts, raw) - 1
    if i >= 0 and grid[i].start <= raw <= grid[i].end:
        return grid[i]
    return None


def takes_cell_above(table: Table, r: int, c: int) -> bool:
    """Whether cell (r, c) stands for the cell above it: 同上/〃, or a merged cell. Where the reader handed
    over its grid, only cells it saw merged do (an empty cell is empty); in text, where merges cannot
    be seen, an empty cell is read as merged, the likelier reading in a division table."""
    text = table.rows[r][c].text
    if is_ditto_cell(text):
        return True
    if text.strip():
        return False
    return (r, c) in table.merged if table.from_grid else True


def find_tables(doc: Document) -> list[Table]:
    """Every run of two or more row lines (or one row under a header) is a table."""
    paras = doc.paragraphs
    grid = _grid_rows(doc)
    grid_starts = [g.start for g in grid]
    tables: list[Table] = []
    i = 0
    while i < len(paras):
        if not is_row_line(paras[i].text):
            i += 1
            continue
        j = i
        while j + 1 < len(paras):
            nxt = paras[j + 1].text
            if is_row_line(nxt) or MD_RULE.match(nxt.strip()):
                j += 1
            elif j + 2 < len(paras) and _continues_row(nxt) and is_row_line(paras[j + 2].text):
                j += 2  # a cell's words wrapped onto a line of their own: the row goes on
            else:
                break
        block = [p for p in paras[i: j + 1] if is_row_line(p.text)]
        for part in _split_at_new_header(block):
            if len(part) >= 2:
                first = paras.index(part[0], i)
                last = paras.index(part[-1], first)
                table = _build(doc, part, len(tables), first, last)
                if grid:
                    table = _with_merges(doc, table, grid, grid_starts)
                tables.append(table)
        i = j + 1
    return tables


def _with_merges(doc: Document, table: Table, grid: list[_GridRow], starts: list[int]) -> Table:
    """The merged cells of a table whose rows the reader laid out from a grid."""
    merged: set[tuple[int, int]] = set()
    found = 0
    for r, row in enumerate(table.rows):
        g = _grid_row_at(doc, grid, starts, row[0].span[0])
        if g is None:
            continue
        found += 1
        merged.update((r, c) for c in g.merged if c < len(row))
    if found < len(table.rows):
        return table  # some rows came from elsewhere: the merges cannot be trusted
    return replace(table, merged=frozenset(merged), from_grid=True)


def _build(doc: Document, block: list, index: int, first_para: int, last_para: int) -> Table:
    rows = [_split_row(p.text, p.span[0]) for p in block]
    if all(len(r) > 2 and not r[0][0] and not r[-1][0] for r in rows):
        rows = [r[1:-1] for r in rows]  # markdown: |a|b| with pipes on both ends
    width = max(len(r) for r in rows)
    header_rows = _header_rows(rows)
    columns = _columns(rows, header_rows, width)
    head_texts = [[c[0] for c in r] for r in rows[:header_rows]]
    kept: list[list[tuple[str, int, int]]] = rows[:header_rows]
    for r in rows[header_rows:]:
        if header_rows and [c[0] for c in r] in head_texts:
            continue  # the header again after a page break: the table goes on
        kept.append(r)
    cells: list[tuple[Cell, ...]] = []
    for ri, r in enumerate(kept):
        end = r[-1][2] if r else 0
        padded = list(r) + [("", end, end)] * (width - len(r))
        cells.append(tuple(Cell(text=t, span=(s, e), row=ri, col=ci) for ci, (t, s, e) in enumerate(padded)))
    caption, unit = _context_lines(doc, first_para, last_para)
    span = (block[0].span[0], block[-1].span[1])
    types = type_columns(columns, cells[header_rows:])
    return Table(
        index=index,
        span=span,
        rows=tuple(cells),
        header_rows=header_rows,
        columns=columns,
        caption=caption,
        unit_note=unit,
        kind="tasks" if is_task_table(types) else "data",
        page=doc.page_of(span[0]),
        column_types=types,
    )

