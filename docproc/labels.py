"""Responsible-unit labels (责任单位, 牵头部门, 配合单位, 主辦機關 …) and the role each gives its names.

One loader for ``lexicons/unit_labels.tsv``: the unit-clause rules read labels in running text, the
table layer reads them in column headers.
"""

from __future__ import annotations

from functools import cache

from . import resources


@cache
def label_roles() -> dict[str, str]:
    """Label -> lead | responsible | support | person."""
    return {row[0]: row[1] for row in resources.table("unit_labels.tsv")}


@cache
def _by_length() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(label_roles().items(), key=lambda kv: -len(kv[0])))


def header_unit_role(header: str) -> str | None:
    """The unit role a column header names (牵头单位 -> lead, 配合部门 -> support); None for other headers
    and for people (责任领导)."""
    name = header.strip()
    for label, role in _by_length():
        if role != "person" and name.startswith(label) and len(name) <= len(label) + 4:
            return role
    return None


def header_unit_roles(cells: list[str]) -> dict[int, str]:
    """Columns of a table header that name units: {column index: lead | responsible | support}."""
    roles = {}
    for i, cell in enumerate(cells):
        role = header_unit_role(cell)
        if role:
            roles[i] = role
    return roles
