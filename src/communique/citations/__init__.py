"""Citations: the sources a statement can cite, and how its notes write them.

- ``entries``: one source (``Entry``), its kind and its CSL-JSON form;
- ``libraries``: reading CSL-JSON and BibTeX libraries with located problems;
- ``setup``: a statement's settings resolved against the workspace, and every citable source;
- ``styles``: the built-in note styles ``url`` and ``full``, and the edition's ``Words``;
- ``csl``: any CSL style through citeproc-py;
- ``export``: the sources as CSL-JSON, the incidents and sources as JSON and CSV.

Numbering and the re-citation rules live in ``communique.notes``.
"""

from communique.citations.entries import Entry, Origin, PartialDate
from communique.citations.setup import Citations, prepare
from communique.citations.styles import NoteStyle, Position, Words
from communique.content.model import RECITATIONS

__all__ = [
           "RECITATIONS",
           "Citations",
           "Entry",
           "NoteStyle",
           "Origin",
           "PartialDate",
           "Position",
           "Words",
           "prepare",
]
