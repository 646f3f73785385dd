"""Numbers scanned from characters, before any segmentation.

jieba splits ``-26.95%`` and ``23.4%`` unpredictably (STYLE.md), so numbers
are found here with regular expressions over the normalized text, and only
the span of a Chinese numeral is handed to ``chinese_value`` (never a whole sentence:
a library's transform turns 今明两年 into 今明2年).

``scan(text)`` finds candidates; ``resolve`` is done by ``quantities``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_ALL = _CN_DIGITS + "十百千万亿"

# the lookbehind sits after the first digit (the same test, of the character before it), so the regex engine
# jumps from digit to digit instead of trying the lookbehind at every character of the text
ARABIC = re.compile(r"\d(?<![A-Za-z0-9_.]\d)(?:\d{0,2}(?:,\d{3})+|\d*)(?:\.\d+)?(?![A-Za-z_])")
CHINESE = re.compile(rf"[{_CN_ALL}]+(?:点[{_CN_DIGITS}]+)?")
_OF = "分之"  # what every fraction holds: a text without it is not searched for one
FRACTION = re.compile(rf"([{_CN_ALL}\d]+){_OF}([{_CN_ALL}\d]+(?:点[{_CN_DIGITS}]+)?)")
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


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}


def _cn_section(s: str) -> int | None:
    """A section below 10000 (三千零五十, 十二, 二十); None when malformed (一二, 十十, 百, 三千五)."""
    if not s:
        return None
    total, digit, last_unit, gap = 0, None, 10**4, False
    for ch in s:
        if ch in ("零", "〇"):
            if digit is not None or total == 0 or gap:
                return None  # 五零 / 零五: a digit string, not a number
            gap = True
        elif ch in _CN_DIGITS:
            if digit is not None:
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if unit >= last_unit or (gap and digit is None):
                return None
            if digit is None:
                if unit != 10 or total:
                    return None
                digit = 1  # 十二
            if not gap and total and unit * 10 != last_unit:
                return None  # 一千十: a skipped place needs its 零
            total += digit * unit
            last_unit, digit, gap = unit, None, False
        else:
            return None
    if gap and digit is None:
        return None
    if digit is not None:
        if total and not gap and last_unit != 10:
            return None  # 三千五 is speech for 3500, not a written number
        total += digit
    return total


@lru_cache(maxsize=4096)
def chinese_value(s: str) -> float | None:
    """Value of a Chinese numeral span, or None when it is not a well-formed number (一二三).

    Our own strict reader (sections of 千百十 under 亿 and 万, 零 for a skipped place, 点 for
    decimals), agreeing with cn2an's strict mode (a test compares them); importing a library for
    it cost a tenth of a second of every start-up. Cached: a text names the same few numerals
    (一, 两, 十) again and again.
    """
    if not s or s in ("万", "亿", "千", "百", "点"):
        return None
    whole, dot, frac = s.partition("点")
    if dot and (not frac or not all(c in _CN_DIGITS for c in frac) or not whole):
        return None
    if whole in ("零", "〇"):
        value: int | None = 0
    elif "亿" in whole:
        head, _, rest = whole.partition("亿")
        high, low = _below_yi(head), (_below_yi(_after_big(rest, 1)) if rest else 0) if rest is not None else None
        value = None if high is None or low is None or (rest and _after_big(rest, 1) is None) else high * 10**8 + low
    else:
        value = _below_yi(whole)
    if value is None:
        return None
    if frac:
        return float(f"{value}.{''.join(str(_CN_DIGITS[c]) for c in frac)}")
    return float(value)


def _below_yi(s: str | None) -> int | None:
    """A number below 亿: [section 万] [零] section."""
    if not s:
        return None
    if "万" not in s:
        return _cn_section(s)
    head, _, rest = s.partition("万")
    high = _cn_section(head)
    if high is None:
        return None
    if not rest:
        return high * 10**4
    low = _after_big(rest, 1)
    low_value = _cn_section(low) if low else None
    return None if low_value is None else high * 10**4 + low_value


def _after_big(part: str, value: int) -> str | None:
    """The part after 亿 or 万: 零 marks skipped places; without it the part must start at 千 (一万二千)."""
    if not value:
        return part
    if part[:1] in ("零", "〇"):
        return part[1:] or None
    if len(part) >= 2 and part[1] == "千" or part.endswith("万"):
        return part
    return None


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


def _special(text: str) -> list[Number]:
    """Fractions (三分之一), halves (过半) and tenths (八成), which may overlap one another: the first found
    wins."""
    found: list[Number] = []
    taken = bytearray(len(text) + 1)

    def add(n: Number) -> None:
        if taken.find(1, n.start, n.end) >= 0:
            return
        taken[n.start:n.end] = b"\x01" * (n.end - n.start)
        found.append(n)

    for m in FRACTION.finditer(text) if _OF in text else ():
        den, num = _any_value(m.group(1)), _any_value(m.group(2))
        if den and num is not None and den > 0:
            add(Number(m.start(), m.end(), round(num / den * 100, 2), "fraction", "%"))
    for m in HALF.finditer(text):
        add(Number(m.start(), m.end(), 50.0, "half", "%"))
    for m in TENTHS.finditer(text):
        v = chinese_value(m.group(1))
        if v is not None:
            add(Number(m.start(), m.end(), v * 10, "tenths", "%"))
    return found


def _chinese(text: str) -> list[Number]:
    """Chinese numerals; a trailing magnitude (三万, 十亿) stays with the unit step, not the numeral."""
    found: list[Number] = []
    for m in CHINESE.finditer(text):
        s, e = m.span()
        span_text = m.group()
        while span_text and span_text[-1] in "万亿" and len(span_text) > 1:
            span_text = span_text[:-1]
            e -= 1
        value = chinese_value(span_text)
        if value is not None:
            found.append(Number(s, e, value, "chinese"))
    return found


def scan(text: str) -> list[Number]:
    """All number candidates, left to right, non-overlapping (fractions first).

    Arabic figures and Chinese numerals share no character, so neither overlaps the other: only the
    fraction-like forms, found first, can take their characters."""
    special = _special(text)
    found = special + [Number(m.start(), m.end(), _arabic_value(m.group()), "arabic") for m in ARABIC.finditer(text)]
    found += _chinese(text)
    if special:
        taken = bytearray(len(text) + 1)
        for n in special:
            taken[n.start:n.end] = b"\x01" * (n.end - n.start)
        found = special + [n for n in found[len(special):] if taken.find(1, n.start, n.end) < 0]
    found.sort(key=lambda n: n.start)
    return found
