"""Every lexicon file, and every key of a YAML lexicon, is read by the code.

A word list nobody reads is worse than none: whoever edits it expects the tool to change. The check is
static, over the package's string constants (docstrings left out, so a mention in prose does not count):
a file's name must be written in the code that loads it, a YAML key as a quoted key or as a field of a
pattern template (``{before_or_on}``), and every tag of ``units.tsv`` (its tags column) as a string the
rules ask for. Delete a key the code stops reading, or wire it.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
LEXICONS = ROOT / "lexicons"
FILES = sorted(p for p in LEXICONS.iterdir() if p.is_file() and p.name != "README.md")


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


@cache
def _strings() -> str:
    """Every string constant of the package (f-string parts too), docstrings left out, one per line."""
    out: list[str] = []
    for path in sorted((ROOT / "docproc").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        out.extend(node.value for node in ast.walk(tree)
                   if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs)
    return "\n".join(out)


def _named(word: str) -> bool:
    return re.search(r"(?<![\w.])" + re.escape(word) + r"(?![\w])", _strings()) is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_lexicon_file_is_loaded(path: Path) -> None:
    assert path.name in _strings(), f"lexicons/{path.name} is read by no code: wire it or delete it"


YAML_FILES = [p for p in FILES if p.suffix == ".yaml"]


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_every_yaml_key_is_read(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: a lexicon is a mapping of named lists"
    unread = [k for k in data if not _named(str(k))]
    assert not unread, f"{path.name}: keys no code reads: {unread} (wire them or delete them)"


def test_every_unit_tag_is_read() -> None:
    tags = set()
    for line in (LEXICONS / "units.tsv").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or len(cells) < 5:
            continue
        tags.update(t.strip() for t in cells[4].split(",") if t.strip())
    assert tags, "units.tsv carries tags (whole, reach, same:…)"
    assert "same:" in _strings()
    unread = sorted(t for t in tags if not t.startswith("same:") and not _named(t))
    assert not unread, f"units.tsv tags no rule asks for: {unread}"


def test_the_check_sees_an_unread_key() -> None:
    """The static check itself: a key written nowhere in the code is caught, a key read is not."""
    assert _named("before_or_on")
    assert not _named("no_such_lexicon_key_anywhere")
