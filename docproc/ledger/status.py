"""A task's deadline on the as-of date and its status: overdue, due_soon, open, done, no_deadline.

A task with dated deadlines is due on its last one (milestones before it are listed, not judged); a
recurring deadline (每季度, 每月5日前, 每年3月底前) is due on its next occurrence on or after the as-of
date, read from ``lexicons/ledger.yaml``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..model import Deadline, Document, Task

STATUSES = ("overdue", "due_soon", "open", "done", "no_deadline")


@cache
def lexicon() -> dict[str, Any]:
    from .. import resources

    return resources.data("ledger.yaml")


def status_label(code: str) -> str:
    """逾期 / 即将到期 / 进行中 / 已完成 / 无时限."""
    return lexicon()["status"].get(code, code)


@dataclass(frozen=True)
class Due:
    """When a task falls due: the date, the words that set it, and how (by | recurring | relative)."""

    date: dt.date | None
    text: str
    kind: str
    milestones: tuple[str, ...] = ()


def task_due(doc: Document, task: Task, as_of: dt.date) -> Due | None:
    """The deadline a ledger judges the task by, or None when it has none."""
    dated = sorted((d for d in task.deadlines if d.kind == "by" and d.date), key=lambda d: d.date or "")
    if dated:
        last = dated[-1]
        return Due(dt.date.fromisoformat(last.date or ""), last.text, "by",
                   tuple(d.date or "" for d in dated[:-1]))
    for d in task.deadlines:
        if d.kind == "recurring":
            nxt = next_occurrence(doc, d, as_of)
            if nxt is not None:
                return Due(nxt, _recurring_words(doc, d), "recurring")
    relative = [d for d in task.deadlines if d.kind == "relative"]
    if relative:
        return Due(None, relative[0].text, "relative")
    return None


_DAY = re.compile(r"^(?:的)?(\d{1,2})日")
_MONTH_DAY = re.compile(r"^(?:的)?(\d{1,2})月(?:(\d{1,2})日|底|末)?")
_AFTER_PERIOD = re.compile(r"^(?:末|结束)?(?:后|前)?(\d{1,2})(?:日|天|个工作日)内")


def _recurring_words(doc: Document, d: Deadline) -> str:
    tail = doc.text[d.span[1]: d.span[1] + 12]
    m = re.match(r"^[^,。;,;\n|]*?(?:前|内|底|末)", tail)
    return d.text + (m.group() if m and len(m.group()) <= 10 else "")


def next_occurrence(doc: Document, d: Deadline, as_of: dt.date) -> dt.date | None:
    """The first day on or after ``as_of`` that the recurring deadline ``d`` falls on."""
    period = next((p for w, p in sorted(lexicon()["recurring"].items(), key=lambda kv: -len(kv[0]))
                   if d.text.startswith(w) or d.text == w), None)
    if period is None:
        return None
    tail = doc.text[d.span[1]: d.span[1] + 12]
    if period == "month":
        m = _DAY.match(tail)
        return _monthly(as_of, int(m.group(1)) if m else None)
    if period == "year":
        m = _MONTH_DAY.match(tail)
        month = int(m.group(1)) if m and 1 <= int(m.group(1)) <= 12 else 12
        day = int(m.group(2)) if m and m.group(2) else None
        return _yearly(as_of, month, day)
    if period == "week":
        return as_of + dt.timedelta(days=(6 - as_of.weekday()) % 7)  # the week's last day
    if period == "dekad":
        for day in (10, 20):
            if as_of.day <= day:
                return as_of.replace(day=day)
        return _month_end(as_of.year, as_of.month)
    months = 3 if period == "quarter" else 6
    end = _period_end(as_of, months)
    m = _AFTER_PERIOD.match(tail)
    if m:  # 每季度结束后10日内: the report on the last period falls due after it
        prev = _period_end(end - dt.timedelta(days=months * 31), months)
        due = prev + dt.timedelta(days=int(m.group(1)))
        return due if due >= as_of else end + dt.timedelta(days=int(m.group(1)))
    return end


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _monthly(as_of: dt.date, day: int | None) -> dt.date:
    year, month = as_of.year, as_of.month
    for _ in range(2):
        last = calendar.monthrange(year, month)[1]
        due = dt.date(year, month, min(day, last) if day else last)
        if due >= as_of:
            return due
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return due


def _yearly(as_of: dt.date, month: int, day: int | None) -> dt.date:
    for year in (as_of.year, as_of.year + 1):
        last = calendar.monthrange(year, month)[1]
        due = dt.date(year, month, min(day, last) if day else last)
        if due >= as_of:
            return due
    return due


def _period_end(as_of: dt.date, months: int) -> dt.date:
    """The end of the quarter (months=3) or half year (6) that holds ``as_of``."""
    month = ((as_of.month - 1) // months + 1) * months
    return _month_end(as_of.year, month)


def judge(due: Due | None, done: bool, as_of: dt.date, days: int) -> tuple[str, int | None]:
    """The status code and the days left (negative when overdue)."""
    left = (due.date - as_of).days if due is not None and due.date is not None else None
    if done:
        return "done", left
    if left is None:
        return "no_deadline", None
    if left < 0:
        return "overdue", left
    if left <= days:
        return "due_soon", left
    return "open", left
