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
        size = p.stat().st_size
        if size > max_text_bytes():
            # a huge text is refused from its first bytes, never read whole into memory
            with open(p, "rb") as fh:
                head = fh.read(65536)
            if sniff(head, p.name) in ("text", "html", "csv"):
                raise InputError(f"{p.name}: a text of {size // 2**20} MB is over the limit of "
                                 f"{max_text_bytes() // 2**20} MB; raise it with --max-mb (or DOCPROC_MAX_MB)")
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None
    return read_bytes(data, name=p.name)


def max_text_bytes() -> int:
    """Largest text/HTML/CSV input read (50 MB; DOCPROC_MAX_MB or --max-mb raise it): past that a plain
    text is not one notice but a dump, and reading it whole would take the memory of the machine."""
    import os

    return int(float(os.environ.get("DOCPROC_MAX_MB", "50")) * 1024 * 1024)


def read_bytes(data: bytes, name: str = "<bytes>") -> RawDocument:
    fmt = sniff(data, name)
    if fmt in ("text", "html", "csv") and len(data) > max_text_bytes():
        raise InputError(f"{name}: a text of {len(data) // 2**20} MB is over the limit of "
                         f"{max_text_bytes() // 2**20} MB; raise it with --max-mb (or DOCPROC_MAX_MB)")
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
