"""Spreadsheets staff receive as task divisions or data tables: XLSX (openpyxl) and CSV/TSV.

Each sheet becomes its rows (after its name, when the workbook has several sheets), as ``a | b | c`` lines, so the
table finder reads them like any other table. A row with a single filled cell (a
sheet title, a ``单位:万元`` note) stays a plain line. Merged cells: a horizontal merge
keeps its text in the first column only (columns stay aligned); a vertical merge of
text repeats it in every row it covers, as a reader of the printed table would.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

from .errors import InputError
from .raw import RawDocument, row_line

MAX_UNPACKED = 200 * 1024 * 1024  # an XLSX that unpacks to more is refused (zip bomb)


def _fmt(value: object, number_format: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if "%" in number_format:
            return format(float(value) * 100, ".10g") + "%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".12g") if isinstance(value, float) else str(value)
    return " ".join(str(value).split())


def read_xlsx(data: bytes, name: str = "") -> RawDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNPACKED:
                raise InputError(f"{name}: the spreadsheet unpacks to more than {MAX_UNPACKED // 2**20} MB; refused")
    except zipfile.BadZipFile:
        raise InputError(f"{name}: broken .xlsx file") from None
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except InputError:
        raise
    except Exception as e:  # openpyxl raises many types for damaged workbooks
        raise InputError(f"{name}: broken .xlsx file ({type(e).__name__})") from None
    lines: list[str] = []
    tables = []
    for ws in wb.worksheets:
        merged_from: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        merged_from[(r, c)] = (rng.min_row, rng.min_col)
        rows: list[list[str]] = []
        for row in ws.iter_rows():
            cells = []
            for cell in row:
                origin = merged_from.get((cell.row, cell.column))
                if origin is None:
                    cells.append(_fmt(cell.value, cell.number_format or ""))
                    continue
                top = ws.cell(*origin)
                text = _fmt(top.value, top.number_format or "")
                # a vertical merge of words repeats them; a horizontal one, or a merged figure, is not repeated
                cells.append(text if origin[1] == cell.column and not isinstance(top.value, int | float) else "")
            if any(cells):
                rows.append(cells)
        if not rows:
            continue
        if len(wb.worksheets) > 1:
            lines.append(ws.title)  # with several sheets, each sheet's name heads its rows
        lines.extend(line for line in (row_line(r) for r in rows) if line)
        tables.append({"page": 1, "sheet": ws.title, "rows": rows})
    if not lines:
        raise InputError(f"{name}: the spreadsheet has no cells with text")
    return RawDocument(text="\n".join(lines), format="xlsx", tables=tables)


def read_csv(text: str, name: str = "") -> RawDocument:
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if "\t" in sample else ","
    rows = [[" ".join(c.split()) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [r for r in rows if any(r)]
    if not rows:
        raise InputError(f"{name}: empty file")
    lines = [line for line in (row_line(r) for r in rows) if line]
    return RawDocument(text="\n".join(lines), format="csv", tables=[{"page": 1, "rows": rows}])
