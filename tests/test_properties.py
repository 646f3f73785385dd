"""Property tests: no crash and valid spans on random and real text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docproc.pipeline import process_text

from conftest import seed_paths

ALPHABET = st.sampled_from(
    list("一二三四五六七八九十百千万亿两半年月日底前内季度上下今明每按第个名户人元%％.,，。;:：()（）【】〔〕、—-")
    + list("0123456789") + list("乡村振兴局责任单位牵头配合完成达到不低于以上左右约余其中占比增长倍") + ["\n", " "]
)


def _check_spans(doc):
    n = len(doc.text)
    for group in (doc.quantities, doc.deadlines, doc.tasks, doc.sentences, doc.paragraphs):
        for item in group:
            s, e = item.span
            assert 0 <= s <= e <= n
            assert doc.text[s:e] == item.text
    for f in doc.findings:
        for s, e in f.spans:
            assert 0 <= s <= e <= n


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=200))
def test_random_text_never_crashes(text):
    if not text.strip():
        return
    _check_spans(process_text(text))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_real_text_slices(data):
    paths = seed_paths()
    path = data.draw(st.sampled_from(paths))
    text = path.read_text(encoding="utf-8")
    start = data.draw(st.integers(0, max(0, len(text) - 50)))
    length = data.draw(st.integers(1, 1500))
    piece = text[start:start + length]
    if piece.strip():
        _check_spans(process_text(piece))


def test_chinese_numerals_read_back_what_cn2an_writes():
    """Our numeral reader against cn2an's writer: integers to 10^13 and decimals, all read back exactly."""
    import random

    cn2an = pytest.importorskip("cn2an")
    from docproc.extract.numbers import chinese_value

    rng = random.Random(7)
    for _ in range(5000):
        n = rng.choice([rng.randint(0, 99), rng.randint(0, 99999), rng.randint(0, 10**9), rng.randint(0, 10**13)])
        assert chinese_value(cn2an.an2cn(str(n))) == float(n), n
    for _ in range(1000):
        x = round(rng.uniform(0, 10000), rng.randint(1, 3))
        assert chinese_value(cn2an.an2cn(str(x))) == pytest.approx(x), x


@pytest.mark.parametrize("text", ["一二", "十十", "百", "零五", "五零", "三千五", "二百五", "一万五", "万", "点", "一点", "十百"])
def test_malformed_chinese_numerals_are_not_numbers(text):
    from docproc.extract.numbers import chinese_value

    assert chinese_value(text) is None
