"""Lines of laid-out pages put back into paragraphs by their geometry (PDF text layers, OCR boxes, OFD glyphs).

A reader hands over each page's lines with their boxes; punctuation says nothing about where a
paragraph ends (a justified line may end in 。 at the right margin and go on), the page does:

- a line continues on the next one when it reaches the text block's right edge (the next line's first
  unbreakable piece — a character with its closing punctuation, a number such as ``96.1%`` — would not
  have fitted after it), and the next line starts at the block's left edge, in the same font size, close
  below it, and is no heading or list marker and no table row; a first-line indent starts a paragraph;
- page numbers (``- 3 -``) and running headers or footers repeated in the page margins are stepped over,
  so a paragraph runs on across a page break;
- footnotes (lines below the body in a smaller font) are kept apart: each comes after the paragraph
  that carries its marker;
- the larger lines at the top of the first page are one title, however many lines it is set in.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

PAGE_NO = re.compile(
    r"^\s*(?:[—\-–－_·•\s]*\d{1,4}[—\-–－_·•\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?)\s*$",
    re.I,
)
# a heading or list item starts a paragraph even where the line before it is full (1.5% is no marker)
MARKER_START = re.compile(r"^\s*(?:[一二三四五六七八九十壹贰貳叁參肆伍陆陸柒捌玖拾]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d)|[①-⑳]|——"
                          r"|第[一二三四五六七八九十]+[,，、章节条])")
_FOOTNOTE_MARK = re.compile(r"^\s*(?:[*＊※†][^*＊※†]|[①-⑳]|\[\d{1,3}\]|【\d{1,3}】|注\s*\d*\s*[:：])")
_MARK_IN_TEXT = re.compile(r"[*＊※†]|[①-⑳]|\[\d{1,3}\]")
# the first unbreakable piece of a line: opening marks, then a run of Latin letters and figures or one
# character, then the closing punctuation a line may not start with
_FIRST_PIECE = re.compile(r"^[“‘(（《〈【「『\[]*(?:[0-9A-Za-z][0-9A-Za-z.,%‰％+\-/:·]*|.)[，。、；：？！）」』”’》〉】,.;:?!)%‰％\]]*")

MARGIN_ZONE = 0.12  # page numbers and running heads sit in the top and bottom 12 % of the page
INDENT = 0.9  # a line starting this many characters right of the block's left edge is indented
SIZE_TOLERANCE = 0.12  # lines whose sizes differ by more are not one paragraph (a footnote, a heading)
FOOTNOTE_SIZE = 0.9  # footnotes are set at most this share of the body size
TITLE_SIZE = 1.15  # title lines are set at least this share of the body size


@dataclass
class Line:
    """One printed line with its box in page space (``top`` counts down from the top edge)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float = 0.0  # font size or box height; 0 when unknown
    fixed: bool = False  # a table row or a line split into cells: kept as it is, never joined


@dataclass
class Page:
    lines: list[Line]
    width: float
    height: float
    size_tolerance: float = SIZE_TOLERANCE  # OCR boxes vary more in height than fonts do


@dataclass
class Assembled:
    """Paragraph lines per page; a page in ``continued`` opens with the rest of the paragraph before it."""

    pages: list[list[str]]
    continued: set[int] = field(default_factory=set)


@dataclass
class _Metrics:
    left: float
    right: float | None  # None: too few full lines on the page or in the document to tell
    pitch: float
    size: float  # the body size


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _edges(page: Page) -> set[int]:
    """Lines where page furniture sits: in the top or bottom margin of the page, or the two highest and
    lowest lines on it (a landscape page has narrow margins)."""
    order = sorted((i for i, ln in enumerate(page.lines) if not ln.fixed), key=lambda i: page.lines[i].top)
    out = set(order[:2] + order[-2:])
    if page.height > 0:
        out |= {i for i in order if page.lines[i].top < MARGIN_ZONE * page.height
                or page.lines[i].bottom > (1 - MARGIN_ZONE) * page.height}
    return out


def furniture(pages: list[Page]) -> list[set[int]]:
    """Indices of the page numbers and running heads of each page: lines at the top or bottom of the page
    that are a page number or repeat (figures aside) there on at least half the pages."""
    edges = [_edges(page) for page in pages]
    seen: Counter[str] = Counter()
    for page, at in zip(pages, edges, strict=True):
        seen.update({_key(page.lines[i].text) for i in at})
    need = max(2, math.ceil(len(pages) / 2))
    out = []
    for page, at in zip(pages, edges, strict=True):
        out.append({i for i in at if PAGE_NO.match(page.lines[i].text)
                    or (len(pages) >= 2 and seen[_key(page.lines[i].text)] >= need)})
    return out


def _body_size(lines: list[Line]) -> float:
    """The size most characters are set in."""
    sizes: Counter[float] = Counter()
    for ln in lines:
        if ln.size > 0 and not ln.fixed:
            sizes[round(ln.size * 2) / 2] += len(ln.text.replace(" ", ""))
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _same_size(a: float, b: float, tolerance: float) -> bool:
    return a <= 0 or b <= 0 or abs(a - b) <= tolerance * max(a, b)


def _right_edge(lines: list[Line], size: float) -> float | None:
    """The right edge most full lines reach (lines hanging a punctuation mark past it aside); None unless
    two lines or more reach it."""
    xs = sorted(ln.x1 for ln in lines)
    if len(xs) < 2 or size <= 0:
        return None
    near = 0.15 * size
    best, count = None, 1
    lo = hi = len(xs) - 1
    for i in range(len(xs) - 1, -1, -1):  # a window of 2 x near around each end, from the right, in one pass
        x = xs[i]
        if x < xs[-1] - 3 * size:
            break
        while xs[hi] > x + near:
            hi -= 1
        lo = min(lo, i)
        while lo > 0 and xs[lo - 1] >= x - near:
            lo -= 1
        if hi - lo + 1 > count:
            best, count = x, hi - lo + 1
    if best is None:
        return None
    group = [y for y in xs if abs(y - best) <= near]
    return group[len(group) // 2]


def _left_edge(lines: list[Line], size: float, width: float = 0.0) -> float:
    """The block's left edge: the typical start of the lines starting leftmost (continuation lines);
    lines starting right of the middle of the page (a signature) never give it."""
    xs = sorted(ln.x0 for ln in lines if not width or ln.x0 < width / 2) or sorted(ln.x0 for ln in lines)
    if not xs:
        return 0.0
    for i, x in enumerate(xs):  # the leftmost start shared by two lines (a stray mark sits further left)
        if i + 1 < len(xs) and xs[i + 1] - x <= size:
            group = [y for y in xs if x <= y <= x + size]
            return group[len(group) // 2]
    return xs[0]


def _metrics(lines: list[Line], fallback: _Metrics | None, width: float = 0.0) -> _Metrics:
    size = _body_size(lines) or (fallback.size if fallback else 10.0)
    body = [ln for ln in lines if not ln.fixed and _same_size(ln.size, size, SIZE_TOLERANCE) and len(ln.text.strip()) >= 2]
    if len(body) < 3 and fallback is not None:
        return fallback
    steps = sorted(b.top - a.top for a, b in zip(body, body[1:], strict=False) if 0 < b.top - a.top < 3 * size)
    pitch = steps[len(steps) // 2] if steps else (fallback.pitch if fallback else 1.5 * size)
    left = _left_edge(body, size, width) if body else (fallback.left if fallback else 0.0)
    right = _right_edge(body, size)
    if right is None and body and width > 0:
        # one full line only (a short notice): trusted when it ends as far from the right edge of the
        # page as the text starts from the left
        widest = max(ln.x1 for ln in body)
        if abs((width - widest) - left) <= 2 * size:
            right = widest
    if right is None and fallback is not None:
        right = fallback.right
    return _Metrics(left=left, right=right, pitch=pitch, size=size)


def _piece_width(text: str) -> float:
    """Width of the line's first unbreakable piece in characters (Latin letters and figures are narrower)."""
    m = _FIRST_PIECE.match(text.lstrip())
    piece = m.group() if m else text[:1]
    return sum(1.0 if ord(c) > 0x2000 else 0.55 for c in piece)


def continues(prev: Line, nxt: Line, m_prev: _Metrics, m_next: _Metrics, same_page: bool,
              tolerance: float = SIZE_TOLERANCE, first: bool = True) -> bool:
    """Whether ``nxt`` is the next line of the paragraph that ``prev`` ends (``first``: ``prev`` is the
    paragraph's first line)."""
    if prev.fixed or nxt.fixed or m_prev.right is None:
        return False
    size = prev.size or m_prev.size
    if not _same_size(prev.size, nxt.size, tolerance):
        return False
    if same_page and not (0 < nxt.top - prev.top <= 1.6 * max(m_prev.pitch, size)):
        return False  # a paragraph gap, or text out of order (a second column)
    if prev.x1 < m_prev.right - (_piece_width(nxt.text) + 0.35) * size:
        return False  # the next line's first piece would have fitted: the paragraph ended here
    if MARKER_START.match(nxt.text) or PAGE_NO.match(nxt.text):
        return False
    at_prev, at_next = prev.x0 - m_prev.left, nxt.x0 - m_next.left
    if not first:  # the lines after the first keep one alignment, flush or hanging
        return abs(at_next - at_prev) <= INDENT * size
    # after the first line: the block's left edge, or under the text after a list marker (hanging indent)
    return at_next <= INDENT * size or (MARKER_START.match(prev.text) is not None
                                        and 0.5 * size < at_next - at_prev <= 5 * size)


def _glue(a: str, b: str) -> str:
    """Two pieces of one paragraph: CJK text runs on; Latin words keep a space between them."""
    if a and b and a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha():
        return a + " " + b
    return a + b


def _title(lines: list[Line], size: float, page: Page) -> tuple[int, int]:
    """Where the title of the first page starts and how many lines it takes: the first line among the top
    few set larger than the body and centred (a document number may stand above it), and the lines of
    that kind close under it."""
    start = next((i for i, ln in enumerate(lines[:4]) if _title_line(ln, size, page)), None)
    if start is None:
        return 0, 0
    n, largest = 1, lines[start].size
    while start + n < len(lines):
        ln = lines[start + n]
        if not (_title_line(ln, size, page) and ln.size >= 0.8 * largest
                and 0 < ln.top - lines[start + n - 1].top <= 4 * ln.size):
            break  # a cover sets the issuer's name a few lines above the title: still one title
        largest = max(largest, ln.size)
        n += 1
    return start, n


def _title_line(ln: Line, size: float, page: Page) -> bool:
    if ln.fixed or size <= 0 or ln.size < TITLE_SIZE * size:
        return False
    return not page.width or abs((ln.x0 + ln.x1) / 2 - page.width / 2) <= max(3 * size, 0.12 * page.width)


def _footnotes(lines: list[Line], size: float) -> int:
    """Where the footnotes of a page start: the smaller lines below the last body line (len(lines): none)."""
    body_bottom = max((ln.top for ln in lines if not ln.fixed and _same_size(ln.size, size, SIZE_TOLERANCE)), default=None)
    if body_bottom is None:
        return len(lines)
    start = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        ln = lines[i]
        if ln.fixed or ln.size <= 0 or ln.size > FOOTNOTE_SIZE * size or ln.top <= body_bottom:
            break
        start = i
    if start < len(lines) and not _FOOTNOTE_MARK.match(lines[start].text):
        return len(lines)  # smaller lines that open with no marker: a note under a table, left in place
    return start


def _join_notes(notes: list[Line], m: _Metrics) -> list[str]:
    out: list[str] = []
    for i, ln in enumerate(notes):
        text = ln.text.strip()
        if out and not _FOOTNOTE_MARK.match(text) and continues(notes[i - 1], ln, m, m, True, 0.3):
            out[-1] = _glue(out[-1], text)
        else:
            out.append(text)
    return out


def assemble(pages: list[Page]) -> Assembled:
    """Paragraph lines of every page, in reading order, with the page furniture dropped."""
    drops = furniture(pages)
    kept = [[ln for i, ln in enumerate(p.lines) if i not in drop and ln.text.strip()]
            for p, drop in zip(pages, drops, strict=True)]
    doc = _metrics([ln for lines in kept for ln in lines], None, max((p.width for p in pages), default=0.0))
    first_page = next((i for i, lines in enumerate(kept) if lines), None)
    blocks: list[list[tuple[int, str]]] = []  # paragraphs as (page, text) pieces, in reading order
    notes_at: set[int] = set()  # ids of the blocks that are footnotes
    waiting: list[tuple[str, str]] = []  # (marker, footnote) until the paragraph with the marker ends
    open_block: list[tuple[int, str]] | None = None
    last: tuple[Line, _Metrics, int] | None = None
    first = True  # the last line is its paragraph's first

    def end_paragraph() -> None:
        nonlocal open_block
        if open_block is not None and waiting:
            text = "".join(t for _, t in open_block)
            page_i = open_block[-1][0]
            mine = [w for w in waiting if w[0] and w[0] in text]
            unmarked = [w for w in waiting if not w[0] or not any(w[0] in "".join(t for _, t in b) for b in blocks)]
            for w in mine + [w for w in unmarked if w not in mine]:
                waiting.remove(w)
                blocks.append([(page_i, w[1])])
                notes_at.add(id(blocks[-1]))
        open_block = None

    for current, (page, lines) in enumerate(zip(pages, kept, strict=True)):
        m = _metrics(lines, doc, page.width)
        if current == first_page:
            at, n = _title(lines, doc.size, page)  # the body's size, not the cover page's
            if n > 1:
                top = lines[at:at + n]
                title = Line("".join(ln.text.strip() for ln in top), min(ln.x0 for ln in top),
                             max(ln.x1 for ln in top), top[0].top, top[-1].bottom, top[0].size, fixed=True)
                lines = [*lines[:at], title, *lines[at + n:]]
        cut = _footnotes(lines, m.size)
        for ln in lines[:cut]:
            text = ln.text.strip()
            if (not ln.fixed and last is not None and open_block is not None
                    and continues(last[0], ln, last[1], m, last[2] == current, page.size_tolerance, first)):
                first = False
                if open_block[-1][0] == current:
                    open_block[-1] = (current, _glue(open_block[-1][1], text))
                else:  # the paragraph runs on across the page break
                    open_block.append((current, text))
            else:
                end_paragraph()
                blocks.append([(current, text)])
                open_block = None if ln.fixed else blocks[-1]
                first = True
            last = None if ln.fixed else (ln, m, current)
        for note in _join_notes(lines[cut:], m):
            mark = _MARK_IN_TEXT.match(note.lstrip())
            _place_note(blocks, notes_at, open_block, waiting, mark.group() if mark else "", note, current)
    end_paragraph()
    for _, note in waiting:
        blocks.append([(blocks[-1][-1][0] if blocks else 0, note)])
    return _render(blocks, len(pages))


def _place_note(blocks: list[list[tuple[int, str]]], notes_at: set[int], open_block: list[tuple[int, str]] | None,
                waiting: list[tuple[str, str]], mark: str, note: str, page_i: int) -> None:
    """A footnote goes in after the paragraph of its page that carries its marker, once that paragraph has
    ended; until then it waits."""
    if mark:
        for b in range(len(blocks) - 1, -1, -1):
            block = blocks[b]
            if block[-1][0] < page_i:
                break
            if id(block) in notes_at:
                continue
            if mark in "".join(t for _, t in block):
                if block is open_block:
                    break
                at = b + 1
                while at < len(blocks) and id(blocks[at]) in notes_at:
                    at += 1
                blocks.insert(at, [(block[-1][0], note)])
                notes_at.add(id(blocks[at]))
                return
    waiting.append((mark, note))


def _render(blocks: list[list[tuple[int, str]]], pages: int) -> Assembled:
    out = Assembled(pages=[[] for _ in range(pages)])
    for block in blocks:
        for k, (page_i, text) in enumerate(block):
            out.pages[page_i].append(text)
            if k:
                out.continued.add(page_i)
    return out


def page_text(pages: list[list[str]], continued: set[int] | frozenset[int] = frozenset()) -> tuple[str, list[int]]:
    """The text of paragraph lines page after page, and the offsets where pages 2.. begin: a page that
    opens with the rest of a paragraph continues its line, so the page starts inside it."""
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for i, lines in enumerate(pages):
        if i > 0:
            if i in continued and lines and parts and parts[-1].endswith("\n"):
                parts[-1] = parts[-1][:-1]
                pos -= 1
            starts.append(pos)
        chunk = "\n".join(lines) + "\n"
        parts.append(chunk)
        pos += len(chunk)
    return "".join(parts), starts
