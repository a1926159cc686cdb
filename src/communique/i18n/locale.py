"""What a language implies for an edition: its direction, digits, hyphenation and date ranges.

Digit policy: every edition prints Western digits (0-9). Babel formats dates and numbers with
them for every language the project publishes in (CLDR's default numbering system for ``ar``
and ``fa`` is ``latn``; Babel does not honour ``arab``/``arabext`` anyway, Babel #731), note
calls and page numbers are CSS counters printed the same way, and figures, document symbols
(``A/HRC/32/L.20``) and note numbers then read the same in every edition of a statement.
Translations are checked for Arabic-Indic and Persian digits so no edition mixes both systems.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

# Digits a translation must not use under the Western-digit policy, with what they are.
OTHER_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")

# The comma and semicolon of scripts that have their own. CLDR, as Babel exposes it, has no
# punctuation beyond list patterns (which give Persian's comma but not Arabic's, and never a
# semicolon), so the marks follow the script the language is written in.
SEPARATORS: dict[str, dict[str, str | int | None]] = {"arabic": {",": "\u060c", ";": "\u061b"}}  # ، ؛ (Arabic, Persian, Urdu, Pashto…)


class UnknownLanguage(ValueError):
    """A language code Babel does not know (a typo, or a language CLDR lacks)."""


@lru_cache(maxsize=64)
def locale(lang: str) -> Locale:
    """Babel's locale for a code written ``pt-BR`` or ``pt_BR``."""
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UnknownLanguage(f"unknown language code '{lang}'") from None


# The scripts communique has a font stack for ([fonts] in communique.toml), by ISO 15924 code.
SCRIPTS = ("latin", "cyrillic", "armenian", "arabic")
_SCRIPT_CODES = {"Latn": "latin", "Cyrl": "cyrillic", "Armn": "armenian", "Arab": "arabic"}

def script_of(lang: str) -> str:
    """The script a language is written in (``ru`` → cyrillic), one of ``SCRIPTS``."""
    from babel.core import get_global

    code = lang.replace("-", "_")
    likely = get_global("likely_subtags")
    full = likely.get(code) or likely.get(code.split("_")[0].lower()) or ""
    for part in [*code.split("_"), *full.split("_")]:
        if part in _SCRIPT_CODES:
            return _SCRIPT_CODES[part]
    return "latin"


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


def punctuate(text: str, lang: str) -> str:
    """``text`` (a separator such as ", " or "; ") with the commas and semicolons of the
    language's script: "، " and "؛ " in Arabic or Persian, unchanged in Latin or Cyrillic."""
    marks = SEPARATORS.get(script_of(lang))
    return text.translate(str.maketrans(marks)) if marks else text


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


def text_direction(text: str) -> str | None:
    """The direction of a text's first strong character (the rule of HTML's ``dir="auto"``),
    or None when it has none (digits, punctuation)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def isolate(text: str) -> Markup:
    """Text from elsewhere (a source's title, a publisher, a name) kept whole in any edition.

    In an Arabic note, a Latin title followed by digits ("… (A/HRC/32/L.20) «10. …») would
    otherwise pull the digits to its side. ``<bdi>`` isolates it in browsers; WeasyPrint, which
    has no ``dir="auto"`` and no ``unicode-bidi: isolate``, lays out an element with an explicit
    ``dir`` as a unit of its own, so the direction is written out from the first strong letter.
    """
    direction = text_direction(text)
    if direction is None:
        return Markup.escape(text)
    return Markup('<bdi dir="{}">{}</bdi>').format(direction, text)


def isolate_words(value: str | Markup, edition: str | None = None) -> Markup:
    """Template words with what they carry (a figure, an index number, a date, a name) kept in
    the order of the language they are in, in an edition of either direction.

    "3 civilians killed, 27 wounded" printed in English in a Persian edition (a string its
    catalog lacks) would otherwise read "civilians killed, 27 wounded 3": the paragraph's
    right-to-left order moves the leading figure to the other end, and "Index: CSR 12/0417"
    becomes "CSR 12/0417 :Index". The words are wrapped in a ``<bdi>`` whose ``dir`` is that of
    their first strong letter; values already isolated inside them (a Latin name, a date, an
    index number, each in its own element with a ``dir``) do not count, so "%(organisation)s
    از %(addressees)s می‌خواهد:" stays right to left when the organisation's name is Latin.
    Words without a letter (a figure alone) are left as they are. In a right-to-left edition
    (``edition``: its direction) everything with a letter is isolated, values inside words
    too: a Persian date inside English words (a string the catalog lacks) must keep its order
    whichever words surround it. In a left-to-right edition only right-to-left text is, as
    words there are in the edition's language or in English, both left to right.
    ``value``: markup, or text (escaped).
    """
    markup = value if isinstance(value, Markup) else Markup.escape(value)
    direction = text_direction(_own_words(str(markup)))
    if direction is None or (edition == "ltr" and direction == "ltr"):
        return markup
    return Markup('<bdi dir="{}">').format(direction) + markup + Markup("</bdi>")


_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"))


def _own_words(html: str) -> str:
    """The text of ``html`` outside elements that set their own direction (``<bdi>``, or any
    element with ``dir``): the words that decide the direction of the whole."""
    from html.parser import HTMLParser

    class Words(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.open: list[tuple[str, bool]] = []
            self.text: list[str] = []

        def handle_starttag(self, tag, attrs) -> None:
            if tag not in _VOID:
                self.open.append((tag, tag == "bdi" or any(name == "dir" for name, _ in attrs)))

        def handle_endtag(self, tag) -> None:
            for index in range(len(self.open) - 1, -1, -1):
                if self.open[index][0] == tag:
                    del self.open[index:]
                    break

        def handle_data(self, data) -> None:
            if not any(isolated for _, isolated in self.open):
                self.text.append(data)

    parser = Words()
    parser.feed(html)
    parser.close()
    return "".join(parser.text)


def foreign_digits(text: str) -> list[int]:
    """Offsets of digits the Western-digit policy does not allow (Arabic-Indic, Persian)."""
    return [m.start() for m in OTHER_DIGITS.finditer(text)]
