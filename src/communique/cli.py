"""The ``communique`` command: one small function a verb; the work happens in the library."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from communique import __version__
from communique.errors import ContentError, Problem


def _workspace():
    from communique.workspace import find_workspace

    try:
        return find_workspace()
    except ContentError as exc:
        _report(exc.problems)
        sys.exit(1)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.is_error else "yellow"
        click.secho(str(problem), fg=colour, err=True)


def _summary(result, verb: str) -> None:
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    parts = [f"{len(result.editions)} edition(s) {verb}"]
    if result.failed:
        parts.append(f"{len(result.failed)} statement(s) failed: {', '.join(result.failed)}")
    parts.append(f"{errors} error(s), {warnings} warning(s)")
    click.echo("; ".join(parts), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="communique")
def main() -> None:
    """Build public statements from structured content into PDF and HTML."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: one a core; 1 builds in this process).")
@click.option("--force", is_flag=True, help="Rebuild every edition, even those up to date.")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a machine-readable summary on stdout (problems still go to stderr).")
@click.option("--strict", is_flag=True,
              help="For publication: a translation that falls back to the source text, or a "
                   "template string without translation, is an error and its edition is not written.")
@click.option("--publish", is_flag=True,
              help="Build for publication: --strict, and a draft or any warning is an error "
                   "(nothing is written for that edition).")
@click.option("--archive", is_flag=True,
              help="Make every PDF a PDF/A-3b carrying the statement's data, for this build "
                   "(as [pdf] archive = true in communique.toml).")
@click.option("-l", "--lang", "langs", metavar="CODE", multiple=True,
              help="Build only the editions in this language (repeatable); the others are left "
                   "as they are.")
def build(paths: tuple[Path, ...], jobs: int | None, force: bool, quiet: bool,
          as_json: bool, strict: bool, publish: bool, archive: bool,
          langs: tuple[str, ...]) -> None:
    """Build every statement under content/ (or those named) into build/.

    Only editions whose content, translation, templates or settings changed are rebuilt.
    """
    from communique.build import build as run

    workspace = _workspace()
    if archive:
        pdf = workspace.settings.pdf.model_copy(update={"archive": True})
        workspace.settings = workspace.settings.model_copy(update={"pdf": pdf})
    if quiet or as_json:
        result = run(workspace, list(paths), jobs=jobs, force=force,
                     options=_options(strict, publish, archive), only=langs)
    else:
        from rich.console import Console

        from communique.progress import Bar

        with Bar(Console(stderr=True)) as bar:
            result = run(workspace, list(paths), jobs=jobs, force=force, progress=bar,
                         options=_options(strict, publish, archive), only=langs)
    _report(result.problems)
    if as_json:
        from communique.progress import as_json as summary

        click.echo(summary(result, workspace))
    elif not quiet:
        _editions(result, workspace)
        from communique.progress import summary_line

        click.echo(summary_line(result, "built"), err=True)
    sys.exit(1 if result.errors else 0)


def _options(strict: bool, publish: bool = False, archive: bool = False) -> dict | None:
    """Build options that change the output (they are part of every edition's fingerprint)."""
    options = {name: True for name, on in (("strict", strict), ("publish", publish),
                                           ("archive", archive)) if on}
    return options or None


def _editions(result, workspace) -> None:
    """One line for a single edition, a table for more."""
    if len(result.editions) == 1:
        e = result.editions[0]
        state = "up to date" if e.cached else f"{e.seconds:.2f} s"
        click.echo(f"{workspace.display(e.pdf_path)}  {e.pages} page(s), {e.notes} note(s), {state}")
    elif result.editions:
        from rich.console import Console

        from communique.progress import table

        Console().print(table(result, workspace))


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for PDFs (default: one a core).")
@click.option("--open", "open_browser", is_flag=True, help="Open the build report in a browser.")
def serve(port: int, jobs: int | None, open_browser: bool) -> None:
    """Preview build/ in a browser, rebuilding and reloading on every save."""
    from communique.serve import serve as run
    from communique.presses import default_jobs

    workspace = _workspace()
    try:
        run(workspace.root, "127.0.0.1", port, jobs or default_jobs(), open_browser=open_browser,
            say=lambda text: click.echo(text))
    except ContentError as exc:
        _report(exc.problems)
        sys.exit(1)
    except OSError as exc:
        if exc.errno in (98, 48):  # EADDRINUSE on Linux, macOS
            raise click.ClickException(f"port {port} is in use; try --port {port + 1} "
                                       "(or --port 0 for any free port)") from None
        raise


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True,
              help="For publication: a translation that falls back to the source text, or a "
                   "template string without translation, is an error as in 'build --strict'.")
def check(paths: tuple[Path, ...], strict: bool) -> None:
    """Validate statements and templates without writing anything."""
    from communique.build import build as run

    workspace = _workspace()
    result = run(workspace, list(paths), write=False, options=_options(strict))
    _report(result.problems)
    _summary(result, "checked")
    sys.exit(1 if result.errors else 0)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON.")
def sources(paths: tuple[Path, ...], as_json: bool) -> None:
    """List every source of the statements (or those named) with the notes that cite it."""
    import json

    from communique.citations.listing import list_sources

    workspace = _workspace()
    listed, problems = list_sources(workspace, list(paths))
    _report(problems)
    if as_json:
        click.echo(json.dumps([vars(s) for s in listed], ensure_ascii=False, indent=2))
    for statement in [] if as_json else listed:
        click.secho(f"{statement.path} ({statement.lang}): {len(statement.sources)} source(s), "
                    f"{statement.notes} note(s), style {statement.style}, "
                    f"re-citation {statement.recitation}", bold=True)
        for source in statement.sources:
            numbers = source["notes"]
            cited = (f"note{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
                     if numbers else click.style("never cited", fg="yellow"))
            click.echo(f"  {source['id']}  [{source['kind']}]  {cited}")
            who = ", ".join(source["authors"]) or source["publisher"]
            title = " — ".join(filter(None, (who, source["title"])))
            for line in filter(None, (title, source["url"], f"from {source['defined_in']}")):
                click.echo(f"      {line}")
    sys.exit(1 if any(p.is_error for p in problems) else 0)


@main.command()
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--name", "organisation", default="", help="The organisation's name.")
def init(folder: Path, organisation: str) -> None:
    """Create a workspace in FOLDER (default: here): settings, content/, templates/."""
    from communique.scaffold import ScaffoldError, init_workspace

    try:
        written = init_workspace(folder, organisation)
    except ScaffoldError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"created {path}")
    click.echo("next: communique new <name> --type public-statement|urgent-action|report", err=True)


@main.command()
@click.argument("slug")
@click.option("--type", "kind", default=None,
              help="public-statement, urgent-action or report (default: the workspace's).")
@click.option("--lang", default="en", show_default=True, help="The language it is written in.")
def new(slug: str, kind: str | None, lang: str) -> None:
    """Create content/SLUG/statement.yaml with a commented example of every field."""
    from communique.scaffold import ScaffoldError, new_statement

    workspace = _workspace()
    try:
        written = new_statement(workspace.root, slug, kind or workspace.settings.documents.default_type,
                                lang=lang)
    except ScaffoldError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(1)
    for path in written:
        click.echo(f"wrote {workspace.display(path)}")


@main.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of printing.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of statement.yaml (for editors such as VS Code)."""
    from communique.schema import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
    else:
        from communique.build import write_atomic

        write_atomic(output, schema_text().encode("utf-8"))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def verify(paths: tuple[Path, ...]) -> None:
    """Check built PDFs (default: all under build/): tags, language, embedded fonts, links,
    PDF/UA or PDF/A conformance, attachments. The build checks every PDF it writes the same way.
    """
    from communique.render.verify import verify_pdf

    workspace = _workspace()
    pdfs: list[Path] = []
    problems: list[Problem] = []
    for path in list(paths) or [workspace.build_dir]:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.pdf")
                           if not any(part.startswith(".") for part in p.relative_to(path).parts))
            pdfs += found
            if not found:
                problems.append(Problem(workspace.display(path), 0, 0, "no PDF here (build first)"))
        elif path.is_file():
            pdfs.append(path)
        else:
            problems.append(Problem(workspace.display(path), 0, 0, "no such file or folder"))
    failed = 0
    for pdf in pdfs:
        found = verify_pdf(pdf)
        shown = workspace.display(pdf)
        click.echo(f"{shown}  {found.summary()}")
        problems += [Problem(shown, 0, 0, message) for message in found.problems]
        failed += not found.ok
    _report(problems)
    click.echo(f"{len(pdfs)} PDF(s) checked, {failed} with problems", err=True)
    sys.exit(1 if problems else 0)


from communique.i18n.commands import i18n, status, translate  # noqa: E402  (their own module)

main.add_command(translate)
main.add_command(status)
main.add_command(i18n)
