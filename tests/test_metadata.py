"""Document metadata on the seeds: script, kind, year, date."""

from __future__ import annotations

import pytest

from docproc.pipeline import load, process_text

from conftest import SEEDS

# (script, kind) of the five seeds: three work reports, a 2023 action plan, a traditional-script 2018 plan
SEEDS_META = {
    "000_5cb883e42006a116.txt": ("simplified", "report"),
    "001_2b180d8db99b6a30.txt": ("simplified", "report"),
    "002_ba2591f620f4a0fb.txt": ("simplified", "report"),
    "003_9882b4f48095540a.txt": ("simplified", "plan"),
    "004_64bea8f0f8d7fec1.txt": ("traditional", "plan"),
}


@pytest.mark.parametrize(("name", "expected"), sorted(SEEDS_META.items()))
def test_seed_script_and_kind(name, expected):
    doc = load(SEEDS / name)
    assert (doc.meta.script, doc.meta.kind) == expected


def test_labelled_publication_date_from_chrome():
    doc = process_text("发布日期:2024-03-05\n关于做好春耕生产的通知\n今年全县要新建高标准农田2万亩。", checks=False)
    assert doc.meta.date == "2024-03-05"
    assert doc.meta.year == 2024
    assert "发布日期" not in doc.text


def test_year_is_what_the_text_is_about_not_publication():
    text = "发布日期:2024-01-15\n某县2023年工作总结\n2023年,全县完成投资12亿元,新建道路30公里。2023年新增就业1200人。"
    doc = process_text(text, checks=False)
    assert doc.meta.date == "2024-01-15"
    assert doc.meta.year == 2023
    assert doc.meta.kind == "report"


def test_ref_date_overrides_year():
    doc = process_text("今年要新建道路30公里。", ref_date="2021-06-01", checks=False)
    assert doc.meta.year == 2021
    assert [d.date for d in doc.deadlines] == ["2021-12-31"]


def test_signature_date():
    doc = process_text("关于印发工作要点的通知\n各单位:现将要点印发给你们。\n某县人民政府办公室\n2022年12月27日", checks=False)
    assert doc.meta.date == "2022-12-27"


@pytest.mark.parametrize(("body", "title", "date", "script", "kind", "year"), [
    ("行政院112年度施政計畫\n112年推動數位轉型,111年完成盤點。", "行政院112年度施政计划", None, "traditional", "plan", 2023),
    ("2023-24年度財政預算案\n2023-24年度政府開支增加。", "2023-24年度财政预算案", "2023-02-22", "traditional", "plan", 2023),
    ("关于2023年工作总结\n2023年,全县新建学校5所。2024年将新建3所。", "关于2023年工作总结", "2024-01-10", "simplified",
     "report", 2023),
    ("2024年工作要点\n2024年全县要新建学校3所。", "2024年工作要点", "2024-01-10", "simplified", "plan", 2024),
    # a work report given early in the year it is named for: it reviews the year before, its 今年 is this year
    ("2026年某省政府工作报告\n2025年全省生产总值增长5%。今年主要预期目标是增长5%左右。", "2026年某省政府工作报告",
     "2026-01-20", "simplified", "report", 2026),
    # a 施政报告 given in February reviews last year at length, yet sets the year it is given in
    ("某县施政报告\n2024年全县出口增长6%。2024年新建学校3所。2024年引进企业12家。今年将新建学校2所。", "某县施政报告",
     "2025-02-20", "simplified", "plan", 2025),
    # a year the text refers back to (已于2019年印发) weighs less than the date it is signed on
    ("某省推广第三批改革经验的通知\n省政府办公厅已于2019年印发通知推广首批经验。现将第三批经验印发给你们。\n"
     + "各地要结合实际抓好落实。" * 40 + "\n某省人民政府办公厅\n2020年11月5日", "某省推广第三批改革经验的通知",
     "2020-11-05", "simplified", "plan", 2020),
    # one ROC year in a budget table's header, and no year of ours in the text
    ("追加预算案总说明\n单位:新台币千元\n| 项目 | 113年度预算数 | 追加数 |\n| 经常门 | 1,200 | 300 |", "追加预算案总说明",
     None, "traditional", "plan", 2024),
    # a Hong Kong financial year in Chinese digits, its zero written as the letter O, the second year whole
    ("一九九八至九九年度財政預算案\n本年度開支增加。", "一九九八至九九年度财政预算案", None, "traditional", "plan", 1998),
    ("二OO一至二OO二年度施政報告\n政府將增建公屋。", "二OO一至二OO二年度施政报告", None, "traditional", "plan", 2001),
])
def test_about_year_cues(body, title, date, script, kind, year):
    from docproc.metadata import about_year

    assert about_year(body, title, date, script, kind) == year


def test_title_skips_banners_numbers_and_yaml():
    from docproc.metadata import find_title

    assert find_title("---\n首页 > 政策文件\n县政发〔2023〕12号\n关于印发2023年重点工作任务的通知\n各乡镇:") == \
        "关于印发2023年重点工作任务的通知"
    assert find_title("某某县人民政府门户网站\n2023年工作总结\n今年以来,全县…") == "2023年工作总结"


def test_issue_date_from_signature_in_chinese_numerals_and_from_yinfa():
    from docproc.metadata import find_date

    assert find_date([], "关于印发…的通知\n正文。\n某某县人民政府\n二〇二三年十二月十三日\n(此件公开发布)") == "2023-12-13"
    assert find_date([], "(2023年5月8日印发)\n正文") == "2023-05-08"


def test_spaced_out_year_in_a_title_is_kept():
    from docproc.normalize import normalize

    assert normalize("2 0 2 4 年工作要点\n正文").text.startswith("2024年工作要点")


def test_relative_deadline_counts_from_the_issue_date():
    from docproc.pipeline import process_text

    doc = process_text("关于开展排查的通知\n各单位要在方案印发后3个月内完成排查。\n某某县人民政府\n2023年5月8日\n")
    assert [(d.text, d.date, d.kind) for d in doc.deadlines] == [("印发后3个月内", "2023-08-08", "by")]
    doc = process_text("关于开展排查的通知\n各单位要在收到资金后30日内完成拨付。\n")
    assert [(d.date, d.kind) for d in doc.deadlines] == [(None, "relative")]


def test_issue_date_from_a_labelled_header_and_no_addressee_as_title():
    from docproc.metadata import find_date, find_title

    body = ("关于印发重点工作责任分解方案的通知\n索引号:01105619X/2024-07672 文号:某政办发〔2024〕1号\n"
            "有效性:有效 发文日期:2024年02月22日 发布日期:2024年03月18日\n各镇人民政府:\n正文。")
    assert find_date([], body) == "2024-02-22"
    assert find_title("各区人民政府,市人民政府各部门:\n现将《方案》印发给你们。") == ""


def test_year_written_in_chinese_numerals():
    from docproc.metadata import about_year

    assert about_year("二零一五年施政报告\n在2014-15至2018-19的五年期内,预计落成公屋。", "二零一五年施政报告", None,
                      "traditional", "report") == 2015


def test_roc_date_in_a_labelled_line():
    from docproc.metadata import find_date

    assert find_date([], "行政院會通過施政計畫\n資料來源:行政院\n建档日期:106-08-17\n正文。") == "2017-08-17"


@pytest.mark.parametrize(("first_line", "is_title"), [
    ("2024-25年度财政预算案", True),  # a Hong Kong financial year opens the title
    ("2024年5月份工作要点", True),
    ("2024-05-21 10:00", False),  # a date line of a web page is no title
    ("2024年5月21日", False),
    ("2024年5月21日 来源:市政府办公室", False),
])
def test_title_may_open_on_a_year_but_not_be_a_date(first_line, is_title):
    from docproc.metadata import find_title

    title = find_title(first_line + "\n一、总体要求\n全面推进各项工作。")
    assert (title == first_line) is is_title


@pytest.mark.parametrize(("title", "kind"), [
    ("行政院所属各机关110年度第2季列管计划执行情形", "report"),  # the last cue word names the document
    ("2024年施政报告", "plan"),  # a Hong Kong policy address sets targets
    ("关于2023年度重点项目建设计划的通知", "plan"),
])
def test_kind_from_the_title(title, kind):
    from docproc.metadata import find_kind

    assert find_kind("一、总体情况\n全年完成投资12亿元。", title) == kind


def test_a_speech_dates_itself_under_its_title():
    """A work report's delivery line (2026年1月27日在…会议上) is its date, not the page's posting date."""
    text = ("政府工作报告\n(2026年1月27日在某省第十四届人民代表大会第四次会议上)\n各位代表:\n"
            "一、2025年工作回顾\n2025年全省生产总值增长5.1%。\n二、2026年主要预期目标和重点工作\n"
            "今年主要预期目标是:生产总值增长5%左右。\n")
    doc = process_text(text, checks=False)
    assert doc.meta.date == "2026-01-27"
    assert doc.meta.year == 2026  # it sets 2026's targets: its 今年 is 2026


@pytest.mark.parametrize(("text", "year"), [
    # signed in December, its work falls due next year: its 年底前 is next year's
    ("关于做好供暖保障工作的通知\n各县区要在2025年3月底前完成管网改造,年底前完成验收。\n某市人民政府\n2024年12月20日", 2025),
    # signed in December with nothing set for next year: the year it is signed
    ("关于表扬先进集体的通报\n2024年全市涌现出一批先进集体。\n某市人民政府\n2024年12月20日", 2024),
])
def test_december_plan_year(text, year):
    doc = process_text(text, checks=False, kind="plan")
    assert doc.meta.date == "2024-12-20" and doc.meta.year == year


def test_the_date_the_text_states_comes_before_the_pages_publication_date():
    """A portal's 发布日期 may be a repost's; the cover notice's own signature, even mid-text, dates it, and a
    relative time limit counts from it."""
    from docproc import extract_text

    text = ("发布日期:2021-09-08\n某县人民政府办公室关于印发某县农房整治方案的通知\n各乡镇人民政府:\n"
            "现将方案印发给你们,请认真组织实施。\n" + "有关情况说明。\n" * 12 +
            "某县人民政府办公室\n2021年7月15日\n一、工作任务\n各乡镇要在本方案印发后2个月内完成排查。\n")
    doc = extract_text(text)
    assert doc.meta.date == "2021-07-15"
    assert [(d.text, d.date) for d in doc.deadlines] == [("印发后2个月内", "2021-09-15")]
    only_label = extract_text("发布日期:2021-09-08\n某县农房整治工作总结\n全县排查农房300户。\n")
    assert only_label.meta.date == "2021-09-08"  # with no date in the text, the page's date stands
