"""Items by position: the part of a span-sorted list that starts inside a range, found by bisection.

Extraction and checks ask "which quantities/deadlines/clauses lie in this paragraph (cell, sentence)"
once per paragraph; scanning the whole list each time made long documents quadratic.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def starts_of(items: Sequence) -> list[int]:
    """The start offsets of items sorted by span, for ``within``."""
    return [item.span[0] for item in items]


def within(items: Sequence[T], starts: list[int], start: int, end: int) -> Sequence[T]:
    """Items whose span starts in [start, end) (``starts`` from ``starts_of(items)``)."""
    return items[bisect.bisect_left(starts, start): bisect.bisect_left(starts, end)]
