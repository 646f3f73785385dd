"""Every document staff receive: scanned PDFs and images (OCR), garbled text layers, OFD, .doc/.rtf/.odt.

Each fixture is made here (PIL + Debian's CJK fonts, reportlab, LibreOffice) from one plan paragraph;
what comes out must be what the text version of the paragraph gives.
"""

from __future__ import annotations

import difflib
import shutil

import pytest

from docproc.ingest import InputError, ocr, read_path
from docproc.pipeline import process, process_text

from fixtures import (
    CJK_FONT,
    CJK_TTF,
    PLAN_PARAGRAPH,
    ofd_file,
    pdf_without_tounicode,
    plan_docx,
    scanned_pdf,
)

needs_ocr = pytest.mark.skipif(not ocr.available(), reason='OCR extra not installed (pip install -e ".[ocr]")')
needs_font = pytest.mark.skipif(not CJK_FONT.is_file(), reason="fonts-noto-cjk not installed (.ci/run installs it)")
needs_ttf = pytest.mark.skipif(not CJK_TTF.is_file(), reason="fonts-wqy-zenhei not installed (.ci/run installs it)")
needs_lo = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (.ci/run installs it)")

REF = "2024-01-10"


def _expected():
    return process_text("\n".join(PLAN_PARAGRAPH) + "\n", ref_date=REF)


def _summary(doc):
    tasks = [(sorted(t.units.responsible) if t.units else [], [d.date for d in t.deadlines]) for t in doc.tasks]
    return {
        "quantities": [(q.value, q.unit) for q in doc.quantities],
        "deadlines": [(d.date, d.kind) for d in doc.deadlines],
        "tasks": tasks,
    }


def _char_accuracy(got: str) -> float:
    want = "".join("".join(PLAN_PARAGRAPH).split())
    have = "".join(got.split())
    return difflib.SequenceMatcher(None, want, have).ratio()


@needs_ocr
@needs_font
@pytest.mark.slow
def test_scanned_pdf_is_read_by_ocr(tmp_path):
    doc = process(scanned_pdf(tmp_path / "scan.pdf", PLAN_PARAGRAPH), ref_date=REF)
    assert _char_accuracy(doc.text) >= 0.95
    assert _summary(doc) == _summary(_expected())
    assert any("read by OCR (no text layer)" in w for w in doc.warnings)
    assert all(q.page == 1 for q in doc.quantities)


@needs_ocr
@needs_font
@pytest.mark.slow
def test_scanned_pdf_task_table_as_markdown(tmp_path):
    from typer.testing import CliRunner

    from docproc.cli import app

    path = scanned_pdf(tmp_path / "scan.pdf", PLAN_PARAGRAPH)
    result = CliRunner().invoke(app, ["extract", str(path), "--format", "md", "--ref-date", REF])
    assert result.exit_code == 0, result.output
    assert "县交通运输局" in result.output and "2024-04-30" in result.output


@needs_ocr
@needs_font
@pytest.mark.slow
def test_image_file_is_read_by_ocr(tmp_path):
    from fixtures import page_image

    path = tmp_path / "page.png"
    page_image(PLAN_PARAGRAPH).save(path)
    doc = process(path, ref_date=REF)
    assert _summary(doc) == _summary(_expected())


@needs_ttf
def test_text_layer_without_tounicode_is_not_fed_to_extraction(tmp_path, monkeypatch):
    path = pdf_without_tounicode(tmp_path / "garbled.pdf", PLAN_PARAGRAPH)
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(InputError, match="OCR needed"):
        read_path(path)  # the only page is garbage: nothing is left to read without OCR


@needs_ttf
@needs_ocr
@pytest.mark.slow
def test_text_layer_without_tounicode_goes_to_ocr(tmp_path):
    doc = process(pdf_without_tounicode(tmp_path / "garbled.pdf", PLAN_PARAGRAPH), ref_date=REF)
    assert any("text layer is garbage (control characters)" in w for w in doc.warnings)
    assert _summary(doc) == _summary(_expected())


def test_ofd_reader(tmp_path):
    doc = process(ofd_file(tmp_path / "plan.ofd", [PLAN_PARAGRAPH[:3], PLAN_PARAGRAPH[3:]]), ref_date=REF)
    assert _summary(doc) == _summary(_expected())
    assert doc.meta.pages == 2
    assert [q.page for q in doc.quantities] == [1, 2, 2]


def test_ofd_with_entities_is_refused(tmp_path):
    with pytest.raises(InputError, match="unsafe"):
        read_path(ofd_file(tmp_path / "bomb.ofd", [PLAN_PARAGRAPH], entity=True))


@pytest.mark.parametrize(("name", "member", "content", "word"), [
    ("broken.ofd", "OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'><ofd:DocBody/></ofd:OFD>", "OFD"),
    ("bad.xlsx", "xl/workbook.xml", "<not-a-workbook", "xlsx"),
])
def test_broken_zip_package_is_one_line(tmp_path, name, member, content, word):
    import zipfile

    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(member, content)
    with pytest.raises(InputError) as err:
        read_path(path)
    assert "\n" not in str(err.value) and word in str(err.value)


@needs_lo
@pytest.mark.slow
@pytest.mark.parametrize("target", ["doc", "odt", "rtf"])
def test_office_formats_through_libreoffice(tmp_path, target):
    import subprocess

    src = plan_docx(tmp_path / "plan.docx", PLAN_PARAGRAPH)
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}", "--headless", "--convert-to",
                    target, "--outdir", str(tmp_path / "out"), str(src)], check=True, capture_output=True, timeout=180)
    converted = tmp_path / "out" / f"plan.{target}"
    renamed = converted.with_name(f"收到的文件.{target}")  # the suffix is only a hint: content decides
    converted.rename(renamed)
    doc = process(renamed, ref_date=REF)
    assert _summary(doc) == _summary(_expected())
    assert "converted with LibreOffice" in doc.warnings


def test_old_word_file_without_libreoffice_says_what_to_install(tmp_path, monkeypatch):
    from docproc.ingest import office

    monkeypatch.setattr(office, "soffice", lambda: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "WordDocument".encode("utf-16-le"))
    with pytest.raises(InputError, match="install LibreOffice"):
        read_path(path)


def test_rtf_without_libreoffice_uses_striprtf(tmp_path, monkeypatch):
    pytest.importorskip("striprtf")
    from docproc.ingest import office

    monkeypatch.setattr(office, "soffice", lambda: None)
    path = tmp_path / "plan.rtf"
    body = "".join(f"\\u{ord(c)}?" if ord(c) > 127 else c for c in "全年新改建农村公路120公里,4月底前完成招标。")
    path.write_text("{\\rtf1\\ansi " + body + "\\par}", encoding="ascii")
    doc = process(path, ref_date=REF)
    assert [(q.value, q.unit) for q in doc.quantities] == [(120.0, "公里")]


def test_quality_test_names_each_kind_of_garbage():
    from docproc.ingest.quality import garbled_reason

    assert garbled_reason("全年新建农村公路120公里,4月底前完成招标。") is None
    assert garbled_reason("全年新建農村公路120公里,4月底前完成招標。") is None
    assert garbled_reason("Annual report of the county government 2023") is None
    assert "cid" in garbled_reason("(cid:12)(cid:34)(cid:56)(cid:78)(cid:90)(cid:11)")
    assert "Latin-1" in garbled_reason("¸ÄÕþ¸®¹¤×÷±¨¸æÈ«ÄêÍê³É")
    assert "implausible" in garbled_reason("頔㩾䆿㬄顝䍡頚路PQO頚里KS䌗㪟駀㞐㸝㻨䐚嶞")
    assert "private-use" in garbled_reason("\ue001\ue002\ue003\ue004\ue005\ue006\ue007\ue008\ue009")
