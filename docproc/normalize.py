"""Raw text -> clean simplified text, with an offset map back to the source.

Each step takes and returns a ``Mapped`` (text plus, for every character, the
index of the source character it came from), so any span of the final text
maps back to the raw input and so to its page.

Steps: NFKC (circled numbers kept), pinyin glosses dropped (任務(wù) -> 任務),
traditional -> simplified with opencc (protected names kept), spaces between
CJK characters removed, page chrome lines dropped.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from . import resources

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef\u2010-\u2027\u2030-\u205e"
_KEEP_NFKC = set("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽…—–")
_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# patterns open with their literal (the bracket, the space), never with a lookbehind, so the regex engine
# skips to the candidates instead of trying every position of the text
_PINYIN = re.compile(rf"\((?<=[{_CJK}]\()(?=[a-z{_TONE}]*[{_TONE}])[a-z{_TONE}]{{1,7}}\)")
_SPACE_RUN = re.compile(r"[ \t\u00a0\u2000-\u200b\u3000]+")
_ASCII_WORD = frozenset(string.ascii_letters + string.digits)
_SPLIT_NUMBER = re.compile(r" (?:(?<=\d[.,] )(?=\d)|(?<=\d )(?=[.]\d))")  # 3. 9 / 3 .9: the space inside a number


@dataclass
class Mapped:
    text: str
    offsets: list[int]

    @classmethod
    def identity(cls, text: str) -> Mapped:
        return cls(text, list(range(len(text))))


@dataclass
class Normalized:
    text: str
    offsets: list[int]
    script: str
    removed: list[str] = field(default_factory=list)  # chrome lines, for metadata (发布日期 …)
    header: list[str] = field(default_factory=list)  # lines before the body, cleaned but kept for metadata
    # (raw start, raw end, rule) of each line removed as chrome: what was dropped, and why
    dropped: list[tuple[int, int, str]] = field(default_factory=list)


def charwise(m: Mapped, fn: Callable[[str], str]) -> Mapped:
    """Apply a per-character function that may return zero or several characters."""
    reps = list(map(fn, m.text))
    text = "".join(reps)
    if len(text) == len(m.text) and all(map((1).__eq__, map(len, reps))):
        return Mapped(text, m.offsets)  # one character for one: the offsets stay
    out_offs: list[int] = []
    for rep, off in zip(reps, m.offsets, strict=True):
        out_offs.extend([off] * len(rep))
    return Mapped(text, out_offs)


def substitute(m: Mapped, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> Mapped:
    """Regex substitution that keeps offsets: an equal-length replacement maps 1:1, else to the match start."""
    offsets = m.offsets

    def piece(match: re.Match[str]) -> tuple[str, list[int]]:
        s, e = match.span()
        rep = repl(match)
        if len(rep) == e - s:
            return rep, offsets[s:e]
        anchor = offsets[s] if s < len(offsets) else (offsets[-1] + 1 if offsets else 0)
        return rep, [anchor] * len(rep)

    return _rebuild(m, pattern.finditer(m.text), piece)


def _rebuild(m: Mapped, matches: Iterable[re.Match[str]],
             piece: Callable[[re.Match[str]], tuple[str, list[int]]]) -> Mapped:
    """The text with each match replaced by ``piece``'s text and offsets; the text between matches keeps its
    own. Nothing matched: ``m`` itself, uncopied."""
    text, offsets = m.text, m.offsets
    parts: list[str] = []
    offs: list[int] = []
    last = 0
    for match in matches:
        s, e = match.span()
        parts.append(text[last:s])
        offs += offsets[last:s]
        rep, rep_offsets = piece(match)
        parts.append(rep)
        offs += rep_offsets
        last = e
    if not parts:
        return m
    parts.append(text[last:])
    offs += offsets[last:]
    return Mapped("".join(parts), offs)


def keep_lines(m: Mapped, keep: list[bool]) -> Mapped:
    """Keep the lines whose flag is True (lines split on \\n)."""
    if all(keep):
        return m
    parts: list[str] = []
    offs: list[int] = []
    pos = 0
    for flag, line in zip(keep, m.text.split("\n"), strict=True):
        end = pos + len(line)
        if flag:
            if parts:
                parts.append("\n")
                offs.append(m.offsets[pos - 1] if pos > 0 else 0)
            parts.append(line)
            offs.extend(m.offsets[pos:end])
        pos = end + 1
    return Mapped("".join(parts), offs)


# the characters NFKC may change: none of ASCII (kept as it is) or of the unified ideographs changes
_MAYBE_CHANGED = re.compile(r"[^\x00-\x7f\u4e00-\u9fff]+")


def _nfkc_text(m: Mapped) -> Mapped:
    """``charwise(m, _nfkc)``: each character the text holds outside ASCII and the ideographs is looked up
    once (a translate looked every character up). Those that become another single character (full-width
    digits, letters, punctuation: the usual case) are replaced with one ``str.replace`` each, so the
    offsets stay as they are; a form is NFKC's own, which no other replacement changes again."""
    changed = {ch: rep for ch in set("".join(_MAYBE_CHANGED.findall(m.text))) if (rep := _nfkc(ch)) != ch}
    text = m.text
    resized = {}
    for ch, rep in changed.items():
        if len(rep) == 1:
            text = text.replace(ch, rep)
        else:
            resized[ch] = rep
    return _resize(Mapped(text, m.offsets), resized) if resized else Mapped(text, m.offsets)


def _resize(m: Mapped, forms: dict[str, str]) -> Mapped:
    """The characters whose form is not one character (㎡ -> m2) replaced: each of their forms maps to the
    character; the rest of the text is one for one."""
    return substitute(m, re.compile("[" + "".join(map(re.escape, forms)) + "]"), lambda found: forms[found.group()])


@cache
def _nfkc(ch: str) -> str:
    if ch in _KEEP_NFKC or ord(ch) < 128:
        return ch
    return unicodedata.normalize("NFKC", ch)


_HAN = re.compile(r"[\u4e00-\u9fff]+")
_SAMPLE = 4000
_SEEN: set[str] = set()  # characters whose script is known, for the process
_TRAD_ONLY: set[str] = set()  # characters opencc's t2s changes: only traditional text uses them
_SIMP_ONLY: set[str] = set()  # characters s2t changes


def _learn_scripts(chars: set[str]) -> None:
    """Learn, once per character for the process, whether opencc's t2s or s2t changes it."""
    new = sorted(chars - _SEEN)
    if not new:
        return
    joined = "\n".join(new)  # one conversion call; the line breaks keep phrases from forming
    t2s = resources.opencc_converter("t2s").convert(joined).split("\n")
    s2t = resources.opencc_converter("s2t").convert(joined).split("\n")
    for ch, t, s in zip(new, t2s, s2t, strict=True):
        if t != ch:
            _TRAD_ONLY.add(ch)
        if s != ch:
            _SIMP_ONLY.add(ch)
    _SEEN.update(new)


def detect_script(text: str) -> str:
    """``simplified``, ``traditional`` or ``mixed``: count characters only one script uses."""
    han = "".join(_HAN.findall(text))[:_SAMPLE]  # the first 4,000 Han characters decide
    if not han:
        return "simplified"
    chars = set(han)
    _learn_scripts(chars)
    # counted per distinct character: a simplified text has almost none of the traditional ones, and then
    # its simplified ones need no count at all
    trad_only = sum(map(han.count, chars & _TRAD_ONLY))
    if trad_only <= 0.02 * len(han) and trad_only < 5:
        return "simplified"
    simp_only = sum(map(han.count, chars & _SIMP_ONLY))
    total = trad_only + simp_only
    if total < 3:
        return "simplified"
    share = trad_only / total
    if share >= 0.85:
        return "traditional"
    if share <= 0.15:
        return "simplified"
    return "mixed"


def detect_region(text: str) -> str | None:
    """``hk`` or ``tw`` when the text's vocabulary says so (港元, 立法會 / 新臺幣, 行政院), else None."""
    cues = resources.data("regions.yaml")
    hk = sum(text.count(w) for w in cues["hk"])
    tw = sum(text.count(w) for w in cues["tw"])
    if max(hk, tw) < 2:
        return None
    return "hk" if hk > tw else "tw"


def to_simplified(m: Mapped, region: str | None = None) -> Mapped:
    """opencc per line with the regional profile (hk2s, tw2s, else t2s); lines whose length changes
    fall back to per-character conversion, so offsets stay one to one."""
    conv = resources.opencc_converter({"hk": "hk2s", "tw": "tw2s"}.get(region or "", "t2s"))
    # only the protected names the text holds are looked for line by line
    protected = [(t, s) for t, s in resources.table("opencc_protected.tsv") if len(t) == len(s) and t in m.text]
    lines = m.text.split("\n")
    # one conversion of the whole text: no phrase of opencc's holds a line break, so each line converts
    # as it would alone
    converted = conv.convert(m.text).split("\n")
    if len(converted) != len(lines):
        converted = [conv.convert(line) for line in lines]
    out = []
    for line, new in zip(lines, converted, strict=True):
        if len(new) != len(line):
            new = "".join(conv.convert(c) if len(conv.convert(c)) == 1 else c for c in line)
        for trad, simp in protected:
            start = line.find(trad)
            while start >= 0:
                new = new[:start] + simp + new[start + len(trad):]
                start = line.find(trad, start + 1)
        out.append(new)
    return Mapped("\n".join(out), m.offsets)


def _collapse_spaces(m: Mapped) -> Mapped:
    """Drop spaces unless both neighbours are ASCII letters/digits (then keep one, mapped to the run's
    first character)."""
    text, offsets = m.text, m.offsets
    end = len(text)

    def piece(match: re.Match[str]) -> tuple[str, list[int]]:
        s, e = match.span()
        if s and e < end and text[s - 1] in _ASCII_WORD and text[e] in _ASCII_WORD:
            return " ", [offsets[s]]  # 2024 年 / 372.53 亿: digits next to CJK lose the space; two ASCII words keep one
        return "", []

    return _rebuild(m, _SPACE_RUN.finditer(text), piece)


def _fix_split_numbers(m: Mapped) -> Mapped:
    """Join digits that a PDF split with a space inside a number (3. 9 万 -> 3.9万)."""
    return substitute(m, _SPLIT_NUMBER, lambda _: "")


def _mark_columns(m: Mapped) -> tuple[Mapped, set[int]]:
    """Tab-, space- and one-cell-per-line table layouts become ``a|b|c`` rows (see ``columns``).

    Also returns the output lines that form a table (rows, and table lines left as they are), which
    the chrome rules must leave alone."""
    from . import columns

    lines = m.text.split("\n")
    found = columns.plan(lines)
    if not found.split and not found.joins and not found.keep:
        return m, set()
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    row_of = {row.first_line: row for row in found.joins}
    in_row = {i for row in found.joins for cell in row.cells for i in cell}
    chars: list[str] = []
    offs: list[int] = []
    table_lines: set[int] = set()
    out_line = 0

    def end_offset(i: int) -> int:
        end = starts[i] + len(lines[i])
        return m.offsets[end] if end < len(m.offsets) else (m.offsets[-1] + 1 if m.offsets else 0)

    def emit(i: int) -> None:
        line, base = lines[i], starts[i]
        if i in found.split:
            inner = line.strip()
            lead = len(line) - len(line.lstrip())
            last = 0
            for g in columns.GAP.finditer(inner):
                chars.append(inner[last:g.start()])
                offs.extend(m.offsets[base + lead + last: base + lead + g.start()])
                chars.append("|")
                offs.append(m.offsets[base + lead + g.start()])
                last = g.end()
            chars.append(inner[last:])
            offs.extend(m.offsets[base + lead + last: base + lead + len(inner)])
        else:
            chars.append(line)
            offs.extend(m.offsets[base: base + len(line)])

    def emit_row(row: columns.JoinedRow) -> None:
        first = row.first_line
        for n, cell in enumerate(row.cells):
            if n:
                chars.append("|")
                offs.append(m.offsets[starts[cell[0]] - 1] if cell else m.offsets[starts[first]])
            for j in cell:  # a header cell wrapped onto two lines is one cell again
                emit(j)
        for _ in range(row.width - len(row.cells)):  # a group label row keeps the table's width
            chars.append("|")
            offs.append(end_offset(row.last_line))

    order: list[tuple[int, columns.JoinedRow | None]] = []
    for i in range(len(lines)):
        if i in row_of:
            order.append((i, row_of[i]))
        elif i not in in_row:
            order.append((i, None))  # also a page mark or a blank line between a row's cells: kept after it
    pending_newline: int | None = None
    for i, row in order:
        if pending_newline is not None:
            chars.append("\n")
            offs.append(end_offset(pending_newline))
            out_line += 1
        if row is not None:
            emit_row(row)
            table_lines.add(out_line)
            pending_newline = row.last_line
        else:
            emit(i)
            if i in found.split or i in found.keep:
                table_lines.add(out_line)
            pending_newline = i
    return Mapped("".join(chars), offs), table_lines


# 1 200名; a spaced-out year in a PDF title: 2 0 2 4 年. Both forms open with a digit, and test the
# character before it after it, so the regex engine jumps from digit to digit
_GROUPED = re.compile(r"\d(?:(?<![\d.,]\d)\d{0,2}(?: \d{3})+(?![\d.,])(?= ?[\u4e00-\u9fff%])"
                      r"|(?<![\d ]\d)(?: \d){3}(?= ?年))")
_DIGIT_SPACE_DIGIT = re.compile(r"\d \d")


def _join_digit_groups(m: Mapped) -> Mapped:
    """Digits grouped by thin spaces, as Hong Kong and English-style texts write them: 1 200名 -> 1200名.
    Both forms hold a digit, a space and a digit: a text without one is passed over at once. Each digit
    keeps its own offset."""
    text, offsets = m.text, m.offsets
    if not _DIGIT_SPACE_DIGIT.search(text):
        return m

    def piece(match: re.Match[str]) -> tuple[str, list[int]]:
        return match.group().replace(" ", ""), [offsets[i] for i in range(*match.span()) if text[i] != " "]

    return _rebuild(m, _GROUPED.finditer(text), piece)


def normalize(raw: str) -> Normalized:
    script = detect_script(raw[:20000])
    m = Mapped.identity(raw.replace("\r\n", "\n").replace("\r", "\n"))
    if not unicodedata.is_normalized("NFKC", m.text):
        m = _nfkc_text(m)
    m = substitute(m, _PINYIN, lambda _: "")
    if script != "simplified":
        m = to_simplified(m, detect_region(raw[:20000]))
    m = _fix_split_numbers(m)
    m, table_lines = _mark_columns(m)
    m = _join_digit_groups(m)
    m = _collapse_spaces(m)
    from .chrome import chrome_rules

    lines = m.text.split("\n")
    rules, header = chrome_rules(lines, table_lines)
    keep = [r is None for r in rules]
    removed = [ln for ln, k in zip(lines, keep, strict=True) if not k and ln.strip()]
    dropped, pos = [], 0
    for line, rule in zip(lines, rules, strict=True):
        if rule is not None and line.strip():
            span = m.offsets[pos: pos + len(line)]
            dropped.append((min(span), max(span) + 1, rule))
        pos += len(line) + 1
    # the lines no rule removes, without the blank ones (one pass: a line break keeps the offset of the
    # break before its line either way)
    m = keep_lines(m, [k and bool(ln.strip()) for ln, k in zip(lines, keep, strict=True)])
    return Normalized(m.text, m.offsets, script, removed=removed, header=header, dropped=dropped)
