"""``communique sources``: each statement's sources and the notes citing them.

Note numbers come from rendering the web page (numbering follows the template's reading
order), so the listing says exactly what the built editions will say; no PDF is printed.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from communique.commands import PATHS, open_workspace, report
from communique.errors import Problem

if TYPE_CHECKING:
    from communique.workspace import Workspace


@dataclass
class StatementSources:
    """The sources of one statement, as ``outputs.data.source_records`` describes them."""

    path: str
    lang: str
    style: str
    recitation: str
    notes: int
    sources: list[dict[str, Any]] = field(default_factory=list)


def list_sources(workspace: Workspace, paths: list[Path]
                 ) -> tuple[list[StatementSources], list[Problem]]:
    from communique.document import load
    from communique.outputs.data import source_records
    from communique.render.html import TemplateError, render

    files, problems = workspace.statement_files(paths)
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


@click.command()
@PATHS
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
def sources(paths: tuple[Path, ...], as_json: bool) -> None:
    """List every source of the statements (or those named) with the notes that cite it."""
    workspace = open_workspace()
    listed, problems = list_sources(workspace, list(paths))
    report(problems)
    if as_json:
        click.echo(json.dumps([vars(s) for s in listed], ensure_ascii=False, indent=2))
    for statement in [] if as_json else listed:
        click.secho(f"{statement.path} ({statement.lang}): {len(statement.sources)} source(s), "
                    f"{statement.notes} note(s), style {statement.style}, "
                    f"re-citation {statement.recitation}", bold=True)
        for source in statement.sources:
            numbers = source["notes"]
            cited = (f"note{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
                     if numbers else click.style("never cited", fg="yellow"))
            click.echo(f"  {source['id']}  [{source['kind']}]  {cited}")
            who = ", ".join(source["authors"]) or source["publisher"]
            title = " — ".join(filter(None, (who, source["title"])))
            for line in filter(None, (title, source["url"], f"from {source['defined_in']}")):
                click.echo(f"      {line}")
    sys.exit(1 if any(p.is_error for p in problems) else 0)
