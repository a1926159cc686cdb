"""Note styles: how one citation of a source is written in a note, and in a list of sources.

A style writes a citation in one of three forms, chosen by the re-citation rule
(``communique.notes``): ``full`` (the first time, or always with ``repeat``), ``short`` (a later
citation) or ``ibid`` (the same source as the note just before). Words a style adds ("accessed",
"Ibid.", "See note") go through the edition's gettext, so they are extracted by Babel
(``pybabel extract`` on ``src/communique``) and translated in the same catalogs as the templates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from babel import Locale
from markupsafe import Markup, escape

from communique.citations.entries import Entry
from communique.content.markup import Cite, breakable_url

FORMS = ("full", "short", "ibid")


def _gettext(message: str, **variables) -> Markup:
    return Markup(message) % variables if variables else Markup(message)


def _pgettext(context: str, message: str, **variables) -> Markup:
    return _gettext(message, **variables)


@dataclass(frozen=True)
class Words:
    """The edition's language for what styles write themselves.

    ``gettext(message, **variables)`` and ``pgettext(context, message, **variables)`` follow
    Jinja2's "newstyle" gettext: they translate, then substitute escaped variables. The renderer
    passes the functions installed in the template environment, so notes and templates always
    use the same catalog.
    """

    locale: Locale = field(default_factory=lambda: Locale("en"))
    gettext: Callable[..., str] = _gettext
    pgettext: Callable[..., str] = _pgettext

    def punctuate(self, separator: str) -> str:
        """A separator in the language's script: ", " is "، " in Arabic and Persian notes."""
        from communique.i18n.locale import punctuate

        return punctuate(separator, str(self.locale))

    @property
    def comma(self) -> str:
        """Between the parts of a reference, before a locator or a suffix."""
        return self.punctuate(", ")

    @property
    def semicolon(self) -> str:
        """Between the citations of one note."""
        return self.punctuate("; ")


@dataclass(frozen=True)
class Position:
    """Which form a citation takes and what it may refer back to."""

    form: str = "full"  # "full", "short" or "ibid"
    first_note: int | None = None  # the note that cited the source in full
    same_place: bool = False  # ibid: the same locator as the note before, so none is repeated


class NoteStyle(Protocol):
    name: str
    warnings: list[str]

    def cite(self, cite: Cite, entry: Entry, position: Position, words: Words) -> Markup: ...

    def join(self, parts: list[Markup], words: Words) -> Markup: ...

    def bibliography(self, entries: list[Entry], words: Words) -> list[tuple[str, Markup]]:
        """(source id, text) for each entry, in the style's order."""
        ...


@lru_cache(maxsize=1)
def _md():
    from communique.content.markup import _markdown

    return _markdown()


def inline(text: str) -> Markup:
    """Prefixes and suffixes may hold inline Markdown (emphasis) but never HTML."""
    return Markup(_md().renderInline(text).strip()) if text else Markup("")


def link(url: str) -> Markup:
    """A URL as a link, breakable where ``breakable_url`` says, as bare URLs in the text are."""
    return Markup('<a class="url" href="{}">{}</a>').format(url, Markup(breakable_url(url)))


def ibid(cite: Cite, position: Position, words: Words) -> Markup:
    """"Ibid., p. 4": the same source as the note just before, written the same in every style
    ("Ibid." alone when the place cited is the same too)."""
    if cite.prefix:
        # Translators: "ibid." after a prefix the author wrote, as in "See ibid."
        out = inline(cite.prefix) + " " + isolate_words(words.pgettext("after a prefix", "ibid."), words)
    else:
        out = isolate_words(Markup(words.gettext("Ibid.")), words)
    return _tail(out, cite, words, locator=not position.same_place)


def _tail(out: Markup, cite: Cite, words: Words, locator: bool = True) -> Markup:
    """Locator, then the quotation (after a space) or another suffix (after a comma)."""
    if cite.locator and locator:
        out += words.comma + escape(cite.locator)
    if cite.quote:  # a quotation keeps its own order ("“10. Condemns…”" in a Persian note)
        out += " " + isolate_words(inline(cite.quote), words)
    elif cite.suffix:
        out += words.comma + inline(cite.suffix)
    return out


def _head(cite: Cite) -> Markup:
    return inline(cite.prefix) + " " if cite.prefix else Markup("")


class UrlStyle:
    """The house style of a short statement: prefix, the URL (or title), locator, quotation.

    Its short form refers back: "See note 3, p. 4".
    """

    name = "url"

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def cite(self, cite: Cite, entry: Entry, position: Position, words: Words) -> Markup:
        if position.form == "ibid":
            return ibid(cite, position, words)
        if position.form == "short" and position.first_note:
            if cite.prefix:
                # Translators: a reference back to an earlier note, after a prefix ("See as well: note 3")
                out = _head(cite) + isolate_words(words.pgettext(
                    "after a prefix", "note %(number)s", number=position.first_note), words)
            else:
                # Translators: a reference back to the note where a source was first cited in full
                out = isolate_words(Markup(words.gettext("See note %(number)s",
                                                         number=position.first_note)), words)
            return _tail(out, cite, words)
        return _tail(_head(cite) + (link(entry.url) if entry.url else isolate(
            entry.title or "", _other_language(entry, words))), cite, words)

    def join(self, parts: list[Markup], words: Words) -> Markup:
        return Markup(words.semicolon).join(parts)

    def bibliography(self, entries: list[Entry], words: Words) -> list[tuple[str, Markup]]:
        return FullStyle().bibliography(entries, words)


class FullStyle:
    """A full note: "Publisher or author, ‘Title’, date, URL (accessed …)".

    Dates are written by Babel in the edition's language; the quotation marks around titles are
    a translatable pattern (Babel has no quotation data), « » in Russian for instance. The short
    form is "Publisher or author, ‘Short title’", Chicago-style.
    """

    name = "full"

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def cite(self, cite: Cite, entry: Entry, position: Position, words: Words) -> Markup:
        if position.form == "ibid":
            return ibid(cite, position, words)
        if position.form == "short":
            return _tail(_head(cite) + self._short(entry, words), cite, words)
        return _tail(_head(cite) + self.reference(entry, words), cite, words)

    def join(self, parts: list[Markup], words: Words) -> Markup:
        return Markup(words.semicolon).join(parts)

    def reference(self, entry: Entry, words: Words) -> Markup:
        """The full reference, without locator or prefix (also a bibliography entry)."""
        parts: list[Markup] = []
        if entry.authors:
            parts.append(isolate(_names(entry.authors, words)))
        elif entry.publisher:
            parts.append(isolate(entry.publisher))
        if entry.title:
            parts.append(self._title(entry.title, words, _other_language(entry, words)))
        if entry.authors and entry.publisher and entry.publisher not in entry.authors:
            parts.append(isolate(entry.publisher))
        if entry.issued:
            parts.append(escape(entry.issued.format(words.locale)))
        if entry.url:
            parts.append(link(entry.url))
        out = Markup(words.comma).join(parts)
        if entry.accessed and entry.url:
            # Translators: when a web source was last read, after its URL: "(accessed 29 September 2020)"
            date = isolate_words(entry.accessed.format(words.locale), words)
            out += " (" + isolate_words(words.gettext("accessed %(date)s", date=date), words) + ")"
        return out

    def _short(self, entry: Entry, words: Words) -> Markup:
        title = entry.short_title or _shorten(entry.title or "")
        parts = [_short_names(entry, words) if entry.label else None,
                 self._title(title, words, _other_language(entry, words)) if title else None]
        if not title and entry.url:
            parts.append(link(entry.url))
        return Markup(words.comma).join(p for p in parts if p)

    @staticmethod
    def _title(title: str, words: Words, lang: str = "") -> Markup:
        # Translators: a source's title in a note, in your language's quotation marks («%(title)s»)
        return Markup(words.pgettext("title of a source", "‘%(title)s’", title=isolate(title, lang)))

    def bibliography(self, entries: list[Entry], words: Words) -> list[tuple[str, Markup]]:
        """Alphabetical by author or publisher, then title."""
        ordered = sorted(entries, key=lambda e: ((e.label or e.title or e.url or "").casefold(),
                                                 (e.title or "").casefold(), e.key))
        return [(e.key, self.reference(e, words)) for e in ordered]


def isolate(text: str, lang: str = "") -> Markup:
    """Bibliographic text keeps its own direction inside a note of any edition (a Latin title
    in an Arabic note): see ``communique.i18n.locale.isolate``. ``lang``: the language it is
    in, when not the edition's."""
    from communique.i18n.locale import isolate as bidi_isolate

    return bidi_isolate(text, lang)


def _other_language(entry: Entry, words: Words) -> str:
    """The language of the entry's title when it is not the edition's ("" when the same or not
    known): an English title in an Arabic note is read in English and set in a Latin font,
    its digits too."""
    if not entry.lang or entry.lang.replace("_", "-").split("-")[0].lower() == words.locale.language:
        return ""
    return entry.lang


def isolate_words(text: str | Markup, words: Words) -> Markup:
    """A style's own words with the number, date or name they carry ("See note 3", "accessed
    29 September 2020"), kept in their language's order inside a note of the edition's
    direction: see ``communique.i18n.locale.isolate_words``."""
    from communique.i18n.locale import direction
    from communique.i18n.locale import isolate_words as bidi_isolate_words

    return bidi_isolate_words(text, direction(str(words.locale)))


def _names(names: tuple[str, ...], words: Words) -> str:
    from babel.lists import format_list

    return format_list(list(names), locale=words.locale) if len(names) > 1 else names[0]


def _short_names(entry: Entry, words: Words) -> Markup:
    """Family names for a short note ("Beglaryan"); an organisation keeps its whole name."""
    if not entry.authors:
        return isolate(entry.publisher or "")
    csl_names = entry.csl.get("author") or []
    families = []
    for i, name in enumerate(entry.authors):
        csl_name = csl_names[i] if i < len(csl_names) and isinstance(csl_names[i], dict) else {}
        families.append(str(csl_name.get("family") or name))
    if len(families) > 3:
        # Translators: a short note's authors when there are more than three ("Smith et al.")
        name = isolate_words(families[0], words)
        return isolate_words(Markup(words.gettext("%(name)s et al.", name=name)), words)
    return isolate(_names(tuple(families), words))


def _shorten(title: str) -> str:
    """A short title: the part before a colon, or the first words of a long title."""
    head = title.split(": ", 1)[0].strip()
    words = head.split()
    return head if len(words) <= 6 else " ".join(words[:5]) + "…"


BUILTIN: dict[str, type[NoteStyle]] = {"url": UrlStyle, "full": FullStyle}
