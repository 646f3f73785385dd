"""Plan or report for a piece of text: one decision, from one lexicon (``lexicons/roles.yaml``).

A document is a plan or a report (``metadata.find_kind``); a section may say otherwise by its heading or
its clauses (``structure``); a sentence may look ahead inside a report (力争…, 下一步…, 计划到…) or back
inside a plan (过去一年…). Roles and deadlines both ask here, so one sentence cannot give a target figure
and a status date.
"""

from __future__ import annotations

import re
from functools import cache

from . import resources
from .model import Document


@cache
def cues() -> dict:
    return resources.data("roles.yaml")


@cache
def forward_cue() -> re.Pattern[str]:
    """Words before a figure or date that make its sentence look ahead."""
    return re.compile("|".join(f"(?:{p})" for p in cues()["forward_in_sentence"]))


@cache
def report_opening() -> re.Pattern[str]:
    return re.compile(f"^(?:{resources.alternation(cues()['report_openings'])})")


def sentence_left(text: str, start: int, reach: int = 40) -> str:
    """The sentence's text before ``start`` (at most ``reach`` characters)."""
    left = text[max(0, start - reach): start]
    return re.split(r"[。\n]", left)[-1]


def looks_ahead(doc: Document, start: int) -> bool:
    """Whether the text at ``start`` sets work to do: a plan section, or a forward-looking sentence in a
    report (下一步…, 力争到…, 计划在…)."""
    if doc.kind_at(start) == "plan":
        return True
    return bool(forward_cue().search(sentence_left(doc.text, start)))
