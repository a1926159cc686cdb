"""The ``communique`` command: the verbs of :mod:`communique.commands`, gathered in one group."""

from __future__ import annotations

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="communique")
def main() -> None:
    """Build public statements from structured content into PDF and HTML."""


for command in (build, serve, check, sources, init, new, import_, schema, verify, translate, status,
                i18n):
    main.add_command(command)
