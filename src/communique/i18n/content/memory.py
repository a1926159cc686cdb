"""Translation memory across the statements of a workspace, and its TMX export for agencies.

The same boilerplate paragraphs appear in statement after statement. When ``communique
translate`` makes or updates a PO file, a unit not translated yet whose source text (normalised:
line wrapping and spacing aside) was translated in another statement's PO file of the same
language, reviewed (not fuzzy), is prefilled:

- an exact match gets that translation, **fuzzy** (never final: the context may differ, and a
  person must read it before it is printed), with a translator comment naming the PO file and
  line it came from;
- a close match (at least 85 % similar, difflib's ratio) gets no translation, only a translator
  comment with the other source text and its translation, as a suggestion.

These comments begin with a line starting ``memory:`` and come last in the translator comment,
so a later run replaces them and the translator's own comments are kept. ``communique status`` counts them.

``communique translate --tmx FILE`` writes every unit printed translated (reviewed, and passing
the build's checks) of every statement as a TMX 1.4b file, one ``<tu>`` per unit with a ``<tuv>``
per language, through translate-toolkit's TMX store. Its dates are the statements' dates, never
the time of the run: the same workspace gives the same bytes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import polib

from communique.errors import ContentError, Problem
from communique.i18n.content.checks import Positions
from communique.i18n.content.pofile import I18N_DIR, read_po, read_po_text
from communique.i18n.content.units import Unit

MARK = "memory:"
EXACT = f"{MARK} exact match"
CLOSE = f"{MARK} suggestion"
SIMILAR = 0.85  # the least similarity of a close match


def key(text: str) -> str:
    """A source text as the memory compares it: without line wrapping or runs of spaces."""
    return "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n") if p.strip())


@dataclass(frozen=True)
class Memory:
    """A translation of another statement: where it is, what it translates."""

    source: str  # normalised
    target: str
    where: str  # path:line of its msgstr, as shown to the user


@dataclass
class Memories:
    """Every reviewed translation into one language in the workspace's other statements."""

    exact: dict[str, Memory] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # PO files that could not be read

    def closest(self, text: str) -> tuple[Memory, float] | None:
        """The most similar memory of at least :data:`SIMILAR`, if any (ties: the first file)."""
        best: tuple[Memory, float] | None = None
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(text)  # indexed once, compared with every memory
        for memory in self.exact.values():
            matcher.set_seq1(memory.source)
            if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR and (best is None or ratio > best[1]):
                best = (memory, ratio)
        return best


def collect(content_dir: Path, lang: str, own: Path, display, root: Path) -> Memories:
    """The memories of ``lang`` in the PO files of every statement under ``content_dir`` but
    the one in the folder ``own``; files are taken in the order of their statements' slugs, so
    the first statement to have translated a text is the one named."""
    found = Memories()
    for path in sorted(content_dir.glob(f"*/{I18N_DIR}/{lang}.po")):
        if path.parent.parent.resolve() == own.resolve() or path.parent.parent.name.startswith("."):
            continue
        shown = display(path)
        try:
            text = read_po_text(path, shown, root)
            po = read_po(path, shown, root, text)
        except ContentError as exc:
            found.problems += [Problem(p.path, p.line, p.column, f"{p.message} (not used as translation "
                                       "memory)", "warning") for p in exc.problems]
            continue
        positions = Positions(text)
        for entry in po:
            if entry.obsolete or "fuzzy" in entry.flags or not entry.msgstr.strip() or not entry.msgid:
                continue
            normal = key(entry.msgid)
            found.exact.setdefault(normal, Memory(normal, entry.msgstr,
                                                  f"{shown}:{positions.msgstr_line(entry)}"))
    return found


def _without_memory(comment: str) -> str:
    """A translator comment without the lines an earlier run of the memory wrote (they come last)."""
    lines = comment.split("\n") if comment else []
    for i, line in enumerate(lines):
        if line.startswith(MARK):
            lines = lines[:i]
            break
    return "\n".join(lines)


def prefill(po: polib.POFile, found: list[Unit], memories: Memories) -> tuple[list[str], list[str]]:
    """Fill the untranslated entries of ``po`` from ``memories`` (see the module doc); the
    contexts filled with an exact match, and those given a suggestion."""
    contexts = {u.context: u for u in found}
    exact: list[str] = []
    close: list[str] = []
    for entry in po:
        if entry.obsolete or entry.msgctxt not in contexts or entry.msgstr.strip():
            continue
        mine = _without_memory(entry.tcomment or "")
        text = key(entry.msgid)
        hit = memories.exact.get(text)
        if hit is not None:
            entry.msgstr = hit.target
            entry.flags = ["fuzzy"]
            # the place on a line of its own: a PO editor's wrapping must not split it at a hyphen
            note = f"{EXACT} (review it, then remove the fuzzy flag), from\n{hit.where}"
            exact.append(entry.msgctxt)
        else:
            near = memories.closest(text)
            if near is None:
                entry.tcomment = mine
                continue
            memory, ratio = near
            note = (f"{CLOSE}, {int(ratio * 100)}% similar, from\n{memory.where}\n"
                    f"its source: {memory.source}\nits translation: {memory.target}")
            close.append(entry.msgctxt)
        entry.tcomment = f"{mine}\n{note}" if mine else note
    return exact, close


def counted(entries: list[polib.POEntry | None]) -> tuple[int, int]:
    """How many of the entries the memory filled (exact matches) and gave a suggestion."""
    comments = [e.tcomment or "" for e in entries if e is not None]
    return (sum(1 for c in comments if f"\n{EXACT}" in f"\n{c}"),
            sum(1 for c in comments if f"\n{CLOSE}" in f"\n{c}"))


# -- TMX -------------------------------------------------------------------------------------

@dataclass
class TmxUnit:
    """One unit of one statement: its source text and its reviewed translations."""

    id: str  # <slug>/<msgctxt>
    source: str
    targets: dict[str, str]  # by language
    date: str  # the statement's date, YYYYMMDD


def tmx(units: list[TmxUnit], source_lang: str, version: str) -> bytes:
    """A TMX 1.4b document of ``units``, in their order, languages sorted: reproducible."""
    from lxml import etree
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=source_lang)
    for unit in units:
        tu = store.addsourceunit(unit.source, source_lang)
        for lang in sorted(unit.targets):
            tu.settarget(unit.targets[lang], lang, append=True)
        tu.setcontext(unit.id)
        tu.xmlelement.set("tuid", unit.id)
        tu.xmlelement.set("creationdate", f"{unit.date}T000000Z")
    header = store.document.getroot().find(store.namespaced("header"))
    header.set("segtype", "paragraph")  # a unit is a paragraph, a heading or a list item
    header.set("creationtool", "communique")
    header.set("creationtoolversion", version)
    if units:
        header.set("creationdate", f"{max(u.date for u in units)}T000000Z")
    return etree.tostring(store.document, xml_declaration=True, encoding="utf-8", pretty_print=True)
