"""Checking a finished PDF the way a reader's tools will see it.

WeasyPrint's own docs say its PDF/UA and PDF/A output is "not guaranteed to be valid", and no
full validator (veraPDF is a Java download) can be installed from the package registries here.
So every PDF the build writes is read back with pypdf and checked for what screen readers,
archives and link checkers rely on: a structure tree, a language, embedded fonts, links that
lead somewhere allowed, the declared conformance and, in archive mode, well-formed attachments.
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
    import pypdf  # noqa: F401


def verify_pdf(pdf: bytes | Path, *, lang: str | None = None, pages: int | None = None,
               archive: bool | None = None, notes: int | None = None) -> Verified:
    """Check ``pdf`` (bytes or a path). ``lang``, ``pages``, ``archive`` and ``notes`` (how
    many notes were printed) are what the build expects; when given, a PDF that differs is a
    problem too.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    found = Verified()
    problems = found.problems
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            problems.append("the PDF is encrypted: archives and assistive tools cannot read it")
            return found
        catalog: Any = reader.trailer["/Root"].get_object()
        found.pages = len(reader.pages)
    except (PdfReadError, KeyError, ValueError, OSError) as exc:
        problems.append(f"not a readable PDF: {exc}")
        return found

    if found.pages == 0:
        problems.append("the PDF has no pages")
    elif pages is not None and found.pages != pages:
        problems.append(f"the PDF has {found.pages} page(s), the layout had {pages}")
    found.tagged = _check_tags(catalog, problems)
    found.lang = _check_lang(catalog, lang, problems)
    xmp = _check_metadata(reader, catalog, problems)
    found.conformance = _conformance(xmp)
    found.fonts = _check_fonts(reader, problems)
    found.links = _check_links(reader, problems)
    found.bookmarks = _count_outline(reader.outline)
    found.attachments = _check_attachments(reader, catalog, problems)
    if "/ID" not in reader.trailer:
        problems.append("no document identifier (/ID)")

    problems += _check_structure(data, notes)
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
    return found


def _check_structure(data: bytes, notes: int | None) -> list[str]:
    """The structure a screen reader follows (notes, labels, reading order, figures, table
    headers, artifacts): ``render.structure.structure_problems``, read with pikepdf."""
    from communique.render.structure import structure_problems

    try:
        return structure_problems(data, notes=notes)
    except Exception as exc:  # a damaged file is reported, never a traceback
        return [f"the structure tree could not be read: {type(exc).__name__}: {exc}"]


def _check_tags(catalog, problems: list[str]) -> bool:
    before = len(problems)
    tree = catalog.get("/StructTreeRoot")
    if tree is None:
        problems.append("not tagged: no structure tree (/StructTreeRoot)")
    else:
        tree = tree.get_object()
        if not tree.get("/K"):
            problems.append("not tagged: the structure tree is empty")
        if "/ParentTree" not in tree:
            problems.append("not tagged: the structure tree has no /ParentTree")
    mark_info = catalog.get("/MarkInfo")
    if mark_info is None or not mark_info.get_object().get("/Marked"):
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


def _check_metadata(reader, catalog, problems: list[str]) -> ET.Element | None:
    info = reader.metadata or {}
    if not str(info.get("/Title", "")).strip():
        problems.append("no document title (/Title)")
    prefs = catalog.get("/ViewerPreferences")
    if prefs is None or not prefs.get_object().get("/DisplayDocTitle"):
        problems.append("viewers are not told to show the title (/DisplayDocTitle)")
    stream = catalog.get("/Metadata")
    if stream is None:
        problems.append("no XMP metadata stream")
        return None
    try:
        raw = stream.get_object().get_data()
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


def _resources(obj, seen: set[int]):
    """Every resource dictionary of a page or form XObject, forms nested in forms included."""
    resources = obj.get("/Resources")
    if resources is None:
        return
    resources = resources.get_object()
    yield resources
    for xobject in (resources.get("/XObject") or {}).values():
        ref = getattr(xobject, "idnum", None)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and ref is not None and ref not in seen:
            seen.add(ref)
            yield from _resources(xobject, seen)


def _check_fonts(reader, problems: list[str]) -> int:
    fonts: dict[str, bool] = {}
    seen: set[int] = set()
    for page in reader.pages:
        for resources in _resources(page, seen):
            for font in (resources.get("/Font") or {}).values():
                font = font.get_object()
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
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _check_links(reader, problems: list[str]) -> int:
    names = set(reader.named_destinations)
    page_ids = {page.indirect_reference.idnum for page in reader.pages}
    count, reported = 0, set()

    def report(message: str) -> None:
        if message not in reported:
            reported.add(message)
            problems.append(message)

    for number, page in enumerate(reader.pages, 1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            count += 1
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
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


def _dest_problem(dest, names: set[str], page_ids: set[int]) -> str | None:
    if dest is None:
        return "a link has no target"
    dest = dest.get_object() if hasattr(dest, "get_object") else dest
    if isinstance(dest, list):
        target = getattr(dest[0], "idnum", None) if dest else None
        return None if target in page_ids else "a link points to a page that is not in the PDF"
    name = str(dest).lstrip("/")
    return None if name in names else f"a link points to '#{name}', which is not in the PDF"


def _count_outline(outline) -> int:
    return sum(_count_outline(item) if isinstance(item, list) else 1 for item in outline)


def _check_attachments(reader, catalog, problems: list[str]) -> list[str]:
    names = catalog.get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    if tree is None:
        return []
    associated = {getattr(ref, "idnum", None) for ref in catalog.get("/AF") or []}
    found = []
    array = tree.get_object().get("/Names") or []
    for name, spec_ref in zip(array[0::2], array[1::2], strict=False):
        spec = spec_ref.get_object()
        found.append(str(name))
        stream = spec.get("/EF", {}).get("/F")
        if stream is None:
            problems.append(f"attachment '{name}' holds no file")
            continue
        stream = stream.get_object()
        if not re.match(r"^/\w", str(stream.get("/Subtype", ""))):
            problems.append(f"attachment '{name}' has no media type")
        if "/AFRelationship" not in spec:
            problems.append(f"attachment '{name}' has no relationship (/AFRelationship)")
        if getattr(spec_ref, "idnum", None) not in associated:
            problems.append(f"attachment '{name}' is not associated with the document (/AF)")
    return found
