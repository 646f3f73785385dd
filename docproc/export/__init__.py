"""Renderers of the document object for people: CSV, XLSX, Markdown, HTML (JSON lives in the CLI)."""

from __future__ import annotations

from pathlib import Path

from ..model import Document

FORMATS = ("json", "jsonl", "csv", "xlsx", "md", "html")


def format_from_suffix(path: str | Path) -> str | None:
    suffix = Path(path).suffix.lower().lstrip(".")
    return {"markdown": "md", "htm": "html"}.get(suffix, suffix) if suffix in (*FORMATS, "markdown", "htm") else None


def render_text(docs: list[Document], fmt: str, goals: list | None = None) -> str:
    """csv, md or html as a string."""
    if fmt == "csv":
        from .csv import to_csv

        return to_csv(docs)
    if fmt == "md":
        from .markdown import to_markdown

        return to_markdown(docs, goals)
    if fmt == "html":
        from .html import to_html

        return to_html(docs, goals)
    raise ValueError(f"not a text format: {fmt}")


def write_xlsx(docs: list[Document], path: str | Path, goals: list | None = None) -> None:
    from .xlsx import to_xlsx

    to_xlsx(docs, path, goals)
