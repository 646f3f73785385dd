"""Generated input fixtures for what the real documents lack (made at test time, nothing binary committed)."""

from __future__ import annotations

import io
from pathlib import Path

SAMPLE = "乡村振兴局关于2023年重点工作的通知\n一、全年新建农村公路120公里,4月底前完成招标。(责任单位:县交通运输局)\n"
TRAD = "鄉村振興局關於2023年重點工作的通知\n一、全年新建農村公路120公里,4月底前完成招標。(責任單位:縣交通運輸局)\n"


def text_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with a real text layer, using reportlab's built-in Chinese CID font (no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    for number, body in enumerate(pages, start=1):
        y = 780
        c.setFont("STSong-Light", 12)
        c.drawString(72, 810, "某某县人民政府办公室文件")  # a running header on every page
        for line in body.split("\n"):
            c.drawString(72, y, line)
            y -= 18
        c.drawString(280, 40, f"— {number} —")  # a page number
        c.showPage()
    c.save()
    return path


def bold_overprint_pdf(path: Path, line: str) -> Path:
    """Fake bold: every character drawn twice at almost the same place (gives 微微软软 without dedupe)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 14)
    c.drawString(72, 700, line)
    c.drawString(72.3, 700, line)
    c.showPage()
    c.save()
    return path


def mixed_font_title_pdf(path: Path, parts: list[tuple[str, str]], rows: list[list[str]]) -> Path:
    """A 40-point title whose digits are set in Helvetica between CJK runs on one baseline (the ascents of
    the two fonts differ by more than 3 points at this size), drawn twice for fake bold, over a ruled table."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    for dx in (0.0, 0.3):
        x = 40 + dx
        for text, font in parts:
            name = "Helvetica" if font == "latin" else "STSong-Light"
            c.setFont(name, 40)
            c.drawString(x, 760, text)
            x += pdfmetrics.stringWidth(text, name, 40)
    c.setFont("STSong-Light", 12)
    y = 680
    for row in rows:
        for k, cell in enumerate(row):
            c.drawString(76 + 120 * k, y, cell)
        y -= 20
    c.grid([72 + 120 * k for k in range(len(rows[0]) + 1)], [694 - 20 * k for k in range(len(rows) + 1)])
    c.showPage()
    c.save()
    return path


def image_only_pdf(path: Path) -> Path:
    """A scanned-looking page: one image, no text layer."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = _tiny_png()
    c = canvas.Canvas(str(path))
    c.drawImage(ImageReader(io.BytesIO(png)), 72, 400, width=300, height=200)
    c.showPage()
    c.save()
    return path


def _tiny_png() -> bytes:
    import struct
    import zlib

    width, height = 4, 4
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def encrypted_pdf(path: Path, source: Path) -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def docx_file(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("关于推进农村供水保障的实施方案")
    d.add_paragraph("1.实施供水提升工程。6月底前完成水源地划定。")
    table = d.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["任务", "责任单位", "完成时限"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["新建水厂2座", "县水利局", "9月底前"], strict=True):
        cell.text = text
    d.add_paragraph("2.加强水质检测。")
    d.save(str(path))
    return path


# ---- tables -------------------------------------------------------------------------------------

DATA_TABLE = [
    ["指标", "2023年", "2022年", "增长(%)"],
    ["地区生产总值", "1250.6", "1180.2", "6.0"],
    ["一般公共预算收入", "98.5", "92.1", "6.9"],
    ["固定资产投资", "640.0", "600.0", "6.7"],
]
TASK_TABLE = [
    ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
    ["1", "新建乡镇污水处理厂2座", "县住建局", "各乡镇人民政府", "9月底前"],
    ["2", "完成农村改厕3000户", "县农业农村局", "各乡镇人民政府", "2024年12月"],
    ["3", "开展村庄清洁行动", "县农业农村局", "各乡镇人民政府", "2024年12月"],
]


def table_pdf(path: Path, rows: list[list[str]], ruled: bool, pages: int = 1, caption: str = "表1 主要指标",
              unit: str = "单位:亿元", grid_in_form: bool = False) -> Path:
    """A table drawn with reportlab: with grid lines (ruled) or as aligned columns only; ``pages`` > 1
    repeats the body on the next page under a repeated header (a table that runs on);
    ``grid_in_form`` draws the rulings inside a form XObject, as some generators do."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    widths = [max(60, 14 * max(len(r[i]) for r in rows) + 16) for i in range(len(rows[0]))]
    for page in range(pages):
        y = 780
        c.setFont("STSong-Light", 12)
        if page == 0:
            c.drawString(72, y, caption)
            y -= 20
            c.drawString(72, y, unit)
            y -= 24
        body = rows if page == 0 else [rows[0]] + [[r[0] + "续", *r[1:]] for r in rows[1:]]
        top = y + 14
        for row in body:
            x = 72
            for w, cell in zip(widths, row, strict=True):
                c.drawString(x + 4, y, cell)
                x += w
            y -= 20
        if ruled:
            xs = [72]
            for w in widths:
                xs.append(xs[-1] + w)
            ys = [top - 20 * i for i in range(len(body) + 1)]
            if grid_in_form:
                name = f"grid{page}"
                c.beginForm(name)
                c.grid([x - 10 for x in xs], [y - 30 for y in ys])  # drawn shifted, placed back by the form
                c.endForm()
                c.saveState()
                c.translate(10, 30)
                c.doForm(name)
                c.restoreState()
            else:
                c.grid(xs, ys)
        c.showPage()
    c.save()
    return path


def table_docx(path: Path, rows: list[list[str]], merge_down: tuple[int, int, int] | None = None,
               merge_across: tuple[int, int, int] | None = None, before: str = "", grid: bool = False) -> Path:
    """A DOCX with one table; ``merge_down=(col, first_row, last_row)`` merges a column's cells down,
    ``merge_across=(row, first_col, last_col)`` merges a row's cells across; ``grid`` draws every border."""
    import docx

    d = docx.Document()
    if before:
        d.add_paragraph(before)
    t = d.add_table(rows=len(rows), cols=len(rows[0]))
    if grid:
        t.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    if merge_down:
        col, a, b = merge_down
        keep = rows[a][col]
        merged = t.cell(a, col).merge(t.cell(b, col))
        merged.text = keep
    if merge_across:
        row, a, b = merge_across
        keep = rows[row][a]
        merged = t.cell(row, a).merge(t.cell(row, b))
        merged.text = keep
    d.save(str(path))
    return path


def table_xlsx(path: Path, rows: list[list[str | float]], title: str = "", merge_down: tuple[int, int, int] | None = None) -> Path:
    """An XLSX task division or data sheet; ``merge_down=(col, first_row, last_row)`` (0-based rows of ``rows``)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分解"
    offset = 1
    if title:
        ws.cell(1, 1, title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        offset = 2
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value != "":
                ws.cell(r + offset, c + 1, value)
    if merge_down:
        col, a, b = merge_down
        ws.merge_cells(start_row=a + offset, start_column=col + 1, end_row=b + offset, end_column=col + 1)
    wb.save(str(path))
    return path


# ---- scanned, garbled, OFD and office files -----------------------------------------------------

PLAN_PARAGRAPH = [
    "关于印发2024年农村公路建设工作方案的通知",
    "一、全年新改建农村公路120公里,4月底前完成招标。",
    "(责任单位:县交通运输局)",
    "二、完成投资3.5亿元,养护率达到95%以上。",
    "(责任单位:县财政局、各乡镇人民政府)",
]
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_TTF = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def page_image(lines: list[str], size: int = 28):
    """A white A4-ish page at 150 dpi with the lines drawn in a CJK font (Debian's fonts-noto-cjk)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_FONT), size)
    img = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((110, 150 + i * int(size * 2.2)), line, fill="black", font=font)
    return img


def scanned_pdf(path: Path, lines: list[str]) -> Path:
    """A scanned page: the paragraph rendered to an image and wrapped in a PDF, no text layer."""
    page_image(lines).save(str(path), "PDF", resolution=150.0)
    return path


def pdf_without_tounicode(path: Path, lines: list[str]) -> Path:
    """Real glyphs in an embedded TrueType subset whose ToUnicode map is removed: the page looks right,
    its text layer reads as control characters."""
    import pypdf
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", str(CJK_TTF), subfontIndex=0))
    tmp = path.with_suffix(".tmp.pdf")
    c = canvas.Canvas(str(tmp))
    c.setFont("WQY", 14)
    for i, line in enumerate(lines):
        c.drawString(60, 760 - i * 30, line)
    c.showPage()
    c.save()
    reader, writer = pypdf.PdfReader(str(tmp)), pypdf.PdfWriter()
    for page in reader.pages:
        for key in page["/Resources"]["/Font"]:
            font = page["/Resources"]["/Font"][key].get_object()
            if "/ToUnicode" in font:
                del font["/ToUnicode"]
        writer.add_page(page)
    writer.write(str(path))
    tmp.unlink()
    return path


def ofd_file(path: Path, pages: list[list[str]], entity: bool = False) -> Path:
    """A minimal OFD (GB/T 33190): OFD.xml -> Doc_0/Document.xml -> Pages/Page_N/Content.xml with TextObjects."""
    import zipfile

    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    doctype = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' if entity else ""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<ofd:OFD {ns} Version="1.1">'
                               f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo>"
                               f"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        page_refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        zf.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}>'
                                          f"<ofd:CommonData><ofd:MaxUnitID>99</ofd:MaxUnitID></ofd:CommonData>"
                                          f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>")
        for i, lines in enumerate(pages):
            objs = []
            for j, line in enumerate(lines):
                y = 30 + j * 8
                objs.append(f'<ofd:TextObject ID="{j + 10}" Boundary="20 {y} 170 6" Font="1" Size="4.2">'
                            f'<ofd:TextCode X="0" Y="4" DeltaX="g {max(len(line) - 1, 0)} 4.2">{line}</ofd:TextCode>'
                            f"</ofd:TextObject>")
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">'
                        f'{"".join(objs)}</ofd:Layer></ofd:Content></ofd:Page>')
    return path


def plan_docx(path: Path, lines: list[str]) -> Path:
    import docx

    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(str(path))
    return path


# ---- bulletin PDFs: a text laid out as an official bulletin (issue 21) --------------------------------

BULLETIN_BODY = 15.5  # points; 28 characters to a line of 434 points, as in a printed notice
BULLETIN_NOTE = 10.5
_OPENING = "“‘(（《〈【「『"
_CLOSING = "，。、；：？！）」』”’》〉】,.;:?!)%‰％"


def _pieces(text: str) -> list[str]:
    """Unbreakable pieces: a run of Latin letters and figures or one character, with the opening marks
    before it and the closing punctuation after it (a line never starts with 。 or ends with “)."""
    import re

    return re.findall(rf"[{_OPENING}]*(?:[0-9A-Za-z][0-9A-Za-z.,%‰+\-/:]*[0-9A-Za-z%‰]|[0-9A-Za-z]|.)[{_CLOSING}]*",
                      text)


def _break(text: str, first: float, rest: float, size: float) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur, width = [], "", 0.0
    for piece in _pieces(text):
        w = stringWidth(piece, "STSong-Light", size)
        room = first if not lines else rest
        if cur and width + w > room + 0.01:
            lines.append(cur)
            cur, width = "", 0.0
        cur += piece
        width += w
    if cur:
        lines.append(cur)
    return lines


def bulletin_pdf(path: Path, title: list[str], blocks: list[tuple[str, str]], notes: dict[str, str] | None = None,
                 justify: bool = True, header: str = "", number: str = "") -> list[dict]:
    """Render a text as a bulletin on A4 with reportlab: a centred title in 22-point lines (one list item a
    line), justified (or ragged) paragraphs with a two-character first-line indent, footnotes in a smaller
    size below a short rule at the foot of the page whose line carries their marker, a signature block set
    right, ``- N -`` page numbers at the outer corner, and an optional running header over a rule.

    ``blocks`` are (kind, text): ``p`` a paragraph, ``flush`` a paragraph without indent (an addressee),
    ``sign`` a signature line (unit, then date). Returns the laid-out lines, ``{"page", "block", "text",
    "x0", "x1", "last"}``, so a test can see which situations the layout produced."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font, size, pitch = "STSong-Light", BULLETIN_BODY, 28.9
    page_w, page_h = A4
    left, width = 80.0, 28 * BULLETIN_BODY
    right = left + width
    top_y, bottom_y = page_h - 105, 95.0
    notes = notes or {}
    c = canvas.Canvas(str(path), pagesize=A4)
    laid: list[dict] = []
    state = {"page": 1, "y": top_y, "notes": []}

    def furniture() -> None:
        n = state["page"]
        c.setFont(font, 14)
        label = f"- {n} -"
        w = stringWidth(label, font, 14)
        c.drawString(right - BULLETIN_BODY - w if n % 2 else left + BULLETIN_BODY, 55, label)
        if header:
            c.setFont(font, 10.5)
            c.drawCentredString(page_w / 2, page_h - 62, header)
            c.line(left, page_h - 68, right, page_h - 68)

    def notes_height(items: list[str]) -> float:
        lines = sum(len(_break(notes[m], width, width, BULLETIN_NOTE)) for m in items)
        return 0.0 if not items else 18 + lines * 15.5

    def flush_notes() -> None:
        if not state["notes"]:
            return
        y = bottom_y - 12 + notes_height(state["notes"]) - 18
        c.line(left, y + 14, left + width / 4, y + 14)
        c.setFont(font, BULLETIN_NOTE)
        for m in state["notes"]:
            for ln in _break(notes[m], width, width, BULLETIN_NOTE):
                c.drawString(left, y, ln)
                y -= 15.5
        state["notes"] = []

    def new_page() -> None:
        flush_notes()
        furniture()
        c.showPage()
        state["page"] += 1
        state["y"] = top_y

    def place(text: str, x: float, room: float, block: int, last: bool, spread: bool) -> None:
        marks = [m for m in notes if m in text and m not in state["notes"]]
        need = notes_height(state["notes"] + marks)
        if state["y"] < bottom_y + need:
            new_page()
            need = notes_height(marks)
        state["notes"].extend(marks)
        t = c.beginText(x, state["y"])
        t.setFont(font, size)
        used = stringWidth(text, font, size)
        if spread and len(text) > 1:
            t.setCharSpace((room - used) / (len(text) - 1))
        t.textOut(text)
        c.drawText(t)
        laid.append({"page": state["page"], "block": block, "text": text, "x0": x,
                     "x1": x + (room if spread and len(text) > 1 else used), "last": last})
        state["y"] -= pitch

    c.setFont(font, 22)
    y = top_y + 10
    if number:
        c.setFont(font, size)
        c.drawCentredString(page_w / 2, y, number)
        y -= 2 * pitch
    c.setFont(font, 22)
    for line in title:
        c.drawCentredString(page_w / 2, y, line)
        y -= 36
    state["y"] = y - pitch
    for b, (kind, text) in enumerate(blocks):
        if kind == "sign":
            w = stringWidth(text, font, size)
            if b and blocks[b - 1][0] != "sign":
                state["y"] -= pitch
            place(text, right - 4 * size - w if any(ch.isdigit() for ch in text) else right - 2 * size - w, w, b,
                  True, False)
            continue
        indent = 0.0 if kind == "flush" else 2 * size
        lines = _break(text, width - indent, width, size)
        for i, ln in enumerate(lines):
            last = i == len(lines) - 1
            place(ln, left + (indent if i == 0 else 0.0), width - (indent if i == 0 else 0.0), b, last,
                  justify and not last)
    flush_notes()
    furniture()
    c.showPage()
    c.save()
    return laid


def bulletin_text(title: list[str], blocks: list[tuple[str, str]], notes: dict[str, str] | None = None,
                  number: str = "") -> str:
    """The same document as plain text: one line a paragraph, the title on one line, each footnote after
    the paragraph that carries its marker."""
    notes = notes or {}
    out = [number] if number else []
    out.append("".join(title))
    for _, text in blocks:
        out.append(text)
        out.extend(note for mark, note in notes.items() if mark in text)
    return "\n".join(out) + "\n"
