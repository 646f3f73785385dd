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
    + ["|", "\t", "\u3000", "—"]
)


def _check_spans(doc):
    n = len(doc.text)
    for table in doc.tables:
        assert 0 <= table.span[0] <= table.span[1] <= n
        for row in table.rows:
            for cell in row:
                assert doc.text[cell.span[0]:cell.span[1]] == cell.text
    for task in doc.tasks:
        for item in (*task.quantities, *task.deadlines):
            assert doc.text[item.span[0]:item.span[1]] == item.text
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


TABLE_PIECES = st.lists(st.sampled_from(
    ["指标", "单位", "2023年", "增长(%)", "地区生产总值", "亿元", "1250.6", "6.0", "—", "合计", "序号", "重点任务",
     "责任单位", "完成时限", "县住建局", "9月底前", "2024年6月", "同上", "", "3,000", "45%", "1.2万"]),
    min_size=1, max_size=40)
SEPARATORS = st.sampled_from(["|", "\t", "   ", "\n", " | ", "\u3000\u3000"])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TABLE_PIECES, st.lists(SEPARATORS, min_size=1, max_size=40), st.sampled_from(["plan", "report", None]))
def test_random_tables_never_crash(pieces, seps, kind):
    text = "".join(p + seps[i % len(seps)] for i, p in enumerate(pieces))
    if text.strip():
        _check_spans(process_text(text, ref_date="2024-01-01", kind=kind))


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
    from docproc.numerals import chinese_value

    rng = random.Random(7)
    for _ in range(5000):
        n = rng.choice([rng.randint(0, 99), rng.randint(0, 99999), rng.randint(0, 10**9), rng.randint(0, 10**13)])
        assert chinese_value(cn2an.an2cn(str(n))) == float(n), n
    for _ in range(1000):
        x = round(rng.uniform(0, 10000), rng.randint(1, 3))
        assert chinese_value(cn2an.an2cn(str(x))) == pytest.approx(x), x


@pytest.mark.parametrize("text", ["一二", "十十", "百", "零五", "五零", "三千五", "二百五", "一万五", "万", "点", "一点", "十百"])
def test_malformed_chinese_numerals_are_not_numbers(text):
    from docproc.numerals import chinese_value

    assert chinese_value(text) is None
