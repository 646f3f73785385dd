"""Which later reports speak of which plan, and what they say of its tasks.

A report is read against a plan when it is later (its date, else its year) and either their titles
share most of their words (青禾县城乡建设重点任务 in both) or they come from the same issuer and the
goal matching of ``check --against`` (``docproc.check.goals.match_goals``) pairs at least one of the
plan's targets with a result of the report. The goal table then gives each task's reported figures;
a report clause that ends in a completion word (已全面完成) and names the task says it is done.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..check.goals import Goal, match_goals, review_scope
from ..model import Document, Task
from .load import StoredDoc
from .status import lexicon


@dataclass(frozen=True)
class Pair:
    """A plan and a later report read against it, and why they were paired."""

    plan: StoredDoc
    report: StoredDoc
    why: str
    goals: tuple[Goal, ...]


def doc_day(doc: Document) -> dt.date | None:
    """The document's date, else the last day of its year (a report on a year speaks at its end)."""
    if doc.meta.date:
        try:
            return dt.date.fromisoformat(doc.meta.date)
        except ValueError:
            pass
    return dt.date(doc.meta.year, 12, 31) if doc.meta.year else None


def _later(plan: Document, report: Document) -> bool:
    if plan.meta.date and report.meta.date:
        return report.meta.date > plan.meta.date
    if plan.meta.year and report.meta.year:
        return report.meta.year >= plan.meta.year
    return False


def _title_core(title: str) -> str:
    core = re.sub(r"(?:19|20)\d{2}(?:—|-|至)?(?:(?:19|20)\d{2})?年(?:度)?", "", title)
    for w in sorted(lexicon()["title_stop"], key=len, reverse=True):
        core = core.replace(w, " ")
    return core


def _bigrams(text: str) -> set[str]:
    return {a + b for part in text.split() for a, b in zip(part, part[1:], strict=False)}


def title_overlap(a: str, b: str) -> float:
    """Share of the shorter title's character pairs (generic title words left out) found in the other."""
    x, y = _bigrams(_title_core(a)), _bigrams(_title_core(b))
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def issuer(title: str) -> str:
    """The issuer named at the head of a title (青禾县, 青禾县人民政府), or ''."""
    m = re.search(lexicon()["issuer_end"], title)
    head = title[: m.start()].strip() if m else ""
    return head if len(head) >= 2 else ""


def pair_documents(plans: list[StoredDoc], reports: list[StoredDoc], as_of: dt.date) -> list[Pair]:
    """Every (plan, report) pair the ledger reads; reports dated after the as-of date are not yet known."""
    floor = float(lexicon()["min_title_overlap"])
    out = []
    for p in plans:
        for r in reports:
            if r.hash == p.hash or not _later(p.doc, r.doc):
                continue
            day = doc_day(r.doc)
            if r.doc.meta.date and day is not None and day > as_of:
                continue
            overlap = title_overlap(p.doc.meta.title, r.doc.meta.title)
            same_issuer = bool(issuer(p.doc.meta.title)) and issuer(p.doc.meta.title) == issuer(r.doc.meta.title)
            if overlap < floor and not same_issuer:
                continue
            goals = tuple(match_goals(r.doc, [p.doc]))
            paired = sum(1 for g in goals if g.status in ("met", "missed"))
            if overlap >= floor:
                why = f"标题相近({overlap:.0%})"
            elif paired:
                why = f"同一发文单位({issuer(p.doc.meta.title)}),{paired}项指标对应"
            else:
                continue
            out.append(Pair(p, r, why, goals))
    return out


# --- what a report says of a task -------------------------------------------------------------------


def _key_of(task_words: str) -> str:
    """The task's subject: its words without figures and leading verbs (城东农贸市场升级改造)."""
    text = re.sub(r"[\d.]+[^\d,,。;;、|]{0,2}", "", task_words)
    verbs = sorted(lexicon()["task_verbs"], key=len, reverse=True)
    changed = True
    while changed:
        changed = False
        for v in verbs:
            if text.startswith(v):
                text, changed = text[len(v):], True
    return text


_CLAUSE_BREAK = re.compile(r"[,;。!?\n,;]")


@dataclass(frozen=True)
class Completion:
    """A report clause that says something is finished: the words before the completion word, and its sentence."""

    subject: frozenset[str]  # character pairs of the words before 已全面完成
    sentence: str


def completions(report: Document) -> list[Completion]:
    """Every clause of the report's review that ends in a completion word (read once per report)."""
    L = lexicon()
    words = sorted(L["done_words"], key=len, reverse=True)
    tails = tuple(sorted(L["done_tails"], key=len, reverse=True))
    scope = review_scope(report, report.meta.year) if report.meta.year else None
    out = []
    for s in report.sentences:
        if scope is not None and (s.paragraph in scope.plan_paragraphs or scope.mode_at(s.span[0]) == "other"):
            continue
        for clause in _CLAUSE_BREAK.split(s.text):
            at, word = _done_word(clause, words)
            if at < 0 or any(w in clause for w in L["partial_words"]):
                continue
            tail = clause[at + len(word):].strip()
            for t in tails:
                if tail.startswith(t):
                    tail = tail[len(t):]
            if not tail:  # 已完成前期设计, 已完成5座: a step or a figure, not the whole task
                out.append(Completion(frozenset(_bigrams(clause[:at])), s.text))
    return out


def completion_sentence(found: list[Completion], task_words: str) -> str | None:
    """The sentence among ``found`` that names the task (城东农贸市场升级改造已全面完成), or None."""
    key = _bigrams(_key_of(task_words))
    if not key:
        return None
    floor = float(lexicon()["min_overlap"])
    for c in found:
        if len(key & c.subject) / len(key) >= floor:
            return c.sentence
    return None


def _done_word(clause: str, words: list[str]) -> tuple[int, str]:
    for w in words:
        at = clause.find(w)
        if at >= 0:
            return at, w
    return -1, ""


def task_goals(task: Task, goals: tuple[Goal, ...]) -> list[Goal]:
    """The goal rows whose target figure lies in the task's text, with a reported figure."""
    return [g for g in goals if g.target is not None and g.actual is not None and g.status in ("met", "missed")
            and task.span[0] <= g.target.span[0] < task.span[1]]
