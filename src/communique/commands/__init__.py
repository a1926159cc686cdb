"""The command line's verbs, one module each (``communique build`` is :mod:`.build`, …).

Each verb is thin: it parses its arguments, calls the library and prints. What they share
(finding the workspace, printing problems) is here. :mod:`communique.cli` gathers them into
the ``communique`` command.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from communique.errors import ContentError, Problem

if TYPE_CHECKING:
    from communique.document import Document
    from communique.workspace import Workspace

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def open_workspace() -> Workspace:
    """The workspace around the current folder; its problems printed and exit 1 if none."""
    from communique.workspace import find_workspace

    try:
        return find_workspace()
    except ContentError as exc:
        report(exc.problems)
        sys.exit(1)


def report(problems: Iterable[Problem]) -> None:
    """Print problems on stderr as ``path:line:col: severity: message``, errors in red."""
    for problem in problems:
        colour = "red" if problem.is_error else "yellow"
        click.secho(str(problem), fg=colour, err=True)


def fail(message: str) -> NoReturn:
    """Print an error that is not about a file, and exit 1."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(1)


def statements(workspace: Workspace, paths: Iterable[Path]) -> tuple[list[Document], list[Problem]]:
    """Load the statements at ``paths`` (default: all), each named by its folder, its file or
    its slug; the errors of those that cannot be read are returned."""
    from communique.document import load

    # a statement may be named by its slug as well as by its folder
    paths = [workspace.content_dir / p if not p.exists() and (workspace.content_dir / p).is_dir()
             else p for p in paths]
    files, problems = workspace.statement_files(list(paths))
    docs = []
    for path in files:
        doc, more = load(path, workspace)
        problems += [p for p in more if p.is_error]
        if doc is not None:
            docs.append(doc)
    return docs, problems
