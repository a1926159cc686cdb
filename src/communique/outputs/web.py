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
        page = Made({self.path(ctx): data}, notes=web.notes, listing=listing(ctx, web.html, data))
        page.finish = lambda made: self._link_pdf(ctx, page, made.get("print"))
        return page

    def _link_pdf(self, ctx: EditionContext, page: Made, printed: Made | None) -> None:
        """Put the link to the edition's PDF, with its pages and size, where the template asked
        for it; no link when no PDF is written (only the web page made, or the PDF refused)."""
        from communique.render.html import PDF_LINK, TemplateError, pdf_link

        path = self.path(ctx)
        text = page.files[path].decode("utf-8")
        if PDF_LINK not in text:
            return
        pdfs = [(p, data) for p, data in (printed.files.items() if printed else ()) if p.suffix == ".pdf"]
        shown = ""
        if printed is not None and not printed.refused and printed.pages and pdfs:
            try:
                shown = pdf_link(ctx.workspace, ctx.lang, ctx.strings, pdfs[0][0].name,
                                 printed.pages, len(pdfs[0][1]))
            except TemplateError as exc:  # a workspace's own partials/pdf-link.html.j2
                ctx.problems.append(exc.problem)
        text = text.replace(PDF_LINK, shown)
        data = text.encode("utf-8")
        page.files[path] = data
        if page.listing is not None:
            page.listing["page"] = hashlib.sha256(data).hexdigest()


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
