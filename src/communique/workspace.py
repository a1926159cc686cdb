"""The workspace: the folder holding ``content/``, ``templates/`` and ``communique.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from communique.errors import ContentError, Problem, display_path

SETTINGS_FILE = "communique.toml"
BUILTIN_TEMPLATES = Path(str(resources.files("communique") / "templates"))


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(_Settings):
    name: str = ""


class Settings(_Settings):
    """What an organisation sets once for all its statements."""

    organisation: Organisation = Organisation()


@dataclass
class Workspace:
    root: Path
    settings: Settings = field(default_factory=Settings)

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def display(self, path: Path) -> str:
        return display_path(path, self.root)

    def statements(self) -> list[Path]:
        """Every ``content/<slug>/statement.yaml``, sorted by slug."""
        if not self.content_dir.is_dir():
            return []
        return sorted(p for p in self.content_dir.glob("*/statement.yaml") if p.is_file())


def find_workspace(start: Path | None = None) -> Workspace:
    """The nearest folder at or above ``start`` with a ``communique.toml`` or a ``content/``."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file() or (folder / "content").is_dir():
            return Workspace(folder, read_settings(folder))
    return Workspace(start, read_settings(start))


def read_settings(root: Path) -> Settings:
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    display = display_path(path, root)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line, col = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
        message = str(exc).split(" (at line")[0]
        raise ContentError([Problem(display, line, col, f"invalid TOML: {message}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(display, 0, 0, f"cannot read settings: {exc}")]) from None
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"])
            line = _toml_line(path, err["loc"])
            msg = f"unknown setting '{name}'" if err["type"] == "extra_forbidden" else f"{name}: {err['msg']}"
            problems.append(Problem(display, line, 1 if line else 0, msg))
        raise ContentError(problems) from None


def _toml_line(path: Path, loc: tuple) -> int:
    """Best-effort line of a setting (tomllib keeps no positions)."""
    key = str(loc[-1])
    table = ".".join(str(p) for p in loc[:-1])
    current = ""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            current = stripped.strip("[]").strip()
        elif current == table and stripped.split("=")[0].strip().strip('"') == key:
            return number
    return 0
