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

import json
import math
import re
from functools import cache

from .. import resources
from ..model import Document, Span
from ..patterns import YEAR
from ..segment import tokens_at

_YEAR = re.compile(rf"({YEAR})年")
_TIME_LIMIT = re.compile(r"(?:年底|年末|月底|月末|季度末?|[日月年]|年中)(?:前|之前|以前)")
_MODEL_FILE = "models/roles.json"


def features(doc: Document, span: Span, clause: Span, sentence: Span, unit: str) -> list[str]:
    """Names of the binary features of one figure: the words around it, where it sits, what kind of
    section holds it, and tense marks (a year before or after the document's, 已/了, a time limit)."""
    text = doc.text
    out = [f"kind={doc.kind_at(span[0])}", f"doc={doc.meta.kind or 'none'}", f"unit={unit}"]
    words = tokens_at(text, sentence) if sentence[1] > sentence[0] else []
    left = [w for w, s, e in words if e <= span[0] and s >= clause[0]][-6:]
    right = [w for w, s, e in words if s >= span[1] and e <= clause[1]][:4]
    before = [w for w, s, e in words if e <= clause[0]][-12:]
    out += [f"l:{w}" for w in left] + [f"r:{w}" for w in right] + [f"s:{w}" for w in before]
    if left:
        out.append(f"l1:{left[-1]}")
    if right:
        out.append(f"r1:{right[0]}")
    year = doc.meta.year
    for m in _YEAR.finditer(text, sentence[0], span[0]):
        if year:
            y = int(m.group(1))
            out.append("year<doc" if y < year else "year>doc" if y > year else "year=doc")
    left_text = text[clause[0]: span[0]]
    if "已" in left_text:
        out.append("mark:已")
    if "了" in text[clause[0]: clause[1]]:
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
    vocab = {name: i for i, name in enumerate(data["vocabulary"])}
    return {"classes": data["classes"], "vocab": vocab, "coef": data["coef"], "intercept": data["intercept"],
            "min_confidence": data.get("min_confidence", 0.0)}


def predict(names: list[str]) -> tuple[str, float] | None:
    """The most likely role and its probability, or None when no model is shipped."""
    model = _weights()
    if model is None:
        return None
    index = [model["vocab"][n] for n in set(names) if n in model["vocab"]]
    scores = [b + sum(row[i] for i in index) for row, b in zip(model["coef"], model["intercept"], strict=True)]
    if len(scores) == 1:  # two classes: one row, the score of the second class
        p = 1 / (1 + math.exp(-scores[0]))
        probs = [1 - p, p]
    else:
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        probs = [x / sum(exps) for x in exps]
    best = max(range(len(probs)), key=probs.__getitem__)
    return model["classes"][best], probs[best]


def model_role(doc: Document, span: Span, clause: Span, sentence: Span, unit: str) -> str | None:
    """The model's role for a figure no cue decides, when it is confident enough; else None."""
    guess = predict(features(doc, span, clause, sentence, unit))
    if guess is None:
        return None
    role, p = guess
    return role if p >= _weights()["min_confidence"] else None
