"""The content schema: what a ``statement.yaml`` may hold.

Text fields hold inline Markdown with citations; they stay strings here and are parsed by
``communique.document``. Everything else (dates, numbers, ids, URLs) is data that templates can
lay out in different ways.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from communique.content.markup import KEY, link_problem


class Markdown(str):
    """Marks a text field as Markdown: ``Markdown("block")`` holds paragraphs, ``"inline"`` a line."""


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200_000), Markdown("block")]
Line = Annotated[str, StringConstraints(min_length=1, max_length=2_000), Markdown("inline")]
Plain = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]

SOURCE_KINDS = (
    "webpage", "social-media-post", "news-article", "press-release", "report",
    "official-document", "un-document", "legal-document", "dataset", "interview", "other",
)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Source(Model):
    """A source cited as ``[@id]``."""

    url: str | None = None
    title: Plain | None = None
    publisher: Plain | None = None
    author: Plain | None = None
    date: dt.date | None = None
    accessed: dt.date | None = None
    kind: Literal[SOURCE_KINDS] = "webpage"  # type: ignore[valid-type]
    lang: str | None = Field(
        None, pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$",
        description="The language the title is in, when not the statement's (en, ru, az…). "
                    "Titles are printed as written in every edition, marked with their language "
                    "for screen readers and fonts.")

    @field_validator("url")
    @classmethod
    def _url(cls, url: str | None) -> str | None:
        if url is None:
            return url
        problem = link_problem(url)
        if problem or url.startswith("#") or url.lower().startswith("mailto:"):
            raise ValueError(problem or f"source URL '{url}' must be an http:// or https:// address")
        if any(ch.isspace() for ch in url):
            raise ValueError(f"source URL '{url}' contains spaces")
        return url

    @model_validator(mode="after")
    def _url_or_title(self) -> Source:
        if not self.url and not self.title:
            raise ValueError("a source needs a url or a title")
        return self


class Civilians(Model):
    """Civilian casualties reported for an incident; leave a figure out when it is not known."""

    killed: int | None = Field(None, ge=0)
    wounded: int | None = Field(None, ge=0)


class Incident(Model):
    """One reported incident: structured facts plus the narrative text."""

    id: Id
    date: dt.date
    end_date: dt.date | None = None
    place: Line
    reported_by: Line
    civilians: Civilians = Civilians()
    verified: bool = False
    text: Text

    @model_validator(mode="after")
    def _dates(self) -> Incident:
        if self.end_date and self.end_date < self.date:
            raise ValueError("end_date is before date")
        return self


class Section(Model):
    """A part of the body: Markdown paragraphs, then any incidents, then an optional caveat."""

    id: Id
    heading: Line | None = None
    body: Text | None = None
    incidents: list[Incident] = []
    caveat: Text | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Section:
        if not (self.body or self.incidents or self.caveat):
            raise ValueError("a section needs a body, incidents or a caveat")
        return self


class CallToAction(Model):
    """Who is called on and what they must do; ``text`` is the prose a statement prints.

    A call written as prose names its addressees in its own words: ``addressees`` and
    ``demands`` are then optional, the demands (if any) are listed after the prose, and the
    addressees are not printed (so no translator is asked for them, see :meth:`unprinted`).
    """

    id: Id
    addressees: list[Line] = Field([], description="Who is called on, as the sentence "
                                   "'… calls on the government and the armed forces to:' "
                                   "names them (lower case where the language wants it); "
                                   "required without text.")
    demands: list[Text] = Field([], description="What they must do, one item a demand; "
                                "required without text, listed after it with it.")
    text: Text | None = Field(None, description="The call as prose; without it the "
                              "addressees and demands make the sentence.")

    @model_validator(mode="after")
    def _complete(self) -> CallToAction:
        if self.text is None:
            missing = [name for name in ("addressees", "demands") if not getattr(self, name)]
            if missing:
                raise ValueError(f"a call without text needs {' and '.join(missing)} "
                                 "(or write the call as prose in text)")
        return self

    def unprinted(self) -> frozenset[str]:
        """The fields the built-in templates do not print: with ``text``, the addressees."""
        return frozenset({"addressees"}) if self.text else frozenset()


class Background(Model):
    heading: Line | None = None
    body: Text


LANG_PATTERN = r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$"
RECITATIONS = ("repeat", "short", "ibid", "same-number")


class CitationSettings(Model):
    """How this document's notes cite sources; what is left out follows ``communique.toml``."""

    style: Plain | None = Field(None, description="url, full, a .csl file beside statement.yaml, "
                                "or a CSL style name such as chicago-notes-bibliography.")
    recitation: Literal[RECITATIONS] | None = Field(  # type: ignore[valid-type]
        None, description="How a source cited again is written: repeat, short, ibid or same-number.")
    bibliography: bool | None = Field(
        None, description="End with the list of sources cited. Unset: as communique.toml says, "
        "else the document type's habit (a report has the list, a public statement or an urgent "
        "action has not).")
    libraries: list[Plain] = Field([], description="CSL-JSON (.json) or BibTeX (.bib) files of "
                                   "sources, relative to statement.yaml.")


class Statement(Model):
    """What every document type has: language, date, title, status and sources."""

    # Whether the type ends with the list of sources when no citations.bibliography says.
    LIST_OF_SOURCES: ClassVar[bool] = False

    type: str
    lang: Annotated[str, StringConstraints(pattern=LANG_PATTERN)] = Field(
        description="The language the text is written in (en, ru, hy, az, ar…).")
    date: dt.date = Field(description="Publication date (YYYY-MM-DD).")
    reference: Plain | None = Field(None, description="Index number, e.g. EUR 55/3154/2020.")
    title: Line
    subtitle: Line | None = None
    keywords: list[Line] = Field([], description="Subjects the document is filed under, for "
                                 "catalogues and search (PDF and web metadata), e.g. "
                                 "[Armenia, Azerbaijan, armed conflict].")
    draft: bool = Field(False, description="A draft prints a DRAFT mark on every page; "
                        "`communique build --publish` refuses it.")
    embargo: dt.datetime | None = Field(
        None, description="Not to be published before this moment, with its time zone "
        "(2020-09-29T00:01:00+00:00); printed as 'Embargoed until …'.")
    sources: dict[Annotated[str, StringConstraints(pattern=rf"^{KEY}$")], Source] = Field(
        {}, description="Every source cited as [@id], by id.")
    citations: CitationSettings = Field(CitationSettings(), description="Citation style, "
                                        "re-citation rule, list of sources, source libraries.")

    @field_validator("lang")
    @classmethod
    def _known_language(cls, lang: str) -> str:
        try:
            Locale.parse(lang.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"unknown language code '{lang}'") from None
        return lang

    @field_validator("embargo")
    @classmethod
    def _zoned(cls, moment: dt.datetime | None) -> dt.datetime | None:
        if moment is not None and moment.utcoffset() is None:
            raise ValueError("give the embargo's time zone, e.g. 2020-09-29T00:01:00+00:00 "
                             "(an embargo without one means a different moment in every country)")
        return moment

    @property
    def incidents(self) -> list[Incident]:
        """Every incident of the document, in reading order."""
        return []


class PublicStatement(Statement):
    """A public statement (``type: public-statement``)."""

    type: Literal["public-statement"] = "public-statement"
    opening: Text = Field(description="The opening call, printed in bold.")
    sections: list[Section] = []
    calls: list[CallToAction] = []
    background: Background | None = None

    @property
    def incidents(self) -> list[Incident]:
        return [incident for section in self.sections for incident in section.incidents]


# -- urgent action ---------------------------------------------------------------------------

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+$",
                                         max_length=254)]


class Addressee(Model):
    """Someone to write to: their title and, where known, name and addresses."""

    title: Line = Field(description="Their office, e.g. Minister of Communications.")
    name: Line | None = None
    salutation: Line | None = Field(None, description="How a letter to them opens, e.g. Dear Minister,")
    address: list[Plain] = Field([], description="Postal address, one line an item.")
    email: Email | None = None
    social: Plain | None = Field(None, description="A social media handle, e.g. @handle.")


class Appeal(Model):
    """The sample letter readers may send as it is or in their own words."""

    salutation: Line | None = Field(None, description="Defaults to the first addressee's.")
    body: Text
    closing: Line | None = Field(None, description="e.g. Yours sincerely,")


class UrgentAction(Statement):
    """An urgent action (``type: urgent-action``): one or two pages asking readers to write."""

    type: Literal["urgent-action"] = "urgent-action"
    situation: Text = Field(description="What happened and why readers must act, in a few lines.")
    action: Text = Field(description="The take-action box: what to do, and how.")
    addressees: Annotated[list[Addressee], Field(min_length=1)]
    copies: list[Addressee] = Field([], description="Also send copies to (embassies, officials).")
    appeal: Appeal
    deadline: dt.date = Field(description="Please take action before this date.")
    appeal_languages: list[Plain] = Field(
        [], description="Languages the addressees prefer letters in.")
    background: Background | None = Field(None, description="Additional information.")

    @model_validator(mode="after")
    def _deadline(self) -> UrgentAction:
        if self.deadline < self.date:
            raise ValueError(f"deadline {self.deadline} is before the date of the action, {self.date}")
        return self


# -- report ----------------------------------------------------------------------------------

def _asset_path(value: str) -> str:
    """A file path relative to the statement's folder: no URL, no absolute path, no '..'."""
    text = value.strip()
    if "://" in text or text.lower().startswith(("data:", "file:")):
        raise ValueError(f"'{value}' is a URL: give the path of a file beside statement.yaml")
    if text.startswith(("/", "\\")) or ".." in text.replace("\\", "/").split("/"):
        raise ValueError(f"'{value}' must be a path inside the statement's folder (no '/' at the "
                         "start, no '..')")
    return text


AssetPath = Annotated[str, StringConstraints(min_length=1, max_length=500),
                      AfterValidator(_asset_path)]
Cell = Annotated[str, StringConstraints(max_length=2_000), Markdown("inline")]


class Figure(Model):
    """An image with a caption and the text a screen reader says instead of it."""

    id: Id
    image: AssetPath = Field(description="Image file (SVG, PNG, JPEG) relative to statement.yaml.")
    alt: Plain = Field(description="What the image shows, for readers who cannot see it (required).")
    caption: Line
    credit: Line | None = None


class Table(Model):
    """A table of text or figures, with a caption and a summary for screen readers."""

    id: Id
    caption: Line
    alt: Plain = Field(description="What the table shows, in a sentence (required).")
    columns: Annotated[list[Line], Field(min_length=1)]
    rows: Annotated[list[list[int | float | Cell]], Field(min_length=1)]
    note: Line | None = Field(None, description="A line printed under the table (source, caveat).")

    @model_validator(mode="after")
    def _rectangular(self) -> Table:
        for number, row in enumerate(self.rows, 1):
            if len(row) != len(self.columns):
                raise ValueError(f"row {number} has {len(row)} cells but the table has "
                                 f"{len(self.columns)} columns")
        return self


class Subsection(Model):
    id: Id
    heading: Line
    body: Text | None = None
    figures: list[Figure] = []
    tables: list[Table] = []


class Chapter(Model):
    """A chapter: text, then figures, tables and incidents, then any subsections."""

    id: Id
    heading: Line
    body: Text | None = None
    figures: list[Figure] = []
    tables: list[Table] = []
    incidents: list[Incident] = Field(
        [], description="Printed as a table, a timeline chart and the account of each.")
    timeline: bool = Field(True, description="Draw the incidents' timeline chart.")
    caveat: Text | None = None
    sections: list[Subsection] = []


class Recommendation(Model):
    """Recommendations to one addressee."""

    id: Id
    addressee: Line = Field(description="Whom they are for, e.g. To the authorities of Armenia")
    points: Annotated[list[Text], Field(min_length=1)]


class Report(Statement):
    """A report (``type: report``): cover, contents, summary, chapters, recommendations."""

    LIST_OF_SOURCES: ClassVar[bool] = True

    type: Literal["report"] = "report"
    summary: Text = Field(description="The executive summary.")
    chapters: Annotated[list[Chapter], Field(min_length=1)]
    recommendations: list[Recommendation] = []
    # Before citations.bibliography covered every type: still read, with a warning.
    source_list: bool | None = Field(None, description="Deprecated: write citations: "
                                     "{bibliography: false} instead.",
                                     json_schema_extra={"deprecated": True})

    @property
    def incidents(self) -> list[Incident]:
        return [incident for chapter in self.chapters for incident in chapter.incidents]


DOCUMENT_TYPES: dict[str, type[Statement]] = {
    "public-statement": PublicStatement,
    "urgent-action": UrgentAction,
    "report": Report,
}
AnyStatement = Annotated[PublicStatement | UrgentAction | Report, Field(discriminator="type")]
"""Any document, told apart by its ``type`` (what the JSON Schema describes)."""
