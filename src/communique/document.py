"""From a validated statement to what templates receive: parsed text with note marks.

Every Markdown field becomes a ``Rich`` value. In a template it prints as HTML in which each note
call is a placeholder; ``communique.notes`` numbers the placeholders in the order the rendered
page shows them (so numbering is always reading order, whatever the template), then swaps them
for calls and notes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from communique.citations.entries import Entry
from communique.citations.setup import Citations, check_sources
from communique.content.fields import children
from communique.content.load import Located
from communique.content.markup import NoteMark, cited_keys, parse
from communique.content.model import Statement
from communique.errors import ContentError, Problem
from communique.i18n.quotes import typographic

if TYPE_CHECKING:
    from communique.workspace import Workspace

CALL_OPEN, CALL_CLOSE = "\ue002", "\ue003"
CALL_RE = re.compile(f"{CALL_OPEN}(\\d+){CALL_CLOSE}")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class MarkRef:
    """A note mark and where it was written."""

    mark: NoteMark
    path: tuple


@dataclass
class Rich:
    """A parsed Markdown field; prints as HTML with note-call placeholders."""

    parts: tuple  # str (HTML) | int (index into Document.marks)

    def __html__(self) -> str:
        return "".join(p if isinstance(p, str) else f"{CALL_OPEN}{p}{CALL_CLOSE}" for p in self.parts)

    def __str__(self) -> str:
        return self.__html__()

    @property
    def plain(self) -> str:
        """The text without markup or notes (for <title>, metadata, alt texts)."""
        import html

        text = "".join(p for p in self.parts if isinstance(p, str))
        return " ".join(html.unescape(_TAG.sub("", text)).split())


@dataclass
class Document:
    """One statement ready for templates: the view data, the note marks and the sources."""

    statement: Statement
    located: Located
    view: dict[str, Any]
    marks: list[MarkRef] = field(default_factory=list)
    sources: dict[str, Entry] = field(default_factory=dict)
    citations: Citations = field(default_factory=Citations)


def build_document(statement: Statement, located: Located,
                   citations: Citations | None = None) -> tuple[Document, list[Problem]]:
    """Parse every Markdown field; report markup problems, unknown and unused sources.

    ``citations`` (from ``communique.citations.prepare``) brings the workspace's settings and the
    sources of libraries; without it only the statement's own sources, in the url style.
    """
    citations = citations or Citations.of_statement(statement, located)
    doc = Document(statement, located, {}, sources=dict(citations.entries), citations=citations)
    problems: list[Problem] = []
    doc.view = _walk(statement, (), doc, problems)
    used: set[str] = set()
    for ref in doc.marks:
        for cite in cited_keys((ref.mark,)):
            used.add(cite.key)
            if cite.key not in doc.sources:
                close = difflib.get_close_matches(cite.key, list(doc.sources), n=3, cutoff=0.5)
                hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else (
                    "" if doc.sources else " (the statement has no sources)")
                problems.append(located.problem(ref.path, f"unknown source '@{cite.key}'{hint}",
                                                offset=cite.offset, needle="@" + cite.key))
    problems.extend(check_sources(citations, used, located))
    return doc, problems


def _walk(value: Any, path: tuple, doc: Document, problems: list[Problem],
          kind: str | None = None) -> Any:
    """The view of ``value``: models as mappings of their fields, Markdown text as Rich."""
    if isinstance(value, (BaseModel, list, dict)):
        view = {child.key: _walk(child.value, path + (child.key,), doc, problems, child.kind)
                for child in children(value, kind=kind)}
        return list(view.values()) if isinstance(value, list) else view
    if isinstance(value, str) and kind:
        return _rich(value, path, kind == "block", doc, problems)
    return value


def _rich(text: str, path: tuple, block: bool, doc: Document, problems: list[Problem]) -> Rich:
    """A field parsed, its straight quotes made those of the edition's language (a translation
    is printed in its language, so a translated edition's quotes are its own)."""
    rich, markup_problems = parse(text, block=block)
    for p in markup_problems:
        problems.append(doc.located.problem(path, p.message, offset=p.offset, needle=p.needle))
    lang = doc.statement.lang
    parts: list = []
    for part in typographic(rich, lang):
        if isinstance(part, NoteMark):
            if part.text:  # a free note's text
                part = replace(part, text=typographic(part.text, lang))
            doc.marks.append(MarkRef(part, path))
            parts.append(len(doc.marks) - 1)
        else:
            parts.append(part)
    return Rich(tuple(parts))



def plain(value) -> str:
    """Text of a Rich value or of anything else, for attributes and metadata."""
    return value.plain if isinstance(value, Rich) else ("" if value is None else str(value))


def load(path: Path, workspace: Workspace) -> tuple[Document | None, list[Problem]]:
    """Read and check one statement; the document is None when it has errors."""
    from communique.citations import prepare
    from communique.content import read_statement
    from communique.content.assets import figure_problems
    from communique.sandbox import Refused, contained

    display = workspace.display(path)
    try:  # the sandbox's rule: a statement (or a symlink to one) outside the workspace is refused
        contained(path, [workspace.root], name="the statement")
        statement, located = read_statement(
            path, display, default_type=workspace.settings.documents.default_type,
            internal=workspace.settings.internal.fields)
        citations, problems = prepare(statement, located, workspace)
        doc, more = build_document(statement, located, citations)
        problems += located.warnings + more
        problems += figure_problems(statement, located, workspace.root,
                                    workspace.settings.internal.folders)
    except Refused as exc:
        return None, [Problem(display, 0, 0, str(exc))]
    except ContentError as exc:
        return None, exc.problems
    except Exception as exc:
        return None, [statement_failure(display, exc)]
    if any(p.is_error for p in problems):
        return None, problems
    return doc, problems


def statement_failure(where: str, exc: Exception) -> Problem:
    """A statement that could not be read for a reason no check foresaw (content nested past
    Python's stack, no memory left): one line naming it, never a traceback."""
    detail = " ".join(str(exc).split()) or "no details"
    if isinstance(exc, MemoryError):
        detail = "the machine ran out of memory"
    elif isinstance(exc, RecursionError):
        detail = "its content is nested too deeply"
    return Problem(where, 0, 0, f"the statement could not be read ({type(exc).__name__}: "
                   f"{detail}); the other statements are built")
