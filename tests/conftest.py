"""Shared paths and helpers for the tests."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "corpora" / "seeds"
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"
PDFS = SHARED / "pdfs"


@pytest.fixture
def compiles_by_file(monkeypatch) -> Counter[str]:
    """The source file of every regex compile from here on (a ``re.search(r"...")`` in a loop looks its
    pattern up in re's cache on every call): the per-figure rules must use patterns compiled once.
    Clear it after a warm-up document."""
    callers: Counter[str] = Counter()
    real = re._compile

    def counting(pattern, flags):
        callers[sys._getframe(2).f_code.co_filename] += 1
        return real(pattern, flags)

    monkeypatch.setattr(re, "_compile", counting)
    return callers


def corpus(name: str) -> list:
    """Entries of corpora/<name>.yaml as pytest params; known failures become strict xfails."""
    entries = yaml.safe_load((CORPORA / f"{name}.yaml").read_text(encoding="utf-8"))
    params = []
    for i, entry in enumerate(entries):
        marks = [pytest.mark.xfail(strict=True, reason=entry["xfail"])] if entry.get("xfail") else []
        params.append(pytest.param(entry, id=f"{name}{i:02d}-{entry['text'][:14]}", marks=marks))
    return params


def run_text(entry: dict, checks: bool = False):
    from docproc.pipeline import process_text

    ctx = entry.get("context") or {}
    ref = f"{ctx['year']}-01-01" if "year" in ctx else None
    return process_text(entry["text"], ref_date=ref, kind=ctx.get("kind"), checks=checks)


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def require_pdfs() -> None:
    if not PDFS.is_dir():
        pytest.skip(f"real PDFs not found at {PDFS} (shared/ is not beside the checkout)")
