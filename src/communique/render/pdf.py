"""Printing HTML to PDF with WeasyPrint: sandboxed resources, captured warnings, layout checks.

Every PDF is tagged for screen readers (PDF/UA-1), or in archive mode is a PDF/A-3b that
carries the statement's own data as attachments. The same inputs give the same bytes: fonts
are subset by HarfBuzz (fontTools would stamp the current time into each font), no date but the
statement's own is written, and the document identifier is a hash of the inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import mimetypes
import os
import re
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from communique.render.layout import LayoutIssue, layout_issues, misplaced_notes
from communique.render.native import import_weasyprint
from communique.render.structure import recording, restructure
from communique.sandbox import MAX_ASSET_BYTES as MAX_RESOURCE_BYTES
from communique.sandbox import Refused, contained, read_file

ACCESSIBLE = "pdf/ua-1"  # tagged, with the document title, language and structure declared
ARCHIVAL = "pdf/a-3b"  # ISO 19005-3: long-term archiving, attachments allowed; tagged as well
# Media types WeasyPrint records for attachments; its own table lacks these, and the system's
# (/etc/mime.types) differs between machines.
DATA_TYPES = {".yaml": "application/yaml", ".yml": "application/yaml", ".json": "application/json",
              ".po": "text/x-gettext-translation", ".bib": "application/x-bibtex"}
NO_HARFBUZZ_SUBSET = ("libharfbuzz-subset0 is not installed: fonts are subset with fontTools, "
                      "which makes every build's PDF different (run scripts/setup.sh)")

__all__ = ["ACCESSIBLE", "ARCHIVAL", "DataFile", "LayoutIssue", "PrintRequest", "Printed",
           "Printout", "misplaced_notes", "press_print", "print_pdf", "reproducible_fonts"]


@dataclass(frozen=True)
class DataFile:
    """A file to embed in the PDF, given as bytes so that nothing is fetched by URL."""

    name: str
    data: bytes
    description: str
    relationship: str = "Source"  # PDF 2.0 /AFRelationship: Source, Data, Supplement…


@dataclass
class Printed:
    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)  # WeasyPrint's own, and refused loads
    misplaced: list[tuple[int, int, int]] = field(default_factory=list)  # (note, call page, note page)
    layout: list[LayoutIssue] = field(default_factory=list)  # headings at a foot, lone lines…
    identifier: str = ""  # the PDF's /ID, a hash of the inputs
    languages: list[str] = field(default_factory=list)  # other than the document's, marked /Lang


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

    class SandboxFetcher(URLFetcher):
        """Loads only ``data:`` URIs and regular files inside the allowed folders.

        WeasyPrint's own fetcher reads any ``file:`` URL and the network: a template line such
        as ``<link rel=attachment href="file:///etc/passwd">`` would embed that file in the
        PDF. Every image, stylesheet, font and attachment goes through ``fetch``; symlinks are
        resolved before the check, hidden files are refused, devices and endless files too.
        """

        def __init__(self, roots: list[Path]):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = [r.resolve() for r in roots]
            self.refused: list[str] = []  # WeasyPrint logs some failures (fonts) only at debug level

        def fetch(self, url, headers=None):
            try:
                return self._fetch(url, headers)
            except URLFetchingError as exc:
                self.refused.append(str(exc))
                raise

        def _fetch(self, url, headers):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                raise URLFetchingError(f"refused to load '{url}': only files inside the workspace "
                                       "and data: URIs may be used (no network)")
            if parts.netloc not in ("", "localhost"):
                raise URLFetchingError(f"refused to load '{url}': a file URL on another host")
            try:
                path = contained(Path(unquote(parts.path)), self.roots)
                body = read_file(path, MAX_RESOURCE_BYTES)
            except Refused as exc:
                raise URLFetchingError(f"refused to load '{url}': {exc}") from None
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": mime})

    return SandboxFetcher


@contextmanager
def _captured_warnings():
    """WeasyPrint logs to a logger with only a NullHandler: collect what it says."""
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(" ".join(record.getMessage().split()))

    logger = logging.getLogger("weasyprint")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def reproducible_fonts() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (byte-identical output) or fontTools."""
    import_weasyprint()
    from weasyprint.text.ffi import harfbuzz_subset

    return harfbuzz_subset is not None


@contextmanager
def _source_date(moment: dt.datetime):
    """Set ``SOURCE_DATE_EPOCH`` for fontTools (which stamps fonts with the time) unless the
    caller's environment already fixes it, as reproducible-build setups do."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def _identifier(html: str, options: dict, files: list[DataFile], loaded: dict[str, str],
                places: dict[str, Path]) -> str:
    """A document identifier derived from everything the PDF is made of: the HTML, every file
    it loaded, the attachments and the options. Folder names are replaced by their role
    (``places``), so the same workspace gives the same identifier wherever it lives."""
    from weasyprint import __version__

    def placeless(text: str) -> str:
        for name, folder in sorted(places.items(), key=lambda item: -len(str(item[1]))):
            text = text.replace(folder.as_uri(), name + ":").replace(str(folder), name + ":")
        return text

    digest = hashlib.sha256()
    for part in (placeless(html), __version__, repr(sorted(options.items()))):
        digest.update(part.encode("utf-8") + b"\0")
    for url, content in sorted(loaded.items()):
        digest.update(placeless(url).encode("utf-8") + b"\0" + content.encode("ascii"))
    for file in files:
        digest.update(file.name.encode("utf-8") + b"\0" + hashlib.sha256(file.data).digest())
    return digest.hexdigest()[:32]


def _recording(fetcher) -> dict[str, str]:
    """Make ``fetcher`` note the SHA-256 of every resource it delivers, by URL."""
    loaded: dict[str, str] = {}
    fetch = fetcher.fetch

    def recorded(url, headers=None):
        response = fetch(url, headers)
        parts = urlsplit(response.url)
        if parts.scheme == "file":  # read again: the response's body is read once, by WeasyPrint
            body = read_file(Path(unquote(parts.path)), MAX_RESOURCE_BYTES)
        else:
            body = url.encode("utf-8")  # a data: URI holds its content
        loaded[url] = hashlib.sha256(body).hexdigest()
        return response

    fetcher.fetch = recorded
    return loaded


def print_pdf(html: str, base: Path, roots: list[Path], *,
              attachments: Sequence[str | Path | DataFile] = (), archive: bool = False,
              date: dt.date | None = None, **options) -> Printed:
    """Render ``html`` (resources relative to ``base``) to PDF bytes and check the layout.

    The PDF is PDF/UA-1, or PDF/A-3b (tagged too) with ``archive``. ``date`` is the date the
    document carries (the statement's): it dates the attachments and, for fontTools, the fonts,
    so nothing depends on when the build ran. ``DataFile`` attachments are embedded as given;
    paths and URLs go through the sandbox fetcher like every other resource, since WeasyPrint
    would open a plain file name directly.
    """
    import_weasyprint()
    from weasyprint import HTML, Attachment
    from weasyprint.pdf.anchors import MIMETYPES

    html = breaks_as_characters(html)

    for suffix, media_type in DATA_TYPES.items():
        MIMETYPES.add_type(media_type, suffix, strict=False)
    moment = dt.datetime.combine(date or dt.date(1970, 1, 1), dt.time(), dt.UTC)
    fetcher = _fetcher_class()(roots)
    base_url = base.resolve().as_uri() + "/"
    files = [a for a in attachments if isinstance(a, DataFile)]
    embedded = [a if isinstance(a, str) and urlsplit(a).scheme else (base / a).absolute().as_uri()
                for a in attachments if not isinstance(a, DataFile)]
    embedded += [Attachment(file_obj=io.BytesIO(f.data), name=f.name, description=f.description,
                            created=moment, modified=moment, relationship=f.relationship)
                 for f in files]
    options = {"pdf_variant": ARCHIVAL if archive else ACCESSIBLE, "pdf_tags": True, **options}
    identifier = options.pop("pdf_identifier", None)
    loaded = _recording(fetcher)
    with _captured_warnings() as warnings, _source_date(moment), _hyphenation_rules():
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
        misplaced = misplaced_notes(document)
        layout = layout_issues(document)
        places = {"base": base.resolve(), **{f"root{i}": r.resolve() for i, r in enumerate(roots)}}
        identifier = identifier or _identifier(html, options, files, loaded, places)
        with recording() as recorded:
            pdf = document.write_pdf(attachments=embedded,
                                     pdf_identifier=identifier.encode("ascii"), **options)
        pdf = restructure(pdf, recorded, lang=str(document.metadata.lang or ""))
    if not reproducible_fonts():
        warnings[:] = [w for w in warnings if "instead of HarfBuzz-Subset" not in w]
        warnings.insert(0, NO_HARFBUZZ_SUBSET)
    warnings += [r for r in dict.fromkeys(fetcher.refused) if not any(r in w for w in warnings)]
    return Printed(pdf, len(document.pages), warnings, misplaced, layout, identifier,
                   sorted(recorded.languages))


_WBR = re.compile(r"<wbr\s*/?>", re.I)


def breaks_as_characters(html: str) -> str:
    """``html`` with each ``<wbr>`` (a break chance in a printed address) written as the
    character WeasyPrint puts in its place, U+200B ZERO WIDTH SPACE.

    WeasyPrint's user-agent stylesheet prints ``<wbr>`` as ``wbr::before { content: "\\200B" }``:
    an inline box holding a generated box holding a text box of that one character. An address
    with five break chances became some twenty boxes, each laid out, split and linked on its own
    (a 31-page report's 361 notes of one address each: a third of its layout time, and one link
    annotation per box). As a character, the address is one text: the same break chances and
    the same zero-width glyph, laid out once. ``<wbr>`` is an empty element, and the tag never
    occurs in text (where "<" is escaped), so this is a plain replacement."""
    return _WBR.sub("\u200b", html)


# Pyphen's en_GB patterns break "wo-man", "res-ul-ted", "Kara-bakh", "Stepana-kert"; its en_US
# patterns (Liang's, from TeX) break none of these. They say where a word may break, not how it
# is spelt, so British English is hyphenated with them too.
HYPHENATION_DICTIONARIES = {"en": "en_US", "en_GB": "en_US", "en_gb": "en_US"}


class _Words:
    """A Pyphen dictionary that leaves capitalised words whole: names ("Karabakh",
    "Stepanakert") are not split, nor is the first word of a sentence."""

    def __init__(self, dictionary):
        self.dictionary = dictionary

    def iterate(self, word: str):
        if word[:1].isupper():
            return iter(())
        return self.dictionary.iterate(word)


class _Hyphenation:
    """Stands for the ``pyphen`` module in WeasyPrint's line breaking (see ``_hyphenation_rules``)."""

    def __init__(self, pyphen):
        self.pyphen = pyphen
        self.language_fallback = pyphen.language_fallback

    def Pyphen(self, lang: str, left: int = 2, right: int = 2) -> _Words:  # pyphen's name
        chosen = HYPHENATION_DICTIONARIES.get(lang, lang)
        return _Words(self.pyphen.Pyphen(lang=chosen, left=left, right=right))


@contextmanager
def _hyphenation_rules():
    """While WeasyPrint lays out a document here, hyphenate with communique's rules: the
    English dictionary that breaks words where a reader expects, no capitalised word split,
    and no more than two hyphenated lines in a row (``render/hyphenlimit.py``). (Headings are
    not hyphenated at all: print.css.)"""
    from weasyprint.text import line_break

    from communique.render.hyphenlimit import limited

    original = line_break.pyphen
    if isinstance(original, _Hyphenation):
        yield
        return
    line_break.pyphen = _Hyphenation(original)
    try:
        with limited():
            yield
    finally:
        line_break.pyphen = original


@dataclass
class PrintRequest:
    """What a press needs to print one edition: plain data, sent to another process."""

    html: str
    base: Path  # resources are relative to this folder (the statement's)
    roots: list[Path]  # the folders resources may come from
    attachments: list[DataFile] = field(default_factory=list)
    archive: bool = False
    date: dt.date | None = None
    # The edition's budget ([budget] in communique.toml): past it, printing is stopped.
    budget_seconds: float | None = None
    budget_memory_mb: int | None = None
    # The HTML of the edition's share card (a one-page 1200×630 document), printed with the
    # same fonts and drawn to PNG by the same press; None: no card (no [site]).
    card: str | None = None


@dataclass
class Printout:
    """A printed edition, the picture of its first page and its share card."""

    printed: Printed
    thumbnail: bytes  # PNG
    card: bytes | None = None  # PNG, 1200×630, when the request had a card


CARD_PREFIX = "share card: "  # how WeasyPrint's warnings about the card (a missing glyph) start


def press_print(request: PrintRequest) -> Printout:
    """Print a request, draw its first page and its share card: the part of an edition a
    press does. The card's warnings join the PDF's (a glyph no font has is an error there)."""
    from communique.render.thumbnail import CARD_WIDTH, first_page_png

    printed = print_pdf(request.html, request.base, request.roots, attachments=request.attachments,
                        archive=request.archive, date=request.date)
    card = None
    if request.card is not None:
        drawn = print_pdf(request.card, request.base, request.roots, date=request.date)
        printed.warnings += [CARD_PREFIX + w for w in drawn.warnings
                             if w != NO_HARFBUZZ_SUBSET and w not in printed.warnings]
        card = first_page_png(drawn.pdf, CARD_WIDTH)
    return Printout(printed, first_page_png(printed.pdf), card)
