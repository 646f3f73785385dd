"""jieba's tokenizer with its inner loops tightened: the same words, faster.

``Tokenizer.get_DAG`` looks each fragment up twice (``in`` then ``[]``) and
``Tokenizer.calc`` takes a logarithm of a frequency for every edge of every
sentence, then the two are walked again as dicts of lists. Here the route of the
HMM-free cut (the only one docproc uses) is computed in one backward pass, each
fragment looked up once and what it is (a word's log-probability, a mere prefix,
or no word's start) remembered, so a later sentence holding it asks one dict; the
words of each block (a run of Chinese characters jieba routes alone) are kept.
The arithmetic is jieba's own, in the same order, ties broken the same way, so
every segmentation is identical (``tests/test_segment.py`` compares the two on
the seeds and on random text).

The dictionary loads lazily: jieba unmarshals all 580,000 entries of its prefix dictionary (0.4–0.6 s)
before the first word, though docproc segments only the sentences that hold a figure. Here the
dictionary, with the domain words added, is cached once (``make_tokenizer(..., cache_dir=...)``) as one
marshalled block per first character; a process reads the file (a few ms) and unmarshals a block only
when a sentence holding that character is first segmented. Every fragment the route looks up starts
with a character of the sentence, so the lookups, and the words, are the same as with the whole
dictionary loaded.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from math import log
from pathlib import Path
from typing import Any

_MISSING = object()
_STOP = object()  # a fragment no dictionary word starts with
_PREFIX = object()  # a fragment that only begins dictionary words (frequency 0)
_CUTS_KEPT = 20_000  # blocks whose words are kept (a few MB); then the store starts afresh
_STEPS_KEPT = 600_000  # fragments the route remembers (about 70 MB, as many as the dictionary holds words)
_ENG = re.compile("[a-zA-Z0-9]")  # jieba's re_eng: single letters and digits are buffered into one word


_FORMAT = 2  # of the cache file; bump when its layout changes

Word = tuple[str, int | None, str | None]  # a domain word: word, frequency (None: jieba suggests one), POS tag


class LazyDictionary:
    """The prefix dictionary in blocks by first character, each unmarshalled into ``FREQ`` when first needed.

    ``_blocks`` is None once everything is in ``FREQ`` (a dictionary built whole, or all blocks read).
    A block also holds the POS tags that jieba's dictionary file gives its words (``dict_tag``)."""

    FREQ: dict[str, int]
    lock: Any  # jieba.Tokenizer's RLock
    _blocks: dict[str, bytes] | None = None
    _seen: set[str]
    _tags: dict[str, str]

    def _read(self, blob: bytes) -> None:
        freq, tags = marshal.loads(blob)
        self.FREQ.update(freq)
        self._tags.update(tags)

    def dict_tag(self, word: str) -> str:
        """The POS tag jieba's dictionary file gives ``word`` ('' when none): what ``jieba.posseg`` reads
        into its ``word_tag_tab``, without importing posseg (1 s) or reading the dictionary file again."""
        self._need(word[:1])
        return self._tags.get(word, "")

    def dict_tags(self, words: list[str]) -> list[str]:
        """``dict_tag`` of each word, the blocks of their first characters made ready once for all."""
        self._need("".join(w[:1] for w in words))
        get = self._tags.get
        return [get(w, "") for w in words]

    def _need(self, text: str) -> None:
        """Read the blocks of the characters of ``text`` not read yet (a set difference when none is new).
        A character is marked seen only once its block is in ``FREQ``, and blocks are read under jieba's
        lock, so a thread that finds nothing new never routes over a block another thread is reading."""
        if self._blocks is None or not set(text).difference(self._seen):
            return
        with self.lock:
            blocks = self._blocks
            if blocks is None:
                return
            new = set(text).difference(self._seen)
            for ch in new:
                blob = blocks.pop(ch, None)
                if blob is not None:
                    self._read(blob)
            self._seen.update(new)
            if not blocks:
                self._blocks = None

    def load_all(self) -> None:
        """Read every block (a worker that will segment thousands of documents pays it once, up front)."""
        with self.lock:
            if self._blocks is not None:
                for blob in self._blocks.values():
                    self._read(blob)
                self._blocks = None

    def blocks_pending(self) -> int:
        """How many first-character blocks are still unread (0 when the dictionary is whole)."""
        return len(self._blocks) if self._blocks is not None else 0


def cache_key(jieba: Any, words: Iterable[Word]) -> str:
    """Names the cache file: jieba's version and dictionary file, the domain words and the file layout."""
    h = hashlib.sha1(f"{_FORMAT}|{jieba.__version__}".encode())
    dict_file = Path(jieba.__file__).with_name(jieba.DEFAULT_DICT_NAME)
    if dict_file.is_file():
        st = dict_file.stat()
        h.update(f"|{dict_file}|{st.st_size}|{st.st_mtime_ns}".encode())
    for word, freq, tag in words:
        h.update(f"|{word} {freq} {tag}".encode())
    return h.hexdigest()[:16]


def make_tokenizer(jieba: Any, words: Iterable[Word] = (), cache_dir: Path | None = None) -> Any:
    """Our tokenizer with ``words`` added. With ``cache_dir``: loaded lazily from the block cache there,
    which the first run builds (from jieba's own dictionary cache, kept in the same folder)."""
    words = list(words)
    tok = _route_class(jieba)()
    path = cache_dir / f"jieba-blocks-{cache_key(jieba, words)}.marshal" if cache_dir is not None else None
    if path is not None and _load_blocks(tok, jieba, path):
        return tok
    if cache_dir is not None:
        tok.tmp_dir = str(cache_dir)
    tok.initialize()
    tok._tags = _dictionary_tags(tok)
    for word, freq, tag in words:
        tok.add_word(word, freq, tag)
    if path is not None:
        _save_blocks(tok, path, [w for w, freq, _ in words if freq == 0])
    return tok


def _dictionary_tags(tok: Any) -> dict[str, str]:
    """word -> tag from jieba's dictionary file (its lines are ``word freq tag``), as posseg reads them."""
    tags = {}
    with tok.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").strip().split(" ")
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def _save_blocks(tok: Any, path: Path, forced: list[str]) -> None:
    """Write the whole dictionary as blocks by first character (atomically: workers may race to build it)."""
    groups: dict[str, tuple[dict[str, int], dict[str, str]]] = {}
    for word, freq in tok.FREQ.items():
        groups.setdefault(word[0], ({}, {}))[0][word] = freq
    for word, tag in tok._tags.items():
        groups.setdefault(word[0], ({}, {}))[1][word] = tag
    payload = (_FORMAT, tok.total, {ch: marshal.dumps(g) for ch, g in groups.items()}, tok.user_word_tag_tab, forced)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-blocks-")
        with os.fdopen(fd, "wb") as fh:
            marshal.dump(payload, fh)
        os.replace(tmp, path)
    except OSError:
        pass  # an unwritable cache folder: the next process builds the dictionary again


def _load_blocks(tok: Any, jieba: Any, path: Path) -> bool:
    """Install the cached blocks into ``tok`` (nothing unmarshalled yet); False when there is no usable cache."""
    try:
        with open(path, "rb") as fh:
            fmt, total, blocks, tags, forced = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if fmt != _FORMAT:
        return False
    tok.FREQ, tok.total, tok._blocks, tok._seen, tok._tags = {}, total, blocks, set(), {}
    tok.user_word_tag_tab = tags
    for word in forced:
        jieba.finalseg.add_force_split(word)
    tok.initialized = True
    return True


_CLASSES: dict[int, type] = {}


def _route_class(jieba: Any) -> type:
    if id(jieba) not in _CLASSES:
        _CLASSES[id(jieba)] = _define(jieba)
    return _CLASSES[id(jieba)]


class RouteMixin(LazyDictionary):
    """The methods of our ``jieba.Tokenizer`` subclass (jieba is imported only when the class is made)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._steps: dict[str, Any] = {}
        self._steps_total = None
        self._cuts: dict[str, tuple[str, ...]] = {}

    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
        self._need(word)  # its block first, or reading it later would undo this word
        super().add_word(word, freq, tag)
        self._steps.clear()  # frequencies and the total changed
        self._cuts.clear()

    def _step_memo(self) -> dict[str, Any]:
        """fragment -> what the route makes of it: its word's log-probability (a float), ``_PREFIX`` (only a
        prefix of words: frequency 0) or ``_STOP`` (not in the dictionary: no longer word starts with it).
        A fragment is looked up in ``FREQ`` once; the route ends every walk on a ``_STOP`` fragment, so
        remembering those halves the lookups of the commonest step. Cleared when the frequencies change,
        and when it grows past ``_STEPS_KEPT`` (a server reading text for days)."""
        if self._steps_total != self.total or len(self._steps) > _STEPS_KEPT:
            self._steps.clear()
            self._steps_total = self.total
        return self._steps

    def _route(self, sentence: str) -> list[int]:
        """For each position, the end of the word the best route takes from it (jieba's ``calc``)."""
        self.check_initialized()
        self._need(sentence)
        memo = self._step_memo()
        logtotal = log(self.total)
        memo_get, freq_get = memo.get, self.FREQ.get  # bound once: the loop below runs for every fragment
        missing, stop, prefix = _MISSING, _STOP, _PREFIX
        n = len(sentence)
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best = None
            best_x = k
            i = k
            frag = sentence[k]
            while i < n:
                lp = memo_get(frag, missing)
                if lp is missing:
                    f = freq_get(frag)
                    lp = memo[frag] = stop if f is None else (log(f) - logtotal) if f else prefix
                if lp is stop:
                    break
                if lp is not prefix:
                    cand = lp + score[i + 1]
                    if best is None or cand >= best:  # max() over (score, x): a tie goes to the longer word
                        best, best_x = cand, i
                i += 1
                frag = sentence[k:i + 1]
            if best is None:  # no word starts here: the character alone, jieba's log(1) - logtotal
                best = -logtotal + score[k + 1]
            score[k] = best
            end[k] = best_x + 1
        return end

    def opening_words(self, block: str) -> list[str]:
        """The words the route of ``block`` (a run of jieba's Chinese characters) may open with: each word of
        the dictionary (frequency above 0) that begins it, else its first character alone. The route's first
        word is one of them, so a test that all of them fail answers without routing the block."""
        self.check_initialized()
        self._need(block[:1])
        freq_get = self.FREQ.get
        found = []
        for i in range(1, len(block) + 1):
            f = freq_get(block[:i])
            if f is None:
                break
            if f:
                found.append(block[:i])
        return found or [block[:1]]

    def _Tokenizer__cut_DAG_NO_HMM(self, sentence: str) -> Iterator[str]:  # noqa: N802 - overrides jieba's
        """The words of one block (jieba cuts a text into runs of Chinese characters, letters and digits, and
        routes each alone). A block is routed once: a clause window repeats the blocks of its sentence but
        the last, and a report repeats its stock phrases."""
        words = self._cuts.get(sentence)
        if words is None:
            if len(self._cuts) >= _CUTS_KEPT:
                self._cuts.clear()
            words = self._cuts[sentence] = tuple(self._cut_block(sentence))
        return iter(words)

    def forget_cuts(self) -> None:
        """Forget the blocks routed so far (benchmarks: no credit for a text seen before)."""
        self._cuts.clear()

    def _cut_block(self, sentence: str) -> Iterator[str]:
        end = self._route(sentence)
        x = 0
        n = len(sentence)
        buf = ""
        while x < n:
            y = end[x]
            word = sentence[x:y]
            if y - x == 1 and _ENG.match(word):
                buf += word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            x = y
        if buf:
            yield buf

    def get_DAG(self, sentence: str) -> dict[int, list[int]]:  # noqa: N802 - jieba's name
        self.check_initialized()
        self._need(sentence)
        freq = self.FREQ
        n = len(sentence)
        dag: dict[int, list[int]] = {}
        for k in range(n):
            ends = []
            i = k
            frag = sentence[k]
            while i < n:
                f = freq.get(frag)
                if f is None:
                    break
                if f:
                    ends.append(i)
                i += 1
                frag = sentence[k:i + 1]
            dag[k] = ends or [k]
        return dag

    def calc(self, sentence: str, DAG: dict[int, list[int]], route: dict[int, tuple[float, int]]) -> None:  # noqa: N803
        n = len(sentence)
        route[n] = (0, 0)
        memo = self._step_memo()  # shared with _route
        logtotal = log(self.total)
        freq = self.FREQ
        for idx in range(n - 1, -1, -1):
            best = None
            for x in DAG[idx]:
                word = sentence[idx:x + 1]
                lp = memo.get(word, _MISSING)
                if lp is _MISSING:
                    f = freq.get(word)
                    lp = memo[word] = _STOP if f is None else (log(f) - logtotal) if f else _PREFIX
                # jieba: log(freq or 1), so a fragment of no word or of frequency 0 weighs log(1)
                cand = ((-logtotal if lp is _STOP or lp is _PREFIX else lp) + route[x + 1][0], x)
                if best is None or cand >= best:
                    best = cand
            route[idx] = best  # type: ignore[assignment]


def _define(jieba: Any) -> type:
    """The ``jieba.Tokenizer`` subclass (jieba is passed in: it is imported with care, see resources)."""
    return type("RouteTokenizer", (RouteMixin, jieba.Tokenizer), {})
