"""The site's Atom feeds (one per language, with feedgen) and ``sitemap.xml``.

Both need absolute addresses, so both are made only with ``[site] base_url``. They list what
search engines and feed readers may have: an edition that is a draft, under embargo or a
translation still printing some text in the source language is on the indexes (marked) but
not here, as its page says ``noindex``. Every date is the statement's own, never the time of
the build, so the same content gives the same files.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from communique.site import FEED, SITEMAP, Entry

if TYPE_CHECKING:
    from communique.workspace import Workspace

__all__ = ["FEED", "SITEMAP", "atom", "sitemap"]

FEED_ENTRIES = 100  # the newest statements a feed carries


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def atom(workspace: Workspace, lang: str, mine: list[Entry]) -> bytes:
    """The Atom feed of one language: its newest statements, newest first."""
    from feedgen.feed import FeedGenerator

    from communique.site.pages import absolute, site_title

    organisation = workspace.settings.organisation.name_in(lang)
    index = absolute(workspace, f"{lang}/index.html")
    shown = [e for e in mine if e.indexable][:FEED_ENTRIES]
    feed = FeedGenerator()
    feed.id(index)
    feed.title(site_title(workspace, lang))
    feed.language(lang)
    feed.link(href=index, rel="alternate", type="text/html", hreflang=lang)
    feed.link(href=absolute(workspace, f"{lang}/{FEED}"), rel="self",
              type="application/atom+xml")
    if organisation:
        feed.author({"name": organisation})
    feed.generator("communique")
    feed.updated(_moment(shown[0].date) if shown else _moment(dt.date(1970, 1, 1)))
    links: list[list[dict[str, str]]] = []
    for entry in shown:
        page = absolute(workspace, entry.folder + "index.html") or ""
        item = feed.add_entry(order="append")
        item.id(page)
        item.title(entry.listing["title"])
        given = [{"href": page, "rel": "alternate", "type": "text/html", "hreflang": lang}]
        if "print" in entry.outputs and entry.pdf_bytes is not None:
            given.append({"href": absolute(workspace, entry.outputs["print"]) or "",
                          "rel": "enclosure", "type": "application/pdf",
                          "length": str(entry.pdf_bytes)})
        item.link(given)
        links.append(given)
        item.published(_moment(entry.date))
        item.updated(_moment(entry.date))
        if entry.listing["summary"]:
            item.summary(entry.listing["summary"])
        if organisation:
            item.author({"name": organisation})
        for keyword in entry.listing.get("keywords", []):
            item.category(term=keyword)
    return _entry_links(feed.atom_str(pretty=True), links)


ATOM = "{http://www.w3.org/2005/Atom}"


def _entry_links(text: bytes, links: list[list[dict[str, str]]]) -> bytes:
    """The feed with each entry's links as given. feedgen 1.0 writes an entry's links with
    their ``href`` only (its ``atom_entry`` reads ``rel`` and ``type`` from the element it
    has just made instead of from the link), so a PDF would read as a second alternate."""
    from lxml import etree

    tree = etree.fromstring(text)
    for element, mine in zip(tree.iter(f"{ATOM}entry"), links, strict=True):
        made = element.findall(f"{ATOM}link")
        for link, attributes in zip(made, mine, strict=True):
            for name, value in attributes.items():
                link.set(name, value)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def sitemap(workspace: Workspace, listed: list[Entry], langs: list[str]) -> bytes:
    """``sitemap.xml``: the landing page, every language's index and every indexable edition,
    each with its ``hreflang`` alternates (all the language versions, itself included, and
    ``x-default`` for the statement's own language or the landing page)."""
    from communique.site.pages import absolute

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']

    def url(loc: str, alternates: list[tuple[str, str]], lastmod: dt.date | None = None) -> None:
        lines.append(f"<url><loc>{escape(loc)}</loc>")
        if lastmod is not None:
            lines.append(f"<lastmod>{lastmod.isoformat()}</lastmod>")
        if len(alternates) > 1:
            for code, where in alternates:
                lines.append(f'<xhtml:link rel="alternate" hreflang={quoteattr(code)} '
                             f"href={quoteattr(where)}/>")
        lines.append("</url>")

    home = absolute(workspace, "index.html") or ""
    indexes = [(code, absolute(workspace, f"{code}/index.html") or "") for code in langs]
    url(home, [*indexes, ("x-default", home)] if indexes else [])
    newest = {code: max((e.date for e in listed if e.lang == code and e.indexable), default=None)
              for code in langs}
    for code, where in indexes:
        url(where, [*indexes, ("x-default", home)], newest[code])
    shown = [e for e in listed if e.indexable]
    by_statement: dict[str, list[Entry]] = {}
    for entry in shown:
        by_statement.setdefault(entry.slug, []).append(entry)
    for entry in sorted(shown, key=lambda e: (e.slug, e.langs.index(e.lang))):
        versions = sorted(by_statement[entry.slug], key=lambda e: e.langs.index(e.lang))
        alternates = [(e.lang, absolute(workspace, e.folder + "index.html") or "")
                      for e in versions]
        source = [where for code, where in alternates if code == entry.source]
        if source:
            alternates.append(("x-default", source[0]))
        url(absolute(workspace, entry.folder + "index.html") or "", alternates, entry.date)
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")
