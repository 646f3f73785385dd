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
        "Turn Chinese policy notices and work reports into task tables and check their figures.\n\n"
        "Examples:\n\n"
        "  docproc extract plan.pdf --format json\n\n"
        "  docproc extract a.txt b.docx --format jsonl --ref-date 2023-01-01\n\n"
        "  docproc convert page.html          # the cleaned, simplified text\n\n"
        "  docproc segment report.txt --format json"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


class ExtractFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"
    md = "md"
    html = "html"
    ics = "ics"


def _emit(docs, goals, fmt: str, out: Path | None, json_payload) -> None:
    """Write the rendering to --out (or stdout for text formats)."""
    from .export import render_text, write_xlsx

    if fmt == "xlsx":
        if out is None:
            _fail("--format xlsx needs --out FILE.xlsx")
            raise typer.Exit(2)
        write_xlsx(docs, out, goals)
        return
    if fmt == "ics":  # the dated deadlines as calendar events
        from .export.ics import documents_ics

        _write_bytes(documents_ics(docs), out)
        return
    text = json_payload() if fmt in ("json", "jsonl") else render_text(docs, fmt, goals)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def _write_bytes(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def _resolve_format(fmt: str | None, out: Path | None) -> str:
    from .export import format_from_suffix

    if fmt:
        return fmt
    if out is not None and out.suffix.lower() == ".ics":
        return "ics"
    return (format_from_suffix(out) if out else None) or "json"


class SegmentFormat(str, Enum):
    text = "text"
    json = "json"


def _fail(message: str) -> None:
    typer.echo(f"docproc: {message}", err=True)


def _ref_date_ok(ref_date: str | None) -> str | None:
    if ref_date is None:
        return None
    import re

    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref_date):
        _fail(f"--ref-date must look like YYYY-MM-DD, not {ref_date!r}")
        raise typer.Exit(2)
    return ref_date


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(
        help="Files: PDF (scans too), DOCX/DOC/WPS, OFD, XLSX/CSV, HTML, text, images.", show_default=False)],
    format: Annotated[
        ExtractFormat | None, typer.Option("--format", "-f", help="Output format (default: from --out, else json).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    ref_date: Annotated[
        str | None, typer.Option(help="Reference date YYYY-MM-DD: its year is what 今年 / 4月底前 refer to.")
    ] = None,
    explain: Annotated[bool, typer.Option(help="Add the id of the rule that produced each item.")] = False,
    no_checks: Annotated[bool, typer.Option("--no-checks", help="Skip the arithmetic checks.")] = False,
    max_mb: Annotated[float | None, typer.Option(help="Largest text/HTML/CSV input read, in MB (default 50).")] = None,
) -> None:
    """Extract tasks, quantities, deadlines, responsible units and findings (the JSON of CONTRACT.md).

    One JSON object for one file, a JSON array for several; --format jsonl prints one object per line.
    Unreadable files are reported on stderr (exit code 2) and the others still come out.

    Example: docproc extract corpora/seeds/003_9882b4f48095540a.txt --format json
    """
    from .ingest import InputError
    from .pipeline import process

    ref = _ref_date_ok(ref_date)
    if max_mb:
        os.environ["DOCPROC_MAX_MB"] = str(max_mb)
    fmt = _resolve_format(format.value if format else None, out)
    docs, failed = [], 0
    for path in files:
        try:
            docs.append(process(path, ref_date=ref, checks=not no_checks))
        except InputError as e:
            _fail(str(e))
            failed += 1

    def payload() -> str:
        results = [d.to_json(explain=explain) for d in docs]
        if fmt == "jsonl":
            return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in results)
        if not results:
            return ""
        return json.dumps(results[0] if len(files) == 1 else results, ensure_ascii=False, indent=1) + "\n"

    if docs:
        _emit(docs, None, fmt, out, payload)
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
    report: Annotated[Path, typer.Argument(help="The report whose results are checked.", show_default=False)],
    against: Annotated[
        list[Path], typer.Option("--against", "-a", help="Plan(s) that set the targets (repeat or list).")
    ] = None,  # type: ignore[assignment]
    format: Annotated[CheckFormat | None, typer.Option("--format", "-f")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
    ref_date: Annotated[str | None, typer.Option(help="Reference date YYYY-MM-DD for the report.")] = None,
) -> None:
    """Check a report's figures: internal arithmetic, and each result against the plan's target.

    JSON output is the report's document object with all findings, plus a "goals" table
    (indicator, target, actual, status: met / missed / not reported).

    Example: docproc check report.txt --against plan.txt --format md
    """
    from .check.goals import check_against
    from .ingest import InputError
    from .pipeline import process

    ref = _ref_date_ok(ref_date)
    try:
        doc = process(report, ref_date=ref)
        plans = [process(p) for p in (against or [])]
    except InputError as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    goals = check_against(doc, plans) if plans else []
    fmt = _resolve_format(format.value if format else None, out)

    def payload() -> str:
        obj = doc.to_json()
        obj["goals"] = [g.to_json() for g in goals]
        return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"

    _emit([doc], goals, fmt, out, payload)


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(help="Text, HTML, PDF or DOCX file.", show_default=False)],
    show_removed: Annotated[bool, typer.Option(help="Also list the chrome lines that were dropped (stderr).")] = False,
) -> None:
    """Print the cleaned, simplified text that every span points into.

    Example: docproc convert corpora/seeds/004_64bea8f0f8d7fec1.txt
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
    file: Annotated[Path, typer.Argument(help="Text, HTML, PDF or DOCX file.", show_default=False)],
    format: Annotated[SegmentFormat, typer.Option("--format", "-f")] = SegmentFormat.text,
) -> None:
    """Print sentences and their jieba tokens (domain dictionary loaded).

    Example: docproc segment corpora/seeds/003_9882b4f48095540a.txt --format json
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
    paths: Annotated[list[Path], typer.Argument(help="Files, folders, .zip/.tar/.tar.gz archives.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="SQLite store to write (created or resumed).")] = Path(
        "results.db"),
    workers: Annotated[int, typer.Option("--workers", "-w", help="Worker processes.")] = 1,
    formats: Annotated[str | None, typer.Option(help="Only these formats, e.g. pdf,txt,html,docx.")] = None,
    engine: Annotated[str, typer.Option(help="local (process pool) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (with --engine dask).")] = None,
    ref_date: Annotated[str | None, typer.Option(help="Reference date YYYY-MM-DD for every document.")] = None,
    max_mb: Annotated[float | None, typer.Option(help="Largest text/HTML/CSV input read, in MB (default 50).")] = None,
) -> None:
    """Process whole archives into a SQLite store; re-running resumes and skips what is stored.

    Example: docproc batch archive.zip reports/ --out results.db --workers 2
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
    if max_mb:
        os.environ["DOCPROC_MAX_MB"] = str(max_mb)  # the worker processes read it too
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
                                ref_date=ref, on_progress=tick)
        except RuntimeError as e:
            _fail(str(e))
            raise typer.Exit(2) from None
    c = summary.counts
    typer.echo(f"done {c['done']}, unchanged {c['unchanged']}, duplicates {c['duplicate']}, failed {c['failed']}"
               f" -> {out}", err=True)
    for source, reason in summary.failures[:50]:
        typer.echo(f"  failed: {source}: {reason}", err=True)


class QueryFormat(str, Enum):
    table = "table"
    csv = "csv"
    xlsx = "xlsx"
    json = "json"


@app.command()
def query(
    store: Annotated[Path, typer.Argument(help="A store written by `docproc batch`.", show_default=False)],
    unit: Annotated[str | None, typer.Option(help="Tasks of this unit (any role).")] = None,
    due_before: Annotated[str | None, typer.Option(help="Tasks with a deadline on or before YYYY-MM-DD.")] = None,
    kind: Annotated[str | None, typer.Option(help="plan, report or mixed documents.")] = None,
    finding: Annotated[str | None, typer.Option(help="Documents with a finding of this check (sum, share, …).")] = None,
    text: Annotated[str | None, typer.Option(help="Tasks whose text contains this.")] = None,
    format: Annotated[QueryFormat, typer.Option("--format", "-f")] = QueryFormat.table,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
) -> None:
    """Query tasks across a store, e.g. all tasks of one bureau due in the first half year.

    Example: docproc query results.db --unit 乡村振兴局 --due-before 2023-06-30
    """
    from .query import run_query, write_rows

    if not store.exists():
        _fail(f"{store}: no such store")
        raise typer.Exit(2)
    try:
        rows = run_query(store, unit=unit, due_before=due_before, kind=kind, finding=finding, text=text)
    except (RuntimeError, sqlite3.DatabaseError) as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    write_rows(rows, format.value, out)


@app.command("export")
def export_store(
    store: Annotated[Path, typer.Argument(help="A store written by `docproc batch`.", show_default=False)],
    format: Annotated[QueryFormat, typer.Option("--format", "-f")] = QueryFormat.xlsx,
    out: Annotated[Path | None, typer.Option("--out", "-o")] = None,
) -> None:
    """Export every task of a store (xlsx needs --out).

    Example: docproc export results.db --format xlsx --out tasks.xlsx
    """
    from .query import run_query, write_rows

    if not store.exists():
        _fail(f"{store}: no such store")
        raise typer.Exit(2)
    try:
        rows = run_query(store)
    except (RuntimeError, sqlite3.DatabaseError) as e:
        _fail(str(e))
        raise typer.Exit(2) from None
    write_rows(rows, format.value, out)


class LedgerFormat(str, Enum):
    json = "json"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"
    ics = "ics"


@app.command()
def ledger(
    store: Annotated[Path, typer.Argument(help="A store written by `docproc batch`.", show_default=False)],
    as_of: Annotated[str, typer.Option("--as-of", help="The date the ledger is drawn up on, YYYY-MM-DD.")],
    unit: Annotated[str | None, typer.Option(help="Only tasks led by or assigned to this unit.")] = None,
    days: Annotated[int, typer.Option(help="Due within this many days counts as due soon.")] = 30,
    format: Annotated[LedgerFormat | None, typer.Option("--format", "-f", help="Default: from --out, else md.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """The supervision ledger (督办台账): every plan task of a store with its status on a date, by unit,
    and its targets against what later reports in the store give.

    Example: docproc ledger results.db --as-of 2026-06-15 --unit 县交通局 --out 台账.xlsx
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
    host: Annotated[str, typer.Option(help="Address to listen on (only this one).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite file for uploads and corrections.")] = Path("docproc-web.db"),
    store: Annotated[
        Path | None, typer.Option(help="A store made by `docproc batch --out` to browse under /archive.")
    ] = None,
    max_upload_mb: Annotated[int, typer.Option(help="Largest file accepted, in MB.")] = 50,
    workers: Annotated[int, typer.Option(help="Worker processes for uploads (a slow file holds only one).")] = 2,
    token: Annotated[str | None, typer.Option(
        help="Access token (header X-Docproc-Token or cookie); generated and printed when --host is not loopback.")
    ] = None,
    allowed_host: Annotated[list[str] | None, typer.Option(
        "--allowed-host", help="Another host name people use to reach the page (repeatable).")] = None,
    shared: Annotated[bool, typer.Option(help="Every browser sees every upload (default: only its own).")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds one upload may take before it is stopped.")] = 300.0,
) -> None:
    """A local web page: drop files, see and correct the task table, download Excel.

    Example: docproc serve --port 8000 --store results.db   (then open http://127.0.0.1:8000)
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
    if workers < 1 or timeout <= 0 or max_upload_mb < 1:
        _fail("--workers, --timeout and --max-upload-mb must be positive")
        raise typer.Exit(2)
    shown = f"[{host}]" if ":" in host else host
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
