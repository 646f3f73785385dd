"""HTML tables read as grids: rowspan/colspan, Word-exported cells, hidden copies, layout tables.

The pages here are made up for the tests (a county's task division, a Word export with its mso styles),
in the shapes real pages take.
"""

from __future__ import annotations

from docproc.ingest import read_bytes
from docproc.pipeline import document_from_raw, run_stages

DIVISION = """<html><body>
<p>附件</p><p>2024年重点任务分工表</p>
<table border="1">
<tr><th>序号</th><th>工作事项</th><th>主要内容</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
<tr><td rowspan="2">1</td><td rowspan="2">改善人居环境</td><td>新建污水管网12公里</td>
    <td rowspan="2">县住建局</td><td>县水务局</td><td>2024年6月底前</td></tr>
<tr><td>完成户厕改造800户</td><td>县农业农村局</td><td>2024年11月底前</td></tr>
<tr><td>2</td><td>稳定就业</td><td>新增城镇就业3000人</td><td>县人社局</td><td></td><td></td></tr>
<tr><td>3</td><td>扶持市场主体</td><td>兑现贷款贴息500万元</td><td>县财政局</td><td>同上</td><td>每季度</td></tr>
<tr><td colspan="3">合计</td><td></td><td></td><td></td></tr>
</table>
<div style="display:none"><p>2024年重点任务分工表(手机版副本)</p></div>
</body></html>"""

WORD_EXPORT = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><body>
<div class="WordSection1">
<p class="MsoNormal"><span style="font-family:仿宋">县政府重点工作责任清单</span></p>
<table class="MsoTableGrid" border="1">
 <tr><td width="60"><p class="MsoNormal"><b><span style="font-family:黑体">序号</span></b><o:p></o:p></p></td>
     <td><p class="MsoNormal"><b><span>重点任务</span></b></p></td>
     <td><p class="MsoNormal"><b><span>责任单位</span></b></p></td>
     <td><p class="MsoNormal"><b><span>完成时限</span></b></p></td></tr>
 <tr><td><p class="MsoNormal"><span>1</span></p></td>
     <td><p class="MsoNormal"><span>建成智慧停车平台,</span></p><p class="MsoNormal"><span>接入公共泊位2000个</span></p></td>
     <td><p class="MsoNormal"><span>县交通运输局</span></p></td>
     <td><p class="MsoNormal"><span>9月底前</span><o:p></o:p></p></td></tr>
 <tr><td><p class="MsoNormal"><span>2</span></p></td>
     <td><p class="MsoNormal"><span>完成老旧小区改造</span><span>6个</span></p></td>
     <td><p class="MsoNormal"><span>县住建局</span></p></td>
     <td><p class="MsoNormal"><span>年底前</span></p></td></tr>
</table></div></body></html>"""


def _doc(html: str, ref_date: str = "2024-03-01"):
    raw = read_bytes(html.encode("utf-8"), name="page.html")
    return raw, run_stages(document_from_raw(raw, "page.html", ref_date=ref_date))


def _task(doc, anchor: str):
    found = [t for t in doc.tasks if anchor in t.text]
    assert found, [t.text for t in doc.tasks]
    return min(found, key=lambda t: len(t.text))


def test_rowspan_rows_are_laid_out_as_a_grid() -> None:
    raw, doc = _doc(DIVISION)
    rows = [line for line in raw.text.split("\n") if "|" in line]
    assert rows[2] == " |  | 完成户厕改造800户 |  | 县农业农村局 | 2024年11月底前"
    assert raw.tables[0]["merged"] == [[2, 0], [2, 1], [2, 3]]
    assert len(doc.tables) == 1 and doc.tables[0].kind == "tasks" and doc.tables[0].from_grid


def test_division_table_gives_one_task_per_row() -> None:
    _, doc = _doc(DIVISION)
    assert len(doc.tasks) == 4, [t.text for t in doc.tasks]  # 附件, the caption and 合计 are no tasks
    first, second = _task(doc, "新建污水管网"), _task(doc, "完成户厕改造")
    assert list(first.units.lead) == ["县住建局"] and list(first.units.support) == ["县水务局"]
    assert list(second.units.lead) == ["县住建局"]  # merged down from the row above
    assert list(second.units.support) == ["县农业农村局"]
    assert [d.date for d in second.deadlines] == ["2024-11-30"]


def test_empty_cell_that_is_not_merged_stays_empty() -> None:
    _, doc = _doc(DIVISION)
    jobs = _task(doc, "新增城镇就业")
    assert list(jobs.units.support) == [] and list(jobs.deadlines) == []


def test_ditto_cell_takes_the_row_above() -> None:
    _, doc = _doc(DIVISION)
    loans = _task(doc, "兑现贷款贴息")
    assert list(loans.units.support) == []  # 同上 of an empty cell is empty
    assert [d.kind for d in loans.deadlines] == ["recurring"]


def test_hidden_copy_is_not_read() -> None:
    raw, _ = _doc(DIVISION)
    assert "手机版副本" not in raw.text


def test_task_table_content_leaves_out_number_unit_and_deadline_cells() -> None:
    from docproc.export.rows import task_rows

    _, doc = _doc(DIVISION)
    contents = [r["任务内容"] for r in task_rows(doc)]
    assert contents[1] == "改善人居环境:完成户厕改造800户"  # the merged item cell stands for its rows


def test_word_export_cells_are_joined() -> None:
    raw, doc = _doc(WORD_EXPORT)
    assert "1 | 建成智慧停车平台,接入公共泊位2000个 | 县交通运输局 | 9月底前" in raw.text.split("\n")
    assert len(doc.tasks) == 2
    park = _task(doc, "智慧停车平台")
    assert list(park.units.responsible) == ["县交通运输局"]
    assert [d.date for d in park.deadlines] == ["2024-09-30"]
    assert [(q.value, q.unit) for q in park.quantities] == [(2000, "个")]


def test_layout_table_is_read_as_blocks() -> None:
    page = ("<table><tr><td>网站首页</td></tr><tr><td><p>关于做好春耕生产的通知</p><p>各乡镇要在3月底前完成备耕。</p>"
            + DIVISION[DIVISION.index("<table"):DIVISION.index("</table>") + 8] + "</td></tr></table>")
    raw, doc = _doc(page)
    lines = raw.text.split("\n")
    assert "各乡镇要在3月底前完成备耕。" in lines
    assert len(doc.tables) == 1 and doc.tables[0].kind == "tasks"


def _cells_laid_out(text: str) -> int:
    """The grid cells written out: what expanding a span costs, counted instead of timed."""
    return sum(len(line.split("|")) for line in text.split("\n") if "|" in line)


def test_hostile_spans_are_capped() -> None:
    page = '<table><tr><td rowspan="99999999" colspan="99999999">甲</td><td>乙</td></tr><tr><td>丙</td></tr></table>'
    raw = read_bytes(page.encode("utf-8"), name="x.html")
    assert "甲" in raw.text and "丙" in raw.text
    assert _cells_laid_out(raw.text) <= 2 * 200  # two rows of at most 200 columns, not 10^8


def test_a_very_wide_table_is_capped() -> None:
    cells = "".join(f'<td colspan="900">{i}</td>' for i in range(400))
    raw = read_bytes(f"<table><tr>{cells}</tr><tr><td>甲</td><td>乙</td></tr></table>".encode(), name="w.html")
    assert _cells_laid_out(raw.text) <= 2 * 200  # not 400 x 900
    assert max(len(line.split("|")) for line in raw.text.split("\n")) <= 200
    assert "399" in raw.text  # cells past the cap are kept, in the last column


def test_docx_grid_keeps_an_empty_cell_empty(tmp_path) -> None:
    """A Word table hands over its merges too: a merged-down deadline goes on, an empty one does not."""
    from docproc.pipeline import process

    from fixtures import table_docx

    rows = [["序号", "重点任务", "牵头单位", "完成时限"],
            ["1", "修订河长制考核办法", "县水利局", "5月底前"],
            ["2", "开展河道清淤", "县水利局", ""],
            ["3", "建设生态缓冲带", "县林业局", "10月底前"],
            ["4", "巡查入河排污口", "县生态环境分局", ""]]
    doc = process(table_docx(tmp_path / "t.docx", rows, merge_down=(3, 3, 4)), ref_date="2024-01-01")
    assert doc.tables[0].from_grid
    dates = {t.text.split("|")[1]: [d.date for d in t.deadlines] for t in doc.tasks}
    assert dates["开展河道清淤"] == []  # empty, not merged: no deadline of its own
    assert dates["巡查入河排污口"] == ["2024-10-31"]  # merged down from the row above
