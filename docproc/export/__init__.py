"""Renderers of the document object for people: CSV, XLSX, Markdown, HTML (JSON lives in the CLI).

Each takes ``lang`` (``zh`` by default, ``en``) and, for a check with goals, ``status``: the goal
statuses to keep (``missed``, ``met`` ...), 未完成 first either way.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Document

FORMATS = ("json", "jsonl", "csv", "xlsx", "md", "html")


def format_from_suffix(path: str | Path) -> str | None:
    """The format a file name asks for (.xlsx, .md, .markdown, .htm ...), or None when docproc writes no such file."""
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "htm") else None


def render_text(docs: list[Document], fmt: str, goals: list | None = None, lang: str = "zh",
                status: set[str] | None = None) -> str:
    """csv, md or html as a string."""
    if fmt == "csv":
        from .csv import to_csv

        return to_csv(docs, lang)
    if fmt == "md":
        from .markdown import to_markdown

        return to_markdown(docs, goals, lang, status)
    if fmt == "html":
        from .html import to_html

        return to_html(docs, goals, lang, status)
    raise ValueError(f"not a text format: {fmt}")


def write_xlsx(docs: list[Document], path: str | Path, goals: list | None = None, lang: str = "zh",
               status: set[str] | None = None) -> None:
    from .xlsx import to_xlsx

    to_xlsx(docs, path, goals, lang, status)


def strict_json(obj: object, indent: int | None = 1) -> str:
    """JSON that every parser reads: NaN and infinities (from a correction or a division) become null."""
    import json
    import math

    def finite(x: object) -> object:
        if isinstance(x, float) and not math.isfinite(x):
            return None
        if isinstance(x, dict):
            return {k: finite(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [finite(v) for v in x]
        return x

    return json.dumps(finite(obj), ensure_ascii=False, indent=indent, allow_nan=False)
