"""The ``communique`` command: one small function a verb; the work happens in the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from communique import __version__
from communique.errors import ContentError, Problem


def _workspace():
    from communique.workspace import find_workspace

    try:
        return find_workspace()
    except ContentError as exc:
        _report(exc.problems)
        sys.exit(1)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.is_error else "yellow"
        click.secho(str(problem), fg=colour, err=True)


def _summary(result, verb: str) -> None:
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    parts = [f"{len(result.editions)} edition(s) {verb}"]
    if result.failed:
        parts.append(f"{len(result.failed)} statement(s) failed: {', '.join(result.failed)}")
    parts.append(f"{errors} error(s), {warnings} warning(s)")
    click.echo("; ".join(parts), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="communique")
def main() -> None:
    """Build public statements from structured content into PDF and HTML."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def build(paths: tuple[Path, ...]) -> None:
    """Build every statement under content/ (or those named) into build/."""
    from communique.build import build as run

    workspace = _workspace()
    result = run(workspace, list(paths))
    _report(result.problems)
    for edition in result.editions:
        click.echo(f"{workspace.display(edition.pdf_path)}  {edition.pages} page(s), "
                   f"{edition.notes} note(s), {edition.seconds:.2f} s")
    _summary(result, "built")
    sys.exit(1 if result.errors else 0)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Validate statements and templates without writing anything."""
    from communique.build import build as run

    workspace = _workspace()
    result = run(workspace, list(paths), write=False)
    _report(result.problems)
    _summary(result, "checked")
    sys.exit(1 if result.errors else 0)
