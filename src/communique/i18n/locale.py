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
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

# Digits a translation must not use under the Western-digit policy, with what they are.
OTHER_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")

# The comma and semicolon of scripts that have their own. CLDR, as Babel exposes it, has no
# punctuation beyond list patterns (which give Persian's comma but not Arabic's, and never a
# semicolon), so the marks follow the script the language is written in.
# ، ؛ (Arabic, Persian, Urdu, Pashto…)
SEPARATORS: dict[str, dict[str, str | int | None]] = {"arabic": {",": "\u060c", ";": "\u061b"}}


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
# Chinese (simplified and traditional), Japanese and Korean share one: the Noto CJK fonts cover
# all four, each with its own forms of the shared characters.
SCRIPTS = ("latin", "cyrillic", "armenian", "arabic", "hebrew", "devanagari", "bengali", "thai",
           "cjk")
_SCRIPT_CODES = {"Latn": "latin", "Cyrl": "cyrillic", "Armn": "armenian", "Arab": "arabic",
                 "Hebr": "hebrew", "Deva": "devanagari", "Beng": "bengali", "Thai": "thai",
                 "Hans": "cjk", "Hant": "cjk", "Hani": "cjk", "Jpan": "cjk", "Kore": "cjk",
                 "Hang": "cjk"}


def script_code(lang: str) -> str:
    """The ISO 15924 code of the script a language is written in (``zh`` → ``Hans``,
    ``zh-TW`` → ``Hant``, ``ja`` → ``Jpan``), as the code says or CLDR finds likely; "" if
    neither knows."""
    from babel.core import get_global

    code = lang.replace("-", "_")
    likely = get_global("likely_subtags")
    full = likely.get(code) or likely.get(code.split("_")[0].lower()) or ""
    for part in [*code.split("_")[1:], *full.split("_")[1:]]:
        if len(part) == 4 and part.isalpha():
            return part.title()
    return ""


def script_of(lang: str) -> str:
    """The script a language is written in (``ru`` → cyrillic), one of ``SCRIPTS``."""
    return _SCRIPT_CODES.get(script_code(lang), "latin")


# Character sets a missing glyph is reported by (the first words of the Unicode names of their
# characters), with the [fonts] setting that covers them and the Debian package whose fonts do.
CHARACTER_SETS: tuple[tuple[str, tuple[str, ...], str | None, str], ...] = (
    ("Chinese, Japanese and Korean", ("CJK ", "IDEOGRAPHIC ", "HIRAGANA ", "KATAKANA ",
                                      "HANGUL ", "BOPOMOFO ", "KANGXI ", "FULLWIDTH ",
                                      "HALFWIDTH "), "cjk", "fonts-noto-cjk"),
    ("Devanagari", ("DEVANAGARI ",), "devanagari", "fonts-noto-core"),
    ("Bengali", ("BENGALI ",), "bengali", "fonts-noto-core"),
    ("Thai", ("THAI ",), "thai", "fonts-noto-core"),
    ("Hebrew", ("HEBREW ",), "hebrew", "fonts-noto-core"),
    ("Arabic", ("ARABIC ",), "arabic", "fonts-noto-core"),
    ("Armenian", ("ARMENIAN ",), "armenian", "fonts-noto-core"),
    ("Cyrillic", ("CYRILLIC ",), "cyrillic", "fonts-noto-core"),
)
# Scripts whose Noto fonts Debian ships in fonts-noto-core too (no [fonts] key of their own:
# they are found through the fallback).
_NOTO_CORE = ("ETHIOPIC", "GEORGIAN", "GUJARATI", "GURMUKHI", "KANNADA", "KHMER", "LAO",
              "MALAYALAM", "MYANMAR", "ORIYA", "SINHALA", "SYRIAC", "TAMIL", "TELUGU", "THAANA")


@dataclass(frozen=True)
class CharacterSet:
    """The set a character belongs to, for a message about a font that lacks it."""

    label: str  # "Chinese, Japanese and Korean", "Georgian", "unassigned"
    setting: str | None  # its key in [fonts], if it has one
    package: str | None  # the Debian package with a font for it, if known


def character_set(char: str) -> CharacterSet:
    """Which character set ``char`` belongs to: 年 → Chinese, Japanese and Korean (the cjk
    font stack, Debian's fonts-noto-cjk)."""
    name = unicodedata.name(char, "")
    if not name:
        return CharacterSet("unassigned", None, None)
    for label, prefixes, setting, package in CHARACTER_SETS:
        if name.startswith(prefixes):
            return CharacterSet(label, setting, package)
    first = name.split()[0]
    if first in _NOTO_CORE:
        return CharacterSet(first.title(), None, "fonts-noto-core")
    if unicodedata.category(char) == "So":
        return CharacterSet("symbols and emoji", None, "fonts-noto-color-emoji")
    return CharacterSet(first.title(), None, None)


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


def justified(lang: str) -> bool:
    """Whether an edition's paragraphs are justified: where Pyphen can hyphenate the language,
    and in Arabic script (Arabic, Persian, Urdu), whose statements are justified without
    hyphens (a word is never broken there). Elsewhere (Armenian, Azerbaijani) justified text
    without hyphens gapes, so it is set ragged."""
    return can_hyphenate(lang) or script_of(lang) == "arabic"


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


def isolate(text: str, lang: str = "") -> Markup:
    """Text from elsewhere (a source's title, a publisher, a name) kept whole in any edition;
    ``lang``, the language it is in when not the edition's, is marked too.

    In an Arabic note, a Latin title followed by digits ("… (A/HRC/32/L.20) «10. …») would
    otherwise pull the digits to its side. ``<bdi>`` isolates it in browsers; WeasyPrint, which
    has no ``dir="auto"`` and no ``unicode-bidi: isolate``, lays out an element with an explicit
    ``dir`` as a unit of its own, so the direction is written out from the first strong letter.
    """
    direction = text_direction(text)
    if lang:
        if direction is None:
            return Markup('<span lang="{}">{}</span>').format(lang, text)
        return Markup('<bdi dir="{}" lang="{}">{}</bdi>').format(direction, lang, text)
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
