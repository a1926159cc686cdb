"""The ``communique`` command: the verbs of :mod:`communique.commands`, gathered in one group."""

from __future__ import annotations

import inspect
import os

import click

from communique import __version__
from communique.commands.build import build
from communique.commands.check import check
from communique.commands.i18n import i18n
from communique.commands.import_ import import_
from communique.commands.init import init
from communique.commands.new import new
from communique.commands.schema import schema
from communique.commands.serve import serve
from communique.commands.sources import sources
from communique.commands.status import status
from communique.commands.translate import translate
from communique.commands.verify import verify


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="communique")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Build public statements from structured content into PDF and HTML."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: no colour in any message
        ctx.color = False


def _short_help(command: click.Command) -> str | None:
    """The first sentence of a command's help, whole: click cuts it at the terminal's width
    with '…' otherwise, mid-word."""
    text = " ".join(inspect.cleandoc(command.help or "").split("\n\n")[0].split())
    return text.split(". ")[0].rstrip(".") + "." if text else None


for command in (build, serve, check, sources, init, new, import_, schema, verify, translate, status,
                i18n):
    command.short_help = command.short_help or _short_help(command)
    main.add_command(command)
