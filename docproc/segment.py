"""Segmentation: jieba tokens with spans, and a spaCy ``Doc`` built on them.

We tokenize with our own ``jieba.Tokenizer`` (domain dictionary loaded, see
``resources.tokenizer``) and hand the words to a blank Chinese spaCy pipeline
(no model download): the spaCy export writes the document's items as span groups
over these tokens, for annotation and training tools.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from . import resources


def tokens(text: str) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` for every jieba token (HMM off: new words come from the lexicon)."""
    return list(_cached_tokens(text)) if len(text) <= _CACHED_UP_TO else list(resources.tokenizer().tokenize(text, HMM=False))


def lazy_tokens(text: str) -> Iterator[tuple[str, int, int]]:
    """``tokens(text)`` one by one, as jieba makes them: each block (a run of ``_JIEBA_BLOCK`` characters)
    is routed only when its first word is asked for, so a reader that stops early never routes the rest."""
    return resources.tokenizer().tokenize(text, HMM=False)


_CACHED_UP_TO = 600  # a sentence; longer texts are windows cut for one figure and are not asked for again


def tokens_at(text: str, span: tuple[int, int]) -> list[tuple[str, int, int]]:
    """Tokens of ``text[span]`` with offsets into ``text`` (a window of the doer rules; a string up to a
    sentence's length is segmented once, cached)."""
    s, e = span
    return [(w, s + a, s + b) for w, a, b in tokens(text[s:e])]


@lru_cache(maxsize=8192)
def _cached_tokens(text: str) -> tuple[tuple[str, int, int], ...]:
    return tuple(resources.tokenizer().tokenize(text, HMM=False))


def clear_caches() -> None:
    """Forget every segmented sentence (benchmarks: no credit for a text seen before)."""
    _cached_tokens.cache_clear()
    if resources.tokenizer.cache_info().currsize:  # not made yet: nothing to forget
        resources.tokenizer().forget_cuts()


_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")  # jieba's re_han_default: one block is routed


def opening_words(text: str, span: tuple[int, int]) -> list[str] | None:
    """The words ``tokens_at(text, span)`` may open with, found by a few dictionary lookups and no
    segmentation: its first token is one of them. None unless ``text[span]`` opens on a Chinese character
    (a letter or digit alone would be joined to the ones after it)."""
    s, e = span
    block = _JIEBA_BLOCK.match(text, s, e)
    if block is None or not "\u4e00" <= text[s] <= "\u9fd5":
        return None
    return resources.tokenizer().opening_words(block.group())


def pos_tags(text: str) -> list[tuple[str, str]]:
    """``(word, flag)`` with jieba's POS tags, HMM off for speed."""
    return [(p.word, p.flag) for p in resources.pos_tokenizer().cut(text, HMM=False)]


def verb_tag(word: str) -> str:
    """jieba's dictionary POS tag of a word ('' when it has none): a lookup, no segmentation, and no
    posseg (its import and its second reading of the dictionary cost a cold start about 1.5 s)."""
    return resources.tokenizer().dict_tag(word)


def verb_tags(words: list[str]) -> list[str]:
    """``verb_tag`` of each word, in one call (a window's words, the words a window may open with)."""
    return resources.tokenizer().dict_tags(words)


def spacy_doc(text: str) -> Any:
    """A spaCy ``Doc`` whose tokens are our jieba tokens; ``doc.text == text``. ``export/spacy_doc.py``
    puts the document's items on it as span groups (``docproc extract --out x.spacy``)."""
    from spacy.tokens import Doc

    words = [w for w, _, _ in tokens(text)]
    if not words:
        words = [text] if text else []
    return Doc(resources.nlp().vocab, words=words, spaces=[False] * len(words))
