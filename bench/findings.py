"""False-alarm benchmark (not a test): every finding docproc raises on real documents, for a hand check.

    python bench/findings.py [PATH ...] [--verdicts bench/findings_verdicts.yaml]

With no paths it reads the real documents at hand: the seeds (corpora/seeds), the real PDFs in
../shared/pdfs, the real documents in ../shared/real (also those without gold) and corpora/real when present. It prints each finding with its check, severity,
message and evidence, then a count per severity. A verdicts file (``key: right | false``, the key
being ``file#check#evidence-prefix…hash``) records a person's judgement; the summary then says how many
findings were judged right and how many were false alarms, and lists those not yet judged.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def default_paths() -> list[Path]:
    paths = sorted((ROOT / "corpora" / "seeds").glob("*.txt"))
    for folder in (ROOT.parent / "shared" / "pdfs", ROOT.parent / "shared" / "real", ROOT / "corpora" / "real"):
        if folder.is_dir():
            paths += sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".pdf", ".txt", ".docx", ".html"))
    return paths


def key_of(path: Path, check: str, evidence: str) -> str:
    """file#check#the evidence's first 10 characters and a hash of it all: short enough that the verdicts
    file repeats no sentence of a real document, distinct enough for two findings in one sentence."""
    import hashlib

    flat = " ".join(evidence.split())
    return f"{path.name}#{check}#{flat[:10]}…{hashlib.blake2b(flat.encode(), digest_size=4).hexdigest()}"



def main() -> None:
    from docproc.ingest import InputError
    from docproc.pipeline import process

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--verdicts", type=Path, default=ROOT / "bench" / "findings_verdicts.yaml")
    args = ap.parse_args()
    verdicts = yaml.safe_load(args.verdicts.read_text(encoding="utf-8")) if args.verdicts.is_file() else {}
    verdicts = verdicts or {}
    paths = args.paths or default_paths()
    severities: Counter[str] = Counter()
    judged: Counter[str] = Counter()
    unjudged: list[str] = []
    for path in paths:
        try:
            doc = process(path)
        except InputError as e:
            print(f"{path.name}: skipped ({e})")
            continue
        for f in doc.findings:
            key = key_of(path, f.check, f.evidence)
            verdict = verdicts.get(key, "?")
            severities[f.severity] += 1
            judged[f"{f.severity} {verdict}"] += 1
            if verdict == "?":
                unjudged.append(key)
            print(f"[{verdict}] {path.name}: {f.check} {f.severity}: {f.message}")
            print(f"      evidence: {' '.join(f.evidence.split())[:200]}")
    print(f"\n{len(paths)} documents, {sum(severities.values())} findings: "
          + ", ".join(f"{n} {s}" for s, n in sorted(severities.items())))
    if judged:
        print("judged: " + ", ".join(f"{n} {k}" for k, n in sorted(judged.items())))
    for key in unjudged:
        print(f"not judged yet: {key!r}")


if __name__ == "__main__":
    main()
