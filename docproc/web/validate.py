"""Corrections are checked field by field before they are kept, and refused with a Chinese sentence.

A deadline must be a date, a value a number (万/亿 understood, in the figure's own unit), names and
units have a length limit, and no field may carry control characters (they broke the Excel download
for good). What is stored is the normalized form: an ISO date, a plain number, names joined by 、.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from ..model import Document
from .store import _NAME_SPLIT, QUANTITY_FIELDS, TASK_FIELDS

MAX_LENGTH = {"lead": 200, "responsible": 200, "support": 200, "deadline": 20, "value": 40, "unit": 16}
FIELD_NAMES = {"lead": "牵头单位", "responsible": "责任单位", "support": "配合单位", "deadline": "完成时限",
               "value": "数值", "unit": "单位"}
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


class Refused(ValueError):
    """A correction that cannot be kept; the message is shown to the person as it is."""


def _no_control(value: str) -> None:
    bad = [c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")]
    if bad:
        raise Refused(f"含有不可见的控制字符(U+{ord(bad[0]):04X}),请删除后再保存")


def parse_date(value: str) -> str:
    """2024-06-30, 2024/6/30, 2024.6.30 or 2024年6月30日 → 2024-06-30."""
    m = _DATE.fullmatch(value)
    if not m:
        raise Refused(f"“{value}”不是日期;完成时限请写成 2024-06-30 或 2024年6月30日")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        raise Refused(f"“{value}”不是存在的日期") from None


def _magnitudes() -> dict[str, float]:
    from ..extract.quantities import lex

    return lex().magnitudes


def _unit_of(surface: str) -> tuple[str, float] | None:
    """(unit, factor) of a unit as written (千公顷 → 公顷 × 1000), or None when it is not a unit."""
    from ..extract.quantities import lex

    L = lex()
    if surface in L.units:
        return L.units[surface], L.unit_factors.get(surface, 1.0)
    return None


def _leading_number(value: str) -> tuple[float, str]:
    """The number at the start (Arabic or Chinese numerals) and what follows it."""
    from ..numerals import chinese_value

    m = _NUMBER.match(value)
    if m:
        return float(m.group()), value[m.end():]
    for end in range(len(value), 0, -1):  # the longest Chinese numeral at the start
        number = chinese_value(value[:end])
        if number is not None:
            return number, value[end:]
    raise Refused(f"“{value}”不是数字;请写成 1831800、183.18万 或 1.2亿")


def parse_value(value: str, unit: str) -> float:
    """A figure as people write it, in the unit of the figure it corrects (元 for a 万元 figure)."""
    text = unicodedata.normalize("NFKC", value).replace(",", "").replace(" ", "")
    number, rest = _leading_number(text)
    for word in sorted(_magnitudes(), key=len, reverse=True):
        if rest.startswith(word):
            number, rest = number * _magnitudes()[word], rest[len(word):]
            break
    if rest:
        found = _unit_of(rest)
        if found is None or found[0] != unit:
            raise Refused(f"“{value}”的单位“{rest}”与该指标的单位“{unit or '无'}”不一致")
        number *= found[1]
    if not math.isfinite(number):
        raise Refused(f"“{value}”不是有限的数字")
    return number


def _names(value: str) -> str:
    return "、".join(n for n in _NAME_SPLIT.split(value) if n)


def _known_item(doc: Document, item: str, field: str) -> None:
    if item.startswith("t"):
        if field not in TASK_FIELDS:
            raise Refused(f"任务的“{FIELD_NAMES.get(field, field)}”不能修改")
        if item not in {t.id for t in doc.tasks}:
            raise Refused(f"没有编号为 {item} 的任务")
        return
    if not (item.startswith("q") and item[1:].isdigit()):
        raise Refused(f"没有编号为 {item} 的条目")
    if field not in QUANTITY_FIELDS:
        raise Refused(f"指标的“{FIELD_NAMES.get(field, field)}”不能修改")
    if int(item[1:]) >= len(doc.quantities):
        raise Refused(f"没有编号为 {item} 的指标")


def _format_number(number: float) -> str:
    return str(int(number)) if number == int(number) and abs(number) < 1e15 else repr(number)


def validate(doc: Document, item: str, field: str, value: str) -> str:
    """The value to store for this correction, or ``Refused`` with the reason in Chinese."""
    _known_item(doc, item, field)
    value = value.strip()
    _no_control(value)
    if len(value) > MAX_LENGTH[field]:
        raise Refused(f"{FIELD_NAMES[field]}最多 {MAX_LENGTH[field]} 个字,现有 {len(value)} 个")
    if field == "deadline":
        return parse_date(value) if value else ""
    if field == "value":
        if not value:
            raise Refused("数值不能为空")
        return _format_number(parse_value(value, doc.quantities[int(item[1:])].unit))
    if field == "unit":
        return value
    return _names(value)
