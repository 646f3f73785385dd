"""Unit names as one archive writes them several ways: 县交通运输局 and 县交通局 are one unit.

The rules are data (``lexicons/unit_aliases.tsv``): short forms replaced in the order written, then
whole-name aliases. The result is a key for grouping; people see the form the archive uses most.
"""

from __future__ import annotations

from collections import Counter
from functools import cache


@cache
def _rules() -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    from .. import resources

    shorts, aliases = [], {}
    for row in resources.table("unit_aliases.tsv"):
        if len(row) < 3:
            continue
        kind, long, short = row[:3]
        if kind == "short":
            shorts.append((long, short))
        elif kind == "alias":
            aliases[long] = short
    return tuple(shorts), aliases


def unit_key(name: str) -> str:
    """The grouping key of a unit name (县交通运输局 -> 县交通局)."""
    shorts, aliases = _rules()
    key = name.strip()
    for long, short in shorts:
        if long in key:
            key = key.replace(long, short)
    return aliases.get(key, key)


class UnitNames:
    """The names seen in one ledger: each key shown as the form written most often (the longest on a tie)."""

    def __init__(self) -> None:
        self._seen: dict[str, Counter[str]] = {}

    def add(self, name: str) -> str:
        key = unit_key(name)
        self._seen.setdefault(key, Counter())[name.strip()] += 1
        return key

    def shown(self, key: str) -> str:
        seen = self._seen.get(key)
        if not seen:
            return key
        return max(seen.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]

    def variants(self, key: str) -> list[str]:
        return sorted(self._seen.get(key, ()))


def matches(query: str, key: str) -> bool:
    """A --unit filter: the query's key is the unit's key or a part of it (交通局 finds 县交通局)."""
    q = unit_key(query)
    return bool(q) and q in key
