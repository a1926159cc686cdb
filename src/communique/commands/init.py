"""``communique init``: a new workspace."""

from __future__ import annotations

from pathlib import Path

import click

from communique.commands import fail


@click.command()
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--name", "organisation", default="", help="The organisation's name.")
def init(folder: Path, organisation: str) -> None:
    """Create a workspace in FOLDER (default: here): settings, content/, templates/."""
    from communique.scaffold import ScaffoldError, init_workspace

    try:
        written = init_workspace(folder, organisation)
    except ScaffoldError as exc:
        fail(str(exc))
    for path in written:
        click.echo(f"created {path}")
    if not organisation.strip():
        click.echo("then: write the organisation's name under [organisation] in "
                   f"{folder / 'communique.toml'} (mastheads, footers and calls to action "
                   "print it)", err=True)
    click.echo("next: communique new <name> --type public-statement|urgent-action|report", err=True)
