"""One document through every stage: ingest -> normalize -> structure -> extract -> check."""

from __future__ import annotations

from pathlib import Path

from . import structure
from .ingest import RawDocument, caps, read_path
from .metadata import build_meta
from .model import Document
from .normalize import normalize
from .tables import find_tables


def document_from_raw(raw: RawDocument, source: str, ref_date: str | None = None, kind: str | None = None) -> Document:
    norm = normalize(raw.text)
    meta = build_meta(norm.text, norm.header, norm.script, raw.pages, ref_date=ref_date, source=source)
    if kind:
        meta.kind = kind
    doc = Document(source=source, text=norm.text, meta=meta, source_text=raw.text, offsets=norm.offsets)
    doc.warnings.extend(raw.warnings)
    doc.raw_tables = raw.tables
    # page starts in the normalized text: the first character that comes from each raw page
    if raw.page_starts:
        starts, j = [], 0
        for raw_start in raw.page_starts:
            while j < len(norm.offsets) and norm.offsets[j] < raw_start:
                j += 1
            starts.append(j)
        doc.page_starts = starts
    structure.build(doc)
    doc.tables = find_tables(doc)
    return doc


def run_stages(doc: Document, checks: bool = True) -> Document:
    """Extraction, then (optionally) the arithmetic checks, on a structured document."""
    from .extract import extract_all

    extract_all(doc)
    if checks:
        from .check import check_document

        check_document(doc)
    return doc


def load(path: str | Path, ref_date: str | None = None) -> Document:
    """Read and normalize a file, with structure but no extraction (under the time and memory caps)."""
    with caps.guard(Path(path).name, hard_exit=hard_exit()):
        raw = read_path(path)
        return document_from_raw(raw, str(path), ref_date=ref_date)


def process(path: str | Path, ref_date: str | None = None, checks: bool = True) -> Document:
    """The whole pipeline on one file, under the time and memory caps (``ingest.caps``)."""
    with caps.guard(Path(path).name, hard_exit=hard_exit()):
        doc = document_from_raw(read_path(path), str(path), ref_date=ref_date)
        return run_stages(doc, checks)


_HARD_EXIT: list[int | None] = [None]


def hard_exit() -> int | None:
    """The exit code a document stuck in native code past the time cap ends this process with; set
    by the CLI and by batch workers (a library caller's process is never ended)."""
    return _HARD_EXIT[0]


def set_hard_exit(code: int | None) -> None:
    _HARD_EXIT[0] = code


def process_text(
    text: str, source: str = "<text>", ref_date: str | None = None, checks: bool = True, kind: str | None = None
) -> Document:
    """The whole pipeline on a string (tests, the library API); ``kind`` overrides plan/report detection."""
    doc = document_from_raw(RawDocument(text=text, format="text"), source, ref_date=ref_date, kind=kind)
    return run_stages(doc, checks)
