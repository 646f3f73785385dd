"""HTML: visible text only; block elements become line breaks, data tables become grids.

Parsed with lxml (it repairs the broken markup web pages and Word exports carry). A data table is
laid out as a grid: ``rowspan``/``colspan`` are expanded (the covered cells stay empty and are listed
as merged, so a task row can take its lead unit from the merged cell above while an empty cell stays
empty), and the paragraphs and spans nested in a cell are joined into one cell text. Each row is
written as an ``a | b | c`` line. A table that holds another table, or has one column, is page layout:
its contents are read as ordinary blocks. Elements hidden with ``display:none`` or ``hidden`` (a second
copy of the page for another screen size) are not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from .errors import InputError
from .raw import RawDocument

_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "caption",
    "section", "article", "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "hr", "title",
    "thead", "tbody", "tfoot", "center", "form", "nav", "aside", "main", "figure", "figcaption", "address",
}
_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "select", "button"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CJK_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
_MAX_SPAN = 1000  # a rowspan/colspan larger than this is hostile markup, not a table
_MAX_COLUMNS = 200  # no table staff read is wider; cells past it are read as text of the last column


@dataclass
class _Row:
    """A table row as written: its cells and which of them a merged cell above or to the left covers."""

    cells: list[str]
    merged: set[int] = field(default_factory=set)
    spans_all: bool = False  # one cell across the whole width: a title or note, not a row
    table: int = 0
    row: int = 0


def _hidden(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _SKIP:
        return True
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" and el.tag in ("div", "span", "section"):
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _join(parts: list[str]) -> str:
    """Lines of one cell as one text: no space between Chinese pieces, one space between Latin ones."""
    out = ""
    for p in parts:
        if not p:
            continue
        if out and not (_CJK_EDGE.match(out[-1]) or _CJK_EDGE.match(p[0])):
            out += " "
        out += p
    return out


def _own_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    rows = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if isinstance(tr.tag, str) and tr.tag == "tr")
    return rows


def _span(el: lxml.html.HtmlElement, attr: str) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(str(el.get(attr, "1")).strip() or 1)))
    except ValueError:
        return 1


class _Walker:
    def __init__(self) -> None:
        self.out: list[str | _Row] = []
        self.buf: list[str] = []
        self.tables = 0

    def flush(self) -> None:
        line = " ".join("".join(self.buf).split())
        if line:
            self.out.append(line)
        self.buf.clear()

    def walk(self, el: lxml.html.HtmlElement) -> None:
        if not isinstance(el.tag, str):  # a comment or processing instruction: only its tail is text
            if el.tail:
                self.buf.append(el.tail)
            return
        if _hidden(el):
            if el.tail:
                self.buf.append(el.tail)
            return
        tag = el.tag
        if tag == "table" and self._data_table(el):
            self.flush()
            self._table(el)
        else:
            block = tag in _BLOCK or tag in ("td", "th")
            if block:
                self.flush()
            if el.text:
                self.buf.append(el.text)
            for child in el:
                self.walk(child)
            if block:
                self.flush()
        if el.tail:
            self.buf.append(el.tail)

    @staticmethod
    def _data_table(table: lxml.html.HtmlElement) -> bool:
        """Not page layout: no table inside it, and at least one row with two cells."""
        if any(True for _ in table.iterdescendants("table")):
            return False
        return any(sum(1 for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")) >= 2
                   for tr in _own_rows(table))

    @staticmethod
    def _cell_text(cell: lxml.html.HtmlElement) -> str:
        inner = _Walker()
        if cell.text:
            inner.buf.append(cell.text)
        for child in cell:
            inner.walk(child)
        inner.flush()
        return _join([p for p in inner.out if isinstance(p, str)])

    def _table(self, table: lxml.html.HtmlElement) -> None:
        grid: dict[tuple[int, int], str] = {}
        merged: set[tuple[int, int]] = set()
        starts: dict[int, int] = {}  # row -> cells that start in it
        wide: set[tuple[int, int]] = set()  # (row, colspan) of a first cell spanning columns
        trs = _own_rows(table)
        width = 0
        for r, tr in enumerate(trs):
            c = 0
            for cell in tr:
                if not isinstance(cell.tag, str) or cell.tag not in ("td", "th") or _hidden(cell):
                    continue
                while (r, c) in grid:
                    c += 1
                if c >= _MAX_COLUMNS:
                    c = _MAX_COLUMNS - 1
                    grid[(r, c)] = _join([grid.get((r, c), ""), self._cell_text(cell)])
                    continue
                rs = min(_span(cell, "rowspan"), len(trs) - r)
                cs = min(_span(cell, "colspan"), _MAX_COLUMNS - c)
                grid[(r, c)] = self._cell_text(cell)
                starts[r] = starts.get(r, 0) + 1
                if cs > 1 and c == 0:
                    wide.add((r, cs))
                for dr in range(rs):
                    for dc in range(cs):
                        if dr or dc:
                            grid[(r + dr, c + dc)] = ""
                            if dr:
                                merged.add((r + dr, c + dc))
                c += cs
                width = max(width, c)
        index = self.tables
        self.tables += 1
        for r in range(len(trs)):
            cells = [grid.get((r, c), "") for c in range(width)]
            if any(cells):
                # a cell across the whole width is a title or note above or below the table; between its
                # rows it labels a group of rows and stays a row, so the table is not cut in two
                spans_all = starts.get(r) == 1 and (r, width) in wide and r in (0, len(trs) - 1)
                self.out.append(_Row(cells, {c for c in range(width) if (r, c) in merged}, spans_all, index, r))


def _row_text(row: _Row) -> str:
    cells = [" ".join(c.split()).replace("|", "/") for c in row.cells]
    filled = [c for c in cells if c]
    if len(filled) == 1 and row.spans_all:
        return filled[0]  # a title or a 单位 note spanning the table
    return " | ".join(cells)


def html_to_raw(html: str) -> tuple[str, list[dict]]:
    """The visible text, and the grids of its data tables with each row's offsets in that text."""
    if not html.strip():
        return "", []
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return "", []
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    lines: list[str] = []
    grids: dict[int, dict] = {}
    pos = 0
    for item in walker.out:
        if isinstance(item, _Row):
            line = _row_text(item)
            g = grids.setdefault(item.table, {"page": 1, "rows": [], "merged": [], "row_offsets": []})
            r = len(g["rows"])
            g["rows"].append(item.cells)
            g["merged"].extend([r, c] for c in sorted(item.merged))
            g["row_offsets"].append([pos, pos + len(line)])
        else:
            line = item
        lines.append(line)
        pos += len(line) + 1
    return "\n".join(lines), [grids[k] for k in sorted(grids)]


def html_to_text(html: str) -> str:
    return html_to_raw(html)[0]


def read_html(html: str, name: str = "") -> RawDocument:
    text, tables = html_to_raw(html)
    if not text.strip():
        raise InputError(f"{name}: HTML page has no visible text")
    return RawDocument(text=text, format="html", tables=tables)
