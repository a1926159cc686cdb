"""At most two hyphenated lines in a row, as CSS ``hyphenate-limit-lines: 2`` asks.

WeasyPrint 70 does not implement ``hyphenate-limit-lines``: a paragraph could end three or
more lines in a row with a hyphen, the "ladder" typesetters avoid. While a document is laid
out (:func:`limited`), the lines of each block are watched as WeasyPrint makes them
(``iter_line_boxes``); after :data:`LIMIT` hyphenated lines in a row, the next line is broken
with ``hyphens: none`` (the word that would have been split goes whole to the line after).
Every other line is broken exactly as before.

A line counts as hyphenated when its last text ends with the hyphen WeasyPrint adds (the
style's ``hyphenate-character``, U+2010 by default), from a dictionary or a soft hyphen. The
count starts again with each block and on each page: a block continued on the next page is
laid out from where it stopped, without the lines before.

Only WeasyPrint 70.0 is patched (the functions are private); with another version the limit
is off, as the faster footnote area is (:mod:`communique.render.footnotes`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LIMIT = 2
_state = {"unhyphenated": False}  # whether the line being broken now may not be hyphenated


def _hyphenated(line: Any) -> bool:
    """Whether ``line`` (a LineBox) ends with a hyphen WeasyPrint added."""
    from weasyprint.formatting_structure import boxes

    last = None
    for box in line.descendants():
        if isinstance(box, boxes.TextBox) and box.text:
            last = box
    return last is not None and last.text.endswith(last.style["hyphenate_character"])


def _iter_line_boxes(original):
    def iter_line_boxes(*args, **kwargs) -> Iterator[tuple[Any, Any]]:
        lines = original(*args, **kwargs)
        in_a_row = 0
        while True:
            outer, _state["unhyphenated"] = _state["unhyphenated"], in_a_row >= LIMIT
            try:
                line, resume_at = next(lines)
            except StopIteration:
                return
            finally:
                _state["unhyphenated"] = outer  # a nested block (an inline-block) is done
            in_a_row = in_a_row + 1 if _hyphenated(line) else 0
            yield line, resume_at
    return iter_line_boxes


def _split_first_line(original):
    def split_first_line(text, style, *args, **kwargs):
        if not _state["unhyphenated"] or style["hyphens"] == "none":
            return original(text, style, *args, **kwargs)
        hyphens = style["hyphens"]
        style["hyphens"] = "none"
        try:
            return original(text, style, *args, **kwargs)
        finally:
            style["hyphens"] = hyphens
    return split_first_line


@contextmanager
def limited() -> Iterator[bool]:
    """While the block runs, WeasyPrint's line breaking keeps to :data:`LIMIT`; yields whether
    it does (False with a WeasyPrint other than the pinned one)."""
    import weasyprint
    from weasyprint.layout import block, inline

    from communique.render.footnotes import supported

    if not supported(weasyprint.__version__) or getattr(block.iter_line_boxes, "limited", False):
        yield supported(weasyprint.__version__)
        return
    lines, split = block.iter_line_boxes, inline.split_first_line
    block.iter_line_boxes = _iter_line_boxes(lines)
    block.iter_line_boxes.limited = True
    inline.split_first_line = _split_first_line(split)
    try:
        yield True
    finally:
        block.iter_line_boxes, inline.split_first_line = lines, split
