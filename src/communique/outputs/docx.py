"""The Word edition: ``build/<slug>/<lang>/<slug>-<lang>.docx``, for partners, journalists and
translators who work in Word.

It is made from the print HTML (the same template, the same note numbers as the PDF), walked
element by element into a Word document with python-docx: the title block, headings,
paragraphs, lists, the incidents, the calls, the background and tables; each note is a real
Word footnote (``w:footnoteReference`` in the text, its text in ``word/footnotes.xml``),
numbered by Word in the order of the calls, which is the order the PDF numbers them in. A note
called again (the ``same-number`` rule) has one footnote and a superscript number at its
later calls, since a Word footnote has exactly one reference.

python-docx writes paragraphs, runs, styles, tables, footers and core properties but has no
footnotes API, so :class:`WordWriter` adds the footnotes part through python-docx's own OPC
layer (an ``XmlPart`` related to the document part), as the Office Open XML standard lays it
out. The edition's language is set on the document's default run properties and in the core
properties; a right-to-left edition (Arabic) has every paragraph ``w:bidi`` and its Arabic
runs ``w:rtl``. The footer carries the running footer of the PDF (the organisation's name)
and the page number. Images and charts are not embedded (an SVG has no place in a .docx
without a bitmap copy): their alt text and caption stand in their place.

The file is reproducible: the zip entries carry the statement's date, never the time of the
build, and the core properties take their dates from the statement too.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from communique.outputs.base import EditionContext, Made, Steps

if TYPE_CHECKING:
    from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_SPACE = re.compile(r"\s+")
HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3",
                  "h5": "Heading 4", "h6": "Heading 5"}
_SKIPPED_CLASSES = {"running-footer", "visually-hidden", "toc", "note-number"}


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


class WordWriter:
    """A Word document being written: python-docx plus the footnotes part it lacks.

    ``lang`` is the document's language (``w:lang``); ``rtl`` makes every paragraph
    right-to-left; ``fonts`` are the families for Latin/Cyrillic (``ascii``) and
    complex-script (``cs``) text.
    """

    def __init__(self, lang: str, *, rtl: bool = False, font: str = "Noto Sans",
                 cs_font: str = "Noto Sans Arabic") -> None:
        import docx
        from docx.enum.style import WD_STYLE_TYPE
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml import parse_xml
        from docx.shared import Pt

        self.lang, self.rtl = lang, rtl
        self.doc = docx.Document()
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()):  # python-docx's own picture of its template
            if rel.reltype == RT.THUMBNAIL:
                package.rels.pop(rid)
        styles = self.doc.styles
        note_text = styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH)
        note_text.base_style = styles["Normal"]
        note_text.font.size = Pt(9)
        note_text.paragraph_format.space_after = Pt(2)
        note_ref = styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
        note_ref.font.superscript = True
        link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.underline = True
        self.note_text_id, self.note_ref_id = note_text.style_id, note_ref.style_id
        self.link_id = link.style_id
        self._defaults(font, cs_font)
        self.footnotes = parse_xml(
            f'<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/>'
            '</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
            '</w:footnote></w:footnotes>')
        self.notes_part = XmlPart(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, self.footnotes,
                                  package)
        self.doc.part.relate_to(self.notes_part, RT.FOOTNOTES)
        settings = self.doc.settings.element
        footnote_pr = parse_xml(f'<w:footnotePr xmlns:w="{W_NS}"><w:footnote w:id="-1"/>'
                                '<w:footnote w:id="0"/></w:footnotePr>')
        anchor = settings.find(_w("characterSpacingControl"))
        if anchor is not None:  # (the schema's order: footnotePr comes after it)
            anchor.addnext(footnote_pr)
        else:
            settings.append(footnote_pr)
        self.count = 0

    def _defaults(self, font: str, cs_font: str) -> None:
        """The document's language and fonts, on the default run properties every style inherits."""
        from docx.oxml import OxmlElement

        styles = self.doc.styles.element
        defaults = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
        if defaults is None:
            return
        for tag in ("rFonts", "lang"):
            old = defaults.find(_w(tag))
            if old is not None:
                defaults.remove(old)
        fonts = OxmlElement("w:rFonts")
        for slot in ("ascii", "hAnsi", "eastAsia"):
            fonts.set(_w(slot), font)
        fonts.set(_w("cs"), cs_font)
        defaults.insert(0, fonts)
        lang = OxmlElement("w:lang")
        lang.set(_w("val"), self.lang)
        lang.set(_w("eastAsia"), self.lang)
        lang.set(_w("bidi"), self.lang if self.rtl else "ar-SA")
        defaults.append(lang)

    # -- paragraphs and runs ------------------------------------------------------------------

    def paragraph(self, style: str | None = None, parent: Any = None) -> etree._Element:
        """A new paragraph at the end of the body (or of ``parent``, a cell or a footnote)."""
        from docx.oxml import OxmlElement

        if parent is None:
            p = self.doc.add_paragraph(style=style)._p
        else:
            p = OxmlElement("w:p")
            parent.append(p)
            if style:
                self._style(p, self.doc.styles[style].style_id)
        if self.rtl:
            ppr = p.get_or_add_pPr()
            ppr.append(OxmlElement("w:bidi"))
        return p

    def _style(self, p: Any, style_id: str) -> None:
        from docx.oxml import OxmlElement

        ppr = p.get_or_add_pPr()
        style = OxmlElement("w:pStyle")
        style.set(_w("val"), style_id)
        ppr.insert(0, style)

    def run(self, parent: Any, text: str, *, bold: bool = False, italic: bool = False,
            superscript: bool = False, char_style: str | None = None) -> etree._Element:
        """A run of text appended to ``parent`` (a paragraph or a hyperlink)."""
        from docx.oxml import OxmlElement

        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        if char_style:
            style = OxmlElement("w:rStyle")
            style.set(_w("val"), char_style)
            rpr.append(style)
        if bold:
            rpr.append(OxmlElement("w:b"))
            rpr.append(OxmlElement("w:bCs"))
        if italic:
            rpr.append(OxmlElement("w:i"))
            rpr.append(OxmlElement("w:iCs"))
        if superscript:
            align = OxmlElement("w:vertAlign")
            align.set(_w("val"), "superscript")
            rpr.append(align)
        if self.rtl and _RTL_CHARS.search(text):
            rpr.append(OxmlElement("w:rtl"))
        if len(rpr):
            r.append(rpr)
        t = OxmlElement("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        r.append(t)
        parent.append(r)
        return r

    def line_break(self, parent: Any) -> None:
        from docx.oxml import OxmlElement

        r = OxmlElement("w:r")
        r.append(OxmlElement("w:br"))
        parent.append(r)

    def hyperlink(self, parent: Any, url: str, in_note: bool = False) -> etree._Element:
        """A hyperlink element appended to ``parent``; its runs are added by the caller."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import OxmlElement

        part = self.notes_part if in_note else self.doc.part
        rid = part.relate_to(url, RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(f"{{{R_NS}}}id", rid)
        parent.append(link)
        return link

    def footnote(self, parent: Any) -> etree._Element:
        """A new footnote called here (a reference run appended to ``parent``); returns the
        footnote's first paragraph, which already holds Word's number (``w:footnoteRef``)."""
        from docx.oxml import OxmlElement

        self.count += 1
        number = str(self.count)
        r = OxmlElement("w:r")
        rpr = OxmlElement("w:rPr")
        style = OxmlElement("w:rStyle")
        style.set(_w("val"), self.note_ref_id)
        rpr.append(style)
        r.append(rpr)
        ref = OxmlElement("w:footnoteReference")
        ref.set(_w("id"), number)
        r.append(ref)
        parent.append(r)
        note = OxmlElement("w:footnote")
        note.set(_w("id"), number)
        self.footnotes.append(note)
        p = OxmlElement("w:p")
        note.append(p)
        self._style(p, self.note_text_id)
        if self.rtl:
            p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        mark = OxmlElement("w:r")
        mark_pr = OxmlElement("w:rPr")
        mark_style = OxmlElement("w:rStyle")
        mark_style.set(_w("val"), self.note_ref_id)
        mark_pr.append(mark_style)
        mark.append(mark_pr)
        mark.append(OxmlElement("w:footnoteRef"))
        p.append(mark)
        self.run(p, " ")
        return p

    def footer(self, text: str) -> None:
        """The running footer of every page: ``text``, then the page number."""
        from docx.oxml import OxmlElement

        footer = self.doc.sections[0].footer
        p = footer.paragraphs[0]._p
        if self.rtl:
            p.get_or_add_pPr().append(OxmlElement("w:bidi"))
        if text:
            self.run(p, text + "\u2003")
        for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None),
                                  (None, "1"), ("end", None)):
            r = OxmlElement("w:r")
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(_w("fldCharType"), kind)
                r.append(char)
            elif instruction == " PAGE ":
                code = OxmlElement("w:instrText")
                code.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                code.text = instruction
                r.append(code)
            else:
                t = OxmlElement("w:t")
                t.text = instruction
                r.append(t)
            p.append(r)

    def properties(self, *, title: str, date: dt.date, author: str = "", subject: str = "",
                   keywords: str = "") -> None:
        """The core properties Word shows under File > Info: dates are the statement's."""
        props = self.doc.core_properties
        title, subject, keywords, author = (_clip(t) for t in (title, subject, keywords, author))
        moment = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
        props.title, props.language, props.subject = title, self.lang, subject
        props.author = props.last_modified_by = author
        props.keywords, props.comments, props.category = keywords, "", ""
        props.created = props.modified = moment
        props.revision = 1

    def save(self, date: dt.date) -> bytes:
        """The .docx as bytes, its zip entries dated ``date`` (the same bytes on every build)."""
        raw = io.BytesIO()
        self.doc.save(raw)
        stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
        out = io.BytesIO()
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zipped:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=stamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = 0o644 << 16
                zipped.writestr(entry, source.read(info))
        return out.getvalue()


class _Converter:
    """Walks the print HTML of an edition into a :class:`WordWriter`."""

    def __init__(self, writer: WordWriter) -> None:
        self.w = writer
        self.footer = ""
        self.noted: dict[str, int] = {}  # note element id -> Word footnote number
        self._pending: Any = None  # the paragraph of a call whose footnote comes next

    def body(self, root: etree._Element) -> None:
        body = root.find("body")
        self.blocks(body if body is not None else root, None)

    def blocks(self, element: etree._Element, parent: Any, style: dict | None = None) -> None:
        """Each child of a container as paragraphs (``parent``: a table cell, else the body).

        Text and inline elements directly inside the container, between its blocks, are
        gathered (``loose``) and become one paragraph each time a block interrupts them.
        """
        style = _container_style(element, style)
        loose: list = []  # inline content directly inside a container: one paragraph
        if element.text and element.text.strip():
            loose.append(element.text)
        for child in element:
            if self._loose(child, loose):
                continue
            if loose:
                self.paragraph_of(loose, parent, None, style)
                loose = []
            self.block(child, parent, style)
            loose += _tail(child)
        if loose:
            self.paragraph_of(loose, parent, None, style)

    def _loose(self, child: etree._Element, loose: list) -> bool:
        """Whether ``child`` belongs to the loose inline content (added to ``loose`` with its
        tail) rather than being a block: a comment, a skipped element (the running footer is
        kept for the page footer) or an inline element."""
        if not isinstance(child.tag, str):
            loose += _tail(child)
            return True
        if _skipped(child):
            if "running-footer" in (child.get("class") or ""):
                self.footer = _text(child)
            loose += _tail(child)
            return True
        if child.tag in _INLINE:
            loose.append(child)
            loose += _tail(child)
            return True
        return False

    def block(self, element: etree._Element, parent: Any, style: dict) -> None:
        tag = element.tag
        classes = set((element.get("class") or "").split())
        if tag in HEADING_STYLES:
            self.paragraph_of([element], parent, HEADING_STYLES[tag], style, unwrap=True)
        elif tag == "p":
            name = ("Subtitle" if "subtitle" in classes else
                    "Caption" if "table-note" in classes else None)
            self.paragraph_of([element], parent, name, style, unwrap=True)
        elif tag in ("ul", "ol"):
            for number, item in enumerate(element.findall("li"), int(element.get("start") or 1)):
                self.list_item(item, parent, tag == "ol", number, style)
        elif tag == "table":
            self.table(element, parent)
        elif tag in ("figcaption", "caption"):
            self.paragraph_of([element], parent, "Caption", style, unwrap=True)
        elif tag == "img":
            self.picture(element.get("alt") or "", parent)
        elif tag == "svg" or element.get("role") == "img":
            title = element.find(".//{http://www.w3.org/2000/svg}title")
            label = _text(title) if title is not None else element.get("aria-label") or ""
            self.picture(label, parent)
        elif tag == "address":
            self.paragraph_of([element], parent, None, style, unwrap=True)
        else:  # section, div, header, main, article, figure, blockquote…
            self.blocks(element, parent, style)

    def list_item(self, item: etree._Element, parent: Any, numbered: bool, number: int,
                  style: dict) -> None:
        """A list item: a bulleted paragraph, or one that starts with its number (Word's
        automatic numbering would run on from one list to the next)."""
        inline = [item.text or ""] + [c for c in item if not isinstance(c.tag, str) or c.tag in _INLINE
                                      or c.tag == "p"]
        nested = [c for c in item if isinstance(c.tag, str) and c.tag in ("ul", "ol")]
        p = self.w.paragraph("List Bullet" if not numbered else "List Number", parent)
        if numbered:
            p.pPr.remove(p.pPr.find(_w("pStyle")))
            self.w._style(p, self.w.doc.styles["List"].style_id)
            self.w.run(p, f"{number}.\t")
        for part in inline:
            if isinstance(part, str):
                self.inline_text(p, part, style)
            else:
                self.inline(p, part, style)
                if part.tail:
                    self.inline_text(p, part.tail, style)
        _trim(p)
        for sub in nested:
            self.block(sub, parent, style)

    def paragraph_of(self, parts: list, parent: Any, name: str | None, style: dict, *,
                     unwrap: bool = False) -> None:
        p = self.w.paragraph(name, parent)
        for part in parts:
            if isinstance(part, str):
                self.inline_text(p, part, style)
            elif unwrap:
                if part.text:
                    self.inline_text(p, part.text, style)
                for child in part:
                    self.inline(p, child, style)
                    if child.tail:
                        self.inline_text(p, child.tail, style)
            else:
                self.inline(p, part, style)
        _trim(p)

    def inline_text(self, p: Any, text: str, style: dict) -> None:
        text = _SPACE.sub(" ", text)
        if text:
            self.w.run(p, text, bold=style.get("bold", False), italic=style.get("italic", False),
                       superscript=style.get("sup", False), char_style=style.get("char"))

    def inline(self, p: Any, element: etree._Element, style: dict) -> None:
        """An inline element and its children as runs of ``p``."""
        if not isinstance(element.tag, str):
            return
        tag = element.tag
        classes = set((element.get("class") or "").split())
        if _skipped(element):
            return
        if tag == "br":
            self.w.line_break(p)
            return
        if "note-call" in classes:
            self.call(p, element)
            return
        if "footnote" in classes:
            self.note(element)
            return
        style = dict(style)
        if tag in ("strong", "b"):
            style["bold"] = True
        elif tag in ("em", "i", "cite"):
            style["italic"] = True
        elif tag == "sup":
            style["sup"] = True
        target = p
        href = element.get("href") or ""
        if tag == "a" and href.startswith(("http://", "https://", "mailto:")):
            target = self.w.hyperlink(p, href, in_note=style.get("note", False))
            style["char"] = self.w.link_id
        if element.text:
            self.inline_text(target, element.text, style)
        for child in element:
            self.inline(target, child, style)
            if child.tail:
                self.inline_text(target, child.tail, style)

    def call(self, p: Any, call: etree._Element) -> None:
        """A note call: the footnote's reference at its first call (its text is the span that
        follows, see partials/notes.html.j2); a later call of the same note (the same-number
        rule) is its number in superscript."""
        target = (call.get("href") or "").lstrip("#")
        after = call.getnext()
        if target in self.noted or after is None or after.get("id") != target:
            self.w.run(p, str(self.noted.get(target) or (call.text or "").strip()), superscript=True)
            return
        self._pending = p

    def note(self, span: etree._Element) -> None:
        """The text of a footnote (the span after its call) into a Word footnote."""
        p, self._pending = self._pending, None
        if p is None:
            return
        note = self.w.footnote(p)
        self.noted[span.get("id") or ""] = self.w.count
        style = {"note": True}
        if span.text and span.text.strip():
            self.inline_text(note, span.text.lstrip(), style)
        first = True
        for child in span:
            if "note-number" in (child.get("class") or "").split():
                if child.tail:
                    text = child.tail.lstrip() if first else child.tail
                    self.inline_text(note, text, style)
                first = False
                continue
            self.inline(note, child, style)
            if child.tail:
                self.inline_text(note, child.tail, style)
        _trim(note, keep_first=2)

    def table(self, table: etree._Element, parent: Any) -> None:
        rows = list(table.iter("tr"))
        if not rows:
            return
        width = max(len(tr.findall("th") + tr.findall("td")) for tr in rows)
        caption = table.find("caption")
        if caption is not None:
            self.paragraph_of([caption], parent, "Caption", {}, unwrap=True)
        if parent is not None:  # (no tables inside tables)
            self.blocks(table, parent)
            return
        grid = self.w.doc.add_table(rows=len(rows), cols=width)
        grid.style = self.w.doc.styles["Table Grid"]
        for r, tr in enumerate(rows):
            for c, cell in enumerate([x for x in tr if x.tag in ("th", "td")]):
                target = grid.cell(r, c)._tc
                for old in target.findall(_w("p")):
                    target.remove(old)
                self.paragraph_of([cell], target, None, {"bold": cell.tag == "th"}, unwrap=True)

    def picture(self, alt: str, parent: Any) -> None:
        if alt.strip():
            self.paragraph_of([f"[{alt.strip()}]"], parent, None, {"italic": True})


_INLINE = {"a", "span", "strong", "b", "em", "i", "cite", "time", "bdi", "bdo", "sup", "sub",
           "br", "wbr", "abbr", "code", "small", "q", "mark", "u", "s"}


def _clip(text: str, limit: int = 255) -> str:
    """A core property as long as Office allows (255 characters), cut at a word."""
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0] + "…"


def _container_style(element: etree._Element, style: dict | None) -> dict:
    """The run formatting a container gives what is inside it: the opening call in bold, a
    caveat and an incident's facts in italic, on top of the ``style`` it is in."""
    style = dict(style or {})
    classes = set((element.get("class") or "").split())
    if "opening" in classes:
        style["bold"] = True
    if "caveat" in classes or "incident-facts" in classes:
        style["italic"] = True
    return style


def _tail(element: etree._Element) -> list[str]:
    """The text after ``element`` when it is more than white space, as a one-item list."""
    return [element.tail] if element.tail and element.tail.strip() else []


def _skipped(element: etree._Element) -> bool:
    classes = set((element.get("class") or "").split())
    return bool(classes & _SKIPPED_CLASSES) or element.tag in ("script", "style", "nav", "template")


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _trim(p: Any, keep_first: int = 0) -> None:
    """Collapse the spaces a browser would: none at the start or end of a paragraph, none
    doubled between runs (``keep_first`` runs are left alone: a footnote's number and its space)."""
    texts = list(p.iter(_w("t")))[keep_first:]
    previous_space = keep_first > 0
    for t in texts:
        text = t.text or ""
        if previous_space and text.startswith(" "):
            text = text.lstrip(" ")
        if text:
            previous_space = text.endswith(" ")
        t.text = text
    for t in reversed(texts):
        stripped = (t.text or "").rstrip(" ")
        t.text = stripped
        if stripped:
            break
    for t in texts:
        if not t.text:
            run = t.getparent()
            if run is not None and len(run) <= 2 and run.getparent() is not None:
                run.getparent().remove(run)


def word_document(html: str, *, lang: str, rtl: bool, title: str, date: dt.date,
                  author: str = "", subject: str = "", keywords: str = "",
                  font: str = "Noto Sans", cs_font: str = "Noto Sans Arabic") -> bytes:
    """The .docx of an edition from its print HTML (see the module's docstring)."""
    import lxml.html
    from lxml import etree

    writer = WordWriter(lang, rtl=rtl, font=font, cs_font=cs_font)
    root = lxml.html.document_fromstring(html)
    # libxml2's HTML parser does not know <wbr> (the break chances in URLs) as empty: it would
    # wrap the rest of a URL inside it.
    etree.strip_tags(root, "wbr")
    converter = _Converter(writer)
    converter.body(root)
    writer.footer(converter.footer)
    writer.properties(title=title, date=date, author=author, subject=subject, keywords=keywords)
    return writer.save(date)


class DocxOutput:
    """The Word edition, made only when ``[documents] outputs`` in communique.toml names it."""

    name = "docx"
    label = "Word"  # in the build report
    on_request = True  # made only when ``[documents] outputs`` names it

    def path(self, ctx: EditionContext) -> Path:
        return ctx.folder / f"{ctx.stem}.docx"

    def make(self, ctx: EditionContext, made: dict[str, Made]) -> Steps:
        from communique.document import plain
        from communique.i18n.locale import direction, script_of
        from communique.render.html import render

        yield from ()  # (nothing to print)
        rendered = render(ctx.doc, ctx.workspace, "print", fallback=ctx.fallback,
                          strings=ctx.strings)
        statement, view = ctx.doc.statement, ctx.doc.view
        fonts = ctx.workspace.settings.fonts
        script = script_of(ctx.lang)
        data = word_document(
            rendered.html, lang=ctx.lang, rtl=direction(ctx.lang) == "rtl", title=plain(view["title"]),
            date=statement.date, author=ctx.workspace.settings.organisation.name_in(ctx.lang),
            subject=plain(view.get("opening") or view.get("summary") or view.get("situation")),
            keywords=", ".join(plain(k) for k in view.get("keywords") or []),
            font=getattr(fonts, script if script != "arabic" else "latin")[0],
            cs_font=fonts.arabic[0])
        return Made({self.path(ctx): data})
