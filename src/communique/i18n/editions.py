"""The editions of a statement and, for each translated one, the document the build renders.

A statement is built in its own language, in every language of the workspace's ``languages``
setting, and in every language it has a PO file for. A translated edition prints each unit's
translation when it can be trusted and the source text otherwise (reported, and an error with
``strict``); such an edition is marked as having fallbacks, which templates show as a draft.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from communique.document import Document
from communique.errors import ContentError, Problem
from communique.i18n import content
from communique.i18n import locale as loc
from communique.workspace import Workspace

# The WeasyPrint warning for a character no font has: the PDF would show a box (tofu).
MISSING_GLYPH = ".notdef glyph"


def same_language(a: str, b: str) -> bool:
    return a.replace("-", "_").lower() == b.replace("-", "_").lower()


def languages(doc: Document, workspace: Workspace) -> list[str]:
    """The languages a statement is built in: its own first, then the workspace's, then any
    other it has a translation file for."""
    langs = [doc.statement.lang]
    wanted = list(getattr(workspace.settings, "languages", []) or [])
    for lang in [*wanted, *content.po_languages(doc.located.path.parent)]:
        if not any(same_language(lang, known) for known in langs):
            langs.append(lang)
    return langs


@dataclass
class Prepared:
    """A translated edition ready to render, or None with the problems that stopped it."""

    doc: Document | None
    problems: list[Problem] = field(default_factory=list)
    fallback: bool = False  # some text is printed in the source language
    translation: content.Translation | None = None


def prepare(doc: Document, workspace: Workspace, lang: str, *, strict: bool = False) -> Prepared:
    """The document of ``doc``'s edition in ``lang`` (``doc`` itself for its own language)."""
    if same_language(lang, doc.statement.lang):
        return Prepared(doc)
    severity = "error" if strict else "warning"
    folder = doc.located.path.parent
    path = content.po_path(folder, lang)
    display = workspace.display(path)
    if not loc.known(lang):
        return Prepared(None, [Problem(display, 0, 0, f"'{lang}' is not a language code Babel knows "
                                       "(check the file name and the 'languages' setting)")])
    found = content.units(doc.statement)
    if path.exists() or path.is_symlink():  # read, so a FIFO or a symlink out is reported
        try:
            translation = content.read(doc, lang, path, display, severity=severity, found=found,
                                       root=workspace.root)
        except ContentError as exc:
            return Prepared(None, exc.problems)
        problems = list(translation.problems)
    else:  # a language the workspace publishes in, not translated yet
        translation = content.Translation(lang, path, display,
                                          [content.UnitState(u, "missing") for u in found])
        slug = folder.name
        problems = [Problem(display, 0, 0, f"no translation file for {loc.name(lang)} ({lang}): "
                            f"the statement is printed in {loc.name(doc.statement.lang)} "
                            f"(start one with 'communique translate {slug} --lang {lang}')",
                            severity)]
    try:
        edition, more = content.document(doc, translation, severity)
    except ValueError as exc:  # a translation the schema refuses in a way no unit explains
        return Prepared(None, problems + [Problem(display, 0, 0, f"cannot use this translation: {exc}")],
                        translation=translation)
    for state in translation.states:
        problems += state.problems
    problems += term_problems(doc, workspace, translation, severity)
    problems += [p for p in more if p.is_error]
    fallback = bool(translation.fallbacks)
    if any(p.is_error for p in problems):
        return Prepared(None, problems, fallback, translation)
    return Prepared(edition, problems, fallback, translation)


def term_problems(doc: Document, workspace: Workspace, translation: content.Translation,
                  severity: str) -> list[Problem]:
    """The workspace termbase's findings in a translation (see :mod:`.content.terms`): a
    warning, an error when ``severity`` says so, like every other finding in a translation; a
    termbase that cannot be read is reported the same way, and checks nothing."""
    from communique.i18n.content import terms

    try:
        termbase = terms.load(workspace.root, workspace.display)
    except ContentError as exc:
        return [dataclasses.replace(p, severity=severity) for p in exc.problems]
    if termbase is None or not translation.text:
        return []
    return terms.check(termbase, translation, doc.statement.lang, severity)


_MISSING_CHAR = re.compile(r"\(U\+([0-9A-Fa-f]{4,6})\)")
MAX_TEXT_BYTES = 20 * 1024 * 1024  # as for reading a PO file or a statement


def glyph_problems(messages: list[str], lang: str,
                   sources: list[tuple[Path, str]]) -> tuple[list[Problem], list[str]]:
    """WeasyPrint's warnings split into characters no font has, as one error per character
    set (40 Chinese characters are one problem, not 40), and the other warnings.

    Each error is located where the first of its characters is written: in ``sources`` (path,
    display), the edition's translation first, then the statement and the catalogs of template
    strings; it names the [fonts] setting and the Debian package with a font for them.
    """
    missing: dict[loc.CharacterSet, list[str]] = {}
    rest = []
    for message in messages:
        found = _MISSING_CHAR.search(message) if MISSING_GLYPH in message else None
        if found is None:
            rest.append(message)
            continue
        char = chr(int(found.group(1), 16))
        chars = missing.setdefault(loc.character_set(char), [])
        if char not in chars:
            chars.append(char)
    problems = []
    for charset, chars in missing.items():
        shown = ", ".join(f"{c} U+{ord(c):04X}" for c in chars[:5])
        shown += f" and {len(chars) - 5} more" if len(chars) > 5 else ""
        count = f"{len(chars)} {charset.label} character{'s' if len(chars) > 1 else ''}"
        if charset.package:
            advice = f"install Debian's {charset.package}"
            advice += (f", or name a font that has them in [fonts] {charset.setting} of "
                       f"communique.toml" if charset.setting else
                       ", or name a font that has them in [fonts] fallback of communique.toml")
        elif charset.label == "unassigned":
            advice = "these are not characters Unicode assigns, so no font can draw them"
        else:
            advice = "install a font for them, or name one in [fonts] fallback of communique.toml"
        path, line, column = _first_written(chars, sources)
        problems.append(Problem(path, line, column,
                                f"PDF ({lang}): no font has a glyph for {count} ({shown}): "
                                f"{advice}; the web page is written, the PDF is not"))
    return problems, rest


def _first_written(chars: list[str], sources: list[tuple[Path, str]]) -> tuple[str, int, int]:
    """The first place one of ``chars`` is written in ``sources``: (display, line, column)."""
    for path, display in sources:
        try:
            if path.stat().st_size > MAX_TEXT_BYTES:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        offsets = [i for i in (text.find(c) for c in chars) if i >= 0]
        if offsets:
            offset = min(offsets)
            line = text.count("\n", 0, offset) + 1
            return display, line, offset - (text.rfind("\n", 0, offset) + 1) + 1
    return (sources[0][1] if sources else "", 0, 0)


def pdf_problem(where: str, lang: str, message: str) -> Problem:
    """A WeasyPrint warning as a problem: a missing glyph is an error (the PDF would show tofu)."""
    if MISSING_GLYPH in message:
        return Problem(where, 0, 0, f"PDF ({lang}): no font has a glyph for a character: {message}; "
                       "install a font for it or add one to the [fonts] settings")
    return Problem(where, 0, 0, f"PDF ({lang}): {message}", "warning")


# -- status ---------------------------------------------------------------------------------

@dataclass
class LanguageStatus:
    """How far one language of a statement is translated."""

    lang: str
    units: int
    states: list[content.UnitState] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the file could not be read
    remembered: int = 0  # units the translation memory filled (exact matches)
    suggested: int = 0  # units the translation memory gave a suggestion

    def count(self, *states: str) -> int:
        return sum(1 for s in self.states if s.state in states)

    def summary(self) -> str:
        if self.problems and not self.states:
            return "cannot be read"
        parts = [f"{self.count('translated')} translated", f"{self.count('fuzzy')} fuzzy",
                 f"{self.count('untranslated', 'missing')} missing"]
        if self.count("outdated"):
            parts.append(f"{self.count('outdated')} outdated (run 'communique translate')")
        if self.count("invalid"):
            parts.append(f"{self.count('invalid')} invalid")
        if self.remembered or self.suggested:
            parts.append(f"translation memory: {self.remembered} filled, {self.suggested} suggested")
        return ", ".join(parts)


def status(doc: Document, workspace: Workspace) -> list[LanguageStatus]:
    """The statement's own language first, then each translation's state unit by unit."""
    from communique.i18n.content import memory

    found = content.units(doc.statement)
    rows = [LanguageStatus(doc.statement.lang, len(found))]
    folder = doc.located.path.parent
    for lang in languages(doc, workspace)[1:]:
        row = LanguageStatus(lang, len(found))
        path = content.po_path(folder, lang)
        if not (path.exists() or path.is_symlink()):
            row.states = [content.UnitState(u, "missing") for u in found]
        else:
            try:
                translation = content.read(doc, lang, path, workspace.display(path), found=found,
                                           root=workspace.root)
                row.states = translation.states
                row.remembered, row.suggested = memory.counted([s.entry for s in translation.states])
            except ContentError as exc:
                row.problems = exc.problems
        rows.append(row)
    return rows


def template_status(workspace: Workspace, langs: list[str]) -> list[str]:
    """``ru 45/45`` for each language: template strings translated out of those extracted."""
    from communique.i18n import ui

    wanted: set = set()
    for origin in ("builtin", "workspace"):
        pot = ui.locale_dir(workspace, origin) / f"{ui.DOMAIN}.pot"
        if pot.is_file():
            catalog, _ = ui.read_catalog(pot, workspace.display(pot),
                                         root=ui.catalog_root(workspace, origin))
            if catalog is not None:
                wanted |= {(m.context, m.id[0] if isinstance(m.id, (list, tuple)) else m.id)
                           for m in catalog if m.id}
    if not wanted:
        return []
    out = []
    for lang in langs:
        if ui._candidates(lang)[-1] == ui.SOURCE_LANGUAGE or not loc.known(lang):
            continue
        strings, _ = ui.load(workspace, lang)
        done = sum(1 for key in wanted if key in strings.messages)
        out.append(f"{lang} {done}/{len(wanted)}")
    return out
