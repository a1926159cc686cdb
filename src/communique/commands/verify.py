"""``communique verify``: check built PDFs as the build checks every PDF it writes."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from communique.commands import PATHS, open_workspace, report
from communique.errors import Problem


@click.command()
@PATHS
def verify(paths: tuple[Path, ...]) -> None:
    """Check built PDFs (default: all under build/): tags, language, embedded fonts, links,
    PDF/UA or PDF/A conformance, attachments. The build checks every PDF it writes the same way.
    """
    from communique.render.verify import verify_pdf

    workspace = open_workspace()
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
        verified = verify_pdf(pdf)
        shown = workspace.display(pdf)
        click.echo(f"{shown}  {verified.summary()}")
        for name in verified.attachments:
            click.echo(f"  attached: {name}")
        problems += [Problem(shown, 0, 0, message) for message in verified.problems]
        failed += not verified.ok
    report(problems)
    click.echo(f"{len(pdfs)} PDF(s) checked, {failed} with problems", err=True)
    sys.exit(1 if problems else 0)
