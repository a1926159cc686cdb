"""A statement's PO files: where they are, how they are read (through the sandbox), and how a
change of the source is merged into them without losing a translation."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from communique.document import Document
from communique.errors import ContentError, Problem
from communique.i18n import locale as loc
from communique.i18n.content.units import (
                                            _PARAGRAPHS,
                                            KIND_COMMENTS,
                                            Unit,
                                            flatten,
                                            note_text,
                                            paragraphs,
                                            same_text,
                                            units,
)
from communique.i18n.po import syntax_problems

I18N_DIR = "i18n"


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
    split: list[str] = field(default_factory=list)  # one entry a field, now one a paragraph
    uncertain: list[str] = field(default_factory=list)  # split, but fuzzy: not paragraph for paragraph
    remembered: list[str] = field(default_factory=list)  # prefilled from another statement, fuzzy
    suggested: list[str] = field(default_factory=list)  # a close match suggested in a comment
    problems: list[Problem] = field(default_factory=list)  # other PO files the memory could not read


def _entry(unit: Unit, occurrence: tuple[str, str]) -> polib.POEntry:
    comment = KIND_COMMENTS["paragraph" if unit.part else unit.kind]
    cited = [note_text(note) for note in unit.notes if note]
    if cited:  # one a line: a PO editor's wrapping must not split an id at its hyphens
        comment += "\nKeep these citations, in this order:\n" + "\n".join(cited)
    if unit.links:
        comment += "\nKeep these link targets:\n" + "\n".join(unit.links)
    return polib.POEntry(msgctxt=unit.context, msgid=unit.text, msgstr="", comment=comment,
                         occurrences=[occurrence])


def merge(new_units: list[Unit], old: polib.POFile | None, *, lang: str, slug: str,
          source_lang: str, lines: dict[str, int], result: Merged) -> polib.POFile:
    """A PO file for ``new_units`` that keeps every translation of ``old`` (see module doc)."""
    po = polib.POFile(wrapwidth=78, encoding="utf-8", check_for_duplicates=False)
    po.header = (f"{loc.name(lang)} translation of {slug}/statement.yaml.\n"
                 "Updated by 'communique translate'; translate in Poedit, Weblate or any PO editor.\n"
                 "Keep every citation such as [@source-id] exactly as it is.")
    po.metadata = _header(lang, slug, old, source_lang)
    old_entries = _split_fields(list(old) if old is not None else [], new_units, result)
    chosen = _match(new_units, old_entries)
    claimed = {id(entry) for entry, _ in chosen.values()}
    for unit in new_units:
        po.append(_carried(unit, chosen.get(unit.context), lines, result))
    for e in old_entries:  # nothing translated is ever dropped
        if id(e) in claimed or not e.msgstr:
            continue
        gone = polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, obsolete=True,
                             flags=list(e.flags), tcomment=e.tcomment)
        if not e.obsolete and e.msgctxt:
            result.obsolete.append(e.msgctxt)
        po.append(gone)
    return po


def _match(new_units: list[Unit], old_entries: list[polib.POEntry]
           ) -> dict[str, tuple[polib.POEntry, str]]:
    """For each new unit's context, the old entry whose translation it keeps, and how they
    match: the same context and text ("same"), the same text in a field of the same name
    ("moved": a reordered item), or the same context with other text ("changed")."""
    by_context: dict[str, polib.POEntry] = {}
    for e in old_entries:
        if e.msgctxt is not None and (e.msgctxt not in by_context or by_context[e.msgctxt].obsolete):
            by_context[e.msgctxt] = e
    claimed: set[int] = set()
    chosen: dict[str, tuple[polib.POEntry, str]] = {}

    def claim(unit: Unit, entry: polib.POEntry, how: str) -> None:
        chosen[unit.context] = (entry, how)
        claimed.add(id(entry))

    for unit in new_units:  # 1. the same context with the same text
        e = by_context.get(unit.context)
        if e is not None and same_text(e.msgid, unit.text):
            claim(unit, e, "same")
    for unit in new_units:  # 2. the same text in a field of the same name, not yet claimed
        if unit.context in chosen:
            continue
        candidates = [e for e in old_entries if id(e) not in claimed and e.msgstr
                      and same_text(e.msgid, unit.text) and _field_of(e.msgctxt) == unit.field_name]
        if candidates:
            claim(unit, min(candidates, key=lambda e: (e.obsolete, "fuzzy" in e.flags)), "moved")
    for unit in new_units:  # 3. the same context with other text: the source changed
        e = by_context.get(unit.context)
        if unit.context not in chosen and e is not None and id(e) not in claimed:
            claim(unit, e, "changed")
    return chosen


def _carried(unit: Unit, match: tuple[polib.POEntry, str] | None, lines: dict[str, int],
             result: Merged) -> polib.POEntry:
    """The entry of ``unit``, with the translation of the old entry it matched: fuzzy, with
    the oldest source text still recorded, when that source changed."""
    entry = _entry(unit, ("statement.yaml", str(lines.get(unit.context, 0))))
    old_entry, how = match if match is not None else (None, "new")
    if old_entry is None:
        result.added.append(unit.context)
    if old_entry is None or not old_entry.msgstr:
        entry.tcomment = old_entry.tcomment if old_entry is not None else ""
        return entry
    entry.msgstr = old_entry.msgstr
    entry.tcomment = old_entry.tcomment
    was_fuzzy = "fuzzy" in old_entry.flags
    if how == "changed" or was_fuzzy:
        entry.flags = ["fuzzy"]
        # the translation was made for the oldest text still recorded (none to record when a
        # fuzzy entry, one the translation memory filled, say, has the very same text)
        if not (how == "same" and was_fuzzy and not old_entry.previous_msgid):
            entry.previous_msgid = (old_entry.previous_msgid if was_fuzzy and old_entry.previous_msgid
                                    else old_entry.msgid)
        if how == "changed" and not was_fuzzy:
            result.fuzzy.append(unit.context)
    if how == "moved":
        result.moved.append(unit.context)
    return entry


def _parts(text: str) -> list[tuple[str, bool]]:
    """A block text's paragraphs, normalised, each with whether it is a list item or quoted."""
    found = paragraphs(text)
    if found is None:
        return [(flatten(p), False) for p in _PARAGRAPHS.split(text.strip()) if p.strip()]
    return [(p.text, bool(p.prefix)) for p in found]


def _split_fields(old_entries: list[polib.POEntry], new_units: list[Unit],
                  result: Merged) -> list[polib.POEntry]:
    """Entries of a PO file from when a block field was one unit, split to match its paragraphs.

    Where the old source, its translation (and the older source a fuzzy entry recorded) have the
    same paragraphs, each paragraph's translation goes to its paragraph's unit in the state the
    entry had: the split is certain. Otherwise each paragraph still gets the translated
    paragraph at its place, marked fuzzy for review, and the whole entry is kept obsolete too.
    """
    contexts = {u.context for u in new_units}
    fields = {u.field_context for u in new_units if u.part}
    out: list[polib.POEntry] = []
    for e in old_entries:
        if e.obsolete or e.msgctxt in contexts or e.msgctxt not in fields or not e.msgstr:
            out.append(e)
            continue
        pieces, certain = _split_entry(e)
        out += pieces
        result.split.append(e.msgctxt)
        if not certain:
            result.uncertain.append(e.msgctxt)
            out.append(polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr,
                                     obsolete=True, flags=list(e.flags), tcomment=e.tcomment))
    return out


def _split_entry(e: polib.POEntry) -> tuple[list[polib.POEntry], bool]:
    """One entry a paragraph of ``e`` (see ``_split_fields``), and whether the split is certain."""
    source, target = _parts(e.msgid), _parts(e.msgstr)
    previous = _parts(e.previous_msgid) if e.previous_msgid else None
    certain = [kind for _, kind in source] == [kind for _, kind in target] and (
        previous is None or len(previous) == len(source))
    pieces = []
    for i, ((text, _), (translated, _)) in enumerate(zip(source, target, strict=False), 1):
        piece = polib.POEntry(msgctxt=f"{e.msgctxt}/{i}", msgid=text, msgstr=translated,
                              tcomment=e.tcomment, flags=list(e.flags) if certain else ["fuzzy"])
        if "fuzzy" in piece.flags:
            piece.previous_msgid = (previous[i - 1][0] if certain and previous else
                                    e.previous_msgid or e.msgid)
        pieces.append(piece)
    return pieces, certain


def _field_of(context: str | None) -> str:
    parts = (context or "").split("/")
    while parts and (parts[-1].isdigit() or parts[-1].endswith("+")):
        parts.pop()
    return parts[-1] if parts else ""


def unit_lines(doc: Document, found: list[Unit]) -> dict[str, int]:
    """The line of statement.yaml where each unit's text starts (a paragraph's own line)."""
    return {u.context: doc.located.position(u.path, offset=u.offset if u.part else None)[0]
            for u in found}


def update(doc: Document, lang: str, display, *, create: bool = True,
           root: Path | None = None, memory: bool = False) -> Merged:
    """Create or update ``<statement folder>/i18n/<lang>.po`` from the source statement.

    The PO file must lie inside ``root``, the workspace (by default the statement's folder).
    With ``memory``, units not translated yet are prefilled from the other statements' PO files
    of the same language (see :mod:`.memory`).
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
    lines = unit_lines(doc, found)
    po = merge(found, old, lang=lang, slug=folder.name, source_lang=doc.statement.lang,
               lines=lines, result=result)
    if memory:
        from communique.i18n.content import memory as tm

        memories = tm.collect(folder.parent, lang, folder, display, root or folder)
        result.remembered, result.suggested = tm.prefill(po, found, memories)
        result.problems = memories.problems
    text = str(po) + "\n"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text.encode("utf-8"))
        result.written = True
    return result
