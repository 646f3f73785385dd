"""Normalization: script, NFKC, pinyin glosses, CJK spaces, chrome, and the offset map back to the source."""

from __future__ import annotations

import re

import pytest

from docproc.normalize import detect_script, normalize
from docproc.pipeline import load

from conftest import seed_paths

SEED_SCRIPT = {"000": "simplified", "001": "simplified", "002": "simplified", "003": "simplified", "004": "traditional"}


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_seed_script(path):
    assert detect_script(path.read_text(encoding="utf-8")) == SEED_SCRIPT[path.name[:3]]


def test_traditional_seed_becomes_simplified_without_pinyin():
    path = next(p for p in seed_paths() if p.name.startswith("004"))
    text = normalize(path.read_text(encoding="utf-8")).text
    assert detect_script(text) == "simplified"
    assert "任务" in text and "(wù)" not in text and "(" not in text.split("\n")[0]
    assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", text)


def test_nfkc_and_cjk_spaces():
    norm = normalize("全年完成投资　１２.５亿元，占计划的１０５％（超额）。\n2024 年 12 月 底 前 完成")
    assert norm.text == "全年完成投资12.5亿元,占计划的105%(超额)。\n2024年12月底前完成"


def test_circled_numbers_survive_nfkc():
    assert normalize("①加强领导。②强化保障。").text == "①加强领导。②强化保障。"


def test_protected_names():
    assert "乾安县" in normalize("吉林省乾安縣人民政府關於鄉村振興工作的通知").text


def test_chrome_lines_dropped_by_general_signals():
    page = "\n".join([
        "首页", "新闻中心", "首页 > 政务公开 > 通知公告",
        "关于做好2024年春耕生产工作的通知",
        "各乡镇人民政府:为做好今年春耕生产,现将有关事项通知如下。",
        "一、4月底前完成农资储备,全县储备化肥1.2万吨。",
        "田间地头",
        "二、加强技术指导,组织农技人员300名下乡服务。",
        "责任编辑:李明", "版权所有:某某县人民政府 备案号:京ICP备12345678号",
        "上一篇:关于防汛的通知",
    ])
    norm = normalize(page)
    assert norm.text.split("\n") == [
        "关于做好2024年春耕生产工作的通知",
        "各乡镇人民政府:为做好今年春耕生产,现将有关事项通知如下。",
        "一、4月底前完成农资储备,全县储备化肥1.2万吨。",
        "二、加强技术指导,组织农技人员300名下乡服务。",
    ]
    assert "责任编辑:李明" in norm.removed


def test_trailing_headline_list_dropped():
    body = "今年全县要新建农村公路100公里,改造危桥5座,确保年底前全部完工并投入使用。"
    headlines = ["我市召开防汛工作会议", "全省春季植树活动启动", "某县举办农民丰收节", "第二批示范社区名单公布"]
    norm = normalize("\n".join(["关于交通建设的安排", body, *headlines]))
    assert norm.text.split("\n") == ["关于交通建设的安排", body]


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name[:3])
def test_offsets_map_sentences_back_to_source(path):
    doc = load(path)
    source = path.read_text(encoding="utf-8")
    to_simplified = None
    if doc.meta.script != "simplified":
        from docproc.resources import opencc_converter

        to_simplified = opencc_converter("t2s").convert
    assert len(doc.offsets) == len(doc.text)
    for sentence in doc.sentences:
        s, e = sentence.span
        assert doc.text[s:e] == sentence.text
        src_s, src_e = doc.source_span(sentence.span)
        original = source[src_s:src_e]
        if to_simplified:
            original = to_simplified(original)
        original = re.sub(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)", "", original)
        import unicodedata

        squeeze = lambda t: re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))  # noqa: E731
        assert squeeze(original) == squeeze(sentence.text)


def test_region_profile_is_chosen_by_vocabulary():
    from docproc.normalize import detect_region, normalize

    assert detect_region("香港特區政府於2023-24年度撥款3.5億港元,立法會通過。") == "hk"
    assert detect_region("行政院核定新臺幣2,500百萬元,民國112年。") == "tw"
    assert detect_region("這是一般的繁體文字。") is None
    out = normalize("行政院核定新臺幣2,500百萬元,民國112年。")
    assert out.text == "行政院核定新台币2,500百万元,民国112年。"
    assert len(out.offsets) == len(out.text)


@pytest.mark.parametrize(("line", "reason"), [
    ("【字号:", "prefix"), ("【字体:大 中 小】", "prefix"), ("相关报道:", "prefix"), ("收藏", "prefix"),
    ("分享到:微信", "prefix"), ("|", "rule_line"), (">", "rule_line"),
    ("全体代表合影。县融媒体中心记者王明摄", "credit"),
    # body lines that open on the same words stay
    ("分享发展成果,让群众得实惠。", None), ("收藏家协会举办年度展览。", None),
])
def test_web_page_chrome_lines(line, reason):
    from docproc.chrome import chrome_reason

    assert chrome_reason(line) == reason


PLAN_ENDING_IN_ITS_TABLE = """青禾县2026年绿色出行提升方案
为方便群众出行,结合本县实际,制定本方案。
一、工作目标
到2026年底,全县新增公共充电桩48个,优化公交线路5条。
二、保障措施
各责任单位要按时完成任务,确保各项工作落到实处。
附件:任务分工表
{rows}
"""
_TASK_ROWS = [
    ("1", "在城区主要停车场建设充电桩12个", "县交通运输局", "2026年4月底前"),
    ("2", "优化城乡公交线路3条", "县公交公司", "2026年6月底前"),
    ("3", "新建自行车停放点20处", "县城管局", "2026年9月底前"),
    ("4", "更新新能源公交车辆15辆", "县公交公司", "2026年10月底前"),
]


@pytest.mark.parametrize("sep", [" | ", "|", " "], ids=["spaced-cells", "cells", "collapsed"])
def test_a_task_table_ending_the_document_is_not_page_chrome(sep):
    """The rows of a task-division table that ends a plan look like a trailing list of headlines (short,
    no full stop): rows with cells, and lines naming a figure and an office, are the document's."""
    rows = "\n".join(sep.join(r) for r in _TASK_ROWS)
    norm = normalize(PLAN_ENDING_IN_ITS_TABLE.format(rows=rows))
    assert norm.removed == []
    for _, task, office, _ in _TASK_ROWS:
        assert task in norm.text and office in norm.text


def test_a_trailing_list_of_other_headlines_is_still_dropped():
    """Headlines of other articles after the body, even with figures in them, go as before."""
    page = "\n".join([
        "关于做好2026年春耕生产工作的通知",
        "各乡镇人民政府:今年全县计划储备化肥1.2万吨,4月底前完成。",
        "柳湾镇举办农技培训班300人参加",
        "东川镇新建蔬菜大棚86座",
        "青禾县召开防汛工作部署会",
    ])
    norm = normalize(page)
    assert norm.text.split("\n") == page.split("\n")[:2]
    assert [rule for _, _, rule in norm.dropped] == ["headlines"] * 3
