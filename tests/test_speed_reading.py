"""Work counted, not timed (issue 27): the reading stages (normalize, page chrome, column layouts,
metadata, structure, numerals) look at each line and each lexicon once, not once per candidate."""

from __future__ import annotations

import unicodedata

import pytest

from docproc import chrome, columns, normalize, numerals, resources, structure

# our own page: a notice, a long body, then a division table of many rows at its foot
_BODY = [f"第{i}项工作由各乡镇按月报送进度,县里每季度通报一次,年底前完成考核。" for i in range(300)]
_ROWS = [f"{i}|新建村级卫生室{i % 9 + 2}个|县卫生健康局|2027年{i % 12 + 1}月底前" for i in range(1, 201)]
_PAGE = ["某县2027年乡村医疗服务提升方案", "单位:个", *_BODY, "表1 任务分工", *_ROWS, "责任编辑:王青"]


class _CountingLines(list):
    """A list of lines that counts every line read from it (by index, slice or iteration)."""

    reads = 0

    def __getitem__(self, index):
        got = super().__getitem__(index)
        self.reads += len(got) if isinstance(index, slice) else 1
        return got

    def __iter__(self):
        for line in super().__iter__():
            self.reads += 1
            yield line


class _CountingWords(list):
    """A lexicon list that counts the words read from it."""

    reads = 0

    def __iter__(self):
        for word in super().__iter__():
            self.reads += 1
            yield word


def _clear(module, *names: str) -> None:
    """Empty the caches named (the compiled forms of a lexicon), where the module has them."""
    for name in names:
        fn = getattr(module, name, None)
        if fn is not None and hasattr(fn, "cache_clear"):
            fn.cache_clear()


def test_lines_near_table_rows_are_found_without_rereading_the_page():
    lines = _CountingLines(_PAGE)
    rules, _ = chrome.chrome_rules(lines)
    # every row is kept, the editor line at the foot goes, the short unit line above the table stays
    assert all(rules[i] is None for i, ln in enumerate(_PAGE) if "|" in ln)
    assert rules[-1] is not None and rules[1] is None
    # a row looked back to the top of the page: 200 rows x ~300 lines above them; now a few passes
    assert lines.reads <= 12 * len(_PAGE), lines.reads


@pytest.fixture
def counted_chrome_words(monkeypatch):
    """chrome.yaml with its prefix list counting the words read from it, and the compiled forms rebuilt."""
    cfg = dict(resources.data("chrome.yaml"))
    cfg["prefixes"] = _CountingWords(cfg["prefixes"])
    monkeypatch.setattr(chrome, "_config", lambda: cfg)
    _clear(chrome, "_word_sets", "_patterns", "_any_of")
    yield cfg["prefixes"]
    _clear(chrome, "_word_sets", "_patterns", "_any_of")


def test_line_prefixes_are_read_once_not_per_line(counted_chrome_words):
    reasons = [chrome.chrome_reason(ln) for ln in _PAGE]
    assert reasons[-1] == "prefix" and reasons[2] is None
    # one pass over the list to build the startswith tuple; it was up to a pass per line (~500 lines)
    assert counted_chrome_words.reads <= 2 * len(counted_chrome_words), counted_chrome_words.reads


def test_a_line_without_a_gap_is_not_cut_by_the_gap_pattern(monkeypatch):
    calls = []
    real = columns.GAP

    class CountingGap:
        def split(self, text):
            calls.append(text)
            return real.split(text)

        def finditer(self, text):
            return real.finditer(text)

    monkeypatch.setattr(columns, "GAP", CountingGap())
    layout = ["某县2027年项目进度", "项目名称    计划投资    已完成", "道路改造    3200    2100",
              "管网更新    1800    950", "校舍加固    760    760", *_BODY[:50]]
    found = columns.plan(layout)
    assert found.split == {1, 2, 3, 4}
    # only the four lines that hold a run of spaces are cut; the 51 prose lines were cut one by one too
    assert calls and all("    " in line for line in calls), [c for c in calls if "    " not in c]


def test_nfkc_forms_are_learned_once_per_character(monkeypatch):
    # full-width figures and punctuation, as a Word export writes them: NFKC has work to do
    text = "全县建成充电桩\uff11,\uff12００个\uff0c完成投资3.5亿元\uff08含专项债券\uff09。\n" * 40
    normalize.normalize(text)  # every character of the text is met once here
    calls = []
    real = unicodedata.normalize

    def counting(form: str, ch: str) -> str:
        calls.append(ch)
        return real(form, ch)

    # a form is computed only when _nfkc's cache has not met the character
    monkeypatch.setattr(unicodedata, "normalize", counting)
    out = normalize.normalize(text.replace("\uff12", "\uff11"))
    assert "1,100个,完成投资3.5亿元(含专项债券)" in out.text
    # the second text has no character the first lacked: no form is looked up again (it was one per
    # distinct character of each text)
    assert calls == []


def test_a_numeral_written_many_times_is_read_once(monkeypatch):
    text = "".join(f"第{n}批新增三十五个站点,改造一百二十座桥梁。" for n in range(60))
    calls = []
    real = numerals._cn_section

    def counting(s: str):
        calls.append(s)
        return real(s)

    monkeypatch.setattr(numerals, "_cn_section", counting)
    _clear(numerals, "chinese_value")
    found = numerals.scan(text)
    assert [n.value for n in found if n.kind == "chinese"][:2] == [35.0, 120.0]
    assert sum(1 for n in found if n.kind == "arabic") == 60
    # 三十五 and 一百二十, 60 times each: each was read 60 times
    assert len(calls) <= 4, len(calls)


@pytest.fixture
def counted_section_words(monkeypatch):
    """sections.yaml with its heading word lists counting the words read from them."""
    cues = dict(resources.data("sections.yaml"))
    for key in ("plan", "report"):
        cues[key] = _CountingWords(cues[key])
    real = resources.data
    monkeypatch.setattr(resources, "data", lambda name: cues if name == "sections.yaml" else real(name))
    _clear(structure, "_cues")
    yield cues
    _clear(structure, "_cues")


def test_heading_words_are_read_once_not_per_heading(counted_section_words):
    titles = [f"{n}、2027年第{n}季度重点任务" for n in range(1, 81)]
    kinds = [structure.heading_kind(t, 2027) for t in titles]
    assert set(kinds) == {structure.heading_kind("一、2027年重点任务", 2027)}
    words = len(counted_section_words["plan"]) + len(counted_section_words["report"])
    # the two word lists once each (to compile them); it was a pass over both per heading
    reads = counted_section_words["plan"].reads + counted_section_words["report"].reads
    assert reads <= 2 * words, reads


def test_traditional_text_is_converted_in_one_call(monkeypatch):
    calls = []
    real = resources.opencc_converter

    class Counting:
        def __init__(self, conv):
            self.conv = conv

        def convert(self, text):
            calls.append(text)
            return self.conv.convert(text)

    monkeypatch.setattr(resources, "opencc_converter", lambda config="t2s": Counting(real(config)))
    lines = [f"本縣第{n}批農村道路改造工程已於年內竣工,驗收合格率達到{90 + n % 10}%。" for n in range(80)]
    out = normalize.to_simplified(normalize.Mapped.identity("\n".join(lines)))
    assert out.text.split("\n")[0].startswith("本县第0批农村道路改造工程已于年内竣工")
    # one conversion of the whole text; it was one per line (80)
    assert len(calls) == 1, len(calls)
