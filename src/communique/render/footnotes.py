"""A footnote area for WeasyPrint 70 that lays each note out once, with the same result.

Why: WeasyPrint sizes a page's footnote area every time a note is added to it, removed from
it or moved to the next page (``LayoutContext._update_footnote_area``). Each time it deep-copies
the area with every note already on the page and lays all of them out again, to learn one
number, the area's height. Adding the k-th note of a page costs k note layouts, a page of n notes
n²/2, and more when lines are pushed and notes taken off and added back. For a 31-page report
with 361 notes that is 60 % of WeasyPrint's render time (docs/benchmarks.md has the profile).

What changes: the area is still laid out by WeasyPrint's own ``block_level_layout`` each time,
with every margin, border, ``max-height`` and collapsing rule as before; only the layout of each
*note* inside it is remembered. A note laid out at a given place in the area (the notes before
it, its position, the margins adjoining it, the page and whether its break was forced) gives the
same box every time: it is laid out once, the first time it is met there, and its laid-out box
is reused by the later layouts of that page's area, the final one included. Adding a note costs
one note's layout; removing the last one costs nothing.

What stays as before, exactly: the notes are copied and given their anonymous boxes as
WeasyPrint does (per note: what ``create_anonymous_boxes`` does to the area's block-level
children does not depend on their siblings); the page bottom is updated with the same
operations in the same order, so every float is the same and the PDF is byte for byte the
same (``tests/test_footnote_area.py`` prints a corpus both ways). Where a note's layout could
depend on something outside that key, or leave anything behind in the layout context (floats,
positioned boxes, running elements, nested notes), WeasyPrint's own code runs unchanged:

- a note that is not a plain block (``footnote-display: inline`` makes the area one inline
  formatting context, whose line breaks depend on every note), is relatively positioned or
  has columns;
- an area with columns, ``max-lines`` or ``::first-line`` / ``::first-letter`` styles;
- floats in the current formatting context, or a float broken from the previous page (they
  could give a note clearance or narrow its lines);
- a note whose layout added a float, a positioned box, a running element or a note: it is
  not remembered, and the area is left to WeasyPrint until the next page.

Only WeasyPrint 70.0 (``PINNED``) is patched: the functions replaced are private and change
between versions. With another version nothing is replaced and :func:`notice` says so (the
build shows it once). ``COMMUNIQUE_FOOTNOTES=weasyprint`` in the environment turns it off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from math import inf
from pathlib import Path
from typing import Any

PINNED = "70.0"

_originals: dict[str, Any] = {}  # what apply() replaced, to restore it (remove())
_off = False  # unpatched(): WeasyPrint's own functions, even where communique imports it
_laying: list[tuple[Any, _Session]] = []  # areas being laid out with the memo, innermost last
# How often a note's layout was reused, a note laid out, an area left to WeasyPrint's own code
# (the tests check that both ways were taken).
counts = {"reused": 0, "laid_out": 0, "weasyprint": 0}


class _Session:
    """What is remembered for one page's footnote area (one ``FootnoteAreaBox``)."""

    __slots__ = ("area", "layouts", "notes", "placeholders", "spoilt")

    def __init__(self, area: Any):
        self.area = area
        self.notes: list[Any] = []  # the notes of the area being laid out now
        self.placeholders: dict[int, list] = {}  # id(note) -> [its prepared copy, laid out yet]
        self.layouts: dict[tuple, tuple] = {}  # key -> what laying the note out there gave
        self.spoilt = False  # a note's layout left something in the context: memo off


def _session(context: Any) -> _Session:
    area = context.current_footnote_area
    session = context.__dict__.get("_communique_footnotes")
    if session is None or session.area is not area:
        session = context._communique_footnotes = _Session(area)
    return session


def _prepared(note: Any) -> Any:
    """A copy of ``note`` with its anonymous boxes, as the area's deep copy would hold it."""
    from weasyprint.formatting_structure import build

    return build.create_anonymous_boxes(note.deepcopy())


def _plain(note: Any) -> bool:
    """Whether ``note`` is a block whose layout in the area depends only on the memo's key."""
    from weasyprint.formatting_structure import boxes

    style = note.style
    return (type(note) is boxes.BlockBox and style["position"] == "static"
            and style["float"] == "none" and style["column_width"] == "auto"
            and style["column_count"] == "auto")


def _plain_area(area: Any) -> bool:
    style = area.style
    return (style["column_width"] == "auto" and style["column_count"] == "auto"
            and style["max_lines"] == "none" and area.first_line_style is None
            and area.first_letter_style is None and style["position"] == "static")


def _traces(context: Any, absolute_boxes: list, fixed_boxes: list) -> tuple:
    """What a note's layout could leave in the context; equal before and after: nothing."""
    running = sum(len(boxes) for pages in context.running_elements.values()
                  for boxes in pages.values())
    return (len(context.excluded_shapes), len(context.broken_out_of_flow), len(absolute_boxes),
            len(fixed_boxes), running, len(context.footnotes),
            len(context.current_page_footnotes), len(context.reported_footnotes))


def _clear_context(context: Any) -> bool:
    """No float a note could be cleared from or flow around."""
    return not context.excluded_shapes and not any(
        box.is_floated() for box in context.broken_out_of_flow)


def _remembering(box: Any, index: int, skip_stack, first_letter_style, first_line_style,
                 max_lines, context: Any) -> _Session | None:
    """The session whose memo serves this child of ``box``, or None: WeasyPrint's own way."""
    if not _laying or _laying[-1][0] is not box:
        return None
    session = _laying[-1][1]
    if (session.spoilt or skip_stack is not None or first_letter_style is not None
            or first_line_style is not None or max_lines is not None
            or index >= len(session.notes) or not _clear_context(context)):
        return None
    return session


def _in_flow_layout(context, box, index, child, new_children, page_is_empty, absolute_boxes,
                    fixed_boxes, adjoining_margins, bottom_space, position_y, skip_stack,
                    first_letter_style, first_line_style, discard, next_page, max_lines):
    """``weasyprint.layout.block._in_flow_layout``, remembering the notes of a footnote area.

    The key holds everything the note's layout reads that can differ from one layout of the
    area to the next: the notes before it, where it starts, the margins adjoining it, whether
    the page is still empty, the page and its break, and the area's own geometry.
    """
    args = [context, box, index, child, new_children, page_is_empty, absolute_boxes,
            fixed_boxes, adjoining_margins, bottom_space, position_y, skip_stack,
            first_letter_style, first_line_style, discard, next_page, max_lines]
    session = _remembering(box, index, skip_stack, first_letter_style, first_line_style,
                           max_lines, context)
    if session is None:
        return _originals["_in_flow_layout"](*args)
    key = (tuple(map(id, session.notes[:index + 1])), len(new_children), position_y,
           tuple(adjoining_margins), page_is_empty, bottom_space, discard,
           next_page["break"], next_page["page"], context.current_page, context.forced_break,
           box.position_x, box.position_y, box.width, box.margin_top, box.padding_top,
           box.border_top_width)
    known = session.layouts.get(key)
    if known is not None:
        counts["reused"] += 1
        new_child, position_y, margins, next_page = known
        new_child.index = index
        new_children.append(new_child)
        return False, False, None, position_y, list(margins), dict(next_page), new_children, None
    return _lay_out_note(session, key, args)


def _lay_out_note(session: _Session, key: tuple, args: list) -> tuple:
    """Lay a note out with WeasyPrint's ``_in_flow_layout`` and remember the result, unless it
    broke, or left something in the context (then the memo is off until the next page)."""
    context, index, child, new_children = args[0], args[2], args[3], args[4]
    absolute_boxes, fixed_boxes = args[6], args[7]
    note = session.notes[index]
    placeholder = session.placeholders.get(id(note))
    if placeholder is not None and child is placeholder[0]:
        if placeholder[1]:  # laid out before: lay out a fresh copy, as WeasyPrint would
            args[3] = fresh = _prepared(note)
            fresh.position_x, fresh.position_y = child.position_x, child.position_y
        placeholder[1] = True
    before, count = _traces(context, absolute_boxes, fixed_boxes), len(new_children)
    counts["laid_out"] += 1
    result = _originals["_in_flow_layout"](*args)
    abort, stop, resume_at, position_y, margins, next_page, children, max_lines = result
    if _traces(context, absolute_boxes, fixed_boxes) != before:
        session.spoilt = True  # something was left behind: from now on, WeasyPrint's own way
    elif (not abort and not stop and resume_at is None and max_lines is None
          and children is new_children and len(children) == count + 1):
        session.layouts[key] = (children[-1], position_y, tuple(margins), dict(next_page))
    return result


def _lay_out_area(context: Any, session: _Session, area: Any, lay_out) -> Any:
    """Run ``lay_out()`` (WeasyPrint's layout of the copy ``area``) with the notes remembered."""
    _laying.append((area, session))
    try:
        return lay_out()
    finally:
        _laying.pop()


def _eligible(context: Any, notes: list) -> bool:
    return (bool(notes) and not _laying and all(map(_plain, notes))
            and _plain_area(context.current_footnote_area))


def _update_footnote_area(self):
    """``LayoutContext._update_footnote_area`` with the notes' layouts remembered: the same
    operations on the page bottom, in the same order, with the same area height."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.block import block_level_layout

    notes = self.current_page_footnotes
    session = _session(self) if notes else None
    if session is None or session.spoilt or not _eligible(self, notes):
        counts["weasyprint"] += bool(notes)
        return _originals["_update_footnote_area"](self)
    area_box = self.current_footnote_area
    if area_box.height != "auto" and not self.in_column:
        self.page_bottom += area_box.margin_height()
    area_box.children = notes
    children = []
    for note in notes:
        placeholder = session.placeholders.get(id(note))
        if placeholder is None:
            placeholder = session.placeholders[id(note)] = [_prepared(note), False]
        children.append(placeholder[0])
    copy = area_box.copy()  # as deepcopy() and create_anonymous_boxes() would make it
    copy.children = children
    assert isinstance(copy, boxes.FootnoteAreaBox)
    session.notes = list(notes)
    footnote_area = _lay_out_area(self, session, copy, lambda: block_level_layout(
        self, copy, -inf, None, area_box.page)[0])
    area_box.height = footnote_area.height
    if not self.in_column:
        self.page_bottom -= footnote_area.margin_height()
    last_child = footnote_area.children[-1]
    last_child_bottom = (
        last_child.position_y + last_child.margin_height() - last_child.margin_bottom)
    footnote_area_bottom = (
        footnote_area.position_y + footnote_area.margin_height() - footnote_area.margin_bottom)
    return last_child_bottom > footnote_area_bottom


def _page_block_level_layout(context, box, *args, **kwargs):
    """``block_level_layout`` as ``layout/page.py`` calls it: the final layout of a page's
    footnote area reuses the notes laid out while the page was filled."""
    from weasyprint.formatting_structure import boxes

    original = _originals["page.block_level_layout"]
    session = context.__dict__.get("_communique_footnotes")
    notes = context.current_page_footnotes
    if (not isinstance(box, boxes.FootnoteAreaBox) or session is None or session.spoilt
            or session.area is not context.current_footnote_area
            or box is session.area or box.page is not session.area.page
            or not _eligible(context, notes) or len(box.children) != len(notes)
            or any(type(c) is not type(n) or c.element is not n.element
                   for c, n in zip(box.children, notes, strict=True))):
        return original(context, box, *args, **kwargs)
    session.notes = list(notes)
    return _lay_out_area(context, session, box, lambda: original(context, box, *args, **kwargs))


def supported(version: str) -> bool:
    return version == PINNED


def installed_version() -> str | None:
    """The installed WeasyPrint's version, read without importing it: from the name of its
    ``.dist-info`` folder beside the package (importlib.metadata takes a tenth of a second to
    import, on the path of every build), else from its metadata."""
    from importlib.util import find_spec

    spec = find_spec("weasyprint")
    if spec is None or not spec.origin:
        return None
    site = Path(spec.origin).parent.parent
    found = [p.name[len("weasyprint-"):-len(".dist-info")]
             for p in site.glob("weasyprint-*.dist-info")]
    if len(found) == 1:
        return found[0]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:
        return None


def notice() -> str | None:
    """Why the faster footnote area is off, or None when it is used (WeasyPrint 70.0)."""
    found = installed_version()
    if found is None or supported(found):
        return None
    return (f"WeasyPrint {found} is installed, not {PINNED} (the version communique pins): the "
            f"faster footnote layout is off, so PDFs with many notes print slower (they are "
            f"the same); install weasyprint=={PINNED}")


def ensure() -> bool:
    """Patch WeasyPrint unless it was turned off (``COMMUNIQUE_FOOTNOTES=weasyprint`` in the
    environment, or :func:`unpatched`); called wherever communique imports WeasyPrint."""
    if _off or os.environ.get("COMMUNIQUE_FOOTNOTES") == "weasyprint":
        return False
    return apply()


@contextmanager
def unpatched() -> Iterator[None]:
    """WeasyPrint's own footnote area inside the block (to compare the two)."""
    global _off
    was, _off = _off, True
    patched = applied()
    remove()
    try:
        yield
    finally:
        _off = was
        if patched:
            apply()


def apply() -> bool:
    """Patch WeasyPrint (already imported) if it is the pinned version; True when patched."""
    import weasyprint
    from weasyprint.layout import LayoutContext, block, page

    if _originals:
        return True
    if not supported(weasyprint.__version__):
        return False
    _originals["_update_footnote_area"] = LayoutContext._update_footnote_area
    _originals["_in_flow_layout"] = block._in_flow_layout
    _originals["page.block_level_layout"] = page.block_level_layout
    LayoutContext._update_footnote_area = _update_footnote_area
    block._in_flow_layout = _in_flow_layout
    page.block_level_layout = _page_block_level_layout
    return True


def remove() -> None:
    """Put WeasyPrint's own functions back (the tests print with and without the patch)."""
    from weasyprint.layout import LayoutContext, block, page

    if not _originals:
        return
    LayoutContext._update_footnote_area = _originals.pop("_update_footnote_area")
    block._in_flow_layout = _originals.pop("_in_flow_layout")
    page.block_level_layout = _originals.pop("page.block_level_layout")


def applied() -> bool:
    return bool(_originals)
