"""``communique translate``: the PO files translators work in, created or updated."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from communique.commands import PATHS, open_workspace, report, statements
from communique.errors import Problem


@click.command()
@PATHS
@click.option("-l", "--lang", "langs", multiple=True, metavar="CODE",
              help="Start or update this language's PO file (repeatable). Default: every language "
                   "the statement has a PO file for, and those of the 'languages' setting.")
@click.option("--format", "format_", type=click.Choice(["po", "xliff"]), default="po",
              show_default=True,
              help="xliff: also write content/<slug>/i18n/<lang>.xlf for CAT tools (Trados, memoQ, "
                   "Phrase, OmegaT), with the PO file's ids, notes, protected citations and states.")
@click.option("--xliff-version", type=click.Choice(["2.1", "1.2"]), default="2.1", show_default=True,
              help="The XLIFF version to write (1.2 for tools that read no other).")
@click.option("--import", "returned", type=click.Path(path_type=Path), multiple=True,
              metavar="FILE.xlf",
              help="Merge a translated XLIFF file (1.2 or 2.x) back into its statement's PO file, "
                   "checked as a build checks it (repeatable).")
def translate(paths: tuple[Path, ...], langs: tuple[str, ...], format_: str, xliff_version: str,
              returned: tuple[Path, ...]) -> None:
    """Create or update the PO files translators work in: content/<slug>/i18n/<lang>.po.

    A changed source text keeps its translation, marked fuzzy with the old text recorded; a
    removed one becomes obsolete; nothing translated is ever dropped.
    """
    from communique.errors import ContentError
    from communique.i18n import content, editions

    workspace = open_workspace()
    if returned:
        sys.exit(_import(workspace, returned, langs))
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
            if format_ == "xliff":
                failed |= not _export(doc, lang, workspace, xliff_version)
    sys.exit(1 if failed else 0)


def _export(doc, lang: str, workspace, version: str) -> bool:
    from communique.errors import ContentError
    from communique.i18n.content import xliff

    try:
        made = xliff.export(doc, lang, workspace.display, version=version, root=workspace.root)
    except ContentError as exc:
        report(exc.problems)
        return False
    click.echo(f"{workspace.display(made.path)}: XLIFF {version}, {made.units} unit(s): "
               f"{made.translated} translated, {made.fuzzy} to review, "
               f"{made.units - made.translated - made.fuzzy} to translate")
    return True


def _import(workspace, files: tuple[Path, ...], langs: tuple[str, ...]) -> int:
    """Merge returned XLIFF files into the PO files of their statements; 1 on any error."""
    from communique.errors import ContentError
    from communique.i18n.content import xliff

    failed = False
    for file in files:
        folder = file.resolve().parent
        if folder.name == "i18n":
            folder = folder.parent
        docs, problems = statements(workspace, [folder])
        report(problems)
        if not docs:
            if not problems:
                report([Problem(workspace.display(file), 0, 0, "an XLIFF file to import lies in "
                                "content/<slug>/i18n/ beside the PO file it updates")])
            failed = True
            continue
        try:
            done = xliff.import_(docs[0], file, workspace.display, lang=langs[0] if langs else None,
                                 root=workspace.root)
        except ContentError as exc:
            report(exc.problems)
            failed = True
            continue
        report(done.problems)
        failed |= any(p.is_error for p in done.problems)
        click.echo(f"{workspace.display(done.po)}: {len(done.translated)} translated, "
                   f"{len(done.fuzzy)} fuzzy from {workspace.display(file)}"
                   + (f", {done.unchanged} unchanged" if done.unchanged else ""))
    return 1 if failed else 0


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
