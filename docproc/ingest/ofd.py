"""OFD (GB/T 33190), the national format for electronic official documents: a zip of XML.

``OFD.xml`` names the document (``DocRoot``), the document lists its pages (``Pages/Page@BaseLoc``),
and each page's ``Content.xml`` holds ``TextObject``s with a ``Boundary`` and ``TextCode``s placed
at ``X``/``Y``. Text objects are put in reading order per page: grouped into lines by their
baseline, left to right, with ``|`` between cells that sit far apart (a table), and lines that
fill the width joined back into paragraphs, as for PDFs.

Written here rather than taken from a package: the OFD readers on PyPI are young, render to
images or PDF, or bring heavy dependencies; this reader needs only the standard zip module and
``defusedxml`` (no entities, no DTDs), with size limits on every member.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

from . import caps
from . import lines as layout
from .errors import InputError
from .lines import Line
from .raw import RawDocument

MAX_MEMBER = 50 * 1024 * 1024
MAX_TOTAL = 300 * 1024 * 1024
MAX_RATIO = 200.0


@dataclass(frozen=True)
class _Glyphs:
    x: float
    y: float
    size: float
    width: float
    text: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(zf: zipfile.ZipFile, path: str, name: str):
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    path = path.lstrip("/")
    try:
        info = zf.getinfo(path)
    except KeyError:
        raise InputError(f"{name}: broken OFD (missing {path})") from None
    if info.file_size > MAX_MEMBER:
        raise InputError(f"{name}: OFD member {path} unpacks to more than {MAX_MEMBER // 2**20} MB; refused")
    try:
        return ElementTree.fromstring(zf.read(path), forbid_dtd=True)
    except DefusedXmlException:
        raise InputError(f"{name}: OFD with XML entities or a DTD (unsafe); refused") from None
    except Exception as e:  # ParseError and friends
        raise InputError(f"{name}: broken OFD ({type(e).__name__} in {path})") from None


def _child(node, tag: str):
    return next((c for c in node.iter() if _local(c.tag) == tag), None)


def _floats(value: str | None) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", value or "")]


def _advance(value: str | None, name: str = "") -> float:
    """The sum of the gaps in a DeltaX: "g 3 5.2 1.1" = three gaps of 5.2, then 1.1 (16.7). Summed without
    expanding the repeats, and a repeat count past the cap is refused (a glyph run is a line of text, not
    300 million glyphs)."""
    total = 0.0
    tokens = (value or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                repeat = int(float(tokens[i + 1]))
                caps.check(name, "glyph_repeat", repeat)
                total += max(repeat, 0) * float(tokens[i + 2])
            i += 3
        else:
            with contextlib.suppress(ValueError):
                total += float(tokens[i])
            i += 1
    return total


def _page_glyphs(root, name: str = "") -> list[_Glyphs]:
    out: list[_Glyphs] = []
    for obj in root.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = _floats(obj.get("Boundary")) + [0, 0, 0, 0]
        size = float(obj.get("Size") or 3.5)
        for code in obj:
            if _local(code.tag) != "TextCode" or not (code.text or "").strip():
                continue
            x = box[0] + float(code.get("X") or 0)
            y = box[1] + float(code.get("Y") or 0)
            width = _advance(code.get("DeltaX"), name) + size
            out.append(_Glyphs(x, y, size, width, code.text))
    return out


def _lines(glyphs: list[_Glyphs]) -> list[Line]:
    """Glyph runs grouped into lines by their baseline, with boxes for the paragraph assembler; a line
    with a wide gap between its runs is a table row, kept as it is."""
    rows: list[list[_Glyphs]] = []
    for g in sorted(glyphs, key=lambda g: (g.y, g.x)):
        if rows and abs(rows[-1][0].y - g.y) <= 0.5 * g.size:
            rows[-1].append(g)
        else:
            rows.append([g])
    out = []
    for row in rows:
        row.sort(key=lambda g: g.x)
        parts = [row[0].text]
        wide = False
        for a, b in zip(row, row[1:], strict=False):
            gap = b.x - (a.x + a.width) > 1.5 * a.size
            wide = wide or gap
            parts.append((" | " if gap else "") + b.text)
        text = "".join(parts).strip()
        if text:
            size = max(g.size for g in row)
            out.append(Line(text, row[0].x, max(g.x + g.width for g in row), min(g.y for g in row) - size,
                            max(g.y for g in row), size, fixed=wide))
    return out


def _page(root, page, document, name: str = "") -> layout.Page:
    """A page's lines, in a page of the size its own or the document's PhysicalBox gives (mm)."""
    box = None
    for node in (root, page, document):
        area = _child(node, "PhysicalBox")
        if area is not None:
            box = _floats(area.text)
            break
    width, height = (box[2], box[3]) if box and len(box) == 4 else (210.0, 297.0)
    return layout.Page(_lines(_page_glyphs(root, name)), width, height)


def read_ofd(data: bytes, name: str = "") -> RawDocument:
    from .pdf import _assemble

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(f"{name}: broken OFD (not a zip)") from None
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_TOTAL or total / packed > MAX_RATIO and total > 10 * 1024 * 1024:
            raise InputError(f"{name}: OFD unpacks to {total // 2**20} MB (ratio {total / packed:.0f}); refused")
        ofd = _parse(zf, "OFD.xml", name)
        root_node = _child(ofd, "DocRoot")
        if root_node is None or not (root_node.text or "").strip():
            raise InputError(f"{name}: broken OFD (no DocRoot)")
        doc_path = root_node.text.strip().lstrip("/")
        document = _parse(zf, doc_path, name)
        base = posixpath.dirname(doc_path)
        pages = [p for p in document.iter() if _local(p.tag) == "Page" and p.get("BaseLoc")]
        if not pages:
            raise InputError(f"{name}: the OFD has no pages")
        caps.check(name, "pages", len(pages))
        page_lines: list[layout.Page] = []
        refs: Counter[str] = Counter()
        for page in pages:
            loc = page.get("BaseLoc").lstrip("/")
            path = posixpath.normpath(posixpath.join(base, loc)) if not loc.startswith(base + "/") else loc
            if not path.endswith(".xml"):
                path = posixpath.join(path, "Content.xml")
            refs[path] += 1  # pages sharing one content file multiply its work: a real OFD never does
            caps.check(name, "ofd_page_refs", refs[path], f"为 {refs[path]}({path})")
            page_lines.append(_page(_parse(zf, path, name), page, document, name))
    if not any(p.lines for p in page_lines):
        raise InputError(f"{name}: the OFD has no text (scanned images only); OCR of OFD images is not supported")
    raw = _assemble(name, page_lines, [], [])
    raw.format = "ofd"
    return raw
