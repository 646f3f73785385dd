"""Regular-expression pieces and unit sets that many rules share, each written once.

What a year looks like, which characters end a clause and which marks join the two ends of a range recur
in the extractors, the checks and the metadata; a change to one of them is made here and reaches every
rule that composes it. The pieces are strings (class bodies without their brackets, or groups), so a rule
builds its own pattern from them: ``rf"{YEAR}\\s*年"``, ``f"[{RANGE_MARKS}]"``. Which units count whole things,
or count the same thing, is data: the tags column of ``lexicons/units.tsv``, read here once.
"""

from __future__ import annotations

import re
from functools import cache

from . import resources

YEAR_HEAD = r"(?:19|20)"
"""A year's first two digits: a pattern that tests what stands before a year opens on them, so the regex
engine skips to the 19s and 20s of a text (``metadata._YEAR``)."""
YEAR = rf"{YEAR_HEAD}\d{{2}}"
"""A Gregorian year of the documents' era, four digits: 1996, 2025 (never 1850 or 3000)."""

CLAUSE_BREAKS = ",;。:!?\n"
"""Characters that end a clause in normalized text (NFKC has made ，；：！？ ASCII)."""

CLAUSE_BREAK = re.compile(f"[{re.escape(CLAUSE_BREAKS)}]")

RANGE_DASHES = "-—–~"
"""Dashes between the two ends of a range: 2020-2022, 3—5, 10–12, 1~3 (a class body; ``-`` first)."""

RANGE_MARKS = RANGE_DASHES + "至到"
"""A dash or a word joining a range: 2020至2022年, 3到5年."""

RANGE = f"[{RANGE_MARKS}]"


# --- sets of units, from the tags column of lexicons/units.tsv -------------------------------------------


def _unit_tags() -> list[tuple[str, list[str]]]:
    """(printed unit, tags) of every unit row of units.tsv that carries tags (denominators never do)."""
    out = []
    for row in resources.table("units.tsv"):
        if len(row) > 4 and row[4] and row[2] != "per":
            out.append((row[1], [t.strip() for t in row[4].split(",") if t.strip()]))
    return out


@cache
def unit_set(tag: str) -> frozenset[str]:
    """The printed units tagged ``tag`` in units.tsv (``whole``, ``reach``; see the file's header)."""
    return frozenset(unit for unit, tags in _unit_tags() if tag in tags)


@cache
def unit_groups() -> tuple[frozenset[str], ...]:
    """Groups of units that count the same thing (tag ``same:NAME``), one per NAME: 人, 名 and 位."""
    groups: dict[str, set[str]] = {}
    for unit, tags in _unit_tags():
        for t in tags:
            if t.startswith("same:"):
                groups.setdefault(t[len("same:"):], set()).add(unit)
    return tuple(frozenset(g) for _, g in sorted(groups.items()))
