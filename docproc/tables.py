"""Tables in the normalized text: runs of ``a|b|c`` row lines become ``Table`` objects.

Every reader writes table rows as cells joined with ``|`` (PDF and DOCX grids,
HTML ``<td>``, XLSX/CSV sheets; ``columns.py`` does it for tab-, space- and
one-cell-per-line layouts of plain text), so one finder serves all formats.
For each run of row lines it decides the header rows (one or two; a header
repeated after a page break is dropped from the body), joins a two-row header
into one label per column, and reads the caption and ``单位:万元`` line around
the table. Each cell keeps its span into ``Document.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import resources
from .model import Cell, Document, Table

_NUMBER_CELL = re.compile(r"^[-+−]?\s*(?:0|[1-9][\d,]*|0(?=\.))(?:\.\d+)?\s*(?:%|‰)?$")  # 01, 000998 are codes
_YEARISH = re.compile(
    r"(?:(?:19|20)\d{2}(?:[-/—–](?:\d{2}|(?:19|20)\d{2}))?\s*(?:年度?|年末|年底|财年)?"
    r"|(?:民国)?\d{2,3}\s*年度?)"
)
_SENTENCE_END = re.compile(r"[。;!?]")
_MD_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


@dataclass(frozen=True)
class _Lex:
    id_columns: tuple[str, ...]
    unit_columns: tuple[str, ...]
    measure_label_columns: tuple[str, ...]
    total_labels: tuple[str, ...]
    subset_prefixes: tuple[str, ...]
    task_columns: tuple[str, ...]
    deadline_columns: tuple[str, ...]
    role_words: tuple[tuple[str, str], ...]  # (header word, role), longest word first
    growth_headers: tuple[str, ...]
    share_headers: tuple[str, ...]
    completion_headers: tuple[str, ...]
    current_headers: tuple[str, ...]
    prior_headers: tuple[str, ...]
    header_magnitudes: tuple[tuple[str, float], ...]  # longest word first
    empty_cells: frozenset[str]
    ditto_cells: frozenset[str]
    unit_line: re.Pattern[str]
    unit_in_cell: re.Pattern[str]
    period_words: tuple[str, ...]


@cache
def lex() -> _Lex:
    d = resources.data("tables.yaml")
    roles = [(w, role) for role, words in d["role_headers"].items() for w in words]
    return _Lex(
        id_columns=tuple(d["id_columns"]),
        unit_columns=tuple(d["unit_columns"]),
        measure_label_columns=tuple(d["measure_label_columns"]),
        total_labels=tuple(d["total_labels"]),
        subset_prefixes=tuple(d["subset_prefixes"]),
        task_columns=tuple(sorted(d["task_columns"], key=len, reverse=True)),
        deadline_columns=tuple(sorted(d["deadline_columns"], key=len, reverse=True)),
        role_words=tuple(sorted(roles, key=lambda p: -len(p[0]))),
        growth_headers=tuple(d["growth_headers"]),
        share_headers=tuple(d["share_headers"]),
        completion_headers=tuple(d["completion_headers"]),
        current_headers=tuple(d["current_headers"]),
        prior_headers=tuple(d["prior_headers"]),
        header_magnitudes=tuple(sorted(((w, float(f)) for w, f in d.get("header_magnitudes", {}).items()),
                                       key=lambda kv: -len(kv[0]))),
        empty_cells=frozenset(d["empty_cells"]),
        ditto_cells=frozenset(d["ditto_cells"]),
        unit_line=re.compile(d["unit_line"]),
        unit_in_cell=re.compile(d["unit_in_cell"]),
        period_words=tuple(d["period_words"]),
    )


# ---- cell classifiers (also used by columns.py on raw text) -------------------------------------

def is_number_cell(text: str) -> bool:
    """A bare figure: 1234.5, -2.3, 330,435.30, 6.5%."""
    return bool(_NUMBER_CELL.match(text.strip()))


def is_year_cell(text: str) -> bool:
    """2023年, 2022-23年度, 103年, 2023: a period header, not a figure."""
    return bool(_YEARISH.fullmatch(text.strip().replace(" ", "")))


def is_empty_cell(text: str) -> bool:
    t = text.strip()
    return not t or t in lex().empty_cells


def is_ditto_cell(text: str) -> bool:
    return text.strip() in lex().ditto_cells


def header_like(text: str) -> bool:
    """A cell that can be a column header: short, no sentence inside, not a bare figure."""
    t = text.strip()
    if not t:
        return True
    return len(t) <= 18 and not _SENTENCE_END.search(t) and (not is_number_cell(t) or is_year_cell(t))


def unit_from_line(line: str) -> str | None:
    """``单位:万元`` / ``(单位:亿元、%)`` -> ``万元`` / ``亿元``; None when the line is not a unit line."""
    m = lex().unit_line.match(line.strip())
    if not m:
        # a caption that ends with its unit: 表2 财政收支情况(单位:亿元)
        m = re.search(r"[((]\s*(?:金额)?单位\s*[::]\s*(?P<unit>[^))]{1,12})[))]\s*$", line)
        if not m:
            return None
    unit = re.split(r"[、,,;;/]", m.group("unit"))[0].strip()
    return unit or None


def unit_in_cell(text: str) -> str | None:
    """The unit written in brackets at the end of a header or label: 金额(万元) -> 万元."""
    m = lex().unit_in_cell.search(text.strip())
    if not m:
        return None
    return re.split(r"[、,,;;/]", m.group("unit"))[0].strip() or None


def header_matches(header: str, words: tuple[str, ...]) -> str | None:
    """The first of ``words`` the header contains, longest first."""
    h = header.replace(" ", "")
    for w in sorted(words, key=len, reverse=True):
        if w in h:
            return w
    return None


def is_total_label(text: str) -> bool:
    t = re.sub(r"\s+", "", text)
    return any(t == w or t.startswith(w) and len(t) <= len(w) + 4 for w in lex().total_labels)


def is_subset_label(text: str) -> bool:
    return text.strip().startswith(lex().subset_prefixes)


# ---- finding tables ------------------------------------------------------------------------------

def _split_row(line: str, start: int) -> list[tuple[str, int, int]]:
    """Cells of a ``a|b|c`` line as (text, start, end), trimmed (an empty cell keeps its place)."""
    cells: list[tuple[str, int, int]] = []
    pos = 0
    for part in line.split("|"):
        s = pos
        pos += len(part) + 1
        lead = len(part) - len(part.lstrip())
        text = part.strip()
        cs = start + s + lead
        cells.append((text, cs, cs + len(text)))
    return cells


def is_row_line(line: str) -> bool:
    if "|" not in line or _MD_RULE.match(line.strip()):
        return False
    cells = line.split("|")
    return len([c for c in cells if c.strip()]) >= 2 or (len(cells) >= 3 and bool(line.strip().strip("|").strip()))


def _header_rows(rows: list[list[tuple[str, int, int]]]) -> int:
    if not rows:
        return 0
    first = [c[0] for c in rows[0]]
    if not all(header_like(c) for c in first) or sum(1 for c in first if c) < 2:
        return 0
    if len(rows) < 3:
        return 1
    second = [c[0] for c in rows[1]]
    width = max(len(r) for r in rows)
    # a two-row header: the first row spans (empty cells, or fewer cells) and the second is header-like too
    spans_over = any(not c for c in first) or len(first) < width
    if (spans_over and all(header_like(c) for c in second) and any(second)
            and not (second and re.fullmatch(r"\d{1,3}", second[0]))):
        return 2
    return 1


def _columns(rows: list[list[tuple[str, int, int]]], header_rows: int, width: int) -> tuple[str, ...]:
    if header_rows == 0:
        return tuple("" for _ in range(width))
    top = [c[0] for c in rows[0]] + [""] * (width - len(rows[0]))
    if header_rows == 1:
        return tuple(top)
    # a spanning top cell carries right over its empty neighbours
    carried, last = [], ""
    for t in top:
        last = t or last
        carried.append(last)
    second = [c[0] for c in rows[1]]
    if len(second) < width:
        # the second header row covers only the spanned columns: align it to the right
        second = [""] * (width - len(second)) + second
    out = []
    for i in range(width):
        a, b = (top[i] or carried[i]), second[i]
        if a and b and a != b:
            out.append(a + b)
        else:
            out.append(b or a)
    return tuple(out)


def _context_lines(doc: Document, first_para: int, last_para: int) -> tuple[str, str]:
    """Caption and unit note from up to two lines above the table and one below."""
    caption, unit = "", ""
    paras = doc.paragraphs
    for j in range(first_para - 1, max(-1, first_para - 3), -1):
        line = paras[j].text.strip()
        if is_row_line(line):
            break
        u = unit_from_line(line)
        if u and not unit:
            unit = u
            if lex().unit_line.match(line):
                continue
        if not caption and len(line) <= 60 and not _SENTENCE_END.search(line.rstrip("。")):
            caption = line
        break
    if not unit and last_para + 1 < len(paras):
        u = unit_from_line(paras[last_para + 1].text)
        if u and lex().unit_line.match(paras[last_para + 1].text.strip()):
            unit = u
    return caption, unit


def _kind(columns: tuple[str, ...]) -> str:
    from .extract.units import table_header_roles

    L = lex()
    if table_header_roles(list(columns)):
        return "tasks"
    if any(header_matches(c, L.task_columns) for c in columns) and any(
        header_matches(c, L.deadline_columns) for c in columns
    ):
        return "tasks"
    return "data"


def _continues_row(line: str) -> bool:
    t = line.strip()
    return 0 < len(t) <= 30 and not _SENTENCE_END.search(t) and unit_from_line(t) is None and not t[0].isdigit()


def continued_rows(doc: Document, table: Table) -> dict[int, int]:
    """Row index -> where the row ends when its words wrap onto following non-row lines."""
    out: dict[int, int] = {}
    for r, row in enumerate(table.rows):
        end = max(c.span[1] for c in row)
        nl = doc.text.find("\n", end)
        nxt_end = doc.text.find("\n", nl + 1) if nl >= 0 else -1
        nxt_end = len(doc.text) if nxt_end < 0 else nxt_end
        if nl >= 0 and nl + 1 < table.span[1] and not is_row_line(doc.text[nl + 1: nxt_end]):
            out[r] = nxt_end
    return out


def _split_at_new_header(block: list) -> list[list]:
    """Two tables written one under the other: a header-like row of another width starts the second."""
    parts: list[list] = [[]]
    width = None
    for p in block:
        cells = [c.strip() for c in p.text.split("|")]
        if (width is not None and len(cells) != width and len(parts[-1]) >= 2
                and sum(1 for c in cells if c) >= 2 and all(header_like(c) for c in cells)):
            parts.append([])
        parts[-1].append(p)
        width = len(cells)
    return parts


def find_tables(doc: Document) -> list[Table]:
    """Every run of two or more row lines (or one row under a header) is a table."""
    paras = doc.paragraphs
    tables: list[Table] = []
    i = 0
    while i < len(paras):
        if not is_row_line(paras[i].text):
            i += 1
            continue
        j = i
        while j + 1 < len(paras):
            nxt = paras[j + 1].text
            if is_row_line(nxt) or _MD_RULE.match(nxt.strip()):
                j += 1
            elif j + 2 < len(paras) and _continues_row(nxt) and is_row_line(paras[j + 2].text):
                j += 2  # a cell's words wrapped onto a line of their own: the row goes on
            else:
                break
        block = [p for p in paras[i: j + 1] if is_row_line(p.text)]
        for part in _split_at_new_header(block):
            if len(part) >= 2:
                first = paras.index(part[0], i)
                last = paras.index(part[-1], first)
                tables.append(_build(doc, part, len(tables), first, last))
        i = j + 1
    return tables


def _build(doc: Document, block: list, index: int, first_para: int, last_para: int) -> Table:
    rows = [_split_row(p.text, p.span[0]) for p in block]
    if all(len(r) > 2 and not r[0][0] and not r[-1][0] for r in rows):
        rows = [r[1:-1] for r in rows]  # markdown: |a|b| with pipes on both ends
    width = max(len(r) for r in rows)
    header_rows = _header_rows(rows)
    columns = _columns(rows, header_rows, width)
    head_texts = [[c[0] for c in r] for r in rows[:header_rows]]
    kept: list[list[tuple[str, int, int]]] = rows[:header_rows]
    for r in rows[header_rows:]:
        if header_rows and [c[0] for c in r] in head_texts:
            continue  # the header again after a page break: the table goes on
        kept.append(r)
    cells: list[tuple[Cell, ...]] = []
    for ri, r in enumerate(kept):
        end = r[-1][2] if r else 0
        padded = list(r) + [("", end, end)] * (width - len(r))
        cells.append(tuple(Cell(text=t, span=(s, e), row=ri, col=ci) for ci, (t, s, e) in enumerate(padded)))
    caption, unit = _context_lines(doc, first_para, last_para)
    span = (block[0].span[0], block[-1].span[1])
    return Table(
        index=index,
        span=span,
        rows=tuple(cells),
        header_rows=header_rows,
        columns=columns,
        caption=caption,
        unit_note=unit,
        kind=_kind(columns),
        page=doc.page_of(span[0]),
    )

