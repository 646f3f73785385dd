"""The table corpus (corpora/tables/*.yaml) and the table readers' fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from docproc.pipeline import process_text

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "tables"


def _cases() -> list:
    out = []
    for path in sorted(CORPUS.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            marks = [pytest.mark.xfail(reason=entry["xfail"], strict=True)] if entry.get("xfail") else []
            out.append(pytest.param(entry, id=f"{path.stem}-{entry['name']}", marks=marks))
    return out


def run(entry: dict):
    ctx = entry.get("context", {})
    ref = f"{ctx['year']}-06-30" if "year" in ctx else None
    return process_text(entry["text"], ref_date=ref, kind=ctx.get("kind"), checks=True)


def test_corpus_size():
    assert len(_cases()) >= 30


@pytest.mark.parametrize("entry", _cases())
def test_table_case(entry):
    doc = run(entry)
    assert len(doc.tables) == entry["tables"], [t.columns for t in doc.tables]
    for table in doc.tables:
        for row in table.rows:
            for cell in row:
                assert doc.text[cell.span[0]:cell.span[1]] == cell.text
    if "quantities" in entry:
        got = []
        table_qs = [q for q in doc.quantities if q.table is not None]
        for q, exp in zip(table_qs, entry["quantities"] + [None] * len(table_qs), strict=False):
            assert doc.text[q.span[0]:q.span[1]] == q.text
            row = [q.text, q.value, q.unit]
            if exp is not None and len(exp) > 3:
                row.append(q.role)
            if exp is not None and len(exp) > 4:
                row.append(q.indicator)
            got.append(row)
        expected = [[e[0], pytest.approx(e[1], rel=1e-6), *e[2:]] for e in entry["quantities"]]
        assert got == expected
    for exp in entry.get("tasks", []):
        found = [t for t in doc.tasks if exp["anchor"] in t.text]
        assert found, f"no task holds {exp['anchor']!r}: {[t.text for t in doc.tasks]}"
        task = min(found, key=lambda t: len(t.text))
        units = task.units
        assert list(units.lead if units else []) == exp.get("lead", [])
        assert list(units.responsible if units else []) == exp.get("responsible", [])
        assert list(units.support if units else []) == exp.get("support", [])
        assert sorted(d.date for d in task.deadlines if d.date) == exp["deadlines"]
    if "task_count" in entry:
        assert len(doc.tasks) == entry["task_count"], [t.text for t in doc.tasks]
    if "findings" in entry:
        assert [[f.check, f.severity] for f in doc.findings] == entry["findings"], [f.message for f in doc.findings]


# ---- readers: each writes its tables so that the same finder reads them --------------------------

def _process(path):
    from docproc.pipeline import process

    return process(path, ref_date="2024-06-30")


def _figures(doc) -> list[tuple[str, float, str, str]]:
    return [(q.text, q.value, q.unit, q.table.row_label) for q in doc.quantities if q.table is not None]


DATA_FIGURES = [
    ("1250.6", 125060000000.0, "元", "地区生产总值"), ("1180.2", 118020000000.0, "元", "地区生产总值"),
    ("6.0", 6.0, "%", "地区生产总值"),
    ("98.5", 9850000000.0, "元", "一般公共预算收入"), ("92.1", 9210000000.0, "元", "一般公共预算收入"),
    ("6.9", 6.9, "%", "一般公共预算收入"),
    ("640.0", 64000000000.0, "元", "固定资产投资"), ("600.0", 60000000000.0, "元", "固定资产投资"),
    ("6.7", 6.7, "%", "固定资产投资"),
]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_pdf_table(tmp_path, ruled):
    from fixtures import DATA_TABLE, table_pdf

    doc = _process(table_pdf(tmp_path / "t.pdf", DATA_TABLE, ruled=ruled))
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.caption == "表1主要指标" and table.unit_note == "亿元" and table.page == 1
    assert table.columns == ("指标", "2023年", "2022年", "增长(%)")
    assert _figures(doc) == DATA_FIGURES
    assert all(q.page == 1 for q in doc.quantities)
    assert doc.check_stats["relations_checked"] >= 3 and doc.findings == []


def test_pdf_table_running_onto_next_page_is_one_table(tmp_path):
    from fixtures import DATA_TABLE, table_pdf

    doc = _process(table_pdf(tmp_path / "t.pdf", DATA_TABLE, ruled=True, pages=2))
    assert len(doc.tables) == 1
    labels = [row[0].text for row in doc.tables[0].body]
    assert labels == ["地区生产总值", "一般公共预算收入", "固定资产投资", "地区生产总值续", "一般公共预算收入续", "固定资产投资续"]
    pages = {q.table.row: q.page for q in doc.quantities if q.table}
    assert pages[1] == 1 and pages[4] == 2


def test_docx_table_with_merged_cells(tmp_path):
    from fixtures import TASK_TABLE, table_docx

    path = table_docx(tmp_path / "t.docx", TASK_TABLE, merge_down=(2, 1, 3), before="2024年重点任务分解")
    doc = _process(path)
    assert [t.kind for t in doc.tables] == ["tasks"]
    assert len(doc.tasks) == 3
    assert [list(t.units.lead) for t in doc.tasks] == [["县住建局"]] * 3  # merged down over three rows
    assert [[d.date for d in t.deadlines] for t in doc.tasks] == [["2024-09-30"], ["2024-12-31"], ["2024-12-31"]]
    assert all(t.table is not None and t.table.table == 0 for t in doc.tasks)


def test_docx_merged_across_keeps_columns(tmp_path):
    from fixtures import table_docx

    rows = [["项目", "2023年", "", "2024年"], ["", "预算", "执行", "预算"], ["教育", "5200", "5100", "5600"],
            ["卫生", "3100", "3050", "3300"]]
    doc = _process(table_docx(tmp_path / "t.docx", rows, merge_across=(0, 1, 2), before="单位:万元"))
    assert doc.tables[0].columns == ("项目", "2023年预算", "2023年执行", "2024年预算")
    assert [(q.text, q.value, q.role) for q in doc.quantities][:3] == [
        ("5200", 52000000.0, "target"), ("5100", 51000000.0, "actual"), ("5600", 56000000.0, "target")]


def test_xlsx_task_division(tmp_path):
    from fixtures import TASK_TABLE, table_xlsx

    path = table_xlsx(tmp_path / "分工.xlsx", TASK_TABLE, title="2024年重点任务分解表", merge_down=(3, 1, 3))
    doc = _process(path)
    assert doc.meta.title == "2024年重点任务分解表"  # the sheet's own title row (one sheet: its name is not shown)
    assert len(doc.tasks) == 3
    assert [list(t.units.responsible) for t in doc.tasks] == [["各乡镇人民政府"]] * 3
    assert [[d.date for d in t.deadlines] for t in doc.tasks] == [["2024-09-30"], ["2024-12-31"], ["2024-12-31"]]
    q = next(q for q in doc.quantities if q.text == "3000户")
    assert q.table is not None and q.table.row == 2


def test_xlsx_figures_and_percent_format(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["指标", "2023年(亿元)", "增速"])
    ws.append(["地区生产总值", 352.4, 0.062])
    ws["C2"].number_format = "0.0%"
    wb.save(tmp_path / "d.xlsx")
    doc = _process(tmp_path / "d.xlsx")
    assert [(q.text, q.value, q.unit) for q in doc.quantities] == [("352.4", 35240000000.0, "元"), ("6.2%", 6.2, "%")]


def test_csv_input(tmp_path):
    path = tmp_path / "指标.csv"
    path.write_text("指标,单位,2023年\n新增城镇就业,万人,1.2\n粮食产量,万吨,52.6\n", encoding="utf-8-sig")
    doc = _process(path)
    assert [(q.value, q.unit) for q in doc.quantities] == [(12000.0, "人"), (526000.0, "吨")]


def test_prospectus_tables():
    """The bond prospectus page: two ruled tables; 授信总额 = 已使用 + 剩余 holds on every row."""
    from conftest import PDFS, require_pdfs

    require_pdfs()
    doc = _process(PDFS / "pymupdf_chinese-tables_bond-prospectus-p251.pdf")
    captions = [t.caption for t in doc.tables]
    assert len(captions) == 2 and captions[0].startswith("表7-1") and captions[1].startswith("表7-2")
    assert captions[1].endswith("授信及使用情况")
    assert doc.tables[1].unit_note == "万元"
    first = [q for q in doc.quantities if q.table and q.table.table == 1][:3]
    assert [(q.value, q.unit, q.indicator) for q in first] == [
        (3304353000.0, "元", "工商银行授信总额"), (2348500000.0, "元", "工商银行已使用情况"),
        (955853000.0, "元", "工商银行剩余额度")]
    assert not [q for q in doc.quantities if q.table and q.table.table == 0]  # years and ratings are no figures
    assert doc.findings == []
    assert doc.check_stats["relations_checked"] >= 11


def test_exports_name_the_table_row_and_column(tmp_path):
    import openpyxl

    from docproc.export import write_xlsx
    from docproc.export.rows import task_rows

    text = "表1 主要目标\n指标 | 2025年目标\n粮食产量(万吨) | 52\n序号 | 重点任务 | 责任单位 | 完成时限\n1 | 建设高标准农田 | 县农业农村局 | 年底前\n"
    doc = process_text(text, ref_date="2024-06-30", kind="plan")
    write_xlsx([doc], tmp_path / "out.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx")["指标"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert (row["原文"], row["表格"], row["行标签"], row["列标题"]) == ("52", "表1 第2行", "粮食产量(万吨)", "2025年目标")
    assert task_rows(doc)[0]["来源表格"] == "表2 第2行"
