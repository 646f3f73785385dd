"""Printed figures stand for intervals (the statcheck idea, generalized).

A figure printed with d decimals stands for every value that rounds to it: we
carry ``[lo, hi]`` through sums and ratios and flag a relation only when no
value in the intervals fits. Rounding half-up, half-even and truncation are
all accepted (119.97% printed as 119% is fine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Quantity
from ..patterns import unit_groups

_NUMBER = re.compile(r"[\d,]+(?:\.(\d+))?")


def same_unit(a: str, b: str) -> bool:
    """The same unit, or two that count the same thing (人, 名, 位: tag same:… in units.tsv)."""
    if a == b:
        return True
    return any(a in g and b in g for g in unit_groups())


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def overlaps(self, other: Interval) -> bool:
        return self.lo <= other.hi + 1e-9 and other.lo <= self.hi + 1e-9

    def contains(self, x: float) -> bool:
        return self.lo - 1e-9 <= x <= self.hi + 1e-9

    def __str__(self) -> str:
        if abs(self.hi - self.lo) < 1e-9:
            return fmt(self.lo)
        return f"[{fmt(self.lo)}, {fmt(self.hi)}]"


def fmt(x: float) -> str:
    if abs(x - round(x)) < 1e-9:
        return f"{int(round(x)):,}"
    return f"{x:,.4f}".rstrip("0").rstrip(".")


def decimals(q: Quantity) -> int | None:
    """Decimals the figure was printed with; None for a Chinese numeral (exact)."""
    m = _NUMBER.match(q.text)
    if not m:
        return None
    return len(m.group(1) or "")


def interval(q: Quantity, round_total: bool = False) -> Interval:
    """Every value the printed figure may stand for.

    A figure with decimals (3.226亿, 89.76%) was rounded or truncated at its last
    digit: [v - step/2, v + step). A whole number (86个, 1亿元) is taken as exact,
    unless it is marked approximate (约, 余, 近), when it stands for +-10%. With
    ``round_total`` (a stated total beside its parts), a round figure of four digits or
    more written without a magnitude word (31700) may be rounded at its last non-zero digit.
    """
    m = _NUMBER.match(q.text)
    if q.op == "~":
        return Interval(q.value * 0.9, q.value * 1.1)
    if round_total and m and not m.group(1):
        digits = m.group().replace(",", "")
        zeros = len(digits) - len(digits.rstrip("0"))
        if len(digits) >= 4 and zeros >= 2 and q.value == float(digits):
            # 公路总里程31700公里 beside parts to the kilometre: a round figure of four digits or more may be rounded
            step = 10.0 ** zeros
            return Interval(q.value - step / 2, q.value + step / 2)
    if not m or not m.group(1):
        return Interval(q.value, q.value)
    printed = float(m.group().replace(",", ""))
    factor = q.value / printed if printed else 1.0
    step = 10 ** -len(m.group(1)) * factor
    return Interval(q.value - step / 2, q.value + step)


def percent_interval(q: Quantity) -> Interval:
    """A printed percentage as an interval of fractions of 1 (65.5% -> [0.6545, 0.6560); 350% -> [3.495, 3.51))."""
    m = _NUMBER.match(q.text)
    step = 10 ** -len(m.group(1) or "") if m else 0.0
    return Interval((q.value - step / 2) / 100, (q.value + step) / 100)


def show(value: float, like: Quantity) -> str:
    """A value written with the magnitude word of a figure it is compared with (2.2亿元, not 220,000,000元)."""
    m = _NUMBER.match(like.text)
    printed = float(m.group().replace(",", "")) if m else 0.0
    factor = like.value / printed if printed else 1.0
    if factor in (1e4, 1e8, 1e12):
        word = {1e4: "万", 1e8: "亿", 1e12: "万亿"}[factor]
        return f"{fmt(value / factor)}{word}{like.unit}"
    return f"{fmt(value)}{like.unit}"
