"""The web edition: ``build/<slug>/<lang>/index.html``, and what the site lists of it."""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Any

from communique.outputs.base import EditionContext, Made, Steps

SUMMARY_CHARS = 300  # an index shows the opening up to about this long
_DESCRIPTION = re.compile(r'<meta name="description" content="([^"]*)"')


class WebOutput:
    """The statement as a web page, linking to its other languages."""

    name = "web"
    label = "web page"  # in the build report

    def path(self, ctx: EditionContext) -> Path:
        return ctx.folder / "index.html"

    def make(self, ctx: EditionContext, made: dict[str, Made]) -> Steps:
        from communique.render.html import render

        yield from ()  # (nothing to print)
        web = render(ctx.doc, ctx.workspace, "web", fallback=ctx.fallback, strings=ctx.strings,
                     languages=ctx.languages)
        ctx.problems.extend(web.problems)
        data = web.html.encode("utf-8")
        return Made({self.path(ctx): data}, notes=web.notes, listing=listing(ctx, web.html, data))


def listing(ctx: EditionContext, page: str, data: bytes) -> dict[str, Any]:
    """What the site's indexes, feeds and sitemap need of the edition, kept in the build record
    so that they are made again without reading any statement: plain text only.

    The summary is the page's own ``<meta name="description">`` (each document type's template
    says what summarises it: the opening, the situation, the executive summary), shortened.
    ``page`` is the digest of the web page, which the search index is made from.
    """
    from communique.document import plain

    statement, view = ctx.doc.statement, ctx.doc.view
    found = _DESCRIPTION.search(page)
    summary = " ".join(html.unescape(found[1]).split()) if found else ""
    return {"type": statement.type, "date": statement.date.isoformat(),
            "reference": statement.reference or None, "title": plain(view.get("title")),
            "summary": shorten(summary, SUMMARY_CHARS),
            "keywords": [k for k in (plain(k) for k in view.get("keywords") or []) if k],
            "draft": bool(statement.draft), "fallback": bool(ctx.fallback),
            "embargo": statement.embargo.isoformat() if statement.embargo else None,
            "page": hashlib.sha256(data).hexdigest()}


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary before ``limit`` characters, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.،؛")
    return f"{cut}…"
