"""CSV of the task table, UTF-8 with a BOM so that Excel and WPS open it right."""

from __future__ import annotations

import csv
import io

from ..model import Document
from .rows import TASK_COLUMNS, safe_cell, task_rows


def to_csv(docs: list[Document]) -> str:
    buf = io.StringIO()
    columns = (["文件"] if len(docs) > 1 else []) + TASK_COLUMNS
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for doc in docs:
        for row in task_rows(doc):
            if len(docs) > 1:
                row = {"文件": doc.source, **row}
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return "\ufeff" + buf.getvalue()
