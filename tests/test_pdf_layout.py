"""Table pages read through pdfium (characters and rulings) with pdfplumber's table finder on top:
the same rows as pdfplumber's own parse, at a tenth of the time."""

from __future__ import annotations

import re
import shutil

import pytest

from docproc.ingest import pdfium_layout
from docproc.ingest.pdf import _pdfium_page, _plumber_page, read_pdf

from conftest import PDFS, require_pdfs
from fixtures import DATA_TABLE, TASK_TABLE, mixed_font_title_pdf, table_docx, table_pdf


def _both(path, number: int):
    import pdfplumber
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    page = doc[number - 1]
    textpage = page.get_textpage()
    fast = _pdfium_page(page, textpage, number)
    with pdfplumber.open(path) as pdf:
        slow = _plumber_page(pdf.pages[number - 1], number)
    doc.close()
    return fast, slow


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "pages"),
    [
        ("audit_2023-central-departments-rectification-table.pdf", (2, 40, 78)),
        ("csrc_2018q3_listed-company-industry-classification.pdf", (1, 30)),
        ("pymupdf_chinese-tables_bond-prospectus-p251.pdf", (1,)),
    ],
)
def test_pdfium_table_pages_give_pdfplumbers_rows(name, pages):
    require_pdfs()
    for number in pages:
        (fast_lines, fast_tables), (slow_lines, slow_tables) = _both(PDFS / name, number)
        assert [t["rows"] for t in fast_tables] == [t["rows"] for t in slow_tables], (name, number)
        assert fast_tables, (name, number)

        def squeeze(lines):
            return re.sub(r"\s+", "", "".join(lines))

        assert squeeze(fast_lines) == squeeze(slow_lines), (name, number)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_word_table_exported_by_libreoffice(tmp_path):
    """Office suites draw table borders as many short strokes; the rows must be pdfplumber's, merged cell and all."""
    import subprocess

    src = table_docx(tmp_path / "plan.docx", TASK_TABLE, merge_down=(2, 2, 3), before="表1 重点任务分工", grid=True)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    (lines, tables), slow = _both(tmp_path / "plan.pdf", 1)
    assert (lines, tables) == slow
    rows = tables[0]["rows"]
    assert rows[0] == TASK_TABLE[0] and rows[1] == TASK_TABLE[1]
    assert rows[2][2] == TASK_TABLE[2][2] and rows[3][2] == ""  # merged down: the text sits in its first row
    assert lines[0] == "表1 重点任务分工"


@pytest.mark.parametrize("in_form", [False, True], ids=["page", "form-xobject"])
def test_ruled_table_found_from_pdfium_paths(tmp_path, in_form):
    raw = read_pdf(table_pdf(tmp_path / "t.pdf", DATA_TABLE, ruled=True, grid_in_form=in_form).read_bytes(), "t.pdf")
    assert [t["rows"] for t in raw.tables] == [DATA_TABLE]
    assert raw.text.splitlines()[:2] == ["表1 主要指标", "单位:亿元"]


def test_digits_in_a_latin_font_stay_on_their_line_and_bold_is_drawn_once(tmp_path):
    title = [("中央部门单位", "cjk"), ("2023", "latin"), ("年度预算执行情况", "cjk")]
    path = mixed_font_title_pdf(tmp_path / "title.pdf", title, DATA_TABLE)
    raw = read_pdf(path.read_bytes(), "title.pdf")
    assert raw.text.splitlines()[0].replace(" ", "") == "中央部门单位2023年度预算执行情况"
    assert [t["rows"] for t in raw.tables] == [DATA_TABLE]


def test_page_edges_ignore_paths_that_paint_nothing(tmp_path):
    """A clipping path (``re W n``) draws no ruling; the table finder must not see it."""
    import pypdfium2 as pdfium
    from reportlab.pdfgen import canvas

    path = tmp_path / "clip.pdf"
    c = canvas.Canvas(str(path))
    p = c.beginPath()
    p.rect(50, 50, 400, 400)
    c.clipPath(p, stroke=0, fill=0)
    c.line(100, 300, 300, 300)
    c.showPage()
    c.save()
    doc = pdfium.PdfDocument(str(path))
    edges = pdfium_layout.page_edges(doc[0])
    assert [(e["orientation"], round(e["x0"]), round(e["x1"])) for e in edges] == [("h", 100, 300)]


@pytest.mark.parametrize(
    ("chars", "kept"),
    [
        ([("微", 10.0, 20.0), ("微", 10.3, 20.2), ("软", 22.0, 20.0), ("软", 22.3, 20.0)], "微软"),
        ([("1", 10.0, 20.0), ("1", 16.0, 20.0)], "11"),  # two ones side by side are two characters
        ([("1", 10.0, 20.0), ("1", 10.0, 40.0)], "11"),  # and one above the other
        ([("1", 10.0, 20.0), ("2", 10.2, 20.0)], "12"),  # different characters at one place both stay
    ],
)
def test_dedupe(chars, kept):
    dicts = [{"text": t, "x0": x, "top": y, "size": 12.0, "upright": True} for t, x, y in chars]
    assert "".join(c["text"] for c in pdfium_layout.dedupe(dicts)) == kept
