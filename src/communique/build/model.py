"""What a build works with and tells: options, jobs, editions, outcomes, results.

Plain data only: a job is sent to a worker process and an outcome comes back from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from communique.errors import Problem
from communique.workspace import Workspace


@dataclass(frozen=True)
class BuildOptions:
    """The settings of one build that change what it writes (part of every fingerprint)."""

    strict: bool = False  # a fallback to the source text, or an untranslated template string, fails
    publish: bool = False  # --strict, and a draft or any warning fails
    archive: bool = False  # every PDF a PDF/A-3b carrying its data (as [pdf] archive = true)

    @property
    def strict_or_publish(self) -> bool:
        return self.strict or self.publish

    def fingerprint(self) -> dict[str, bool]:
        """The options that are on, as the incremental record keeps them."""
        return {name: True for name in ("archive", "publish", "strict") if getattr(self, name)}


@dataclass
class Edition:
    """One statement in one language, and what building it produced."""

    slug: str
    lang: str
    outputs: dict[str, Path] = field(default_factory=dict)  # output name -> its main file
    pages: int = 0
    notes: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)  # this edition's, statement's included
    cached: bool = False  # up to date: its inputs had not changed, so it was not rebuilt
    # A translated edition: its translatable units, and how many of them fell back to the
    # source text (untranslated, fuzzy, outdated). None for the source language.
    units: int | None = None
    fallbacks: int | None = None
    attachments: list[str] = field(default_factory=list)  # the files attached to its PDF
    # What the site's indexes, feeds and sitemap list of it (plain text, from the web output):
    # type, date, reference, title, summary, keywords, draft, fallback, embargo, page digest.
    listing: dict | None = None

    @property
    def key(self) -> str:
        return f"{self.slug}/{self.lang}"

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)


@dataclass
class Result:
    editions: list[Edition] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # slugs (or slug/lang) that produced no output
    # Why each of ``failed`` produced nothing: a statement that could not be read (by its slug)
    # or an edition that could not be built ("slug/lang"), with its problems.
    failures: dict[str, list[Problem]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def built(self) -> list[Edition]:
        return [e for e in self.editions if not e.cached]


@dataclass(frozen=True)
class Job:
    """One edition to build, as plain data a worker process receives."""

    path: Path  # the statement.yaml
    lang: str
    workspace: Workspace
    options: BuildOptions = BuildOptions()
    langs: tuple[str, ...] = ()  # the languages of all the statement's editions
    write: bool = True
    only: tuple[str, ...] | None = None  # the outputs to make (None: all); serve's first pass: web

    @property
    def slug(self) -> str:
        return self.path.parent.name

    @property
    def key(self) -> str:
        return f"{self.slug}/{self.lang}"


@dataclass
class Outcome:
    """What a worker sends back: plain data only."""

    job: Job
    edition: Edition | None  # None: the edition could not be built
    problems: list[Problem]
    opened: list[str]  # files read while building it, for the incremental-build record
    seconds: float


class Progress:
    """What a build tells while it runs; the command line draws a bar from it."""

    def planned(self, total: int, to_build: int) -> None:
        """``total`` editions, of which ``to_build`` are out of date."""

    def finished(self, outcome: Outcome) -> None:
        """One edition was built (or failed)."""


# The states of a translation unit printed in the source language that are a translator's work
# still to do, not a mistake: ``communique build`` tells them as one line a file.
# ("invalid", a translation that drops a figure or a citation, is told unit by unit.)
TO_TRANSLATE = {"missing": "not in the file", "untranslated": "not translated",
                "fuzzy": "marked fuzzy", "outdated": "translated from an older text"}


def summarised(problems: list[Problem]) -> list[Problem]:
    """``problems`` as a terminal shows them after every build: the warnings about texts of one
    translation file still to translate become one line with their count, in place of the first.

    A statement translated into four languages but not yet translated would otherwise print 72
    lines on every build, and hide the one warning that matters among them. Errors (the same
    texts under ``--strict``) and every other problem are kept as they are; ``communique
    status`` and ``check`` and the build report still list each text with its line.
    """
    groups: dict[str, list[Problem]] = {}
    for p in problems:
        if not p.is_error and p.kind in TO_TRANSLATE:
            groups.setdefault(p.path, []).append(p)
    out: list[Problem] = []
    for p in problems:
        group = groups.get(p.path) if not p.is_error and p.kind in TO_TRANSLATE else None
        if group is None or len(group) == 1:
            out.append(p)
        elif p is group[0]:
            out.append(_to_translate(p.path, group))
    return out


def _to_translate(path: str, group: list[Problem]) -> Problem:
    counts = {kind: sum(p.kind == kind for p in group) for kind in TO_TRANSLATE}
    detail = ", ".join(f"{n} {TO_TRANSLATE[kind]}" for kind, n in counts.items() if n)
    # each message ends with what is printed instead ("the English text is printed instead")
    tails = {p.message.rpartition(": ")[2] for p in group}
    instead = f": {tails.pop()}" if len(tails) == 1 else ""
    folder = Path(path).parent
    slug = f" {folder.parent.name}" if folder.name == "i18n" and folder.parent.name else ""
    what = f"{len(group)} texts {detail.partition(' ')[2]}" if len(detail.split(", ")) == 1 else \
        f"{len(group)} texts to translate ({detail})"
    return Problem(path, 0, 0, f"{what}{instead}; run "
                   f"'communique status{slug}' for each one", "warning", "summary")
