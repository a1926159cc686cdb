"""What every output is and receives: the interface of :mod:`communique.outputs`."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from communique.errors import Problem

if TYPE_CHECKING:
    from communique.build.model import BuildOptions
    from communique.document import Document
    from communique.i18n.ui import Strings
    from communique.notes import Note
    from communique.presses import Await
    from communique.render.pdf import Printout, PrintRequest
    from communique.workspace import Workspace


@dataclass
class EditionContext:
    """Everything an output may use to make one edition; the same for every output."""

    doc: Document  # the statement, translated into the edition's language
    slug: str
    workspace: Workspace
    strings: Strings  # the templates' own words in the edition's language
    options: BuildOptions
    fallback: bool = False  # some text is printed in the source language (a DRAFT mark)
    languages: tuple[str, ...] = ()  # the languages of all the statement's editions
    problems: list[Problem] = field(default_factory=list)  # the edition's, in order found

    @property
    def lang(self) -> str:
        return self.doc.statement.lang

    @property
    def folder(self) -> Path:
        """Where the edition's files go: ``build/<slug>/<lang>/``."""
        return self.workspace.build_dir / self.slug / self.lang

    @property
    def stem(self) -> str:
        """The name its files share: ``<slug>-<lang>``."""
        return f"{self.slug}-{self.lang}"


@dataclass
class Made:
    """What an output made for one edition: its files (path -> bytes, written by the build);
    ``notes``, ``pages`` and ``attachments`` when it knows them (the web page, the PDF).

    ``refused``: errors that stop this output's files only (a PDF with a character no font
    has); the edition's other outputs are still written, as nothing is wrong with them.
    """

    files: dict[Path, bytes] = field(default_factory=dict)
    notes: list[Note] | None = None
    pages: int | None = None
    attachments: list[str] | None = None  # the files attached to a PDF (archive mode)
    refused: list[Problem] = field(default_factory=list)
    listing: dict | None = None  # what the site lists of the edition (the web output's)
    # A last step once every output of the edition is made, given what they made: the web page
    # links to its PDF, whose pages are known only when it is printed (after the page is made).
    finish: Callable[[dict[str, Made]], None] | None = field(default=None, repr=False)


Steps = Generator["PrintRequest | Await", "Printout | None", Made]


class Output(Protocol):
    """One kind of output of an edition."""

    name: str  # in messages, in Edition.outputs and the build record ("web", "print", …)
    label: str  # what the build report calls a link to it ("web page", "PDF", …)

    def path(self, ctx: EditionContext) -> Path:
        """Its main file for the edition: what the build report and the preview link to."""
        ...

    def make(self, ctx: EditionContext, made: dict[str, Made]) -> Steps:
        """Make the edition's files; ``made`` holds the outputs made before this one."""
        ...
