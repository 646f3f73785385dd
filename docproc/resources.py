"""Shared resources, each built once per process and only when first asked for.

Lexicons are plain files in ``lexicons/`` (see its README), read through ``importlib.resources`` so
that an installed wheel finds its own copy. opencc, jieba and spaCy are imported lazily so that
``docproc --help`` stays fast.
"""

from __future__ import annotations

import importlib.resources
import os
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from importlib.abc import Traversable


def lexicon_dir() -> Traversable:
    """Where the lexicons live: $DOCPROC_LEXICONS, else the copy a wheel carries in the package
    (``docproc/lexicons``, mapped from the top-level ``lexicons/`` by pyproject.toml), else the source
    tree's ``lexicons/`` (an editable install, where people edit them)."""
    env = os.environ.get("DOCPROC_LEXICONS")
    if env:
        return Path(env)
    packaged = importlib.resources.files("docproc") / "lexicons"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parent.parent / "lexicons"
    if source.is_dir():
        return source
    raise FileNotFoundError("lexicons/ not found; set DOCPROC_LEXICONS to the lexicon folder")


def _lines(name: str) -> list[str]:
    out = []
    for raw in (lexicon_dir() / name).read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        out.append(line)
    return out


@cache
def words(name: str) -> tuple[str, ...]:
    """A one-word-per-line list, longest first (so alternations match greedily)."""
    return tuple(sorted({w.strip() for w in _lines(name)}, key=lambda w: (-len(w), w)))


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """A tab-separated table, one row per line."""
    return tuple(tuple(c.strip() for c in line.split("\t")) for line in _lines(name))


@cache
def data(name: str) -> Any:
    """A YAML lexicon."""
    return yaml.safe_load((lexicon_dir() / name).read_text(encoding="utf-8"))


def alternation(items: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(set(items), key=lambda w: (-len(w), w)))


@cache
def opencc_converter(config: str = "t2s") -> Any:
    import opencc

    return opencc.OpenCC(config)


@cache
def tokenizer() -> Any:
    """A private jieba.Tokenizer with the domain dictionary (never the shared global one)."""
    import logging
    import sys

    # jieba asks pkg_resources for its dictionary path when it can import it (75 ms of every start);
    # without it, jieba opens the file next to its module, which is the same file
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        import jieba
    finally:
        if blocked:
            del sys.modules["pkg_resources"]

    from .jieba_route import make_tokenizer

    jieba.setLogLevel(logging.WARNING)
    # jieba's segmentation with its inner loops tightened, and its dictionary read lazily from a cache
    # built on the first run (see jieba_route)
    return make_tokenizer(jieba, domain_words(), _cache_dir())


def domain_words() -> list[tuple[str, int | None, str | None]]:
    """``domain_terms.txt``: word, optional frequency, optional POS tag."""
    out = []
    for line in _lines("domain_terms.txt"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        out.append((parts[0], freq, parts[2] if len(parts) > 2 else None))
    return out


def _cache_dir() -> Path | None:
    """$DOCPROC_CACHE, else ~/.cache/docproc; None when it cannot be made (the dictionary is then built whole)."""
    cache_dir = Path(os.environ.get("DOCPROC_CACHE", Path.home() / ".cache" / "docproc"))
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return cache_dir


def warm() -> None:
    """Ready a long-lived worker (pool, web, Dask): the tokenizer with its whole dictionary read, once."""
    tokenizer().load_all()


@cache
def pos_tokenizer() -> Any:
    """jieba.posseg over our tokenizer (HMM off: 5-40x faster, see STYLE.md traps)."""
    from jieba import posseg

    return posseg.POSTokenizer(tokenizer())


@cache
def nlp() -> Any:
    """A blank Chinese spaCy pipeline (no model download) whose vocab holds the ``Doc``s of
    ``segment.spacy_doc``: we hand it our own jieba tokens (domain dictionary loaded), so spaCy's own jieba
    segmenter, which would load jieba's global dictionary a second time, is not configured."""
    import spacy

    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "char"}}})
