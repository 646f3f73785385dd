"""The workbook staff receive (openpyxl): 说明, 任务, 指标, 时限, 按责任单位, 核查, 目标, 文档, 技术.

Every sheet prints: landscape A4 fitted to the page width with the header row repeated, a frozen header,
an autofilter, set column widths and wrapped text. Text from a document is written as text (never run as a
formula, and no guard quote shown); control characters are removed; a text longer than an Excel cell goes
on into continuation rows marked 〔续下行〕/〔接上行〕. Offsets into the JSON's text are on 技术 only.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from ..messages import header, word
from ..model import Document
from .rows import (
    DEADLINE_COLUMNS,
    DOC_COLUMNS,
    FIGURE_COLUMNS,
    FINDING_COLUMNS,
    GOAL_COLUMNS,
    TASK_COLUMNS,
    TECH_COLUMNS,
    UNIT_COLUMNS,
    clean_text,
    deadline_rows,
    doc_row,
    figure_rows,
    file_name,
    finding_rows,
    goal_rows,
    split_long,
    task_rows,
    tech_rows,
    unit_rows,
)

_WIDTH = {"任务内容": 48, "章节": 14, "指标": 16, "目标值": 14, "数字": 14, "数值": 13, "牵头单位": 13,
          "责任单位": 16, "配合单位": 13, "完成时限": 15, "说明": 60, "依据": 46, "文件": 14, "标题": 36,
          "原文": 14, "行标签": 18, "列标题": 14, "表格": 10, "来源表格": 10, "单位名称": 22, "任务号": 16,
          "目标原文": 40, "报告原文": 40, "判定": 16, "公式": 24, "内容": 90, "工作表": 12, "日期": 11,
          "最早时限": 11, "序号": 5, "页码": 5, "比较": 7, "单位": 6, "角色": 6, "级别": 6, "状态": 9, "类型": 9,
          "行数": 6, "任务数": 7, "牵头": 6, "负责": 6, "配合": 6}
_LINE_HEIGHT = 15.0  # points per line of 10-11 pt text
_DATE_COLUMNS = {"日期", "最早时限"}
_NUMBER_COLUMNS = {"数值", "目标值", "实际值", "期望", "报告值"}  # shown with thousands separators
TASK_SHEET = ["文件", *TASK_COLUMNS]


def _date(iso: object):
    try:
        return dt.date.fromisoformat(iso) if isinstance(iso, str) else iso
    except ValueError:
        return iso


def _sheet(wb, name: str, columns: list[str], rows: list[dict[str, object]], lang: str):
    """A sheet with a bold frozen header, filter, widths, wrapped text, and print setup."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(header(name, lang))
    ws.append([header(c, lang) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    numbers = {i + 1 for i, c in enumerate(columns) if c in _NUMBER_COLUMNS}
    row_number = 1  # counted here: ws.max_row scans every cell, so asking it per row made a sheet quadratic
    for row in rows:
        values = [_date(row.get(c)) if c in _DATE_COLUMNS else clean_text(row.get(c)) for c in columns]
        for piece in split_long(values):
            ws.append([None if v == "" else v for v in piece])
            row_number += 1
            for cell in ws[row_number]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text from a document is text, even when it starts with =
                    cell.alignment = wrap
                else:
                    cell.alignment = top
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                if isinstance(cell.value, int | float) and cell.column in numbers:
                    cell.number_format = "#,##0.####" if cell.value != int(cell.value) else "#,##0"
    widths = [_WIDTH.get(title, 12) for title in columns]
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    _fit_heights(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _print_setup(ws)
    return ws


def _lines(value: object, width: float) -> int:
    """Lines a wrapped cell takes: a Chinese character is two width units, other characters one."""
    if not isinstance(value, str):
        return 1
    room = max(1.0, width - 1)
    return sum(max(1, math.ceil(sum(2.2 if ord(ch) > 0x2E80 else 1.15 for ch in line) / room))
               for line in value.split("\n"))


def _fit_heights(ws, widths: list[float]) -> None:
    """Row heights for wrapped text (spreadsheet programs keep the stored height when they print)."""
    for row in ws.iter_rows():
        lines = max(_lines(c.value, widths[c.column - 1]) for c in row)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(409.0, _LINE_HEIGHT * lines + 2)


def _print_setup(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4


def _why_empty(sheet: str, docs: list[Document], lang: str) -> str:
    """Why a sheet has no rows, in words (a report has no tasks; a scanned file may have no text)."""
    if not docs:
        return "没有读到文件" if lang == "zh" else "no document was read"
    if sheet == "任务":
        kinds = {d.meta.kind for d in docs}
        if kinds == {"report"}:
            return ("报告类文件讲的是做了什么,一般不列待办任务;数字见“指标”,核对结果见“核查”" if lang == "zh" else
                    "a report says what was done and lists no tasks; see figures and findings")
        if all(not d.text.strip() for d in docs):
            return "文件里没有可读的文字(扫描件请确认已识别文字)" if lang == "zh" else "the files hold no readable text"
        return ("没有找到编号事项或责任单位,可能是整表排版或非任务类文件" if lang == "zh" else
                "no numbered items or responsible units were found")
    reasons = {"指标": ("文件里没有可度量的数字", "no figures in the files"),
               "时限": ("文件里没有完成时限或日期", "no deadlines in the files"),
               "按责任单位": ("没有任务写明责任单位", "no task names a responsible unit"),
               "核查": ("数字核对没有发现问题", "the checks found nothing wrong"),
               "目标": ("计划里没有量化目标可与报告对照", "the plan has no targets to compare")}
    zh, en = reasons.get(sheet, ("无", "none"))
    return zh if lang == "zh" else en


_ABOUT = {
    "任务": ("每项任务一行:任务内容、目标值(原文写法,含万/亿)、数值(换算为基本单位)、牵头/责任/配合单位、完成时限。一项任务有几个数字时每行一个。",
           "one row per task: content, targets as written and in base units, units, deadlines"),
    "指标": ("每个数字一行:原文、数字(含量级与比较词)、数值(基本单位)、比较、角色(目标/实际/基期/其他)、所在表格。",
           "one row per figure: as written, value in base unit, comparator, role, table cell"),
    "时限": ("每个时限一行,按日期排序,附所属任务与责任单位。", "one row per deadline, sorted by date, with its task"),
    "按责任单位": ("每个单位一行:牵头、负责、配合的任务数,最早时限,任务序号。", "one row per unit: counts and first deadline"),
    "核查": ("数字核对发现的问题:文中所述、按文中数字计算所得、所在页码段落、原句。", "what the checks found, stated vs computed"),
    "目标": ("计划目标与报告结果对照,未完成在前。", "plan targets against the report's results, missed first"),
    "文档": ("每个文件一行:标题、日期、年份、类型(计划/报告)、页数、任务数、核查数。", "one row per document"),
    "技术": ("供核对提取结果:每项在正文中的字符位置(起/止),与 JSON 输出一致。", "character offsets for checking"),
}


def _about_sheet(wb, counts: dict[str, int], docs: list[Document], lang: str) -> None:
    rows = []
    for name, n in counts.items():
        zh, en = _ABOUT[name]
        text = zh if lang == "zh" else en
        if n == 0:
            text += ("(本表为空:" if lang == "zh" else " (empty: ") + _why_empty(name, docs, lang) + (
                ")" if lang == "zh" else ")")
        rows.append({"工作表": header(name, lang), "行数": n, "内容": text})
    for d in docs:
        m = d.meta
        rows.append({"工作表": file_name(d), "行数": None,
                     "内容": f"{m.title or ''} · {word('kind', m.kind, lang)} · {m.year or word('misc', 'unknown', lang)}"})
    _sheet(wb, "说明", ["工作表", "行数", "内容"], rows, lang)


def _by_date(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return sorted(rows, key=lambda r: (r["日期"] is None, str(r["日期"] or ""), str(r["文件"])))


def to_xlsx(docs: list[Document], path: str | Path, goals: list | None = None, lang: str = "zh",
            status: set[str] | None = None) -> None:
    """Write the workbook; ``goals`` adds the 目标 sheet (``status`` keeps only those goal statuses)."""
    from openpyxl import Workbook

    sheets: dict[str, tuple[list[str], list[dict[str, object]]]] = {
        "任务": (TASK_SHEET, [{"文件": file_name(d), **r} for d in docs for r in task_rows(d, lang)]),
        "指标": (FIGURE_COLUMNS, [r for d in docs for r in figure_rows(d, lang)]),
        "时限": (DEADLINE_COLUMNS, _by_date([r for d in docs for r in deadline_rows(d, lang)])),
        "按责任单位": (UNIT_COLUMNS, unit_rows(docs)),
        "核查": (FINDING_COLUMNS, [r for d in docs for r in finding_rows(d, lang)]),
    }
    if goals is not None:
        sheets["目标"] = (GOAL_COLUMNS, goal_rows(goals, lang, status))
    sheets["文档"] = (DOC_COLUMNS, [doc_row(d, lang) for d in docs])
    sheets["技术"] = (TECH_COLUMNS, [r for d in docs for r in tech_rows(d, lang)])
    wb = Workbook()
    wb.remove(wb.active)
    _about_sheet(wb, {k: len(v[1]) for k, v in sheets.items()}, docs, lang)
    for name, (columns, rows) in sheets.items():
        _sheet(wb, name, columns, rows, lang)
    wb.active = wb.sheetnames.index(header("目标" if goals else "任务", lang))
    wb.save(str(path))


def goals_xlsx(goals: list, path: str | Path, lang: str = "zh", status: set[str] | None = None) -> None:
    """The goal table alone (未完成 first), as the workbook to hand on after ``check``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "目标", GOAL_COLUMNS, goal_rows(goals, lang, status), lang)
    wb.save(str(path))
