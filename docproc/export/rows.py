"""The task table: one row per task, the columns staff read (Chinese headers)."""

from __future__ import annotations

from ..model import Document, TableRef, Task

TASK_COLUMNS = ["序号", "章节", "任务内容", "指标", "目标值", "单位", "比较", "牵头单位", "责任单位", "配合单位", "完成时限", "页码", "来源表格"]
OP_WORDS = {"=": "", ">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "~": "约"}


def _join(items) -> str:
    return "、".join(dict.fromkeys(i for i in items if i))


def task_content(task: Task) -> str:
    """The task's own words: its label lines (牵头单位:X, 完成时限:Y) have columns of their own."""
    from ..extract.units import is_label_line

    lines = [ln for ln in task.text.split("\n") if ln.strip()]
    kept = [ln for ln in lines[1:] if not is_label_line(ln)]
    return "\n".join(lines[:1] + kept)


def row_content(doc: Document, ref: TableRef) -> str:
    """A table row's task in words: its item and content cells (工作事项:主要内容), without the number,
    unit, time-limit and weight cells that have columns of their own."""
    if ref.table >= len(doc.tables):
        return ""
    table = doc.tables[ref.table]
    if ref.row >= len(table.rows):
        return ""
    parts = []
    for c in table.column_types:
        if not (c.duty == "task" or (c.duty is None and c.kind == "label")):
            continue
        r = ref.row
        while r > table.header_rows and (r, c.index) in table.merged:
            r -= 1  # a merged item cell: its text stands in the row where the merge starts
        if c.index < len(table.rows[r]) and table.rows[r][c.index].text:
            parts.append(table.rows[r][c.index].text)
    return ":".join(dict.fromkeys(parts))


def task_row(n: int, task: Task, doc: Document | None = None) -> dict[str, object]:
    qs = [q for q in task.quantities if q.role == "target"] or list(task.quantities)
    units = task.units
    deadlines = []
    for d in task.deadlines:
        deadlines.append(f"{d.date}({d.text})" if d.date else d.text)
    return {
        "序号": n,
        "章节": " / ".join(task.section),
        "任务内容": (row_content(doc, task.table) if doc is not None and task.table is not None else "")
        or task_content(task),
        "指标": "; ".join(q.indicator for q in qs),
        "目标值": "; ".join(q.text for q in qs),
        "单位": "; ".join(q.unit for q in qs),
        "比较": "; ".join(OP_WORDS.get(q.op, q.op) or "=" for q in qs),
        "牵头单位": _join(units.lead) if units else "",
        "责任单位": _join(units.responsible) if units else "",
        "配合单位": _join(units.support) if units else "",
        "完成时限": "; ".join(deadlines),
        "页码": task.page,
        "来源表格": table_place(task.table),
    }


def table_place(ref: TableRef | None) -> str:
    """表1 第3行: where in which table an item sits (tables and rows counted from 1, header rows included)."""
    if ref is None:
        return ""
    return f"表{ref.table + 1} 第{ref.row + 1}行"


def task_rows(doc: Document) -> list[dict[str, object]]:
    return [task_row(n, t, doc) for n, t in enumerate(doc.tasks, start=1)]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula (=, +, -, @) is written as text: '=… ."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
