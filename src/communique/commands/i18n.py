"""``communique i18n``: the catalogs of template strings (extract, update, compile)."""

from __future__ import annotations

import sys

import click

from communique.commands import open_workspace, report


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
    """The strings to translate and where their catalogs live. A workspace's catalogs hold the
    built-in templates' strings as well as its own templates' (it may have none): its editions
    print both, so a language communique does not ship is one file to fill in."""
    from communique.i18n import ui

    if builtin:
        return ui.extract(ui.PACKAGE_ROOT, python=True), ui.BUILTIN_LOCALE
    return ui.workspace_template(workspace), workspace.templates_dir / "locale"


@i18n.command()
@_BUILTIN
def extract(builtin: bool) -> None:
    """Collect the template strings (the built-in templates' and the workspace's own) into
    templates/locale/messages.pot."""
    from communique.i18n import ui

    workspace = open_workspace()
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
    """Extract the strings again and merge them into every catalog (and new ones for --lang).

    A workspace's new catalog holds every string its editions print, the built-in templates'
    included, already translated where communique ships a translation: the rest is what is
    left to translate.
    """
    from communique.i18n import locale as loc
    from communique.i18n import ui

    workspace = open_workspace()
    unknown = [lang for lang in langs if not loc.known(lang)]
    if unknown:
        click.secho(f"unknown language code(s): {', '.join(unknown)}", fg="red", err=True)
        sys.exit(1)
    catalog, folder = _extract(workspace, builtin)
    pot = folder / f"{ui.DOMAIN}.pot"
    root = ui.catalog_root(workspace, "builtin" if builtin else "workspace")
    ui.write_template(catalog, pot, workspace.display(pot), root)
    failed = False
    seed = None if builtin else ui.builtin_translations
    for result in ui.update(folder, catalog, list(langs), workspace.display, root, seed=seed):
        report(result.problems)
        failed |= any(p.is_error for p in result.problems)
        state = "created" if result.created else "updated" if result.written else "up to date"
        click.echo(f"{workspace.display(result.path)}: {state}; {result.translated} translated, "
                   f"{result.fuzzy} fuzzy, {result.untranslated} untranslated")
    sys.exit(1 if failed else 0)


@i18n.command(name="compile")
def compile_(
) -> None:
    """Check and compile every catalog (built-in and the workspace's) into build/.cache/."""
    from communique.i18n import ui

    workspace = open_workspace()
    failed = False
    for origin in ("builtin", "workspace"):
        folder = ui.locale_dir(workspace, origin)
        for code in ui.catalog_languages(folder):
            po = ui.po_path(folder, code)
            mo, problems = ui.ensure_compiled(workspace, origin, code, force=True)
            report(problems)
            failed |= mo is None
            catalog, _ = ui.read_catalog(po, workspace.display(po), code,
                                         ui.catalog_root(workspace, origin))
            counts = ui.statistics(catalog) if catalog else (0, 0, 0)
            click.echo(f"{workspace.display(po)}: {counts[0]} translated, {counts[1]} fuzzy, "
                       f"{counts[2]} untranslated" + ("" if mo else " (not compiled)"))
    sys.exit(1 if failed else 0)
