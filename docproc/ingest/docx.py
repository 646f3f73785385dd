"""Word .docx via python-docx: paragraphs and tables in document order.

Table rows become ``a | b | c`` lines with one cell per grid column: a cell merged
across columns keeps its text in its first column (the others stay empty, so the
columns stay aligned); a cell merged down the rows repeats its words in every row
it covers (a figure is not repeated, so it is not counted twice).
"""

from __future__ import annotations

import contextlib
import io
import re

from . import caps
from .errors import InputError
from .raw import RawDocument, row_line

MAX_UNPACKED = 200 * 1024 * 1024


def _check_package(data: bytes, name: str) -> None:
    """Refuse a zip bomb (unpacks past 200 MB) and XML with a DTD (entity expansion) before parsing."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise InputError(f"{name}: the .docx unpacks to more than {MAX_UNPACKED // 2**20} MB; refused")
            for info in infos:
                if info.filename.endswith(".xml") and info.file_size:
                    with zf.open(info) as fh:
                        if b"<!DOCTYPE" in fh.read(4096).upper().replace(b"<!doctype".upper(), b"<!DOCTYPE"):
                            raise InputError(f"{name}: the .docx declares a DTD ({info.filename}); refused as unsafe")
    except zipfile.BadZipFile:
        raise InputError(f"{name}: broken .docx file (not a zip)") from None


_PARAGRAPH = re.compile(rb"<w:p[\s/>]")


def _check_caps(data: bytes, name: str) -> None:
    """The unpacked size and the paragraph count, before python-docx builds a tree of them: 80 KB can
    unpack to 5 million empty paragraphs, a minute and a gigabyte of objects (counted in one streamed pass)."""
    import zipfile

    with contextlib.suppress(zipfile.BadZipFile), zipfile.ZipFile(io.BytesIO(data)) as zf:
        total = sum(i.file_size for i in zf.infolist())
        caps.check(name, "xml_mb", total / 2**20, f"为 {total / 2**20:.0f}")
        if "word/document.xml" not in zf.namelist():
            return
        count, tail = 0, b""
        with zf.open("word/document.xml") as fh:
            while chunk := fh.read(1 << 20):
                buf = tail + chunk
                count += len(_PARAGRAPH.findall(buf))
                tail = buf[-4:]  # "<w:p" split by the chunk end; a whole match never fits in 4 bytes
                caps.check(name, "paragraphs", count)


def read_docx(data: bytes, name: str = "") -> RawDocument:
    _check_caps(data, name)
    _check_package(data, name)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several types for broken packages
        raise InputError(f"{name}: broken .docx file ({type(e).__name__})") from None
    lines: list[str] = []
    tables = []
    pos = 0  # where the next line starts in the text
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
            pos += len(block.text) + 1
        elif isinstance(block, Table):
            rows, merged = _table_rows(block)
            grid: dict = {"page": 1, "rows": rows, "merged": [], "row_offsets": []}
            for r, cells in enumerate(rows):
                line = row_line(cells)
                if not line:
                    continue
                grid["row_offsets"].append([pos, pos + len(line)])
                grid["merged"].extend([len(grid["row_offsets"]) - 1, c] for c in sorted(merged[r]))
                lines.append(line)
                pos += len(line) + 1
            tables.append(grid)
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(f"{name}: the .docx has no text")
    return RawDocument(text=text, format="docx", tables=tables)


def _cell_text(cell) -> str:
    return " ".join(p.text for p in cell.paragraphs).strip()


def _table_rows(table) -> tuple[list[list[str]], list[set[int]]]:
    """The grid's cell texts, and per row the columns a cell merged down from above covers.

    A text cell merged down keeps its text in every row it covers (a lead unit stands for each task
    row); a figure merged down is written once, so it is counted once."""
    from ..cells import is_number_cell

    rows: list[list[str]] = []
    merged: list[set[int]] = []
    above: list = []
    for row in table.rows:
        cells, tcs, down = [], [], set()
        for i, cell in enumerate(row.cells):
            tc = cell._tc
            text = _cell_text(cell)
            if tcs and tcs[-1] is tc:
                text = ""  # merged across: the text stands in the first column
            elif i < len(above) and above[i] is tc:
                down.add(i)
                if is_number_cell(text):
                    text = ""  # merged down over a figure: count it once
            cells.append(text)
            tcs.append(tc)
        above = tcs
        rows.append(cells)
        merged.append(down)
    return rows, merged
