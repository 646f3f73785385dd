"""Readers: bytes in, raw text plus page starts and tables out.

``read_path``/``read_bytes`` sniff the format from the content (not only the
suffix) and hand off to one reader per format. Every failure is an
``InputError`` whose message is one line a user can act on.
"""

from __future__ import annotations

from pathlib import Path

from .detect import sniff
from .errors import InputError
from .raw import RawDocument

__all__ = ["InputError", "RawDocument", "read_bytes", "read_path", "sniff"]


def read_path(path: str | Path) -> RawDocument:
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a folder (use `docproc batch` for folders)")
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None
    return read_bytes(data, name=p.name)


def read_bytes(data: bytes, name: str = "<bytes>") -> RawDocument:
    fmt = sniff(data, name)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, name)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(data, name)
    if fmt == "ofd":
        from .ofd import read_ofd

        return read_ofd(data, name)
    if fmt in ("ole", "odf", "rtf"):
        from . import office

        return {"ole": office.read_ole, "odf": office.read_odf, "rtf": office.read_rtf}[fmt](data, name)
    if fmt == "image":
        from .ocr import read_image

        return read_image(data, name)
    if fmt == "xlsx":
        from .sheet import read_xlsx

        return read_xlsx(data, name)
    if fmt == "csv":
        from .sheet import read_csv
        from .text import decode

        return read_csv(decode(data, name), name)
    if fmt == "html":
        from .html import read_html
        from .text import decode

        return read_html(decode(data, name), name)
    from .text import read_text

    return read_text(data, name)
