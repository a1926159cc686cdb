"""The site: ``build/`` as the organisation's statements website, in every language.

With ``[site]`` in ``communique.toml`` every build ends with this stage, after all editions:

- an index per language (``build/<lang>/index.html``, 50 statements a page, then
  ``<lang>/page/2/``…), a page per keyword (``<lang>/tags/<keyword>/``) and per document
  type (``<lang>/types/<type>/``), a search page (``<lang>/search/``) and a landing page
  (``build/index.html``) — :mod:`.pages`;
- an Atom feed per language (``<lang>/feed.xml``) and ``sitemap.xml`` with the ``hreflang``
  alternates of every statement, when ``base_url`` says where the site lives — :mod:`.feeds`;
- a full-text search index for each language (Pagefind, ``build/pagefind/``) — :mod:`.search`.

The share card of each edition and the Open Graph and canonical tags of its web page are made
with the edition itself (:mod:`communique.outputs.print`, ``base.html.j2``). The build report
moves to ``build/report.html``: it is for the team, and is neither linked nor listed.

Everything here is made from the build record (:mod:`communique.cache`): each edition's
``listing`` (title, date, summary, keywords… in plain text), page count and outputs. The
pages, feeds and sitemap are made again only when a digest of what they show changed, the
search index only when an edition's web page changed, so a build with nothing to do costs a
hash of the record and a look at the files. The files the site wrote are recorded too; those
it no longer makes (a page 3 after statements were removed, an old search bundle) are removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import quote

from communique.errors import Problem

if TYPE_CHECKING:
    from communique.cache import Cache, Fingerprints
    from communique.workspace import Workspace

REPORT = "report.html"  # the build report when build/ is a site (else build/index.html)
SEARCH_FOLDER = "pagefind"
SITEMAP = "sitemap.xml"
FEED = "feed.xml"


class SiteTemplateError(Exception):
    """A template of the site is missing or broken; ``problem`` names its file and line."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Entry:
    """One edition as the site lists it (from the record)."""

    slug: str
    lang: str
    source: str  # the statement's own language
    langs: list[str]  # the languages of all the statement's editions
    listing: dict
    pages: int = 0
    fallbacks: int | None = None
    outputs: dict[str, str] = field(default_factory=dict)  # name -> path relative to build/
    pdf_bytes: int | None = None

    @property
    def key(self) -> str:
        return f"{self.slug}/{self.lang}"

    @property
    def folder(self) -> str:
        """The edition's folder from build/, percent-encoded, with its final slash."""
        return f"{quote(self.slug, safe='')}/{quote(self.lang, safe='')}/"

    @property
    def date(self) -> dt.date:
        return dt.date.fromisoformat(self.listing["date"])

    @property
    def partial(self) -> bool:
        """A translation printing some text in the source language (marked on the indexes)."""
        return bool(self.listing.get("fallback")) or bool(self.fallbacks)

    @property
    def indexable(self) -> bool:
        """Whether search engines and feeds may have it: its page is not ``noindex`` (a draft,
        an embargo, a translation with fallbacks all are)."""
        return not (self.listing.get("draft") or self.listing.get("embargo") or self.partial)


def entries(workspace: Workspace, record: Cache) -> list[Entry]:
    """Every edition of the record that the site lists: its statement still exists, it has a
    web page and a listing; newest first, then by statement and language."""
    build = workspace.build_dir
    found = []
    for key, entry in record.editions.items():
        data = entry.get("result", {})
        slug, _, lang = key.partition("/")
        statement = record.statements.get(slug, {})
        langs = list(statement.get("langs", ()))
        listing = data.get("listing")
        if lang not in langs or not listing or not (
                workspace.root / statement.get("path", "-")).is_file():
            continue
        outputs = {}
        for name, value in (data.get("outputs") or {}).items():
            path = Path(value)
            if path.parent == build / slug / lang and path.is_file():
                outputs[name] = f"{slug}/{lang}/{path.name}"
        if "web" not in outputs:
            continue
        pdf = build / outputs["print"] if "print" in outputs else None
        found.append(Entry(slug, lang, langs[0], langs, listing, data.get("pages", 0),
                           data.get("fallbacks"), outputs,
                           pdf.stat().st_size if pdf is not None else None))
    found.sort(key=lambda e: (e.slug, e.lang))
    found.sort(key=lambda e: e.listing["date"], reverse=True)
    return found


def index_languages(workspace: Workspace, listed: list[Entry]) -> list[str]:
    """The languages with their own index: ``[site] languages``, else every language that has
    an edition (each statement's own language first, in the order they are met)."""
    site = workspace.settings.site
    if site is not None and site.languages:
        return list(dict.fromkeys(site.languages))
    order: list[str] = []
    for entry in sorted(listed, key=lambda e: (e.slug, e.langs.index(e.lang))):
        if entry.lang not in order:
            order.append(entry.lang)
    return order


def update(workspace: Workspace, record: Cache, prints: Fingerprints) -> list[Problem]:
    """Bring the site up to date with the record (or remove it when ``[site]`` is gone);
    return its problems. Writes nothing when nothing it shows changed."""
    site = workspace.settings.site
    build = workspace.build_dir
    if site is None:
        if record.site.get("files"):
            _remove(build, record.site["files"])
        record.site = {}
        return []
    problems = _setting_problems(workspace)
    listed = entries(workspace, record)
    shown = [{k: v for k, v in e.listing.items() if k != "page"} for e in listed]
    digest = _digest(prints.shared(), prints.tree(workspace.templates_dir),
                     prints.tree(prints.builtin),
                     [[e.key, e.source, e.langs, e.pages, e.fallbacks, sorted(e.outputs),
                       e.pdf_bytes, s] for e, s in zip(listed, shown, strict=True)])
    searched = _digest(prints.shared(), [[e.key, e.listing["page"]] for e in listed])
    before = [f for f in record.site.get("files", []) if isinstance(f, str)]
    pages_before = [f for f in before if not f.startswith(SEARCH_FOLDER + "/")]
    search_before = [f for f in before if f.startswith(SEARCH_FOLDER + "/")]
    written_pages, written_search = pages_before, search_before
    if record.site.get("digest") != digest or not _all_there(build, pages_before):
        from communique.site.pages import write_pages

        record.site["digest"] = None  # until every file is written
        try:
            written_pages, more = write_pages(workspace, listed,
                                              index_languages(workspace, listed))
        except SiteTemplateError as exc:  # a workspace's site template is broken
            return [*problems, exc.problem]
        problems += more
        _remove(build, sorted(set(pages_before) - set(written_pages)))
    if record.site.get("search") != searched or not _all_there(build, search_before):
        from communique.site.search import write_search

        found, more = write_search(workspace, listed)
        problems += more
        if found is not None:
            written_search = found
            _remove(build, sorted(set(search_before) - set(found)))
            record.site["search"] = searched
    record.site["digest"] = digest
    record.site["files"] = sorted(set(written_pages) | set(written_search))
    return problems


def _setting_problems(workspace: Workspace) -> list[Problem]:
    """What the settings leave out, told on every build (one message each)."""
    from communique.workspace import SETTINGS_FILE, settings_text, toml_positions

    site = workspace.settings.site
    assert site is not None
    path = workspace.root / SETTINGS_FILE
    try:
        places = toml_positions(settings_text(workspace.root) or "")
    except Exception:
        places = {}
    line, column, _ = places.get(("site",), (0, 0, 0))
    if site.base_url is None:
        return [Problem(workspace.display(path), line, column,
                        "[site] has no base_url: the site works from the file system, but "
                        "the Atom feeds, sitemap.xml, canonical links and share-card links "
                        "need the address it is published at, so they are left out", "warning")]
    return []


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(json.dumps(part, sort_keys=True, default=str).encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _all_there(build: Path, files: list[str]) -> bool:
    return bool(files) and all(os.path.isfile(build / name) for name in files)


def inside(build: Path, name: str) -> Path | None:
    """``build/<name>`` when ``name`` (from the record) stays inside build/ and out of hidden
    files once symlinks are resolved; else None."""
    parts = PurePosixPath(name).parts
    if not parts or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    path = build.joinpath(*parts)
    try:
        real = path.resolve()
        if not real.is_relative_to(build.resolve()):
            return None
    except (OSError, RuntimeError):
        return None
    return path


def _remove(build: Path, names: list[str]) -> None:
    """Remove files the site made before and makes no more, and folders they leave empty."""
    for name in names:
        path = inside(build, name)
        if path is None or path.is_symlink() or not path.is_file():
            continue
        try:
            path.unlink()
        except OSError:
            continue
        folder = path.parent
        while folder != build and folder.is_relative_to(build):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent


def write(workspace: Workspace, name: str, data: bytes) -> str:
    """Write ``build/<name>`` atomically unless it already holds ``data``; return ``name``.
    Its folder must stay inside build/ (the rule of :func:`communique.sandbox.output_folder`:
    raises Refused otherwise)."""
    from communique.files import write_atomic
    from communique.sandbox import output_folder

    path = workspace.build_dir / name
    output_folder(workspace.root, path.parent)
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return name
    except OSError:
        pass
    write_atomic(path, data)
    return name
