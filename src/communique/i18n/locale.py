"""What a language implies for an edition: its direction, digits, hyphenation and date ranges.

Digit policy: every edition prints Western digits (0-9). Babel formats dates and numbers with
them for every language the project publishes in (CLDR's default numbering system for ``ar``
and ``fa`` is ``latn``; Babel does not honour ``arab``/``arabext`` anyway, Babel #731), note
calls and page numbers are CSS counters printed the same way, and figures, document symbols
(``A/HRC/32/L.20``) and note numbers then read the same in every edition of a statement.
Translations are checked for Arabic-Indic and Persian digits so no edition mixes both systems.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

# Digits a translation must not use under the Western-digit policy, with what they are.
OTHER_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")


class UnknownLanguage(ValueError):
    """A language code Babel does not know (a typo, or a language CLDR lacks)."""


@lru_cache(maxsize=64)
def locale(lang: str) -> Locale:
    """Babel's locale for a code written ``pt-BR`` or ``pt_BR``."""
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UnknownLanguage(f"unknown language code '{lang}'") from None


def known(lang: str) -> bool:
    try:
        locale(lang)
    except UnknownLanguage:
        return False
    return True


def html_lang(lang: str) -> str:
    """The BCP 47 form HTML's ``lang`` wants: ``pt-BR``."""
    return lang.replace("_", "-")


def direction(lang: str) -> str:
    """``"rtl"`` or ``"ltr"``, as CLDR says (Arabic, Persian, Hebrew, Urdu… are right to left)."""
    return "rtl" if locale(lang).text_direction == "rtl" else "ltr"


def name(lang: str, in_lang: str = "en") -> str:
    """The language's name, e.g. ``Russian`` (or ``русский`` with ``in_lang="ru"``)."""
    try:
        return locale(lang).get_display_name(locale(in_lang)) or lang
    except UnknownLanguage:
        return lang


@lru_cache(maxsize=64)
def can_hyphenate(lang: str) -> bool:
    """Whether Pyphen has a dictionary for the language (en, ru yes; hy, az, ar, fa no).

    WeasyPrint hyphenates with Pyphen; where it has none, justified text opens wide word gaps,
    so editions in such languages are set ragged.
    """
    import pyphen

    return pyphen.language_fallback(lang.replace("-", "_")) is not None


def edition_class(lang: str) -> str:
    """A class for the root element: ``hyphenate`` where justification with hyphens is safe."""
    return "hyphenate" if can_hyphenate(lang) else "no-hyphenate"


def date_range(start: dt.date, end: dt.date | None, lang: str, fmt: str = "long") -> str:
    """``27 September 2020`` or ``27 September 2020 – 29 September 2020`` in the language.

    Both ends are written in full: CLDR's interval formats abbreviate months in several of the
    languages published here (``27–29 сент.``), while the rest of an edition spells them out.
    """
    first = format_date(start, fmt, locale=locale(lang))
    if end is None or end == start:
        return first
    return f"{first} – {format_date(end, fmt, locale=locale(lang))}"


def foreign_digits(text: str) -> list[int]:
    """Offsets of digits the Western-digit policy does not allow (Arabic-Indic, Persian)."""
    return [m.start() for m in OTHER_DIGITS.finditer(text)]
