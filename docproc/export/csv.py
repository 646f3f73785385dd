"""CSV of the task table (or of the goal table), UTF-8 with a BOM so that Excel and WPS open it right."""

from __future__ import annotations

import csv
import io

from ..messages import header
from ..model import Document
from .rows import GOAL_COLUMNS, TASK_COLUMNS, csv_cell, file_name, goal_rows, split_long, task_rows


def _write(columns: list[str], rows: list[dict[str, object]], lang: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header(c, lang) for c in columns])
    for row in rows:
        for piece in split_long([row.get(c) for c in columns]):
            writer.writerow(["" if v is None else csv_cell(v) for v in piece])
    return "\ufeff" + buf.getvalue()


def to_csv(docs: list[Document], lang: str = "zh") -> str:
    columns = (["文件"] if len(docs) > 1 else []) + TASK_COLUMNS
    rows = [{"文件": file_name(doc), **row} for doc in docs for row in task_rows(doc, lang)]
    return _write(columns, rows, lang)


def goals_csv(goals: list, lang: str = "zh", status: set[str] | None = None) -> str:
    """The goal table as CSV, 未完成 first."""
    return _write(GOAL_COLUMNS, goal_rows(goals, lang, status), lang)
