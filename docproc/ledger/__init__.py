"""The supervision ledger (督办台账): every task of every plan in a batch store, its status on a date,
its units, and what later reports say of it (issue 26).

``build_ledger(store, as_of)`` reads the store; ``Ledger.to_json()`` is the JSON of the README;
``render`` (views.py) and ``xlsx`` write it for people.
"""

from __future__ import annotations

from .build import SCHEMA, Entry, Ledger, Progress, build_ledger, ledger_of
from .status import STATUSES, status_label

FORMATS = ("json", "md", "csv", "xlsx", "ics")

__all__ = ["FORMATS", "SCHEMA", "STATUSES", "Entry", "Ledger", "Progress", "build_ledger", "ledger_of",
           "render", "status_label"]


def render(ledger: Ledger, fmt: str) -> str | bytes:
    """json, md, csv (text) or ics (bytes); xlsx is written by ``xlsx.write_xlsx``."""
    import json

    from . import views as r

    if fmt == "json":
        return json.dumps(ledger.to_json(), ensure_ascii=False, indent=1) + "\n"
    if fmt == "md":
        return r.to_markdown(ledger)
    if fmt == "csv":
        return r.to_csv(ledger)
    if fmt == "ics":
        return r.to_ics(ledger)
    raise ValueError(f"not a ledger format: {fmt}")
