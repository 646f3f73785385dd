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
    """A character is not from a finite set (``.``, a negated class), or a position is tested (``\\b``)."""


def _char(code: int) -> str:
    return re.escape(chr(code)) if chr(code) not in "-]\\^" else "\\" + chr(code)


def _class_parts(items: Any, categories: dict[str, str]) -> set[str]:
    """The pieces of a character class (``a``, ``0-9``, ``\\d``) for the characters its items match;
    ``_Open`` for a category not in ``categories`` or a negation."""
    parts: set[str] = set()
    for kind, value in items:
        kind = str(kind)
        if kind == "LITERAL":
            parts.add(_char(value))
        elif kind == "RANGE":
            parts.add(f"{_char(value[0])}-{_char(value[1])}")
        elif kind == "CATEGORY" and str(value) in categories:
            parts.add(categories[str(value)])
        else:
            raise _Open(kind)
    return parts


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
        return _class_parts(av, _CATEGORIES), False
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


# --- where a pattern can match: the characters a match reads, and those it must hold ---------------------
# ``extract/deadlines.py`` runs each rule only inside the runs of characters the rule may read around a
# character every match needs; both sets come from the pattern's parse tree, so a new lexicon word cannot
# slip past them.

_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
_RUN_CATEGORIES = {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s"}  # \w would make a run of nearly any text


def read_and_needed(pattern: re.Pattern[str]) -> tuple[set[str], tuple[frozenset[str], ...]]:
    """Class pieces of every character a match may read and go on past, and sets of characters each match
    holds one of (月; 底 or 末; digits and spaces, which are everywhere, left out). No sets when the pattern
    reads an open set, folds case, or cannot be parsed: it must scan the whole text."""
    if pattern.flags & re.IGNORECASE:
        return set(), ()
    parsed = _parse(pattern.pattern, pattern.flags)
    if parsed is None:
        return set(), ()
    try:
        tree = list(parsed)
        return _read_past(tree, True, set()), tuple(_needs(tree))
    except Exception:  # _Open, or a parse tree of a shape the parser did not have before
        return set(), ()


def _read_past(items: list[tuple[Any, Any]], last: bool, out: set[str]) -> set[str]:
    """Class pieces of every character a match (or a lookahead) may read and then go on past. A character
    matched by a last element (the end of the pattern or of a lookahead) is read but never gone past, and
    lookbehinds read before the match: neither lengthens a run."""
    for i, (op, av) in enumerate(items):
        _read_past_item(str(op), av, last and i == len(items) - 1, out)
    return out


def _read_past_item(name: str, av: Any, end: bool, out: set[str]) -> None:
    if name in ("LITERAL", "IN"):
        parts = _class_parts(av if name == "IN" else [(name, av)], _RUN_CATEGORIES)
        out |= set() if end else parts
    elif name == "SUBPATTERN" and not av[1] & re.IGNORECASE:  # (?i:…) would match more than it names
        _read_past(list(av[3]), end, out)
    elif name == "ATOMIC_GROUP":
        _read_past(list(av), end, out)
    elif name == "BRANCH":
        for alt in av[1]:
            _read_past(list(alt), end, out)
    elif name in _REPEATS:
        _read_past(list(av[2]), end and av[1] == 1, out)  # a repeat may go round again
    elif name in ("ASSERT", "ASSERT_NOT"):
        if av[0] >= 0:
            _read_past(list(av[1]), True, out)  # the match goes on from where the lookahead began
    else:
        raise _Open(name)


def _needs(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Sets of characters, each of which every match holds one of; digits and spaces left out."""
    out: list[frozenset[str]] = []
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out.append(frozenset(chr(av)))
        elif name == "IN" and all(str(kind) == "LITERAL" for kind, _ in av):
            out.append(frozenset(chr(value) for _, value in av))
        elif name == "SUBPATTERN":
            out += _needs(list(av[3]))
        elif name == "ATOMIC_GROUP":
            out += _needs(list(av))
        elif name in _REPEATS and av[0] >= 1:
            out += _needs(list(av[2]))
        elif name == "BRANCH":
            out += _branch_needs([_needs(list(alt)) for alt in av[1]])
    return [o for o in dict.fromkeys(out) if not any(c.isdecimal() or c.isspace() for c in o)]


def _branch_needs(alternatives: list[list[frozenset[str]]]) -> list[frozenset[str]]:
    """A character every alternative holds (年 in 今年|明年|2024年), or one needed set of each, together."""
    if not all(alternatives):
        return []
    singles = [{c for o in alt if len(o) == 1 for c in o} for alt in alternatives]
    common = [frozenset(c) for c in sorted(set.intersection(*singles))]
    return common + [frozenset().union(*(min(alt, key=len) for alt in alternatives))]
