"""Typed results. Every item has a half-open ``span`` into ``Document.text``.

Items are frozen: a stage that refines an item makes a new one with
``dataclasses.replace``. ``Document`` is the container each stage fills in.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]

SCHEMA = "docproc/1"


@dataclass(frozen=True)
class Section:
    """A heading: its marker level (1 = 一、, 2 = (一), ...) and the heading text."""

    level: int
    marker: str
    title: str
    span: Span


@dataclass(frozen=True)
class Paragraph:
    """A line of body text, with the item marker it starts with (if any) and its section path."""

    span: Span
    text: str
    marker: str | None
    level: int | None
    section: tuple[str, ...]
    page: int | None = None
    kind: str | None = None  # plan | report, from the section headings; None: the document's kind holds


@dataclass(frozen=True)
class Sentence:
    span: Span
    text: str
    paragraph: int  # index into Document.paragraphs


@dataclass(frozen=True)
class Cell:
    """One table cell: its text and its span in ``Document.text`` (empty cells have an empty span)."""

    text: str
    span: Span
    row: int
    col: int


@dataclass(frozen=True)
class Column:
    """What one column of a table holds, decided once when the table is built (``table_columns.py``).

    ``kind`` is what its cells are: ``id`` (序号, codes), ``unit`` (a 计量单位 column), ``label`` (the row
    label), ``figure`` or ``text``. ``duty`` is what the column says about a task row: ``task`` (its
    content), ``lead``/``responsible``/``support`` (units), ``deadline`` (完成时限), ``weight`` (权重) or
    None. ``role`` comes from the header (目标 -> target, 完成 -> actual, 上年 -> baseline); ``unit`` is the
    unit written in the header (金额(万元) -> 万元); ``measure`` the header's words naming the measure;
    ``percent``: growth, share, completion or rate figures.
    """

    index: int
    header: str
    kind: str
    duty: str | None = None
    role: str | None = None
    unit: str | None = None
    measure: str = ""
    year: int | None = None
    percent: bool = False


@dataclass(frozen=True)
class TableRef:
    """Where an item sits in a table: which table, which row, the row label and the column header."""

    table: int
    row: int
    row_label: str = ""
    column: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"index": self.table, "row": self.row, "row_label": self.row_label, "column": self.column}


@dataclass(frozen=True)
class Table:
    """A table found in the text: rows of cells, its header rows, caption and unit line.

    ``columns`` are the header labels per column (two header rows joined);
    ``unit_note`` is the magnitude/unit the table states for bare figures
    (``单位:万元`` -> ``万元``); ``kind`` is ``tasks`` for a task-division table.
    """

    index: int
    span: Span
    rows: tuple[tuple[Cell, ...], ...]
    header_rows: int
    columns: tuple[str, ...]
    caption: str = ""
    unit_note: str = ""
    kind: str = "data"
    page: int | None = None
    column_types: tuple[Column, ...] = ()
    merged: frozenset[tuple[int, int]] = frozenset()  # (row, col) cells covered by a merged cell above
    from_grid: bool = False  # the reader handed over the grid, so ``merged`` is known (HTML, DOCX)

    @property
    def body(self) -> tuple[tuple[Cell, ...], ...]:
        return self.rows[self.header_rows:]

    def to_json(self) -> dict[str, Any]:
        out = {
            "index": self.index,
            "span": list(self.span),
            "kind": self.kind,
            "caption": self.caption,
            "unit_note": self.unit_note,
            "columns": list(self.columns),
            "column_kinds": [c.duty or c.kind for c in self.column_types],
            "header_rows": self.header_rows,
            "rows": [[list(c.span) for c in row] for row in self.rows],
        }
        if self.page is not None:
            out["page"] = self.page
        return out


@dataclass(frozen=True)
class Quantity:
    text: str
    value: float
    unit: str
    op: str
    role: str
    indicator: str
    span: Span
    rule: str = ""
    page: int | None = None
    table: TableRef | None = None

    def to_json(self) -> dict[str, Any]:
        out = {
            "text": self.text,
            "value": _num(self.value),
            "unit": self.unit,
            "op": self.op,
            "indicator": self.indicator,
            "role": self.role,
            "span": list(self.span),
            "rule": self.rule,
        }
        if self.page is not None:
            out["page"] = self.page
        if self.table is not None:
            out["table"] = self.table.to_json()
        return out


@dataclass(frozen=True)
class Deadline:
    text: str
    date: str | None
    kind: str  # by | asof | relative | recurring
    span: Span
    rule: str = ""
    page: int | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"text": self.text, "date": self.date, "kind": self.kind, "span": list(self.span), "rule": self.rule}
        if self.page is not None:
            out["page"] = self.page
        return out


@dataclass(frozen=True)
class UnitClause:
    """A responsible-unit clause: who leads, who is responsible, who supports."""

    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    support: tuple[str, ...]
    span: Span
    rule: str = ""
    covers_following: bool = False

    def is_empty(self) -> bool:
        return not (self.lead or self.responsible or self.support)


@dataclass(frozen=True)
class Task:
    id: str
    section: tuple[str, ...]
    text: str
    span: Span
    page: int | None
    units: UnitClause | None
    deadlines: tuple[Deadline, ...]
    quantities: tuple[Quantity, ...]
    table: TableRef | None = None

    def to_json(self) -> dict[str, Any]:
        u = self.units
        out = {
            "id": self.id,
            "section": list(self.section),
            "text": self.text,
            "span": list(self.span),
            "page": self.page,
            "units": {
                "lead": list(u.lead) if u else [],
                "responsible": list(u.responsible) if u else [],
                "support": list(u.support) if u else [],
            },
            "unit_rule": u.rule if u else None,
            "deadlines": [d.to_json() for d in self.deadlines],
            "quantities": [q.to_json() for q in self.quantities],
        }
        if self.table is not None:
            out["table"] = self.table.to_json()
        return out


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str  # error | warning | info
    message: str
    evidence: str
    spans: tuple[Span, ...]
    expected: Any = None
    reported: Any = None
    formula: str = ""
    code: str = ""  # the message code of lexicons/messages.yaml (sum.parts, growth.level ...)
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        from .messages import finding_text

        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "message_zh": finding_text(self, "zh"),
            "code": self.code,
            "evidence": self.evidence,
            "spans": [list(s) for s in self.spans],
            "expected": self.expected,
            "reported": self.reported,
            "formula": self.formula,
        }


@dataclass
class DocMeta:
    title: str = ""
    date: str | None = None
    year: int | None = None
    script: str = "simplified"
    kind: str = "report"
    pages: int = 1


@dataclass
class Document:
    """One input document as it moves through the pipeline."""

    source: str
    text: str
    meta: DocMeta
    source_text: str = ""
    offsets: list[int] = field(default_factory=list)  # text index -> source_text index
    page_starts: list[int] = field(default_factory=list)  # text offsets where pages 2.. start
    raw_tables: list[dict[str, Any]] = field(default_factory=list)  # as the reader saw them (PDF/DOCX grids)
    tables: list[Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    unit_clauses: list[UnitClause] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    check_stats: dict[str, Any] = field(default_factory=dict)
    _para_starts: list[int] = field(default_factory=list, repr=False)

    def kind_at(self, offset: int) -> str:
        """plan or report for the text at ``offset``: its section's kind, else the document's."""
        if len(self._para_starts) != len(self.paragraphs):
            self._para_starts = [p.span[0] for p in self.paragraphs]
        i = bisect.bisect_right(self._para_starts, offset) - 1
        if 0 <= i < len(self.paragraphs) and self.paragraphs[i].kind:
            return self.paragraphs[i].kind
        return self.meta.kind

    def page_of(self, offset: int) -> int:
        """1-based page of a text offset (1 for non-paged input)."""
        return 1 + bisect.bisect_right(self.page_starts, offset)

    def source_span(self, span: Span) -> Span:
        """Map a span of ``text`` back to ``source_text``."""
        if not self.offsets:
            return span
        start, end = span
        s = self.offsets[start] if start < len(self.offsets) else len(self.source_text)
        e = self.offsets[end - 1] + 1 if end - 1 < len(self.offsets) and end > start else s
        return (s, e)

    def to_json(self, explain: bool = True) -> dict[str, Any]:
        out = {
            "schema": SCHEMA,
            "source": self.source,
            "doc": asdict(self.meta),
            "text": self.text,
            "tasks": [t.to_json() for t in self.tasks],
            "quantities": [q.to_json() for q in self.quantities],
            "deadlines": [d.to_json() for d in self.deadlines],
            "findings": [f.to_json() for f in self.findings],
        }
        if self.tables:
            out["tables"] = [t.to_json() for t in self.tables]
        if self.warnings:
            out["warnings"] = list(self.warnings)
        if self.check_stats:
            out["check_stats"] = self.check_stats
        if not explain:
            _strip_rules(out)
        return out


def _strip_rules(obj: Any) -> None:
    if isinstance(obj, dict):
        obj.pop("rule", None)
        obj.pop("unit_rule", None)
        for v in obj.values():
            _strip_rules(v)
    elif isinstance(obj, list):
        for v in obj:
            _strip_rules(v)


def _num(v: float) -> float | int:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return int(v)
    return round(v, 6) if isinstance(v, float) else v
