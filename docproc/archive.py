"""Walking folders and archives safely: every document as (name, bytes), never as a path we write to.

- members of .zip / .tar / .tar.gz are read into memory, so hostile names
  (``../../etc/passwd``, absolute paths) are only labels, never paths;
- zip bombs stop at limits on member size, total size and compression ratio;
- nested archives are opened up to ``max_depth``;
- symlinks are not followed out of the folder they were given in;
- a corrupt archive or a member over the limits is yielded as an error item,
  so the batch records the reason and goes on.
"""

from __future__ import annotations

import io
import os
import stat
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOC_SUFFIXES = {"txt": "txt", "text": "txt", "html": "html", "htm": "html", "pdf": "pdf", "docx": "docx",
                "doc": "docx", "wps": "docx", "xlsx": "xlsx", "csv": "csv", "tsv": "csv",
                "ofd": "ofd", "xls": "xlsx", "et": "xlsx", "rtf": "docx", "odt": "docx", "ods": "xlsx",
                "png": "image", "jpg": "image", "jpeg": "image", "tif": "image", "tiff": "image",
                "shtml": "html", "xhtml": "html"}
ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")


@dataclass(frozen=True)
class Limits:
    member_bytes: int = 200 * 1024 * 1024
    archive_bytes: int = 2 * 1024 * 1024 * 1024
    ratio: float = 200.0
    max_depth: int = 3


@dataclass(frozen=True)
class Item:
    """A document to process (``data``) or a reason it cannot be (``error``)."""

    source: str  # the file path, with !member for archive members
    data: bytes | None = None
    error: str | None = None
    skipped: str | None = None  # not a document we read (unknown suffix): why, for the summary and the store


def _kind(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(ARCHIVE_SUFFIXES):
        return "archive"
    suffix = lower.rsplit(".", 1)[-1] if "." in lower else ""
    return DOC_SUFFIXES.get(suffix)


def skip_reason(name: str) -> str:
    """Why a file is not read, in one line."""
    base = name.rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return "没有扩展名,无法判断格式;已跳过"
    return f"不支持的文件类型(.{base.rsplit('.', 1)[-1]});已跳过"


def _wanted(name: str, formats: set[str] | None) -> bool:
    kind = _kind(name)
    if kind is None:
        return False
    return kind == "archive" or formats is None or kind in formats


DEFAULT_LIMITS = Limits()


def walk(paths: list[str | Path], formats: set[str] | None = None, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _folder(path, formats, limits)
        elif path.exists():
            yield from _file(path, formats, limits)
        else:
            yield Item(str(path), error="no such file or folder")


def _folder(path: Path, formats: set[str] | None, limits: Limits) -> Iterator[Item]:
    root = path.resolve()
    for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
        dirnames.sort()
        for fname in sorted(filenames):
            full = Path(dirpath) / fname
            if full.is_symlink():
                try:
                    target = full.resolve(strict=True)
                except (RuntimeError, OSError):
                    yield Item(str(full), error="broken symlink or symlink loop; not followed")
                    continue
                if not target.is_relative_to(root):
                    yield Item(str(full), error="symlink out of the folder; not followed")
                    continue
            if _wanted(fname, formats):
                yield from _file(full, formats, limits)
            else:
                yield from _unread(str(full), fname)


def _unread(label: str, name: str, is_file: bool = True) -> Iterator[Item]:
    """A file or member not read: listed as skipped when its type is unknown (one left out by --formats
    was asked for, and is not listed; a folder entry is not a file)."""
    if is_file and _kind(name) is None:
        yield Item(label, skipped=skip_reason(name))


def _file(path: Path, formats: set[str] | None, limits: Limits) -> Iterator[Item]:
    """A file of a folder, under the same size cap as an archive member; a pipe, device or socket is
    refused from its ``stat``, before it is opened (a FIFO would block the batch for ever)."""
    from .ingest import InputError, regular_size

    cap = limits.member_bytes if _kind(path.name) != "archive" else limits.archive_bytes
    try:
        size = regular_size(path)
        if size > cap:
            yield Item(str(path), error=f"文件大小 {size / 2**20:.0f} MB 超出上限 {cap / 2**20:.0f} MB;未读取"
                                        f"(可用 --cap file_mb=数值 调整)")
            return
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except InputError as e:
        yield Item(str(path), error=str(e).split(": ", 1)[-1])
        return
    except OSError as e:
        yield Item(str(path), error=f"cannot read ({e.strerror or e})")
        return
    if len(data) > cap:
        yield Item(str(path), error=f"文件在读取时增长到超出上限 {cap / 2**20:.0f} MB;未读取")
        return
    if _kind(path.name) == "archive":
        yield from _archive(str(path), data, formats, limits, depth=1)
    else:
        yield Item(str(path), data=data)


def _archive(label: str, data: bytes, formats: set[str] | None, limits: Limits, depth: int) -> Iterator[Item]:
    if depth > limits.max_depth:
        yield Item(label, error=f"archive nested deeper than {limits.max_depth}; not opened")
        return
    if zipfile.is_zipfile(io.BytesIO(data)):
        yield from _zip(label, data, formats, limits, depth)
        return
    try:
        tf = tarfile.open(fileobj=io.BytesIO(data))  # noqa: SIM115 (closed by the `with tf` below)
    except (tarfile.TarError, EOFError, OSError):
        yield Item(label, error="corrupt or unsupported archive")
        return
    total = 0
    try:
        with tf:
            for member in tf:
                name = f"{label}!{member.name}"
                if member.issym() or member.islnk() or member.isdev() or member.isfifo():
                    kind = "link" if member.issym() or member.islnk() else "device or pipe"
                    yield Item(name, error=f"{kind} member in a tar; not followed")
                    continue
                if not (member.isfile() and _wanted(member.name, formats)):
                    yield from _unread(name, member.name, member.isfile())
                    continue
                if member.size > limits.member_bytes:
                    yield Item(name, error=f"member larger than {limits.member_bytes} bytes; skipped")
                    continue
                total += member.size
                if total > limits.archive_bytes:
                    yield Item(name, error="archive expands past the total size limit; rest skipped")
                    return
                fh = tf.extractfile(member)
                content = fh.read(limits.member_bytes + 1) if fh else b""
                yield from _member(name, content, formats, limits, depth)
    except (tarfile.TarError, EOFError, OSError, zlib_error()):
        yield Item(label, error="corrupt archive (stopped part-way)")


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _zip(label: str, data: bytes, formats: set[str] | None, limits: Limits, depth: int) -> Iterator[Item]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        yield Item(label, error="corrupt zip archive")
        return
    total = 0
    with zf:
        for info in zf.infolist():
            name = f"{label}!{info.filename}"
            if info.is_dir() or not _wanted(info.filename, formats):
                yield from _unread(name, info.filename, not info.is_dir())
                continue
            if stat.S_ISLNK(info.external_attr >> 16):  # a Unix symlink stored in the zip: its bytes are a path
                yield Item(name, error="link member in a zip; not followed")
                continue
            if info.file_size > limits.member_bytes:
                yield Item(name, error=f"member larger than {limits.member_bytes} bytes; skipped")
                continue
            if info.compress_size and info.file_size / info.compress_size > limits.ratio:
                yield Item(name, error=f"compression ratio over {limits.ratio:g} (zip bomb?); skipped")
                continue
            total += info.file_size
            if total > limits.archive_bytes:
                yield Item(name, error="archive expands past the total size limit; rest skipped")
                return
            try:
                with zf.open(info) as fh:
                    content = fh.read(limits.member_bytes + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, zlib_error(), EOFError) as e:
                reason = "encrypted member" if "password" in str(e).lower() or "encrypted" in str(e).lower() else \
                    f"corrupt member ({type(e).__name__})"
                yield Item(name, error=reason)
                continue
            if len(content) > limits.member_bytes:
                yield Item(name, error="member expands past its declared size; skipped")
                continue
            yield from _member(name, content, formats, limits, depth)


def _member(name: str, content: bytes, formats: set[str] | None, limits: Limits, depth: int) -> Iterator[Item]:
    if _kind(name.rsplit("!", 1)[-1]) == "archive":
        yield from _archive(name, content, formats, limits, depth + 1)
    else:
        yield Item(name, data=content)


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def estimate(paths: list[str | Path], formats: set[str] | None = None) -> int:
    """A quick count of the documents ``walk`` will yield (archive directories only; nested archives count as 1)."""
    n = 0
    for raw in paths:
        path = Path(raw)
        files = [Path(d) / f for d, _, fs in os.walk(path, followlinks=False) for f in fs] if path.is_dir() else [path]
        for f in files:
            if not _wanted(f.name, formats):
                continue
            if _kind(f.name) != "archive" or not _regular(f):  # a FIFO named x.zip would block the open
                n += 1
                continue
            try:
                if zipfile.is_zipfile(f):
                    with zipfile.ZipFile(f) as zf:
                        n += sum(1 for i in zf.infolist() if not i.is_dir() and _wanted(i.filename, formats))
                else:
                    with tarfile.open(f) as tf:
                        n += sum(1 for m in tf if m.isfile() and _wanted(m.name, formats))
            except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError):
                n += 1
    return n
