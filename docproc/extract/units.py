"""Responsible-unit clauses: who leads, who is responsible, who supports.

Notations (labels come from ``lexicons/unit_labels.tsv``):

- bracketed labels: (责任单位:A,B、C)  〔牵头单位:A;责任单位:B〕  [..]  【..】
- label lines after an item: 牵头单位:A  /  责任单位:B
- (A牵头,B、C配合) and A牵头、B配合 inside brackets
- 这项工作由A负责 / 由A牵头
- a trailing (局名/局名) attribution in Hong Kong and Taiwan documents
- (下同) / 以下…不再一一列出: the clause covers the following items

Names are split on 、,,;;/ and kept as written (各苏木镇 keeps 各); people
(责任领导: a name or a post) and scope notes (按职责分工负责) are dropped.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace
from functools import cache

from .. import resources
from ..cells import is_empty_cell
from ..labels import label_roles
from ..model import Document, UnitClause
from ..prefilter import guarded
from ..tables import takes_cell_above

_OPEN = "(〔[【"
_CLOSE = ")〕]】"
_NOTE_TAIL = re.compile(r"(?:按职责分工负责|按职责分工|按照职责分工负责|分别负责|负责落实|共同负责|负责|等|下同|及其他.*)$")
_COVERS = re.compile(r"下同|以下[^)〕\]】]{0,12}不再[一]?[一]?列出|以下各项|以下同")


@dataclass(frozen=True)
class _Labels:
    role: dict[str, str]
    pattern: str


@cache
def _labels() -> _Labels:
    role = label_roles()
    return _Labels(role=role, pattern=resources.alternation([k for k in role if k != "牵头"]))


@cache
def _label_words() -> str:
    """Unit labels and deadline labels (责任单位, 完成时限 …) as one alternation."""
    words = [k for k in _labels().role if k != "牵头"] + list(resources.data("deadlines.yaml")["labels"])
    return resources.alternation(words)


@cache
def _label_pattern() -> re.Pattern[str]:
    """Unit labels, and the deadline labels that may sit between them (责任单位:A;完成时限:6月底)."""
    return re.compile(rf"({_label_words()})\s*[::]?\s*")


@cache
def _label_line() -> re.Pattern[str]:
    """A line that starts with a unit label or a deadline label (责任单位:…, 完成时限:…)."""
    return re.compile(rf"^\s*[(〔\[【]?\s*(?:{_label_words()})\s*[::]")


def is_label_line(line: str) -> bool:
    """Labels on their own line (责任单位:X, or the whole line a bracket: (责任单位:X)) belong to the item
    above them, not to a task of their own."""
    return bool(_label_line().match(line))


@cache
def _org_suffixes() -> tuple[str, ...]:
    return resources.words("org_suffixes.txt")


@cache
def _person() -> dict:
    return resources.data("person.yaml")


def looks_like_person(name: str) -> bool:
    """A post (主要负责人) or a 2-3 character personal name (张三) without an organisation ending."""
    person = _person()
    if name.endswith(tuple(person["post_suffixes"])):
        return True
    return 2 <= len(name) <= 3 and name[0] in person["surnames"] and not name.endswith(_org_suffixes())


def looks_like_org(name: str) -> bool:
    """An organisation as written: an organisation ending (局, 委员会, 政府 …) or 各… (各乡镇)."""
    return name.endswith(_org_suffixes()) or name.startswith("各")


_ADMIN_NOTE = re.compile(r"[((](?:[省市县区旗镇乡]|街道)(?:[、,](?:[省市县区旗镇乡]|街道))*[))]")


# what a unit does, and the role it gives: (A、B负责), 市发改委(牵头), 市财政局配合 …
_DOER_VERBS = {"牵头": "lead", "指导": "lead", "统筹": "lead", "负责": "responsible", "落实": "responsible",
               "承担": "responsible", "实施": "responsible", "承办": "responsible", "配合": "support",
               "参与": "support", "协助": "support", "协同": "support", "支持": "support"}
_MARK = {w: _DOER_VERBS[w] for w in ("牵头", "配合", "协助", "参与", "协同")}  # markers inside a list of names
_MARK_BRACKET = re.compile(rf"[((]({'|'.join(_MARK)})[))]")
_MARK_TAIL = re.compile(rf"(?<=[\u4e00-\u9fff]{{2}})({'|'.join(_MARK)})(?:负责)?$")


def clean_names(raw: str) -> list[str]:
    """Split a list of unit names and drop notes, people and empties."""
    return [name for name, _ in clean_marked(raw)]


def clean_marked(raw: str) -> list[tuple[str, str | None]]:
    """Names with the role a marker gives them inside a list: 市发展改革委(牵头)、市财政局 -> lead for the first;
    市住建局牵头,市自然资源局配合 -> lead, support. None where the list's label decides."""
    raw = _MARK_BRACKET.sub(lambda m: "\x02" + m.group(1), raw)  # kept through the note removal below
    notes = _notes()
    raw = notes.joins.sub("、", raw)  # 商务部等和各有关省级人民政府: two names
    raw = notes.generic_tails.sub(lambda m: "、" + m.group()[1:], raw)  # 海关总署等有关部门: and 有关部门
    # 各县(市、区)人民政府: a bracket of administrative levels is part of the name, as written (its
    # separators hidden from the split below); any other bracket is a note and goes: (备注)
    raw = re.sub(r"[((][^))]*[))]", lambda m: m.group().replace("、", "\x00").replace(",", "\x01")
                 if _ADMIN_NOTE.fullmatch(m.group()) else "", raw)
    names: list[tuple[str, str | None]] = []
    for group in re.split(r"[,;]+", raw):
        found: list[tuple[str, str | None]] = []
        tail_role = None
        for part in re.split(r"[、/]+", group):
            name = part.replace("\x00", "、").replace("\x01", ",").strip(" :.。")
            role = None
            if "\x02" in name:
                name, _, mark = name.partition("\x02")
                role = _MARK.get(mark[:2])
                name = name.strip()
            else:
                tail = _MARK_TAIL.search(name)
                if tail:
                    role = tail_role = _MARK[tail.group(1)]
                    name = name[: tail.start()]
            if name.startswith("由") and len(name) > 3:
                name = name[1:]  # (由市教育局负责): the doer, without 由
            previous = None
            while previous != name:
                previous = name
                name = _NOTE_TAIL.sub("", name).strip()
            if not name or len(name) > 30:
                continue
            if looks_like_person(name):
                continue  # a person's name (张三) or a post (分管领导)
            found.append((name, role))
        # 市财政局、市商务局配合: a verb after a list of names is said of all of them
        names.extend((n, r or tail_role) for n, r in found)
    return names


def parse_labelled(content: str) -> dict[str, list[str]] | None:
    """`牵头单位:A;责任单位:B、C` -> {"lead": [A], "responsible": [B, C]}; None without a label."""
    lab = _labels()
    parts = list(_label_pattern().finditer(content))
    if not any(m.group(1) in lab.role for m in parts):
        return None
    roles: dict[str, list[str]] = {"lead": [], "responsible": [], "support": []}
    head = content[: parts[0].start()].strip(" ;,")
    if head:  # (A牵头;责任单位:B;完成时限:…): what comes before the first label
        found = _lead_support(head) or _doers(head)
        for role, names in (found or {}).items():
            roles[role].extend(names)
    for i, m in enumerate(parts):
        end = parts[i + 1].start() if i + 1 < len(parts) else len(content)
        role = lab.role.get(m.group(1), "deadline")
        if role in ("person", "deadline"):
            continue  # a person, or a time limit (完成时限:6月底) between the unit labels
        marked = clean_marked(content[m.end(): end])
        if not re.search(r"[::]\s*$", m.group(0)):
            # 牵头单位的, 责任单位即为…: a label word in a sentence, not a label; keep only organisation names
            marked = [(n, r) for n, r in marked if looks_like_org(n)]
        for name, mark in marked:
            roles[mark or role].append(name)
    return roles


def _lead_support(content: str) -> dict[str, list[str]] | None:
    """`A牵头,B、C配合` / `A牵头负责`."""
    m = re.fullmatch(r"(?P<lead>[^,;]+?)牵头(?:负责)?(?:[,;、]\s*(?P<rest>.+?)(?P<verb>配合|参与|协助|协同|负责))?", content)
    if not m:
        return None
    roles = {"lead": clean_names(m.group("lead")), "responsible": [], "support": []}
    if m.group("rest"):
        roles[_DOER_VERBS[m.group("verb")]] = clean_names(m.group("rest"))
    return roles if roles["lead"] else None


_DOER = re.compile(rf"(?P<names>[^,;]+?)(?P<verb>{'|'.join(_DOER_VERBS)})(?:负责|落实)?$")


def _doers(content: str) -> dict[str, list[str]] | None:
    """`(A、B负责)` / `(X指导,Y落实)`: every part names organisations and ends with what they do."""
    roles: dict[str, list[str]] = {"lead": [], "responsible": [], "support": []}
    for part in re.split(r"[,;]", content):
        m = _DOER.fullmatch(part.strip())
        if not m:
            return None
        names = clean_names(m.group("names"))
        if not names or not all(looks_like_org(n) for n in names):
            return None
        roles[_DOER_VERBS[m.group("verb")]].extend(names)
    return roles


def _attribution(content: str) -> dict[str, list[str]] | None:
    """A trailing (局名/局名) attribution: every part must look like an organisation."""
    parts = [p.strip() for p in re.split(r"[/、,]", content) if p.strip()]
    if not parts or len(content) > 80:
        return None
    if all(p.endswith(_org_suffixes()) and 2 <= len(p) <= 20 for p in parts):
        return {"lead": [], "responsible": parts, "support": []}
    return None


def _clause(roles: dict[str, list[str]], span: tuple[int, int], rule: str, covers: bool) -> UnitClause:
    return UnitClause(
        lead=tuple(roles.get("lead", [])),
        responsible=tuple(roles.get("responsible", [])),
        support=tuple(roles.get("support", [])),
        span=span,
        rule=rule,
        covers_following=covers,
    )


_BRACKET = re.compile(r"[(〔\[【]((?:[^()〔〕\[\]【】\n]|\([^()\n]{0,20}\)){2,400})[)〕\]】]")
# guarded: a match starts only on 由 or its optional 这项工作, so the other characters are passed over at once
_BY = guarded(r"(?:这项工作|此项工作|该项工作)?(?<!转)由(?P<who>[^,。;由]{2,40}?)(?P<verb>牵头负责|牵头|负责|承担)"
              r"(?:[,、]\s*(?P<rest>[^,。;由]{2,40}?)(?P<verb2>配合|参与|协助|协同))?")


# 市农业农村局牵头抓总,各县区具体落实: a lead and the doers in the sentence itself, no bracket
_LEAD_THEN = re.compile(r"(?:^|(?<=[,。;:]))(?P<lead>[^,。;:\n()]{2,30}?)牵头(?:抓总|负责)?,"
                        r"(?P<rest>[^,。;:\n()]{2,40}?)(?:具体|共同|分别)?(?P<verb>配合|落实|负责|参与|协助)(?=[。;]|$)", re.M)
# 市市场监管局、市公安局按职责分工负责: the names that open a clause and end on 按职责分工负责
_DUTY = re.compile(r"(?:^|(?<=[,。;:]))(?P<who>[^,。;:\n()]{2,60}?)(?:按照?职责(?:分工)?|分别)负责(?=[。;,]|$)", re.M)


@cache
def _inline_label() -> re.Pattern[str]:
    """A unit label after a sentence end on the item's own line (…改造。责任单位:A)."""
    labels = [k for k in _labels().role if k != "牵头" and _labels().role[k] != "person"]
    return re.compile(rf"(?<=[。;])\s*(?:{resources.alternation(labels)})\s*[::]")


def _in_lines_with(doc: Document, pattern: re.Pattern[str], word: str):
    """Matches of a pattern that needs ``word``, searched only in the paragraphs that hold it (the
    pattern may start almost anywhere, so a search of the whole text is slow)."""
    for para in doc.paragraphs:
        if word in para.text:
            yield from pattern.finditer(doc.text, para.span[0], para.span[1])


class _Taken:
    """Spans already read as unit clauses: a looser pattern that starts inside one is not read again."""

    def __init__(self) -> None:
        self._spans: list[tuple[int, int]] = []
        self._index: tuple[list[int], list[int]] | None = None

    def add(self, span: tuple[int, int]) -> None:
        self._spans.append(span)
        self._index = None

    def covers(self, pos: int) -> bool:
        if self._index is None:
            spans = sorted(self._spans)
            # the furthest end among the spans that start at or before each one
            self._index = ([s for s, _ in spans], list(itertools.accumulate((e for _, e in spans), max)))
        starts, reach = self._index
        i = bisect.bisect_right(starts, pos) - 1
        return i >= 0 and reach[i] > pos


def extract_unit_clauses(doc: Document) -> list[UnitClause]:
    text = doc.text
    out: list[UnitClause] = []
    taken = _Taken()
    first_lead_from = None  # where a 列第一位者为牵头单位 note puts the rule in force
    for m in _BRACKET.finditer(text):
        content = m.group(1)
        note = _notes().first_is_lead.search(content)
        if note:
            if first_lead_from is None:
                first_lead_from = m.start()
            content = (content[: note.start()] + content[note.end():]).strip(" ,;。")
        covers = bool(_COVERS.search(content))
        roles = parse_labelled(content)
        rule = "units.bracket_label"
        if roles is None:
            roles = _lead_support(content)
            rule = "units.lead_support"
        if roles is None:
            roles = _doers(content)
            rule = "units.doers"
        if roles is None:
            line_end = text.find("\n", m.end())
            at_end = text[m.end(): line_end if line_end >= 0 else len(text)].strip(" 。.;") == ""
            roles = _attribution(content) if at_end else None
            rule = "units.attribution"
        if roles is None:
            continue
        clause = _clause(roles, m.span(), rule, covers)
        if not clause.is_empty():
            out.append(clause)
            taken.add(m.span())
    # label lines: 牵头单位:A  (a line of its own, or several labels on one line)
    for para in doc.paragraphs:
        line = para.text
        if is_label_line(line):
            roles = parse_labelled(line)
            if roles:
                clause = _clause(roles, para.span, "units.label_line", bool(_COVERS.search(line)))
                if not clause.is_empty():
                    out.append(clause)
                    taken.add(para.span)
        else:
            # …的工作。责任单位:A、B  — a label after the item's last sentence, on the same line
            m = _inline_label().search(line) if ":" in line else None  # a label ends on its colon
            if m and not taken.covers(para.span[0] + m.start()):
                roles = parse_labelled(line[m.start():])
                if roles:
                    span = (para.span[0] + m.start(), para.span[1])
                    clause = _clause(roles, span, "units.inline_label", bool(_COVERS.search(line)))
                    if not clause.is_empty():
                        out.append(clause)
                        taken.add(span)
    # a table with a 责任单位 / 牵头单位 column (rows written as `a | b | c`)
    for clause in _table_columns(doc):
        out.append(clause)
        taken.add(clause.span)
    for m in _in_lines_with(doc, _LEAD_THEN, "牵头"):  # …,市农业农村局牵头抓总,各县区具体落实。
        if taken.covers(m.start("lead")):
            continue
        lead = clean_names(m.group("lead"))
        rest = clean_names(m.group("rest"))
        if lead and rest and all(looks_like_org(n) for n in lead + rest):
            role = _DOER_VERBS[m.group("verb")]
            out.append(_clause({"lead": lead, role: rest}, (m.start("lead"), m.end()), "units.lead_then", False))
            taken.add((m.start("lead"), m.end()))
    for m in _in_lines_with(doc, _DUTY, "负责"):  # …,市市场监管局、市公安局按职责分工负责。
        if taken.covers(m.start("who")):
            continue
        names = clean_names(m.group("who"))
        if names and all(looks_like_org(n) for n in names):
            out.append(_clause({"responsible": names}, m.span("who"), "units.by_duty", False))
    for m in _BY.finditer(text):  # 这项工作由A负责
        if taken.covers(m.start()) or text.startswith(_notes().persons, m.start("verb")):
            continue  # 由A、B负责同志组成: people, not A and B's duty
        names = clean_names(m.group("who"))
        names = [n for n in names if looks_like_org(n)]
        if not names:
            continue
        role = "lead" if "牵头" in m.group("verb") else "responsible"
        found = {role: names}
        if m.group("rest"):
            found["support"] = [n for n in clean_names(m.group("rest")) if looks_like_org(n)]
        out.append(_clause(found, m.span(), "units.by_doer", False))
    out.sort(key=lambda c: c.span)
    return _first_is_lead(text, out, first_lead_from)


def _first_is_lead(text: str, clauses: list[UnitClause], start: int | None) -> list[UnitClause]:
    """Where the document says the first-listed unit leads (a note in a clause, or a sentence of its
    own), the first name of each later (A、B负责) list is lead and the rest responsible."""
    if start is None:
        m = _notes().first_is_lead.search(text)
        start = m.start() if m else None
    if start is None:
        return clauses
    out = []
    for c in clauses:
        if c.span[1] > start and c.rule == "units.doers" and not c.lead and not c.support and c.responsible:
            c = replace(c, lead=c.responsible[:1], responsible=c.responsible[1:])
        out.append(c)
    return out


@dataclass(frozen=True)
class _Notes:
    first_is_lead: re.Pattern[str]
    joins: re.Pattern[str]
    generic_tails: re.Pattern[str]
    persons: tuple[str, ...]


@cache
def _notes() -> _Notes:
    d = resources.data("unit_notes.yaml")
    return _Notes(
        first_is_lead=re.compile(d["first_is_lead"]),
        joins=re.compile(resources.alternation(d["list_joins"])),
        generic_tails=re.compile(resources.alternation(d["generic_tails"])),
        persons=tuple(d["duty_persons"]),
    )


def _table_columns(doc: Document) -> list[UnitClause]:
    """Each body row of a table with unit columns: its units, a merged (empty or 同上) cell taken from above."""
    out: list[UnitClause] = []
    for table in doc.tables:
        header = {c.index: c.duty for c in table.column_types if c.duty in ("lead", "responsible", "support")}
        if not header:
            continue
        above: dict[int, list[tuple[str, str | None]]] = {}
        for r, row in enumerate(table.body, start=table.header_rows):
            found: dict[str, list[str]] = {"lead": [], "responsible": [], "support": []}
            for i, role in header.items():
                cell = row[i].text
                if takes_cell_above(table, r, i):
                    names = above.get(i, [])  # a merged cell or 同上: the row above's units go on
                elif not cell.strip() or is_empty_cell(cell):
                    names = []
                else:
                    names = clean_marked(cell)  # 市发改委(牵头)、市财政局 in a 责任单位 column
                above[i] = names
                for name, mark in names:
                    if name not in found[mark or role]:
                        found[mark or role].append(name)
            span = (row[0].span[0], row[-1].span[1])
            clause = _clause(found, span, "units.table_column", False)
            if not clause.is_empty():
                out.append(clause)
    return out
