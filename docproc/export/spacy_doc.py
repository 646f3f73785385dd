"""The document's annotations as spaCy ``Doc`` objects, written as a ``DocBin``.

Annotation and training tools (Prodigy, spaCy's own ``train``) read a ``DocBin``: each document becomes
a ``Doc`` over ``Document.text`` whose tokens are the pipeline's own jieba tokens (domain dictionary
loaded, see ``segment.spacy_doc``; no model is downloaded), with one span group per kind of item:

- ``quantities`` labelled with the figure's role (target, actual, baseline, other),
- ``deadlines`` labelled with the deadline's kind (by, asof, relative, recurring),
- ``units`` (responsible-unit clauses) labelled ``units``,
- ``tasks`` labelled ``task``.

A span is widened to whole tokens (``alignment_mode="expand"``) when an item starts or ends inside a
jieba word. ``doc.user_data["docproc"]`` keeps, per group and in the same order, what the label cannot
hold (value, unit, date, the named units), so the figures survive a round trip.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..model import Document
from ..segment import spacy_doc

GROUPS = ("quantities", "deadlines", "units", "tasks")


def _items(document: Document) -> dict[str, list[tuple[tuple[int, int], str, dict[str, Any]]]]:
    """Per group: ``(span, label, facts)`` for every item with a non-empty span."""
    # a correction made on the web page is a task's own deadline or units (rule "correction") over the task
    corrected_deadlines = [d for t in document.tasks for d in t.deadlines if d.rule == "correction"]
    corrected_units = [t.units for t in document.tasks if t.units is not None and t.units.rule == "correction"]
    groups: dict[str, list[tuple[tuple[int, int], str, dict[str, Any]]]] = {
        "quantities": [(q.span, q.role or "other", {"value": q.value, "unit": q.unit, "op": q.op,
                                                     "indicator": q.indicator, "rule": q.rule})
                       for q in document.quantities],
        "deadlines": [(d.span, d.kind, {"date": d.date, "rule": d.rule})
                      for d in [*document.deadlines, *corrected_deadlines]],
        "units": [(u.span, "units", {"lead": list(u.lead), "responsible": list(u.responsible),
                                     "support": list(u.support), "rule": u.rule})
                  for u in [*document.unit_clauses, *corrected_units] if not u.is_empty()],
        "tasks": [(t.span, "task", {"id": t.id}) for t in document.tasks],
    }
    return {name: [item for item in items if item[0][1] > item[0][0]] for name, items in groups.items()}


def to_spacy(document: Document) -> Any:
    """A ``Doc`` over ``document.text`` with the span groups above."""
    doc = spacy_doc(document.text)
    facts: dict[str, list[dict[str, Any]]] = {}
    for name, items in _items(document).items():
        spans, kept = [], []
        for (start, end), label, fact in items:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
                kept.append({"start": start, "end": end, **fact})
        doc.spans[name] = spans
        facts[name] = kept
    doc.user_data["docproc"] = {"source": document.source, "groups": facts}
    return doc


def write_docbin(documents: Iterable[Document], path: str | Path,
                 corrections: Iterable[list[dict[str, Any]]] | None = None) -> None:
    """All documents in one ``.spacy`` file (``DocBin``, span groups and user data kept). With
    ``corrections`` (one list per document, as the web page records them), the documents are the corrected
    ones and ``user_data["docproc"]["corrections"]`` says what people changed: data to train on."""
    from spacy.tokens import DocBin

    docbin = DocBin(store_user_data=True)
    fixes = list(corrections) if corrections is not None else None
    for i, document in enumerate(documents):
        doc = to_spacy(document)
        if fixes is not None:
            doc.user_data["docproc"]["corrections"] = fixes[i]
        docbin.add(doc)
    docbin.to_disk(path)
