"""How figures and statuses read on the page: 183.18万元, not 1831800.0 元; 完成, not done."""

from __future__ import annotations

from functools import cache

STATUS = {"queued": "排队中", "working": "处理中", "done": "完成", "failed": "失败"}
KIND = {"plan": "计划", "report": "报告", "mixed": "计划+报告"}
ROLE = {"target": "目标", "actual": "完成", "other": "其他"}
SEVERITY = {"error": "错误", "warning": "提示", "info": "说明"}
CHECK = {"sum": "合计", "share": "占比", "completion": "完成率", "growth": "增长", "goal": "目标", "conflict": "前后不一",
         "unit": "单位"}
_FALLBACK = {"kind": KIND, "role": ROLE, "severity": SEVERITY, "check": CHECK, "status": STATUS}
_UNSCALED_KINDS = ("percent", "permille", "points", "multiple", "per")  # 12.5% never reads as 0.00125万%


@cache
def _scaled_units() -> frozenset[str]:
    """Units a magnitude (万, 亿) may stand before, from the kinds in units.tsv."""
    from .. import resources

    return frozenset(row[1] for row in resources.table("units.tsv") if len(row) < 3 or row[2] not in _UNSCALED_KINDS)


def file_name(source: str | None) -> str:
    """The file's own name for staff (the folder it was read from is the operator's business);
    an archive member keeps its archive: 资料.zip!计划.txt."""
    if not source:
        return ""
    outer, bang, member = source.partition("!")
    return outer.replace("\\", "/").rsplit("/", 1)[-1] + bang + member


def plain_number(value: float) -> str:
    """At most four decimals, no trailing zeros, no exponent."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def figure(value: float | None, unit: str = "") -> str:
    """A figure as people write it: 1831800 元 → 183.18万元, 120000000 元 → 1.2亿元, 12.5 % → 12.5%."""
    if value is None or value != value:
        return ""
    if unit in _scaled_units() or not unit:
        for factor, word in ((1e8, "亿"), (1e4, "万")):
            if abs(value) >= factor:
                return f"{plain_number(value / factor)}{word}{unit}"
    return f"{plain_number(value)}{unit}"


def word(group: str, key: str | None) -> str:
    """The Chinese word for a code (role target → 目标), from messages.yaml when it is there."""
    try:
        from ..messages import word as lexicon_word
    except ImportError:  # a checkout from before lexicons/messages.yaml
        return _FALLBACK.get(group, {}).get(key or "", key or "")
    found = lexicon_word(group, key)
    return _FALLBACK.get(group, {}).get(found, found) if found == key else found


def finding(f) -> str:
    """A finding's message in Chinese where the checks give one."""
    try:
        from ..messages import finding_text
    except ImportError:
        return f.message
    return finding_text(f)
