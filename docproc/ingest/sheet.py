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
import re
import zipfile

from . import caps
from .errors import InputError
from .raw import RawDocument, row_line


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


_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Za-z]{1,3}\d{1,7})(?::([A-Za-z]{1,3}\d{1,7}))?\"")
_CHUNK = 1 << 20


def _prescan(zf: zipfile.ZipFile, name: str) -> dict[str, list[tuple[int, int, int, int]]]:
    """Every worksheet's merged ranges, with the caps checked before openpyxl sees a cell: the unpacked
    size, the cells written and the area the merged ranges cover (one streamed pass over each sheet's XML;
    a 5 KB file can declare a merge of 17 billion cells, and expanding it is what took all memory)."""
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    caps.check(name, "xml_mb", total / 2**20, f"为 {total / 2**20:.0f}")
    count = [0, 0]  # cells, merged area
    merged: dict[str, list[tuple[int, int, int, int]]] = {}
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            merged[info.filename] = _scan_sheet(zf, info, name, count)
    return merged


def _scan_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                count: list[int]) -> list[tuple[int, int, int, int]]:
    from openpyxl.utils.cell import range_boundaries

    ranges: list[tuple[int, int, int, int]] = []
    tail = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf = tail + chunk
            safe = len(buf) - 256 if chunk else len(buf)  # a tag cut by the chunk end is read with the next one
            count[0] += sum(1 for m in _CELL.finditer(buf) if m.start() < safe)
            for m in _MERGE.finditer(buf):
                if m.start() >= safe:
                    break
                ref = (m.group(1) + (b":" + m.group(2) if m.group(2) else b"")).decode("ascii").upper()
                min_col, min_row, max_col, max_row = range_boundaries(ref)
                ranges.append((min_row, min_col, max_row, max_col))
                count[1] += (max_row - min_row + 1) * (max_col - min_col + 1)
                caps.check(name, "merged_area", count[1], f"达到 {count[1]}(合并区域 {ref})")
            caps.check(name, "cells", count[0])
            if not chunk:
                return ranges
            tail = buf[max(safe, 0):]


def read_xlsx(data: bytes, name: str = "") -> RawDocument:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            merged = _prescan(zf, name)
    except zipfile.BadZipFile:
        raise InputError(f"{name}: broken .xlsx file") from None
    try:
        import openpyxl

        # read-only: rows stream from the XML, nothing is expanded to the sheet's declared size
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    except InputError:
        raise
    except Exception as e:  # openpyxl raises many types for damaged workbooks
        raise InputError(f"{name}: broken .xlsx file ({type(e).__name__})") from None
    lines: list[str] = []
    tables = []
    budget = [0]
    try:
        for ws in wb.worksheets:
            rows = _sheet_rows(ws, merged.get(getattr(ws, "_worksheet_path", ""), []), name, budget)
            if not rows:
                continue
            if len(wb.worksheets) > 1:
                lines.append(ws.title)  # with several sheets, each sheet's name heads its rows
            lines.extend(line for line in (row_line(r) for r in rows) if line)
            tables.append({"page": 1, "sheet": ws.title, "rows": rows})
    except InputError:
        raise
    except Exception as e:  # a damaged sheet part
        raise InputError(f"{name}: broken .xlsx file ({type(e).__name__})") from None
    finally:
        wb.close()
    if not lines:
        raise InputError(f"{name}: the spreadsheet has no cells with text")
    return RawDocument(text="\n".join(lines), format="xlsx", tables=tables)


def _sheet_rows(ws, ranges: list[tuple[int, int, int, int]], name: str, budget: list[int]) -> list[list[str]]:
    """A sheet's rows as texts, from its first to its last used column. Merged cells: a horizontal merge
    keeps its text in the first column only; a vertical merge of words repeats them in every row it
    covers, a merged figure is written once."""
    ws.reset_dimensions()  # the declared <dimension> may claim A1:XFD1048576; trust the cells only
    grid, origin_values, used = _read_grid(ws, {(r0, c0) for r0, c0, _, _ in ranges}, name, budget)
    for r0, c0, r1, c1 in ranges:
        used = (min(used[0], c0), max(used[1], c1))
        _apply_merge(grid, (r0, c0, r1, c1), origin_values.get((r0, c0)))
    if not grid or used[1] == 0:
        return []
    first, last = used
    width = last - first + 1
    caps.check(name, "cells", budget[0] + len(grid) * width, f"按行列展开为 {len(grid)}×{width}")
    rows = ((grid[r] + [""] * (last - len(grid[r])))[first - 1:last] for r in sorted(grid))
    return [cells for cells in rows if any(cells)]


def _read_grid(ws, origins: set[tuple[int, int]], name: str,
               budget: list[int]) -> tuple[dict[int, list[str]], dict[tuple[int, int], object], tuple[int, int]]:
    """The rows as streamed (counted against the cell cap as they come), the values at the merged ranges'
    top-left cells, and the first and last column that holds a cell."""
    from openpyxl.cell.read_only import ReadOnlyCell

    grid: dict[int, list[str]] = {}
    origin_values: dict[tuple[int, int], object] = {}
    first, last = 10**9, 0
    for r, row in enumerate(ws.iter_rows(), start=1):
        if not row:
            continue
        budget[0] += len(row)
        caps.check(name, "cells", budget[0], f"达到 {budget[0]}(含行内空位)")
        present = [c for c, cell in enumerate(row, start=1) if isinstance(cell, ReadOnlyCell)]
        if present:
            first, last = min(first, present[0]), max(last, present[-1])
        origin_values.update({(r, c): row[c - 1].value for c in present if (r, c) in origins})
        grid[r] = [_fmt(cell.value, getattr(cell, "number_format", "") or "") for cell in row]
    return grid, origin_values, (first, last)


def _apply_merge(grid: dict[int, list[str]], rng: tuple[int, int, int, int], top: object) -> None:
    """The cells a merged range covers: its words repeated down its first column, empty elsewhere."""
    r0, c0, r1, c1 = rng
    word = "" if isinstance(top, int | float) else _fmt(top)
    for r in range(r0, r1 + 1):
        row = grid.setdefault(r, [])
        if len(row) < c1:
            row.extend([""] * (c1 - len(row)))
        row[c0:c1] = [""] * (c1 - c0)
        if r != r0:
            row[c0 - 1] = word


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
