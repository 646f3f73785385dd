"""Numbers scanned from characters, before any segmentation.

jieba splits ``-26.95%`` and ``23.4%`` unpredictably (STYLE.md), so numbers
are found here with regular expressions over the normalized text, and only
the span of a Chinese numeral is handed to cn2an (never a whole sentence:
cn2an.transform turns 今明两年 into 今明2年).

``scan(text)`` finds candidates; ``resolve`` is done by ``quantities``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_ALL = _CN_DIGITS + "十百千万亿"

ARABIC = re.compile(r"(?<![A-Za-z0-9_.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![A-Za-z_])")
CHINESE = re.compile(rf"[{_CN_ALL}]+(?:点[{_CN_DIGITS}]+)?")
FRACTION = re.compile(rf"([{_CN_ALL}\d]+)分之([{_CN_ALL}\d]+(?:点[{_CN_DIGITS}]+)?)")
HALF = re.compile(r"一半|半数|过半")
TENTHS = re.compile(r"([一二两三四五六七八九])成(?=以上|以下|左右|[,。;、的])")


_PLACE = {"十": 10.0, "百": 100.0, "千": 1000.0, "万": 10000.0}


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    value: float
    kind: str  # arabic | chinese | fraction | half | tenths
    unit: str | None = None  # set when the form fixes the unit (分之 -> %)


def chinese_value(s: str) -> float | None:
    """Value of a Chinese numeral span, or None when it is not a well-formed number (一二三)."""
    import cn2an

    if not s or s in ("万", "亿", "千", "百", "点"):
        return None
    norm = s.replace("两", "二").replace("〇", "零")
    try:
        value = cn2an.cn2an(norm, "strict")
    except (ValueError, KeyError, IndexError):
        return None
    return float(value)


def _arabic_value(s: str) -> float:
    return float(s.replace(",", ""))


def _any_value(s: str) -> float | None:
    if s in _PLACE:
        return _PLACE[s]
    if re.fullmatch(r"[\d.]+", s):
        try:
            return float(s)
        except ValueError:
            return None
    return chinese_value(s)


def scan(text: str) -> list[Number]:
    """All number candidates, left to right, non-overlapping (fractions first)."""
    found: list[Number] = []
    taken = [False] * (len(text) + 1)

    def add(n: Number) -> None:
        if any(taken[n.start:n.end]):
            return
        for i in range(n.start, n.end):
            taken[i] = True
        found.append(n)

    for m in FRACTION.finditer(text):
        den, num = _any_value(m.group(1)), _any_value(m.group(2))
        if den and num is not None and den > 0:
            add(Number(m.start(), m.end(), round(num / den * 100, 2), "fraction", "%"))
    for m in HALF.finditer(text):
        add(Number(m.start(), m.end(), 50.0, "half", "%"))
    for m in TENTHS.finditer(text):
        v = chinese_value(m.group(1))
        if v is not None:
            add(Number(m.start(), m.end(), v * 10, "tenths", "%"))
    for m in ARABIC.finditer(text):
        add(Number(m.start(), m.end(), _arabic_value(m.group()), "arabic"))
    for m in CHINESE.finditer(text):
        s, e = m.span()
        # a trailing magnitude (三万, 十亿) stays with the unit step, not the numeral
        span_text = m.group()
        while span_text and span_text[-1] in "万亿" and len(span_text) > 1:
            span_text = span_text[:-1]
            e -= 1
        value = chinese_value(span_text)
        if value is None:
            continue
        add(Number(s, e, value, "chinese"))
    found.sort(key=lambda n: n.start)
    return found
