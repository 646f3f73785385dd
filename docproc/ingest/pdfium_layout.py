"""Characters with their boxes and the ruling edges of a PDF page, read through pdfium.

pdfplumber's table finder and text-line builder are pure geometry over dicts
(``x0``/``x1``/``top``/``bottom``); only its page parse goes through pdfminer, which
costs 100-200 ms on a table page. Here the same dicts come from pdfium (a few ms),
so a ruled table is found by pdfplumber's own ``TableFinder`` without that parse.
Coordinates are pdfium's page space flipped to pdfplumber's: ``top`` counts down
from the top edge of the page.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c

_DESCENT = 0.12  # below the baseline, as a share of the font size (CJK fonts: 0.1-0.15)
_MAX_FORM_DEPTH = 8  # form XObjects nest; deeper nesting is not a table layout


@dataclass
class EdgePage:
    """The part of a pdfplumber ``Page`` that ``TableFinder`` reads with the "lines" strategy."""

    edges: list[dict[str, Any]]
    bbox: tuple[float, float, float, float]


def usable(page: Any) -> bool:
    """Pages turned by /Rotate keep pdfplumber's reading (it sees the same unrotated space), so do they here."""
    return pdfium_c.FPDFPage_GetRotation(page.raw) == 0


def page_chars(page: Any, textpage: Any) -> list[dict[str, Any]]:
    """Every drawn character as a pdfplumber dict: left and right from pdfium's loose box (the advance
    width), top and bottom from the baseline and the font size.

    Boxes hung from the baseline put a Latin digit and the CJK characters beside it on one line;
    font ascent and descent differ between the two fonts by more than pdfplumber's 3-point line
    tolerance, which split ``中央部门单位 2023 年度…`` into two lines."""
    height = page.get_height()
    tp = textpage.raw
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(0), ctypes.c_double(0)
    chars: list[dict[str, Any]] = []
    count = pdfium_c.FPDFText_CountChars(tp)
    i = 0
    while i < count:
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        index = i
        i += 1
        if pdfium_c.FPDFText_IsGenerated(tp, index) == 1 or code in (0, 10, 13):
            continue
        if 0xD800 <= code < 0xDC00 and i < count:  # a character outside the BMP comes as a surrogate pair
            low = pdfium_c.FPDFText_GetUnicode(tp, i)
            if 0xDC00 <= low < 0xE000:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                i += 1
        if not pdfium_c.FPDFText_GetLooseCharBox(tp, index, ctypes.byref(rect)):
            continue
        upright = abs(pdfium_c.FPDFText_GetCharAngle(tp, index)) < 0.01
        top, bottom = height - rect.top, height - rect.bottom
        size = pdfium_c.FPDFText_GetFontSize(tp, index)
        if pdfium_c.FPDFText_GetMatrix(tp, index, ctypes.byref(matrix)):
            size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        if upright and size > 0 and pdfium_c.FPDFText_GetCharOrigin(tp, index, ctypes.byref(ox), ctypes.byref(oy)):
            bottom = height - oy.value + _DESCENT * size
            top = bottom - size
        chars.append({
            "object_type": "char", "text": chr(code),
            "x0": rect.left, "x1": rect.right, "top": top, "bottom": bottom, "doctop": top,
            "width": rect.right - rect.left, "height": bottom - top, "size": round(size, 2), "upright": upright,
        })
    return chars


def page_edges(page: Any) -> list[dict[str, Any]]:
    """Horizontal and vertical edges of every filled or stroked path (lines, rectangles, polylines),
    with form XObjects followed, in pdfplumber's edge dicts."""
    height = page.get_height()
    edges: list[dict[str, Any]] = []
    raw = page.raw
    for k in range(pdfium_c.FPDFPage_CountObjects(raw)):
        _collect(pdfium_c.FPDFPage_GetObject(raw, k), _IDENTITY, height, edges, 0)
    return edges


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    """The matrix applying `inner`, then `outer` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _matrix(obj: Any) -> tuple[float, ...]:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(m)):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _collect(obj: Any, outer: tuple[float, ...], height: float, edges: list[dict[str, Any]], depth: int) -> None:
    kind = pdfium_c.FPDFPageObj_GetType(obj)
    if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_FORM_DEPTH:
        inner = _compose(_matrix(obj), outer)
        for k in range(pdfium_c.FPDFFormObj_CountObjects(obj)):
            _collect(pdfium_c.FPDFFormObj_GetObject(obj, k), inner, height, edges, depth + 1)
        return
    if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
        return
    fill, stroke = ctypes.c_int(0), ctypes.c_int(0)
    pdfium_c.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
    if not fill.value and not stroke.value:
        return  # a path that paints nothing (pdfminer makes no object of it either)
    a, b, c, d, e, f = _compose(_matrix(obj), outer)
    x, y = ctypes.c_float(0), ctypes.c_float(0)
    start = prev = None
    for s in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, s)
        pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y))
        point = (x.value * a + y.value * c + e, x.value * b + y.value * d + f)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point  # a subpath starts: no edge from the previous point
        elif prev is not None:
            _add_edge(prev, point, height, edges)
        prev = point
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            _add_edge(point, start, height, edges)
            prev = start


def _add_edge(p0: tuple[float, float], p1: tuple[float, float], height: float, edges: list[dict[str, Any]]) -> None:
    """The segment p0-p1 as a pdfplumber edge when it is horizontal or vertical."""
    (x0, y0), (x1, y1) = p0, p1
    if abs(y0 - y1) < 1e-3 and abs(x0 - x1) >= 1e-3:
        left, right = min(x0, x1), max(x0, x1)
        top = height - y0
        edges.append({"object_type": "line", "orientation": "h", "x0": left, "x1": right,
                      "top": top, "bottom": top, "doctop": top, "width": right - left, "height": 0.0})
    elif abs(x0 - x1) < 1e-3 and abs(y0 - y1) >= 1e-3:
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        edges.append({"object_type": "line", "orientation": "v", "x0": x0, "x1": x0,
                      "top": top, "bottom": bottom, "doctop": top, "width": 0.0, "height": bottom - top})


def find_tables(edges: list[dict[str, Any]], width: float, height: float) -> list[Any]:
    """pdfplumber's ruled-table finder (default "lines" settings) over edges read by pdfium."""
    from pdfplumber.table import TableFinder

    if not edges:
        return []
    return TableFinder(EdgePage(edges, (0.0, 0.0, width, height))).tables  # type: ignore[arg-type]


def dedupe(chars: list[dict[str, Any]], tolerance: float = 1.0) -> list[dict[str, Any]]:
    """Characters drawn twice at (nearly) the same place, as fake bold is, kept once, in drawing order.

    pdfplumber's ``dedupe_chars`` does the same but restores the order with ``list.index``
    (quadratic: 20 ms on a 1,000-character page); a grid of 1-point buckets keeps this linear."""
    seen: dict[tuple[str, float, bool, int, int], list[dict[str, Any]]] = {}
    kept: list[dict[str, Any]] = []
    for ch in chars:
        gy, gx = int(ch["top"] // tolerance), int(ch["x0"] // tolerance)
        base = (ch["text"], ch["size"], ch["upright"])
        if any(abs(o["top"] - ch["top"]) <= tolerance and abs(o["x0"] - ch["x0"]) <= tolerance
               for dy in (-1, 0, 1) for dx in (-1, 0, 1) for o in seen.get((*base, gy + dy, gx + dx), ())):
            continue
        seen.setdefault((*base, gy, gx), []).append(ch)
        kept.append(ch)
    return kept
