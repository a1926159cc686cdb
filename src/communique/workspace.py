"""The workspace: the folder holding ``content/``, ``templates/`` and ``communique.toml``."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from communique.errors import ContentError, Problem, display_path
from communique.i18n.locale import SCRIPTS, script_of

SETTINGS_FILE = "communique.toml"
BUILTIN_TEMPLATES = Path(str(resources.files("communique") / "templates"))


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _css_colour(value: str) -> str:
    """A colour CSS understands (``#ffff00``, ``rebeccapurple``, ``rgb(0 0 0 / 50%)``)."""
    import tinycss2.color4

    text = value.strip()
    bad = not text or any(ch in text for ch in ";{}<>\\\n")
    if bad or tinycss2.color4.parse_color(text) in (None, "currentcolor"):
        raise ValueError(f"'{value}' is not a CSS colour (e.g. #ffff00, black, rgb(20 20 20))")
    return text


Colour = Annotated[str, AfterValidator(_css_colour)]
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                    "ui-serif", "ui-sans-serif", "ui-monospace", "math", "emoji", "fangsong"}


def _family(value: str) -> str:
    text = " ".join(value.split())
    if not text or any(ch in text for ch in "\"'`;{}<>\\,"):
        raise ValueError(f"'{value}' is not a font family name (give one name an item, "
                         "without quotes or commas)")
    return text


Family = Annotated[str, AfterValidator(_family)]
FontStack = Annotated[list[Family], Field(min_length=1)]
PAPER_SIZES = ("A3", "A4", "A5", "B4", "B5", "Letter", "Legal")
# The outputs ``[documents] outputs`` may name: those of ``communique.outputs.registry()`` (a
# layer above; tests/test_docx_output.py checks that the two agree).
OUTPUTS = ("print", "web", "data", "docx")


class Organisation(_Settings):
    """Who publishes: printed on every page and cover."""

    name: str = ""
    logo: str | None = None  # a workspace-relative image path, checked by ``read_settings``


class Colours(_Settings):
    """Brand colours, given to the templates' CSS as custom properties (``--accent`` …)."""

    ink: Colour = "#111111"
    muted: Colour = "#555555"
    accent: Colour = "#111111"
    on_accent: Colour = "#ffffff"  # text on an accent background (the take-action box)

    def css(self) -> str:
        return " ".join(f"--{name.replace('_', '-')}: {value};"
                        for name, value in self.model_dump().items())


class Fonts(_Settings):
    """Font families for each script; an edition uses its own script's first, then the others.

    Each stack lists family names, most wanted first. ``fallback`` comes last for every
    edition, so a character no other font has (an Armenian name in an Arabic edition) still
    finds a glyph.
    """

    latin: FontStack = ["Noto Sans"]
    cyrillic: FontStack = ["Noto Sans"]
    armenian: FontStack = ["Noto Sans Armenian"]
    arabic: FontStack = ["Noto Sans Arabic"]
    fallback: FontStack = ["DejaVu Sans", "sans-serif"]

    def stack(self, lang: str) -> str:
        """The CSS ``font-family`` value for an edition in ``lang``."""
        first = script_of(lang)
        families: list[str] = []
        for script in (first, *SCRIPTS, "fallback"):
            families += [f for f in getattr(self, script) if f not in families]
        return ", ".join(f if f in GENERIC_FAMILIES else f'"{f}"' for f in families)


class Documents(_Settings):
    """What every document shares: the type a statement has when it names none, paper, footer."""

    default_type: str = "public-statement"
    paper: Literal[PAPER_SIZES] = "A4"  # type: ignore[valid-type]
    # Wording of the running footer; a table gives it per language (``{en = "…", fr = "…"}``).
    # Without it, the footer is the organisation's name and the document type.
    footer: str | dict[str, str] | None = None
    # What every edition is made into: web, print (PDF), data (JSON, CSV), docx (Word). Unset:
    # every output but those made only on request (docx).
    outputs: list[str] | None = None

    @field_validator("outputs")
    @classmethod
    def _known_outputs(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        for name in value:
            if name not in OUTPUTS:
                close = difflib.get_close_matches(name, OUTPUTS, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                raise ValueError(f"unknown output '{name}' ({hint}known: {', '.join(OUTPUTS)})")
        if not value:
            raise ValueError(f"name at least one output ({', '.join(OUTPUTS)})")
        return list(dict.fromkeys(value))

    @field_validator("default_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        from communique.content.model import DOCUMENT_TYPES

        if value not in DOCUMENT_TYPES:
            raise ValueError(f"unknown document type '{value}' (known: {', '.join(DOCUMENT_TYPES)})")
        return value

    def footer_for(self, lang: str) -> str | None:
        if isinstance(self.footer, dict):
            return self.footer.get(lang) or self.footer.get(lang.split("-")[0])
        return self.footer


class PdfOutput(_Settings):
    """``[pdf]``: what kind of PDF every edition is."""

    archive: bool = Field(False, description="PDF/A-3b for long-term archiving, with the "
                          "statement's data (content, translation, sources) attached; "
                          "otherwise PDF/UA-1, tagged for assistive technology. "
                          "`communique build --archive` turns it on for one build.")


class WorkspaceCitations(_Settings):
    """``[citations]``: how every statement cites sources, unless its ``citations:`` says otherwise."""

    style: str = Field("url", description="url, full, a .csl file in the workspace, or a CSL "
                       "style name such as chicago-notes-bibliography.")
    recitation: Literal["repeat", "short", "ibid", "same-number"] = "repeat"
    bibliography: bool | None = Field(
        None, description="End statements with the list of sources. Unset: each document type's "
        "habit (a report has the list, a public statement or an urgent action has not).")
    libraries: list[str] = Field([], description="CSL-JSON (.json) or BibTeX (.bib) files shared "
                                 "by every statement, relative to the workspace.")


def _language(value: str) -> str:
    from communique.i18n.locale import known

    if not known(value):
        raise ValueError(f"unknown language code '{value}' (e.g. en, ru, hy, az, ar)")
    return value


Language = Annotated[str, AfterValidator(_language)]


class Settings(_Settings):
    """What an organisation sets once for all its statements (``communique.toml``)."""

    # Languages every statement is published in besides its own (``languages = ["ru", "ar"]``,
    # at the top of the file): each gets an edition, and ``communique translate`` starts its PO file.
    languages: list[Language] = []
    organisation: Organisation = Organisation()
    colours: Colours = Colours()
    fonts: Fonts = Fonts()
    documents: Documents = Documents()
    citations: WorkspaceCitations = WorkspaceCitations()
    pdf: PdfOutput = PdfOutput()


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

    @property
    def logo(self) -> Path | None:
        """The organisation's logo as a real file inside the workspace (checked when read)."""
        from communique.sandbox import resolve_asset

        logo = self.settings.organisation.logo
        return resolve_asset(self.root, logo) if logo else None

    def display(self, path: Path) -> str:
        return display_path(path, self.root)

    def statements(self) -> list[Path]:
        """Every ``content/<slug>/statement.yaml``, sorted by slug; hidden folders (``.git``,
        an editor's) hold none. One that is a symlink out of the workspace is listed, so that
        reading it reports the refusal."""
        if not self.content_dir.is_dir():
            return []
        return sorted(p for p in self.content_dir.glob("*/statement.yaml")
                      if (p.is_file() or p.is_symlink()) and not p.parent.name.startswith("."))


    def statement_files(self, paths: list[Path]) -> tuple[list[Path], list[Problem]]:
        """Command-line paths (folders or files) as ``statement.yaml`` files; all of them
        without paths. A path that holds none is a problem."""
        if not paths:
            return self.statements(), []
        found, problems = [], []
        for path in paths:
            if path.is_dir() and (path / "statement.yaml").is_file():
                found.append(path / "statement.yaml")
            elif path.is_dir():
                inside = sorted(path.glob("*/statement.yaml"))
                if inside:
                    found.extend(inside)
                else:
                    problems.append(Problem(self.display(path), 0, 0, "no statement.yaml here"))
            elif path.is_file():
                found.append(path)
            else:
                problems.append(Problem(str(path), 0, 0, "no such file or folder"))
        return found, problems

def find_workspace(start: Path | None = None) -> Workspace:
    """The nearest folder at or above ``start`` with a ``communique.toml`` or a ``content/``."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file() or (folder / "content").is_dir():
            return Workspace(folder, read_settings(folder))
    return Workspace(start, read_settings(start))


def read_settings(root: Path) -> Settings:
    """Read ``communique.toml``; raise ContentError locating every problem in it."""
    path = root / SETTINGS_FILE
    if not path.is_file():
        return Settings()
    display = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        line, col = (int(where[1]), int(where[2])) if where else (0, 0)
        message = message[:where.start()] if where else message
        raise ContentError([Problem(display, line, col, f"invalid TOML: {message}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([Problem(display, 0, 0, f"cannot read settings: {exc}")]) from None
    places = toml_positions(text)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ContentError([_problem(display, places, err) for err in exc.errors()]) from None
    if settings.organisation.logo is not None:
        from communique.sandbox import Refused, resolve_asset

        try:
            resolve_asset(root, settings.organisation.logo)
        except Refused as exc:
            line, col = _place(places, ("organisation", "logo"), value=True)
            raise ContentError([Problem(display, line, col, f"organisation.logo: {exc}")]) from None
    return settings


def _problem(display: str, places: dict, err: dict) -> Problem:
    loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    name = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        line, col = _place(places, loc, value=False)
        known = _known_settings(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else (
            f"; known settings here: {', '.join(known)}" if known else "")
        return Problem(display, line, col, f"unknown setting '{name}'{hint}")
    line, col = _place(places, loc, value=True)
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "missing":
        return Problem(display, line, col, f"missing setting '{name}'")
    return Problem(display, line, col, f"{name}: {message}")


def _known_settings(loc: tuple) -> list[str]:
    model: type[BaseModel] = Settings
    for part in loc:
        field = model.model_fields.get(str(part))
        inner = getattr(field, "annotation", None)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return []
        model = inner
    return list(model.model_fields)


def _place(places: dict, loc: tuple, *, value: bool) -> tuple[int, int]:
    """Line and column of a setting (its key, or its value) or of its closest parent."""
    loc = tuple(str(p) for p in loc if not isinstance(p, int))
    while loc:
        if loc in places:
            line, key_col, value_col = places[loc]
            return line, value_col if value else key_col
        loc = loc[:-1]
    return 0, 0


_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER = re.compile(rf"^[ \t]*\[\[?[ \t]*({_DOTTED})[ \t]*\]\]?")
_ASSIGN = re.compile(rf"([ \t]*)({_DOTTED})[ \t]*=[ \t]*")


def toml_positions(text: str) -> dict[tuple[str, ...], tuple[int, int, int]]:
    """Where each key of a TOML document is: ``path -> (line, key column, value column)``.

    ``tomllib`` keeps no positions, and no maintained TOML library exposes them; this scanner
    knows enough TOML for settings files: tables, dotted and quoted keys, one-line inline
    tables. Values spanning lines (arrays, multi-line strings) are skipped, not parsed.
    """
    places: dict[tuple[str, ...], tuple[int, int, int]] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_multiline:
            if in_multiline in line:
                in_multiline = None
            continue
        if m := _HEADER.match(line):
            table = _key_parts(m[1])
            places.setdefault(table, (number, m.start(1) + 1, m.start(1) + 1))
            continue
        m = _ASSIGN.match(line)
        if not m:
            continue
        path = table + _key_parts(m[2])
        places.setdefault(path, (number, m.start(2) + 1, m.end() + 1))
        rest = line[m.end():]
        for quote in ('"""', "'''"):
            if rest.startswith(quote) and rest.count(quote) == 1:
                in_multiline = quote
        if rest.startswith("{"):
            for inner in re.finditer(rf"[{{,][ \t]*({_DOTTED})[ \t]*=[ \t]*", rest):
                places.setdefault(path + _key_parts(inner[1]),
                                  (number, m.end() + inner.start(1) + 1, m.end() + inner.end() + 1))
    return places


def _key_parts(dotted: str) -> tuple[str, ...]:
    parts = re.findall(_KEY, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)
