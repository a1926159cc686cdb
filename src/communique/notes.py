"""Numbering notes in reading order and writing their calls and texts.

A template prints Markdown fields in whatever order its designer chose; the note calls in them
are placeholders. Here the placeholders are numbered 1…N in the order they appear in the
rendered page, so notes always follow reading order, and each is swapped for the call (and, in
print, the footnote itself) that the template's ``partials/notes.html.j2`` macros write.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from communique.document import CALL_RE, Document
from communique.sources import note_html


@dataclass(frozen=True)
class Note:
    """A numbered note: what templates' note macros receive."""

    number: int
    html: Markup  # the note's text
    id: str  # the note's element id, e.g. "note-3"
    call_id: str  # the id of its call, e.g. "note-call-3"
    mark_index: int


def number_notes(rendered: str, doc: Document, style: str = "url") -> list[Note]:
    """Number the note calls of ``rendered`` in order of appearance."""
    order: list[int] = []
    seen: set[int] = set()
    for m in CALL_RE.finditer(rendered):
        index = int(m.group(1))
        if index not in seen:
            seen.add(index)
            order.append(index)
    return [Note(n, note_html(doc.marks[i].mark, doc.sources, style), f"note-{n}", f"note-call-{n}", i)
            for n, i in enumerate(order, 1)]


def place_notes(rendered: str, notes: list[Note], call, footnote=None) -> str:
    """Replace placeholders by ``call(note)`` (followed by ``footnote(note)`` in print)."""
    by_index = {note.mark_index: note for note in notes}
    placed: set[int] = set()

    def replace(m) -> str:
        note = by_index[int(m.group(1))]
        first = note.mark_index not in placed
        placed.add(note.mark_index)
        html = str(call(note, first))
        if footnote is not None and first:
            html += str(footnote(note))
        return html

    return CALL_RE.sub(replace, rendered)
