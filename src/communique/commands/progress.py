"""What ``communique build`` shows while it runs and when it ends: a bar, a table, or JSON.

Problems are not shown here: they always go to stderr as ``path:line:col: severity: message``
so editors and CI can read them, whatever the mode.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from communique.build import Outcome
from communique.build import Progress as BuildProgress

if TYPE_CHECKING:
    from communique.build import Result
    from communique.workspace import Workspace


class Bar(BuildProgress):
    """A progress bar on stderr while more than one edition is built (only on a terminal)."""

    def __init__(self, console: Console):
        self.console = console
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def planned(self, total: int, to_build: int) -> None:
        if to_build > 1:
            self.bar = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.description}"), TimeElapsedColumn(),
                                console=self.console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task("", total=to_build)

    def finished(self, outcome: Outcome) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, advance=1, description=outcome.job.key)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def table(result: Result, workspace: Workspace) -> Table:
    """Every edition with its pages, notes, warnings and time ("up to date" when not rebuilt)."""
    out = Table(box=None, pad_edge=False, header_style="bold")
    out.add_column("edition", no_wrap=True)
    for name in ("pages", "notes", "warnings"):
        out.add_column(name, justify="right")
    out.add_column("time", justify="right", no_wrap=True)
    for e in result.editions:
        time = "up to date" if e.cached else f"{e.seconds:.2f} s"
        out.add_row(escape(f"{e.slug}/{e.lang}"),  # a folder name is text, not rich markup
                    str(e.pages), str(e.notes),
                    f"[yellow]{e.warnings}[/]" if e.warnings else "0", time)
    return out


def attachment_lines(result: Result, workspace: Workspace) -> list[str]:
    """What each archive PDF carries, one line a PDF: what leaves the building is never a
    surprise."""
    return [f"{workspace.display(e.outputs['print'])} carries: {', '.join(e.attachments)}"
            for e in result.editions if "print" in e.outputs and e.attachments]


def summary_line(result: Result, verb: str) -> str:
    errors = len(result.errors)
    warnings = len(result.problems) - errors
    built = len(result.built)
    parts = [f"{len(result.editions)} edition(s) {verb}"]
    if verb == "built" and built != len(result.editions):
        parts[0] = f"{built} edition(s) built, {len(result.editions) - built} up to date"
    if result.failed:
        parts.append(f"{len(result.failed)} failed: {', '.join(result.failed)}")
    parts.append(f"{errors} error(s), {warnings} warning(s) in {result.seconds:.2f} s")
    return "; ".join(parts)


def as_json(result: Result, workspace: Workspace) -> str:
    """The machine-readable summary ``--json`` prints on stdout."""

    def where(path) -> str | None:
        return workspace.display(path) if path else None

    data = {
        "editions": [{"statement": e.slug, "lang": e.lang, "html": where(e.outputs.get("web")),
                      "pdf": where(e.outputs.get("print")),
                      "outputs": {name: where(path) for name, path in e.outputs.items()},
                      "pages": e.pages, "notes": e.notes,
                      "warnings": e.warnings, "seconds": round(e.seconds, 3),
                      "translation": None if e.units is None else
                      {"units": e.units, "fallbacks": e.fallbacks},
                      "attachments": e.attachments,
                      "rebuilt": not e.cached} for e in result.editions],
        "failed": result.failed,
        "problems": [{"path": p.path, "line": p.line, "column": p.column,
                      "severity": p.severity, "message": p.message} for p in result.problems],
        "errors": len(result.errors),
        "warnings": len(result.problems) - len(result.errors),
        "seconds": round(result.seconds, 3),
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
