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
@click.option("--tmx", "tmx_file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE.tmx",
              help="Instead of updating PO files, write the workspace's translation memory for "
                   "agencies: every reviewed translation of every statement (or of those given), "
                   "as TMX 1.4b; the same workspace gives the same bytes.")
def translate(paths: tuple[Path, ...], langs: tuple[str, ...], format_: str, xliff_version: str,
              returned: tuple[Path, ...], tmx_file: Path | None) -> None:
    """Create or update the PO files translators work in: content/<slug>/i18n/<lang>.po.

    A changed source text keeps its translation, marked fuzzy with the old text recorded; a
    removed one becomes obsolete; nothing translated is ever dropped. A text not translated yet
    that another statement's PO file translates is prefilled from it, fuzzy until reviewed.
    """
    from communique.errors import ContentError
    from communique.i18n import content, editions

    workspace = open_workspace()
    if returned:
        sys.exit(_import(workspace, returned, langs))
    if tmx_file is not None:
        sys.exit(_tmx(workspace, paths, langs, tmx_file))
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
                merged = content.update(doc, lang, workspace.display, root=workspace.root, memory=True)
            except ContentError as exc:
                report(exc.problems)
                failed = True
                continue
            report(merged.problems)
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


def _tmx(workspace, paths: tuple[Path, ...], langs: tuple[str, ...], out: Path) -> int:
    """Write the TMX of every unit printed translated; 1 when a statement or a PO file cannot
    be read (the file is still written with the others) or the statements' languages differ."""
    from communique import __version__
    from communique.files import write_atomic
    from communique.i18n import content, editions
    from communique.i18n.content import memory

    docs, problems = statements(workspace, paths)
    report(problems)
    failed = bool(problems)
    sources = sorted({doc.statement.lang for doc in docs})
    if len(sources) > 1:
        report([Problem(workspace.display(out), 0, 0, "a TMX file has one source language and the "
                        f"statements are written in {', '.join(sources)}: name the statements of "
                        "one language")])
        return 1
    units: list[memory.TmxUnit] = []
    for doc in docs:
        slug = doc.located.path.parent.name
        targets: dict[str, dict[str, str]] = {}
        for row in editions.status(doc, workspace)[1:]:
            report(row.problems)
            failed |= bool(row.problems)
            if langs and row.lang not in langs:
                continue
            for state in row.states:
                if state.state == "translated" and state.entry is not None:
                    targets.setdefault(state.unit.context, {})[row.lang] = state.entry.msgstr
        for unit in content.units(doc.statement):
            if unit.context in targets:
                units.append(memory.TmxUnit(f"{slug}/{unit.context}", unit.text, targets[unit.context],
                                            doc.statement.date.strftime("%Y%m%d")))
    write_atomic(out, memory.tmx(units, sources[0] if sources else "en", __version__))
    count = sum(len(u.targets) for u in units)
    shown = sorted({lang for u in units for lang in u.targets})
    click.echo(f"{workspace.display(out)}: TMX 1.4b, {len(units)} unit(s), {count} translation(s)"
               + (f" into {', '.join(shown)}" if shown else ""))
    return 1 if failed else 0


def _merged_line(merged, workspace) -> str:
    where = workspace.display(merged.path)
    memory = ""
    if merged.remembered or merged.suggested:
        memory = (f" ({len(merged.remembered)} prefilled from translation memory, fuzzy until "
                  f"reviewed; {len(merged.suggested)} with a suggestion)")
    if merged.created:
        return f"{where}: created, {len(merged.added)} text(s) to translate{memory}"
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
    return f"{where}: updated" + (f": {'; '.join(parts)}" if parts else "") + memory
