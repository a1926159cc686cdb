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
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
from pydantic import BaseModel, ValidationError

from communique.characters import hidden
from communique.content.fields import children
from communique.content.markup import KEY, InlineCites, NoteMark, parse
from communique.document import Document, Rich, build_document
from communique.errors import ContentError, Problem
from communique.i18n import locale as loc
from communique.i18n.po import syntax_problems

I18N_DIR = "i18n"
PLAIN_TRANSLATABLE = frozenset({"alt"})  # plain-text fields that are prose, not data
NOT_TRANSLATED = frozenset({"sources"})  # bibliographic data: cited as published
KIND_COMMENTS = {
    "block": "Markdown paragraphs (a blank line between paragraphs; *emphasis*, [text](url)).",
    "inline": "Markdown, one line.",
    "plain": "Plain text, read aloud by screen readers.",
}
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


# -- units ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    """One translatable text of the source statement."""

    context: str  # the msgctxt: a path of field names and ids
    text: str  # the msgid: the source text
    path: tuple  # where the value sits in the content data (and the document view)
    kind: str  # "block", "inline" or "plain"
    notes: tuple = ()  # the cited keys of each note, in order
    links: tuple = ()  # link targets, sorted

    @property
    def field_name(self) -> str:
        """The field the unit belongs to (``demands`` for ``calls/x/demands/2``)."""
        return next(p for p in reversed(self.path) if isinstance(p, str))


def units(statement: BaseModel) -> list[Unit]:
    """Every translatable unit of a statement, in reading order of its content file."""
    found: list[Unit] = []
    _collect(statement, (), (), None, found)
    seen: set[str] = set()
    out = []
    for unit in found:  # ids are unique; this only guards contexts against odd content
        context = unit.context
        while context in seen:
            context += "+"
        seen.add(context)
        out.append(unit if context == unit.context else Unit(context, unit.text, unit.path,
                                                             unit.kind, unit.notes, unit.links))
    return out


def _collect(value: Any, path: tuple, ctx: tuple, kind: str | None, out: list[Unit]) -> None:
    """The translatable texts under ``value``, each with its context: the path of field names,
    ids (or positions from 1 for items without one) and mapping keys."""
    if isinstance(value, str) and kind and value.strip():
        text = value.strip()
        notes, links = signature(text, kind)
        out.append(Unit("/".join(ctx), text, path, kind, notes, links))
        return
    for child in children(value, kind=kind):
        if child.field in NOT_TRANSLATED:
            continue
        if child.field is not None:
            label, child_kind = child.field, child.kind or (
                "plain" if child.field in PLAIN_TRANSLATABLE else None)
        elif isinstance(child.key, int):
            item_id = getattr(child.value, "id", None) if isinstance(child.value, BaseModel) else None
            label, child_kind = str(item_id or child.key + 1), kind
        else:
            label, child_kind = str(child.key), kind
        _collect(child.value, path + (child.key,), ctx + (label,), child_kind, out)


def signature(text: str, kind: str) -> tuple[tuple, tuple]:
    """What a translation must keep: the keys cited by each note in order, and link targets."""
    if kind == "plain":
        return (), ()
    rich, _ = parse(text, block=kind == "block")
    notes = []
    for part in rich:
        if isinstance(part, NoteMark):
            keys = [c.key for c in part.cites]
            keys += [c.key for inner in part.text if isinstance(inner, InlineCites) for c in inner.cites]
            notes.append(tuple(keys))
    return tuple(notes), tuple(sorted(_links(text, kind == "block")))


def _links(text: str, block: bool) -> list[str]:
    from communique.content.markup import _markdown

    md = _markdown()
    tokens = md.parse(text) if block else md.parseInline(text)
    found = []
    for token in tokens:
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                found.append(str(child.attrGet("href") or ""))
    return found


def same_text(a: str, b: str) -> bool:
    """Equal but for line wrapping and spaces inside paragraphs (a re-wrapped YAML block)."""
    def norm(s: str) -> list[str]:
        return [" ".join(p.split()) for p in _PARAGRAPHS.split(s.strip())]
    return norm(a) == norm(b)


# -- files ----------------------------------------------------------------------------------

MAX_PO_BYTES = 20 * 1024 * 1024  # a statement's PO file is tens of kB


def po_path(folder: Path, lang: str) -> Path:
    return folder / I18N_DIR / f"{lang}.po"


def po_languages(folder: Path) -> list[str]:
    """Languages with a PO file in ``<statement folder>/i18n/``."""
    directory = folder / I18N_DIR
    return sorted(p.stem for p in directory.glob("*.po") if p.is_file()) if directory.is_dir() else []


def _plural_forms(lang: str) -> str:
    from babel.messages.plurals import get_plural

    try:
        return str(get_plural(lang.replace("-", "_")))
    except (ValueError, KeyError):
        return "nplurals=2; plural=(n != 1);"


def read_po_text(path: Path, display: str, root: Path) -> str:
    """A PO file's text, read by the sandbox's rule: inside ``root`` once symlinks are followed
    (a translation from elsewhere could pull in any file), a regular file, capped; else a
    ContentError at the file."""
    from communique.sandbox import Refused, contained, read_file

    try:
        raw = read_file(contained(path, [root], name="PO file"), MAX_PO_BYTES, name="PO file")
    except Refused as exc:
        raise ContentError([Problem(display, 0, 0, str(exc))]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(display, 0, 0, f"PO file is not valid UTF-8 ({exc.reason})")]) from None


def read_po(path: Path, display: str, root: Path, text: str | None = None) -> polib.POFile:
    """Parse a PO file (``text``, when it was read already); raise ContentError with its
    location when it cannot be read or is malformed."""
    if text is None:
        text = read_po_text(path, display, root)
    problems = syntax_problems(text, display)
    if problems:
        raise ContentError(problems)
    try:
        po = polib.pofile(text, wrapwidth=78)
    except (OSError, ValueError) as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else 0
        detail = re.sub(r"\s*\(line \d+\)", "", str(exc)).replace(" in po file", "")
        raise ContentError([Problem(display, line, 1 if line else 0,
                                    f"invalid PO file: {detail.strip().lower()}")]) from None
    po.fpath = str(path)
    problems = []
    seen: dict[str, polib.POEntry] = {}
    for entry in po:
        if entry.obsolete:
            continue
        key = entry.msgctxt or ""
        if key in seen:
            problems.append(Problem(display, entry.linenum, 1,
                                    f"a second entry for '{key}' (the first is at line "
                                    f"{seen[key].linenum}); remove one"))
        seen[key] = entry
    if problems:
        raise ContentError(problems)
    return po


def _header(lang: str, slug: str, old: polib.POFile | None, source_lang: str) -> dict[str, str]:
    kept = dict(old.metadata) if old is not None else {}
    header = {
        "Project-Id-Version": kept.get("Project-Id-Version", slug),
        "Report-Msgid-Bugs-To": kept.get("Report-Msgid-Bugs-To", ""),
        "PO-Revision-Date": kept.get("PO-Revision-Date",
                                     dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000")),
        "Last-Translator": kept.get("Last-Translator", ""),
        "Language-Team": kept.get("Language-Team", loc.name(lang)),
        "Language": lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": kept.get("Plural-Forms", _plural_forms(lang)),
        "X-Generator": "communique",
        "X-Source-Language": source_lang,
        "X-Poedit-Basepath": "..",
    }
    for key, value in kept.items():  # whatever a translator's tool added
        header.setdefault(key, value)
    return header


# -- merging --------------------------------------------------------------------------------

@dataclass
class Merged:
    """What ``update`` did to one PO file."""

    path: Path
    created: bool = False
    written: bool = False
    added: list[str] = field(default_factory=list)  # new units
    fuzzy: list[str] = field(default_factory=list)  # source changed: old translation kept, fuzzy
    moved: list[str] = field(default_factory=list)  # found by their text under a new context
    obsolete: list[str] = field(default_factory=list)  # no longer in the source


def _entry(unit: Unit, occurrence: tuple[str, str]) -> polib.POEntry:
    comment = KIND_COMMENTS[unit.kind]
    cited = [_note_text(note) for note in unit.notes if note]
    if cited:  # one a line: a PO editor's wrapping must not split an id at its hyphens
        comment += "\nKeep these citations, in this order:\n" + "\n".join(cited)
    if unit.links:
        comment += "\nKeep these link targets:\n" + "\n".join(unit.links)
    return polib.POEntry(msgctxt=unit.context, msgid=unit.text, msgstr="", comment=comment,
                         occurrences=[occurrence])


def merge(new_units: list[Unit], old: polib.POFile | None, *, lang: str, slug: str,
          source_lang: str, lines: dict[tuple, int], result: Merged) -> polib.POFile:
    """A PO file for ``new_units`` that keeps every translation of ``old`` (see module doc)."""
    po = polib.POFile(wrapwidth=78, encoding="utf-8", check_for_duplicates=False)
    po.header = (f"{loc.name(lang)} translation of {slug}/statement.yaml.\n"
                 "Updated by 'communique translate'; translate in Poedit, Weblate or any PO editor.\n"
                 "Keep every citation such as [@source-id] exactly as it is.")
    po.metadata = _header(lang, slug, old, source_lang)
    old_entries = list(old) if old is not None else []  # obsolete entries included
    by_context: dict[str, polib.POEntry] = {}
    for e in old_entries:
        if e.msgctxt is not None and (e.msgctxt not in by_context or by_context[e.msgctxt].obsolete):
            by_context[e.msgctxt] = e
    claimed: set[int] = set()
    chosen: dict[str, tuple[polib.POEntry, str]] = {}  # context -> (old entry, how)

    # 1. the same context with the same text
    for unit in new_units:
        e = by_context.get(unit.context)
        if e is not None and same_text(e.msgid, unit.text):
            chosen[unit.context] = (e, "same")
            claimed.add(id(e))
    # 2. the same text in a field of the same name, not yet claimed: a moved or reordered item
    for unit in new_units:
        if unit.context in chosen:
            continue
        candidates = [e for e in old_entries if id(e) not in claimed and e.msgstr
                      and same_text(e.msgid, unit.text) and _field_of(e.msgctxt) == unit.field_name]
        if candidates:
            candidates.sort(key=lambda e: (e.obsolete, "fuzzy" in e.flags))
            chosen[unit.context] = (candidates[0], "moved")
            claimed.add(id(candidates[0]))
    # 3. the same context with other text: the source changed
    for unit in new_units:
        e = by_context.get(unit.context)
        if unit.context not in chosen and e is not None and id(e) not in claimed:
            chosen[unit.context] = (e, "changed")
            claimed.add(id(e))

    for unit in new_units:
        entry = _entry(unit, ("statement.yaml", str(lines.get(unit.path, 0))))
        old_entry, how = chosen.get(unit.context, (None, "new"))
        if old_entry is None:
            result.added.append(unit.context)
        if old_entry is None or not old_entry.msgstr:
            entry.tcomment = old_entry.tcomment if old_entry is not None else ""
            po.append(entry)
            continue
        entry.msgstr = old_entry.msgstr
        entry.tcomment = old_entry.tcomment
        was_fuzzy = "fuzzy" in old_entry.flags
        if how == "changed" or was_fuzzy:
            entry.flags = ["fuzzy"]
            # the translation was made for the oldest text still recorded
            entry.previous_msgid = (old_entry.previous_msgid if was_fuzzy and old_entry.previous_msgid
                                    else old_entry.msgid)
            if how == "changed" and not was_fuzzy:
                result.fuzzy.append(unit.context)
        if how == "moved":
            result.moved.append(unit.context)
        po.append(entry)

    for e in old_entries:  # nothing translated is ever dropped
        if id(e) in claimed or not e.msgstr:
            continue
        gone = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, obsolete=True,
                             flags=list(e.flags), tcomment=e.tcomment)
        if not e.obsolete and e.msgctxt:
            result.obsolete.append(e.msgctxt)
        po.append(gone)
    return po


def _field_of(context: str | None) -> str:
    parts = (context or "").split("/")
    while parts and (parts[-1].isdigit() or parts[-1].endswith("+")):
        parts.pop()
    return parts[-1] if parts else ""


def update(doc: Document, lang: str, display, *, create: bool = True,
           root: Path | None = None) -> Merged:
    """Create or update ``<statement folder>/i18n/<lang>.po`` from the source statement.

    The PO file must lie inside ``root``, the workspace (by default the statement's folder).
    """
    from communique.files import write_atomic

    folder = doc.located.path.parent
    path = po_path(folder, lang)
    result = Merged(path, created=not path.is_file())
    if lang.replace("-", "_").lower() == doc.statement.lang.replace("-", "_").lower():
        raise ContentError([Problem(display(doc.located.path), 0, 0,
                                    f"'{lang}' is the statement's own language: it needs no "
                                    "translation file")])
    if not loc.known(lang):
        raise ContentError([Problem(display(path), 0, 0, f"unknown language code '{lang}'")])
    there = path.exists() or path.is_symlink()  # a symlink is checked, never replaced unread
    old = read_po(path, display(path), root or folder) if there else None
    if old is None and not create:
        return result
    found = units(doc.statement)
    lines = {u.path: doc.located.position(u.path)[0] for u in found}
    po = merge(found, old, lang=lang, slug=folder.name, source_lang=doc.statement.lang,
               lines=lines, result=result)
    text = str(po) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text.encode("utf-8"))
        result.written = True
    return result


# -- applying -------------------------------------------------------------------------------

STATES = ("translated", "fuzzy", "untranslated", "outdated", "invalid", "missing")


@dataclass
class UnitState:
    unit: Unit
    state: str  # one of STATES
    entry: polib.POEntry | None = None
    problems: list[Problem] = field(default_factory=list)  # why it falls back

    @property
    def where(self) -> str:
        """Where to look: ``path:line`` of the first problem's location."""
        if not self.problems:
            return ""
        p = self.problems[0]
        return f"{p.path}:{p.line}" if p.line else p.path


@dataclass
class Translation:
    """A statement's PO file for one language, checked against the current source."""

    lang: str
    path: Path
    display: str
    states: list[UnitState] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # not tied to one unit
    unused: list[polib.POEntry] = field(default_factory=list)  # entries for no current unit
    text: str = ""  # the file as read (for locating problems found later), empty if none

    @property
    def fallbacks(self) -> list[UnitState]:
        return [s for s in self.states if s.state != "translated"]

    def count(self, state: str) -> int:
        return sum(1 for s in self.states if s.state == state)


class _Positions:
    """Line and column in the PO file of each character of an entry's msgstr."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def msgstr_line(self, entry: polib.POEntry) -> int:
        i = max(entry.linenum - 1, 0)
        while i < len(self.lines) and not self.lines[i].startswith("msgstr"):
            i += 1
        return i + 1 if i < len(self.lines) else entry.linenum

    def of(self, entry: polib.POEntry, offset: int) -> tuple[int, int]:
        positions: list[tuple[int, int]] = []
        i = self.msgstr_line(entry) - 1
        first = True
        while i < len(self.lines):
            line = self.lines[i]
            if not (line.startswith("msgstr") if first else line.lstrip().startswith('"')):
                break
            j = line.find('"') + 1
            while 0 < j < len(line) and line[j] != '"':
                positions.append((i + 1, j + 1))
                j += 2 if line[j] == "\\" else 1
            first = False
            i += 1
        if 0 <= offset < len(positions):
            return positions[offset]
        return self.msgstr_line(entry), 1


def read(doc: Document, lang: str, path: Path, display: str, *, severity: str = "warning",
         found: list[Unit] | None = None, root: Path | None = None) -> Translation:
    """Check a PO file against the source: the state of every unit and why any falls back.

    Raises ContentError when the file cannot be used at all (malformed, unknown language, or
    refused by the sandbox: outside ``root``, the workspace, by default the statement's folder).
    """
    if not loc.known(lang):
        raise ContentError([Problem(display, 0, 0, f"'{lang}' is not a language code Babel knows: "
                                    "name the file after one (ru.po, hy.po, az.po, ar.po)")])
    text = read_po_text(path, display, root or doc.located.path.parent)
    po = read_po(path, display, root or doc.located.path.parent, text)
    positions = _Positions(text)
    translation = Translation(lang, path, display, text=text)
    declared = po.metadata.get("Language", "").strip()
    if declared and declared.replace("-", "_").lower() != lang.replace("-", "_").lower():
        translation.problems.append(Problem(display, 0, 0, f"the file's Language header says "
                                            f"'{declared}' but its name says '{lang}'", "warning"))
    entries = {e.msgctxt: e for e in po if not e.obsolete and e.msgctxt is not None}
    source = loc.name(doc.statement.lang)
    slug = doc.located.path.parent.name
    found = units(doc.statement) if found is None else found
    for unit in found:
        entry = entries.pop(unit.context, None)
        state = UnitState(unit, "translated", entry)
        translation.states.append(state)
        fallback = f"the {source} text is printed instead"
        if entry is None:
            state.state = "missing"
            state.problems.append(Problem(display, 0, 0, f"'{unit.context}' is not in the translation "
                                          f"file (run 'communique translate {slug}'): {fallback}", severity))
            continue
        line = positions.msgstr_line(entry)
        if not entry.msgstr.strip():
            state.state = "untranslated"
            state.problems.append(Problem(display, line, 1, f"'{unit.context}' is not translated: "
                                          f"{fallback}", severity))
        elif "fuzzy" in entry.flags:
            state.state = "fuzzy"
            state.problems.append(Problem(display, line, 1, f"'{unit.context}' is marked fuzzy (its "
                                          f"source text changed; review it and remove the flag): "
                                          f"{fallback}", severity))
        elif not same_text(entry.msgid, unit.text):
            state.state = "outdated"
            state.problems.append(Problem(display, line, 1, f"'{unit.context}' was translated from "
                                          f"another source text (run 'communique translate {slug}' "
                                          f"and review it): {fallback}", severity))
        else:
            for offset, message in check(unit, entry.msgstr):
                at = positions.of(entry, offset)
                state.problems.append(Problem(display, at[0], at[1],
                                              f"'{unit.context}': {message}: {fallback}", severity))
            if state.problems:
                state.state = "invalid"
            invisible = hidden(entry.msgstr)
            if invisible:
                at = positions.of(entry, invisible[0])
                translation.problems.append(Problem(display, at[0], at[1],
                                                    f"'{unit.context}': {invisible[1]}", "warning"))
            for offset in loc.foreign_digits(entry.msgstr):
                at = positions.of(entry, offset)
                translation.problems.append(Problem(
                    display, at[0], at[1], f"'{unit.context}': digit '{entry.msgstr[offset]}' is "
                    "not a Western digit; editions print 0-9 throughout (dates, figures, note "
                    "numbers)", "warning"))
    translation.unused = list(entries.values())
    return translation


def check(unit: Unit, text: str) -> list[tuple[int, str]]:
    """Why a translation cannot stand in for its unit: (offset in the text, message)."""
    if unit.kind == "plain":
        return []
    rich, markup_problems = parse(text, block=unit.kind == "block")
    problems = [(p.offset, p.message) for p in markup_problems]
    notes, links = signature(text, unit.kind)
    if notes != unit.notes:
        problems.append(_citation_problem(unit.notes, notes, rich))
    missing = _figures(unit.text) - _figures(text)
    if missing:
        figure = next(iter(missing))
        problems.append((0, f"the translation drops the figure {figure} (or changes it): figures "
                         "must read the same in every edition, in any digits"))
    if links != unit.links:
        for href in sorted(set(unit.links) - set(links)):
            problems.append((0, f"the translation drops the link to '{href}'"))
        for href in sorted(set(links) - set(unit.links)):
            problems.append((max(text.find(href), 0), f"the translation links to '{href}', "
                             "which the source text does not"))
    return problems


_NOT_PROSE = re.compile(rf"@{KEY}|\]\([^)\s]*|<[^>\s]*>|https?://\S+")
# A figure, with its thousands separators; not one with letters attached ("the 1990s", "27th"),
# which a translation may well write in words.
_FIGURE = re.compile("(?<![^\\W_])\\d+(?:[,.\u00a0\u202f\u2009\u066c' ]\\d{3})*(?![^\\W_])")


def _figures(text: str) -> Counter:
    """The numbers a text states (not those of citation keys or link targets), as values:
    "1,000", "1 000", "1000" and "١٠٠٠" state the same figure."""
    return Counter(int(re.sub(r"\D", "", m.group()))
                   for m in _FIGURE.finditer(_NOT_PROSE.sub(" ", text)))


def _citation_problem(expected: tuple, got: tuple, rich) -> tuple[int, str]:
    want = [k for note in expected for k in note]
    have = [k for note in got for k in note]
    offsets = {}
    for part in rich:
        if isinstance(part, NoteMark):
            for c in part.cites:
                offsets.setdefault(c.key, part.offset)
            for inner in part.text:
                if isinstance(inner, InlineCites):
                    for c in inner.cites:
                        offsets.setdefault(c.key, part.offset)
    dropped = [k for k in dict.fromkeys(want) if want.count(k) > have.count(k)]
    added = [k for k in dict.fromkeys(have) if have.count(k) > want.count(k)]
    if dropped and added:  # most likely a misspelt id
        return offsets.get(added[0], 0), (f"the translation cites [@{added[0]}] where the source "
                                          f"text cites [@{dropped[0]}]")
    if dropped:
        return 0, f"the translation drops the citation [@{dropped[0]}]"
    if added:
        return offsets.get(added[0], 0), (f"the translation cites [@{added[0]}], which the source "
                                          "text does not")
    shown = " ".join(_note_text(n) for n in expected)
    if len(expected) != len(got):
        return 0, (f"the translation has {len(got)} note(s) where the source text has "
                   f"{len(expected)} ({shown})")
    return 0, (f"the translation has the citations in another order or grouping than the source "
               f"({shown}); note numbers must be the same in every edition")


def _note_text(note: tuple) -> str:
    return "[" + "; ".join(f"@{k}" for k in note) + "]"


# -- the translated document ----------------------------------------------------------------

def document(doc: Document, translation: Translation,
             severity: str = "warning") -> tuple[Document, list[Problem]]:
    """The statement with every usable translation in place, other units in the source language.

    The source is parsed once; translations replace field strings before Markdown parsing, so
    each edition numbers its notes from its own text.
    """
    data = copy.deepcopy(doc.located.data)
    accepted = {s.unit.path: s for s in translation.states if s.state == "translated"}
    for path, state in accepted.items():
        _set(data, path, state.entry.msgstr)
    data["lang"] = translation.lang
    model = type(doc.statement)
    positions = _Positions(translation.text) if translation.text else None
    for _ in range(len(accepted) + 1):
        try:
            statement = model.model_validate(data)
            break
        except ValidationError as exc:
            fixed = False
            for err in exc.errors():
                state = _state_at(accepted, tuple(err["loc"]))
                if state is None:
                    continue
                line = positions.msgstr_line(state.entry) if positions else 0
                state.state = "invalid"
                state.problems.append(Problem(translation.display, line, 1 if line else 0,
                                              f"'{state.unit.context}': {err['msg']}: the "
                                              f"{loc.name(doc.statement.lang)} text is printed instead",
                                              severity))
                _set(data, state.unit.path, doc.located.get(state.unit.path))
                del accepted[state.unit.path]
                fixed = True
            if not fixed:
                raise
    edition, problems = build_document(statement, doc.located, doc.citations)  # same style, same sources
    wrapper = (doc.statement.lang, loc.direction(doc.statement.lang))
    for state in translation.fallbacks:
        _wrap(edition.view, state.unit, *wrapper)
    return edition, problems


def _state_at(accepted: dict, loc_path: tuple) -> UnitState | None:
    for length in range(len(loc_path), 0, -1):
        if loc_path[:length] in accepted:
            return accepted[loc_path[:length]]
    return None


def _set(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _wrap(view: Any, unit: Unit, lang: str, direction: str) -> None:
    """Mark a field printed in the source language with that language and direction."""
    parent = view
    for part in unit.path[:-1]:
        parent = parent[part]
    value = parent[unit.path[-1]]
    if not isinstance(value, Rich):
        return
    tag = "div" if unit.kind == "block" else "span"
    attrs = f'lang="{loc.html_lang(lang)}" dir="{direction}" class="untranslated"'
    parent[unit.path[-1]] = Rich((f"<{tag} {attrs}>", *value.parts, f"</{tag}>"))
