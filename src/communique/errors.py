"""Problems found in the user's files, carried as data with their location."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# What a terminal could take for a command, or a reader for a line of its own: C0 and C1 control
# characters (ESC starts ANSI and OSC sequences, CR rewrites the line), DEL, and the bidi
# controls that reorder what is shown (U+061C, U+200E/F, U+202A-E, U+2066-9).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = {"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " "}


def printable(text: str) -> str:
    """``text`` safe to print on one line of a terminal: whitespace controls become a space,
    other control characters a visible escape (``\\x1b``, ``\\u202e``).

    Messages quote what they found (a file name, a source title, a translation, the record of
    the last build), and all of that can come from someone else: it must not be able to move the
    cursor, set a window title, make a link, or forge a line of its own.
    """
    if not _UNPRINTABLE.search(text):
        return text

    def escape(m: re.Match) -> str:
        ch = m.group()
        if ch in _SPACES:
            return _SPACES[ch]
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _UNPRINTABLE.sub(escape, text)


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: ``path:line:column: severity: message``.

    ``line`` and ``column`` are 1-based; 0 means "the whole file". The path and the message are
    made :func:`printable` when the problem is made, so that no problem, wherever it is shown
    (terminal, ``--json``, the build report, the preview's bar), carries control characters.
    """

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"  # "error" or "warning"
    # What sort of problem it is, for a tool that groups them ("" for most): a translation
    # unit printed in the source language has its state ("untranslated", "fuzzy", ...), so that
    # ``communique build`` can tell 72 of them as one line per language. Not part of its identity.
    kind: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        for name in ("path", "message"):
            value = getattr(self, name)
            if isinstance(value, str) and _UNPRINTABLE.search(value):
                object.__setattr__(self, name, printable(value))

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
