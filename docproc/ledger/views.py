"""The ledger for people: Markdown, CSV, iCalendar (the 督办台账 workbook is in ``xlsx.py``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from .build import Entry, Ledger
from .status import STATUSES, status_label

TASK_HEADER = ["序号", "状态", "任务内容", "牵头单位", "责任单位", "配合单位", "完成时限", "剩余天数", "进展",
               "完成依据", "计划文件", "计划标题"]
UNIT_HEADER = ["单位", *(status_label(s) for s in STATUSES), "合计"]
PROGRESS_HEADER = ["任务内容", "指标", "目标", "报告值", "是否达标", "报告文件", "报告日期"]


def progress_words(e: Entry) -> str:
    """充电桩:目标12个,报告9个 (one line per target)."""
    return ";".join(f"{p.indicator}:目标{p.target_text},报告{p.reported_text}" for p in e.progress)


def task_row(n: int, e: Entry) -> list[object]:
    return [n, e.label, e.content, "、".join(e.lead), "、".join(e.responsible), "、".join(e.support), e.deadline,
            "" if e.days_left is None else e.days_left, progress_words(e),
            (e.done_by or {}).get("sentence", ""), e.plan_source, e.plan_title]


def unit_rows(ledger: Ledger) -> list[list[object]]:
    return [[name, *(row[s] for s in STATUSES), sum(row.values())] for name, row in ledger.by_unit.items()]


def progress_rows(ledger: Ledger) -> list[list[object]]:
    return [[e.content, p.indicator, p.target_text, p.reported_text, "是" if p.met else "否", p.report_source,
             p.report_date or ""] for e in ledger.entries for p in e.progress]


def urgent(ledger: Ledger) -> list[Entry]:
    """Overdue tasks (longest overdue first), then those due soon (soonest first)."""
    rows = [e for e in ledger.entries if e.status in ("overdue", "due_soon")]
    return sorted(rows, key=lambda e: (e.status != "overdue", e.days_left if e.days_left is not None else 0))


def headline(ledger: Ledger) -> str:
    c = ledger.counts()
    parts = ",".join(f"{status_label(s)}{c[s]}项" for s in STATUSES if c[s])
    scope = f"(单位:{ledger.unit})" if ledger.unit else ""
    return f"截至{ledger.as_of.isoformat()}{scope},共{len(ledger.entries)}项任务:{parts or '无'}。"


def _md_cell(v: object) -> str:
    return str(v).replace("|", "\\|").replace("\n", " ")


def _md_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def to_markdown(ledger: Ledger) -> str:
    out = [f"# 督办台账({ledger.as_of.isoformat()})", "", headline(ledger), "", "## 按单位汇总", "",
           _md_table(UNIT_HEADER, unit_rows(ledger)), ""]
    soon = urgent(ledger)
    out += [f"## 逾期及即将到期({ledger.days}天内)", ""]
    out += [_md_table(["状态", "任务内容", "牵头单位", "责任单位", "完成时限", "剩余天数"],
                      [[e.label, e.content, "、".join(e.lead), "、".join(e.responsible), e.deadline, e.days_left]
                       for e in soon]) if soon else "无。", ""]
    prog = progress_rows(ledger)
    out += ["## 目标与报告", ""]
    out += [_md_table(PROGRESS_HEADER, prog) if prog else "后续报告中未找到对应的指标。", ""]
    out += ["## 全部任务", "", _md_table(["序号", "状态", "任务内容", "牵头单位", "责任单位", "完成时限", "进展"],
                                       [[n, e.label, e.content, "、".join(e.lead), "、".join(e.responsible),
                                         e.deadline, progress_words(e) or (e.done_by or {}).get("sentence", "")]
                                        for n, e in enumerate(ledger.entries, start=1)]), ""]
    if ledger.pairs:
        out += ["计划与报告的对应:" + ";".join(f"{Path(p['report']).name} → {Path(p['plan']).name}({p['why']})"
                                        for p in ledger.pairs), ""]
    return "\n".join(out)


def to_csv(ledger: Ledger) -> str:
    """The task rows, UTF-8 with BOM (opens right in Excel and WPS); formula-like cells written as text."""
    from ..export.rows import safe_cell

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(TASK_HEADER)
    for n, e in enumerate(ledger.entries, start=1):
        writer.writerow([safe_cell(c) for c in task_row(n, e)])
    return "\ufeff" + buf.getvalue()


def to_ics(ledger: Ledger) -> bytes:
    """One event per task with a dated deadline (a recurring one on its next occurrence)."""
    from ..export.ics import Event, event_key, summary
    from ..export.ics import to_ics as write

    events = []
    for e in ledger.entries:
        if e.due is None or e.due.date is None:
            continue
        units = ";".join(x for x in (f"牵头:{'、'.join(e.lead)}" if e.lead else "",
                                     f"责任:{'、'.join(e.responsible)}" if e.responsible else "") if x)
        text = (f"状态:{e.label}\n时限:{e.deadline}\n原文:{e.text}\n文件:{e.plan_title or e.plan_source}"
                f"({e.plan_source})")
        events.append(Event(e.due.date, summary(e.content, units), text,
                            event_key(e.plan_source, e.task_id, e.due.date.isoformat())))
    stamp = dt.datetime.combine(ledger.as_of, dt.time(), tzinfo=dt.timezone.utc)
    return write(events, name=f"督办台账 {ledger.as_of.isoformat()}", stamp=stamp)
