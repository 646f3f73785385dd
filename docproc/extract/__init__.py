"""Extraction, one module per construction: numbers, quantities, deadlines, units, tasks."""

from __future__ import annotations

from ..model import Document
from .deadlines import cell_deadlines, extract_deadlines
from .doers import prose_doers, with_prose_doers
from .quantities import extract_quantities
from .table_cells import add_table_quantities
from .tasks import build_tasks, deadline_cells
from .units import extract_unit_clauses

__all__ = ["extract_all", "extract_deadlines", "extract_quantities", "extract_unit_clauses", "build_tasks"]


def extract_all(doc: Document) -> Document:
    """Fill quantities, deadlines, unit clauses and tasks (deadlines read the quantities)."""
    doc.quantities = add_table_quantities(doc, extract_quantities(doc))
    doc.deadlines = extract_deadlines(doc)
    cells = [span for table in doc.tables if table.kind == "tasks" for span in deadline_cells(table)]
    if cells:
        doc.deadlines = sorted(doc.deadlines + cell_deadlines(doc, cells, doc.deadlines), key=lambda d: d.span)
    # a figure inside a deadline (印发后3个月内) is part of the time limit, not a quantity
    relative = [d.span for d in doc.deadlines if d.kind == "relative" or d.rule == "deadline.relative"]
    if relative:
        import bisect

        starts = [s for s, _ in relative]

        def inside(q) -> bool:
            i = bisect.bisect_right(starts, q.span[0]) - 1
            return i >= 0 and q.span[1] <= relative[i][1]

        doc.quantities = [q for q in doc.quantities if not inside(q)]
    doc.unit_clauses = with_prose_doers(extract_unit_clauses(doc), prose_doers(doc))
    doc.tasks = build_tasks(doc)
    return doc
