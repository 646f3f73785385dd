"""Regular-expression pieces that many rules share, each written once.

What a year looks like, which characters end a clause and which marks join the two ends of a range recur
in the extractors, the checks and the metadata; a change to one of them is made here and reaches every
rule that composes it. The pieces are strings (class bodies without their brackets, or groups), so a rule
builds its own pattern from them: ``rf"{YEAR}\\s*年"``, ``f"[{RANGE_MARKS}]"``.
"""

from __future__ import annotations

import re

YEAR = r"(?:19|20)\d{2}"
"""A Gregorian year of the documents' era, four digits: 1996, 2025 (never 1850 or 3000)."""

CLAUSE_BREAKS = ",;。:!?\n"
"""Characters that end a clause in normalized text (NFKC has made ，；：！？ ASCII)."""

CLAUSE_BREAK = re.compile(f"[{re.escape(CLAUSE_BREAKS)}]")

RANGE_DASHES = "-—–~"
"""Dashes between the two ends of a range: 2020-2022, 3—5, 10–12, 1~3 (a class body; ``-`` first)."""

RANGE_MARKS = RANGE_DASHES + "至到"
"""A dash or a word joining a range: 2020至2022年, 3到5年."""

RANGE = f"[{RANGE_MARKS}]"
