"""Old and open office formats (.doc, .wps, .xls, .et, .rtf, .odt, .ods) through LibreOffice.

Each file is converted in headless mode in a temporary folder of its own, with its own
LibreOffice profile (so conversions never wait on each other's lock) and a time limit, to
.docx or .xlsx, which the regular readers then read. Without LibreOffice, RTF still reads
through ``striprtf`` when installed; everything else gets one line saying what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import InputError
from .raw import RawDocument

TIMEOUT_SECONDS = 120
INSTALL_HINT = "install LibreOffice (Debian: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _ole_kind(data: bytes) -> str:
    """An OLE compound file's main stream: WordDocument (.doc/.wps) or Workbook/Book (.xls/.et)."""
    if "WordDocument".encode("utf-16-le") in data:
        return "docx"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xlsx"
    return "docx"


def convert(data: bytes, name: str, suffix: str, target: str) -> bytes:
    """Bytes of the file converted to ``target`` (docx or xlsx) by LibreOffice."""
    exe = soffice()
    if exe is None:
        raise InputError(f"{name}: a {suffix} file; to read it, {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="docproc-lo-") as tmp:
        folder = Path(tmp)
        src = folder / f"input{suffix}"
        src.write_bytes(data)
        profile = (folder / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", target,
               "--outdir", str(folder / "out"), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_SECONDS, check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(f"{name}: LibreOffice did not finish converting in {TIMEOUT_SECONDS} s") from None
        out = folder / "out" / f"input.{target}"
        if not out.is_file():
            raise InputError(f"{name}: LibreOffice could not convert this {suffix} file (damaged or not a document)")
        return out.read_bytes()


def read_ole(data: bytes, name: str) -> RawDocument:
    target = _ole_kind(data)
    suffix = ".xls" if target == "xlsx" else ".doc"
    return _read_converted(convert(data, name, suffix, target), name, target)


def read_odf(data: bytes, name: str) -> RawDocument:
    target = "xlsx" if b"opendocument.spreadsheet" in data[:200] else "docx"
    suffix = ".ods" if target == "xlsx" else ".odt"
    return _read_converted(convert(data, name, suffix, target), name, target)


def read_rtf(data: bytes, name: str) -> RawDocument:
    if soffice() is not None:
        return _read_converted(convert(data, name, ".rtf", "docx"), name, "docx")
    try:
        from striprtf.striprtf import rtf_to_text
    except ImportError:
        raise InputError(f"{name}: an RTF file; to read it, {INSTALL_HINT} or pip install striprtf") from None
    text = rtf_to_text(data.decode("latin-1"), encoding="gbk", errors="replace")
    if not text.strip():
        raise InputError(f"{name}: the RTF file has no text")
    return RawDocument(text=text, format="rtf")


def _read_converted(converted: bytes, name: str, target: str) -> RawDocument:
    if target == "xlsx":
        from .sheet import read_xlsx

        raw = read_xlsx(converted, name)
    else:
        from .docx import read_docx

        raw = read_docx(converted, name)
    raw.warnings.append("converted with LibreOffice")
    return raw
