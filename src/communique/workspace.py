"""The workspace: the folder holding ``content/``, ``templates/`` and ``communique.toml``."""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from communique import validation
from communique.errors import ContentError, Problem, display_path
from communique.i18n.locale import SCRIPTS, script_code, script_of

SETTINGS_FILE = "communique.toml"
BUILTIN_TEMPLATES = Path(str(resources.files("communique") / "templates"))


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def css_token(text: str):
    """The single CSS component value ``text`` is, or None.

    Settings are written into the templates' stylesheet, so each must be one complete token
    as the CSS parser reads it: no comment (``red/*`` would comment out the rest of the
    stylesheet, and a font name could close it again and inject a declaration), no second
    token, no unterminated string or function, no escape.
    """
    import tinycss2

    if "\\" in text or "<" in text:  # escapes could spell anything; '<' could close <style>
        return None
    tokens = [t for t in tinycss2.parse_component_value_list(text, skip_comments=False)
              if t.type != "whitespace"]
    if len(tokens) != 1 or tokens[0].type in ("comment", "error"):
        return None
    token = tokens[0]
    if token.serialize() != text.strip():  # an unterminated string or block is closed on output
        return None
    return token


def _css_colour(value: str) -> str:
    """A colour CSS understands (``#ffff00``, ``rebeccapurple``, ``rgb(0 0 0 / 50%)``), as one
    complete CSS token (``css_token``)."""
    import tinycss2.color4

    text = value.strip()
    token = css_token(text) if text and not any(ch in text for ch in ";{}<>\\\n") else None
    if token is None or tinycss2.color4.parse_color(token) in (None, "currentcolor"):
        raise ValueError(f"'{value}' is not a CSS colour (e.g. #ffff00, black, rgb(20 20 20))")
    return text


Colour = Annotated[str, AfterValidator(_css_colour)]
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                    "ui-serif", "ui-sans-serif", "ui-monospace", "math", "emoji", "fangsong"}


def _family(value: str) -> str:
    """A font family name, written quoted into the stylesheet: the quoted name must be one
    complete CSS string token (``css_token``) holding exactly the name."""
    text = " ".join(value.split())
    token = None if not text or any(ch in text for ch in "\"'`;{}<>\\,") else css_token(f'"{text}"')
    if token is None or token.type != "string" or token.value != text or "/*" in text or "*/" in text:
        raise ValueError(f"'{value}' is not a font family name (give one name an item, "
                         "without quotes, commas or comments)")
    return text


Family = Annotated[str, AfterValidator(_family)]
FontStack = Annotated[list[Family], Field(min_length=1)]
# The Noto CJK family for each script code of Chinese, Japanese and Korean.
CJK_VARIANTS = {"Hans": "Noto Sans CJK SC", "Hant": "Noto Sans CJK TC", "Jpan": "Noto Sans CJK JP",
                "Kore": "Noto Sans CJK KR"}
PAPER_SIZES = ("A3", "A4", "A5", "B4", "B5", "Letter", "Legal")
# The outputs ``[documents] outputs`` may name: those of ``communique.outputs.registry()`` (a
# layer above; tests/test_docx_output.py checks that the two agree).
OUTPUTS = ("print", "web", "data", "docx")


def for_language(value: str | dict[str, str] | None, lang: str) -> str | None:
    """A setting given once or per language (``{en = "…", fr = "…"}``), for ``lang`` (or its
    base language: ``pt`` for ``pt-BR``)."""
    if isinstance(value, dict):
        return value.get(lang) or value.get(lang.split("-")[0].split("_")[0])
    return value


class Organisation(_Settings):
    """Who publishes: printed on every page and cover."""

    # One name, or one a language (``{en = "…", fr = "…"}``; a language not listed gets the
    # first). Empty: mastheads name no organisation and calls read "We call on …".
    name: str | dict[str, str] = ""
    logo: str | None = None  # a workspace-relative image path, checked by ``read_settings``
    # The language of the name when it is one string ("en" for "Amnesty International"): in an
    # edition in another language the name is marked as such (HTML ``lang``, PDF ``/Lang``),
    # so that a screen reader says it in its own language and capitals follow its rules (not
    # Azerbaijani "INTERNATİONAL"). A name given per language is in the language of its key.
    lang: str = ""

    def name_in(self, lang: str) -> str:
        """The organisation's name in an edition in ``lang``."""
        if not isinstance(self.name, dict):
            return self.name
        return for_language(self.name, lang) or next(iter(self.name.values()), "")

    def lang_in(self, lang: str) -> str:
        """The language of the name an edition in ``lang`` prints ("" when not known)."""
        if not isinstance(self.name, dict):
            return self.lang
        for key in (lang, lang.split("-")[0].split("_")[0]):
            if self.name.get(key):
                return key
        return next(iter(self.name), self.lang)

    def in_language(self, lang: str) -> Organisation:
        """The organisation as an edition in ``lang`` names it (``name`` one string, ``lang``
        the language it is in)."""
        return self.model_copy(update={"name": self.name_in(lang), "lang": self.lang_in(lang)})


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
    hebrew: FontStack = ["Noto Sans Hebrew"]
    devanagari: FontStack = ["Noto Sans Devanagari"]  # Hindi, Marathi, Nepali
    bengali: FontStack = ["Noto Sans Bengali"]
    thai: FontStack = ["Noto Sans Thai"]
    # Chinese, Japanese, Korean (Debian's fonts-noto-cjk); by default the edition's own
    # variant comes first, as a character shared by the four is drawn differently in each
    cjk: FontStack = list(CJK_VARIANTS.values())
    fallback: FontStack = ["DejaVu Sans", "sans-serif"]

    def stack(self, lang: str) -> str:
        """The CSS ``font-family`` value for an edition in ``lang``."""
        first = script_of(lang)
        families: list[str] = []
        for script in (first, *SCRIPTS, "fallback"):
            wanted = getattr(self, script)
            if script == "cjk" and "cjk" not in self.model_fields_set:
                own = CJK_VARIANTS.get(script_code(lang))
                wanted = sorted(wanted, key=lambda family: family != own)  # stable: own first
            families += [f for f in wanted if f not in families]
        return ", ".join(f if f in GENERIC_FAMILIES else f'"{f}"' for f in families)


def _locale_code(value: str) -> str:
    """A locale Babel knows, written ``en_GB`` or ``en-GB``."""
    from communique.i18n.locale import known

    if not known(value):
        raise ValueError(f"unknown locale '{value}' (e.g. en_GB, en_US, fr_CA, pt_BR)")
    return value


class Documents(_Settings):
    """What every document shares: the type a statement has when it names none, paper, footer."""

    default_type: str = "public-statement"
    paper: Literal[PAPER_SIZES] = "A4"  # type: ignore[valid-type]
    # Wording of the running footer; a table gives it per language (``{en = "…", fr = "…"}``).
    # Without it, the footer is the organisation's name and the document type.
    footer: str | dict[str, str] | None = None
    # The masthead of public statements and urgent actions ("Amnesty International public
    # statement", the date and index number): printed or not, and in capitals or as written.
    masthead: bool = True
    masthead_case: Literal["upper", "as-written"] = "upper"
    # What precedes the index number ("AI Index:"), once or per language; unset: "Index:" in
    # the edition's language.
    index_label: str | dict[str, str] | None = None
    # What every edition is made into: web, print (PDF), data (JSON, CSV), docx (Word). Unset:
    # every output but those made only on request (docx).
    outputs: list[str] | None = None
    # The locale a language's dates and numbers are written in, where it is not the language's
    # own default: { en = "en_GB" } prints "29 September 2020" where en prints "September 29,
    # 2020". The edition keeps its language code: its folder, file names and lang attributes.
    locales: dict[str, Annotated[str, AfterValidator(_locale_code)]] = {}

    @field_validator("locales")
    @classmethod
    def _locales_of_their_language(cls, value: dict[str, str]) -> dict[str, str]:
        from communique.i18n.locale import locale

        for lang, code in value.items():
            _language(lang)
            if locale(code).language != locale(lang).language:
                raise ValueError(f"the locale '{code}' is not one of the language '{lang}' "
                                 f"(e.g. {lang} = \"{lang}_…\")")
        return value

    def locale_for(self, lang: str) -> str:
        """The locale the dates and numbers of an edition in ``lang`` are written in."""
        return self.locales.get(lang) or lang

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
        return for_language(self.footer, lang)


class PdfOutput(_Settings):
    """``[pdf]``: what kind of PDF every edition is."""

    archive: bool = Field(False, description="PDF/A-3b for long-term archiving, with the "
                          "statement's data (content, translation, sources) attached; "
                          "otherwise PDF/UA-1, tagged for assistive technology. "
                          "`communique build --archive` turns it on for one build.")
    translator_comments: bool = Field(False, description="Attach the edition's PO file with "
                                      "its translators' comments; by default they are left "
                                      "out, as notes written for colleagues.")


def _field_name(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", value):
        raise ValueError(f"'{value}' is not a field name (letters, digits, '_' and '-')")
    return value


def _folder_name(value: str) -> str:
    if not value or value.startswith(".") or any(ch in value for ch in "/\\"):
        raise ValueError(f"'{value}' is not a folder name (one name, no '/')")
    return value


class Internal(_Settings):
    """``[internal]``: what is written for colleagues only, and never published or attached.

    Reasoning, witness contacts and other working notes may sit beside the published text;
    naming them here keeps them out of every output: the PDF and its attachments, the web page,
    the data exports and the PDF's metadata.
    """

    fields: list[Annotated[str, AfterValidator(_field_name)]] = Field(
        [], description="Keys of statement.yaml for colleagues only (e.g. internal_note): "
        "allowed at any level of a statement, never printed, exported or attached.")
    folders: list[Annotated[str, AfterValidator(_folder_name)]] = Field(
        ["private", "internal", "confidential"], description="Folders (by name, at any depth) "
        "whose files are never attached to a PDF nor embedded in one. Hidden folders never are.")


class Budget(_Settings):
    """``[budget]``: how long and how much memory one edition may take before it fails.

    A statement that is far too large (ten thousand notes, a title of megabytes) would
    otherwise hold every other edition of the build hostage; past its budget the edition fails
    with one located message and the others go on.
    """

    edition_seconds: float = Field(300.0, gt=0, description="Seconds one edition's PDF may "
                                   "take to print (a 50-page report takes about 10).")
    edition_memory_mb: int = Field(4096, ge=64, description="Megabytes of memory a press "
                                   "(the process printing PDFs) may use.")


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


def _base_url(value: str) -> str:
    """An absolute http(s) address ending with ``/``: feeds, the sitemap, canonical links and
    share cards need whole URLs, and every page address is joined to it."""
    from urllib.parse import urlsplit

    text = value.strip()
    parts = urlsplit(text)
    if (parts.scheme not in ("http", "https") or not parts.netloc or parts.query
            or parts.fragment or any(ch.isspace() or ch in "<>\"'\\" for ch in text)):
        raise ValueError(f"'{value}' is not an absolute http(s) address "
                         "(e.g. https://www.example.org/statements/)")
    return text if text.endswith("/") else text + "/"


PAGE_SIZE = 50  # statements on one index page before it continues on the next


class Site(_Settings):
    """``[site]``: build/ as the organisation's statements website (indexes, feeds, sitemap,
    search, share cards), published as it is to a static host.

    Without this table build/ holds the editions and the build report only.
    """

    base_url: Annotated[str, AfterValidator(_base_url)] | None = Field(
        None, description="Where build/ is published, e.g. https://www.example.org/statements/: "
        "absolute links for feeds, the sitemap, canonical links and share cards. Without it the "
        "site works from the file system and has no feeds or sitemap.")
    title: str | dict[str, str] = Field("", description="The site's name, one or per language "
                                        "({ en = \"Statements\", ru = \"Заявления\" }); by "
                                        "default the organisation's name.")
    languages: list[Language] = Field([], description="The languages that have their own index, "
                                      "in the order of the language switcher; by default every "
                                      "language that has an edition.")
    landing: str = Field("languages", description="What build/index.html, a reader's first "
                         "page, is: 'languages' (each language's index by its own name) or a "
                         "language code (that language's index).")
    page_size: int = Field(PAGE_SIZE, ge=1, le=1000, description="Statements on one index page "
                           "before the next page.")

    @field_validator("landing")
    @classmethod
    def _landing(cls, value: str) -> str:
        if value != "languages":
            _language(value)
        return value

    def title_for(self, lang: str, default: str = "") -> str:
        if isinstance(self.title, dict):
            return (self.title.get(lang) or self.title.get(lang.split("-")[0])
                    or next(iter(self.title.values()), "") or default)
        return self.title or default


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
    internal: Internal = Internal()
    budget: Budget = Budget()
    site: Site | None = None  # [site]: build/ is the organisation's website


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
            if not path.exists() and (self.content_dir / path).is_dir():
                path = self.content_dir / path  # a statement named by its slug, as translate takes it
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
                slugs = [f.parent.name for f in self.statements()]
                close = difflib.get_close_matches(path.name, slugs, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else (
                    f" (statements: {', '.join(slugs[:8])})" if slugs else "")
                problems.append(Problem(str(path), 0, 0, "no such file, folder or statement" + hint))
        return found, problems


# Names in build/ that are not a statement's: the build report, and the preview server's own
# address space. A statement folder of that name would collide with them (hidden names, such as
# the record .communique-cache.json, are never statements).
RESERVED_SLUGS = ("index.html", "__communique__", "report.html", "sitemap.xml", "pagefind")


def slug_problem(slug: str) -> str | None:
    """Why a statement folder's name cannot be a slug (its folder in build/, part of every URL
    and file name of its editions), or None. Compared without case, as on macOS and Windows."""
    from communique.errors import printable

    if slug.casefold() in RESERVED_SLUGS:
        what = {"index.html": "the build report", "__communique__": "the preview server",
                "report.html": "the build report"}.get(slug.casefold(), "the site")
        return (f"the folder name '{slug}' is reserved for {what} in build/: rename the "
                "statement's folder")
    if printable(slug) != slug:
        return (f"the folder name '{printable(slug)}' has control characters: rename the "
                "statement's folder")
    return None


def find_workspace(start: Path | None = None) -> Workspace:
    """The nearest folder at or above ``start`` with a ``communique.toml`` or a ``content/``."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file() or (folder / "content").is_dir():
            return Workspace(folder, read_settings(folder))
    return Workspace(start, read_settings(start))


MAX_SETTINGS_BYTES = 1024 * 1024


def settings_text(root: Path) -> str | None:
    """The text of ``communique.toml`` (None when there is none), read by the rule for every file
    communique reads: inside the workspace, a regular file, of bounded size.

    A cloned workspace may carry it as a symlink to ``/dev/zero`` (the build would hang) or to a
    private file; either is a ContentError at the file, never a silent default.
    """
    from communique.sandbox import Refused, contained, read_file

    path = root / SETTINGS_FILE
    if not os.path.lexists(path):
        return None
    display = display_path(path, root)
    try:
        contained(path, [root], name=SETTINGS_FILE)
        return read_file(path, MAX_SETTINGS_BYTES, name=SETTINGS_FILE).decode("utf-8")
    except Refused as exc:
        raise ContentError([Problem(display, 0, 0, str(exc))]) from None
    except UnicodeDecodeError as exc:
        raise ContentError([Problem(display, 0, 0, f"cannot read settings: {exc}")]) from None


def read_settings(root: Path) -> Settings:
    """Read ``communique.toml``; raise ContentError locating every problem in it."""
    path = root / SETTINGS_FILE
    text = settings_text(root)
    if text is None:
        return Settings()
    display = display_path(path, root)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        line, col = (int(where[1]), int(where[2])) if where else (0, 0)
        message = message[:where.start()] if where else message
        raise ContentError([Problem(display, line, col, f"invalid TOML: {message}")]) from None
    places = toml_positions(text)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        def place(path: tuple, message: str, key: bool) -> Problem:
            return Problem(display, *_place(places, path, value=not key), message)

        raise ContentError(validation.problems(exc, Settings, place, validation.SETTINGS)) from None
    if settings.organisation.logo is not None:
        from communique.sandbox import Refused, resolve_asset

        try:
            resolve_asset(root, settings.organisation.logo)
        except Refused as exc:
            line, col = _place(places, ("organisation", "logo"), value=True)
            raise ContentError([Problem(display, line, col, f"organisation.logo: {exc}")]) from None
    return settings


def settings_warnings(workspace: Workspace) -> list[Problem]:
    """What is allowed in the settings but reads wrong in print: the organisation's name left
    empty where ``communique init`` wrote it to be filled in (``name = ""``), which makes every
    masthead and footer nameless and every call "We call on …". (A settings file that names
    no organisation at all is taken as meant.)"""
    name = workspace.settings.organisation.name
    if any(n.strip() for n in (name.values() if isinstance(name, dict) else [name])):
        return []
    try:
        text = settings_text(workspace.root)
    except ContentError:
        text = None
    places = toml_positions(text) if text else {}
    if ("organisation", "name") not in places:
        return []
    line, col = _place(places, ("organisation", "name"), value=True)
    return [Problem(workspace.display(workspace.root / SETTINGS_FILE), line, col,
                    "organisation.name is empty: mastheads and footers name no organisation and "
                    "calls to action read \"We call on …\"; write the organisation's name here",
                    "warning")]


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
