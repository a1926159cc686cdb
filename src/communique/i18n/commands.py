"""The translation commands: ``translate`` and ``status`` for content, ``i18n`` for template strings.

Thin, like the rest of the command line: they parse arguments, call ``communique.i18n`` and print.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


def _workspace():
    from communique.cli import _workspace as find

    return find()


def _report(problems) -> None:
    from communique.cli import _report as report

    report(problems)


def _statements(workspace, paths):
    """Load the statements at ``paths`` (default: all); report those that cannot be read."""
    from communique.build import load, statement_paths

    # a statement may be named by its slug as well as by its folder
    paths = [workspace.content_dir / p if not p.exists() and (workspace.content_dir / p).is_dir()
             else p for p in paths]
    files, problems = statement_paths(workspace, list(paths))
    docs = []
    for path in files:
        doc, more = load(path, workspace)
        problems += [p for p in more if p.is_error]
        if doc is not None:
            docs.append(doc)
    return docs, problems


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
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

    workspace = _workspace()
    docs, problems = _statements(workspace, paths)
    failed = bool(problems)
    _report(problems)
    for doc in docs:
        wanted = list(langs) or editions.languages(doc, workspace)[1:]
        if not wanted:
            click.echo(f"{doc.located.path.parent.name}: no languages to translate into "
                       "(give --lang, or set 'languages' in communique.toml)", err=True)
        for lang in wanted:
            try:
                merged = content.update(doc, lang, workspace.display, root=workspace.root)
            except ContentError as exc:
                _report(exc.problems)
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
    if merged.obsolete:
        parts.append(f"{len(merged.obsolete)} obsolete ({', '.join(merged.obsolete)})")
    if not merged.written:
        return f"{where}: up to date"
    return f"{where}: updated" + (f": {'; '.join(parts)}" if parts else "")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Also list the translated units.")
def status(paths: tuple[Path, ...], verbose: bool) -> None:
    """How far each statement is translated: per language, translated, fuzzy, missing, and which."""
    from communique.i18n import editions

    workspace = _workspace()
    docs, problems = _statements(workspace, paths)
    _report(problems)
    for doc in docs:
        rows = editions.status(doc, workspace)
        source = rows[0]
        click.echo(f"{doc.located.path.parent.name}  ({source.lang}, {source.units} text(s) to translate)")
        for row in rows[1:]:
            _report(row.problems)
            click.echo(f"  {row.lang:<6} {row.summary()}")
            for state in row.states:
                if state.state != "translated" or verbose:
                    where = state.where or ""
                    click.echo(f"         {state.state:<12} {state.unit.context}  {where}".rstrip())
        strings = editions.template_status(workspace, [r.lang for r in rows])
        if strings:
            click.echo("  template strings: " + ", ".join(strings))
    sys.exit(1 if problems else 0)


@click.group()
def i18n() -> None:
    """Template strings: extract them, update the catalogs, compile them.

    The words templates print themselves ("Background", "Notes") are translated in gettext
    catalogs, templates/locale/<lang>/LC_MESSAGES/messages.po. A workspace's catalogs add to
    the built-in ones and win where both translate a string. Builds compile them as needed.
    """


_BUILTIN = click.option("--builtin", is_flag=True,
                        help="Work on communique's own templates and catalogs (for its developers).")


def _extract(workspace, builtin: bool):
    from communique.i18n import ui

    if builtin:
        return ui.extract(ui.PACKAGE_ROOT, python=True), ui.BUILTIN_LOCALE
    if not workspace.templates_dir.is_dir():
        click.secho(f"{workspace.display(workspace.templates_dir)}: no templates folder in this "
                    "workspace (use --builtin for communique's own templates)", fg="red", err=True)
        sys.exit(1)
    return ui.extract(workspace.templates_dir, python=False), workspace.templates_dir / "locale"


@i18n.command()
@_BUILTIN
def extract(builtin: bool) -> None:
    """Collect the template strings into templates/locale/messages.pot."""
    from communique.i18n import ui

    workspace = _workspace()
    catalog, folder = _extract(workspace, builtin)
    pot = folder / f"{ui.DOMAIN}.pot"
    written = ui.write_template(catalog, pot, workspace.display(pot),
                                ui.catalog_root(workspace, "builtin" if builtin else "workspace"))
    count = sum(1 for m in catalog if m.id)
    click.echo(f"{workspace.display(pot)}: {count} string(s){'' if written else ', unchanged'}")


@i18n.command()
@_BUILTIN
@click.option("-l", "--lang", "langs", multiple=True, metavar="CODE",
              help="Also start a catalog for this language (repeatable).")
def update(builtin: bool, langs: tuple[str, ...]) -> None:
    """Extract the strings again and merge them into every catalog (and new ones for --lang)."""
    from communique.i18n import locale as loc
    from communique.i18n import ui

    workspace = _workspace()
    unknown = [lang for lang in langs if not loc.known(lang)]
    if unknown:
        click.secho(f"unknown language code(s): {', '.join(unknown)}", fg="red", err=True)
        sys.exit(1)
    catalog, folder = _extract(workspace, builtin)
    pot = folder / f"{ui.DOMAIN}.pot"
    root = ui.catalog_root(workspace, "builtin" if builtin else "workspace")
    ui.write_template(catalog, pot, workspace.display(pot), root)
    failed = False
    for result in ui.update(folder, catalog, list(langs), workspace.display, root):
        _report(result.problems)
        failed |= any(p.is_error for p in result.problems)
        state = "created" if result.created else "updated" if result.written else "up to date"
        click.echo(f"{workspace.display(result.path)}: {state}; {result.translated} translated, "
                   f"{result.fuzzy} fuzzy, {result.untranslated} untranslated")
    sys.exit(1 if failed else 0)


@i18n.command(name="compile")
def compile_(  # noqa: D401
) -> None:
    """Check and compile every catalog (built-in and the workspace's) into build/.cache/."""
    from communique.i18n import ui

    workspace = _workspace()
    failed = False
    for origin in ("builtin", "workspace"):
        folder = ui.locale_dir(workspace, origin)
        for code in ui.catalog_languages(folder):
            po = ui.po_path(folder, code)
            mo, problems = ui.ensure_compiled(workspace, origin, code, force=True)
            _report(problems)
            failed |= mo is None
            catalog, _ = ui.read_catalog(po, workspace.display(po), code,
                                         ui.catalog_root(workspace, origin))
            counts = ui.statistics(catalog) if catalog else (0, 0, 0)
            click.echo(f"{workspace.display(po)}: {counts[0]} translated, {counts[1]} fuzzy, "
                       f"{counts[2]} untranslated" + ("" if mo else " (not compiled)"))
    sys.exit(1 if failed else 0)
