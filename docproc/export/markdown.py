"""Markdown: the task table and the findings, for pasting into reports and chat."""

from __future__ import annotations

from ..model import Document
from .rows import TASK_COLUMNS, task_rows

_SHOWN = ["序号", "任务内容", "目标值", "牵头单位", "责任单位", "配合单位", "完成时限"]


def _cell(value: object, limit: int = 60) -> str:
    text = str(value if value is not None else "").replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_markdown(docs: list[Document], goals: list | None = None) -> str:
    out: list[str] = []
    for doc in docs:
        m = doc.meta
        out += [f"## {m.title or doc.source}", "",
                f"{doc.source} · {m.kind} · {m.year} · {len(doc.tasks)} tasks · {len(doc.findings)} findings", ""]
        assert set(_SHOWN) <= set(TASK_COLUMNS)
        out += ["| " + " | ".join(_SHOWN) + " |", "|" + "---|" * len(_SHOWN)]
        for row in task_rows(doc):
            out.append("| " + " | ".join(_cell(row[c]) for c in _SHOWN) + " |")
        out.append("")
        if goals:
            # the goal table: every target, 未完成 first; the two figures and the sentences they stand in
            out += ["| 指标 | 目标 | 实际 | 状态 | 判定 | 目标原文 | 报告原文 |", "|---|---|---|---|---|---|---|"]
            for g in goals:
                out.append(f"| {_cell(g.indicator)} | {_cell(g.target_text)} | {g.actual_text} | "
                           f"{g.label} | {_cell(g.expected or g.note)} | {_cell(g.target_sentence, 80)} | "
                           f"{_cell(g.actual_sentence, 80)} |")
            out.append("")
        if doc.findings:
            out += ["| 核查 | 级别 | 说明 | 依据 |", "|---|---|---|---|"]
            for f in doc.findings:
                out.append(f"| {f.check} | {f.severity} | {_cell(f.message, 120)} | {_cell(f.evidence, 80)} |")
            out.append("")
    return "\n".join(out)
