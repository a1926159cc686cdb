"""Script-specific typesetting of a rendered edition, done on its HTML before print or web.

Each pass changes text only, never a tag, an attribute, a URL or code: the HTML is split into
tags and the text between them, and the text inside ``<a class="url">``, ``<code>``, ``<pre>``,
``<style>`` and ``<script>`` is left alone.

- A note call keeps to the word before it: the space a source may have before a call
  ("areas. [^3]") becomes a no-break space, so a line never begins with the call.
- Cyrillic editions tie one-letter prepositions and conjunctions (в, к, о, с, у, и, а, я…) to
  the next word with a no-break space, as Russian typesetting does: no line ends on "в". A
  compound name ("Нагорно-Карабахской") is kept on one line (``span.compound``, base.css), so
  that it is never split at its hyphen, and copies and searches whole; a no-break hyphen
  (U+2011) would do the same but is a different character to a search.
- Armenian: CSS ``text-transform: uppercase`` writes "և" as the classical "ԵՒ" (its Unicode
  capital form); today's spelling is "ԵՎ". Text that the stylesheet sets in capitals is put in
  capitals here, with "ԵՎ", so the stylesheet has nothing left to change.
"""

from __future__ import annotations

import re

from communique.i18n.locale import script_of

_TOKENS = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_START = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_END = re.compile(r"</([a-zA-Z][a-zA-Z0-9]*)\s*>")
_CLASS = re.compile(r"""\bclass\s*=\s*["']([^"']*)["']""")
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"))
_UNTOUCHED = frozenset(("code", "pre", "style", "script", "kbd", "samp", "textarea", "title"))
_INLINE = frozenset(("a", "em", "strong", "b", "i", "span", "bdi", "q", "cite", "abbr", "small",
                     "sub", "sup", "mark", "u", "s", "dfn", "time", "var"))

# One-letter words tied to the next in Cyrillic text: Russian в к о с у и я а, Ukrainian and
# Belarusian і й з ў.
_ONE_LETTER = "вкосуияаіїйзўВКОСУИЯАІЇЙЗЎ"
_TIE = re.compile(rf"(?<![\w\-\u00ad])([{_ONE_LETTER}])[ \t\r\n]+(?=[\w«„\"(\[])")
_TIE_AT_END = re.compile(rf"(?<![\w\-\u00ad])([{_ONE_LETTER}])[ \t\r\n]+\Z")
_TRAILING_SPACE = re.compile(r"[ \t\r\n]+\Z")
_CALL = re.compile(r"""<a\b[^>]*\bclass\s*=\s*["'][^"']*\bnote-call\b""")
_COMPOUND = re.compile(r"(?<![\w\-])[А-ЯЁЇІЄЎ]\w+(?:-[А-ЯЁЇІЄЎ]\w+)+(?![\w\-])")
_ENTITY = re.compile(r"(&#?\w+;)")


def typeset(html: str, lang: str) -> str:
    """``html`` (a rendered edition, notes placed) with the passes that ``lang``'s script
    needs and those every edition needs."""
    script = script_of(lang)
    return _each_text(html, cyrillic=script == "cyrillic", armenian=script == "armenian")


def _each_text(html: str, *, cyrillic: bool, armenian: bool) -> str:
    """Apply the passes to every text between tags, knowing which elements it is inside."""
    parts = _TOKENS.split(html)
    open_: list[tuple[str, frozenset[str]]] = []  # the elements the text is inside, with classes
    for index in range(0, len(parts), 2):
        text = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else ""
        if text and not any(_untouched(name, classes) for name, classes in open_):
            if _CALL.match(following):  # "areas. ³": the call stays with its word
                text = _TRAILING_SPACE.sub("\u00a0", text)
            if cyrillic:
                text = _tie(text, following)
            if armenian and _in_capitals(open_):
                text = armenian_capitals(text)
            parts[index] = text
        if following:
            _follow(following, open_)
    return "".join(parts)


def _untouched(name: str, classes: frozenset[str]) -> bool:
    return name in _UNTOUCHED or (name == "a" and "url" in classes)


def _in_capitals(open_: list[tuple[str, frozenset[str]]]) -> bool:
    """Whether the built-in stylesheets (base.css, report.css) set this text in capitals:
    headings of the first two levels, the masthead's kind of document (unless the workspace
    wants it as written), the embargo line, the draft mark, the report cover's organisation."""
    every = frozenset().union(*(classes for _, classes in open_))
    if any(name in ("h1", "h2") for name, _ in open_) or every & {"embargo", "draft-mark"}:
        return True
    if "kind" in every and "as-written" not in every:
        return True
    return "organisation" in every and "cover" in every


def _tie(text: str, following: str) -> str:
    """Cyrillic text with its one-letter words tied to the next, and its compound names
    ("Нагорно-Карабахской") kept on one line: broken at the hyphen, a search for the name
    misses it."""
    text = _COMPOUND.sub(r'<span class="compound">\g<0></span>', _TIE.sub("\\1\u00a0", text))
    start = _START.match(following)
    classes = _CLASS.search(start.group(2)) if start else None
    url = classes is not None and "url" in classes.group(1).split()
    if start and start.group(1).lower() in _INLINE and not url:  # "в <em>Ереване</em>"
        text = _TIE_AT_END.sub("\\1\u00a0", text)
    return text


def _follow(tag: str, open_: list[tuple[str, frozenset[str]]]) -> None:
    """Keep ``open_`` (the elements the next text is inside) up to date with ``tag``."""
    if end := _END.match(tag):
        name = end.group(1).lower()
        for at in range(len(open_) - 1, -1, -1):
            if open_[at][0] == name:
                del open_[at:]
                break
        return
    start = _START.match(tag)
    if not start or tag.endswith("/>") or start.group(1).lower() in _VOID:
        return
    classes = _CLASS.search(start.group(2))
    open_.append((start.group(1).lower(), frozenset(classes.group(1).split() if classes else ())))


def armenian_capitals(text: str) -> str:
    """Armenian text in capitals, "և" as today's "ԵՎ" (Unicode's capital form is "ԵՒ");
    character references (``&amp;``) are kept as written."""
    return "".join(part if _ENTITY.fullmatch(part) else part.replace("և", "ԵՎ").upper()
                   for part in _ENTITY.split(text))
