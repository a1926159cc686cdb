"""Starting points: a new workspace (``communique init``) and a new statement (``communique new``).

What these write is meant to be read: the settings file lists every setting with its default,
a new statement shows every field of its type with a comment, validates and builds as it is,
and names the JSON Schema on its first line so an editor completes and checks fields.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from string import Template

from communique.files import write_atomic
from communique.schema import SCHEMA_FILE, modeline, schema_text
from communique.workspace import BUILTIN_TEMPLATES, SETTINGS_FILE

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class ScaffoldError(Exception):
    """Why a workspace or statement cannot be created (nothing was written)."""


def _skeleton(name: str) -> str:
    return (resources.files("communique") / "skeletons" / name).read_text(encoding="utf-8")


def init_workspace(folder: Path, organisation: str = "") -> list[Path]:
    """Create a workspace in ``folder`` (made if missing); return the files written.

    Refuses a folder that already has a ``communique.toml``; other files already there
    (a ``.gitignore``, a ``content/``) are kept as they are.
    """
    folder = Path(folder)
    if (folder / SETTINGS_FILE).exists():
        raise ScaffoldError(f"{folder / SETTINGS_FILE} already exists: this is a workspace already")
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder} exists and is not a folder")
    quoted = organisation.replace("\\", "\\\\").replace('"', '\\"')
    listing = "\n".join(f"    {p.relative_to(BUILTIN_TEMPLATES).as_posix()}"
                        for p in sorted(BUILTIN_TEMPLATES.rglob("*")) if p.is_file()
                        and "__pycache__" not in p.parts)
    files = {
        folder / SETTINGS_FILE: Template(_skeleton("communique.toml")).substitute(organisation=quoted),
        folder / "templates" / "README.md": Template(_skeleton("templates-README.md")).substitute(
            builtin=BUILTIN_TEMPLATES, listing=listing),
        folder / SCHEMA_FILE: schema_text(),
    }
    if not (folder / ".gitignore").exists():
        files[folder / ".gitignore"] = _skeleton("gitignore")
    (folder / "content").mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        write_atomic(path, text.encode("utf-8"))
    return [*files, folder / "content"]


def new_statement(root: Path, slug: str, kind: str, *, lang: str = "en",
                  today: dt.date | None = None) -> list[Path]:
    """Create ``content/<slug>/statement.yaml`` of document type ``kind``; return the files written.

    The workspace's ``communique.schema.json`` is (re)written too, so the first line of the new
    file points at a schema that matches this version of communique.
    """
    from communique.content.model import DOCUMENT_TYPES

    if kind not in DOCUMENT_TYPES:
        raise ScaffoldError(f"unknown document type '{kind}' (known: {', '.join(DOCUMENT_TYPES)})")
    if not SLUG.match(slug):
        raise ScaffoldError(f"'{slug}' is not a valid name for a statement: use lower-case letters, "
                            "digits and '-' (e.g. crackdown-on-protest-2024)")
    try:
        from babel import Locale, UnknownLocaleError

        Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        raise ScaffoldError(f"unknown language code '{lang}' (e.g. en, fr, ru, ar)") from None
    folder = Path(root) / "content" / slug
    target = folder / "statement.yaml"
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    today = today or dt.date.today()
    text = Template(_skeleton(f"{kind}.yaml")).substitute(
        modeline=modeline(f"../../{SCHEMA_FILE}"), lang=lang, date=today.isoformat(),
        year=today.year, deadline=(today + dt.timedelta(days=42)).isoformat())
    files = {target: text.encode("utf-8")}
    if kind == "report":
        files[folder / "figure.svg"] = _skeleton("figure.svg").encode("utf-8")
    files[Path(root) / SCHEMA_FILE] = schema_text().encode("utf-8")
    for path, data in files.items():
        if path.name == "figure.svg" and path.exists():
            continue
        write_atomic(path, data)
    return list(files)
