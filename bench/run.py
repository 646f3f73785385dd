"""Benchmark (not a test): docproc next to the raw libraries on the same input.

    python bench/run.py [--mb 5] [--only pdf]

Prints text-pipeline throughput beside raw ``jieba.lcut``, PDF seconds per page
beside pdfplumber's own ``extract_text()``, and cold start-up times; and the growth
series of ``bench/scale.py`` (listings, the store, cold start against bare jieba,
batch size, Dask against the pool, the real documents' texts). Figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT.parent / "shared" / "pdfs"


def corpus(mb: float) -> list[str]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "seeds").glob("*.txt"))]
    docs, size = [], 0
    while size < mb * 1_000_000:
        for s in seeds:
            docs.append(s)
            size += len(s.encode("utf-8"))
    return docs


def bench_text(mb: float) -> None:
    import jieba

    from docproc.pipeline import process_text
    from docproc.resources import tokenizer

    docs = corpus(mb)
    chars = sum(len(d) for d in docs)
    tokenizer()
    jieba.lcut("预热")
    t = time.perf_counter()
    for d in docs:
        jieba.lcut(d)
    raw = chars / (time.perf_counter() - t)
    from docproc.segment import clear_caches

    spent = 0.0
    for d in docs:
        clear_caches()  # the corpus repeats the seeds; no credit for having seen a text before
        t = time.perf_counter()
        process_text(d)
        spent += time.perf_counter() - t
    ours = chars / spent
    print(f"text   {chars / 1e6:.2f} Mchar in {len(docs)} docs: docproc {ours / 1e6:.3f} Mchar/s, "
          f"jieba.lcut {raw / 1e6:.3f} Mchar/s, ratio {ours / raw:.2f}")


def bench_scaling(sizes: tuple[float, ...] = (0.1, 1, 5, 20)) -> None:
    """One document of growing size (the seeds repeated as one text): seconds and Mchar/s at each size,
    to show the pipeline is linear in document size."""
    from docproc.pipeline import process_text
    from docproc.resources import tokenizer
    from docproc.segment import clear_caches

    tokenizer()
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "seeds").glob("*.txt")))
    for mb in sizes:
        reps = max(1, int(mb * 1_000_000 / len(seeds.encode("utf-8"))))
        text = "\n".join(seeds for _ in range(reps))
        clear_caches()
        t = time.perf_counter()
        process_text(text)
        spent = time.perf_counter() - t
        print(f"size   {len(text.encode('utf-8')) / 1e6:6.1f} MB ({len(text) / 1e6:5.2f} Mchar): {spent:7.1f} s, "
              f"{len(text) / spent / 1e6:.3f} Mchar/s")


def generated_pdf(path: Path, pages: int = 60) -> Path:
    """A text-only report of `pages` pages (reportlab's built-in CJK font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    seed = (ROOT / "corpora" / "seeds" / "003_9882b4f48095540a.txt").read_text(encoding="utf-8").replace("\n", "")
    c = canvas.Canvas(str(path))
    pos = 0
    for number in range(pages):
        c.setFont("STSong-Light", 11)
        for row in range(40):
            c.drawString(60, 780 - row * 18, seed[pos % len(seed): pos % len(seed) + 38])
            pos += 38
        c.drawString(290, 30, f"— {number + 1} —")
        c.showPage()
    c.save()
    return path


def bench_pdf() -> None:
    import tempfile

    import pdfplumber

    from docproc.ingest import read_path
    from docproc.pipeline import process

    tmp = Path(tempfile.mkdtemp())
    pdfs = sorted(PDFS.glob("*.pdf")) + [generated_pdf(tmp / "generated-60p.pdf")]
    for pdf in pdfs:
        t = time.perf_counter()
        with pdfplumber.open(pdf) as doc:
            pages = len(doc.pages)
            for page in doc.pages:
                page.extract_text()
        plumber = (time.perf_counter() - t) / pages
        t = time.perf_counter()
        read_path(pdf)
        ours = (time.perf_counter() - t) / pages
        print(f"pdf    {pdf.name[:40]:<40} {pages:>3} p: docproc {ours * 1000:6.1f} ms/page, "
              f"pdfplumber extract_text {plumber * 1000:6.1f} ms/page, ratio {plumber / ours:.2f}")
        t = time.perf_counter()
        doc = process(pdf)
        whole = (time.perf_counter() - t) / pages
        cells = sum(1 for q in doc.quantities if q.table is not None)
        print(f"tables {pdf.name[:40]:<40} {len(doc.tables):>3} tables, {sum(len(t.rows) for t in doc.tables):>5} rows, "
              f"{cells:>5} figures in cells, {len(doc.quantities):>5} in all; whole pipeline {whole * 1000:6.1f} ms/page")


def bench_startup() -> None:
    import tempfile

    exe = Path(sys.executable).parent / "docproc"
    one_page = Path(tempfile.mkdtemp()) / "one-page.txt"
    one_page.write_text("2024年工作要点\n一、全年新建农村公路120公里,4月底前完成招标。(责任单位:县交通运输局)\n",
                        encoding="utf-8")
    for label, args in (("--help", [str(exe), "--help"]), ("extract (one page)", [str(exe), "extract", str(one_page)])):
        runs = sorted(_timed(args) for _ in range(5))
        print(f"start  docproc {label}: best {runs[0]:.2f} s, median {runs[2]:.2f} s (5 cold processes)")
    # where the time of an import goes: python -X importtime, the ten largest cumulative entries
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import docproc.cli, docproc.pipeline"],
                         capture_output=True, text=True).stderr.splitlines()
    rows = []
    for line in out:
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].strip()))
    top = ", ".join(f"{name} {us / 1e6:.2f}s" for us, name in sorted(rows, reverse=True)[:4])
    print(f"import docproc.cli + pipeline, largest cumulative: {top}")
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from docproc.resources import tokenizer; tokenizer()"], check=True)
    print(f"start  jieba dictionary from the cache, whole process: {time.perf_counter() - t:.2f} s")


def _timed(args: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True)
    return time.perf_counter() - t


def bench_batch(n: int) -> None:
    import tempfile

    from docproc.batch import run_batch

    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "seeds").glob("*.txt"))]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        for i in range(n):
            (folder / f"d{i:05d}.txt").write_text(seeds[i % len(seeds)] + f"\n附注{i}:新建道路{i + 1}公里。", encoding="utf-8")
        rates = {}
        for workers in (1, 2):
            t = time.perf_counter()
            run_batch([folder], Path(tmp) / f"w{workers}.db", workers=workers)
            rates[workers] = n / (time.perf_counter() - t)
        print(f"batch  {n} docs: 1 worker {rates[1]:.1f} doc/s, 2 workers {rates[2]:.1f} doc/s, "
              f"speed-up {rates[2] / rates[1]:.2f}x")


def _peak_rss_mb(args: list[str]) -> float:
    """Peak resident memory of a child process (ru_maxrss of the largest child so far is reset per call)."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True, check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def bench_memory() -> None:
    import tempfile

    exe = str(Path(sys.executable).parent / "docproc")
    big = PDFS / "audit_2023-central-departments-rectification-table.pdf"
    if big.exists():
        print(f"memory extract of a 78-page PDF: peak {_peak_rss_mb([exe, 'extract', str(big)]):.0f} MB")
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "seeds").glob("*.txt"))]
    for n in (250, 1000):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            for i in range(n):
                (folder / f"d{i:05d}.txt").write_text(seeds[i % 5] + f"\n附注{i}。", encoding="utf-8")
            peak = _peak_rss_mb([exe, "batch", str(folder), "--out", str(Path(tmp) / "r.db")])
            print(f"memory batch of {n} documents (1 worker): peak {peak:.0f} MB")


def bench_ocr(pages: int = 4) -> None:
    """OCR seconds per page on a generated scanned PDF, and character accuracy against the drawn text."""
    import difflib
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from docproc.ingest import ocr, read_path

    from fixtures import CJK_FONT, PLAN_PARAGRAPH, page_image

    if not ocr.available() or not CJK_FONT.is_file():
        print("ocr    skipped: the OCR extra or fonts-noto-cjk is not installed")
        return
    tmp = Path(tempfile.mkdtemp())
    lines = PLAN_PARAGRAPH * 4  # a full page of text (20 lines)
    images = [page_image(lines) for _ in range(pages)]
    path = tmp / "scanned.pdf"
    images[0].save(str(path), "PDF", resolution=150.0, save_all=True, append_images=images[1:])
    ocr.ocr_lines(images[0])  # load the models once, as a batch worker would
    t = time.perf_counter()
    raw = read_path(path)
    per_page = (time.perf_counter() - t) / pages
    import unicodedata

    assert raw.pages == pages
    # accuracy per page, from the OCR lines (the PDF reader drops lines repeated on every page as headers)
    want = unicodedata.normalize("NFKC", "".join("".join(lines).split()))
    got = unicodedata.normalize("NFKC", "".join("".join(ocr.ocr_lines(images[0])).split()))  # ,:() printed full-width
    accuracy = difflib.SequenceMatcher(None, want, got, autojunk=False).ratio()
    print(f"ocr    {pages} scanned pages ({len(want)} characters each): {per_page:.2f} s/page, "
          f"character accuracy {accuracy:.4f}")


PARTS = ["startup", "batch", "text", "scaling", "pdf", "ocr", "memory"]
GROWTH = ["listing", "store", "cold", "batchsize", "dask", "realtext"]  # bench/scale.py (issue 27)


def _growth(parts: list[str], store_docs: int, store_doc: str) -> None:
    import scale

    steps = {"listing": scale.bench_listing, "store": lambda: scale.bench_store(store_docs, store_doc), "cold": scale.bench_cold,
             "batchsize": scale.bench_batch_size, "dask": scale.bench_dask, "realtext": scale.bench_real_text}
    for name in GROWTH:
        if name in parts:
            steps[name]()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0, help="size of the text corpus in MB")
    ap.add_argument("--docs", type=int, default=400, help="documents in the batch benchmark")
    ap.add_argument("--store-docs", type=int, default=10_000, help="documents in the store series (100000: 10^5)")
    ap.add_argument("--store-doc", choices=["richest", "median"], default="richest",
                    help="the seed whose rows every synthetic document of the store series repeats")
    ap.add_argument("--only", choices=[*PARTS, *GROWTH], action="append",
                    help="run only these parts (repeatable); default: all")
    args = ap.parse_args()
    parts = args.only or [*PARTS, *GROWTH]
    _growth(parts, args.store_docs, args.store_doc)
    if "startup" in parts:
        bench_startup()
    if "batch" in parts:
        bench_batch(args.docs)
    if "text" in parts:
        bench_text(args.mb)
    if "scaling" in parts:
        bench_scaling()
    if "pdf" in parts and PDFS.is_dir():
        bench_pdf()
    if "ocr" in parts:
        bench_ocr()
    if "memory" in parts:
        bench_memory()


if __name__ == "__main__":
    main()
