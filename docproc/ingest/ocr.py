"""OCR for pages without a usable text layer and for images, offline.

``rapidocr-onnxruntime`` ships the PP-OCRv4 Chinese detection and recognition models in its
wheel, so nothing is downloaded at run time; it is the optional extra ``.[ocr]``. Detected
boxes are put in reading order: boxes on the same line (vertical overlap) left to right, lines
top to bottom, and a page whose lines split into two columns is read column by column.
Boxes turned by more than 20 degrees (the ring of a seal or a stamp) are left out.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import caps
from . import lines as layout
from .errors import InputError
from .raw import RawDocument

INSTALL_HINT = 'OCR needed: install it with pip install -e ".[ocr]" (rapidocr-onnxruntime, models included)'
RENDER_SCALE = 2.0  # 144 dpi: PP-OCR reads body text reliably from there
SIZE_TOLERANCE = 0.25  # detected boxes of one font size differ more in height than glyphs do


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in image pixels
    score: float


def available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _angle(quad: list[list[float]]) -> float:
    (x0, y0), (x1, y1) = quad[0], quad[1]
    return abs(math.degrees(math.atan2(y1 - y0, x1 - x0)))


def recognize(image: Any) -> list[OcrLine]:
    """Text boxes of a PIL image (or an array), seals and stamps left out."""
    import numpy as np

    result, _ = _engine()(np.asarray(image.convert("RGB")) if hasattr(image, "convert") else image)
    out = []
    for quad, text, score in result or []:
        if _angle(quad) > 20 or not text.strip():
            continue
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        out.append(OcrLine(text.strip(), (min(xs), min(ys), max(xs), max(ys)), float(score)))
    return out


def _rows(lines: list[OcrLine]) -> list[list[OcrLine]]:
    rows: list[list[OcrLine]] = []
    for ln in sorted(lines, key=lambda b: (b.box[1] + b.box[3]) / 2):
        mid = (ln.box[1] + ln.box[3]) / 2
        if rows:
            last = rows[-1]
            top, bottom = min(b.box[1] for b in last), max(b.box[3] for b in last)
            if top <= mid <= bottom:
                last.append(ln)
                continue
        rows.append([ln])
    return [sorted(r, key=lambda b: b.box[0]) for r in rows]


def _columns(lines: list[OcrLine], width: float) -> list[list[OcrLine]]:
    """Two columns when no box crosses the middle band of the page and both halves hold text."""
    if not lines or width <= 0:
        return [lines]
    mid = width / 2
    crossing = [b for b in lines if b.box[0] < mid - width * 0.02 and b.box[2] > mid + width * 0.02]
    left = [b for b in lines if b.box[2] <= mid + width * 0.02]
    right = [b for b in lines if b.box[0] >= mid - width * 0.02]
    if not crossing and len(left) >= 3 and len(right) >= 3:
        return [left, right]
    return [lines]


def reading_order(lines: list[OcrLine], width: float) -> list[str]:
    """Text lines of a page in reading order; boxes on one line joined (with ' | ' across wide gaps)."""
    return [ln.text for ln in page_lines(lines, width)]


def page_lines(lines: list[OcrLine], width: float, scale: float = 1.0) -> list[layout.Line]:
    """The page's lines in reading order with their boxes (times ``scale``), for the paragraph assembler;
    a line with a wide gap between its boxes is a table row, kept as it is."""
    out: list[layout.Line] = []
    for column in _columns(lines, width):
        for row in _rows(column):
            parts = [row[0].text]
            gap = False
            for a, b in zip(row, row[1:], strict=False):
                height = max(a.box[3] - a.box[1], 1.0)
                wide = b.box[0] - a.box[2] > 1.5 * height
                gap = gap or wide
                parts.append((" | " if wide else "") + b.text)
            heights = sorted(b.box[3] - b.box[1] for b in row)
            out.append(layout.Line("".join(parts), row[0].box[0] * scale, max(b.box[2] for b in row) * scale,
                                   min(b.box[1] for b in row) * scale, max(b.box[3] for b in row) * scale,
                                   heights[len(heights) // 2] * scale, fixed=gap))
    return out


def ocr_lines(image: Any) -> list[str]:
    width = image.size[0] if hasattr(image, "size") else 0
    return reading_order(recognize(image), width)


INK_LEVEL = 235  # an image with no pixel darker than this grey is blank: no OCR


def inked(image: Any) -> bool:
    """Whether an image has anything darker than light grey (a blank page costs no OCR)."""
    darkest, _ = image.convert("L").getextrema()
    return darkest < INK_LEVEL


def read_image(data: bytes, name: str = "") -> RawDocument:
    """A scanned page saved as PNG, JPEG or TIFF (every frame of a multi-page TIFF is a page)."""
    if not available():
        raise InputError(f"{name}: an image; {INSTALL_HINT}")
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))  # reads the header only: the size is known before any pixel
        frames = []
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            caps.check(name, "pages", number)
            w, h = frame.size
            caps.check(name, "pixels", w * h, f"为 {w * h}(第{number}页 {w}×{h} 像素)")
            frames.append(frame.copy())
    except Image.DecompressionBombError as e:  # Pillow's own guard, when its limit is below ours
        found = re.search(r"\((\d+) pixels\)", str(e))
        raise caps.CapExceeded(name, "pixels", f"为 {found.group(1) if found else '?'}", caps.current().pixels) from None
    except (UnidentifiedImageError, OSError) as e:
        raise InputError(f"{name}: broken image ({type(e).__name__})") from None
    pages = [layout.Page(page_lines(recognize(f), f.size[0]) if inked(f) else [], f.size[0], f.size[1],
                         size_tolerance=SIZE_TOLERANCE) for f in frames]
    if not any(p.lines for p in pages):
        raise InputError(f"{name}: no text found in the image")
    done = layout.assemble(pages)
    text, starts = layout.page_text(done.pages, done.continued)
    return RawDocument(text=text, format="image", page_starts=starts, pages=len(pages),
                       warnings=[f"read by OCR: {len(pages)} page(s)"])
