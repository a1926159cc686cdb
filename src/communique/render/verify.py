"""Checking a finished PDF the way a reader's tools will see it.

WeasyPrint's own docs say its PDF/UA and PDF/A output is "not guaranteed to be valid", and no
full validator (veraPDF is a Java download) can be installed from the package registries here.
So every PDF the build writes is read back and checked for what screen readers, archives and
link checkers rely on: a structure tree, a language, embedded fonts, links that lead somewhere
allowed, the declared conformance and, in archive mode, well-formed attachments.

The reader is pikepdf (qpdf): it reads the cross-reference table and then only the objects
the checks look at, in C++, where pypdf parsed them in Python (2.4 s of a 100-page build, a
report's thousands of links and their destinations). A file qpdf can only read by repairing
it is not readable, as it was for pypdf's strict mode.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https", "mailto")
_NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


@dataclass
class Verified:
    """What the check found in one PDF; ``problems`` is empty when it passed."""

    pages: int = 0
    conformance: list[str] = field(default_factory=list)  # e.g. ["PDF/UA-1"] or ["PDF/A-3B"]
    tagged: bool = False
    lang: str = ""
    fonts: int = 0
    links: int = 0
    bookmarks: int = 0
    attachments: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        parts = [f"{self.pages} page(s)", " + ".join(self.conformance) or "no conformance declared",
                 "tagged" if self.tagged else "untagged",
                 f"lang {self.lang or '?'}", f"{self.fonts} font(s) embedded",
                 f"{self.links} link(s)", f"{self.bookmarks} bookmark(s)"]
        if self.attachments:
            parts.append(f"{len(self.attachments)} attachment(s)")
        return ", ".join(parts)


def prepare() -> None:
    """Import the PDF reader now (a build calls this while its first PDF is being printed)."""
    import pikepdf  # noqa: F401


def verify_pdf(pdf: bytes | Path, *, lang: str | None = None, pages: int | None = None,
               archive: bool | None = None, notes: int | None = None,
               languages: list[str] | None = None) -> Verified:
    """Check ``pdf`` (bytes or a path). ``lang``, ``pages``, ``archive``, ``notes`` (how
    many notes were printed) and ``languages`` (those other than the edition's that its HTML
    marks with ``lang``) are what the build expects; when given, a PDF that differs is a
    problem too.
    """
    import pikepdf

    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    found = Verified()
    problems = found.problems
    try:
        with pikepdf.open(io.BytesIO(data)) as document:
            if document.is_encrypted:
                problems.append(ENCRYPTED)
                return found
            if repaired := document.get_warnings():
                problems.append(f"not a readable PDF: {repaired[0]}")
                return found
            _check(document, found, lang, pages, archive)
            found.problems += _check_structure(data, notes, languages)
    except pikepdf.PasswordError:
        problems.append(ENCRYPTED)
    except (pikepdf.PdfError, KeyError, ValueError, OSError) as exc:
        problems[:] = [f"not a readable PDF: {exc}"]
    return found


ENCRYPTED = "the PDF is encrypted: archives and assistive tools cannot read it"


def _check(document, found: Verified, lang: str | None, pages: int | None,
           archive: bool | None) -> None:
    problems = found.problems
    catalog: Any = document.Root
    found.pages = len(document.pages)
    if found.pages == 0:
        problems.append("the PDF has no pages")
    elif pages is not None and found.pages != pages:
        problems.append(f"the PDF has {found.pages} page(s), the layout had {pages}")
    found.tagged = _check_tags(catalog, problems)
    found.lang = _check_lang(catalog, lang, problems)
    xmp = _check_metadata(document, catalog, problems)
    found.conformance = _conformance(xmp)
    found.fonts = _check_fonts(document, problems)
    found.links = _check_links(document, catalog, problems)
    found.bookmarks = _count_outline(catalog.get("/Outlines"))
    found.attachments = _check_attachments(catalog, problems)
    if "/ID" not in document.trailer:
        problems.append("no document identifier (/ID)")

    archived = any(c.startswith("PDF/A") for c in found.conformance)
    if archived and not any(c.startswith("PDF/UA") for c in found.conformance):
        problems.append("PDF/A without the PDF/UA-1 claim (pdfuaid:part) its tags deserve")
    if archive is not None and archive != archived:
        problems.append("expected PDF/A-3b (archive mode)" if archive
                        else "expected PDF/UA-1, found a PDF/A file")
    if not found.conformance:
        problems.append("no PDF/UA or PDF/A conformance declared in the XMP metadata")
    if archived and "/OutputIntents" not in catalog:
        problems.append("PDF/A without an output intent (colour profile)")
    if archive and not found.attachments:
        problems.append("archive mode, but no source data is attached")


def _empty(value) -> bool:
    """What pypdf's ``not value`` meant for a PDF object: absent, an empty array or dictionary,
    false or zero."""
    import pikepdf

    if value is None:
        return True
    if isinstance(value, pikepdf.Array | pikepdf.Dictionary):
        return len(value) == 0
    if isinstance(value, bool | int | float):
        return not value
    return False


def _ref(obj) -> tuple[int, int] | None:
    """The object number and generation of an indirect object (None for a direct one)."""
    return obj.objgen if obj.is_indirect else None


def _check_structure(data: bytes, notes: int | None, languages: list[str] | None) -> list[str]:
    """The structure a screen reader follows (notes, labels, reading order, figures, table
    headers, leaders, languages, artifacts): ``render.structure.structure_problems``, read
    with pikepdf."""
    from communique.render.structure import structure_problems

    try:
        return structure_problems(data, notes=notes, languages=languages)
    except Exception as exc:  # a damaged file is reported, never a traceback
        return [f"the structure tree could not be read: {type(exc).__name__}: {exc}"]


def _check_tags(catalog, problems: list[str]) -> bool:
    before = len(problems)
    tree = catalog.get("/StructTreeRoot")
    if tree is None:
        problems.append("not tagged: no structure tree (/StructTreeRoot)")
    else:
        if _empty(tree.get("/K")):
            problems.append("not tagged: the structure tree is empty")
        if "/ParentTree" not in tree:
            problems.append("not tagged: the structure tree has no /ParentTree")
    mark_info = catalog.get("/MarkInfo")
    if mark_info is None or _empty(mark_info.get("/Marked")):
        problems.append("not tagged: /MarkInfo /Marked is not true")
    return len(problems) == before


def _check_lang(catalog, lang: str | None, problems: list[str]) -> str:
    value = str(catalog.get("/Lang", "")).strip()
    if not value:
        problems.append("no document language (/Lang)")
    elif lang and _norm(value) != _norm(lang):
        problems.append(f"document language is '{value}', expected '{lang}'")
    return value


def _norm(tag: str) -> str:
    return tag.replace("_", "-").lower()


def _check_metadata(document, catalog, problems: list[str]) -> ET.Element | None:
    info = document.trailer.get("/Info")
    if info is None or not str(info.get("/Title", "")).strip():
        problems.append("no document title (/Title)")
    prefs = catalog.get("/ViewerPreferences")
    if prefs is None or _empty(prefs.get("/DisplayDocTitle")):
        problems.append("viewers are not told to show the title (/DisplayDocTitle)")
    stream = catalog.get("/Metadata")
    if stream is None:
        problems.append("no XMP metadata stream")
        return None
    try:
        raw = stream.read_bytes()
        start, end = raw.find(b"<x:xmpmeta"), raw.rfind(b"</x:xmpmeta>")
        xmp = ET.fromstring(raw[start:end + len(b"</x:xmpmeta>")])
    except (ET.ParseError, ValueError) as exc:
        problems.append(f"XMP metadata is not well-formed XML: {exc}")
        return None
    if xmp.find(".//dc:title", _NS) is None:
        problems.append("no dc:title in the XMP metadata")
    return xmp


def _conformance(xmp: ET.Element | None) -> list[str]:
    if xmp is None:
        return []
    found = []
    ua, pdfa, rdf = (f"{{{_NS[key]}}}" for key in ("pdfuaid", "pdfaid", "rdf"))
    for desc in xmp.iter(rdf + "Description"):
        if part := desc.get(ua + "part"):
            found.append(f"PDF/UA-{part}")
        if part := desc.get(pdfa + "part"):
            found.append(f"PDF/A-{part}{desc.get(pdfa + 'conformance', '')}")
    return found


def _resources(obj, seen: set[tuple[int, int]]):
    """Every resource dictionary of a page or form XObject, forms nested in forms included."""
    resources = obj.get("/Resources")
    if resources is None:
        return
    yield resources
    for xobject in (resources.get("/XObject") or {}).values():
        ref = _ref(xobject)
        if xobject.get("/Subtype") == "/Form" and ref is not None and ref not in seen:
            seen.add(ref)
            yield from _resources(xobject, seen)


def _check_fonts(document, problems: list[str]) -> int:
    fonts: dict[str, bool] = {}
    seen: set[tuple[int, int]] = set()
    for page in document.pages:
        for resources in _resources(page.obj, seen):
            for font in (resources.get("/Font") or {}).values():
                name = str(font.get("/BaseFont", font.get("/Name", "?"))).lstrip("/")
                fonts[name] = fonts.get(name, False) or _embedded(font)
    for name, embedded in sorted(fonts.items()):
        if not embedded:
            problems.append(f"font '{name}' is not embedded")
    return len(fonts)


def _embedded(font) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":  # glyphs are drawn by content streams inside the font itself
        return True
    if subtype == "/Type0":
        font = font["/DescendantFonts"][0]
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _destinations(catalog) -> set[str]:
    """The names of the document's destinations: its /Dests name tree (and an old-style /Dests
    dictionary in the catalog)."""
    import pikepdf

    names: set[str] = set()
    tree = (catalog.get("/Names") or {}).get("/Dests")
    if tree is not None:
        names.update(str(key) for key in pikepdf.NameTree(tree).keys())
    old = catalog.get("/Dests")
    if isinstance(old, pikepdf.Dictionary):
        names.update(str(key).lstrip("/") for key in old.keys())
    return names


def _check_links(document, catalog, problems: list[str]) -> int:
    names = _destinations(catalog)
    page_ids = {page.obj.objgen for page in document.pages}
    count, reported = 0, set()

    def report(message: str) -> None:
        if message not in reported:
            reported.add(message)
            problems.append(message)

    for number, page in enumerate(document.pages, 1):
        for annot in page.obj.get("/Annots") or []:
            if annot.get("/Subtype") != "/Link":
                continue
            count += 1
            action = annot.get("/A")
            if action is not None and action.get("/S") == "/URI":
                uri = str(action.get("/URI", ""))
                if (scheme := urlsplit(uri).scheme.lower()) not in LINK_SCHEMES or (
                        scheme != "mailto" and not urlsplit(uri).netloc):
                    report(f"page {number}: link to '{uri}': only http, https and mailto "
                           "addresses may be linked")
            elif action is not None and action.get("/S") != "/GoTo":
                report(f"page {number}: a link runs a {action.get('/S')} action")
            else:
                dest = action.get("/D") if action is not None else annot.get("/Dest")
                problem = _dest_problem(dest, names, page_ids)
                if problem:
                    report(f"page {number}: {problem}")
            if "/StructParent" in annot and not str(annot.get("/Contents", "")).strip():
                report(f"page {number}: a tagged link has no description (/Contents)")
    return count


def _dest_problem(dest, names: set[str], page_ids: set[tuple[int, int]]) -> str | None:
    import pikepdf

    if dest is None:
        return "a link has no target"
    if isinstance(dest, pikepdf.Array):
        target = _ref(dest[0]) if len(dest) and isinstance(dest[0], pikepdf.Dictionary) else None
        return None if target in page_ids else "a link points to a page that is not in the PDF"
    name = str(dest).lstrip("/")
    return None if name in names else f"a link points to '#{name}', which is not in the PDF"


def _count_outline(outlines) -> int:
    """The bookmarks in the outline tree, at every level (each item once, even in a loop)."""
    seen: set[tuple[int, int]] = set()
    count, stack = 0, [outlines.get("/First")] if outlines is not None else []
    while stack:
        item = stack.pop()
        while item is not None:
            if (ref := _ref(item)) is not None:
                if ref in seen:
                    break
                seen.add(ref)
            count += 1
            if (child := item.get("/First")) is not None:
                stack.append(child)
            item = item.get("/Next")
    return count


def _check_attachments(catalog, problems: list[str]) -> list[str]:
    names = catalog.get("/Names")
    tree = names.get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return []
    associated = {_ref(ref) for ref in catalog.get("/AF") or []} - {None}
    found = []
    array = list(tree.get("/Names") or [])
    for name, spec in zip(array[0::2], array[1::2], strict=False):
        found.append(str(name))
        stream = (spec.get("/EF") or {}).get("/F")
        if stream is None:
            problems.append(f"attachment '{name}' holds no file")
            continue
        if not re.match(r"^/\w", str(stream.get("/Subtype", ""))):
            problems.append(f"attachment '{name}' has no media type")
        if "/AFRelationship" not in spec:
            problems.append(f"attachment '{name}' has no relationship (/AFRelationship)")
        if _ref(spec) not in associated:
            problems.append(f"attachment '{name}' is not associated with the document (/AF)")
    return found
