"""Reading a Word draft into paragraphs of inline Markdown, with its notes made citations.

Which library reads the .docx, and why python-docx. Measured on the reference draft made from
the seed statement (13 paragraphs, 11 footnotes, 5 of them hyperlinks), warm, mean of 5 reads
on this project's 2-core machine:

- python-docx 1.2 (maintained since 2013, among the 500 most downloaded packages): 41 ms for
  the whole import read (package checks included), all 11 notes and 10 sources. Paragraphs,
  runs, styles with their names and inheritance, the numbering part and the core properties,
  and every part of the package through its OPC layer. It has no footnote API, but the
  footnotes and endnotes parts are there to be read as XML through that layer, with its
  parser (which does not resolve entities). Every element keeps its place, so what cannot be
  mapped is reported at its paragraph, and tracked changes are seen as what they are. It also
  writes the Word edition (outputs/docx.py): one library for both directions.
- mammoth 1.13: 447 ms; footnotes, endnotes, links and lists come out as HTML (all 11 notes),
  which would have to be parsed again, and what it leaves out comes back as messages without
  a place in the draft.
- docx2python 3.7: 26 ms; footnotes as text with placeholders, styles reduced to a few
  HTML-like tags, lists flattened to text prefixes; the structure needed to tell a heading or
  a bold opening paragraph is mostly gone.
- pandoc through pypandoc-binary 1.17: 188 ms a conversion (a subprocess), all 11 notes, the
  widest reader (``--track-changes=all``, tables), but a 155 MB binary in the environment and
  a JSON AST without positions.

So python-docx, with the parts it does not model (footnotes, endnotes, comments, numbering
formats) read as XML through its package.

Tracked changes still pending are *accepted* (the text as Word shows it in "Simple Markup",
and as it will read once the changes are accepted): that is the text the author meant to
send. They are never accepted silently: each one is reported with its paragraph, its kind
and its author, and the statement is written with ``draft: true`` in any case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from communique.content.markup import KEY, QUOTES, link_problem
from communique.errors import Problem

if TYPE_CHECKING:
    from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
SOCIAL_HOSTS = ("twitter.com", "x.com", "facebook.com", "t.me", "instagram.com", "youtube.com",
                "youtu.be", "tiktok.com", "vk.com", "telegram.me", "mastodon.social")
_URL = re.compile(r"https?://[^\s<>“”«»\"]+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\ue000-\ue00f]")
_ESCAPE = re.compile(r"([\\`*_\[\]<])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_BLOCK_START = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|>|[-+*](?=\s)|=+\s*$|(\d{1,9})([.)])(?=\s|$))")
_HEADING_NAME = re.compile(r"^heading (\d)$")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def escape(text: str) -> str:
    """Plain text as Markdown that prints exactly that text (citation brackets included)."""
    return _ENTITY.sub("\\&", _ESCAPE.sub(r"\\\1", text))


def escape_start(markdown: str) -> str:
    """Escape what would make a paragraph a heading, a quote or a list item in Markdown."""
    m = _BLOCK_START.match(markdown)
    if not m:
        return markdown
    if m.group(3):  # "1. " -> "1\. "
        return markdown[:m.start(4)] + "\\" + markdown[m.start(4):]
    return markdown[:m.end(1)] + "\\" + markdown[m.end(1):]


@dataclass
class Piece:
    """A stretch of a paragraph: text with its formatting, or ready Markdown (a note)."""

    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    raw: bool = False  # Markdown already (a citation or a free note)


def markdown(pieces: list[Piece], *, plain_bold: bool = False) -> str:
    """Pieces as inline Markdown; ``plain_bold`` leaves bold out (a paragraph printed bold)."""
    merged: list[Piece] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if (last and not piece.raw and not last.raw and (last.bold, last.italic, last.link)
                == (piece.bold, piece.italic, piece.link)):
            last.text += piece.text
        else:
            merged.append(Piece(piece.text, piece.bold, piece.italic, piece.link, piece.raw))
    out: list[str] = []
    i = 0
    while i < len(merged):
        piece = merged[i]
        if piece.link and not piece.raw:
            group = []
            while i < len(merged) and merged[i].link == piece.link and not merged[i].raw:
                group.append(merged[i])
                i += 1
            inner = "".join(_emphasis(p, plain_bold) for p in group).strip()
            target = f"<{piece.link}>" if any(c in piece.link for c in "()") else piece.link
            out.append(f"[{inner or escape(piece.link)}]({target})")
            continue
        out.append(piece.text if piece.raw else _emphasis(piece, plain_bold))
        i += 1
    return " ".join("".join(out).split())


def _emphasis(piece: Piece, plain_bold: bool) -> str:
    text = escape(piece.text)
    bold = piece.bold and not plain_bold
    if not (bold or piece.italic) or not text.strip():
        return text
    core = text.strip()
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    mark = ("**" if bold else "") + ("*" if piece.italic else "")
    return f"{lead}{mark}{core}{mark[::-1]}{trail}"


@dataclass
class Para:
    """One paragraph of the draft, as read."""

    where: int  # its number in the draft's body, from 1 (tables count as one)
    pieces: list[Piece]
    style: str = ""  # the paragraph style's name, lower-case ("title", "heading 1", "normal")
    heading: int | None = None  # heading level, 1 for "Heading 1" (0 for the Title style)
    list_kind: str | None = None  # "bullet" or "number"
    list_level: int = 0

    @property
    def plain(self) -> str:
        return " ".join("".join(p.text for p in self.pieces if not p.raw).split())

    @property
    def bold(self) -> bool:
        """Every letter of it bold (notes aside): an opening call, or a title in bold."""
        letters = [p for p in self.pieces if not p.raw and p.text.strip()]
        return bool(letters) and all(p.bold for p in letters)

    def markdown(self, *, plain_bold: bool = False) -> str:
        return markdown(self.pieces, plain_bold=plain_bold)


@dataclass
class NoteCount:
    citations: int = 0
    free: int = 0


class Sources:
    """The sources made from the draft's notes: one for each URL, with a readable id."""

    def __init__(self) -> None:
        self.by_url: dict[str, str] = {}
        self.entries: dict[str, dict[str, str]] = {}
        self.count = NoteCount()

    def cite(self, url: str) -> str:
        """The id of the source at ``url`` (made the first time it is cited)."""
        if url in self.by_url:
            return self.by_url[url]
        key = source_id(url, set(self.entries))
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        kind = "social-media-post" if host in SOCIAL_HOSTS else "webpage"
        self.by_url[url] = key
        self.entries[key] = {"url": url, "kind": kind}
        return key


def source_id(url: str, taken: set[str]) -> str:
    """A readable id for a source from its URL: the host and the telling part of its path,
    ``twitter-com-armgov-1310141661113184257``, ``mod-gov-az-the-enemy-is-warned-for-the-last``."""
    parts = urlsplit(url)
    host = (parts.hostname or "source").removeprefix("www.")
    segments = [unquote(s) for s in parts.path.split("/") if s]
    words = [host]
    if segments:
        last = re.sub(r"\.(s?html?|php|aspx?|jsp|pdf)$", "", segments[-1], flags=re.I)
        if len(segments) > 1 and (last.isdigit() or len(last) < 8):
            words.append(segments[0])
        words.append(last)
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-") or "source"
    if len(slug) > 48:
        cut = slug[:48]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[20:] else cut
    key, n = slug, 2
    while key in taken or not re.fullmatch(KEY, key):
        key = f"{slug}-{n}"
        n += 1
    return key


_CITE_NOTE = re.compile(r"^(?P<prefix>.{0,80}?)\s*(?P<url>https?://[^\s<>“”«»\"]+)\s*(?P<rest>.*)$", re.S)


def note_markdown(pieces: list[Piece], sources: Sources) -> str:
    """A note as Markdown: a citation when it is a URL (with at most a short prefix such as
    "See as well:" and a trailing quotation), else a free note ``^[…]`` keeping its links."""
    plain = " ".join("".join(p.text for p in pieces).split())
    m = _CITE_NOTE.match(plain)
    if m and not any(p.link and p.link not in (m["url"], m["url"].rstrip(".,;:")) for p in pieces):
        url, rest = m["url"], m["rest"].strip()
        while url[-1] in ".,;:" or (url.endswith(")") and url.count("(") < url.count(")")):
            rest = (url[-1] + " " + rest).strip() if url[-1] not in ".)" or rest else rest
            url = url[:-1]
        prefix = m["prefix"].strip()
        quote = rest.lstrip(",\u060c ").strip()
        fits = (len(prefix.split()) <= 6 and not _URL.search(prefix)
                and not re.search(r"[\[\]@;^\\`*_<]", prefix + quote)
                and (not quote or (quote[0] in QUOTES and not _URL.search(quote)))
                and link_problem(url) is None)
        if fits:
            key = sources.cite(url)
            sources.count.citations += 1
            head = f"{prefix} @{key}" if prefix else f"@{key}"
            return f"[{head}, {quote}]" if quote else f"[{head}]"
    sources.count.free += 1
    return "^[" + markdown(pieces) + "]"


@dataclass
class Read:
    """A draft as read: its paragraphs, what could not be mapped, and the core properties."""

    paras: list[Para]
    problems: list[Problem] = field(default_factory=list)
    title: str = ""  # core properties
    created: Any = None
    language: str = ""  # the draft's default language (w:lang of its default run properties)
    notes: int = 0
    changes: int = 0


class Reader:
    """Walks a python-docx document (``doc``) into :class:`Para`; problems at ``display``."""

    def __init__(self, doc: Any, display: str, sources: Sources) -> None:
        self.doc, self.display, self.sources = doc, display, sources
        self.problems: list[Problem] = []
        self.where = 0
        self.changes = 0
        self.notes_read = 0
        self.styles = _styles(doc)
        self.numbering = _numbering(doc)
        self.notes = {"footnote": _notes(doc, FOOTNOTES, "footnote"),
                      "endnote": _notes(doc, ENDNOTES, "endnote")}
        self.comments = _notes(doc, COMMENTS, "comment")

    def problem(self, message: str, severity: str = "warning") -> None:
        self.problems.append(Problem(self.display, max(self.where, 1), 1,
                                     f"paragraph {max(self.where, 1)}: {message}", severity))

    def read(self) -> Read:
        paras: list[Para] = []
        self._blocks(self.doc.element.body, paras)
        props = self.doc.core_properties
        return Read(paras, self.problems, props.title or "", props.created, _language(self.doc),
                    self.notes_read, self.changes)

    def _blocks(self, parent: etree._Element, paras: list[Para]) -> None:
        for child in parent:
            tag = child.tag
            if tag == _w("p"):
                self.where += 1
                para = self.paragraph(child)
                if para.pieces and (para.plain or any(p.raw for p in para.pieces)):
                    paras.append(para)
            elif tag == _w("tbl"):
                self.where += 1
                rows = len(child.findall(_w("tr")))
                self.problem(f"a table ({rows} rows) is not imported: add it to the statement "
                             "by hand (a report's tables: rows, columns, caption)")
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._blocks(content, paras)
            elif tag in (_w("ins"), _w("moveTo")):
                self._blocks(child, paras)
            elif tag == _w("altChunk"):
                self.where += 1
                self.problem("an embedded document (altChunk) is not imported")

    def paragraph(self, p: etree._Element) -> Para:
        ppr = p.find(_w("pPr"))
        style_id = _val(ppr, "pStyle") if ppr is not None else None
        style = self.styles.get(style_id or "", {})
        name = style.get("name", "normal")
        heading = style.get("heading")
        outline = _val(ppr, "outlineLvl") if ppr is not None else None
        if heading is None and outline is not None and outline.isdigit() and int(outline) < 9:
            heading = int(outline) + 1
        num_id, level = (_num(ppr) if ppr is not None else None) or style.get("num") or (None, 0)
        kind = self.numbering.get((num_id, level)) if num_id and num_id != "0" else None
        para = Para(self.where, [], name, heading, kind, level)
        self._inline(p, para.pieces, {"bold": style.get("bold", False),
                                      "italic": style.get("italic", False), "link": None})
        return para

    def _inline(self, parent: etree._Element, pieces: list[Piece], fmt: dict,
                in_note: bool = False) -> None:
        field_link: list[str | None] = [None]
        for child in parent:
            tag = child.tag
            if tag == _w("r"):
                self._run(child, pieces, fmt, in_note, field_link)
            elif tag == _w("hyperlink"):
                rid = child.get(f"{{{R}}}id")
                target = self._target(rid, in_note) if rid else None
                self._inline(child, pieces, {**fmt, "link": target}, in_note)
            elif tag in (_w("ins"), _w("moveTo")):
                self._change("insertion", child)
                self._inline(child, pieces, fmt, in_note)
            elif tag in (_w("del"), _w("moveFrom")):
                self._change("deletion", child)
            elif tag in (_w("smartTag"), _w("customXml"), _w("fldSimple"), _w("dir"), _w("bdo")):
                link = _field_link(child.get(_w("instr")) or "") if tag == _w("fldSimple") else None
                self._inline(child, pieces, {**fmt, "link": link or fmt["link"]}, in_note)
            elif tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self._inline(content, pieces, fmt, in_note)

    def _run(self, r: etree._Element, pieces: list[Piece], fmt: dict, in_note: bool,
             field_link: list[str | None]) -> None:
        """A run's text as pieces with its formatting; what else a run holds (a field's
        link, a note's reference, a comment, an image) goes to :meth:`_run_mark`."""
        bold, italic = self._run_format(r.find(_w("rPr")), fmt)
        link = field_link[0] or fmt["link"]
        for item in r:
            text = _run_text(item)
            if text is None:
                self._run_mark(item, pieces, in_note, field_link)
            elif text:
                text = _CONTROL.sub(" ", text.replace("\t", " "))
                pieces.append(Piece(text, bold, italic, link))

    def _run_format(self, rpr: etree._Element | None, fmt: dict) -> tuple[bool, bool]:
        """Bold and italic for a run: its own properties over its character style's, over
        the paragraph's (``fmt``)."""
        bold, italic = fmt["bold"], fmt["italic"]
        if rpr is not None:
            char = self.styles.get(_val(rpr, "rStyle") or "", {})
            bold = char.get("bold", bold)
            italic = char.get("italic", italic)
            bold = _on(rpr, "b", _on(rpr, "bCs", bold))
            italic = _on(rpr, "i", _on(rpr, "iCs", italic))
        return bold, italic

    def _run_mark(self, item: etree._Element, pieces: list[Piece], in_note: bool,
                  field_link: list[str | None]) -> None:
        """An item of a run that is not text: a ``HYPERLINK`` field opening or closing
        (``field_link`` holds its address until the field ends), a note's reference (made a
        citation or a free note in place), a comment or an image (reported)."""
        tag = item.tag
        if tag == _w("instrText"):
            found = _field_link(item.text or "")
            if found:
                field_link[0] = found
        elif tag == _w("fldChar") and item.get(_w("fldCharType")) == "end":
            field_link[0] = None
        elif tag in (_w("footnoteReference"), _w("endnoteReference")) and not in_note:
            kind = "footnote" if tag == _w("footnoteReference") else "endnote"
            pieces.append(Piece(self._note(kind, item.get(_w("id")) or ""), raw=True))
        elif tag == _w("commentReference"):
            self._comment(item.get(_w("id")) or "")
        elif tag in (_w("drawing"), _w("pict"), _w("object")):
            self._image(item)

    def _image(self, item: etree._Element) -> None:
        """An image is reported with its alt text (a report's figures are files), never
        imported."""
        described = item.find(f".//{{{WP}}}docPr")
        alt = ("" if described is None else
               described.get("descr") or described.get("title") or "")
        self.problem("an image is not imported" + (f" (“{alt[:80]}”)" if alt else "") +
                     ": a report's figures take an image file beside statement.yaml")

    def _comment(self, comment_id: str) -> None:
        """A comment is reported (with its author and its words), never imported."""
        comment = self.comments.get(comment_id)
        if comment is not None:
            said = " ".join("".join(t.text or "" for t in comment.iter(_w("t"))).split())
            author = comment.get(_w("author")) or "someone"
            self.problem(f"a comment by {author} is not imported: “{said[:120]}”")

    def _note(self, kind: str, note_id: str) -> str:
        note = self.notes[kind].get(note_id)
        if note is None:
            self.problem(f"a {kind} reference to a {kind} that is not in the draft")
            return ""
        self.notes_read += 1
        pieces: list[Piece] = []
        for p in note.iter(_w("p")):
            if pieces:
                pieces.append(Piece(" "))
            self._inline(p, pieces, {"bold": False, "italic": False, "link": None}, in_note=True)
        pieces = [p for p in pieces if p.text]
        if not "".join(p.text for p in pieces).strip():
            self.problem(f"an empty {kind} is left out")
            return ""
        return note_markdown(pieces, self.sources)

    def _target(self, rid: str, in_note: bool) -> str | None:
        """The address of a hyperlink (in the document part or, in a note, in its part)."""
        parts = [self.doc.part] + [part for kind, part in self._note_parts() if in_note]
        for part in parts:
            rel = part.rels.get(rid)
            if rel is not None and rel.is_external:
                url = rel.target_ref
                problem = link_problem(url)
                if problem:
                    self.problem(f"{problem}: the text is kept without the link")
                    return None
                return url
        return None

    def _note_parts(self) -> list[tuple[str, Any]]:
        found = []
        for rel in self.doc.part.rels.values():
            if rel.reltype in (FOOTNOTES, ENDNOTES) and not rel.is_external:
                found.append((rel.reltype, rel.target_part))
        return found

    def _change(self, kind: str, element: etree._Element) -> None:
        self.changes += 1
        author = element.get(_w("author")) or "someone"
        texts = element.iter(_w("delText") if kind == "deletion" else _w("t"))
        said = " ".join("".join(t.text or "" for t in texts).split())
        what = ("accepted: the text is imported with it" if kind == "insertion" else
                "accepted: the text is imported without it")
        self.problem(f"a tracked {kind} by {author} still pending (“{said[:80]}”), {what}")


_RUN_TEXT = {_w("tab"): " ", _w("ptab"): " ", _w("br"): " ", _w("cr"): " ",
             _w("noBreakHyphen"): "\u2011"}


def _run_text(item: etree._Element) -> str | None:
    """The text an item of a run stands for (a tab or a line break reads as a space), or
    None when it is no text at all."""
    if item.tag == _w("t"):
        return item.text or ""
    return _RUN_TEXT.get(item.tag)


def _on(rpr: etree._Element, tag: str, default: bool) -> bool:
    """Whether a toggle property (``w:b``, ``w:i``) is on in ``rpr``, else ``default``."""
    found = rpr.find(_w(tag))
    if found is None:
        return default
    return (found.get(_w("val")) or "true").lower() not in ("0", "false", "off", "none")


def _val(parent: etree._Element | None, tag: str) -> str | None:
    if parent is None:
        return None
    found = parent.find(_w(tag))
    return found.get(_w("val")) if found is not None else None


def _num(ppr: etree._Element) -> tuple[str, int] | None:
    num = ppr.find(_w("numPr"))
    if num is None:
        return None
    num_id, level = _val(num, "numId"), _val(num, "ilvl")
    return (num_id, int(level) if level and level.isdigit() else 0) if num_id else None


def _field_link(instruction: str) -> str | None:
    """The address of a ``HYPERLINK "…"`` field (how older Word versions wrote links)."""
    m = re.match(r'\s*HYPERLINK\s+"([^"]+)"', instruction)
    if m and link_problem(m[1]) is None:
        return m[1]
    return None


def _styles(doc: Any) -> dict[str, dict]:
    """Each style id: its name (lower-case), heading level, bold/italic and numbering, with
    what it inherits from its base styles."""
    out: dict[str, dict] = {}
    element = doc.styles.element
    raw = {s.get(_w("styleId")): s for s in element.iter(_w("style"))}

    def resolve(style_id: str, depth: int = 0) -> dict:
        if style_id in out:
            return out[style_id]
        style = raw.get(style_id)
        if style is None or depth > 20:
            return {}
        base = _val(style, "basedOn")
        info = dict(resolve(base, depth + 1)) if base else {}
        info.pop("name", None)
        name = (_val(style, "name") or style_id).lower()
        info["name"] = name
        m = _HEADING_NAME.match(name)
        ppr = style.find(_w("pPr"))
        outline = _val(ppr, "outlineLvl")
        if name == "title":
            info["heading"] = 0
        elif m:
            info["heading"] = int(m[1])
        elif outline is not None and outline.isdigit() and int(outline) < 9:
            info["heading"] = int(outline) + 1
        rpr = style.find(_w("rPr"))
        if rpr is not None:
            info["bold"] = _on(rpr, "b", info.get("bold", False))
            info["italic"] = _on(rpr, "i", info.get("italic", False))
        if name in ("strong",):
            info["bold"] = True
        if name in ("emphasis",):
            info["italic"] = True
        if ppr is not None and _num(ppr):
            info["num"] = _num(ppr)
        out[style_id] = info
        return info

    for style_id in raw:
        if style_id:
            resolve(style_id)
    return out


def _numbering(doc: Any) -> dict[tuple[str, int], str]:
    """(numId, level) -> "bullet" or "number", from the numbering part."""
    try:
        numbering = doc.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        return {}
    formats: dict[str, dict[int, str]] = {}
    for abstract in numbering.iter(_w("abstractNum")):
        levels = {}
        for lvl in abstract.iter(_w("lvl")):
            level = lvl.get(_w("ilvl")) or "0"
            fmt = _val(lvl, "numFmt") or "decimal"
            levels[int(level) if level.isdigit() else 0] = fmt
        formats[abstract.get(_w("abstractNumId")) or ""] = levels
    out: dict[tuple[str, int], str] = {}
    for num in numbering.iter(_w("num")):
        levels = formats.get(_val(num, "abstractNumId") or "", {})
        for level, fmt in levels.items():
            if fmt != "none":
                out[(num.get(_w("numId")) or "", level)] = "bullet" if fmt == "bullet" else "number"
    return out


def _notes(doc: Any, reltype: str, kind: str) -> dict[str, etree._Element]:
    """Footnotes, endnotes or comments by id, parsed with python-docx's parser (which does not
    resolve entities) from the part the document relates to."""
    from docx.oxml import parse_xml

    for rel in doc.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            part = rel.target_part
            element = part.element if hasattr(part, "element") else parse_xml(part.blob)
            return {n.get(_w("id")) or "": n for n in element.iter(_w(kind))
                    if n.get(_w("type")) in (None, "normal")}
    return {}


def _language(doc: Any) -> str:
    """The draft's default language as Word recorded it (``en-US``), or ""."""
    lang = doc.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/{_w('lang')}")
    return (lang.get(_w("val")) or "") if lang is not None else ""
