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
import re
from dataclasses import dataclass
from typing import Any

import pypdfium2.raw as pdfium_c

from .lines import Line

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


def text_lines(page: Any, textpage: Any, text: str) -> list[Line]:
    """The lines of pdfium's text (``get_text_range``) with their boxes: left and right from the first and
    last character, the font size from the middle one. A line pdfium ran on across a space into text set
    lower or further left (a centred heading beside the end of a paragraph) is cut there.

    Only the characters at the ends of words are looked up, a few per line, not every character."""
    height = page.get_height()
    tp = textpage.raw
    index: list[int] | None = None
    if any(ord(c) > 0xFFFF for c in text):  # pdfium counts a character outside the BMP as two
        index, k = [], 0
        for c in text:
            index.append(k)
            k += 2 if ord(c) > 0xFFFF else 1
    rect = pdfium_c.FS_RECTF()

    def box(i: int) -> tuple[float, float, float, float] | None:
        if not pdfium_c.FPDFText_GetLooseCharBox(tp, index[i] if index else i, ctypes.byref(rect)):
            return None
        return rect.left, height - rect.top, rect.right, height - rect.bottom

    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        start, pos = pos, pos + len(raw) + 1
        words = [(start + m.start(), start + m.end()) for m in _WORD.finditer(raw)]
        pieces: list[list[tuple[int, int]]] = []
        prev = None
        for word in words:
            first, last = box(word[0]), box(word[1] - 1)
            if first is None or last is None:
                continue
            if prev is not None and pieces and not _beside(prev, first):
                pieces.append([])
            if not pieces:
                pieces.append([])
            pieces[-1].append(word)
            prev = last
        for piece in pieces:
            if not piece:
                continue
            a, b = piece[0][0], piece[-1][1]
            left, right = box(a), box(b - 1)
            if left is None or right is None:
                continue
            mid = (a + b) // 2
            while mid < b - 1 and text[mid].isspace():
                mid += 1
            out.append(Line(text[a:b], left[0], right[2], min(left[1], right[1]), max(left[3], right[3]),
                            _size(tp, index[mid] if index else mid)))
    return out


_WORD = re.compile(r"[^\s]+")


def _beside(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether box ``b`` goes on the line of box ``a``: to its right, at about its height."""
    h = max(a[3] - a[1], b[3] - b[1], 1.0)
    return b[0] >= a[0] - 0.5 * h and abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) <= 0.5 * h


def _size(tp: Any, i: int) -> float:
    size = pdfium_c.FPDFText_GetFontSize(tp, i)
    matrix = pdfium_c.FS_MATRIX()
    if pdfium_c.FPDFText_GetMatrix(tp, i, ctypes.byref(matrix)):
        size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
    return round(size, 2)
