"""Tasks: the smallest structural items that say what must be done.

A marked paragraph (1. / (一) / 一是 / 第一, / ——) is a heading when the lines
under it are deeper items or body text and it carries no unit clause of its
own; otherwise it is a task. In a plan, unmarked body paragraphs are tasks too.
A paragraph holding several unit clauses is split after each clause ("the
part of it that carries its own responsible-unit clause"). A label line
(责任单位:X on its own line) belongs to the task above it; a clause marked
下同 covers the tasks after it until the next clause.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import cache

from .. import resources
from ..cells import is_total_label, unit_from_line
from ..model import Deadline, Document, Paragraph, Table, TableRef, Task, UnitClause
from ..patterns import YEAR
from ..spans import starts_of, within
from ..tables import continued_rows, takes_cell_above
from .units import is_label_line

PROSE = "units.prose"


def _own_clauses(inside: list[UnitClause]) -> list[UnitClause]:
    """The clauses that give a paragraph its units. A clause in a notation (责任单位:…, (A、B负责)) is the
    paragraph's word on who does it, so doers named in its sentences are not added; doers in prose with no
    such clause are one clause for the whole paragraph (its sentences name who does each part)."""
    noted = [c for c in inside if c.rule != PROSE]
    if noted:
        return noted
    merged: UnitClause | None = None
    for c in inside:
        merged = _merge(merged, c)
    return [replace(merged, rule=PROSE)] if merged is not None else []


_LEAD_SENTENCE = re.compile(r"^[^,。;:]{2,18}。")


def _item_body(paras: list[Paragraph], i: int, inside: list[UnitClause], clauses: list[UnitClause],
               c_starts: list[int]) -> int | None:
    """The body of a sub-item: a (一)/1. item whose line is a heading, followed by unmarked paragraphs before
    the next marked line, is one task with them. None when the item is no such heading, when its paragraphs
    each open on a topic sentence of their own (each is a task),
    when a body paragraph carries a clause in notation (those split tasks of their own), or for 一、 sections
    (their paragraphs stay tasks each)."""
    p = paras[i]
    if p.level is None or p.level < 2 or not _is_heading(paras, i, inside):
        return None
    last = None
    for j in range(i + 1, len(paras)):
        q = paras[j]
        if q.level is not None or "|" in q.text or is_label_line(q.text):
            break
        own = [c for c in within(clauses, c_starts, q.span[0], q.span[1]) if c.span[1] <= q.span[1]]
        if any(c.rule != PROSE for c in own):
            return None
        last = j
    if last is None:
        return None
    # paragraphs that each open on a short topic sentence (放大经济政策实施效应。…) are items of their own,
    # as a work plan writes them; paragraphs that open on their doer (各省人民政府要…) are the item's text
    if last > i + 1 and all(_LEAD_SENTENCE.match(paras[j].text) for j in range(i + 1, last + 1)):
        return None
    return last


def _is_heading(paras: list[Paragraph], i: int, clauses_in: list[UnitClause]) -> bool:
    p = paras[i]
    if p.level is None or clauses_in:
        return False
    body_after = p.text[len(p.marker or ""):]
    # a short marked line ending without a sentence inside is a heading when something follows it
    for j in range(i + 1, len(paras)):
        q = paras[j]
        if is_label_line(q.text):
            return False
        if q.level is None:
            return len(re.findall(r"[。;]", body_after)) <= 1
        return q.level > p.level
    return False


def _merge(a: UnitClause | None, b: UnitClause) -> UnitClause:
    if a is None:
        return b
    return UnitClause(
        lead=a.lead + tuple(x for x in b.lead if x not in a.lead),
        responsible=a.responsible + tuple(x for x in b.responsible if x not in a.responsible),
        support=a.support + tuple(x for x in b.support if x not in a.support),
        span=(min(a.span[0], b.span[0]), max(a.span[1], b.span[1])),
        rule=a.rule if a.rule == b.rule else f"{a.rule}+{b.rule}",
        covers_following=a.covers_following or b.covers_following,
    )


def _deadline_columns(table: Table) -> list[int]:
    """The columns under a 完成时限 / 时间节点 header."""
    return [c.index for c in table.column_types if c.duty == "deadline"]


def _group_row(table: Table, r: int) -> bool:
    """A row with text in its first cell only (四、管理体制方面(共3项)): it labels the rows under it."""
    row = table.rows[r]
    return len(row) > 2 and bool(row[0].text) and not any(c.text for c in row[1:]) and not any(
        (r, c) in table.merged for c in range(len(row)))


def deadline_cells(table: Table) -> list[tuple[int, int]]:
    """Spans of the body cells under a 完成时限 / 时间节点 header."""
    cols = _deadline_columns(table)
    return [row[i].span for row in table.body for i in cols]


def _table_rows(doc: Document) -> dict[int, tuple[Table, int, tuple[Deadline, ...]]]:
    """For every table row line: its table, row number and (task tables) the deadlines of its 时限 cells,
    taken from the row above when the cell is merged (empty or 同上)."""
    out: dict[int, tuple[Table, int, tuple[Deadline, ...]]] = {}
    d_starts = starts_of(doc.deadlines)
    for table in doc.tables:
        cols = _deadline_columns(table)
        carried: tuple[Deadline, ...] = ()
        for r, row in enumerate(table.rows):
            start = min(c.span[0] for c in row)
            own: tuple[Deadline, ...] = ()
            if r >= table.header_rows and cols:
                cells = [row[i] for i in cols]
                own = tuple(d for c in cells for d in within(doc.deadlines, d_starts, c.span[0], c.span[1]))
                if not own and all(takes_cell_above(table, r, i) for i in cols):
                    own = carried
                carried = own
            out[start] = (table, r, own)
    return out


_DATE_LINE = re.compile(rf"{YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日")


@cache
def _task_words() -> dict:
    """``lexicons/tasks.yaml``: furniture lines, next-step headings, plan verbs, caption words."""
    return resources.data("tasks.yaml")


@cache
def _furniture() -> frozenset[str]:
    return frozenset(_task_words()["furniture"])


@cache
def _next_steps() -> re.Pattern[str]:
    """A heading of the part of a report that plans (下一步工作打算, 重点任务)."""
    return re.compile(resources.alternation(_task_words()["next_steps"]))


@cache
def _caption() -> re.Pattern[str]:
    """图1: / 附表2-1: a caption line."""
    return re.compile(rf"^(?:{resources.alternation(_task_words()['caption_words'])})\s*[\d一二三四五六七八九十]+"
                      r"(?:[-—.]\d+)?\s*[::\s]")


@cache
def _plan_opening() -> re.Pattern[str]:
    """A paragraph that opens on a plan verb (一是加快…, 推进…)."""
    return re.compile(rf"^(?:[一二三四五六七八九十]+是)?(?:{resources.alternation(_task_words()['plan_openings'])})")


def _is_furniture(line: str) -> bool:
    """附件2: / (此件公开发布): a label of the document, not something to do."""
    if _DATE_LINE.fullmatch(line.strip()):
        return True  # the signing date under the text
    bare = re.sub(r"[\d一二三四五六七八九十()()::、.,,。\s]", "", line)
    return bare in _furniture()


def _states_a_task(doc: Document, p: Paragraph, starts: tuple[list[int], list[int]], strict: bool = False) -> bool:
    """A paragraph that says what is to be done: it has a deadline, target figures, or (unless ``strict``,
    as in a report's review section, where 加强…/推进… tell what was done) opens with a plan verb."""
    d_starts, q_starts = starts
    if any(d.kind in ("by", "relative") for d in within(doc.deadlines, d_starts, p.span[0], p.span[1])):
        return True
    figures = within(doc.quantities, q_starts, p.span[0], p.span[1])
    if figures and sum(1 for q in figures if q.role == "target") * 2 > len(figures):
        return True
    return not strict and bool(_plan_opening().match(p.text[len(p.marker or ""):].lstrip()))


def _around_table(doc: Document, p: Paragraph, below: tuple[list[int], list[Table]]) -> bool:
    """A caption or 单位 line within two lines above a table. ``below``: the tables' starts, sorted, and the
    tables in that order; only the first few after the line can be within two lines of it."""
    starts, tables = below
    unit_line = None
    for t in tables[bisect.bisect_left(starts, p.span[1]):]:
        if doc.text.count("\n", p.span[1], t.span[0]) > 2:
            return False  # this table and all after it start further down
        if p.text == t.caption:
            return True
        if unit_line is None:
            unit_line = bool(unit_from_line(p.text))
        if unit_line:
            return True
    return False


Piece = tuple[int, int, Paragraph, UnitClause | None]  # (start, end, paragraph, clause) of one task


class _Pieces:
    """Step 1 of ``build_tasks``: the stretches of text that are tasks, each with its own unit clause.

    Holds what the paragraph rules share: the document's clauses and their starts, the task-table rows,
    the pieces found so far (a label line adds to the last one) and the body paragraphs already read
    with an item above them."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.paras = doc.paragraphs
        self.clauses = doc.unit_clauses
        self.kind = doc.meta.kind
        self.rows = _table_rows(doc)
        self.starts = (starts_of(doc.deadlines), starts_of(doc.quantities))
        self.c_starts = starts_of(self.clauses)  # unit clauses come sorted by span
        self.continued: dict[int, dict[int, int]] = {}  # table index -> its rows whose words wrap onto the next line
        self.table_spans = [t.span for t in doc.tables]
        by_start = sorted(doc.tables, key=lambda t: t.span[0])
        self.below = ([t.span[0] for t in by_start], by_start)
        self.extra: dict[int, tuple[TableRef, tuple[Deadline, ...]]] = {}
        self.pieces: list[Piece] = []
        self.consumed: set[int] = set()  # body paragraphs read with the item they belong to

    def clauses_in(self, start: int, end: int) -> list[UnitClause]:
        return [c for c in within(self.clauses, self.c_starts, start, end) if c.span[1] <= end]

    def read(self) -> list[Piece]:
        for i, p in enumerate(self.paras):
            if _around_table(self.doc, p, self.below):
                continue  # a table's caption or 单位 line states no task
            if any(s <= p.span[0] < e for s, e in self.table_spans):
                self.table_row(p)
            elif is_label_line(p.text):
                self.label_line(p)
            elif i not in self.consumed:  # else a body paragraph of the item above, read with it
                self.paragraph(i, p)
        return self.pieces

    def table_row(self, p: Paragraph) -> None:
        """A row of a task table (not its header, a total or a group label) is a task."""
        found = self.rows.get(p.span[0])
        if found is None or found[0].kind != "tasks" or found[1] < found[0].header_rows:
            return  # a data table's rows, a header, or a repeated header are not tasks
        table, r, carried = found
        inside = self.clauses_in(p.span[0], p.span[1])
        label = next((c.text for c in table.rows[r] if c.text and not c.text.isdigit()), "")
        if is_total_label(label) or _group_row(table, r):
            return  # a 合计/小计 row sums the rows above, a group label names them: no task of its own
        self.extra[p.span[0]] = (TableRef(table=table.index, row=r, row_label=label[:40]), carried)
        clause = inside[0] if inside else None
        for c in inside[1:]:
            clause = _merge(clause, c)
        if table.index not in self.continued:
            self.continued[table.index] = continued_rows(self.doc, table)
        end = self.continued[table.index].get(r, p.span[1])
        self.pieces.append((p.span[0], end, p, clause))

    def label_line(self, p: Paragraph) -> None:
        """A label line (牵头单位:X / 完成时限:6月底前) belongs to the task above: its clause, and its text
        with the deadline in it."""
        if not self.pieces:
            return
        s, e, para, clause = self.pieces[-1]
        for c in self.clauses_in(p.span[0], p.span[1]):
            clause = _merge(clause, c)
        self.pieces[-1] = (s, max(e, p.span[1]), para, clause)

    def paragraph(self, i: int, p: Paragraph) -> None:
        """A paragraph of the text: an item with its body, a heading, no task, or one task per unit clause."""
        inside = _own_clauses(self.clauses_in(p.span[0], p.span[1]))
        body_end = _item_body(self.paras, i, inside, self.clauses, self.c_starts)
        if body_end is not None:
            self.item_with_body(i, p, body_end)
        elif not _is_heading(self.paras, i, inside) and not self.states_no_task(i, p, inside):
            self.pieces.extend(_split_at_clauses(self.doc, p, inside))

    def item_with_body(self, i: int, p: Paragraph, body_end: int) -> None:
        """(一)统筹建设监管平台。 then its paragraphs: one task, the item with all it says."""
        body = range(i + 1, body_end + 1)
        self.consumed.update(body)
        e = self.paras[body_end].span[1]
        if (p.kind or self.kind) == "report" and not any(
                _states_a_task(self.doc, self.paras[j], self.starts, strict=True) for j in body):
            return  # 一是… under a review section reports what was done
        whole = _own_clauses(self.clauses_in(p.span[0], e))
        self.pieces.append((p.span[0], e, p, whole[0] if whole else None))

    def states_no_task(self, i: int, p: Paragraph, inside: list[UnitClause]) -> bool:
        """A paragraph with no unit clause that is no task: a report's results, a caption, furniture, the
        title, a preamble."""
        if inside:
            return False
        if p.kind == "report" and not _states_a_task(self.doc, p, self.starts, strict=True):
            return True  # 一是… under 一、2023年工作回顾 reports what was done
        return p.level is None and self.body_is_no_task(i, p)

    def body_is_no_task(self, i: int, p: Paragraph) -> bool:
        doc = self.doc
        in_steps = any(_next_steps().search(t) for t in p.section)
        effective = p.kind or self.kind
        if effective == "report" and not in_steps:
            return True
        if effective == "mixed" and not in_steps and not _states_a_task(doc, p, self.starts):
            return True  # in a mixed document, a paragraph of results is no task
        if _caption().match(p.text) or _is_furniture(p.text):
            return True
        if i == 0 and doc.meta.title and p.text.strip() == doc.meta.title:
            return True
        own_deadlines = bool(within(doc.deadlines, self.starts[0], p.span[0], p.span[1]))
        return not p.section and not own_deadlines and bool(doc.sections)  # a preamble before the first heading


def _split_at_clauses(doc: Document, p: Paragraph, inside: list[UnitClause]) -> list[Piece]:
    """A paragraph holding several unit clauses is split after each (the rest, if any, is a task of its own)."""
    if len(inside) <= 1:
        return [(p.span[0], p.span[1], p, inside[0] if inside else None)]
    out: list[Piece] = []
    start = p.span[0]
    for c in inside:
        out.append((start, c.span[1], p, c))
        start = c.span[1]
        while start < p.span[1] and doc.text[start] in "。;,":
            start += 1
    if start < p.span[1] - 1:
        out.append((start, p.span[1], p, None))
    return out


def _inherit_units(paras: list[Paragraph], pieces: list[Piece]) -> list[UnitClause | None]:
    """Step 2: the clause of each piece, its own or inherited: a clause marked 下同 covers the pieces after it
    until the next clause; a marked item's clause covers its sub-items ((一)…(牵头单位:X) then 1. 2.)."""
    out: list[UnitClause | None] = []
    covering: UnitClause | None = None
    above: list[tuple[int, UnitClause]] = []  # (level, clause) of marked items whose clause covers their sub-items
    index_of = {id(p): i for i, p in enumerate(paras)}
    last = -1
    for _s, _e, para, clause in pieces:
        here = index_of[id(para)]
        # every marked line since the last task (headings too) closes the items it is not inside
        levels = [q.level for q in paras[last + 1: here + 1] if q.level is not None]
        last = here
        level = min(levels) if levels else 99
        while above and above[-1][0] >= level:
            above.pop()
        if clause is not None:
            covering = clause if clause.covers_following else None
            if para.level is not None and clause.rule != PROSE:
                above.append((para.level, clause))  # (一)…(牵头单位:X) then 1. 2.: X leads those too
        elif covering is not None:
            clause = covering
        elif above and para.level is not None:
            clause = above[-1][1]
        out.append(clause)
    return out


def _attach(doc: Document, pieces: list[Piece], clauses: list[UnitClause | None],
            extra: dict[int, tuple[TableRef, tuple[Deadline, ...]]]) -> list[Task]:
    """Step 3: each piece with its clause, the deadlines and quantities inside it, and (table rows) its table
    reference and the deadlines carried from the row above."""
    d_starts, q_starts = starts_of(doc.deadlines), starts_of(doc.quantities)
    tasks: list[Task] = []
    for n, ((s, e, para, _own), clause) in enumerate(zip(pieces, clauses, strict=True), start=1):
        deadlines = tuple(d for d in within(doc.deadlines, d_starts, s, e) if d.span[1] <= e)
        quantities = tuple(q for q in within(doc.quantities, q_starts, s, e) if q.span[1] <= e)
        ref, carried = extra.get(s, (None, ()))
        deadlines += tuple(d for d in carried if d not in deadlines)
        tasks.append(Task(id=f"t{n}", section=para.section, text=doc.text[s:e], span=(s, e), page=doc.page_of(s),
                          units=clause, deadlines=deadlines, quantities=quantities, table=ref))
    return tasks


def build_tasks(doc: Document) -> list[Task]:
    """Tasks in three steps: the pieces of text that are tasks → the unit clauses they inherit → what each
    holds (deadlines, quantities, its table row)."""
    reader = _Pieces(doc)
    pieces = reader.read()
    return _attach(doc, pieces, _inherit_units(doc.paragraphs, pieces), reader.extra)
