"""The content schema: what a ``statement.yaml`` may hold.

Text fields hold inline Markdown with citations; they stay strings here and are parsed by
``communique.document``. Everything else (dates, numbers, ids, URLs) is data that templates can
lay out in different ways.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

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
    def _url_or_title(self) -> "Source":
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
    def _dates(self) -> "Incident":
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
    def _not_empty(self) -> "Section":
        if not (self.body or self.incidents or self.caveat):
            raise ValueError("a section needs a body, incidents or a caveat")
        return self


class CallToAction(Model):
    """Who is called on and what they must do; ``text`` is the prose a statement prints."""

    id: Id
    addressees: Annotated[list[Line], Field(min_length=1)]
    demands: Annotated[list[Text], Field(min_length=1)]
    text: Text | None = None


class Background(Model):
    heading: Line | None = None
    body: Text


class Statement(Model):
    """A public statement (``type: public-statement``)."""

    type: Literal["public-statement"] = "public-statement"
    lang: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")]
    date: dt.date
    reference: Plain | None = None
    title: Line
    subtitle: Line | None = None
    opening: Text
    sections: list[Section] = []
    calls: list[CallToAction] = []
    background: Background | None = None
    sources: dict[Annotated[str, StringConstraints(pattern=rf"^{KEY}$")], Source] = {}

    @field_validator("lang")
    @classmethod
    def _known_language(cls, lang: str) -> str:
        try:
            Locale.parse(lang.replace("-", "_"))
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"unknown language code '{lang}'") from None
        return lang

    @property
    def incidents(self) -> list[Incident]:
        """Every incident of the statement, in reading order."""
        return [incident for section in self.sections for incident in section.incidents]
