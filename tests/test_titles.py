"""Document titles: the whole title across lines, from the text (corpora/titles.yaml).

Each case goes through normalization (chrome, script) and metadata as a file would, so a title line the
chrome rules took, or a banner they left, shows up here."""

from __future__ import annotations

import pytest

from docproc.ingest import RawDocument
from docproc.pipeline import document_from_raw

from conftest import corpus, seed_paths


def _title(text: str, source: str = "<text>") -> str:
    return document_from_raw(RawDocument(text=text, format="text"), source).meta.title


@pytest.mark.parametrize("entry", corpus("titles"))
def test_titles(entry: dict) -> None:
    assert _title(entry["text"], entry.get("source", "<text>")) == entry["expected"]


def test_no_title_and_no_file_name_gives_none() -> None:
    """A text with no title line, passed as a string, has no title rather than its first heading."""
    assert _title("一、工作目标\n全年新建村级服务站42个。\n二、保障措施\n加强督查。") == ""


@pytest.mark.parametrize("heading", ["一、总体目标", "(二)重点任务", "3.保障措施", "第一章 总则"])
def test_a_numbered_heading_is_never_the_title(heading: str) -> None:
    from docproc.metadata import find_title

    assert find_title(f"{heading}\n到2026年底新增停车泊位600个。") == ""


def test_seed_without_a_title_line_is_named_by_its_file() -> None:
    """The seed that opens on its metadata table and a sentence gave its first section heading before."""
    path = next(p for p in seed_paths() if p.name.startswith("003"))
    doc = document_from_raw(RawDocument(text=path.read_text(encoding="utf-8"), format="text"), str(path))
    assert doc.meta.title == path.stem


def test_title_lines_are_kept_in_the_text() -> None:
    """The short first line of a two-line title is the document's, not a caption the chrome rules drop."""
    from docproc.normalize import normalize

    norm = normalize("临川县\n2025年国民经济和社会发展统计公报\n2025年,全县粮食产量达到41.2万吨。")
    assert norm.text.split("\n")[0] == "临川县"
    assert "临川县" not in norm.removed
