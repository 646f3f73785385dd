"""jieba's tokenizer with its inner loops tightened: the same words, faster.

``Tokenizer.get_DAG`` looks each fragment up twice (``in`` then ``[]``) and
``Tokenizer.calc`` takes a logarithm of a frequency for every edge of every
sentence, then the two are walked again as dicts of lists. Here the route of the
HMM-free cut (the only one docproc uses) is computed in one backward pass, each
fragment looked up once and each word's log-probability computed once per
process. The arithmetic is jieba's own, in the same order, ties broken the same
way, so every segmentation is identical (``tests/test_segment.py`` compares the
two on the seeds and on random text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from math import log
from typing import Any

_MISSING = object()
_ENG = re.compile("[a-zA-Z0-9]")  # jieba's re_eng: single letters and digits are buffered into one word


def make_tokenizer(jieba: Any) -> Any:
    """A ``jieba.Tokenizer`` subclass instance (jieba is passed in: it is imported with care, see resources)."""

    class RouteTokenizer(jieba.Tokenizer):  # type: ignore[name-defined, misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._logp: dict[str, float | None] = {}
            self._logp_total = None

        def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None:
            super().add_word(word, freq, tag)
            self._logp.clear()  # frequencies and the total changed

        def _memo(self) -> dict[str, Any]:
            """word -> log(freq) - log(total) for a word, None for a prefix-only entry (frequency 0);
            fragments not in the dictionary are never stored. Cleared when the frequencies change."""
            if self._logp_total != self.total:
                self._logp.clear()
                self._logp_total = self.total
            return self._logp

        def _route(self, sentence: str) -> list[int]:
            """For each position, the end of the word the best route takes from it (jieba's ``calc``)."""
            self.check_initialized()
            memo = self._memo()
            logtotal = log(self.total)
            freq = self.FREQ
            n = len(sentence)
            score = [0.0] * (n + 1)
            end = [0] * (n + 1)
            for k in range(n - 1, -1, -1):
                best = None
                best_x = k
                i = k
                frag = sentence[k]
                while i < n:
                    lp = memo.get(frag, _MISSING)
                    if lp is _MISSING:
                        f = freq.get(frag)
                        if f is None:
                            break
                        lp = memo[frag] = (log(f) - logtotal) if f else None
                    if lp is not None:
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

        def _Tokenizer__cut_DAG_NO_HMM(self, sentence: str) -> Iterator[str]:  # noqa: N802 - overrides jieba's
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
            memo = self._memo()  # shared with _route, so stored with its meaning (None: frequency 0)
            logtotal = log(self.total)
            freq = self.FREQ
            for idx in range(n - 1, -1, -1):
                best = None
                for x in DAG[idx]:
                    word = sentence[idx:x + 1]
                    lp = memo.get(word, _MISSING)
                    if lp is _MISSING:
                        f = freq.get(word)
                        lp = (log(f) - logtotal) if f else None
                        if f is not None:
                            memo[word] = lp
                    cand = ((-logtotal if lp is None else lp) + route[x + 1][0], x)  # jieba: log(freq or 1)
                    if best is None or cand >= best:
                        best = cand
                route[idx] = best  # type: ignore[assignment]

    return RouteTokenizer()
