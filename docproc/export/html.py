"""A self-contained HTML report: summary, goal table, and the text with what was found highlighted.

No external assets and no scripts: quantities, deadlines and unit clauses are
``<mark>`` elements with a title that says what was read; each finding is
shown beside the paragraph that holds its evidence, with its formula.
"""

from __future__ import annotations

from collections import Counter
from html import escape

from ..messages import finding_text, header, word
from ..model import Document
from .rows import as_written, file_name, goal_rows

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;
max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.7}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;font-size:.92em}td,th{border:1px solid #bbb;padding:2px 8px;vertical-align:top}
th{background:#f2f2f2}.summary{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}.summary div{background:#f7f7f7;padding:.5em 1em}
mark.q{background:#ffe58f}mark.d{background:#b7eb8f}mark.u{background:#91d5ff}
.para{margin:.4em 0}.finding{border-left:4px solid #f5222d;background:#fff1f0;padding:.3em .8em;margin:.3em 0 .8em 1em}
.finding.warning{border-color:#fa8c16;background:#fff7e6}.missed{color:#cf1322;font-weight:bold}.met{color:#389e0d}
.legend mark{margin-right:1em}@media print{body{max-width:none}.finding{break-inside:avoid}}
"""


def _highlighted(doc: Document, start: int, end: int, lang: str = "zh") -> str:
    marks = []
    for q in doc.quantities:
        marks.append((q.span, "q", f"{q.indicator}: {as_written(q, lang, doc)} ({word('role', q.role, lang)})"))
    for d in doc.deadlines:
        marks.append((d.span, "d", f"{word('deadline', d.kind, lang)}: {d.date or d.text}"))
    for c in doc.unit_clauses:
        who = "; ".join(f"{header(k, lang)}: {'、'.join(v)}" for k, v in
                        (("牵头单位", c.lead), ("责任单位", c.responsible), ("配合单位", c.support)) if v)
        marks.append((c.span, "u", who))
    marks = sorted((m for m in marks if start <= m[0][0] and m[0][1] <= end), key=lambda m: (m[0][0], -m[0][1]))
    out, pos = [], start
    for (s, e), cls, title in marks:
        if s < pos:
            continue  # nested or overlapping: the outer mark wins
        out.append(escape(doc.text[pos:s]))
        out.append(f'<mark class="{cls}" title="{escape(title)}">{escape(doc.text[s:e])}</mark>')
        pos = e
    out.append(escape(doc.text[pos:end]))
    return "".join(out)


def _summary(doc: Document, lang: str = "zh") -> str:
    def h(name: str) -> str:
        return escape(header(name, lang))

    months = Counter(d.date[:7] for d in doc.deadlines if d.date)
    units = Counter(n for t in doc.tasks if t.units for n in (*t.units.lead, *t.units.responsible, *t.units.support))
    targets = sum(1 for q in doc.quantities if q.role == "target")
    parts = [
        f"<div>{h('任务')} <b>{len(doc.tasks)}</b></div>",
        f"<div>{h('目标')} <b>{targets}</b> / {h('指标')} {len(doc.quantities)}</div>",
        f"<div>{h('时限')} <b>{len(doc.deadlines)}</b></div>",
        f"<div>{h('核查')} <b>{len(doc.findings)}</b></div>",
    ]
    rows = "".join(f"<tr><td>{escape(m)}</td><td>{n}</td></tr>" for m, n in sorted(months.items()))
    unit_rows = "".join(f"<tr><td>{escape(u)}</td><td>{n}</td></tr>" for u, n in units.most_common(15))
    return (f'<div class="summary">{"".join(parts)}</div>'
            f'<div class="summary"><table><tr><th>{h("月份")}</th><th>{h("时限数")}</th></tr>{rows}</table>'
            f'<table><tr><th>{h("单位名称")}</th><th>{h("任务数")}</th></tr>{unit_rows}</table></div>')


def _goals(goals: list, lang: str = "zh", status: set[str] | None = None) -> str:
    """The goal table: every target with its status (未完成 first), both figures and their sentences."""
    rows = []
    for g, r in zip([g for g in goals if not status or g.status in status], goal_rows(goals, lang, status),
                    strict=True):
        cls = {"met": "met", "missed": "missed"}.get(g.status, "")
        rows.append(f"<tr><td class=\"{cls}\">{escape(str(r['状态']))}</td><td>{escape(g.indicator)}</td>"
                    f"<td>{escape(g.target_text)}</td><td>{escape(g.actual_text)}</td>"
                    f"<td>{escape(g.expected or g.note)}</td><td><small>{escape(g.target_sentence)}</small></td>"
                    f"<td><small>{escape(g.actual_sentence)}</small></td></tr>")
    heads = "".join(f"<th>{escape(header(c, lang))}</th>" for c in ("状态", "指标", "目标", "实际", "判定", "目标原文",
                                                                    "报告原文"))
    title = "目标对照" if lang == "zh" else "Goals"
    return f"<h2>{title}</h2><table><tr>{heads}</tr>" + "".join(rows) + "</table>"


def _document(doc: Document, goals: list | None, lang: str = "zh", status: set[str] | None = None) -> str:
    m = doc.meta
    year = m.year or word("misc", "unknown", lang)
    head = (f"<h1>{escape(m.title or file_name(doc))}</h1><p>{escape(file_name(doc))} · "
            f"{escape(word('kind', m.kind, lang))} · {year}{' · ' + m.date if m.date else ''} · "
            f"{escape(word('script', m.script, lang))} · {m.pages} {escape(word('misc', 'pages', lang))}</p>")
    body = [head, f"<h2>{escape(header('概览', lang))}</h2>", _summary(doc, lang)]
    if goals:
        body.append(_goals(goals, lang, status))
    body.append(f'<h2>{escape(header("正文", lang))}</h2><p class="legend"><mark class="q">{escape(header("数字", lang))}'
                f'</mark><mark class="d">{escape(header("时限", lang))}</mark>'
                f'<mark class="u">{escape(header("责任单位", lang))}</mark></p>')
    for p in doc.paragraphs:
        s, e = p.span
        body.append(f'<p class="para" data-start="{s}">{_highlighted(doc, s, e, lang)}</p>')
        for f in doc.findings:
            if f.spans and s <= f.spans[0][0] < e:
                computed = "" if f.expected is None else f"{word('misc', 'computed', lang)} {escape(str(f.expected))}, "
                body.append(
                    f'<div class="finding {escape(f.severity)}" data-check="{escape(f.check)}">'
                    f"<b>{escape(word('check', f.check, lang))} · {escape(word('severity', f.severity, lang))}</b>: "
                    f"{escape(finding_text(f, lang, doc))}"
                    f"<br><small>{escape(f.formula)} — {computed}"
                    f"{word('misc', 'stated', lang)} {escape(str(f.reported))}</small></div>")
    return "<section>" + "".join(body) + "</section>"


def to_html(docs: list[Document], goals: list | None = None, lang: str = "zh", status: set[str] | None = None) -> str:
    title = escape(docs[0].meta.title or file_name(docs[0])) if docs else "docproc"
    sections = "".join(_document(d, goals if i == 0 else None, lang, status) for i, d in enumerate(docs))
    code = "zh-CN" if lang == "zh" else "en"
    return (f'<!DOCTYPE html><html lang="{code}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body>{sections}</body></html>\n")
