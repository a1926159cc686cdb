"""``communique serve``: preview build/ in a browser, rebuilding and reloading on every save."""

from __future__ import annotations

import errno
import sys

import click

from communique.commands import fail, open_workspace, report
from communique.errors import ContentError


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes for PDFs (default: one a core).")
@click.option("--open", "open_browser", is_flag=True,
              help="Open the build report (with [site]: the site) in a browser.")
def serve(port: int, jobs: int | None, open_browser: bool) -> None:
    """Preview build/ in a browser, rebuilding and reloading on every save."""
    from communique.presses import default_jobs
    from communique.serve import serve as run

    workspace = open_workspace()
    try:
        run(workspace.root, "127.0.0.1", port, jobs or default_jobs(), open_browser=open_browser,
            say=lambda text: click.echo(text))
    except ContentError as exc:
        report(exc.problems)
        sys.exit(1)
    except OSError as exc:  # found before anything is built: the server listens first
        if exc.errno in (errno.EADDRINUSE, 98, 48):  # (98 on Linux, 48 on macOS)
            fail(f"port {port} is in use; try --port {port + 1} (or --port 0 for any free port)")
        if exc.errno == errno.EACCES:
            fail(f"port {port} needs administrator rights; try --port 8000")
        raise
