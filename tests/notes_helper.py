"""A note's text in one call, for tests that have a mark and some sources at hand.

The citation machinery lives in ``communique.citations`` (sources, libraries, styles) and
``communique.notes`` (numbering and re-citation); this is the short path: one note, written in
full, without any earlier notes to refer back to.
"""

from __future__ import annotations

from markupsafe import Markup

from communique.citations.entries import Entry, Origin, from_source
from communique.citations.setup import Citations
from communique.citations.styles import Position, Words
from communique.content.markup import InlineCites, NoteMark
from communique.content.model import Source


def note_html(mark: NoteMark, sources: dict[str, Source | Entry], style: str = "url") -> Markup:
    """The text of one note in a built-in style (``url`` or ``full``), every source in full."""
    entries = {k: v if isinstance(v, Entry) else from_source(k, v, Origin("")) for k, v in sources.items()}
    writer = Citations(style=style).make_style("en")
    words = Words()

    def cites(items) -> Markup:
        return writer.join([writer.cite(c, entries[c.key], Position("full"), words)
                            for c in items if c.key in entries], words)

    if mark.cites:
        return cites(mark.cites)
    out = Markup("")
    for part in mark.text:
        out += cites(part.cites) if isinstance(part, InlineCites) else Markup(part)
    return out
