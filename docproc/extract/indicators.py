"""The indicator of a quantity: the shortest phrase naming what is measured.

Take the clause words before the number, drop scope words (全市, 全旗 …),
comparators and verbs at its end; when nothing is left, take the noun phrase
after the unit (向139个村派驻驻村工作队 -> 村派驻驻村工作队).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .. import resources
from ..model import Span
from ..patterns import RANGE, YEAR

_SCOPE = re.compile(r"^(?:共有|当中|我们[将会]?|政府[将会]|力争|争取|确保|年末|年初|预计|预期|未来[一二三四五六七八九十\d]{1,2}年(?:内|的)?|全[市县区旗省镇乡国]|全市各级|各级|我[市县区旗省]|该[市县区旗]|其中|共|累计|同时|并|和|及|对|向|为|在|将|把|年内|今年|全年|[上下]半年|前[一二三]季度|一至[二三四]季度|[1一][-—~至][\d一二三四五六七八九十]{1,2}月份?|截至\S{0,6}?底|到\d{4}年底?|\d{4}年度?|一是|二是|三是|四是|五是|六是|[一二三四五六七八九十]+、|\(\S{1,3}\)|\d+\.)+")
_TAIL = re.compile(
    r"(?:达到了|达到|达|为|是|有|共|累计|由|从|超|完成了|完成|实现了|实现|新增|约|超过|突破|不低于|不少于|不超过|低于|高于|稳定在|控制在|增加|增长|提高|下降|减少|回落|上升|占|均|分别|共计|近|逾|至少|投入|安排|落实|开展|推进|建设|建成|新建|新改建|[的了]|新台币|港币|港元|人民币|美元)+$"
)

_CLEAN = re.compile(r"[“”\"《》()\[\]〔〕【】]")
_CLOSE = re.compile(r"[)\]〕】]")
_DATED = re.compile(rf"(?:截至|截止到?|[在于到至])?(?:(?:{YEAR}(?:\s*[-/—–]\s*\d{{2,4}})?|(?<!\d)1[0-4]\d)\s*年度?"
                    r"(?:全年|上半年|下半年|前三季度|一季度|底|末)?(?:前|之前|止)?"
                    r"|(?<!\d)(?:1[0-2]|[1-9])\s*月(?:\d{1,2}日|底|末|中旬|上旬|下旬)(?:前|之前|以前|止)?"
                    r"|(?<!\d)(?:1[0-2]|[1-9])\s*月(?:前|之前|以前))")
_RIGHT_VERB = re.compile(r"要|将|已经?|正在|进行|全部|均|的基础上|得到|获得|实现|达到|完成|开展|取得|年度|和|与|及|、")
_NOUN_START = re.compile(r"[\u4e00-\u9fff]{2}")  # words, not a comparator or a figure, right after the unit
_RIGHT_STOP = re.compile(r"[(\[〔【]|\d+(?:\.\d+)?(?![\dA-Za-z.])")  # 5G基站 is a name
# compiled once: indicator_for runs for every figure (re's cache lookup per call cost more than the match)
_RANGE_LOWER_END = re.compile(rf"\d+(?:\.\d+)?%?\s*{RANGE}\s*$")
_ONE_CHAR_ASIDE = re.compile(r"[(（][\u4e00-\u9fff][)）]")
_SUBJECT_BEFORE_YEAR = re.compile(rf"^(.{{2,16}}?)(?:由|从|较|比)(?:{YEAR}年(?:底|末)?|上年|去年)")
_SUBJECT_BEFORE_FIGURE = re.compile(r"^(.{2,16}?)(?:由|从)\s*\d")
_AFTER_LISTED_FIGURE = re.compile(r"^.*\d[^、;；]{0,8}、(?=[\u4e00-\u9fff]{2})")
_AFTER_OTHER_FIGURE = re.compile(r"^.*(?<![A-Za-z\d.])\d+(?:\.\d+)?[万亿]?[\u4e00-\u9fff]?(?:和|及|、)?(?=[\u4e00-\u9fff]{2})")
_RANGE_LOWER_END_LINKED = re.compile(rf"(?:为|是|在)?\d+(?:\.\d+)?%?\s*{RANGE}\s*$")
_PAIR_FIRST = re.compile(r"\d+(?:\.\d+)?%?\s*(?:和|与|及|、)$")
_RIGHT_LEAD = re.compile(r"^(?:以上|以下|以内|左右|余)?的?")
_RIGHT_TAIL = re.compile(r"(?:任务|工作|目标|问题)$")
_DIGIT = re.compile(r"\d")


@cache
def _words() -> tuple[re.Pattern[str], ...]:
    """(tail, lead, scope, whole) patterns from ``lexicons/indicator_words.yaml``."""
    lex = resources.data("indicator_words.yaml")
    return (re.compile(rf"(?:{resources.alternation(lex['tail'])})+$"),
            re.compile(rf"^(?:{resources.alternation(lex['lead'])})"),
            re.compile(rf"^(?:{resources.alternation(lex['scope'])})"),
            re.compile(resources.alternation(lex["whole"])))


@cache
def _changes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a change verb right before a rate, a bare comparison) from ``lexicons/changes.yaml``:
    地区生产总值增长5% names 地区生产总值增长; 比上年增长5% names nothing (quantities.py names it)."""
    words = resources.data("changes.yaml")
    lex = resources.data("indicator_words.yaml")
    listed = (rf"(?:\d+(?:\.\d+)?%?\s*(?:{resources.alternation(lex['figure_tails'])})?\s*"
              rf"(?:{resources.alternation(lex['list_joins'])}))*")
    return (re.compile(f"({resources.alternation(words['change_verbs'])}){listed}$"),
            re.compile(f"^(?:{resources.alternation(words['bare_comparisons'])})$"))


@cache
def _owner() -> re.Pattern[str]:
    """The verbs after which the words name what is owned (``owner_verbs``)."""
    return re.compile(resources.alternation(resources.data("indicator_words.yaml")["owner_verbs"]))


@cache
def _trailing_figure() -> re.Pattern[str]:
    """A figure with its unit at the end of a name, unless an ordinal makes it part of it (第3期)."""
    ordinals = resources.alternation(resources.data("indicator_words.yaml")["ordinal"])
    return re.compile(rf"(?<=[\u4e00-\u9fff]{{2}})(?<!{ordinals})\d+(?:\.\d+)?[\u4e00-\u9fff]{{1,2}}$")


@lru_cache(maxsize=4096)
def _bounds(words: str, guess: bool = True) -> tuple[int, ...]:
    """Where the words of a phrase begin and end (jieba), so a cut never lands inside a word. Without
    ``guess``, only dictionary words count: jieba's guesses join unknown characters (县要 in 摘帽县要巩固)."""
    out, at = [0], 0
    for token in resources.tokenizer().cut(words, HMM=guess):
        at += len(token)
        out.append(at)
    return tuple(out)


def _cut_tail(words: str, pattern: re.Pattern[str], whole: re.Pattern[str]) -> str:
    """Drop what ``pattern`` matches at the end, but not half of a whole word: 地区生产总值年均增长 -> …年均."""
    m = pattern.search(words)
    if not m:
        return words
    end = m.start()
    for w in whole.finditer(words):
        if w.start() < end < w.end():
            end = w.end()
    return words[:end]


def _cut_lead(words: str, pattern: re.Pattern[str]) -> str:
    """Drop what ``pattern`` matches at the start when it is a whole word and a name is left."""
    m = pattern.match(words)
    if not m or not m.end():
        return words
    # 力争共建: 力争 is dropped, the 共 of 共建 is not. The places a cut could go are found first: when
    # not even the shortest would leave a name, the words are not segmented
    cuts = [b for b in range(1, m.end() + 1) if pattern.fullmatch(words[:b])]
    if not cuts or len(words) - cuts[0] < 2:
        return words
    bounds = set(_bounds(words))
    ends = [b for b in cuts if b in bounds]
    return words[ends[-1]:] if ends and len(words) - ends[-1] >= 2 else words


def _noun_before_verb(words: str) -> str:
    """The words before the first verb of ``_RIGHT_VERB`` that is a whole word (国家重要湿地 has no 要)."""
    verbs = list(_RIGHT_VERB.finditer(words))
    if not verbs:
        return words  # most nouns hold none of the verbs: no segmentation needed to say so
    bounds = set(_bounds(words, guess=False))
    for m in verbs:
        if m.start() in bounds and m.end() in bounds:
            return words[:m.start()]
    return words


def _last_words(words: str, limit: int) -> str:
    """The last ``limit`` characters, widened to the start of the word they begin in (地表水…, not 表水…)."""
    if len(words) <= limit:
        return words
    return words[max(b for b in _bounds(words) if b <= len(words) - limit):]


def _first_words(words: str, limit: int) -> str:
    """The first ``limit`` characters, widened to the end of the word they end in."""
    if len(words) <= limit:
        return words
    return words[:min(b for b in _bounds(words) if b >= limit)]


def _drop_dates(left: str) -> str:
    """A year or period inside the clause dates the figure, it does not name it: 本港经济在2023年全年增长,
    政府会在2024-25年度预留, 占比于114年达到."""
    dated = list(_DATED.finditer(left))
    if not dated:
        return left
    after = left[dated[-1].end():]
    # what follows the last date names the figure (2023年京蒙协作项目16个); when nothing does, the
    # words around the date do (本港经济在2023年全年增长3.2%)
    return after if len(_TAIL.sub("", after).strip(" ,、")) >= 2 else _DATED.sub("", left)


def _drop_other_figures(left: str) -> str:
    """Other figures before this one in the clause are not part of its name."""
    # 投资8.4亿元、投资完成率97.3%: the words after another figure and a list break name this one
    left = _AFTER_LISTED_FIGURE.sub("", left)
    # other figures in the clause are not part of this one's name: 995个脱贫人口和159个监测对象… -> 监测对象…
    left = _AFTER_OTHER_FIGURE.sub("", left)
    left = _RANGE_LOWER_END_LINKED.sub("", left)  # 为3—12个月: the range's lower end
    left = _PAIR_FIRST.sub("", left)  # 分别回落2.16和1.66个百分点
    # 新识别监测对象16户71人: a figure just before this one is that figure, not part of the name
    return _trailing_figure().sub("", left)


def indicator_for(text: str, span: Span, clause: Span, unit: str, counted: bool = False) -> str:
    left = text[clause[0]: span[0]]
    verb, bare = _changes()
    # 增长5.0%—5.5%: the verb stands before the range's lower end
    change = verb.search(_RANGE_LOWER_END.sub("", left).rstrip()) if unit == "%" else None
    opened = max(left.rfind("("), left.rfind("["), left.rfind("〔"), left.rfind("【"))
    if opened >= 0 and not _CLOSE.search(left, opened):
        left = left[opened + 1:]  # (非税占比为21%): a figure inside brackets is named inside them
    left = _CLEAN.sub("", _ONE_CHAR_ASIDE.sub("", left))  # 支出(类): a one-character aside
    # 森林覆盖率由2020年的42%提高到45% / 能耗较2020年下降: the subject before 由/从/较 names the figure
    subject = _SUBJECT_BEFORE_YEAR.match(left)
    if subject:
        left = subject.group(1)
    else:
        # 城镇化率从52.1%提高到55.3%: both figures are named by the words before 从/由
        subject = _SUBJECT_BEFORE_FIGURE.match(left)
        if subject:
            left = subject.group(1)
    if _DIGIT.search(left):  # dates and other figures are written with digits; most names have none
        left = _drop_other_figures(_drop_dates(left))
    tail, lead, scope, whole = _words()
    owned = _owner().split(left)[-1]
    left = owned if len(owned) >= 2 else left
    left = _cut_lead(left, _SCOPE)  # 共有… but not 共享单车: a scope word is a whole word
    previous = None
    while previous != left:
        previous = left
        left = _cut_tail(_cut_tail(left, _TAIL, whole), tail, whole)
        left = _cut_lead(_cut_lead(left, scope), _SCOPE)
    left = left.strip(" ,、")
    # 完成造林4.6万亩: the name is 造林 (the clause did name the figure); 完成预算的95%: a rate of the doing keeps it
    named = left if unit == "%" else _cut_lead(left, lead)
    # a bracketed aside or another figure after this one does not name it: 下降53.4%(非税占比为21%)
    right = _RIGHT_STOP.split(text[span[1]: clause[1]], 1)[0]
    right = _RIGHT_LEAD.sub("", right)
    listed = right[:1] in ("、", ",", "，")  # 47人以上、城镇…: the next item of a list, not this count's noun
    right = _CLEAN.sub("", right).strip(" ,、")
    right = _RIGHT_TAIL.sub("", right) or right
    # 首先选出80个示范村, 积极推行三种增收模式: a count's noun follows its measure word
    if counted and len(right) >= 2 and not subject and not (listed and len(left) >= 2) and _NOUN_START.match(right):
        head = _noun_before_verb(right)  # 14个深度贫困县脱贫攻坚要取得…: the noun, not what it does
        return _first_words(head if len(head) >= 2 else right, 16)
    # 高质量完成285人务工就业任务: when little names the figure before it, the words after it do
    if len(left) >= 4 or (len(left) >= 2 and (len(right) < 2 or subject)):
        name = _last_words(named, 16).lstrip(" ,、")
        # 增长5%: a rate of change is named with its verb (产值增长), as _growth_indicators names a bare one
        if change and change.group(1) not in name and not bare.match(name):
            return name + change.group(1)
        return name
    if len(right) >= 2:
        return _first_words(right, 16)
    return left
