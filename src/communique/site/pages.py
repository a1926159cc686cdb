"""The site's pages: an index per language (paginated), per keyword and per document type, a
search page per language, and the landing page, rendered from ``templates/site/``.

Every link between pages is relative and names its ``index.html``, so the site works from the
file system as well as from any folder of a static host; with ``base_url`` each page also has
its canonical address, and the feeds and sitemap are written (:mod:`.feeds`).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from communique.errors import Problem
from communique.site import FEED, Entry, SiteTemplateError, write

if TYPE_CHECKING:
    from communique.workspace import Workspace

# The words of a document type, as the templates print them (the msgids of their catalogs).
TYPE_NAMES = {"public-statement": "Public Statement", "urgent-action": "Urgent Action",
              "report": "Report"}
_NOT_WORD = re.compile(r"[^\w]+")


def tag_slug(keyword: str) -> str:
    """A keyword as one folder name: lower case, words joined by ``-`` (any script kept)."""
    slug = _NOT_WORD.sub("-", keyword.casefold()).strip("-_")[:80].strip("-_")
    return slug or "tag-" + hashlib.sha256(keyword.encode("utf-8")).hexdigest()[:8]


def language_name(code: str, in_lang: str | None = None) -> str:
    """A language's name in its own language (or in ``in_lang``), capitalised."""
    from communique.i18n.locale import locale

    try:
        if in_lang is None:
            name = locale(code).get_display_name() or code
        else:
            name = locale(code).get_display_name(locale(in_lang)) or code
    except ValueError:
        name = code
    return name[:1].upper() + name[1:]


@dataclass
class Listing:
    """One page of statements to render: which, under which heading, and where it is."""

    path: str  # from build/, e.g. "en/tags/armenia/page/2/index.html"
    heading: str
    items: list[Entry]
    page: int = 1
    pages: int = 1
    kind: str = "index"  # index, tag or type
    first: str = ""  # the path of its first page (for canonical links and pagination)
    links: dict[str, str] = field(default_factory=dict)  # prev / next: paths from build/


def paginate(base: str, items: list[Entry], size: int, heading: str, kind: str) -> list[Listing]:
    """``items`` on pages of ``size``: ``<base>index.html``, ``<base>page/2/index.html``…"""
    chunks = [items[i:i + size] for i in range(0, len(items), size)] or [[]]
    paths = [f"{base}index.html" if n == 1 else f"{base}page/{n}/index.html"
             for n in range(1, len(chunks) + 1)]
    pages = []
    for n, chunk in enumerate(chunks, 1):
        links = {}
        if n > 1:
            links["prev"] = paths[n - 2]
        if n < len(chunks):
            links["next"] = paths[n]
        pages.append(Listing(paths[n - 1], heading, chunk, n, len(chunks), kind, paths[0], links))
    return pages


def href(from_path: str, to_path: str) -> str:
    """The relative link from the page at ``from_path`` to ``to_path`` (both from build/);
    each segment of ``to_path`` percent-encoded."""
    depth = from_path.count("/")
    target = "/".join(quote(part, safe="") for part in to_path.split("/"))
    return "../" * depth + target


def write_pages(workspace: Workspace, listed: list[Entry],
                langs: list[str]) -> tuple[list[str], list[Problem]]:
    """Write every page of the site (and the feeds and sitemap with ``base_url``); return the
    files written, relative to build/, and the problems."""
    from communique.i18n import ui
    from communique.render.html import environment
    from communique.sandbox import Refused
    from communique.site import feeds

    site = workspace.settings.site
    assert site is not None
    env = environment(workspace.templates_dir, workspace.build_dir / ".cache" / "templates")
    problems: list[Problem] = []
    written: list[str] = []

    def put(name: str, data: bytes) -> None:
        try:
            written.append(write(workspace, name, data))
        except (Refused, OSError) as exc:
            problems.append(Problem(workspace.display(workspace.build_dir / name), 0, 0,
                                    f"the site page is not written: {exc}"))

    for lang in langs:
        strings, found = ui.load(workspace, lang)
        problems += found
        mine = [e for e in listed if e.lang == lang]
        with ui.active(strings):
            for name, page in _language_pages(env, workspace, lang, langs, mine):
                put(name, page.encode("utf-8"))
        problems += [p for p in strings.problems() if p not in problems]
        if site.base_url:
            put(f"{lang}/{FEED}", feeds.atom(workspace, lang, mine))
    landing = site.landing
    if landing != "languages" and landing not in langs:
        problems.append(Problem(workspace.display(workspace.root / "communique.toml"), 0, 0,
                                f"[site] landing = '{landing}', but '{landing}' has no index "
                                f"(languages with one: {', '.join(langs) or 'none'}): the "
                                "landing page lists the languages instead", "warning"))
        landing = "languages"
    first = landing if landing != "languages" else (langs[0] if langs else "en")
    strings, _ = ui.load(workspace, first)
    with ui.active(strings):
        put("index.html", _landing(env, workspace, langs, landing, first).encode("utf-8"))
    if site.base_url:
        put(feeds.SITEMAP, feeds.sitemap(workspace, listed, langs))
    return written, problems


def _language_pages(env, workspace: Workspace, lang: str, langs: list[str],
                    mine: list[Entry]) -> list[tuple[str, str]]:
    """Every page of one language: its index, keywords, types and search page."""
    from communique.i18n.ui import _gettext as gettext

    site = workspace.settings.site
    assert site is not None
    size = site.page_size
    title = site_title(workspace, lang)
    listings = paginate(f"{lang}/", mine, size, title, "index")
    tags: dict[str, tuple[str, list[Entry]]] = {}
    for entry in mine:
        for keyword in entry.listing.get("keywords", []):
            tags.setdefault(tag_slug(keyword), (keyword, []))[1].append(entry)
    for slug, (keyword, items) in sorted(tags.items()):
        listings += paginate(f"{lang}/tags/{slug}/", items, size, keyword, "tag")
    types: dict[str, list[Entry]] = {}
    for entry in mine:
        types.setdefault(entry.listing["type"], []).append(entry)
    for kind, items in sorted(types.items()):
        name = gettext(TYPE_NAMES[kind]) if kind in TYPE_NAMES else kind
        listings += paginate(f"{lang}/types/{quote(kind, safe='')}/", items, size, name, "type")
    tag_links: list[dict[str, Any]] = [
        {"name": keyword, "path": f"{lang}/tags/{slug}/index.html", "count": len(items)}
        for slug, (keyword, items) in sorted(tags.items(), key=lambda t: t[1][0].casefold())]
    type_links: list[dict[str, Any]] = [
        {"name": kind, "path": f"{lang}/types/{quote(kind, safe='')}/index.html",
         "count": len(items)}
        for kind, items in sorted(types.items())]
    pages = []
    template = _template(env, workspace, "site/index.html.j2")
    for listing in listings:
        context = _common(workspace, lang, langs, listing.path, listing.first)
        context.update(
            heading=listing.heading, kind=listing.kind, page=listing.page, pages=listing.pages,
            items=[_item(workspace, listing.path, e, lang) for e in listing.items],
            prev=href(listing.path, listing.links["prev"]) if "prev" in listing.links else None,
            next=href(listing.path, listing.links["next"]) if "next" in listing.links else None,
            tags=[{**t, "href": href(listing.path, t["path"])} for t in tag_links],
            types=[{**t, "href": href(listing.path, t["path"])} for t in type_links],
            description=_description(workspace, lang, listing, mine))
        pages.append((listing.path, _render(env, workspace, template, context)))
    search = f"{lang}/search/index.html"
    context = _common(workspace, lang, langs, search, search)
    context.update(heading=title, description=title)
    search_page = _template(env, workspace, "site/search.html.j2")
    pages.append((search, _render(env, workspace, search_page, context)))
    return pages


def _description(workspace: Workspace, lang: str, listing: Listing, mine: list[Entry]) -> str:
    organisation = workspace.settings.organisation.name_in(lang)
    if listing.items:
        return " · ".join(dict.fromkeys(
            [listing.heading, organisation, *(e.listing["title"] for e in listing.items[:3])]
            )).strip(" ·")
    return " · ".join(p for p in (listing.heading, organisation) if p)


def site_title(workspace: Workspace, lang: str) -> str:
    from communique.i18n.ui import _gettext as gettext

    site = workspace.settings.site
    default = workspace.settings.organisation.name_in(lang) or gettext("Statements")
    return site.title_for(lang, default) if site is not None else default


def absolute(workspace: Workspace, path: str) -> str | None:
    """The published address of ``path`` (from build/), a folder's without its ``index.html``;
    None without ``base_url``."""
    site = workspace.settings.site
    if site is None or not site.base_url:
        return None
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return site.base_url + "/".join(quote(part, safe="") for part in path.split("/"))


def _common(workspace: Workspace, lang: str, langs: list[str], path: str,
            first: str) -> dict[str, Any]:
    """What every site page's template receives."""
    from communique.i18n import locale as i18n_locale

    settings = workspace.settings
    return {
        "lang": lang, "locale": settings.documents.locale_for(lang),
        "dir": i18n_locale.direction(lang), "settings": settings,
        "organisation": settings.organisation.in_language(lang),
        "font_family": settings.fonts.stack(lang),
        "site_title": site_title(workspace, lang),
        "root": "../" * path.count("/"),
        "home": href(path, f"{lang}/index.html") if lang in langs else href(path, "index.html"),
        "search": href(path, f"{lang}/search/index.html"),
        "canonical": absolute(workspace, first if first else path),
        "feed": href(path, f"{lang}/{FEED}") if settings.site and settings.site.base_url else None,
        "alternates": [{"lang": code, "href": absolute(workspace, f"{code}/index.html")}
                       for code in langs] if absolute(workspace, path) else [],
        "languages": [{"lang": code, "name": language_name(code), "current": code == lang,
                       "href": href(path, f"{code}/index.html")} for code in langs],
    }


@functools.cache
def _labels() -> dict[str, str]:
    """Each output's label ("Word"), for a link the index template does not translate itself."""
    from communique.outputs import registry

    return {name: output.label for name, output in registry().items()}


def _item(workspace: Workspace, path: str, entry: Entry, lang: str) -> dict[str, Any]:
    import datetime as dt

    listing = entry.listing
    others = [{"name": name, "label": _labels().get(name, name), "href": href(path, file)}
              for name, file in entry.outputs.items() if name not in ("web", "print")]
    return {
        "href": href(path, entry.folder.rstrip("/") + "/index.html"),
        "type": listing["type"], "date": entry.date,
        "type_href": href(path, f"{lang}/types/{quote(listing['type'], safe='')}/index.html"),
        "reference": listing.get("reference"),
        "title": listing["title"], "summary": listing["summary"],
        "keywords": [{"name": k, "href": href(path, f"{lang}/tags/{tag_slug(k)}/index.html")}
                     for k in listing.get("keywords", [])],
        "pdf": {"href": href(path, entry.outputs["print"]), "pages": entry.pages,
                "kb": max(1, round((entry.pdf_bytes or 0) / 1024))}
        if "print" in entry.outputs else None,
        "others": others,
        "partial": language_name(entry.source, lang) if entry.partial else None,
        "draft": bool(listing.get("draft")),
        "embargo": (dt.datetime.fromisoformat(listing["embargo"]) if listing.get("embargo")
                    else None),
    }


def _landing(env, workspace: Workspace, langs: list[str], landing: str, lang: str) -> str:
    context = _common(workspace, lang, langs, "index.html", "index.html")
    context.update(
        target=href("index.html", f"{landing}/index.html") if landing != "languages" else None,
        description=context["site_title"], heading=context["site_title"],
        titles={code: site_title(workspace, code) for code in langs})
    return _render(env, workspace, _template(env, workspace, "site/landing.html.j2"), context)


def _template(env, workspace: Workspace, name: str):
    """A template of the site, or SiteTemplateError naming its file and line."""
    import jinja2

    from communique.render.html import _template_path

    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise SiteTemplateError(Problem(_template_path(env, exc.filename or exc.name, workspace),
                                        exc.lineno or 0, 1 if exc.lineno else 0,
                                        f"template syntax error: {exc.message}")) from None
    except jinja2.TemplateNotFound as exc:
        raise SiteTemplateError(Problem(workspace.display(workspace.templates_dir / name), 0, 0,
                                        f"template '{exc.name}' not found")) from None


def _render(env, workspace: Workspace, template, context: dict[str, Any]) -> str:
    """``template`` rendered, or SiteTemplateError at the template line that failed."""
    import jinja2

    from communique.render.html import _in_template, _runtime_problem

    try:
        return template.render(context)
    except jinja2.TemplateNotFound as exc:
        raise SiteTemplateError(Problem(workspace.display(workspace.templates_dir), 0, 0,
                                        f"template '{exc.name}' not found")) from None
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        if not _in_template(exc):
            raise
        raise SiteTemplateError(_runtime_problem(env, exc, workspace)) from None
