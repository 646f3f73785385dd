"""Segmentation: lexicon terms are single tokens; the spaCy Doc carries the same text."""

from __future__ import annotations

import pytest

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


@pytest.mark.slow
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


def _lazy_pair(tmp_path):
    """Two of our tokenizers over one cache folder: the first builds the block cache, the second reads it lazily."""
    import jieba

    from docproc.jieba_route import make_tokenizer

    built = make_tokenizer(jieba, resources.domain_words(), tmp_path)
    assert built.blocks_pending() == 0  # built whole, and the cache written
    assert list(tmp_path.glob("jieba-blocks-*.marshal"))
    lazy = make_tokenizer(jieba, resources.domain_words(), tmp_path)
    return built, lazy


@pytest.mark.slow
def test_a_sentence_reads_only_the_blocks_of_its_characters(tmp_path):
    built, lazy = _lazy_pair(tmp_path)
    before = lazy.blocks_pending()
    assert before > 5000 and not lazy.FREQ  # nothing of the dictionary unmarshalled yet
    sentence = "全年新建农村公路120公里,改造老旧小区35个。"
    assert list(lazy.tokenize(sentence, HMM=False)) == list(built.tokenize(sentence, HMM=False))
    assert before - lazy.blocks_pending() <= len(set(sentence))
    assert len(lazy.FREQ) < len(built.FREQ) // 10
    lazy.load_all()
    assert lazy.blocks_pending() == 0 and lazy.FREQ == built.FREQ and lazy.total == built.total


def _real_texts(every: int = 4) -> list[str]:
    """Every ``every``-th document of ../shared/real as docproc reads it (none where shared/ is absent)."""
    from docproc.ingest import read_path

    from conftest import SHARED

    paths = sorted(p for p in (SHARED / "real").glob("*") if p.suffix.lower() in (".docx", ".html", ".pdf", ".txt"))
    return [read_path(p).text for p in paths[::every]]


@pytest.mark.slow
def test_lazy_dictionary_segments_as_jieba_on_the_gold_seeds_and_real_documents(tmp_path):
    _, lazy = _lazy_pair(tmp_path)
    plain = _plain_jieba_with_our_words()
    texts = [p.read_text(encoding="utf-8") for p in seed_paths()] + _real_texts()
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    assert len(lines) > 1000
    for line in lines:
        assert list(lazy.tokenize(line, HMM=False)) == list(plain.tokenize(line, HMM=False)), line[:40]
    assert list(lazy.tokenize(texts[0], HMM=True)) == list(plain.tokenize(texts[0], HMM=True))


@pytest.mark.slow
def test_a_cold_process_reads_a_fraction_of_the_dictionary_and_a_worker_all_of_it(tmp_path):
    import os
    import subprocess
    import sys

    code = ("from docproc import resources; from docproc.pipeline import process_text; "
            "process_text('2026年工作要点\\n一、全年新建农村公路120公里,4月底前完成招标。(责任单位:县交通运输局)\\n'); "
            "t = resources.tokenizer(); print(t.blocks_pending(), len(t.FREQ)); resources.warm(); "
            "print(t.blocks_pending(), len(t.FREQ))")
    env = {**os.environ, "DOCPROC_CACHE": str(tmp_path)}

    def run() -> list[list[int]]:
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr[-800:]
        return [[int(x) for x in line.split()] for line in out.stdout.splitlines()]

    first = run()  # builds the cache: the dictionary is whole from the start
    assert first[0][0] == 0
    (pending, entries), (after, whole) = run()
    assert pending > 5000 and entries < whole // 10  # one page read a small part of the dictionary
    assert after == 0 and whole == first[1][1]


@pytest.mark.slow
def test_dictionary_tags_are_possegs_without_posseg(tmp_path):
    import random

    import jieba
    from jieba import posseg

    built, lazy = _lazy_pair(tmp_path)
    table = posseg.POSTokenizer(jieba.Tokenizer()).word_tag_tab  # what posseg reads from the dictionary file
    words = random.Random(3).sample(sorted(table), 3000) + ["不是词的片段", "县交通运输局", ""]
    before = lazy.blocks_pending()
    for w in words:
        assert lazy.dict_tag(w) == built.dict_tag(w) == table.get(w, ""), w
    assert before - lazy.blocks_pending() <= len({w[:1] for w in words})
    assert lazy.dict_tag("推进") == "v" and lazy.dict_tag("公路") == "n"


def test_threads_sharing_a_lazy_tokenizer_get_jieba_s_words(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    built, lazy = _lazy_pair(tmp_path)
    lines = [line for p in seed_paths() for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    with ThreadPoolExecutor(8) as pool:  # every thread starts on blocks no one has read yet
        got = list(pool.map(lambda s: list(lazy.tokenize(s, HMM=False)), lines))
    assert got == [list(built.tokenize(s, HMM=False)) for s in lines]
