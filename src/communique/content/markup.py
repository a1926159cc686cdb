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

Both steps take time linear in the text, whatever it holds (a field may be 200,000 characters,
and a hostile one all brackets): the scanner matches every bracket of a text in one pass before
reading it (``_Brackets``) instead of searching for each one's end, and markdown-it is spared its
own search through the rest of a paragraph for a '[' that no ']' follows (``_lone_bracket``).
Notes cannot hold notes, so the scanner never goes deeper than one note: a note inside a note
is an error, and its text is not read.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from communique.characters import url_problem

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
# Where ``_HAS_KEY`` can match inside any part of a text that starts before the '@' (the '^' of
# the pattern is a part's first character, checked on its own).
_KEY_AT = re.compile(r"(?<=[\s;\u061b-])@(?=[A-Za-z0-9_])")
_BLANK_LINE = re.compile(r"[ \t]*\n")
_BRACKETS = re.compile(r"[\\\[\]\n]")
_OPENERS = re.compile(r"\[+")
_BACKTICKS = re.compile(r"`+")
_SPECIAL = re.compile(r"[\\`^\[]")  # what the scanner stops at; other text is copied as it is
_NUM = r"[0-9IVXLCDMivxlcdm]+[a-z]?(?:[.\-–][0-9A-Za-z]+)*"
_LOCATOR = re.compile(
    rf"^(?P<loc>(?:(?:paras?|pp?|chap|ch|secs?|arts?|figs?|nn?|vols?|ll?|cl|annex)(?:\.\s*|\s+)|§+\s*)"
    rf"{_NUM}(?:\s*(?:-|–|,|\u060c|and)\s*{_NUM})*)(?P<rest>.*)$", re.S | re.I)
QUOTES = "\"“”«»„‘’'"

SAFE_SCHEMES = {"http", "https", "mailto"}
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


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
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "typographer": False})
    md.disable(["image", "html_inline", "html_block"])
    md.enable("linkify")
    # Bare addresses become links only when written with http(s): or mailto: (no "example.org"
    # or "www." guessed from text, no ftp: or "//" the link rules would refuse anyway).
    linkify = md.linkify  # linkify-it, made by markdown-it for the "linkify" option
    assert linkify is not None
    linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    linkify.add("ftp:", None)
    linkify.add("//", None)
    md.inline.ruler.before("link", "lone_bracket", _lone_bracket)
    md.core.ruler.after("linkify", "url_text", _url_text)
    md.add_render_rule("url_text", lambda self, tokens, i, options, env: breakable_url(tokens[i].content))
    # markdown-it's documented hook for which links to keep
    md.validateLink = (lambda url: True) if checking else _safe_link  # type: ignore[method-assign]
    return md


def _url_text(state) -> None:
    """A link whose text is its address (a bare URL, or ``<https://…>``) is a URL as the notes
    print one: ``class="url"`` and the text breakable where ``breakable_url`` says."""
    for token in state.tokens:
        children = token.children or []
        for k, child in enumerate(children[:-1]):
            if child.type == "link_open" and child.markup in ("linkify", "autolink"):
                child.attrSet("class", "url")
                if children[k + 1].type == "text":
                    children[k + 1].type = "url_text"


# Where a printed address may break (after the Chicago Manual of Style): after "//" and ":",
# before a slash, full stop, question mark, hash, tilde, underscore or percent sign, and before
# or after "=" and "&". Never after a hyphen: "nagorno-" at a line's end reads as a word
# hyphenated by the printer, and a reader copying the address drops it. A hyphen begins the
# next line with the letter after it (the two are kept together), where it is seen for what it is.
# A run of such marks ("__", "/.") stays whole.
_URL_MARKS = "/.?#~_%=&:-"
_URL_BREAK = re.compile(rf"(?<=//)(?=[^{_URL_MARKS}])|(?<=[:=&])(?=[^{_URL_MARKS}])"
                        rf"|(?<=[^{_URL_MARKS}])(?=[/.?#~_%=&])|(?<=[^-])(?=-+[^-])")


def breakable_url(url: str) -> str:
    """The HTML of an address as printed text: ``<wbr>`` where it may break, each hyphen held to
    the character after it (``<span class="url-hyphen">``), since browsers and WeasyPrint may
    otherwise break after it; the text itself (what a reader copies) is unchanged."""
    out: list[str] = []
    pos = 0
    for m in _URL_BREAK.finditer(url):
        if m.start() > pos:
            out.append(_url_piece(url[pos:m.start()]))
            out.append("<wbr>")
        pos = m.start()
    out.append(_url_piece(url[pos:]))
    return "".join(out)


def _url_piece(piece: str) -> str:
    held = re.match(r"-+[^-]", piece)
    if held:
        return (f'<span class="url-hyphen">{escapeHtml(held.group())}</span>'
                f"{escapeHtml(piece[held.end():])}")
    return escapeHtml(piece)


_refusals = threading.local()  # how many links the renderer refused, in this thread


def _safe_link(url: str) -> bool:
    """The renderer's rule for links; counts refusals, so that ``_check_links`` parses a text
    again (with every link kept, to locate each refused one) only when there is one."""
    if link_problem(url) is None:
        return True
    _refusals.count = getattr(_refusals, "count", 0) + 1
    return False


def _render(source: str, block: bool) -> tuple[str, bool]:
    """The HTML of scanned text, and whether it has a link ``_check_links`` would report: one
    the renderer refused, or one without a target (which markdown-it does not validate)."""
    _refusals.count = 0
    md = _markdown()
    env: dict = {}
    tokens = md.parse(source, env) if block else md.parseInline(source, env)
    refused = _refusals.count > 0 or any(
        child.type == "link_open" and not child.attrGet("href")
        for token in tokens for child in [token, *(token.children or [])])
    return md.renderer.render(tokens, md.options, env), refused


_CLOSES = "communique: positions of ']'"  # a key of markdown-it's per-paragraph cache (ints otherwise)


def _lone_bracket(state, silent: bool) -> bool:
    """A '[' with no ']' after it (before the end of what is being parsed) is plain text.

    markdown-it's link rule would look for the label's end through the rest of the paragraph
    at every such '[', so a field of 200,000 of them took minutes; the link rule fails on it
    all the same, and then markdown-it keeps the character as text, as this does.
    """
    if state.src[state.pos] != "[":
        return False
    closes = state.cache.get(_CLOSES)
    if closes is None:
        closes = state.cache[_CLOSES] = [m.start() for m in re.finditer(r"\]", state.src)]
    k = bisect_left(closes, state.pos + 1)
    if k < len(closes) and closes[k] < state.posMax:
        return False
    run = _OPENERS.match(state.src, state.pos, state.posMax).end()  # type: ignore[union-attr]
    if not silent:  # the '[' after this one has no ']' after it either
        state.pending += state.src[state.pos:run]
    state.pos = run
    return True


def parse(text: str, *, block: bool) -> tuple[RichText, list[MarkupProblem]]:
    """Parse one field: ``block`` fields hold paragraphs, others a single line of inline text."""
    problems: list[MarkupProblem] = []
    text = RESERVED.sub("", text)
    marks: list = []
    source = _scan(text, 0, marks, problems, inside_note=False)
    html, refused = _render(source, block)
    _check_links(text, 0, source, problems, block, refused)
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
    """Replace citations and notes in ``text`` by placeholders; ``base`` is its raw offset.

    The scan jumps from one special character to the next (``\\``, a backtick, ``^[``, ``[``);
    each has its reader, which returns what to write and where to go on.
    """
    scan = _Scan(text, base, marks, problems, inside_note)
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        special = _SPECIAL.search(text, i)
        if special is None:
            out.append(text[i:])
            break
        out.append(text[i:special.start()])
        piece, i = scan.at(special.start())
        out.append(piece)
    return "".join(out)


class _Scan:
    """The readers of :func:`_scan`, each given the index of its special character and
    returning (text to write, index to go on from)."""

    def __init__(self, text: str, base: int, marks: list, problems: list[MarkupProblem],
                 inside_note: bool):
        self.text, self.base, self.marks, self.problems = text, base, marks, problems
        self.inside_note = inside_note
        self.brackets = _Brackets(text)

    def at(self, i: int) -> tuple[str, int]:
        text, c = self.text, self.text[i]
        if c == "\\" and i + 1 < len(text):
            return text[i:i + 2], i + 2
        if c == "`":
            return self.code(i)
        if c == "^" and text.startswith("^[", i):
            return self.note(i)
        if c == "[":
            return self.citation(i)
        return c, i + 1

    def code(self, i: int) -> tuple[str, int]:
        """Code is copied as it is, citations and all; a lone run of backticks too."""
        run = _BACKTICKS.match(self.text, i).end() - i  # type: ignore[union-attr]
        end = self.brackets.backticks(run, i + run)
        stop = end + run if end >= 0 else i + run
        return self.text[i:stop], stop

    def note(self, i: int) -> tuple[str, int]:
        """``^[…]``: a free note, scanned for its own citations, as one placeholder."""
        text, base, problems = self.text, self.base, self.problems
        close = self.brackets.close[i + 1]
        if close < 0:
            problems.append(MarkupProblem(base + i, "unterminated note: '^[' has no closing ']'",
                                          "^["))
            return text[i:], len(text)
        if self.inside_note:  # notes never nest: the inner one is not read (nor its own notes)
            problems.append(MarkupProblem(base + i, "a note cannot contain another note '^['",
                                          "^["))
            return text[i:close + 1], close + 1
        inner = text[i + 2:close]
        if not inner.strip():
            problems.append(MarkupProblem(base + i, "empty note '^[]'", "^["))
        inner_marks: list = []
        inner_source = _scan(inner, base + i + 2, inner_marks, problems, inside_note=True)
        rendered, refused = _render(inner_source, block=False)
        _check_links(inner, base + i + 2, inner_source, problems, False, refused)
        note = NoteMark(text=_split(rendered.strip(), inner_marks), offset=base + i)
        return _placeholder(self.marks, note), close + 1

    def citation(self, i: int) -> tuple[str, int]:
        """``[@id…]``: a citation (a note of its own, or part of the free note it is in); a
        link or plain brackets are scanned inside as ordinary text."""
        text, brackets = self.text, self.brackets
        close = brackets.close[i]
        if close < 0:
            if brackets.has_key(i + 1, brackets.paragraph_end(i + 1)):
                self.problems.append(MarkupProblem(
                    self.base + i, "unterminated citation: '[' before '@' has no closing ']'",
                    text[i:i + 2]))
            return "[", i + 1
        after = text[close + 1:close + 2]
        reference_definition = after == ":" and (i == 0 or text[i - 1] == "\n")
        if after in ("(", "[") or reference_definition or not brackets.has_key(i + 1, close):
            return "[", i + 1
        cites = _parse_cites(text[i + 1:close], self.base + i + 1, self.problems)
        if not cites:
            return "", close + 1
        mark = (InlineCites(cites) if self.inside_note
                else NoteMark(cites=cites, offset=self.base + i))
        return _placeholder(self.marks, mark), close + 1


class _Brackets:
    """What the scanner asks of a text, answered for the whole text in one pass.

    Searching forward from each '[' for its ']' (or from each backtick for its closing run) made
    the scanner quadratic: 20,000 '[' took 15 s. ``close`` is every bracket's match.
    """

    def __init__(self, text: str):
        self.text = text
        n = len(text)
        self.close = [-1] * n  # for each '[': the index of its ']', or -1
        stack: list[int] = []
        escaped = -1  # the character after a backslash
        for m in _BRACKETS.finditer(text):
            i = m.start()
            if i == escaped:
                continue
            c = text[i]
            if c == "\\":
                escaped = i + 1
            elif c == "[":
                stack.append(i)
            elif c == "]":
                if stack:
                    self.close[stack.pop()] = i
            elif _BLANK_LINE.match(text, i + 1):  # c is a line break
                stack.clear()  # a bracket never spans paragraphs
        self._keys = [m.start() for m in _KEY_AT.finditer(text)]
        self._breaks = [m.start() for m in re.finditer(r"(?=\n\n)", text)]
        self._runs: dict[int, list[int]] | None = None

    def has_key(self, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` cites a key as ``_HAS_KEY`` reads it."""
        text = self.text
        if start + 1 < end and text[start] == "@" and re.match(r"[A-Za-z0-9_]", text[start + 1]):
            return True
        k = bisect_left(self._keys, start)
        return k < len(self._keys) and self._keys[k] < end - 1

    def paragraph_end(self, start: int) -> int:
        """Where the text from ``start`` reaches a blank line ("\\n\\n"), or its end."""
        k = bisect_left(self._breaks, start)
        return self._breaks[k] if k < len(self._breaks) else len(self.text)

    def backticks(self, run: int, start: int) -> int:
        """The first run of at least ``run`` backticks at or after ``start``, or -1."""
        if self._runs is None:
            self._runs = {}
            for m in _BACKTICKS.finditer(self.text):
                self._runs.setdefault(m.end() - m.start(), []).append(m.start())
        best = -1
        for length, starts in self._runs.items():  # as many lengths as √(2n) at most
            if length < run:
                continue
            # a run of ``length`` at s holds ``run`` backticks at s … s + length - run
            k = bisect_left(starts, start - (length - run))
            if k < len(starts):
                found = max(starts[k], start)
                best = found if best < 0 else min(best, found)
        return best


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
                 block: bool, refused: bool | None = None) -> None:
    """Report every refused link of ``source`` (scanned from ``raw``, at offset ``base``).

    ``refused`` says whether rendering ``source`` refused a link; None: find out first.
    """
    if refused is None:
        refused = _render(source, block)[1]
    if not refused:
        return  # the renderer kept every link: there is nothing to report
    md = _markdown(checking=True)
    tokens = md.parse(source) if block else md.parseInline(source)
    after = 0  # links come in reading order: each is looked for after the one before
    for token in tokens:
        for child in [token, *(token.children or [])]:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                problem = link_problem(href)
                if problem:
                    written = href
                    offset = raw.find(written, after)
                    if offset < 0:  # as written, before markdown-it encoded it
                        written = md.normalizeLinkText(href)
                        offset = raw.find(written, after)
                    # (not found when written with entities: the field's start)
                    needle = written[:20] if offset >= 0 else None
                    problems.append(MarkupProblem(base + max(offset, 0), problem, needle))
                    after = max(after, offset + 1)


def link_problem(href: str) -> str | None:
    """Why a link target is refused, or None: only http(s), mailto and in-page anchors.

    Browsers drop tabs and line breaks inside a URL and strip control characters around it, so
    a tab inside "javascript:" still runs it: any space or control character is refused
    outright (Markdown link targets arrive percent-encoded, so this only stops tricks). The
    scheme is compared lower-cased, and entities (``&colon;``) are already decoded by then.
    """
    if _SPACE_OR_CONTROL.search(href):
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
    return url_problem(href)  # invisible characters, look-alike hosts (content/characters.py)


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
