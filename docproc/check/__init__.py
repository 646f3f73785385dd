"""Checks on reported figures: internal arithmetic, and plan-versus-report goals."""

from __future__ import annotations

from ..model import Document


def check_document(doc: Document) -> Document:
    """Add internal-arithmetic findings to ``doc.findings``."""
    from .arithmetic import run_checks

    doc.findings, doc.check_stats = run_checks(doc)
    return doc
