"""Work counted, not timed (issue 27): the quantity stage reads a sentence's words once for all its figures,
finds a text's clause breaks in one pass, and compiles no pattern per figure."""

from __future__ import annotations

import re
import sys
from collections import Counter

import pytest

from docproc import resources, segment
from docproc.extract import quantities, role_model
from docproc.pipeline import process_text

# our own sentences: one with seven arabic figures (no Chinese numeral, so no word test cuts a window)
_SENTENCE = ("2027年全镇计划新修机耕道路47公里、加固堤坝9处、新增灌溉面积5300亩,"
             "已完成投资1.8亿元,累计带动农户6200户,力争年底前自来水普及率达到97%,合作社增至58家。")
_TEXT = "某镇农业农村工作要点\n一、重点任务\n" + _SENTENCE + "\n二、工作要求\n各村要在6月底前上报进度。\n"


_QUANTITY_STAGE = ("extract/quantities.py", "extract/roles.py", "extract/role_model.py", "extract/indicators.py")


@pytest.fixture
def doc():
    """The document, processed once (lexicons and patterns loaded) for the tests that look at its words."""
    return process_text(_TEXT)


@pytest.fixture
def requests(monkeypatch):
    """Every request the quantity stage makes to ``docproc.segment`` for tokens (``tokens``/``tokens_at``/
    ``lazy_tokens``),
    by the segmented text, wherever a module imported those functions from."""
    seen: Counter[str] = Counter()

    def counted(real, shifted):
        def wrapper(text, *args):
            if sys._getframe(1).f_code.co_filename.endswith(_QUANTITY_STAGE):
                span = args[0] if shifted else (0, len(text))
                seen[text[span[0]: span[1]]] += 1
            return real(text, *args)
        return wrapper

    for name, shifted in (("tokens", False), ("tokens_at", True), ("lazy_tokens", False)):
        real = getattr(segment, name)
        wrapper = counted(real, shifted)
        for module in list(sys.modules.values()):
            if (module is not None and getattr(module, "__name__", "").startswith("docproc")
                    and getattr(module, name, None) is real):
                monkeypatch.setattr(module, name, wrapper)
    return seen


def test_a_sentence_of_many_figures_is_asked_for_once(requests):
    figures = [q for q in process_text(_TEXT).quantities if _SENTENCE.find(q.text) >= 0]
    assert len(figures) >= 6  # every figure's role was read from the sentence's words
    asked = {text: n for text, n in requests.items() if text.strip() == _SENTENCE.strip()}
    assert asked, "the sentence was never asked for: the count would prove nothing"
    # before: the role rules asked once per figure (7 requests here), the role model answered from a cache
    assert list(asked.values()) == [1]
    assert len(figures) == 7


# figures in the opening clauses, then a long clause with none, which no figure's role needs the words of
_FRONT = "全镇新建蓄水池12座,改造桥梁3座,"
_TAIL_BLOCKS = ["各村要把道路养护", "堤坝巡查", "渠系清淤和农机服务等日常工作落到实处", "形成长效管护机制"]


def test_the_words_after_the_last_figure_are_never_routed(monkeypatch):
    text = "某镇农业农村工作要点\n一、重点任务\n" + _FRONT + "、".join(_TAIL_BLOCKS[:3]) + "," + _TAIL_BLOCKS[3] + "。\n"
    doc = process_text(text)
    assert [q.text for q in doc.quantities] == ["12座", "3座"]
    tokenizer = resources.tokenizer()
    routed: list[str] = []
    real = tokenizer._Tokenizer__cut_DAG_NO_HMM  # jieba's cut of one block (a run of Chinese characters)

    def counting(block):
        routed.append(block)
        return real(block)

    monkeypatch.setattr(tokenizer, "_Tokenizer__cut_DAG_NO_HMM", counting)
    segment.clear_caches()
    role_model._last_sentence[0] = (None, (0, 0), role_model._NO_WORDS)
    assert [q.text for q in quantities.extract_quantities(doc)] == ["12座", "3座"]
    assert "全镇新建蓄水池12座" in routed, "the sentence was never segmented: the count would prove nothing"
    # before: the whole sentence was segmented for the first figure's role, its last clause too
    assert not set(routed) & set(_TAIL_BLOCKS)


@pytest.mark.parametrize("seed", range(30))
def test_words_drawn_as_far_as_asked_answer_as_the_whole_sentence_does(seed):
    """Made-up sentences of Chinese words, letters, digits, symbols jieba keeps in a block (+#&._%-), spaces,
    line breaks and punctuation, asked about in random order: the answers of the lazily drawn tokens are
    those of the whole sentence's tokens."""
    import random

    rnd = random.Random(seed)
    parts = ["新建", "道路", "养护", "农村", "公路", "12", "3.5", "km", "A级", "5G", "+", "#", "%", "-", "_",
             " ", "  ", "\r\n", "\n", "\r", ",", "、", "。", "(", ")", "“", "”", "万元", "亩", "年底前", "完成"]
    sentence = "".join(rnd.choice(parts) for _ in range(rnd.randint(5, 40)))
    offset = rnd.randint(0, 50)
    whole = segment.tokens(sentence)
    words = role_model.SentenceWords(offset, segment.lazy_tokens(sentence))
    for _ in range(12):
        a, b = sorted(rnd.randint(-2, len(sentence) + 2) for _ in range(2))
        ask = rnd.choice(("between", "before", "word_at"))
        if ask == "between":
            assert words.between(offset + a, offset + b) == list(w for w, s, e in whole if s >= a and e <= b)
        elif ask == "before":
            assert words.before(offset + b) == list(w for w, _, e in whole if e <= b)
        else:
            held = next(((offset + s, offset + e) for _, s, e in whole if s <= a < e), None)
            assert words.word_at(offset + a) == held
    words.before(offset + len(sentence) + 1)
    assert list(zip(words.words, words.starts, words.ends, strict=True)) == whole


def test_clause_breaks_are_found_once_per_text(monkeypatch):
    uses: Counter[str] = Counter()
    real = quantities._CLAUSE_BREAK

    class Counting:
        """The break pattern, counting its scans."""

        def search(self, *args):
            uses["search"] += 1
            return real.search(*args)

        def finditer(self, *args):
            uses["finditer"] += 1
            return real.finditer(*args)

    monkeypatch.setattr(quantities, "_CLAUSE_BREAK", Counting())
    found = process_text(_TEXT).quantities
    assert len(found) >= 7
    # before: one search forward (and eight look-backs) per figure
    assert sum(uses.values()) == 1


def test_the_words_of_a_clause_are_those_a_filter_over_the_tokens_finds(doc):
    """The bisected slices give exactly the words the per-figure filters gave."""
    from docproc.extract.role_model import SentenceWords, sentence_words

    text = doc.text
    start = text.index(_SENTENCE)
    sentence = (start, start + len(_SENTENCE))
    words = sentence_words(text, sentence)
    assert isinstance(words, SentenceWords)
    tokens = segment.tokens_at(text, sentence)
    for m in re.finditer(r"\d+(?:\.\d+)?", _SENTENCE):
        at, end = start + m.start(), start + m.end()
        clause = quantities._clause_bounds(text, at, end)
        assert words.between(clause[0], at) == list(w for w, s, e in tokens if s >= clause[0] and e <= at)
        assert words.between(end, clause[1]) == list(w for w, s, e in tokens if s >= end and e <= clause[1])
        assert words.before(clause[0]) == list(w for w, _, e in tokens if e <= clause[0])
        held = next((s, e) for _, s, e in tokens if s <= at < e)
        assert words.word_at(at) == held


def test_no_pattern_is_compiled_per_figure_for_indicators(doc, compiles_by_file):
    """After a first document (lexicon patterns built), naming a figure uses compiled patterns only."""
    callers = compiles_by_file
    callers.clear()  # the document fixture's own compiles
    found = quantities.extract_quantities(doc)
    assert len(found) >= 7
    mine = {f: n for f, n in callers.items() if f.endswith(("extract/indicators.py", "extract/role_model.py"))}
    assert mine == {}
    re.search(r"探针", "探针")  # the probe itself sees a call made the slow way
    assert callers[__file__] == 1


@pytest.fixture
def segmented_phrases(monkeypatch):
    """Every phrase the indicator rules hand to jieba for its word bounds (the cache bypassed)."""
    from docproc.extract import indicators

    seen: list[str] = []
    real = indicators._bounds.__wrapped__

    def counting(words: str, guess: bool = True) -> tuple[int, ...]:
        seen.append(words)
        return real(words, guess)

    monkeypatch.setattr(indicators, "_bounds", counting)
    return seen


def test_a_noun_without_a_verb_is_not_segmented(segmented_phrases):
    from docproc.extract import indicators

    assert indicators._noun_before_verb("乡村污水处理站点") == "乡村污水处理站点"
    assert segmented_phrases == []  # before: segmented to find the bounds of verbs it does not hold
    # with a verb, its bounds are still asked for (重要湿地 holds 要 inside a word)
    assert indicators._noun_before_verb("湿地公园要建成") == "湿地公园"
    assert segmented_phrases == ["湿地公园要建成"]


def test_a_scope_word_that_would_leave_no_name_is_not_segmented(segmented_phrases):
    from docproc.extract import indicators

    assert indicators._cut_lead("全县村", indicators._SCOPE) == "全县村"
    assert segmented_phrases == []  # before: segmented, then the one-character rest refused
    assert indicators._cut_lead("全县村庄道路", indicators._SCOPE) == "村庄道路"
    assert segmented_phrases == ["全县村庄道路"]
