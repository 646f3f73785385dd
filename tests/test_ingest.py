"""Readers: encodings, HTML, DOCX, real PDFs, and a clear one-line error for every kind of bad input."""

from __future__ import annotations

import re
import zipfile

import pytest

from docproc.ingest import InputError, read_bytes, read_path
from docproc.normalize import normalize

from conftest import PDFS, require_pdfs
from fixtures import SAMPLE, TRAD, bold_overprint_pdf, docx_file, encrypted_pdf, image_only_pdf, text_pdf

CJK_SPACE = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("utf-8", SAMPLE), ("utf-8-sig", SAMPLE), ("gb18030", SAMPLE), ("gbk", SAMPLE), ("utf-16", SAMPLE), ("big5", TRAD)],
)
def test_text_encodings_are_detected(encoding, text):
    raw = read_bytes(text.encode(encoding), name=f"x.{encoding}.txt")
    assert raw.text.strip() == text.strip()


def test_big5_is_converted_to_simplified():
    raw = read_bytes(TRAD.encode("big5"), name="big5.txt")
    norm = normalize(raw.text)
    assert norm.script == "traditional"
    assert "乡村振兴局" in norm.text and "责任单位:县交通运输局" in norm.text


def test_html_visible_text_only():
    html = (
        "<html><head><title>t</title><style>p{color:red}</style><script>var x='隐藏';</script></head>"
        "<body><div>第一段文字。</div><p>第二段<b>加粗</b>文字。</p><script>alert('不要')</script></body></html>"
    )
    raw = read_bytes(html.encode("utf-8"), name="page.html")
    assert raw.format == "html"
    assert raw.text.split("\n") == ["第一段文字。", "第二段加粗文字。"]


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    raw = read_path(docx_file(tmp_path / "plan.docx"))
    lines = raw.text.split("\n")
    assert lines[0] == "关于推进农村供水保障的实施方案"
    assert lines.index("新建水厂2座 | 县水利局 | 9月底前") < lines.index("2.加强水质检测。")
    assert raw.tables[0]["rows"][0] == ["任务", "责任单位", "完成时限"]


def test_generated_pdf_text_pages_and_chrome(tmp_path):
    pdf = text_pdf(tmp_path / "doc.pdf", ["第一页正文,全年新建农村公路120公里。", "第二页正文,4月底前完成招标。", "第三页正文。"])
    raw = read_path(pdf)
    assert raw.pages == 3
    assert "— 1 —" not in raw.text and "某某县人民政府办公室文件" not in raw.text
    assert raw.text.split("\n")[:3] == ["第一页正文,全年新建农村公路120公里。", "第二页正文,4月底前完成招标。", "第三页正文。"]
    assert raw.text[raw.page_starts[0]:].startswith("第二页")


def test_overprinted_bold_is_deduplicated(tmp_path):
    raw = read_path(bold_overprint_pdf(tmp_path / "bold.pdf", "微软雅黑加粗标题"))
    assert "微软雅黑加粗标题" in raw.text
    assert "微微" not in raw.text


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_bytes(b"   \n\n"), "empty file"),
        (lambda p: p.write_bytes(bytes(range(256)) * 40), "not a text document"),
        pytest.param(lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), "LibreOffice",
                     marks=pytest.mark.slow),  # LibreOffice is started to try it
        (lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"), "broken PDF"),
    ],
    ids=["empty", "blank", "binary", "old-doc", "broken-pdf"],
)
def test_bad_input_gives_one_line_reason(tmp_path, make, message):
    path = tmp_path / "bad.bin"
    make(path)
    with pytest.raises(InputError) as err:
        read_path(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_truncated_pdf(tmp_path):
    good = text_pdf(tmp_path / "good.pdf", ["正文内容。"])
    bad = tmp_path / "truncated.pdf"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 3])
    with pytest.raises(InputError) as err:
        read_path(bad)
    assert "PDF" in str(err.value)


def test_encrypted_pdf(tmp_path):
    good = text_pdf(tmp_path / "good.pdf", ["正文内容。"])
    with pytest.raises(InputError, match="encrypted PDF"):
        read_path(encrypted_pdf(tmp_path / "locked.pdf", good))


def test_image_only_pdf_needs_ocr(tmp_path, monkeypatch):
    from docproc.ingest import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(InputError, match=r"scanned PDF\); OCR needed: install it with pip install"):
        read_path(image_only_pdf(tmp_path / "scan.pdf"))


@pytest.mark.slow
def test_image_only_pdf_without_text_even_by_ocr(tmp_path):
    from docproc.ingest import ocr

    if not ocr.available():
        pytest.skip("OCR extra not installed")
    with pytest.raises(InputError, match="scanned PDF"):
        read_path(image_only_pdf(tmp_path / "scan.pdf"))


def test_zip_is_not_a_document(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.txt", "内容")
    with pytest.raises(InputError, match="docproc batch"):
        read_path(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "nope.txt")


# --- the real PDFs -------------------------------------------------------------------------


def _real(name: str):
    require_pdfs()
    return read_path(PDFS / name)


def test_audit_report_pdf_text():
    raw = _real("audit_2024-central-budget-audit-work-report.pdf")
    text = normalize(raw.text).text
    assert raw.pages == 27
    assert not CJK_SPACE.search(text)
    assert "审审" not in text and "计计" not in text
    assert not re.search(r"^\s*[—-]\s*\d+\s*[—-]\s*$", raw.text, re.M), "page numbers left in"
    assert "新增专项债务限额3.9万亿元" in text  # a number split across a line and spaces, joined back
    assert "其中" in text


def test_audit_report_page_of_a_sentence():
    from docproc.pipeline import load

    require_pdfs()
    doc = load(PDFS / "audit_2024-central-budget-audit-work-report.pdf")
    pos = doc.text.find("一、中央财政管理审计情况")
    assert pos > 0
    page = doc.page_of(pos)
    raw = read_path(PDFS / "audit_2024-central-budget-audit-work-report.pdf")
    # the heading is on the page where the raw text says it is
    raw_pos = raw.text.find("一、中央财政管理审计情况")
    raw_page = 1 + sum(1 for s in raw.page_starts if s <= raw_pos)
    assert page == raw_page and page > 1


def test_prospectus_tables_come_out_as_rows():
    raw = _real("pymupdf_chinese-tables_bond-prospectus-p251.pdf")
    rows = [r for t in raw.tables for r in t["rows"]]
    assert ["1", "工商银行", "330,435.30", "234,850.00", "95,585.30"] in rows
    text = normalize(raw.text).text
    assert "授信额度总额达372.53亿元" in text and "已使用额度252.06亿元" in text
    for row in rows:
        if len(row) == 5 and row[0].isdigit() and re.fullmatch(r"[\d,.]+", row[2]):
            total, used, left = (float(c.replace(",", "")) for c in row[2:])
            assert abs(total - used - left) < 0.01


@pytest.mark.slow
def test_ruled_table_pdf_rows_not_interleaved():
    raw = _real("audit_2023-central-departments-rectification-table.pdf")
    assert raw.pages == 78
    first = raw.tables[0]["rows"]
    assert first[0][:4] == ["序号", "部门单位名称", "问题摘要", "整改情况"]
    assert first[1][1] == "外交部"
    assert "违规向学员收取培训费183.18万元" in first[1][2]


@pytest.mark.slow
def test_merged_cells_table_pdf():
    raw = _real("csrc_2018q3_listed-company-industry-classification.pdf")
    assert raw.pages == 85
    assert any(row and row[-1] == "隆平高科" for t in raw.tables for row in t["rows"])


def test_docx_table_column_gives_task_units(tmp_path):
    from docproc.pipeline import process

    doc = process(docx_file(tmp_path / "plan.docx"), ref_date="2024-01-01")
    task = next(t for t in doc.tasks if "新建水厂2座" in t.text)
    assert list(task.units.responsible) == ["县水利局"]
    assert [d.date for d in task.deadlines] == ["2024-09-30"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["audit_2024-central-budget-audit-work-report.pdf", "audit_2023-rectification-report.pdf"])
def test_fast_pdf_text_agrees_with_pdfplumber(name):
    """pdfium reads text pages (much faster); its text must be pdfplumber's, whitespace aside."""
    import difflib

    from docproc.ingest.pdf import read_pdf, read_pdf_plumber

    require_pdfs()
    data = (PDFS / name).read_bytes()
    fast, slow = read_pdf(data, name), read_pdf_plumber(data, name)

    def squeeze(t):
        return re.sub(r"\s+", "", t)

    assert fast.pages == slow.pages
    assert fast.page_starts and len(fast.page_starts) == len(slow.page_starts)
    ratio = difflib.SequenceMatcher(None, squeeze(fast.text), squeeze(slow.text), autojunk=False).ratio()
    assert ratio > 0.995
