"""``communique new``: a new statement with a commented example of every field."""

from __future__ import annotations

import click

from communique.commands import fail, open_workspace


@click.command()
@click.argument("slug")
@click.option("--type", "kind", default=None,
              help="public-statement, urgent-action or report (default: the workspace's).")
@click.option("--lang", default="en", show_default=True, help="The language it is written in.")
def new(slug: str, kind: str | None, lang: str) -> None:
    """Create content/SLUG/statement.yaml with a commented example of every field."""
    from communique.scaffold import ScaffoldError, new_statement

    workspace = open_workspace()
    try:
        written = new_statement(workspace.root, slug,
                                kind or workspace.settings.documents.default_type, lang=lang)
    except ScaffoldError as exc:
        fail(str(exc))
    for path in written:
        click.echo(f"wrote {workspace.display(path)}")
