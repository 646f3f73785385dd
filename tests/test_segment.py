"""Segmentation: lexicon terms are single tokens; the spaCy Doc carries the same text."""

from __future__ import annotations

from docproc import resources
from docproc.pipeline import load
from docproc.segment import spacy_doc, tokens

from conftest import seed_paths


def _lexicon_terms() -> set[str]:
    return {line.split()[0] for line in resources._lines("domain_terms.txt")}


def test_domain_terms_are_single_tokens_in_the_seeds():
    terms = _lexicon_terms()
    checked = 0
    for path in seed_paths():
        doc = load(path)
        toks = tokens(doc.text)
        lexicon_tokens = [(s, e) for w, s, e in toks if w in terms]
        for term in {t for t in terms if t in doc.text}:
            start = doc.text.find(term)
            while start >= 0:
                end = start + len(term)
                single = any(s == start and e == end for s, e in lexicon_tokens)
                # where two lexicon terms overlap (动态监测|监测帮扶), either may win the segmentation
                crossed = any(s < end and e > start and (s, e) != (start, end) for s, e in lexicon_tokens)
                assert single or crossed, f"{term} split at {start} in {path.name}"
                checked += 1
                start = doc.text.find(term, end)
    assert checked >= 20


def test_specific_terms():
    words = [w for w, _, _ in tokens("嘎查村和苏木镇落实防返贫监测,乡村振兴局推进易地扶贫搬迁后续扶持。")]
    for term in ("嘎查村", "苏木镇", "防返贫", "乡村振兴局", "易地扶贫搬迁"):
        assert term in words


def test_token_spans_and_spacy_doc():
    text = "到2025年底覆盖率达100%,完成旗级平台升级改造。"
    toks = tokens(text)
    assert "".join(w for w, _, _ in toks) == text
    assert all(text[s:e] == w for w, s, e in toks)
    doc = spacy_doc(text)
    assert doc.text == text
    assert [t.text for t in doc] == [w for w, _, _ in toks]


def _plain_jieba_with_our_words():
    """jieba's own Tokenizer, given the same domain words as ours."""
    import jieba

    plain = jieba.Tokenizer()
    plain.initialize()
    for line in resources._lines("domain_terms.txt"):
        parts = line.split()
        plain.add_word(parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None,
                       parts[2] if len(parts) > 2 else None)
    return plain


def test_tightened_tokenizer_segments_exactly_as_jieba():
    import random

    ours, plain = resources.tokenizer(), _plain_jieba_with_our_words()
    assert type(ours).__name__ == "RouteTokenizer"
    texts = [path.read_text(encoding="utf-8") for path in seed_paths()]
    rng = random.Random(7)
    pool = "".join(texts)[:8000] + "abcXYZ0123456789.%-+#&_ ,。"
    texts += ["".join(rng.choice(pool) for _ in range(rng.randint(1, 80))) for _ in range(1500)]
    for text in texts:
        assert list(ours.tokenize(text, HMM=False)) == list(plain.tokenize(text, HMM=False))
    assert list(ours.tokenize(texts[0], HMM=True)) == list(plain.tokenize(texts[0], HMM=True))
    # the HMM path (calc) and the HMM-free route share one memo of word probabilities: after calc has
    # filled it, the HMM-free cut must still be jieba's
    for text in texts[:50]:
        list(ours.tokenize(text, HMM=True))
        assert list(ours.tokenize(text, HMM=False)) == list(plain.tokenize(text, HMM=False))
