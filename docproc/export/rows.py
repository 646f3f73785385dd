"""The rows people read: tasks, figures, deadlines, findings, units, each with Chinese headers (``--lang en``
renders them in English through messages.yaml), and the cell hygiene every spreadsheet writer shares."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from ..messages import finding_text, header, word
from ..model import Deadline, Document, Quantity, TableRef, Task

TASK_COLUMNS = ["序号", "章节", "任务内容", "指标", "目标值", "数值", "单位", "比较", "牵头单位", "责任单位", "配合单位",
                "完成时限", "页码", "来源表格"]
FIGURE_COLUMNS = ["文件", "任务号", "指标", "原文", "数字", "数值", "单位", "比较", "角色", "页码", "表格", "行标签", "列标题"]
DEADLINE_COLUMNS = ["文件", "日期", "原文", "类型", "任务号", "任务内容", "责任单位", "页码"]
FINDING_COLUMNS = ["文件", "类型", "级别", "说明", "依据", "期望", "报告值", "页码", "公式"]
UNIT_COLUMNS = ["单位名称", "任务数", "牵头", "负责", "配合", "最早时限", "任务号"]
GOAL_COLUMNS = ["状态", "指标", "目标", "目标值", "实际", "实际值", "判定", "说明", "目标原文", "报告原文"]
DOC_COLUMNS = ["文件", "标题", "日期", "年份", "文字", "类型", "页数", "任务数", "核查数"]
TECH_COLUMNS = ["文件", "类型", "原文", "起", "止", "页码"]

LIST_JOIN = "\n"  # several figures or deadlines in one task cell: one per line
MAX_CELL = 32_767  # the most characters an Excel cell holds
CONTINUED = "〔续下行〕"
CONTINUATION = "〔接上行〕"
_MAGNITUDE = {1e4: "万", 1e8: "亿", 1e12: "万亿"}
_NUMBER = re.compile(r"^[+-]?[\d,]+(?:\.\d+)?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def file_name(doc: Document) -> str:
    """The file name staff recognise (the path stays in JSON)."""
    return Path(doc.source).name or doc.source


def _join(items) -> str:
    return "、".join(dict.fromkeys(i for i in items if i))


@cache
def _comparator_words() -> tuple[str, ...]:
    from .. import resources

    return tuple(r[0] for r in resources.table("comparators.tsv")) + ("左右", "以上", "以下", "以内", "余", "多")


@cache
def _comparators() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Comparator words written before a figure (不少于) and after it (以上), longest first."""
    from .. import resources

    rows = resources.table("comparators.tsv")
    before = sorted({r[0] for r in rows if len(r) > 2 and r[2] == "before"}, key=len, reverse=True)
    after = sorted({r[0] for r in rows if len(r) > 2 and r[2] == "after"}, key=len, reverse=True)
    return tuple(before), tuple(after)


def _with_comparator(q: Quantity, text: str, doc: Document | None, lang: str) -> str:
    """The comparator as the document writes it around the figure (不少于3座, 93%以上), else as a word."""
    if q.op in ("=", "") or any(w in text for w in _comparator_words()):
        return text
    if doc is not None and lang == "zh":
        before, after = _comparators()
        left, right = doc.text[max(0, q.span[0] - 6): q.span[0]], doc.text[q.span[1]: q.span[1] + 3]
        b = next((w for w in before if left.endswith(w)), "")
        a = next((w for w in after if right.startswith(w)), "")
        if b or a:
            return b + text + a
    return word("op", q.op, lang) + ("" if lang == "zh" else " ") + text


def as_written(q: Quantity, lang: str = "zh", doc: Document | None = None) -> str:
    """A figure as a reader says it, magnitude and unit included: a table cell ``12000`` under ``目标值(万元)``
    is ``12000万元``; the comparator comes from the text around it (不少于3座), else as a word (不低于)."""
    text = q.text
    m = _NUMBER.match(text)
    if m:
        try:
            printed = float(m.group().replace(",", "").lstrip("+"))
        except ValueError:
            printed = 0.0
        factor = round(q.value / printed, 6) if printed else 1.0
        rest = text[m.end():]
        if factor in _MAGNITUDE and not re.match(r"\s*(?:万|亿)", rest):
            text = m.group() + _MAGNITUDE[factor] + (rest if rest.strip() else q.unit)
        elif not rest.strip() and q.unit:
            text = m.group() + q.unit
    return _with_comparator(q, text, doc, lang)


def base_value(q: Quantity) -> float | int:
    """The value in the base unit, an int when whole (120000000, not 1.2e8)."""
    v = q.value
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 1e15 else v


def _grouped(v: float | int) -> str:
    """4,500,000,000: a number in a text cell with thousands separators, as a number cell shows it."""
    return f"{v:,}" if isinstance(v, int) else f"{v:,.4f}".rstrip("0").rstrip(".")


def deadline_text(d: Deadline, lang: str = "zh") -> str:
    """2023-05-31(5月底前); a deadline without a date keeps its words (收到资金后30日内)."""
    if not d.date:
        return d.text
    return d.date if d.text == d.date else f"{d.date}({d.text})"


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


def task_figures(task: Task) -> list[Quantity]:
    """The figures a task row shows: its targets, else all its figures."""
    return [q for q in task.quantities if q.role == "target"] or list(task.quantities)


def content_of(task: Task, doc: Document | None) -> str:
    return (row_content(doc, task.table) if doc is not None and task.table is not None else "") or task_content(task)


def task_row(n: int, task: Task, doc: Document | None = None, lang: str = "zh") -> dict[str, object]:
    """One task: several figures or deadlines one per line, so that 指标, 目标值 and 数值 line up."""
    qs = task_figures(task)
    units = task.units
    values: object = LIST_JOIN.join(_grouped(base_value(q)) for q in qs)
    if len(qs) == 1:
        values = base_value(qs[0])
    return {
        "序号": n,
        "章节": " / ".join(task.section),
        "任务内容": content_of(task, doc),
        "指标": LIST_JOIN.join(q.indicator or "—" for q in qs),
        "目标值": LIST_JOIN.join(as_written(q, lang, doc) for q in qs),
        "数值": values,
        "单位": LIST_JOIN.join(q.unit for q in qs),
        "比较": LIST_JOIN.join(word("op", q.op, lang) for q in qs),
        "牵头单位": _join(units.lead) if units else "",
        "责任单位": _join(units.responsible) if units else "",
        "配合单位": _join(units.support) if units else "",
        "完成时限": LIST_JOIN.join(deadline_text(d, lang) for d in task.deadlines),
        "页码": task.page,
        "来源表格": table_place(task.table),
    }


def table_place(ref: TableRef | None) -> str:
    """表1 第3行: where in which table an item sits (tables and rows counted from 1, header rows included)."""
    if ref is None:
        return ""
    return f"表{ref.table + 1} 第{ref.row + 1}行"


def task_rows(doc: Document, lang: str = "zh") -> list[dict[str, object]]:
    return [task_row(n, t, doc, lang) for n, t in enumerate(doc.tasks, start=1)]


def _task_of(doc: Document) -> dict[tuple[int, int], int]:
    """Span of each figure or deadline inside a task -> the task's row number (序号)."""
    out = {}
    for n, t in enumerate(doc.tasks, start=1):
        for item in (*t.quantities, *t.deadlines):
            out.setdefault(item.span, n)
    return out


def figure_rows(doc: Document, lang: str = "zh") -> list[dict[str, object]]:
    """One figure per row: as written, the base-unit value and unit, comparator and role as words."""
    in_task = _task_of(doc)
    rows = []
    for q in doc.quantities:
        ref = q.table
        rows.append({"文件": file_name(doc), "任务号": in_task.get(q.span), "指标": q.indicator,
                     "原文": q.text, "数字": as_written(q, lang, doc), "数值": base_value(q), "单位": q.unit,
                     "比较": word("op", q.op, lang), "角色": word("role", q.role, lang), "页码": q.page,
                     "表格": table_place(ref), "行标签": ref.row_label if ref else "", "列标题": ref.column if ref else ""})
    return rows


def deadline_rows(doc: Document, lang: str = "zh") -> list[dict[str, object]]:
    """Every deadline with the task it belongs to; the caller sorts across documents by date."""
    tasks = {n: t for n, t in enumerate(doc.tasks, start=1)}
    in_task = _task_of(doc)
    rows = []
    for d in doc.deadlines:
        n = in_task.get(d.span)
        t = tasks.get(n) if n else None
        units = t.units if t else None
        rows.append({"文件": file_name(doc), "日期": d.date, "原文": d.text, "类型": word("deadline", d.kind, lang),
                     "任务号": n, "任务内容": content_of(t, doc) if t else "",
                     "责任单位": _join((*(units.lead), *(units.responsible))) if units else "", "页码": d.page})
    return rows


def finding_rows(doc: Document, lang: str = "zh") -> list[dict[str, object]]:
    """Each finding: what was stated, what was computed, where (in the message), and the sentence."""
    rows = []
    for f in doc.findings:
        expected = f.expected if isinstance(f.expected, int | float) or f.expected is None else str(f.expected)
        rows.append({"文件": file_name(doc), "类型": word("check", f.check, lang),
                     "级别": word("severity", f.severity, lang), "说明": finding_text(f, lang, doc),
                     "依据": f.evidence, "期望": expected, "报告值": f.reported,
                     "页码": doc.page_of(f.spans[0][0]) if f.spans else None, "公式": f.formula})
    return rows


def unit_rows(docs: list[Document]) -> list[dict[str, object]]:
    """按责任单位: each unit with how many tasks it leads, is responsible for, supports, and its first deadline."""
    acc: dict[str, dict[str, object]] = {}
    for doc in docs:
        for n, t in enumerate(doc.tasks, start=1):
            if not t.units:
                continue
            dates = [d.date for d in t.deadlines if d.date]
            for role, names in (("牵头", t.units.lead), ("负责", t.units.responsible), ("配合", t.units.support)):
                for name in dict.fromkeys(names):
                    r = acc.setdefault(name, {"单位名称": name, "任务数": 0, "牵头": 0, "负责": 0, "配合": 0,
                                              "最早时限": None, "任务号": []})
                    r[role] += 1  # type: ignore[operator]
                    ids = r["任务号"]
                    tag = f"{file_name(doc)}#{n}" if len(docs) > 1 else str(n)
                    if tag not in ids:  # type: ignore[operator]
                        ids.append(tag)  # type: ignore[union-attr]
                        r["任务数"] += 1  # type: ignore[operator]
                    if dates and (r["最早时限"] is None or min(dates) < r["最早时限"]):  # type: ignore[operator]
                        r["最早时限"] = min(dates)
    rows = sorted(acc.values(), key=lambda r: (-r["任务数"], r["单位名称"]))  # type: ignore[operator]
    for r in rows:
        r["任务号"] = "、".join(r["任务号"])  # type: ignore[arg-type]
    return rows


def goal_rows(goals: list, lang: str = "zh", status: set[str] | None = None) -> list[dict[str, object]]:
    """The goal table, 未完成 first (the order the goal check gives); ``status`` keeps only those statuses."""
    rows = []
    for g in goals:
        if status and g.status not in status:
            continue
        rows.append({"状态": word("status", g.status, lang), "指标": g.indicator, "目标": g.target_text,
                     "目标值": base_value(g.target) if g.target else None, "实际": g.actual_text or "",
                     "实际值": base_value(g.actual) if g.actual else None, "判定": g.expected or "",
                     "说明": g.note, "目标原文": g.target_sentence, "报告原文": g.actual_sentence})
    return rows


def doc_row(doc: Document, lang: str = "zh") -> dict[str, object]:
    m = doc.meta
    return {"文件": file_name(doc), "标题": m.title, "日期": m.date, "年份": m.year,
            "文字": word("script", m.script, lang), "类型": word("kind", m.kind, lang), "页数": m.pages,
            "任务数": len(doc.tasks), "核查数": len(doc.findings)}


def tech_rows(doc: Document, lang: str = "zh") -> list[dict[str, object]]:
    """Character offsets into the JSON's text, for those who check the extraction: not for staff."""
    rows = []
    for kind, items in (("任务", doc.tasks), ("指标", doc.quantities), ("时限", doc.deadlines)):
        for it in items:
            text = it.text if kind != "任务" else it.text.split("\n")[0][:60]
            rows.append({"文件": file_name(doc), "类型": header(kind, lang), "原文": text, "起": it.span[0],
                         "止": it.span[1], "页码": it.page})
    return rows


# --- cell hygiene -----------------------------------------------------------------------------


def clean_text(value: object) -> object:
    """Control characters (other than tab and line breaks) removed: spreadsheets refuse them."""
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    return value


def split_long(values: list[object], limit: int = MAX_CELL) -> list[list[object]]:
    """A row whose text cells are longer than a cell holds, as that row plus continuation rows: each cut
    piece ends with 〔续下行〕 and the next row's piece starts with 〔接上行〕, so nothing is lost unseen."""
    rows = [list(values)]
    room = limit - len(CONTINUED) - len(CONTINUATION)
    while any(isinstance(v, str) and len(v) > limit for v in rows[-1]):
        cur, nxt = rows[-1], [None] * len(values)
        for i, v in enumerate(cur):
            if isinstance(v, str) and len(v) > limit:
                cur[i], nxt[i] = v[:room] + CONTINUED, CONTINUATION + v[room:]
        rows.append(nxt)
    return rows


_FORMULA_START = ("=", "+", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet would run as a formula gets a leading quote (CSV has no cell types;
    XLSX writes such cells as text instead). A negative number (-3.2%) is not guarded."""
    value = clean_text(value)
    if isinstance(value, str) and (value.startswith(_FORMULA_START) or re.match(r"-[^\d.]", value)):
        return "'" + value
    return value


safe_cell = csv_cell  # the old name, kept for callers outside export/
