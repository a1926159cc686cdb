"""``communique check``: validate content and templates without writing anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from communique.commands import PATHS, open_workspace, report


@click.command()
@PATHS
@click.option("--strict", is_flag=True,
              help="For publication: a translation that falls back to the source text, misses "
                   "an approved term of terms.csv or uses a forbidden one, or a template string "
                   "without translation, is an error as in 'build --strict'.")
def check(paths: tuple[Path, ...], strict: bool) -> None:
    """Validate statements and templates without writing anything."""
    from communique.build import BuildOptions
    from communique.build import build as run

    workspace = open_workspace()
    result = run(workspace, list(paths), write=False, options=BuildOptions(strict=strict))
    report(result.problems)
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    parts = [f"{len(result.editions)} edition(s) checked"]
    if result.failed:
        parts.append(f"{len(result.failed)} statement(s) failed: {', '.join(result.failed)}")
    parts.append(f"{errors} error(s), {warnings} warning(s)")
    click.echo("; ".join(parts), err=True)
    sys.exit(1 if result.errors else 0)
