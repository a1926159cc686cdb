"""Which characters text may hold: one rule for statements, PO files and source libraries.

Text reaches the page from YAML, from PO files (content translations and template-string
catalogs) and from CSL-JSON or BibTeX libraries. Whatever the file, and however a character
was written (raw, or as an escape such as ``\\x01``, ``\\v`` or ``\\ue123``):

- **refused** (an error at its file, line and column): control characters other than tab, line
  feed and carriage return, surrogates, noncharacters, and private-use characters. No font
  draws a private-use character (the PDF would show an empty box), and U+E000–U+E00F are the
  pipeline's own placeholders (``communique.content.markup``).
- **warned about in text**: bidi embeddings and overrides (U+202A–U+202E), which make text read
  otherwise than it is stored ("…exe.jpg"), and invisible characters (zero-width space, word
  joiner, invisible operators, tags, Hangul fillers). The bidi marks and isolates that
  right-to-left text needs (U+200E, U+200F, U+061C, U+2066–U+2069), and the joiners scripts
  need (U+200C, U+200D), are allowed.
- **refused in a URL** (``url_problem``): any format, space or control character, which no one
  can see in a printed link; and a host whose name mixes scripts (a look-alike of another
  address: Cyrillic "а" in "аpple.com").
"""

from __future__ import annotations

import re
import unicodedata

_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff"
    "\U000f0000-\U0010ffff]")
_NONCHARACTER = re.compile("[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U0003fffe\U0003ffff"
                           "\U000efffe\U000effff]")
# In text: bidi embeddings and overrides, and characters that take no room and show nothing.
_HIDDEN = re.compile("[\u202a-\u202e\u200b\u2060-\u2064\ufeff\u180e\u115f\u1160\u3164\uffa0"
                     "\u034f\U000e0000-\U000e007f]")
_INVISIBLE_IN_URLS = frozenset("\u115f\u1160\u3164\uffa0\u034f\u180e")


def describe(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: a character as a message names it."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def refused(text: str) -> tuple[int, str] | None:
    """The first character ``text`` may not hold: (offset, why), or None."""
    m = _REFUSED.search(text) or _NONCHARACTER.search(text)
    if m is None:
        return None
    ch = m.group()
    code = ord(ch)
    if 0xE000 <= code <= 0xE00F:
        why = "is reserved for communique's own placeholders"
    elif 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
        why = "is a private-use character, which no font draws"
    elif 0xD800 <= code <= 0xDFFF:
        why = "is a lone surrogate, not a character"
    elif unicodedata.category(ch) == "Cc":
        why = "is a control character"
    else:
        why = "is a noncharacter"
    return m.start(), f"character U+{code:04X} {why}"


def hidden(text: str) -> tuple[int, str] | None:
    """The first bidi override or invisible character in ``text``: (offset, warning), or None.

    One warning a text, however many it holds (the count is in the message).
    """
    found = [m.start() for m in _HIDDEN.finditer(text)]
    if not found:
        return None
    ch = text[found[0]]
    if "\u202a" <= ch <= "\u202e":
        why = "changes the direction text is shown in, so it reads otherwise than it is written"
    else:
        why = "is invisible"
    more = f" ({len(found)} such characters in this text)" if len(found) > 1 else ""
    return found[0], f"character {describe(ch)} {why}; remove it{more}"


def url_problem(url: str) -> str | None:
    """Why a URL is refused for its characters, or None (``markup.link_problem`` uses it)."""
    if url.isascii() and "%" not in url and "xn--" not in url.lower():
        return None if url.isprintable() and " " not in url else (
            "link contains spaces or control characters")  # (the common case, quickly)
    from urllib.parse import unquote

    decoded = unquote(url)  # markdown-it percent-encodes link targets; a reader sees them decoded
    for ch in url + decoded:
        if ch in decoded and ch not in url and ch in " \u00a0":
            continue  # a percent-encoded space is an ordinary part of an address
        category = unicodedata.category(ch)
        if category in ("Cf", "Cc", "Zs", "Zl", "Zp") or ch in _INVISIBLE_IN_URLS:
            return (f"link contains {describe(ch)}, which no reader can see in the address; "
                    "write the address without it")
    host = _host(url)
    scripts = mixed_scripts(host) if host else None
    if scripts:
        return (f"link host '{host}' mixes {' and '.join(scripts)} letters, as an address made "
                "to look like another does; write the address as the site spells it")
    return None


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):  # punycode: what a browser would show
            try:
                label = label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                pass
        labels.append(label)
    return ".".join(labels)


# Scripts a single name may combine (Japanese, Chinese and Korean writing), as browsers allow.
_ALLOWED_MIXES = ({"latin", "han", "hiragana", "katakana"}, {"latin", "han", "bopomofo"},
                  {"latin", "han", "hangul"})


def mixed_scripts(host: str) -> list[str] | None:
    """The scripts of a host label that mixes them (sorted), or None."""
    for label in host.split("."):
        scripts = set()
        for ch in label:
            if not ch.isalpha():
                continue
            word = unicodedata.name(ch, "?").split(" ")[0].lower()
            scripts.add("han" if word == "cjk" else word)
        if len(scripts) > 1 and not any(scripts <= mix for mix in _ALLOWED_MIXES):
            return sorted(s.capitalize() for s in scripts)
    return None
