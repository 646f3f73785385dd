"""Hostile input, one test each: the exit code, a one-line reason, and the rest of a batch stored."""

from __future__ import annotations

import io
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

from docproc.batch import run_batch
from docproc.ingest import read_path

from conftest import ROOT, SEEDS
from fixtures import text_pdf

GOOD = "2024年工作要点\n一、全年新建农村公路120公里,4月底前完成招标。(责任单位:县交通运输局)\n"


def cli(*args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "docproc.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env={**os.environ, **(env or {})})


def one_line_failure(result: subprocess.CompletedProcess, words: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and words in lines[0], result.stderr


def batch_with(tmp_path: Path, name: str, data: bytes, words: str) -> None:
    """The hostile file next to a good one: the good one is stored, the bad one has its reason."""
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    store = tmp_path / "out.db"
    run_batch([folder], store, workers=1)
    db = sqlite3.connect(store)
    rows = dict(db.execute("SELECT source, coalesce(error, status) FROM documents"))
    db.close()
    assert rows[str(folder / "good.txt")] == "done"
    bad = [v for k, v in rows.items() if k.endswith(name)]
    assert bad and words in bad[0], rows


# ---- PDFs ----------------------------------------------------------------------------------------

def _pdf(tmp_path: Path) -> Path:
    return text_pdf(tmp_path / "plain.pdf", ["一、全年新建农村公路120公里,4月底前完成招标。"])


def test_encrypted_pdf_with_a_user_password(tmp_path):
    from fixtures import encrypted_pdf

    path = encrypted_pdf(tmp_path / "locked.pdf", _pdf(tmp_path))
    one_line_failure(cli("extract", str(path)), "encrypted PDF")
    batch_with(tmp_path, "locked.pdf", path.read_bytes(), "encrypted PDF")


def test_encrypted_pdf_with_only_an_owner_password_is_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(_pdf(tmp_path))).pages:
        writer.add_page(page)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "restricted.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    assert "120公里" in read_path(path).text.replace(" ", "")


@pytest.mark.parametrize(("name", "make", "words"), [
    ("zero.pdf", lambda good: b"", "empty file"),
    ("truncated.pdf", lambda good: good[: len(good) // 3], "PDF"),
    ("random.pdf", lambda good: b"%PDF-1.7\n" + random.Random(1).randbytes(20000), "broken PDF"),
])
def test_damaged_pdfs(tmp_path, name, make, words):
    data = make(_pdf(tmp_path).read_bytes())
    path = tmp_path / name
    path.write_bytes(data)
    result = cli("extract", str(path))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    batch_with(tmp_path, name, data, words)


def _peak_rss_mb(args: list[str]) -> float:
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(out.stdout.strip())


@pytest.mark.slow
def test_500_page_pdf_memory_stays_flat(tmp_path):
    pages = [f"第{i}页:全年新建农村公路{i}公里,{i % 12 + 1}月底前完成招标。" * 3 for i in range(500)]
    big = text_pdf(tmp_path / "big.pdf", pages)
    small = text_pdf(tmp_path / "small.pdf", pages[:50])
    args = [sys.executable, "-m", "docproc.cli", "extract", "--no-checks", "--format", "csv"]
    rss_small = _peak_rss_mb([*args, str(small)])
    rss_big = _peak_rss_mb([*args, str(big)])
    assert rss_big < rss_small * 1.6, (rss_small, rss_big)  # ten times the pages, not ten times the memory


# ---- texts ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_text_over_the_size_limit_is_refused_from_its_head_and_the_limit_can_be_raised(tmp_path):
    path = tmp_path / "huge.txt"
    line = ("全年新建农村公路120公里,4月底前完成招标。" * 20 + "\n").encode()
    with open(path, "wb") as fh:
        for _ in range(300 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert path.stat().st_size >= 300 * 1024 * 1024
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
            "print(r.returncode); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024);"
            "print(r.stderr.strip())")
    out = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "docproc.cli", "extract", str(path)],
                         capture_output=True, text=True, cwd=ROOT).stdout.splitlines()
    assert out[0] == "2" and int(out[1]) < 500, out  # refused without reading 300 MB into memory
    assert "over the limit of 50 MB; raise it with --max-mb" in out[2] and len(out) == 3
    path.unlink()
    small = tmp_path / "two-mb.txt"
    small.write_bytes(line * (2 * 1024 * 1024 // len(line) + 1))
    one_line_failure(cli("extract", str(small), "--format", "csv", env={"DOCPROC_MAX_MB": "1"}), "over the limit of 1 MB")
    assert cli("extract", str(small), "--format", "csv", "--max-mb", "3", env={"DOCPROC_MAX_MB": "1"}).returncode == 0


@pytest.mark.slow
def test_20_mb_single_line_text(tmp_path):
    """Read to the end (the timeout only stops a hang; that the work grows linearly is counted below)."""
    prose = "".join(p.read_text(encoding="utf-8").replace("\n", "") for p in sorted(SEEDS.glob("*.txt")))
    path = tmp_path / "one-line.txt"
    data = (prose * (20 * 1024 * 1024 // len(prose.encode()) + 1)).encode()[: 20 * 1024 * 1024]
    path.write_bytes(data.decode("utf-8", errors="ignore").encode())
    result = cli("extract", str(path), "--format", "csv", timeout=1800)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") >= 1


@pytest.mark.slow
def test_work_stays_linear_on_lines_without_stops(monkeypatch):
    """A line without full stops is one long sentence: the figures the checks look back over and the
    characters jieba segments must grow with the text, not with its square. Work is counted, not timed
    (a busy machine cannot break it); an unbounded look-back gives 60x for 8x the text."""
    from docproc import resources
    from docproc.check import arithmetic
    from docproc.pipeline import process_text

    unit = "全年新建道路5公里,完成投资3亿元,其中中央资金1亿元(占33.3%),"
    work = {"figures looked back over": 0, "characters segmented": 0}
    tokenizer = resources.tokenizer()
    tokenize, quantities_in = tokenizer.tokenize, arithmetic._Index.quantities_in

    def counted_tokenize(text, *args, **kwargs):
        work["characters segmented"] += len(text)
        return tokenize(text, *args, **kwargs)

    def counted_quantities_in(self, start, end):
        found = quantities_in(self, start, end)
        work["figures looked back over"] += len(found)
        return found

    monkeypatch.setattr(tokenizer, "tokenize", counted_tokenize)
    monkeypatch.setattr(arithmetic._Index, "quantities_in", counted_quantities_in)

    def counted(n: int) -> dict[str, int]:
        for key in work:
            work[key] = 0
        process_text(unit * n, ref_date="2024-01-01")
        return dict(work)

    small, large = counted(150), counted(1200)
    assert all(small.values()), small
    assert all(large[k] <= small[k] * 8 * 1.5 for k in work), (small, large)  # 8x the text, at most 12x the work


@pytest.mark.slow
def test_nul_bytes_in_text(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(GOOD.encode("utf-8").replace("公路".encode(), "公\x00路".encode()))
    result = cli("extract", str(path))
    assert result.returncode == 0 and "120公里" in result.stdout


def test_utf16_without_bom(tmp_path):
    for enc in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{enc}.txt"
        path.write_bytes(GOOD.encode(enc))
        assert "全年新建农村公路120公里" in read_path(path).text


# ---- office and OFD packages ---------------------------------------------------------------------

def _docx_with(document_xml: bytes, tmp_path: Path, name: str) -> Path:
    from fixtures import plan_docx

    src = plan_docx(tmp_path / "src.docx", ["正文"])
    out = tmp_path / name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = document_xml if item.filename == "word/document.xml" else zin.read(item)
            zout.writestr(item, data)
    return out


def test_billion_laughs_in_docx(tmp_path):
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           + b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")
    path = _docx_with(lol, tmp_path, "lol.docx")
    one_line_failure(cli("extract", str(path)), "DTD")
    batch_with(tmp_path, "lol.docx", path.read_bytes(), "DTD")


def test_billion_laughs_in_ofd(tmp_path):
    from fixtures import PLAN_PARAGRAPH, ofd_file

    path = ofd_file(tmp_path / "lol.ofd", [PLAN_PARAGRAPH], entity=True)
    one_line_failure(cli("extract", str(path)), "unsafe")


@pytest.mark.slow
def test_docx_zip_bomb(tmp_path):
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    bomb = body + b" " * (300 * 1024 * 1024) + b"</w:body></w:document>"
    path = _docx_with(bomb, tmp_path, "bomb.docx")
    assert path.stat().st_size < 2 * 1024 * 1024
    one_line_failure(cli("extract", str(path)), "解压后的 XML 大小")


# ---- archives and folders ------------------------------------------------------------------------

def _store_rows(store: Path) -> dict[str, str]:
    db = sqlite3.connect(store)
    rows = dict(db.execute("SELECT source, coalesce(error, status) FROM documents"))
    db.close()
    return rows


def test_tar_links_devices_and_slips(tmp_path):
    path = tmp_path / "evil.tar"
    with tarfile.open(path, "w") as tf:
        for name, kind in (("link.txt", tarfile.SYMTYPE), ("hard.txt", tarfile.LNKTYPE), ("dev.txt", tarfile.CHRTYPE),
                           ("fifo.txt", tarfile.FIFOTYPE)):
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = "/etc/passwd"
            tf.addfile(info)
        for name in ("../../escape.txt", "/abs/good.txt"):
            data = GOOD.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    store = tmp_path / "out.db"
    run_batch([path], store)
    rows = _store_rows(store)
    assert "link member in a tar" in rows[f"{path}!link.txt"] and "link member" in rows[f"{path}!hard.txt"]
    assert "device or pipe" in rows[f"{path}!dev.txt"] and "device or pipe" in rows[f"{path}!fifo.txt"]
    assert rows[f"{path}!../../escape.txt"] == "done" and not (tmp_path.parent / "escape.txt").exists()


def test_zip_slips_absolute_names_and_links(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../escape.txt", GOOD)
        zf.writestr("/abs/good.txt", GOOD + "\n")  # other bytes: the store keeps one copy of equal documents
        link = zipfile.ZipInfo("link.txt")
        link.create_system = 3  # Unix
        link.external_attr = (0o120777 << 16)  # S_IFLNK: the member's bytes are the target path
        zf.writestr(link, "/etc/passwd")
    store = tmp_path / "out.db"
    run_batch([path], store)
    rows = _store_rows(store)
    assert rows[f"{path}!../../escape.txt"] == "done" and not (tmp_path.parent / "escape.txt").exists()
    assert rows[f"{path}!/abs/good.txt"] == "done" and not Path("/abs").exists()
    assert "link member in a zip" in rows[f"{path}!link.txt"]


def test_archives_nested_five_deep_and_one_holding_a_copy_of_itself(tmp_path):
    data = GOOD.encode()
    for depth in range(5):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(f"level{depth}.txt" if depth == 0 else "inner.zip", data)
        data = buf.getvalue()
    (tmp_path / "deep.zip").write_bytes(data)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("self.zip", data)  # the archive again, inside itself, as far as bytes allow
    (tmp_path / "self.zip").write_bytes(buf.getvalue())
    store = tmp_path / "out.db"
    run_batch([tmp_path / "deep.zip", tmp_path / "self.zip"], store)
    reasons = " ".join(_store_rows(store).values())
    assert "nested deeper than 3" in reasons


def test_twenty_thousand_tiny_members(tmp_path, monkeypatch):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(20000):
            zf.writestr(f"m/{i:05d}.dat", b"x")
        zf.writestr("m/real.txt", GOOD)
    store = tmp_path / "out.db"
    opened: list[str] = []
    open_member = zipfile.ZipFile.open

    def counted_open(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return open_member(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counted_open)
    summary = run_batch([path], store)
    assert summary.counts["done"] == 1
    assert opened == ["m/real.txt"]  # members that are no document are passed over by name, never read


def test_symlink_loop_in_a_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    os.symlink(folder / "b.txt", folder / "a.txt")
    os.symlink(folder / "a.txt", folder / "b.txt")
    os.symlink(folder, folder / "self")  # a folder loop: not followed
    store = tmp_path / "out.db"
    run_batch([folder], store)
    rows = _store_rows(store)
    assert rows[str(folder / "good.txt")] == "done"
    assert "symlink loop" in rows[str(folder / "a.txt")]


# ---- outputs -------------------------------------------------------------------------------------

def test_exports_neutralise_formulas(tmp_path):
    import openpyxl

    from docproc.export import render_text, write_xlsx
    from docproc.pipeline import process_text

    doc = process_text("2024年工作要点\n=HYPERLINK(\"http://x\")全年新建道路5公里。\n@SUM(A1)开展排查。\n",
                       ref_date="2024-01-01", kind="plan")
    csv_text = render_text([doc], "csv")
    assert "'=HYPERLINK" in csv_text and "'@SUM" in csv_text
    write_xlsx([doc], tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["任务"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" and c.value.startswith("=") for c in cells)  # text, no guard shown


def test_html_report_escapes_script(tmp_path):
    from docproc.export import render_text
    from docproc.pipeline import process_text

    doc = process_text("2024年工作要点\n一、<script>alert(1)</script>新建学校3所。\n", ref_date="2024-01-01")
    page = render_text([doc], "html")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.slow
def test_two_batches_into_one_store_at_once(tmp_path):
    folders = []
    for k in range(2):
        folder = tmp_path / f"in{k}"
        folder.mkdir()
        for i in range(15):
            (folder / f"d{i}.txt").write_text(GOOD + f"\n第{k}-{i}号:新建道路{i + k * 100}公里。\n", encoding="utf-8")
        folders.append(folder)
    store = tmp_path / "shared.db"
    procs = [subprocess.Popen([sys.executable, "-m", "docproc.cli", "batch", str(f), "--out", str(store)], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for f in folders]
    outs = [p.communicate(timeout=600) for p in procs]
    codes = [p.returncode for p in procs]
    rows = _store_rows(store)
    done = sum(1 for v in rows.values() if v == "done")
    busy = [o[1] for o, c in zip(outs, codes, strict=True) if c != 0]
    assert all(c == 0 for c in codes) and done == 30 or all("busy" in b for b in busy), (codes, outs)


def test_read_only_output_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    one_line_failure(cli("batch", str(folder), "--out", "/proc/docproc-results.db"), "cannot open the store")


@pytest.mark.slow
def test_full_disk_leaves_the_store_as_it_was(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "first.txt").write_text(GOOD, encoding="utf-8")
    store = tmp_path / "out.db"
    assert cli("batch", str(folder), "--out", str(store)).returncode == 0
    before = _store_rows(store)
    big = "\n".join(f"{i}、新建道路{i}公里,4月底前完成。(责任单位:县交通运输局)" for i in range(1, 4000))
    (folder / "second.txt").write_text("2024年工作要点\n" + big, encoding="utf-8")
    limit = store.stat().st_size + sum(p.stat().st_size for p in tmp_path.glob("out.db*")) + 64 * 1024

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run([sys.executable, "-m", "docproc.cli", "batch", str(folder), "--out", str(store)],
                            capture_output=True, text=True, cwd=ROOT, preexec_fn=small_disk, timeout=600)
    assert result.returncode == 2, result.stderr
    assert "cannot write the store" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    after = _store_rows(store)
    assert {k: v for k, v in after.items() if k in before} == before
    assert str(folder / "second.txt") not in after or after[str(folder / "second.txt")] != "done"


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"not a database at all, just text", b"SQLite format 3\x00" + b"\x00" * 100])
def test_corrupt_or_foreign_store_is_refused(tmp_path, content):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    store = tmp_path / "results.db"
    store.write_bytes(content)
    result = cli("batch", str(folder), "--out", str(store))
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1 and str(store) in result.stderr
    assert store.read_bytes() == content
    one_line_failure(cli("query", str(store)), str(store))


def test_foreign_sqlite_file_is_refused(tmp_path):
    store = tmp_path / "other.db"
    db = sqlite3.connect(store)
    db.execute("CREATE TABLE customers (id INTEGER)")
    db.commit()
    db.close()
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    one_line_failure(cli("batch", str(folder), "--out", str(store)), "another program")


def test_threads_do_not_share_a_broken_state():
    """Two threads extracting at once give the same result as one (the jieba tokenizer is per process)."""
    from docproc.pipeline import process_text

    results = []

    def work() -> None:
        results.append([q.text for q in process_text(GOOD, ref_date="2024-01-01").quantities])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == results[0] for r in results) and results[0]


# ---- caps on every document (issue 24): tiny files that ask for gigabytes or for ever ----------------

def capped(*args: str, env: dict | None = None) -> tuple[int, str, float]:
    """Run the CLI in a child and return its exit code, its stderr and its peak resident memory in MB."""
    code = ("import json, resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
            "print(json.dumps([r.returncode, r.stderr, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))")
    out = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "docproc.cli", *args], capture_output=True,
                         text=True, cwd=ROOT, env={**os.environ, **(env or {})}, timeout=300)
    rc, err, peak = __import__("json").loads(out.stdout)
    return rc, err, peak


def refused(path: Path, words: str, *extra: str) -> None:
    """One Chinese line naming the cap, exit 2, no traceback, and well under 1.5 GB."""
    rc, err, peak = capped("extract", str(path), *extra)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert rc == 2 and len(lines) == 1 and words in lines[0] and "上限" in lines[0], err
    assert peak < 1500, peak


HUGE_PAGE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                 b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14400 14400]/Contents 4 0 R>>endobj\n"
                 b"4 0 obj<</Length 25>>stream\n10 w 0 0 m 14400 14400 l S\nendstream endobj\n"
                 b"trailer<</Root 1 0 R>>\n%%EOF\n")


def test_pdf_with_a_14400_point_page_is_not_rendered(tmp_path):
    path = tmp_path / "huge-page.pdf"
    path.write_bytes(HUGE_PAGE_PDF)  # one stroke across the page, no text layer: OCR would render 28800×28800
    assert path.stat().st_size < 400
    refused(path, "每页渲染像素数为 829440000")
    batch_with(tmp_path, "huge-page.pdf", HUGE_PAGE_PDF, "每页渲染像素数")


def test_pdf_page_cap(tmp_path):
    path = text_pdf(tmp_path / "three.pdf", ["第一页:全年新建道路5公里。", "第二页。", "第三页。"])
    refused(path, "页数为 3", "--cap", "pages=2")


def _blank_pdf(path: Path, pages: int, white_image: bool = False) -> Path:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(pages):
        if white_image:  # a blank scan: an image, all white
            c.drawImage(ImageReader(Image.new("L", (400, 560), 255)), 0, 0, width=595, height=842)
        c.showPage()
    c.save()
    return path


@pytest.mark.parametrize("white_image", [False, True], ids=["no-objects", "white-scan"])
def test_blank_pages_cost_no_ocr(tmp_path, monkeypatch, white_image):
    from docproc.ingest import InputError, ocr

    calls: list[int] = []
    monkeypatch.setattr(ocr, "recognize", lambda image: calls.append(1) or [])
    path = _blank_pdf(tmp_path / "blank.pdf", 20, white_image)
    assert path.stat().st_size < 20_000
    with pytest.raises(InputError, match="20 页全是空白页"):
        read_path(path)
    assert calls == []  # the OCR engine never ran (it took about 2 s a page)
    from fixtures import image_only_pdf

    with pytest.raises(InputError):
        read_path(image_only_pdf(tmp_path / "grey.pdf"))  # a page with ink still goes to OCR
    assert calls == [1]


@pytest.mark.slow
def test_png_of_20000_by_20000_is_one_line(tmp_path):
    from PIL import Image

    path = tmp_path / "huge.png"
    Image.new("1", (20000, 20000), 1).save(path)
    assert path.stat().st_size < 200_000
    refused(path, "每页渲染像素数为 400000000")


def _xlsx(path: Path, sheet_data: str | None = None, merges: str = "", rows=None) -> Path:
    """A workbook written as XML (openpyxl itself would expand the hostile ranges when saving them)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main'
            '+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        zf.writestr("_rels/.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument"'
                                   ' Target="xl/workbook.xml"/></Relationships>')
        zf.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="任务" sheetId="1"'
                                       ' r:id="rId1"/></sheets></workbook>')
        zf.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" '
                                                  f'Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:  # streamed: a million rows never sit in memory
            fh.write(f'<worksheet xmlns="{main}"><dimension ref="A1:XFD1048576"/><sheetData>'.encode())
            for chunk in rows or [sheet_data or ""]:
                fh.write(chunk.encode())
            fh.write(f"</sheetData>{merges}</worksheet>".encode())
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_xlsx_merged_range_over_the_whole_sheet(tmp_path):
    path = _xlsx(tmp_path / "merged.xlsx", f'<row r="1">{_cell("A1", "任务")}{_cell("C1", "全年新建道路5公里")}</row>',
                 '<mergeCells count="1"><mergeCell ref="C1:XFD1048576"/></mergeCells>')
    assert path.stat().st_size < 5000
    refused(path, "合并单元格覆盖的面积(单元格数)达到 17177772032(合并区域 C1:XFD1048576)")
    batch_with(tmp_path, "merged.xlsx", path.read_bytes(), "合并单元格")


def test_xlsx_one_cell_at_the_last_address_is_read(tmp_path):
    path = _xlsx(tmp_path / "corner.xlsx", f'<row r="1048576">{_cell("XFD1048576", "全年新建道路5公里")}</row>')
    rc, err, peak = capped("extract", str(path), "--format", "csv")
    assert rc == 0, err
    assert peak < 1500, peak
    assert "全年新建道路5公里" in read_path(path).text


@pytest.mark.slow
def test_xlsx_of_a_million_rows_is_refused_by_its_cell_count(tmp_path):
    rows = (f'<row r="{i}">{_cell(f"A{i}", f"第{i}项")}</row>' for i in range(1, 1_000_001))
    path = _xlsx(tmp_path / "rows.xlsx", rows=rows)
    refused(path, "表格单元格数为 3")  # counted while streaming, stopped just past the cap


def _ofd(path: Path, content: str, pages: int = 1) -> Path:
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("OFD.xml", f"<ofd:OFD {ns}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
                               "</ofd:DocBody></ofd:OFD>")
        refs = "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_0/Content.xml"/>' for i in range(pages))
        zf.writestr("Doc_0/Document.xml", f"<ofd:Document {ns}><ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
        zf.writestr("Doc_0/Pages/Page_0/Content.xml", f"<ofd:Page {ns}><ofd:Content><ofd:Layer>{content}</ofd:Layer>"
                                                      "</ofd:Content></ofd:Page>")
    return path


def _text_object(delta_x: str) -> str:
    return (f'<ofd:TextObject Boundary="20 30 170 6" Size="4.2"><ofd:TextCode X="0" Y="4" DeltaX="{delta_x}">'
            "全年新建道路5公里</ofd:TextCode></ofd:TextObject>")


def test_ofd_glyph_repeat_of_300_million(tmp_path):
    path = _ofd(tmp_path / "repeat.ofd", _text_object("g 300000000 4.2"))
    assert path.stat().st_size < 1500
    refused(path, "(DeltaX 中的 g N)为 300000000")
    assert "道路5公里" in read_path(_ofd(tmp_path / "fine.ofd", _text_object("g 8 4.2"))).text


def test_ofd_of_5000_pages_sharing_one_content_file(tmp_path):
    path = _ofd(tmp_path / "shared.ofd", _text_object("g 8 4.2"), pages=5000)
    refused(path, "页数为 5000")
    refused(_ofd(tmp_path / "five.ofd", _text_object("g 8 4.2"), pages=5), "OFD 同一页面内容被引用的次数为 5")


def test_docx_of_five_million_empty_paragraphs(tmp_path):
    from fixtures import plan_docx

    src = plan_docx(tmp_path / "src.docx", ["正文"])
    path = tmp_path / "paragraphs.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "word/document.xml":
                zout.writestr(item, zin.read(item))
                continue
            with zout.open("word/document.xml", "w") as fh:  # streamed: 30 MB of XML, never in memory at once
                fh.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
                for _ in range(50):
                    fh.write(b"<w:p/>" * 100_000)
                fh.write(b"</w:body></w:document>")
    assert path.stat().st_size < 200_000
    refused(path, "段落数为")  # counted while streaming, stopped at the first megabyte past the cap


def test_time_cap_is_one_line(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(GOOD * 20000, encoding="utf-8")  # a 2 MB text: far more than a second of work
    refused(path, "单个文档的处理时间(秒)已超过 1 秒", "--cap", "seconds=1")


def test_memory_cap_is_one_line(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(GOOD * 20000, encoding="utf-8")  # needs far more than 200 MB of address space
    refused(path, "工作进程的内存(地址空间,MB)已用尽", "--cap", "memory_mb=200")


def test_a_bad_cap_flag_is_one_line(tmp_path):
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    one_line_failure(cli("extract", str(path), "--cap", "pagez=3"), "--cap 需写成 名称=数值")


# ---- special files and unread files ---------------------------------------------------------------

def test_fifo_and_devices_are_refused_before_reading(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")  # opening it would block the batch for ever
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    store = tmp_path / "out.db"
    run_batch([folder], store)
    rows = _store_rows(store)
    assert rows[str(folder / "good.txt")] == "done"
    assert "命名管道" in rows[str(folder / "pipe.txt")]
    one_line_failure(cli("extract", str(folder / "pipe.txt")), "命名管道")
    one_line_failure(cli("extract", "/dev/zero"), "字符设备")
    os.mkfifo(folder / "pipe.zip")  # the CLI counts archive members first: that count must not open it either
    result = cli("batch", str(folder), "--out", str(store), timeout=120)
    assert result.returncode == 2 and "pipe.zip: 是命名管道(FIFO)" in result.stderr, result.stderr
    os.mkfifo(tmp_path / "store.db")
    one_line_failure(cli("batch", str(folder / "good.txt"), "--out", str(tmp_path / "store.db"), timeout=120), "不是普通文件")


def test_sparse_3_gb_file_in_a_folder_is_not_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "huge.txt").touch()
    os.truncate(folder / "huge.txt", 3 * 2**30)  # sparse: 3 GB long, nothing on disk
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    store = tmp_path / "out.db"
    run_batch([folder], store)
    rows = _store_rows(store)
    assert rows[str(folder / "good.txt")] == "done"
    assert "文件大小 3072 MB 超出上限 200 MB" in rows[str(folder / "huge.txt")]
    one_line_failure(cli("extract", str(folder / "huge.txt")), "文件大小(MB)为 3072")
