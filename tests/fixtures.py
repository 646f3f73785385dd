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
