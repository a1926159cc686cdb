"""The structure pass: the tags WeasyPrint writes, made into a tree a screen reader can follow.

WeasyPrint 70 tags each page on its own: the article is cut into one ``Part/Art`` per page,
the notes of a page sit in a ``NonStruct`` after it (unlabelled, tied to nothing), the running
footer and page number are marked content that no element of the tree reaches, and a word it
hyphenates at a line end is extracted as two pieces. This pass reads the finished PDF with
pikepdf (a binding of qpdf) and rewrites it:

- each footnote becomes a ``Note`` with a unique ``/ID`` (its HTML id) and its number as
  ``Lbl``; the note is placed in the tree right after the ``Reference`` that holds its call,
  inside the element that holds the call. ISO 32000-1 (PDF 1.7, which PDF/UA-1 builds on)
  names this place in 14.8.4.3.3 ("the note may be included as a child of the structure
  element in the body text that refers to it"); the ``/Ref`` key that ties a note to its call
  from anywhere is PDF 2.0 only, so a PDF/UA-1 reader may not know it;
- the pages' articles become one article, and an element split over a page break (a
  paragraph, a section) one element again;
- marked content no element reaches (the running footer, the page number, anything
  ``aria-hidden``) becomes a pagination artifact (PDF/UA-1 7.1), and the dot leaders of a
  contents page (CSS ``leader()``) layout artifacts: a screen reader does not read out
  "dot dot dot" before each page number;
- ``/Lang`` on every element whose HTML has a ``lang`` other than the document's; ``/Scope``
  on every table header and an ``/IDTree`` in the structure root;
- link annotations of no area (one a ``<wbr>`` in a URL) are removed: one link, one annotation;
- a word WeasyPrint hyphenated reads back whole: the hyphen it added (U+2010, which
  extractors keep) reads as a plain hyphen, which poppler and PDFium drop at a line end,
  joining the pieces; a word broken after a hyphen of its own keeps it: its first piece
  carries ``/ActualText`` of the whole word and its second piece a space (ISO 32000-1
  14.9.4; PDFium ignores an empty one);
- each glyph reads as the character it stands for where it is drawn: WeasyPrint's
  ``/ToUnicode`` maps keep one text a glyph, the first it stood for, so a bracket drawn
  mirrored in right-to-left text made later brackets read reversed, and an Arabic vowel mark
  drawn first in its cluster carried its letter with it everywhere ("أُبلغ" read "أُأبلغ").
  A mark glyph now maps to the mark alone, and a glyph drawn for another character than its
  map's gets ``/ActualText`` where it is;
- an Arabic ligature glyph (lam-alef "لا", lam with alef maksura "لى") reads as the one
  presentation-form character Unicode has for it (U+FEFB …), whose compatibility
  decomposition (NFKC) is the two letters: mapped to the two letters, as WeasyPrint maps it,
  poppler spreads them left to right over the glyph and then reverses the line, so "على"
  copied as "عىل"; as one character both poppler and PDFium keep the order, PDFium gives
  back the letters, and search (which normalises) finds the word;
- an Arabic vowel mark that WeasyPrint moved onto its letter (by a ``TJ`` number, a text
  rise) is drawn in the flow of its word instead, as a new glyph that looks the same
  (:mod:`communique.render.marks`): readers had set it apart ("دول ًيا" for "دوليًا").

What the pass needs to know about the HTML behind each element (its tag, id, class, lang) is
recorded while WeasyPrint builds its tags (:func:`recording`): each element is known by its
PDF object number. The result is written by qpdf with a deterministic second ``/ID`` and no
dates, so the same inputs still give the same bytes.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

# Paragraph-level structure types: inside one, text is read from the top of the page down.
BLOCKS = {"/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/LI", "/LBody", "/TD", "/TH",
          "/Caption", "/BlockQuote"}
_RANGE = r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)"  # a bfrange line
PAGINATION = {"/Type": "/Pagination", "/Subtype": "/Footer"}
LAYOUT = {"/Type": "/Layout"}  # ISO 32000-1 14.8.2.2.2: "rules and other typographical devices"
# PDF/A (ISO 19005-3, 6.6.2.3) accepts in XMP only the schemas it knows or that the file
# describes in an extension schema; pdfuaid (ISO 14289-1) is not one it knows.
UA_IN_ARCHIVE = (
    '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" '
    'pdfuaid:part="1" />'
    '<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
    'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    "<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">"
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    "<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">"
    "<pdfaProperty:name>part</pdfaProperty:name>"
    "<pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    "<pdfaProperty:category>internal</pdfaProperty:category>"
    "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed"
    "</pdfaProperty:description>"
    "</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>"
    "</rdf:Description>")
_LETTER = re.compile(r"\w", re.UNICODE)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*")  # BCP 47, loosely
# A row of dots (a leader): three or more, maybe spaced.
_LEADER = re.compile(r"[\s.\u00b7\u2024\u2026_]*[.\u00b7\u2024\u2026_]{3}[\s.\u00b7\u2024\u2026_]*")


@dataclass(frozen=True)
class HtmlFacts:
    """The HTML element behind a structure element."""

    tag: str
    serial: int  # the same for every box of one HTML element (split over pages)
    id: str = ""
    classes: tuple[str, ...] = ()
    lang: str = ""
    scope: str = ""
    href: str = ""
    hidden: bool = False  # aria-hidden="true": a decoration (the running footer)
    label: str = ""  # aria-label: a link's description (/Contents)


@dataclass(frozen=True)
class TextFacts:
    """One text box, drawn as one marked-content sequence (``/MCID``)."""

    text: str
    hyphenated: bool  # WeasyPrint hyphenated the word at its end
    hyphen: bool = False  # it ends with a hyphen of the text ("Armenian-"), maybe at a line end
    top: float = 0.0  # where its line is on the page (CSS pixels, downwards)


@dataclass
class Recorded:
    """What :func:`recording` saw while WeasyPrint tagged a document."""

    elements: dict[int, HtmlFacts] = field(default_factory=dict)  # by PDF object number
    texts: dict[tuple[int, int], TextFacts] = field(default_factory=dict)  # (page, MCID)
    leaders: set[int] = field(default_factory=set)  # elements of CSS leader() boxes
    languages: set[str] = field(default_factory=set)  # other than the document's, in the tree
    # Glyphs drawn for another single character than the first they stood for (which the
    # font's /ToUnicode map keeps): (font resource name, glyph, which drawing of that glyph in
    # that font, counted from 0) -> the character.
    shown: dict[tuple[str, int, int], str] = field(default_factory=dict)
    fonts: list[Any] = field(default_factory=list)  # WeasyPrint's fonts, for ``unsure``

    def unsure(self) -> set[str]:
        """Fonts whose glyphs are not all drawn in page content, in order, two bytes a glyph:
        text drawn in a form (an element with opacity), bitmap fonts."""
        return {str(f.hash) for f in self.fonts if f.used_in_forms or f.bitmap}


class _Shown(dict):
    """Stands for a WeasyPrint font's glyph→text map: WeasyPrint asks it for every glyph it
    draws (it never "contains" one), and each drawing that stands for another single
    character than the glyph's first is noted; the map itself keeps the first text of each
    glyph, as WeasyPrint's does."""

    def __init__(self, font: Any, shown: dict[tuple[str, int, int], str]):
        super().__init__()
        self.font, self.shown = font, shown
        self.drawn: dict[int, int] = {}

    def __contains__(self, glyph: object) -> bool:
        return False

    def __setitem__(self, glyph: int, text: str) -> None:
        count = self.drawn.get(glyph, 0)
        self.drawn[glyph] = count + 1
        if not super().__contains__(glyph):
            super().__setitem__(glyph, text)
        elif len(text) == 1 and text != self[glyph]:
            self.shown[(str(self.font.hash), glyph, count)] = text


class _Popping:
    """Stands for a page stream's tag table: notes each text box as WeasyPrint takes its MCID."""

    def __init__(self, real: dict, page: int, found: Recorded, text_box: Any):
        self.real, self.page, self.found, self.text_box = real, page, found, text_box

    def pop(self, box: Any):
        kid = self.real.pop(box)
        if isinstance(box, self.text_box):
            # A soft hyphen is not drawn: as text it would hide where a word was broken
            # ("Stepana\u00ad‐") and cut the word read back ("Nagorno-⏎Kara\u00adbakh").
            text = (box.text or "").replace("\u00ad", "")
            mark = box.style["hyphenate_character"] or ""
            hyphenated = bool(mark) and text.endswith(mark) and len(text) > len(mark) and (
                _LETTER.match(text[-len(mark) - 1]) is not None)
            hyphen = not hyphenated and len(text) > 1 and text[-1] in "-\u2010" and (
                _LETTER.match(text[-2]) is not None)
            self.found.texts[(self.page, kid["mcid"])] = TextFacts(
                text, hyphenated, hyphen, float(box.position_y or 0))
        return kid

    def __len__(self) -> int:
        return len(self.real)


@contextmanager
def recording() -> Iterator[Recorded]:
    """While WeasyPrint writes a tagged PDF in this block, note which HTML element each
    structure element comes from and the text of each marked-content sequence."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import fonts, tags

    found = Recorded()
    original = tags._build_box_tree
    font_init = fonts.Font.__init__

    def new_font(self, *args, **kwargs):
        font_init(self, *args, **kwargs)
        self.to_unicode = _Shown(self, found.shown)
        found.fonts.append(self)
    serials: dict[tuple[int, str], int] = {}
    alive: list[Any] = []  # the HTML elements, kept so that their id() is never reused

    def facts(element, tag: str) -> HtmlFacts:
        key = (id(element), tag)  # a pseudo-element (::marker, ::footnote-call) is its own
        if key not in serials:
            serials[key] = len(serials)
            alive.append(element)
        get = element.attrib.get
        return HtmlFacts(tag, serials[key], get("id", ""), tuple(get("class", "").split()),
                         get("lang", ""), get("scope", ""), get("href", ""),
                         get("aria-hidden") == "true", get("aria-label", ""))

    def build(box, parent, pdf, page_number, nums, annotations, page_tags):
        if not isinstance(page_tags, _Popping):
            page_tags = _Popping(page_tags, page_number, found, boxes.TextBox)
        box = getattr(box, "_box", box)  # an absolutely placed box's placeholder
        for element in original(box, parent, pdf, page_number, nums, annotations, page_tags):
            if box.element is not None and element.number not in found.elements:
                found.elements[element.number] = facts(box.element, str(box.element_tag))
            if getattr(box, "is_leader", False):
                found.leaders.add(element.number)
            yield element

    tags._build_box_tree = build
    fonts.Font.__init__ = new_font
    try:
        yield found
    finally:
        tags._build_box_tree = original
        fonts.Font.__init__ = font_init


# --- reading the PDF ----------------------------------------------------------------------


def _kids(element) -> list:
    import pikepdf

    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _is_element(obj) -> bool:
    import pikepdf

    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def _set_kids(element, kids: list) -> None:
    import pikepdf

    element.K = pikepdf.Array(kids)


def to_unicode(font) -> dict[int, str]:
    """A font's glyph codes and the text each stands for (its ``/ToUnicode`` CMap)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return {}
    text = stream.read_bytes().decode("latin-1")
    found: dict[int, str] = {}

    def chars(hexa: str) -> str:
        raw = bytes.fromhex(hexa)
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block):
            found[int(code, 16)] = chars(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, rest in re.findall(_RANGE, block):
            first, last = int(start, 16), int(end, 16)
            if rest.startswith("["):
                for i, value in enumerate(re.findall(r"<([0-9a-fA-F]*)>", rest)):
                    found[first + i] = chars(value)
            else:
                base = bytes.fromhex(rest[1:-1])
                for i in range(last - first + 1):
                    value = base[:-2] + (int.from_bytes(base[-2:], "big") + i).to_bytes(2, "big")
                    found[first + i] = value.decode("utf-16-be", errors="replace")
    return found


def _cmap(cmaps: dict[str, dict[int, str]], fonts: dict, font: str) -> dict[int, str]:
    """The ``/ToUnicode`` map of a page's font ``font``, read once a page (not at each text
    operator: a 31-page report's check read its maps 6,170 times, 1.9 s)."""
    if font not in cmaps:
        cmaps[font] = to_unicode(fonts[font]) if font in fonts else {}
    return cmaps[font]


def _codes(operands, width: int, cmap: dict[int, str]) -> list[tuple[int, str]]:
    """The glyph codes a ``TJ``/``Tj`` shows (``width`` bytes each), each with its text."""
    import pikepdf

    found: list[tuple[int, str]] = []
    items = operands[0] if isinstance(operands[0], pikepdf.Array) else [operands[0]]
    form = {1: ">B", 2: ">H", 4: ">I"}[width]
    for item in items:
        if isinstance(item, pikepdf.String):
            raw = bytes(item)
            found += [(code, cmap.get(code, ""))
                      for (code,) in struct.iter_unpack(form, raw[:len(raw) - len(raw) % width])]
    return found


def _split_tj(operands, width: int, at: int) -> tuple[Any, Any]:
    """A ``TJ`` array cut before its glyph number ``at``: two arrays that draw the same."""
    import pikepdf

    items = operands[0] if isinstance(operands[0], pikepdf.Array) else [operands[0]]
    head: list = []
    tail: list = []
    seen = 0
    for item in items:
        if not isinstance(item, pikepdf.String):
            (head if seen <= at and not tail else tail).append(item)
            continue
        raw = bytes(item)
        count = len(raw) // width
        if seen + count <= at:
            head.append(item)
        elif seen >= at:
            tail.append(item)
        else:
            cut = (at - seen) * width
            head.append(pikepdf.String(raw[:cut]))
            tail.append(pikepdf.String(raw[cut:]))
        seen += count
    return pikepdf.Array(head), pikepdf.Array(tail)


# --- the pass --------------------------------------------------------------------------------


def restructure(pdf_bytes: bytes, found: Recorded, *, lang: str) -> bytes:
    """The PDF with its structure tree, artifacts and text layer made accessible (see the
    module's docstring); the same input gives the same bytes."""
    import pikepdf

    from communique.render.marks import marks_in_place

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf, _parsing():
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return pdf_bytes
        document = next((k for k in _kids(root) if _is_element(k)), None)
        if document is None:
            return pdf_bytes
        facts = {obj.objgen[0]: f for obj in _all_elements(root) if (f := found.elements.get(obj.objgen[0]))}
        _drop_hidden(document, facts)
        _one_article(document, facts)
        ids = _notes(pdf, document, facts)
        ids.update(_tables(document, facts))
        found.languages = _languages(document, facts, lang)
        layout = _drop_leaders(document, found.leaders)
        _drop_empty(document)
        if ids:
            root.IDTree = pdf.make_indirect(pikepdf.Dictionary(
                Names=pikepdf.Array([x for key in sorted(ids) for x in (pikepdf.String(key), ids[key])])))
        _drop_empty_links(pdf, root)
        _describe_links(root, facts)
        _artifacts_and_words(pdf, root, found, layout)
        _marks_alone(pdf)
        _glyph_texts(pdf, found)
        _ligatures_as_one(pdf)
        marks_in_place(pdf)
        _claim_ua(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                 compress_streams=True, linearize=False)
        return out.getvalue()


def _claim_ua(pdf) -> None:
    """An archive PDF (PDF/A-3b) is tagged as a PDF/UA one is: it says so too, with the
    extension schema PDF/A asks for the ``pdfuaid`` namespace."""
    import pikepdf

    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return
    xmp = stream.read_bytes().decode("utf-8")
    if "pdfaid:part" not in xmp or "pdfuaid:part" in xmp or "</rdf:RDF>" not in xmp:
        return
    xmp = xmp.replace("</rdf:RDF>", UA_IN_ARCHIVE + "</rdf:RDF>", 1)
    metadata = pdf.make_stream(xmp.encode("utf-8"))
    metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML
    pdf.Root.Metadata = metadata


def _all_elements(root) -> Iterator:
    stack = [k for k in _kids(root) if _is_element(k)]
    while stack:
        element = stack.pop()
        yield element
        stack.extend(k for k in _kids(element) if _is_element(k))


def _walk(element, parent=None) -> Iterator[tuple[Any, Any]]:
    """Every element under ``element`` with its parent, in reading order."""
    for kid in _kids(element):
        if _is_element(kid):
            yield kid, element
            yield from _walk(kid, element)


def _adopt(parent, kids: list) -> None:
    for kid in kids:
        if _is_element(kid):
            kid.P = parent
    _set_kids(parent, kids)


def _drop_hidden(document, facts: dict[int, HtmlFacts]) -> None:
    """Elements the HTML hides from assistive technology leave the tree (their content then
    becomes an artifact)."""
    hidden: dict[tuple[int, int], tuple[Any, set[tuple[int, int]]]] = {}
    for element, parent in _walk(document):
        f = facts.get(element.objgen[0])
        if f is not None and f.hidden:
            hidden.setdefault(parent.objgen, (parent, set()))[1].add(element.objgen)
    for parent, gone in hidden.values():  # each parent rewritten once, however many it loses
        _set_kids(parent, [k for k in _kids(parent) if not (_is_element(k) and k.objgen in gone)])


def _same(a, b, facts: dict[int, HtmlFacts]) -> bool:
    fa, fb = facts.get(a.objgen[0]), facts.get(b.objgen[0])
    return fa is not None and fb is not None and fa.serial == fb.serial


def _append_merging(target, kids: list, facts: dict[int, HtmlFacts]) -> None:
    """Append ``kids`` to ``target``; an element that continues ``target``'s last element
    (the same HTML element, cut by a page break) is merged into it."""
    current = _kids(target)
    for kid in kids:
        last = current[-1] if current else None
        if last is not None and _is_element(kid) and _is_element(last) and _same(last, kid, facts):
            _append_merging(last, _kids(kid), facts)
            continue
        current.append(kid)
    _adopt(target, current)


def _one_article(document, facts: dict[int, HtmlFacts]) -> None:
    """The pages' ``Part``s (``<main>``) and what they hold made one, in reading order."""
    merged: list = []
    for kid in _kids(document):
        first = next((m for m in merged if _is_element(m) and _same(m, kid, facts)), None) \
            if _is_element(kid) else None
        if first is not None:
            _append_merging(first, _kids(kid), facts)
            continue
        merged.append(kid)
    _adopt(document, merged)


def _notes(pdf, document, facts: dict[int, HtmlFacts]) -> dict[str, Any]:
    """Footnotes made ``Note``s, each with its label and placed after its first call; the
    notes by ``/ID``."""
    notes = _take_notes(pdf, document, facts)
    placed: set[str] = set()
    for element, parent in list(_walk(document)):
        f = facts.get(element.objgen[0])
        if f is None or "note-call" not in f.classes or "::" in f.tag or not f.href.startswith("#"):
            continue
        target = f.href[1:]
        kids = _kids(parent)
        at = next(i for i, k in enumerate(kids) if _is_element(k) and k.objgen == element.objgen)
        kids[at] = _wrap(pdf, element, "/Reference", parent)
        if target in notes and target not in placed:
            placed.add(target)
            notes[target].P = parent
            kids.insert(at + 1, notes[target])
        _set_kids(parent, kids)
    for name, note in notes.items():  # a note without a call in the tree stays at the end
        if name not in placed:
            note.P = document
            _set_kids(document, _kids(document) + [note])
    return notes


def _take_notes(pdf, document, facts: dict[int, HtmlFacts]) -> dict[str, Any]:
    """Each footnote out of its page's note area, made a ``Note`` with its ``/ID`` and its
    number (the back link) in a ``Lbl``."""
    import pikepdf

    notes: dict[str, Any] = {}
    taken: dict[tuple[int, int], tuple[Any, set[tuple[int, int]]]] = {}
    for element, parent in list(_walk(document)):
        f = facts.get(element.objgen[0])
        if f is None or "footnote" not in f.classes or "::" in f.tag or not f.id or f.id in notes:
            continue
        notes[f.id] = element
        taken.setdefault(parent.objgen, (parent, set()))[1].add(element.objgen)
        element.S = pikepdf.Name.Note
        element.ID = pikepdf.String(f.id)
        kids = []
        for kid in _kids(element):
            number = _is_element(kid) and "note-number" in getattr(facts.get(kid.objgen[0]), "classes", ())
            kids.append(_wrap(pdf, kid, "/Lbl", element) if number else kid)
        _set_kids(element, kids)
    for parent, gone in taken.values():  # each note area rewritten once (one area may hold them all)
        _set_kids(parent, [k for k in _kids(parent) if not (_is_element(k) and k.objgen in gone)])
    return notes


def _is(kid, element) -> bool:
    return _is_element(kid) and kid.objgen == element.objgen


def _wrap(pdf, element, kind: str, parent):
    """``element`` inside a new element of type ``kind`` (a ``Lbl``, a ``Reference``)."""
    import pikepdf

    wrapper = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(kind), P=parent,
                                 K=pikepdf.Array([element]))
    if "/Pg" in element:
        wrapper.Pg = element.Pg
    wrapper = pdf.make_indirect(wrapper)
    element.P = wrapper
    return wrapper


def _tables(document, facts: dict[int, HtmlFacts]) -> dict[str, Any]:
    """Every ``TH`` gets a ``/Scope`` (the HTML's, else ``Column``); the IDs WeasyPrint gave
    headers are returned for the ``/IDTree``."""
    import pikepdf

    ids = {}
    for element, _ in _walk(document):
        if element.S != pikepdf.Name.TH:
            continue
        f = facts.get(element.objgen[0])
        scope = {"row": "Row", "col": "Column", "rowgroup": "Row", "colgroup": "Column"}.get(
            f.scope if f else "", "Column")
        attributes = element.get("/A")
        if attributes is None or not isinstance(attributes, pikepdf.Dictionary):
            attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
            element.A = attributes
        attributes.Scope = pikepdf.Name("/" + scope)
        if "/ID" in element:
            ids[str(element.ID)] = element
    return ids


def _languages(document, facts: dict[int, HtmlFacts], lang: str) -> set[str]:
    """``/Lang`` where the HTML says an element is in another language than the document; the
    languages so marked."""
    import pikepdf

    def norm(tag: str) -> str:
        return tag.replace("_", "-").lower()

    marked = set()
    for element, _ in _walk(document):
        f = facts.get(element.objgen[0])
        if f is not None and f.lang and norm(f.lang) != norm(lang):
            element.Lang = pikepdf.String(f.lang)
            marked.add(f.lang)
    return marked


def _drop_leaders(document, leaders: set[int]) -> set[tuple[tuple[int, int], int]]:
    """The leaders (the dots between a contents entry and its page number) leave the tree;
    their marked content, by (page object, MCID), is returned to become layout artifacts."""
    dropped: set[tuple[tuple[int, int], int]] = set()
    if not leaders:
        return dropped
    for element, parent in list(_walk(document)):
        if element.objgen[0] not in leaders:
            continue
        _set_kids(parent, [k for k in _kids(parent) if not _is(k, element)])
        stack = [(element, element.get("/Pg", parent.get("/Pg")))]
        while stack:
            current, page = stack.pop()
            page = current.get("/Pg", page)
            for kid in _kids(current):
                if isinstance(kid, int) and page is not None:
                    dropped.add((page.objgen, int(kid)))
                elif _is_element(kid):
                    stack.append((kid, page))
    return dropped


def _drop_empty(document) -> None:
    """Grouping elements left with nothing in them (a page's emptied note area) go."""
    import pikepdf

    def content(element) -> bool:
        return any(not _is_element(k) or content(k) for k in _kids(element))

    for element, parent in reversed(list(_walk(document))):
        if element.S in (pikepdf.Name.NonStruct, pikepdf.Name.Div, pikepdf.Name.Span) \
                and not content(element):
            _set_kids(parent, [k for k in _kids(parent) if not _is(k, element)])


def _drop_empty_links(pdf, root) -> None:
    """A link annotation of no area (WeasyPrint makes one for each ``<wbr>`` in a URL) is
    removed with its place in the tree, when the page has a link of some size to the same
    place: a reader meets each link once."""
    import pikepdf

    dropped: set[tuple[int, int]] = set()
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is not None:
            kept = _sized_links(list(annots), dropped)
            page.obj.Annots = pikepdf.Array(kept)
    if not dropped:
        return
    for element in list(_all_elements(root)):
        kids = _kids(element)
        keep = [k for k in kids if not (isinstance(k, pikepdf.Dictionary) and "/Obj" in k
                                        and k.Obj.objgen in dropped)]
        if len(keep) != len(kids):
            _set_kids(element, keep)
    nums = root.ParentTree.get("/Nums")
    for i in range(1, len(nums) if nums is not None else 0, 2):
        if isinstance(nums[i], pikepdf.Dictionary) and nums[i].objgen in dropped:
            nums[i] = None


def _sized_links(annots: list, dropped: set[tuple[int, int]]) -> list:
    """``annots`` without the links of no area that lead where a link of some size does, nor
    those lying inside another link to the same place (WeasyPrint makes one for each element
    inside a link, as for the ``<span>`` that holds a URL's hyphen to its next letter)."""
    def target(annot) -> str:
        action = annot.get("/A")
        return repr(action) if action is not None else repr(annot.get("/Dest"))

    def empty(annot) -> bool:
        rect = [float(v) for v in annot.get("/Rect", [0, 0, 0, 0])]
        return str(annot.get("/Subtype")) == "/Link" and (
            abs(rect[2] - rect[0]) < 0.01 or abs(rect[3] - rect[1]) < 0.01)

    shown: dict[str, list] = {}
    for a in annots:
        if str(a.get("/Subtype")) == "/Link" and not empty(a):
            shown.setdefault(target(a), []).append(a)
    kept = []
    for annot in annots:
        if (target(annot) in shown and empty(annot)) or _inside_another(annot, shown.get(target(annot), [])):
            dropped.add(annot.objgen)
        else:
            kept.append(annot)
    return kept


def _inside_another(annot, others: list) -> bool:
    """Whether the rectangle of ``annot`` lies within that of a larger one of ``others``."""
    def box(a) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = (float(v) for v in a.get("/Rect", [0, 0, 0, 0]))
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

    x0, y0, x1, y1 = box(annot)
    for other in others:
        if other.objgen == annot.objgen:
            continue
        ox0, oy0, ox1, oy1 = box(other)
        larger = (ox1 - ox0) * (oy1 - oy0) > (x1 - x0) * (y1 - y0)
        if larger and ox0 - 0.01 <= x0 and oy0 - 0.01 <= y0 and x1 <= ox1 + 0.01 and y1 <= oy1 + 0.01:
            return True
    return False


def _describe_links(root, facts: dict[int, HtmlFacts]) -> None:
    """A link with an ``aria-label`` ("See note 3") is described by it (``/Contents``), not by
    WeasyPrint's default, the address it points to ("note-3")."""
    import pikepdf

    for element in _all_elements(root):
        f = facts.get(element.objgen[0])
        if f is None or not f.label or element.S != pikepdf.Name.Link:
            continue
        for kid in _kids(element):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
                kid.Obj.Contents = pikepdf.String(f.label)


def _reached(root) -> set[tuple[tuple[int, int], int]]:
    """(page object, MCID) of every marked-content sequence the tree reaches."""
    import pikepdf

    found = set()
    stack = [(k, None) for k in _kids(root) if _is_element(k)]
    while stack:
        element, page = stack.pop()
        page = element.get("/Pg", page)
        for kid in _kids(element):
            if isinstance(kid, int):
                if page is not None:
                    found.add((page.objgen, int(kid)))
            elif _is_element(kid):
                stack.append((kid, page))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
                where = kid.get("/Pg", page)
                if where is not None:
                    found.add((where.objgen, int(kid.MCID)))
    return found


def _artifacts_and_words(pdf, root, found: Recorded, layout: set[tuple[tuple[int, int], int]]) -> None:
    """Rewrite each page's content: unreached marked content becomes an artifact (a layout
    one for the ``layout`` MCIDs, the leaders; else a pagination one), hyphenated words get
    their ``/ActualText``; the parent tree forgets the artifacts."""

    reached = _reached(root)
    nums = root.ParentTree.get("/Nums")
    trees = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)} if nums is not None else {}
    words: dict[int, dict[int, dict[str, str]]] = {}
    for (index, mcid), job in _hyphenated_words(found).items():
        words.setdefault(index, {})[mcid] = job
    leaders: dict[tuple[int, int], set[int]] = {}
    for page_object, mcid in layout:
        leaders.setdefault(page_object, set()).add(mcid)
    for index, page in enumerate(pdf.pages):
        mine = words.get(index, {})
        unreached = {mcid for mcid in _mcids(page) if (page.obj.objgen, mcid) not in reached}
        if not unreached and not mine:
            continue
        devices = leaders.get(page.obj.objgen, set())
        _set_operations(pdf, page, _rewritten(page, unreached, mine, devices))
        parents = page.obj.get("/StructParents")
        mapping: Any = trees.get(int(parents)) if parents is not None else None
        for mcid in sorted(unreached) if mapping is not None else ():
            if mcid < len(mapping):
                mapping[mcid] = None


# The parsed content of each page of the PDF being read (by page object), while a pass that
# reads every page several times runs (:func:`_parsing`): a page's content is parsed once.
_parsed: ContextVar[dict[tuple[int, int], list[tuple[Any, str]]] | None] = ContextVar(
    "_parsed", default=None)


@contextmanager
def _parsing() -> Iterator[None]:
    token = _parsed.set({})
    try:
        yield
    finally:
        _parsed.reset(token)


def _operations(page) -> list[tuple[Any, str]]:
    """A page's content as (operands, operator name)."""
    import pikepdf

    cache = _parsed.get()
    if cache is not None and page.obj.objgen in cache:
        return cache[page.obj.objgen]
    ops = [(i.operands, str(i.operator)) for i in pikepdf.parse_content_stream(page)]
    if cache is not None:
        cache[page.obj.objgen] = ops
    return ops


def _set_operations(pdf, page, instructions: list) -> None:
    """Replace a page's content with ``instructions`` (and what :func:`_operations` knows)."""
    import pikepdf

    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    cache = _parsed.get()
    if cache is not None:
        cache[page.obj.objgen] = [(i.operands, str(i.operator)) for i in instructions]


def _mcid(operands, name: str) -> int | None:
    """The MCID a ``BDC`` opens, if any."""
    import pikepdf

    if name == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary) \
            and "/MCID" in operands[1]:
        return int(operands[1].MCID)
    return None


def _mcids(page) -> set[int]:
    return {m for operands, name in _operations(page) if (m := _mcid(operands, name)) is not None}


def _rewritten(page, unreached: set[int], words: dict[int, dict[str, str]], devices: set[int]) -> list:
    """The page's content, its ``unreached`` MCIDs made artifacts (those in ``devices``
    layout artifacts, the others pagination ones) and its broken ``words`` given their
    ``/ActualText``."""
    import pikepdf

    ops = _operations(page)
    fonts = {str(name): font for name, font in (page.Resources.get("/Font") or {}).items()}
    cmaps: dict[str, dict[int, str]] = {}
    out: list = []
    font = ""
    current: int | None = None
    shown: set[int] = set()
    last = _last_shows(ops)
    def artifact(kind: dict[str, str]) -> list:
        return [pikepdf.Name.Artifact, pikepdf.Dictionary({k: pikepdf.Name(v) for k, v in kind.items()})]

    for position, (operands, name) in enumerate(ops):
        opened = _mcid(operands, name)
        if opened is not None:
            current = opened
            if opened in unreached:
                out.append(pikepdf.ContentStreamInstruction(
                    artifact(LAYOUT if opened in devices else PAGINATION), pikepdf.Operator(name)))
                continue
        elif name == "EMC":
            current = None
        elif name == "Tf":
            font = str(operands[0])
        elif name == "TJ" and current in words:
            cmap = _cmap(cmaps, fonts, font)
            job = dict(words[current])
            if current in shown:
                job.pop("tail", None)  # a second piece starts the box's first TJ
            if position != last.get(current):
                job.pop("head", None)  # a first piece ends its last
            out.extend(_actual_text(operands, cmap, job))
            shown.add(current)
            continue
        out.append(pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(name)))
    return out


def _last_shows(ops: list[tuple[Any, str]]) -> dict[int, int]:
    """The position of the last ``TJ`` in each marked-content sequence (by MCID)."""
    found: dict[int, int] = {}
    current: int | None = None
    for position, (operands, name) in enumerate(ops):
        opened = _mcid(operands, name)
        if opened is not None:
            current = opened
        elif name == "EMC":
            current = None
        elif name == "TJ" and current is not None:
            found[current] = position
    return found


def _hyphenated_words(found: Recorded) -> dict[tuple[int, int], dict[str, str]]:
    """For each text box that ends the first piece of a word broken at a line end, or starts
    its second piece: {"head": …} or {"tail": …}, or both.

    A word WeasyPrint hyphenated reads without the hyphen it added: its first piece reads
    with a plain hyphen ("Stepana-"), which text extractors (poppler, PDFium) take for a
    line-end hyphen, drop, and join the lines over; the U+2010 hyphen WeasyPrint draws they do
    not. (The whole word on the first piece and an empty text on the second did for poppler,
    but PDFium ignores an empty /ActualText and read "Stepanakert⏎kert".) A word broken after
    a hyphen of its own ("Armenian-⏎backed") keeps it: its first piece reads as the whole word
    and its second as nothing, as extractors would drop that hyphen and make "Armenianbacked".
    """
    order = sorted(found.texts)
    words: dict[tuple[int, int], dict[str, str]] = {}
    for i, key in enumerate(order):
        facts = found.texts[key]
        if not (facts.hyphenated or facts.hyphen):
            continue
        nxt = next((order[j] for j in range(i + 1, len(order)) if found.texts[order[j]].text.strip()), None)
        if nxt is None:
            continue
        following = found.texts[nxt]
        if nxt[0] == key[0] and following.top <= facts.top + 0.5:
            continue  # the word goes on in the same line (another box): not broken
        head = re.search(r"\w+[-\u2010]?$" if facts.hyphen else r"\w+$",
                         facts.text if facts.hyphen else facts.text[:-1])
        tail = re.match(r"\w+", following.text)
        if head is None or tail is None:
            continue
        if facts.hyphenated:
            words.setdefault(key, {})["head"] = head.group(0) + "-"
            continue
        word = head.group(0) + tail.group(0)
        words.setdefault(key, {})["head"] = word
        words.setdefault(nxt, {})["tail"] = word
    return words


def _actual_text(operands, cmap: dict[int, str], job: dict[str, str]) -> list:
    """The ``TJ`` of a box that ends or starts a broken word, cut so that the word's first
    piece ("head") is in a ``/Span`` whose ``/ActualText`` is the whole word and its second
    piece ("tail") in one with an empty ``/ActualText``."""
    import pikepdf

    codes = _codes(operands, 2, cmap)
    start = 0
    if "tail" in job:
        while start < len(codes) and _LETTER.match(codes[start][1] or " "):
            start += 1
    end = len(codes)
    if "head" in job:
        if end > start and codes[end - 1][1] in ("-", "\u2010"):
            end -= 1
        while end > start and _LETTER.match(codes[end - 1][1] or " "):
            end -= 1

    def show(array) -> pikepdf.ContentStreamInstruction:
        return pikepdf.ContentStreamInstruction([array], pikepdf.Operator("TJ"))

    def marked(array, text: str) -> list:
        span = [pikepdf.Name.Span, pikepdf.Dictionary(ActualText=pikepdf.String(text))]
        return [pikepdf.ContentStreamInstruction(span, pikepdf.Operator("BDC")), show(array),
                pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))]

    out: list = []
    rest = operands
    if start:
        tail, after = _split_tj(rest, 2, start)
        out += marked(tail, " ")
        rest, end = [after], end - start
    if "head" in job and end < len(_codes(rest, 2, cmap)):
        before, head = _split_tj(rest, 2, end)
        if len(before):
            out.append(show(before))
        out += marked(head, job["head"])
    elif len(rest[0]) if isinstance(rest[0], pikepdf.Array) else True:
        out.append(show(rest[0]))
    return out


# --- what each glyph stands for -------------------------------------------------------------


def _fonts(pdf) -> Iterator:
    """Every composite (Type0) font the pages use, once."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for font in (page.Resources.get("/Font") or {}).values():
            if font.objgen not in seen and font.get("/Subtype") == "/Type0" and "/ToUnicode" in font:
                seen.add(font.objgen)
                yield font


def _widths(font) -> dict[int, float]:
    """A composite font's glyph widths (its descendant's ``/W`` array)."""
    import pikepdf

    array = list(font.DescendantFonts[0].get("/W") or [])
    widths: dict[int, float] = {}
    i = 0
    while i + 1 < len(array):
        first = int(array[i])
        if isinstance(array[i + 1], pikepdf.Array):
            widths.update((first + j, float(w)) for j, w in enumerate(array[i + 1]))
            i += 2
        else:
            widths.update((g, float(array[i + 2])) for g in range(first, int(array[i + 1]) + 1))
            i += 3
    return widths


def _marks_with_letters(font) -> dict[int, str]:
    """The glyphs of ``font`` that have no width (a mark drawn on its own) but whose
    ``/ToUnicode`` text has letters besides marks, and the marks alone."""
    widths = _widths(font)
    found = {}
    for glyph, text in to_unicode(font).items():
        marks = "".join(c for c in text if unicodedata.category(c) in ("Mn", "Me"))
        if marks and marks != text and widths.get(glyph, 1.0) == 0:
            found[glyph] = marks
    return found


def _remap(font, texts: dict[int, str]) -> None:
    """Give glyphs of ``font`` new texts in its ``/ToUnicode`` map (WeasyPrint writes one
    ``bfchar`` pair a line: the glyph's line is replaced)."""
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    for glyph, text in sorted(texts.items()):
        line = f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>"
        cmap = re.sub(rf"(?m)^<0*{glyph:x}>[ \t]*<[0-9a-fA-F]*>", line, cmap, flags=re.I)
    font.ToUnicode.write(cmap.encode("latin-1"))


def _marks_alone(pdf) -> None:
    """A mark drawn as a glyph of its own (an Arabic vowel sign: no width) stands for the mark
    alone. WeasyPrint gives the first glyph of a cluster the cluster's text: when that glyph
    is the mark ("أُ", alef with hamza and damma), the mark glyph says "أُ" wherever it is drawn,
    and "قُتل" reads back "ُأقتل", "أُبلغ" "أُأبلغ"."""
    for font in _fonts(pdf):
        fixes = _marks_with_letters(font)
        if not fixes:
            continue
        _remap(font, fixes)


def _presentation_forms() -> dict[str, str]:
    """Letters of the Arabic script and the one ligature character (its isolated form) that
    stands for them: "لا" → U+FEFB."""
    forms: dict[str, str] = {}
    for code in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        name = unicodedata.name(chr(code), "")
        letters = unicodedata.normalize("NFKC", chr(code))
        if "LIGATURE" in name and len(letters) > 1 and ("ISOLATED" in name or letters not in forms):
            forms[letters] = chr(code)
    return forms


def _ligatures_as_one(pdf) -> None:
    """Each glyph that stands for an Arabic ligature reads as its presentation form (see the
    module's docstring): its ``/ToUnicode`` text of two letters becomes one character."""
    forms: dict[str, str] | None = None
    for font in _fonts(pdf):
        texts = to_unicode(font)
        if not any(len(t) > 1 and "\u0600" <= t[0] <= "\u06ff" for t in texts.values()):
            continue
        forms = forms or _presentation_forms()
        fixes = {glyph: forms[t] for glyph, t in texts.items() if len(t) > 1 and t in forms}
        if not fixes:
            continue
        _remap(font, fixes)


def _glyph_texts(pdf, found: Recorded) -> None:
    """A glyph drawn for another character than the one its font's map gives it gets that
    character as ``/ActualText`` where it is drawn so: a bracket in right-to-left text is drawn
    with its mirror's glyph ("(" as ")"), which the map says is ")" if ")" came first.

    Which drawings those are was noted while WeasyPrint drew (:class:`_Shown`): the n-th
    drawing of a glyph in a font; the pages' content is read only when there are some, and
    glyphs inside an ``/ActualText`` already (a hyphenated word) are left."""

    unsure = found.unsure()
    wanted = {key: text for key, text in found.shown.items() if key[0] not in unsure}
    if not wanted:
        return
    drawn: dict[tuple[str, int], int] = {}
    for page in pdf.pages:
        fonts = {str(name): font for name, font in (page.Resources.get("/Font") or {}).items()}
        out, changed = _page_glyph_texts(page, fonts, wanted, drawn)
        if changed:
            _set_operations(pdf, page, out)


def _page_glyph_texts(page, fonts: dict, wanted: dict[tuple[str, int, int], str],
                      drawn: dict[tuple[str, int], int]) -> tuple[list, bool]:
    """One page of :func:`_glyph_texts`: its content, and whether it changed. ``drawn``
    counts the drawings of each glyph so far."""
    import pikepdf

    out: list = []
    changed = False
    font = ""
    cmaps: dict[str, dict[int, str]] = {}
    actual: list[bool] = []  # for each open marked content: has it an /ActualText
    for operands, name in _operations(page):
        if name in ("BDC", "BMC"):
            actual.append(_actual(operands, name) is not None)
        elif name == "EMC" and actual:
            actual.pop()
        elif name == "Tf":
            font = str(operands[0])
        elif name == "TJ" and font in fonts:
            cmap = _cmap(cmaps, fonts, font)
            fixes: dict[int, str] = {}
            for index, (code, text) in enumerate(_codes(operands, 2, cmap)):
                count = drawn.get((font, code), 0)
                drawn[(font, code)] = count + 1
                said = wanted.get((font[1:], code, count))
                if said is not None and said != text and not any(actual):
                    fixes[index] = said
            if fixes:
                out += _glyph_spans(operands, fixes)
                changed = True
                continue
        out.append(pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(name)))
    return out, changed


def _glyph_spans(operands, fixes: dict[int, str]) -> list:
    """A ``TJ`` cut so that each glyph of ``fixes`` (by its place) is shown alone, in a
    ``/Span`` whose ``/ActualText`` is the character it stands for there."""
    import pikepdf

    def show(array) -> pikepdf.ContentStreamInstruction:
        return pikepdf.ContentStreamInstruction([array], pikepdf.Operator("TJ"))

    out: list = []
    rest, done = operands, 0
    for index in sorted(fixes):
        before, after = _split_tj(rest, 2, index - done)
        glyph, after = _split_tj([after], 2, 1)
        if len(before):
            out.append(show(before))
        out += [_span_start(fixes[index]), show(glyph),
                pikepdf.ContentStreamInstruction([], pikepdf.Operator("EMC"))]
        rest, done = [after], index + 1
    if len(rest[0]):
        out.append(show(rest[0]))
    return out


def _span_start(text: str):
    """``BDC`` of a ``/Span`` whose ``/ActualText`` is ``text``."""
    import pikepdf

    span = [pikepdf.Name.Span, pikepdf.Dictionary(ActualText=pikepdf.String(text))]
    return pikepdf.ContentStreamInstruction(span, pikepdf.Operator("BDC"))


# --- reading it back (communique verify) -------------------------------------------------------


def marked_texts(pdf) -> dict[tuple[tuple[int, int], int], str]:
    """The text of every marked-content sequence, by (page object, MCID), as its fonts'
    ``/ToUnicode`` maps say; an ``/ActualText`` stands for what it marks."""
    found: dict[tuple[tuple[int, int], int], str] = {}
    for page in pdf.pages:
        for mcid, text in _page_texts(page):
            key = (page.obj.objgen, mcid)
            found[key] = found.get(key, "") + text
    return found


def _page_texts(page) -> Iterator[tuple[int, str]]:
    """(MCID, text) for each piece of text a page shows, in the order it shows them."""
    fonts = {str(name): font for name, font in (page.Resources.get("/Font") or {}).items()}
    cmaps: dict[str, dict[int, str]] = {}
    stack: list[tuple[int | None, str | None]] = []  # open marked content: (MCID, ActualText)
    font = ""
    for operands, name in _operations(page):
        owner = next((m for m, _ in reversed(stack) if m is not None), None)
        if name in ("BDC", "BMC"):
            stack.append((_mcid(operands, name), _actual(operands, name)))
            owner = next((m for m, _ in reversed(stack) if m is not None), None)
            if stack[-1][1] is not None and owner is not None:
                yield owner, str(stack[-1][1])
        elif name == "EMC" and stack:
            stack.pop()
        elif name == "Tf":
            font = str(operands[0])
        elif name in ("TJ", "Tj") and owner is not None and all(a is None for _, a in stack):
            cmap = _cmap(cmaps, fonts, font)
            yield owner, "".join(t for _, t in _codes(operands, 2, cmap))


def _actual(operands, name: str) -> str | None:
    """The ``/ActualText`` a ``BDC`` opens, if any."""
    import pikepdf

    props = operands[1] if name == "BDC" and len(operands) == 2 else None
    if isinstance(props, pikepdf.Dictionary) and "/ActualText" in props:
        return str(props.ActualText)
    return None


def structure_problems(data: bytes, *, notes: int | None = None,
                       languages: Iterable[str] | None = None) -> list[str]:
    """What a screen reader would miss in the structure of ``data``: every note a ``Note``
    with a unique ``/ID``, its ``Lbl`` the number of the call it follows; reading order the
    order of the pages; ``/Alt`` on every ``Figure``, ``/Scope`` on every ``TH``; no leader
    (a row of dots) in the tree; every ``/Lang`` a language tag; every piece of marked
    content either reached by the tree or an artifact. ``notes``: how many notes the edition
    has; ``languages``: the languages other than the document's that its HTML marks on text
    in the tree, each of which must be some element's ``/Lang``."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf, _parsing():
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return ["no structure tree"]
        reader = _Reader(pdf)
        for kid in _kids(root):
            if _is_element(kid):
                reader.visit(kid, root, None, False, (0, 0))
        problems, ids = reader.problems, reader.ids
        if notes is not None and len(ids) != notes:
            problems.append(f"{len(ids)} Note element(s) in the structure tree, {notes} note(s) printed")
        if any(not i for i in ids):
            problems.append("a Note has no /ID")
        if len(set(ids)) != len(ids):
            problems.append("two Note elements share an /ID")
        problems += _order_problems(reader.order, _positions(pdf))
        for font in _fonts(pdf):
            if marks := _marks_with_letters(font):
                glyph = min(marks)
                problems.append(f"font {str(font.get('/BaseFont', '?')).lstrip('/')}: the mark glyph "
                                f"{glyph} reads as '{to_unicode(font)[glyph]}', a letter with it: copied "
                                "text doubles or moves that letter")
        for missing in sorted(set(languages or ()) - reader.languages):
            problems.append(f"text the HTML marks as '{missing}' has no /Lang '{missing}' in the "
                            "structure tree: a screen reader reads it in the document's language")
        reached = {(reader.pages.get(objgen, 0), mcid) for objgen, mcid in _reached(root)}
        for number, page in enumerate(pdf.pages, 1):
            loose = sorted(m for m in _mcids(page) if (number, m) not in reached)
            if loose:
                problems.append(f"page {number}: content (MCID {loose[0]}) is neither in the "
                                "structure tree nor an artifact")
        return problems


class _Reader:
    """A walk through a structure tree that notes what :func:`structure_problems` checks."""

    def __init__(self, pdf):
        self.texts = marked_texts(pdf)
        self.pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.order: list[tuple[int, int, tuple[int, int]]] = []  # page, MCID, its paragraph
        self.leaders: set[int] = set()  # pages with a leader in the tree
        self.languages: set[str] = set()  # the /Lang of elements
        self._texts: dict[tuple[int, int], str] = {}  # text(), by element

    def text(self, element, page=None) -> str:
        """The element's text; remembered, as every element's text is asked for on the walk
        (each level of a deep tree would read its whole subtree again)."""
        key = element.objgen
        if key != (0, 0) and key in self._texts:
            return self._texts[key]
        page = element.get("/Pg", page)
        out = ""
        for kid in _kids(element):
            if isinstance(kid, int) and page is not None:
                out += self.texts.get((page.objgen, int(kid)), "")
            elif _is_element(kid):
                out += self.text(kid, page)
        if key != (0, 0):
            self._texts[key] = out
        return out

    def visit(self, element, parent, page, in_note: bool, block: tuple[int, int]) -> None:
        page = element.get("/Pg", page)
        kind = str(element.S)
        block = element.objgen if kind in BLOCKS else block
        self.check(element, parent, page, kind)
        in_note = in_note or kind == "/Note"
        for kid in _kids(element):
            if isinstance(kid, int) and page is not None and not in_note:
                self.order.append((self.pages.get(page.objgen, 0), int(kid),
                                   block if block != (0, 0) else element.objgen))
            elif _is_element(kid):
                self.visit(kid, element, page, in_note, block)

    def check(self, element, parent, page, kind: str) -> None:
        import pikepdf

        if kind == "/Note":
            self.ids.append(str(element.get("/ID", "")))
            _check_note(element, parent, self.text, self.problems)
        elif kind == "/Figure" and not str(element.get("/Alt", "")).strip():
            where = self.pages.get(page.objgen) if page is not None else "?"
            self.problems.append(f"page {where}: a figure has no alternative text (/Alt)")
        elif kind == "/TH":
            attributes = element.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary) or "/Scope" not in attributes:
                self.problems.append("a table header (TH) has no /Scope")
        if "/Lang" in element:
            tag = str(element.Lang)
            self.languages.add(tag)
            if not _LANGUAGE_TAG.fullmatch(tag):
                self.problems.append(f"/Lang '{tag}' of a {kind[1:]} element is not a language tag")
        where = self.pages.get(page.objgen, 0) if page is not None else 0
        if where not in self.leaders and _LEADER.fullmatch(self.text(element, page)):
            self.leaders.add(where)
            self.problems.append(f"page {where}: a leader (a row of dots) is in the structure tree, "
                                 "read out by a screen reader: it should be an artifact")


def _positions(pdf) -> dict[tuple[int, int], float]:
    """Where on its page (points from the top) the first text of each marked-content sequence
    is drawn, by (page number, MCID): the visual order the structure tree's order is compared
    with (WeasyPrint draws a positioned box, a raised note call, after the text around it)."""

    found: dict[tuple[int, int], float] = {}
    for number, page in enumerate(pdf.pages, 1):
        height = float(page.MediaBox[3]) - float(page.MediaBox[1])
        ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        saved: list[tuple[float, ...]] = []
        mcid: int | None = None
        for operands, name in _operations(page):
            if name == "q":
                saved.append(ctm)
            elif name == "Q" and saved:
                ctm = saved.pop()
            elif name == "cm":
                a, b, c, d, e, f = (float(v) for v in operands)
                A, B, C, D, E, F = ctm
                ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                       e * A + f * C + E, e * B + f * D + F)
            elif _mcid(operands, name) is not None:
                mcid = _mcid(operands, name)
            elif name == "EMC":
                mcid = None
            elif name == "Tm" and mcid is not None and (number, mcid) not in found:
                x, y = float(operands[4]), float(operands[5])
                A, B, C, D, E, F = ctm
                found[(number, mcid)] = height - (x * B + y * D + F)
    return found


def _order_problems(order: list[tuple[int, int, tuple[int, int]]],
                    tops: dict[tuple[int, int], float]) -> list[str]:
    """The tree's order of the text (notes aside) against the pages: never back to an earlier
    page, and inside a paragraph (heading, list item, table cell) from the top down. (Blocks
    side by side, as two addressees or table cells, may each start higher than the last
    ended; a raised note call may sit a few points above its line.)"""
    tolerance = 6.0  # points
    last: tuple[int, float, tuple[int, int]] | None = None
    for page, mcid, block in order:
        top = tops.get((page, mcid))
        if last is not None and page < last[0]:
            return [f"reading order: text of page {page} (MCID {mcid}) is read after page {last[0]}"]
        if top is None:
            continue
        if last is not None and page == last[0] and block == last[2] and top < last[1] - tolerance:
            return [f"reading order: page {page}'s text (MCID {mcid}) is read after the text below it"]
        last = (page, max(top, last[1]) if last and (last[0], last[2]) == (page, block) else top, block)
    return []


def _check_note(note, parent, text, problems: list[str]) -> None:
    """A note's label, and the call it follows."""
    name = str(note.get("/ID", "")) or "a note"
    labels = [k for k in _kids(note) if _is_element(k) and str(k.S) == "/Lbl"]
    if not labels:
        problems.append(f"{name}: no label (Lbl) with its number")
        return
    siblings = _kids(parent)
    at = next((i for i, k in enumerate(siblings) if _is_element(k) and k.objgen == note.objgen), 0)
    call = siblings[at - 1] if at > 0 else None
    if call is None or not _is_element(call) or str(call.S) not in ("/Reference", "/Link"):
        if str(parent.S) != "/Document":  # a note whose call is not in the tree sits at the end
            problems.append(f"{name}: not placed right after its call")
        return
    label, called = text(labels[0]).strip(), text(call).strip()
    if label != called:
        problems.append(f"{name}: its label reads '{label}', its call '{called}'")
