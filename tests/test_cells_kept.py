"""Every table cell is kept (issue 19): one-cell-per-line tables are rebuilt whole, and page-clutter
rules never remove a line of a table. The corpus is corpora/tables/one_cell_per_line.yaml (made-up
tables; tests/test_tables.py reads it too, for the tables and their figures); the real documents
of ../shared are followed number by number with bench/cells_kept.py."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest
import yaml

from docproc import columns
from docproc.normalize import normalize

from conftest import ROOT, SHARED

CORPUS = ROOT / "corpora" / "tables" / "one_cell_per_line.yaml"


def _bench():
    spec = importlib.util.spec_from_file_location("cells_kept", ROOT / "bench" / "cells_kept.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["cells_kept"] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


cells_kept = _bench()


def _entries() -> list:
    return [pytest.param(e, id=e["name"]) for e in yaml.safe_load(CORPUS.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("entry", _entries())
def test_rows_rebuilt_and_numbers_kept(entry):
    norm = normalize(entry["text"])
    lines = norm.text.split("\n")
    pos = 0
    for row in entry["rows"]:  # each row, in order (a header written again comes again)
        assert row in lines[pos:], f"{row!r} not in\n" + "\n".join(lines)
        pos = lines.index(row, pos) + 1
    for line in entry.get("absent", []):
        assert line not in lines, f"{line!r} is page clutter"
    count = cells_kept.count_text(entry["name"], entry["text"])
    assert count.lost == []
    assert count.kept + count.removed == count.raw
    if entry.get("numbers_kept", True):  # only page marks may go
        assert set(count.chrome) <= {"page_number"}, dict(count.chrome)


def test_offsets_of_rebuilt_rows_point_at_their_cells():
    entry = next(e for e in yaml.safe_load(CORPUS.read_text(encoding="utf-8")) if "wrapped" in e["name"])
    raw = entry["text"]
    norm = normalize(raw)
    for i, ch in enumerate(norm.text):
        if ch not in "|\n":
            assert raw[norm.offsets[i]] == ch


def test_page_clutter_rules_are_named():
    norm = normalize("\n".join(["政务公开", "办事服务", "2024-03-05 10:20:30",
                                "关于开展安全检查的通知", "各单位:请于5月底前完成自查,共检查企业120家。", "- 3 -"]))
    rules = {rule for _, _, rule in norm.dropped}
    assert rules == {"short", "date_stamp", "page_number"}
    assert norm.text.split("\n") == ["关于开展安全检查的通知", "各单位:请于5月底前完成自查,共检查企业120家。"]


def test_a_signature_date_and_document_number_are_no_clutter():
    text = "关于加强河道管理的通知\n县政发〔2024〕7号\n各乡镇:请加强巡查。\n2024年3月8日"
    assert normalize(text).text.split("\n") == text.split("\n")


def test_bare_figures_in_a_run_of_cells_are_kept_even_unrebuilt():
    # no header, so no row can be rebuilt; but a run of short cells a third of them figures is a table
    cells = ["甲片", "12.5", "3.1", "乙片", "8.4", "2.2", "丙片", "6.1", "1.9"]
    norm = normalize("\n".join(["以下为各片区数据。", *cells, "以上数据为初步统计。"]))
    assert all(c in norm.text.split("\n") for c in cells)


def _listing(n: int) -> list[str]:
    rng = random.Random(7)
    names = ["东河", "西岭", "南湖", "北山", "青石", "白沙"]
    return [f"{rng.choice(names)}路{rng.randint(1, 99)}号" for _ in range(n)]  # short lines, each a possible header cell


def test_planning_grows_linearly_with_the_listing(monkeypatch):
    """Rows tried while planning a long listing of short lines grow with its length, not its square."""
    calls = {"n": 0}
    real = columns._fits

    def counting(kinds, row):
        calls["n"] += 1
        return real(kinds, row)

    monkeypatch.setattr(columns, "_fits", counting)
    tried = []
    for n in (1000, 4000):
        calls["n"] = 0
        columns.plan(_listing(n))
        tried.append(calls["n"])
    assert tried[1] <= 5 * max(tried[0], 1)


REAL = [p for d in (SHARED / "real", SHARED / "pdfs") if d.is_dir() for p in cells_kept.documents([str(d)])]


@pytest.mark.slow
@pytest.mark.skipif(not REAL, reason="../shared/real is not here")
@pytest.mark.parametrize("path", REAL, ids=lambda p: Path(p).name[:40])
def test_real_document_loses_no_number(path):
    """Every number of the reader's text is in ``text``, unless a named chrome rule removed its line."""
    count = cells_kept.count_path(path)
    assert count.lost == [], count.lost[:5]
    assert count.kept + count.removed == count.raw
