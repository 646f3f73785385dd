"""ruff's complexity rule (C901) is on; the functions over the limit when it was turned on are listed here.

pyproject's per-file-ignores keep ``ruff check`` clean for their files; this test holds each of those files
to the functions named below, so the list can only shrink: a new complex function fails, and a function
split below the limit must leave the list (and its file the ignores, once it has none left).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# file -> functions over max-complexity 10 (names as ruff reports them)
ALLOWED: dict[str, set[str]] = {
    "docproc/check/goals.py": {"measure_of"},
    "docproc/chrome.py": {"chrome_reason", "chrome_rules"},
    "docproc/columns.py": {"_data_rows", "_plan_joins"},
    "docproc/extract/doers.py": {"_doer_at"},
    "docproc/extract/roles.py": {"rule_role"},
    "docproc/extract/table_cells.py": {"resolve_unit", "_unit_for", "table_quantities"},
    "docproc/extract/units.py": {"extract_unit_clauses"},
    "docproc/ingest/detect.py": {"sniff"},
    "docproc/ingest/html.py": {"walk", "_table"},
    "docproc/ingest/lines.py": {"assemble"},
    "docproc/ingest/pdf.py": {"table_cells", "read_pdf"},
    "docproc/ingest/pdfium_layout.py": {"text_lines"},
    "docproc/ingest/text.py": {"decode"},
    "docproc/metadata.py": {"find_date", "about_year"},
    "docproc/normalize.py": {"_mark_columns"},
    "docproc/numerals.py": {"_cn_section"},
    "tests/fixtures.py": {"bulletin_pdf"},
    "tests/test_import_graph.py": {"_cycles"},
    "tests/test_tables.py": {"test_table_case"},
}


def _complex_functions() -> dict[str, set[str]]:
    # the venv's ruff sits beside its python even when the venv is not on PATH (.ci/run)
    beside = Path(sys.executable).with_name("ruff")
    ruff = str(beside) if beside.exists() else shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e .[test])")
    run = subprocess.run([ruff, "check", "--isolated", "--select", "C901", "--line-length", "110",
                          "--output-format", "json", "--exit-zero", "docproc", "tests"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    out: dict[str, set[str]] = {}
    for item in json.loads(run.stdout):
        name = item["message"].split("`")[1]
        out.setdefault(str(Path(item["filename"]).relative_to(ROOT)), set()).add(name)
    return out


def test_no_new_complex_function() -> None:
    found = _complex_functions()
    new = {f: sorted(names - ALLOWED.get(f, set())) for f, names in found.items() if names - ALLOWED.get(f, set())}
    assert not new, f"functions over complexity 10 (split them into named steps): {new}"


def test_the_list_only_shrinks() -> None:
    """A function split below the limit leaves ALLOWED, so no later change can grow it back unnoticed."""
    found = _complex_functions()
    gone = {f: sorted(names - found.get(f, set())) for f, names in ALLOWED.items() if names - found.get(f, set())}
    assert not gone, f"no longer over the limit; remove them from ALLOWED (and pyproject's ignores): {gone}"
