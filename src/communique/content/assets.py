"""Files a statement shows (figures): found beside ``statement.yaml``, never outside the workspace."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from communique.content.fields import parts_of
from communique.content.load import Located
from communique.content.model import Figure
from communique.errors import Problem
from communique.sandbox import Refused, contained

IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")


def figures(value: object) -> list[tuple[tuple, Figure]]:
    """Every figure of a document with its path in the file, in reading order."""
    return [(path, figure) for path, figure, _ in parts_of(value, Figure)]


def figure_file(folder: Path, image: str, root: Path) -> Path:
    """The real file of a figure (``image`` relative to ``folder``); Refused when unusable."""
    path = contained(folder / image, [root])
    if not path.is_file():
        raise Refused(f"'{image}' does not exist beside the statement" if not path.exists()
                      else f"'{image}' is not a file")
    if path.suffix.lower() not in IMAGE_TYPES:
        raise Refused(f"'{image}' is not an image this tool can print "
                      f"({', '.join(IMAGE_TYPES)})")
    return path


def figure_problems(statement: BaseModel, located: Located, root: Path,
                    internal: tuple[str, ...] | list[str] = ()) -> list[Problem]:
    """A located error for each figure whose file is missing, outside the workspace or no image,
    or in one of the ``internal`` folders (the workspace's ``[internal] folders``: what is in
    them is never published)."""
    problems = []
    for path, figure in figures(statement):
        try:
            folders = Path(figure.image.replace("\\", "/")).parts[:-1]
            inside = next((part for part in folders if part in internal), None)
            if inside:
                raise Refused(f"'{figure.image}' is in the internal folder '{inside}', whose "
                              "files are never published ([internal] folders)")
            figure_file(located.path.parent, figure.image, root)
        except Refused as exc:
            problems.append(located.problem(path + ("image",), f"figure image: {exc}"))
    return problems
