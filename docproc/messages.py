"""What docproc says to a person, rendered from ``lexicons/messages.yaml`` in Chinese (default) or English.

Checks build a :class:`Message` (a code and named parameters) and never a sentence, so the wording of
every finding, every code word (目标/实际, 不低于, 未完成 ...) and every column header lives in one data
file; JSON keeps the codes and carries the rendered text beside them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cache
from typing import Any

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Word:
    """A code word inside a message (增加 / up), written in the message's language."""

    group: str
    key: str


@dataclass(frozen=True)
class Message:
    """A finding's message before it is written out: its code and named parameters."""

    code: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)

    def text(self, lang: str = "zh") -> str:
        return render(self.code, self.params, lang)


def msg(code: str, **params: Any) -> Message:
    """The message ``code`` with its parameters; the code must exist in messages.yaml."""
    if code not in _data()["findings"]:
        raise KeyError(f"no message {code!r} in lexicons/messages.yaml")
    return Message(code, params)


@cache
def _data() -> dict[str, Any]:
    from . import resources

    return resources.data("messages.yaml")


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else "zh"


def _value(code: str, name: str, value: Any, lang: str) -> str:
    d = _data()
    if isinstance(value, Word):
        return word(value.group, value.key, lang)
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, dict) for v in value):
            template = d["findings"][f"{code}.{name}"][lang]
            return d["list_separator"][lang].join(
                template.format(**{k: _value(code, k, x, lang) for k, x in v.items()}) for v in value)
        return " + ".join(_value(code, name, v, lang) for v in value)
    return "" if value is None else str(value)


def render(code: str, params: dict[str, Any] | None = None, lang: str = "zh") -> str:
    """The message ``code`` written in ``lang`` with its parameters; a ``caption`` parameter goes in front."""
    lang = _lang(lang)
    d = _data()
    params = dict(params or {})
    caption = params.pop("caption", "")
    entry = d["findings"].get(code)
    if entry is None:
        return code
    text = entry[lang].format(**{k: _value(code, k, v, lang) for k, v in params.items()})
    return d["caption"][lang].format(caption=caption, message=text) if caption else text


def word(group: str, key: str | None, lang: str = "zh") -> str:
    """The word for a code (role ``target`` -> 目标, op ``>=`` -> 不低于); an unknown code comes back as is."""
    if key is None:
        return ""
    entry = _data()["words"].get(group, {}).get(key)
    return entry[_lang(lang)] if entry else str(key)


def header(name: str, lang: str = "zh") -> str:
    """A column header or sheet name (written in Chinese in the code) in ``lang``."""
    if _lang(lang) == "zh":
        return name
    return _data()["headers"].get(name, name)


def where(doc: Any, offset: int, lang: str = "zh") -> str:
    """(第2页第5段): the page of a text offset and its paragraph on that page, both counted from 1."""
    starts = [p.span[0] for p in doc.paragraphs]
    if not starts:  # a document rebuilt from a store keeps no paragraphs
        return _data()["where_page"][_lang(lang)].format(page=doc.page_of(offset))
    page = doc.page_of(offset)
    page_start = doc.page_starts[page - 2] if page > 1 and len(doc.page_starts) >= page - 1 else 0
    # paragraphs counted from the top of the page, as a reader counts them on paper
    paragraph = max(1, bisect.bisect_right(starts, offset) - bisect.bisect_left(starts, page_start))
    return _data()["where"][_lang(lang)].format(page=page, paragraph=paragraph)


def finding_text(f: Any, lang: str = "zh", doc: Any = None) -> str:
    """A finding's message in ``lang``, followed by where it stands when the document is given."""
    text = render(f.code, f.params, lang) if f.code else f.message
    if doc is not None and f.spans:
        text += where(doc, f.spans[0][0], lang)
    return text
