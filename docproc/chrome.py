"""Page chrome: which lines of a page are not the document.

General signals only, with the words in ``lexicons/chrome.yaml``: line
prefixes (编辑, 来源:, 上一篇 …), words anywhere (ICP备, 二维码 …), metadata
table rows (索引号 | … | 发布日期 | …), breadcrumbs (A > B > 正文), bare
numbers, short standalone captions, an editor/disclaimer trailer in the second
half of the page, and a trailing run of headline-like lines (other articles).
"""

from __future__ import annotations

import re
from functools import cache

from . import resources

_SENT_PUNCT = set("。!?;:,、!?;:,")
_BULLETS = " \t•·・-*▲►■□◆◇●○→>》"
_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、]|[①-⑳]|——|第[一二三四五六七八九十]+[,、章节条]"
    r"|[一二三四五六七八九十]+是)"
)
_BREADCRUMB = re.compile(r"^[^。,]{1,30}(?:\s*[>»›]\s*[^。,>»›]{1,20}){1,6}$")


@cache
def _config() -> dict:
    return resources.data("chrome.yaml")


def _strip_bullets(line: str) -> str:
    return line.strip().lstrip(_BULLETS).strip()


def _cjk_ratio(line: str) -> float:
    if not line:
        return 0.0
    return sum(1 for c in line if "\u4e00" <= c <= "\u9fff") / len(line)


@cache
def _patterns(key: str) -> tuple[re.Pattern[str], ...]:
    value = _config()[key]
    return tuple(re.compile(p) for p in ([value] if isinstance(value, str) else value))


@cache
def _any_of(*keys: str) -> re.Pattern[str]:
    """The patterns of ``keys`` as one alternation: one ``match``/``search`` asks what ``any`` over them did."""
    return re.compile("|".join(f"(?:{p.pattern})" for key in keys for p in _patterns(key)))


@cache
def _word_sets() -> tuple[tuple[str, ...], re.Pattern[str], tuple[str, ...]]:
    """The line prefixes as one tuple for ``startswith``, the words a line may hold anywhere as one pattern,
    and the pager words longest first: built once, not at every line."""
    cfg = _config()
    contains = _literal_words(cfg["contains"])
    return tuple(cfg["prefixes"]), contains, tuple(sorted(cfg["pager_words"], key=len, reverse=True))


def _literal_words(words: list[str]) -> re.Pattern[str]:
    """One pattern that finds any of ``words`` (none: it finds nothing, as ``any`` over no words)."""
    return re.compile("|".join(map(re.escape, words)) or "(?!)")


@cache
def _pager_word() -> re.Pattern[str]:
    return _literal_words(_config()["pager_words"])


@cache
def _short_prefixes() -> tuple[str, ...]:
    return tuple(_config()["short_prefixes"])


_WORD = re.compile(r"\w")
_DIGIT = re.compile(r"\d")
_PAGER_REST = re.compile(r"[\d\s\[\]【】<>《》.…|/]")


def is_page_mark(line: str) -> bool:
    """``- 3 -``, ``第3页``, ``3/12``: what a page break leaves in the text (never a table cell)."""
    return _any_of("page_marks").match(line.strip()) is not None


def _is_pager(s: str) -> bool:
    if not _pager_word().search(s):
        return False
    words = _word_sets()[2]
    rest = s
    for w in words:
        rest = rest.replace(w, "")
    return len(s) <= 60 and not _PAGER_REST.sub("", rest)


def _short_prefix(s: str, opening: str) -> bool:
    """The word alone or as a label (相关报道:, 分享到), never 分享经济."""
    cfg = _config()
    return len(s) <= cfg["short_prefix_max"] and opening.startswith(_short_prefixes()) and any(
        opening == p or opening.startswith(p) and opening[len(p)] in ":】] 到" for p in cfg["short_prefixes"])


def chrome_reason(line: str) -> str | None:
    """Why a line is chrome (``prefix``, ``credit``, ``contains``, ``metadata``, ``breadcrumb``, ``page_number``,
    ``date_stamp``, ``pager``, ``rule_line``, ``short``), or None.

    A line with a figure in it is content unless a rule names what it is (a page number, a posting
    time, a pager): the short-line rule takes only lines without digits."""
    cfg = _config()
    if is_page_mark(line):
        return "page_number"  # before the bullets are stripped: - 3 - is no bullet
    s = _strip_bullets(line)
    if not s:
        return "rule_line" if line.strip() else None  # a lone > or • left by a breadcrumb or a list
    if len(s) > 200:
        return None  # chrome lines are short; a long line is body text (or a whole document on one line)
    prefixes, contains, _ = _word_sets()
    opening = s.lstrip("【[")  # 【字号: 大 中 小】 as well as 字号
    if opening.startswith(prefixes) or _short_prefix(s, opening):
        return "prefix"
    if _any_of("credits").search(s):
        return "credit"
    if contains.search(s):
        return "contains"
    if "|" in s and any(lab in s for lab in cfg["metadata_labels"]):
        return "metadata"
    if len(s) <= 40 and _BREADCRUMB.match(s):
        return "breadcrumb"
    if "|" in s:
        return "rule_line" if not _WORD.search(s) else None  # a lone | is no table row
    if _any_of("page_marks", "page_number").match(s):
        return "page_number"
    if _any_of("date_stamps").match(s):
        return "date_stamp"
    if _is_pager(s):
        return "pager"
    if not _WORD.search(s):
        return "rule_line"  # only dashes or dots: a rule drawn across the page
    if _DIGIT.search(s):
        return None
    if len(s) <= cfg["short_line_max"] and _SENT_PUNCT.isdisjoint(s) and not _ITEM.match(s):
        return "short"
    return None


def is_chrome_line(line: str) -> bool:
    return chrome_reason(line) is not None


@cache
def _unit_name() -> re.Pattern[str]:
    """An office's name ending a phrase (县交通运输局, 市发展改革委): with a figure on the same line it is
    what a task or a table row names, never another article's headline (``unit_endings``)."""
    endings = resources.alternation(_config()["unit_endings"])
    return re.compile(rf"[\u4e00-\u9fff]{{2,}}(?:{endings})(?![\u4e00-\u9fff])")


def table_row(line: str) -> bool:
    """A row of cells (1|建设充电桩12个|县交通运输局|2026年4月底前): two cells or more that hold words."""
    return "|" in line and sum(1 for cell in line.split("|") if _WORD.search(cell)) >= 2


def _headline_like(line: str) -> bool:
    s = line.strip()
    cfg = _config()
    return (
        0 < len(s) <= cfg["headline_max_len"]
        and not table_row(s)
        and not (_DIGIT.search(s) and _unit_name().search(s))
        and s[-1] not in "。!?;:.…"
        and "。" not in s
        and not _ITEM.match(s)
        and _cjk_ratio(s) >= 0.6
    )


def _title_like(line: str) -> bool:
    """A short first line that names a document (关于…的通知, …方案) is a title, not a caption."""
    kinds = resources.data("doc_kind.yaml")
    return "关于" in line or any(w in line for w in kinds["plan_titles"] + kinds["report_titles"])


@cache
def _titles() -> dict:
    return resources.data("titles.yaml")


@cache
def _title_end() -> re.Pattern[str]:
    return re.compile(f"(?:{resources.alternation(_titles()['ends'])})$")


def title_end(text: str) -> str:
    """The document word a title ends on (…工作报告 -> 工作报告), or ''."""
    m = _title_end().search(text.strip())
    return m.group() if m else ""


@cache
def _org_endings() -> tuple[str, ...]:
    return resources.words("org_suffixes.txt")


def title_continues(prev: str, nxt: str) -> bool:
    """Whether ``nxt`` goes on with the title line ``prev`` (a title broken over lines).

    Yes when ``prev`` stops mid-phrase (…的确定和, an open 关于 with no 的 yet), opens the title as a
    region or issuer (黔东南苗族侗族自治州), names an office before ``nxt``'s 关于 (…转发省农业农村厅 /
    关于…), or when ``nxt`` opens with a particle (的审计工作报告) or is too short to name anything but
    the document's kind (提升行动方案)."""
    cfg = _titles()
    prev, nxt = prev.strip(), nxt.strip()
    if not prev or not nxt:
        return False
    at = prev.rfind("关于")
    if prev.endswith(tuple(cfg["joins_after"])) or at >= 0 and "的" not in prev[at:]:
        return True
    if prev.endswith(tuple(cfg["lead_ends"])) or nxt.startswith("关于") and prev.endswith(_org_endings()):
        return True
    if nxt.startswith(tuple(w for w in cfg["joins_after"] if len(w) == 1 and w != "、")):
        return True
    end = title_end(nxt)
    return bool(end) and len(nxt) - len(end) < 4


def _keep_title_lines(lines: list[str], reasons: list[str | None], keep: list[bool], first: int) -> None:
    """Short lines that belong to the title at ``first`` (the line above that opens it, the lines
    below that finish it) are the document's, not captions."""
    above = first - 1
    if above >= 0 and reasons[above] == "short" and title_continues(lines[above], lines[first]):
        keep[above] = True
    text, j = lines[first].strip(), first + 1
    while j < len(lines) and j - first <= 3 and not title_end(text) and lines[j].strip():
        if not title_continues(text, lines[j]):
            break
        if reasons[j] == "short":
            keep[j] = True
        elif not keep[j]:
            break
        text += lines[j].strip()
        j += 1
    if j < len(lines) and reasons[j] == "short" and title_note(lines[j]):
        keep[j] = True


def title_note(line: str) -> bool:
    """(征求意见稿), (试行): a bracketed note on its own line that belongs to the title above it."""
    m = re.fullmatch(r"\(([^()]{2,12})\)", line.strip())
    return bool(m) and any(w in m.group(1) for w in _titles()["notes"])


def _near_rows(lines: list[str], reasons: list[str | None]) -> set[int]:
    """The two non-blank lines above each table row and the one below it (its caption, 单位:万元), found in
    one pass each way: a row looks back only to the last two non-blank lines, never to the top of the page."""
    rows = [i for i, ln in enumerate(lines) if reasons[i] is None and "|" in ln]
    if not rows:
        return set()
    near: set[int] = set()
    above: list[int] = []  # the last two non-blank lines before the current one, nearest last
    row_set = set(rows)
    for i, ln in enumerate(lines):
        if i in row_set:
            near.update(above)
        if ln.strip():
            above = [*above[-1:], i]
    waiting = False  # a row above still wants its next non-blank line
    for i, ln in enumerate(lines):
        if waiting and ln.strip():
            near.add(i)
            waiting = False
        if i in row_set:
            waiting = True
    return near


def chrome_flags(lines: list[str], table_lines: frozenset[int] | set[int] = frozenset()) -> tuple[list[bool], list[str]]:
    """A keep-flag per line, and the header lines (chrome before the body) for metadata."""
    rules, header = chrome_rules(lines, table_lines)
    return [r is None for r in rules], header


def chrome_rules(lines: list[str], table_lines: frozenset[int] | set[int] = frozenset()
                 ) -> tuple[list[str | None], list[str]]:
    """The rule that removes each line (None: kept), and the header lines for metadata.

    ``table_lines`` are the lines the layout pass found to form a table: no rule touches them, for a
    table cell is short and often a bare figure, just like page clutter. Naming the rule lets a
    benchmark tell a figure removed as page chrome from a lost one."""
    cfg = _config()
    n = len(lines)
    reasons = [None if i in table_lines else chrome_reason(ln) for i, ln in enumerate(lines)]
    # rows written with their cell marks already (a DOCX or HTML table, a task-division table ending a
    # plan) are a table as much as the ones the layout pass rebuilt: a line rule may name one (metadata,
    # a share bar), the trailer and headline rules below never take one
    table_lines = set(table_lines) | {i for i, ln in enumerate(lines) if reasons[i] is None and table_row(ln)}
    keep = [r is None for r in reasons]
    why: list[str | None] = list(reasons)
    # the first short line that names a document (关于…的通知) is its title, not a caption
    first = next((i for i, ln in enumerate(lines) if keep[i] or (reasons[i] == "short" and _title_like(ln))), None)
    if first is not None and reasons[first] == "short":
        keep[first] = True
    if first is not None:
        _keep_title_lines(lines, reasons, keep, first)
    # a short line just above or below a table (its caption, 单位:万元) belongs to the table
    for j in _near_rows(lines, reasons):
        if reasons[j] == "short":
            keep[j] = True
    total = sum(len(ln) for ln in lines) or 1
    # An editor line or disclaimer in the second half of the page starts a trailer.
    pos = 0
    trailer_starts = tuple(cfg["trailer_starts"])
    for i, ln in enumerate(lines):
        if pos > total / 2 and (s := _strip_bullets(ln)) and s.startswith(trailer_starts):
            for j in range(i, n):
                if j in table_lines:
                    continue
                if keep[j]:
                    why[j] = "trailer"
                keep[j] = False
            break
        pos += len(ln) + 1
    # A trailing run of headline-like lines after the body is a list of other articles.
    nonempty = [i for i in range(n) if lines[i].strip() and (keep[i] or reasons[i] == "short")]
    run: list[int] = []
    for i in reversed(nonempty):
        if _headline_like(lines[i]) and i not in table_lines:
            run.append(i)
        else:
            break
    if len(run) >= cfg["headline_run_min"] and len(run) < len(nonempty):
        for i in run:
            if keep[i]:
                why[i] = "headlines"
            keep[i] = False
    first_body = next((i for i in range(n) if keep[i] and lines[i].strip()), n)
    header = [ln for ln in lines[:first_body] if ln.strip()]
    header += [ln for i, ln in enumerate(lines) if not keep[i] and ln.strip() and i >= first_body]
    return [None if k else why[i] for i, k in enumerate(keep)], header
