"""XLIFF beside PO: the units of a statement's PO file for CAT tools (Trados, memoQ, Phrase,
OmegaT), and the translations they return merged back into the PO file with the same checks.

``communique translate --format xliff`` writes ``content/<slug>/i18n/<lang>.xlf``: XLIFF 2.1
(``--xliff-version 1.2`` for tools that read only 1.2). Each PO entry is one ``<unit>`` whose
``name`` (``resname`` in 1.2) is the entry's msgctxt and whose ``id`` is that context as an XML
name token (``sections.escalation.body.2``). Notes tell the translator where the unit is
printed, its Markdown and the citations it must keep. Citations, free-text notes and links are
inline codes: in 2.1 a ``<pc>`` around what the translator may translate (a citation's "See as
well:", a link's text) with the keys (``<ph>``) and brackets in ``<originalData>``, all marked
``canDelete="no"`` and, in the order they come, ``canReorder="firstNo"``/``"no"``, so a CAT tool
refuses to delete or reorder them; in 1.2 ``<bpt>``/``<ept>`` and ``<ph>`` hold the same text.
PO states map to XLIFF states: untranslated ``initial`` (no target), fuzzy ``initial`` (a
target to review), translated ``translated``; on import ``initial`` is fuzzy and
``translated``, ``reviewed`` and ``final`` are translated.

translate-toolkit's stores write and read the files (file, units, segments, states, ids);
the inline codes and notes are lxml elements of those stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
from lxml import etree

from communique.content.markup import NoteMark, _Brackets, cited_keys, parse
from communique.document import Document
from communique.errors import ContentError, Problem
from communique.i18n.content.checks import check
from communique.i18n.content.pofile import I18N_DIR, po_path, read_po, unit_lines, update
from communique.i18n.content.units import KIND_COMMENTS, Unit, flatten, note_text, units

NS2 = "urn:oasis:names:tc:xliff:document:2.0"
NS12 = "urn:oasis:names:tc:xliff:document:1.2"
VERSIONS = ("2.1", "1.2")
MAX_XLIFF_BYTES = 20 * 1024 * 1024  # as for a PO file
_NOT_NAME = re.compile(r"[^A-Za-z0-9._-]")


def xliff_path(folder: Path, lang: str) -> Path:
    return folder / I18N_DIR / f"{lang}.xlf"


def unit_id(context: str) -> str:
    """A msgctxt as an XML name token (XLIFF 2 ids are NMTOKENs: no '/')."""
    return _NOT_NAME.sub("_", context.replace("/", "."))


# -- a unit's text as inline codes -----------------------------------------------------------

@dataclass
class Code:
    """A span of a unit's text the translator must keep: a citation bracket, a free-text note
    or a link (``pair``: its opening and closing text around translatable words) or a cited
    key (not ``pair``: its text is the whole code)."""

    kind: str  # "citation", "footnote", "link" or "key"
    start: int
    end: int
    opening: str
    closing: str = ""
    children: list = field(default_factory=list)  # str | Code, inside a pair

    @property
    def pair(self) -> bool:
        return self.kind != "key"


def codes(text: str, kind: str) -> list:
    """A unit's text as a list of strings and ``Code`` trees, in order."""
    if kind == "plain":
        return [text] if text else []
    rich, _ = parse(text, block=kind == "block")
    close = _Brackets(text).close
    opener = {c: o for o, c in enumerate(close) if c >= 0}
    spans: list[Code] = []
    keys = [(c.offset, c.key) for c in cited_keys(rich) if text.startswith("@" + c.key, c.offset)]
    for part in rich:
        if isinstance(part, NoteMark) and part.text and text.startswith("^[", part.offset):
            end = close[part.offset + 1]
            if end > 0:
                spans.append(Code("footnote", part.offset, end + 1, "^[", "]"))
    innermost = _innermost(close, [offset for offset, _ in keys])
    citations: set[int] = set()
    for offset, key in keys:
        spans.append(Code("key", offset, offset + 1 + len(key), "@" + key))
        o = innermost.get(offset)
        if o is not None and o not in citations:  # the innermost bracket around a key cites it
            citations.add(o)
            spans.append(Code("citation", o, close[o] + 1, "[", "]"))
    for m in re.finditer(r"\]\(([^()\s]*)\)", text):
        found = opener.get(m.start())
        if found is not None and not (found > 0 and text[found - 1] == "^"):
            spans.append(Code("link", found, m.end(), "[", text[m.start():m.end()]))
    return _tree(text, sorted(spans, key=lambda s: (s.start, -s.end)), 0, len(text))


def _innermost(close: list[int], offsets: list[int]) -> dict[int, int]:
    """For each offset, the '[' of the innermost matched bracket around it, in one pass."""
    events = sorted([(o, 0, o) for o, c in enumerate(close) if c >= 0]
                    + [(c, 2, o) for o, c in enumerate(close) if c >= 0]
                    + [(offset, 1, offset) for offset in offsets])
    stack: list[int] = []
    found: dict[int, int] = {}
    for _, kind, value in events:
        if kind == 0:
            stack.append(value)
        elif kind == 2:
            if stack and stack[-1] == value:
                stack.pop()
        elif stack:
            found[value] = stack[-1]
    return found


def _tree(text: str, spans: list[Code], start: int, end: int) -> list:
    out: list = []
    pos = start
    i = 0
    while i < len(spans):
        span = spans[i]
        inside = [s for s in spans[i + 1:] if s.end <= span.end]
        if span.start > pos:
            out.append(text[pos:span.start])
        if span.pair:
            span.children = _tree(text, inside, span.start + len(span.opening),
                                  span.end - len(span.closing))
        out.append(span)
        pos = span.end
        i += 1 + len(inside)
    if pos < end:
        out.append(text[pos:end])
    return out


class _Writer:
    """Inline codes of one unit into an XLIFF 2 ``<source>`` or ``<target>``."""

    def __init__(self, data: etree._Element | None):
        self.data = data  # <originalData>, or None when only the ids are needed again
        self.count = 0
        self.refs: dict[str, str] = {}

    def ref(self, text: str) -> str:
        if text not in self.refs:
            self.refs[text] = f"d{len(self.refs) + 1}"
            if self.data is not None:
                item = etree.SubElement(self.data, f"{{{NS2}}}data", id=self.refs[text])
                item.text = text
        return self.refs[text]

    def fill(self, element: etree._Element, parts: list) -> None:
        last: etree._Element | None = None
        for part in parts:
            if isinstance(part, str):
                if last is None:
                    element.text = (element.text or "") + part
                else:
                    last.tail = (last.tail or "") + part
                continue
            self.count += 1
            protect = {"canCopy": "no", "canDelete": "no",
                       "canReorder": "firstNo" if self.count == 1 else "no"}
            if part.pair:
                last = etree.SubElement(element, f"{{{NS2}}}pc", id=f"c{self.count}",
                                        dataRefStart=self.ref(part.opening),
                                        dataRefEnd=self.ref(part.closing), **protect,
                                        type="link" if part.kind == "link" else "other")
                if part.kind != "link":
                    last.set("subType", f"communique:{part.kind}")
                self.fill(last, part.children)
            else:
                last = etree.SubElement(element, f"{{{NS2}}}ph", id=f"c{self.count}",
                                        dataRef=self.ref(part.opening), disp=part.opening,
                                        **protect, type="other", subType="communique:key")


def _fill12(element: etree._Element, parts: list, counter: list[int],
            last: etree._Element | None = None) -> etree._Element | None:
    """Inline codes of one unit into an XLIFF 1.2 element: ``<bpt>``/``<ept>`` (flat, around
    the pair's text) and ``<ph>``; returns the last element written."""
    for part in parts:
        if isinstance(part, str):
            if last is None:
                element.text = (element.text or "") + part
            else:
                last.tail = (last.tail or "") + part
            continue
        counter[0] += 1
        number = str(counter[0])
        if part.pair:
            begin = etree.SubElement(element, f"{{{NS12}}}bpt", id=number, ctype=_ctype(part))
            begin.text = part.opening
            _fill12(element, part.children, counter, begin)
            last = etree.SubElement(element, f"{{{NS12}}}ept", id=number)
            last.text = part.closing
        else:
            last = etree.SubElement(element, f"{{{NS12}}}ph", id=number, ctype="x-communique-key")
            last.text = part.opening
    return last


def _ctype(code: Code) -> str:
    return "link" if code.kind == "link" else f"x-communique-{code.kind}"


def plain_text(element: etree._Element, data: dict[str, str]) -> str:
    """The Markdown a ``<source>`` or ``<target>`` stands for: its text with every inline code
    replaced by the text it holds (``<originalData>`` in 2.x, the code's content in 1.2)."""
    out = [element.text or ""]
    for child in element:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name == "ph":
            ref = child.get("dataRef")
            out.append(data.get(ref, "") if ref else (child.text or ""))
        elif name == "pc":
            out.append(data.get(child.get("dataRefStart") or "", ""))
            out.append(plain_text(child, data))
            out.append(data.get(child.get("dataRefEnd") or "", ""))
        elif name in ("sc", "ec"):
            out.append(data.get(child.get("dataRef") or "", ""))
        elif name in ("bpt", "ept", "it"):
            out.append("".join(child.itertext()))
        elif name == "cp":
            out.append(chr(int(child.get("hex") or "0", 16)))
        elif name:  # mrk, g, mrk-like wrappers: their content
            out.append(plain_text(child, data))
        out.append(child.tail or "")
    return "".join(out)


# -- export ----------------------------------------------------------------------------------

@dataclass
class Exported:
    path: Path
    units: int = 0
    translated: int = 0
    fuzzy: int = 0


def export(doc: Document, lang: str, display, *, version: str = "2.1",
           root: Path | None = None) -> Exported:
    """Write ``<statement folder>/i18n/<lang>.xlf`` from the PO file (updated first, so the
    XLIFF has every current unit)."""
    from translate.storage import xliff as xliff12
    from translate.storage import xliff2

    from communique.files import write_atomic

    if version not in VERSIONS:
        raise ContentError([Problem(display(doc.located.path), 0, 0, f"XLIFF version '{version}': "
                                    f"communique writes {' or '.join(VERSIONS)}")])
    update(doc, lang, display, root=root)
    folder = doc.located.path.parent
    path = po_path(folder, lang)
    po = read_po(path, display(path), root or folder)
    entries = {e.msgctxt: e for e in po if not e.obsolete and e.msgctxt is not None}
    found = units(doc.statement)
    lines = unit_lines(doc, found)
    source_lang = doc.statement.lang
    slug = folder.name
    if version == "2.1":
        store: Any = xliff2.Xliff2File(sourcelanguage=source_lang)
    else:
        store = xliff12.xlifffile.parsestring(_SKELETON_12.format(src=source_lang, trg=lang,
                                                                  slug=slug).encode())
    store.settargetlanguage(lang)
    result = Exported(xliff_path(folder, lang))
    for unit in found:
        entry = entries.get(unit.context)
        where = f"{unit.context} (content/{slug}/statement.yaml:{lines.get(unit.context, 0)})"
        if version == "2.1":
            _unit2(store, unit, entry, where)
        else:
            _unit12(store, unit, entry, where, f"content/{slug}/statement.yaml")
        result.units += 1
        if entry is not None and entry.msgstr:
            if "fuzzy" in entry.flags:
                result.fuzzy += 1
            else:
                result.translated += 1
    root_element = store.document.getroot()
    if version == "2.1":
        root_element.set("version", "2.1")
        file_node = root_element.find(f"{{{NS2}}}file")
        file_node.set("id", unit_id(slug))
        file_node.set("original", f"content/{slug}/statement.yaml")
    etree.cleanup_namespaces(root_element)
    write_atomic(result.path, bytes(store))  # indented by the toolkit, never inside a text
    return result


_SKELETON_12 = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">'
                '<file original="content/{slug}/statement.yaml" source-language="{src}" '
                'target-language="{trg}" datatype="x-markdown"><body/></file></xliff>')


def _notes(unit: Unit, where: str) -> list[tuple[str, str]]:
    notes = [("location", f"Printed at {where}"),
             ("format", KIND_COMMENTS["paragraph" if unit.part else unit.kind])]
    cited = [note_text(note) for note in unit.notes if note]
    if cited:
        notes.append(("citations", "Keep these citations, in this order: " + " ".join(cited)))
    if unit.links:
        notes.append(("links", "Keep these link targets: " + " ".join(unit.links)))
    return notes


def _unit2(store, unit: Unit, entry: polib.POEntry | None, where: str) -> None:
    xu = store.addsourceunit("")
    xu.setid(unit_id(unit.context))
    segment = xu.xmlelement
    element = xu.getunitelement()
    element.set("name", unit.context)
    segment.attrib.pop("{http://www.w3.org/XML/1998/namespace}space", None)
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    notes = etree.Element(f"{{{NS2}}}notes")
    for category, text in _notes(unit, where):
        etree.SubElement(notes, f"{{{NS2}}}note", category=category).text = text
    if entry is not None and entry.tcomment:
        etree.SubElement(notes, f"{{{NS2}}}note", category="translator").text = entry.tcomment
    element.insert(0, notes)
    data = etree.Element(f"{{{NS2}}}originalData")
    writer = _Writer(data)
    source = segment.find(f"{{{NS2}}}source")
    source.text = None
    writer.fill(source, codes(unit.text, unit.kind))
    if entry is not None and entry.msgstr:
        target = etree.SubElement(segment, f"{{{NS2}}}target")
        writer.count = 0
        writer.fill(target, codes(entry.msgstr, unit.kind))
        segment.set("state", "initial" if "fuzzy" in entry.flags else "translated")
    else:
        segment.set("state", "initial")
    if len(data):
        element.insert(1, data)


def _unit12(store, unit: Unit, entry: polib.POEntry | None, where: str, original: str) -> None:
    xu = store.addsourceunit("", filename=original)
    xu.setid(unit.context)
    element = xu.xmlelement
    element.set("resname", unit.context)
    source = element.find(f"{{{NS12}}}source")
    source.text = None
    _fill12(source, codes(unit.text, unit.kind), [0])
    if entry is not None and entry.msgstr:
        target = etree.Element(f"{{{NS12}}}target")
        _fill12(target, codes(entry.msgstr, unit.kind), [0])
        target.set("state", "needs-review-translation" if "fuzzy" in entry.flags else "translated")
        source.addnext(target)
    for category, text in _notes(unit, where):
        etree.SubElement(element, f"{{{NS12}}}note", **{"from": category}).text = text


# -- import ----------------------------------------------------------------------------------

@dataclass
class Imported:
    path: Path
    po: Path
    translated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)


def import_(doc: Document, xlf: Path, display, *, lang: str | None = None,
            root: Path | None = None) -> Imported:
    """Merge the translations of a returned XLIFF file (1.2 or 2.x) into the PO file.

    Each unit is checked as a build checks a PO entry (citations, links, figures); one that
    fails is an error at its ``<target>``'s line and is not merged. A unit whose source text is
    no longer the statement's is merged as fuzzy, with a warning.
    """
    from communique.files import write_atomic

    folder = doc.located.path.parent
    shown = display(xlf)
    xml_root = _parse(xlf, shown, root or folder).getroot()
    lang = _language(xml_root, shown, lang or xlf.stem)
    update(doc, lang, display, root=root)
    path = po_path(folder, lang)
    po = read_po(path, display(path), root or folder)
    entries = {e.msgctxt: e for e in po if not e.obsolete and e.msgctxt is not None}
    by_context = {u.context: u for u in units(doc.statement)}
    result = Imported(xlf, path)
    reader = _units2 if etree.QName(xml_root).namespace == NS2 else _units12
    for context, source, target, state, line in reader(xml_root, {unit_id(c): c for c in by_context}):
        unit = by_context.get(context or "")
        if unit is None:
            result.problems.append(Problem(shown, line, 1, f"'{context}' is not a unit of the "
                                           "statement (any more): not imported", "warning"))
        elif target is not None and target.strip():
            _merge(unit, entries[unit.context], source, target, state == "fuzzy",
                   Problem(shown, line, 1, ""), result)
    if result.translated or result.fuzzy:
        write_atomic(path, (str(po) + "\n").encode("utf-8"))
    return result


def _language(xml_root: etree._Element, shown: str, lang: str) -> str:
    """The language an XLIFF file translates into: its own, which must be the one asked for."""
    ns = etree.QName(xml_root).namespace
    declared = (xml_root.get("trgLang") if ns == NS2 else
                next((f.get("target-language") for f in xml_root.iter(f"{{{ns}}}file")), None))
    if declared and declared.replace("_", "-").lower() != lang.replace("_", "-").lower():
        raise ContentError([Problem(shown, xml_root.sourceline or 1, 1, f"the file is a translation "
                                    f"into '{declared}', not '{lang}'")])
    return lang


def _merge(unit: Unit, entry: polib.POEntry, source: str | None, target: str, fuzzy: bool,
           at: Problem, result: Imported) -> None:
    """One returned unit into its PO entry, when it passes a build's checks (``at`` locates
    the problems: the XLIFF file and the line of the unit's target)."""
    def problem(message: str, severity: str = "error") -> Problem:
        return Problem(at.path, at.line, at.column, f"'{unit.context}': {message}", severity)

    text = flatten(target) if unit.part or unit.kind != "block" else target.strip()
    failed = [message for _, message in check(unit, text)]
    if failed:
        result.problems += [problem(f"{m}: not imported") for m in failed]
        return
    changed = source is not None and flatten(source) != unit.text
    if changed:
        result.problems.append(problem("the source text changed since this file was written: "
                                       "imported as fuzzy", "warning"))
    fuzzy = fuzzy or changed
    if entry.msgstr == text and ("fuzzy" in entry.flags) == fuzzy:
        result.unchanged += 1
        return
    if fuzzy:
        entry.flags = [*[f for f in entry.flags if f != "fuzzy"], "fuzzy"]
        result.fuzzy.append(unit.context)
    else:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgid = None
        result.translated.append(unit.context)
    entry.msgstr = text


def _parse(xlf: Path, shown: str, root: Path) -> etree._ElementTree:
    """A returned XLIFF file read by the sandbox's rule, parsed without entities, DTDs or
    network; a located error when it is not XML."""
    from communique.sandbox import Refused, contained, read_file

    try:
        raw = read_file(contained(xlf, [root], name="XLIFF file"), MAX_XLIFF_BYTES, name="XLIFF file")
    except Refused as exc:
        raise ContentError([Problem(shown, 0, 0, str(exc))]) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_blank_text=False)
    try:
        tree = etree.ElementTree(etree.fromstring(raw, parser))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise ContentError([Problem(shown, line, column + 1 if line else 0,
                                    f"invalid XLIFF file: {exc.msg}")]) from None
    ns = etree.QName(tree.getroot()).namespace
    if etree.QName(tree.getroot()).localname != "xliff" or ns not in (NS2, NS12):
        raise ContentError([Problem(shown, 1, 1, "not an XLIFF 1.2 or 2.x file (its root is not "
                                    "<xliff> in an XLIFF namespace)")])
    if tree.docinfo.doctype:
        raise ContentError([Problem(shown, 1, 1, "an XLIFF file with a DOCTYPE is refused "
                                    "(entities could expand without end)")])
    return tree


_STATES_2 = {"initial": "fuzzy", "translated": "translated", "reviewed": "translated",
             "final": "translated"}
_STATES_12 = {"new": "fuzzy", "needs-translation": "fuzzy", "needs-adaptation": "fuzzy",
              "needs-l10n": "fuzzy", "needs-review-adaptation": "fuzzy",
              "needs-review-l10n": "fuzzy", "needs-review-translation": "fuzzy",
              "translated": "translated", "signed-off": "translated", "final": "translated"}


def _units2(root: etree._Element, by_id: dict[str, str]):
    """(context, source, target, state, line) of each unit of an XLIFF 2 file."""
    for element in root.iter(f"{{{NS2}}}unit"):
        context = element.get("name") or by_id.get(element.get("id") or "", element.get("id"))
        data = {d.get("id"): "".join(d.itertext()) for d in element.iter(f"{{{NS2}}}data")}
        sources, targets, states = [], [], []
        line = element.sourceline or 0
        for segment in element.iter(f"{{{NS2}}}segment", f"{{{NS2}}}ignorable"):
            source = segment.find(f"{{{NS2}}}source")
            target = segment.find(f"{{{NS2}}}target")
            sources.append(plain_text(source, data) if source is not None else "")
            if target is not None:
                targets.append(plain_text(target, data))
                line = target.sourceline or line
            states.append(_STATES_2.get(segment.get("state", "initial"), "fuzzy"))
        target_text = "".join(targets) if targets else None
        state = "fuzzy" if "fuzzy" in states else "translated"
        yield context, "".join(sources), target_text, state, line


def _units12(root: etree._Element, by_id: dict[str, str]):
    """(context, source, target, state, line) of each trans-unit of an XLIFF 1.2 file."""
    del by_id
    for element in root.iter(f"{{{NS12}}}trans-unit"):
        context = element.get("resname") or element.get("id")
        source = element.find(f"{{{NS12}}}source")
        target = element.find(f"{{{NS12}}}target")
        line = (target.sourceline if target is not None else element.sourceline) or 0
        state = _STATES_12.get(target.get("state", "translated") if target is not None else "new",
                               "fuzzy")
        if element.get("approved") == "yes":
            state = "translated"
        yield (context, plain_text(source, {}) if source is not None else None,
               plain_text(target, {}) if target is not None else None, state, line)
