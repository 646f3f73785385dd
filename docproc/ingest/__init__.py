"""Readers: bytes in, raw text plus page starts and tables out.

``read_path``/``read_bytes`` sniff the format from the content (not only the
suffix) and hand off to one reader per format. Every failure is an
``InputError`` whose message is one line a user can act on.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from . import caps
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
        size = regular_size(p)
        if size > max_text_bytes():
            # a huge text is refused from its first bytes, never read whole into memory
            with open(p, "rb") as fh:
                head = fh.read(65536)
            if _sniff_head(head, p.name) in ("text", "html", "csv"):
                raise InputError(f"{p.name}: a text of {size // 2**20} MB is over the limit of "
                                 f"{max_text_bytes() // 2**20} MB; raise it with --max-mb (or DOCPROC_MAX_MB)")
        caps.check(p.name, "file_mb", size / 2**20, f"为 {size / 2**20:.0f}")
        with open(p, "rb") as fh:
            data = fh.read(int(caps.current().file_mb * 2**20) + 1)  # a file that grows while read stops here
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None
    return read_bytes(data, name=p.name)


def _sniff_head(head: bytes, name: str) -> str | None:
    """The format the first bytes suggest, or None when they say nothing (all NUL: a sparse file)."""
    try:
        return sniff(head, name)
    except InputError:
        return None


SPECIAL = {stat.S_IFIFO: "命名管道(FIFO)", stat.S_IFCHR: "字符设备", stat.S_IFBLK: "块设备", stat.S_IFSOCK: "套接字"}


def regular_size(path: Path) -> int:
    """The size of a regular file; a pipe, device or socket is refused before it is opened (reading a
    FIFO blocks for ever, a character device never ends)."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        kind = SPECIAL.get(stat.S_IFMT(st.st_mode), "特殊文件")
        raise InputError(f"{path.name}: 是{kind},不是普通文件;未读取")
    return st.st_size


def max_text_bytes() -> int:
    """Largest text/HTML/CSV input read (50 MB; DOCPROC_MAX_MB or --max-mb raise it): past that a plain
    text is not one notice but a dump, and reading it whole would take the memory of the machine."""
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
