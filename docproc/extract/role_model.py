"""A learned second opinion on a figure's role, for figures no cue word decides.

The rules in ``roles.py`` decide a role when the text says so (目标为, 已完成, 力争, 较上年的…); a figure
with no such cue used to take its section's kind (a plan's figures are targets, a report's results).
That default is where most wrong roles were, so those figures are asked of a logistic regression
trained on the hand-annotated real documents (``python -m docproc.learn.roles`` trains it, reports its
accuracy cross-validated across documents and writes ``lexicons/models/roles.json``).

The weights are plain data (a vocabulary, one weight row per role, intercepts); predicting is a sum of
weights in pure Python, so scikit-learn is needed to train, not to run.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Iterator
from functools import cache
from itertools import repeat

from .. import resources
from ..model import Document, Span
from ..patterns import YEAR
from ..segment import lazy_tokens

_YEAR = re.compile(rf"({YEAR})年")
_TIME_LIMIT = re.compile(r"(?:年底|年末|月底|月末|季度末?|[日月年]|年中)(?:前|之前|以前)")
_MODEL_FILE = "models/roles.json"


class SentenceWords:
    """A sentence's tokens read once for every figure in it: the role rules and the model's features
    ask for the words before, inside and after each figure's clause, found by bisecting the token ends
    instead of filtering the whole token list once per figure. Offsets are kept relative to the
    sentence's ``offset``; callers ask with offsets into the text.

    The sentence's tokens are drawn from jieba's generator only as far as a figure asks: the words
    after the last figure's clause (a sixth of the text) are never routed."""

    __slots__ = ("offset", "_tokens", "words", "starts", "ends")

    def __init__(self, offset: int, found: Iterator[tuple[str, int, int]]) -> None:
        self.offset = offset
        self._tokens: Iterator[tuple[str, int, int]] | None = found  # None once drawn to the end
        self.words: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def _upto(self, pos: int) -> None:
        """Draw tokens until one ends beyond ``pos`` (relative), or none is left."""
        ends = self.ends
        if self._tokens is None or (ends and ends[-1] > pos):
            return
        add_word, add_start, add_end = self.words.append, self.starts.append, ends.append  # once per draw
        for word, start, end in self._tokens:
            add_word(word)
            add_start(start)
            add_end(end)
            if end > pos:
                return
        self._tokens = None

    def between(self, start: int, end: int) -> list[str]:
        """The words lying wholly inside ``[start, end)``, in order."""
        self._upto(end - self.offset)
        lo = bisect.bisect_left(self.starts, start - self.offset)
        hi = bisect.bisect_right(self.ends, end - self.offset)
        return self.words[lo:hi]

    def before(self, end: int, last: int | None = None) -> list[str]:
        """The words ending at or before ``end`` (only the ``last`` of them when given)."""
        self._upto(end - self.offset)
        hi = bisect.bisect_right(self.ends, end - self.offset)
        return self.words[max(0, hi - last) if last else 0:hi]

    def word_at(self, pos: int) -> tuple[int, int] | None:
        """(start, end) in the text of the word holding ``pos``, or None outside the sentence."""
        self._upto(pos - self.offset)
        i = bisect.bisect_right(self.ends, pos - self.offset)
        if i < len(self.ends) and self.starts[i] <= pos - self.offset:
            return self.offset + self.starts[i], self.offset + self.ends[i]
        return None


def sentence_words(text: str, sentence: Span) -> SentenceWords:
    """The sentence's words (none for an empty sentence). Figures are resolved in reading order, so the
    last sentence read is kept: its figures, and the rules and model for each, share one reading. The
    memo holds the text itself and compares it by identity, so another run's equal text is read anew."""
    if sentence[1] <= sentence[0]:
        return _NO_WORDS
    last = _last_sentence[0]
    if last[0] is text and last[1] == sentence:
        return last[2]
    words = SentenceWords(sentence[0], lazy_tokens(text[sentence[0]: sentence[1]]))
    _last_sentence[0] = (text, sentence, words)
    return words


_NO_WORDS = SentenceWords(0, iter(()))
_last_sentence: list[tuple[str | None, Span, SentenceWords]] = [(None, (0, 0), _NO_WORDS)]


def features(doc: Document, span: Span, clause: Span, sentence: Span, unit: str) -> list[str]:
    """Names of the binary features of one figure: the words around it, where it sits, what kind of
    section holds it, and tense marks (a year before or after the document's, 已/了, a time limit)."""
    text = doc.text
    out = [f"kind={doc.kind_at(span[0])}", f"doc={doc.meta.kind or 'none'}", f"unit={unit}"]
    words = sentence_words(text, sentence)
    left = words.between(clause[0], span[0])[-6:]
    right = words.between(span[1], clause[1])[:4]
    before = words.before(clause[0], 12)
    out.extend(map("l:".__add__, left))
    out.extend(map("r:".__add__, right))
    out.extend(map("s:".__add__, before))
    if left:
        out.append(f"l1:{left[-1]}")
    if right:
        out.append(f"r1:{right[0]}")
    year = doc.meta.year
    if year:
        for m in _YEAR.finditer(text, sentence[0], span[0]):
            y = int(m.group(1))
            out.append("year<doc" if y < year else "year>doc" if y > year else "year=doc")
    if text.find("已", clause[0], span[0]) >= 0:
        out.append("mark:已")
    if text.find("了", clause[0], clause[1]) >= 0:
        out.append("mark:了")
    if _TIME_LIMIT.search(text, clause[0], clause[1]):
        out.append("mark:time_limit")
    share = span[0] / max(1, len(text))
    out.append(f"pos={min(4, int(share * 5))}")
    return out


@cache
def _weights() -> dict | None:
    path = resources.lexicon_dir() / _MODEL_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    # one dict per role, feature name -> weight: a figure's score is a lookup per feature, not an index
    # list built first and walked once per role
    rows = [dict(zip(data["vocabulary"], row, strict=True)) for row in data["coef"]]
    return {"classes": data["classes"], "rows": rows, "intercept": data["intercept"],
            "min_confidence": data.get("min_confidence", 0.0)}


def predict(names: list[str]) -> tuple[str, float] | None:
    """The most likely role and its probability, or None when no model is shipped."""
    model = _weights()
    if model is None:
        return None
    seen = set(names)  # a feature counts once however often it is named; one unknown to the model weighs 0
    rows, intercept = model["rows"], model["intercept"]
    if len(rows) == 1:  # two classes: one row, the score of the second class; a tie goes to the first
        p = 1 / (1 + math.exp(-(intercept[0] + sum(map(rows[0].get, seen, repeat(0.0))))))
        return (model["classes"][0], 1 - p) if 1 - p >= p else (model["classes"][1], p)
    scores = [b + sum(map(row.get, seen, repeat(0.0))) for row, b in zip(rows, intercept, strict=True)]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    probs = [x / total for x in exps]
    best = max(range(len(probs)), key=probs.__getitem__)
    return model["classes"][best], probs[best]


def model_role(doc: Document, span: Span, clause: Span, sentence: Span, unit: str) -> str | None:
    """The model's role for a figure no cue decides, when it is confident enough; else None."""
    guess = predict(features(doc, span, clause, sentence, unit))
    if guess is None:
        return None
    role, p = guess
    return role if p >= _weights()["min_confidence"] else None
