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

from .model import Document, Paragraph, Section, Sentence

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


def marker_of(line: str) -> tuple[str, int] | None:
    for level, pat in MARKERS:
        m = pat.match(line)
        if m:
            return m.group(), level
    return None


def heading_title(text: str, marker: str) -> str:
    """The heading words of a marked line: up to the first full stop."""
    body = text[len(marker):]
    m = _TITLE_END.search(body)
    title = body[: m.start()] if m else body
    return (marker + title).strip()


def build(doc: Document) -> None:
    """Fill ``doc.sections``, ``doc.paragraphs`` and ``doc.sentences`` from ``doc.text``."""
    stack: list[tuple[int, str]] = []
    pos = 0
    for line in doc.text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        found = marker_of(line)
        marker, level = found if found else (None, None)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
        section = tuple(title for _, title in stack)
        para = Paragraph(
            span=(start, end), text=line, marker=marker, level=level, section=section, page=doc.page_of(start)
        )
        doc.paragraphs.append(para)
        if level is not None and marker is not None:
            title = heading_title(line, marker)
            doc.sections.append(Section(level=level, marker=marker, title=title, span=(start, start + len(title))))
            stack.append((level, title))
        index = len(doc.paragraphs) - 1
        for m in _SENTENCE.finditer(line):
            s, e = m.span()
            text = m.group()
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            if text:
                doc.sentences.append(Sentence(span=(start + s + lead, start + s + lead + len(text)), text=text, paragraph=index))
