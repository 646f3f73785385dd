"""The ``docproc`` command: parses options and calls the library, nothing more."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="docproc",
    help=(
        "把政策通知、工作方案和工作报告整理成任务表,并核对其中的数字。输出默认中文,--lang en 为英文;"
        "JSON 按 CONTRACT.md 保留英文代码。\n\n"
        "示例:\n\n"
        "  docproc extract 方案.pdf --out 任务表.xlsx        # 可打印、可筛选的 Excel\n\n"
        "  docproc extract a.txt b.docx --format json         # 每个文件一个 JSON 对象\n\n"
        "  docproc check 报告.docx -a 方案.pdf --out 核查.xlsx  # 报告数字与方案目标对照\n\n"
        "  docproc batch 文件夹/ --out results.db             # 整批处理,可续跑\n\n"
        "  docproc query results.db --unit 交通运输局 --due-before 2024-06-30\n\n"
        "  docproc convert page.html                          # 清理并转为简体后的正文"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class Lang(str, Enum):
    zh = "zh"
    en = "en"


LangOption = Annotated[Lang, typer.Option("--lang", help="给人看的输出的语言:zh 中文(默认)或 en 英文;JSON 不变。")]
OUT_HELP = "写入此文件(后缀决定格式:.xlsx .csv .md .html .json),不写则输出到屏幕。"


class ExtractFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"
    md = "md"
    html = "html"
    ics = "ics"
    spacy = "spacy"


def _emit(docs, goals, fmt: str, out: Path | None, json_payload, lang: str = "zh",
          status: set[str] | None = None) -> None:
    """Write the rendering to --out (or stdout for text formats); say on stderr what was written where."""
    from .export import render_text, write_xlsx

    if fmt in ("xlsx", "spacy") and out is None:
        _fail(f"--format {fmt} 需要 --out 文件名.{fmt}")
        raise typer.Exit(2)
    try:
        if fmt == "xlsx":
            write_xlsx(docs, out, goals, lang, status)
        elif fmt == "spacy":  # a spaCy DocBin with span groups, for annotation and training tools
            from .export.spacy_doc import write_docbin

            write_docbin(docs, out)
        elif fmt == "ics":  # the dated deadlines as calendar events
            from .export.ics import documents_ics

            _write_bytes(documents_ics(docs), out)
        else:
            text = json_payload() if fmt in ("json", "jsonl") else render_text(docs, fmt, goals, lang, status)
            if out is None:
                sys.stdout.write(text)
            else:
                out.write_text(text, encoding="utf-8")
    except OSError as e:
        _fail(f"{out}: 无法写入({e.strerror or e})")
        raise typer.Exit(2) from None
    if out is not None:
        _written(out, fmt, docs, goals, lang)


def _written(out: Path, fmt: str, docs, goals, lang: str) -> None:
    """One line on stderr: what was written, how much, and the full path."""
    tasks = sum(len(d.tasks) for d in docs)
    findings = sum(len(d.findings) for d in docs)
    if lang == "en":
        extra = f", {len(goals)} goals" if goals else ""
        typer.echo(f"docproc: wrote {fmt} ({len(docs)} file(s), {tasks} tasks, {findings} findings{extra}) to "
                   f"{out.resolve()}", err=True)
        return
    extra = f",{len(goals)}项目标" if goals else ""
    typer.echo(f"docproc: 已写出 {fmt}({len(docs)}个文件,{tasks}项任务,{findings}条核查{extra}):{out.resolve()}",
               err=True)


def _write_bytes(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def _resolve_format(fmt: str | None, out: Path | None, allowed: tuple[str, ...] = ()) -> str:
    """The format to write: --format, else the suffix of --out; a suffix docproc cannot write is refused."""
    from .export import format_from_suffix

    if out is None:
        return fmt or "json"
    suffix = out.suffix.lower()
    known = suffix[1:] if suffix in (".ics", ".spacy") else format_from_suffix(out)
    if suffix and (known is None or (allowed and known not in allowed)):
        kinds = " ".join("." + f for f in (allowed or ("json", "jsonl", "csv", "xlsx", "md", "html", "ics", "spacy")))
        _fail(f"--out {out.name}: 不能写 {suffix} 文件;可写 {kinds}")
        raise typer.Exit(2)
    if fmt and known and known != fmt:
        _fail(f"--format {fmt} 与 --out {out.name} 的后缀不一致")
        raise typer.Exit(2)
    return fmt or known or "json"


class SegmentFormat(str, Enum):
    text = "text"
    json = "json"


def _fail(message: str) -> None:
    typer.echo(f"docproc: {message}", err=True)


CAP_HELP = ("单个文档的上限,写成 名称=数值(可重复):seconds 秒、memory_mb、pages、pixels(每页渲染像素)、cells、"
            "merged_area、ofd_page_refs、glyph_repeat、xml_mb、paragraphs、file_mb。超出上限的文档失败并说明一行。")


def _caps(values: list[str] | None, in_process: bool = True) -> None:
    """Set the caps given on the command line (for this process and its workers); with ``in_process`` this
    process reads the documents itself, so it runs under the memory cap and ends when stuck past the time cap."""
    from .ingest import caps
    from .pipeline import set_hard_exit

    try:
        caps.export_to_env(caps.parse_flags(values or []))
    except ValueError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    if in_process and _OWN_PROCESS:
        # only when docproc is the process (the console script): a host that calls the app in-process (a test
        # runner, a notebook) keeps its own address space and is never ended by a document's time cap
        caps.limit_memory()
        set_hard_exit(2)


def _ref_date_ok(ref_date: str | None) -> str | None:
    if ref_date is None:
        return None

    from .query import QueryError, parse_date

    try:
        return parse_date(ref_date, "--ref-date")
    except QueryError as e:
        _fail(str(e))
        raise typer.Exit(2) from None


def _warn_empty(doc, path: Path) -> None:
    """Say so when a file gave no text: output for it would be empty without a word."""
    if not doc.text.strip():
        _fail(f"{path}: 没有读到文字(扫描件需要 OCR 组件;或文件格式不对),该文件的输出为空")


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(
        help="输入文件:PDF(含扫描件)、DOCX/DOC/WPS、OFD、XLSX/CSV、HTML、文本、图片。", show_default=False)],
    format: Annotated[
        ExtractFormat | None, typer.Option("--format", "-f", help="输出格式(默认按 --out 的后缀,否则 json)。")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=OUT_HELP)] = None,
    ref_date: Annotated[
        str | None, typer.Option(help="参照日期 YYYY-MM-DD:“今年”“4月底前”按它的年份理解。")
    ] = None,
    explain: Annotated[bool, typer.Option(help="JSON 中注明每一项由哪条规则得出。")] = False,
    no_checks: Annotated[bool, typer.Option("--no-checks", help="不做数字核对。")] = False,
    max_mb: Annotated[float | None, typer.Option(help="文本/HTML/CSV 输入的上限,单位 MB(默认 50)。")] = None,
    cap: Annotated[list[str] | None, typer.Option("--cap", help=CAP_HELP)] = None,
    lang: LangOption = Lang.zh,
) -> None:
    """提取任务、数字、时限、责任单位和核查结果。

    一个文件输出一个 JSON 对象,多个文件输出数组;--format jsonl 每行一个。
    读不了的文件在 stderr 说明一行,其余照常输出,退出码 2。写到 --out 时在 stderr 说明写了什么、写在哪里。

    示例:docproc extract 方案.pdf --out 任务表.xlsx
    示例:docproc extract a.txt b.docx --format json --ref-date 2023-01-01
    """
    from .ingest import InputError
    from .pipeline import process

    ref = _ref_date_ok(ref_date)
    if max_mb:
        os.environ["DOCPROC_MAX_MB"] = str(max_mb)
    _caps(cap)
    fmt = _resolve_format(format.value if format else None, out)
    docs, failed = [], 0
    for path in files:
        try:
            docs.append(process(path, ref_date=ref, checks=not no_checks))
        except InputError as e:
            _fail(str(e))
            failed += 1
            continue
        except Exception as e:  # noqa: BLE001 (one line, never a traceback; the other files still come out)
            _fail(f"{path.name}: 内部错误({type(e).__name__}: {e})"[:300])
            failed += 1
            continue
        _warn_empty(docs[-1], path)

    def payload() -> str:
        from .export import strict_json

        results = [d.to_json(explain=explain) for d in docs]
        if fmt == "jsonl":
            return "".join(strict_json(obj, None) + "\n" for obj in results)
        if not results:
            return ""
        return strict_json(results[0] if len(files) == 1 else results) + "\n"

    if docs:
        _emit(docs, None, fmt, out, payload, lang.value)
    if failed:
        raise typer.Exit(2)


class CheckFormat(str, Enum):
    json = "json"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"
    html = "html"


@app.command()
def check(
    report: Annotated[Path, typer.Argument(help="要核对的工作报告。", show_default=False)],
    against: Annotated[
        list[Path], typer.Option("--against", "-a", help="提出目标的计划或方案(可重复)。")
    ] = None,  # type: ignore[assignment]
    format: Annotated[CheckFormat | None, typer.Option("--format", "-f", help="输出格式(默认按 --out 的后缀)。")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help=OUT_HELP)] = None,
    ref_date: Annotated[str | None, typer.Option(help="报告的参照日期 YYYY-MM-DD。")] = None,
    status: Annotated[list[str] | None, typer.Option(
        "--status", help="目标表只列这些状态(可重复):未完成 已完成 未报告 口径不同 无量化目标,或 missed met 等。")
    ] = None,
    goals_out: Annotated[Path | None, typer.Option(
        "--goals-out", help="另把目标对照表单独写成 .xlsx 或 .csv(未完成在前)。")] = None,
    cap: Annotated[list[str] | None, typer.Option("--cap", help=CAP_HELP)] = None,
    lang: LangOption = Lang.zh,
) -> None:
    """核对报告中的数字:文内加总、占比、增幅是否自洽,以及各项结果是否达到计划目标。

    JSON 输出为报告的文档对象及全部核查结果,另加 "goals" 目标对照表(status: met / missed / not reported ...)。
    目标对照表未完成在前;--status 只列某些状态,--goals-out 把目标表单独存为 Excel 或 CSV。

    示例:docproc check 报告.docx -a 方案.pdf --out 核查.xlsx
    示例:docproc check 报告.txt -a 方案.txt --status 未完成 --goals-out 未完成目标.csv
    """
    from .check.goals import check_against
    from .ingest import InputError
    from .pipeline import process

    ref = _ref_date_ok(ref_date)
    _caps(cap)
    try:
        doc = process(report, ref_date=ref)
        plans = [process(p) for p in (against or [])]
    except InputError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    except Exception as e:  # noqa: BLE001 (one line, never a traceback)
        _fail(f"内部错误({type(e).__name__}: {e})"[:300])
        raise typer.Exit(2) from None
    fmt = _resolve_format(format.value if format else None, out, tuple(f.value for f in CheckFormat))
    keep = _statuses(status)
    if goals_out is not None and goals_out.suffix.lower() not in (".xlsx", ".csv"):
        _fail(f"--goals-out {goals_out.name}: 只能写 .xlsx 或 .csv")
        raise typer.Exit(2)
    _warn_empty(doc, report)
    goals = check_against(doc, plans) if plans else []

    def payload() -> str:
        from .export import strict_json

        obj = doc.to_json()
        obj["goals"] = [g.to_json() for g in goals if not keep or g.status in keep]
        return strict_json(obj) + "\n"

    _emit([doc], goals if plans else None, fmt, out, payload, lang.value, keep)
    if goals_out is not None:
        _write_goals(goals, goals_out, lang.value, keep)


def _statuses(values: list[str] | None) -> set[str] | None:
    """--status values as goal status codes; 未完成 and missed both name ``missed``."""
    from .messages import word

    if not values:
        return None
    codes = ("missed", "met", "not reported", "different measure", "no figure")
    out = set()
    for v in (x.strip() for raw in values for x in raw.split(",")):
        code = next((c for c in codes if v in (c, c.replace(" ", "-"), word("status", c, "zh"))), None)
        if code is None:
            _fail(f"--status {v!r}: 只能是 " + "、".join(f"{word('status', c, 'zh')}({c})" for c in codes))
            raise typer.Exit(2)
        out.add(code)
    return out


def _write_goals(goals, path: Path, lang: str, keep: set[str] | None) -> None:
    from .export.csv import goals_csv
    from .export.xlsx import goals_xlsx

    try:
        if path.suffix.lower() == ".xlsx":
            goals_xlsx(goals, path, lang, keep)
        else:
            path.write_text(goals_csv(goals, lang, keep), encoding="utf-8")
    except OSError as e:
        _fail(f"{path}: 无法写入({e.strerror or e})")
        raise typer.Exit(2) from None
    n = sum(1 for g in goals if not keep or g.status in keep)
    typer.echo(f"docproc: 已写出目标对照表({n}行):{path.resolve()}" if lang == "zh" else
               f"docproc: wrote the goal table ({n} rows) to {path.resolve()}", err=True)


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(help="文本、HTML、PDF 或 DOCX 文件。", show_default=False)],
    show_removed: Annotated[bool, typer.Option(help="同时在 stderr 列出去掉的网页导航等行。")] = False,
) -> None:
    """输出清理并转为简体后的正文(JSON 中各项位置所指的文字)。

    示例:docproc convert corpora/seeds/004_64bea8f0f8d7fec1.txt
    """
    from .ingest import InputError, read_path
    from .normalize import normalize

    try:
        raw = read_path(file)
    except InputError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    norm = normalize(raw.text)
    for w in raw.warnings:
        _fail(f"{file}: {w}")
    sys.stdout.write(norm.text + "\n")
    if show_removed:
        for line in norm.removed:
            typer.echo(f"removed: {line}", err=True)


@app.command()
def segment(
    file: Annotated[Path, typer.Argument(help="文本、HTML、PDF 或 DOCX 文件。", show_default=False)],
    format: Annotated[SegmentFormat, typer.Option("--format", "-f", help="text(分词结果)或 json。")] = SegmentFormat.text,
) -> None:
    """输出分句及 jieba 分词结果(已加载领域词典)。

    示例:docproc segment corpora/seeds/003_9882b4f48095540a.txt --format json
    """
    from .ingest import InputError
    from .pipeline import load
    from .segment import tokens

    try:
        doc = load(file)
    except InputError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    rows = []
    for s in doc.sentences:
        toks = [{"text": w, "span": [s.span[0] + a, s.span[0] + b]} for w, a, b in tokens(s.text)]
        rows.append({"text": s.text, "span": list(s.span), "section": list(doc.paragraphs[s.paragraph].section),
                     "tokens": toks})
    if format is SegmentFormat.json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    else:
        for row in rows:
            sys.stdout.write(" / ".join(t["text"] for t in row["tokens"]) + "\n")


@app.command()
def batch(
    paths: Annotated[list[Path], typer.Argument(help="文件、文件夹、.zip/.tar/.tar.gz 压缩包。", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="写入的 SQLite 结果库(没有则新建,有则续跑)。")] = Path(
        "results.db"),
    workers: Annotated[int, typer.Option("--workers", "-w", help="并行的工作进程数。")] = 1,
    formats: Annotated[str | None, typer.Option(help="只处理这些格式,如 pdf,txt,html,docx。")] = None,
    engine: Annotated[str, typer.Option(help="local(本机进程池)或 dask。")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask 调度器地址(与 --engine dask 同用),如 tcp://10.0.0.5:8786。")] = None,
    dashboard: Annotated[str | None, typer.Option(help="本机 Dask 集群的监控页地址,如 127.0.0.1:8787(默认不开)。")] = None,
    ref_date: Annotated[str | None, typer.Option(help="所有文件的参照日期 YYYY-MM-DD。")] = None,
    max_mb: Annotated[float | None, typer.Option(help="文本/HTML/CSV 输入的上限,单位 MB(默认 50)。")] = None,
    cap: Annotated[list[str] | None, typer.Option("--cap", help=CAP_HELP)] = None,
) -> None:
    """整批处理文件夹或压缩包,结果写入 SQLite 库;再次运行会续跑,已处理的跳过。有文件失败时退出码为 2。

    示例:docproc batch archive.zip reports/ --out results.db --workers 2
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from .archive import estimate
    from .batch import run_batch

    ref = _ref_date_ok(ref_date)
    _batch_inputs_ok(paths, engine, scheduler)
    if max_mb:
        os.environ["DOCPROC_MAX_MB"] = str(max_mb)  # the worker processes read it too
    _caps(cap, in_process=False)  # each document runs in a worker process, under the caps
    fmt = {f.strip().lower() for f in formats.split(",")} if formats else None
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TimeRemainingColumn(), transient=False,
                  disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("documents", total=estimate(paths, fmt) or None, rate="")
        import time

        started = time.monotonic()

        def tick(source: str, n: int) -> None:
            progress.advance(task, n)
            done = progress.tasks[0].completed
            progress.update(task, rate=f"{done / max(1e-9, time.monotonic() - started):.1f} doc/s")

        try:
            summary = run_batch(paths, out, workers=workers, formats=fmt, engine=engine, scheduler=scheduler,
                                ref_date=ref, on_progress=tick, isolate=True, dashboard=dashboard)
        except RuntimeError as e:
            _fail(str(e))
            raise typer.Exit(2) from None
        except Exception as e:  # noqa: BLE001 (a scheduler that answers with something else than Dask)
            if engine != "dask":
                raise
            _fail(f"Dask 调度器 {scheduler or '(本机)'} 无法使用({type(e).__name__}: {str(e)[:80]})")
            raise typer.Exit(2) from None
    c = summary.counts
    typer.echo(f"done {c['done']}, unchanged {c['unchanged']}, duplicates {c['duplicate']}, failed {c['failed']}"
               f", skipped {c['skipped']} -> {out}", err=True)
    for source, reason in summary.failures[:50]:
        typer.echo(f"  failed: {source}: {reason}", err=True)
    for source, reason in summary.skipped[:20]:
        typer.echo(f"  skipped: {source}: {reason}", err=True)
    if len(summary.skipped) > 20:
        typer.echo(f"  skipped: 另有 {len(summary.skipped) - 20} 个(全部列在结果库的 skipped 表中)", err=True)
    if c["failed"]:
        raise typer.Exit(2)


def _batch_inputs_ok(paths: list[Path], engine: str, scheduler: str | None) -> None:
    """Refuse, in one line each, a missing input, an unknown engine, and a scheduler that does not answer
    within 5 s (instead of a traceback after Dask's own 30 s)."""
    missing = [p for p in paths if not p.exists()]
    if missing:
        _fail(f"{missing[0]}: 没有这个文件或文件夹")
        raise typer.Exit(2)
    if engine not in ("local", "dask"):
        _fail(f"--engine {engine!r}: 只能是 local 或 dask")
        raise typer.Exit(2)
    if engine == "dask":
        os.environ.setdefault("DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT", "5s")  # Dask's own default is 30 s
    if engine == "dask" and scheduler:
        import socket
        from urllib.parse import urlsplit

        where = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
        try:
            with socket.create_connection((where.hostname or "", where.port or 8786), timeout=5):
                pass
        except (OSError, ValueError) as e:
            _fail(f"Dask 调度器 {scheduler} 连不上({getattr(e, 'strerror', None) or e})")
            raise typer.Exit(2) from None


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


@app.command()
def query(
    store: Annotated[Path, typer.Argument(help="docproc batch 写出的结果库。", show_default=False)],
    unit: Annotated[str | None, typer.Option(help="该单位(牵头、责任或配合)的任务。")] = None,
    due_before: Annotated[str | None, typer.Option(help="时限在此日期(YYYY-MM-DD)或之前的任务。")] = None,
    kind: Annotated[str | None, typer.Option(help="只看某类文件:plan/计划、report/报告、mixed。")] = None,
    finding: Annotated[str | None, typer.Option(
        help="列出这一类核查结果(不是任务):sum 合计、share 占比、growth 增幅、completion 完成率、goal、conflict、unit。")
    ] = None,
    text: Annotated[str | None, typer.Option(help="任务内容含这些字。")] = None,
    format: Annotated[QueryFormat | None, typer.Option(
        "--format", "-f", help="table(屏幕,默认)、csv、xlsx 或 json;给了 --out 时默认按其后缀。")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入此文件。")] = None,
    lang: LangOption = Lang.zh,
) -> None:
    """在结果库中查任务(按单位、时限、文件类型、内容)或列出核查结果。

    日期、文件类型和核查类型都先检查,写错时说明一行并以退出码 2 结束。

    示例:docproc query results.db --unit 乡村振兴局 --due-before 2023-06-30
    示例:docproc query results.db --finding sum --format xlsx --out 合计核对.xlsx
    """
    from .query import run_findings, run_query, write_rows

    if not store.exists():
        _fail(f"{store}: no such store")
        raise typer.Exit(2)
    if finding and (unit or due_before or text):
        _fail("--finding 列出核查结果,不能与 --unit、--due-before、--text 同用")
        raise typer.Exit(2)
    fmt = _store_format(format, out, "table")
    try:
        if finding:
            rows = run_findings(store, finding, kind)
        else:
            rows = run_query(store, unit=unit, due_before=due_before, kind=kind, text=text)
        write_rows(rows, fmt, out, lang.value, findings=bool(finding))
    except typer.Exit:
        raise
    except (RuntimeError, ValueError, sqlite3.DatabaseError) as e:
        _fail(str(e).splitlines()[0] if str(e) else type(e).__name__)
        raise typer.Exit(2) from None
    _rows_written(len(rows), out, lang.value, "核查" if finding else "任务")


def _rows_written(n: int, out: Path | None, lang: str, what: str) -> None:
    if out is not None:
        typer.echo(f"docproc: 已写出 {n} 条{what}:{out.resolve()}" if lang == "zh" else
                   f"docproc: wrote {n} rows to {out.resolve()}", err=True)


def _store_format(format: QueryFormat | None, out: Path | None, default: str) -> str:
    """The format of query/export: --format, else the suffix of --out (.csv .xlsx .json), else ``default``."""
    if format is QueryFormat.table:
        return "table"
    if out is None:
        return format.value if format else default
    return _resolve_format(format.value if format else None, out, ("csv", "xlsx", "json"))


@app.command("export")
def export_store(
    store: Annotated[Path, typer.Argument(help="docproc batch 写出的结果库。", show_default=False)],
    format: Annotated[QueryFormat | None, typer.Option(
        "--format", "-f", help="xlsx(默认)、csv、json 或 table;给了 --out 时默认按其后缀。")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入此文件(xlsx 必须给)。")] = None,
    lang: LangOption = Lang.zh,
) -> None:
    """导出结果库中的全部任务,默认为与 extract --out 相同的 Excel 工作簿。

    xlsx 含说明、任务、指标、时限、按责任单位、核查、文档、技术各表;csv/json/table 为任务清单。

    示例:docproc export results.db --format xlsx --out 全部任务.xlsx
    """
    from .query import documents_from_store, run_query, write_rows

    if not store.exists():
        _fail(f"{store}: no such store")
        raise typer.Exit(2)
    fmt = _store_format(format, out, "xlsx")
    try:
        if fmt == "xlsx":
            docs = documents_from_store(store)
            _emit(docs, None, "xlsx", out, None, lang.value)
            return
        rows = run_query(store)
        write_rows(rows, fmt, out, lang.value)
    except typer.Exit:
        raise
    except (RuntimeError, ValueError, sqlite3.DatabaseError) as e:
        _fail(str(e).splitlines()[0] if str(e) else type(e).__name__)
        raise typer.Exit(2) from None
    _rows_written(len(rows), out, lang.value, "任务")


class LedgerFormat(str, Enum):
    json = "json"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"


@app.command()
def ledger(
    store: Annotated[Path, typer.Argument(help="docproc batch 写出的结果库。", show_default=False)],
    as_of: Annotated[str, typer.Option("--as-of", help="台账的统计日期 YYYY-MM-DD。")],
    unit: Annotated[str | None, typer.Option(help="只列该单位牵头或承担的任务。")] = None,
    days: Annotated[int, typer.Option(help="多少天内到期算“即将到期”。")] = 30,
    format: Annotated[LedgerFormat | None, typer.Option("--format", "-f", help="默认按 --out 的后缀,否则 md。")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="写入此文件,不写则输出到屏幕。")] = None,
) -> None:
    """督办台账:结果库中各计划任务在某日的完成状态,按单位汇总,并对照后来报告中的完成情况。

    示例:docproc ledger results.db --as-of 2026-06-15 --unit 县交通局 --out 台账.xlsx
    """
    import datetime as dt

    from .ledger import build_ledger, render
    from .store import StoreError

    day = _ref_date_ok(as_of)
    try:
        when = dt.date.fromisoformat(day or "")
    except ValueError:
        _fail(f"--as-of is not a date: {as_of!r}")
        raise typer.Exit(2) from None
    if days < 0:
        _fail("--days must be 0 or more")
        raise typer.Exit(2)
    suffix = out.suffix.lower().lstrip(".") if out else ""
    fmt = format.value if format else (suffix if suffix in {f.value for f in LedgerFormat} else "md")
    try:
        result = build_ledger(store, when, unit=unit, days=days)
    except (StoreError, sqlite3.DatabaseError) as e:
        _fail(str(e).splitlines()[0])
        raise typer.Exit(2) from None
    if fmt == "xlsx":
        if out is None:
            _fail("--format xlsx needs --out FILE.xlsx")
            raise typer.Exit(2)
        from .ledger.xlsx import write_xlsx

        write_xlsx(result, out)
        return
    data = render(result, fmt)
    if isinstance(data, bytes):
        _write_bytes(data, out)
    elif out is None:
        sys.stdout.write(data)
    else:
        out.write_text(data, encoding="utf-8")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="监听的地址(只监听这一个)。")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="监听的端口(1-65535)。")] = 8000,
    db: Annotated[Path, typer.Option(help="保存上传文件和修改的 SQLite 文件。")] = Path("docproc-web.db"),
    store: Annotated[
        Path | None, typer.Option(help="在 /archive 下浏览的 docproc batch 结果库。")
    ] = None,
    max_upload_mb: Annotated[int, typer.Option(help="可上传的最大文件,单位 MB。")] = 50,
    workers: Annotated[int, typer.Option(help="处理上传的工作进程数(一个慢文件只占一个)。")] = 2,
    token: Annotated[str | None, typer.Option(
        help="访问口令(请求头 X-Docproc-Token 或 cookie);--host 不是本机地址时自动生成并打印。")
    ] = None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="访问本页面可用的其他主机名(可重复)。")] = None,
    shared: Annotated[bool, typer.Option(help="所有浏览器都能看到全部上传(默认只看到自己的)。")] = False,
    timeout: Annotated[float | None, typer.Option(
        help="单个上传最多处理多少秒,超时即停止(默认按时间上限 600)。")] = None,
) -> None:
    """本机网页:拖入文件,查看并修改任务表,下载 Excel。

    示例:docproc serve --port 8000 --store results.db   (然后打开 http://127.0.0.1:8000)
    """
    try:
        from .web.app import Settings
        from .web.app import serve as run
        from .web.security import is_loopback
    except ImportError:
        _fail('the web page needs its extra: pip install -e ".[web]"')
        raise typer.Exit(2) from None
    if store is not None and not store.is_file():
        _fail(f"{store}: no such batch store")
        raise typer.Exit(2)
    if not 0 < port < 65536:
        _fail(f"--port {port}: not a port (1-65535)")
        raise typer.Exit(2)
    if workers < 1 or (timeout is not None and timeout <= 0) or max_upload_mb < 1:
        _fail("--workers, --timeout and --max-upload-mb must be positive")
        raise typer.Exit(2)
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):  # every interface: name the machine, and say what that means
        import socket

        shown = socket.gethostname()
        typer.echo("docproc: warning: --host 0.0.0.0 listens on every network this machine is on", err=True)
    if not is_loopback(host) and not token:
        import secrets

        token = secrets.token_urlsafe(18)
        typer.echo(f"docproc: access token {token} (open http://{shown}:{port}/?token={token} once per browser)",
                   err=True)
    typer.echo(f"docproc: serving on http://{shown}:{port} (Ctrl-C stops)", err=True)
    settings = Settings(db=db, store=store, max_upload_mb=max_upload_mb, workers=workers, host=host, port=port,
                        allowed_hosts=tuple(allowed_host or ()), token=token, shared=shared, timeout_s=timeout)
    try:
        run(settings)
    except OSError as e:
        _fail(f"cannot listen on {shown}:{port} ({e.strerror or e})")
        raise typer.Exit(2) from None


_OWN_PROCESS = False  # set by main(): the process is docproc's own


def main() -> None:
    """Every failure is one line and exit 2, never a traceback (DOCPROC_TRACEBACK=1 shows it, for a bug report)."""
    global _OWN_PROCESS
    _OWN_PROCESS = True
    try:
        app()
    except Exception as e:  # noqa: BLE001 (what no command caught: still one line)
        if os.environ.get("DOCPROC_TRACEBACK"):
            raise
        _fail(f"内部错误({type(e).__name__}: {str(e)[:200]});设置 DOCPROC_TRACEBACK=1 可看到详细信息")
        sys.exit(2)


if __name__ == "__main__":
    main()
