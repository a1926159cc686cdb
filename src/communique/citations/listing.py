"""What ``communique sources`` shows: each statement's sources and the notes citing them.

Note numbers come from rendering the web page (numbering follows the template's reading
order), so the listing says exactly what the built editions will say; no PDF is printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from communique.errors import Problem


@dataclass
class StatementSources:
    """The sources of one statement, as ``export.source_records`` describes them."""

    path: str
    lang: str
    style: str
    recitation: str
    notes: int
    sources: list[dict[str, Any]] = field(default_factory=list)


def list_sources(workspace, paths: list[Path]) -> tuple[list[StatementSources], list[Problem]]:
    from communique.build import load, statement_paths
    from communique.citations.export import source_records
    from communique.render.html import TemplateError, render

    files, problems = statement_paths(workspace, paths)
    out = []
    for path in files:
        doc, found = load(path, workspace)
        problems.extend(found)
        if doc is None:
            continue
        try:
            web = render(doc, workspace, "web")
        except TemplateError as exc:
            problems.append(exc.problem)
            continue
        problems.extend(web.problems)
        out.append(StatementSources(doc.located.display, doc.statement.lang, doc.citations.style,
                                    doc.citations.recitation, len(web.notes),
                                    source_records(doc, web.notes)))
    return out, list(dict.fromkeys(problems))
