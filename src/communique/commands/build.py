"""``communique build``: every edition of the statements, written under build/."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from communique.commands import PATHS, open_workspace, report

if TYPE_CHECKING:
    from communique.build import Result
    from communique.workspace import Workspace


@click.command()
@PATHS
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one a core; 1 builds in this process).")
@click.option("--force", is_flag=True, help="Rebuild every edition, even those up to date.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a machine-readable summary on stdout (problems still go to stderr).")
@click.option("--strict", is_flag=True,
              help="For publication: a translation that falls back to the source text, or a "
                   "template string without translation, is an error and its edition is not written.")
@click.option("--publish", is_flag=True,
              help="Build for publication: --strict, and a draft or any warning is an error "
                   "(nothing is written for that edition).")
@click.option("--archive", is_flag=True,
              help="Make every PDF a PDF/A-3b carrying the statement's data, for this build "
                   "(as [pdf] archive = true in communique.toml).")
@click.option("-l", "--lang", "langs", metavar="CODE", multiple=True,
              help="Build only the editions in this language (repeatable); the others are left "
                   "as they are.")
def build(paths: tuple[Path, ...], jobs: int | None, force: bool, quiet: bool,
          as_json: bool, strict: bool, publish: bool, archive: bool,
          langs: tuple[str, ...]) -> None:
    """Build every statement under content/ (or those named) into build/.

    Only editions whose content, translation, templates or settings changed are rebuilt.
    """
    from communique.build import BuildOptions
    from communique.build import build as run

    workspace = open_workspace()
    options = BuildOptions(strict=strict, publish=publish, archive=archive)
    if quiet or as_json:
        result = run(workspace, list(paths), jobs=jobs, force=force, options=options, only=langs)
    else:
        from rich.console import Console

        from communique.commands.progress import Bar

        with Bar(Console(stderr=True)) as bar:
            result = run(workspace, list(paths), jobs=jobs, force=force, progress=bar,
                         options=options, only=langs)
    from communique.build import summarised

    report([p for p in result.problems if p.is_error] if quiet else summarised(result.problems))
    if as_json:
        from communique.commands.progress import as_json as summary

        click.echo(summary(result, workspace))
    elif not quiet:
        _editions(result, workspace)
        from communique.commands.progress import attachment_lines, summary_line

        for line in attachment_lines(result, workspace) if options.archive or \
                workspace.settings.pdf.archive else ():
            click.echo(line)
        click.echo(summary_line(result, "built"), err=True)
    sys.exit(1 if result.errors else 0)


def _editions(result: Result, workspace: Workspace) -> None:
    """One line for a single edition, a table for more."""
    if len(result.editions) == 1:
        e = result.editions[0]
        state = "up to date" if e.cached else f"{e.seconds:.2f} s"
        main = e.outputs.get("print") or e.outputs.get("web")
        shown = workspace.display(main) if main else e.key
        click.echo(f"{shown}  {e.pages} page(s), {e.notes} note(s), {state}")
    elif result.editions:
        from rich.console import Console

        from communique.commands.progress import table

        Console().print(table(result, workspace))
