"""PO file syntax, checked before parsing: both polib and Babel quietly accept some broken files
(an unterminated string is read up to the end of its line), which would then lose text."""

from __future__ import annotations

import re

from communique.errors import Problem

_STRING = r'"(?:[^"\\]|\\.)*"'
_ENTRY_WORD = r'(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)'
_LINE = re.compile(rf'(?:#.*|{_ENTRY_WORD}[ \t]+{_STRING}|{_STRING})?[ \t]*')
_KEYWORD = re.compile(r"(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\b")


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
