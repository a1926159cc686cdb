"""Sources and the note styles that write them out."""

from __future__ import annotations

from markupsafe import Markup, escape

from communique.content.markup import Cite, InlineCites, NoteMark, _markdown
from communique.content.model import Source


def _inline(text: str) -> Markup:
    """Prefixes and suffixes may hold inline Markdown (emphasis) but never HTML."""
    return Markup(_markdown().renderInline(text).strip()) if text else Markup("")


def link(url: str) -> Markup:
    # <wbr> after slashes lets a long URL wrap cleanly in a narrow note
    shown = escape(url).replace("/", Markup("/<wbr>")).replace("/<wbr>/<wbr>", "//")
    return Markup('<a class="url" href="{}">{}</a>').format(url, Markup(shown))


def url_style(cite: Cite, source: Source) -> Markup:
    """The house style of a short statement: prefix, the URL (or title), locator, quote."""
    out = Markup("")
    if cite.prefix:
        out += _inline(cite.prefix) + " "
    out += link(source.url) if source.url else escape(source.title)
    if cite.locator:
        out += ", " + escape(cite.locator)
    if cite.quote:
        out += " " + _inline(cite.quote)
    elif cite.suffix:
        out += ", " + _inline(cite.suffix)
    return out


STYLES = {"url": url_style}


def cites_html(cites: tuple[Cite, ...], sources: dict[str, Source], style: str = "url") -> Markup:
    render = STYLES[style]
    return Markup("; ").join(render(c, sources[c.key]) for c in cites if c.key in sources)


def note_html(mark: NoteMark, sources: dict[str, Source], style: str = "url") -> Markup:
    """The text of one note: its citations, or its free text with any citations written out."""
    if mark.cites:
        return cites_html(mark.cites, sources, style)
    out = Markup("")
    for part in mark.text:
        out += cites_html(part.cites, sources, style) if isinstance(part, InlineCites) else Markup(part)
    return out
