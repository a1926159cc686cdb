"""Numbering notes in reading order, writing their texts, and placing calls and notes.

A template prints Markdown fields in whatever order its designer chose; the note calls in them
are placeholders. Here the placeholders are numbered 1…N in the order they appear in the
rendered page, so notes always follow reading order, and each is swapped for the call (and, in
print, the footnote itself) that the template's ``partials/notes.html.j2`` macros write.

The re-citation rule decides how a source cited again is written:

- ``repeat``: in full every time (the seed's house style);
- ``short``: in full the first time, in the style's short form afterwards;
- ``ibid``: "Ibid." when a note cites exactly the one source of the note just before it (any
  note in between, a free-text note too, breaks the chain), the short form for other repeats;
- ``same-number``: a call citing the same sources at the same places as an earlier note reuses
  that note's number; the note is printed once and lists every call that refers to it.

Numbers depend only on reading order and, under same-number, on the citations as written in
the statement's own language, never on translated words: every language edition of a
statement has the same note numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from babel import Locale
from markupsafe import Markup, escape

from communique.citations.entries import Entry
from communique.citations.styles import NoteStyle, Position, Words
from communique.content.markup import Cite, InlineCites, NoteMark, cited_keys, parse
from communique.document import CALL_RE, Document
from communique.errors import Problem


@dataclass(frozen=True)
class Note:
    """A numbered note: what templates' note macros receive."""

    number: int
    html: Markup  # the note's text
    id: str  # the note's element id, e.g. "note-3"
    call_id: str  # the id of the call being written (the first call in notes lists)
    mark_index: int  # the first mark (in reading order) that calls this note
    call_ids: tuple[str, ...] = ()  # every call of this note, in reading order
    mark_indexes: tuple[int, ...] = ()  # every mark that calls it (several with same-number)
    keys: tuple[str, ...] = ()  # the sources it cites, in order

    @property
    def backlinks(self) -> list[tuple[str, str]]:
        """(call id, label) for each call: one call is "↩", several are "a", "b", "c"…"""
        if len(self.call_ids) <= 1:
            return [(self.call_id, "↩")]
        return [(cid, _letters(i)) for i, cid in enumerate(self.call_ids)]


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(97 + rest) + out
    return out


def number_notes(rendered: str, doc: Document, words: Words | None = None,
                 style: NoteStyle | None = None, problems: list[Problem] | None = None) -> list[Note]:
    """Number the note calls of ``rendered`` in reading order and write each note's text.

    Warnings of the style (a source a CSL style cannot write) are added to ``problems``.
    """
    citations = doc.citations
    words = words or Words(Locale.parse(doc.statement.lang.replace("-", "_")))
    style = style or citations.make_style(doc.statement.lang)
    calls = [int(m.group(1)) for m in CALL_RE.finditer(rendered)]

    # 1. Which note each mark belongs to, numbered by first appearance.
    note_of: dict[int, int] = {}  # mark index -> note number
    marks_of: list[list[int]] = []  # note number - 1 -> mark indexes
    by_identity: dict[tuple, int] = {}
    identities = _source_identities(doc) if citations.recitation == "same-number" else {}
    for index in calls:
        if index in note_of:
            continue
        identity = identities.get(index)
        if identity is not None and identity in by_identity:
            note_of[index] = by_identity[identity]
            marks_of[note_of[index] - 1].append(index)
            continue
        marks_of.append([index])
        note_of[index] = len(marks_of)
        if identity is not None:
            by_identity[identity] = note_of[index]

    # 2. Every call's id, in reading order: the first is "note-call-N", later ones "-2", "-3"…
    call_ids: list[list[str]] = [[] for _ in marks_of]
    for index in calls:
        ids = call_ids[note_of[index] - 1]
        number = note_of[index]
        ids.append(f"note-call-{number}" + (f"-{len(ids) + 1}" if ids else ""))

    # 3. The texts, in number order, under the re-citation rule.
    writer = _Writer(style, words, doc.sources, citations.recitation)
    notes = []
    for number, marks in enumerate(marks_of, 1):
        mark = doc.marks[marks[0]].mark
        notes.append(Note(number, writer.note(mark, number), f"note-{number}", call_ids[number - 1][0],
                          marks[0], tuple(call_ids[number - 1]), tuple(marks),
                          tuple(dict.fromkeys(c.key for c in cited_keys((mark,))))))
    if problems is not None:
        setting = citations.style_setting
        for message in dict.fromkeys(style.warnings):
            problems.append(Problem(setting.path or doc.located.display, setting.line,
                                    setting.column, message, "warning"))
        style.warnings.clear()
    return notes


def _identity(mark: NoteMark) -> tuple | None:
    """What makes two calls "the same note" under same-number: the same sources with the same
    prefixes, locators and suffixes. A free-text note is never merged with another."""
    if not mark.cites:
        return None
    return tuple((c.key, " ".join(c.prefix.split()), " ".join(c.locator.split()),
                  " ".join(c.suffix.split())) for c in mark.cites)


def _source_identities(doc: Document) -> dict[int, tuple | None]:
    """Each mark's identity, read from the statement's own language.

    A translated edition is built from translated fields, whose locators and quotations read
    differently, but ``doc.located`` still holds the text as written. Deciding from it which
    calls share a note gives every edition the same numbers. (Translations keep each field's
    notes and their sources in order: ``communique.i18n.content`` checks it.)
    """
    by_path: dict[tuple, list[int]] = {}
    for index, ref in enumerate(doc.marks):
        by_path.setdefault(ref.path, []).append(index)
    out: dict[int, tuple | None] = {}
    for path, indexes in by_path.items():
        written = doc.located.get(path)
        originals: list[NoteMark] = []
        if isinstance(written, str):
            rich, _ = parse(written, block=True)  # the marks are the same for inline fields
            originals = [part for part in rich if isinstance(part, NoteMark)]
        same = len(originals) == len(indexes) and all(
            [c.key for c in o.cites] == [c.key for c in doc.marks[i].mark.cites]
            for o, i in zip(originals, indexes, strict=True))
        for k, index in enumerate(indexes):
            out[index] = _identity(originals[k] if same else doc.marks[index].mark)
    return out


class _Writer:
    """Writes note texts in number order, remembering what earlier notes cited."""

    def __init__(self, style: NoteStyle, words: Words, sources: dict[str, Entry], rule: str):
        self.style, self.words, self.sources, self.rule = style, words, sources, rule
        self.first_note: dict[str, int] = {}
        self.previous: Cite | None = None  # the single source of the note before, if it had one

    def note(self, mark: NoteMark, number: int) -> Markup:
        if mark.cites:
            single = mark.cites[0] if len(mark.cites) == 1 else None
            html = self._cites(mark.cites, number, single)
            self.previous = single
            return html
        out = Markup("")
        for part in mark.text:
            out += self._cites(part.cites, number, None) if isinstance(part, InlineCites) else Markup(part)
        self.previous = None  # a free-text note breaks an ibid chain
        # A line break of the YAML source is a space in HTML, but WeasyPrint 70 breaks the line
        # there inside a footnote: write it as the space it is.
        return Markup(str(out).replace("\r\n", " ").replace("\n", " "))

    def _cites(self, cites: tuple[Cite, ...], number: int, single: Cite | None) -> Markup:
        parts = []
        for cite in cites:
            entry = self.sources.get(cite.key)
            if entry is None:
                continue  # reported as an unknown source when the statement was read
            parts.append(self.style.cite(cite, entry, self._position(cite, single), self.words))
            self.first_note.setdefault(cite.key, number)
        return self.style.join(parts, self.words) if parts else Markup("")

    def _position(self, cite: Cite, single: Cite | None) -> Position:
        first = self.first_note.get(cite.key)
        if self.rule in ("repeat", "same-number") or first is None:
            return Position("full")
        previous = self.previous
        if (self.rule == "ibid" and single is cite and previous is not None
                and previous.key == cite.key and (cite.locator or not previous.locator)):
            return Position("ibid", first, same_place=cite.locator == previous.locator)
        return Position("short", first)


def place_notes(rendered: str, notes: list[Note], call, footnote=None) -> str:
    """Replace placeholders by ``call(note, first)`` (followed by ``footnote(note)`` in print).

    ``call`` receives the note with ``call_id`` set to the id of that very call, so a note
    called several times (same-number, or a field a template prints twice) links every call.
    """
    by_index = {index: note for note in notes for index in note.mark_indexes}
    seen: dict[int, int] = {}

    def replace_call(m) -> str:
        note = by_index[int(m.group(1))]
        count = seen.get(note.number, 0)
        seen[note.number] = count + 1
        first = count == 0
        this = note if first else replace(note, call_id=note.call_ids[count])
        html = str(call(this, first))
        if footnote is not None and first:
            html += str(footnote(note))
        return html

    return CALL_RE.sub(replace_call, rendered)


def jinja_words(template, context: dict, lang: str) -> Words:
    """The edition's words through the gettext functions installed in the template environment,
    so notes use the very catalog (and the same missing-string reports) as the templates."""
    from functools import partial

    ctx = template.new_context(context)
    found = template.environment.globals
    options = {}
    if callable(found.get("gettext")):
        options["gettext"] = partial(found["gettext"], ctx)
    if callable(found.get("pgettext")):
        options["pgettext"] = partial(found["pgettext"], ctx)
    return Words(Locale.parse(lang.replace("-", "_")), **options)


class Bibliography(list):
    """The list of sources a template prints as ``{{ bibliography }}`` or loops over.

    Each item has ``.key`` and ``.html``; printed whole it is the ``sources`` macro of
    ``partials/notes.html.j2``.
    """

    def __init__(self, entries: list[BibliographyEntry], macros=None):
        super().__init__(entries)
        self._macros = macros

    def __html__(self) -> str:
        if not self:
            return ""
        macro = getattr(self._macros, "sources", None)
        if callable(macro):
            return str(macro(list(self)))
        items = "".join(f'<li id="source-{escape(e.key)}">{e.html}</li>' for e in self)
        return f'<ul class="source-list">{items}</ul>'


@dataclass(frozen=True)
class BibliographyEntry:
    """One source in the list of sources: its id (for an anchor) and its text in the style."""

    key: str
    html: Markup


def bibliography(doc: Document, style: NoteStyle, words: Words) -> list[BibliographyEntry]:
    """The cited sources, written and ordered by the style (alphabetically for url and full)."""
    keys = dict.fromkeys(c.key for ref in doc.marks for c in cited_keys((ref.mark,))
                         if c.key in doc.sources)
    return [BibliographyEntry(key, html)
            for key, html in style.bibliography([doc.sources[k] for k in keys], words)]
