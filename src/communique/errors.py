"""Problems found in the user's files, carried as data with their location."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: ``path:line:column: severity: message``.

    ``line`` and ``column`` are 1-based; 0 means "the whole file".
    """

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ContentError(Exception):
    """Raised when a file cannot be used; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as the user would type it: relative to the working directory when inside it.

    A symlink keeps its own name (``content/s/i18n/ru.po``, not where it leads), so a message
    about it points at the file the user sees.
    """
    path = Path(path)
    lexical = Path(os.path.normpath(path.absolute()))
    for base in (Path.cwd(), root):
        if base is None:
            continue
        for candidate, folder in ((lexical, base.absolute()), (path.resolve(), base.resolve())):
            try:
                return candidate.relative_to(folder).as_posix()
            except ValueError:
                continue
    return str(path)
