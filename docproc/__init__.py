"""docproc: Chinese policy notices and work reports into task tables, with their figures checked.

The public API (nothing heavy is imported until it is called)::

    import docproc
    doc = docproc.process("plan.pdf")          # a Document
    doc = docproc.extract_text("……4月底前完成……")
    data = doc.to_json()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .model import Document


def process(path: str, ref_date: str | None = None, checks: bool = True) -> Document:
    """Read, normalize, structure, extract and check one file."""
    from .pipeline import process as _process

    return _process(path, ref_date=ref_date, checks=checks)


def extract_text(text: str, ref_date: str | None = None, checks: bool = True) -> Document:
    """The same pipeline on a string."""
    from .pipeline import process_text

    return process_text(text, ref_date=ref_date, checks=checks)


__all__ = ["__version__", "extract_text", "process"]
