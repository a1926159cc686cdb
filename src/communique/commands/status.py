"""``communique status``: how far each statement is translated, per language."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from communique.commands import PATHS, open_workspace, report, statements


@click.command()
@PATHS
@click.option("-v", "--verbose", is_flag=True, help="Also list the translated units.")
def status(paths: tuple[Path, ...], verbose: bool) -> None:
    """How far each statement is translated: per language, translated, fuzzy, missing, and which."""
    from communique.i18n import editions

    workspace = open_workspace()
    docs, problems = statements(workspace, paths)
    report(problems)
    for doc in docs:
        rows = editions.status(doc, workspace)
        source = rows[0]
        click.echo(f"{doc.located.path.parent.name}  ({source.lang}, {source.units} text(s) to translate)")
        for row in rows[1:]:
            report(row.problems)
            click.echo(f"  {row.lang:<6} {row.summary()}")
            for state in row.states:
                if state.state != "translated" or verbose:
                    where = state.where or ""
                    click.echo(f"         {state.state:<12} {state.unit.context}  {where}".rstrip())
        strings = editions.template_status(workspace, [r.lang for r in rows])
        if strings:
            click.echo("  template strings: " + ", ".join(strings))
    sys.exit(1 if problems else 0)
