"""Issue 21: a document printed as a bulletin PDF reads as its text does.

The texts here are invented for these tests. Each is rendered in the test itself (reportlab, built-in
CJK font) as a bulletin: A4, justified or ragged paragraphs with a two-character first-line indent, a
title centred over two lines, footnotes at the foot of the page, a signature set right and ``- N -``
page numbers at the outer corner. The PDF's text must be the source text's, paragraph for paragraph,
and its tasks, units, deadlines and figures the same.
"""

from __future__ import annotations

import re

import pytest

from docproc.ingest import lines as layout
from docproc.ingest import read_path
from docproc.ingest.lines import Line, Page

from fixtures import BULLETIN_BODY, bulletin_pdf, bulletin_text

PLAN = {
    "number": "某县政办发〔2024〕7号",
    "title": ["某县人民政府办公室关于印发2024年农村", "人居环境整治提升工作方案的通知"],
    "blocks": [
        ("flush", "各乡镇人民政府，县直各有关单位："),
        ("p", "《某县2024年农村人居环境整治提升工作方案》已经县人民政府同意，现印发给你们，请结合实际认真贯彻落实。"),
        ("p", "一、工作目标"),
        ("p", "到2024年底，全县农村卫生厕所普及率达到92%以上，生活垃圾收运处置体系覆盖所有行政村，"
              "农村生活污水治理率提高到45%，村庄清洁行动*实现常态化。"),
        ("p", "二、重点任务"),
        ("p", "（一）推进农村厕所革命。新改建户用卫生厕所1200座，5月底前完成年度改厕任务的50%，10月底前全部完成验收。"
              "已建成的公共厕所要落实专人管护，每座每年安排管护经费不少于3000元。"
              "（责任单位：县农业农村局、县卫生健康局，各乡镇人民政府）"),
        ("p", "（二）加强生活垃圾治理。新增垃圾转运车辆15台，建设乡镇垃圾中转站3座，6月底前建立村收集、乡转运、"
              "县处理的收运体系。〔责任单位：县住房和城乡建设局、县城市管理局，各乡镇人民政府、县供销合作总社、县邮政分公司"
              "按职责分工负责。"
              "以下各项均由各乡镇组织实施〕"),
        ("p", "（三）梯次推进生活污水治理。完成28个行政村生活污水治理，新铺设污水管网36.5公里，9月底前完成全部工程的"
              "主体建设，治理设施正常运行率达到90%以上。（责任单位：县生态环境分局、县水务局）"),
        ("p", "（四）提升村容村貌。开展村庄清洁行动4次以上，清理沟渠塘坝210处，三季度末前完成村庄道路硬化18.6公里，"
              "年内新增绿化面积不少于1.2万平方米。（牵头单位：县乡村振兴局；配合单位：县交通运输局、县林业局）"),
        ("p", "（五）健全长效管护机制。村保洁员由乡镇统一聘用考核。各村每月开展一次环境卫生评比，评比结果张榜公布。"
              "（责任单位：各乡镇人民政府）"),
        ("p", "三、保障措施"),
        ("p", "县财政统筹安排整治资金2860万元，各乡镇按照不低于1:1的比例配套落实。县委督查室、县政府督查室每季度"
              "开展一次专项督查，督查结果纳入乡镇年度综合考核，考核排名后3位的乡镇由县政府分管领导约谈。"),
        ("sign", "某县人民政府办公室"),
        ("sign", "2024年3月15日"),
    ],
    "notes": {"*": "*村庄清洁行动指以清理农村生活垃圾、村内塘沟、畜禽养殖粪污等农业生产废弃物为重点的集中整治。"},
    "justify": True,
}

REPORT = {
    "title": ["某市2023年国民经济和社会", "发展统计公报"],
    "blocks": [
        ("p", "2023年，全市上下坚持稳中求进工作总基调，经济运行总体回升向好。全年地区生产总值（GDP）达到2786.45亿元，"
              "按不变价格计算，比上年增长5.6%。"),
        ("p", "一、农业"),
        ("p", "全年粮食播种面积216.3万亩，比上年增加3.8万亩；粮食总产量96.1万吨，完成年度计划的101.2%，其中夏粮产量"
              "41.7万吨。年末全市拥有农业机械总动力386.2万千瓦，主要农作物耕种收综合机械化率达到87.5%。"),
        ("p", "二、工业和建筑业"),
        ("p", "全年规上工业增加值较上年增长7.2%。分行业看，电子信息制造业增长15.8%，新能源汽车产量2.36万辆，增长48.9%；"
              "LED芯片、PCB电路板和5G通信模组产量分别增长21.4%、12.7%和33.1%。"),
        ("p", "全年完成建筑业总产值512.08亿元①，比上年增长4.1%。年末全市拥有资质的总承包和专业承包类建筑企业586家，"
              "比上年末增加37家。"),
        ("p", "三、固定资产投资"),
        ("p", "全年固定资产投资较上年增长6.3%。其中，工业投资增长12.5%，基建投资增长8.7%，民间投资下降2.4%。"
              "全年新开工亿元以上项目214个，完成投资736.9亿元。"),
        ("p", "四、居民收入和消费"),
        ("p", "全年全体居民人均可支配收入38652元，较上年增长6.1%。分城乡看，城镇居民人均可支配收入49870元，增长5.2%；"
              "农村居民人均可支配收入23115元，增长7.4%。全年居民消费价格（CPI）比上年上涨0.3%，PM2.5年均浓度为"
              "31微克/立方米。"),
        ("p", "2024年，全市将围绕地区生产总值增长6%左右的目标，力争规模以上工业增加值增长7%以上，一般公共预算收入增长5%，"
              "城镇新增就业4.5万人以上，确保居民收入增长与经济增长基本同步。"),
        ("sign", "某市统计局"),
        ("sign", "2024年3月20日"),
    ],
    "notes": {"①": "①建筑业总产值按在地原则统计，包括本市企业在外地完成的产值。"},
    "justify": False,
    "header": "某市统计局",
}

DOCS = {"plan": PLAN, "report": REPORT}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = {}
    folder = tmp_path_factory.mktemp("bulletins")
    for name, spec in DOCS.items():
        pdf = folder / f"{name}.pdf"
        laid = bulletin_pdf(pdf, spec["title"], spec["blocks"], spec.get("notes"), justify=spec["justify"],
                            header=spec.get("header", ""), number=spec.get("number", ""))
        text = bulletin_text(spec["title"], spec["blocks"], spec.get("notes"), number=spec.get("number", ""))
        txt = folder / f"{name}.txt"
        txt.write_text(text, encoding="utf-8")
        out[name] = (pdf, txt, laid)
    return out


def _squeezed_lines(text: str) -> list[str]:
    return [re.sub(r"\s+", "", ln) for ln in text.splitlines() if ln.strip()]


def test_the_layouts_hold_every_hard_case(rendered):
    """The rendered corpus has what broke: a 。 at the right margin inside a paragraph, a ragged line
    wrapped before a number, a paragraph running across a page break, footnotes, two-line titles."""
    plan, report = rendered["plan"][2], rendered["report"][2]
    right = 80.0 + 28 * BULLETIN_BODY
    assert any(ln["text"].endswith("。") and not ln["last"] for ln in plan)
    wrapped = [(a, b) for a, b in zip(report, report[1:], strict=False)
               if not a["last"] and a["x1"] < right - BULLETIN_BODY and b["text"][0].isdigit()]
    assert wrapped
    for laid in (plan, report):
        assert any(a["block"] == b["block"] and a["page"] != b["page"] for a, b in zip(laid, laid[1:], strict=False))


@pytest.mark.parametrize("name", list(DOCS))
def test_pdf_text_is_the_source_text(rendered, name):
    pdf, txt, _ = rendered[name]
    raw = read_path(pdf)
    assert raw.pages >= 2
    assert _squeezed_lines(raw.text) == _squeezed_lines(txt.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", list(DOCS))
def test_pdf_gives_the_texts_tasks_units_and_deadlines(rendered, name):
    from docproc.pipeline import process

    pdf, txt, _ = rendered[name]
    a, b = process(pdf), process(txt)
    assert (a.meta.title, a.meta.date, a.meta.year, a.meta.kind) == (b.meta.title, b.meta.date, b.meta.year, b.meta.kind)

    def tasks(doc):
        return [(re.sub(r"\s+", "", t.text), t.units, [d.date for d in t.deadlines]) for t in doc.tasks]

    assert tasks(a) == tasks(b)
    assert [(q.value, q.unit) for q in a.quantities] == [(q.value, q.unit) for q in b.quantities]
    assert [(d.date, d.kind) for d in a.deadlines] == [(d.date, d.kind) for d in b.deadlines]


def test_title_in_two_lines_is_one_title(rendered):
    from docproc.pipeline import process

    doc = process(rendered["plan"][0])
    assert doc.meta.title == "".join(PLAN["title"])
    assert doc.meta.date == "2024-03-15"


def test_footnote_stays_apart_after_its_paragraph(rendered):
    raw = read_path(rendered["report"][0])
    lines = _squeezed_lines(raw.text)
    at = next(i for i, ln in enumerate(lines) if "512.08亿元①" in ln)
    assert lines[at + 1].startswith("①建筑业总产值")
    assert lines[at].endswith("比上年末增加37家。")


# ---- the assembler on its own ------------------------------------------------------------------------

def _line(text: str, x0: float, top: float, size: float = 16.0, x1: float | None = None) -> Line:
    return Line(text, x0, x1 if x1 is not None else x0 + len(text) * size, top, top + size, size)


def _page(lines: list[Line]) -> Page:
    return Page(lines, 595.0, 842.0)


def _body(texts: list[tuple[str, float, float | None]], top: float = 120.0) -> list[Line]:
    """Lines 28 points apart: (text, x0, x1 or None for its own width)."""
    return [_line(t, x0, top + i * 28, x1=x1) for i, (t, x0, x1) in enumerate(texts)]


def test_full_line_ending_in_a_full_stop_goes_on():
    page = _page(_body([("牵头单位按职责分工负责。", 112.0, 500.0), ("具体任务另行通知。", 80.0, None),
                        ("第二段的第一行写满了这一行的宽度为止", 112.0, 500.0), ("第二段完。", 80.0, None),
                        ("第三段。", 112.0, None)]))
    assert layout.assemble([page]).pages[0] == ["牵头单位按职责分工负责。具体任务另行通知。", "第二段的第一行写满了这一行的宽度为止第二段完。",
                                                "第三段。"]


def test_ragged_line_wrapped_before_a_number():
    """The line ends short of the margin, but the next line's number (96.1%) would not have fitted."""
    page = _page(_body([("粮食总产量完成年度计划的", 112.0, 480.0), ("96.1%，其中夏粮产量增长。", 80.0, None),
                        ("另一段写满整行直到右边的边界为止", 112.0, 500.0), ("结束。", 80.0, None),
                        ("再一段结束。", 112.0, 300.0), ("末行。", 80.0, None)]))
    assert layout.assemble([page]).pages[0] == ["粮食总产量完成年度计划的96.1%，其中夏粮产量增长。",
                                                "另一段写满整行直到右边的边界为止结束。", "再一段结束。", "末行。"]


def test_paragraph_runs_on_across_the_page_break_and_page_starts_inside_it():
    one = _page([_line("- 1 -", 450.0, 780.0, 14.0), *_body([("第一段写满整行直到右边的边界", 112.0, 500.0),
                                                              ("继续写满整行直到右边的边界为", 80.0, 500.0)], top=600.0)])
    two = _page([_line("- 2 -", 95.0, 780.0, 14.0), *_body([("止这句话才结束。", 80.0, None),
                                                             ("新的一段开始了。", 112.0, None)], top=110.0)])
    done = layout.assemble([one, two])
    assert done.pages == [["第一段写满整行直到右边的边界继续写满整行直到右边的边界为"], ["止这句话才结束。", "新的一段开始了。"]]
    text, starts = layout.page_text(done.pages, done.continued)
    assert text == "第一段写满整行直到右边的边界继续写满整行直到右边的边界为止这句话才结束。\n新的一段开始了。\n"
    assert text[starts[0]:].startswith("止这句话")


def test_hanging_indent_list_items():
    page = _page(_body([("１、第一项写满整行直到右边的边界为止", 100.0, 500.0), ("接着写第一项的内容直到右边界", 124.0, 500.0),
                        ("第一项完。", 124.0, None), ("２、第二项完。", 100.0, None), ("３、第三项也写满整行直到右边界", 100.0, 500.0),
                        ("第三项完。", 124.0, None)]))
    assert layout.assemble([page]).pages[0] == ["１、第一项写满整行直到右边的边界为止接着写第一项的内容直到右边界第一项完。", "２、第二项完。",
                                                "３、第三项也写满整行直到右边界第三项完。"]


def test_title_lines_and_signature():
    title = [Line("某某县关于做好", 150.0, 445.0, 100.0, 122.0, 22.0), Line("2024年重点工作的通知", 170.0, 425.0, 136.0, 158.0, 22.0)]
    body = _body([("正文写满整行直到右边的边界为止", 112.0, 500.0), ("正文完。", 80.0, None)], top=200.0)
    sign = [_line("某某县人民政府", 350.0, 300.0, x1=468.0), _line("2024年3月1日", 360.0, 328.0, x1=436.0)]
    assert layout.assemble([_page(title + body + sign)]).pages[0] == [
        "某某县关于做好2024年重点工作的通知", "正文写满整行直到右边的边界为止正文完。", "某某县人民政府", "2024年3月1日"]


def test_heading_marker_after_a_full_line_starts_a_paragraph():
    page = _page(_body([("上一段写满整行直到右边的边界为止", 80.0, 500.0), ("二、下一节", 80.0, None),
                        ("正文写满整行直到右边的边界为止", 80.0, 500.0), ("1.5%的增幅写在行首", 80.0, None)]))
    assert layout.assemble([page]).pages[0] == ["上一段写满整行直到右边的边界为止", "二、下一节", "正文写满整行直到右边的边界为止1.5%的增幅写在行首"]


def test_ofd_paragraphs_are_joined_by_geometry(tmp_path):
    from fixtures import ofd_file

    lines = ["一、全年新改建农村公路一百二十公里，四月底前完成招标。", "并于年底前全部建成通车，确保工程质量和安全都达到设计标", "准。",
             "（责任单位：县交通运输局）", "二、完成投资三点五亿元。"]
    assert len(lines[0]) == len(lines[1])
    raw = read_path(ofd_file(tmp_path / "plan.ofd", [lines]))
    assert raw.text.splitlines() == ["".join(lines[:3]), lines[3], lines[4]]


def test_ocr_boxes_are_assembled_like_text_lines():
    from docproc.ingest import ocr

    boxes = [ocr.OcrLine("一、全面推进农村公路建设写满整行", (220, 300, 1000, 340), 0.9),
             ocr.OcrLine("到右边界为止。", (160, 356, 480, 396), 0.9),
             ocr.OcrLine("二、完成投资3.5亿元写满整行直到", (220, 412, 1002, 452), 0.9),
             ocr.OcrLine("右边界为止。", (160, 468, 440, 508), 0.9),
             ocr.OcrLine("三、第三项。", (220, 524, 500, 564), 0.9)]
    page = Page(ocr.page_lines(boxes, 1240, scale=0.5), 620.0, 877.0, size_tolerance=ocr.SIZE_TOLERANCE)
    assert layout.assemble([page]).pages[0] == ["一、全面推进农村公路建设写满整行到右边界为止。", "二、完成投资3.5亿元写满整行直到右边界为止。",
                                                "三、第三项。"]


@pytest.mark.parametrize(("body", "date"), [
    ("某市2023年统计公报\n某市统计局\n2024年4月29日\n2023年，全市经济运行回升向好。\n", "2024-04-29"),
    ("某县年度施政报告\n县议会第5次大会\n中华民国 114 年 2 月 25 日\n本期施政情形如下。\n", "2025-02-25"),
    ("关于做好全年工作的通知\n各单位：\n现就有关事项通知如下。\n", None),
])
def test_date_on_a_line_of_its_own_under_the_title_or_on_a_cover(body, date):
    from docproc.metadata import find_date

    assert find_date([], body) == date
