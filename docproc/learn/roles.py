"""Train the role model on the real-document gold and report its accuracy across documents.

    python -m docproc.learn.roles                 # cross-validate, then write lexicons/models/roles.json
    python -m docproc.learn.roles --no-write      # cross-validate only

Each gold figure (``corpora/real/*.json``) is matched to the figure docproc extracts (same value and
unit, nearest to the anchor, as the scorer matches them); its features are those ``role_model`` computes
at run time. Only figures no cue decides are learned and judged: the rules keep the rest. The model chooses between
target and actual only (other — a threshold, a group's size — stays with the rules: 27 examples teach
too little and it then took real targets for other). Folds are whole documents (GroupKFold), so no
document is both trained on and scored; ``--held-out DIR`` scores the final model on another gold set
(the dev gold of ``../shared/eval/gold``, which it never sees in training).
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections import Counter
from pathlib import Path

from ..extract import quantities as quantities_module
from ..extract import role_model
from ..extract.roles import rule_role
from ..pipeline import process
from ..resources import lexicon_dir

GOLD = Path(__file__).resolve().parents[2] / "corpora" / "real"


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.005 * max(abs(a), abs(b)) + 1e-9


def samples(gold_dir: Path = GOLD) -> list[dict]:
    """One record per matched gold figure: features, the rules' role, whether a cue decided, gold role."""
    seen: dict[tuple[int, int], dict] = {}

    def recording_role(doc, span, clause, sentence, unit, after_op):
        role, decided = rule_role(doc, span, clause, sentence, unit, after_op)
        seen[span] = {"features": role_model.features(doc, span, clause, sentence, unit),
                      "rule": role, "decided": decided}
        return role

    original = quantities_module.role_for
    quantities_module.role_for = recording_role
    out: list[dict] = []
    try:
        for path in sorted(gold_dir.glob("[0-9]*.json")):
            gold = json.loads(path.read_text(encoding="utf-8"))
            source = (path.parent / gold["input"]).resolve()
            if not gold.get("quantities") or not source.exists():
                continue
            seen.clear()
            doc = process(str(source), checks=False)
            out += _match(doc, gold, path.stem, seen)
    finally:
        quantities_module.role_for = original
    return out


def _match(doc, gold: dict, name: str, seen: dict) -> list[dict]:
    text = _norm(doc.text)
    used: set[int] = set()
    found = []
    for g in gold["quantities"]:
        at = text.find(_norm(g.get("anchor")))
        best = None
        for i, q in enumerate(doc.quantities):
            if i in used or not _close(q.value, float(g["value"])) or q.unit != _norm(g.get("unit")):
                continue
            d = abs(q.span[0] - at) if at >= 0 else 10**9
            if best is None or d < best[0]:
                best = (d, i)
        if best is None:
            continue
        used.add(best[1])
        record = seen.get(doc.quantities[best[1]].span)
        if record and g.get("role"):
            found.append({**record, "gold": g["role"], "doc": name})
    return found


def cross_validate(data: list[dict], folds: int = 5, c: float = 0.3, threshold: float = 0.6) -> dict:
    """Accuracy on figures no cue decides, rules' default vs model, with documents as folds."""
    from sklearn.model_selection import GroupKFold

    undecided = [r for r in data if not r["decided"]]
    groups = [r["doc"] for r in undecided]
    rule_right = model_right = 0
    for train, test in GroupKFold(n_splits=folds).split(undecided, groups=groups):
        model = _fit([undecided[i] for i in train if undecided[i]["gold"] != "other"], c)
        for i in test:
            r = undecided[i]
            role, p = _predict(model, r["features"])
            role = role if p >= threshold else r["rule"]
            rule_right += r["rule"] == r["gold"]
            model_right += role == r["gold"]
    decided = [r for r in data if r["decided"]]
    decided_right = sum(r["rule"] == r["gold"] for r in decided)
    hybrid_right = decided_right + model_right
    return {
        "figures": len(data), "documents": len({r["doc"] for r in data}),
        "decided_by_cue": len(decided), "cue_accuracy": decided_right / max(1, len(decided)),
        "undecided": len(undecided),
        "undecided_rule_accuracy": rule_right / max(1, len(undecided)),
        "undecided_model_accuracy": model_right / max(1, len(undecided)),
        "overall_rules": (decided_right + rule_right) / max(1, len(data)),
        "overall_with_model": hybrid_right / max(1, len(data)),
        "gold_roles": dict(Counter(r["gold"] for r in undecided)),
    }


def _fit(records: list[dict], c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform([dict.fromkeys(r["features"], 1) for r in records])
    clf = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    clf.fit(x, [r["gold"] for r in records])
    return vec, clf


def _predict(model, names: list[str]) -> tuple[str, float]:
    vec, clf = model
    probs = clf.predict_proba(vec.transform([dict.fromkeys(names, 1)]))[0]
    best = probs.argmax()
    return clf.classes_[best], float(probs[best])


def held_out(train: list[dict], test: list[dict], c: float, threshold: float) -> dict:
    """Rules vs rules + model on another gold set, the model fitted on every training figure."""
    model = _fit([r for r in train if not r["decided"] and r["gold"] != "other"], c)
    right = 0
    for r in test:
        role = r["rule"]
        if not r["decided"]:
            guess, p = _predict(model, r["features"])
            role = guess if p >= threshold else role
        right += role == r["gold"]
    return {"figures": len(test), "rules": sum(r["rule"] == r["gold"] for r in test) / max(1, len(test)),
            "with_model": right / max(1, len(test))}


def write(records: list[dict], c: float, threshold: float, path: Path) -> None:
    """Fit on every undecided figure and write the weights as JSON the run time reads."""
    vec, clf = _fit([r for r in records if not r["decided"] and r["gold"] != "other"], c)
    data = {
        "about": "role model for figures no cue decides; trained by python -m docproc.learn.roles",
        "classes": [str(x) for x in clf.classes_],
        "vocabulary": list(vec.get_feature_names_out()),
        "coef": [[round(float(w), 5) for w in row] for row in clf.coef_],
        "intercept": [round(float(b), 5) for b in clf.intercept_],
        "min_confidence": threshold,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="训练并交叉验证数值角色模型(按文档分折)")
    parser.add_argument("--no-write", action="store_true", help="只做交叉验证,不写权重")
    parser.add_argument("--held-out", type=Path, help="另一套金标准目录,只用于评估")
    parser.add_argument("-C", type=float, default=0.3, help="正则化强度的倒数")
    parser.add_argument("--threshold", type=float, default=0.6, help="模型概率低于此值时沿用规则")
    args = parser.parse_args()
    data = samples()
    report = cross_validate(data, c=args.C, threshold=args.threshold)
    if args.held_out:
        report["held_out"] = held_out(data, samples(args.held_out), args.C, args.threshold)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if not args.no_write:
        write(data, args.C, args.threshold, lexicon_dir() / "models" / "roles.json")


if __name__ == "__main__":
    main()
