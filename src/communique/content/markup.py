"""Inline Markdown with pandoc-style citations and notes.

Citations are ``[@id]``, ``[@id, para. 10]``, ``[See as well: @id]`` and ``[@a; @b]``; every
bracket of them becomes one note. Text in Arabic script may use its own comma and semicolon
there (``[@id، para. 10]``, ``[@a؛ @b]``), as its keyboards type them. A free-text note is
``^[…]`` and may cite sources inside (those citations are written out in the note, they do not
make notes of their own).

Parsing is two steps: a scanner finds citations and notes in the raw field text (so problems
know their exact offset), swaps each for a private-use placeholder, and markdown-it renders the
rest. The rendered HTML is split back at the placeholders into a ``RichText``: a tuple of HTML
strings and note marks, which later stages number and render for the web or for print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

OPEN, CLOSE = "\ue000", "\ue001"
# Placeholders the pipeline writes into text (these, note calls, the endnotes slot) come from
# this private-use block. Content holding them could fake a note call, so the loader refuses
# them and ``parse`` drops them.
RESERVED = re.compile("[\ue000-\ue00f]")
_PLACEHOLDER = re.compile(f"{OPEN}(\\d+){CLOSE}")

# pandoc's citation key: starts with a letter, digit or _, may hold internal punctuation.
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?"
_CITE_ITEM = re.compile(rf"^(?P<prefix>(?:.*?\s)?)-?@(?P<key>{KEY})(?P<suffix>.*)$", re.S)
_HAS_KEY = re.compile(rf"(?:^|[\s;\u061b]|(?<=-))@{KEY}")
_NUM = r"[0-9IVXLCDMivxlcdm]+[a-z]?(?:[.\-–][0-9A-Za-z]+)*"
_LOCATOR = re.compile(
    rf"^(?P<loc>(?:(?:paras?|pp?|chap|ch|secs?|arts?|figs?|nn?|vols?|ll?|cl|annex)(?:\.\s*|\s+)|§+\s*)"
    rf"{_NUM}(?:\s*(?:-|–|,|\u060c|and)\s*{_NUM})*)(?P<rest>.*)$", re.S | re.I)
QUOTES = "\"“”«»„‘’'"

SAFE_SCHEMES = {"http", "https", "mailto"}


@dataclass(frozen=True)
class Cite:
    """One source cited: ``prefix @key, locator suffix``."""

    key: str
    prefix: str = ""
    locator: str = ""
    suffix: str = ""
    offset: int = 0  # of the '@' in the field's raw text

    @property
    def quote(self) -> str:
        """The suffix when it is a quotation of the source (rendered without a comma)."""
        s = self.suffix.strip()
        return s if s[:1] in QUOTES else ""


@dataclass(frozen=True)
class InlineCites:
    """Citations written out inside a free-text note."""

    cites: tuple[Cite, ...]


@dataclass(frozen=True)
class NoteMark:
    """A place in the text that calls a note: a citation note or a free-text note."""

    cites: tuple[Cite, ...] = ()
    text: tuple = ()  # RichText of a free-text note (may contain InlineCites)
    offset: int = 0


RichText = tuple  # tuple[str | NoteMark | InlineCites, ...]


@dataclass(frozen=True)
class MarkupProblem:
    offset: int
    message: str
    needle: str | None = None


@cache
def _markdown(checking: bool = False) -> MarkdownIt:
    """The Markdown parser: raw HTML and images off, so content can neither run nor embed.

    The renderer drops any link ``link_problem`` refuses, wherever its text ends up (fields,
    notes, citation prefixes). The ``checking`` parser keeps every link, so that
    ``_check_links`` can report each refused one with its location.
    """
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_inline", "html_block"])
    # markdown-it's documented hook for which links to keep
    md.validateLink = (  # type: ignore[method-assign]
        (lambda url: True) if checking else (lambda url: link_problem(url) is None))
    return md


def parse(text: str, *, block: bool) -> tuple[RichText, list[MarkupProblem]]:
    """Parse one field: ``block`` fields hold paragraphs, others a single line of inline text."""
    problems: list[MarkupProblem] = []
    text = RESERVED.sub("", text)
    marks: list = []
    source = _scan(text, 0, marks, problems, inside_note=False)
    _check_links(text, 0, source, problems, block)
    md = _markdown()
    html = md.render(source) if block else md.renderInline(source)
    return _split(html.strip() if not block else html, marks), problems


def _split(html: str, marks: list) -> RichText:
    parts: list = []
    pos = 0
    for m in _PLACEHOLDER.finditer(html):
        if m.start() > pos:
            parts.append(html[pos:m.start()])
        parts.append(marks[int(m.group(1))])
        pos = m.end()
    if pos < len(html):
        parts.append(html[pos:])
    return tuple(parts)


def _placeholder(marks: list, mark) -> str:
    marks.append(mark)
    return f"{OPEN}{len(marks) - 1}{CLOSE}"


def _scan(text: str, base: int, marks: list, problems: list[MarkupProblem], *,
          inside_note: bool) -> str:
    """Replace citations and notes in ``text`` by placeholders; ``base`` is its raw offset."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            out.append(text[i:i + 2])
            i += 2
            continue
        if c == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            end = text.find("`" * run, i + run)
            if end >= 0:
                out.append(text[i:end + run])
                i = end + run
                continue
            out.append(text[i:i + run])
            i += run
            continue
        if c == "^" and text.startswith("^[", i):
            close = _matching(text, i + 1)
            if close < 0:
                problems.append(MarkupProblem(base + i, "unterminated note: '^[' has no closing ']'",
                                              "^["))
                out.append(text[i:])
                break
            if inside_note:
                problems.append(MarkupProblem(base + i, "a note cannot contain another note '^['",
                                              "^["))
            inner = text[i + 2:close]
            if not inner.strip():
                problems.append(MarkupProblem(base + i, "empty note '^[]'", "^["))
            inner_marks: list = []
            inner_source = _scan(inner, base + i + 2, inner_marks, problems, inside_note=True)
            _check_links(inner, base + i + 2, inner_source, problems, block=False)
            rendered = _markdown().renderInline(inner_source).strip()
            note = NoteMark(text=_split(rendered, inner_marks), offset=base + i)
            out.append(_placeholder(marks, note))
            i = close + 1
            continue
        if c == "[":
            close = _matching(text, i)
            if close < 0:
                rest = text[i + 1:]
                if _HAS_KEY.search(rest.split("\n\n", 1)[0]):
                    problems.append(MarkupProblem(
                        base + i, "unterminated citation: '[' before '@' has no closing ']'",
                        text[i:i + 2]))
                out.append(c)
                i += 1
                continue
            after = text[close + 1:close + 2]
            inner = text[i + 1:close]
            reference_definition = after == ":" and (i == 0 or text[i - 1] == "\n")
            if after in ("(", "[") or reference_definition or not _HAS_KEY.search(inner):
                out.append(c)  # a link or plain brackets: scan inside them as ordinary text
                i += 1
                continue
            cites = _parse_cites(inner, base + i + 1, problems)
            if cites:
                mark = InlineCites(cites) if inside_note else NoteMark(cites=cites, offset=base + i)
                out.append(_placeholder(marks, mark))
            i = close + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _matching(text: str, start: int) -> int:
    """Index of the ']' closing the '[' at ``start``, or -1 (escapes and nesting respected)."""
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return i
        elif c == "\n" and text[i + 1:].lstrip(" \t").startswith("\n"):
            return -1  # a bracket never spans paragraphs
        i += 1
    return -1


def _parse_cites(inner: str, base: int, problems: list[MarkupProblem]) -> tuple[Cite, ...]:
    # Split on ';' (or the Arabic '؛') only where the next part cites a key, so a quoted
    # '…measures;' stays whole.
    parts: list[tuple[int, str]] = []
    pos = 0
    pieces = re.split("([;\u061b])", inner)
    for i in range(0, len(pieces), 2):
        piece = pieces[i]
        if parts and not _HAS_KEY.search(piece):
            start, prev = parts[-1]
            parts[-1] = (start, prev + pieces[i - 1] + piece)
        else:
            parts.append((pos, piece))
        pos += len(piece) + 1
    cites = []
    for start, piece in parts:
        m = _CITE_ITEM.match(piece)
        if not m:
            problems.append(MarkupProblem(base + start, f"cannot read citation '{piece.strip()}'",
                                          piece.strip()[:20] or None))
            continue
        prefix = " ".join(m.group("prefix").split())
        suffix = m.group("suffix")
        _check_links(piece, base + start, piece, problems, block=False)  # prefixes are Markdown too
        if _HAS_KEY.search(suffix):
            problems.append(MarkupProblem(base + start + m.start("suffix"),
                                          "separate several citations in one note with ';'",
                                          suffix.strip()[:20] or None))
        suffix = suffix.strip()
        if suffix.startswith((",", "\u060c")):
            suffix = suffix[1:].strip()
        locator = ""
        lm = _LOCATOR.match(suffix)
        if lm:
            locator, suffix = lm.group("loc").strip(), lm.group("rest").strip(" ,:\u060c")
        cites.append(Cite(key=m.group("key"), prefix=prefix, locator=locator,
                          suffix=" ".join(suffix.split()), offset=base + start + m.start("key") - 1))
    return tuple(cites)


def _check_links(raw: str, base: int, source: str, problems: list[MarkupProblem],
                 block: bool) -> None:
    """Report every refused link of ``source`` (scanned from ``raw``, at offset ``base``)."""
    md = _markdown(checking=True)
    tokens = md.parse(source) if block else md.parseInline(source)
    for token in tokens:
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                problem = link_problem(href)
                if problem:
                    offset = raw.find(href)  # not found when written with entities: the field
                    needle = href[:20] if offset >= 0 else None
                    problems.append(MarkupProblem(base + max(offset, 0), problem, needle))


def link_problem(href: str) -> str | None:
    """Why a link target is refused, or None: only http(s), mailto and in-page anchors.

    Browsers drop tabs and line breaks inside a URL and strip control characters around it, so
    a tab inside "javascript:" still runs it: any space or control character is refused
    outright (Markdown link targets arrive percent-encoded, so this only stops tricks). The
    scheme is compared lower-cased, and entities (``&colon;``) are already decoded by then.
    """
    if any(ch <= " " or ch == "\x7f" for ch in href):
        return f"link '{_shown(href)}' contains spaces or control characters"
    if href.startswith("#"):
        return None
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if not scheme:
        return f"link '{href}' has no scheme: write a full http:// or https:// address"
    if scheme not in SAFE_SCHEMES:
        return f"link scheme '{scheme}:' is not allowed (only http, https and mailto)"
    if scheme in ("http", "https") and not parts.netloc:
        return f"link '{href}' has no host"
    return None


def _shown(text: str) -> str:
    """Text for a message, with control characters made visible."""
    return "".join(ch if " " <= ch != "\x7f" else f"\\x{ord(ch):02x}" for ch in text)


def cited_keys(rich: RichText) -> list[Cite]:
    """Every citation in a rich text, in reading order, including those inside free notes."""
    found: list[Cite] = []
    for part in rich:
        if isinstance(part, NoteMark):
            found.extend(part.cites)
            found.extend(cited_keys(part.text))
        elif isinstance(part, InlineCites):
            found.extend(part.cites)
    return found
