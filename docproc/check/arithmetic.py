"""Internal arithmetic checks (sum, share, completion, growth, conflict, unit)."""

from __future__ import annotations

from typing import Any

from ..model import Document, Finding


def run_checks(doc: Document) -> tuple[list[Finding], dict[str, Any]]:
    return [], {"relations_checked": 0, "unchecked_statements": 0}
