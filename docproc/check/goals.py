"""Plan versus report: does each reported result meet the target the plan set?

Each target of the plan is matched to at most one actual of the report (and
back), by unit and by the similarity of their descriptions: TF-IDF over
character 1-3-grams of the indicator plus the clause around the figure
(scikit-learn), best pairs first. A target whose deadline falls after the
report's year is not due yet; a target stated in the report itself (下一步,
力争到2024年) is not a result. A plan figure written plainly (完成285人) is a
floor; 不超过/以内 are ceilings; 约 allows 10%.

``completion`` checks 完成年度任务的X% against actual / target when both are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Document, Finding, Quantity
from .tolerance import Interval, fmt, interval, percent_interval, same_unit

MIN_SIMILARITY = 0.35
_COMPLETION = re.compile(r"完成(?:了)?(?:年度|全年|计划|目标)?(?:目标|任务|计划)?(?:任务)?的$|完成率(?:为|达)?$")


@dataclass(frozen=True)
class Goal:
    indicator: str
    target: Quantity
    actual: Quantity | None
    status: str  # met | missed | not reported
    similarity: float

    def to_json(self) -> dict:
        return {
            "indicator": self.indicator,
            "target": {"text": self.target.text, "value": self.target.value, "unit": self.target.unit,
                       "op": self.target.op, "span": list(self.target.span)},
            "actual": None if self.actual is None else {
                "text": self.actual.text, "value": self.actual.value, "unit": self.actual.unit,
                "span": list(self.actual.span)},
            "status": self.status,
            "similarity": round(self.similarity, 3),
        }


def _context(doc: Document, q: Quantity, width: int = 18) -> str:
    start = max(0, q.span[0] - width)
    left = re.split(r"[,。;\n]", doc.text[start: q.span[0]])[-1]
    right = re.split(r"[,。;\n]", doc.text[q.span[1]: q.span[1] + 10])[0]
    return f"{q.indicator} {q.indicator} {left} {right}"


def _due_later(doc: Document, q: Quantity, year: int | None) -> bool:
    """A target whose own deadline (in its sentence) is after the report's year."""
    if year is None:
        return False
    sent = next((s for s in doc.sentences if s.span[0] <= q.span[0] < s.span[1]), None)
    if sent is None:
        return False
    for d in doc.deadlines:
        if d.date and sent.span[0] <= d.span[0] < sent.span[1] and int(d.date[:4]) > year:
            return True
    return False


def _comparable(t: Quantity, a: Quantity) -> bool:
    return same_unit(t.unit, a.unit) and t.unit not in ("倍",)


def _met(target: Quantity, actual: Quantity) -> bool:
    t, a = interval(target), interval(actual)
    if target.op in ("<=", "<"):
        return a.lo <= t.hi + 1e-9 if target.op == "<=" else a.lo < t.hi
    if target.op == "~":
        return Interval(t.lo * 0.9, t.hi * 1.1).overlaps(a)
    if target.op == ">":
        return a.hi > t.lo
    return a.hi >= t.lo - 1e-9  # = and >= : the plan's figure is a floor


def match_goals(report: Document, plans: list[Document]) -> list[Goal]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    year = report.meta.year
    targets = [(p, q) for p in plans for q in p.quantities
               if q.role == "target" and not _due_later(p, q, year)]
    actuals = [q for q in report.quantities if q.role == "actual"]
    if not targets:
        return []
    texts = [_context(p, q) for p, q in targets] + [_context(report, q) for q in actuals]
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3)).fit(texts)
    tv = vec.transform(texts[: len(targets)])
    av = vec.transform(texts[len(targets):]) if actuals else None
    sims = cosine_similarity(tv, av) if av is not None else None
    pairs = []
    if sims is not None:
        for i, (_, t) in enumerate(targets):
            for j, a in enumerate(actuals):
                if _comparable(t, a) and sims[i, j] >= MIN_SIMILARITY:
                    pairs.append((float(sims[i, j]), i, j))
    pairs.sort(reverse=True)
    used_t, used_a, matched = set(), set(), {}
    for sim, i, j in pairs:
        if i in used_t or j in used_a:
            continue
        used_t.add(i)
        used_a.add(j)
        matched[i] = (j, sim)
    goals = []
    for i, (_, t) in enumerate(targets):
        if i in matched:
            j, sim = matched[i]
            a = actuals[j]
            goals.append(Goal(t.indicator, t, a, "met" if _met(t, a) else "missed", sim))
        else:
            goals.append(Goal(t.indicator, t, None, "not reported", 0.0))
    return goals


def _sentence(doc: Document, q: Quantity) -> tuple[int, int]:
    for s in doc.sentences:
        if s.span[0] <= q.span[0] < s.span[1]:
            return s.span
    return q.span


def goal_findings(report: Document, goals: list[Goal]) -> list[Finding]:
    out = []
    for g in goals:
        if g.status != "missed" or g.actual is None:
            continue
        span = _sentence(report, g.actual)
        word = {"<=": "at most", "<": "below", "~": "about", ">": "above"}.get(g.target.op, "at least")
        out.append(Finding(
            check="goal", severity="warning",
            message=f"{g.indicator or g.actual.indicator}: reported {g.actual.text}, the plan set {word} {g.target.text}",
            evidence=report.text[span[0]: span[1]], spans=(span,), expected=g.target.value, reported=g.actual.value,
            formula=f"actual {g.actual.text} vs target {g.target.op} {g.target.text}"))
    return out


def completion_findings(report: Document, goals: list[Goal]) -> tuple[list[Finding], int]:
    """完成年度任务的X%: X must equal actual / target for the target matched to that actual."""
    by_actual = {g.actual.span: g for g in goals if g.actual is not None}
    out, checked = [], 0
    qs = sorted(report.quantities, key=lambda q: q.span)
    for k, rate in enumerate(qs):
        if rate.unit != "%" or not _COMPLETION.search(report.text[max(0, rate.span[0] - 12): rate.span[0]]):
            continue
        previous = [q for q in qs[:k] if q.unit != "%" and q.span[0] >= _sentence(report, rate)[0]]
        if not previous or previous[-1].span not in by_actual:
            continue
        g = by_actual[previous[-1].span]
        checked += 1
        a, t = interval(g.actual), interval(g.target)
        ratio = Interval(a.lo / t.hi, a.hi / t.lo) if t.lo > 0 else None
        if ratio is None or ratio.overlaps(percent_interval(rate)):
            continue
        span = _sentence(report, rate)
        out.append(Finding(
            check="completion", severity="error",
            message=f"{rate.text} of the target does not fit {g.actual.text} / {g.target.text} = "
                    f"{g.actual.value / g.target.value * 100:.1f}%",
            evidence=report.text[span[0]: span[1]], spans=(span,),
            expected=round(g.actual.value / g.target.value * 100, 2), reported=rate.value,
            formula=f"{fmt(g.actual.value)} / {fmt(g.target.value)} x 100"))
    return out, checked


def check_against(report: Document, plans: list[Document]) -> list[Goal]:
    """Add goal and completion findings to ``report`` and return the goal table."""
    goals = match_goals(report, plans)
    report.findings.extend(goal_findings(report, goals))
    completion, checked = completion_findings(report, goals)
    report.findings.extend(completion)
    stats = report.check_stats or {}
    stats["goals_matched"] = sum(1 for g in goals if g.actual is not None)
    stats["goals_not_reported"] = sum(1 for g in goals if g.actual is None)
    stats["relations_checked"] = stats.get("relations_checked", 0) + stats["goals_matched"] + checked
    report.check_stats = stats
    return goals
