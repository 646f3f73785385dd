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
from functools import cache

from ..check.goals import Goal, match_goals, review_scope
from ..model import Document, Task
from ..patterns import YEAR
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


_YEARS = re.compile(rf"(?:{YEAR}|\d{{2,3}})(?:—|-|至)?(?:{YEAR})?年(?:度)?")


def _opened(title: str) -> str:
    """The title without its opening words (关于印发)."""
    text = title.strip()
    for w in sorted(lexicon()["title_openings"], key=len, reverse=True):
        if text.startswith(w):
            return text[len(w):].lstrip("《")
    return text.lstrip("《")


def _plain(title: str) -> str:
    """The title without years (2026年, 113年度) and opening words (关于印发)."""
    return _YEARS.sub("", _opened(title)).strip()


def _head(title: str, ends: list[str], longest: bool) -> str:
    L = lexicon()
    ends = sorted(ends, key=len, reverse=True)
    before_year = _YEARS.split(_opened(title), maxsplit=1)
    if longest and len(before_year) > 1 and before_year[0].endswith(tuple(ends)):
        return before_year[0]  # 上海市普陀区财政局2024年度…: the issuer is all that comes before the year
    text = _plain(title)[: int(L["issuer_reach"])]
    heads = [text[: m.end()] for end in ends for m in re.finditer(re.escape(end), text)
             if m.start() > 0 and text[m.end(): m.end() + 1] not in L["not_after_end"]]
    if not heads:
        return ""
    return max(heads, key=len) if longest else min(heads, key=len)


@cache
def region(title: str) -> str:
    """The region a title names first (上海市普陀区财政局… -> 上海市), or ''."""
    return _head(title, lexicon()["region_ends"], longest=False)


@cache
def issuer(title: str) -> str:
    """The body a title names at its head (上海市普陀区财政局, 青禾县), or ''."""
    return _head(title, lexicon()["issuer_ends"] + lexicon()["region_ends"], longest=True)


@cache
def _title_core(title: str) -> str:
    core = _plain(title)
    head = issuer(title)
    if head and core.startswith(head):
        core = core[len(head):]
    for w in sorted(lexicon()["title_stop"], key=len, reverse=True):
        core = core.replace(w, " ")
    return core


def _bigrams(text: str) -> set[str]:
    return {a + b for part in text.split() for a, b in zip(part, part[1:], strict=False)}


def title_overlap(a: str, b: str) -> float:
    """Dice share of the two titles' character pairs, their issuer, years and generic words left out."""
    x, y = _bigrams(_title_core(a)), _bigrams(_title_core(b))
    least = int(lexicon()["min_title_pairs"])
    if len(x) < least or len(y) < least:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))


def _same(a: str, b: str) -> bool | None:
    """True or False when both are named, None when one is not."""
    return (a == b) if a and b else None


def pair_documents(plans: list[StoredDoc], reports: list[StoredDoc], as_of: dt.date) -> list[Pair]:
    """Every (plan, report) pair the ledger reads; reports dated after the as-of date are not yet known.

    Two titles naming different regions or different issuing bodies are never paired; otherwise the
    titles' topic words must mostly agree, or the same issuer heads both and a target finds its result."""
    floor = float(lexicon()["min_title_overlap"])
    out = []
    for p in plans:
        pt = p.doc.meta.title
        for r in reports:
            if r.hash == p.hash or not _later(p.doc, r.doc):
                continue
            day = doc_day(r.doc)
            if r.doc.meta.date and day is not None and day > as_of:
                continue
            rt = r.doc.meta.title
            same_issuer = _same(issuer(pt), issuer(rt))
            if _same(region(pt), region(rt)) is False or same_issuer is False:
                continue
            overlap = title_overlap(pt, rt)
            if overlap < floor and not same_issuer:
                continue
            goals = tuple(match_goals(r.doc, [p.doc]))
            paired = sum(1 for g in goals if g.status in ("met", "missed"))
            if overlap >= floor:
                why = f"标题相近({overlap:.0%})"
            elif paired:
                why = f"同一发文单位({issuer(pt)}),{paired}项指标对应"
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
