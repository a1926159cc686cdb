"""Reading a translation for a build: each unit's state, and the checks a translated text must
pass to be printed (the same citations in the same notes, the same links and figures)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polib

from communique.characters import hidden
from communique.content.markup import KEY, InlineCites, NoteMark, parse
from communique.document import Document
from communique.errors import ContentError, Problem
from communique.i18n import locale as loc
from communique.i18n.content.pofile import read_po, read_po_text
from communique.i18n.content.units import (
    _PARAGRAPHS,
    Unit,
    note_text,
    same_text,
    signature,
    units,
)

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


class Positions:
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
    positions = Positions(text)
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
                                          f"file (run 'communique translate {slug}'): {fallback}", severity,
                                          "missing"))
            continue
        line = positions.msgstr_line(entry)
        if not entry.msgstr.strip():
            state.state = "untranslated"
            state.problems.append(Problem(display, line, 1, f"'{unit.context}' is not translated: "
                                          f"{fallback}", severity, "untranslated"))
        elif "fuzzy" in entry.flags:
            state.state = "fuzzy"
            state.problems.append(Problem(display, line, 1, f"'{unit.context}' is marked fuzzy (its "
                                          f"source text changed; review it and remove the flag): "
                                          f"{fallback}", severity, "fuzzy"))
        elif not same_text(entry.msgid, unit.text):
            state.state = "outdated"
            state.problems.append(Problem(display, line, 1, f"'{unit.context}' was translated from "
                                          f"another source text (run 'communique translate {slug}' "
                                          f"and review it): {fallback}", severity,
                                          "outdated"))
        else:
            for offset, message in check(unit, entry.msgstr):
                at = positions.of(entry, offset)
                state.problems.append(Problem(display, at[0], at[1],
                                              f"'{unit.context}': {message}: {fallback}", severity,
                                              "invalid"))
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
    blank = _PARAGRAPHS.search(text.strip()) if unit.part else None
    if blank:
        problems.append((blank.start(), "the translation of one paragraph has a blank line, so it "
                         "would print as two: translate each paragraph in its own entry"))
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
# which a translation may well write in words, except letters of scripts written without
# spaces, where "9月27日" or "27人" state the figure 27.
_UNSPACED = "\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"
_LETTER = f"[^\\W_{_UNSPACED}]"
_FIGURE = re.compile(f"(?<!{_LETTER})\\d+(?:[,.\u00a0\u202f\u2009\u066c' ]\\d{{3}})*(?!{_LETTER})")


def _figures(text: str) -> Counter:
    """The numbers a text states (not those of citation keys or link targets), as values:
    "1,000", "1 000", "1000" and "١٠٠٠" state the same figure."""
    return Counter(int(re.sub(r"\D", "", m.group()))
                   for m in _FIGURE.finditer(_NOT_PROSE.sub(" ", text)))


def _cite_offsets(rich) -> dict[str, int]:
    """Where each source is first cited in a parsed text: the offset of its note."""
    offsets: dict[str, int] = {}
    for part in rich:
        if isinstance(part, NoteMark):
            inline = [c for inner in part.text if isinstance(inner, InlineCites) for c in inner.cites]
            for c in (*part.cites, *inline):
                offsets.setdefault(c.key, part.offset)
    return offsets


def _citation_problem(expected: tuple, got: tuple, rich) -> tuple[int, str]:
    want = [k for note in expected for k in note]
    have = [k for note in got for k in note]
    offsets = _cite_offsets(rich)
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
    shown = " ".join(note_text(n) for n in expected)
    if len(expected) != len(got):
        return 0, (f"the translation has {len(got)} note(s) where the source text has "
                   f"{len(expected)} ({shown})")
    return 0, (f"the translation has the citations in another order or grouping than the source "
               f"({shown}); note numbers must be the same in every edition")

