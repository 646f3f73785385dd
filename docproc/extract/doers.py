"""Doers named in running text: ``各地区、各部门要…``, ``请科技部会同有关部门…``, ``市场监管总局牵头…``.

Plans that assign work without a clause (no ``(责任单位:…)``) name their doers as the subjects of
sentences. A doer is a list of organisation names that opens a clause (after 。;:, or the item's
heading) and is followed by a verb from ``lexicons/doers.yaml``; every name must look like an
organisation, so ``全社会要…`` or ``我们要…`` name no one. ``X会同Y`` makes X lead and Y support;
``Y配合`` support; a shared ending is put back on the names that left it out (``市场监管、统计等部门``
-> ``市场监管部门``, ``统计部门``). Only plan text is read: in a report, ``X要…`` is rare and a subject
that did something is no task's unit.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from .. import resources
from ..model import Document, UnitClause
from ..segment import opening_words, tokens_at, verb_tag, verb_tags
from .units import looks_like_person

_SEPARATORS = re.compile(r"、")
_CONJUNCTIONS = re.compile(r"以及|和|及|与")
_ADMIN_CHAR = re.compile(r"^[省市县区乡镇]$")
_NOTE = re.compile(r"\([^()]{1,4}\)$")  # 基金(机构): a short note after a name
_NOTE_ENDS = (")", ")\n")  # where _NOTE's $ can match: a string that ends neither way holds no note
_BRACKETED = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class _Lex:
    verb_role: dict[str, str]
    verbs: re.Pattern[str]
    with_words: re.Pattern[str]
    request: tuple[str, ...]
    tails: tuple[str, ...]
    heads: tuple[str, ...]
    not_doers: frozenset[str]
    generic: frozenset[str]
    breakers: re.Pattern[str]
    suffixes: tuple[str, ...]
    opener_at: re.Pattern[str]
    bad_endings: tuple[str, ...]
    verb_openings: tuple[str, ...]
    adverbial_verbs: re.Pattern[str]
    places: tuple[str, ...]
    weak_endings: tuple[str, ...]
    adverbs: tuple[str, ...]
    lead_ins: tuple[str, ...]
    by_words: tuple[str, ...]
    forward: tuple[str, ...]
    time_lead: re.Pattern[str]


@cache
def _lex() -> _Lex:
    d = resources.data("doers.yaml")
    role = {v: r for r, words in d["verbs"].items() for v in words}
    role.update({w: "lead" for w in d["with_words"]})
    return _Lex(
        verb_role=role,
        verbs=re.compile(resources.alternation(list(role))),
        with_words=re.compile(resources.alternation(d["with_words"])),
        request=tuple(d["request_words"]),
        tails=tuple(sorted(d["list_tails"], key=len, reverse=True)),
        heads=tuple(sorted(d["shared_heads"], key=len, reverse=True)),
        not_doers=frozenset(d["not_doers"]),
        generic=frozenset(d["generic_doers"]),
        breakers=re.compile(resources.alternation(d["name_breakers"])),
        suffixes=resources.words("org_suffixes.txt"),
        opener_at=_starts_of(d["adverbial_openers"]),
        bad_endings=tuple(d["not_org_endings"]),
        verb_openings=tuple(d["verb_openings"]),
        adverbial_verbs=re.compile(resources.alternation(d["adverbial_verbs"])),
        places=tuple(d["place_endings"]),
        weak_endings=tuple(d["place_endings"] + d["weak_doer_endings"]),
        adverbs=tuple(sorted(d["doer_adverbs"], key=len, reverse=True)),
        lead_ins=tuple(sorted(d["clause_lead_ins"], key=len, reverse=True)),
        by_words=tuple(sorted(d["by_words"], key=len, reverse=True)),
        forward=tuple(d["report_forward_verbs"]),
        time_lead=re.compile(d["time_lead"]),
    )


def _starts_of(words: list[str]) -> re.Pattern[str]:
    """A pattern whose matches are the first characters of the words, wherever one starts (overlapping
    too: 针对 holds 对): 针(?=对)|对…. Every alternative opens on its character, so the engine skips to
    the candidates (a lookahead-only pattern is tried at every position)."""
    rests: dict[str, list[str]] = {}
    for w in words:
        rests.setdefault(w[0], []).append(w[1:])
    return re.compile("|".join(
        re.escape(c) if "" in ends else f"{re.escape(c)}(?={resources.alternation(ends)})" for c, ends in rests.items()
    ))


_CLAUSE_MARKS = "[。;:!?,]"  # a clause opens after one of them (and the spaces that follow)
_NAME_STOP = re.compile(r"[,。;:!?\n]")
_TIME_WORDS = "前|底|末|年|月|日|起|后|以来"  # the last word of a time before its comma
_TIME_CLAUSE = re.compile(rf"[^。;:,\n]{{0,16}}(?:{_TIME_WORDS})\s*,\s*")
_TIME_WORD_END = re.compile(rf"(?:{_TIME_WORDS})$")
_NOT_NAME_OPENINGS = frozenset({"v", "vd", "d", "p", "c", "ad", "l", "i"})  # jieba tags
_AFTER_NAMES = ("v", "vn", "vd")  # the tags of a word that may follow names as their verb
_AFTER_BY = (*_AFTER_NAMES, "d", "l")  # after 由X…, an adverb or an idiom too
_NAMES_REACH = 120  # a list of sixteen departments before its verb is about a hundred characters


def _doer_at(text: str, start: int, forward: bool = False) -> tuple[int, int, list[str], str] | None:
    """The doer opening the clause at ``start``: (names start, verb end, names, verb), trying each verb in
    the clause's first 60 characters (应急管理部门要…: 应 is no verb there, 要 is). ``forward`` (a report's
    X将…): only a doer whose verb looks ahead counts, so a clause with no such word in reach is passed over
    and names followed by no listed verb are not looked for."""
    L = _lex()
    # 另本院将…, 此外X要…: the word that joins the clause to the one before opens no name; then 请 or 由
    opening = _opening().match(text, start)
    start = opening.end()
    requested, by = opening["request"] is not None, opening["by"] is not None
    stop = _NAME_STOP.search(text, start)
    limit = min(stop.start() if stop else len(text), start + _NAMES_REACH)
    if not _name_ending().search(text, start, limit):
        return None  # every name holds an organisation ending or is a generic doer: none within reach
    # 各地区、各部门在推进中要…: names, a phrase opening on 在/对/按照…, then the verb in the same clause
    clause_end = stop.start() if stop else len(text)
    if stop and stop.group() == ",":
        # 各部门在制定办法时,要明确…: the phrase ends at a comma and the next clause opens on the verb
        nxt = L.adverbial_verbs.match(text, stop.end())
        clause_end = nxt.end() if nxt else clause_end
    if forward and not requested and not _forward_word(text, start + 2, max(limit, clause_end) + 1):
        return None  # every verb tried below starts by max(limit, clause_end): none there looks ahead
    if requested:  # 请财政部落实…: a request names its doers whatever verb follows
        w = L.with_words.search(text, start + 2, limit)
        if w and (names := split_names(text[start: w.start()])):
            return start, w.end(), names, w.group()  # 请X会同Y…: X leads
        for k in range(limit, start + 1, -1):
            names = split_names(text[start:k])
            if names:
                with_word = L.with_words.match(text, k)  # 请X会同Y…: X leads
                return (start, with_word.end(), names, with_word.group()) if with_word else (start, k, names, "")
    for v in L.verbs.finditer(text, start + 2, limit + 8):
        if v.start() > limit:
            break
        names = split_names(text[start: v.start()]) or _before_adverb(text[start: v.start()])
        if names:
            return start, v.end(), names, v.group()
    for opener in L.opener_at.finditer(text, start + 2, min(limit, clause_end)):  # every place one starts
        k = opener.start()
        names = split_names(text[start:k])
        if names:
            v = L.adverbial_verbs.search(text, k, clause_end)
            if v:
                return start, v.end(), names, v.group()
    # names before a verb jieba tags carry no verb of ours (""), so they never look ahead
    return None if forward else _doer_before_any_verb(text, start, limit, by)


@cache
def _opening() -> re.Pattern[str]:
    """A clause's lead-in word (longest first), then a request word or a by-word, tried in the order they
    are listed (as one would try each with ``startswith``); both optional, so it always matches."""
    L = _lex()
    words = "|".join(map(re.escape, L.lead_ins))
    request, by = ("|".join(map(re.escape, ws)) for ws in (L.request, L.by_words))
    return re.compile(f"(?:{words})?(?:(?P<request>{request})|(?P<by>{by}))?")


def _forward(text: str, start: int) -> bool:
    """Whether the clause at ``start`` names doers before a verb that looks ahead (X将…), for reports."""
    found = _doer_at(text, start, forward=True)
    return bool(found and found[3].startswith(_lex().forward))


def _forward_word(text: str, start: int, end: int) -> bool:
    """Whether a word that looks ahead (将) starts in ``[start, end)``: a verb opening on it must."""
    return any(text.find(w, start, end + len(w) - 1) >= 0 for w in _lex().forward)


def _before_adverb(raw: str) -> list[str] | None:
    """Names before a word that says when or how much (政府今年将…, 文化部也将…): the names without it."""
    adverbs = _lex().adverbs
    if not raw.endswith(adverbs):
        return None  # most texts before a verb end on no adverb: one endswith, not one per adverb
    word = next((w for w in adverbs if raw.endswith(w) and len(raw) > len(w)), None)
    return split_names(raw[: -len(word)]) if word else None


@cache
def _name_ending() -> re.Pattern[str]:
    """Any organisation ending or generic doer: a name list can end only after one of them."""
    L = _lex()
    return re.compile(resources.alternation(sorted(set(L.suffixes) | L.generic, key=len, reverse=True)))


def _after_time(text: str, start: int) -> bool:
    """Whether the sentence so far is a time and its comma (2019年3月底前, / 2020年起,). Most clauses
    fail on the two characters before ``start`` (spaces aside), read before the sentence is looked for."""
    comma = _before_spaces(text, start) - 1
    if comma < 0 or text[comma] != ",":
        return False
    word_end = _before_spaces(text, comma)
    if not _TIME_WORD_END.search(text, max(0, word_end - 2), word_end):  # its words are 1 or 2 characters
        return False
    boundary = max(text.rfind(c, max(0, start - 24), start) for c in "。;:\n")
    return bool(_TIME_CLAUSE.fullmatch(text, boundary + 1, start))


def _before_spaces(text: str, end: int) -> int:
    """Where the whitespace that ends ``text[:end]`` begins (``end`` when there is none)."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _doer_before_any_verb(
    text: str, start: int, limit: int, by: bool = False,
) -> tuple[int, int, list[str], str] | None:
    """Names opening a sentence and followed at once by a word jieba's dictionary tags as a verb
    (卫生健康行政部门监督指导…, 各三级公立医院开展…): the longest such list. Weaker than a listed verb, so
    stricter: no verb inside the names, and no name that ends like a place or a mere kind of body
    (示范村建设, 龙头企业带动) unless it opens on 各/有关. After 由 (``by``: 由X依法办理…) the names are an
    agent wherever the clause stands, and an adverb may follow them."""
    if limit - start < 3 or (not by and start > 0 and text[start - 1] not in "。;:\n" and not _after_time(text, start)):
        return None  # a sentence's subject (or after its time: 2019年3月底前,X推行…), not any clause's
    last_end = max((m.end() for m in _name_ending().finditer(text, start + 1, limit)), default=0)
    if not last_end:
        return None  # no organisation ending in reach: no segmentation
    window = (start, min(len(text), last_end + 8))
    if _opens_on_no_name(text, window):
        return None  # 加强…, 对…: whichever word the window opens with is a verb or a preposition
    if not _names_may_meet_a_verb(text, start, last_end, window[1], by):
        return None  # no list of names in reach is followed by a word the dictionary tags as a verb
    return _names_before_tagged_verb(text, start, last_end, tokens_at(text, window), by)


def _names_before_tagged_verb(
    text: str, start: int, last_end: int, words: list[tuple[str, int, int]], by: bool,
) -> tuple[int, int, list[str], str] | None:
    """The longest strong list of names that the window's words end by ``last_end`` and follow with a
    word tagged as a verb (an adverb too after 由), with no verb inside it."""
    tags = verb_tags([w for w, _, _ in words])  # each word's tag looked up once
    if not words or tags[0] in _NOT_NAME_OPENINGS:
        return None  # 规范国有企业…, 原则上…: a name opens on no verb, adverb or preposition
    best = None
    for i, (_, _, end) in enumerate(words[:-1]):
        if end > last_end:
            break
        if tags[i + 1] not in (_AFTER_BY if by else _AFTER_NAMES):
            continue
        if "v" in tags[: i + 1]:
            break  # 集聚企业, 接受…常委会: a verb inside is a clause, not a name
        names = split_names(text[start:end])
        if names and _strong(names):
            best = (start, end, names, "")
    return best


def _names_may_meet_a_verb(text: str, start: int, last_end: int, end: int, by: bool) -> bool:
    """Whether some list of names from ``start`` ending by ``last_end`` is strong and followed by a word
    the dictionary may tag as a verb, the window ending at ``end``: what the segmented window is searched
    for, told by the names' possible ends and the words the route may take there. A list ends on the last
    character of an ending, a note's bracket, 、, a conjunction or a space; one holding a tail (A、B等部门…)
    may end anywhere, so such a window is segmented."""
    if any(text.find(t, start, last_end) >= 0 for t in _lex().tails):
        return True
    allowed = _AFTER_BY if by else _AFTER_NAMES
    for m in _list_last_chars().finditer(text, start, last_end):
        q = m.end()
        if q >= end or not _may_end_on_a_name(text[start:q]):
            continue
        firsts = opening_words(text, (q, end))
        if firsts is not None and not any(t in allowed for t in verb_tags(firsts)):
            continue
        names = split_names(text[start:q])
        if names and _strong(names):
            return True
    return False


@cache
def _list_last_chars() -> re.Pattern[str]:
    """A character a list of names may end on: an ending's last, a note's closing bracket, 、, a
    conjunction's, or a space."""
    chars = {w[-1] for w in _name_endings()} | _LIST_END_MARKS | {")"}
    return re.compile(f"[{re.escape(''.join(sorted(chars)))}\\s]")


def _opens_on_no_name(text: str, window: tuple[int, int]) -> bool:
    """Whether every word the window's segmentation may open with is tagged a verb, an adverb or a
    preposition: told by a few dictionary lookups, so such a window is not segmented."""
    firsts = opening_words(text, window)
    return firsts is not None and all(t in _NOT_NAME_OPENINGS for t in verb_tags(firsts))


def _strong(names: list[str]) -> bool:
    """Names found by a weak cue (a verb jieba tags): none may end like a place or a kind of body
    (示范村建设, 龙头企业带动) unless it opens on 各/有关."""
    return all(n.startswith(("各", "有关")) or not n.endswith(_lex().weak_endings) for n in names)


def _is_doer(name: str) -> bool:
    """An organisation that can be handed a task: an organisation ending (3 characters at least, so
    部门 or 单位 alone name no one) and no word a name never holds, or a generic subject (各地区)."""
    L = _lex()
    if name in L.generic:
        return True
    if name.endswith(_NOTE_ENDS):  # 再担保基金(机构), 国务院各部门办公厅(室): the note is no ending
        name = _NOTE.sub("", name)
    if not (3 <= len(name) <= 24) or name in L.not_doers or looks_like_person(name):
        return False
    if name.endswith(L.bad_endings) or name.startswith(L.verb_openings):
        return False
    if "的" in name and not name.startswith(("其他", "其它", "各", "有关", "相关", "所有")):
        return False  # 组织领导本辖区内的部门 is a clause; 其他承担科研任务的单位 a name
    return name.endswith(L.suffixes) and not L.breakers.search(name) and not any(c.isdigit() for c in name)


def _split(raw: str) -> list[str]:
    """Parts of a list on 、和及与, a bracket's separators kept: 各省(区、市)人民政府 is one name."""
    hidden = _BRACKETED.sub(lambda m: m.group().replace("、", "\x00"), raw) if "(" in raw else raw
    return [p.strip().replace("\x00", "、") for p in _SEPARATORS.split(hidden) if p.strip()]


def _with_head(part: str, head: str | None, last: str) -> str:
    """市、区民政部门: 市 -> 市民政部门; 市场监管、统计等部门: 市场监管 -> 市场监管部门."""
    if not head or len(part) > 10 or part.endswith(head):
        return part
    if _is_doer(part) and (part.startswith("各") or not part.endswith(_lex().places)):
        return part  # 农业农村、商务等部门: 农业农村 ends like a village, yet names a field here
    return part + last[1:] if _ADMIN_CHAR.match(part) and _ADMIN_CHAR.match(last[0]) else part + head


def _split_each(parts: list[str]) -> list[str]:
    """各地区各有关部门 with no 、 between them: two names, when each one is a name (国务院各有关部门 is one)."""
    out = []
    for p in parts:
        k = p.find("各", 1)
        if p.startswith("各") and k > 1 and _is_doer(p[:k]) and _is_doer(p[k:]):  # not 国务院各有关部门
            out.extend([p[:k], p[k:]])
        else:
            out.append(p)
    return out


def _pieces(part: str) -> list[str]:
    """文化和旅游部门 and 工业和信息化部 are one name each; 科技部和财政部 two: a part is split on 和/及/与
    only when every piece before the last is a name (the last may run on into what follows)."""
    pieces = [q for q in _CONJUNCTIONS.split(part) if q]
    if len(pieces) > 1 and not all(_is_doer(q) for q in pieces[:-1]):
        return [part]
    return pieces


def _cut_tail(raw: str) -> tuple[str, str | None]:
    """A list before its tail and the tail's noun: A、B等有关部门 -> (A、B, 有关部门), A等部门 -> (A, 部门),
    A、B等 -> (A、B, ''); no tail -> (raw, None). A tail may describe its noun (A、B等本行业有关部门)."""
    described = _described_tail().search(raw)
    if described:
        return raw[: described.start()], described.group("noun")
    for tail in _lex().tails:
        if tail in raw:
            return raw.partition(tail)[0], tail[1:]
    return raw, None


@cache
def _described_tail() -> re.Pattern[str]:
    """等 + a few words that narrow the noun + the noun of a list tail, at the end of the list."""
    nouns = sorted({t[1:] for t in _lex().tails if len(t) > 1}, key=len, reverse=True)
    return re.compile(rf"等(?!{resources.alternation(nouns)})[\u4e00-\u9fff]{{2,10}}?(?P<noun>{resources.alternation(nouns)})$")


@cache
def _long_suffixes() -> tuple[frozenset[str], int]:
    """Organisation endings of two characters or more, and the length of the longest."""
    endings = frozenset(x for x in _lex().suffixes if len(x) >= 2)
    return endings, max(map(len, endings), default=0)


def _longest_suffix(text: str) -> str | None:
    """The longest organisation ending of two characters or more that ``text`` ends with: a set lookup
    per length, not an ``endswith`` per ending."""
    endings, longest = _long_suffixes()
    return next((text[-n:] for n in range(min(longest, len(text)), 1, -1) if text[-n:] in endings), None)


def _shared_head(last: str) -> str | None:
    """The ending the list's last name may share with the names before it: a shared head (部门, 人民政府)
    or an organisation ending of two characters or more (基金, 委员会), with a bracketed note after it
    (省级担保、再担保基金(机构) -> 基金(机构))."""
    L = _lex()
    note = _NOTE.search(last) if last.endswith(_NOTE_ENDS) else None
    base = last[: note.start()] if note else last
    head = next((h for h in L.heads if base.endswith(h) and len(base) > len(h)), None)
    if head is None:
        head = _longest_suffix(base[2:])  # an ending that leaves two characters before it at least
    return head + note.group() if head and note else head


# what a list may end on after its last name: 、 and the conjunctions' characters (以 of 以及 too)
_LIST_END_MARKS = frozenset(_SEPARATORS.pattern + _CONJUNCTIONS.pattern.replace("|", ""))


def _may_end_on_a_name(raw: str) -> bool:
    """Whether a list with no tail (等…) can end on a name: its last name ends the text but for spaces,
    、 and conjunctions, and ends on an organisation ending, a shared head or a generic doer (a bracket,
    which may hold a note after the ending, leaves it open)."""
    end = len(raw)
    while end and (raw[end - 1] in _LIST_END_MARKS or raw[end - 1].isspace()):
        end -= 1
    return "(" in raw or raw.endswith(_name_endings(), 0, end)


@cache
def _name_endings() -> tuple[str, ...]:
    """Every organisation ending, shared head and generic doer: the last name of a list ends on one."""
    L = _lex()
    return tuple(set(L.suffixes) | set(L.heads) | L.generic)


def split_names(raw: str) -> list[str] | None:
    """A list of organisation names as written, its shared ending put back; None when a part is no name."""
    raw = raw.strip().lstrip("(“‘\"'")
    extra: list[str] = []
    shared = None
    raw, noun = _cut_tail(raw)
    if noun is None and not _may_end_on_a_name(raw):
        return None  # most texts tried (everything before a verb) are no list: one endswith tells
    if noun and noun.startswith("有关"):
        extra.append(noun)  # A、B等有关部门: A, B and 有关部门
        shared = noun[2:]  # 市场监管、统计等有关部门: 市场监管部门, 统计部门
    elif noun:
        shared = noun  # 市场监管、统计等部门: the list shares 部门
    parts = _split(raw)
    if not parts:
        return None
    last = parts[-1]
    head = shared or _shared_head(last)
    names: list[str] = []
    for part in _split_each(parts):
        names.extend(_with_head(q, head, last) for q in _pieces(part))
    if not all(_is_doer(n) for n in names):
        return None
    return names + [e for e in extra if e not in names]


def _objects(text: str) -> list[str]:
    """The names after 会同: as many organisations as open the rest of the clause."""
    clause = re.split(r"[,。;:]", text, maxsplit=1)[0]
    parts = [q for p in _split(clause) for q in _pieces(p)]
    out: list[str] = []
    for p in parts:
        before, noun = _cut_tail(p)
        if noun is not None:  # 会同财政部等部门: 财政部 and 有关部门
            if before and _is_doer(before):
                out.append(before)
            if noun.endswith(("部门", "单位")):
                out.append(noun if noun.startswith("有关") else "有关" + noun)
            return out
        if _is_doer(p):
            out.append(p)
            continue
        # the last name runs into the verb: 有关部门研究制定 -> 有关部门
        cut = max((k for k in range(2, min(len(p), 24) + 1) if _is_doer(p[:k])), default=0)
        if cut:
            out.append(p[:cut])
        break
    return out


@dataclass(frozen=True)
class _Bodies:
    """Patterns for the bodies a text sets up: their members (由A、B…组成) and participants (A、B参加的)."""
    members: re.Pattern[str]
    lead_mark: re.Pattern[str]
    setup: re.Pattern[str]
    taking_part: re.Pattern[str]
    comma_verb: re.Pattern[str]
    partners: re.Pattern[str]


@cache
def _bodies() -> _Bodies:
    d = resources.data("doers.yaml")
    count = rf"(?:[0-9]+|[{d['member_numerals']}]+){d['member_measure']}(?:{resources.alternation(d['member_counts'])})"
    verbs = resources.alternation(d["member_verbs"])
    persons = resources.alternation(d["member_persons"])
    not_verbs = resources.alternation(d["comma_verb_not"])
    return _Bodies(
        members=re.compile(rf"{d['member_by']}(?P<names>[^,。;:\n]{{3,240}}?)(?:{count})?(?:{persons})?(?:{verbs})"),
        lead_mark=re.compile(rf",(?P<lead>[^,。;:\n]{{2,24}}?)(?:{resources.alternation(d['lead_marks'])})"),
        setup=re.compile(resources.alternation(d["setup_verbs"])),
        taking_part=re.compile(resources.alternation(d["participation_marks"])),
        comma_verb=re.compile(rf"(?!{not_verbs})(?:{resources.alternation(d['comma_verbs'])})"),
        partners=re.compile(rf"(?:{resources.alternation(d['partner_openers'])})(?P<names>[^,。;:\n]{{2,60}}?"
                            rf"(?:{resources.alternation([t for t in d['list_tails'] if len(t) > 1])})){resources.alternation(d['partner_ends'])}"),
    )


def _partners(text: str) -> list[tuple[int, int, list[str]]]:
    """Bodies a doer works with: 建立与A、B等部门的协作机制 -> A部门, B部门 support (the list must end on
    等部门/等单位, so 与群众的联系 names no one)."""
    out = []
    for m in _bodies().partners.finditer(text):
        names = split_names(m.group("names"))
        if names:
            out.append((m.start("names"), m.end("names"), names))
    return out


def _members(text: str) -> list[tuple[int, int, list[str], list[str]]]:
    """Bodies made of members: (start, end, leads, members) for 由A、B、C3个部门组成,A为牵头单位."""
    B = _bodies()
    out = []
    for m in B.members.finditer(text):
        names = split_names(m.group("names"))
        if not names or len(names) < 2:
            continue
        end = m.end()
        leads: list[str] = []
        mark = B.lead_mark.match(text, end)
        if mark and mark.group("lead") in names:
            leads, end = [mark.group("lead")], mark.end()
        out.append((m.start(), end, leads, [n for n in names if n not in leads]))
    return out


def _setup_with_others(text: str, start: int) -> tuple[int, list[str], list[str]] | None:
    """X建立A、B等单位参加的…机制 at ``start``: (end, X, [A单位, B单位]); None when the clause is not so."""
    B = _bodies()
    stop = _NAME_STOP.search(text, start)
    clause_end = stop.start() if stop else len(text)
    part = B.taking_part.search(text, start, clause_end)
    if not part:
        return None
    for v in B.setup.finditer(text, start + 2, part.start()):
        doers = split_names(text[start: v.start()])
        others = split_names(text[v.end(): part.start()])
        if doers and others:
            return part.end(), doers, others
    return None


def _doer_before_comma(text: str, start: int, opening: int) -> tuple[int, int, list[str], str] | None:
    """A sentence's subject, a short phrase, a comma and the verb: 公办剧院划转为企业,要… -> 公办剧院. The
    subject is the longest name followed by a word jieba tags as a verb; only at a sentence's start."""
    if start not in (0, opening) and text[start - 1] not in "。;:\n":
        return None  # a sentence's or an item's subject ((三)X…), not any clause's
    stop = _NAME_STOP.search(text, start)
    if not stop or stop.group() != "," or stop.start() - start > 24:
        return None
    verb = _bodies().comma_verb.match(text, stop.end())
    if not verb:
        return None
    words = tokens_at(text, (start, stop.start()))
    best = None
    for i, (_, _, end) in enumerate(words[:-1]):
        if verb_tag(words[i + 1][0]) != "v":
            continue
        names = split_names(text[start:end])
        if names and _strong(names):
            best = (start, verb.end(), names, verb.group())
    return best


def prose_doers(doc: Document) -> list[UnitClause]:
    """One clause per doer found in the plan parts of the text, rule ``units.prose``: member lists and
    partners of a paragraph, then a doer at each clause opening."""
    out: list[UnitClause] = []
    for para in doc.paragraphs:
        if "|" in para.text:
            continue
        report = doc.kind_at(para.span[0]) == "report"
        if report and not _hands_work_in_report(para.text):
            continue
        shift = para.span[0]
        bodies = [] if report else _members(para.text)
        out += [_clause(shift, start, end, lead=leads, responsible=members) for start, end, leads, members in bodies]
        out += [_clause(shift, start, end, support=names) for start, end, names in ([] if report else _partners(para.text))]
        opening = len(para.marker or "")
        # the item's text right after its number ((十九)转制企业应当…) opens a clause too; the pattern's ^
        # matches only at the paragraph's first character
        starts = dict.fromkeys(_clauses_to_read(para.text, opening))
        for clause_start in starts:
            found = _clause_doers(para.text, clause_start, opening, report, bodies)
            if found is not None:
                out.append(_clause(shift, *found[0], **found[1]))
    return out


def _hands_work_in_report(text: str) -> bool:
    """Whether a report's paragraph holds a request word (请X…) or a word that looks ahead (X将…): its
    clauses hand work by no other means, so a paragraph with neither is not read clause by clause."""
    L = _lex()
    return any(w in text for w in L.request) or any(w in text for w in L.forward)


def _clause(shift: int, start: int, end: int, lead=(), responsible=(), support=()) -> UnitClause:
    """A ``units.prose`` clause over ``[start, end)`` of a paragraph that begins at ``shift``."""
    return UnitClause(lead=tuple(lead), responsible=tuple(responsible), support=tuple(support),
                      span=(shift + start, shift + end), rule="units.prose")


def _clause_doers(text: str, clause_start: int, opening: int, report: bool,
                  bodies: list) -> tuple[tuple[int, int], dict[str, list[str]]] | None:
    """The doers the clause opening at ``clause_start`` names, by role, and the span that names them."""
    L = _lex()
    if report and not text.startswith(L.request, clause_start) and not _forward(text, clause_start):
        return None  # a report's subject did something; 请X… and X将… still hand X work
    joined = L.with_words.match(text, clause_start) if clause_start > opening else None
    if joined and text[clause_start - 1] == ",":  # X要…,会同Y…: Y supports the clause before
        names = [n for n in _objects(text[joined.end():]) if n]
        return ((clause_start, joined.end()), {"support": names}) if names else None
    setup = _setup_with_others(text, clause_start)
    if setup:
        return (clause_start, setup[0]), {"responsible": setup[1], "support": setup[2]}
    when = L.time_lead.match(text, clause_start)  # 2020年6月底前各区要…: the time, then the names
    found_at = (_doer_at(text, clause_start) or _doer_before_comma(text, clause_start, opening)
                or (_doer_at(text, when.end()) if when else None))
    if found_at is None:
        return None
    start, end, names, verb = found_at
    if any(a < end and start < b for a, b, _, _ in bodies):
        return None  # 小组由A、B组成,负责…: the members were read, the body is no doer
    found: dict[str, list[str]] = {"lead": [], "responsible": [], "support": []}
    found[L.verb_role.get(verb, "responsible")].extend(names)
    if L.with_words.fullmatch(verb):
        found["support"].extend(n for n in _objects(text[end:]) if n not in names)
    return (start, end), found


def _clauses_to_read(text: str, opening: int) -> list[int]:
    """The clause openings from ``opening`` on (the item's text after its number, and after each 。;:!?,
    and the spaces that follow) whose clause may name a doer: one opening on 会同, or one in which an
    organisation ending or a generic doer stands before the clause's stop (every rule but 会同Y's reads
    names there, and a name holds one). Found by one scan of the paragraph, not a search per clause; the
    scan looks for the marks themselves (from the one just before ``opening``), so the engine skips to
    them."""
    at_opening, at_text_start, after_mark = _clause_to_read()
    first = [opening] if at_opening.match(text, opening) else []
    if opening == 0 and (m := at_text_start.match(text)):
        first.append(m.end())
    return first + [m.end() for m in after_mark.finditer(text, max(0, opening - 1))]


@cache
def _clause_to_read() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The test of ``_clauses_to_read`` at a given place; the spaces opening a text, then the test; a
    clause mark and its spaces, then the test. An ending holds another when it holds a shorter one (委员会
    holds 会): only the endings that hold no other are looked for, the single characters as one class; the
    characters that cannot open one are passed over with no backtracking (no ending holds a stop or a
    space)."""
    L = _lex()
    endings = set(L.suffixes) | L.generic
    least = [e for e in endings if not any(o != e and o in e for o in endings)]
    chars = re.escape("".join(sorted(e for e in least if len(e) == 1)))
    words = resources.alternation([e for e in least if len(e) > 1])
    firsts = re.escape("".join(sorted({e[0] for e in least if len(e) > 1})))
    stops = _NAME_STOP.pattern[1:-1]
    test = (rf"(?=(?:{L.with_words.pattern})|(?:[^{stops}{chars}{firsts}]++|(?!{words})[{firsts}])*+"
            rf"(?:[{chars}]|{words}))")
    return re.compile(test), re.compile(rf"\s*{test}"), re.compile(rf"{_CLAUSE_MARKS}\s*{test}")


def with_prose_doers(clauses: list[UnitClause], doers: list[UnitClause]) -> list[UnitClause]:
    """The clauses in notation, and the prose doers that no such clause already covers, in text order."""
    spans = sorted(c.span for c in clauses)
    starts = [s for s, _ in spans]
    kept = []
    for d in doers:
        i = bisect.bisect_right(starts, d.span[1]) - 1
        if i >= 0 and spans[i][1] > d.span[0]:
            continue  # 由A负责 read by the clause rules already
        kept.append(d)
    return sorted(clauses + kept, key=lambda c: c.span)
