"""The 督办台账 workbook (openpyxl): a summary by unit, the overdue and due-soon tasks, targets against
what reports give, and every task; each sheet print-ready (header frozen and repeated on every page,
autofilter, landscape, fitted to the page width)."""

from __future__ import annotations

from pathlib import Path

from .build import Ledger
from .views import (
    PROGRESS_HEADER,
    TASK_HEADER,
    UNIT_HEADER,
    headline,
    progress_rows,
    progress_words,
    task_row,
    unit_rows,
    urgent,
)

URGENT_HEADER = ["状态", "任务内容", "牵头单位", "责任单位", "配合单位", "完成时限", "剩余天数", "进展", "计划文件"]
_WIDTH = {"任务内容": 48, "单位": 24, "牵头单位": 20, "责任单位": 24, "配合单位": 20, "完成时限": 26, "进展": 36,
          "完成依据": 40, "计划文件": 24, "计划标题": 30, "指标": 24, "报告文件": 24}


def write_xlsx(ledger: Ledger, path: str | Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheets = [
        ("单位汇总", UNIT_HEADER, unit_rows(ledger)),
        ("逾期及即将到期", URGENT_HEADER,
         [[e.label, e.content, "、".join(e.lead), "、".join(e.responsible), "、".join(e.support), e.deadline,
           e.days_left, progress_words(e), e.plan_source] for e in urgent(ledger)]),
        ("目标与报告", PROGRESS_HEADER, progress_rows(ledger)),
        ("全部任务", TASK_HEADER, [task_row(n, e) for n, e in enumerate(ledger.entries, start=1)]),
    ]
    for i, (title, header, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        _fill(ws, header, rows)
        _print_ready(ws, f"督办台账 · {title}", headline(ledger))
    wb.save(str(path))


def _fill(ws, header: list[str], rows: list[list[object]]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from ..export.rows import safe_cell

    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for k, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(k)].width = _WIDTH.get(name, 12)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(ws.max_row, 1)}"
    ws.freeze_panes = "A2"


def _print_ready(ws, title: str, footer: str) -> None:
    """The task workbook's page set-up (A4 landscape, fit to width, header row on every page), plus the
    ledger's title and date line on each printed page."""
    from ..export.xlsx import _print_setup

    _print_setup(ws)
    ws.oddHeader.center.text = title
    ws.oddFooter.left.text = footer
    ws.oddFooter.right.text = "第 &P 页,共 &N 页"
