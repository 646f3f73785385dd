"""Property tests: no crash and valid spans on random and real text."""

from __future__ import annotations

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
