"""Issue 19: units from everywhere a table states them, and the shortfall check on 目标 | 完成 tables.

Corpora: ``corpora/tables/units.yaml`` (every quantity of the document as [text, value, unit, role]) and
``corpora/tables/shortfall.yaml`` (the goal findings, by a phrase of the row each one is about).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from docproc.pipeline import process_text

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "tables"


def _cases(name: str) -> list:
    out = []
    for entry in yaml.safe_load((CORPUS / name).read_text(encoding="utf-8")):
        # known_failure, not xfail: tests/test_tables.py reads these files too, for the table count only
        why = entry.get("known_failure")
        marks = [pytest.mark.xfail(reason=why, strict=True)] if why else []
        out.append(pytest.param(entry, id=entry["name"], marks=marks))
    return out


def _run(entry: dict):
    ctx = entry.get("context", {})
    ref = f"{ctx['year']}-06-30" if "year" in ctx else None
    doc = process_text(entry["text"], ref_date=ref, kind=ctx.get("kind"), checks=True)
    assert len(doc.tables) == entry["tables"], [t.columns for t in doc.tables]
    return doc


@pytest.mark.parametrize("entry", _cases("units.yaml"))
def test_units(entry):
    doc = _run(entry)
    got = []
    for q in doc.quantities:
        assert doc.text[q.span[0]:q.span[1]] == q.text
        got.append([q.text, q.value, q.unit, q.role])
    expected = [[t, pytest.approx(v, rel=1e-6), u, r] for t, v, u, r in entry["expected"]]
    assert got == expected


@pytest.mark.parametrize("entry", _cases("shortfall.yaml"))
def test_shortfall(entry):
    doc = _run(entry)
    goals = [f for f in doc.findings if f.check == "goal"]
    assert all(f.severity == "warning" for f in goals)
    for f in goals:
        assert all(doc.text[s:e] in f.evidence or f.evidence in doc.text[s:e] for s, e in f.spans[:1])
    phrases = [p for p, _, _ in entry["goals"]]
    got = [[next((p for p in phrases if p in f.evidence), f.evidence), f.reported, f.expected] for f in goals]
    assert got == [[p, pytest.approx(a), pytest.approx(t)] for p, a, t in entry["goals"]], [f.message for f in goals]
    if "findings" in entry:
        assert [[f.check, f.severity] for f in doc.findings] == entry["findings"], [f.message for f in doc.findings]


def test_corpora_have_negatives():
    units = yaml.safe_load((CORPUS / "units.yaml").read_text(encoding="utf-8"))
    shortfall = yaml.safe_load((CORPUS / "shortfall.yaml").read_text(encoding="utf-8"))
    assert sum(1 for e in units if not e["expected"]) >= 2
    assert sum(1 for e in shortfall if not e["goals"]) >= 5
