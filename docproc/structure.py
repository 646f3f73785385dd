"""Headings, paragraphs and sentences, each with a span and a section path.

Item markers and their levels (a lower number is an outer level):

    一、 -> 1    (一) -> 2    1. / 1、 -> 3    (1) -> 4    ① -> 5
    一是 / 第一, / —— -> 6

A marked line is a heading for the lines below it until a marker of the same
or an outer level; the section path of a paragraph is the titles of those
headings, outermost first.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from .model import Document, Paragraph, Section, Sentence
from .patterns import YEAR

_CN = "一二三四五六七八九十"
MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^[{_CN}]{{1,3}}、")),
    (2, re.compile(rf"^\([{_CN}]{{1,3}}\)")),
    (3, re.compile(r"^\d{1,2}(?:、|\.(?!\d)|\.(?=\d{1,2}月))")),
    (4, re.compile(r"^\(\d{1,2}\)")),
    (5, re.compile(r"^[①-⑳]")),
    (6, re.compile(rf"^(?:[{_CN}]{{1,3}}是|第[{_CN}]{{1,3}}[,、:]|——|[{_CN}]{{1,3}}要)")),
]
_SENTENCE = re.compile(r"[^。!?;\n]+(?:[。!?;]+[”’」』)]?)?")
_TITLE_END = re.compile(r"[。;:]")


# every marker in one pattern, in the order of MARKERS: the first that matches names the level
_ANY_MARKER = re.compile("|".join(f"(?P<level{level}>{pat.pattern.removeprefix('^')})" for level, pat in MARKERS))


def marker_of(line: str) -> tuple[str, int] | None:
    m = _ANY_MARKER.match(line)
    if m is None:
        return None
    return m.group(), int(m.lastgroup.removeprefix("level"))  # type: ignore[union-attr]


def heading_title(text: str, marker: str) -> str:
    """The heading words of a marked line: up to the first full stop."""
    body = text[len(marker):]
    m = _TITLE_END.search(body)
    title = body[: m.start()] if m else body
    return (marker + title).strip()


_YEAR = re.compile(rf"({YEAR})\s*年")


@cache
def _cues() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...], re.Pattern[str]]:
    """The section cue words (lexicons/sections.yaml), compiled once: one search per list, not a loop
    over its words at every heading and clause."""
    from . import resources

    cues = resources.data("sections.yaml")
    words = [re.compile(resources.alternation(cues[key])) for key in ("report", "plan", "report_cues")]
    return words[0], words[1], tuple(cues["plan_cues"]), words[2]


def heading_kind(title: str, doc_year: int | None) -> str | None:
    """plan or report for a heading (二、2024年主要预期目标 / 一、2023年工作回顾), None when it says neither."""
    report_words, plan_words, _, _ = _cues()
    years = [int(y) for y in _YEAR.findall(title)]
    report = report_words.search(title) is not None
    plan = plan_words.search(title) is not None
    if years and doc_year:
        if max(years) < doc_year and not plan:
            return "report"
        if min(years) >= doc_year and plan and not report:
            return "plan"
    if report and not plan:
        return "report"
    if plan and not report:
        return "plan"
    return None


def sentence_texts(text: str) -> list[str]:
    """The sentences ``build`` would make of a text, as strings (for stages that run before it, so
    that both ask the token cache for the same strings)."""
    return [t for line in text.split("\n") for m in _SENTENCE.finditer(line) if (t := m.group().strip())]


_CLAUSE_END = re.compile(r"[。;,!?\n]")
_DONE = re.compile(r"\d|了|已")


def _content_kind(text: str) -> str | None:
    """plan or report from what a section's clauses do: 加快…/推进… open work to do; 增长…/完成了…/比上年
    tell work done. None when neither leads by the lexicon's ratio."""
    from . import resources

    cues = resources.data("sections.yaml")
    _, _, plan_cues, report_cues = _cues()
    clauses = [c.strip() for c in _CLAUSE_END.split(text) if c.strip()]
    plan = sum(1 for c in clauses if c.startswith(plan_cues))
    report = sum(1 for c in clauses if report_cues.search(c) and _DONE.search(c))
    ratio, least = cues["content_ratio"], cues["content_min"]
    if plan >= least and plan >= ratio * report:
        return "plan"
    if report >= least and report >= ratio * plan:
        return "report"
    return None


def _kinds_from_content(doc: Document) -> None:
    """Top-level sections whose heading names no kind, in a report or mixed document, take the kind their
    clauses show: a work report's middle section sets the year's work under a heading with neither cue."""
    if doc.meta.kind == "plan":
        return
    paras = doc.paragraphs
    starts = [i for i, p in enumerate(paras) if p.level == 1] + [len(paras)]
    for a, b in zip(starts, starts[1:], strict=False):
        head = paras[a]
        title = heading_title(head.text, head.marker or "")
        if heading_kind(title, doc.meta.year) is not None:
            continue
        kind = _content_kind("\n".join(p.text for p in paras[a:b]))
        if kind is None:
            continue
        for i in range(a + 1, b):  # the heading keeps its own (None) kind; what is under it takes the section's
            if paras[i].kind is None:
                paras[i] = replace(paras[i], kind=kind)


def _add_sentences(doc: Document, line: str, start: int, index: int) -> None:
    for m in _SENTENCE.finditer(line):
        text = m.group()
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        if text:
            s = start + m.start() + lead
            doc.sentences.append(Sentence(span=(s, s + len(text)), text=text, paragraph=index))


def build(doc: Document) -> None:
    """Fill ``doc.sections``, ``doc.paragraphs`` and ``doc.sentences`` from ``doc.text``.

    Each open heading keeps the section path and kind under it, so a line reads them off the innermost
    one instead of rebuilding them from all the open headings."""
    stack: list[tuple[int, tuple[str, ...], str | None]] = []  # level, and the path and kind under the heading
    pos = 0
    for line in doc.text.split("\n"):
        start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        found = marker_of(line)
        marker, level = found if found else (None, None)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
        section, kind = (stack[-1][1], stack[-1][2]) if stack else ((), None)
        doc.paragraphs.append(Paragraph(span=(start, start + len(line)), text=line, marker=marker, level=level,
                                        section=section, page=doc.page_of(start), kind=kind))
        if level is not None and marker is not None:
            title = heading_title(line, marker)
            doc.sections.append(Section(level=level, marker=marker, title=title, span=(start, start + len(title))))
            # the kind a heading names holds under it; else the kind of the headings around it
            stack.append((level, (*section, title), heading_kind(title, doc.meta.year) or kind))
        _add_sentences(doc, line, start, len(doc.paragraphs) - 1)
    _kinds_from_content(doc)
