"""PDF via pdfplumber: page by page, deduplicated chars, wrapped lines joined, chrome dropped.

- overprinted bold (微微软软) is removed with ``Page.dedupe_chars()``;
- lines are put back into paragraphs by their geometry (``lines.py``): a line that
  reaches the text block's right edge goes on when the next starts at its left edge,
  a first-line indent starts a paragraph, a paragraph runs on across a page break,
  footnotes are kept apart and a title set in several lines is one line (spaces
  between CJK characters go in normalize);
- page numbers (``— 1 —``, ``第 1 页``, a bare ``251``) and headers/footers
  repeated on most pages are dropped;
- ruled tables come out as rows, with their page;
- encrypted, broken and image-only input give a one-line reason.
"""

from __future__ import annotations

import bisect
import io
import re
from collections import Counter
from typing import Any

from . import caps, ocr, pdfium_layout
from . import lines as layout
from .errors import InputError
from .lines import PAGE_NO as _PAGE_NO
from .lines import Line
from .quality import garbled_reason
from .raw import RawDocument


def _open(data: bytes, name: str) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _ = pdf.pages  # forces the page tree to be read
        return pdf
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise InputError(f"{name}: encrypted PDF; remove the password first") from None
    except PDFSyntaxError:
        raise InputError(f"{name}: broken PDF (cannot parse its structure)") from None
    except Exception as e:  # pdfminer raises many types on damaged files, often wrapped
        chain, cur = [], e
        while cur is not None and len(chain) < 5:
            chain.append(cur)
            cur = cur.__cause__ or cur.__context__ or (cur.args[0] if cur.args and isinstance(cur.args[0], Exception) else None)
        if any(isinstance(c, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(c).lower()
               or "encrypt" in str(c).lower() for c in chain):
            raise InputError(f"{name}: encrypted PDF; remove the password first") from None
        raise InputError(f"{name}: broken PDF ({type(chain[-1]).__name__})") from None


def _inside(line: dict, bbox: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = bbox
    mid = (line["top"] + line["bottom"]) / 2
    return top - 1 <= mid <= bottom + 1 and line["x0"] < x1 and line["x1"] > x0


def _gap_cells(line: dict) -> list[str]:
    """A text line split where the gap between two characters is wider than 1.5 characters (a column gap)."""
    chars = sorted((c for c in line.get("chars", []) if c["text"].strip()), key=lambda c: c["x0"])
    if len(chars) < 2:
        return [line["text"]]
    widths = sorted(c["x1"] - c["x0"] for c in chars)
    limit = max(1.5 * widths[len(widths) // 2], 6.0)
    cells, cur = [], [chars[0]["text"]]
    for a, b in zip(chars, chars[1:], strict=False):
        if b["x0"] - a["x1"] > limit:
            cells.append("".join(cur))
            cur = []
        cur.append(b["text"])
    cells.append("".join(cur))
    return cells


def _aligned_rows(body: list[dict]) -> set[int]:
    """Lines of an unruled table: two or more neighbouring lines split into cells, with figures in them."""
    split = [len(ln["cells"]) >= 2 for ln in body]
    rows: set[int] = set()
    i = 0
    while i < len(body):
        if not split[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(body) and split[j + 1]:
            j += 1
        block = range(i, j + 1)
        with_figures = sum(1 for k in block if any(re.fullmatch(r"[-+]?[\d,]+(?:\.\d+)?%?", c) for c in body[k]["cells"]))
        if len(block) >= 2 and (with_figures * 2 >= len(block) or len(block) >= 3):
            rows.update(block)
        i = j + 1
    return rows


def table_cells(table: Any, chars: list[dict]) -> list[list[str]]:
    """The text of every cell of a pdfplumber table, each character put in its cell by bisection
    (pdfplumber's own ``Table.extract`` tests every character against every cell)."""
    rows = table.rows
    if not rows:
        return []
    tops = [r.bbox[1] for r in rows]
    x0, top, x1, bottom = table.bbox
    buckets: dict[tuple[int, int], list[dict]] = {}
    for ch in chars:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x0 <= cx <= x1 and top <= cy <= bottom):
            continue
        r = bisect.bisect_right(tops, cy) - 1
        found = None
        for rr in range(max(r, 0), -1, -1):  # a cell merged down belongs to the row it starts in
            for j, cell in enumerate(rows[rr].cells):
                if cell is not None and cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]:
                    found = (rr, j)
                    break
            if found:
                break
        if found:
            buckets.setdefault(found, []).append(ch)
    out = []
    for r, row in enumerate(rows):
        cells = []
        for j, cell in enumerate(row.cells):
            cells.append(_cell_text(buckets.get((r, j), [])) if cell is not None else "")
        out.append(cells)
    return out


def _cell_text(chars: list[dict]) -> str:
    """Characters of one cell in reading order: lines by vertical middle (digits in another font sit a
    little higher or lower), left to right within a line."""
    lines: list[list[dict]] = []
    mids: list[float] = []
    for ch in sorted(chars, key=lambda c: (c["top"] + c["bottom"]) / 2):
        mid = (ch["top"] + ch["bottom"]) / 2
        if lines and abs(mid - mids[-1]) <= max(2.0, 0.5 * (ch["bottom"] - ch["top"])):
            lines[-1].append(ch)
        else:
            lines.append([ch])
            mids.append(mid)
    return "".join(c["text"] for line in lines for c in sorted(line, key=lambda c: c["x0"])).strip()


def _page_lines(chars: list[dict], tables: list[Any], table_rows: list[list[list[str]]]) -> list[Line]:
    """Lines of one page with their boxes, tables (ruled, or aligned columns without rulings) as fixed
    `a | b | c` rows, in order down the page."""
    from pdfplumber.utils.text import chars_to_textmap

    bboxes = [t.bbox for t in tables]
    if bboxes:
        # lines are built only from the characters outside the tables (a table page has few of them)
        def outside(ch: dict) -> bool:
            mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
            return not any(b[0] <= mx <= b[2] and b[1] - 1 <= my <= b[3] + 1 for b in bboxes)

        chars = [ch for ch in chars if outside(ch)]
    found = chars_to_textmap(chars, layout=False).extract_text_lines(strip=True, return_chars=True) if chars else []
    body = [ln for ln in found if not any(_inside(ln, b) for b in bboxes)]
    for ln in body:
        ln["cells"] = _gap_cells(ln)
    aligned = _aligned_rows(body)
    items: list[tuple[float, Line]] = []
    for k, ln in enumerate(body):
        text = ln["text"].strip()
        if not text:
            continue
        sizes = sorted(float(c.get("size") or 0.0) for c in ln.get("chars", []) if c["text"].strip())
        size = sizes[len(sizes) // 2] if sizes else 0.0
        row = k in aligned
        items.append((ln["top"], Line(" | ".join(ln["cells"]) if row else text, ln["x0"], ln["x1"], ln["top"],
                                      ln["bottom"], size, fixed=row)))
    rows_of = {id(t): rows for t, rows in zip(tables, table_rows, strict=True)}  # cells from table_cells()
    for t in tables:
        x0, top, x1, bottom = t.bbox
        for row in rows_of[id(t)]:
            cells = [(c or "").replace("\n", "").strip() for c in row]
            if any(cells):
                items.append((top, Line(" | ".join(cells), x0, x1, top, bottom, fixed=True)))
    items.sort(key=lambda it: it[0])  # stable: a table's rows keep their order
    return [ln for _, ln in items]


def _strip_repeated(pages: list[list[str]], continued: set[int] | frozenset[int] = frozenset()) -> list[list[str]]:
    """Drop page numbers and header/footer lines that repeat on at least half the pages (those the
    geometry did not show; a page's first line that continues the page before is kept)."""
    if len(pages) >= 3:
        def key(s: str) -> str:
            return re.sub(r"\d+", "#", s.replace(" ", ""))

        edge = Counter()
        for lines in pages:
            for ln in set(lines[:2] + lines[-2:]):
                edge[key(ln)] += 1
        repeated = {k for k, n in edge.items() if n >= max(3, len(pages) // 2)}
    else:
        repeated = set()
    cleaned = []
    for page_i, lines in enumerate(pages):
        keep = []
        for i, ln in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if at_edge and not (i == 0 and page_i in continued) and (_PAGE_NO.match(ln) or (repeated and re.sub(r"\d+", "#", ln.replace(" ", "")) in repeated)):
                continue
            keep.append(ln)
        cleaned.append(keep)
    return cleaned


def _undouble(line: str) -> str:
    """Fake bold drawn twice comes out as 微微软软: halve a line whose characters all come in pairs."""
    chars = line.replace(" ", "")
    if len(chars) >= 4 and len(chars) % 2 == 0 and all(chars[i] == chars[i + 1] for i in range(0, len(chars), 2)):
        return chars[::2]
    return line


RULED_PAGE_PATHS = 6  # a page with this many vector paths may hold a ruled table: read it with pdfplumber
_FIGURE_RUN = re.compile(r"\d[\d,.]*%?[ \t]+[-+]?\d")


def _looks_tabular(text: str) -> bool:
    """Two or more lines with figures side by side: a table, ruled or not, is likely on the page."""
    return sum(1 for ln in text.splitlines() if _FIGURE_RUN.search(ln)) >= 2


def read_pdf(data: bytes, name: str = "", tables: bool = True) -> RawDocument:
    """pdfium for the text of plain pages (5-10x faster), pdfplumber for pages with ruled tables."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise InputError(f"{name}: encrypted PDF; remove the password first") from None
        raise InputError(f"{name}: broken PDF ({str(e).split(':')[0]})") from None
    warnings: list[str] = []
    pages: list[layout.Page] = []
    found_tables: list[dict[str, Any]] = []
    plumber = None
    blank = 0
    try:
        caps.check(name, "pages", len(doc))
        for number in range(1, len(doc) + 1):
            geo = layout.Page([], 0.0, 0.0)
            empty = False
            try:
                page = doc[number - 1]
                paths = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1))
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                garbled = garbled_reason(text)
                if not text.strip() and not garbled and not has_ink(page):
                    empty = True  # nothing drawn, or nothing dark enough to be text: no OCR
                    blank += 1
                    geo = layout.Page([], page.get_width(), page.get_height())
                elif not text.strip() or garbled:
                    geo = _ocr_page(page, number, garbled, warnings, name)
                elif tables and (paths >= RULED_PAGE_PATHS or _looks_tabular(text)):
                    if pdfium_layout.usable(page):
                        geo, page_tables = _pdfium_layout(page, textpage, number)
                    else:
                        if plumber is None:
                            plumber = _open(data, name)
                        geo, page_tables = _plumber_layout(plumber.pages[number - 1], number)
                    found_tables.extend(page_tables)
                else:
                    geo = layout.Page(_text_lines(page, textpage, text), page.get_width(), page.get_height())
                if not geo.lines and not ocr.available() and not garbled and not empty:
                    images = sum(1 for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=1))
                    if images or not text.strip():
                        warnings.append(f"page {number} has no text layer; {ocr.INSTALL_HINT}")
            except InputError:
                raise
            except Exception as e:  # one damaged page must not lose the others
                warnings.append(f"page {number} could not be read ({type(e).__name__})")
                geo = layout.Page([], 0.0, 0.0)
            pages.append(geo)
    finally:
        if plumber is not None:
            plumber.close()
        doc.close()
    if pages and blank == len(pages):
        raise InputError(f"{name}: PDF 的 {blank} 页全是空白页(没有文字,也没有可识别的笔迹),无可读内容")
    return _assemble(name, pages, found_tables, warnings)


INK_SIDE = 600  # the no-ink test renders the page this many pixels on its longer side
INK_LEVEL = 235  # a grey darker than this is ink (lenient: a page wrongly called blank would lose its text)


def has_ink(page: Any) -> bool:
    """Whether a page without a text layer has anything OCR could read: it draws something, and a
    thumbnail of it has a pixel darker than light grey (a blank scan is all white). Costs a few ms."""
    if not any(True for _ in page.get_objects(max_depth=1)):
        return False
    width, height = page.get_width(), page.get_height()
    scale = min(1.0, INK_SIDE / max(width, height, 1.0))
    thumb = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    darkest, _ = thumb.getextrema()
    return darkest < INK_LEVEL


def _text_lines(page: Any, textpage: Any, text: str) -> list[Line]:
    """A text page's lines with their boxes; fake bold drawn twice (微微软软) read once."""
    found = pdfium_layout.text_lines(page, textpage, text)
    for ln in found:
        ln.text = _undouble(ln.text.strip())
    return found


def _ocr_page(page: Any, number: int, garbled: str | None, warnings: list[str], name: str = "") -> layout.Page:
    """A page without a usable text layer, read from its image when OCR is installed (boxes in points)."""
    width, height = page.get_width(), page.get_height()
    if not ocr.available():
        if garbled:
            warnings.append(f"page {number}: the text layer is garbage ({garbled}); {ocr.INSTALL_HINT}")
        return layout.Page([], width, height)
    w, h = round(width * ocr.RENDER_SCALE), round(height * ocr.RENDER_SCALE)
    caps.check(name, "pixels", w * h, f"为 {w * h}(第{number}页渲染为 {w}×{h} 像素)")
    image = page.render(scale=ocr.RENDER_SCALE).to_pil()
    found = ocr.page_lines(ocr.recognize(image), image.size[0], scale=1 / ocr.RENDER_SCALE)
    why = f"the text layer is garbage ({garbled})" if garbled else "no text layer"
    warnings.append(f"page {number} read by OCR ({why})")
    return layout.Page(found, width, height, size_tolerance=ocr.SIZE_TOLERANCE)


def _plumber_layout(page: Any, number: int) -> tuple[layout.Page, list[dict[str, Any]]]:
    """A page through pdfplumber's own parse (pages turned by /Rotate, and `read_pdf_plumber`)."""
    page = page.dedupe_chars()
    page_tables = page.find_tables() if (page.rects or page.lines) and page.chars else []
    return _layout(page.chars, page_tables, number, page.width, page.height)


def _pdfium_layout(page: Any, textpage: Any, number: int) -> tuple[layout.Page, list[dict[str, Any]]]:
    """A page that may hold a table: characters and rulings from pdfium, pdfplumber's table finder on them."""
    chars = pdfium_layout.dedupe(pdfium_layout.page_chars(page, textpage))
    edges = pdfium_layout.page_edges(page) if chars else []
    width, height = page.get_width(), page.get_height()
    page_tables = pdfium_layout.find_tables(edges, width, height)
    return _layout(chars, page_tables, number, width, height)


def _layout(chars: list[dict], page_tables: list[Any], number: int, width: float,
            height: float) -> tuple[layout.Page, list[dict[str, Any]]]:
    table_rows = [table_cells(t, chars) for t in page_tables]  # one pass over the characters per table
    geo = layout.Page(_page_lines(chars, page_tables, table_rows), width, height)
    found = [{"page": number, "rows": rows} for rows in table_rows if rows]
    return geo, found


def _plumber_page(page: Any, number: int) -> tuple[list[str], list[dict[str, Any]]]:
    """One page through pdfplumber, as paragraph lines (to compare with `_pdfium_page`)."""
    geo, found = _plumber_layout(page, number)
    return layout.assemble([geo]).pages[0], found


def _pdfium_page(page: Any, textpage: Any, number: int) -> tuple[list[str], list[dict[str, Any]]]:
    """One table page through pdfium, as paragraph lines."""
    geo, found = _pdfium_layout(page, textpage, number)
    return layout.assemble([geo]).pages[0], found


def read_pdf_plumber(data: bytes, name: str = "", tables: bool = True) -> RawDocument:
    """pdfplumber on every page (layout-faithful, slower); kept for comparison and as a fallback."""
    pdf = _open(data, name)
    warnings: list[str] = []
    pages: list[layout.Page] = []
    found_tables: list[dict[str, Any]] = []
    try:
        for number, page in enumerate(pdf.pages, start=1):
            try:
                if tables:
                    geo, page_tables = _plumber_layout(page, number)
                else:
                    geo, page_tables = layout.Page(_page_lines(page.dedupe_chars().chars, [], []), page.width,
                                                   page.height), []
                found_tables.extend(page_tables)
                if not geo.lines and (page.images or not page.chars):
                    warnings.append(f"page {number} has no text layer; OCR needed")
            except Exception as e:  # one damaged page must not lose the others
                warnings.append(f"page {number} could not be read ({type(e).__name__})")
                geo = layout.Page([], 0.0, 0.0)
            pages.append(geo)
    finally:
        pdf.close()
    return _assemble(name, pages, found_tables, warnings)


def _assemble(name: str, pages: list[layout.Page], found_tables: list[dict[str, Any]],
              warnings: list[str]) -> RawDocument:
    if not pages:
        raise InputError(f"{name}: PDF has no pages")
    if not any(p.lines for p in pages):
        hint = ocr.INSTALL_HINT if not ocr.available() else "OCR found no text either"
        raise InputError(f"{name}: no text layer on any of {len(pages)} pages (scanned PDF); {hint}")
    done = layout.assemble(pages)
    page_lines = _strip_repeated(done.pages, done.continued)
    text, starts = layout.page_text(page_lines, done.continued)
    return RawDocument(text=text, format="pdf", page_starts=starts, pages=len(pages), tables=found_tables,
                       warnings=warnings)
