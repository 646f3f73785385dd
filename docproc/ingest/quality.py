"""Is a page's text layer usable? PDFs whose fonts lack a ToUnicode map give `(cid:123)` runs,
private-use characters or mojibake (GBK bytes read as Latin-1: 政府 -> Õþ¸®); such a page must be
read from its image (OCR) instead of feeding garbage to extraction."""

from __future__ import annotations

import re

_CID = re.compile(r"\(cid:\d+\)")


def garbled_reason(text: str) -> str | None:
    """Why the text layer is garbage (a short phrase), or None when it reads as text."""
    body = "".join(text.split())
    if len(body) < 8:
        return None
    cids = len(_CID.findall(text))
    if cids >= 5 and cids * 6 > len(body) * 0.2:
        return f"{cids} (cid:…) glyph codes"
    n = len(body)
    private = sum(1 for c in body if 0xE000 <= ord(c) <= 0xF8FF)
    replacement = body.count("\ufffd")
    latin1 = sum(1 for c in body if 0x80 <= ord(c) <= 0xFF)
    control = sum(1 for c in body if ord(c) < 32)
    if private / n > 0.05:
        return "private-use characters"
    if replacement / n > 0.02:
        return "undecodable characters"
    if control / n > 0.02:
        return "control characters"
    cjk = sum(1 for c in body if "\u4e00" <= c <= "\u9fff")
    if latin1 / n > 0.15 and latin1 > cjk:
        return "mojibake (Chinese bytes read as Latin-1)"
    # glyph numbers read as Unicode land on rare characters: real text, simplified or traditional,
    # is almost all in GB2312 or Big5
    han = [c for c in body if "\u3400" <= c <= "\u9fff"]
    if len(han) >= 8 and sum(1 for c in han if not _common(c)) > 0.2 * len(han):
        return "implausible characters (glyph codes without a ToUnicode map)"
    return None


def _common(ch: str) -> bool:
    for encoding in ("gb2312", "big5"):
        try:
            ch.encode(encoding)
            return True
        except UnicodeEncodeError:
            continue
    return False
