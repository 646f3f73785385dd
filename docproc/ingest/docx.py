"""Word .docx via python-docx: paragraphs and tables in document order."""

from __future__ import annotations

import io

from .errors import InputError
from .raw import RawDocument


def read_docx(data: bytes, name: str = "") -> RawDocument:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several types for broken packages
        raise InputError(f"{name}: broken .docx file ({type(e).__name__})") from None
    lines: list[str] = []
    tables = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    text = " ".join(p.text for p in cell.paragraphs).strip()
                    if not cells or cells[-1] != text:  # merged cells repeat
                        cells.append(text)
                rows.append(cells)
                lines.append(" | ".join(cells))
            tables.append({"page": 1, "rows": rows})
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(f"{name}: the .docx has no text")
    return RawDocument(text=text, format="docx", tables=tables)
