"""One citable source, whatever file it came from, and its CSL-JSON form.

A source may be written in ``statement.yaml`` (the ``Source`` model) or come from a reference
manager's export (CSL-JSON or BibTeX). Each becomes an ``Entry``: the few fields the built-in
styles print, already normalised (display names, partial dates, a communique ``kind``), plus the
full CSL-JSON item that CSL styles and the ``.sources.json`` export use. Keeping the CSL item
means nothing a reference manager exported is lost on the way to a CSL style.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from babel import Locale
from babel.dates import format_date, format_skeleton

from communique.content.model import SOURCE_KINDS, Source

# communique kind -> CSL type (and a genre where CSL has no type of its own)
KIND_TO_CSL: dict[str, tuple[str, str | None]] = {
    "webpage": ("webpage", None),
    "social-media-post": ("post", None),
    "news-article": ("article-newspaper", None),
    "press-release": ("report", "Press release"),
    "report": ("report", None),
    "official-document": ("document", None),
    "un-document": ("document", None),
    "legal-document": ("legislation", None),
    "dataset": ("dataset", None),
    "interview": ("interview", None),
    "other": ("article", None),
}
assert set(KIND_TO_CSL) == set(SOURCE_KINDS)

CSL_TO_KIND: dict[str, str] = {
    "webpage": "webpage", "post": "social-media-post", "post-weblog": "social-media-post",
    "article-newspaper": "news-article", "article-magazine": "news-article",
    "broadcast": "news-article", "report": "report", "document": "official-document",
    "standard": "official-document", "pamphlet": "official-document",
    "legislation": "legal-document", "bill": "legal-document", "legal_case": "legal-document",
    "treaty": "legal-document", "regulation": "legal-document", "hearing": "legal-document",
    "dataset": "dataset", "interview": "interview", "personal_communication": "interview",
}
CSL_TYPES = frozenset((
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview",
    "legal_case", "legislation", "manuscript", "map", "motion_picture", "musical_score",
    "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
))
# A UN body as publisher or authority, or a UN document symbol (A/HRC/32/L.20, S/RES/2334 (2016)).
_UN = re.compile(r"\b(UN|U\.N\.|United Nations|OHCHR|UNHCR|UNICEF)\b|^(A|S|E|CCPR|CERD|CAT|CRC)/[A-Z0-9]",
                 re.I)
_UN_SYMBOL = re.compile(r"^(A|S|E|CCPR|CERD|CAT|CRC|HRC)/[A-Z0-9./()\s-]+$")
_PRESS = re.compile(r"press\s*release|communiqu", re.I)


@dataclass(frozen=True)
class PartialDate:
    """A date as sources give it: a year, a month of a year, a full day, or literal text."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    literal: str | None = None

    @classmethod
    def of(cls, value: dt.date | None) -> PartialDate | None:
        return cls(value.year, value.month, value.day) if value else None

    @property
    def date(self) -> dt.date | None:
        """The full date when day, month and year are known."""
        if self.year and self.month and self.day:
            try:
                return dt.date(self.year, self.month, self.day)
            except ValueError:
                return None
        return None

    @property
    def iso(self) -> str:
        if self.literal:
            return self.literal
        parts = [f"{self.year:04d}"] if self.year else []
        if self.year and self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def csl(self) -> dict[str, Any]:
        if self.literal:
            return {"literal": self.literal}
        parts = [p for p in (self.year, self.month, self.day if self.month else None) if p]
        return {"date-parts": [parts]}

    def format(self, locale: Locale, format: str = "long") -> str:
        """In the edition's language: "27 сентября 2020 г.", "June 2016", "2016"."""
        if self.literal:
            return self.literal
        full = self.date
        if full:
            return format_date(full, format, locale=locale)
        if self.year and self.month:
            return format_skeleton("yMMMM", dt.date(self.year, self.month, 1), locale=locale)
        return format_skeleton("y", dt.date(self.year, 1, 1), locale=locale) if self.year else ""

    def __str__(self) -> str:
        return self.iso


@dataclass(frozen=True)
class Origin:
    """Where a source was defined: for messages and for ``communique sources``."""

    path: str  # as displayed to the user
    line: int = 0
    column: int = 0
    level: str = "statement"  # "statement", "statement library" or "workspace library"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Entry:
    """A citable source with everything the styles need, normalised."""

    key: str
    kind: str
    title: str | None = None
    url: str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    issued: PartialDate | None = None
    accessed: PartialDate | None = None
    short_title: str | None = None
    csl: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    origin: Origin = Origin("")
    lang: str | None = None  # the language of the title (and names), when known

    # The names a template written for ``Source`` uses keep working.
    @property
    def author(self) -> str | None:
        return ", ".join(self.authors) or None

    @property
    def date(self) -> dt.date | None:
        return self.issued.date if self.issued else None

    @property
    def label(self) -> str:
        """Who stands behind the source: the authors, else the publisher, else nothing."""
        return self.author or self.publisher or ""

    def csl_item(self) -> dict[str, Any]:
        """The CSL-JSON item, with this entry's id."""
        return {"id": self.key, **self.csl}


def from_source(key: str, source: Source, origin: Origin, lang: str | None = None) -> Entry:
    """An entry for a source written in ``statement.yaml``; its title is in ``source.lang``,
    else in ``lang`` (the statement's)."""
    csl_type, genre = KIND_TO_CSL[source.kind]
    csl: dict[str, Any] = {"type": csl_type}
    if genre:
        csl["genre"] = genre
    if source.title:
        csl["title"] = source.title
        if ": " in source.title:  # what reference managers fill in as "Short Title"
            csl["title-short"] = source.title.split(": ", 1)[0]
    if source.author:
        csl["author"] = [{"literal": source.author}]
    if source.publisher and source.kind == "social-media-post" and not source.author:
        csl["author"] = [{"literal": source.publisher}]  # an account posts in its own name
    elif source.publisher:
        csl["publisher"] = source.publisher
        if source.kind in ("news-article", "webpage"):
            csl["container-title"] = source.publisher  # the newspaper or the site
    issued, accessed = PartialDate.of(source.date), PartialDate.of(source.accessed)
    if issued:
        csl["issued"] = issued.csl()
    if accessed:
        csl["accessed"] = accessed.csl()
    if source.url:
        csl["URL"] = source.url
    return Entry(key, source.kind, source.title, source.url,
                 (source.author,) if source.author else (), source.publisher, issued, accessed,
                 csl.get("title-short"), csl, origin, source.lang or lang)


class EntryError(ValueError):
    """A CSL item that cannot be used; ``field`` names the offending field when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# The longest text a person writes in a field: a title, a name or a URL is a line (as in
# statement.yaml); an abstract or a note may be pages. A 1 MB title is a mistake or an attack,
# and laying it out would take minutes: it is an error at its line.
MAX_LINE = 2_000
MAX_TEXT = 200_000
LONG_FIELDS = frozenset({"abstract", "note", "annote", "extra"})


def _sizes(csl: dict[str, Any]) -> None:
    """Raise EntryError for a field longer than anyone writes (names and dates included)."""
    def check(name: str, value: Any, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            raise EntryError(f"'{name}' is {len(value):,} characters long; the limit is "
                             f"{limit:,}", name)
        if isinstance(value, dict):
            for inner in value.values():
                check(name, inner, limit)
        elif isinstance(value, list):
            for inner in value:
                check(name, inner, limit)

    for name, value in csl.items():
        check(name, value, MAX_TEXT if name in LONG_FIELDS else MAX_LINE)


def from_csl(key: str, item: dict[str, Any], origin: Origin) -> tuple[Entry, list[tuple[str, str | None]]]:
    """An entry for a CSL-JSON item; returns it with warnings (message, field).

    Raises ``EntryError`` when the item cannot be cited at all, or holds a field longer than
    a person writes (``MAX_LINE``, ``MAX_TEXT``).
    """
    warnings: list[tuple[str, str | None]] = []
    csl = {k: v for k, v in item.items() if k not in ("id", "citation-key")}
    _sizes(csl)
    csl_type = csl.get("type")
    if not isinstance(csl_type, str) or not csl_type:
        raise EntryError("missing 'type' (a CSL item type such as \"webpage\" or \"report\")", "type")
    if csl_type not in CSL_TYPES:
        warnings.append((f"unknown CSL type '{csl_type}': read as 'document'", "type"))
        csl["type"] = csl_type = "document"
    title = _text(csl, "title")
    url = _csl_url(csl)
    if not title and not url:
        raise EntryError("a source needs a title or a URL", "title")
    authors = tuple(_name(n) for n in _names(csl, "author")) or tuple(
        _name(n) for n in _names(csl, "editor"))
    authors = tuple(a for a in authors if a)
    publisher = (_text(csl, "publisher") or _text(csl, "authority")
                 or _text(csl, "container-title"))
    issued = _date(csl.get("issued"), "issued")
    accessed = _date(csl.get("accessed"), "accessed")
    kind = _kind(csl_type, csl)
    short = _text(csl, "title-short") or _text(csl, "shortTitle")
    return Entry(key, kind, title, url, authors, publisher, issued, accessed, short, csl,
                 origin), warnings


def _csl_url(csl: dict[str, Any]) -> str | None:
    """The item's URL (or its DOI as one), checked as every link is; EntryError if unsafe."""
    url = _text(csl, "URL")
    doi = _text(csl, "DOI")
    if not url and doi:
        url = "https://doi.org/" + doi.removeprefix("https://doi.org/")
    if url:
        from communique.content.markup import link_problem

        problem = link_problem(url)
        if not problem and not url.lower().startswith(("http://", "https://")):
            problem = f"source URL '{url}' must be an http:// or https:// address"
        if not problem and any(ch.isspace() for ch in url):
            problem = f"source URL '{url}' contains spaces"
        if problem:
            raise EntryError(problem, "URL")
    return url


def _kind(csl_type: str, csl: dict[str, Any]) -> str:
    kind = CSL_TO_KIND.get(csl_type, "other")
    genre = _text(csl, "genre") or ""
    if _PRESS.search(genre):
        return "press-release"
    if _UN_SYMBOL.match(_text(csl, "number") or ""):  # A/HRC/RES/32/13 names a UN document
        return "un-document"
    if kind in ("report", "official-document", "legal-document", "other"):
        bodies = " ".join(filter(None, (_text(csl, "publisher"), _text(csl, "authority"))))
        if bodies and _UN.search(bodies):
            return "un-document"
    return kind


def _text(csl: dict[str, Any], name: str) -> str | None:
    value = csl.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        if value is not None:
            raise EntryError(f"'{name}' must be text", name)
        return None
    return " ".join(value.split()) or None


def _names(csl: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = csl.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(n, dict) for n in value):
        raise EntryError(f"'{name}' must be a list of names ({{\"family\": …, \"given\": …}} "
                         f"or {{\"literal\": …}})", name)
    return value


def _name(name: dict[str, Any]) -> str:
    if name.get("literal"):
        return str(name["literal"]).strip()
    parts = [name.get(p) for p in ("given", "dropping-particle", "non-dropping-particle", "family")]
    text = " ".join(str(p).strip() for p in parts if p)
    return f"{text}, {name['suffix']}" if name.get("suffix") else text


_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def _date(value: Any, name: str) -> PartialDate | None:
    """A CSL date: ``{"date-parts": [[2020, 9, 27]]}``, ``{"raw": "2020-09-27"}`` or ``{"literal": …}``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise EntryError(f"'{name}' must be a CSL date such as {{\"date-parts\": [[2020, 9, 27]]}}", name)
    parts = value.get("date-parts")
    if parts:
        try:
            first = [int(p) for p in parts[0]]
        except (TypeError, ValueError, IndexError):
            raise EntryError(f"'{name}' has unreadable date-parts {parts!r}", name) from None
        year, month, day = (first + [None, None, None])[:3]
        return _checked(year, month, day, name)
    for raw_key in ("raw", "literal"):
        raw = value.get(raw_key)
        if isinstance(raw, str) and raw.strip():
            m = _ISO.match(raw)
            if m:
                year, month, day = (int(g) if g else None for g in m.groups())
                return _checked(year, month, day, name)
            return PartialDate(literal=raw.strip())
    return None


def _checked(year: int | None, month: int | None, day: int | None, name: str) -> PartialDate:
    if month is not None and not 1 <= month <= 12:
        raise EntryError(f"'{name}' has month {month}", name)
    if day is not None and month is not None:
        try:
            dt.date(year or 1, month, day)
        except ValueError:
            raise EntryError(f"'{name}' has no day {day} in month {month}", name) from None
    return PartialDate(year, month, day if month else None)
