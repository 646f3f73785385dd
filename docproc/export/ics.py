"""Deadlines as an iCalendar file (RFC 5545, through the ``icalendar`` package): one all-day event per
dated deadline, so staff can import a plan's time limits into Outlook, WPS or a phone calendar.

The summary is the task's short content and its units; the description holds the source sentence and
the document. UIDs are stable (a hash of document, task and date), so importing again updates events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from ..model import Deadline, Document, Task
from .rows import row_content, task_content

_SHORT = 40


@dataclass(frozen=True)
class Event:
    """One all-day event: the day a deadline falls on and what is due."""

    day: dt.date
    summary: str
    description: str
    key: str  # what makes the event one and the same across exports (document, task, deadline)


def task_words(doc: Document, task: Task) -> str:
    """The task in a few words: a table row's content cells, else the task text up to its first clause end."""
    if task.table is not None:
        words = row_content(doc, task.table)
        if words:
            return words
    text = task_content(task).split("\n")[0].strip()
    text = re.sub(r"^(?:\d+[.、.]|[一二三四五六七八九十]+[、是]|[((][一二三四五六七八九十\d]+[))])\s*", "", text)
    return text


def short(text: str, limit: int = _SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def units_words(task: Task) -> str:
    """牵头:县交通局;责任:县财政局 (empty when the task names no unit)."""
    u = task.units
    if u is None:
        return ""
    parts = [f"{label}:{'、'.join(names)}" for label, names in (("牵头", u.lead), ("责任", u.responsible),
                                                                   ("配合", u.support)) if names]
    return ";".join(parts)


def summary(content: str, units: str) -> str:
    return short(content) + (f"({units})" if units else "")


def _sentence(doc: Document, span: tuple[int, int]) -> str:
    for s in doc.sentences:
        if s.span[0] <= span[0] < s.span[1]:
            return s.text
    start = doc.text.rfind("\n", 0, span[0]) + 1
    end = doc.text.find("\n", span[1])
    return doc.text[start: end if end >= 0 else len(doc.text)]


def describe(sentence: str, doc: Document, deadline_text: str) -> str:
    title = doc.meta.title or doc.source
    sentence = sentence.replace("|", " | ")  # a table row, as its cells
    return f"时限:{deadline_text}\n原文:{sentence}\n文件:{title}({doc.source})"


def event_key(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def document_events(doc: Document) -> list[Event]:
    """One event per dated deadline of the document (status dates of reports, 截至…, are no deadlines)."""
    in_task: dict[tuple[int, int], Task] = {d.span: t for t in doc.tasks for d in t.deadlines}
    out = []
    for d in doc.deadlines:
        day = _day(d)
        if day is None:
            continue
        task = in_task.get(d.span)
        sentence = _sentence(doc, d.span)
        text = summary(task_words(doc, task), units_words(task)) if task is not None else short(sentence)
        out.append(Event(day, text, describe(sentence, doc, d.text),
                         event_key(doc.source, task.id if task else "", d.text, str(d.span[0]), day.isoformat())))
    return out


def _day(d: Deadline) -> dt.date | None:
    if d.kind not in ("by", "recurring") or not d.date:
        return None
    try:
        return dt.date.fromisoformat(d.date)
    except ValueError:
        return None


def to_ics(events: list[Event], name: str = "docproc 完成时限", stamp: dt.datetime | None = None) -> bytes:
    """The calendar file: VCALENDAR with one all-day VEVENT per event (lines folded, text escaped)."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    stamp = stamp or dt.datetime.now(dt.timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//docproc//deadlines//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for e in events:
        ev = VEvent()
        ev.add("uid", f"{e.key}@docproc")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", e.day)
        ev.add("dtend", e.day + dt.timedelta(days=1))
        ev.add("summary", e.summary)
        ev.add("description", e.description)
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def documents_ics(docs: list[Document]) -> bytes:
    return to_ics([e for doc in docs for e in document_events(doc)])
