"""Caps on what one document may cost: time, memory, pages, pixels, cells, repeats, unpacked bytes.

A 333-byte PDF can ask for a 28800×28800 render, a 5 KB workbook for 17 billion merged cells: the size
of a file says nothing about the work it asks for. Every reader checks the cap that bounds its own work
*before* doing it and raises :class:`CapExceeded` (an ``InputError``: one line, naming the cap and the
``--cap`` flag that raises it). Time and memory are capped around the whole document by :func:`guard`
(a timer, a hard backstop, the process's address space), because they cannot be predicted from the file.

The caps come from ``DOCPROC_CAP_<NAME>`` (the CLI's ``--cap name=value`` sets them, so worker processes
inherit them) or the defaults below.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, fields

from .errors import InputError

# cap name -> what it bounds, in Chinese, for the one-line message
LABELS: dict[str, str] = {
    "seconds": "单个文档的处理时间(秒)",
    "memory_mb": "工作进程的内存(地址空间,MB)",
    "pages": "页数",
    "pixels": "每页渲染像素数",
    "cells": "表格单元格数",
    "merged_area": "合并单元格覆盖的面积(单元格数)",
    "ofd_page_refs": "OFD 同一页面内容被引用的次数",
    "glyph_repeat": "OFD 字形间距的重复次数(DeltaX 中的 g N)",
    "xml_mb": "解压后的 XML 大小(MB)",
    "paragraphs": "段落数",
    "file_mb": "文件大小(MB)",
}


@dataclass(frozen=True)
class Caps:
    """The defaults fit every real document we have seen with a wide margin (a 300-page scan, a
    10,000-row table); a hostile file meets one of them within seconds."""

    seconds: float = 600.0
    memory_mb: int = 4096  # address space: onnxruntime reserves ~1.8 GB virtual for 0.7 GB resident
    pages: int = 2000
    pixels: int = 50_000_000  # an A0 sheet at 144 dpi is 32 million
    cells: int = 300_000
    merged_area: int = 1_000_000
    ofd_page_refs: int = 4
    glyph_repeat: int = 100_000
    xml_mb: int = 200
    paragraphs: int = 200_000
    file_mb: int = 200

    @classmethod
    def from_env(cls) -> Caps:
        values = {}
        for f in fields(cls):
            raw = os.environ.get(f"DOCPROC_CAP_{f.name.upper()}")
            if raw:
                values[f.name] = _number(f.name, raw)
        return cls(**values)


def _number(name: str, raw: str) -> float | int:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"上限 {name} 的值必须是数字,而不是 {raw!r}") from None
    if value <= 0:
        raise ValueError(f"上限 {name} 必须大于 0")
    return value if name == "seconds" else int(value)


def parse_flags(items: list[str]) -> dict[str, float | int]:
    """``["pages=500", "seconds=30"]`` -> ``{"pages": 500, "seconds": 30.0}``; a one-line ValueError otherwise."""
    out: dict[str, float | int] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in LABELS:
            raise ValueError(f"--cap 需写成 名称=数值,名称为 {', '.join(LABELS)} 之一,而不是 {item!r}")
        out[name] = _number(name, raw.strip())
    return out


def export_to_env(values: dict[str, float | int]) -> None:
    """Make caps given on the command line the caps of this process and of the workers it starts."""
    for name, value in values.items():
        os.environ[f"DOCPROC_CAP_{name.upper()}"] = str(value)


def current() -> Caps:
    return Caps.from_env()


class CapExceeded(InputError):
    """A document asks for more than a cap allows; ``cap`` names which."""

    def __init__(self, name: str, cap: str, found: str, limit: float | int) -> None:
        self.cap = cap
        shown = f"{limit:g}" if isinstance(limit, float) else str(limit)
        super().__init__(f"{name}: 超出上限:{LABELS[cap]}{found},上限为 {shown}(可用 --cap {cap}=数值 调整)")


def check(name: str, cap: str, value: float, found: str | None = None) -> None:
    """Raise CapExceeded when ``value`` is over the current cap ``cap``."""
    limit = getattr(current(), cap)
    if value > limit:
        shown = str(value) if isinstance(value, int) else f"{value:g}"
        raise CapExceeded(name, cap, found if found is not None else f"为 {shown}", limit)


# ---- time and memory, around a whole document ---------------------------------------------------------


def limit_memory(caps: Caps | None = None) -> None:
    """Cap this process's address space (a worker's, or the CLI's): an allocation past it fails with
    MemoryError instead of the machine swapping or the OOM killer picking a victim."""
    import resource

    limit = int((caps or current()).memory_mb) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def die_with_parent() -> None:
    """A worker ends when the process that started it ends (killed, crashed), not as an orphan."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the prctl took hold
                os._exit(1)
            return

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="docproc-parent-watch").start()


@contextlib.contextmanager
def guard(name: str, hard_exit: int | None = None) -> Iterator[None]:
    """Run one document under the time cap, and turn running out of memory into a CapExceeded.

    In the main thread a timer raises CapExceeded where Python code runs (and again each second, so a
    broad ``except`` cannot swallow it for good). With ``hard_exit`` set, a backstop thread ends the
    process with that code when native code holds on past the cap plus a grace period (the CLI prints
    its one line first; a batch worker is then recorded by its parent)."""
    caps = current()
    seconds = float(caps.seconds)
    fired = threading.Event()
    use_timer = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")

    def over() -> CapExceeded:
        return CapExceeded(name, "seconds", f"已超过 {seconds:g} 秒", seconds)

    def on_alarm(signum, frame) -> None:  # noqa: ARG001
        fired.set()
        raise over()

    backstop = None
    if hard_exit is not None:
        def last_words() -> None:
            sys.stderr.write(f"docproc: {over()}\n")
            sys.stderr.flush()
            os._exit(hard_exit)

        backstop = threading.Timer(seconds + max(10.0, seconds * 0.25), last_words)
        backstop.daemon = True
        backstop.start()
    previous = None
    if use_timer:
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
    try:
        yield
        if fired.is_set():  # the timer fired inside code that caught and dropped the exception
            raise over()
    except MemoryError:
        raise CapExceeded(name, "memory_mb", "已用尽", int(caps.memory_mb)) from None
    finally:
        if use_timer:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if backstop is not None:
            backstop.cancel()
