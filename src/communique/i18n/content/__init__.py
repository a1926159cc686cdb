"""Translating a statement's own text: PO files per language, extracted, merged and applied.

A statement's translatable units are its Markdown fields (and ``alt`` texts, which screen
readers speak); ids, dates, numbers, URLs and the sources' bibliographic data never are. Each
unit is a PO entry whose ``msgctxt`` is a path of field names and item ids::

    title                                   opening
    sections/escalation/body                background/body
    sections/civilian-casualties/incidents/vardenis-bus/text
    calls/human-rights/addressees/2         calls/human-rights/demands/1

Items with an ``id`` are named by it, so reordering sections or incidents changes nothing.
Items without one (addressees, demands, table cells) are numbered from 1 in their list; when
such a list is reordered or an item inserted, ``communique translate`` first matches items by
their unchanged text within the same list, so a moved item keeps its translation untouched and
only an item whose words changed is marked fuzzy.

Merging keeps every translation: a unit whose source changed keeps its old translation, marked
``fuzzy``, with the old source recorded as ``#| msgid``; a unit no longer in the source becomes
obsolete (``#~``). Babel's ``Catalog.update`` is not used: it matches by msgid similarity and
ignores msgctxt, so it can carry a translation to another field.

At build time a unit is printed translated only when its entry is translated, not fuzzy, made
for the current source text, and keeps the source's citations (same notes, same order, so note
numbers agree across editions) and links. Anything else falls back to the source text, wrapped
in its own ``lang``/``dir``, and is reported at its place in the PO file.

The work is split by job: :mod:`.units` (what is translated), :mod:`.pofile` (the PO files,
merged on change), :mod:`.checks` (reading a translation for a build, and what it must keep),
:mod:`.apply` (the translated statement).
"""

from __future__ import annotations

from communique.i18n.content.apply import document
from communique.i18n.content.checks import STATES, Translation, UnitState, check, read
from communique.i18n.content.pofile import (
                                            I18N_DIR,
                                            MAX_PO_BYTES,
                                            Merged,
                                            merge,
                                            po_languages,
                                            po_path,
                                            read_po,
                                            read_po_text,
                                            update,
)
from communique.i18n.content.units import Unit, same_text, signature, units

__all__ = ["I18N_DIR", "MAX_PO_BYTES", "STATES", "Merged", "Translation", "Unit", "UnitState",
           "check", "document", "merge", "po_languages", "po_path", "read", "read_po",
           "read_po_text", "same_text", "signature", "units", "update"]
