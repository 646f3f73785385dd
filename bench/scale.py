"""Benchmarks of growth (issue 27): each figure is a ratio measured in the same run, so a loaded machine
slows both sides alike. In-process work is timed in CPU seconds (``time.process_time``), which other
engineers' processes on the same cores do not inflate; work spread over processes is timed by the clock.

    python bench/run.py --only listing --only store --only cold --only batchsize --only dask --only realtext
"""

from __future__ import annotations

import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real"
PLACES = ["城东片区", "城西片区", "南湖新区", "北山镇", "临江街道", "高新园区", "青石乡", "白沙镇"]
WORKS = ["供水管网改造", "农村公路硬化", "校舍加固", "养老服务站", "河道清淤", "农贸市场提升"]
OFFICES = ["县住建局", "县交通运输局", "县教育局", "县民政局", "县水利局", "县商务局"]


def listing_rows(n: int) -> list[list[str]]:
    """``n`` rows of a project listing, 2 to 5 cells each (our own words and figures)."""
    rows = []
    for i in range(n):
        cells = [str(i + 1), f"{PLACES[i % 8]}{WORKS[i % 6]}", f"{(i * 37) % 900 + 10}", OFFICES[i % 6],
                 f"{i % 12 + 1}月底前"]
        rows.append(cells[: 2 + i % 4])
    return rows


def listing(lines: int, layout: str) -> list[str]:
    """A listing of about ``lines`` lines: ``gap`` = cells separated by spaces, ``cell`` = one cell per line
    (as a PDF's text layer or a saved web page gives a table), under a header every 40 rows; ``bare`` = one
    cell per line and no header at all (no table can be rebuilt: the worst case of the column search)."""
    out: list[str] = []
    i = 0
    while len(out) < lines:
        rows = listing_rows(i + 40)[i: i + 40]
        if layout == "bare":  # amounts with their unit, names with a phase: many short tables are rebuilt
            rows = [[str(j + 1), f"{WORKS[j % 6]}{j % 17}期", f"{(j * 37) % 900 + 10}万元", OFFICES[j % 6],
                     f"{j % 12 + 1}月底前"][: 2 + j % 4] for j in range(i, i + 40)]
        head = ["序号", "项目名称", "投资(万元)", "责任单位", "完成时限"]
        for row in ([head] if layout != "bare" else []) + rows:
            if layout == "gap":
                out.append("   ".join(row))
            else:
                out.extend(row)
        i += 40
    return out[:lines]


def _cpu(fn, *args) -> float:
    t = time.process_time()
    fn(*args)
    return time.process_time() - t


def bench_listing(sizes: tuple[int, ...] = (170, 340, 680, 1360, 2720)) -> None:
    """columns.plan and the whole pipeline on listings of growing length, beside jieba.lcut of the same text."""
    import jieba

    from docproc import columns
    from docproc.pipeline import process_text
    from docproc.resources import tokenizer

    tokenizer().load_all()
    jieba.lcut("预热")
    process_text("\n".join(listing(170, "cell")))  # lexicons read, patterns compiled: not part of the series
    for layout in ("cell", "gap", "bare"):
        first = None
        for n in sizes:
            lines = listing(n, layout)
            text = "\n".join(lines)
            plan = _cpu(columns.plan, lines)
            whole = _cpu(process_text, text)
            lcut = _cpu(jieba.lcut, text)
            first = first or (whole / n)
            print(f"listing {layout:<4} {n:>5} lines: columns.plan {plan:6.3f} s, pipeline {whole:6.2f} s, "
                  f"jieba.lcut {lcut:5.3f} s; plan/lcut {plan / lcut:5.2f}, pipeline/lcut {whole / lcut:5.2f}, "
                  f"pipeline per line x{whole / n / first:4.2f} of {sizes[0]} lines (CPU)")


def synthetic_doc(which: str = "richest") -> dict:
    """A seed as the batch stores it (tasks, units, deadlines, quantities): the richest, or the median one."""
    from docproc.pipeline import process_text

    docs = [process_text(p.read_text(encoding="utf-8")).to_json() for p in sorted((ROOT / "corpora" / "seeds").glob("*.txt"))]
    docs.sort(key=lambda d: len(d["tasks"]) + len(d["quantities"]) + len(d["deadlines"]))
    return docs[-1] if which == "richest" else docs[len(docs) // 2]


def bench_store(largest: int = 10_000, which: str = "richest") -> None:
    """Per-document write time as one store grows to ``largest`` documents (a synthetic stream of distinct
    digests over one real document's rows), read at 100, 1,000, 10,000 (and 100,000) documents."""
    from docproc.store import Store

    doc = synthetic_doc(which)
    rows = 1 + len(doc["tasks"]) + sum(len(t["units"][r]) for t in doc["tasks"] for r in ("lead", "responsible", "support")) \
        + len(doc["quantities"]) + len(doc["deadlines"]) + len(doc["findings"])
    marks = [m for m in (100, 1_000, 10_000, 100_000) if m <= largest]
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.db")
        window = 100
        base = None
        t0 = time.perf_counter()
        c0 = time.process_time()
        for i in range(largest):
            if i + 1 in [m - window + 1 for m in marks]:
                w0, wc = time.perf_counter(), time.process_time()
            store.write(f"d{i}.txt", hashlib.sha256(str(i).encode()).hexdigest(), "bench", doc)  # random order, as sha256
            if i + 1 in marks:
                per = (time.process_time() - wc) / window * 1000
                base = base or per
                size = sum(p.stat().st_size for p in Path(tmp).glob("s.db*")) / 1e6  # with the WAL
                print(f"store  {i + 1:>7} documents ({rows} rows each, {size:7.0f} MB): "
                      f"{per:5.2f} ms/doc CPU over the last {window} ({(time.perf_counter() - w0) / window * 1000:5.2f} ms "
                      f"by the clock), x{per / base:4.2f} of {marks[0]}")
        store.close()
        print(f"store  {largest} documents in {time.perf_counter() - t0:.0f} s ({time.process_time() - c0:.0f} s CPU): "
              f"{largest / (time.perf_counter() - t0):.0f} doc/s for one writer")


def _child_run(args: list[str], env: dict | None = None) -> tuple[float, float]:
    """Clock and CPU seconds (user + system) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(args, capture_output=True, check=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bench_cold(runs: int = 7) -> None:
    """A cold ``docproc extract`` of one page against bare ``import jieba; jieba.lcut('测试')``, alternated."""
    exe = str(Path(sys.executable).parent / "docproc")
    page = Path(tempfile.mkdtemp()) / "one-page.txt"
    page.write_text("2026年工作要点\n一、全年新建农村公路120公里,4月底前完成招标。(责任单位:县交通运输局)\n",
                    encoding="utf-8")
    _child_run([exe, "extract", str(page)])  # the block cache exists (the first run of a machine builds it)
    _child_run([sys.executable, "-c", "import jieba; jieba.lcut('测试')"])  # and jieba's own cache
    ours, bare = [], []
    for _ in range(runs):
        ours.append(_child_run([exe, "extract", str(page)]))
        bare.append(_child_run([sys.executable, "-c", "import jieba; jieba.lcut('测试')"]))
    for label, rows in (("docproc extract (one page)", ours), ("python -c 'import jieba; jieba.lcut(...)'", bare)):
        print(f"cold   {label:<42} median {statistics.median(r[0] for r in rows):.2f} s by the clock, "
              f"{statistics.median(r[1] for r in rows):.2f} s CPU ({runs} runs)")
    print(f"cold   ratio docproc/jieba: {statistics.median(r[0] for r in ours) / statistics.median(r[0] for r in bare):.2f} "
          f"by the clock, {statistics.median(r[1] for r in ours) / statistics.median(r[1] for r in bare):.2f} CPU")


def seed_folder(folder: Path, n: int) -> Path:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "seeds").glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"d{i:06d}.txt").write_text(seeds[i % len(seeds)] + f"\n附注{i}:新建道路{i + 1}公里。", encoding="utf-8")
    return folder


def bench_batch_size(small: int = 300, large: int = 1200) -> None:
    """Per-document time of a batch (one worker, in process) at ``large`` documents against ``small``."""
    from docproc.batch import run_batch

    per = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (small, large):
            folder = seed_folder(Path(tmp) / f"in{n}", n)
            t, c = time.perf_counter(), time.process_time()
            run_batch([folder], Path(tmp) / f"s{n}.db", workers=1)
            per[n] = ((time.perf_counter() - t) / n, (time.process_time() - c) / n)
            print(f"batch  {n:>5} documents, 1 worker: {per[n][0] * 1000:6.1f} ms/doc by the clock, "
                  f"{per[n][1] * 1000:6.1f} ms/doc CPU")
    print(f"batch  per-document time at {large} / at {small}: {per[large][0] / per[small][0]:.2f} by the clock, "
          f"{per[large][1] / per[small][1]:.2f} CPU")


def bench_dask(n: int = 300) -> None:
    """The same folder through the built-in pool and through Dask: its own local cluster (started in the run),
    and a cluster already running (``--scheduler``; its start not counted)."""
    from docproc.batch import run_batch
    from docproc.dask_engine import local_cluster

    cores = os.cpu_count() or 1
    rate = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = seed_folder(Path(tmp) / "in", n)
        with local_cluster() as cluster:
            runs = (("pool", {"workers": cores}), ("dask, own cluster", {"engine": "dask"}),
                    ("dask, running cluster", {"engine": "dask", "scheduler": cluster.scheduler_address}))
            for label, kwargs in runs:
                t = time.perf_counter()
                run_batch([folder], Path(tmp) / f"{len(rate)}.db", **kwargs)
                rate[label] = n / (time.perf_counter() - t)
                print(f"dask   {n} documents, {label} ({cores} worker processes): {rate[label]:6.1f} doc/s, "
                      f"{rate[label] / cores:5.1f} doc/s per core (clock)")
    print(f"dask   Dask / pool: {rate['dask, own cluster'] / rate['pool']:.2f} with its start, "
          f"{rate['dask, running cluster'] / rate['pool']:.2f} on a running cluster")


def real_texts() -> list[str]:
    """The texts of ../shared/real as docproc reads them (reading is not timed)."""
    from docproc.ingest import read_path

    paths = sorted(p for p in REAL.glob("*") if p.suffix.lower() in (".docx", ".html", ".pdf", ".txt", ".xlsx"))
    return [read_path(p).text for p in paths]


_WARM_UP = "县交通局牵头,2027年6月底前完成120公里农村公路改造,总投资3.6亿元,同比增长12%。"  # our words


def bench_real_text(rounds: int = 3) -> None:
    """The text pipeline on the real documents' texts against jieba.lcut of the same texts (CPU seconds).

    Both sides are warm before timing (jieba on a word, docproc on a sentence of ours that is not measured:
    lexicons read, patterns compiled); every document is then timed on both sides one after the other, so
    the load of a shared machine falls on both alike, over ``rounds`` rounds. docproc's per-document caches
    (sentences, blocks) are cleared before each document; what it keeps for the process, as a batch worker
    does (the route's memo of dictionary fragments, the NFKC table of characters met), is not. The first
    round is what the first documents of a batch see; the best round, what the rest see."""
    import jieba

    from docproc.pipeline import process_text
    from docproc.resources import tokenizer
    from docproc.segment import clear_caches

    if not REAL.is_dir():
        print("real   skipped: ../shared/real not found")
        return
    texts = real_texts()
    chars = sum(len(t) for t in texts)
    tokenizer().load_all()
    jieba.lcut("预热")
    process_text(_WARM_UP)
    per_round = []
    for _ in range(rounds):
        lcut = ours = 0.0
        for t in texts:
            lcut += _cpu(jieba.lcut, t)
            clear_caches()
            ours += _cpu(process_text, t)
        per_round.append((lcut, ours))
    for i, (lcut, ours) in enumerate(per_round, 1):
        print(f"real   round {i}: {len(texts)} documents, {chars / 1e6:.2f} Mchar: docproc {chars / ours / 1e6:.3f} "
              f"Mchar/s, jieba.lcut {chars / lcut / 1e6:.3f} Mchar/s, ratio {lcut / ours:.2f} (CPU)")
    ratios = sorted(lcut / ours for lcut, ours in per_round)
    print(f"real   ratio docproc / jieba.lcut: first round {per_round[0][0] / per_round[0][1]:.2f}, "
          f"median {ratios[len(ratios) // 2]:.2f}, best {ratios[-1]:.2f} (CPU)")
