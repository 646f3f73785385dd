"""Benchmark (not a test): does normalization keep every number of a document?

    python bench/cells_kept.py [FILE_OR_FOLDER ...]   # default: ../shared/real and ../shared/pdfs

For each document, the numbers (digit runs with their decimal point and thousands separators)
of the reader's raw text are counted, and each is followed through the offset map of the
normalized ``text``: it is *kept* when every one of its digits is in ``text``. A number that
is not kept was dropped with a line that a chrome rule removed; it is *removed as chrome* when
that rule names what the line is (page number, ICP number, site banner …) and *lost* when the
line was dropped only for its shape (a short line, a bare number) — the rules that used to
eat table cells. Lost numbers are printed with a little context, for diagnosis only.
The multiset of numbers in ``text`` is printed beside it, as a cross-check.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [ROOT.parent / "shared" / "real", ROOT.parent / "shared" / "pdfs"]
SUFFIXES = {".txt", ".html", ".htm", ".pdf", ".docx", ".doc", ".xlsx", ".csv", ".ofd"}
NUMBER = re.compile(r"\d+(?:[.,,.]\d+)*")
# rules that drop a line for its shape only: a figure they remove is a lost figure
SHAPE_RULES = frozenset({"short", "number"})


@dataclass
class Count:
    name: str
    raw: int = 0
    kept: int = 0
    chrome: Counter = field(default_factory=Counter)  # rule -> numbers removed by it
    lost: list[str] = field(default_factory=list)  # "number  …context…  (rule)"
    text_multiset: int = 0  # numbers counted in the normalized text
    missing_multiset: int = 0  # raw multiset minus text multiset

    @property
    def removed(self) -> int:
        return sum(self.chrome.values())


def _key(number: str) -> str:
    return unicodedata.normalize("NFKC", number)


def count_text(name: str, raw_text: str) -> Count:
    """Follow every number of ``raw_text`` through ``normalize``."""
    from docproc.normalize import normalize

    raw = raw_text.replace("\r\n", "\n").replace("\r", "\n")  # the text the offsets point into
    norm = normalize(raw_text)
    kept_digits = {off for ch, off in zip(norm.text, norm.offsets, strict=True) if ch.isdigit()}
    starts = sorted(norm.dropped)
    out = Count(name)
    raw_multiset: Counter = Counter()
    for match in NUMBER.finditer(raw):
        out.raw += 1
        raw_multiset[_key(match.group())] += 1
        digits = [i for i in range(match.start(), match.end()) if raw[i].isdigit()]
        if all(i in kept_digits for i in digits):
            out.kept += 1
            continue
        rule = next((r for s, e, r in starts if s <= digits[0] < e), "unknown")
        if rule in SHAPE_RULES or rule == "unknown":
            ctx = raw[max(0, match.start() - 10): match.end() + 10].replace("\n", "⏎")
            out.lost.append(f"{match.group()}  «{ctx}»  ({rule})")
        else:
            out.chrome[rule] += 1
    text_multiset = Counter(_key(m.group()) for m in NUMBER.finditer(norm.text))
    out.text_multiset = sum(text_multiset.values())
    out.missing_multiset = sum((raw_multiset - text_multiset).values())
    return out


def count_path(path: Path) -> Count:
    from docproc.ingest import read_path

    return count_text(path.name, read_path(path).text)


def documents(args: list[str]) -> list[Path]:
    roots = [Path(a) for a in args] or [p for p in DEFAULT if p.exists()]
    out: list[Path] = []
    for root in roots:
        if root.is_dir():
            kinds = {".pdf"} if root.name == "pdfs" else SUFFIXES  # the PDF folder also holds its SOURCES.txt
            out.extend(p for p in sorted(root.iterdir()) if p.suffix.lower() in kinds and not p.name.startswith("."))
        else:
            out.append(root)
    return out


def main(argv: list[str]) -> int:
    total = Count("合计")
    rows = []
    for path in documents(argv):
        c = count_path(path)
        rows.append(c)
        total.raw += c.raw
        total.kept += c.kept
        total.chrome.update(c.chrome)
        total.lost.extend(c.lost)
        total.missing_multiset += c.missing_multiset
        rules = " ".join(f"{r}:{n}" for r, n in sorted(c.chrome.items()))
        print(f"{c.name[:48]:48} 原文数字 {c.raw:6}  保留 {c.kept:6}  作为页面杂项删除 {c.removed:4}"
              f"  丢失 {len(c.lost):4}  (多重集差 {c.missing_multiset}) {rules}")
        for line in c.lost[:5]:
            print(f"    丢失: {line}")
    print()
    rules = " ".join(f"{r}:{n}" for r, n in sorted(total.chrome.items()))
    print(f"{len(rows)} 个文档: 原文数字 {total.raw}, 保留 {total.kept}, 作为页面杂项删除 {total.removed} ({rules}), "
          f"丢失 {len(total.lost)} (多重集差 {total.missing_multiset})")
    worst = sorted(rows, key=lambda c: -len(c.lost))[:5]
    if worst and worst[0].lost:
        print("丢失最多: " + ", ".join(f"{c.name} {len(c.lost)}" for c in worst if c.lost))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
