"""Checks of the laid-out pages, made before the PDF is written.

CSS asks for good typesetting (``break-after: avoid`` on headings, ``orphans``/``widows``,
notes at the foot of their call's page) but WeasyPrint gives way when it cannot comply, and
says nothing: a note moves to the next page, a heading is left alone at a page foot, an
unbreakable word runs past the margin, a note too long for any page is drawn over the text.
These functions walk the rendered ``weasyprint.Document`` page by page and name each place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
FORCED = {"page", "left", "right", "recto", "verso"}  # break values that always start a page
TOLERANCE = 1.0  # CSS px: rounding in line layout is far below this
LONG_NOTE = 0.5  # a note taller than this share of the page's text area is reported

_NOTE_ID = re.compile(r"^note-(\d+)$")
_CALL_ID = re.compile(r"^note-call-(\d+)$")


@dataclass(frozen=True)
class LayoutIssue:
    """One typesetting fault: its page (1-based), a sentence, and the note it concerns.

    ``text`` is the text that runs past the margin, for a fault of the main text: the caller
    finds it in the statement, to name its line (a note's fault is named by its call).
    """

    page: int
    message: str
    note: int | None = None
    severity: str = "warning"
    text: str = ""


def misplaced_notes(document) -> list[tuple[int, int, int]]:
    """Notes printed on another page than their call: (number, call page, note page), 1-based."""
    call_page: dict[int, int] = {}
    note_page: dict[int, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            if m := _CALL_ID.match(anchor):
                call_page.setdefault(int(m.group(1)), number)
            elif m := _NOTE_ID.match(anchor):
                note_page.setdefault(int(m.group(1)), number)
    return [(n, call_page[n], note_page.get(n, 0)) for n in sorted(call_page)
            if note_page.get(n) != call_page[n]]


def layout_issues(document) -> list[LayoutIssue]:
    """Every heading alone at a page foot, lone line of a split paragraph, line running out of
    its box, and note too long for the page, in page order."""
    from weasyprint.formatting_structure import boxes

    issues: list[LayoutIssue] = []
    lines_by_block: dict[tuple, list[tuple[int, int, object]]] = {}
    firsts, lasts = [], []  # each page's first and last content, with its enclosing blocks
    pages = [page._page_box for page in document.pages]
    for number, page_box in enumerate(pages, 1):
        flow = [child for child in page_box.children
                if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox))]
        areas = [child for child in page_box.children if isinstance(child, boxes.FootnoteAreaBox)]
        first = last = None
        for box, chain in _lines(flow, boxes):
            first, last = first or (box, chain), (box, chain)
            if isinstance(box, boxes.LineBox):
                block = chain[-1]
                key = (id(block.element), block.element_tag)
                counts = lines_by_block.setdefault(key, [])
                if counts and counts[-1][0] == number:
                    counts[-1] = (number, counts[-1][1] + 1, block)
                else:
                    counts.append((number, 1, block))
                issues += _overflow(box, block, number, boxes)
        firsts.append(first)
        lasts.append(last)
        for area in areas:
            for box, chain in _lines([area], boxes):
                if isinstance(box, boxes.LineBox):
                    issues += _overflow(box, chain[-1], number, boxes, _note_of(chain))
            issues += _long_notes(area, page_box, number)
    for number, (last, following) in enumerate(zip(lasts, firsts[1:], strict=False), 1):
        heading = _heading_of(last)
        if heading is not None and not _forced_break(last, following):
            issues.append(LayoutIssue(number, f"the heading '{_text(heading)}' is left alone "
                                              f"at the foot of page {number}"))
    for parts in lines_by_block.values():
        issues += _lone_lines(parts)
    return sorted(issues, key=lambda issue: issue.page)


def _lines(children, boxes, chain=()):
    """Line boxes and block-level images in reading order, each with its enclosing blocks
    (outermost first).

    Out-of-flow boxes (absolutely positioned, fixed, floated) do not count as content.
    """
    for box in children:
        style = getattr(box, "style", None)
        if style is not None and (style["position"] in ("absolute", "fixed") or
                                  style["float"] not in ("none", "footnote")):
            continue
        if isinstance(box, boxes.LineBox):
            yield box, chain
        elif isinstance(box, boxes.ReplacedBox) and not isinstance(box, boxes.InlineReplacedBox):
            yield box, chain + (box,)
        elif isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.InlineBox):
            yield from _lines(box.children, boxes, chain + (box,))


def _heading_of(content) -> object | None:
    """The heading element a page's last line belongs to, if it belongs to one."""
    if content is None or not content[1]:
        return None
    block = content[1][-1]
    element = getattr(block, "element", None)
    tag = getattr(block, "element_tag", "")
    return element if tag in HEADINGS and element is not None else None


def _forced_break(last, following) -> bool:
    """Whether the page ends by the designer's wish (``break-after: page`` on the heading or a
    block around it, ``break-before: page`` where the next page starts): a cover, say."""
    after = any(box.style["break_after"] in FORCED for box in last[1])
    before = following is not None and any(
        box.style["break_before"] in FORCED for box in following[1])
    return after or before


def _text(element, limit: int = 60) -> str:
    text = " ".join("".join(element.itertext()).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _box_text(box, limit: int = 60) -> str:
    text = " ".join("".join(getattr(b, "text", "") for b in box.descendants()).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _overflow(line, block, number: int, boxes, note: int | None = None) -> list[LayoutIssue]:
    """A line whose text runs out of its block sideways (an unbreakable word or URL).

    The block's border box is the limit: a hanging indent (negative ``text-indent``) may use
    the padding, and list markers, drawn outside, are not checked.
    """
    left = block.border_box_x()
    right = left + block.border_width()
    for leaf in line.descendants():
        if not isinstance(leaf, (boxes.TextBox, boxes.InlineReplacedBox)) or not leaf.width:
            continue
        if leaf.element_tag.endswith("::marker"):
            continue
        if leaf.position_x + leaf.width > right + TOLERANCE or leaf.position_x < left - TOLERANCE:
            past = max(leaf.position_x + leaf.width - right, left - leaf.position_x)
            return [LayoutIssue(number, f"a line runs {past * 0.75:.0f}pt past its margin on page "
                                        f"{number}: '{_box_text(line)}'", note,
                                text=" ".join(str(getattr(leaf, "text", "")).split()))]
    return []


def _long_notes(area, page_box, number: int) -> list[LayoutIssue]:
    """A note too tall for any page (WeasyPrint cannot split notes and draws it over the text),
    and notes so long that they push the text around their call to the next page."""
    top, height = page_box.content_box_y(), page_box.height
    overflows = (area.position_y < top - TOLERANCE or
                 area.position_y + area.margin_height() > top + height + TOLERANCE)
    notes = [(note.margin_height() / height, _note_number(note), note) for note in area.children]
    if overflows and notes:
        share, note, box = max(notes, key=lambda item: item[0])
        return [LayoutIssue(number, f"{_note_name(note, box)} is too long to fit on one page (it "
                                    f"is {share:.0%} of the page's text height): it is printed "
                                    f"over the text of page {number}. Shorten it or move part of "
                                    "it into the body", note, "error")]
    return [LayoutIssue(number, f"{_note_name(note, box)} fills {share:.0%} of page {number}: so "
                                "long a note pushes the text around its call to the next page. "
                                "Consider moving part of it into the body", note)
            for share, note, box in notes if share > LONG_NOTE]


def _note_of(chain) -> int | None:
    """The number of the note whose line this is (``chain``: the line's enclosing blocks)."""
    numbers = [n for n in map(_note_number, chain) if n is not None]
    return numbers[-1] if numbers else None


def _note_number(box) -> int | None:
    element = getattr(box, "element", None)
    match = _NOTE_ID.match(element.get("id", "")) if element is not None else None
    return int(match.group(1)) if match else None


def _note_name(number: int | None, box) -> str:
    return f"note {number}" if number else f"the note '{_box_text(box, 40)}'"


def _lone_lines(parts: list[tuple[int, int, Any]]) -> list[LayoutIssue]:
    """A paragraph split over pages that leaves one line alone at a page's foot or top."""
    if len(parts) < 2:
        return []
    issues = []
    (first_page, first_lines, block), (last_page, last_lines, _) = parts[0], parts[-1]
    if block.element_tag in HEADINGS:
        return []
    if first_lines == 1:
        issues.append(LayoutIssue(first_page, f"a paragraph leaves its first line alone at the "
                                              f"foot of page {first_page} (an orphan): "
                                              f"'{_text(block.element)}'"))
    if last_lines == 1:
        issues.append(LayoutIssue(last_page, f"a paragraph leaves its last line alone at the "
                                             f"top of page {last_page} (a widow): "
                                             f"'{_text(block.element)}'"))
    return issues
