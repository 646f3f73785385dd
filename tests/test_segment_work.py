"""Work counted, not timed (issue 27): a sentence holding many figures is segmented once, and the
per-figure rules (roles, quantities) compile no pattern while they run."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from docproc import resources, segment
from docproc.pipeline import process_text

# our own sentence: seven figures, a plan's targets and two results, one sentence
_SENTENCE = ("2027年全县计划新建乡村道路86公里、改造危桥14座、新增停车泊位2300个,"
             "已完成投资3.2亿元,累计惠及群众41万人,力争年底前公交通达率达到98%,客运班线增至37条。")
_TEXT = "某县交通工作要点\n一、重点任务\n" + _SENTENCE + "\n"


@pytest.fixture
def counted_tokenize(monkeypatch):
    """Every string handed to the tokenizer, counted."""
    seen: Counter[str] = Counter()
    tokenizer = resources.tokenizer()
    real = tokenizer.tokenize

    def counting(text, *args, **kwargs):
        seen[text] += 1
        return real(text, *args, **kwargs)

    monkeypatch.setattr(tokenizer, "tokenize", counting)
    segment.clear_caches()
    yield seen
    segment.clear_caches()


def test_a_sentence_with_many_figures_is_segmented_once(counted_tokenize):
    doc = process_text(_TEXT)
    figures = [q for q in doc.quantities if _SENTENCE.find(q.text) >= 0]
    assert len(figures) >= 6  # the sentence's figures were all read (each asks for the sentence's words)
    whole = [text for text in counted_tokenize if text.strip() == _SENTENCE.strip()]
    assert whole, "the sentence was never segmented: the count would prove nothing"
    assert all(counted_tokenize[text] == 1 for text in whole)


def test_no_pattern_is_compiled_per_figure(compiles_by_file):
    """After a first document (lexicon patterns built), the role and quantity rules use compiled patterns:
    ``re.search(r"...")`` in a loop looks the pattern up in re's cache on every call."""
    process_text(_TEXT)
    callers = compiles_by_file
    callers.clear()
    process_text(_TEXT.replace("86", "91").replace("14座", "15座"))
    mine = {f: n for f, n in callers.items() if f.endswith(("extract/roles.py", "extract/quantities.py"))}
    assert mine == {}
    re.search(r"探针", "探针")  # the probe itself sees a call made the slow way
    assert callers[__file__] == 1
