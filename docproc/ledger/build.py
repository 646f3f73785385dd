"""The ledger itself: every task of every plan in a store, its deadline, status, progress and units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import Document, Task
from .load import StoredDoc, load_documents
from .names import UnitNames, matches, unit_key
from .pairing import Completion, Pair, completion_sentence, completions, doc_day, pair_documents, task_goals
from .status import STATUSES, Due, judge, status_label, task_due

SCHEMA = "docproc-ledger/1"
NO_UNIT = "未明确单位"


@dataclass
class Progress:
    """A target of the task and the latest figure a later report gives for the same indicator."""

    indicator: str
    target: float
    reported: float
    unit: str
    target_text: str
    reported_text: str
    met: bool
    report_source: str
    report_date: str | None

    def to_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "target": _num(self.target), "reported": _num(self.reported),
                "unit": self.unit, "target_text": self.target_text, "reported_text": self.reported_text,
                "met": self.met, "report_source": self.report_source, "report_date": self.report_date}


@dataclass
class Entry:
    """One row of the ledger: a task of a plan."""

    plan_source: str
    plan_title: str
    plan_date: str | None
    task_id: str
    content: str
    text: str
    section: tuple[str, ...]
    lead: list[str]
    responsible: list[str]
    support: list[str]
    units: list[str]  # lead and responsible units, as the ledger names them (aliases merged)
    due: Due | None
    status: str
    days_left: int | None
    done_by: dict[str, Any] | None = None
    progress: list[Progress] = field(default_factory=list)
    page: int | None = None

    @property
    def label(self) -> str:
        return status_label(self.status)

    @property
    def deadline(self) -> str:
        """2026-04-30(2026年4月底前) as people read it; the words alone when undated."""
        if self.due is None:
            return ""
        if self.due.date is None:
            return self.due.text
        return f"{self.due.date.isoformat()}({self.due.text})"

    def to_json(self) -> dict[str, Any]:
        due = None
        if self.due is not None:
            due = {"date": self.due.date.isoformat() if self.due.date else None, "text": self.due.text,
                   "kind": self.due.kind, "milestones": list(self.due.milestones)}
        return {
            "plan": {"source": self.plan_source, "title": self.plan_title, "date": self.plan_date},
            "task_id": self.task_id, "content": self.content, "text": self.text, "section": list(self.section),
            "units": {"lead": self.lead, "responsible": self.responsible, "support": self.support},
            "ledger_units": self.units, "deadline": due, "status": self.status, "label": self.label,
            "days_left": self.days_left, "done_by": self.done_by,
            "progress": [p.to_json() for p in self.progress], "page": self.page,
        }


@dataclass
class Ledger:
    as_of: dt.date
    days: int
    unit: str | None
    entries: list[Entry]
    by_unit: dict[str, dict[str, int]]
    pairs: list[dict[str, str]]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for e in self.entries if e.status == s) for s in STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA, "as_of": self.as_of.isoformat(), "days": self.days, "unit": self.unit,
            "counts": self.counts(), "labels": {s: status_label(s) for s in STATUSES},
            "by_unit": self.by_unit, "pairs": self.pairs, "tasks": [e.to_json() for e in self.entries],
        }


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else v


def build_ledger(store: str | Path, as_of: dt.date, unit: str | None = None, days: int = 30,
                 status: str | None = None) -> Ledger:
    """Read the store and judge every task of its plans on ``as_of``."""
    docs = load_documents(store)
    return ledger_of(docs, as_of, unit=unit, days=days, status=status)


def ledger_of(docs: list[StoredDoc], as_of: dt.date, unit: str | None = None, days: int = 30,
              status: str | None = None) -> Ledger:
    plans = [d for d in docs if d.kind in ("plan", "mixed")]
    reports = [d for d in docs if d.kind in ("report", "mixed")]
    pairs = pair_documents(plans, reports, as_of)
    names = UnitNames()
    done = {x.report.hash: completions(x.report.doc) for x in pairs}
    entries = []
    for p in plans:
        mine = sorted((x for x in pairs if x.plan.hash == p.hash), key=lambda x: _when(x.report.doc))
        for task in p.doc.tasks:
            entries.append(_entry(p.doc, task, mine, done, names, as_of, days))
    for e in entries:
        e.units = list(dict.fromkeys(names.shown(k) for k in e.units)) or [NO_UNIT]
    if unit:
        entries = [e for e in entries if any(matches(unit, k) for k in _keys(e))]
    if status:
        entries = [e for e in entries if e.status == status]
    by_unit: dict[str, dict[str, int]] = {}
    for e in entries:
        for name in e.units:
            if unit and not matches(unit, unit_key(name)):
                continue  # a filtered ledger counts the unit asked for, not its partners on the same tasks
            row = by_unit.setdefault(name, dict.fromkeys(STATUSES, 0))
            row[e.status] += 1
    by_unit = dict(sorted(by_unit.items(), key=lambda kv: (-kv[1]["overdue"], -kv[1]["due_soon"], kv[0])))
    shown_pairs = [{"plan": x.plan.doc.source, "report": x.report.doc.source, "why": x.why} for x in pairs]
    return Ledger(as_of, days, unit, entries, by_unit, shown_pairs)


def _keys(e: Entry) -> list[str]:
    return [unit_key(n) for n in e.lead + e.responsible]


def _when(doc: Document) -> str:
    day = doc_day(doc)
    return day.isoformat() if day else ""


def _entry(plan: Document, task: Task, pairs: list[Pair], done: dict[str, list[Completion]], names: UnitNames,
           as_of: dt.date, days: int) -> Entry:
    from ..export.ics import task_words

    content = task_words(plan, task)
    u = task.units
    lead, responsible, support = (list(u.lead), list(u.responsible), list(u.support)) if u else ([], [], [])
    keys = list(dict.fromkeys(names.add(n) for n in lead + responsible))
    due = task_due(plan, task, as_of)
    progress = _progress(task, pairs)
    done_by = None
    if due is None or due.kind != "recurring":
        for pair in reversed(pairs):  # the latest report first
            sentence = completion_sentence(done[pair.report.hash], content)
            if sentence:
                done_by = {"source": pair.report.doc.source, "date": pair.report.doc.meta.date, "sentence": sentence}
                break
        if done_by is None and progress and all(p.met for p in progress) and _all_targets_reported(task, progress):
            last = progress[-1]
            done_by = {"source": last.report_source, "date": last.report_date,
                       "sentence": f"{last.indicator}报告{last.reported_text},达到目标{last.target_text}"}
    code, left = judge(due, done_by is not None, as_of, days)
    return Entry(plan.source, plan.meta.title, plan.meta.date, task.id, content, task.text, task.section, lead,
                 responsible, support, keys, due, code, left, done_by, progress, task.page)


def _all_targets_reported(task: Task, progress: list[Progress]) -> bool:
    """Progress holds one row per target figure reported on: done needs every target of the task there."""
    return len(progress) >= sum(1 for q in task.quantities if q.role == "target")


def _progress(task: Task, pairs: list[Pair]) -> list[Progress]:
    """Per target figure of the task, the latest reported figure (pairs come oldest first)."""
    latest: dict[tuple[int, int], Progress] = {}
    for pair in pairs:
        for g in task_goals(task, pair.goals):
            assert g.target is not None and g.actual is not None
            latest[g.target.span] = Progress(
                g.indicator, g.target.value, g.actual.value, g.target.unit, g.target_text, g.actual_text or g.actual.text,
                g.status == "met", pair.report.doc.source, pair.report.doc.meta.date)
    return [latest[k] for k in sorted(latest)]
