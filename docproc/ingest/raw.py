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
