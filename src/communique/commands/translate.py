"""``communique translate``: the PO files translators work in, created or updated."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from communique.commands import PATHS, open_workspace, report, statements


@click.command()
@PATHS
@click.option("-l", "--lang", "langs", multiple=True, metavar="CODE",
              help="Start or update this language's PO file (repeatable). Default: every language "
                   "the statement has a PO file for, and those of the 'languages' setting.")
def translate(paths: tuple[Path, ...], langs: tuple[str, ...]) -> None:
    """Create or update the PO files translators work in: content/<slug>/i18n/<lang>.po.

    A changed source text keeps its translation, marked fuzzy with the old text recorded; a
    removed one becomes obsolete; nothing translated is ever dropped.
    """
    from communique.errors import ContentError
    from communique.i18n import content, editions

    workspace = open_workspace()
    docs, problems = statements(workspace, paths)
    failed = bool(problems)
    report(problems)
    for doc in docs:
        wanted = list(langs) or editions.languages(doc, workspace)[1:]
        if not wanted:
            click.echo(f"{doc.located.path.parent.name}: no languages to translate into "
                       "(give --lang, or set 'languages' in communique.toml)", err=True)
        for lang in wanted:
            try:
                merged = content.update(doc, lang, workspace.display, root=workspace.root)
            except ContentError as exc:
                report(exc.problems)
                failed = True
                continue
            click.echo(_merged_line(merged, workspace))
    sys.exit(1 if failed else 0)


def _merged_line(merged, workspace) -> str:
    where = workspace.display(merged.path)
    if merged.created:
        return f"{where}: created, {len(merged.added)} text(s) to translate"
    parts = []
    if merged.added:
        parts.append(f"{len(merged.added)} new")
    if merged.fuzzy:
        parts.append(f"{len(merged.fuzzy)} changed, marked fuzzy ({', '.join(merged.fuzzy)})")
    if merged.moved:
        parts.append(f"{len(merged.moved)} moved")
    if merged.split:
        certain = len(merged.split) - len(merged.uncertain)
        parts.append(f"{len(merged.split)} split into paragraphs ({certain} paragraph for "
                     f"paragraph; {len(merged.uncertain)} marked fuzzy"
                     + (f": {', '.join(merged.uncertain)})" if merged.uncertain else ")"))
    if merged.obsolete:
        parts.append(f"{len(merged.obsolete)} obsolete ({', '.join(merged.obsolete)})")
    if not merged.written:
        return f"{where}: up to date"
    return f"{where}: updated" + (f": {'; '.join(parts)}" if parts else "")
