"""Regexes that reject most start positions at once.

Python's ``re`` skips ahead quickly only when a pattern starts with a literal; a rule
such as ``(?:2023年)?\\s*(?P<month>1[0-2]|…)\\s*月`` is tried in full at every
character of the document. ``guarded()`` works out which characters a match can
start with and puts them in front as a lookahead class, so a deadline rule over a
5 MB text costs a character-class test per position instead of an alternation.
The matches are exactly those of the bare pattern (the lookahead only rules out
starts that could not match).
"""

from __future__ import annotations

import re
from typing import Any

try:  # the parser is internal: without it a pattern is compiled as it is
    from re import _constants as sre_c
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11 is not supported anyway
    sre_parse = sre_c = None  # type: ignore[assignment]

_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}


def guarded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled with a lookahead of the characters its matches can start with, unless it
    starts with a literal or a class (``re`` has its own fast skip for those, which a lookahead would hide)."""
    parsed = _parse(pattern, flags)
    first = None if parsed is None or _starts_plainly(list(parsed)) else _first_class(parsed, flags)
    return re.compile(f"(?=[{first}])(?:{pattern})" if first else pattern, flags)


def first_class(pattern: str, flags: int = 0) -> str | None:
    """The body of a character class holding every first character of a match, or None when
    that set is open (``.``, a negated class, case folding, a possibly empty match)."""
    parsed = _parse(pattern, flags)
    return None if parsed is None else _first_class(parsed, flags)


def _parse(pattern: str, flags: int) -> Any:
    if sre_parse is None:
        return None
    try:
        return sre_parse.parse(pattern, flags)
    except Exception:
        return None


def _starts_plainly(items: list[tuple[Any, Any]]) -> bool:
    while items:
        op, av = items[0]
        name = str(op)
        if name in ("LITERAL", "IN"):
            return True
        if name == "SUBPATTERN":
            items = list(av[3])
            continue
        if name == "BRANCH":
            return all(alt and str(list(alt)[0][0]) == "LITERAL" for alt in av[1])
        return False
    return False


def _first_class(parsed: Any, flags: int) -> str | None:
    if flags & re.IGNORECASE or parsed.state.flags & re.IGNORECASE:  # (?i) inside the pattern too
        return None
    try:
        parts, nullable = _first(list(parsed))
    except Exception:  # _Open, or a parse tree of a shape the internal parser did not have before
        return None
    if nullable or not parts:
        return None
    return "".join(sorted(parts))


class _Open(Exception):
    """The first character is not from a finite set."""


def _char(code: int) -> str:
    return re.escape(chr(code)) if chr(code) not in "-]\\^" else "\\" + chr(code)


def _first(items: list[tuple[Any, Any]]) -> tuple[set[str], bool]:
    """First-character class parts of a sequence, and whether the sequence can match empty."""
    out: set[str] = set()
    for op, av in items:
        parts, nullable = _first_item(op, av)
        out |= parts
        if not nullable:
            return out, False
    return out, True


def _first_item(op: Any, av: Any) -> tuple[set[str], bool]:
    name = str(op)
    if name == "LITERAL":
        return {_char(av)}, False
    if name == "IN":
        parts: set[str] = set()
        for kind, value in av:
            kind = str(kind)
            if kind == "LITERAL":
                parts.add(_char(value))
            elif kind == "RANGE":
                parts.add(f"{_char(value[0])}-{_char(value[1])}")
            elif kind == "CATEGORY" and str(value) in _CATEGORIES:
                parts.add(_CATEGORIES[str(value)])
            else:
                raise _Open
        return parts, False
    if name == "SUBPATTERN":
        _, add_flags, _, sub = av
        if add_flags & sre_c.SRE_FLAG_IGNORECASE:
            raise _Open
        return _first(list(sub))
    if name == "BRANCH":
        parts, nullable = set(), False
        for alt in av[1]:
            p, n = _first(list(alt))
            parts |= p
            nullable = nullable or n
        return parts, nullable
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, sub = av
        parts, nullable = _first(list(sub))
        return parts, nullable or low == 0
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return set(), True  # zero width: the next item decides
    if name == "ATOMIC_GROUP":
        return _first(list(av))
    raise _Open  # ANY, NOT_LITERAL, GROUPREF, conditionals…
