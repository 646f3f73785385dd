"""`docproc extract FILE --out x.spacy`: the annotations as a spaCy DocBin, read back as tools read it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from docproc.cli import app
from docproc.export.spacy_doc import GROUPS
from docproc.pipeline import process

PLAN = """关于推进农村供水保障工作的实施方案

一、工作目标
到2026年底,全县农村自来水普及率达到98%以上,新建改造供水管网320公里。

二、重点任务
(一)加快水源工程建设。新建小型水库3座,6月底前完成选址论证。(牵头单位:县水利局;配合单位:县发展改革局、县财政局)
(二)提升运行管护水平。每个乡镇配备专职管护人员不少于5名,9月30日前建立运行台账。(责任单位:各乡镇人民政府)
(三)强化水质检测。全年抽检水样不少于1200份,检测合格率保持在95%以上。(责任单位:县卫生健康委)
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("spacy")
    source = folder / "供水方案.txt"
    source.write_text(PLAN, encoding="utf-8")
    out = folder / "plan.spacy"
    result = CliRunner().invoke(app, ["extract", str(source), "--out", str(out), "--ref-date", "2026-01-01"])
    assert result.exit_code == 0, result.output
    return source, out


def _read(path: Path) -> list:
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("zh").vocab))


def test_docbin_holds_every_item_as_a_span(written) -> None:
    source, out = written
    document = process(source, ref_date="2026-01-01")
    (doc,) = _read(out)
    assert doc.text == document.text
    items = {"quantities": document.quantities, "deadlines": document.deadlines,
             "units": [u for u in document.unit_clauses if not u.is_empty()], "tasks": document.tasks}
    assert set(GROUPS) == set(items) <= set(doc.spans)
    assert len(items["quantities"]) >= 6 and len(items["deadlines"]) >= 2 and len(items["tasks"]) >= 3
    assert len(items["units"]) == 3
    for name in GROUPS:
        spans = list(doc.spans[name])
        assert len(spans) == len(items[name]), name
        for span, item in zip(spans, items[name], strict=True):
            start, end = item.span
            # whole jieba tokens: the span covers the item and starts and ends where it does when they align
            assert span.start_char <= start and end <= span.end_char, (name, span.text, document.text[start:end])
            assert document.text[start:end] in span.text
    exact = [(s.text, item.text) for name in ("quantities", "deadlines", "tasks")
             for s, item in zip(doc.spans[name], items[name], strict=True)]
    assert all(a == b for a, b in exact), [p for p in exact if p[0] != p[1]]


def test_labels_and_facts_survive_the_round_trip(written) -> None:
    source, out = written
    document = process(source, ref_date="2026-01-01")
    (doc,) = _read(out)
    assert [s.label_ for s in doc.spans["quantities"]] == [q.role for q in document.quantities]
    assert [s.label_ for s in doc.spans["deadlines"]] == [d.kind for d in document.deadlines]
    facts = doc.user_data["docproc"]["groups"]
    assert [(f["value"], f["unit"]) for f in facts["quantities"]] == [(q.value, q.unit) for q in document.quantities]
    assert [f["date"] for f in facts["deadlines"]] == [d.date for d in document.deadlines]
    lead = [list(f["lead"]) for f in facts["units"] if f["lead"]]  # msgpack reads lists back as tuples
    assert lead == [["县水利局"]]
    assert (320, "公里") in [(f["value"], f["unit"]) for f in facts["quantities"]]
    assert "2026-06-30" in [f["date"] for f in facts["deadlines"]]


def test_spacy_format_needs_a_file(tmp_path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(PLAN, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(source), "--format", "spacy"])
    assert result.exit_code == 2
    assert "--out" in result.output and "Traceback" not in result.output
