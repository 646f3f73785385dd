"""Plain text in any of the encodings staff send: UTF-8 (BOM or not), UTF-16 with BOM, GB18030/GBK, Big5."""

from __future__ import annotations

from .errors import InputError
from .raw import RawDocument

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _cjk_share(text: str) -> float:
    if not text:
        return 0.0
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    return cjk / max(1, len(text))


def _bad_share(text: str) -> float:
    bad = sum(1 for c in text if (ord(c) < 32 and c not in "\r\n\t\f") or c == "\ufffd")
    return bad / max(1, len(text))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: the zero high bytes of ASCII (digits, newlines) all fall on one side."""
    sample = data[:65536]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even = sum(1 for i in range(0, len(sample) - 1, 2) if sample[i] == 0)
    odd = sum(1 for i in range(1, len(sample), 2) if sample[i] == 0)
    pairs = len(sample) // 2
    # a CJK character U+XX00 puts a zero on the other side now and then: compare, do not demand none
    if odd >= 0.02 * pairs and odd > 4 * even:
        return "utf-16-le"
    if even >= 0.02 * pairs and even > 4 * odd:
        return "utf-16-be"
    return None


def decode(data: bytes, name: str = "") -> str:
    """Decode bytes to str, or raise InputError when they are not text."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace")
    try:
        text = data.decode("utf-8")
        if _bad_share(text) < 0.01:
            return text
    except UnicodeDecodeError:
        pass
    candidates = []
    for enc in ("gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((enc, text))
    if len(candidates) == 2:
        # Both decode: Big5 bytes read as GB18030 give rare, unrelated characters. Ask charset-normalizer.
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=["gb18030", "big5"]).best()
        if best is not None:
            enc = "big5" if "big5" in best.encoding.lower() else "gb18030"
            return dict(candidates)[enc]
    if candidates:
        return candidates[0][1]
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: not a text document (binary data in an unknown encoding)")
    text = str(best)
    if _bad_share(text) > 0.05:
        raise InputError(f"{name}: not a text document (binary data)")
    return text


def read_text(data: bytes, name: str = "") -> RawDocument:
    text = decode(data, name)
    if _bad_share(text) > 0.05:
        raise InputError(f"{name}: not a text document (binary data)")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise InputError(f"{name}: empty file")
    if "\f" in text:  # pdftotext-style page breaks
        starts, pos = [], 0
        parts = text.split("\f")
        for part in parts[:-1]:
            pos += len(part) + 1
            starts.append(pos)
        return RawDocument(text=text.replace("\f", "\n"), format="text", page_starts=starts, pages=len(parts))
    return RawDocument(text=text, format="text")
