"""The learned role model: shipped weights that fit together, used only where no cue decides, and
better than the rules' default across documents it was not trained on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docproc import extract_text
from docproc.extract import role_model, roles
from docproc.resources import lexicon_dir


def test_shipped_weights_fit_together() -> None:
    data = json.loads((lexicon_dir() / "models" / "roles.json").read_text(encoding="utf-8"))
    assert set(data["classes"]) == {"actual", "target"}
    width = len(data["vocabulary"])
    assert width > 100 and len(set(data["vocabulary"])) == width
    rows = 1 if len(data["classes"]) == 2 else len(data["classes"])
    assert len(data["coef"]) == rows and all(len(row) == width for row in data["coef"])
    assert 0.5 <= data["min_confidence"] < 1


def test_prediction_is_a_role_with_a_probability() -> None:
    guess = role_model.predict(["kind=report", "doc=report", "unit=个", "l:新建"])
    assert guess is not None
    role, p = guess
    assert role in {"actual", "target"} and 0.5 <= p <= 1


def test_model_is_asked_only_when_no_cue_decides(monkeypatch) -> None:
    asked: list[str] = []

    def fake(doc, span, clause, sentence, unit):
        asked.append(doc.text[span[0]: span[1]])
        return "target"

    monkeypatch.setattr(roles, "model_role", fake)
    text = "二、工作回顾\n全县新修道路25公里,新建学校3所。目标任务为新增就业3000人。\n"
    doc = extract_text(text, checks=False)
    by_text = {q.text: q.role for q in doc.quantities}
    # 目标任务为… is decided by a cue; the bare 25公里 in a review is the model's to judge
    assert by_text["3000人"] == "target"
    assert "3000" not in "".join(asked)
    assert any("25" in a for a in asked)


REAL = Path(__file__).resolve().parents[1] / "corpora" / "real"


@pytest.mark.slow
def test_model_beats_the_default_across_documents() -> None:
    from docproc.learn.roles import cross_validate, samples

    source = json.loads(next(REAL.glob("0*.json")).read_text(encoding="utf-8"))["input"]
    if not (REAL / source).resolve().exists():
        pytest.skip("../shared/real is not here")
    report = cross_validate(samples())
    assert report["documents"] >= 20 and report["undecided"] >= 300
    assert report["undecided_model_accuracy"] >= report["undecided_rule_accuracy"]
