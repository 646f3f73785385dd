"""XLSX workbook (openpyxl): 任务, 指标, 时限, 核查, 文档 sheets; several documents share one workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import Document
from .rows import TASK_COLUMNS, safe_cell, table_place, task_rows

_WIDTH = {"任务内容": 60, "章节": 30, "指标": 24, "牵头单位": 20, "责任单位": 30, "配合单位": 20, "完成时限": 24,
          "说明": 60, "依据": 60, "文件": 28, "标题": 40, "原文": 16, "行标签": 24, "列标题": 16, "表格": 14,
          "来源表格": 14}


def _date(iso: str | None):
    return dt.date.fromisoformat(iso) if iso else None


def to_xlsx(docs: list[Document], path: str | Path, goals: list | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    sheets = {
        "任务": ["文件", *TASK_COLUMNS],
        "指标": ["文件", "原文", "数值", "单位", "比较", "角色", "指标", "起", "止", "页码", "表格", "行标签", "列标题"],
        "时限": ["文件", "原文", "日期", "类型", "起", "止", "页码"],
        "核查": ["文件", "类型", "级别", "说明", "依据", "期望", "报告值", "公式"],
        "文档": ["文件", "标题", "日期", "年份", "文字", "类型", "页数", "任务数", "核查数"],
    }
    if goals:
        sheets["目标"] = ["指标", "目标", "目标值", "实际", "实际值", "状态", "判定", "目标原文", "报告原文", "说明"]
    ws_by_name = {}
    for i, (name, header) in enumerate(sheets.items()):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = name
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for col, title in enumerate(header, start=1):
            ws.column_dimensions[ws.cell(1, col).column_letter].width = _WIDTH.get(title, 12)
        ws_by_name[name] = ws
    for doc in docs:
        for row in task_rows(doc):
            ws_by_name["任务"].append([doc.source] + [row[c] for c in TASK_COLUMNS])
        for q in doc.quantities:
            ref = q.table
            ws_by_name["指标"].append([doc.source, q.text, q.value, q.unit, q.op, q.role, q.indicator, q.span[0],
                                      q.span[1], q.page, table_place(ref), ref.row_label if ref else None,
                                      ref.column if ref else None])
        for d in doc.deadlines:
            ws_by_name["时限"].append([doc.source, d.text, _date(d.date), d.kind, d.span[0], d.span[1], d.page])
        for f in doc.findings:
            expected = f.expected if isinstance(f.expected, int | float) or f.expected is None else str(f.expected)
            ws_by_name["核查"].append([doc.source, f.check, f.severity, f.message, f.evidence, expected,
                                      f.reported, f.formula])
        m = doc.meta
        ws_by_name["文档"].append([doc.source, m.title, _date(m.date), m.year, m.script, m.kind, m.pages,
                                  len(doc.tasks), len(doc.findings)])
    for g in goals or []:
        ws_by_name["目标"].append([g.indicator, g.target_text, g.target.value if g.target else None,
                                  g.actual_text or None, g.actual.value if g.actual else None, g.label,
                                  g.expected, g.target_sentence, g.actual_sentence, g.note])
    for ws in ws_by_name.values():
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    cell.value = safe_cell(cell.value)  # text from a document is never a formula
                    cell.data_type = "s"
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, str):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.save(str(path))
