"""Markdown: the task table, the goal table and the findings, for pasting into reports and chat."""

from __future__ import annotations

from ..messages import finding_text, header, word
from ..model import Document
from .rows import TASK_COLUMNS, file_name, goal_rows, task_rows

_SHOWN = ["序号", "任务内容", "目标值", "牵头单位", "责任单位", "配合单位", "完成时限"]
_GOALS = ["指标", "目标", "实际", "状态", "判定", "目标原文", "报告原文"]


def _cell(value: object, limit: int = 60) -> str:
    text = str(value if value is not None else "").replace("|", "\\|").replace("\n", "<br>")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(columns: list[str], rows: list[dict[str, object]], lang: str, limits: dict[str, int]) -> list[str]:
    out = ["| " + " | ".join(header(c, lang) for c in columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        out.append("| " + " | ".join(_cell(row.get(c), limits.get(c, 60)) for c in columns) + " |")
    return out + [""]


def _line(doc: Document, lang: str) -> str:
    """文件 · 计划 · 2023年 · 12项任务 · 3条核查 (no None for what is unknown)."""
    m = doc.meta
    year = (f"{m.year}年" if lang == "zh" else str(m.year)) if m.year else word("misc", "unknown", lang)
    parts = [file_name(doc), word("kind", m.kind, lang), year]
    if m.date:
        parts.append(m.date)
    sep = "" if lang == "zh" else " "
    parts += [f"{len(doc.tasks)}{sep}{word('misc', 'tasks', lang)}",
              f"{len(doc.findings)}{sep}{word('misc', 'findings', lang)}"]
    return " · ".join(parts)


def to_markdown(docs: list[Document], goals: list | None = None, lang: str = "zh",
                status: set[str] | None = None) -> str:
    out: list[str] = []
    assert set(_SHOWN) <= set(TASK_COLUMNS)
    for doc in docs:
        out += [f"## {doc.meta.title or file_name(doc)}", "", _line(doc, lang), ""]
        out += _table(_SHOWN, task_rows(doc, lang), lang, {})
        if goals:
            out += _table(_GOALS, goal_rows(goals, lang, status), lang, {"目标原文": 80, "报告原文": 80})
        if doc.findings:
            rows = [{"类型": word("check", f.check, lang), "级别": word("severity", f.severity, lang),
                     "说明": finding_text(f, lang, doc), "依据": f.evidence} for f in doc.findings]
            out += _table(["类型", "级别", "说明", "依据"], rows, lang, {"说明": 160, "依据": 80})
    return "\n".join(out)
