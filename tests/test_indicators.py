"""The indicator of a figure (docproc/extract/indicators.py): whole words, no run across a list break,
no hold or lead verbs, a rate of change named with its verb. Sentences invented for these tests."""

from __future__ import annotations

import pytest

from docproc.pipeline import process_text

CASES = [
    # a long name is cut at the start of a word, never inside one (控河流…, 体化…)
    ("省控河流地表水监测断面水质优良比例达到91%。", "91%", "省控河流地表水监测断面水质优良比例"),
    ("城乡一体化农村饮用水水源地水质达标比例达到93.5%。", "93.5%", "一体化农村饮用水水源地水质达标比例"),
    # the words after another figure and a list break name this one
    ("全县完成投资12.5亿元、投资完成率104.2%。", "104.2%", "投资完成率"),
    ("引进外地人才630多人、其中博士后研究人员27人。", "27人", "博士后研究人员"),
    # how a figure is held or reached is not part of its name
    ("垃圾分类覆盖率提高至92%。", "92%", "垃圾分类覆盖率"),
    ("乡镇污水处理设施运行负荷率保持在85%以上。", "85%", "乡镇污水处理设施运行负荷率"),
    ("农产品加工转化率预计超过70%。", "70%", "农产品加工转化率"),
    # the action that produced a count, and the whole area, are not part of its name
    ("全年完成植树造林4.6万亩。", "4.6万亩", "植树造林"),
    ("全州公路养护里程达1380公里。", "1380公里", "公路养护里程"),
    # ... but a rate of that action keeps it, and a scope word is only dropped whole (共享, not 共)
    ("住房补贴支出完成年度预算的96.3%。", "96.3%", "住房补贴支出完成年度预算"),
    ("共享单车投放量达到5200辆。", "5200辆", "共享单车投放量"),
    ("普惠贷款投放占比原则上不得低于60%。", "60%", "普惠贷款投放占比"),
    # 总计 and 合计 end a name; a verb inside a word (重要) does not end the noun after a count
    ("部门收入支出总计减少12.6万元。", "12.6万元", "部门收入支出总计"),
    ("今年新增3处省级重要湿地。", "3处", "省级重要湿地"),
    # a count named before it keeps that name when a list break follows it
    ("城镇新增就业38万人以上、登记失业率控制在4%以内。", "38万人", "城镇新增就业"),
    # a figure just before this one is not part of its name; an ordinal one is (第3期)
    ("新纳入帮扶对象23户58人。", "58人", "新纳入帮扶对象"),
    ("惠民消费券第3期120万元。", "120万元", "惠民消费券第3期"),
    # a noun that ends in a verb keeps it (研发投入); a one-character aside is not part of a name
    ("企业研发经费投入增长9%。", "9%", "企业研发经费投入增长"),
    ("教育支出(类)38.6万元。", "38.6万元", "教育支出"),
    # the owner before 共有 / 拥有 is not part of what is owned
    ("区文化馆共有流动服务车4辆。", "4辆", "流动服务车"),
    # a rate of change is named with its verb; 年均 stays whole
    ("社会消费品零售额增长6.5%左右。", "6.5%", "社会消费品零售额增长"),
    ("规上工业产值年均增长7.2%。", "7.2%", "规上工业产值年均增长"),
    ("区域生产总值增长5%—5.5%。", "5.5%", "区域生产总值增长"),
    ("工业用电量8.6亿千瓦时,比上年增长4.1%。", "4.1%", "工业用电量增长"),
    # one verb before a list of rates names each of them
    ("对南美市场出口分别增长21%、6.2%。", "6.2%", "南美市场出口增长"),
    # the country or last year is a scope, not a name
    ("我国服务贸易顺差率达3.1%。", "3.1%", "服务贸易顺差率"),
]


@pytest.mark.parametrize(("text", "figure", "indicator"), CASES, ids=[c[0][:12] for c in CASES])
def test_indicator(text: str, figure: str, indicator: str) -> None:
    doc = process_text(text, kind="report")
    found = {q.text: q.indicator for q in doc.quantities}
    assert found.get(figure) == indicator, found
