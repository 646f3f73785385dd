"""Document metadata: title, publication date, the year the text is about, plan or report.

``year`` is the year relative expressions (今年, 4月底前, 年内) refer to: the
year the plan or report is *about*. It is read from the years the text names
(weighted towards the opening and the title), not from the publication date,
which only breaks ties and dates 今年 when the text names no year.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import PurePath

from . import resources
from .model import DocMeta
from .patterns import YEAR, YEAR_HEAD

_DATE = re.compile(rf"({YEAR})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*日?")
_DATE_LABEL = re.compile(r"(发布日期|成文日期|发文日期|印发日期|发布时间|时间|日期|更新时间)\s*[:|]*\s*\|?\s*")
# Year patterns open with the year's first digits and test the character before them in a lookbehind
# after those digits: the regex engine then jumps to the 19s and 20s of the text instead of trying the
# lookbehind at every character (same matches).
_YEAR = re.compile(rf"({YEAR_HEAD}(?<![\d\-—~至到]\d\d)\d{{2}})\s*年(?!\s*[-—~至到]\s*{YEAR_HEAD}?\d{{2}})")
_RANGE = re.compile(rf"{YEAR}\s*年?\s*[-—~至到]+\s*{YEAR}\s*年?")
_ROC = re.compile(r"民国\s*(\d{2,3})\s*年")
_QUOTED = re.compile(r"《[^》]{0,80}》|“[^”]{0,40}”|\([^)]{0,30}\)")


def _iso(y: str, m: str, d: str) -> str | None:
    yi, mi, di = int(y), int(m), int(d)
    if not (1 <= mi <= 12 and 1 <= di <= 31):
        return None
    return f"{yi:04d}-{mi:02d}-{di:02d}"


_CN_DIGITS = str.maketrans("〇○零O一二三四五六七八九", "000012345678" + "9")
_ROC_DATE = re.compile(r"(?<!\d)(1[0-4]\d|[89]\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
# a year in Chinese digits before 年 or before the dash of a range (一九九九至二OOO年度: Hong Kong writes the
# zero as a letter O too, once its neighbours are Chinese digits)
# (four of these characters, not all of them zeros)
_CN_YEAR = re.compile(r"([〇○零O一二三四五六七八九][〇○零O一二三四五六七八九]{3})(?<![〇○零O]{4})(?=年|\s*[至\-—–])")
_CN_PAIR = re.compile(r"[〇○零O一二三四五六七八九][〇○零O一二三四五六七八九]")  # what both forms below hold
_CN_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_ISSUED = re.compile(rf"({YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日\s*(?:印发|发布|公布|签发)")


def _cn_number(s: str) -> int:
    from .numerals import chinese_value

    return int(chinese_value(s) or 0)


def _arabic_dates(line: str) -> str:
    """二〇二三年十二月十三日 -> 2023年12月13日, so one pattern reads both."""
    return _CN_DATE.sub(lambda m: f"{m.group(1).translate(_CN_DIGITS)}年{_cn_number(m.group(2))}月{_cn_number(m.group(3))}日",
                        line)


# the second year of a financial year in two Chinese digits, after a year already in digits (1998至九九年度);
# the match opens on the year's last digit (kept as it is), so the engine skips from digit to digit
_CN_FY_TAIL = re.compile(r"(\d)(?<=\d{4})(\s*[至\-—–]\s*)([〇○零O一二三四五六七八九]{2})(?=\s*年度)")


def _arabic_years(text: str) -> str:
    """二〇二四年 -> 2024年, 一九九八至九九年度 -> 1998至99年度: years in Chinese digits read as years."""
    if not _CN_PAIR.search(text):
        return text
    text = _CN_YEAR.sub(lambda m: m.group(1).translate(_CN_DIGITS), text)
    return _CN_FY_TAIL.sub(lambda m: m.group(1) + m.group(2) + m.group(3).translate(_CN_DIGITS), text)


def find_date(header: list[str], body: str) -> str | None:
    """Publication date: a labelled date in the page header, a date marked 印发/发布, or the signature
    date at the end (written in figures or in Chinese numerals)."""
    header = [_arabic_dates(ln) for ln in header]
    # a speech dates itself under its title: (2026年1月27日在省第十四届人民代表大会第四次会议上)
    opening = body.split("\n", 8)[:8]  # the first lines, without splitting the whole body
    for line in opening:
        m = _SPEECH_DATE.match(_arabic_dates(line.strip()))
        if m:
            return _iso(*m.groups())
    # labelled dates in the page header or the first lines (索引号 … 发文日期: …): the issue date first
    first_lines = header + opening
    for label in ("成文日期", "发文日期", "印发日期", "签发日期"):
        for line in first_lines:
            at = line.find(label)
            if at >= 0:
                m = _DATE.search(line, at)
                if m:
                    return _iso(*m.groups())
    # Taiwan pages label their dates in the ROC calendar: 建檔日期:106-08-17
    for line in first_lines:
        label = _DATE_LABEL.search(line) or re.search(r"建档日期|更新时间|发布日期", line)
        if label:
            m = _ROC_DATE.search(line, label.end())
            if m and not _DATE.search(line, label.end()):
                return _iso(str(int(m.group(1)) + 1911), m.group(2), m.group(3))
    issued = _ISSUED.search(_arabic_dates(body[:3000])) or _ISSUED.search(_arabic_dates(body[-3000:]))
    if issued:
        return _iso(*issued.groups())
    # the date the text states (its signature) comes before a page's 发布日期, which may be a repost's
    return _signature_date(body) or _header_date(header)


def _header_date(header: list[str]) -> str | None:
    """A date the page around the text gives: labelled (发布日期: …) first, else any."""
    for line in header:
        label = _DATE_LABEL.search(line)
        if label:
            m = _DATE.search(line, label.end())
            if m:
                return _iso(*m.groups())
    for line in header:
        m = _DATE.search(line)
        if m:
            return _iso(*m.groups())
    return None


def _signature_date(body: str) -> str | None:
    """A date on a line of its own: the signature at the end, or under the title or issuer."""
    lines = [s for ln in body.split("\n") if (s := ln.strip())]
    # only the first 80 lines and the last 4 are read: the Chinese dates of those alone are rewritten
    last = [_arabic_dates(ln) for ln in lines[-4:]]
    lines = [_arabic_dates(ln) for ln in lines[:80]]
    for line in reversed(last):
        m = _DATE.fullmatch(re.sub(r"^[()()]+|[()()]+$", "", line.strip()))
        if m:
            return _iso(*m.groups())
    # a date on a line of its own under the title or on a cover (a bulletin's 2024年4月29日 under the
    # issuing bureau; 中华民国113年11月19日 on a Taiwan report's cover)
    for line in lines[:8]:
        bare = re.sub(r"\s+", "", line)
        m = _DATE.fullmatch(bare)
        if m:
            return _iso(*m.groups())
        m = _ROC_LINE.fullmatch(bare)
        if m:
            return _iso(str(int(m.group(1)) + 1911), m.group(2), m.group(3))
    # a cover notice signed mid-text (issuer, then the date, then the plan it sends): the issuer's line ends
    # like an organisation
    suffixes = resources.words("org_suffixes.txt")
    for before, line in zip(lines[:80], lines[1:80], strict=False):
        m = _DATE.fullmatch(re.sub(r"\s+", "", line))
        if m and len(before) <= 30 and before.endswith(suffixes):
            return _iso(*m.groups())
    return None


_SPEECH_DATE = re.compile(rf"^[(——\-\s]*({YEAR})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*日\s*在.{{2,60}}?(?:会议|大会)上")
_ROC_LINE = re.compile(r"(?:中华)?民国(\d{2,3})年(\d{1,2})月(\d{1,2})日")


_DOC_NUMBER = re.compile(rf"^[\u4e00-\u9fff]{{1,10}}[〔\[【(]\s*{YEAR}\s*[〕\]】)]\s*\d+\s*号$")
_DATE_LINE = re.compile(rf"^[(——\-\s]*(?:{YEAR}(?:年\d{{1,2}}月(?:\d{{1,2}}日|(?![\u4e00-\u9fff]))|[-/.]\d{{1,2}}[-/.])|(?:中华)?民国\d{{2,3}}年\d{{1,2}}月"
                        r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月)")
_SECTION = re.compile(r"^(?:[一二三四五六七八九十百]{1,3}[、.]|\([一二三四五六七八九十\d]{1,3}\)|\d{1,2}(?:\.\d{1,2})*[、.](?!\d)"
                      r"|\d{1,2}(?:\.\d{1,2})*(?=[\u4e00-\u9fff])(?![年月日万亿个项])|[①-⑳]|第[一二三四五六七八九十百\d]{1,3}[章节条部篇]"
                      r"|[壹贰叁肆伍陆柒捌玖拾]{1,2}[、.])")
_BODY = re.compile(r"[。;!?]|[::]$")  # a sentence, or an addressee line (各区人民政府:), opens the body
_TITLE_SCAN = 12  # title lines sit among the first lines of the text
_TITLE_MAX = 100


@cache
@cache
def _past_markers() -> tuple[str, ...]:
    """Words before a year that make it a past reference (lexicons/years.yaml)."""
    return tuple(resources.data("years.yaml")["past_markers"])


def _title_words() -> dict:
    return resources.data("titles.yaml")


def _labelled_title(lines: list[str]) -> str:
    """The value of a title cell or front-matter line (标题:|…||, 标题: …, title: …)."""
    labels = resources.alternation(_title_words()["labels"])
    for line in lines:
        m = re.match(rf"^\s*(?:{labels})\s*[::]\s*\|?\s*(.+?)[\s|]*$", line)
        if m:
            value = m.group(1).strip().strip("\"'“”")
            if 4 <= len(value) <= _TITLE_MAX and "|" not in value:
                return value
    return ""


def _title_line(line: str) -> bool:
    """Short and heading-like: no sentence, cell, banner, document number, date or numbered heading."""
    cfg = _title_words()
    han = sum(1 for c in line if "\u4e00" <= c <= "\u9fff")
    return (2 <= len(line) <= 80 and han >= 0.5 * len(line) and "|" not in line and not _BODY.search(line)
            and not _DOC_NUMBER.match(line) and not _DATE_LINE.match(line) and not _SECTION.match(line)
            and not any(w in line for w in cfg["banners"])
            and not re.fullmatch(rf"(?:{resources.alternation(cfg['furniture'])})\s*\d*", line))


def _title_runs(body: str) -> list[list[str]]:
    """Runs of adjacent heading-like lines before the body (a sentence, an addressee, a numbered heading)."""
    runs: list[list[str]] = [[]]
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()][:_TITLE_SCAN]
    for line in lines:
        if _SECTION.match(line) or len(line) > 80 or _BODY.search(line):
            break
        if _title_line(line):
            runs[-1].append(line)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _title_blocks(run: list[str]) -> list[str]:
    """A run of title-like lines cut into titles: a line that stops mid-phrase joins the next."""
    from .chrome import title_continues, title_end, title_note

    out, i = [], 0
    while i < len(run):
        text, j = run[i], i + 1
        while j < len(run) and not title_end(text) and title_continues(text, run[j]) \
                and len(text) + len(run[j]) <= _TITLE_MAX:
            text += run[j]
            j += 1
        if j < len(run) and title_note(run[j]):
            text += run[j]
            j += 1
        out.append(text)
        i = j
    return out


def find_title(body: str, header: list[str] | None = None) -> str:
    """The document's own title: a title cell or line (标题: …) when there is one, else the first block of
    short heading-like lines before the body that names a document (…的通知, …工作报告), joined across
    lines, else the first such block when it opens the text. Never a numbered section heading, a banner,
    a document number or a date; '' when there is none."""
    labelled = _labelled_title(list(header or []) + body.split("\n")[:_TITLE_SCAN])
    if labelled:
        return labelled
    from .chrome import title_end

    runs = _title_runs(body)
    blocks = [b for run in runs for b in _title_blocks(run)]
    for block in blocks[:5]:
        if title_end(re.sub(r"\([^()]*\)$", "", block)):
            return block
    lines = [ln.strip() for ln in body.split("\n") if ln.strip()]
    if runs and runs[0][0] in lines[:3]:
        return _title_blocks(runs[0])[0]
    return ""


_ROC_BARE = re.compile(r"(?<![\d.])(1[0-4]\d|[89]\d)\s*年度?(?!\d)")
_HK_FY = re.compile(rf"({YEAR_HEAD}(?<!\d\d\d)\d{{2}})\s*[-/—–至]\s*(\d{{2}}|{YEAR})(?!\d)\s*(?:年度|财政年度)?")


def _plans_its_year(body: str, year: int) -> bool:
    """Whether a text sets the work of the year it is given in: 2026年主要预期目标, 今年工作安排 (the plan
    words of lexicons/sections.yaml right after the year)."""
    words = resources.alternation(resources.data("sections.yaml")["plan"])
    return bool(re.search(rf"(?:{year}年|今年)[^,。;:\n]{{0,8}}?(?:{words})", body))


def about_year(body: str, title: str, date: str | None, script: str = "simplified", kind: str = "") -> int | None:
    """The year the document is about: a score over the years it names (weighted to the title and the
    opening), Taiwan's ROC years (112年 = 2023) in traditional-script text, Hong Kong financial years
    (2023-24年度 is about 2023), and the publication date (a report issued in January or February is
    about the year before when the text names that year too)."""
    # 二〇二四年 / 二零一五年 count as years too (titles and signatures write them so)
    body, title = _arabic_years(body), _arabic_years(title)
    text = _QUOTED.sub(lambda m: " " * len(m.group()), _RANGE.sub(lambda m: " " * len(m.group()), body))
    scores: Counter[int] = Counter()
    opening = max(300, len(text) // 5)
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        weight = 1.0
        if m.start() < opening:
            weight += 1.5
        if title and m.group(0) in title:
            weight += 2.0
        after = text[m.end(): m.end() + 2]
        if after.startswith(("以来", "前")) or text[max(0, m.start() - 3): m.start()].endswith(_past_markers()):
            weight *= 0.3
        scores[y] += weight
    for m in _ROC.finditer(text):
        scores[int(m.group(1)) + 1911] += 2.0
    # bare ROC years (113年度) in traditional text: two or more, or one where the text names no year of ours
    # (a single 113年度預算數 in a budget table's header)
    bare_roc = len(_ROC_BARE.findall(text)) if script != "simplified" and not _ROC.search(text) else 0
    if bare_roc >= 2 or (bare_roc == 1 and not scores and not _HK_FY.search(body)) or "民国" in text:
        for m in _ROC_BARE.finditer(text):
            weight = 1.0 + (1.5 if m.start() < opening else 0.0) + (2.0 if title and m.group(0) in title else 0.0)
            scores[int(m.group(1)) + 1911] += weight
    for m in _HK_FY.finditer(body):
        y1, y2 = int(m.group(1)), int(m.group(2))
        if (y1 + 1) % 100 == y2 % 100 and (y2 < 100 or y2 == y1 + 1):
            weight = 1.0 + (1.5 if m.start() < opening else 0.0) + (2.0 if title and m.group(0) in title else 0.0)
            scores[y1] += weight
    pub_year = int(date[:4]) if date else None
    if not scores:
        return pub_year
    # a report given in January or February looks back on the year before, unless its title names the year
    # it is given in (2026年政府工作报告, delivered in January 2026, sets 2026's targets: its 今年 is 2026)
    month = int(date[5:7]) if date else 0
    if kind == "plan" and pub_year and month == 12 and re.search(
            rf"{pub_year + 1}年\d{{1,2}}月(?:\d{{1,2}}日)?(?:底|末)?(?:前|之前|起)", body):
        return pub_year + 1  # signed in December, its work starts or falls due next year: its 年底前 is next year's
    if pub_year and month <= 3 and title.endswith(tuple(_title_words()["year_opening"])):
        return pub_year  # a 施政报告 given in February sets that year's work, whatever last year it reviews
    if kind == "report" and pub_year and month <= 2:
        # given early in the year: a report that sets this year's work (its title names the year, or 2026年主要
        # 预期目标) is about this year; one that names last year often enough looks back on it
        if f"{pub_year}年" in title or _plans_its_year(body, pub_year):
            return pub_year
        last = scores.get(pub_year - 1, 0)
        if last > 0 and last >= 0.5 * max(scores.values()):
            return pub_year - 1
    best = max(scores.values())
    top = [y for y, s in scores.items() if s >= best * 0.999]
    if pub_year in top:
        return pub_year
    return max(top) if len(top) > 1 else top[0]


_DIGIT = re.compile(r"\d")


def find_kind(body: str, title: str) -> str:
    """plan, report or mixed: title words first, then weighted cue patterns over the body."""
    cues = resources.data("doc_kind.yaml")
    head = title + body[:200]
    plan_t = any(w in title for w in cues["plan_titles"]) or re.search(
        r"特制定本|制定本(?:方案|计划)|现印发给你们|现将.{0,80}?印发给你们", head)
    # 施政报告 (a Hong Kong policy address) sets targets: a plan title word hides the report word inside it
    # (masked, not cut out, so that the title keeps its length)
    bare = title
    for w in cues["plan_titles"]:
        if len(w) > 2:
            bare = bare.replace(w, "\x00" * len(w))
    report_t = any(w in bare for w in cues["report_titles"]) or re.search(r"现将.{0,20}(?:总结|报告|汇报)", head)
    if plan_t and not report_t:
        return "plan"
    if report_t and not plan_t:
        return "report"
    if plan_t and report_t and bare.endswith(tuple(cues["report_titles"])):
        return "report"  # 列管计划执行情形 (not 工作总结及下步工作计划): the title's last word names the document
    from collections import Counter

    from .segment import tokens
    from .structure import sentence_texts

    # modality only matters where there are figures: tokenize the sentences that hold a digit (the
    # same strings the role rules tokenize later, so the token cache serves both)
    figured = [s for s in sentence_texts(body) if _DIGIT.search(s)]
    counts = Counter(w for s in figured for w, _, _ in tokens(s))
    plan = sum(weight * len(re.findall(p, body)) for p, weight in cues["plan_patterns"].items())
    plan += sum(weight * counts[w] for w, weight in cues["plan_tokens"].items())
    report = sum(weight * counts[w] for w, weight in cues["report_tokens"].items())
    if plan + report == 0:
        return "report"
    share = plan / (plan + report)
    if share >= 0.65:
        return "plan"
    if share <= 0.35:
        return "report"
    return "mixed"


def build_meta(body: str, header: list[str], script: str, pages: int, ref_date: str | None = None,
               source: str | None = None) -> DocMeta:
    """Title, date, kind and year of a normalized text; a text with no title line is named by its file
    (``source``'s stem), which comes after the year and kind so a file name never sways them."""
    title = find_title(body, header)
    date = find_date(header, body)
    kind = find_kind(body, title)
    year = about_year(body, title, date, script, kind)
    if ref_date:
        year = int(ref_date[:4])
    if not title and source and not source.startswith("<"):
        title = PurePath(source).stem
    return DocMeta(title=title, date=date, year=year, script=script, kind=kind, pages=pages)
