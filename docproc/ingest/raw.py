"""What a reader returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawDocument:
    text: str
    format: str
    page_starts: list[int] = field(default_factory=list)  # offsets in ``text`` where pages 2.. begin
    pages: int = 1
    tables: list[dict[str, Any]] = field(default_factory=list)  # {"page": n, "rows": [[cell, ...], ...]}
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None


def row_line(cells: list[str]) -> str:
    """A table row as the line every reader writes: ``a | b | c``; a row with one filled cell
    (a title or a ``单位:万元`` note spanning the table) is a plain line."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    filled = [c for c in cells if c]
    if len(filled) <= 1:
        return filled[0] if filled else ""
    return " | ".join(cells)
