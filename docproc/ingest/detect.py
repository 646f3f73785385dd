"""Format sniffing from content: the suffix is only a hint."""

from __future__ import annotations

import io
import zipfile

from .errors import InputError

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes, name: str = "") -> str:
    """Return ``pdf``, ``docx``, ``xlsx``, ``ofd``, ``odf``, ``ole``, ``rtf``, ``image``, ``csv``, ``html`` or
    ``text``; raise InputError for what we cannot read."""
    if not data or not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise InputError(f"{name}: empty file")
    head = data[:1024]
    if head.lstrip().startswith(b"%PDF") or b"%PDF-" in head[:16]:
        return "pdf"
    if head.startswith(_OLE):
        return "ole"  # .doc / .wps / .xls / .et: converted with LibreOffice
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")) or head[:6] in (b"GIF87a", b"GIF89a"):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise InputError(f"{name}: broken zip/Office file") from None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
        if "mimetype" in names and "content.xml" in names:
            return "odf"  # .odt / .ods: converted with LibreOffice
        raise InputError(f"{name}: a zip archive, not a document (use `docproc batch` for archives)")
    if head.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zXZ")):
        raise InputError(f"{name}: a compressed archive, not a document (use `docproc batch` for archives)")
    lower = head.lower()
    for enc_marker in (lower, _utf16_head(head)):
        if enc_marker and any(m in enc_marker for m in (b"<html", b"<!doctype html", b"<body", b"<head", b"<p>", b"<div")):
            return "html"
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return "html"
    if name.lower().endswith((".csv", ".tsv")):
        return "csv"
    return "text"


def _utf16_head(head: bytes) -> bytes:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore").lower().encode("ascii", errors="ignore")
        except UnicodeDecodeError:
            return b""
    return b""
