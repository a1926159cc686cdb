"""Straight quotes made typographic in the edition's language: “…” in English, «…» in French
(with the narrow no-break spaces French typography puts inside), „…“ in German.

Content is typed with the keyboard's straight quotes ``"`` and ``'``, in the source and in
translations alike; each edition prints the quotation marks of its own language. The marks are
CLDR's (``delimiters``: quotation start and end, then the alternate pair for quotes inside
quotes), which Babel does not carry; where CLDR differs from the house style the issue asked
for it is said in a comment. A language not in the table keeps its straight quotes, rather
than another language's marks.

Only text is changed: code spans and blocks, addresses printed as links (``a.url``), tags and
their attributes (link targets) are left as they are. A double quote right after a figure
with no quotation open (``12"``) is a figure's mark (inches, seconds) and stays; an apostrophe
inside a word becomes ’ (U+2019) in every language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import unescape

from markdown_it.common.utils import escapeHtml

_NNBSP = "\u202f"
# (opening, closing, alternate opening, alternate closing), by language, script or region
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "fr": ("«" + _NNBSP, _NNBSP + "»", "“", "”"),
    "de": ("„", "“", "‚", "‘"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "az": ("«", "»", "„", "“"),  # CLDR has “ ”; Azerbaijani publishing (and the issue) uses « »
    "hy": ("«", "»", "«", "»"),
    "ar": ("«", "»", "“", "”"),  # CLDR has ” “; UN Arabic documents use « »
    "fa": ("«", "»", "“", "”"),
    "ur": ("”", "“", "’", "‘"),
    "es": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "pt": ("“", "”", "‘", "’"),
    "pt_PT": ("«", "»", "“", "”"),
    "tr": ("“", "”", "‘", "’"),
    "id": ("“", "”", "‘", "’"),
    "sw": ("“", "”", "‘", "’"),
    "zh": ("“", "”", "‘", "’"),  # as publishing in simplified Chinese uses them
    "zh_Hant": ("「", "」", "『", "』"),
    "zh_TW": ("「", "」", "『", "』"),
    "zh_HK": ("「", "」", "『", "』"),
}

_TAG = re.compile(r"<[^>]*>")
_OPAQUE = re.compile(r'<(code|pre)\b[^>]*>|<a\b[^>]*\bclass="url"[^>]*>')
_BLOCK = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|blockquote|pre|br|hr|table|tr|td|th|div)\b", re.I)
_OPENERS = "([{\u2014\u2013-/“‘«„‚「『"
_CLOSERS = ".,;:!?)]}%…’”»“‘」』"
APOSTROPHE = "\u2019"


def marks_for(lang: str) -> tuple[str, str, str, str] | None:
    """The quotation marks of a language code ("fr", "zh-Hant", "pt_PT"), or None."""
    parts = lang.replace("-", "_").split("_")
    for size in range(len(parts), 0, -1):
        found = QUOTES.get("_".join(parts[:size]))
        if found is not None:
            return found
        if size > 1 and (found := QUOTES.get(f"{parts[0]}_{parts[size - 1]}")) is not None:
            return found
    return None


def typographic(parts: Sequence, lang: str) -> tuple:
    """``parts`` (HTML strings and anything else, such as note marks, which count as the end of
    a word) with straight quotes in their text made the marks of ``lang``."""
    marks = marks_for(lang)
    if marks is None or not any(isinstance(p, str) and ('"' in p or "'" in p or "&quot;" in p)
                                for p in parts):
        return tuple(parts)
    tokens: list[list] = []  # [kind, value, part index]: text, tag, opaque, other
    for k, part in enumerate(parts):
        if isinstance(part, str):
            _tokenize(part, k, tokens)
        else:
            tokens.append(["other", part, k])
    _replace(tokens, marks)
    return tuple(_regroup(tokens, len(parts), parts))


def _regroup(tokens: list[list], count: int, parts: Sequence) -> list:
    """The tokens joined back into the parts they came from."""
    joined: list[list[str]] = [[] for _ in range(count)]
    for kind, value, k in tokens:
        if kind != "other":
            joined[k].append(value)
    return ["".join(joined[k]) if isinstance(parts[k], str) else parts[k] for k in range(count)]


def _tokenize(html: str, k: int, tokens: list[list]) -> None:
    """Split one HTML string into text, tags and opaque runs (code, a printed address)."""
    pos = 0
    while pos < len(html):
        tag = _TAG.search(html, pos)
        if tag is None:
            tokens.append(["text", html[pos:], k])
            break
        if tag.start() > pos:
            tokens.append(["text", html[pos:tag.start()], k])
        opaque = _OPAQUE.match(html, tag.start())
        if opaque:
            close = "</a>" if opaque.group(1) is None else f"</{opaque.group(1)}>"
            end = html.find(close, opaque.end())
            end = len(html) if end < 0 else end + len(close)
            tokens.append(["opaque", html[tag.start():end], k])
            pos = end
        else:
            tokens.append(["tag", tag.group(), k])
            pos = tag.end()


def _replace(tokens: list[list], marks: tuple[str, str, str, str]) -> None:
    """Decide each straight quote from the characters around it, across inline tags."""
    flat: list[tuple[int, int]] = []  # (token, offset) of each text character; -1: context only
    context: list[str] = []
    texts: dict[int, list[str]] = {}
    for t, (kind, value, _) in enumerate(tokens):
        if kind == "text":
            chars = list(unescape(value))
            texts[t] = chars
            for i, ch in enumerate(chars):
                flat.append((t, i))
                context.append(ch)
        elif kind == "tag" and _BLOCK.match(value):
            flat.append((-1, 0))
            context.append("\n")
        elif kind in ("opaque", "other"):
            flat.append((-1, 0))
            context.append("x" if kind == "opaque" else ".")
    opened = [0, 0]  # double, single
    for n, ch in enumerate(context):
        if ch == "\n":
            opened = [0, 0]
            continue
        if ch not in "\"'" or flat[n][0] < 0:
            continue
        prev = context[n - 1] if n else " "
        following = context[n + 1] if n + 1 < len(context) else " "
        chosen = _choose(ch, prev, following, opened, marks)
        if chosen is not None:
            t, i = flat[n]
            texts[t][i] = chosen
            # what the next quote sees: an opening or a closing mark, whatever its glyph
            # (Russian's inner closing mark “ is English's opening one)
            context[n] = "(" if chosen in (marks[0], marks[2]) else ")"
    for t, chars in texts.items():
        tokens[t][1] = escapeHtml("".join(chars))


def _choose(ch: str, prev: str, following: str, opened: list[int],
            marks: tuple[str, str, str, str]) -> str | None:
    """The mark for one straight quote, or None to leave it; ``opened`` counts open quotations."""
    double = ch == '"'
    kind = 0 if double else 1
    # after a space, an opening bracket or dash, or a mark such as "=" before a word
    before_space = prev.isspace() or prev in _OPENERS or (
        not prev.isalnum() and prev not in _CLOSERS and following.isalnum())
    if not double and prev.isalnum() and following.isalnum():
        return APOSTROPHE  # don't, l'homme
    if double and prev.isdigit() and not opened[0]:
        return None  # 12": a figure's mark
    if before_space and not following.isspace():
        opened[kind] += 1
        return marks[0] if double else marks[2]
    if not prev.isspace():
        if opened[kind]:
            opened[kind] -= 1
            return marks[1] if double else marks[3]
        return marks[1] if double else APOSTROPHE  # a quotation closed after a note, or students'
    return None
