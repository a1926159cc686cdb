"""``communique schema``: the JSON Schema of statement.yaml, for editors."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="Write to this file instead of printing.")
def schema(output: Path | None) -> None:
    """Print the JSON Schema of statement.yaml (for editors such as VS Code)."""
    from communique.schema import schema_text

    if output is None:
        click.echo(schema_text(), nl=False)
    else:
        from communique.files import write_atomic

        write_atomic(output, schema_text().encode("utf-8"))
