"""``communique import``: a Word draft becomes a statement (see :mod:`communique.importer`)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from communique.commands import open_workspace, report


@click.command(name="import")
@click.argument("draft", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--slug", default=None,
              help="The statement's folder under content/ (default: from the file's name).")
@click.option("--type", "kind", default=None,
              help="public-statement or report (default: the workspace's default type).")
@click.option("--lang", default=None,
              help="The draft's language (default: from its script, else what Word recorded, "
                   "else en).")
@click.option("--force", is_flag=True, help="Replace an existing content/SLUG/statement.yaml.")
def import_(draft: Path, slug: str | None, kind: str | None, lang: str | None, force: bool) -> None:
    """Import a Word draft (.docx) as content/SLUG/statement.yaml, then check it.

    Title, date, index number, the bold opening paragraph, headings as sections (one reading
    "Background" as the background), paragraphs, bold, italic, links and lists are mapped;
    each footnote or endnote that is a URL becomes a source and its citation, any other a
    free note. Tables, images, comments and tracked changes are reported at their paragraph
    (pending tracked changes are imported as accepted). The statement is marked draft: true.
    """
    from communique.importer import DraftError, import_draft

    started = time.perf_counter()
    workspace = open_workspace()
    try:
        imported = import_draft(draft, workspace, slug=slug, kind=kind, lang=lang, force=force)
    except DraftError as exc:
        report([exc.problem])
        sys.exit(1)
    click.echo(f"wrote {workspace.display(imported.path)}")
    for line in imported.mapped:
        click.echo(f"  {line}")
    report(imported.problems)
    errors = sum(p.is_error for p in imported.problems)
    warnings = len(imported.problems) - errors
    click.echo(f"{errors} errors, {warnings} warnings ({time.perf_counter() - started:.2f} s)")
    if errors:
        sys.exit(1)
