"""Reading stages do less work for the same output (issue 27, round 2): counted, never timed.

Each test counts a piece of work no longer done (a clause tried, a pattern's match per place) on a text of
our own, and checks against the plain definition that what is found is still the same.
"""

from __future__ import annotations

import random
import re

import pytest

from docproc import resources
from docproc.extract import doers
from docproc.pipeline import process_text

_PIECES = ["市水务局", "区住建局", "委员会", "街道办事处", "各地", "有关方面", "政府", "会同", "要会同", "新建",
           "道路", "管网", "改造", "针对", "按照", "根据", "依据", "在", "对", "于", "同", "结合", "12个", "2026年",
           ",", "。", ";", ":", "!", "?", " ", "、", "(一)"]


def _random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 14))) for _ in range(count)]


_CLAUSE_START = re.compile(rf"(?:^|(?<={doers._CLAUSE_MARKS}))\s*")  # the plain definition of an opening


def _clause_starts(text: str, opening: int) -> list[int]:
    """Every clause opening, as prose_doers reads them: the item's text, then after 。;:!?, and spaces."""
    return list(dict.fromkeys([opening] + [m.end() for m in _CLAUSE_START.finditer(text, opening)]))


def _may_name(text: str, start: int) -> bool:
    """The plain test: 会同 opens the clause, or an ending or generic doer stands before its stop."""
    L = doers._lex()
    stop = doers._NAME_STOP.search(text, start)
    end = stop.start() if stop else len(text)
    return bool(L.with_words.match(text, start) or doers._name_ending().search(text, start, end))


def test_the_clauses_read_are_those_that_may_name_a_doer() -> None:
    """One scan of the paragraph finds the clause openings the plain per-clause test passes, in order."""
    compared = 0
    for text in _random_texts(5, 4000):
        for opening in {0, min(3, len(text))}:
            expected = [s for s in _clause_starts(text, opening) if _may_name(text, s)]
            assert list(dict.fromkeys(doers._clauses_to_read(text, opening))) == expected, (text, opening)
            compared += len(expected)
    assert compared > 5000


@pytest.fixture
def tried_clauses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first four characters of every clause handed to ``doers._clause_doers``."""
    tried: list[str] = []
    real = doers._clause_doers

    def counting(text: str, start: int, *args):  # noqa: ANN002, ANN202 - passed through
        tried.append(text[start:start + 4])
        return real(text, start, *args)

    monkeypatch.setattr(doers, "_clause_doers", counting)
    return tried


def test_a_clause_without_an_organisation_ending_is_not_tried(tried_clauses: list[str]) -> None:
    """道路、管网、绿地…: clauses with no organisation ending were each handed to ``_clause_doers`` (which
    gave up at once); now the paragraph's scan leaves them out, and only the two clauses naming a body
    are tried."""
    tried = tried_clauses
    text = ("关于2026年道路建设的实施方案\n一、重点任务\n"
            "新建道路12公里,改造管网8公里,新增绿地30公顷,建成停车泊位500个,区城管局负责停车管理,"
            "增设路灯260盏。区交通局牵头优化公交线路。\n")
    doc = process_text(text, source="speed.txt", ref_date="2026-03-01")
    found = [u.lead + u.responsible + u.support for u in doc.unit_clauses if u.rule == "units.prose"]
    assert found == [("区城管局",), ("区交通局",)]
    assert len(tried) == 2


def test_a_report_paragraph_with_no_request_and_no_look_ahead_is_not_read(tried_clauses: list[str]) -> None:
    """In a report only 请X… and X将… hand X work: a paragraph holding neither word had each of its clauses
    with an organisation tried (and given up); now none of them is, and X将… is still found."""
    tried = tried_clauses
    text = ("关于2026年全区重点工作的报告\n一、2025年工作回顾\n"
            "区财政局安排预算资金5亿元,区统计局开展人口抽样调查,区住建局改造老旧小区26个。\n"
            "区教育局将新建幼儿园4所。\n")
    doc = process_text(text, source="speed.txt", ref_date="2026-03-01")
    found = [u.lead + u.responsible + u.support for u in doc.unit_clauses if u.rule == "units.prose"]
    assert found == [("区教育局",)]
    assert tried == ["区教育局"]


def test_an_opener_is_found_where_it_starts_by_its_character() -> None:
    """在/对/按照… before a verb: each place an opener starts (针对 holds 对) was found by a lookahead tried
    at every character; now each match is the opener's first character, so the engine skips to them."""
    words = resources.data("doers.yaml")["adverbial_openers"]
    lookahead = re.compile(f"(?=(?:{resources.alternation(words)}))")
    opener_at = doers._lex().opener_at
    found = 0
    for text in _random_texts(7, 3000):
        for end in (len(text), max(0, len(text) - 1)):
            matches = list(opener_at.finditer(text, 0, end))
            assert [m.start() for m in matches] == [m.start() for m in lookahead.finditer(text, 0, end)], text
            assert all(m.end() == m.start() + 1 for m in matches)
            found += len(matches)
    assert found > 3000


def test_a_financial_year_tail_is_read_as_before() -> None:
    """1998至九九年度 -> 1998至99年度: the tail was found by a lookbehind for four digits tried at every
    character; the pattern now opens on the year's last digit. On random texts of digits, Chinese digits,
    dashes and spaces, both give the same text."""
    from docproc import metadata

    plain = re.compile(r"(?<=\d{4})(\s*[至\-—–]\s*)([〇○零O一二三四五六七八九]{2})(?=\s*年度)")
    rng = random.Random(3)
    parts = [["", "预算", "9", "O", "年度"], ["1998", "2023", "998", "20231", "9"], ["至", "-", " — ", "", "年"],
             ["九九", "二四", "〇O", "九"], ["年度", " 年度", "年", ""], ["", "1998至二〇年度", "预算"]]
    changed = 0
    for _ in range(4000):
        text = "".join(rng.choice(choices) for choices in parts for _ in range(rng.randint(0, 2)))
        expected = plain.sub(lambda m: m.group(1) + m.group(2).translate(metadata._CN_DIGITS), text)
        got = metadata._CN_FY_TAIL.sub(lambda m: m.group(1) + m.group(2) + m.group(3).translate(metadata._CN_DIGITS), text)
        assert got == expected, text
        changed += got != text
    assert changed > 500
    assert metadata._arabic_years("一九九八至九九年度预算") == "1998至99年度预算"


def test_only_the_lines_a_date_is_looked_for_in_have_their_chinese_dates_rewritten(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The signature date is looked for in the first 80 lines and the last 4: Chinese dates (二〇二六年…)
    were rewritten on every line of the body first; now on those lines alone, and the date is the same."""
    from docproc import metadata

    calls: list[str] = []
    real = metadata._arabic_dates
    monkeypatch.setattr(metadata, "_arabic_dates", lambda line: (calls.append(line), real(line))[1])
    body = "\n".join(["关于2026年供水管网改造的实施方案", "各区水务局:"]
                     + [f"第{i}段:新建供水管网{i}公里,改造泵站{i % 7 + 1}座。" for i in range(600)]
                     + ["市水务局", "二〇二六年三月五日"])
    assert metadata.find_date([], body) == "2026-03-05"
    assert 80 <= len(calls) <= 100


def test_nfkc_looks_each_character_up_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Full-width figures and punctuation become ASCII: each character outside ASCII and the ideographs is
    looked up once per text (a translate looked up every character), and the text is the one a
    character-by-character NFKC gives, ① and ㎡ (not one character each) included."""
    from docproc import normalize

    lookups: list[str] = []
    real = normalize._nfkc

    def counting(ch: str) -> str:
        lookups.append(ch)
        return real(ch)

    monkeypatch.setattr(normalize, "_nfkc", counting)
    rng = random.Random(13)
    wide = "\uff11\uff12\uff0c\uff1a\uff08\uff09\uff1b\uff05\uff21"  # full-width 1 2 , : ( ) ; % A
    pieces = ["新建", "管网", "12", "公里", "。", "、", " ", "\u3000", "\u2460", "\u33a1", "\u201c", "\u201d",
              "\uf9a8", "\U0002000b", *wide]  # ideographic space, ①, ㎡, quotes, a compatibility ideograph
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        expected = normalize.charwise(normalize.Mapped.identity(text), normalize._nfkc)
        got = normalize._nfkc_text(normalize.Mapped.identity(text))
        assert (got.text, got.offsets) == (expected.text, expected.offsets), text
    sentence = "各区新建供水管网\uff11\uff12公里\uff0c改造泵站\uff13座\uff1b"
    lookups.clear()
    assert normalize._nfkc_text(normalize.Mapped.identity(sentence * 50)).text == "各区新建供水管网12公里,改造泵站3座;" * 50
    assert len(lookups) == 5  # 1 2 3 , ; once each (a translate: 1,000, every character)
