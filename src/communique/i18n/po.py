"""PO file syntax, checked before parsing: both polib and Babel quietly accept some broken files
(an unterminated string is read up to the end of its line), which would then lose text.

The same pass holds PO files (content translations and template-string catalogs alike) to the
rules every text communique reads follows: no character ``communique.characters``
refuses, however it is written (``\\v`` and ``\\f`` are escapes polib decodes into control
characters), and at most ``MAX_PLURALS`` plural forms (``nplurals=10000000`` made Babel build
lists of ten million forms: 41 s and 2.2 GB).
"""

from __future__ import annotations

import re

from communique.characters import refused
from communique.errors import Problem

MAX_PLURALS = 6  # CLDR's categories: zero, one, two, few, many, other; gettext never needs more

_STRING = r'"(?:[^"\\]|\\.)*"'
_ENTRY_WORD = r'(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)'
_LINE = re.compile(rf'(?:#.*|{_ENTRY_WORD}[ \t]+{_STRING}|{_STRING})?[ \t]*')
_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")
_QUOTED = re.compile(_STRING)
_ESCAPE = re.compile(r'\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|(.))', re.S)
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "a": "\a"}
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def syntax_problems(text: str, display: str, limit: int = 20) -> list[Problem]:
    """Lines a PO parser would misread or silently accept (polib takes an unterminated string).

    Every line is blank, a comment, a keyword with a quoted string, or a quoted string.
    """
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        if "\0" in line:  # parsers keep it; HTML turns it into U+FFFD and a .mo splits at it
            problems.append(Problem(display, number, line.index("\0") + 1, "invalid PO file: "
                                    "a NUL character (U+0000), which no text may hold"))
            if len(problems) >= limit:
                break
            continue
        body = line.lstrip()
        if _LINE.fullmatch(body):
            if not body.startswith("#"):
                problems += _string_problems(line, number, display)
            if len(problems) >= limit:
                break
            continue
        indent = len(line) - len(body)
        keyword = _KEYWORD.match(body)
        rest = body[keyword.end():].lstrip() if keyword else body
        column = indent + len(body) - len(rest) + 1
        if rest.startswith('"'):
            message = "a string without its closing quote"
        elif keyword:
            message = f"'{keyword.group(1)}' must be followed by a quoted string"
        else:
            message = f"unexpected text '{body[:20]}' (not a comment, keyword or quoted string)"
        problems.append(Problem(display, number, column, f"invalid PO file: {message}"))
        if len(problems) >= limit:
            break
    return problems


def _string_problems(line: str, number: int, display: str) -> list[Problem]:
    """The quoted strings of a line, decoded as a PO reader would (escapes included): a
    character ``characters.refused`` names, and a Plural-Forms header with too many forms."""
    problems = []
    for m in _QUOTED.finditer(line):
        raw = m.group()[1:-1]
        decoded, starts = [], []  # each decoded character and the column it was written at
        for piece in _pieces(raw):
            decoded.append(piece[0])
            starts.append(m.start() + 2 + piece[1])
        text = "".join(decoded)
        bad = refused(text)
        if bad:
            problems.append(Problem(display, number, starts[bad[0]], f"invalid PO file: {bad[1]}"))
        plural = _NPLURALS.search(text) if "Plural-Forms" in text else None
        if plural and not 1 <= int(plural.group(1)) <= MAX_PLURALS:
            problems.append(Problem(display, number, m.start() + 2 + raw.find("nplurals"),
                                    f"invalid PO file: nplurals={plural.group(1)}; a language has "
                                    f"between 1 and {MAX_PLURALS} plural forms"))
    return problems


def _pieces(raw: str):
    """(character, offset in ``raw``) for each character a quoted PO string stands for."""
    pos = 0
    for m in _ESCAPE.finditer(raw):
        for k in range(pos, m.start()):
            yield raw[k], k
        octal, hexa, other = m.groups()
        if octal:
            yield chr(int(octal, 8)), m.start()
        elif hexa:
            yield chr(int(hexa, 16)), m.start()
        else:
            yield _ESCAPED.get(other, other), m.start()
        pos = m.end()
    for k in range(pos, len(raw)):
        yield raw[k], k
